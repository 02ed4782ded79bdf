import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OvsdbError } from './error.js';
import { parseSchema, schemaToJson, typeToEnglish, parseColumnType } from './schema.js';

const SMALL = {
  name: 'small', version: '1.0.0', tables: {
    A: { isRoot: true, indexes: [['name']], maxRows: 5, columns: {
      name: { type: 'string' },
      n: { type: { key: { type: 'integer', minInteger: 0, maxInteger: 9 }, min: 0, max: 1 } },
      refs: { type: { key: { type: 'uuid', refTable: 'B', refType: 'weak' }, min: 0, max: 'unlimited' } },
      color: { type: { key: { type: 'string', enum: ['set', ['red', 'blue']] } } },
      tmp: { type: 'integer', ephemeral: true },
      fixed: { type: 'string', mutable: false },
    } },
    B: { columns: { m: { type: { key: 'string', value: 'real', min: 0, max: 'unlimited' } } } },
  },
};

test('parseSchema() reads tables, columns and OVS extensions', () => {
  const schema = parseSchema(SMALL);
  assert.equal(schema.name, 'small');
  assert.equal(schema.version, '1.0.0');
  const a = schema.tables.get('A')!;
  assert.equal(a.isRoot, true);
  assert.equal(a.maxRows, 5);
  assert.deepEqual(a.indexes, [['name']]);
  assert.deepEqual([...a.columns.keys()], ['name', 'n', 'refs', 'color', 'tmp', 'fixed', '_uuid', '_version']);
  assert.deepEqual(a.columns.get('n')!.type, { key: { type: 'integer', minInteger: 0, maxInteger: 9 }, min: 0, max: 1 });
  assert.equal(a.columns.get('refs')!.type.max, Infinity);
  assert.equal(a.columns.get('refs')!.type.key.refType, 'weak');
  assert.deepEqual(a.columns.get('color')!.type.key.enum, ['blue', 'red']);
  assert.equal(a.columns.get('tmp')!.ephemeral, true);
  assert.equal(a.columns.get('fixed')!.mutable, false);
  assert.equal(a.columns.get('_uuid')!.mutable, false);
  assert.equal(schema.tables.get('B')!.isRoot, false);
});

test('parseSchema() makes every table a root when no table says isRoot', () => {
  const schema = parseSchema({ name: 'x', tables: { A: { columns: {} }, B: { columns: {} } } });
  assert.equal(schema.tables.get('A')!.isRoot, true);
  assert.equal(schema.tables.get('B')!.isRoot, true);
  assert.equal(schema.version, undefined);
});

test('parseSchema() refuses a reference to an undefined table', () => {
  assert.throws(() => parseSchema({ name: 'x', tables: { A: { columns: { r: { type: { key: { type: 'uuid', refTable: 'Z' } } } } } } }),
    (error: unknown) => error instanceof OvsdbError && error.error === 'syntax error' &&
      error.details === 'column r key refers to undefined table Z' && error.syntax === undefined);
});

test('parseSchema() refuses a bad version with the whole schema as syntax', () => {
  const bad = { name: 'x', version: '1', tables: {} };
  assert.throws(() => parseSchema(bad), (error: unknown) => error instanceof OvsdbError &&
    error.details === 'schema version "1" not in format x.y.z' && error.syntax === '{"name":"x","tables":{},"version":"1"}');
});

test('schemaToJson() round-trips through parseSchema()', () => {
  const schema = parseSchema(SMALL);
  assert.deepEqual(parseSchema(schemaToJson(schema)), schema);
});

test('typeToEnglish() names types like ovsdb-server', () => {
  const cases: [unknown, string][] = [
    ['string', 'string'],
    [{ key: 'integer', min: 0, max: 1 }, 'set of up to 1 integers'],
    [{ key: 'uuid', min: 0, max: 'unlimited' }, 'set of uuids'],
    [{ key: 'integer', min: 1, max: 3 }, 'set of 1 to 3 integers'],
    [{ key: 'string', value: 'integer', min: 1, max: 'unlimited' }, 'map of 1 or more (string, integer) pairs'],
    [{ key: 'string', value: 'real', min: 0, max: 'unlimited' }, 'map of (string, real) pairs'],
  ];
  for (const [json, english] of cases) assert.equal(typeToEnglish(parseColumnType(json as never)), english);
});
