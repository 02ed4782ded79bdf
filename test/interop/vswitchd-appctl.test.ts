// Interop test: the real `ovs-appctl` drives `ovs-ts vswitchd`, finding it the
// way it finds ovs-vswitchd (pidfile in $OVS_RUNDIR, then PROGRAM.PID.ctl), and
// the replies are compared with the real ovs-vswitchd --enable-dummy's where
// they are comparable. Also: clean-up on exit and SIGTERM, a refused second
// start, and command-line errors worded like the real daemon's.

import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { realOvsMissing, startRealOvs, type RealOvs } from '../support/real-ovs.js';

const missing = realOvsMissing();
const OVS_TS = fileURLToPath(new URL('../../../bin/ovs-ts.js', import.meta.url));

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

function runTool(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<Result> {
  return new Promise((resolve) => {
    execFile(command, args, { env, timeout: 20_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** A scratch directory used as OVS_RUNDIR and OVS_LOGDIR for one ovs-ts vswitchd. */
class Sandbox {
  readonly dir = mkdtempSync(join(tmpdir(), 'ovs-ts-vswitchd-'));
  readonly env: NodeJS.ProcessEnv = { ...process.env, OVS_RUNDIR: this.dir, OVS_LOGDIR: this.dir };

  start(...extra: string[]): Promise<Result> {
    return runTool(process.execPath, [OVS_TS, 'vswitchd', '--detach', '--pidfile', '--log-file', ...extra], this.env);
  }

  appctl(...args: string[]): Promise<Result> {
    return runTool('ovs-appctl', ['-t', 'ovs-vswitchd', ...args], this.env);
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

function ok(result: Result): string {
  assert.equal(result.code, 0, `exit ${result.code}: ${result.stderr}`);
  return result.stdout;
}

describe('ovs-ts vswitchd under the real ovs-appctl', { skip: missing ?? false }, () => {
  let real: RealOvs;
  const box = new Sandbox();
  const realAppctl = (...args: string[]): Promise<Result> => runTool('ovs-appctl', ['-t', 'ovs-vswitchd', ...args], real.env);

  before(async () => {
    real = await startRealOvs();
    const started = await box.start();
    assert.equal(started.code, 0, started.stderr);
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
      assert.equal(ourError.code, 2);
      assert.deepEqual([ourError.code, ourError.stderr], [realError.code, realError.stderr]);
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
    assert.deepEqual([ourMissing.code, ourMissing.stderr], [realMissing.code, realMissing.stderr]);
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
    assert.deepEqual([ourBad.code, ourBad.stderr], [realBad.code, realBad.stderr]);
    const ourExtra = await box.appctl('time/stop', 'x');
    const realExtra = await realAppctl('time/stop', 'x');
    assert.deepEqual([ourExtra.code, ourExtra.stderr], [realExtra.code, realExtra.stderr]);
  });

  test('a second start is refused while the first runs', async () => {
    const pid = box.pid();
    const second = await box.start();
    assert.equal(second.code, 1);
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
      assert.equal(started.code, 0, started.stderr);
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
    const command = spawn(process.execPath, [OVS_TS, 'vswitchd', '--pidfile', '--log-file'], { env: box.env, stdio: 'ignore' });
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
        const ours = await runTool(process.execPath, [OVS_TS, 'vswitchd', ...args], box.env);
        const theirs = await runTool('ovs-vswitchd', args, box.env);
        assert.deepEqual([ours.code, ours.stderr], [theirs.code, theirs.stderr], args.join(' '));
      }
      // A control socket that cannot be created: the same last line and status.
      const badSocket = ['--unixctl=/nonexistent/x.ctl', '--enable-dummy', '--disable-system'];
      const ours = await runTool(process.execPath, [OVS_TS, 'vswitchd', ...badSocket], box.env);
      const theirs = await runTool('ovs-vswitchd', badSocket, box.env);
      const lastLine = (text: string): string | undefined => text.trimEnd().split('\n').at(-1);
      assert.deepEqual([ours.code, lastLine(ours.stderr)], [theirs.code, lastLine(theirs.stderr)]);
      const version = await runTool(process.execPath, [OVS_TS, 'vswitchd', '--version'], box.env);
      assert.match(version.stdout, /^ovs-vswitchd \(ovs-ts\) \d+\.\d+\.\d+\n$/);
      assert.deepEqual(box.files(), []);
    } finally {
      await box.destroy();
    }
  });
});
