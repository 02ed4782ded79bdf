// The datapath's flow table: megaflows (a masked key and its actions) in one
// hash table per distinct mask, searched mask by mask in hit-count order,
// behind an exact-match cache (EMC) keyed by the key words some mask uses. The flow
// family handlers insert, get, remove and dump through it; the packet path
// calls lookup() per packet. Dumps keep no state here: a dump position is a
// slot number the caller carries in its netlink dump request.

import { EEXIST, EINVAL, ENOENT } from '../lib/errno.js';
import { hashAdd, hashFinish } from '../lib/hash.js';
import * as L from '../flow/layout.js';

/** EMC entries: 8192, as OVS's EM_FLOW_HASH_ENTRIES; two candidate entries per key. */
const EMC_ENTRIES = 8192;
const EMC_MASK = EMC_ENTRIES - 1;
/** The mask cache has 2^(32 - MASK_CACHE_SHIFT) one-byte entries, indexed by the top bits of the key's hash. */
const MASK_CACHE_SHIFT = 14;
/** Lookups between two re-sorts of the mask list by hit count. */
const MASK_SORT_INTERVAL = 16384;
const HASH_BASIS = 0x5eed;

/**
 * One distinct mask and the hash table of the flows that use it. Entries
 * keep only the words the mask touches, packed, so that a probe reads a few
 * adjacent words rather than a whole 186-word key somewhere on the heap.
 */
export class FlowMask<A = unknown> {
  readonly mask: Uint32Array;
  /** The key words this mask touches (nonzero mask words), ascending: what its hash and compare visit. */
  readonly words: Int32Array;
  /** mask[words[i]], packed like the entries. */
  readonly maskWords: Uint32Array;
  /** Chain heads (entries, -1 empty), a power of two long. */
  buckets: Int32Array;
  /** Per entry: hash of the masked key, next entry in its chain, packed masked key, flow (null when free). */
  entryHash = new Uint32Array(16);
  entryNext = new Int32Array(16);
  entryKeys: Uint32Array;
  entryFlows: (DpFlow<A> | null)[] = [];
  freeEntries: number[] = [];
  /** Flows using this mask. */
  flowCount = 0;
  /** Lookups that ended in this mask's table since the last re-sort (the sort key). */
  hits = 0;
  /** 1-255 while the table's mask cache may name this mask; 0 when it has no id (mask number 256 on). */
  id = 0;

  constructor(mask: Uint32Array) {
    this.mask = mask;
    let n = 0;
    for (let i = 0; i < L.KEY_WORDS; i++) if (mask[i] !== 0) n++;
    this.words = new Int32Array(n);
    this.maskWords = new Uint32Array(n);
    n = 0;
    for (let i = 0; i < L.KEY_WORDS; i++) {
      if (mask[i] !== 0) {
        this.words[n] = i;
        this.maskWords[n++] = mask[i];
      }
    }
    this.buckets = new Int32Array(16).fill(-1);
    this.entryKeys = new Uint32Array(16 * n);
  }

  /** Hash of (key & mask) over the words this mask touches. */
  hashKey(key: Uint32Array): number {
    const words = this.words;
    const mw = this.maskWords;
    let hash = HASH_BASIS;
    for (let i = 0; i < words.length; i++) hash = hashAdd(hash, key[words[i]] & mw[i]);
    return hashFinish(hash, words.length * 4);
  }

  /** The flow whose masked key equals (key & mask), given that hash. */
  find(key: Uint32Array, hash: number): DpFlow<A> | null {
    const words = this.words;
    const mw = this.maskWords;
    const n = words.length;
    const keys = this.entryKeys;
    let e = this.buckets[hash & (this.buckets.length - 1)];
    while (e >= 0) {
      if (this.entryHash[e] === hash) {
        const base = e * n;
        let i = 0;
        while (i < n && keys[base + i] === ((key[words[i]] & mw[i]) >>> 0)) i++;
        if (i === n) return this.entryFlows[e];
      }
      e = this.entryNext[e];
    }
    return null;
  }

  /** Adds `flow` (its key already masked); returns its entry. */
  add(flow: DpFlow<A>): number {
    let e = this.freeEntries.pop() ?? -1;
    if (e < 0) {
      e = this.entryFlows.length;
      this.entryFlows.push(null);
      if (e >= this.entryHash.length) {
        const capacity = this.entryHash.length * 2;
        this.entryHash = grow(this.entryHash, new Uint32Array(capacity));
        this.entryNext = grow(this.entryNext, new Int32Array(capacity));
        this.entryKeys = grow(this.entryKeys, new Uint32Array(capacity * this.words.length));
      }
    }
    const n = this.words.length;
    for (let i = 0; i < n; i++) this.entryKeys[e * n + i] = flow.key[this.words[i]];
    const hash = this.hashKey(flow.key);
    this.entryHash[e] = hash;
    this.entryFlows[e] = flow;
    if (++this.flowCount > this.buckets.length >> 1) this.rehash(this.buckets.length * 2);
    const b = hash & (this.buckets.length - 1);
    this.entryNext[e] = this.buckets[b];
    this.buckets[b] = e;
    return e;
  }

  remove(e: number): void {
    unlinkChain(this.buckets, this.entryNext, this.entryHash[e] & (this.buckets.length - 1), e);
    this.entryFlows[e] = null;
    this.freeEntries.push(e);
    this.flowCount--;
  }

  private rehash(size: number): void {
    const old = this.buckets;
    const buckets = new Int32Array(size).fill(-1);
    for (let b = 0; b < old.length; b++) {
      let e = old[b];
      while (e >= 0) {
        const next = this.entryNext[e];
        const nb = this.entryHash[e] & (size - 1);
        this.entryNext[e] = buckets[nb];
        buckets[nb] = e;
        e = next;
      }
    }
    this.buckets = buckets;
  }
}

/**
 * Per-flow statistics of a table, four float64s per flow slot: packets,
 * bytes, last use (timeMsec()), TCP flags. Float64 counts stay exact up to
 * 2^53 (years at line rate) and count with one addition; they split into
 * 32-bit halves only when a netlink reply encodes them as u64. They live in
 * one typed array rather than in the flow objects because V8 boxes double
 * fields: crediting a flow would touch three more heap objects per packet.
 */
export class FlowStatsStore {
  values = new Float64Array(64 * 4);

  ensure(slots: number): void {
    if (slots * 4 <= this.values.length) return;
    const bigger = new Float64Array(Math.max(slots * 4, this.values.length * 2));
    bigger.set(this.values);
    this.values = bigger;
  }
}

const STAT_PACKETS = 0;
const STAT_BYTES = 1;
const STAT_USED = 2;
const STAT_TCP_FLAGS = 3;

/** A megaflow. */
export class DpFlow<A> {
  /** The key, masked: key bits outside the mask are cleared at insert, as Linux masks them. */
  readonly key: Uint32Array;
  readonly flowMask: FlowMask<A>;
  /** The flow's actions, in whatever form the datapath executes (replaced in place by a modify). */
  actions: A;
  /** 128-bit UFID as 4 words, or all zero when the flow was installed without one. */
  readonly ufid: Uint32Array;
  readonly hasUfid: boolean;
  /** Bytes of the UFID the flow was installed with (1-16; 16 when none), as Linux keeps ufid_len. */
  ufidLength = 16;
  /**
   * The key as installed, before masking, for flows identified by their key
   * (no UFID): Linux keeps it to answer GET and DEL by key and to print the
   * flow's identity. Null for flows with a UFID.
   */
  unmaskedKey: Uint32Array | null = null;
  /** Index in the table's slot arrays; -1 once removed. */
  slot: number;
  /** Index in its mask's entries. */
  entry = -1;
  private readonly store: FlowStatsStore;
  /** The statistics at removal (a removed flow's slot goes to another flow). */
  private finalStats: Float64Array | null = null;

  constructor(
    key: Uint32Array, flowMask: FlowMask<A>, actions: A, ufid: Uint32Array, hasUfid: boolean, slot: number,
    store: FlowStatsStore,
  ) {
    this.key = key;
    this.flowMask = flowMask;
    this.actions = actions;
    this.ufid = ufid;
    this.hasUfid = hasUfid;
    this.slot = slot;
    this.store = store;
  }

  get mask(): Uint32Array {
    return this.flowMask.mask;
  }

  /** True while the flow is in its table (the EMC checks it so that it never returns a removed flow). */
  get live(): boolean {
    return this.slot >= 0;
  }

  get packets(): number {
    return this.stat(STAT_PACKETS);
  }

  get bytes(): number {
    return this.stat(STAT_BYTES);
  }

  /** timeMsec() of the last packet; 0 when never used. */
  get usedMs(): number {
    return this.stat(STAT_USED);
  }

  /** OR of the TCP flags (12 bits) of the packets seen. */
  get tcpFlags(): number {
    return this.stat(STAT_TCP_FLAGS);
  }

  private stat(which: number): number {
    if (this.finalStats !== null) return this.finalStats[which];
    return this.slot >= 0 ? this.store.values[this.slot * 4 + which] : 0;
  }

  /** Credits packets to the flow (the packet path calls it once per packet or per burst of one flow). */
  credit(packets: number, bytes: number, tcpFlags: number, nowMs: number): void {
    const v = this.store.values;
    const at = this.slot * 4;
    if (at < 0) return;
    v[at] += packets;
    v[at + 1] += bytes;
    v[at + 2] = nowMs;
    v[at + 3] = v[at + 3] | tcpFlags;
  }

  clearStats(): void {
    if (this.slot < 0) return;
    this.store.values.fill(0, this.slot * 4, this.slot * 4 + 4);
  }

  /** Keeps the statistics as they are, before the table takes the slot back. */
  detach(): void {
    if (this.slot >= 0) this.finalStats = this.store.values.slice(this.slot * 4, this.slot * 4 + 4);
    this.slot = -1;
  }
}

/** insert() modes, the netlink flag combinations of OVS_FLOW_CMD_NEW and _SET. */
export const InsertMode = {
  /** NEW with NLM_F_CREATE: add the flow, or replace the actions of an identical one. */
  Create: 0,
  /** NEW with NLM_F_CREATE | NLM_F_EXCL: EEXIST when an identical flow exists. */
  Exclusive: 1,
  /** SET: replace the actions of an existing flow; ENOENT when there is none. */
  Replace: 2,
} as const;
export type InsertMode = (typeof InsertMode)[keyof typeof InsertMode];

export interface FlowTableStats {
  readonly flows: number;
  readonly masks: number;
  /** Lookups that found a flow (EMC or megaflow). */
  readonly hits: number;
  /** Lookups that found none. */
  readonly missed: number;
  /** Masks visited by lookups that found a flow in the megaflow tables (OVS's n_mask_hit). */
  readonly maskHits: number;
  /** Lookups answered by the EMC. */
  readonly emcHits: number;
}

export interface FlowTableOptions {
  /**
   * 1 in this many megaflow hits also fill the EMC (OVS's emc-insert-inv-prob,
   * default 100); 0 disables the EMC. With a single mask the EMC stands aside:
   * probing it would cost as much as probing the mask.
   */
  emcInsertInverseProbability?: number;
}

export class FlowTable<A> {
  /** Masks in lookup order (most hit first after each re-sort). */
  private masks: FlowMask<A>[] = [];
  /** Flows by slot (the dump order); null for a free slot. */
  private flows: (DpFlow<A> | null)[] = [];
  /** Per slot: next slot in its UFID chain. */
  private ufidNext = new Int32Array(0);
  private ufidBuckets = new Int32Array(64).fill(-1);
  private freeSlots: number[] = [];
  private readonly statsStore = new FlowStatsStore();
  private flowCount = 0;
  private ufidCount = 0;
  /** Bumped by every insert, remove and flush: dump position hints are valid for one version. */
  version = 0;

  // EMC. Two packet keys that agree on every word some mask touches find the
  // same flow, so the EMC hashes and compares only those words (the union of
  // the masks' words), and is emptied whenever that union changes.
  private emcWords = new Int32Array(0);
  private emcFlows: (DpFlow<A> | null)[];
  private emcKeys = new Uint32Array(0);
  private readonly emcInverse: number;
  private emcCounter = 0;
  /** Mask cache: per hash of the key's mask words, the id of the mask that matched last (0: none). */
  private readonly maskCache = new Uint8Array(1 << (32 - MASK_CACHE_SHIFT));
  /** Masks by id; entry 0 and the ids of removed masks are null. */
  private readonly masksById: (FlowMask<A> | null)[] = new Array<FlowMask<A> | null>(256).fill(null);

  private hits = 0;
  private missed = 0;
  private maskHits = 0;
  private emcHits = 0;
  private lookupsSinceSort = 0;

  constructor(options: FlowTableOptions = {}) {
    this.emcInverse = options.emcInsertInverseProbability ?? 100;
    this.emcFlows = new Array<DpFlow<A> | null>(this.emcInverse > 0 ? EMC_ENTRIES : 0).fill(null);
  }

  // --- Packet path ------------------------------------------------------------

  /**
   * The flow matching the packet key `key`, or null. Counts hits, misses and
   * mask hits; fills the EMC now and then. No allocation.
   */
  lookup(key: Uint32Array): DpFlow<A> | null {
    if (++this.lookupsSinceSort >= MASK_SORT_INTERVAL) this.sortMasks();
    const masks = this.masks;
    // With one mask, probing it is as cheap as the EMC or the mask cache would be.
    const multi = masks.length > 1;
    let keyHash = 0;
    let hinted = 0;
    if (multi) {
      const words = this.emcWords;
      let h = HASH_BASIS;
      for (let i = 0; i < words.length; i++) h = hashAdd(h, key[words[i]]);
      keyHash = hashFinish(h, words.length * 4);
      if (this.emcInverse > 0) {
        const f1 = this.emcFlows[keyHash & EMC_MASK];
        if (f1 !== null && this.emcKeyEquals(keyHash & EMC_MASK, key) && f1.slot >= 0) {
          this.hits++;
          this.emcHits++;
          return f1;
        }
        const f2 = this.emcFlows[(keyHash >>> 16) & EMC_MASK];
        if (f2 !== null && this.emcKeyEquals((keyHash >>> 16) & EMC_MASK, key) && f2.slot >= 0) {
          this.hits++;
          this.emcHits++;
          return f2;
        }
      }
      // The mask cache: the mask that last matched a key of this hash, tried first.
      const hint = this.masksById[this.maskCache[keyHash >>> MASK_CACHE_SHIFT]];
      if (hint !== null) {
        const flow = hint.find(key, hint.hashKey(key));
        if (flow !== null) return this.megaflowHit(hint, 1, flow, key, keyHash);
        hinted = hint.id;
      }
    }
    for (let m = 0; m < masks.length; m++) {
      const fm = masks[m];
      if (hinted !== 0 && fm.id === hinted) continue;
      const flow = fm.find(key, fm.hashKey(key));
      if (flow !== null) {
        if (multi) this.maskCache[keyHash >>> MASK_CACHE_SHIFT] = fm.id;
        return this.megaflowHit(fm, hinted > 0 ? m + 2 : m + 1, flow, key, keyHash);
      }
    }
    this.missed++;
    return null;
  }

  private megaflowHit(fm: FlowMask<A>, probes: number, flow: DpFlow<A>, key: Uint32Array, keyHash: number): DpFlow<A> {
    fm.hits++;
    this.hits++;
    this.maskHits += probes;
    if (this.emcInverse > 0 && this.masks.length > 1 && ++this.emcCounter >= this.emcInverse) {
      this.emcCounter = 0;
      this.emcInsert(keyHash, key, flow);
    }
    return flow;
  }

  private emcKeyEquals(entry: number, key: Uint32Array): boolean {
    const words = this.emcWords;
    const n = words.length;
    const keys = this.emcKeys;
    const base = entry * n;
    for (let i = 0; i < n; i++) if (keys[base + i] !== key[words[i]]) return false;
    return true;
  }

  /** Fills the candidate entry whose flow is gone or, failing that, the first one. */
  private emcInsert(hash: number, key: Uint32Array, flow: DpFlow<A>): void {
    let entry = hash & EMC_MASK;
    const other = (hash >>> 16) & EMC_MASK;
    const f1 = this.emcFlows[entry];
    if (f1 !== null && f1.slot >= 0) {
      const f2 = this.emcFlows[other];
      if (f2 === null || f2.slot < 0) entry = other;
    }
    this.emcFlows[entry] = flow;
    const words = this.emcWords;
    const n = words.length;
    const keys = this.emcKeys;
    for (let i = 0; i < n; i++) keys[entry * n + i] = key[words[i]];
  }

  /** Orders masks by hits since the last sort (insertion sort: no allocation), then restarts the counts. */
  sortMasks(): void {
    this.lookupsSinceSort = 0;
    const masks = this.masks;
    for (let i = 1; i < masks.length; i++) {
      const m = masks[i];
      let j = i - 1;
      while (j >= 0 && masks[j].hits < m.hits) {
        masks[j + 1] = masks[j];
        j--;
      }
      masks[j + 1] = m;
    }
    for (let i = 0; i < masks.length; i++) masks[i].hits = 0;
  }

  // --- Control path -----------------------------------------------------------

  /**
   * Installs a flow for `match` (key bits outside the mask are ignored) or,
   * per `mode`, replaces the actions of the identical flow. With a UFID, the
   * flow is identified by it: an existing flow with that UFID but another
   * match is EINVAL, another flow with the same match is EEXIST. Returns 0
   * or an errno.
   */
  insert(
    match: { readonly key: Uint32Array; readonly mask: Uint32Array }, actions: A,
    options: { ufid?: Uint32Array; mode?: InsertMode; unmaskedKey?: Uint32Array } = {},
  ): number {
    const mode = options.mode ?? InsertMode.Create;
    const ufid = options.ufid;
    if (ufid !== undefined && ufid.length !== 4) return EINVAL;
    const byMatch = this.getExact(match);
    const byUfid = ufid !== undefined ? this.getByUfid(ufid) : null;
    if (byUfid !== null && byUfid !== byMatch) return EINVAL;
    const existing = byUfid ?? (ufid !== undefined && byMatch !== null && byMatch.hasUfid ? null : byMatch);
    if (existing === null && byMatch !== null) return EEXIST;
    if (existing !== null) {
      if (mode === InsertMode.Exclusive) return EEXIST;
      existing.actions = actions;
      return 0;
    }
    if (mode === InsertMode.Replace) return ENOENT;

    const fm = this.maskFor(match.mask);
    const key = new Uint32Array(L.KEY_WORDS);
    for (let i = 0; i < L.KEY_WORDS; i++) key[i] = match.key[i] & fm.mask[i];
    const slot = this.allocSlot();
    const flowUfid = new Uint32Array(4);
    if (ufid !== undefined) flowUfid.set(ufid);
    const flow = new DpFlow<A>(key, fm, actions, flowUfid, ufid !== undefined, slot, this.statsStore);
    if (options.unmaskedKey !== undefined) flow.unmaskedKey = Uint32Array.from(options.unmaskedKey);
    this.statsStore.values.fill(0, slot * 4, slot * 4 + 4);
    this.flows[slot] = flow;
    this.flowCount++;
    this.version++;
    flow.entry = fm.add(flow);
    if (flow.hasUfid) this.ufidLink(flow);
    return 0;
  }

  /**
   * The flow a packet with key `key` would find, like lookup(), but without
   * counting, caching or re-sorting: the control path's overlap check.
   */
  find(key: Uint32Array): DpFlow<A> | null {
    for (const fm of this.masks) {
      const flow = fm.find(key, fm.hashKey(key));
      if (flow !== null) return flow;
    }
    return null;
  }

  /** The flows in dump (slot) order; a flow removed while iterating is skipped. */
  *flowsInOrder(): IterableIterator<DpFlow<A>> {
    for (let s = 0; s < this.flows.length; s++) {
      const flow = this.flows[s];
      if (flow !== null) yield flow;
    }
  }

  /** The slot of the first flow at or after slot `from`, or -1. */
  nextSlot(from: number): number {
    const flows = this.flows;
    for (let s = Math.max(0, from); s < flows.length; s++) if (flows[s] !== null) return s;
    return -1;
  }

  /** The flow in `slot`, or null. */
  flowAt(slot: number): DpFlow<A> | null {
    return this.flows[slot] ?? null;
  }

  /** The flow whose match equals `match` exactly (same mask, same masked key), or null. */
  getExact(match: { readonly key: Uint32Array; readonly mask: Uint32Array }): DpFlow<A> | null {
    const fm = this.findMask(match.mask);
    if (fm === null) return null;
    return fm.find(match.key, fm.hashKey(match.key));
  }

  getByUfid(ufid: Uint32Array): DpFlow<A> | null {
    let s = this.ufidBuckets[ufidHash(ufid) & (this.ufidBuckets.length - 1)];
    while (s >= 0) {
      const u = (this.flows[s] as DpFlow<A>).ufid;
      if (u[0] === ufid[0] && u[1] === ufid[1] && u[2] === ufid[2] && u[3] === ufid[3]) return this.flows[s];
      s = this.ufidNext[s];
    }
    return null;
  }

  /** Removes `flow`; ENOENT when it is no longer in this table. */
  remove(flow: DpFlow<A>): number {
    const slot = flow.slot;
    if (slot < 0 || this.flows[slot] !== flow) return ENOENT;
    const fm = flow.flowMask;
    fm.remove(flow.entry);
    if (flow.hasUfid) {
      unlinkChain(this.ufidBuckets, this.ufidNext, ufidHash(flow.ufid) & (this.ufidBuckets.length - 1), slot);
      this.ufidCount--;
    }
    this.flows[slot] = null;
    flow.detach();
    this.freeSlots.push(slot);
    this.flowCount--;
    this.version++;
    if (fm.flowCount === 0) {
      this.masks.splice(this.masks.indexOf(fm), 1);
      if (fm.id !== 0) this.masksById[fm.id] = null;
      this.masksChanged();
    }
    return 0;
  }

  /** Removes every flow (OVS_FLOW_CMD_DEL without a key). */
  flush(): void {
    for (const flow of this.flows) if (flow !== null) flow.detach();
    this.masks = [];
    this.masksById.fill(null);
    this.flows = [];
    this.ufidNext = new Int32Array(0);
    this.ufidBuckets = new Int32Array(64).fill(-1);
    this.freeSlots = [];
    this.flowCount = 0;
    this.ufidCount = 0;
    this.version++;
    this.masksChanged();
  }

  /**
   * Visits flows from dump position `position` (0 to start) in slot order
   * until `visit` returns false (that flow is not consumed: the next dump
   * starts with it) or the table ends. Returns the position to resume from,
   * or -1 when done. The table keeps nothing per dump: a flow present for the
   * whole dump is visited exactly once; one added or removed meanwhile may
   * or may not be, as with Linux's dumps.
   */
  dump(position: number, visit: (flow: DpFlow<A>) => boolean): number {
    const flows = this.flows;
    for (let s = Math.max(0, position); s < flows.length; s++) {
      const flow = flows[s];
      if (flow !== null && !visit(flow)) return s;
    }
    return -1;
  }

  /** Clears every flow's statistics. */
  clearFlowStats(): void {
    for (const flow of this.flows) if (flow !== null) flow.clearStats();
  }

  get size(): number {
    return this.flowCount;
  }

  stats(): FlowTableStats {
    return {
      flows: this.flowCount, masks: this.masks.length, hits: this.hits, missed: this.missed,
      maskHits: this.maskHits, emcHits: this.emcHits,
    };
  }

  /** The masks in their current lookup order (tests, debugging). */
  maskList(): readonly FlowMask<A>[] {
    return this.masks;
  }

  // --- Internals ----------------------------------------------------------------

  private findMask(mask: Uint32Array): FlowMask<A> | null {
    for (const fm of this.masks) {
      let i = 0;
      for (; i < L.KEY_WORDS; i++) if (fm.mask[i] !== mask[i]) break;
      if (i === L.KEY_WORDS) return fm;
    }
    return null;
  }

  private maskFor(mask: Uint32Array): FlowMask<A> {
    const found = this.findMask(mask);
    if (found !== null) return found;
    const fm = new FlowMask<A>(Uint32Array.from(mask));
    for (let id = 1; id < 256; id++) {
      if (this.masksById[id] === null) {
        this.masksById[id] = fm;
        fm.id = id;
        break;
      }
    }
    this.masks.push(fm);
    this.masksChanged();
    return fm;
  }

  /** Recomputes the EMC's words (the union of the masks' words) and empties it. */
  private masksChanged(): void {
    const used = new Uint8Array(L.KEY_WORDS);
    for (const fm of this.masks) for (const w of fm.words) used[w] = 1;
    const words: number[] = [];
    for (let w = 0; w < L.KEY_WORDS; w++) if (used[w] !== 0) words.push(w);
    this.emcWords = Int32Array.from(words);
    this.emcFlows.fill(null);
    this.maskCache.fill(0);
    this.emcKeys = new Uint32Array(this.emcFlows.length * words.length);
  }

  private allocSlot(): number {
    const free = this.freeSlots.pop();
    if (free !== undefined) return free;
    const slot = this.flows.length;
    this.statsStore.ensure(slot + 1);
    if (slot >= this.ufidNext.length) this.ufidNext = grow(this.ufidNext, new Int32Array(Math.max(64, slot * 2)));
    this.flows.push(null);
    return slot;
  }

  private ufidLink(flow: DpFlow<A>): void {
    if (++this.ufidCount > this.ufidBuckets.length) {
      const size = this.ufidBuckets.length * 2;
      const buckets = new Int32Array(size).fill(-1);
      for (let s = 0; s < this.flows.length; s++) {
        const f = this.flows[s];
        if (f === null || !f.hasUfid || f === flow) continue;
        const b = ufidHash(f.ufid) & (size - 1);
        this.ufidNext[s] = buckets[b];
        buckets[b] = s;
      }
      this.ufidBuckets = buckets;
    }
    const b = ufidHash(flow.ufid) & (this.ufidBuckets.length - 1);
    this.ufidNext[flow.slot] = this.ufidBuckets[b];
    this.ufidBuckets[b] = flow.slot;
  }
}

function ufidHash(ufid: Uint32Array): number {
  let h = HASH_BASIS;
  for (let i = 0; i < 4; i++) h = hashAdd(h, ufid[i]);
  return hashFinish(h, 16);
}

function unlinkChain(buckets: Int32Array, next: Int32Array, bucket: number, slot: number): void {
  let s = buckets[bucket];
  if (s === slot) {
    buckets[bucket] = next[slot];
    return;
  }
  while (s >= 0) {
    if (next[s] === slot) {
      next[s] = next[slot];
      return;
    }
    s = next[s];
  }
}

function grow<T extends Uint32Array | Int32Array>(old: T, bigger: T): T {
  bigger.set(old);
  return bigger;
}
