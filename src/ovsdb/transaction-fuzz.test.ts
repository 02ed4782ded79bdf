// Fuzzing of Database.transact(): random, often malformed operations built
// from valid pieces never throw, always give one result per operation (plus
// at most one commit error), leave the database untouched when they fail, and
// keep reference counts, indexes and garbage collection consistent.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Database, forEachStrongReferenceChange, indexKey, referenceKey } from './database.js';
import { parseSchema } from './schema.js';
import type { Json } from './json.js';

const SCHEMA = parseSchema({ name: 'f', tables: {
  R: { isRoot: true, maxRows: 6, indexes: [['k']], columns: {
    k: { type: { key: { type: 'integer', minInteger: 0, maxInteger: 9 } } },
    s: { type: { key: { type: 'string', maxLength: 3 }, min: 0, max: 2 } },
    m: { type: { key: 'string', value: 'real', min: 0, max: 'unlimited' } },
    c: { type: { key: { type: 'uuid', refTable: 'C' }, min: 0, max: 'unlimited' } },
    w: { type: { key: { type: 'uuid', refTable: 'W', refType: 'weak' }, min: 0, max: 1 } },
  } },
  C: { columns: { n: { type: 'integer' }, next: { type: { key: { type: 'uuid', refTable: 'C' }, min: 0, max: 1 } } } },
  W: { isRoot: true, columns: { b: { type: 'boolean' } } },
} });

/** Small deterministic PRNG (mulberry32) so failures reproduce. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Recomputes what commits maintain incrementally and checks the database's invariants. */
function checkConsistent(db: Database): void {
  const counts = new Map<string, number>();
  for (const table of db.tables.values()) {
    for (const row of table.rows.values()) {
      forEachStrongReferenceChange(null, row, table.schema, (refTable, uuid) => {
        assert.ok(db.tables.get(refTable)!.rows.has(uuid), `dangling reference to ${refTable} ${uuid}`);
        counts.set(referenceKey(refTable, uuid), (counts.get(referenceKey(refTable, uuid)) ?? 0) + 1);
      });
    }
  }
  assert.deepEqual(new Map([...db.strongReferences].sort()), new Map([...counts].sort()));
  for (const table of db.tables.values()) {
    if (!table.schema.isRoot) {
      for (const uuid of table.rows.keys()) assert.ok(counts.has(referenceKey(table.schema.name, uuid)), 'uncollected garbage');
    }
    table.schema.indexes.forEach((columns, i) => {
      const expected = new Map([...table.rows.values()].map((row) => [indexKey(row, columns), row.uuid]));
      assert.equal(expected.size, table.rows.size, 'index clash committed');
      assert.deepEqual(new Map([...table.indexes[i]].sort()), new Map([...expected].sort()));
    });
  }
}

test('transact() survives random operations and stays all-or-nothing', () => {
  const next = random(4);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)];
  const names = ['a', 'b', 'c'];
  const values: Json[] = [0, 1, 5, 9, 12, -1, 1.5, 'x', 'abcd', '', true, null, {}, [],
    ['set', [1, 2]], ['set', ['x', 'y', 'z']], ['map', [['x', 1.5]]], ['map', [['x']]],
    ['named-uuid', 'a'], ['named-uuid', 'b'], ['uuid', '00000000-0000-0000-0000-000000000000'], ['uuid', 'bad'], ['set', [['named-uuid', 'c']]]];
  const columns = ['k', 's', 'm', 'c', 'w', 'n', 'next', 'b', '_uuid', 'zz'];
  const tables = ['R', 'C', 'W', 'Q'];
  const functions = ['==', '!=', '<', '>=', 'includes', 'excludes', '~'];
  const mutators = ['+=', '-=', '*=', '/=', '%=', 'insert', 'delete', 'x'];
  const row = (): Json => Object.fromEntries(Array.from({ length: Math.floor(next() * 3) }, () => [pick(columns), pick(values)]));
  const where = (): Json => Array.from({ length: Math.floor(next() * 2) }, () => [pick(columns), pick(functions), pick(values)]);
  const operation = (): Json => {
    switch (pick(['insert', 'insert', 'select', 'update', 'mutate', 'delete', 'wait', 'commit', 'abort', 'comment', 'assert', 'junk'])) {
      case 'insert': return { op: 'insert', table: pick(tables), row: row(), ...(next() < 0.5 ? { 'uuid-name': pick(names) } : {}) };
      case 'select': return { op: 'select', table: pick(tables), where: where() };
      case 'update': return { op: 'update', table: pick(tables), where: where(), row: row() };
      case 'mutate': return { op: 'mutate', table: pick(tables), where: where(), mutations: [[pick(columns), pick(mutators), pick(values)]] };
      case 'delete': return { op: 'delete', table: pick(tables), where: where() };
      case 'wait': return { op: 'wait', table: pick(tables), where: where(), columns: [pick(columns)], until: pick(['==', '!=']), rows: [row()], timeout: 0 };
      case 'commit': return { op: 'commit', durable: pick([true, false, 1]) };
      case 'abort': return { op: 'abort' };
      case 'comment': return { op: 'comment', comment: pick(values) };
      case 'assert': return { op: 'assert', lock: pick(values) };
      default: return pick(values);
    }
  };
  const db = new Database(SCHEMA);
  let committed = 0;
  let referencesSeen = 0;
  for (let i = 0; i < 3000; i++) {
    const operations = Array.from({ length: 1 + Math.floor(next() * 4) }, operation);
    const before = new Map([...db.tables].map(([name, table]) => [name, new Map(table.rows)]));
    const outcome = db.transact(operations);
    assert.equal(outcome.kind, 'done', JSON.stringify(operations));
    if (outcome.kind !== 'done') continue;
    assert.ok(outcome.results.length === operations.length || outcome.results.length === operations.length + 1);
    if (outcome.commit) {
      committed++;
      if (committed % 20 === 0) checkConsistent(db);
      referencesSeen = Math.max(referencesSeen, db.strongReferences.size);
      continue;
    }
    for (const [name, rows] of before) assert.deepEqual(db.tables.get(name)!.rows, rows, JSON.stringify(operations));
  }
  checkConsistent(db);
  assert.ok(committed > 100, `only ${committed} transactions committed`);
  assert.ok(referencesSeen > 0, 'no strong reference was ever committed');
});
