import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bytesToHex, hexToBytes } from './hex.js';

test('hexToBytes() reads pairs with whitespace between them', () => {
  assert.deepEqual(hexToBytes('0aFf 10\n\t20'), Uint8Array.from([0x0a, 0xff, 0x10, 0x20]));
  assert.deepEqual(hexToBytes(''), new Uint8Array(0));
});

test('hexToBytes() throws SyntaxError on bad hex, an odd digit count or a split pair', () => {
  assert.throws(() => hexToBytes('0g'), { name: 'SyntaxError', message: /invalid hex character 'g' at offset 1/ });
  assert.throws(() => hexToBytes('abc'), { name: 'SyntaxError', message: /odd number of hex digits at offset 3/ });
  assert.throws(() => hexToBytes('a b'), SyntaxError);
  assert.throws(() => hexToBytes('0x12'), SyntaxError);
});

test('bytesToHex() writes lower-case pairs over a range', () => {
  const bytes = Uint8Array.from([0, 1, 0xab, 0xff]);
  assert.equal(bytesToHex(bytes), '0001abff');
  assert.equal(bytesToHex(bytes, 1, 3), '01ab');
  assert.deepEqual(hexToBytes(bytesToHex(bytes)), bytes);
});
