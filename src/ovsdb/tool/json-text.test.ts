// Unit tests of parseJsonText(): the messages and positions are the ones the
// real ovsdb-tool 3.1 printed for the same texts (see test/interop/ovsdb-tool.test.ts
// for the live comparison).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseJsonText } from './json-text.js';

const CASES: [string, string][] = [
  ['', 'line 0, column 0, byte 0: empty input stream'],
  ['[1,2', 'line 0, column 5, byte 5: unexpected end of input'],
  ['{"a" 1}', "line 0, column 6, byte 6: syntax error parsing object expecting ':'"],
  ['[1,]', 'line 0, column 3, byte 3: syntax error expecting value'],
  ['"abc', 'line 0, column 4, byte 4: unexpected end of input in quoted string'],
  ['01', 'line 0, column 2, byte 2: leading zeros not allowed'],
  ['[\n1,\n x]', "line 2, column 2, byte 7: invalid keyword 'x'"],
  ['1e999', 'line 0, column 5, byte 5: number outside valid range'],
  ['[1,2]]', 'line 0, column 5, byte 5: trailing garbage at end of input'],
  ['"\\ud800"', 'line 0, column 7, byte 7: malformed escaped surrogate pair'],
  ['"x"', 'line 0, column 2, byte 2: syntax error at beginning of input'],
  ['[Tru]', "line 0, column 1, byte 1: invalid character 'T'"],
  ['[1.5.5]', 'line 0, column 6, byte 6: syntax error in number'],
  ['"a\nb"', 'line 0, column 2, byte 2: U+000A must be escaped in quoted string'],
];

test('parseJsonText() reports OVS\'s positions and messages', () => {
  for (const [text, message] of CASES) assert.deepEqual(parseJsonText(text), { ok: false, error: message }, JSON.stringify(text));
});

test('parseJsonText() reads what JSON.parse reads', () => {
  for (const text of ['[]', '{}', '[1,-2.5e3,true,false,null,"\\u00e9\\ud83d\\ude00\\n"]', ' {"a": {"b": [[], {}]}} ', '["é"]']) {
    assert.deepEqual(parseJsonText(text), { ok: true, value: JSON.parse(text) }, text);
  }
});
