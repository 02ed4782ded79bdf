// The whole ovs-ts control path: `ovs-ts appctl` finds a detached `ovs-ts
// vswitchd` by its pidfile in $OVS_RUNDIR, and for each command prints exactly
// what the real ovs-appctl prints when it talks to the same daemon.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { realOvsMissing } from '../support/real-ovs.js';

const missing = realOvsMissing() ?? false;
const OVS_TS = fileURLToPath(new URL('../../../bin/ovs-ts.js', import.meta.url));

interface Outcome {
  stdout: string;
  stderr: string;
  status: number;
}

let dir: string;
let env: NodeJS.ProcessEnv;

function runTool(file: string, args: string[]): Promise<Outcome> {
  return new Promise((resolve) => {
    execFile(file, args, { env, cwd: dir, timeout: 20_000 }, (error, stdout, stderr) => {
      const status = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ stdout, stderr: stderr.replace(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\|/gm, 'TIME|'), status });
    });
  });
}

async function same(args: string[]): Promise<Outcome> {
  const [theirs, ours] = await Promise.all([
    runTool('ovs-appctl', args),
    runTool(process.execPath, [OVS_TS, 'appctl', ...args]),
  ]);
  assert.deepEqual(ours, theirs, `ovs-ts appctl ${args.join(' ')}`);
  return ours;
}

before(async () => {
  if (missing) return;
  dir = mkdtempSync(join(tmpdir(), 'appctl-vswitchd-'));
  env = { ...process.env, OVS_RUNDIR: dir, OVS_LOGDIR: dir };
  const started = await runTool(process.execPath, [OVS_TS, 'vswitchd', '--detach', '--pidfile', '--log-file']);
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
  const outcome = await runTool(process.execPath, [OVS_TS, 'appctl', 'exit']);
  assert.deepEqual(outcome, { stdout: '', stderr: '', status: 0 });
  for (let i = 0; i < 100 && existsSync(ctl); i++) await new Promise((r) => setTimeout(r, 20));
  assert.ok(!existsSync(ctl), 'control socket removed');
  assert.equal((await same(['version'])).status, 1);
});
