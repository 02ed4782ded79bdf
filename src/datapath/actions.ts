// Datapath action execution: compileActions() turns a flow's OdpAction list
// into a flat program of same-shaped ops once, at flow install (checking
// what the kernel's validation checks: settable fields, VLAN and MPLS types),
// and ActionExecutor runs programs on packets: receive() is the fast path
// (extract, flow table lookup, execute, send bursts), execute() runs one
// program on one packet. Header edits go through src/packet/edit.ts.

import { EINVAL, EOPNOTSUPP } from '../lib/errno.js';
import { hashAdd, hashFinish } from '../lib/hash.js';
import { timeMsec } from '../lib/timeval.js';
import { flowExtract, LAYER_COUNT, LAYER_L2_5, LAYER_L3, LAYER_L4, type ExtractOptions } from '../flow/extract.js';
import * as L from '../flow/layout.js';
import type { OdpAction } from '../netlink/odp-actions.js';
import { parseOdpTunnel } from '../netlink/odp-key.js';
import * as O from '../netlink/openvswitch.js';
import type { PacketBatch } from '../packet/batch.js';
import { readBe16, readBe32, writeBe16 } from '../packet/bytes.js';
import * as E from '../packet/edit.js';
import type { Packet } from '../packet/packet.js';
import type { PacketPool } from '../packet/pool.js';
import type { DpFlow, FlowTable } from './flow-table.js';

// --- Interfaces to the rest of the datapath -------------------------------------

/** Where output actions send packets: the datapath's vports. */
export interface DatapathPorts {
  /**
   * Takes `packet` for port `port`: queues it for the port's next burst, or
   * releases it and counts a drop (no such port, queue full). The packet is
   * the port's from now on.
   */
  send(port: number, packet: Packet): void;
  /** Sends what send() queued since the last flush, one burst per port. */
  flush(): void;
}

/** A userspace action's fixed arguments, made once at compile time. */
export interface UserspaceAction {
  readonly pid: number;
  readonly userdata: Uint8Array | null;
  /** OVS_USERSPACE_ATTR_EGRESS_TUN_PORT, or -1. */
  readonly egressTunPort: number;
  /** OVS_USERSPACE_ATTR_ACTIONS: the upcall carries the flow's actions. */
  readonly withActions: boolean;
}

/** Receives upcalls. Both calls copy what they keep: the packet and key stay the executor's. */
export interface UpcallSink {
  /** No flow matched `key` (OVS_PACKET_CMD_MISS). */
  miss(packet: Packet, key: Uint32Array): void;
  /**
   * A userspace action (OVS_PACKET_CMD_ACTION); `actions` is the action list
   * it sits in, which OVS_USERSPACE_ATTR_ACTIONS asks to hand up, as Linux
   * does; `maxLength` is a pending trunc's length (0: none): the packet
   * handed up is cut to it, as Linux's cutlen cuts it.
   */
  userspace(packet: Packet, key: Uint32Array, action: UserspaceAction, actions: CompiledActions, maxLength: number): void;
}

/** The meter table, as the meter action sees it. */
export interface DatapathMeters {
  /** True when meter `id` drops a packet of `size` bytes arriving at `nowMs`. */
  drops(id: number, size: number, nowMs: number): boolean;
}

// --- Compiled form ----------------------------------------------------------------

// Metadata runs of a burst key that need clearing before reuse (see loadMetadata()).
const DIRTY_CT = 1;
const DIRTY_TUNNEL = 2;
const { CT_STATE, TUN_ID_HI, TUN_IPV4_DST, TUN_IPV6_DST, PACKET_FIRST } = L;

const OP_OUTPUT = 1;
const OP_USERSPACE = 2;
const OP_SET = 3; // a = OVS_KEY_ATTR_*, value/mask = struct bytes
const OP_SET_META = 4; // a = key word, b = value, c = mask (priority, skb mark)
const OP_SET_TUNNEL = 5; // words = the tunnel key words
const OP_PUSH_VLAN = 6; // a = TPID, b = TCI without the CFI marker
const OP_POP_VLAN = 7;
const OP_SAMPLE = 8; // a = probability, sub
const OP_RECIRC = 9; // a = id
const OP_HASH = 10; // a = basis
const OP_PUSH_MPLS = 11; // a = LSE, b = ethertype
const OP_POP_MPLS = 12; // a = ethertype
const OP_TRUNC = 13; // a = max length
const OP_PUSH_ETH = 14; // value = src (6) then dst (6)
const OP_POP_ETH = 15;
const OP_METER = 16; // a = meter id
const OP_CLONE = 17; // sub
const OP_CHECK_PKT_LEN = 18; // a = length, sub = if greater, sub2 = if less or equal
const OP_DROP = 19;
const OP_CT_CLEAR = 20;

/** One compiled action. Every op has this one shape, so the executor's loop stays monomorphic. */
class Op {
  constructor(
    readonly code: number,
    readonly a = 0,
    readonly b = 0,
    readonly c = 0,
    readonly value: Uint8Array | null = null,
    readonly mask: Uint8Array | null = null,
    readonly sub: CompiledActions | null = null,
    readonly sub2: CompiledActions | null = null,
    readonly userspace: UserspaceAction | null = null,
    readonly words: Uint32Array | null = null,
  ) {}
}

/** A flow's actions ready to run, plus the list they came from (for flow dumps). */
export class CompiledActions {
  constructor(readonly ops: readonly Op[], readonly source: readonly OdpAction[]) {}
}

/** Struct sizes of the settable OVS_KEY_ATTR_* (openvswitch.h); absent means not settable. */
const SET_SIZES = new Map<number, number>([
  [O.OVS_KEY_ATTR_ETHERNET, O.OVS_KEY_ETHERNET_SIZE], [O.OVS_KEY_ATTR_IPV4, O.OVS_KEY_IPV4_SIZE],
  [O.OVS_KEY_ATTR_IPV6, O.OVS_KEY_IPV6_SIZE], [O.OVS_KEY_ATTR_TCP, O.OVS_KEY_TCP_SIZE],
  [O.OVS_KEY_ATTR_UDP, O.OVS_KEY_UDP_SIZE], [O.OVS_KEY_ATTR_SCTP, O.OVS_KEY_SCTP_SIZE],
  [O.OVS_KEY_ATTR_ICMP, O.OVS_KEY_ICMP_SIZE], [O.OVS_KEY_ATTR_ICMPV6, O.OVS_KEY_ICMPV6_SIZE],
  [O.OVS_KEY_ATTR_ARP, O.OVS_KEY_ARP_SIZE], [O.OVS_KEY_ATTR_ND, O.OVS_KEY_ND_SIZE],
  [O.OVS_KEY_ATTR_MPLS, O.OVS_KEY_MPLS_SIZE], [O.OVS_KEY_ATTR_PRIORITY, 4], [O.OVS_KEY_ATTR_SKB_MARK, 4],
]);

/** Nesting of clone/sample/check_pkt_len plus recirculations an execution may reach. */
export const MAX_EXEC_LEVELS = 16;
/** Recirculations of one packet (Linux bounds its recursion at 5 too). */
export const MAX_RECIRC_DEPTH = 5;

/** Compiles `actions` for execution, or returns an errno (EINVAL, EOPNOTSUPP) as the kernel's validation would. */
export function compileActions(actions: readonly OdpAction[]): CompiledActions | number {
  return compileList(actions, 0);
}

function compileList(actions: readonly OdpAction[], depth: number): CompiledActions | number {
  if (depth > MAX_EXEC_LEVELS / 2) return EINVAL;
  const ops: Op[] = [];
  for (const a of actions) {
    const op = compileOne(a, depth);
    if (typeof op === 'number') return op;
    ops.push(op);
  }
  return new CompiledActions(ops, actions);
}

function compileOne(a: OdpAction, depth: number): Op | number {
  switch (a.type) {
    case 'output': return new Op(OP_OUTPUT, a.port >>> 0);
    case 'userspace':
      return new Op(OP_USERSPACE, 0, 0, 0, null, null, null, null, {
        pid: a.pid >>> 0, userdata: a.userdata ?? null, egressTunPort: a.egressTunPort ?? -1,
        withActions: a.actions === true,
      });
    case 'set': {
      if (a.attr === O.OVS_KEY_ATTR_TUNNEL) {
        const key = new Uint32Array(L.KEY_WORDS);
        const error = parseOdpTunnel(a.data, key);
        if (error !== 0) return error;
        return new Op(OP_SET_TUNNEL, 0, 0, 0, null, null, null, null, null, key.slice(L.TUN_ID_HI, L.PACKET_FIRST));
      }
      return compileSet(a.attr, a.data, null);
    }
    case 'set_masked':
      if (a.value.length !== a.mask.length) return EINVAL;
      return compileSet(a.attr, a.value, a.mask);
    case 'push_vlan':
      // The TCI carries the CFI bit as a "present" marker; the wire tag gets it cleared.
      if ((a.tci & 0x1000) === 0) return EINVAL;
      if (a.tpid !== 0x8100 && a.tpid !== 0x88a8) return EINVAL;
      return new Op(OP_PUSH_VLAN, a.tpid, a.tci & ~0x1000 & 0xffff);
    case 'pop_vlan': return new Op(OP_POP_VLAN);
    case 'sample': {
      const sub = compileList(a.actions, depth + 1);
      return typeof sub === 'number' ? sub : new Op(OP_SAMPLE, a.probability >>> 0, 0, 0, null, null, sub);
    }
    case 'recirc': return new Op(OP_RECIRC, a.id >>> 0);
    case 'hash':
      if (a.alg !== O.OVS_HASH_ALG_L4) return EINVAL;
      return new Op(OP_HASH, a.basis >>> 0);
    case 'push_mpls':
      if (a.ethertype !== 0x8847 && a.ethertype !== 0x8848) return EINVAL;
      return new Op(OP_PUSH_MPLS, a.lse >>> 0, a.ethertype);
    case 'pop_mpls': return new Op(OP_POP_MPLS, a.ethertype);
    case 'trunc': return a.maxLen < 14 ? EINVAL : new Op(OP_TRUNC, a.maxLen);
    case 'push_eth': {
      const value = new Uint8Array(12);
      value.set(a.src.subarray(0, 6), 0);
      value.set(a.dst.subarray(0, 6), 6);
      return new Op(OP_PUSH_ETH, 0, 0, 0, value);
    }
    case 'pop_eth': return new Op(OP_POP_ETH);
    case 'meter': return new Op(OP_METER, a.id >>> 0);
    case 'clone': {
      const sub = compileList(a.actions, depth + 1);
      return typeof sub === 'number' ? sub : new Op(OP_CLONE, 0, 0, 0, null, null, sub);
    }
    case 'check_pkt_len': {
      const greater = compileList(a.ifGreater, depth + 1);
      if (typeof greater === 'number') return greater;
      const lessEqual = compileList(a.ifLessEqual, depth + 1);
      if (typeof lessEqual === 'number') return lessEqual;
      return new Op(OP_CHECK_PKT_LEN, a.pktLen, 0, 0, null, null, greater, lessEqual);
    }
    case 'drop': return new Op(OP_DROP, a.reason);
    case 'ct_clear': return new Op(OP_CT_CLEAR);
    // TODO(#3) conntrack (ct), NSH push/pop, add_mpls and dec_ttl.
    default: return EOPNOTSUPP;
  }
}

function compileSet(attr: number, value: Uint8Array, mask: Uint8Array | null): Op | number {
  const size = SET_SIZES.get(attr);
  if (size === undefined || value.length !== size) return EINVAL;
  if (attr === O.OVS_KEY_ATTR_PRIORITY || attr === O.OVS_KEY_ATTR_SKB_MARK) {
    // Host-order u32s.
    const v = (value[0] | (value[1] << 8) | (value[2] << 16) | (value[3] << 24)) >>> 0;
    const m = mask === null ? 0xffffffff : (mask[0] | (mask[1] << 8) | (mask[2] << 16) | (mask[3] << 24)) >>> 0;
    return new Op(OP_SET_META, attr === O.OVS_KEY_ATTR_PRIORITY ? L.SKB_PRIORITY : L.PKT_MARK, v, m);
  }
  const m = mask === null ? new Uint8Array(size).fill(0xff) : Uint8Array.from(mask);
  // Fields a set may not change: IP protocol and fragment type.
  if (attr === O.OVS_KEY_ATTR_IPV4 || attr === O.OVS_KEY_ATTR_IPV6) {
    const proto = attr === O.OVS_KEY_ATTR_IPV4 ? 8 : 36;
    const frag = attr === O.OVS_KEY_ATTR_IPV4 ? 11 : 39;
    if (mask !== null && (mask[proto] !== 0 || mask[frag] !== 0)) return EINVAL;
    m[proto] = 0;
    m[frag] = 0;
  }
  return new Op(OP_SET, attr, 0, 0, Uint8Array.from(value), m);
}

// --- Execution -----------------------------------------------------------------

export interface ActionExecutorOptions {
  readonly table: FlowTable<CompiledActions>;
  readonly ports: DatapathPorts;
  readonly upcalls: UpcallSink;
  /** Copies for output-then-more, clone, sample and recirculation come from here. */
  readonly pool: PacketPool;
  readonly meters?: DatapathMeters;
  /** Seed of the sample action's random numbers. */
  readonly seed?: number;
}

/** Counters of the executor: each one a packet dropped (or an action skipped) and why. */
export interface ActionCounters {
  /** Actions that failed on a packet (headers missing or short): the packet was dropped, as Linux drops it. */
  actionErrors: number;
  /** Copies the pool could not supply. */
  poolDry: number;
  /** Executions cut off by the nesting or recirculation bound. */
  loopDrops: number;
  /** Drop actions and meter drops. */
  dropped: number;
}

export class ActionExecutor {
  readonly counters: ActionCounters = { actionErrors: 0, poolDry: 0, loopDrops: 0, dropped: 0 };
  private readonly table: FlowTable<CompiledActions>;
  private readonly ports: DatapathPorts;
  private readonly upcalls: UpcallSink;
  private readonly pool: PacketPool;
  private readonly meters: DatapathMeters | null;
  /** Keys of the packets of one burst. */
  private readonly batchKeys: Uint32Array[] = [];
  /** Key copies for clone, sample, check_pkt_len and recirculation, one per level. */
  private readonly levelKeys: Uint32Array[] = [];
  private readonly layers = new Int32Array(LAYER_COUNT);
  private readonly extractOptions: ExtractOptions;
  private readonly scratch = new Uint8Array(16);
  private random: number;
  private recircDepth = 0;
  /** Per burst key: DIRTY_* runs that may hold a previous packet's values. */
  private readonly dirty = new Uint8Array(32);
  /** Set when actions write conntrack or tunnel words of a key. */
  private metadataTouched = false;
  private nowMs = 0;

  constructor(options: ActionExecutorOptions) {
    this.table = options.table;
    this.ports = options.ports;
    this.upcalls = options.upcalls;
    this.pool = options.pool;
    this.meters = options.meters ?? null;
    this.random = (options.seed ?? 0x2545f491) | 1;
    for (let i = 0; i < 32; i++) this.batchKeys.push(new Uint32Array(L.KEY_WORDS));
    for (let i = 0; i <= MAX_EXEC_LEVELS; i++) this.levelKeys.push(new Uint32Array(L.KEY_WORDS));
    this.extractOptions = { vlanLimit: 2, layers: this.layers };
  }

  /**
   * The fast path for a burst received on `inPort`: extracts each packet's
   * key, looks it up, credits the flow, runs its actions (misses go to the
   * upcall sink and are released), then flushes the ports. Empties `batch`.
   */
  receive(batch: PacketBatch, inPort: number): void {
    this.nowMs = timeMsec();
    const table = this.table;
    for (let i = 0; i < batch.count; i++) {
      const p = batch.packets[i];
      const key = this.batchKeys[i];
      const md = p.metadata;
      md[L.IN_PORT] = inPort;
      this.loadMetadata(md, key, i);
      p.inPort = inPort;
      this.extract(p, key);
      const flow = table.lookup(key);
      if (flow === null) {
        this.upcalls.miss(p, key);
        p.release();
        continue;
      }
      flow.credit(1, p.size, key[L.TCP_FLAGS], this.nowMs);
      this.metadataTouched = false;
      this.run(p, key, flow.actions, 0);
      if (this.metadataTouched) this.dirty[i] = DIRTY_CT | DIRTY_TUNNEL;
    }
    batch.clear();
    this.ports.flush();
  }

  /**
   * Runs `actions` on `packet`, whose key is `key` (receive metadata and
   * extracted headers; the packet's layer offsets set): OVS_PACKET_CMD_EXECUTE.
   * Consumes the packet. Does not flush the ports.
   */
  execute(packet: Packet, key: Uint32Array, actions: CompiledActions): void {
    this.nowMs = timeMsec();
    this.run(packet, key, actions, 0);
  }

  /**
   * Copies a packet's receive metadata into burst key `slot`. Copying all 53
   * words costs more than extraction on this hardware, so the conntrack and
   * tunnel runs are copied only when present (ct_state set, a tunnel
   * destination set) and cleared only when the slot's last user dirtied them.
   */
  private loadMetadata(md: Uint32Array, key: Uint32Array, slot: number): void {
    key[0] = md[0];
    key[1] = md[1];
    key[2] = md[2];
    key[3] = md[3];
    key[4] = md[4];
    key[5] = md[5];
    let dirty = this.dirty[slot];
    if (md[CT_STATE] !== 0) {
      for (let w = CT_STATE; w < TUN_ID_HI; w++) key[w] = md[w];
      dirty |= DIRTY_CT;
    } else if ((dirty & DIRTY_CT) !== 0) {
      for (let w = CT_STATE; w < TUN_ID_HI; w++) key[w] = 0;
      dirty &= ~DIRTY_CT;
    }
    if ((md[TUN_IPV4_DST] | md[TUN_IPV6_DST] | md[TUN_IPV6_DST + 1] | md[TUN_IPV6_DST + 2] | md[TUN_IPV6_DST + 3]) !== 0) {
      for (let w = TUN_ID_HI; w < PACKET_FIRST; w++) key[w] = md[w];
      dirty |= DIRTY_TUNNEL;
    } else if ((dirty & DIRTY_TUNNEL) !== 0) {
      for (let w = TUN_ID_HI; w < PACKET_FIRST; w++) key[w] = 0;
      dirty &= ~DIRTY_TUNNEL;
    }
    this.dirty[slot] = dirty;
  }

  /** Extracts the key's header words from the packet and sets the packet's layer offsets. */
  extract(p: Packet, key: Uint32Array): void {
    flowExtract(p.slot, p.start, p.size, key, this.extractOptions);
    const layers = this.layers;
    p.l2Offset = 0;
    p.l2_5Offset = layers[LAYER_L2_5] < 0 ? -1 : layers[LAYER_L2_5] - p.start;
    p.l3Offset = layers[LAYER_L3] < 0 ? -1 : layers[LAYER_L3] - p.start;
    p.l4Offset = layers[LAYER_L4] < 0 ? -1 : layers[LAYER_L4] - p.start;
  }

  /** Runs `actions` at nesting `level`; always consumes `p` (sends it, hands it on or releases it). */
  private run(p: Packet, key: Uint32Array, actions: CompiledActions, level: number): void {
    const ops = actions.ops;
    const n = ops.length;
    let cutlen = 0;
    for (let i = 0; i < n; i++) {
      const op = ops[i];
      const last = i === n - 1;
      switch (op.code) {
        case OP_OUTPUT: {
          if (last && (cutlen === 0 || p.size <= cutlen)) {
            this.ports.send(op.a, p);
            return;
          }
          const copy = last ? p : this.pool.clone(p);
          if (copy === null) {
            this.counters.poolDry++;
          } else {
            if (cutlen !== 0 && copy.size > cutlen) copy.trim(copy.size - cutlen);
            this.ports.send(op.a, copy);
          }
          if (last) return;
          cutlen = 0;
          break;
        }
        case OP_USERSPACE:
          this.upcalls.userspace(p, key, op.userspace as UserspaceAction, actions, cutlen);
          cutlen = 0;
          break;
        case OP_SET:
          if (!this.set(p, key, op)) return this.fail(p);
          break;
        case OP_SET_META: {
          const v = ((key[op.a] & ~op.c) | (op.b & op.c)) >>> 0;
          key[op.a] = v;
          p.metadata[op.a] = v;
          break;
        }
        case OP_SET_TUNNEL: {
          this.metadataTouched = true;
          const words = op.words as Uint32Array;
          for (let w = 0; w < words.length; w++) {
            key[L.TUN_ID_HI + w] = words[w];
            p.metadata[L.TUN_ID_HI + w] = words[w];
          }
          break;
        }
        case OP_PUSH_VLAN:
          if (!E.pushVlan(p, op.a, op.b)) return this.fail(p);
          this.extract(p, key);
          break;
        case OP_POP_VLAN:
          // Popping a frame without a tag does nothing, as in Linux.
          if (E.popVlan(p)) this.extract(p, key);
          break;
        case OP_PUSH_MPLS:
          if (!E.pushMpls(p, op.b, op.a)) return this.fail(p);
          this.extract(p, key);
          break;
        case OP_POP_MPLS:
          if (!E.popMpls(p, op.a)) return this.fail(p);
          this.extract(p, key);
          break;
        case OP_PUSH_ETH:
          if (!this.pushEth(p, key, op.value as Uint8Array)) return this.fail(p);
          break;
        case OP_POP_ETH:
          if (!this.popEth(p, key)) return this.fail(p);
          break;
        case OP_TRUNC:
          cutlen = op.a;
          break;
        case OP_HASH: {
          let h = hashAdd(op.a, key[L.NW_SRC]);
          h = hashAdd(h, key[L.NW_DST]);
          for (let w = 0; w < 4; w++) h = hashAdd(hashAdd(h, key[L.IPV6_SRC + w]), key[L.IPV6_DST + w]);
          h = hashAdd(h, key[L.NW_PROTO]);
          h = hashAdd(h, (key[L.TP_SRC] << 16) | key[L.TP_DST]);
          let hash = hashFinish(h, 48);
          if (hash === 0) hash = 1;
          key[L.DP_HASH] = hash;
          p.metadata[L.DP_HASH] = hash;
          break;
        }
        case OP_METER:
          if (this.meters !== null && this.meters.drops(op.a, p.size, this.nowMs)) {
            this.counters.dropped++;
            p.release();
            return;
          }
          break;
        case OP_DROP:
          this.counters.dropped++;
          p.release();
          return;
        case OP_CT_CLEAR:
          this.metadataTouched = true;
          for (let w = L.CT_STATE; w <= L.CT_TP_DST; w++) {
            key[w] = 0;
            p.metadata[w] = 0;
          }
          break;
        case OP_SAMPLE: {
          // probability: out of 0xffffffff; the xorshift32 draw is uniform over 1..2^32-1.
          let r = this.random;
          r ^= r << 13;
          r ^= r >>> 17;
          r ^= r << 5;
          this.random = r;
          if (op.a !== 0xffffffff && (r >>> 0) > op.a) break;
          if (this.nest(p, key, op.sub as CompiledActions, level, last)) return;
          break;
        }
        case OP_CLONE:
          if (this.nest(p, key, op.sub as CompiledActions, level, last)) return;
          break;
        case OP_CHECK_PKT_LEN:
          if (this.nest(p, key, (p.size > op.a ? op.sub : op.sub2) as CompiledActions, level, last)) return;
          break;
        case OP_RECIRC: {
          if (this.recircDepth >= MAX_RECIRC_DEPTH || level >= MAX_EXEC_LEVELS) {
            this.counters.loopDrops++;
            if (last) p.release();
            if (last) return;
            break;
          }
          let q = p;
          let k = key;
          if (!last) {
            const copy = this.pool.clone(p);
            if (copy === null) {
              this.counters.poolDry++;
              break;
            }
            q = copy;
            k = this.levelKeys[level + 1];
            k.set(key);
          }
          k[L.RECIRC_ID] = op.a;
          q.metadata[L.RECIRC_ID] = op.a;
          this.recircDepth++;
          const flow: DpFlow<CompiledActions> | null = this.table.lookup(k);
          if (flow === null) {
            this.upcalls.miss(q, k);
            q.release();
          } else {
            flow.credit(1, q.size, k[L.TCP_FLAGS], this.nowMs);
            this.run(q, k, flow.actions, level + 1);
          }
          this.recircDepth--;
          if (last) return;
          break;
        }
      }
    }
    p.release();
  }

  /**
   * Runs nested `actions` on `p` itself when this is the last action (true:
   * p is consumed), else on a copy of p and key (false: p stays here).
   */
  private nest(p: Packet, key: Uint32Array, actions: CompiledActions, level: number, last: boolean): boolean {
    if (level + 1 >= MAX_EXEC_LEVELS) {
      this.counters.loopDrops++;
      return false;
    }
    if (last) {
      this.run(p, key, actions, level + 1);
      return true;
    }
    if (actions.ops.length === 0) return false;
    const copy = this.pool.clone(p);
    if (copy === null) {
      this.counters.poolDry++;
      return false;
    }
    const k = this.levelKeys[level + 1];
    k.set(key);
    this.run(copy, k, actions, level + 1);
    return false;
  }

  private fail(p: Packet): void {
    this.counters.actionErrors++;
    p.release();
  }

  private pushEth(p: Packet, key: Uint32Array, addresses: Uint8Array): boolean {
    const type = key[L.PACKET_TYPE];
    if (type >>> 16 !== 1 || !p.push(14)) return false;
    const b = p.slot;
    const s = p.start;
    for (let i = 0; i < 6; i++) {
      b[s + i] = addresses[6 + i];
      b[s + 6 + i] = addresses[i];
    }
    writeBe16(b, s + 12, type & 0xffff);
    key[L.PACKET_TYPE] = 0;
    p.metadata[L.PACKET_TYPE] = 0;
    this.extract(p, key);
    return true;
  }

  private popEth(p: Packet, key: Uint32Array): boolean {
    if (key[L.PACKET_TYPE] !== 0 || (key[L.VLAN0] & 0x1000) !== 0 || p.size < 14) return false;
    const type = readBe16(p.slot, p.start + 12);
    if (!p.pull(14)) return false;
    p.l2Offset = -1;
    const packetType = ((1 << 16) | type) >>> 0;
    key[L.PACKET_TYPE] = packetType;
    p.metadata[L.PACKET_TYPE] = packetType;
    key[L.DL_DST_HI] = key[L.DL_DST_LO] = key[L.DL_SRC_HI] = key[L.DL_SRC_LO] = 0;
    return true;
  }

  // --- set and set_masked ---------------------------------------------------------

  /** Applies one set action; false when the packet lacks the header it edits. */
  private set(p: Packet, key: Uint32Array, op: Op): boolean {
    const v = op.value as Uint8Array;
    const m = op.mask as Uint8Array;
    const b = p.slot;
    switch (op.a) {
      case O.OVS_KEY_ATTR_ETHERNET: {
        if (key[L.PACKET_TYPE] !== 0 || p.size < 14) return false;
        const s = p.start;
        // ovs_key_ethernet: eth_src[6] then eth_dst[6].
        const srcHi = merged(b, s + 6, v, m, 0, 2);
        const srcLo = merged(b, s + 8, v, m, 2, 4);
        const dstHi = merged(b, s, v, m, 6, 2);
        const dstLo = merged(b, s + 2, v, m, 8, 4);
        E.setEthSrc(p, srcHi, srcLo);
        E.setEthDst(p, dstHi, dstLo);
        key[L.DL_SRC_HI] = srcHi;
        key[L.DL_SRC_LO] = srcLo;
        key[L.DL_DST_HI] = dstHi;
        key[L.DL_DST_LO] = dstLo;
        return true;
      }
      case O.OVS_KEY_ATTR_IPV4: {
        if (key[L.DL_TYPE] !== 0x0800 || p.l3Offset < 0 || p.l3Offset + 20 > p.size) return false;
        const ip = p.start + p.l3Offset;
        // ovs_key_ipv4: src, dst, proto, tos, ttl, frag.
        const src = merged(b, ip + 12, v, m, 0, 4);
        const dst = merged(b, ip + 16, v, m, 4, 4);
        const tos = merged(b, ip + 1, v, m, 9, 1);
        const ttl = merged(b, ip + 8, v, m, 10, 1);
        if (!E.setIpv4Src(p, src) || !E.setIpv4Dst(p, dst) || !E.setIpv4Tos(p, tos) || !E.setIpv4Ttl(p, ttl)) return false;
        key[L.NW_SRC] = src;
        key[L.NW_DST] = dst;
        key[L.NW_TOS] = tos;
        key[L.NW_TTL] = ttl;
        return true;
      }
      case O.OVS_KEY_ATTR_IPV6: {
        if (key[L.DL_TYPE] !== 0x86dd || p.l3Offset < 0 || p.l3Offset + 40 > p.size) return false;
        const ip = p.start + p.l3Offset;
        const proto = key[L.NW_PROTO];
        // ovs_key_ipv6: src[16], dst[16], label (be32), proto, tclass, hlimit, frag.
        if (!this.setIpv6Address(p, key, ip + 8, v, m, 0, L.IPV6_SRC, proto)) return false;
        if (!this.setIpv6Address(p, key, ip + 24, v, m, 16, L.IPV6_DST, proto)) return false;
        const first = readBe32(b, ip);
        const label = (((first & 0xfffff) & ~readBe32(m, 32)) | (readBe32(v, 32) & readBe32(m, 32))) & 0xfffff;
        const oldClass = (first >>> 20) & 0xff;
        const tclass = ((oldClass & ~m[37]) | (v[37] & m[37])) & 0xff;
        const hlimit = merged(b, ip + 7, v, m, 38, 1);
        E.setIpv6Fields(p, tclass, label, hlimit);
        key[L.IPV6_LABEL] = label;
        key[L.NW_TOS] = tclass;
        key[L.NW_TTL] = hlimit;
        return true;
      }
      case O.OVS_KEY_ATTR_TCP: return this.setPorts(p, key, v, m, 6);
      case O.OVS_KEY_ATTR_UDP: return this.setPorts(p, key, v, m, 17);
      case O.OVS_KEY_ATTR_SCTP: return this.setPorts(p, key, v, m, 132);
      case O.OVS_KEY_ATTR_ICMP:
      case O.OVS_KEY_ATTR_ICMPV6: {
        const proto = op.a === O.OVS_KEY_ATTR_ICMP ? 1 : 58;
        if (key[L.NW_PROTO] !== proto || p.l4Offset < 0 || p.l4Offset + 4 > p.size) return false;
        const l4 = p.start + p.l4Offset;
        const type = merged(b, l4, v, m, 0, 1);
        const code = merged(b, l4 + 1, v, m, 1, 1);
        if (!E.setIcmpTypeCode(p, type, code)) return false;
        key[L.TP_SRC] = type;
        key[L.TP_DST] = code;
        return true;
      }
      case O.OVS_KEY_ATTR_ARP: {
        const type = key[L.DL_TYPE];
        if ((type !== 0x0806 && type !== 0x8035) || p.l3Offset < 0 || p.l3Offset + 28 > p.size) return false;
        const a = p.start + p.l3Offset;
        // ovs_key_arp: sip, tip, op (be16), sha[6], tha[6]; the header: op at 6, sha 8, spa 14, tha 18, tpa 24.
        const sip = merged(b, a + 14, v, m, 0, 4);
        const tip = merged(b, a + 24, v, m, 4, 4);
        const arpOp = merged(b, a + 6, v, m, 8, 2);
        const shaHi = merged(b, a + 8, v, m, 10, 2);
        const shaLo = merged(b, a + 10, v, m, 12, 4);
        const thaHi = merged(b, a + 18, v, m, 16, 2);
        const thaLo = merged(b, a + 20, v, m, 18, 4);
        E.setArpSpa(p, sip);
        E.setArpTpa(p, tip);
        E.setArpOp(p, arpOp);
        E.setArpSha(p, shaHi, shaLo);
        E.setArpTha(p, thaHi, thaLo);
        key[L.NW_SRC] = sip;
        key[L.NW_DST] = tip;
        key[L.NW_PROTO] = arpOp & 0xff;
        key[L.ARP_SHA_HI] = shaHi;
        key[L.ARP_SHA_LO] = shaLo;
        key[L.ARP_THA_HI] = thaHi;
        key[L.ARP_THA_LO] = thaLo;
        return true;
      }
      case O.OVS_KEY_ATTR_ND: {
        if (key[L.NW_PROTO] !== 58 || p.l4Offset < 0 || p.l4Offset + 24 > p.size) return false;
        const l4 = p.start + p.l4Offset;
        const s = this.scratch;
        for (let i = 0; i < 16; i++) s[i] = (b[l4 + 8 + i] & ~m[i]) | (v[i] & m[i]);
        if (!E.setNdTarget(p, s, 0)) return false;
        for (let w = 0; w < 4; w++) key[L.ND_TARGET + w] = readBe32(s, w * 4);
        // The link-layer options: merged over the key's view of them; a message without the option keeps none.
        if (anyBits(m, 16, 6)) {
          const hi = mergedWord(key[L.ARP_SHA_HI], v, m, 16, 2);
          const lo = mergedWord(key[L.ARP_SHA_LO], v, m, 18, 4);
          if (E.setNdSll(p, hi, lo)) {
            key[L.ARP_SHA_HI] = hi;
            key[L.ARP_SHA_LO] = lo;
          }
        }
        if (anyBits(m, 22, 6)) {
          const hi = mergedWord(key[L.ARP_THA_HI], v, m, 22, 2);
          const lo = mergedWord(key[L.ARP_THA_LO], v, m, 24, 4);
          if (E.setNdTll(p, hi, lo)) {
            key[L.ARP_THA_HI] = hi;
            key[L.ARP_THA_LO] = lo;
          }
        }
        return true;
      }
      case O.OVS_KEY_ATTR_MPLS: {
        if (p.l2_5Offset < 0 || p.l2_5Offset + 4 > p.size) return false;
        const lse = merged(b, p.start + p.l2_5Offset, v, m, 0, 4);
        if (!E.setMplsLse(p, lse)) return false;
        key[L.MPLS_LSE0] = lse;
        return true;
      }
    }
    return false;
  }

  private setIpv6Address(
    p: Packet, key: Uint32Array, at: number, v: Uint8Array, m: Uint8Array, vo: number, word: number, proto: number,
  ): boolean {
    if (!anyBits(m, vo, 16)) return true;
    const b = p.slot;
    const s = this.scratch;
    for (let i = 0; i < 16; i++) s[i] = (b[at + i] & ~m[vo + i]) | (v[vo + i] & m[vo + i]);
    const ok = word === L.IPV6_SRC ? E.setIpv6Src(p, s, 0, proto) : E.setIpv6Dst(p, s, 0, proto);
    if (!ok) return false;
    for (let w = 0; w < 4; w++) key[word + w] = readBe32(s, w * 4);
    return true;
  }

  private setPorts(p: Packet, key: Uint32Array, v: Uint8Array, m: Uint8Array, proto: number): boolean {
    if (key[L.NW_PROTO] !== proto || p.l4Offset < 0 || p.l4Offset + 4 > p.size) return false;
    const l4 = p.start + p.l4Offset;
    const src = merged(p.slot, l4, v, m, 0, 2);
    const dst = merged(p.slot, l4 + 2, v, m, 2, 2);
    if (src !== key[L.TP_SRC] || dst !== key[L.TP_DST] || proto === 132) {
      if (!E.setTransportSrc(p, proto, src) || !E.setTransportDst(p, proto, dst)) return false;
    }
    key[L.TP_SRC] = src;
    key[L.TP_DST] = dst;
    return true;
  }
}

/** Big-endian value of `count` bytes at b[at] with value bytes v[vo..] written under mask m[vo..]. */
function merged(b: Uint8Array, at: number, v: Uint8Array, m: Uint8Array, vo: number, count: number): number {
  let x = 0;
  for (let i = 0; i < count; i++) x = (x << 8) | ((b[at + i] & ~m[vo + i]) | (v[vo + i] & m[vo + i]));
  return x >>> 0;
}

/** Like merged() over the `count` low bytes of a word instead of packet bytes. */
function mergedWord(old: number, v: Uint8Array, m: Uint8Array, vo: number, count: number): number {
  let x = 0;
  for (let i = 0; i < count; i++) {
    const byte = (old >>> ((count - 1 - i) * 8)) & 0xff;
    x = (x << 8) | ((byte & ~m[vo + i]) | (v[vo + i] & m[vo + i]));
  }
  return x >>> 0;
}

function anyBits(m: Uint8Array, at: number, count: number): boolean {
  for (let i = 0; i < count; i++) if (m[at + i] !== 0) return true;
  return false;
}
