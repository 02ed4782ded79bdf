// Tests of `ovs-ts ovsdb-server`'s command line and start-up: the default
// database ($OVS_DBDIR/conf.db), remotes, and the message and exit status
// when a database cannot be opened. Behaviour towards clients is tested
// against the real ovsdb-server in test/interop/ovsdb-server-*.test.ts.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseOvsdbServerArgs } from './ovsdb-server.js';

const OVS_TS = fileURLToPath(new URL('../../../bin/ovs-ts', import.meta.url));

test('parseOvsdbServerArgs() takes $OVS_DBDIR/conf.db when no database is named', () => {
  const saved = process.env.OVS_DBDIR;
  process.env.OVS_DBDIR = '/db/test';
  try {
    const { config } = parseOvsdbServerArgs(['--remote=punix:db.sock', '--remote', 'ptcp:6640', '--unixctl=x.ctl', '--pidfile', '--detach']);
    assert.deepEqual(config.databases, ['/db/test/conf.db']);
    assert.deepEqual(config.remotes, ['punix:db.sock', 'ptcp:6640']);
    assert.equal(config.unixctl, 'x.ctl');
    assert.equal(config.daemon.detach, true);
    assert.equal(config.daemon.pidfile, '');
    const named = parseOvsdbServerArgs(['a.db', '/abs/b.db']);
    assert.deepEqual(named.config.databases, [resolve('a.db'), '/abs/b.db']);
  } finally {
    if (saved === undefined) delete process.env.OVS_DBDIR;
    else process.env.OVS_DBDIR = saved;
  }
});

test('ovs-ts ovsdb-server exits 1 naming the database it cannot open', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ovsdb-server-cli-'));
  try {
    const env = { ...process.env, OVS_RUNDIR: dir, OVS_LOGDIR: dir, OVS_DBDIR: dir };
    const outcome = await new Promise<{ code: number | null; stderr: string }>((done) => {
      const child = execFile(process.execPath, [OVS_TS, 'ovsdb-server', `--remote=punix:${join(dir, 'db.sock')}`], { env },
        (error, _stdout, stderr) => done({ code: error ? (error.code as number) : 0, stderr }));
      child.stdin?.end();
    });
    assert.equal(outcome.code, 1);
    assert.match(outcome.stderr, new RegExp(`ovsdb-server: I/O error: ${join(dir, 'conf.db')}: open failed \\(No such file or directory\\)`));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
