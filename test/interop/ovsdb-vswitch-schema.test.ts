// Interop: the Open_vSwitch schema shipped in schemas/vswitch.ovsschema is
// equivalent to Debian's (same version, tables, columns, types, constraints,
// indexes, isRoot, maxRows), is what ovs-vswitchd.conf.db(5) describes, and a
// database created from it serves the real ovs-vsctl through the real
// ovsdb-server.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parseSchema, schemaToJson } from '../../src/ovsdb/schema.js';
import type { Json, JsonObject } from '../../src/ovsdb/json.js';
import { VSWITCH_SCHEMA_PATH } from '../../src/ovsdb/vswitch-schema.js';
import { VSWITCH_SCHEMA } from '../support/ovsdb-normalize.js';
import { realOvsMissing } from '../support/real-ovs.js';
import { readVswitchManpage, schemaFromManpage, withCksum } from '../support/vswitch-manpage.js';

const execFileAsync = promisify(execFile);
const missing = realOvsMissing();

/** A schema as comparable JSON: parsed and printed back, cksum left out, indexes in a fixed order. */
function canonical(json: Json): JsonObject {
  const schema = schemaToJson(parseSchema(json));
  delete schema.cksum;
  for (const table of Object.values(schema.tables as JsonObject) as JsonObject[]) {
    if (table.indexes) table.indexes = (table.indexes as Json[]).map((index) => JSON.stringify(index)).sort();
  }
  return schema;
}

const shipped = JSON.parse(readFileSync(VSWITCH_SCHEMA_PATH, 'utf8')) as Json;

test('the shipped Open_vSwitch schema is equivalent to Debian\'s vswitch.ovsschema', { skip: missing ?? false }, () => {
  const debian = JSON.parse(readFileSync(VSWITCH_SCHEMA, 'utf8')) as Json;
  const ours = canonical(shipped);
  const theirs = canonical(debian);
  assert.deepEqual(Object.keys(ours.tables as JsonObject).sort(), Object.keys(theirs.tables as JsonObject).sort());
  for (const name of Object.keys(theirs.tables as JsonObject)) {
    assert.deepEqual((ours.tables as JsonObject)[name], (theirs.tables as JsonObject)[name], `table ${name}`);
  }
  assert.deepEqual(ours, theirs);
});

const manpage = readVswitchManpage();
test('the shipped schema is what ovs-vswitchd.conf.db(5) describes, with a correct cksum',
  { skip: manpage === null ? 'ovs-vswitchd.conf.db(5) is not installed' : false }, async () => {
    const derived = schemaFromManpage(manpage as string);
    assert.equal(readFileSync(VSWITCH_SCHEMA_PATH, 'utf8'), withCksum(derived));
    const { stdout } = await execFileAsync('ovsdb-tool', ['schema-cksum', VSWITCH_SCHEMA_PATH]).catch(() => ({ stdout: null }));
    if (stdout !== null) assert.equal(stdout.trim(), (shipped as JsonObject).cksum);
  });

test('the real ovs-vsctl works against a database created from the shipped schema', { skip: missing ?? false }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vswitch-schema-'));
  const env = { ...process.env, OVS_RUNDIR: dir, OVS_LOGDIR: dir, OVS_DBDIR: dir, OVS_SYSCONFDIR: dir };
  const run = async (tool: string, ...args: string[]): Promise<string> =>
    (await execFileAsync(tool, args, { env, cwd: dir, timeout: 20_000 })).stdout;
  try {
    await run('ovsdb-tool', 'create', join(dir, 'conf.db'), VSWITCH_SCHEMA_PATH);
    await run('ovsdb-server', '--detach', '--no-chdir', '--pidfile', '--log-file',
      `--remote=punix:${join(dir, 'db.sock')}`, join(dir, 'conf.db'));
    await run('ovs-vsctl', '--no-wait', 'init');
    await run('ovs-vsctl', '--no-wait', 'add-br', 'br0', '--', 'add-port', 'br0', 'p1', '--', 'set', 'port', 'p1', 'tag=7');
    await run('ovs-vsctl', '--no-wait', 'set-controller', 'br0', 'tcp:127.0.0.1:6653', '--', 'set-manager', 'ptcp:6640');
    assert.equal(await run('ovs-vsctl', '--no-wait', 'list-ports', 'br0'), 'p1\n');
    assert.equal(await run('ovs-vsctl', '--no-wait', 'get', 'port', 'p1', 'tag'), '7\n');
    assert.match(await run('ovs-vsctl', '--no-wait', 'show'), /Bridge br0\n +Controller "tcp:127\.0\.0\.1:6653"\n/);
    assert.equal(await run('ovs-vsctl', '--no-wait', 'get-manager'), 'ptcp:6640\n');
  } finally {
    const pidfile = join(dir, 'ovsdb-server.pid');
    if (existsSync(pidfile)) {
      const pid = Number(readFileSync(pidfile, 'utf8').trim());
      try { process.kill(pid, 'SIGTERM'); } catch { /* already gone */ }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    rmSync(dir, { recursive: true, force: true });
  }
});
