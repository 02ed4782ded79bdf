// Unit tests for ovs-ts vswitchd's command line: what it records for later
// layers. Error wording is compared with the real ovs-vswitchd in
// test/interop/vswitchd-appctl.test.ts.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseVswitchdArgs } from './vswitchd.js';

test('parseVswitchdArgs() records the dummy, SSL, daemon and unixctl options and the database', () => {
  const saved = process.env.OVS_RUNDIR;
  process.env.OVS_RUNDIR = '/run/test';
  try {
    const { config, logFile } = parseVswitchdArgs([
      '--enable-dummy=override', '--disable-system', '--disable-system-route', '--dummy-numa=0,0,1',
      '-p', 'key.pem', '--ca-cert=ca.pem', '--mlockall', '--unixctl=my.ctl', '--detach', '--pidfile=x.pid',
      '--no-chdir', '--log-file', 'tcp:127.0.0.1:6640',
    ]);
    assert.equal(config.enableDummy, 'override');
    assert.equal(config.disableSystem, true);
    assert.equal(config.disableSystemRoute, true);
    assert.equal(config.dummyNuma, '0,0,1');
    assert.deepEqual(config.ssl, { 'private-key': 'key.pem', 'ca-cert': 'ca.pem' });
    assert.equal(config.mlockall, true);
    assert.equal(config.unixctl, 'my.ctl');
    assert.equal(config.database, 'tcp:127.0.0.1:6640');
    assert.deepEqual(config.daemon, {
      detach: true, noChdir: true, pidfile: 'x.pid', overwritePidfile: false, monitor: false, user: undefined,
    });
    assert.equal(logFile, undefined);

    const defaults = parseVswitchdArgs(['--enable-dummy']);
    assert.equal(defaults.config.enableDummy, '');
    assert.equal(defaults.config.database, 'unix:/run/test/db.sock');
    assert.equal(defaults.logFile, null);
  } finally {
    if (saved === undefined) delete process.env.OVS_RUNDIR;
    else process.env.OVS_RUNDIR = saved;
  }
});
