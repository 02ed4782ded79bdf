// Unit tests for the pidfile helpers and daemon option handling; the detach
// and locking paths run in test/interop/vswitchd-appctl.test.ts.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { daemonParseOption, defaultDaemonOptions, pidfileName, readPidfile } from './daemon.js';

test('pidfileName() defaults to $OVS_RUNDIR/PROGRAM.pid and anchors relative names there', () => {
  const saved = process.env.OVS_RUNDIR;
  process.env.OVS_RUNDIR = '/run/x';
  try {
    assert.equal(pidfileName('', { programName: 'ovs-vswitchd' }), '/run/x/ovs-vswitchd.pid');
    assert.equal(pidfileName('other.pid', { programName: 'ovs-vswitchd' }), '/run/x/other.pid');
    assert.equal(pidfileName('/tmp/abs.pid', { programName: 'ovs-vswitchd' }), '/tmp/abs.pid');
  } finally {
    if (saved === undefined) delete process.env.OVS_RUNDIR;
    else process.env.OVS_RUNDIR = saved;
  }
});

test('readPidfile() names only a live process other than ourselves', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'daemon-test-'));
  const path = join(dir, 'x.pid');
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 10000)'], { stdio: 'ignore' });
  try {
    assert.equal(readPidfile(path), null);
    writeFileSync(path, `${child.pid}\n`);
    assert.equal(readPidfile(path), child.pid);
    writeFileSync(path, `${process.pid}\n`);
    assert.equal(readPidfile(path), null);
    writeFileSync(path, 'garbage\n');
    assert.equal(readPidfile(path), null);
  } finally {
    child.kill();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('daemonParseOption() records the daemon options and leaves others alone', () => {
  const options = defaultDaemonOptions();
  for (const [key, value] of [['detach'], ['no-chdir'], ['pidfile'], ['overwrite-pidfile'], ['monitor'], ['user', 'ovs:ovs']] as const) {
    assert.ok(daemonParseOption(options, key, value));
  }
  assert.deepEqual(options, {
    detach: true, noChdir: true, pidfile: '', overwritePidfile: true, monitor: true, user: 'ovs:ovs',
  });
  assert.ok(daemonParseOption(options, 'pidfile', 'named.pid'));
  assert.equal(options.pidfile, 'named.pid');
  assert.equal(daemonParseOption(options, 'log-file', undefined), false);
});
