import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OvsdbError } from './error.js';
import { applyMutation, parseMutation } from './mutation.js';
import { parseSchema } from './schema.js';
import type { Datum } from './data.js';

const table = parseSchema({ name: 't', tables: { T: { columns: {
  i: { type: { key: { type: 'integer', maxInteger: 100 }, min: 0, max: 'unlimited' } },
  r: { type: 'real' },
  s: { type: { key: 'string', min: 0, max: 2 } },
  m: { type: { key: 'string', value: 'integer', min: 1, max: 'unlimited' } },
  name: { type: 'string' },
  fixed: { type: 'string', mutable: false },
} } } }).tables.get('T')!;

const mutate = (json: unknown, value: Datum): Datum => applyMutation(parseMutation(json as never, table), value);

function throwsOvsdb(fn: () => unknown, error: string, details: string): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof OvsdbError, String(e));
    assert.deepEqual([e.error, e.details], [error, details]);
    return true;
  });
}

test('arithmetic applies to every element and keeps the set sorted', () => {
  assert.deepEqual(mutate(['i', '*=', -2], { keys: [1, 3] }), { keys: [-6, -2] });
  assert.deepEqual(mutate(['i', '/=', 2], { keys: [-7, 7] }), { keys: [-3, 3] });
  assert.deepEqual(mutate(['i', '%=', 4], { keys: [-7, 7] }), { keys: [-3, 3] });
  assert.deepEqual(mutate(['i', '-=', 1], { keys: [] }), { keys: [] });
  assert.deepEqual(mutate(['r', '/=', 4], { keys: [1] }), { keys: [0.25] });
});

test('arithmetic errors: division by zero, overflow, duplicates, constraints', () => {
  throwsOvsdb(() => mutate(['i', '/=', 0], { keys: [1] }), 'domain error', 'Division by zero.');
  throwsOvsdb(() => mutate(['r', '%=', 0], { keys: [1] }), 'syntax error',
    'Type mismatch: "%=" operator may not be applied to column r of type real.');
  throwsOvsdb(() => mutate(['r', '*=', 1e300], { keys: [1e300] }), 'range error', 'Result of "*=" operation is out of range.');
  throwsOvsdb(() => mutate(['i', '-=', 2 ** 62], { keys: [-(2 ** 62), -(2 ** 62) - 4096] }), 'range error', 'Result of "-=" operation is out of range.');
  throwsOvsdb(() => mutate(['i', '*=', 0], { keys: [1, 2] }), 'constraint violation', 'Result of "*=" operation contains duplicates.');
  throwsOvsdb(() => mutate(['i', '+=', 100], { keys: [1] }), 'constraint violation', '101 is greater than maximum allowed value 100');
});

test('insert and delete on sets and maps', () => {
  assert.deepEqual(mutate(['s', 'insert', 'a'], { keys: ['b'] }), { keys: ['a', 'b'] });
  throwsOvsdb(() => mutate(['s', 'insert', ['set', ['c']]], { keys: ['a', 'b'] }), 'constraint violation',
    'Attempted to store 3 elements in set of up to 2 strings.');
  assert.deepEqual(mutate(['s', 'delete', ['set', ['a', 'z']]], { keys: ['a', 'b'] }), { keys: ['b'] });
  const map = { keys: ['a', 'b'], values: [1, 2] };
  assert.deepEqual(mutate(['m', 'insert', ['map', [['a', 5], ['c', 3]]]], map), { keys: ['a', 'b', 'c'], values: [1, 2, 3] });
  assert.deepEqual(mutate(['m', 'delete', ['map', [['a', 5], ['b', 2]]]], map), { keys: ['a'], values: [1] });
  assert.deepEqual(mutate(['m', 'delete', 'a'], map), { keys: ['b'], values: [2] });
  throwsOvsdb(() => mutate(['m', 'delete', ['set', ['a', 'b']]], map), 'constraint violation',
    'Attempted to store 0 elements in map of 1 or more (string, integer) pairs.');
});

test('parseMutation() errors name the column and mutator', () => {
  throwsOvsdb(() => parseMutation(['fixed', 'insert', 'x'], table), 'constraint violation', 'Cannot mutate immutable column fixed in table T.');
  throwsOvsdb(() => parseMutation(['_uuid', '+=', 1], table), 'constraint violation', 'Cannot mutate immutable column _uuid in table T.');
  throwsOvsdb(() => parseMutation(['name', 'insert', 'x'], table), 'syntax error',
    'Type mismatch: "insert" operator may not be applied to column name of type string.');
  throwsOvsdb(() => parseMutation(['m', 'append', 1], table), 'unknown mutator', 'No mutator named append.');
  throwsOvsdb(() => parseMutation(['q', '+=', 1], table), 'unknown column', 'No column q in table T.');
  throwsOvsdb(() => parseMutation(['i', '+='] as never, table), 'syntax error', 'Parse error in mutation.');
});
