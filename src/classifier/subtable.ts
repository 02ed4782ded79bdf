// A subtable: every classifier rule with one particular mask (one "tuple" of
// tuple space search). Rules live in an open-addressing hash table keyed by
// their packed masked key; rules with the same match chain from the table
// slot in priority order. Beside it, one small index per stage but the last
// counts the partial hashes (metadata, metadata+L2, ...) of its rules, so a
// lookup can stop at the first stage that no rule agrees with.

import { hashAdd, hashFinish } from '../lib/hash.js';
import { KEY_WORDS, TP_DST, TP_SRC } from '../flow/layout.js';
import type { ClsRule } from './rule.js';
import { STAGE_OF_WORD } from './stages.js';
import { PrefixTrie } from './trie.js';

const PORTS_SCRATCH = new Uint32Array(1);

/** Trailing zero bits of a nonzero word. */
function ctz32(x: number): number {
  return 31 - Math.clz32(x & -x);
}

/** Hash set of 32-bit hashes with a count each (a stage index). */
export class HashCounts {
  hashes = new Uint32Array(8);
  counts = new Int32Array(8);
  size = 0;

  contains(hash: number): boolean {
    const mask = this.hashes.length - 1;
    for (let i = hash & mask; this.counts[i] !== 0; i = (i + 1) & mask) {
      if (this.hashes[i] === hash) return true;
    }
    return false;
  }

  add(hash: number): void {
    const mask = this.hashes.length - 1;
    let i = hash & mask;
    for (; this.counts[i] !== 0; i = (i + 1) & mask) {
      if (this.hashes[i] === hash) {
        this.counts[i]++;
        return;
      }
    }
    this.hashes[i] = hash;
    this.counts[i] = 1;
    if (++this.size * 2 > this.hashes.length) this.resize(this.hashes.length * 2);
  }

  remove(hash: number): void {
    const mask = this.hashes.length - 1;
    let i = hash & mask;
    for (; this.counts[i] !== 0; i = (i + 1) & mask) {
      if (this.hashes[i] !== hash) continue;
      if (--this.counts[i] > 0) return;
      this.size--;
      // Backward-shift deletion keeps every probe run unbroken.
      let hole = i;
      for (let j = (i + 1) & mask; this.counts[j] !== 0; j = (j + 1) & mask) {
        const home = this.hashes[j] & mask;
        if (((j - home) & mask) >= ((j - hole) & mask)) {
          this.hashes[hole] = this.hashes[j];
          this.counts[hole] = this.counts[j];
          this.counts[j] = 0;
          hole = j;
        }
      }
      return;
    }
    throw new Error('stage index lost a hash');
  }

  private resize(capacity: number): void {
    const oldHashes = this.hashes;
    const oldCounts = this.counts;
    this.hashes = new Uint32Array(capacity);
    this.counts = new Int32Array(capacity);
    const mask = capacity - 1;
    for (let k = 0; k < oldHashes.length; k++) {
      if (oldCounts[k] === 0) continue;
      let i = oldHashes[k] & mask;
      while (this.counts[i] !== 0) i = (i + 1) & mask;
      this.hashes[i] = oldHashes[k];
      this.counts[i] = oldCounts[k];
    }
  }
}

export class Subtable {
  /** The mask, full layout. */
  readonly mask: Uint32Array;
  /** Nonzero mask words in stage order (the packed layout) and their mask values. */
  readonly words: Int32Array;
  readonly maskValues: Int32Array;
  /** End (in `words`) of each stage that has words, in stage order; the last is words.length. */
  readonly stageEnds: Int32Array;
  /** Stage number (STAGE_*) of each entry of stageEnds. */
  readonly stageNumbers: Int32Array;
  /** Partial-hash index of each stage but the last. */
  readonly stageIndexes: HashCounts[];
  /**
   * Per prefix trie of the classifier: the mask's prefix length on the
   * trie's field (0 when the mask there is zero or not a prefix) and the
   * position in stageEnds before which the trie is consulted.
   */
  triePrefixLengths: Int32Array = new Int32Array(0);
  trieStagePositions: Int32Array = new Int32Array(0);
  hasTries = false;

  /**
   * Ports trie: when the mask has transport ports, the rules' ports as one
   * 32-bit value (tp_src << 16 | tp_dst, masked), so that a miss in the
   * last stage needs only as many port bits as tell this packet's ports from
   * every rule's. Null without ports. portsMask is the combined mask and
   * portsLength the trie prefix length (up to its last set bit).
   */
  readonly portsTrie: PrefixTrie | null;
  readonly portsMask: number;
  readonly portsLength: number;
  /** Positions in `words` of tp_src and tp_dst (-1 when not matched). */
  readonly tpSrcIndex: number;
  readonly tpDstIndex: number;

  /** Highest priority of any rule here (visible or not). */
  maxPriority = -Infinity;
  /** Rules per priority, to keep maxPriority without a scan. */
  readonly priorityCounts = new Map<number, number>();
  ruleCount = 0;

  /** Rule table: open addressing; slot holds the highest-priority rule of a chain. */
  slotHashes = new Uint32Array(8);
  slotRules: (ClsRule<unknown> | null)[] = new Array<ClsRule<unknown> | null>(8).fill(null);
  slotsUsed = 0;

  constructor(words: Int32Array, maskValues: Int32Array) {
    this.words = words;
    this.maskValues = maskValues;
    this.mask = new Uint32Array(KEY_WORDS);
    for (let i = 0; i < words.length; i++) this.mask[words[i]] = maskValues[i];
    const ends: number[] = [];
    const numbers: number[] = [];
    for (let i = 0; i < words.length; i++) {
      const stage = STAGE_OF_WORD[words[i]];
      if (i + 1 === words.length || STAGE_OF_WORD[words[i + 1]] !== stage) {
        ends.push(i + 1);
        numbers.push(stage);
      }
    }
    this.stageEnds = Int32Array.from(ends);
    this.stageNumbers = Int32Array.from(numbers);
    this.stageIndexes = [];
    for (let s = 0; s + 1 < ends.length; s++) this.stageIndexes.push(new HashCounts());
    this.tpSrcIndex = words.indexOf(TP_SRC);
    this.tpDstIndex = words.indexOf(TP_DST);
    this.portsMask = ((this.mask[TP_SRC] & 0xffff) << 16 | (this.mask[TP_DST] & 0xffff)) >>> 0;
    this.portsLength = this.portsMask === 0 ? 0 : 32 - ctz32(this.portsMask);
    this.portsTrie = this.portsMask === 0 ? null : new PrefixTrie(1);
  }

  /** A rule's (or a masked packet's) ports as the ports trie keeps them. */
  portsOf(values: ArrayLike<number>): number {
    const src = this.tpSrcIndex < 0 ? 0 : values[this.tpSrcIndex] & 0xffff;
    const dst = this.tpDstIndex < 0 ? 0 : values[this.tpDstIndex] & 0xffff;
    return ((src << 16) | dst) >>> 0;
  }

  /** Adds (delta > 0) or removes a rule's ports in the ports trie. */
  indexPorts(rule: ClsRule<unknown>, delta: number): void {
    if (this.portsTrie === null) return;
    PORTS_SCRATCH[0] = this.portsOf(rule.values);
    if (delta > 0) this.portsTrie.insert(PORTS_SCRATCH, 0, this.portsLength);
    else this.portsTrie.remove(PORTS_SCRATCH, 0, this.portsLength);
  }

  /**
   * Computes a rule's full hash and adds or removes its partial hashes in
   * the stage indexes (delta +1 or -1). Returns the full hash.
   */
  indexRule(rule: ClsRule<unknown>, delta: number): number {
    const values = rule.values;
    const ends = this.stageEnds;
    let hash = 0;
    let j = 0;
    for (let s = 0; s < ends.length; s++) {
      for (const end = ends[s]; j < end; j++) hash = hashAdd(hash, values[j]);
      if (s + 1 < ends.length) {
        const partial = hashFinish(hash, s);
        if (delta > 0) this.stageIndexes[s].add(partial);
        else if (delta < 0) this.stageIndexes[s].remove(partial);
      }
    }
    return hashFinish(hash, j);
  }

  /** The chain head whose match equals `rule`'s, or null. */
  findSame(rule: ClsRule<unknown>): ClsRule<unknown> | null {
    const mask = this.slotHashes.length - 1;
    for (let i = rule.hash & mask; this.slotRules[i] !== null; i = (i + 1) & mask) {
      const head = this.slotRules[i] as ClsRule<unknown>;
      if (this.slotHashes[i] === rule.hash && head.sameMatch(rule)) return head;
    }
    return null;
  }

  /** The chain head matching packet `key` (full hash `hash`), or null. */
  findKey(hash: number, key: Uint32Array): ClsRule<unknown> | null {
    const mask = this.slotHashes.length - 1;
    const words = this.words;
    const maskValues = this.maskValues;
    const n = words.length;
    for (let i = hash & mask; ; i = (i + 1) & mask) {
      const head = this.slotRules[i];
      if (head === null) return null;
      if (this.slotHashes[i] !== hash) continue;
      const values = head.values;
      let j = 0;
      while (j < n && (key[words[j]] & maskValues[j]) === values[j]) j++;
      if (j === n) return head;
    }
  }

  /** Puts a new chain head into an empty slot. */
  addHead(rule: ClsRule<unknown>): void {
    if ((this.slotsUsed + 1) * 2 > this.slotHashes.length) this.resize(this.slotHashes.length * 2);
    const mask = this.slotHashes.length - 1;
    let i = rule.hash & mask;
    while (this.slotRules[i] !== null) i = (i + 1) & mask;
    this.slotHashes[i] = rule.hash;
    this.slotRules[i] = rule;
    this.slotsUsed++;
  }

  /** Replaces chain head `old` by `replacement` (null removes the chain). */
  replaceHead(old: ClsRule<unknown>, replacement: ClsRule<unknown> | null): void {
    const mask = this.slotHashes.length - 1;
    let i = old.hash & mask;
    while (this.slotRules[i] !== old) {
      if (this.slotRules[i] === null) throw new Error('subtable lost a rule');
      i = (i + 1) & mask;
    }
    if (replacement !== null) {
      this.slotRules[i] = replacement;
      return;
    }
    this.slotRules[i] = null;
    this.slotsUsed--;
    let hole = i;
    for (let j = (i + 1) & mask; this.slotRules[j] !== null; j = (j + 1) & mask) {
      const home = this.slotHashes[j] & mask;
      if (((j - home) & mask) >= ((j - hole) & mask)) {
        this.slotHashes[hole] = this.slotHashes[j];
        this.slotRules[hole] = this.slotRules[j];
        this.slotRules[j] = null;
        hole = j;
      }
    }
  }

  /** Every chain head (a snapshot, so callers may remove while walking). */
  heads(): ClsRule<unknown>[] {
    const out: ClsRule<unknown>[] = [];
    for (const r of this.slotRules) if (r !== null) out.push(r);
    return out;
  }

  /** Counts a rule's priority in; true when maxPriority rose. */
  addPriority(priority: number): boolean {
    this.priorityCounts.set(priority, (this.priorityCounts.get(priority) ?? 0) + 1);
    this.ruleCount++;
    if (priority > this.maxPriority) {
      this.maxPriority = priority;
      return true;
    }
    return false;
  }

  /** Counts a rule's priority out; true when maxPriority fell. */
  removePriority(priority: number): boolean {
    const n = (this.priorityCounts.get(priority) ?? 0) - 1;
    this.ruleCount--;
    if (n > 0) {
      this.priorityCounts.set(priority, n);
      return false;
    }
    this.priorityCounts.delete(priority);
    if (priority !== this.maxPriority) return false;
    let max = -Infinity;
    for (const p of this.priorityCounts.keys()) if (p > max) max = p;
    this.maxPriority = max;
    return true;
  }

  private resize(capacity: number): void {
    const oldHashes = this.slotHashes;
    const oldRules = this.slotRules;
    this.slotHashes = new Uint32Array(capacity);
    this.slotRules = new Array<ClsRule<unknown> | null>(capacity).fill(null);
    const mask = capacity - 1;
    for (let k = 0; k < oldRules.length; k++) {
      const r = oldRules[k];
      if (r === null) continue;
      let i = oldHashes[k] & mask;
      while (this.slotRules[i] !== null) i = (i + 1) & mask;
      this.slotHashes[i] = oldHashes[k];
      this.slotRules[i] = r;
    }
  }
}
