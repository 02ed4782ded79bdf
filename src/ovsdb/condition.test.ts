import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OvsdbError } from './error.js';
import { evaluateConditions, parseConditions } from './condition.js';
import { parseSchema } from './schema.js';
import type { Datum } from './data.js';

const table = parseSchema({ name: 't', tables: { T: { columns: {
  i: { type: { key: 'integer', min: 0, max: 1 } },
  s: { type: { key: 'string', min: 0, max: 'unlimited' } },
  m: { type: { key: 'string', value: 'integer', min: 0, max: 'unlimited' } },
} } } }).tables.get('T')!;

const row: Record<string, Datum> = {
  i: { keys: [5] },
  s: { keys: ['a', 'b'] },
  m: { keys: ['k', 'l'], values: [1, 2] },
  _uuid: { keys: ['00000000-0000-0000-0000-000000000001'] },
  _version: { keys: ['00000000-0000-0000-0000-000000000002'] },
};

const matches = (where: unknown, values: Record<string, Datum> = row): boolean =>
  evaluateConditions(parseConditions(where as never, table), (column) => values[column]);

test('ordering functions compare the single value', () => {
  assert.equal(matches([['i', '<', 6]]), true);
  assert.equal(matches([['i', '<', 5]]), false);
  assert.equal(matches([['i', '<=', 5]]), true);
  assert.equal(matches([['i', '>', 4], ['i', '>=', 5]]), true);
  assert.equal(matches([['i', '>', 5]]), false);
});

test('an empty optional column satisfies no ordering but equals the empty set', () => {
  const empty = { ...row, i: { keys: [] } };
  assert.equal(matches([['i', '<', 100]], empty), false);
  assert.equal(matches([['i', '>=', -100]], empty), false);
  assert.equal(matches([['i', '==', ['set', []]]], empty), true);
});

test('includes and excludes work on sets and on map pairs', () => {
  assert.equal(matches([['s', 'includes', 'a']]), true);
  assert.equal(matches([['s', 'includes', ['set', ['a', 'c']]]]), false);
  assert.equal(matches([['s', 'excludes', ['set', ['c', 'd']]]]), true);
  assert.equal(matches([['s', 'excludes', 'b']]), false);
  assert.equal(matches([['m', 'includes', ['map', [['k', 1]]]]]), true);
  assert.equal(matches([['m', 'includes', ['map', [['k', 2]]]]]), false);
  assert.equal(matches([['m', 'excludes', ['map', [['k', 2]]]]]), true);
  assert.equal(matches([['m', '==', ['map', [['l', 2], ['k', 1]]]]]), true);
  assert.equal(matches([['m', '!=', ['map', [['k', 1]]]]]), true);
  assert.equal(matches([]), true);
});

test('parseConditions() reports errors like ovsdb-server', () => {
  const expect = (where: unknown, error: string, details: string) =>
    assert.throws(() => parseConditions(where as never, table),
      (e: unknown) => e instanceof OvsdbError && e.error === error && e.details === details);
  expect([['s', '<', 'a']], 'syntax error', 'Type mismatch: "<" operator may not be applied to column s of type set of strings.');
  expect([['x', '==', 1]], 'unknown column', 'No column x in table T.');
  expect([['s', 'like', 'a']], 'unknown function', 'No function named like.');
  expect([['s', '==']], 'syntax error', 'Parse error in condition.');
});
