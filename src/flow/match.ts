// A match: a flow key and a mask over the same layout (src/flow/layout.ts).
// Classifier rules, megaflows and parsed flow text are all matches. setMasked()
// keeps the key normalised (key & mask), so such matches compare word by word.
// One exception: an ODP flow parsed from text (src/netlink/odp-text.ts) keeps
// key bits outside its mask, because Open vSwitch prints them back; the
// datapath masks the key when it installs the flow, as Linux does.

import { KEY_WORDS } from './layout.js';

export class Match {
  readonly key: Uint32Array;
  readonly mask: Uint32Array;

  constructor(key: Uint32Array = new Uint32Array(KEY_WORDS), mask: Uint32Array = new Uint32Array(KEY_WORDS)) {
    this.key = key;
    this.mask = mask;
  }

  /** A match that requires every bit of `key` (an exact flow). */
  static exact(key: Uint32Array): Match {
    return new Match(Uint32Array.from(key), new Uint32Array(KEY_WORDS).fill(0xffffffff));
  }

  /** Sets `value` under `mask` in one word, keeping the key normalised. */
  setMasked(word: number, value: number, mask: number): void {
    this.mask[word] = mask;
    this.key[word] = value & mask;
  }

  /** Requires the whole word to equal `value`. */
  setExact(word: number, value: number): void {
    this.setMasked(word, value, 0xffffffff);
  }

  /** True when every key bit under the mask matches `flow`. */
  matches(flow: Uint32Array): boolean {
    for (let i = 0; i < KEY_WORDS; i++) {
      if (((flow[i] ^ this.key[i]) & this.mask[i]) !== 0) return false;
    }
    return true;
  }

  equals(other: Match): boolean {
    for (let i = 0; i < KEY_WORDS; i++) {
      if (this.key[i] !== other.key[i] || this.mask[i] !== other.mask[i]) return false;
    }
    return true;
  }

  clone(): Match {
    return new Match(Uint32Array.from(this.key), Uint32Array.from(this.mask));
  }
}
