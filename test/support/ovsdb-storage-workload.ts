// Shared by src/ovsdb/storage.test.ts and test/interop/ovsdb-storage.test.ts:
// transactions on test/corpus/ovsdb/test.ovsschema that touch every kind of
// column and every kind of stored change, and a dump of a database's rows
// that compares equal to what `ovsdb-tool query` selects.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { rowToJson, type Database } from '../../src/ovsdb/database.js';
import { parseSchema } from '../../src/ovsdb/schema.js';
import type { Json, JsonObject } from '../../src/ovsdb/json.js';

export const TEST_SCHEMA_PATH = fileURLToPath(new URL('../../../test/corpus/ovsdb/test.ovsschema', import.meta.url));
export const testSchema = parseSchema(JSON.parse(readFileSync(TEST_SCHEMA_PATH, 'utf8')) as Json);

/** Transactions that each commit, in order, on a fresh database. */
export const WORKLOAD: Json[][] = [
  [{ op: 'insert', table: 'Root', 'uuid-name': 'r', row: { name: 'a', i: 5, r: 1.25, b: true, s: ['set', ['x', 'y']], m: ['map', [['k', 1], ['j', 2]]], iset: ['set', [1, 2]], eph: 7, ro: 'fixed' } },
    { op: 'insert', table: 'Child', 'uuid-name': 'c', row: { n: 1 } },
    { op: 'insert', table: 'Weak', 'uuid-name': 'w', row: { a: 1, b: 'one' } },
    { op: 'update', table: 'Root', where: [['name', '==', 'a']], row: { child: ['named-uuid', 'c'], weak: ['named-uuid', 'w'], cmap: ['map', [['c', ['named-uuid', 'c']]]] } },
    { op: 'comment', comment: 'first\nline two' }],
  [{ op: 'update', table: 'Root', where: [], row: { s: ['set', ['y', 'z']], m: ['map', [['k', 1], ['j', 3], ['l', 4]]], i: ['set', []], r: -0.5 } }],
  // A set difference larger than the column's maximum: written as full values.
  [{ op: 'update', table: 'Root', where: [], row: { iset: ['set', [3, 4]] } }],
  [{ op: 'insert', table: 'Root', row: { name: 'b', rset: ['set', [0.1, 1e300]], u: ['set', [['uuid', '01234567-89ab-cdef-0123-456789abcdef']]] } }],
  // Deleting the weak target empties "weak"; dropping "child" collects the Child row.
  [{ op: 'delete', table: 'Weak', where: [] }],
  [{ op: 'update', table: 'Root', where: [['name', '==', 'a']], row: { child: ['set', []], cmap: ['map', []] } }],
  [{ op: 'mutate', table: 'Root', where: [['name', '==', 'b']], mutations: [['m', 'insert', ['map', [['q', 9]]]], ['s', 'insert', ['set', ['é✓']]]] }],
  [{ op: 'insert', table: 'Holder', row: { one: ['named-uuid', 'k'], w1: ['named-uuid', 'w2'] } },
    { op: 'insert', table: 'Child', 'uuid-name': 'k', row: { n: 2, kids: ['set', [['named-uuid', 'k2']]] } },
    { op: 'insert', table: 'Child', 'uuid-name': 'k2', row: { n: 3 } },
    { op: 'insert', table: 'Weak', 'uuid-name': 'w2', row: { a: 2, b: 'two' } }],
  [{ op: 'delete', table: 'Root', where: [['name', '==', 'a']] }],
];

/**
 * Every row of every table, sorted by UUID, without _version (not stored);
 * ephemeral columns only if asked (a reopened file has them at defaults).
 */
export function dumpDatabase(db: Database, options: { ephemeral?: boolean } = {}): JsonObject {
  const json: JsonObject = {};
  for (const table of db.tables.values()) {
    const columns = [...table.schema.columns.values()]
      .filter((column) => column.name !== '_version' && (options.ephemeral || !column.ephemeral)).map((column) => column.name);
    json[table.schema.name] = [...table.rows.values()].sort((a, b) => (a.uuid < b.uuid ? -1 : 1))
      .map((row) => rowToJson(row, table.schema, columns));
  }
  return json;
}
