// Unit and randomised tests of the prefix trie: which prefix lengths agree
// with a value, and that checkBits leading bits are enough to decide that,
// checked against brute force over random prefix sets.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { xorshift32 } from '../lib/random.js';
import { PrefixTrie, prefixMask } from './trie.js';

function lengthsOf(trie: PrefixTrie): number[] {
  const out: number[] = [];
  for (let l = 1; l <= trie.bits; l++) if (trie.hasLength(l)) out.push(l);
  return out;
}

test('lookup() reports the prefix lengths that agree with a value and the bits that decided it', () => {
  const trie = new PrefixTrie(1);
  trie.insert([0x0a000000], 0, 8); // 10/8
  trie.insert([0x0a010200], 0, 24); // 10.1.2/24
  trie.insert([0x0a010203], 0, 32);
  trie.lookup([0x0a010203], 0);
  assert.deepEqual(lengthsOf(trie), [8, 24, 32]);
  assert.equal(trie.checkBits, 32);
  trie.lookup([0x0a010204], 0);
  assert.deepEqual(lengthsOf(trie), [8, 24]);
  assert.equal(trie.checkBits, 30); // .3 and .4 part at bit 29
  trie.lookup([0x0b000000], 0);
  assert.deepEqual(lengthsOf(trie), []);
  assert.equal(trie.checkBits, 8);
  trie.lookup([0x8a000000], 0);
  assert.equal(trie.checkBits, 1, 'nothing starts with a one bit');
  assert.ok(trie.remove([0x0a010200], 0, 24));
  assert.equal(trie.remove([0x0a010200], 0, 24), false);
  trie.lookup([0x0a010204], 0);
  assert.deepEqual(lengthsOf(trie), [8]);
  assert.equal(trie.checkBits, 30);
  assert.ok(trie.remove([0x0a010203], 0, 32));
  trie.lookup([0x0a010204], 0);
  assert.equal(trie.checkBits, 8, 'below the /8 nothing is left to look at');
  assert.ok(trie.remove([0x0a000000], 0, 8));
  trie.lookup([0x0a010204], 0);
  assert.equal(trie.checkBits, 0);
  assert.equal(trie.size, 0);
});

test('prefixMask() sets the leading bits of a word', () => {
  assert.equal(prefixMask(0), 0);
  assert.equal(prefixMask(1), 0x80000000);
  assert.equal(prefixMask(24), 0xffffff00);
  assert.equal(prefixMask(32), 0xffffffff);
  assert.equal(prefixMask(40), 0xffffffff);
});

/** Brute force: the lengths of stored prefixes that agree with `value`. */
function bruteLengths(prefixes: [number[], number][], value: number[]): number[] {
  const out = new Set<number>();
  for (const [p, length] of prefixes) {
    let agree = true;
    for (let w = 0; w < value.length && agree; w++) {
      const m = prefixMask(length - w * 32);
      agree = ((p[w] ^ value[w]) & m) === 0;
    }
    if (agree) out.add(length);
  }
  return [...out].sort((a, b) => a - b);
}

test('random tries of 1, 2 and 4 words agree with brute force, and checkBits bits decide', () => {
  for (const words of [1, 2, 4]) {
    for (let seed = 1; seed <= 30; seed++) {
      const random = xorshift32(seed * 977 + words);
      const trie = new PrefixTrie(words);
      const prefixes: [number[], number][] = [];
      // Values from a small pool of stems so prefixes share paths.
      const stems = Array.from({ length: 4 }, () => Array.from({ length: words }, () => random()));
      const near = (): number[] => {
        const v = stems[random() % stems.length].slice();
        v[random() % words] ^= 1 << (random() % 32);
        return v;
      };
      for (let i = 0; i < 40; i++) {
        const length = 1 + (random() % (words * 32));
        const value = near();
        trie.insert(value, 0, length);
        prefixes.push([value, length]);
        if (random() % 4 === 0) {
          const [v, l] = prefixes.splice(random() % prefixes.length, 1)[0];
          assert.ok(trie.remove(v, 0, l));
        }
      }
      assert.equal(trie.size, prefixes.length);
      for (let i = 0; i < 50; i++) {
        const value = near();
        trie.lookup(value, 0);
        assert.deepEqual(lengthsOf(trie), bruteLengths(prefixes, value), `seed ${seed}`);
        // Another value that agrees on checkBits bits gets the same lengths.
        const other = value.map((v, w) => ((v & prefixMask(trie.checkBits - w * 32)) | (random() & ~prefixMask(trie.checkBits - w * 32))) >>> 0);
        assert.deepEqual(bruteLengths(prefixes, other), lengthsOf(trie), `seed ${seed}: checkBits too small`);
      }
    }
  }
});
