// The whole ovs-ts control path: `ovs-ts appctl` finds a detached `ovs-ts
// vswitchd` by its pidfile in $OVS_RUNDIR, and for each command prints exactly
// what the real ovs-appctl prints when it talks to the same daemon.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OVS_TS_BIN, maskLogTimestamps, runTool, type ToolOutcome } from '../support/run-tool.js';
import { realOvsMissing } from '../support/real-ovs.js';

const missing = realOvsMissing() ?? false;

let dir: string;
let env: NodeJS.ProcessEnv;

/** Runs a tool in the sandbox; log timestamps masked. */
async function run(file: string, args: string[]): Promise<ToolOutcome> {
  const outcome = await runTool(file, args, { env, cwd: dir });
  return { ...outcome, stderr: maskLogTimestamps(outcome.stderr) };
}

async function same(args: string[]): Promise<ToolOutcome> {
  const [theirs, ours] = await Promise.all([
    run('ovs-appctl', args),
    run(process.execPath, [OVS_TS_BIN, 'appctl', ...args]),
  ]);
  assert.deepEqual(ours, theirs, `ovs-ts appctl ${args.join(' ')}`);
  return ours;
}

before(async () => {
  if (missing) return;
  dir = mkdtempSync(join(tmpdir(), 'appctl-vswitchd-'));
  env = { ...process.env, OVS_RUNDIR: dir, OVS_LOGDIR: dir };
  const started = await run(process.execPath, [OVS_TS_BIN, 'vswitchd', '--detach', '--pidfile', '--log-file']);
  assert.equal(started.status, 0, started.stderr);
});

after(async () => {
  if (missing) return;
  const pidfile = join(dir, 'ovs-vswitchd.pid');
  if (existsSync(pidfile)) {
    const pid = Number(readFileSync(pidfile, 'utf8').trim());
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // already gone
    }
    for (let i = 0; i < 100 && existsSync(pidfile); i++) await new Promise((r) => setTimeout(r, 20));
  }
  rmSync(dir, { recursive: true, force: true });
});

test('ovs-ts appctl and ovs-appctl see the same ovs-ts vswitchd', { skip: missing }, async () => {
  assert.match((await same(['version'])).stdout, /^ovs-vswitchd \(ovs-ts\) /);
  assert.match((await same(['list-commands'])).stdout, /^The available commands are:\n(.*\n)* {2}version +\n/);
  assert.equal((await same(['vlog/list'])).status, 0);
  assert.equal((await same(['no-such-command'])).status, 2);
  assert.equal((await same(['version', 'extra'])).status, 2);
  assert.equal((await same(['-t', 'ovs-vswitchd', 'coverage/show'])).status, 0);
});

test('ovs-ts appctl exit stops ovs-ts vswitchd and removes its files', { skip: missing }, async () => {
  const pid = Number(readFileSync(join(dir, 'ovs-vswitchd.pid'), 'utf8').trim());
  const ctl = join(dir, `ovs-vswitchd.${pid}.ctl`);
  assert.ok(existsSync(ctl));
  const outcome = await run(process.execPath, [OVS_TS_BIN, 'appctl', 'exit']);
  assert.deepEqual(outcome, { stdout: '', stderr: '', status: 0 });
  for (let i = 0; i < 100 && existsSync(ctl); i++) await new Promise((r) => setTimeout(r, 20));
  assert.ok(!existsSync(ctl), 'control socket removed');
  assert.equal((await same(['version'])).status, 1);
});
