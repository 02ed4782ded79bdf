import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KEY_FIELDS, KEY_WORDS, PACKET_FIRST, PACKET_END } from './layout.js';

test('KEY_FIELDS tiles the key with no gap and no overlap', () => {
  let next = 0;
  for (const field of KEY_FIELDS) {
    assert.equal(field.word, next, `${field.name} starts at word ${field.word}, expected ${next}`);
    next += field.words;
  }
  assert.equal(next, KEY_WORDS);
});

test('packet header words form one contiguous range inside the key', () => {
  assert.ok(PACKET_FIRST > 0 && PACKET_END > PACKET_FIRST && PACKET_END < KEY_WORDS);
});
