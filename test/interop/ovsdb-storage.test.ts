// Interop: standalone database files (src/ovsdb/storage.ts) against the real
// Open vSwitch 3.1 ovsdb-tool: files we write are read by `ovsdb-tool
// show-log`, `query`, `db-name`, `db-version` and `db-cksum`; files that
// `ovsdb-tool create` and `transact` write, or that it appends to ours, are
// read by us with the contents `ovsdb-tool query` shows; and a writer killed
// with SIGKILL leaves every acknowledged commit where both of us find it.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDatabaseFile, openDatabaseFile, type DatabaseFile } from '../../src/ovsdb/storage.js';
import type { Json, JsonObject } from '../../src/ovsdb/json.js';
import type { DatabaseSchema } from '../../src/ovsdb/schema.js';
import { realOvsMissing, startRealOvs } from '../support/real-ovs.js';
import { crashWriter } from '../support/ovsdb-storage-crash.js';
import { dumpDatabase, TEST_SCHEMA_PATH, testSchema, WORKLOAD } from '../support/ovsdb-storage-workload.js';

const missing = realOvsMissing();

function scratch(): { dir: string; path: string; [Symbol.dispose](): void } {
  const dir = mkdtempSync(join(tmpdir(), 'ovsdb-storage-interop-'));
  return { dir, path: join(dir, 'test.db'), [Symbol.dispose]: () => rmSync(dir, { recursive: true, force: true }) };
}

function ovsdbTool(...args: string[]): string {
  return execFileSync('ovsdb-tool', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** What `ovsdb-tool query` sees: every table's rows without _version, sorted by UUID (as dumpDatabase()). */
function realDump(path: string, schema: DatabaseSchema = testSchema): JsonObject {
  const tables = [...schema.tables.values()];
  const operations = tables.map((table) => ({
    op: 'select', table: table.name, where: [],
    columns: [...table.columns.keys()].filter((name) => name !== '_version'),
  }));
  const results = JSON.parse(ovsdbTool('query', path, JSON.stringify([schema.name, ...operations]))) as { rows: JsonObject[] }[];
  const dump: JsonObject = {};
  tables.forEach((table, i) => {
    const uuid = (row: JsonObject): string => (row._uuid as string[])[1];
    dump[table.name] = results[i].rows.sort((a, b) => (uuid(a) < uuid(b) ? -1 : 1));
  });
  return dump;
}

async function commit(file: DatabaseFile, operations: Json[]): Promise<void> {
  const outcome = file.db.transact(operations);
  assert.ok(outcome.kind === 'done' && outcome.commit, JSON.stringify(outcome));
  await file.append(outcome.commit);
}

async function ourDump(path: string): Promise<JsonObject> {
  const file = await openDatabaseFile(path, { readOnly: true });
  assert.equal(file.warning, undefined);
  return dumpDatabase(file.db, { ephemeral: true });
}

test('we read the conf.db that a live ovsdb-server and ovs-vswitchd wrote', { skip: missing ?? false }, async () => {
  const ovs = await startRealOvs();
  let path: string;
  try {
    await ovs.vsctl('add-br', 'br0', '--', 'set', 'bridge', 'br0', 'datapath_type=dummy', 'other-config:hwaddr=aa:55:aa:55:00:00');
    for (let n = 1; n <= 4; n++) await ovs.vsctl('add-port', 'br0', `p${n}`, '--', 'set', 'interface', `p${n}`, 'type=dummy', `ofport_request=${n}`);
    await ovs.vsctl('set', 'port', 'p1', 'tag=10', '--', 'set', 'bridge', 'br0', 'external-ids:a=b', 'fail-mode=secure');
    await ovs.vsctl('del-port', 'p2');
    await ovs.vsctl('add-bond', 'br0', 'bond0', 'p5', 'p6', '--', 'set', 'interface', 'p5', 'type=dummy', '--', 'set', 'interface', 'p6', 'type=dummy');
    path = join(ovs.dir, 'conf.db');
    // Let ovs-vswitchd write back what it reports (ofport, status, ...).
    await ovs.vsctl('--timeout=10', 'wait-until', 'interface', 'p6', 'ofport!=[]');
    const file = await openDatabaseFile(path, { readOnly: true });
    assert.equal(file.warning, undefined);
    assert.equal(file.db.tables.get('Interface')?.rows.size, 6);
    assert.deepEqual(dumpDatabase(file.db, { ephemeral: true }), realDump(path, file.db.schema));
  } finally {
    await ovs.stop();
  }
});

test('ovsdb-tool reads a database file we wrote, before and after compaction', { skip: missing ?? false }, async () => {
  using dir = scratch();
  await createDatabaseFile(dir.path, testSchema);
  assert.equal(ovsdbTool('db-name', dir.path), 'test\n');
  assert.equal(ovsdbTool('db-version', dir.path), '1.2.3\n');
  assert.equal(ovsdbTool('db-cksum', dir.path), '\n');
  assert.deepEqual(realDump(dir.path), await ourDump(dir.path));
  const file = await openDatabaseFile(dir.path);
  for (const [n, operations] of WORKLOAD.entries()) {
    await commit(file, operations);
    assert.deepEqual(realDump(dir.path), await ourDump(dir.path), `after transaction ${n + 1}`);
  }
  const log = ovsdbTool('-m', 'show-log', dir.path);
  assert.equal(log.match(/^record \d+:/gm)?.length, WORKLOAD.length + 1);
  assert.match(log, /^record 1: .* "first\nline two"$/m);
  const before = realDump(dir.path);
  await file.compact();
  assert.deepEqual(realDump(dir.path), before);
  assert.match(ovsdbTool('show-log', dir.path), /^record 1: .* "compacted by ovs-ts [^"]*"$/m);
  await file.close();
});

test('we read a database file that ovsdb-tool created and wrote, and append to it', { skip: missing ?? false }, async () => {
  using dir = scratch();
  ovsdbTool('create', dir.path, TEST_SCHEMA_PATH);
  // Not WORKLOAD[2]: ovsdb-tool cannot read back the set difference it writes for it.
  for (const operations of WORKLOAD.filter((_, i) => i !== 2)) ovsdbTool('transact', dir.path, JSON.stringify([testSchema.name, ...operations]));
  assert.deepEqual(await ourDump(dir.path), realDump(dir.path));
  const file = await openDatabaseFile(dir.path);
  assert.equal(file.db.schema.version, '1.2.3');
  await commit(file, [{ op: 'mutate', table: 'Root', where: [], mutations: [['s', 'delete', ['set', ['y']]], ['m', 'insert', ['map', [['n', 5]]]]] }]);
  await commit(file, [{ op: 'insert', table: 'Root', row: { name: 'ours', e: 'b', iset: ['set', [7, 8, 9]] } }]);
  await file.close();
  assert.deepEqual(realDump(dir.path), await ourDump(dir.path));
  // ovsdb-tool's own compaction of our appends reads back the same.
  const before = realDump(dir.path);
  ovsdbTool('compact', dir.path);
  assert.deepEqual(await ourDump(dir.path), before);
  // That unreadable difference ({1, 2} to {3, 4} in a set of at most 3) is read by us.
  ovsdbTool('transact', dir.path, JSON.stringify([testSchema.name, { op: 'update', table: 'Root', where: [['name', '==', 'b']], row: { iset: ['set', [1, 2]] } }]));
  ovsdbTool('transact', dir.path, JSON.stringify([testSchema.name, { op: 'update', table: 'Root', where: [['name', '==', 'b']], row: { iset: ['set', [3, 4]] } }]));
  assert.throws(() => realDump(dir.path), /set must have 0 to 3 members but 4 are present/);
  const reread = await openDatabaseFile(dir.path, { readOnly: true });
  const rows = [...(reread.db.tables.get('Root')?.rows.values() ?? [])].filter((row) => row.data.get('name')?.keys[0] === 'b');
  assert.deepEqual(rows.map((row) => row.data.get('iset')), [{ keys: [3, 4] }]);
});

test('a live ovsdb-server serves our file and appends records we read', { skip: missing ?? false }, async () => {
  using dir = scratch();
  await createDatabaseFile(dir.path, testSchema);
  const file = await openDatabaseFile(dir.path);
  for (const operations of WORKLOAD) await commit(file, operations);
  const ours = dumpDatabase(file.db);
  await file.close();
  const socket = join(dir.dir, 'db.sock');
  const pidfile = join(dir.dir, 'ovsdb-server.pid');
  execFileSync('ovsdb-server', ['--detach', '--no-chdir', `--pidfile=${pidfile}`, `--log-file=${join(dir.dir, 'ovsdb-server.log')}`,
    `--unixctl=${join(dir.dir, 'ovsdb-server.ctl')}`, `--remote=punix:${socket}`, dir.path]);
  const pid = Number(readFileSync(pidfile, 'utf8').trim());
  try {
    const client = (...args: string[]): string => execFileSync('ovsdb-client', args, { encoding: 'utf8' });
    const served = JSON.parse(client('query', `unix:${socket}`, JSON.stringify([testSchema.name,
      { op: 'select', table: 'Root', where: [], columns: ['name', 'iset', 's', 'm'] }]))) as { rows: JsonObject[] }[];
    assert.deepEqual(served[0].rows, (ours.Root as JsonObject[]).map(({ name, iset, s, m }) => ({ name, iset, s, m })));
    client('transact', `unix:${socket}`, JSON.stringify([testSchema.name,
      { op: 'mutate', table: 'Root', where: [], mutations: [['iset', 'insert', ['set', [1]]], ['s', 'insert', ['set', ['srv']]]] },
      { op: 'insert', table: 'Weak', row: { a: 9, b: 'nine' } }]));
  } finally {
    process.kill(pid, 'SIGTERM');
    for (let i = 0; i < 100 && existsSync(pidfile); i++) await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const after = await ourDump(dir.path);
  assert.deepEqual(after, realDump(dir.path));
  assert.deepEqual((after.Root as JsonObject[]).map((row) => [row.iset, row.s]), [[1, ['set', ['srv', 'é✓']]]]);
});

test('ovsdb-tool transact appends to our file and we read its records', { skip: missing ?? false }, async () => {
  using dir = scratch();
  await createDatabaseFile(dir.path, testSchema);
  const file = await openDatabaseFile(dir.path);
  for (const operations of WORKLOAD.slice(0, 4)) await commit(file, operations);
  await file.close();
  for (const operations of WORKLOAD.slice(4)) ovsdbTool('transact', dir.path, JSON.stringify([testSchema.name, ...operations]));
  ovsdbTool('transact', dir.path, JSON.stringify([testSchema.name,
    { op: 'mutate', table: 'Root', where: [], mutations: [['s', 'insert', ['set', ['n1', 'n2', 'n3']]], ['m', 'delete', ['set', ['q']]], ['iset', 'insert', ['set', [5]]]] }]));
  assert.deepEqual(await ourDump(dir.path), realDump(dir.path));
});

test('every acknowledged commit survives SIGKILL, for us and for ovsdb-tool', { skip: missing ?? false }, async () => {
  using dir = scratch();
  for (const compactMinRecords of [undefined, 40]) {
    rmSync(dir.path, { force: true });
    await createDatabaseFile(dir.path, testSchema);
    const acked = await crashWriter(dir.path, 200, compactMinRecords);
    // A cut-off last record would make ovsdb-tool fail, so reopen and write once (which cuts it) first.
    const file = await openDatabaseFile(dir.path);
    await commit(file, [{ op: 'insert', table: 'Root', row: { name: 'after' } }]);
    await file.close();
    const result = JSON.parse(ovsdbTool('query', dir.path,
      JSON.stringify([testSchema.name, { op: 'select', table: 'Root', where: [], columns: ['name'] }]))) as { rows: { name: string }[] }[];
    const names = new Set(result[0].rows.map((row) => row.name));
    for (let n = 1; n <= acked; n++) assert.ok(names.has(`row${n}`), `row${n} of ${acked} acknowledged is missing`);
    assert.ok(names.has('after'));
    assert.deepEqual(realDump(dir.path), await ourDump(dir.path));
  }
});
