import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeRecord, readLog } from './log.js';
import { OvsdbError } from './error.js';
import type { JsonObject } from './json.js';

// A record exactly as Open vSwitch 3.1's ovsdb-tool wrote it.
const OVS_RECORD = 'OVSDB JSON 96 8036783468436135eaa3fd7b84e07e7c4f51187a\n' +
  '{"_date":1795325032834,"Root":{"cd963281-f560-4a81-9652-0ba3a1485c44":{"i":7}},"_is_diff":true}\n';

test('readLog() reads a record written by ovsdb-tool', () => {
  const { records, goodSize, warning } = readLog(Buffer.from(OVS_RECORD), 'db');
  assert.equal(warning, undefined);
  assert.equal(goodSize, OVS_RECORD.length);
  assert.deepEqual(records, [{
    offset: 0, end: OVS_RECORD.length,
    json: { _date: 1795325032834, Root: { 'cd963281-f560-4a81-9652-0ba3a1485c44': { i: 7 } }, _is_diff: true },
  }]);
});

test('encodeRecord() writes sorted compact JSON, LF in strings escaped, length and SHA-1 over the body and its LF', () => {
  assert.equal(encodeRecord({ b: 1, a: 'x\ny' }).toString(),
    'OVSDB JSON 19 4ab37d1cb0f1bafd7ffb79b91afba659a2777265\n{"a":"x\\ny","b":1}\n');
});

test('readLog() round-trips records with multibyte text', () => {
  const values: JsonObject[] = [{ name: 'héllo ✓' }, { n: 1.5, list: [1, 'two', null] }, {}];
  const bytes = Buffer.concat(values.map((value) => encodeRecord(value)));
  const { records, goodSize, warning } = readLog(bytes, 'db');
  assert.deepEqual(records.map((record) => record.json), values);
  assert.equal(goodSize, bytes.length);
  assert.equal(warning, undefined);
});

test('readLog() drops a last record cut at any byte, with a warning', () => {
  const first = Buffer.concat([encodeRecord({ a: 1 }), encodeRecord({ b: 2 })]);
  const whole = Buffer.concat([first, encodeRecord({ c: 'three' })]);
  for (let size = first.length + 1; size < whole.length; size++) {
    const { records, goodSize, warning } = readLog(whole.subarray(0, size), 'db');
    assert.deepEqual(records.map((record) => record.json), [{ a: 1 }, { b: 2 }], `cut at ${size}`);
    assert.equal(goodSize, first.length);
    assert.match(warning ?? '', /^db: /);
  }
});

test('readLog() drops a last record whose body was zeroed', () => {
  const first = encodeRecord({ a: 1 });
  const last = encodeRecord({ b: 2 });
  const header = last.indexOf(0x0a) + 1;
  last.fill(0, header);
  const { records, warning } = readLog(Buffer.concat([first, last]), 'db');
  assert.equal(records.length, 1);
  assert.match(warning ?? '', /have SHA-1 hash [0-9a-f]{40} but should have hash/);
});

test('readLog() rejects damage followed by a good record, naming the file and offset', () => {
  const a = encodeRecord({ a: 1 });
  const b = encodeRecord({ b: 2 });
  const c = encodeRecord({ c: 3 });
  const damaged = Buffer.concat([a, b, c]);
  damaged[a.length + b.indexOf('{') + 2] ^= 1;
  assert.throws(() => readLog(damaged, 'conf.db'), (error: unknown) => {
    assert.ok(error instanceof OvsdbError);
    assert.equal(error.error, 'syntax error');
    assert.match(error.message, new RegExp(`conf\\.db: 8 bytes starting at offset ${a.length + b.indexOf('{')} have SHA-1 hash`));
    assert.match(error.message, /good records follow/);
    return true;
  });
  const badHeader = Buffer.concat([a, Buffer.from('garbage\n'), b]);
  assert.throws(() => readLog(badHeader, 'conf.db'), new RegExp(`conf\\.db: parse error at offset ${a.length} in header line "garbage"`));
});

test('readLog() reports JSON that is not an object', () => {
  const bytes = Buffer.concat([encodeRecord({ a: 1 }), encodeRecord([1, 2])]);
  const { records, warning } = readLog(bytes, 'db');
  assert.equal(records.length, 1);
  assert.match(warning ?? '', /are not a JSON object/);
});
