import { test } from 'node:test';
import assert from 'node:assert/strict';
import { open, type FileHandle } from 'node:fs/promises';
import { mkdtempSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeRecord, readLog } from './log.js';
import { OvsdbError } from './error.js';
import { commitToRecord, createDatabaseFile, openDatabaseFile, type CompactionOptions, type DatabaseFile } from './storage.js';
import type { Json, JsonObject } from './json.js';
import { crashWriter } from '../../test/support/ovsdb-storage-crash.js';
import { dumpDatabase, testSchema, WORKLOAD } from '../../test/support/ovsdb-storage-workload.js';

const schema = testSchema;
const dump = dumpDatabase;

function scratch(): { dir: string; path: string; [Symbol.dispose](): void } {
  const dir = mkdtempSync(join(tmpdir(), 'ovsdb-storage-'));
  return { dir, path: join(dir, 'test.db'), [Symbol.dispose]: () => rmSync(dir, { recursive: true, force: true }) };
}

async function commit(file: DatabaseFile, operations: Json[]): Promise<Json[]> {
  const outcome = file.db.transact(operations);
  assert.equal(outcome.kind, 'done');
  if (outcome.kind === 'done' && outcome.commit) await file.append(outcome.commit);
  return outcome.kind === 'done' ? outcome.results : [];
}

test('a database file replays to the state that was committed', async () => {
  using dir = scratch();
  await createDatabaseFile(dir.path, schema);
  const file = await openDatabaseFile(dir.path);
  const states: JsonObject[] = [];
  for (const operations of WORKLOAD) {
    await commit(file, operations);
    states.push(dump(file.db));
  }
  await file.close();
  const reopened = await openDatabaseFile(dir.path);
  assert.deepEqual(dump(reopened.db), states[states.length - 1]);
  assert.equal(reopened.warning, undefined);
  await reopened.close();
  // Each prefix of the log replays to the state after that many commits.
  const { records } = readLog(readFileSync(dir.path), dir.path);
  assert.equal(records.length, WORKLOAD.length + 1);
  for (let n = 1; n <= WORKLOAD.length; n++) {
    writeFileSync(join(dir.dir, 'prefix.db'), readFileSync(dir.path).subarray(0, records[n].end));
    const prefix = await openDatabaseFile(join(dir.dir, 'prefix.db'), { readOnly: true });
    assert.deepEqual(dump(prefix.db), states[n - 1], `after ${n} commits`);
  }
});

test('commitToRecord() writes what ovsdb-tool writes: non-default columns, differences, no ephemeral columns', async () => {
  using dir = scratch();
  await createDatabaseFile(dir.path, schema);
  const file = await openDatabaseFile(dir.path);
  const records: (JsonObject | null)[] = [];
  for (const operations of WORKLOAD.slice(0, 3)) {
    const outcome = file.db.transact(operations);
    assert.ok(outcome.kind === 'done' && outcome.commit);
    records.push(commitToRecord(outcome.commit, schema, 1000));
  }
  const [first, second, third] = records as JsonObject[];
  const rootUuid = Object.keys(first.Root as JsonObject)[0];
  const root = (first.Root as JsonObject)[rootUuid] as JsonObject;
  assert.deepEqual(Object.keys(root).sort(), ['b', 'child', 'cmap', 'i', 'iset', 'm', 'name', 'r', 'ro', 's', 'weak']);
  assert.equal(first._comment, 'first\nline two');
  assert.equal(first._is_diff, true);
  assert.equal(first._date, 1000);
  assert.deepEqual(second, {
    Root: { [rootUuid]: { s: ['set', ['x', 'z']], m: ['map', [['j', 3], ['l', 4]]], i: ['set', []], r: -0.5 } },
    _date: 1000, _is_diff: true,
  });
  assert.deepEqual(third, { Root: { [rootUuid]: { iset: ['set', [3, 4]] } }, _date: 1000 });
  const ephemeralOnly = file.db.transact([{ op: 'update', table: 'Root', where: [], row: { eph: 99 } }]);
  assert.ok(ephemeralOnly.kind === 'done' && ephemeralOnly.commit);
  assert.equal(commitToRecord(ephemeralOnly.commit, schema), null);
  await file.close();
});

test('ephemeral columns are not stored', async () => {
  using dir = scratch();
  await createDatabaseFile(dir.path, schema);
  const file = await openDatabaseFile(dir.path);
  await commit(file, [{ op: 'insert', table: 'Root', row: { name: 'a', eph: 5 } }]);
  const size = statSync(dir.path).size;
  await commit(file, [{ op: 'update', table: 'Root', where: [], row: { eph: 6 } }]);
  assert.equal(statSync(dir.path).size, size);
  await file.close();
  const reopened = await openDatabaseFile(dir.path, { readOnly: true });
  assert.deepEqual(dump(reopened.db, { ephemeral: true }).Root, [{ ...(dump(file.db).Root as JsonObject[])[0], eph: 0 }]);
});

test('a torn last record is dropped at every byte offset and cut off before the next append', async () => {
  using dir = scratch();
  await createDatabaseFile(dir.path, schema);
  const file = await openDatabaseFile(dir.path);
  for (const operations of WORKLOAD.slice(0, 3)) await commit(file, operations);
  const before = dump(file.db);
  const goodSize = statSync(dir.path).size;
  await commit(file, WORKLOAD[3]);
  await file.close();
  const whole = readFileSync(dir.path);
  const torn = join(dir.dir, 'torn.db');
  for (let size = goodSize + 1; size < whole.length; size++) {
    writeFileSync(torn, whole.subarray(0, size));
    const reopened = await openDatabaseFile(torn, { readOnly: true });
    assert.deepEqual(dump(reopened.db), before, `cut at ${size}`);
    assert.match(reopened.warning ?? '', /torn\.db: /);
  }
  // Appending after a torn record first cuts it off.
  writeFileSync(torn, whole.subarray(0, whole.length - 3));
  const reopened = await openDatabaseFile(torn);
  await commit(reopened, [{ op: 'insert', table: 'Root', row: { name: 'after' } }]);
  const expected = dump(reopened.db);
  await reopened.close();
  const again = await openDatabaseFile(torn, { readOnly: true });
  assert.equal(again.warning, undefined);
  assert.deepEqual(dump(again.db), expected);
  assert.equal(readLog(readFileSync(torn), torn).records.length, 5);
});

test('a record that breaks the schema is an error naming the file and offset', async () => {
  using dir = scratch();
  await createDatabaseFile(dir.path, schema);
  const schemaSize = statSync(dir.path).size;
  const uuid = '22222222-2222-2222-2222-222222222222';
  const cases: [JsonObject, RegExp][] = [
    [{ Root: { [uuid]: { name: 'x', i: 1000 } } }, /constraint violation: .*record at offset \d+: 1000 is not in the valid range -10 to 100/],
    [{ Nosuch: { [uuid]: {} } }, /No table named Nosuch/],
    [{ Root: { [uuid]: { nosuch: 1 } } }, /No column nosuch in table Root/],
    [{ Root: { [uuid]: null } }, /transaction deletes row 22222222-2222-2222-2222-222222222222 that does not exist/],
    [{ Root: { [uuid]: { child: ['uuid', uuid] } } }, /referential integrity violation/],
  ];
  for (const [record, pattern] of cases) {
    truncateSync(dir.path, schemaSize);
    writeFileSync(dir.path, Buffer.concat([encodeRecord(record), encodeRecord({ Root: {} })]), { flag: 'a' });
    await assert.rejects(openDatabaseFile(dir.path), (error: unknown) => {
      assert.ok(error instanceof OvsdbError);
      assert.match(error.message, new RegExp(`${dir.path.replace(/[.]/g, '\\.')}: record at offset ${schemaSize}`));
      assert.match(error.message, pattern);
      return true;
    });
  }
});

test('replay collects orphaned non-root rows and drops dangling weak references, as ovsdb-tool does', async () => {
  using dir = scratch();
  await createDatabaseFile(dir.path, schema);
  const [a, b] = ['11111111-1111-1111-1111-111111111111', '22222222-2222-2222-2222-222222222222'];
  writeFileSync(dir.path, Buffer.concat([
    encodeRecord({ Child: { [a]: { n: 1 } }, Root: { [b]: { name: 'x', weak: ['uuid', a] } } }),
  ]), { flag: 'a' });
  const file = await openDatabaseFile(dir.path, { readOnly: true });
  assert.equal(file.db.tables.get('Child')?.rows.size, 0);
  assert.deepEqual(file.db.tables.get('Root')?.rows.get(b)?.data.get('weak'), { keys: [] });
});

test('compact() leaves schema plus one record with the same contents', async () => {
  using dir = scratch();
  await createDatabaseFile(dir.path, schema);
  const file = await openDatabaseFile(dir.path);
  for (const operations of WORKLOAD) await commit(file, operations);
  const before = dump(file.db);
  const sizeBefore = statSync(dir.path).size;
  await file.compact();
  assert.equal(file.size, statSync(dir.path).size);
  assert.ok(file.size < sizeBefore);
  await commit(file, [{ op: 'insert', table: 'Root', row: { name: 'later' } }]);
  const after = dump(file.db);
  await file.close();
  const { records } = readLog(readFileSync(dir.path), dir.path);
  assert.equal(records.length, 3);
  assert.match(String(records[1].json._comment), /^compacted by ovs-ts /);
  assert.equal(records[1].json._is_diff, undefined);
  const reopened = await openDatabaseFile(dir.path, { readOnly: true });
  assert.deepEqual(dump(reopened.db), after);
  assert.notDeepEqual(before, after);
});

test('the log is compacted online past the thresholds and not before', async () => {
  using dir = scratch();
  const records = (): number => readLog(readFileSync(dir.path), dir.path).records.length;
  const run = async (options: CompactionOptions, count: number): Promise<number> => {
    rmSync(dir.path, { force: true });
    await createDatabaseFile(dir.path, schema);
    const file = await openDatabaseFile(dir.path, options);
    for (let n = 0; n < count; n++) await commit(file, [{ op: 'insert', table: 'Root', row: { name: `r${n}`, s: ['set', ['abcde']] } }]);
    const expected = dump(file.db);
    await file.close();
    assert.deepEqual(dump((await openDatabaseFile(dir.path, { readOnly: true })).db), expected);
    return records();
  };
  // Ten records since the last compaction: the next write compacts first,
  // and the snapshot holds that write's commit.
  assert.equal(await run({ compactMinRecords: 10, compactMinSize: 0, compactGrowthFactor: 1 }, 10), 11);
  assert.equal(await run({ compactMinRecords: 10, compactMinSize: 0, compactGrowthFactor: 1 }, 11), 2);
  assert.equal(await run({ compactMinRecords: 10, compactMinSize: 0, compactGrowthFactor: 1 }, 25), 5);
  // Not while the file is below the minimum size or the growth factor.
  assert.equal(await run({ compactMinRecords: 1, compactMinSize: 1e9, compactGrowthFactor: 1 }, 20), 21);
  assert.equal(await run({ compactMinRecords: 1, compactMinSize: 0, compactGrowthFactor: 1e6 }, 20), 21);
  // A reopened log counts its records and its growth past the first record.
  const reopened = await openDatabaseFile(dir.path, { compactMinRecords: 20, compactMinSize: 0, compactGrowthFactor: 1.5 });
  await commit(reopened, [{ op: 'insert', table: 'Root', row: { name: 'reopened' } }]);
  await reopened.close();
  assert.equal(records(), 2);
});

test('appends queued together are written with one fsync and resolve in order', async () => {
  using dir = scratch();
  await createDatabaseFile(dir.path, schema);
  const file = await openDatabaseFile(dir.path);
  const order: number[] = [];
  const pending: Promise<void>[] = [];
  for (let n = 0; n < 50; n++) {
    const outcome = file.db.transact([{ op: 'insert', table: 'Root', row: { name: `r${n}` } }]);
    assert.ok(outcome.kind === 'done' && outcome.commit);
    pending.push(file.append(outcome.commit).then(() => { order.push(n); }));
  }
  await Promise.all(pending);
  assert.deepEqual(order, [...Array(50).keys()]);
  const expected = dump(file.db);
  await file.close();
  assert.deepEqual(dump((await openDatabaseFile(dir.path, { readOnly: true })).db), expected);
});

test('append() resolves only after the record is written and fdatasync has returned', async (t) => {
  using dir = scratch();
  await createDatabaseFile(dir.path, schema);
  const probe = await open(dir.path, 'r');
  const prototype = Object.getPrototypeOf(probe) as FileHandle;
  await probe.close();
  const events: string[] = [];
  const datasync = prototype.datasync;
  const write = prototype.write;
  t.mock.method(prototype, 'datasync', async function (this: FileHandle) {
    events.push('datasync start');
    await datasync.call(this);
    events.push('datasync done');
  });
  t.mock.method(prototype, 'write', function (this: FileHandle, ...args: unknown[]) {
    events.push('write');
    return (write as (...a: unknown[]) => unknown).apply(this, args);
  });
  const file = await openDatabaseFile(dir.path);
  const outcome = file.db.transact([{ op: 'insert', table: 'Root', row: { name: 'a' } }]);
  assert.ok(outcome.kind === 'done' && outcome.commit);
  await file.append(outcome.commit).then(() => events.push('resolved'));
  assert.deepEqual(events, ['write', 'datasync start', 'datasync done', 'resolved']);
  await file.close();
});

test('after a failed write, appends fail with an I/O error and the file keeps what was acknowledged', async (t) => {
  using dir = scratch();
  await createDatabaseFile(dir.path, schema);
  const file = await openDatabaseFile(dir.path);
  await commit(file, [{ op: 'insert', table: 'Root', row: { name: 'kept' } }]);
  const expected = dump(file.db);
  const probe = await open(dir.path, 'r');
  const prototype = Object.getPrototypeOf(probe) as FileHandle;
  await probe.close();
  t.mock.method(prototype, 'write', async () => {
    throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
  });
  const failed = file.db.transact([{ op: 'insert', table: 'Root', row: { name: 'lost' } }]);
  assert.ok(failed.kind === 'done' && failed.commit);
  await assert.rejects(file.append(failed.commit), (error: unknown) => {
    assert.ok(error instanceof OvsdbError);
    assert.equal(error.error, 'I/O error');
    assert.match(error.message, /test\.db: write failed \(No space left on device\)/);
    return true;
  });
  t.mock.restoreAll();
  const later = file.db.transact([{ op: 'insert', table: 'Root', row: { name: 'later' } }]);
  assert.ok(later.kind === 'done' && later.commit);
  await assert.rejects(file.append(later.commit), /I\/O error: .*write failed/);
  await file.close();
  assert.deepEqual(dump((await openDatabaseFile(dir.path, { readOnly: true })).db), expected);
});

test('a file without a schema record, or a clustered one, is an error naming the file', async () => {
  using dir = scratch();
  writeFileSync(dir.path, '');
  await assert.rejects(openDatabaseFile(dir.path), /syntax error: .*test\.db: file contains no schema record$/);
  writeFileSync(dir.path, 'OVSDB JSON 10 0123');
  await assert.rejects(openDatabaseFile(dir.path), /file contains no schema record \(.*test\.db: 18 bytes at offset 0 are an incomplete header line\)/);
  writeFileSync(dir.path, encodeRecord({ name: 'x', tables: { T: { columns: {} } } }).toString().replace('JSON', 'CLUSTER'));
  await assert.rejects(openDatabaseFile(dir.path), /not supported: .*test\.db: clustered databases are not supported/);
  await assert.rejects(openDatabaseFile(join(dir.dir, 'missing.db')), /I\/O error: .*missing\.db: open failed \(No such file or directory\)/);
});

test('createDatabaseFile() refuses an existing file', async () => {
  using dir = scratch();
  await createDatabaseFile(dir.path, schema);
  await assert.rejects(createDatabaseFile(dir.path, schema), /I\/O error: .*test\.db: create failed/);
});

test('every acknowledged commit survives SIGKILL of the writer', async () => {
  using dir = scratch();
  await createDatabaseFile(dir.path, schema);
  for (const compactMinRecords of [undefined, 25]) {
    const acked = await crashWriter(dir.path, 150, compactMinRecords);
    const file = await openDatabaseFile(dir.path, { readOnly: true });
    const names = new Set([...(file.db.tables.get('Root')?.rows.values() ?? [])].map((row) => row.data.get('name')?.keys[0]));
    for (let n = 1; n <= acked; n++) assert.ok(names.has(`row${n}`), `row${n} of ${acked} acknowledged is missing`);
    rmSync(dir.path);
    await createDatabaseFile(dir.path, schema);
  }
});
