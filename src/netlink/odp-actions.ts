// ODP actions: between OVS_ACTION_ATTR_* lists (OVS_FLOW_ATTR_ACTIONS,
// OVS_PACKET_ATTR_ACTIONS) and a plain typed form. dpif encodes what xlate
// produced; the datapath decodes a flow's actions once, at install time, and
// executes the typed list per packet. Set and set_masked keep their key
// attribute as raw openvswitch.h struct bytes, what the packet editors take;
// nested lists are bounded by MAX_ACTION_DEPTH, as the kernel bounds them.

import { EINVAL } from '../lib/errno.js';
import { NlAttrIter, readBe16, readBe32, readString, readU16, readU32 } from './attr.js';
import type { NlBuffer } from './buffer.js';
import * as O from './openvswitch.js';
import {
  ACTION_ATTR_LENGTHS, ATTR_LEN_INVALID, ATTR_LEN_NESTED, ATTR_LEN_VARIABLE, KEY_ATTR_LENGTHS,
} from './ovs-policy.js';
import { writeBe16, writeBe32, writeLe32 } from '../packet/bytes.js';

/** Nesting of action lists inside actions, beyond which a list is EINVAL. */
export const MAX_ACTION_DEPTH = 8;

export interface CtNat {
  /** Source NAT when true, destination NAT when false; absent type means "NAT as committed". */
  readonly kind?: 'src' | 'dst';
  /** 4 bytes (IPv4) or 16 (IPv6), network order. */
  readonly ipMin?: Uint8Array;
  readonly ipMax?: Uint8Array;
  readonly protoMin?: number;
  readonly protoMax?: number;
  readonly persistent?: boolean;
  readonly protoHash?: boolean;
  readonly protoRandom?: boolean;
}

export type OdpAction =
  | { readonly type: 'output'; readonly port: number }
  | {
    readonly type: 'userspace'; readonly pid: number; readonly userdata?: Uint8Array;
    readonly egressTunPort?: number; readonly actions?: boolean;
  }
  /** `attr` is an OVS_KEY_ATTR_*; TUNNEL's `data` is its nested attributes. */
  | { readonly type: 'set'; readonly attr: number; readonly data: Uint8Array }
  | { readonly type: 'set_masked'; readonly attr: number; readonly value: Uint8Array; readonly mask: Uint8Array }
  | { readonly type: 'push_vlan'; readonly tpid: number; readonly tci: number }
  | { readonly type: 'pop_vlan' }
  /** probability: out of 0xffffffff. */
  | { readonly type: 'sample'; readonly probability: number; readonly actions: readonly OdpAction[] }
  | { readonly type: 'recirc'; readonly id: number }
  | { readonly type: 'hash'; readonly alg: number; readonly basis: number }
  | { readonly type: 'push_mpls'; readonly lse: number; readonly ethertype: number }
  | { readonly type: 'pop_mpls'; readonly ethertype: number }
  | {
    readonly type: 'ct'; readonly commit?: boolean; readonly forceCommit?: boolean; readonly zone?: number;
    readonly mark?: { readonly value: number; readonly mask: number };
    /** 16 bytes each, as OVS_KEY_ATTR_CT_LABELS. */
    readonly labels?: { readonly value: Uint8Array; readonly mask: Uint8Array };
    readonly helper?: string; readonly timeout?: string; readonly eventmask?: number; readonly nat?: CtNat;
  }
  | { readonly type: 'trunc'; readonly maxLen: number }
  | { readonly type: 'push_eth'; readonly src: Uint8Array; readonly dst: Uint8Array }
  | { readonly type: 'pop_eth' }
  | { readonly type: 'ct_clear' }
  /** The OVS_NSH_KEY_ATTR_* attributes, raw. */
  | { readonly type: 'push_nsh'; readonly data: Uint8Array }
  | { readonly type: 'pop_nsh' }
  | { readonly type: 'meter'; readonly id: number }
  | { readonly type: 'clone'; readonly actions: readonly OdpAction[] }
  | {
    readonly type: 'check_pkt_len'; readonly pktLen: number;
    readonly ifGreater: readonly OdpAction[]; readonly ifLessEqual: readonly OdpAction[];
  }
  | { readonly type: 'add_mpls'; readonly lse: number; readonly ethertype: number; readonly tunFlags: number }
  | { readonly type: 'dec_ttl'; readonly actions: readonly OdpAction[] }
  | { readonly type: 'drop'; readonly reason: number };

// --- Encoding ----------------------------------------------------------------

/** Appends `actions` as OVS_ACTION_ATTR_* attributes; the caller opens the list's nest. */
export function putOdpActions(buf: NlBuffer, actions: readonly OdpAction[]): void {
  for (const action of actions) putAction(buf, action);
}

function putAction(buf: NlBuffer, a: OdpAction): void {
  switch (a.type) {
    case 'output': buf.putAttrU32(O.OVS_ACTION_ATTR_OUTPUT, a.port); break;
    case 'userspace': {
      const nest = buf.startNested(O.OVS_ACTION_ATTR_USERSPACE);
      buf.putAttrU32(O.OVS_USERSPACE_ATTR_PID, a.pid);
      if (a.userdata) buf.putAttr(O.OVS_USERSPACE_ATTR_USERDATA, a.userdata);
      if (a.egressTunPort !== undefined) buf.putAttrU32(O.OVS_USERSPACE_ATTR_EGRESS_TUN_PORT, a.egressTunPort);
      if (a.actions) buf.putFlag(O.OVS_USERSPACE_ATTR_ACTIONS);
      buf.endNested(nest);
      break;
    }
    case 'set': {
      const nest = buf.startNested(O.OVS_ACTION_ATTR_SET);
      buf.putAttr(a.attr, a.data);
      buf.endNested(nest);
      break;
    }
    case 'set_masked': {
      if (a.value.length !== a.mask.length) throw new RangeError('set_masked: value and mask differ in length');
      const nest = buf.startNested(O.OVS_ACTION_ATTR_SET_MASKED);
      const o = buf.putAttrSpace(a.attr, a.value.length * 2);
      buf.bytes.set(a.value, o);
      buf.bytes.set(a.mask, o + a.value.length);
      buf.endNested(nest);
      break;
    }
    case 'push_vlan': {
      const o = buf.putAttrSpace(O.OVS_ACTION_ATTR_PUSH_VLAN, O.OVS_ACTION_PUSH_VLAN_SIZE);
      writeBe16(buf.bytes, o, a.tpid);
      writeBe16(buf.bytes, o + 2, a.tci);
      break;
    }
    case 'pop_vlan': buf.putFlag(O.OVS_ACTION_ATTR_POP_VLAN); break;
    case 'sample': {
      const nest = buf.startNested(O.OVS_ACTION_ATTR_SAMPLE);
      buf.putAttrU32(O.OVS_SAMPLE_ATTR_PROBABILITY, a.probability);
      const list = buf.startNested(O.OVS_SAMPLE_ATTR_ACTIONS);
      putOdpActions(buf, a.actions);
      buf.endNested(list);
      buf.endNested(nest);
      break;
    }
    case 'recirc': buf.putAttrU32(O.OVS_ACTION_ATTR_RECIRC, a.id); break;
    case 'hash': {
      const o = buf.putAttrSpace(O.OVS_ACTION_ATTR_HASH, O.OVS_ACTION_HASH_SIZE);
      writeLe32(buf.bytes, o, a.alg);
      writeLe32(buf.bytes, o + 4, a.basis);
      break;
    }
    case 'push_mpls': {
      const o = buf.putAttrSpace(O.OVS_ACTION_ATTR_PUSH_MPLS, O.OVS_ACTION_PUSH_MPLS_SIZE);
      writeBe32(buf.bytes, o, a.lse);
      writeBe16(buf.bytes, o + 4, a.ethertype);
      break;
    }
    case 'pop_mpls': buf.putAttrBe16(O.OVS_ACTION_ATTR_POP_MPLS, a.ethertype); break;
    case 'ct': putCt(buf, a); break;
    case 'trunc': buf.putAttrU32(O.OVS_ACTION_ATTR_TRUNC, a.maxLen); break;
    case 'push_eth': {
      const o = buf.putAttrSpace(O.OVS_ACTION_ATTR_PUSH_ETH, O.OVS_ACTION_PUSH_ETH_SIZE);
      buf.bytes.set(a.src.subarray(0, 6), o);
      buf.bytes.set(a.dst.subarray(0, 6), o + 6);
      break;
    }
    case 'pop_eth': buf.putFlag(O.OVS_ACTION_ATTR_POP_ETH); break;
    case 'ct_clear': buf.putFlag(O.OVS_ACTION_ATTR_CT_CLEAR); break;
    case 'push_nsh': buf.putAttr(O.OVS_ACTION_ATTR_PUSH_NSH, a.data); break;
    case 'pop_nsh': buf.putFlag(O.OVS_ACTION_ATTR_POP_NSH); break;
    case 'meter': buf.putAttrU32(O.OVS_ACTION_ATTR_METER, a.id); break;
    case 'clone': {
      const nest = buf.startNested(O.OVS_ACTION_ATTR_CLONE);
      putOdpActions(buf, a.actions);
      buf.endNested(nest);
      break;
    }
    case 'check_pkt_len': {
      const nest = buf.startNested(O.OVS_ACTION_ATTR_CHECK_PKT_LEN);
      buf.putAttrU16(O.OVS_CHECK_PKT_LEN_ATTR_PKT_LEN, a.pktLen);
      let list = buf.startNested(O.OVS_CHECK_PKT_LEN_ATTR_ACTIONS_IF_GREATER);
      putOdpActions(buf, a.ifGreater);
      buf.endNested(list);
      list = buf.startNested(O.OVS_CHECK_PKT_LEN_ATTR_ACTIONS_IF_LESS_EQUAL);
      putOdpActions(buf, a.ifLessEqual);
      buf.endNested(list);
      buf.endNested(nest);
      break;
    }
    case 'add_mpls': {
      const o = buf.putAttrSpace(O.OVS_ACTION_ATTR_ADD_MPLS, O.OVS_ACTION_ADD_MPLS_SIZE);
      writeBe32(buf.bytes, o, a.lse);
      writeBe16(buf.bytes, o + 4, a.ethertype);
      buf.bytes[o + 6] = a.tunFlags;
      buf.bytes[o + 7] = a.tunFlags >>> 8;
      break;
    }
    case 'dec_ttl': {
      const nest = buf.startNested(O.OVS_ACTION_ATTR_DEC_TTL);
      const list = buf.startNested(O.OVS_DEC_TTL_ATTR_ACTION);
      putOdpActions(buf, a.actions);
      buf.endNested(list);
      buf.endNested(nest);
      break;
    }
    case 'drop': buf.putAttrU32(O.OVS_ACTION_ATTR_DROP, a.reason); break;
  }
}

function putCt(buf: NlBuffer, a: Extract<OdpAction, { type: 'ct' }>): void {
  const nest = buf.startNested(O.OVS_ACTION_ATTR_CT);
  if (a.commit) buf.putFlag(O.OVS_CT_ATTR_COMMIT);
  if (a.forceCommit) buf.putFlag(O.OVS_CT_ATTR_FORCE_COMMIT);
  if (a.zone !== undefined) buf.putAttrU16(O.OVS_CT_ATTR_ZONE, a.zone);
  if (a.mark) {
    // u32 value then u32 mask, host order.
    const o = buf.putAttrSpace(O.OVS_CT_ATTR_MARK, 8);
    writeLe32(buf.bytes, o, a.mark.value);
    writeLe32(buf.bytes, o + 4, a.mark.mask);
  }
  if (a.labels) {
    const o = buf.putAttrSpace(O.OVS_CT_ATTR_LABELS, 2 * O.OVS_CT_LABELS_LEN);
    buf.bytes.set(a.labels.value.subarray(0, 16), o);
    buf.bytes.set(a.labels.mask.subarray(0, 16), o + 16);
  }
  if (a.helper !== undefined) buf.putAttrString(O.OVS_CT_ATTR_HELPER, a.helper);
  if (a.timeout !== undefined) buf.putAttrString(O.OVS_CT_ATTR_TIMEOUT, a.timeout);
  if (a.eventmask !== undefined) buf.putAttrU32(O.OVS_CT_ATTR_EVENTMASK, a.eventmask);
  if (a.nat) {
    const n = a.nat;
    const nat = buf.startNested(O.OVS_CT_ATTR_NAT);
    if (n.kind === 'src') buf.putFlag(O.OVS_NAT_ATTR_SRC);
    else if (n.kind === 'dst') buf.putFlag(O.OVS_NAT_ATTR_DST);
    if (n.ipMin) buf.putAttr(O.OVS_NAT_ATTR_IP_MIN, n.ipMin);
    if (n.ipMax) buf.putAttr(O.OVS_NAT_ATTR_IP_MAX, n.ipMax);
    if (n.protoMin !== undefined) buf.putAttrU16(O.OVS_NAT_ATTR_PROTO_MIN, n.protoMin);
    if (n.protoMax !== undefined) buf.putAttrU16(O.OVS_NAT_ATTR_PROTO_MAX, n.protoMax);
    if (n.persistent) buf.putFlag(O.OVS_NAT_ATTR_PERSISTENT);
    if (n.protoHash) buf.putFlag(O.OVS_NAT_ATTR_PROTO_HASH);
    if (n.protoRandom) buf.putFlag(O.OVS_NAT_ATTR_PROTO_RANDOM);
    buf.endNested(nat);
  }
  buf.endNested(nest);
}

// --- Decoding ----------------------------------------------------------------

/**
 * Decodes an action list (the payload of OVS_FLOW_ATTR_ACTIONS or
 * OVS_PACKET_ATTR_ACTIONS). Returns the actions, or EINVAL for an unknown
 * action, a wrong length, a missing mandatory attribute, a set that does not
 * hold exactly one well-sized key attribute, or nesting past MAX_ACTION_DEPTH.
 * Payload bytes (userdata, set data) are views into `attrs`, not copies.
 */
export function parseOdpActions(attrs: Uint8Array): OdpAction[] | number {
  return parseList(attrs, 0, attrs.length, 0);
}

function parseList(b: Uint8Array, start: number, end: number, depth: number): OdpAction[] | number {
  if (depth > MAX_ACTION_DEPTH) return EINVAL;
  const out: OdpAction[] = [];
  const it = new NlAttrIter(b, start, end);
  while (it.next()) {
    const type = it.type;
    if (type >= ACTION_ATTR_LENGTHS.length) return EINVAL;
    const want = ACTION_ATTR_LENGTHS[type];
    const o = it.offset;
    const len = it.length;
    if (want === ATTR_LEN_INVALID || (want >= 0 && len !== want)) return EINVAL;
    const action = parseAction(b, type, o, len, depth);
    if (typeof action === 'number') return action;
    out.push(action);
  }
  return it.error !== 0 ? it.error : out;
}

function parseAction(b: Uint8Array, type: number, o: number, len: number, depth: number): OdpAction | number {
  switch (type) {
    case O.OVS_ACTION_ATTR_OUTPUT: return { type: 'output', port: readU32(b, o) };
    case O.OVS_ACTION_ATTR_USERSPACE: {
      const f = fields(b, o, len, O.OVS_USERSPACE_ATTR_MAX);
      if (typeof f === 'number') return f;
      const pid = f[O.OVS_USERSPACE_ATTR_PID];
      const tun = f[O.OVS_USERSPACE_ATTR_EGRESS_TUN_PORT];
      const flag = f[O.OVS_USERSPACE_ATTR_ACTIONS];
      if (pid === undefined || pid.length !== 4 || (tun && tun.length !== 4) || (flag && flag.length !== 0)) return EINVAL;
      const action: {
        type: 'userspace'; pid: number; userdata?: Uint8Array; egressTunPort?: number; actions?: boolean;
      } = { type: 'userspace', pid: readU32(pid, 0) };
      if (f[O.OVS_USERSPACE_ATTR_USERDATA]) action.userdata = f[O.OVS_USERSPACE_ATTR_USERDATA];
      if (tun) action.egressTunPort = readU32(tun, 0);
      if (flag) action.actions = true;
      return action;
    }
    case O.OVS_ACTION_ATTR_SET:
    case O.OVS_ACTION_ATTR_SET_MASKED: {
      const inner = new NlAttrIter(b, o, o + len);
      if (!inner.next()) return EINVAL;
      const attr = inner.type;
      const data = b.subarray(inner.offset, inner.offset + inner.length);
      if (inner.next() || inner.error !== 0) return EINVAL;
      const masked = type === O.OVS_ACTION_ATTR_SET_MASKED;
      if (attr === O.OVS_KEY_ATTR_UNSPEC || attr > O.OVS_KEY_ATTR_MAX) return EINVAL;
      const want = KEY_ATTR_LENGTHS[attr];
      if (want === ATTR_LEN_NESTED) {
        // Only the tunnel is set as a nest, and never masked.
        if (masked || attr !== O.OVS_KEY_ATTR_TUNNEL) return EINVAL;
        return { type: 'set', attr, data };
      }
      if (masked && (data.length & 1) !== 0) return EINVAL;
      const size = masked ? data.length >>> 1 : data.length;
      if (want === ATTR_LEN_VARIABLE ? (size === 0 || (size & 3) !== 0) : size !== want) return EINVAL;
      if (!masked) return { type: 'set', attr, data };
      return { type: 'set_masked', attr, value: data.subarray(0, size), mask: data.subarray(size) };
    }
    case O.OVS_ACTION_ATTR_PUSH_VLAN: return { type: 'push_vlan', tpid: readBe16(b, o), tci: readBe16(b, o + 2) };
    case O.OVS_ACTION_ATTR_POP_VLAN: return { type: 'pop_vlan' };
    case O.OVS_ACTION_ATTR_SAMPLE: {
      const f = fields(b, o, len, O.OVS_SAMPLE_ATTR_MAX);
      if (typeof f === 'number') return f;
      const probability = f[O.OVS_SAMPLE_ATTR_PROBABILITY];
      const list = f[O.OVS_SAMPLE_ATTR_ACTIONS];
      if (probability === undefined || probability.length !== 4 || list === undefined) return EINVAL;
      const actions = parseNested(b, list, depth);
      if (typeof actions === 'number') return actions;
      return { type: 'sample', probability: readU32(probability, 0), actions };
    }
    case O.OVS_ACTION_ATTR_RECIRC: return { type: 'recirc', id: readU32(b, o) };
    case O.OVS_ACTION_ATTR_HASH: return { type: 'hash', alg: readU32(b, o), basis: readU32(b, o + 4) };
    case O.OVS_ACTION_ATTR_PUSH_MPLS: return { type: 'push_mpls', lse: readBe32(b, o), ethertype: readBe16(b, o + 4) };
    case O.OVS_ACTION_ATTR_POP_MPLS: return { type: 'pop_mpls', ethertype: readBe16(b, o) };
    case O.OVS_ACTION_ATTR_CT: return parseCt(b, o, len);
    case O.OVS_ACTION_ATTR_TRUNC: return { type: 'trunc', maxLen: readU32(b, o) };
    case O.OVS_ACTION_ATTR_PUSH_ETH:
      return { type: 'push_eth', src: b.subarray(o, o + 6), dst: b.subarray(o + 6, o + 12) };
    case O.OVS_ACTION_ATTR_POP_ETH: return { type: 'pop_eth' };
    case O.OVS_ACTION_ATTR_CT_CLEAR: return { type: 'ct_clear' };
    case O.OVS_ACTION_ATTR_PUSH_NSH: {
      const inner = new NlAttrIter(b, o, o + len);
      while (inner.next());
      if (inner.error !== 0) return EINVAL;
      return { type: 'push_nsh', data: b.subarray(o, o + len) };
    }
    case O.OVS_ACTION_ATTR_POP_NSH: return { type: 'pop_nsh' };
    case O.OVS_ACTION_ATTR_METER: return { type: 'meter', id: readU32(b, o) };
    case O.OVS_ACTION_ATTR_CLONE: {
      const actions = parseList(b, o, o + len, depth + 1);
      if (typeof actions === 'number') return actions;
      return { type: 'clone', actions };
    }
    case O.OVS_ACTION_ATTR_CHECK_PKT_LEN: {
      const f = fields(b, o, len, O.OVS_CHECK_PKT_LEN_ATTR_MAX);
      if (typeof f === 'number') return f;
      const pktLen = f[O.OVS_CHECK_PKT_LEN_ATTR_PKT_LEN];
      const greater = f[O.OVS_CHECK_PKT_LEN_ATTR_ACTIONS_IF_GREATER];
      const lessEqual = f[O.OVS_CHECK_PKT_LEN_ATTR_ACTIONS_IF_LESS_EQUAL];
      if (pktLen === undefined || pktLen.length !== 2 || greater === undefined || lessEqual === undefined) return EINVAL;
      const ifGreater = parseNested(b, greater, depth);
      if (typeof ifGreater === 'number') return ifGreater;
      const ifLessEqual = parseNested(b, lessEqual, depth);
      if (typeof ifLessEqual === 'number') return ifLessEqual;
      return { type: 'check_pkt_len', pktLen: readU16(pktLen, 0), ifGreater, ifLessEqual };
    }
    case O.OVS_ACTION_ATTR_ADD_MPLS:
      return { type: 'add_mpls', lse: readBe32(b, o), ethertype: readBe16(b, o + 4), tunFlags: readU16(b, o + 6) };
    case O.OVS_ACTION_ATTR_DEC_TTL: {
      const f = fields(b, o, len, O.OVS_DEC_TTL_ATTR_MAX);
      if (typeof f === 'number') return f;
      const list = f[O.OVS_DEC_TTL_ATTR_ACTION];
      if (list === undefined) return EINVAL;
      const actions = parseNested(b, list, depth);
      if (typeof actions === 'number') return actions;
      return { type: 'dec_ttl', actions };
    }
    case O.OVS_ACTION_ATTR_DROP: return { type: 'drop', reason: readU32(b, o) };
    default: return EINVAL;
  }
}

/** Parses a nested action list given as a view into `b`. */
function parseNested(b: Uint8Array, list: Uint8Array, depth: number): OdpAction[] | number {
  const start = list.byteOffset - b.byteOffset;
  return parseList(b, start, start + list.length, depth + 1);
}

/**
 * The attributes of a small nest by type (views into `b`); unknown types
 * beyond `maxType` are EINVAL, as the kernel rejects them in actions.
 */
function fields(b: Uint8Array, o: number, len: number, maxType: number): Array<Uint8Array | undefined> | number {
  const out: Array<Uint8Array | undefined> = new Array(maxType + 1).fill(undefined);
  const it = new NlAttrIter(b, o, o + len);
  while (it.next()) {
    if (it.type === 0 || it.type > maxType || out[it.type] !== undefined) return EINVAL;
    out[it.type] = b.subarray(it.offset, it.offset + it.length);
  }
  return it.error !== 0 ? it.error : out;
}

function parseCt(b: Uint8Array, o: number, len: number): OdpAction | number {
  const f = fields(b, o, len, O.OVS_CT_ATTR_MAX);
  if (typeof f === 'number') return f;
  const ct: {
    type: 'ct'; commit?: boolean; forceCommit?: boolean; zone?: number; mark?: { value: number; mask: number };
    labels?: { value: Uint8Array; mask: Uint8Array }; helper?: string; timeout?: string; eventmask?: number; nat?: CtNat;
  } = { type: 'ct' };
  const commit = f[O.OVS_CT_ATTR_COMMIT];
  const force = f[O.OVS_CT_ATTR_FORCE_COMMIT];
  if ((commit && commit.length !== 0) || (force && force.length !== 0)) return EINVAL;
  if (commit) ct.commit = true;
  if (force) ct.forceCommit = true;
  const zone = f[O.OVS_CT_ATTR_ZONE];
  if (zone) {
    if (zone.length !== 2) return EINVAL;
    ct.zone = readU16(zone, 0);
  }
  const mark = f[O.OVS_CT_ATTR_MARK];
  if (mark) {
    if (mark.length !== 8) return EINVAL;
    ct.mark = { value: readU32(mark, 0), mask: readU32(mark, 4) };
  }
  const labels = f[O.OVS_CT_ATTR_LABELS];
  if (labels) {
    if (labels.length !== 2 * O.OVS_CT_LABELS_LEN) return EINVAL;
    ct.labels = { value: labels.subarray(0, 16), mask: labels.subarray(16) };
  }
  // NUL-terminated names: a helper's at most 15 characters, a timeout policy's at most 31.
  const helper = ctName(f[O.OVS_CT_ATTR_HELPER], 15);
  const timeout = ctName(f[O.OVS_CT_ATTR_TIMEOUT], 31);
  if (helper === null || timeout === null) return EINVAL;
  if (helper !== undefined) ct.helper = helper;
  if (timeout !== undefined) ct.timeout = timeout;
  const eventmask = f[O.OVS_CT_ATTR_EVENTMASK];
  if (eventmask) {
    if (eventmask.length !== 4) return EINVAL;
    ct.eventmask = readU32(eventmask, 0);
  }
  const natAttr = f[O.OVS_CT_ATTR_NAT];
  if (natAttr) {
    const n = fields(natAttr, 0, natAttr.length, O.OVS_NAT_ATTR_MAX);
    if (typeof n === 'number') return n;
    const nat: {
      kind?: 'src' | 'dst'; ipMin?: Uint8Array; ipMax?: Uint8Array; protoMin?: number; protoMax?: number;
      persistent?: boolean; protoHash?: boolean; protoRandom?: boolean;
    } = {};
    const src = n[O.OVS_NAT_ATTR_SRC];
    const dst = n[O.OVS_NAT_ATTR_DST];
    if (src && dst) return EINVAL;
    for (const t of [O.OVS_NAT_ATTR_SRC, O.OVS_NAT_ATTR_DST, O.OVS_NAT_ATTR_PERSISTENT,
      O.OVS_NAT_ATTR_PROTO_HASH, O.OVS_NAT_ATTR_PROTO_RANDOM]) {
      if (n[t] && n[t]!.length !== 0) return EINVAL;
    }
    if (src) nat.kind = 'src';
    if (dst) nat.kind = 'dst';
    for (const t of [O.OVS_NAT_ATTR_IP_MIN, O.OVS_NAT_ATTR_IP_MAX]) {
      const ip = n[t];
      if (ip && ip.length !== 4 && ip.length !== 16) return EINVAL;
    }
    if (n[O.OVS_NAT_ATTR_IP_MIN]) nat.ipMin = n[O.OVS_NAT_ATTR_IP_MIN];
    if (n[O.OVS_NAT_ATTR_IP_MAX]) nat.ipMax = n[O.OVS_NAT_ATTR_IP_MAX];
    const pmin = n[O.OVS_NAT_ATTR_PROTO_MIN];
    const pmax = n[O.OVS_NAT_ATTR_PROTO_MAX];
    if ((pmin && pmin.length !== 2) || (pmax && pmax.length !== 2)) return EINVAL;
    if (pmin) nat.protoMin = readU16(pmin, 0);
    if (pmax) nat.protoMax = readU16(pmax, 0);
    if (n[O.OVS_NAT_ATTR_PERSISTENT]) nat.persistent = true;
    if (n[O.OVS_NAT_ATTR_PROTO_HASH]) nat.protoHash = true;
    if (n[O.OVS_NAT_ATTR_PROTO_RANDOM]) nat.protoRandom = true;
    ct.nat = nat;
  }
  return ct;
}

/** The text of a NUL-terminated name attribute, undefined when absent, null when malformed. */
function ctName(value: Uint8Array | undefined, maxLength: number): string | undefined | null {
  if (value === undefined) return undefined;
  const nul = value.indexOf(0);
  if (nul < 0 || nul > maxLength) return null;
  return readString(value, 0, value.length);
}
