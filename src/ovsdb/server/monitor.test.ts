// Unit tests of Monitor: request parsing errors, the three update formats,
// conditions moving rows in and out, and composing commits for
// monitor_cond_since. The interop tests compare the same with the real server.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Database } from '../database.js';
import { parseSchema } from '../schema.js';
import type { Json } from '../json.js';
import { changeSetFromCommit, composeCommits, Monitor } from './monitor.js';

const schema = parseSchema({
  name: 'm', tables: {
    T: { isRoot: true, columns: { name: { type: 'string' }, tags: { type: { key: 'string', min: 0, max: 'unlimited' } }, n: { type: 'integer' } } },
  },
});

function commit(db: Database, ops: Json[]) {
  const outcome = db.transact(ops);
  assert.equal(outcome.kind, 'done');
  if (outcome.kind !== 'done' || !outcome.commit) throw new Error('no commit');
  return outcome.commit;
}

test('Monitor.parse() rejects unknown tables and columns with ovsdb-server\'s words', () => {
  assert.throws(() => Monitor.parse(1, 1, schema, { Nope: {} }), /no table named Nope/);
  assert.throws(() => Monitor.parse(1, 1, schema, { T: { columns: ['x'] } }), /x is not a valid column name/);
  assert.throws(() => Monitor.parse(1, 2, schema, { T: [{ where: true }] }), /Type mismatch for member 'where'/);
});

test('updates() writes update, update2 and update3 changes', () => {
  const db = new Database(schema);
  const v1 = Monitor.parse('a', 1, schema, { T: { columns: ['name', 'tags'] } });
  const v2 = Monitor.parse('b', 2, schema, { T: [{ columns: ['name', 'tags', 'n'] }] });
  const insert = changeSetFromCommit(commit(db, [{ op: 'insert', table: 'T', row: { name: 'x', tags: ['set', ['a', 'b']] } }]));
  assert.deepEqual(Object.values((v1.updates(insert) as { T: Record<string, Json> }).T), [{ new: { name: 'x', tags: ['set', ['a', 'b']] } }]);
  assert.deepEqual(Object.values((v2.updates(insert) as { T: Record<string, Json> }).T), [{ insert: { name: 'x', tags: ['set', ['a', 'b']] } }]);
  const modify = changeSetFromCommit(commit(db, [{ op: 'update', table: 'T', where: [], row: { tags: ['set', ['b', 'c']], n: 3 } }]));
  assert.deepEqual(Object.values((v1.updates(modify) as { T: Record<string, Json> }).T),
    [{ old: { tags: ['set', ['a', 'b']] }, new: { name: 'x', tags: ['set', ['b', 'c']] } }]);
  assert.deepEqual(Object.values((v2.updates(modify) as { T: Record<string, Json> }).T), [{ modify: { tags: ['set', ['a', 'c']], n: 3 } }]);
  const onlyN = changeSetFromCommit(commit(db, [{ op: 'update', table: 'T', where: [], row: { n: 4 } }]));
  assert.equal(v1.updates(onlyN), null, 'a change to unmonitored columns sends nothing');
});

test('a row that starts or stops matching the condition is inserted or deleted', () => {
  const db = new Database(schema);
  const monitor = Monitor.parse('c', 2, schema, { T: [{ columns: ['name'], where: [['n', '>', 5]] }] });
  commit(db, [{ op: 'insert', table: 'T', row: { name: 'x', n: 1 } }]);
  const up = changeSetFromCommit(commit(db, [{ op: 'update', table: 'T', where: [], row: { n: 10 } }]));
  assert.deepEqual(Object.values((monitor.updates(up) as { T: Record<string, Json> }).T), [{ insert: { name: 'x' } }]);
  const down = changeSetFromCommit(commit(db, [{ op: 'update', table: 'T', where: [], row: { n: 0 } }]));
  assert.deepEqual(Object.values((monitor.updates(down) as { T: Record<string, Json> }).T), [{ delete: null }]);
});

test('composeCommits() keeps the first old and the last new row', () => {
  const db = new Database(schema);
  const monitor = Monitor.parse('d', 3, schema, { T: [{ columns: ['name', 'n'] }] });
  const first = commit(db, [{ op: 'insert', table: 'T', row: { name: 'x', n: 1 } }]);
  const second = commit(db, [{ op: 'update', table: 'T', where: [], row: { n: 2 } }]);
  assert.deepEqual(Object.values((monitor.updates(composeCommits([first, second])) as { T: Record<string, Json> }).T),
    [{ insert: { name: 'x', n: 2 } }]);
  const third = commit(db, [{ op: 'delete', table: 'T', where: [] }]);
  assert.equal(monitor.updates(composeCommits([first, second, third])), null, 'inserted then deleted: nothing to send');
});
