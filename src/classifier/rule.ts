// A classifier rule: a match, a priority, the versions in which it is
// visible and, for conjunction clauses, the conjunctions it takes part in.
// ofproto wraps one around each OpenFlow flow (its `data`). The rule keeps
// its match packed: only the words its mask touches, in the classifier's
// stage order, so 100,000 rules do not cost 100,000 full keys and masks.

import { KEY_WORDS } from '../flow/layout.js';
import { Match } from '../flow/match.js';
import { STAGE_OF_WORD } from './stages.js';
import type { Subtable } from './subtable.js';

/** The first version; rules inserted without a version are visible from it. */
export const VERSION_MIN = 0;
/** removeVersion of a rule that has not been removed (so visible in every later version). */
export const VERSION_NOT_REMOVED = Number.MAX_SAFE_INTEGER;

/**
 * One `conjunction(id, clause/nClauses)` action of a clause rule, as ovs-actions(7)
 * writes it: clause is 1-based, 2 <= nClauses <= 64.
 */
export interface Conjunction {
  readonly id: number;
  readonly clause: number;
  readonly nClauses: number;
}

export interface ClsRuleOptions<T> {
  /** Makes the rule a conjunction clause (its actions are conjunction actions only). */
  readonly conjunctions?: readonly Conjunction[];
  /** What the owner keeps with the rule (ofproto: its rule object). */
  readonly data?: T;
}

/** Every key word, ordered by stage and then by word. */
const STAGE_ORDER: Int32Array = Int32Array.from(
  Array.from({ length: KEY_WORDS }, (_, w) => w).sort((a, b) => STAGE_OF_WORD[a] - STAGE_OF_WORD[b] || a - b));

/** Words of `mask` that are not zero, ordered by stage and then by word: the packed layout. */
export function packedWords(mask: Uint32Array): Int32Array {
  let n = 0;
  for (let w = 0; w < KEY_WORDS; w++) if (mask[w] !== 0) n++;
  const words = new Int32Array(n);
  for (let i = 0, j = 0; j < n; i++) if (mask[STAGE_ORDER[i]] !== 0) words[j++] = STAGE_ORDER[i];
  return words;
}

function checkConjunctions(conjunctions: readonly Conjunction[]): void {
  if (conjunctions.length === 0) throw new RangeError('a conjunction clause needs at least one conjunction');
  for (const c of conjunctions) {
    if (!Number.isInteger(c.id) || c.id < 0 || c.id > 0xffffffff) throw new RangeError(`conjunction id ${c.id} out of range`);
    if (!Number.isInteger(c.nClauses) || c.nClauses < 2 || c.nClauses > 64) {
      throw new RangeError(`conjunction(${c.id}): ${c.nClauses} clauses (must be 2 to 64)`);
    }
    if (!Number.isInteger(c.clause) || c.clause < 1 || c.clause > c.nClauses) {
      throw new RangeError(`conjunction(${c.id}): clause ${c.clause} of ${c.nClauses}`);
    }
  }
}

export class ClsRule<T = unknown> {
  readonly priority: number;
  readonly data: T;
  /** The rule's conjunctions when it is a conjunction clause; null for an ordinary rule. */
  conjunctions: readonly Conjunction[] | null;
  /** First version in which the rule is visible. */
  addVersion = VERSION_MIN;
  /** First version in which it is no longer visible (VERSION_NOT_REMOVED while it stays). */
  removeVersion = VERSION_NOT_REMOVED;

  // Packed match (see packedWords()); `words` and `maskValues` are shared
  // with the subtable once the rule is inserted. Signed, as `&` yields.
  /** @internal */ words: Int32Array;
  /** @internal */ maskValues: Int32Array;
  /** @internal */ values: Int32Array;
  /** @internal The subtable holding the rule, null when not in a classifier. */
  subtable: Subtable | null = null;
  /** @internal Next rule with the same match, lower or equal priority. */
  next: ClsRule<T> | null = null;
  /** @internal Hash of the packed values. */
  hash = 0;

  constructor(match: Match, priority: number, options: ClsRuleOptions<T> = {}) {
    if (!Number.isInteger(priority)) throw new RangeError(`rule priority ${priority} is not an integer`);
    this.priority = priority;
    this.data = options.data as T;
    if (options.conjunctions !== undefined) checkConjunctions(options.conjunctions);
    this.conjunctions = options.conjunctions === undefined ? null : options.conjunctions.slice();
    const words = packedWords(match.mask);
    this.words = words;
    this.maskValues = new Int32Array(words.length);
    this.values = new Int32Array(words.length);
    for (let i = 0; i < words.length; i++) {
      this.maskValues[i] = match.mask[words[i]];
      this.values[i] = match.key[words[i]] & match.mask[words[i]];
    }
  }

  /** The rule's match, rebuilt from the packed form (allocates; not for the packet path). */
  get match(): Match {
    const m = new Match();
    for (let i = 0; i < this.words.length; i++) {
      m.mask[this.words[i]] = this.maskValues[i];
      m.key[this.words[i]] = this.values[i];
    }
    return m;
  }

  /** True when the rule is visible to lookups in `version`. */
  isVisibleIn(version: number): boolean {
    return this.addVersion <= version && version < this.removeVersion;
  }

  /** True when every key bit under the rule's mask agrees with `key`. */
  matchesKey(key: Uint32Array): boolean {
    for (let i = 0; i < this.words.length; i++) {
      if ((key[this.words[i]] & this.maskValues[i]) !== this.values[i]) return false;
    }
    return true;
  }

  /** True when the two rules have the same match (mask and key). */
  sameMatch(other: ClsRule<unknown>): boolean {
    if (this.words.length !== other.words.length) return false;
    for (let i = 0; i < this.words.length; i++) {
      if (this.words[i] !== other.words[i] || this.maskValues[i] !== other.maskValues[i]
        || this.values[i] !== other.values[i]) return false;
    }
    return true;
  }
}
