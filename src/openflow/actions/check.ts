// checkActions(): actions against the flow's match, as ovs-ofctl checks them
// before it sends a flow_mod. It walks the actions over a working copy of the
// match (push_mpls changes the Ethertype, push_vlan adds a VLAN, ...) and
// answers two things: whether the actions are valid at all (otherwise an
// OfpError such as OFPBAC_MATCH_INCONSISTENT), and which OpenFlow protocols
// can carry them ("usable protocols"). It also records on the actions what
// encoding needs from the match (whether a VLAN is there, the IP protocol).

import type { MatchField, Prerequisite } from '../../flow/fields.js';
import { setFieldMasked } from '../../flow/fields.js';
import * as L from '../../flow/layout.js';
import { Match } from '../../flow/match.js';
import { OfpError } from '../ofp-error.js';
import { OFPP, type Ofpact } from './types.js';

/** Protocol bits, as ovs-ofctl groups them in "usable protocols". */
export const PROTOCOL = {
  OF10: 1,
  NXM: 2,
  OF11: 4,
  OF12: 8,
  OF13: 16,
  OF14: 32,
  OF15: 64,
} as const;

export const PROTOCOLS_ANY = 127;
const OF10_ANY = PROTOCOL.OF10 | PROTOCOL.NXM;
const OXM_ANY = PROTOCOL.OF12 | PROTOCOL.OF13 | PROTOCOL.OF14 | PROTOCOL.OF15;
const NXM_OXM = PROTOCOL.NXM | OXM_ANY;
const OF11_UP = PROTOCOL.OF11 | OXM_ANY;
const OF13_UP = PROTOCOL.OF13 | PROTOCOL.OF14 | PROTOCOL.OF15;

/** The protocols that use wire version `version` (OpenFlow 1.0 has two). */
export function protocolsOfVersion(version: number): number {
  return version === 1 ? OF10_ANY : 1 << (version);
}

/** "usable protocols" text as ovs-ofctl prints it. */
export function formatProtocols(usable: number): string {
  if (usable === PROTOCOLS_ANY) return 'any';
  if (usable === 0) return 'none';
  const parts: string[] = [];
  let rest = usable;
  const take = (bits: number, name: string): void => {
    if ((rest & bits) === bits) {
      parts.push(name);
      rest &= ~bits;
    }
  };
  take(PROTOCOL.OF10, 'OpenFlow10');
  take(PROTOCOL.NXM, 'NXM');
  take(OXM_ANY, 'OXM');
  take(PROTOCOL.OF11, 'OpenFlow11');
  take(PROTOCOL.OF12, 'OXM-OpenFlow12');
  take(PROTOCOL.OF13, 'OXM-OpenFlow13');
  take(PROTOCOL.OF14, 'OXM-OpenFlow14');
  take(PROTOCOL.OF15, 'OXM-OpenFlow15');
  return parts.join(',');
}

/** Fields an OpenFlow 1.0 match can hold (set_field to them works in every protocol). */
const OF10_FIELDS = new Set([
  'in_port', 'vlan_tci', 'eth_src', 'eth_dst', 'eth_type', 'vlan_vid', 'vlan_pcp', 'ip_src', 'ip_dst', 'nw_proto', 'ip_dscp',
  'nw_tos', 'tcp_src', 'tcp_dst', 'udp_src', 'udp_dst', 'icmp_type', 'icmp_code', 'arp_op', 'arp_spa', 'arp_tpa',
]);
/** Fields OpenFlow 1.1's fixed match adds. */
const OF11_FIELDS = new Set(['metadata', 'mpls_label', 'mpls_tc', 'nw_ecn', 'sctp_src', 'sctp_dst']);

function fieldProtocols(field: MatchField): number {
  if (OF10_FIELDS.has(field.name)) return PROTOCOLS_ANY;
  if (OF11_FIELDS.has(field.name)) return NXM_OXM | PROTOCOL.OF11;
  return NXM_OXM;
}

const ETH_IP = 0x0800;
const ETH_IPV6 = 0x86dd;
const ETH_ARP = 0x0806;
const ETH_RARP = 0x8035;
const ETH_MPLS = 0x8847;
const ETH_MPLS_MC = 0x8848;
const ETH_NSH = 0x894f;
const VLAN_CFI = 0x1000;

/** Whether the flow (a match key) establishes a field's prerequisite. */
export function prerequisitesOk(prerequisite: Prerequisite, key: Uint32Array): boolean {
  const type = key[L.DL_TYPE]! & 0xffff;
  const proto = key[L.NW_PROTO]! & 0xff;
  const ipAny = type === ETH_IP || type === ETH_IPV6;
  switch (prerequisite) {
    case 'none':
    case 'ethernet':
      return true;
    case 'vlan-vid':
      return (key[L.VLAN0]! & VLAN_CFI) !== 0;
    case 'mpls':
      return type === ETH_MPLS || type === ETH_MPLS_MC;
    case 'ipv4':
      return type === ETH_IP;
    case 'ipv6':
      return type === ETH_IPV6;
    case 'ip-any':
      return ipAny;
    case 'arp':
      return type === ETH_ARP || type === ETH_RARP;
    case 'tcp':
      return ipAny && proto === 6;
    case 'udp':
      return ipAny && proto === 17;
    case 'sctp':
      return ipAny && proto === 132;
    case 'icmpv4':
      return type === ETH_IP && proto === 1;
    case 'icmpv6':
      return type === ETH_IPV6 && proto === 58;
    case 'nd':
    case 'nd-solicit':
    case 'nd-advert': {
      if (!(type === ETH_IPV6 && proto === 58)) return false;
      const icmpType = key[L.TP_SRC]! & 0xffff;
      if (prerequisite === 'nd-solicit') return icmpType === 135;
      if (prerequisite === 'nd-advert') return icmpType === 136;
      return icmpType === 135 || icmpType === 136;
    }
    case 'ct':
      return (key[L.CT_STATE]! & 0x20) !== 0 && (ipAny || type === ETH_ARP);
    case 'nsh':
      return type === ETH_NSH || key[L.PACKET_TYPE] === ((1 << 16) | ETH_NSH);
  }
}

export interface CheckResult {
  /** PROTOCOL bits that can carry these actions with this match. */
  readonly usable: number;
  /**
   * The part of `usable` that comes from the match alone (actions that the
   * match makes inconsistent except in OpenFlow 1.0), without the limits of
   * what each protocol can express. A decoded flow_mod is judged by this.
   */
  readonly matchUsable: number;
  /** What ovs-ofctl logged before it refused, if it refused. */
  readonly warning?: string;
}

/**
 * `usable`: what the protocols can express (push_vlan has no OpenFlow 1.0
 * form, set_field to reg0 none in OpenFlow 1.1's match). `matchUsable`: what
 * the match allows (actions it makes inconsistent work only in OpenFlow 1.0,
 * whose actions Open vSwitch does not check against the match).
 */
interface State {
  flow: Match;
  usable: number;
  matchUsable: number;
}

function inconsistent(state: State): void {
  state.matchUsable &= OF10_ANY;
}

function fail(code: string, warning: string): never {
  throw new OfpError(code, warning);
}

function isIp(flow: Match): boolean {
  const t = flow.key[L.DL_TYPE]! & 0xffff;
  return t === ETH_IP || t === ETH_IPV6;
}

function checkSrc(field: MatchField, flow: Match, what: string): void {
  if (!prerequisitesOk(field.prerequisite, flow.key)) fail('OFPBAC_MATCH_INCONSISTENT', `${what} ${field.name} lacks correct prerequisites`);
}

function checkOne(a: Ofpact, state: State, options: { inWriteActions?: boolean }): void {
  const { flow } = state;
  const key = flow.key;
  switch (a.type) {
    case 'output':
    case 'output-trunc':
      checkOutputPort(a.port);
      return;
    case 'enqueue':
      if (a.port >= OFPP.MAX && a.port !== OFPP.IN_PORT && a.port !== OFPP.LOCAL) fail('OFPBAC_BAD_OUT_PORT', `enqueue to port ${a.port}`);
      return;
    case 'set-vlan-vid':
    case 'set-vlan-pcp': {
      const has = (key[L.VLAN0]! & VLAN_CFI) !== 0;
      if (!has && !a.push) inconsistent(state);
      a.flowHasVlan = has;
      if (!has && a.push) flow.setMasked(L.VLAN0, key[L.VLAN0]! | VLAN_CFI, flow.mask[L.VLAN0]! | VLAN_CFI);
      return;
    }
    case 'strip-vlan':
      if ((key[L.VLAN0]! & VLAN_CFI) === 0) inconsistent(state);
      flow.setMasked(L.VLAN0, 0, flow.mask[L.VLAN0]!);
      return;
    case 'push-vlan':
      state.usable &= OF11_UP;
      flow.setMasked(L.VLAN0, key[L.VLAN0]! | VLAN_CFI, flow.mask[L.VLAN0]! | VLAN_CFI);
      return;
    case 'set-ipv4-src':
    case 'set-ipv4-dst':
      if ((key[L.DL_TYPE]! & 0xffff) !== ETH_IP) inconsistent(state);
      return;
    case 'set-ip-dscp':
    case 'set-ip-ecn':
    case 'set-ip-ttl':
    case 'dec-ttl':
      if (!isIp(flow)) inconsistent(state);
      return;
    case 'set-l4-src':
    case 'set-l4-dst': {
      const proto = key[L.NW_PROTO]! & 0xff;
      if (!isIp(flow) || (proto !== 6 && proto !== 17 && proto !== 132)) inconsistent(state);
      a.ipProto = proto;
      return;
    }
    case 'set-mpls-label':
    case 'set-mpls-tc':
    case 'set-mpls-ttl':
    case 'dec-mpls-ttl':
      if (!prerequisitesOk('mpls', key)) inconsistent(state);
      return;
    case 'push-mpls':
      flow.setMasked(L.DL_TYPE, a.ethertype, 0xffff);
      return;
    case 'pop-mpls':
      if (!prerequisitesOk('mpls', key)) inconsistent(state);
      flow.setMasked(L.DL_TYPE, a.ethertype, 0xffff);
      return;
    case 'set-field': {
      // load works in every protocol; set_field only where the field can be matched.
      state.usable &= a.raw === 'reg-load' || a.wireMask ? PROTOCOLS_ANY : fieldProtocols(a.field);
      if (!prerequisitesOk(a.field.prerequisite, key)) {
        fail('OFPBAC_MATCH_INCONSISTENT', `set_field ${a.field.name} lacks correct prerequisites`);
      }
      if (a.field.name === 'vlan_tci') a.flowHasVlan = (key[L.VLAN0]! & VLAN_CFI) !== 0;
      if ((a.field.name === 'vlan_vid' || a.field.name === 'vlan_pcp') && (key[L.VLAN0]! & VLAN_CFI) === 0) {
        fail('OFPBAC_MATCH_INCONSISTENT', `set_field ${a.field.name} lacks correct prerequisites`);
      }
      if (a.field.tunMetadataIndex === undefined && a.value.length === a.field.bytes) {
        try {
          setFieldMasked(flow, a.field, { value: a.value, mask: a.mask });
        } catch {
          // Fields without a place in the key leave the flow as it is.
        }
      }
      return;
    }
    case 'move':
      checkSrc(a.src.field, flow, 'source field');
      checkSrc(a.dst.field, flow, 'destination field');
      return;
    case 'output-reg':
      checkSrc(a.src.field, flow, 'source field');
      return;
    case 'multipath':
    case 'check-pkt-larger':
      checkSrc(a.dst.field, flow, 'destination field');
      return;
    case 'bundle':
      if (a.dst) checkSrc(a.dst.field, flow, 'destination field');
      return;
    case 'write-metadata':
      state.usable &= NXM_OXM | PROTOCOL.OF11;
      return;
    case 'meter':
      if (a.meterId === 0 || a.meterId > 0xffff0000) fail('OFPMMFC_INVALID_METER', `invalid meter ${a.meterId}`);
      state.usable &= OF13_UP;
      return;
    case 'encap':
      state.usable &= OF13_UP;
      return;
    case 'dec-nsh-ttl':
      if (!prerequisitesOk('nsh', key)) inconsistent(state);
      return;
    case 'delete-field':
      if (a.field.tunMetadataIndex === undefined) fail('OFPBAC_BAD_ARGUMENT', `delete_field: ${a.field.name} is not a tunnel metadata field`);
      return;
    case 'resubmit':
      // ct: the original direction tuple needs a tracked, valid connection.
      if (a.ct && !(prerequisitesOk('ct', key) && (flow.mask[L.CT_STATE]! & 0x10) !== 0 && (key[L.CT_STATE]! & 0x10) === 0)) {
        fail('OFPBAC_MATCH_INCONSISTENT', 'resubmit with ct requires a tracked connection');
      }
      return;
    case 'ct': {
      if (!isIp(flow)) fail('OFPBAC_MATCH_INCONSISTENT', 'ct requires an IP match');
      const proto = key[L.NW_PROTO]! & 0xff;
      if ((a.alg === 21 && proto !== 6) || (a.alg === 69 && proto !== 17)) {
        fail('OFPBAC_MATCH_INCONSISTENT', 'ct alg requires a matching transport protocol');
      }
      for (const inner of a.actions) checkOne(inner, state, options);
      return;
    }
    case 'nat':
      return;
    case 'learn':
      checkLearn(a, flow);
      return;
    case 'clone':
      checkList(a.actions, { flow: flow.clone(), usable: state.usable, matchUsable: state.matchUsable }, state, options);
      return;
    case 'write-actions':
      checkList(a.actions, { flow: flow.clone(), usable: state.usable, matchUsable: state.matchUsable }, state, { inWriteActions: true });
      return;
    default:
      return;
  }
}

/**
 * learn(): fields read from the packet need their prerequisites in the flow;
 * fields the learned flow matches need theirs in the learned match, which
 * the earlier immediate specs build up (eth_type=0x800 before ip_src=...).
 */
function checkLearn(a: Extract<Ofpact, { type: 'learn' }>, flow: Match): void {
  const learned = new Match();
  for (const spec of a.specs) {
    if ('src' in spec) checkSrc(spec.src.field, flow, 'source field');
    if (spec.kind !== 'match') continue;
    const f = spec.dst.field;
    if (!prerequisitesOk(f.prerequisite, learned.key)) {
      fail('OFPBAC_MATCH_INCONSISTENT', `source field ${f.name} lacks correct prerequisites`);
    }
    if ('value' in spec && f.tunMetadataIndex === undefined) {
      let v = 0n;
      for (const b of spec.value) v = (v << 8n) | BigInt(b);
      const m = ((1n << BigInt(spec.dst.nBits)) - 1n) << BigInt(spec.dst.ofs);
      const toBytes = (x: bigint): Uint8Array => {
        const out = new Uint8Array(f.bytes);
        for (let i = f.bytes - 1; i >= 0; i--, x >>= 8n) out[i] = Number(x & 0xffn);
        return out;
      };
      try {
        setFieldMasked(learned, f, { value: toBytes(v << BigInt(spec.dst.ofs)), mask: toBytes(m) });
      } catch {
        // Fields without a place in the key add nothing to the learned match.
      }
    }
  }
}

function checkList(actions: readonly Ofpact[], inner: State, outer: State, options: { inWriteActions?: boolean }): void {
  for (const a of actions) checkOne(a, inner, options);
  outer.usable &= inner.usable;
  // An action set is applied later, to a packet the match no longer describes.
  if (!options.inWriteActions) outer.matchUsable &= inner.matchUsable;
}

function checkOutputPort(port: number): void {
  if (port >= OFPP.MAX && port < OFPP.IN_PORT) fail('OFPBAC_BAD_OUT_PORT', `output to port ${port}`);
  if (port === OFPP.NONE) fail('OFPBAC_BAD_OUT_PORT', 'output to port NONE');
}

/**
 * Checks `actions` against `match`. Throws OfpError (OFPBAC_MATCH_INCONSISTENT,
 * OFPBAC_BAD_ARGUMENT, ...) when no protocol could accept them; otherwise
 * returns the protocols that can. Records flowHasVlan and ipProto on the
 * actions that need them for encoding.
 *
 * With `version` (the wire version a flow_mod came in), it judges decoded
 * actions as a switch does: OFPBAC_MATCH_INCONSISTENT when the match makes
 * them inconsistent in that version (strip_vlan without a VLAN in 1.1+, ...).
 */
export function checkActions(actions: readonly Ofpact[], match: Match, options: { version?: number } = {}): CheckResult {
  const state: State = { flow: match.clone(), usable: PROTOCOLS_ANY, matchUsable: PROTOCOLS_ANY };
  for (const a of actions) checkOne(a, state, {});
  if (options.version !== undefined && (state.matchUsable & protocolsOfVersion(options.version)) === 0) {
    fail('OFPBAC_MATCH_INCONSISTENT', `actions are inconsistent with the match in OpenFlow version ${options.version}`);
  }
  return { usable: state.usable & state.matchUsable, matchUsable: state.matchUsable };
}
