// The classifier: ofproto's OpenFlow tables (ofproto inserts, xlate looks
// up). Tuple space search over subtables in descending order of priority,
// with staged lookup and prefix tries so that lookup() reports in
// `wildcards` the few key bits its answer depended on: the megaflow mask.
// Versioned rules make a bundle visible at once; conjunction clauses resolve
// into conj_id lookups. docs/classifier.md tells the whole story.

import * as L from '../flow/layout.js';
import type { Match } from '../flow/match.js';
import { hashAdd, hashFinish } from '../lib/hash.js';
import { ClsRule, VERSION_NOT_REMOVED } from './rule.js';
import { STAGE_OF_WORD } from './stages.js';
import { Subtable } from './subtable.js';
import { PrefixTrie, prefixMask } from './trie.js';

/** Fields that may get a prefix trie (the Flow_Table `prefixes` column), with their words. */
/**
 * Fields that may get a prefix trie (the Flow_Table `prefixes` column), with
 * their words and the Ethertype a packet needs for the trie to be consulted
 * (0: any). As in Open vSwitch, an ARP packet does not use the nw_dst trie
 * even though arp_tpa shares its word: the stages decide for it instead.
 */
export const PREFIX_FIELDS: ReadonlyMap<string, { readonly word: number; readonly words: number; readonly dlType: number }> =
  new Map([
    ['tun_id', { word: L.TUN_ID_HI, words: 2, dlType: 0 }],
    ['tun_src', { word: L.TUN_IPV4_SRC, words: 1, dlType: 0 }],
    ['tun_dst', { word: L.TUN_IPV4_DST, words: 1, dlType: 0 }],
    ['tun_ipv6_src', { word: L.TUN_IPV6_SRC, words: 4, dlType: 0 }],
    ['tun_ipv6_dst', { word: L.TUN_IPV6_DST, words: 4, dlType: 0 }],
    ['nw_src', { word: L.NW_SRC, words: 1, dlType: 0x0800 }],
    ['ip_src', { word: L.NW_SRC, words: 1, dlType: 0x0800 }],
    ['nw_dst', { word: L.NW_DST, words: 1, dlType: 0x0800 }],
    ['ip_dst', { word: L.NW_DST, words: 1, dlType: 0x0800 }],
    ['ipv6_src', { word: L.IPV6_SRC, words: 4, dlType: 0x86dd }],
    ['ipv6_dst', { word: L.IPV6_DST, words: 4, dlType: 0x86dd }],
  ]);

/** At most this many prefix tries per classifier, as Open vSwitch. */
export const MAX_PREFIX_FIELDS = 3;
/** Open vSwitch's default for every flow table: prefixes=ip_dst,ip_src. */
export const DEFAULT_PREFIX_FIELDS: readonly string[] = ['ip_dst', 'ip_src'];

export interface ClassifierOptions {
  /** Prefix trie fields (names of PREFIX_FIELDS); default DEFAULT_PREFIX_FIELDS. */
  readonly prefixFields?: readonly string[];
}

/** Which rules rules() returns. */
export interface RuleFilter {
  /**
   * Loose: rules at least as specific as `target` (every bit it matches,
   * they match, to the same value), as a non-strict flow-mod selects. With
   * `strict`, only rules whose match equals `target`.
   */
  readonly target?: Match;
  readonly strict?: boolean;
  /** Only rules of this priority (a strict flow-mod gives one). */
  readonly priority?: number;
  /** Only rules visible in this version. */
  readonly version?: number;
}

/** One prefix trie and what the current lookup learned from it. */
interface TrieSlot {
  readonly name: string;
  readonly word: number;
  readonly words: number;
  readonly stage: number;
  /** Ethertype the packet must have for the trie to be used (0: any). */
  readonly dlType: number;
  readonly trie: PrefixTrie;
  /** Lookup serial for which trie.lookup() ran. */
  serial: number;
}

/** The subtable's prefix length on words [word, word+count), or 0 when not a nonzero prefix. */
function maskPrefixLength(mask: Uint32Array, word: number, count: number): number {
  let length = 0;
  let ended = false;
  for (let i = 0; i < count; i++) {
    const m = mask[word + i];
    if (ended) {
      if (m !== 0) return 0;
      continue;
    }
    const ones = Math.clz32(~m);
    if (((m << ones) | 0) !== 0 && ones < 32) return 0; // ones after a zero
    length += ones;
    if (ones < 32) ended = true;
  }
  return length;
}

export class Classifier<T = unknown> {
  /** Subtables in descending order of maxPriority. */
  private subtables: Subtable[] = [];
  /** Subtables by the hash of their packed mask. */
  private readonly subtablesByMask = new Map<number, Subtable[]>();
  private tries: TrieSlot[] = [];
  private ruleCount = 0;
  /** Rules removed in some version and waiting for purge(). */
  private pending: ClsRule<T>[] = [];

  // Lookup scratch: nothing is allocated per lookup once these have grown.
  private serial = 0;
  private readonly scratchWildcards = new Uint32Array(L.KEY_WORDS);
  private readonly portsScratch = new Uint32Array(1);
  private soft: ClsRule<T>[] = [];
  private softCount = 0;

  constructor(options: ClassifierOptions = {}) {
    this.setPrefixFields(options.prefixFields ?? DEFAULT_PREFIX_FIELDS);
  }

  /** Rules in the classifier, visible or not. */
  get count(): number {
    return this.ruleCount;
  }

  get isEmpty(): boolean {
    return this.ruleCount === 0;
  }

  /** Number of subtables (distinct masks). */
  get subtableCount(): number {
    return this.subtables.length;
  }

  /** The prefix trie fields in use. */
  get prefixFields(): string[] {
    return this.tries.map((t) => t.name);
  }

  // --- Configuration ---------------------------------------------------------

  /**
   * Chooses the fields that get prefix tries (at most 3; "none" or an empty
   * list for none) and rebuilds the tries. Unknown or duplicate fields throw
   * RangeError.
   */
  setPrefixFields(names: readonly string[]): void {
    const list = names.length === 1 && names[0] === 'none' ? [] : names;
    if (list.length > MAX_PREFIX_FIELDS) throw new RangeError(`at most ${MAX_PREFIX_FIELDS} prefix fields`);
    const tries: TrieSlot[] = [];
    for (const name of list) {
      const field = PREFIX_FIELDS.get(name);
      if (!field) throw new RangeError(`${name}: not a field that can have a prefix trie`);
      if (tries.some((t) => t.word === field.word)) throw new RangeError(`${name}: prefix field given twice`);
      tries.push({
        name, word: field.word, words: field.words, stage: STAGE_OF_WORD[field.word], dlType: field.dlType,
        trie: new PrefixTrie(field.words), serial: -1,
      });
    }
    this.tries = tries;
    for (const st of this.subtables) {
      this.setSubtableTries(st);
      for (const head of st.heads()) {
        for (let r: ClsRule<unknown> | null = head; r !== null; r = r.next) this.trieUpdate(st, r, +1);
      }
    }
  }

  private setSubtableTries(st: Subtable): void {
    const n = this.tries.length;
    st.triePrefixLengths = new Int32Array(n);
    st.trieStagePositions = new Int32Array(n).fill(-1);
    st.hasTries = false;
    for (let t = 0; t < n; t++) {
      const slot = this.tries[t];
      const length = maskPrefixLength(st.mask, slot.word, slot.words);
      if (length === 0) continue;
      st.triePrefixLengths[t] = length;
      st.trieStagePositions[t] = st.stageNumbers.indexOf(slot.stage);
      st.hasTries = true;
    }
  }

  private trieUpdate(st: Subtable, rule: ClsRule<unknown>, delta: number): void {
    for (let t = 0; t < this.tries.length; t++) {
      const length = st.triePrefixLengths[t];
      if (length === 0) continue;
      const slot = this.tries[t];
      const value = [0, 0, 0, 0];
      for (let i = 0; i < st.words.length; i++) {
        const w = st.words[i];
        if (w >= slot.word && w < slot.word + slot.words) value[w - slot.word] = rule.values[i] >>> 0;
      }
      if (delta > 0) slot.trie.insert(value, 0, length);
      else slot.trie.remove(value, 0, length);
    }
  }

  // --- Insertion and removal -------------------------------------------------

  /**
   * Adds `rule`, visible from `version` on. A rule with the same match and
   * priority may already be there: both stay (a bundle makes the old one
   * invisible in the same version, see removeInVersion()); use replace() to
   * swap one for the other outside versioning.
   */
  insert(rule: ClsRule<T>, version = 0): void {
    if (rule.subtable !== null) throw new TypeError('rule is already in a classifier');
    rule.addVersion = version;
    rule.removeVersion = VERSION_NOT_REMOVED;
    const st = this.subtableFor(rule);
    rule.words = st.words;
    rule.maskValues = st.maskValues;
    rule.hash = st.indexRule(rule, +1);
    rule.subtable = st;
    rule.next = null;
    const head = st.findSame(rule) as ClsRule<T> | null;
    if (head === null) {
      st.addHead(rule);
    } else if (rule.priority > head.priority) {
      rule.next = head;
      st.replaceHead(head, rule);
    } else {
      let prev = head;
      while (prev.next !== null && prev.next.priority >= rule.priority) prev = prev.next;
      rule.next = prev.next;
      prev.next = rule;
    }
    this.trieUpdate(st, rule, +1);
    st.indexPorts(rule, +1);
    if (st.addPriority(rule.priority)) this.raiseSubtable(st);
    this.ruleCount++;
  }

  /**
   * Removes `rule` at once (not versioned: lookups in every version stop
   * seeing it). Returns false when it is not in this classifier.
   */
  remove(rule: ClsRule<T>): boolean {
    const st = rule.subtable;
    if (st === null || !this.owns(st)) return false;
    const head = st.findSame(rule) as ClsRule<T> | null;
    if (head === null) return false;
    if (head === rule) {
      st.replaceHead(rule, rule.next);
    } else {
      let prev = head;
      while (prev.next !== null && prev.next !== rule) prev = prev.next;
      if (prev.next !== rule) return false;
      prev.next = rule.next;
    }
    st.indexRule(rule, -1);
    this.trieUpdate(st, rule, -1);
    st.indexPorts(rule, -1);
    rule.next = null;
    rule.subtable = null;
    this.ruleCount--;
    if (st.removePriority(rule.priority)) {
      if (st.ruleCount === 0) this.dropSubtable(st);
      else this.lowerSubtable(st);
    }
    return true;
  }

  /**
   * Inserts `rule` in place of the rule with the same match and priority
   * visible in `version` (which is removed at once and returned), or simply
   * inserts it. Not for versioned bundles (see removeInVersion()).
   */
  replace(rule: ClsRule<T>, version = 0): ClsRule<T> | null {
    const old = this.findExactly(rule.match, rule.priority, version);
    if (old !== null) this.remove(old);
    this.insert(rule, version);
    return old;
  }

  /**
   * Makes `rule` invisible from `version` on, keeping it for lookups in
   * earlier versions, and queues it for purge(): a bundle's deletes.
   */
  removeInVersion(rule: ClsRule<T>, version: number): void {
    if (rule.subtable === null) throw new TypeError('rule is not in a classifier');
    if (version < rule.addVersion) throw new RangeError(`version ${version} precedes the rule's ${rule.addVersion}`);
    if (rule.removeVersion === VERSION_NOT_REMOVED) this.pending.push(rule);
    rule.removeVersion = version;
  }

  /** Undoes removeInVersion() (a bundle that failed to commit). */
  restoreVisibility(rule: ClsRule<T>): void {
    rule.removeVersion = VERSION_NOT_REMOVED;
    const i = this.pending.indexOf(rule);
    if (i >= 0) this.pending.splice(i, 1);
  }

  /**
   * Deferred removal: removes the rules that removeInVersion() made
   * invisible in `oldestVersion` (the oldest version any lookup still
   * uses), and so in every later one. Returns them.
   */
  purge(oldestVersion: number): ClsRule<T>[] {
    const removed: ClsRule<T>[] = [];
    const kept: ClsRule<T>[] = [];
    for (const r of this.pending) {
      if (r.removeVersion === VERSION_NOT_REMOVED) continue;
      if (r.removeVersion <= oldestVersion) {
        if (this.remove(r)) removed.push(r);
      } else {
        kept.push(r);
      }
    }
    this.pending = kept;
    return removed;
  }

  /** Changes which conjunctions a rule is a clause of (null: an ordinary rule). */
  setConjunctions(rule: ClsRule<T>, conjunctions: ClsRule<T>['conjunctions']): void {
    if (conjunctions !== null) {
      const check = new ClsRule(rule.match, rule.priority, { conjunctions });
      rule.conjunctions = check.conjunctions;
    } else {
      rule.conjunctions = null;
    }
  }

  private owns(st: Subtable): boolean {
    return (this.subtablesByMask.get(this.maskHash(st.words, st.maskValues)) ?? []).includes(st);
  }

  private maskHash(words: Int32Array, maskValues: Int32Array): number {
    let hash = 0;
    for (let i = 0; i < words.length; i++) hash = hashAdd(hashAdd(hash, words[i]), maskValues[i]);
    return hashFinish(hash, words.length * 8);
  }

  private subtableFor(rule: ClsRule<T>): Subtable {
    const hash = this.maskHash(rule.words, rule.maskValues);
    let list = this.subtablesByMask.get(hash);
    if (list !== undefined) {
      for (const st of list) {
        if (st.words.length !== rule.words.length) continue;
        let same = true;
        for (let i = 0; i < st.words.length && same; i++) {
          same = st.words[i] === rule.words[i] && st.maskValues[i] === rule.maskValues[i];
        }
        if (same) return st;
      }
    } else {
      list = [];
      this.subtablesByMask.set(hash, list);
    }
    const st = new Subtable(rule.words, rule.maskValues);
    this.setSubtableTries(st);
    list.push(st);
    this.subtables.push(st); // maxPriority -Infinity: last, raised by the caller
    return st;
  }

  private dropSubtable(st: Subtable): void {
    this.subtables.splice(this.subtables.indexOf(st), 1);
    const hash = this.maskHash(st.words, st.maskValues);
    const list = this.subtablesByMask.get(hash) as Subtable[];
    list.splice(list.indexOf(st), 1);
    if (list.length === 0) this.subtablesByMask.delete(hash);
  }

  private raiseSubtable(st: Subtable): void {
    const list = this.subtables;
    let i = list.indexOf(st);
    while (i > 0 && list[i - 1].maxPriority < st.maxPriority) {
      list[i] = list[i - 1];
      i--;
    }
    list[i] = st;
  }

  private lowerSubtable(st: Subtable): void {
    const list = this.subtables;
    let i = list.indexOf(st);
    while (i + 1 < list.length && list[i + 1].maxPriority > st.maxPriority) {
      list[i] = list[i + 1];
      i++;
    }
    list[i] = st;
  }

  // --- Lookup ----------------------------------------------------------------

  /**
   * The highest-priority rule visible in `version` that matches packet
   * `key`, with conjunctions resolved, or null. Every key bit the answer
   * depended on is set in `wildcards` (which is ORed into, not cleared): any
   * key that agrees with `key` on those bits gets the same rule. `key` is
   * only read, except that conj_id is set during a conjunction's second
   * lookup and restored. No allocation.
   */
  lookup(key: Uint32Array, version: number, wildcards?: Uint32Array): ClsRule<T> | null {
    this.serial++;
    this.softCount = 0;
    const wc = wildcards ?? this.scratchWildcards;
    const hard = this.lookupRules(key, version, wc, true);
    if (this.softCount === 0) return hard;
    return this.resolveConjunctions(key, version, wc, hard);
  }

  /**
   * One pass over the subtables: returns the best ordinary rule and, when
   * `conjunctive`, leaves in soft[0..softCount) the conjunction clauses of
   * higher priority found on the way.
   */
  private lookupRules(key: Uint32Array, version: number, wc: Uint32Array, conjunctive: boolean): ClsRule<T> | null {
    const subtables = this.subtables;
    let hard: ClsRule<T> | null = null;
    let hardPriority = -Infinity;
    for (let i = 0; i < subtables.length; i++) {
      const st = subtables[i];
      if (st.maxPriority <= hardPriority) break;
      let r = this.findInSubtable(st, key, wc) as ClsRule<T> | null;
      for (; r !== null; r = r.next) {
        if (r.priority <= hardPriority) break;
        if (r.addVersion > version || version >= r.removeVersion) continue;
        if (r.conjunctions !== null) {
          if (conjunctive) {
            if (this.softCount === this.soft.length) this.soft.push(r);
            else this.soft[this.softCount] = r;
            this.softCount++;
          }
          continue;
        }
        hard = r;
        hardPriority = r.priority;
        break;
      }
    }
    return hard;
  }

  /**
   * Staged lookup in one subtable: the chain of rules whose match the key
   * satisfies, or null. Un-wildcards what it examined.
   */
  private findInSubtable(st: Subtable, key: Uint32Array, wc: Uint32Array): ClsRule<unknown> | null {
    const words = st.words;
    const maskValues = st.maskValues;
    const ends = st.stageEnds;
    const last = ends.length - 1;
    let hash = 0;
    let j = 0;
    // The tries are asked only where a stage misses: a stage that some rule
    // agrees with contains that rule's prefix, which the trie would confirm.
    for (let s = 0; s <= last; s++) {
      const end = ends[s];
      for (; j < end; j++) hash = hashAdd(hash, key[words[j]] & maskValues[j]);
      if (s < last && !st.stageIndexes[s].contains(hashFinish(hash, s))) {
        if (st.hasTries && this.trieRulesOut(st, s, key, wc)) return null;
        for (let k = 0; k < end; k++) wc[words[k]] |= maskValues[k];
        return null;
      }
    }
    const found = st.findKey(hashFinish(hash, j), key);
    if (found === null && st.hasTries && this.trieRulesOut(st, last, key, wc)) return null;
    if (found !== null || st.portsTrie === null) {
      for (let k = 0; k < j; k++) wc[words[k]] |= maskValues[k];
      return found;
    }
    // A miss with ports in the last stage: every other field as examined,
    // but of the ports only the bits that tell them from every rule's.
    for (let k = 0; k < j; k++) if (k !== st.tpSrcIndex && k !== st.tpDstIndex) wc[words[k]] |= maskValues[k];
    const trie = st.portsTrie;
    this.portsScratch[0] = ((key[L.TP_SRC] & 0xffff) << 16 | (key[L.TP_DST] & 0xffff)) & st.portsMask;
    trie.lookup(this.portsScratch, 0);
    const bits = trie.hasLength(st.portsLength) ? 32 : trie.checkBits;
    const portsWc = prefixMask(bits) & st.portsMask;
    wc[L.TP_SRC] |= portsWc >>> 16;
    wc[L.TP_DST] |= portsWc & 0xffff;
    return null;
  }

  /**
   * Consults the tries whose field lies in stage position `s` of `st`: true
   * when one shows that no rule of `st` can match, after un-wildcarding the
   * address bits that showed it.
   */
  private trieRulesOut(st: Subtable, s: number, key: Uint32Array, wc: Uint32Array): boolean {
    const tries = this.tries;
    for (let t = 0; t < tries.length; t++) {
      if (st.trieStagePositions[t] !== s) continue;
      const slot = tries[t];
      // Skipping the trie is always safe: it only rules out what the stages would.
      if (slot.dlType !== 0 && key[L.DL_TYPE] !== slot.dlType) continue;
      const trie = slot.trie;
      if (slot.serial !== this.serial) {
        trie.lookup(key, slot.word);
        slot.serial = this.serial;
      }
      const length = st.triePrefixLengths[t];
      if (trie.hasLength(length)) continue;
      const bits = length < trie.checkBits ? length : trie.checkBits;
      for (let i = 0; i < slot.words && i * 32 < bits; i++) wc[slot.word + i] |= prefixMask(bits - i * 32);
      return true;
    }
    return false;
  }

  /**
   * Conjunctions: the clauses in soft[] of priority above `hard` satisfy
   * conjunction (priority, id) when every clause 1..n of it is there. The
   * best satisfied one (highest priority, then lowest id) gets a second
   * lookup with conj_id = id, ignoring clauses; if that finds nothing the
   * next one is tried, and finally `hard` is the answer (ovs-fields(7)).
   */
  private resolveConjunctions(
    key: Uint32Array, version: number, wc: Uint32Array, hard: ClsRule<T> | null,
  ): ClsRule<T> | null {
    const hardPriority = hard === null ? -Infinity : hard.priority;
    const soft = this.soft;
    const n = this.softCount;
    let lastPriority = Infinity;
    let lastId = -1;
    for (;;) {
      let bestPriority = -Infinity;
      let bestId = -1;
      for (let i = 0; i < n; i++) {
        const s = soft[i];
        const p = s.priority;
        if (p <= hardPriority || p < bestPriority || p > lastPriority) continue;
        const conjunctions = s.conjunctions as readonly { id: number; nClauses: number }[];
        for (let c = 0; c < conjunctions.length; c++) {
          const id = conjunctions[c].id;
          if (p === lastPriority && id <= lastId) continue;
          if (p === bestPriority && id >= bestId) continue;
          if (this.conjunctionSatisfied(p, id, conjunctions[c].nClauses)) {
            bestPriority = p;
            bestId = id;
          }
        }
      }
      if (bestId < 0) return hard;
      const savedKey = key[L.CONJ_ID];
      const savedWc = wc[L.CONJ_ID];
      key[L.CONJ_ID] = bestId;
      const found = this.lookupRules(key, version, wc, false);
      key[L.CONJ_ID] = savedKey;
      wc[L.CONJ_ID] = savedWc;
      if (found !== null) return found;
      lastPriority = bestPriority;
      lastId = bestId;
    }
  }

  private conjunctionSatisfied(priority: number, id: number, nClauses: number): boolean {
    let lo = 0;
    let hi = 0;
    for (let i = 0; i < this.softCount; i++) {
      const s = this.soft[i];
      if (s.priority !== priority) continue;
      const conjunctions = s.conjunctions as readonly { id: number; clause: number; nClauses: number }[];
      for (let c = 0; c < conjunctions.length; c++) {
        const x = conjunctions[c];
        if (x.id !== id || x.nClauses !== nClauses) continue;
        if (x.clause <= 32) lo |= 1 << (x.clause - 1);
        else hi |= 1 << (x.clause - 33);
      }
    }
    const wantLo = nClauses >= 32 ? -1 : (1 << nClauses) - 1;
    const wantHi = nClauses <= 32 ? 0 : nClauses === 64 ? -1 : (1 << (nClauses - 32)) - 1;
    return lo === wantLo && hi === wantHi;
  }

  // --- Finding and iteration -------------------------------------------------

  /**
   * The rule whose match equals `match` with this priority, visible in
   * `version` (any version when undefined), or null: a strict flow-mod's
   * target.
   */
  findExactly(match: Match, priority: number, version?: number): ClsRule<T> | null {
    const probe = new ClsRule<T>(match, priority);
    const st = this.lookupSubtable(probe.words, probe.maskValues);
    if (st === null) return null;
    probe.hash = st.indexRule(probe, 0);
    for (let r = st.findSame(probe) as ClsRule<T> | null; r !== null; r = r.next) {
      if (r.priority === priority && (version === undefined || r.isVisibleIn(version))) return r;
    }
    return null;
  }

  private lookupSubtable(words: Int32Array, maskValues: Int32Array): Subtable | null {
    for (const st of this.subtablesByMask.get(this.maskHash(words, maskValues)) ?? []) {
      if (st.words.length !== words.length) continue;
      let same = true;
      for (let i = 0; i < words.length && same; i++) same = st.words[i] === words[i] && st.maskValues[i] === maskValues[i];
      if (same) return st;
    }
    return null;
  }

  /**
   * The rules that `filter` selects (all when it is empty), in descending
   * priority order. A snapshot: the caller may remove rules while walking it.
   */
  rules(filter: RuleFilter = {}): ClsRule<T>[] {
    const out: ClsRule<T>[] = [];
    const { target, strict, priority, version } = filter;
    if (target !== undefined && strict) {
      const probe = new ClsRule<T>(target, 0);
      const st = this.lookupSubtable(probe.words, probe.maskValues);
      if (st !== null) {
        probe.hash = st.indexRule(probe, 0);
        for (let r = st.findSame(probe) as ClsRule<T> | null; r !== null; r = r.next) {
          if ((priority === undefined || r.priority === priority) && (version === undefined || r.isVisibleIn(version))) {
            out.push(r);
          }
        }
      }
      return out;
    }
    for (const st of this.subtables) {
      if (priority !== undefined && !st.priorityCounts.has(priority)) continue;
      if (target !== undefined && !this.maskCovers(st.mask, target.mask)) continue;
      for (const head of st.heads()) {
        if (target !== undefined && !this.agreesUnder(head, target)) continue;
        for (let r = head as ClsRule<T> | null; r !== null; r = r.next) {
          if ((priority === undefined || r.priority === priority) && (version === undefined || r.isVisibleIn(version))) {
            out.push(r);
          }
        }
      }
    }
    out.sort((a, b) => b.priority - a.priority);
    return out;
  }

  /** True when `outer` has every bit of `inner`. */
  private maskCovers(outer: Uint32Array, inner: Uint32Array): boolean {
    for (let w = 0; w < L.KEY_WORDS; w++) if ((outer[w] & inner[w]) !== (inner[w] | 0)) return false;
    return true;
  }

  private agreesUnder(rule: ClsRule<unknown>, target: Match): boolean {
    for (let i = 0; i < rule.words.length; i++) {
      const w = rule.words[i];
      if (((rule.values[i] ^ target.key[w]) & target.mask[w]) !== 0) return false;
    }
    return true;
  }

  /**
   * A rule of the same priority, visible in `version`, that some packet
   * could match together with `match` (OFPFF_CHECK_OVERLAP), or null.
   */
  findOverlap(match: Match, priority: number, version: number): ClsRule<T> | null {
    for (const st of this.subtables) {
      if (st.maxPriority < priority) break;
      if (!st.priorityCounts.has(priority)) continue;
      const common = new Uint32Array(L.KEY_WORDS);
      for (let w = 0; w < L.KEY_WORDS; w++) common[w] = st.mask[w] & match.mask[w];
      for (const head of st.heads()) {
        let disjoint = false;
        for (let i = 0; i < head.words.length && !disjoint; i++) {
          const w = head.words[i];
          disjoint = ((head.values[i] ^ match.key[w]) & common[w]) !== 0;
        }
        if (disjoint) continue;
        for (let r = head as ClsRule<T> | null; r !== null; r = r.next) {
          if (r.priority === priority && r.isVisibleIn(version)) return r;
        }
      }
    }
    return null;
  }
}
