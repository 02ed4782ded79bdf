// Interop test: the real `ovs-appctl` drives `ovs-ts vswitchd`, finding it the
// way it finds ovs-vswitchd (pidfile in $OVS_RUNDIR, then PROGRAM.PID.ctl), and
// the replies are compared with the real ovs-vswitchd --enable-dummy's where
// they are comparable. Also: clean-up on exit and SIGTERM, a refused second
// start, and command-line errors worded like the real daemon's.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { OVS_TS_BIN, runOvsTs, runTool, type ToolOutcome } from '../support/run-tool.js';
import { realOvsMissing, startRealOvs, type RealOvs } from '../support/real-ovs.js';

const missing = realOvsMissing();

/** A scratch directory used as OVS_RUNDIR and OVS_LOGDIR for one ovs-ts vswitchd. */
class Sandbox {
  readonly dir = mkdtempSync(join(tmpdir(), 'ovs-ts-vswitchd-'));
  readonly env: NodeJS.ProcessEnv = { ...process.env, OVS_RUNDIR: this.dir, OVS_LOGDIR: this.dir };

  start(...extra: string[]): Promise<ToolOutcome> {
    return runOvsTs(['vswitchd', '--detach', '--pidfile', '--log-file', ...extra], { env: this.env });
  }

  appctl(...args: string[]): Promise<ToolOutcome> {
    return runTool('ovs-appctl', ['-t', 'ovs-vswitchd', ...args], { env: this.env });
  }

  pid(): number {
    return Number(readFileSync(join(this.dir, 'ovs-vswitchd.pid'), 'utf8').trim());
  }

  files(): string[] {
    return readdirSync(this.dir).filter((name) => name.startsWith('ovs-vswitchd.') && name !== 'ovs-vswitchd.log');
  }

  log(): string {
    return readFileSync(join(this.dir, 'ovs-vswitchd.log'), 'utf8');
  }

  /** Waits until `pid` has exited (a zombie counts: init may reap orphans late). */
  async waitGone(pid: number): Promise<void> {
    for (let i = 0; i < 250; i++) {
      try {
        process.kill(pid, 0);
        if (/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'))) return;
      } catch {
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    assert.fail(`pid ${pid} still running`);
  }

  /** Stops the daemon if a test left it running, then removes the directory. */
  async destroy(): Promise<void> {
    if (existsSync(join(this.dir, 'ovs-vswitchd.pid'))) {
      const pid = this.pid();
      try {
        process.kill(pid, 'SIGTERM');
        await this.waitGone(pid);
      } catch {
        // Already gone.
      }
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function ok(result: ToolOutcome): string {
  assert.equal(result.status, 0, `exit ${result.status}: ${result.stderr}`);
  return result.stdout;
}

describe('ovs-ts vswitchd under the real ovs-appctl', { skip: missing ?? false }, () => {
  let real: RealOvs;
  const box = new Sandbox();
  const realAppctl = (...args: string[]): Promise<ToolOutcome> => runTool('ovs-appctl', ['-t', 'ovs-vswitchd', ...args], { env: real.env });

  before(async () => {
    real = await startRealOvs();
    const started = await box.start();
    assert.equal(started.status, 0, started.stderr);
  });

  after(async () => {
    await box.destroy();
    await real?.stop();
  });

  test('the pidfile and control socket are in place when --detach returns', () => {
    const pid = box.pid();
    assert.notEqual(pid, process.pid);
    assert.deepEqual(box.files().sort(), [`ovs-vswitchd.${pid}.ctl`, 'ovs-vswitchd.pid']);
    assert.match(box.log(), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\|00001\|vlog\|INFO\|opened log file .*ovs-vswitchd\.log\n/);
  });

  test('version and list-commands have the real layout', async () => {
    assert.match(ok(await box.appctl('version')), /^ovs-vswitchd \(ovs-ts\) \d+\.\d+\.\d+\n$/);
    const ours = ok(await box.appctl('list-commands')).split('\n');
    const theirs = new Set(ok(await realAppctl('list-commands')).split('\n'));
    assert.equal(ours[0], 'The available commands are:');
    for (const line of ours) assert.ok(theirs.has(line), `real ovs-vswitchd lists no ${JSON.stringify(line)}`);
    for (const name of ['exit', 'time/warp', 'vlog/set', 'coverage/show', 'memory/show']) {
      assert.ok(ours.some((line) => line.startsWith(`  ${name} `)), `${name} missing`);
    }
  });

  test('vlog/list and vlog/set behave as on the real daemon', async () => {
    const row = (text: string, module: string): string | undefined =>
      text.split('\n').find((line) => line.startsWith(`${module} `));
    const ourList = ok(await box.appctl('vlog/list'));
    const realList = ok(await realAppctl('vlog/list'));
    assert.deepEqual(ourList.split('\n').slice(0, 2), realList.split('\n').slice(0, 2));
    assert.equal(row(ourList, 'vlog'), row(realList, 'vlog'));
    assert.equal(ok(await box.appctl('vlog/set', 'vlog:file:dbg')), '');
    assert.equal(ok(await realAppctl('vlog/set', 'vlog:file:dbg')), '');
    assert.equal(row(ok(await box.appctl('vlog/list')), 'vlog'), row(ok(await realAppctl('vlog/list')), 'vlog'));
    for (const spec of ['nosuch', 'dbg info', 'PATTERN:bad:x']) {
      const ourError = await box.appctl('vlog/set', spec);
      const realError = await realAppctl('vlog/set', spec);
      assert.equal(ourError.status, 2);
      assert.deepEqual([ourError.status, ourError.stderr], [realError.status, realError.stderr]);
    }
    assert.equal(ok(await box.appctl('vlog/list-pattern')), ok(await realAppctl('vlog/list-pattern')));
  });

  test('coverage/show, coverage/read-counter and memory/show have the real format', async () => {
    const header = /^Event coverage, avg rate over last: 5 seconds, last minute, last hour, {2}hash=[0-9a-f]{8}:$/;
    for (const text of [ok(await box.appctl('coverage/show')), ok(await realAppctl('coverage/show'))]) {
      const lines = text.split('\n');
      assert.match(lines[0]!, header);
      assert.match(lines.at(-2)!, /^\d+ events never hit$/);
      assert.equal(lines.at(-1), '');
    }
    const ourMissing = await box.appctl('coverage/read-counter', 'nosuch');
    const realMissing = await realAppctl('coverage/read-counter', 'nosuch');
    assert.deepEqual([ourMissing.status, ourMissing.stderr], [realMissing.status, realMissing.stderr]);
    const pairs = /^[\w-]+:\d+( [\w-]+:\d+)*\n$/;
    assert.match(ok(await box.appctl('memory/show')), pairs);
    assert.match(ok(await realAppctl('memory/show')), pairs);
  });

  test('time/stop and time/warp reply as the real daemon does', async () => {
    assert.equal(ok(await box.appctl('time/stop')), ok(await realAppctl('time/stop')));
    assert.equal(ok(await box.appctl('time/warp', '1000')), 'warped\n');
    assert.equal(ok(await realAppctl('time/warp', '1000')), 'warped\n');
    assert.equal(ok(await box.appctl('time/warp', '6000', '1000')), 'warped\n');
    const ourBad = await box.appctl('time/warp', 'abc');
    const realBad = await realAppctl('time/warp', 'abc');
    assert.deepEqual([ourBad.status, ourBad.stderr], [realBad.status, realBad.stderr]);
    const ourExtra = await box.appctl('time/stop', 'x');
    const realExtra = await realAppctl('time/stop', 'x');
    assert.deepEqual([ourExtra.status, ourExtra.stderr], [realExtra.status, realExtra.stderr]);
  });

  test('a second start is refused while the first runs', async () => {
    const pid = box.pid();
    const second = await box.start();
    assert.equal(second.status, 1);
    assert.ok(second.stderr.includes(`ovs-vswitchd: ${box.dir}/ovs-vswitchd.pid: already running as pid ${pid}, aborting\n`),
      second.stderr);
    assert.equal(box.pid(), pid);
    assert.match(ok(await box.appctl('version')), /ovs-ts/);
  });

  test('exit stops the daemon and removes the pidfile and socket', async () => {
    const pid = box.pid();
    assert.equal(ok(await box.appctl('exit')), '');
    await box.waitGone(pid);
    assert.deepEqual(box.files(), []);
    assert.match(box.log(), /\|vswitchd\|INFO\|exiting on request\n$/);
  });
});

describe('ovs-ts vswitchd signals and command line', { skip: missing ?? false }, () => {
  test('SIGTERM removes the pidfile and socket and logs the signal', async () => {
    const box = new Sandbox();
    try {
      const started = await box.start();
      assert.equal(started.status, 0, started.stderr);
      const pid = box.pid();
      assert.equal(box.files().length, 2);
      process.kill(pid, 'SIGTERM');
      await box.waitGone(pid);
      assert.deepEqual(box.files(), []);
      assert.match(box.log(), /\|fatal_signal\|WARN\|terminating with signal 15 \(Terminated\)\n$/);
    } finally {
      await box.destroy();
    }
  });

  test('in the foreground, --pidfile is locked for ovs-appctl and SIGTERM to the command stops the daemon', async () => {
    const box = new Sandbox();
    const command = spawn(process.execPath, [OVS_TS_BIN, 'vswitchd', '--pidfile', '--log-file'], { env: box.env, stdio: 'ignore' });
    const exited = new Promise<number | null>((resolve) => command.on('exit', (code) => resolve(code)));
    try {
      for (let i = 0; i < 250 && box.files().length < 2; i++) await new Promise((resolve) => setTimeout(resolve, 20));
      const pid = box.pid();
      assert.match(ok(await box.appctl('version')), /^ovs-vswitchd \(ovs-ts\)/);
      command.kill('SIGTERM');
      assert.equal(await exited, 143);
      await box.waitGone(pid);
      assert.deepEqual(box.files(), []);
    } finally {
      command.kill('SIGKILL');
      await box.destroy();
    }
  });

  test('bad command lines fail with the real ovs-vswitchd messages', async () => {
    const box = new Sandbox();
    try {
      for (const args of [['--foo'], ['--d'], ['-x'], ['--unixctl'], ['a', 'b'], ['-vfoo'], ['--detach=1']]) {
        const ours = await runOvsTs(['vswitchd', ...args], { env: box.env });
        const theirs = await runTool('ovs-vswitchd', args, { env: box.env });
        assert.deepEqual([ours.status, ours.stderr], [theirs.status, theirs.stderr], args.join(' '));
      }
      // A control socket that cannot be created: the same last line and status.
      const badSocket = ['--unixctl=/nonexistent/x.ctl', '--enable-dummy', '--disable-system'];
      const ours = await runOvsTs(['vswitchd', ...badSocket], { env: box.env });
      const theirs = await runTool('ovs-vswitchd', badSocket, { env: box.env });
      const lastLine = (text: string): string | undefined => text.trimEnd().split('\n').at(-1);
      assert.deepEqual([ours.status, lastLine(ours.stderr)], [theirs.status, lastLine(theirs.stderr)]);
      const version = await runOvsTs(['vswitchd', '--version'], { env: box.env });
      assert.match(version.stdout, /^ovs-vswitchd \(ovs-ts\) \d+\.\d+\.\d+\n$/);
      assert.deepEqual(box.files(), []);
    } finally {
      await box.destroy();
    }
  });
});
