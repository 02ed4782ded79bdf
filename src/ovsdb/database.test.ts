import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Database } from './database.js';
import { parseSchema } from './schema.js';
import type { Json } from './json.js';

const SCHEMA = parseSchema({ name: 'db', tables: {
  Root: { isRoot: true, columns: {
    name: { type: 'string' },
    kids: { type: { key: { type: 'uuid', refTable: 'Kid' }, min: 0, max: 'unlimited' } },
    tags: { type: { key: { type: 'uuid', refTable: 'Tag', refType: 'weak' }, min: 0, max: 'unlimited' } },
  } },
  Kid: { columns: { n: { type: 'integer' } } },
  Tag: { isRoot: true, columns: { t: { type: 'string' } } },
} });

function done(db: Database, operations: Json[], options = {}) {
  const outcome = db.transact(operations, options);
  assert.equal(outcome.kind, 'done');
  if (outcome.kind !== 'done') throw new Error('unreachable');
  return outcome;
}

test('transact() applies a commit and records inserted rows with a _version', () => {
  const db = new Database(SCHEMA);
  const { results, commit } = done(db, [
    { op: 'insert', table: 'Kid', row: { n: 1 }, 'uuid-name': 'k' },
    { op: 'insert', table: 'Root', row: { name: 'r', kids: ['named-uuid', 'k'] } },
    { op: 'comment', comment: 'first' },
    { op: 'commit', durable: true },
  ]);
  assert.equal(results.length, 4);
  assert.ok(commit);
  assert.equal(commit.durable, true);
  assert.equal(commit.comment, 'first');
  assert.deepEqual([...commit.tables.keys()], ['Root', 'Kid']);
  const kid = commit.tables.get('Kid')![0];
  assert.equal(kid.old, null);
  assert.deepEqual(kid.new!.data.get('n'), { keys: [1] });
  assert.equal(db.tables.get('Kid')!.rows.get(kid.uuid), kid.new);
  assert.match(kid.new!.version, /^[0-9a-f-]{36}$/);
});

test('an update changes _version; an update to the same value records nothing', () => {
  const db = new Database(SCHEMA);
  done(db, [{ op: 'insert', table: 'Root', row: { name: 'r' } }]);
  const [before] = db.tables.get('Root')!.rows.values();
  const same = done(db, [{ op: 'update', table: 'Root', where: [], row: { name: 'r' } }]);
  assert.equal(same.commit!.tables.size, 0);
  const changed = done(db, [{ op: 'update', table: 'Root', where: [], row: { name: 's' } }]);
  const change = changed.commit!.tables.get('Root')![0];
  assert.equal(change.old, before);
  assert.notEqual(change.new!.version, before.version);
  assert.deepEqual(change.new!.data.get('name'), { keys: ['s'] });
});

test('a failing transaction changes nothing (all or nothing)', () => {
  const db = new Database(SCHEMA);
  const { results, commit } = done(db, [
    { op: 'insert', table: 'Root', row: { name: 'r' } },
    { op: 'insert', table: 'Root', row: { name: 5 } },
    { op: 'insert', table: 'Root', row: { name: 'q' } },
  ]);
  assert.equal(commit, null);
  assert.deepEqual(results.slice(1), [{ error: 'syntax error', details: 'expected string', syntax: '5' }, null]);
  assert.equal(db.tables.get('Root')!.rows.size, 0);
});

test('deleting the last reference collects the row and clears weak references', () => {
  const db = new Database(SCHEMA);
  done(db, [
    { op: 'insert', table: 'Kid', row: { n: 1 }, 'uuid-name': 'k' },
    { op: 'insert', table: 'Tag', row: { t: 'x' }, 'uuid-name': 't' },
    { op: 'insert', table: 'Root', row: { name: 'r', kids: ['named-uuid', 'k'], tags: ['named-uuid', 't'] } },
  ]);
  const { commit } = done(db, [
    { op: 'update', table: 'Root', where: [], row: { kids: ['set', []] } },
    { op: 'delete', table: 'Tag', where: [] },
  ]);
  assert.equal(commit!.tables.get('Kid')![0].new, null);
  assert.equal(commit!.tables.get('Tag')![0].new, null);
  const root = commit!.tables.get('Root')![0].new!;
  assert.deepEqual(root.data.get('tags'), { keys: [] });
  assert.equal(db.tables.get('Kid')!.rows.size, 0);
});

test('a row whose last reference goes with a weak map key stays, as in a live ovsdb-server', () => {
  const schema = parseSchema({ name: 'w', tables: {
    Root: { isRoot: true, columns: { m: { type: {
      key: { type: 'uuid', refTable: 'Tag', refType: 'weak' }, value: { type: 'uuid', refTable: 'Kid' }, min: 0, max: 'unlimited' } } } },
    Kid: { columns: { n: { type: 'integer' } } },
    Tag: { isRoot: true, columns: {} },
  } });
  const db = new Database(schema);
  done(db, [
    { op: 'insert', table: 'Tag', row: {}, 'uuid-name': 't' },
    { op: 'insert', table: 'Kid', row: { n: 1 }, 'uuid-name': 'k' },
    { op: 'insert', table: 'Root', row: { m: ['map', [[['named-uuid', 't'], ['named-uuid', 'k']]]] } },
  ]);
  const { commit } = done(db, [{ op: 'delete', table: 'Tag', where: [] }]);
  assert.deepEqual([...commit!.tables.keys()], ['Root', 'Tag']);
  assert.equal(db.tables.get('Kid')!.rows.size, 1);
  assert.equal(db.strongReferences.size, 0);
  // Unlike ovsdb-server, which leaks the dropped reference, the row can go.
  assert.deepEqual(done(db, [{ op: 'delete', table: 'Kid', where: [] }]).results, [{ count: 1 }]);
});

test('a wait that is not satisfied asks the caller to wait, then times out', () => {
  const db = new Database(SCHEMA);
  const forever = { op: 'wait', table: 'Root', where: [], columns: ['name'], until: '==', rows: [{ name: 'r' }] };
  const wait = { ...forever, timeout: 250 };
  assert.deepEqual(db.transact([{ op: 'insert', table: 'Tag', row: {} }, wait]), { kind: 'wait', timeoutMs: 250 });
  assert.equal(db.tables.get('Tag')!.rows.size, 0);
  assert.deepEqual(db.transact([forever]), { kind: 'wait', timeoutMs: Infinity });
  assert.deepEqual(done(db, [wait], { waitedMs: 251.4 }).results, [{ error: 'timed out', details: '"wait" timed out after 251 ms' }]);
  assert.equal(db.transact([wait], { waitedMs: 100 }).kind, 'wait');
  assert.deepEqual(done(db, [{ ...wait, timeout: 0 }]).results, [{ error: 'timed out', details: '"where" clause test failed' }]);
  assert.deepEqual(done(db, [wait], { triggers: false }).results, [{ error: 'not supported', details: 'triggers not supported' }]);
  done(db, [{ op: 'insert', table: 'Root', row: { name: 'r' } }]);
  assert.deepEqual(done(db, [wait]).results, [{}]);
});

test('assert succeeds only for a lock the session holds', () => {
  const db = new Database(SCHEMA);
  const hasLock = (name: string) => name === 'mine';
  assert.deepEqual(done(db, [{ op: 'assert', lock: 'mine' }], { hasLock }).results, [{}]);
  assert.deepEqual(done(db, [{ op: 'assert', lock: 'other' }], { hasLock }).results,
    [{ error: 'not owner', details: 'Asserted lock other not held.' }]);
});
