// Unit tests for the directory rules: environment first, OVS's DBDIR rule,
// and defaults that never point at a real Open vSwitch's directories.

import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { absFileName, ovsDbdir, ovsLogdir, ovsPkgdatadir, ovsRundir, ovsSysconfdir } from './dirs.js';

const NAMES = ['OVS_RUNDIR', 'OVS_LOGDIR', 'OVS_DBDIR', 'OVS_SYSCONFDIR', 'OVS_PKGDATADIR', 'OVS_BINDIR'];
const saved = Object.fromEntries(NAMES.map((name) => [name, process.env[name]]));

afterEach(() => {
  for (const name of NAMES) {
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
  }
});

test('directories come from the OVS_* environment variables', () => {
  process.env.OVS_RUNDIR = '/r';
  process.env.OVS_LOGDIR = '/l';
  process.env.OVS_DBDIR = '/d';
  process.env.OVS_PKGDATADIR = '/p';
  assert.equal(ovsRundir(), '/r');
  assert.equal(ovsLogdir(), '/l');
  assert.equal(ovsDbdir(), '/d');
  assert.equal(ovsPkgdatadir(), '/p');
});

test('ovsDbdir() falls back to $OVS_SYSCONFDIR/openvswitch as OVS does', () => {
  delete process.env.OVS_DBDIR;
  process.env.OVS_SYSCONFDIR = '/etc2';
  assert.equal(ovsSysconfdir(), '/etc2');
  assert.equal(ovsDbdir(), '/etc2/openvswitch');
});

test('defaults stay clear of a real Open vSwitch', () => {
  for (const name of NAMES) delete process.env[name];
  assert.equal(ovsRundir(), '/var/run/ovs-ts');
  assert.equal(ovsLogdir(), '/var/log/ovs-ts');
  assert.equal(ovsDbdir(), '/etc/ovs-ts');
  assert.equal(ovsPkgdatadir(), '/usr/share/ovs-ts');
});

test('absFileName() anchors relative names only', () => {
  assert.equal(absFileName('x.pid', '/run'), '/run/x.pid');
  assert.equal(absFileName('/tmp/x.pid', '/run'), '/tmp/x.pid');
});
