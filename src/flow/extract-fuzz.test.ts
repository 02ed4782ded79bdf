// Fuzzing of flow extraction and flow formatting: every corpus packet, random
// byte strings, and random truncations and byte mutations of corpus packets
// (a fixed seed, a bounded count) must extract and format without throwing,
// write only the packet-header words, and read nothing past the frame.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as L from './layout.js';
import { flowExtract } from './extract.js';
import { formatFlow } from './format.js';

function corpus(): Uint8Array[] {
  const url = new URL('../../../test/corpus/parse-pcap/packets.txt', import.meta.url);
  return readFileSync(url, 'utf8').split('\n').filter((l) => l.trim() !== '' && !l.startsWith('#'))
    .map((l) => Uint8Array.from((l.trim().split(/\s+/)[1]?.match(/../g) ?? []).map((b) => parseInt(b, 16))));
}

/** xorshift32: a small deterministic generator, so a failure reproduces. */
function random(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state;
  };
}

function check(frame: Uint8Array, sentinel: Uint32Array, key: Uint32Array, shadow: Uint32Array): void {
  key.set(sentinel);
  flowExtract(frame, 0, frame.length, key, { vlanLimit: 2 });
  for (let i = 0; i < L.PACKET_FIRST; i++) assert.equal(key[i], sentinel[i]);
  for (let i = L.PACKET_END; i < L.KEY_WORDS; i++) assert.equal(key[i], sentinel[i]);
  // The same frame with trailing garbage and an explicit length: any read
  // past the frame would see the garbage and change the key.
  const padded = new Uint8Array(frame.length + 64).fill(0xa5);
  padded.set(frame, 32);
  shadow.set(sentinel);
  flowExtract(padded, 32, frame.length, shadow, { vlanLimit: 2 });
  assert.deepEqual(shadow, key);
  const text = formatFlow(key);
  assert.equal(typeof text, 'string');
  flowExtract(frame, 0, frame.length, key, { vlanLimit: 1 });
  formatFlow(key);
}

test('no corpus packet, truncation, mutation or random frame throws or strays outside the header words', () => {
  const frames = corpus();
  assert.ok(frames.length > 100);
  const next = random(0x5eed);
  const sentinel = L.newKey();
  for (let i = 0; i < L.KEY_WORDS; i++) sentinel[i] = next();
  const key = L.newKey();
  const shadow = L.newKey();
  let checked = 0;
  for (const frame of frames) {
    check(frame, sentinel, key, shadow);
    for (let length = 0; length < frame.length; length += 1 + (next() % 5)) check(frame.subarray(0, length), sentinel, key, shadow);
    checked++;
  }
  for (let round = 0; round < 3000; round++) {
    const base = frames[next() % frames.length];
    const frame = Uint8Array.from(base);
    const flips = 1 + (next() % 4);
    for (let f = 0; f < flips && frame.length > 0; f++) frame[next() % frame.length] = next() & 0xff;
    check(frame.subarray(0, next() % (frame.length + 1)), sentinel, key, shadow);
    check(frame, sentinel, key, shadow);
    checked += 2;
  }
  for (let round = 0; round < 1000; round++) {
    const frame = new Uint8Array(next() % 200);
    for (let i = 0; i < frame.length; i++) frame[i] = next() & 0xff;
    // Steer some frames into the interesting Ethernet types.
    if (frame.length >= 14 && (round & 1) === 0) {
      const types = [0x0800, 0x86dd, 0x0806, 0x8035, 0x8100, 0x88a8, 0x8847, 0x8848, 0x894f, 0x0026];
      const type = types[next() % types.length];
      frame[12] = type >> 8;
      frame[13] = type & 0xff;
    }
    check(frame, sentinel, key, shadow);
    checked++;
  }
  assert.ok(checked > 4000);
});
