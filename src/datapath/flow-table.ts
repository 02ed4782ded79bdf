// The datapath's flow table: megaflows (a masked key and its actions) in one
// hash table per distinct mask, searched mask by mask in hit-count order,
// behind an exact-match cache (EMC) keyed by the whole packet key. The flow
// family handlers insert, get, remove and dump through it; the packet path
// calls lookup() per packet. Dumps keep no state here: a dump position is a
// slot number the caller carries in its netlink dump request.

import { EEXIST, EINVAL, ENOENT } from '../lib/errno.js';
import { hashAdd, hashFinish } from '../lib/hash.js';
import * as L from '../flow/layout.js';

/**
 * Words of a datapath key that lookup and the EMC look at. The pipeline words
 * after PACKET_END (metadata, registers) belong to ofproto and stay zero in
 * the datapath; tunnel option bytes (TUN_METADATA) are compared too.
 */
const EMC_COMPARE_WORDS = L.PACKET_END;
/** The EMC hashes these words only (the ones that vary between packets); it compares the whole key. */
const EMC_HASH_WORDS = Int32Array.from([
  L.IN_PORT, L.RECIRC_ID, L.DL_DST_LO, L.DL_SRC_LO, L.DL_TYPE, L.VLAN0, L.NW_SRC, L.NW_DST,
  L.IPV6_SRC + 3, L.IPV6_DST + 3, L.NW_PROTO, L.TP_SRC, L.TP_DST, L.TUN_ID_LO, L.TUN_IPV4_SRC, L.MPLS_LSE0,
]);
/** EMC entries: 8192, as OVS's EM_FLOW_HASH_ENTRIES; two candidate slots per key. */
const EMC_ENTRIES = 8192;
const EMC_MASK = EMC_ENTRIES - 1;
/** Lookups between two re-sorts of the mask list by hit count. */
const MASK_SORT_INTERVAL = 16384;
const HASH_BASIS = 0x5eed;

/** One distinct mask and the hash table of the flows that use it. */
export class FlowMask {
  readonly mask: Uint32Array;
  /** The key words this mask touches (nonzero mask words), ascending: what its hash and compare visit. */
  readonly words: Int32Array;
  /** Chain heads (flow slots, -1 empty), a power of two long. */
  buckets: Int32Array;
  /** Flows using this mask. */
  flowCount = 0;
  /** Lookups that ended in this mask's table since the last re-sort (the sort key). */
  hits = 0;

  constructor(mask: Uint32Array) {
    this.mask = mask;
    let n = 0;
    for (let i = 0; i < L.KEY_WORDS; i++) if (mask[i] !== 0) n++;
    this.words = new Int32Array(n);
    n = 0;
    for (let i = 0; i < L.KEY_WORDS; i++) if (mask[i] !== 0) this.words[n++] = i;
    this.buckets = new Int32Array(16).fill(-1);
  }

  /** Hash of (key & mask) over the words this mask touches. */
  hashKey(key: Uint32Array): number {
    const words = this.words;
    const mask = this.mask;
    let hash = HASH_BASIS;
    for (let i = 0; i < words.length; i++) {
      const w = words[i];
      hash = hashAdd(hash, key[w] & mask[w]);
    }
    return hashFinish(hash, words.length * 4);
  }
}

/**
 * A megaflow. Statistics: packets and bytes are float64 numbers, exact up to
 * 2^53 (years at line rate), so they count with one addition and split into
 * 32-bit halves only when a netlink reply encodes them as u64.
 */
export class DpFlow<A> {
  /** The key, masked: key bits outside the mask are cleared at insert, as Linux masks them. */
  readonly key: Uint32Array;
  readonly flowMask: FlowMask;
  /** The flow's actions, in whatever form the datapath executes (replaced in place by a modify). */
  actions: A;
  /** 128-bit UFID as 4 words, or all zero when the flow was installed without one. */
  readonly ufid: Uint32Array;
  readonly hasUfid: boolean;
  packets = 0;
  bytes = 0;
  /** timeMsec() of the last packet; 0 when never used. */
  usedMs = 0;
  /** OR of the TCP flags (12 bits) of the packets seen. */
  tcpFlags = 0;
  /** Index in the table's slot arrays; -1 once removed. */
  slot: number;

  constructor(key: Uint32Array, flowMask: FlowMask, actions: A, ufid: Uint32Array, hasUfid: boolean, slot: number) {
    this.key = key;
    this.flowMask = flowMask;
    this.actions = actions;
    this.ufid = ufid;
    this.hasUfid = hasUfid;
    this.slot = slot;
  }

  get mask(): Uint32Array {
    return this.flowMask.mask;
  }

  /** True while the flow is in its table (the EMC checks it so that it never returns a removed flow). */
  get live(): boolean {
    return this.slot >= 0;
  }

  /** Credits packets to the flow (the packet path calls it once per packet or per burst of one flow). */
  credit(packets: number, bytes: number, tcpFlags: number, nowMs: number): void {
    this.packets += packets;
    this.bytes += bytes;
    this.tcpFlags |= tcpFlags;
    this.usedMs = nowMs;
  }

  clearStats(): void {
    this.packets = 0;
    this.bytes = 0;
    this.usedMs = 0;
    this.tcpFlags = 0;
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
  /** 1 in this many megaflow hits also fill the EMC (OVS's emc-insert-inv-prob, default 100); 0 disables the EMC. */
  emcInsertInverseProbability?: number;
}

export class FlowTable<A> {
  /** Masks in lookup order (most hit first after each re-sort). */
  private masks: FlowMask[] = [];
  /** Flows by slot; null for a free slot. */
  private flows: (DpFlow<A> | null)[] = [];
  /** Per slot: hash of the masked key, next slot in its mask chain, next slot in its UFID chain. */
  private slotHash = new Uint32Array(0);
  private slotNext = new Int32Array(0);
  private ufidNext = new Int32Array(0);
  private ufidBuckets = new Int32Array(64).fill(-1);
  private freeSlots: number[] = [];
  private flowCount = 0;
  private ufidCount = 0;

  // EMC: flow per entry and a copy of the key words it was filled with.
  private readonly emcFlows: (DpFlow<A> | null)[];
  private readonly emcKeys: Uint32Array;
  private readonly emcInverse: number;
  private emcCounter = 0;

  private hits = 0;
  private missed = 0;
  private maskHits = 0;
  private emcHits = 0;
  private lookupsSinceSort = 0;

  constructor(options: FlowTableOptions = {}) {
    this.emcInverse = options.emcInsertInverseProbability ?? 100;
    const entries = this.emcInverse > 0 ? EMC_ENTRIES : 0;
    this.emcFlows = new Array<DpFlow<A> | null>(entries).fill(null);
    this.emcKeys = new Uint32Array(entries * EMC_COMPARE_WORDS);
  }

  // --- Packet path ------------------------------------------------------------

  /**
   * The flow matching the packet key `key`, or null. Counts hits, misses and
   * mask hits; fills the EMC now and then. No allocation.
   */
  lookup(key: Uint32Array): DpFlow<A> | null {
    if (++this.lookupsSinceSort >= MASK_SORT_INTERVAL) this.sortMasks();
    let emcHash = 0;
    const useEmc = this.emcInverse > 0 && this.tunMetadataAbsent(key);
    if (useEmc) {
      let h = HASH_BASIS;
      for (let i = 0; i < EMC_HASH_WORDS.length; i++) h = hashAdd(h, key[EMC_HASH_WORDS[i]]);
      emcHash = hashFinish(h, EMC_HASH_WORDS.length * 4);
      const e1 = emcHash & EMC_MASK;
      const f1 = this.emcFlows[e1];
      if (f1 !== null && f1.slot >= 0 && this.emcKeyEquals(e1, key)) {
        this.hits++;
        this.emcHits++;
        return f1;
      }
      const e2 = (emcHash >>> 16) & EMC_MASK;
      const f2 = this.emcFlows[e2];
      if (f2 !== null && f2.slot >= 0 && this.emcKeyEquals(e2, key)) {
        this.hits++;
        this.emcHits++;
        return f2;
      }
    }
    const masks = this.masks;
    for (let m = 0; m < masks.length; m++) {
      const fm = masks[m];
      const flow = this.findInMask(fm, key, fm.hashKey(key));
      if (flow !== null) {
        fm.hits++;
        this.hits++;
        this.maskHits += m + 1;
        if (useEmc && ++this.emcCounter >= this.emcInverse) {
          this.emcCounter = 0;
          this.emcInsert(emcHash, key, flow);
        }
        return flow;
      }
    }
    this.missed++;
    return null;
  }

  private tunMetadataAbsent(key: Uint32Array): boolean {
    return (key[L.TUN_METADATA_PRESENT_HI] | key[L.TUN_METADATA_PRESENT_LO]) === 0;
  }

  private emcKeyEquals(entry: number, key: Uint32Array): boolean {
    const keys = this.emcKeys;
    const base = entry * EMC_COMPARE_WORDS;
    for (let i = 0; i < EMC_COMPARE_WORDS; i++) if (keys[base + i] !== key[i]) return false;
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
    const keys = this.emcKeys;
    const base = entry * EMC_COMPARE_WORDS;
    for (let i = 0; i < EMC_COMPARE_WORDS; i++) keys[base + i] = key[i];
  }

  /** The flow of `fm` whose masked key equals (key & mask), given that hash. */
  private findInMask(fm: FlowMask, key: Uint32Array, hash: number): DpFlow<A> | null {
    const words = fm.words;
    const mask = fm.mask;
    let s = fm.buckets[hash & (fm.buckets.length - 1)];
    while (s >= 0) {
      if (this.slotHash[s] === hash) {
        const flow = this.flows[s] as DpFlow<A>;
        const fk = flow.key;
        let i = 0;
        for (; i < words.length; i++) {
          const w = words[i];
          if (fk[w] !== (key[w] & mask[w])) break;
        }
        if (i === words.length) return flow;
      }
      s = this.slotNext[s];
    }
    return null;
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
    options: { ufid?: Uint32Array; mode?: InsertMode } = {},
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
    const flow = new DpFlow<A>(key, fm, actions, flowUfid, ufid !== undefined, slot);
    this.flows[slot] = flow;
    this.flowCount++;
    fm.flowCount++;
    const hash = fm.hashKey(key);
    this.slotHash[slot] = hash;
    if (fm.flowCount > fm.buckets.length) this.rehashMask(fm, fm.buckets.length * 2);
    const b = hash & (fm.buckets.length - 1);
    this.slotNext[slot] = fm.buckets[b];
    fm.buckets[b] = slot;
    if (flow.hasUfid) this.ufidLink(flow);
    return 0;
  }

  /** The flow whose match equals `match` exactly (same mask, same masked key), or null. */
  getExact(match: { readonly key: Uint32Array; readonly mask: Uint32Array }): DpFlow<A> | null {
    const fm = this.findMask(match.mask);
    if (fm === null) return null;
    return this.findInMask(fm, match.key, fm.hashKey(match.key));
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
    unlinkChain(fm.buckets, this.slotNext, this.slotHash[slot] & (fm.buckets.length - 1), slot);
    if (flow.hasUfid) {
      unlinkChain(this.ufidBuckets, this.ufidNext, ufidHash(flow.ufid) & (this.ufidBuckets.length - 1), slot);
      this.ufidCount--;
    }
    this.flows[slot] = null;
    flow.slot = -1;
    this.freeSlots.push(slot);
    this.flowCount--;
    if (--fm.flowCount === 0) this.masks.splice(this.masks.indexOf(fm), 1);
    return 0;
  }

  /** Removes every flow (OVS_FLOW_CMD_DEL without a key). */
  flush(): void {
    for (const flow of this.flows) if (flow !== null) flow.slot = -1;
    this.masks = [];
    this.flows = [];
    this.slotHash = new Uint32Array(0);
    this.slotNext = new Int32Array(0);
    this.ufidNext = new Int32Array(0);
    this.ufidBuckets = new Int32Array(64).fill(-1);
    this.freeSlots = [];
    this.flowCount = 0;
    this.ufidCount = 0;
    this.emcFlows.fill(null);
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
  maskList(): readonly FlowMask[] {
    return this.masks;
  }

  // --- Internals ----------------------------------------------------------------

  private findMask(mask: Uint32Array): FlowMask | null {
    for (const fm of this.masks) {
      let i = 0;
      for (; i < L.KEY_WORDS; i++) if (fm.mask[i] !== mask[i]) break;
      if (i === L.KEY_WORDS) return fm;
    }
    return null;
  }

  private maskFor(mask: Uint32Array): FlowMask {
    const found = this.findMask(mask);
    if (found !== null) return found;
    const fm = new FlowMask(Uint32Array.from(mask));
    this.masks.push(fm);
    return fm;
  }

  private allocSlot(): number {
    const free = this.freeSlots.pop();
    if (free !== undefined) return free;
    const slot = this.flows.length;
    if (slot >= this.slotHash.length) {
      const capacity = Math.max(64, this.slotHash.length * 2);
      this.slotHash = grow(this.slotHash, new Uint32Array(capacity));
      this.slotNext = grow(this.slotNext, new Int32Array(capacity));
      this.ufidNext = grow(this.ufidNext, new Int32Array(capacity));
    }
    this.flows.push(null);
    return slot;
  }

  private rehashMask(fm: FlowMask, size: number): void {
    const old = fm.buckets;
    const buckets = new Int32Array(size).fill(-1);
    for (let b = 0; b < old.length; b++) {
      let s = old[b];
      while (s >= 0) {
        const next = this.slotNext[s];
        const nb = this.slotHash[s] & (size - 1);
        this.slotNext[s] = buckets[nb];
        buckets[nb] = s;
        s = next;
      }
    }
    fm.buckets = buckets;
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
