// Fuzzing decodeActions() for a bounded time: mutated corpus bytes and random
// bytes for every OpenFlow version, with and without instructions. Decoding
// must never crash: it returns actions or throws OfpError, and what it
// returns can be printed and encoded again.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readExpected } from '../../../test/corpus/openflow-actions/capture.js';
import { OfpError } from '../ofp-error.js';
import { decodeActions } from './decode.js';
import { encodeActions } from './encode.js';
import { formatActions } from './format.js';

/** A small deterministic generator (xorshift32), so a failure can be replayed. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
}

function mutate(input: Uint8Array, next: () => number): Uint8Array {
  const b = Uint8Array.from(input);
  const kind = next() % 6;
  if (kind === 0 && b.length > 0) {
    for (let i = 0, n = 1 + (next() % 4); i < n; i++) b[next() % b.length] = next() & 0xff;
    return b;
  }
  if (kind === 1) return b.subarray(0, next() % (b.length + 1));
  if (kind === 2 && b.length >= 4) {
    // A length field at an 8-byte boundary.
    const at = (next() % Math.max(1, b.length >> 3)) * 8 + 2;
    if (at + 1 < b.length) {
      b[at] = next() & 0xff;
      b[at + 1] = next() & 0xf8;
    }
    return b;
  }
  if (kind === 3) {
    const extra = new Uint8Array(8 * (1 + (next() % 3)));
    for (let i = 0; i < extra.length; i++) extra[i] = next() & 0xff;
    const out = new Uint8Array(b.length + extra.length);
    out.set(b);
    out.set(extra, b.length);
    return out;
  }
  if (kind === 4) {
    const out = new Uint8Array(8 * (next() % 8));
    for (let i = 0; i < out.length; i++) out[i] = next() & 0xff;
    return out;
  }
  if (b.length > 0) b[next() % b.length] ^= 1 << (next() % 8);
  return b;
}

test('decodeActions() never crashes on mutated or random bytes: actions or OfpError only', () => {
  const seeds: Array<[number, Uint8Array]> = [];
  for (const entry of readExpected()) {
    for (const [v, c] of Object.entries(entry.versions)) {
      if ('hex' in c && c.hex !== '') seeds.push([Number(v), Uint8Array.from(Buffer.from(c.hex, 'hex'))]);
    }
  }
  assert.ok(seeds.length > 500);
  const seed = Number(process.env.FUZZ_SEED ?? 0x5eed);
  const next = rng(seed);
  const deadline = Date.now() + 3000;
  let runs = 0;
  let decoded = 0;
  while (Date.now() < deadline) {
    const [version, seed] = seeds[next() % seeds.length]!;
    const input = mutate(seed, next);
    const instructions = version > 1 && next() % 4 !== 0;
    runs++;
    let actions;
    try {
      actions = decodeActions(input, version, { instructions });
    } catch (e) {
      if (e instanceof OfpError) continue;
      assert.fail(`seed ${seed}: v${version} ${Buffer.from(input).toString('hex')}: ${(e as Error).stack}`);
    }
    decoded++;
    let again;
    try {
      formatActions(actions);
      // Legacy forms (an OpenFlow 1.1 set_nw_dst read in 1.3) come back in
      // the version's own form once; from then on the round trip is stable.
      const bytes = encodeActions(actions, version, { instructions });
      again = decodeActions(bytes, version, { instructions });
      const stable = encodeActions(again, version, { instructions });
      const third = decodeActions(stable, version, { instructions });
      assert.equal(formatActions(third), formatActions(again));
      assert.deepEqual(encodeActions(third, version, { instructions }), stable);
    } catch (e) {
      assert.fail(`seed ${seed}: v${version} ${Buffer.from(input).toString('hex')} decoded but then: ${(e as Error).stack}`);
    }
  }
  assert.ok(runs > 1000, `only ${runs} runs`);
  assert.ok(decoded > 0);
});
