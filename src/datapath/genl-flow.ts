// The ovs_flow generic netlink family, as Linux's datapath answers it: NEW,
// SET, GET and DEL by key or UFID, DEL of every flow, stateless dumps with
// statistics. genl.ts dispatches here after the policy check; flows live in
// the datapath's FlowTable (flow-table.ts) with actions compiled by
// actions.ts. Conntrack actions are EOPNOTSUPP until conntrack exists.

import { EEXIST, EINVAL, EMSGSIZE, ENODEV, ENOENT } from '../lib/errno.js';
import * as L from '../flow/layout.js';
import { findAttr } from '../netlink/attr.js';
import { NlBuffer } from '../netlink/buffer.js';
import { NLM_F_CREATE, NLM_F_EXCL, NLM_F_MULTI, putNlDone, startOvsMessage } from '../netlink/message.js';
import { type OdpAction, parseOdpActions, putOdpActions } from '../netlink/odp-actions.js';
import { parseOdpKey, parseOdpMask, putOdpFlowKey, putOdpMask } from '../netlink/odp-key.js';
import * as O from '../netlink/openvswitch.js';
import { putFlowStats } from '../netlink/ovs-structs.js';
import type { AttrIndex } from '../netlink/policy.js';
import { compileActions, type CompiledActions } from './actions.js';
import type { Datapath, DatapathRegistry } from './datapath.js';
import type { DpFlow } from './flow-table.js';
import type { Outcome, Request } from './genl-common.js';

/** Port numbers are below this (Linux's DP_MAX_PORTS); a key without in_port gets it. */
const DP_MAX_PORTS = 0x10000;

/** Flow dumps in progress whose resume position the family remembers. */
const MAX_DUMP_HINTS = 8;

/** Largest OVS_FLOW_ATTR_ACTIONS payload (Linux's MAX_ACTIONS_BUFSIZE); larger is EMSGSIZE. */
export const MAX_ACTIONS_SIZE = 32 * 1024;

// Linux's rules kept here: a NEW that overlaps an installed flow (a packet
// would find it) is EEXIST under NLM_F_CREATE or NLM_F_EXCL; without them it
// updates that flow when it is the same flow, else ENOENT. A flow installed
// with a UFID is found by its UFID only; one installed without is found by its
// unmasked key.

type Flow = DpFlow<CompiledActions>;

/** A flow's key and mask as a request gives them: the key unmasked. */
interface ParsedMatch {
  readonly key: Uint32Array;
  readonly mask: Uint32Array;
}

interface Ufid {
  readonly words: Uint32Array;
  readonly length: number;
}

export class FlowFamily {
  constructor(private readonly registry: DatapathRegistry, private readonly familyId: number) {}

  command(r: Request): Outcome {
    switch (r.cmd) {
      case O.OVS_FLOW_CMD_NEW: return this.flowNew(r);
      case O.OVS_FLOW_CMD_SET: return this.flowSet(r);
      case O.OVS_FLOW_CMD_DEL: return this.flowDel(r);
      default: return this.flowGet(r);
    }
  }

  /** Linux checks key, mask, UFID and actions before it looks for the datapath. */
  private flowNew(r: Request): Outcome {
    const a = r.attrs;
    if (!a.has(O.OVS_FLOW_ATTR_KEY) || !a.has(O.OVS_FLOW_ATTR_ACTIONS)) return EINVAL;
    const match = parseMatch(a, true);
    if (typeof match === 'number') return match;
    const ufid = parseUfid(a);
    const masked = maskedKey(match);
    const actions = parseActions(a, O.OVS_FLOW_ATTR_ACTIONS, masked);
    if (typeof actions === 'number') return actions;
    const dp = this.registry.byDpIfindex(r.dpIfindex);
    if (dp === undefined) return ENODEV;
    const table = dp.flowTable;
    let flow = ufid !== null ? byUfid(dp, ufid) : null;
    if (flow === null) flow = table.find(masked);
    if (flow === null) {
      const error = table.insert(match, actions, ufid !== null ? { ufid: ufid.words } : { unmaskedKey: match.key });
      if (error !== 0) return error;
      const added = (ufid !== null ? table.getByUfid(ufid.words) : table.getExact(match)) as Flow;
      if (ufid !== null) added.ufidLength = ufid.length;
      return { replies: [], event: this.message(dp, added, r, O.OVS_FLOW_CMD_NEW, 0) };
    }
    if ((r.flags & (NLM_F_CREATE | NLM_F_EXCL)) !== 0) return EEXIST;
    if (!sameFlow(flow, match)) {
      flow = flow.hasUfid ? null : lookupExact(dp, match.key);
      if (flow === null) return ENOENT;
    }
    flow.actions = actions;
    return { replies: [], event: this.message(dp, flow, r, O.OVS_FLOW_CMD_NEW, 0) };
  }

  private flowSet(r: Request): Outcome {
    const a = r.attrs;
    const ufid = parseUfid(a);
    let match: ParsedMatch | null = null;
    if (a.has(O.OVS_FLOW_ATTR_KEY)) {
      const parsed = parseMatch(a, true);
      if (typeof parsed === 'number') return parsed;
      match = parsed;
    } else if (ufid === null) {
      return EINVAL;
    }
    let actions: CompiledActions | null = null;
    if (a.has(O.OVS_FLOW_ATTR_ACTIONS)) {
      if (match === null) return EINVAL;
      const parsed = parseActions(a, O.OVS_FLOW_ATTR_ACTIONS, maskedKey(match));
      if (typeof parsed === 'number') return parsed;
      actions = parsed;
    }
    const dp = this.registry.byDpIfindex(r.dpIfindex);
    if (dp === undefined) return ENODEV;
    const flow = ufid !== null ? byUfid(dp, ufid) : lookupExact(dp, (match as ParsedMatch).key);
    if (flow === null) return ENOENT;
    if (actions !== null) flow.actions = actions;
    // The notification carries the statistics from before the clearing.
    const event = this.message(dp, flow, r, O.OVS_FLOW_CMD_SET, 0);
    if (a.has(O.OVS_FLOW_ATTR_CLEAR)) flow.clearStats();
    return { replies: [], event };
  }

  private flowGet(r: Request): Outcome {
    const found = this.identify(r);
    if (typeof found === 'number') return found;
    if (found.flow === null) return EINVAL;
    return { replies: [this.message(found.dp, found.flow, r, O.OVS_FLOW_CMD_GET, 0)] };
  }

  private flowDel(r: Request): Outcome {
    const found = this.identify(r);
    if (typeof found === 'number') return found;
    const { dp, flow } = found;
    if (flow === null) {
      // Neither key nor UFID: every flow goes, without a notification per flow.
      dp.flowTable.flush();
      return { replies: [] };
    }
    const event = this.message(dp, flow, r, O.OVS_FLOW_CMD_DEL, 0);
    dp.flowTable.remove(flow);
    return { replies: [], event };
  }

  /**
   * GET and DEL: the flow by UFID, else by unmasked key (the mask, if sent, is
   * ignored). `flow` null means the request named no flow (no key, no UFID).
   */
  private identify(r: Request): { dp: Datapath; flow: Flow | null } | number {
    const a = r.attrs;
    const ufid = parseUfid(a);
    let match: ParsedMatch | null = null;
    if (ufid === null && a.has(O.OVS_FLOW_ATTR_KEY)) {
      const parsed = parseMatch(a, false);
      if (typeof parsed === 'number') return parsed;
      match = parsed;
    }
    const dp = this.registry.byDpIfindex(r.dpIfindex);
    if (dp === undefined) return ENODEV;
    if (ufid === null && match === null) return { dp, flow: null };
    const flow = ufid !== null ? byUfid(dp, ufid) : lookupExact(dp, (match as ParsedMatch).key);
    return flow === null ? ENOENT : { dp, flow };
  }

  /**
   * The flows of the header's datapath, in table order, OVS_FLOW_ATTR_UFID_FLAGS
   * applied. The request says how many flows earlier parts returned
   * (dumpStart). The family remembers where the last few parts ended (a
   * table slot): a request that continues one of them resumes at that slot,
   * so a flow removed meanwhile makes no other flow skipped or repeated, and
   * paging through a large table does not count from the start each time.
   * Hints, not dump state: without them the answer is counted from the start.
   */
  dump(r: Request): Uint8Array[] | number {
    const dp = this.registry.byDpIfindex(r.dpIfindex);
    if (dp === undefined) return ENODEV;
    const table = dp.flowTable;
    const startAt = Math.max(0, r.context.dumpStart ?? 0);
    const limit = r.context.dumpLimit ?? Infinity;
    let count = 0;
    let slot = 0;
    let hintIndex = -1;
    for (let i = 0; i < this.dumpHints.length; i++) {
      const h = this.dumpHints[i];
      if (h.table !== table) continue;
      if (h.count === startAt) {
        hintIndex = i;
        break;
      }
      if (h.version === table.version && h.count < startAt && (hintIndex < 0 || h.count > this.dumpHints[hintIndex].count)) hintIndex = i;
    }
    if (hintIndex >= 0) {
      count = this.dumpHints[hintIndex].count;
      slot = this.dumpHints[hintIndex].slot;
      this.dumpHints.splice(hintIndex, 1);
    }
    for (; count < startAt && slot >= 0; count++) {
      slot = table.nextSlot(slot);
      if (slot >= 0) slot++;
    }
    const replies: Uint8Array[] = [];
    slot = slot < 0 ? -1 : table.nextSlot(slot);
    while (slot >= 0 && replies.length < limit) {
      replies.push(this.message(dp, table.flowAt(slot) as Flow, r, O.OVS_FLOW_CMD_GET, NLM_F_MULTI));
      slot = table.nextSlot(slot + 1);
    }
    if (slot < 0) {
      const buf = new NlBuffer(32);
      putNlDone(buf, r.seq, r.context.pid);
      replies.push(buf.data().slice());
    } else {
      this.dumpHints.unshift({ table, version: table.version, count: startAt + replies.length, slot });
      if (this.dumpHints.length > MAX_DUMP_HINTS) this.dumpHints.pop();
    }
    return replies;
  }

  /** Where recent flow dump parts ended, newest first: `count` flows returned, the next at or after `slot`. */
  private readonly dumpHints: { table: unknown; version: number; count: number; slot: number }[] = [];

  /**
   * A flow as Linux describes it: its identifier (UFID, or the unmasked key),
   * the masked key (UFID flows, unless omitted), the mask, last use, stats and
   * TCP flags when non-zero, the actions.
   */
  private message(dp: Datapath, flow: Flow, r: Request, cmd: number, flags: number): Uint8Array {
    const ufidFlags = r.attrs.u32(O.OVS_FLOW_ATTR_UFID_FLAGS);
    const buf = new NlBuffer(512);
    const start = startOvsMessage(buf, {
      family: this.familyId, flags, seq: r.seq, pid: r.context.pid, cmd, version: O.OVS_FLOW_VERSION, dpIfindex: dp.dpIfindex,
    });
    if (flow.hasUfid) {
      const o = buf.putAttrSpace(O.OVS_FLOW_ATTR_UFID, flow.ufidLength);
      for (let i = 0; i < flow.ufidLength; i++) buf.bytes[o + i] = flow.ufid[i >> 2] >>> ((i & 3) * 8);
      if ((ufidFlags & O.OVS_UFID_F_OMIT_KEY) === 0) {
        const nest = buf.startNested(O.OVS_FLOW_ATTR_KEY);
        putOdpFlowKey(buf, flow);
        buf.endNested(nest);
      }
    } else {
      const nest = buf.startNested(O.OVS_FLOW_ATTR_KEY);
      putOdpFlowKey(buf, { key: flow.unmaskedKey ?? flow.key, mask: flow.mask });
      buf.endNested(nest);
    }
    if ((ufidFlags & O.OVS_UFID_F_OMIT_MASK) === 0) {
      const nest = buf.startNested(O.OVS_FLOW_ATTR_MASK);
      putOdpMask(buf, flow);
      buf.endNested(nest);
    }
    const used = flow.usedMs;
    if (used !== 0) buf.putAttrU64(O.OVS_FLOW_ATTR_USED, Math.floor(used / 0x100000000), used >>> 0);
    if (flow.packets !== 0) putFlowStats(buf, O.OVS_FLOW_ATTR_STATS, { packets: flow.packets, bytes: flow.bytes });
    const tcpFlags = flow.tcpFlags & 0xff;
    if (tcpFlags !== 0) buf.putAttrU8(O.OVS_FLOW_ATTR_TCP_FLAGS, tcpFlags);
    if ((ufidFlags & O.OVS_UFID_F_OMIT_ACTIONS) === 0) {
      const nest = buf.startNested(O.OVS_FLOW_ATTR_ACTIONS);
      putOdpActions(buf, flow.actions.source);
      buf.endNested(nest);
    }
    buf.endMessage(start);
    return buf.data().slice();
  }
}

// --- Request parsing -----------------------------------------------------------

/**
 * OVS_FLOW_ATTR_KEY (and, with `withMask`, OVS_FLOW_ATTR_MASK) as a key and a
 * mask. Without a mask the flow is exact: every field the key's attributes
 * can express is matched, as Linux's "exact match over the key's range".
 * An in_port is matched exactly whenever the mask has one; a key without
 * in_port gets DP_MAX_PORTS, which no port has. EINVAL for a malformed
 * key, a key whose protocol attributes disagree with its own types, or a
 * mask that wildcards a field's prerequisite or masks what the key lacks.
 */
function parseMatch(a: AttrIndex, withMask: boolean): ParsedMatch | number {
  const keyBytes = a.data(O.OVS_FLOW_ATTR_KEY) as Uint8Array;
  const key = new Uint32Array(L.KEY_WORDS);
  let error = parseOdpKey(keyBytes, key, { checkProtocols: true });
  if (error !== 0) return error;
  const mask = new Uint32Array(L.KEY_WORDS);
  if (withMask && a.has(O.OVS_FLOW_ATTR_MASK)) {
    error = parseOdpMask(a.data(O.OVS_FLOW_ATTR_MASK) as Uint8Array, mask);
    if (error !== 0) return error;
    if (maskContradictsKey(key, mask)) return EINVAL;
  } else {
    error = exactMask(key, mask);
    if (error !== 0) return error;
  }
  // in_port: below DP_MAX_PORTS when given, DP_MAX_PORTS (no port) when not;
  // matched exactly whenever the mask names it at all.
  if (findAttr(keyBytes, 0, keyBytes.length, O.OVS_KEY_ATTR_IN_PORT) >= 0) {
    if (key[L.IN_PORT] >= DP_MAX_PORTS) return EINVAL;
  } else {
    key[L.IN_PORT] = DP_MAX_PORTS;
  }
  const maskBytes = withMask ? a.data(O.OVS_FLOW_ATTR_MASK) : undefined;
  if (maskBytes === undefined || findAttr(maskBytes, 0, maskBytes.length, O.OVS_KEY_ATTR_IN_PORT) >= 0) {
    mask[L.IN_PORT] = 0xffffffff;
  }
  return { key, mask };
}

const ALL_ONES = new Uint32Array(L.KEY_WORDS).fill(0xffffffff);

/** The mask that matches every field `key`'s attributes express. */
function exactMask(key: Uint32Array, mask: Uint32Array): number {
  const buf = new NlBuffer(1024);
  putOdpMask(buf, { key, mask: ALL_ONES });
  return parseOdpMask(buf.data(), mask);
}

// Words whose match needs an exact Ethernet type, and those that need an exact IP protocol.
const L3_WORDS = [L.NW_SRC, L.NW_DST, L.IPV6_SRC, L.IPV6_SRC + 1, L.IPV6_SRC + 2, L.IPV6_SRC + 3, L.IPV6_DST,
  L.IPV6_DST + 1, L.IPV6_DST + 2, L.IPV6_DST + 3, L.IPV6_LABEL, L.NW_FRAG, L.NW_TOS, L.NW_TTL, L.NW_PROTO,
  L.ARP_SHA_HI, L.ARP_SHA_LO, L.ARP_THA_HI, L.ARP_THA_LO, L.MPLS_LSE0, L.MPLS_LSE1, L.MPLS_LSE2];
const L4_WORDS = [L.TP_SRC, L.TP_DST, L.TCP_FLAGS, L.ND_TARGET, L.ND_TARGET + 1, L.ND_TARGET + 2, L.ND_TARGET + 3];

/**
 * True when the mask matches a field the key does not carry (a mask
 * attribute without its key attribute, as Linux's "unexpected mask"), or a
 * header field while wildcarding the Ethernet type or IP protocol it needs.
 */
function maskContradictsKey(key: Uint32Array, mask: Uint32Array): boolean {
  // The mask, encoded with the attribute set the key selects and decoded back,
  // loses exactly the bits the key gives no attribute for.
  const buf = new NlBuffer(1024);
  putOdpMask(buf, { key, mask });
  const back = new Uint32Array(L.KEY_WORDS);
  if (parseOdpMask(buf.data(), back) !== 0) return true;
  for (let i = 0; i < L.KEY_WORDS; i++) if (back[i] !== mask[i]) return true;
  const l3 = L3_WORDS.some((w) => mask[w] !== 0);
  if (l3 && mask[L.DL_TYPE] !== 0xffff) return true;
  const ip = key[L.DL_TYPE] === 0x0800 || key[L.DL_TYPE] === 0x86dd;
  if (ip && L4_WORDS.some((w) => mask[w] !== 0) && (mask[L.NW_PROTO] & 0xff) !== 0xff) return true;
  return false;
}

function maskedKey(match: ParsedMatch): Uint32Array {
  const out = new Uint32Array(L.KEY_WORDS);
  for (let i = 0; i < L.KEY_WORDS; i++) out[i] = match.key[i] & match.mask[i];
  return out;
}

/** OVS_FLOW_ATTR_UFID (1-16 bytes, the policy checked) as four words, or null. */
function parseUfid(a: AttrIndex): Ufid | null {
  const data = a.data(O.OVS_FLOW_ATTR_UFID);
  if (data === undefined) return null;
  const words = new Uint32Array(4);
  for (let i = 0; i < data.length; i++) words[i >> 2] |= data[i] << ((i & 3) * 8);
  return { words, length: data.length };
}

/**
 * OVS_FLOW_ATTR_ACTIONS decoded and compiled. The bytes are copied first:
 * the decoded actions keep views of them beyond this request. EMSGSIZE over
 * MAX_ACTIONS_SIZE; EINVAL for malformed or too deeply nested actions;
 * EOPNOTSUPP for ct and the others the datapath cannot run yet.
 */
function parseActions(a: AttrIndex, type: number, flowKey: Uint32Array | null): CompiledActions | number {
  const bytes = a.data(type) as Uint8Array;
  if (bytes.length > MAX_ACTIONS_SIZE) return EMSGSIZE;
  const list = parseOdpActions(bytes.slice());
  if (typeof list === 'number') return list;
  if (flowKey !== null) {
    const error = validateActions(list, {
      ethType: flowKey[L.DL_TYPE], vlanTci: flowKey[L.VLAN0] & 0xffff, ethernet: flowKey[L.PACKET_TYPE] === 0,
    }, flowKey);
    if (error !== 0) return error;
  }
  return compileActions(list);
}

interface ActionState {
  /** The Ethernet type the packet has at this point of the list. */
  ethType: number;
  /** Its outer VLAN TCI (0x1000 set: a tag is there). */
  vlanTci: number;
  /** It has an Ethernet header. */
  ethernet: boolean;
}

const isMpls = (type: number): boolean => type === 0x8847 || type === 0x8848;
const isIp = (type: number): boolean => type === 0x0800 || type === 0x86dd;

/**
 * What Linux checks of actions against the flow they belong to, following
 * the Ethernet type and VLAN through pushes and pops: set only of fields the
 * packet has (and never of ARP, ND or ICMP, which the kernel cannot set),
 * an unmasked IPv4/IPv6 set that keeps protocol and fragment type, VLAN and
 * MPLS pushes and pops where the tag order is known, Ethernet push/pop
 * matching the packet's L2. EINVAL when one fails.
 */
function validateActions(list: readonly OdpAction[], state: ActionState, key: Uint32Array): number {
  const s = { ...state };
  for (const a of list) {
    let error = 0;
    switch (a.type) {
      case 'output':
        if (a.port >>> 0 >= 0x10000) return EINVAL;
        break;
      case 'push_vlan':
      case 'pop_vlan':
        if (!s.ethernet) return EINVAL;
        s.vlanTci = a.type === 'push_vlan' ? a.tci : 0;
        break;
      case 'push_mpls':
        if ((s.vlanTci & 0x1000) !== 0 || !(isIp(s.ethType) || s.ethType === 0x0806 || s.ethType === 0x8035 || isMpls(s.ethType))) {
          return EINVAL;
        }
        s.ethType = a.ethertype;
        break;
      case 'pop_mpls':
        if ((s.vlanTci & 0x1000) !== 0 || !isMpls(s.ethType)) return EINVAL;
        // Linux forbids later L3+ sets after a pop: the new type is not checked.
        s.ethType = 0;
        break;
      case 'push_eth':
        if (s.ethernet) return EINVAL;
        s.ethernet = true;
        break;
      case 'pop_eth':
        if (!s.ethernet || (s.vlanTci & 0x1000) !== 0) return EINVAL;
        s.ethernet = false;
        break;
      case 'set':
      case 'set_masked':
        error = validateSet(a.attr, a.type === 'set' ? a.data : a.value, a.type === 'set_masked', s, key);
        break;
      case 'sample':
      case 'clone':
      case 'dec_ttl':
        error = validateActions(a.actions, s, key);
        break;
      case 'check_pkt_len':
        error = validateActions(a.ifGreater, s, key) || validateActions(a.ifLessEqual, s, key);
        break;
    }
    if (error !== 0) return error;
  }
  return 0;
}

function validateSet(attr: number, value: Uint8Array, masked: boolean, s: ActionState, key: Uint32Array): number {
  const proto = key[L.NW_PROTO];
  switch (attr) {
    case O.OVS_KEY_ATTR_PRIORITY:
    case O.OVS_KEY_ATTR_SKB_MARK:
    case O.OVS_KEY_ATTR_CT_MARK:
    case O.OVS_KEY_ATTR_CT_LABELS:
      return 0;
    case O.OVS_KEY_ATTR_TUNNEL:
      return masked ? EINVAL : 0;
    case O.OVS_KEY_ATTR_ETHERNET:
      return s.ethernet ? 0 : EINVAL;
    case O.OVS_KEY_ATTR_IPV4:
    case O.OVS_KEY_ATTR_IPV6: {
      const v4 = attr === O.OVS_KEY_ATTR_IPV4;
      if (s.ethType !== (v4 ? 0x0800 : 0x86dd)) return EINVAL;
      // Unmasked sets must keep the protocol and fragment type (masked ones are checked at compile).
      if (!masked && (value[v4 ? 8 : 36] !== proto || value[v4 ? 11 : 39] !== fragType(key[L.NW_FRAG]))) return EINVAL;
      if (!v4 && (value[32] & 0xf0) !== 0) return EINVAL;
      return 0;
    }
    case O.OVS_KEY_ATTR_TCP:
      return isIp(s.ethType) && proto === 6 ? 0 : EINVAL;
    case O.OVS_KEY_ATTR_UDP:
      return isIp(s.ethType) && proto === 17 ? 0 : EINVAL;
    case O.OVS_KEY_ATTR_SCTP:
      return isIp(s.ethType) && proto === 132 ? 0 : EINVAL;
    case O.OVS_KEY_ATTR_MPLS:
      return isMpls(s.ethType) ? 0 : EINVAL;
    default:
      return EINVAL;
  }
}

/** OVS_FRAG_TYPE_* of the layout's FLOW_NW_FRAG_* bits. */
function fragType(bits: number): number {
  if ((bits & 1) === 0) return 0;
  return (bits & 2) !== 0 ? 2 : 1;
}

export { parseActions as parseFlowActions };

function byUfid(dp: Datapath, ufid: Ufid): Flow | null {
  const flow = dp.flowTable.getByUfid(ufid.words);
  return flow !== null && flow.ufidLength === ufid.length ? flow : null;
}

/** The flow installed without UFID whose unmasked key is `key`, under any mask (Linux's lookup_exact). */
function lookupExact(dp: Datapath, key: Uint32Array): Flow | null {
  for (const fm of dp.flowTable.maskList()) {
    const flow = fm.find(key, fm.hashKey(key));
    if (flow !== null && !flow.hasUfid && flow.unmaskedKey !== null && sameWords(flow.unmaskedKey, key)) return flow;
  }
  return null;
}

/** Linux's ovs_flow_cmp: a UFID flow's masked key, or a key flow's unmasked key, equals the request's key. */
function sameFlow(flow: Flow, match: ParsedMatch): boolean {
  return sameWords(flow.hasUfid ? flow.key : (flow.unmaskedKey as Uint32Array), match.key);
}

function sameWords(a: Uint32Array, b: Uint32Array): boolean {
  for (let i = 0; i < L.KEY_WORDS; i++) if (a[i] !== b[i]) return false;
  return true;
}
