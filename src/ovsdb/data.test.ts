import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OvsdbError } from './error.js';
import { atomToText, checkDatum, datumToJson, datumToText, defaultDatum, parseDatum } from './data.js';
import { parseColumnType } from './schema.js';
import { formatReal, jsonToString } from './json.js';

const type = (json: unknown) => parseColumnType(json as never);

function throwsOvsdb(fn: () => unknown, error: string, details: string, syntax?: string): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof OvsdbError, String(e));
    assert.deepEqual([e.error, e.details, e.syntax], [error, details, syntax]);
    return true;
  });
}

test('parseDatum() sorts sets and maps and datumToJson() writes them back', () => {
  const strings = type({ key: 'string', min: 0, max: 'unlimited' });
  const set = parseDatum(['set', ['b', 'é', 'a', 'B']], strings);
  assert.deepEqual(set.keys, ['B', 'a', 'b', 'é']);
  assert.deepEqual(datumToJson(set, strings), ['set', ['B', 'a', 'b', 'é']]);
  const map = type({ key: 'integer', value: 'string', min: 0, max: 'unlimited' });
  const parsed = parseDatum(['map', [[3, 'c'], [-1, 'a']]], map);
  assert.deepEqual(datumToJson(parsed, map), ['map', [[-1, 'a'], [3, 'c']]]);
});

test('a one-element set is written as a bare atom, an empty one as ["set", []]', () => {
  const uuids = type({ key: 'uuid', min: 0, max: 'unlimited' });
  const one = parseDatum(['uuid', '01234567-89AB-cdef-0123-456789abcdef'], uuids);
  assert.deepEqual(datumToJson(one, uuids), ['uuid', '01234567-89ab-cdef-0123-456789abcdef']);
  assert.deepEqual(datumToJson(parseDatum(['set', []], uuids), uuids), ['set', []]);
});

test('parseDatum() resolves named-uuid through the symbol table', () => {
  const uuids = type({ key: 'uuid', min: 0, max: 'unlimited' });
  const datum = parseDatum(['named-uuid', 'x'], uuids, { resolve: (name) => (name === 'x' ? '00000000-0000-0000-0000-00000000000a' : '') });
  assert.deepEqual(datum.keys, ['00000000-0000-0000-0000-00000000000a']);
  throwsOvsdb(() => parseDatum(['named-uuid', 'x'], uuids), 'syntax error', 'expected ["uuid", <string>]', '["named-uuid","x"]');
});

test('parseDatum() reports syntax and size errors like ovsdb-server', () => {
  throwsOvsdb(() => parseDatum('q', type('integer')), 'syntax error', 'expected integer', '"q"');
  throwsOvsdb(() => parseDatum(1.5, type('integer')), 'syntax error', 'expected integer', '1.5');
  throwsOvsdb(() => parseDatum(['set', [1, 2]], type({ key: 'integer', min: 0, max: 1 })),
    'syntax error', 'set must have 0 to 1 members but 2 are present', '["set",[1,2]]');
  throwsOvsdb(() => parseDatum(['set', []], type('string')),
    'syntax error', 'set must have exactly one member but 0 are present', '["set",[]]');
  throwsOvsdb(() => parseDatum(['map', []], type({ key: 'string', value: 'integer', min: 1, max: 'unlimited' })),
    'syntax error', 'map must have 1 to 4294967295 members but 0 are present', '["map",[]]');
  throwsOvsdb(() => parseDatum(['set', [1, 1]], type({ key: 'integer', min: 0, max: 3 })), 'ovsdb error', 'set contains duplicate');
  throwsOvsdb(() => parseDatum(['set', ['a']], type({ key: 'string', value: 'string' })),
    'syntax error', 'expected ["map", <array>]', '["set",["a"]]');
});

test('checkDatum() enforces ranges, lengths and enums with ovsdb-server texts', () => {
  throwsOvsdb(() => checkDatum({ keys: [200] }, type({ key: { type: 'integer', minInteger: -10, maxInteger: 100 } })),
    'constraint violation', '200 is not in the valid range -10 to 100 (inclusive)');
  throwsOvsdb(() => checkDatum({ keys: [1] }, type({ key: { type: 'integer', minInteger: 3 } })),
    'constraint violation', '1 is less than minimum allowed value 3');
  throwsOvsdb(() => checkDatum({ keys: [0.1] }, type({ key: { type: 'real', maxReal: 0.05 } })),
    'constraint violation', '0.1 is greater than maximum allowed value 0.05');
  throwsOvsdb(() => checkDatum({ keys: [''] }, type({ key: { type: 'string', minLength: 1 } })),
    'constraint violation', '"" length 0 is less than minimum allowed length 1');
  throwsOvsdb(() => checkDatum({ keys: ['z'] }, type({ key: { type: 'string', enum: ['set', ['x y', '1', 'true', 'a.b']] } })),
    'constraint violation', 'z is not one of the allowed values (["1", a.b, "true", "x y"])');
  checkDatum({ keys: ['ééé'] }, type({ key: { type: 'string', maxLength: 3 } }));
});

test('defaultDatum() gives empty optional columns and typed zeros', () => {
  assert.deepEqual(defaultDatum(type({ key: 'integer', min: 0, max: 1 })), { keys: [] });
  assert.deepEqual(defaultDatum(type('uuid')), { keys: ['00000000-0000-0000-0000-000000000000'] });
  assert.deepEqual(defaultDatum(type({ key: 'string', value: 'boolean', min: 1, max: 2 })), { keys: [''], values: [false] });
});

test('text forms quote strings only where OVS does', () => {
  assert.equal(atomToText('abc', 'string'), 'abc');
  assert.equal(atomToText('a.b-c_1', 'string'), 'a.b-c_1');
  for (const quoted of ['', '1', '-q', 'true', 'x y']) assert.equal(atomToText(quoted, 'string'), JSON.stringify(quoted));
  assert.equal(datumToText({ keys: ['a', 'b'], values: [1, 2] }, type({ key: 'string', value: 'integer' })), '{a=1, b=2}');
  assert.equal(datumToText({ keys: [1, 2] }, type({ key: 'integer', min: 0, max: 5 })), '[1, 2]');
});

test('jsonToString() sorts members and prints reals like C %g', () => {
  assert.equal(jsonToString({ b: 1, a: [true, null, 'x'] }), '{"a":[true,null,"x"],"b":1}');
  assert.equal(formatReal(0.1), '0.1');
  assert.equal(formatReal(1e300), '1e+300');
  assert.equal(formatReal(1.5e-7), '1.5e-07');
  assert.equal(formatReal(-2), '-2');
  assert.equal(formatReal(0.1 + 0.2), '0.30000000000000004');
  assert.equal(formatReal(1e15), '1e+15');
  assert.equal(formatReal(123456789012345), '123456789012345');
});
