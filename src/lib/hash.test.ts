import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hashWords, hashMaskedWords, hashInt, hashString } from './hash.js';

test('hashWords() matches the Murmur3 x86_32 reference for known words', () => {
  // Murmur3_x86_32 of the 4 bytes 0x00000000 (little-endian word 0) with seed 0 is 0x2362f9de.
  assert.equal(hashWords(new Uint32Array([0]), 0), 0x2362f9de);
  // ...and of the 4 bytes "abcd" (word 0x64636261) with seed 0 is 0x43ed676a.
  assert.equal(hashWords(new Uint32Array([0x64636261]), 0), 0x43ed676a);
});

test('hashMaskedWords() ignores key bits outside the mask', () => {
  const mask = new Uint32Array([0xffff0000, 0]);
  const a = hashMaskedWords(new Uint32Array([0x12340000, 7]), mask, 1);
  const b = hashMaskedWords(new Uint32Array([0x1234ffff, 9]), mask, 1);
  const c = hashMaskedWords(new Uint32Array([0x12350000, 7]), mask, 1);
  assert.equal(a, b);
  assert.notEqual(a, c);
});

test('hash results are unsigned 32-bit and depend on the basis', () => {
  const h = hashInt(42, 0);
  assert.ok(h >= 0 && h <= 0xffffffff && Number.isInteger(h));
  assert.notEqual(hashInt(42, 1), h);
  assert.notEqual(hashString('br0', 0), hashString('br1', 0));
});
