// Formatting of matches and flows in Open vSwitch's match text syntax, the way
// `ovs-ofctl dump-flows`/`parse-flow` print a match and `ovs-appctl
// ofproto/trace` prints its "Flow:" line. Called by ovs-ts ofctl, by trace and
// by anything that logs a flow; not on the fast path (it builds strings).
// formatMatch() prints any key + mask; formatFlow() first derives the mask
// that OVS uses for a packet's flow (only the fields that the packet's
// protocols give meaning to) and then prints it.

import * as L from './layout.js';
import { Match } from './match.js';
import { FLOW_NW_FRAG_ANY, FLOW_NW_FRAG_LATER } from './extract.js';
import {
  ETH_TYPE_ARP, ETH_TYPE_IP, ETH_TYPE_IPV6, ETH_TYPE_MPLS, ETH_TYPE_MPLS_MCAST, ETH_TYPE_NSH, ETH_TYPE_RARP,
} from '../packet/ethernet.js';
import { IPPROTO_ICMP, IPPROTO_ICMPV6, IPPROTO_IGMP, IPPROTO_SCTP, IPPROTO_TCP, IPPROTO_UDP } from '../packet/ip.js';

const VLAN_VID_MASK = 0x0fff;
const VLAN_PCP_MASK = 0xe000;
const VLAN_CFI = 0x1000;

/** Names of OpenFlow's reserved port numbers, as ovs-ofctl prints them. */
const RESERVED_PORTS: ReadonlyMap<number, string> = new Map([
  [0xfff8, 'IN_PORT'], [0xfff9, 'TABLE'], [0xfffa, 'NORMAL'], [0xfffb, 'FLOOD'],
  [0xfffc, 'ALL'], [0xfffd, 'CONTROLLER'], [0xfffe, 'LOCAL'], [0xffff, 'ANY'],
]);

/** OpenFlow port number as text: a reserved name or the decimal number. */
export function formatPort(port: number): string {
  return RESERVED_PORTS.get(port) ?? String(port >>> 0);
}

const TCP_FLAG_NAMES = ['fin', 'syn', 'rst', 'psh', 'ack', 'urg', 'ece', 'cwr', 'ns', '[200]', '[400]', '[800]'];
const CT_STATE_NAMES = ['new', 'est', 'rel', 'rpl', 'inv', 'trk', 'snat', 'dnat'];
const TUN_FLAG_NAMES = ['df', 'csum', 'key', 'oam'];

function flagName(names: readonly string[], bit: number): string {
  const index = 31 - Math.clz32(bit);
  return names[index] ?? `0x${bit.toString(16)}`;
}

/**
 * Flags under a mask: "syn|ack" (or "0") when every flag bit is masked,
 * otherwise "+syn-ack" listing each masked bit from the lowest.
 */
function formatFlagsMasked(names: readonly string[], flags: number, mask: number, maxMask: number): string {
  if (mask === maxMask) {
    if (flags === 0) return '0';
    const parts: string[] = [];
    for (let rest = flags >>> 0; rest !== 0; rest &= rest - 1) parts.push(flagName(names, rest & -rest));
    return parts.join('|');
  }
  if (mask === 0) return '0/0';
  let text = '';
  for (let rest = mask >>> 0; rest !== 0; rest &= rest - 1) {
    const bit = rest & -rest;
    text += ((flags & bit) !== 0 ? '+' : '-') + flagName(names, bit);
  }
  return text;
}

function hex(value: number): string {
  return (value >>> 0).toString(16);
}

/** C's "%#x": "0" for zero, "0x..." otherwise. */
function altHex(value: number): string {
  return value === 0 ? '0' : `0x${hex(value)}`;
}

/** Dotted quad of a host-order IPv4 address word. */
export function formatIpv4(word: number): string {
  return `${word >>> 24}.${(word >>> 16) & 0xff}.${(word >>> 8) & 0xff}.${word & 0xff}`;
}

/** Prefix length when `mask` is a CIDR mask, else -1. */
function cidrLength(mask: number): number {
  const inverted = ~mask >>> 0;
  if ((inverted & (inverted + 1)) !== 0) return -1;
  return 32 - (32 - Math.clz32(inverted));
}

/** IPv6 text as inet_ntop writes it (RFC 5952 zero compression, embedded IPv4 for ::a.b.c.d and ::ffff:a.b.c.d). */
export function formatIpv6(words: ArrayLike<number>, offset = 0): string {
  const groups: number[] = [];
  for (let i = 0; i < 4; i++) {
    const w = words[offset + i] >>> 0;
    groups.push(w >>> 16, w & 0xffff);
  }
  let bestBase = -1;
  let bestLength = 0;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestBase = i;
      bestLength = j - i;
    }
    i = j;
  }
  if (bestLength < 2) bestBase = -1;
  let text = '';
  for (let i = 0; i < 8; i++) {
    if (bestBase >= 0 && i >= bestBase && i < bestBase + bestLength) {
      if (i === bestBase) text += ':';
      continue;
    }
    if (i !== 0) text += ':';
    if (i === 6 && bestBase === 0 && (bestLength === 6 || (bestLength === 5 && groups[5] === 0xffff))) {
      text += formatIpv4(words[offset + 3] >>> 0);
      break;
    }
    text += groups[i].toString(16);
  }
  if (bestBase >= 0 && bestBase + bestLength === 8) text += ':';
  return text;
}

/** Ethernet address from the HI (2 bytes) and LO (4 bytes) words. */
export function formatEth(hi: number, lo: number): string {
  return `${HEX2[(hi >>> 8) & 0xff]}:${HEX2[hi & 0xff]}:${HEX2[lo >>> 24]}:${HEX2[(lo >>> 16) & 0xff]}:`
    + `${HEX2[(lo >>> 8) & 0xff]}:${HEX2[lo & 0xff]}`;
}

/** "00".."ff", so that addresses format without per-byte padding work. */
const HEX2: readonly string[] = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));

/** Collects "name=value" items into the comma-separated match text. */
class Items {
  text = '';
  add(item: string): void {
    this.text = this.text === '' ? item : `${this.text},${item}`;
  }
}

function putIpv4Masked(out: Items, name: string, value: number, mask: number): void {
  if (mask === 0) return;
  let text = `${name}=${formatIpv4(value)}`;
  if (mask !== 0xffffffff) {
    const length = cidrLength(mask);
    text += length >= 0 ? `/${length}` : `/${formatIpv4(mask)}`;
  }
  out.add(text);
}

function putIpv6Masked(out: Items, name: string, key: Uint32Array, mask: Uint32Array, word: number): void {
  let any = false;
  let full = true;
  for (let i = 0; i < 4; i++) {
    if (mask[word + i] !== 0) any = true;
    if (mask[word + i] !== 0xffffffff) full = false;
  }
  if (!any) return;
  let text = `${name}=${formatIpv6(key, word)}`;
  if (!full) {
    // A CIDR mask is all ones then all zeros across the four words.
    let length = 0;
    let cidr = true;
    let seenZero = false;
    for (let i = 0; i < 4; i++) {
      const m = mask[word + i] >>> 0;
      const l = cidrLength(m);
      if (l < 0 || (seenZero && m !== 0)) cidr = false;
      if (l >= 0 && !seenZero) length += l;
      if (m !== 0xffffffff) seenZero = true;
    }
    text += cidr ? `/${length}` : `/${formatIpv6(mask, word)}`;
  }
  out.add(text);
}

function putEthMasked(out: Items, name: string, key: Uint32Array, mask: Uint32Array, word: number): void {
  const mh = mask[word] & 0xffff;
  const ml = mask[word + 1] >>> 0;
  if (mh === 0 && ml === 0) return;
  let text = `${name}=${formatEth(key[word], key[word + 1])}`;
  if (mh !== 0xffff || ml !== 0xffffffff) text += `/${formatEth(mh, ml)}`;
  out.add(text);
}

/** 16-bit field: decimal when exact, "0xV/0xM" when masked. */
function putBe16Masked(out: Items, name: string, value: number, mask: number): void {
  mask &= 0xffff;
  if (mask === 0) return;
  out.add(mask === 0xffff ? `${name}=${value & 0xffff}` : `${name}=0x${hex(value & 0xffff)}/0x${hex(mask)}`);
}

/** 32-bit field printed in decimal when exact (mpls_lse1/2), "0xV/0xM" when masked. */
function putBe32Masked(out: Items, name: string, value: number, mask: number): void {
  if (mask === 0) return;
  out.add(mask >>> 0 === 0xffffffff ? `${name}=${value >>> 0}` : `${name}=0x${hex(value)}/0x${hex(mask)}`);
}

/** 32-bit field as C's "%#x", with "/%#x" when masked (pkt_mark, regs, ct_mark, ...). */
function putUint32Masked(out: Items, name: string, value: number, mask: number): void {
  if (mask === 0) return;
  out.add(mask >>> 0 === 0xffffffff ? `${name}=${altHex(value)}` : `${name}=${altHex(value)}/${altHex(mask)}`);
}

/** 64-bit field held as HI, LO words, as C's "%#llx" with an optional mask. */
function putBe64Masked(out: Items, name: string, key: Uint32Array, mask: Uint32Array, word: number): void {
  const mh = mask[word] >>> 0;
  const ml = mask[word + 1] >>> 0;
  if (mh === 0 && ml === 0) return;
  const value = wideHex(key[word] >>> 0, key[word + 1] >>> 0);
  let text = `${name}=${value}`;
  if (mh !== 0xffffffff || ml !== 0xffffffff) text += `/${wideHex(mh, ml)}`;
  out.add(text);
}

function wideHex(...words: number[]): string {
  let digits = '';
  for (const w of words) digits += (w >>> 0).toString(16).padStart(8, '0');
  digits = digits.replace(/^0+/, '');
  return digits === '' ? '0' : `0x${digits}`;
}

function allZero(words: Uint32Array, word: number, count: number): boolean {
  for (let i = 0; i < count; i++) if (words[word + i] !== 0) return false;
  return true;
}

function allOnes(words: Uint32Array, word: number, count: number): boolean {
  for (let i = 0; i < count; i++) if (words[word + i] >>> 0 !== 0xffffffff) return false;
  return true;
}

function putVlan(out: Items, suffix: string, tci: number, tciMask: number): void {
  if (tciMask === 0) return;
  const vidMask = tciMask & VLAN_VID_MASK;
  const pcpMask = tciMask & VLAN_PCP_MASK;
  const cfi = tciMask & VLAN_CFI;
  if (cfi !== 0 && (tci & VLAN_CFI) !== 0
      && (vidMask === 0 || vidMask === VLAN_VID_MASK)
      && (pcpMask === 0 || pcpMask === VLAN_PCP_MASK)
      && (vidMask !== 0 || pcpMask !== 0)) {
    if (vidMask !== 0) out.add(`dl_vlan${suffix}=${tci & VLAN_VID_MASK}`);
    if (pcpMask !== 0) out.add(`dl_vlan_pcp${suffix}=${tci >>> 13}`);
  } else if (tciMask === 0xffff) {
    out.add(`vlan_tci${suffix}=0x${hex(tci).padStart(4, '0')}`);
  } else {
    out.add(`vlan_tci${suffix}=0x${hex(tci).padStart(4, '0')}/0x${hex(tciMask).padStart(4, '0')}`);
  }
}

function ipv4Shorthand(proto: number): string | undefined {
  switch (proto) {
    case IPPROTO_ICMP: return 'icmp';
    case IPPROTO_TCP: return 'tcp';
    case IPPROTO_UDP: return 'udp';
    case IPPROTO_SCTP: return 'sctp';
    default: return undefined;
  }
}

function ipv6Shorthand(proto: number): string | undefined {
  switch (proto) {
    case IPPROTO_ICMPV6: return 'icmp6';
    case IPPROTO_TCP: return 'tcp6';
    case IPPROTO_UDP: return 'udp6';
    case IPPROTO_SCTP: return 'sctp6';
    default: return undefined;
  }
}

/** "eth" for Ethernet, else "packet_type=(NS,TYPE)" with "*" for a wildcarded type. */
function formatPacketType(value: number, mask: number): string {
  if (value === 0 && mask === 0xffffffff) return 'eth';
  const nsType = (mask & 0xffff) === 0 ? '*' : `0x${hex(value & 0xffff)}`;
  return `packet_type=(${value >>> 16},${nsType})`;
}

export interface FormatOptions {
  /** Printed first as "priority=N" unless it is OpenFlow's default, 32768. */
  readonly priority?: number;
}

/** The match text of `match`, as ovs-ofctl prints it (no trailing comma). */
export function formatMatch(match: Match, options: FormatOptions = {}): string {
  const k = match.key;
  const m = match.mask;
  const out = new Items();
  const priority = options.priority ?? 32768;
  if (priority !== 32768) out.add(`priority=${priority}`);

  putUint32Masked(out, 'pkt_mark', k[L.PKT_MARK], m[L.PKT_MARK]);
  putUint32Masked(out, 'recirc_id', k[L.RECIRC_ID], m[L.RECIRC_ID]);
  // A match on recirc_id is a datapath megaflow: OVS then shows its packet
  // type even when it is plain Ethernet ("eth").
  const megaflow = m[L.RECIRC_ID] !== 0;
  putUint32Masked(out, 'dp_hash', k[L.DP_HASH], m[L.DP_HASH]);
  if (m[L.CONJ_ID] !== 0) out.add(`conj_id=${k[L.CONJ_ID] >>> 0}`);
  if (m[L.SKB_PRIORITY] !== 0) out.add(`skb_priority=${altHex(k[L.SKB_PRIORITY])}`);
  if (m[L.ACTSET_OUTPUT] !== 0) out.add(`actset_output=${formatPort(k[L.ACTSET_OUTPUT])}`);
  if ((m[L.CT_STATE] & 0xff) !== 0) {
    out.add(`ct_state=${formatFlagsMasked(CT_STATE_NAMES, k[L.CT_STATE] & 0xff, m[L.CT_STATE] & 0xff, 0xff)}`);
  }
  if (m[L.CT_ZONE] !== 0) out.add(`ct_zone=${k[L.CT_ZONE] & 0xffff}`);
  putUint32Masked(out, 'ct_mark', k[L.CT_MARK], m[L.CT_MARK]);
  if (!allZero(m, L.CT_LABEL, 4)) {
    let text = `ct_label=${wideHex(k[L.CT_LABEL], k[L.CT_LABEL + 1], k[L.CT_LABEL + 2], k[L.CT_LABEL + 3])}`;
    if (!allOnes(m, L.CT_LABEL, 4)) {
      text += `/${wideHex(m[L.CT_LABEL], m[L.CT_LABEL + 1], m[L.CT_LABEL + 2], m[L.CT_LABEL + 3])}`;
    }
    out.add(text);
  }
  putIpv4Masked(out, 'ct_nw_src', k[L.CT_NW_SRC], m[L.CT_NW_SRC]);
  putIpv4Masked(out, 'ct_nw_dst', k[L.CT_NW_DST], m[L.CT_NW_DST]);
  putIpv6Masked(out, 'ct_ipv6_src', k, m, L.CT_IPV6_SRC);
  putIpv6Masked(out, 'ct_ipv6_dst', k, m, L.CT_IPV6_DST);
  if (m[L.CT_NW_PROTO] !== 0) out.add(`ct_nw_proto=${k[L.CT_NW_PROTO]}`);
  putBe16Masked(out, 'ct_tp_src', k[L.CT_TP_SRC], m[L.CT_TP_SRC]);
  putBe16Masked(out, 'ct_tp_dst', k[L.CT_TP_DST], m[L.CT_TP_DST]);
  const dlType = k[L.DL_TYPE];
  const isIp = dlType === ETH_TYPE_IP;
  const isIpv6 = dlType === ETH_TYPE_IPV6;
  // packet_type is printed when it is not exactly Ethernet, or in a megaflow.
  if (m[L.PACKET_TYPE] !== 0 && (megaflow || !(k[L.PACKET_TYPE] === 0 && m[L.PACKET_TYPE] >>> 0 === 0xffffffff))) {
    out.add(formatPacketType(k[L.PACKET_TYPE] >>> 0, m[L.PACKET_TYPE] >>> 0));
  }

  // Protocol shorthand.
  let skipType = false;
  let skipProto = false;
  if (m[L.DL_TYPE] !== 0) {
    skipType = true;
    if (isIp || isIpv6) {
      if (m[L.NW_PROTO] !== 0) {
        skipProto = true;
        const name = isIp ? ipv4Shorthand(k[L.NW_PROTO]) : ipv6Shorthand(k[L.NW_PROTO]);
        if (name !== undefined) {
          out.add(name);
        } else {
          out.add(isIp ? 'ip' : 'ipv6');
          skipProto = false;
        }
      } else {
        out.add(isIp ? 'ip' : 'ipv6');
      }
    } else if (dlType === ETH_TYPE_ARP) {
      out.add('arp');
    } else if (dlType === ETH_TYPE_RARP) {
      out.add('rarp');
    } else if (dlType === ETH_TYPE_MPLS) {
      out.add('mpls');
    } else if (dlType === ETH_TYPE_MPLS_MCAST) {
      out.add('mplsm');
    } else {
      skipType = false;
    }
  }

  for (let i = 0; i < L.REG_COUNT; i++) putUint32Masked(out, `reg${i}`, k[L.REGS + i], m[L.REGS + i]);
  formatTunnel(out, k, m);
  putBe64Masked(out, 'metadata', k, m, L.METADATA_HI);
  if (m[L.IN_PORT] !== 0) out.add(`in_port=${formatPort(k[L.IN_PORT])}`);
  putVlan(out, '', k[L.VLAN0] & 0xffff, m[L.VLAN0] & 0xffff);
  putVlan(out, '1', k[L.VLAN1] & 0xffff, m[L.VLAN1] & 0xffff);
  putEthMasked(out, 'dl_src', k, m, L.DL_SRC_HI);
  putEthMasked(out, 'dl_dst', k, m, L.DL_DST_HI);
  if (!skipType && m[L.DL_TYPE] !== 0) out.add(`dl_type=0x${hex(dlType).padStart(4, '0')}`);
  formatNsh(out, k, m);

  const isArp = dlType === ETH_TYPE_ARP || dlType === ETH_TYPE_RARP;
  if (isIpv6) {
    putIpv6Masked(out, 'ipv6_src', k, m, L.IPV6_SRC);
    putIpv6Masked(out, 'ipv6_dst', k, m, L.IPV6_DST);
    const labelMask = m[L.IPV6_LABEL] & 0xfffff;
    if (labelMask !== 0) {
      const value = `0x${hex(k[L.IPV6_LABEL]).padStart(5, '0')}`;
      out.add(labelMask === 0xfffff ? `ipv6_label=${value}` : `ipv6_label=${value}/0x${hex(labelMask).padStart(5, '0')}`);
    }
  } else if (isArp) {
    putIpv4Masked(out, 'arp_spa', k[L.NW_SRC], m[L.NW_SRC]);
    putIpv4Masked(out, 'arp_tpa', k[L.NW_DST], m[L.NW_DST]);
  } else {
    putIpv4Masked(out, 'nw_src', k[L.NW_SRC], m[L.NW_SRC]);
    putIpv4Masked(out, 'nw_dst', k[L.NW_DST], m[L.NW_DST]);
  }
  if (!skipProto && m[L.NW_PROTO] !== 0) out.add(`${isArp ? 'arp_op' : 'nw_proto'}=${k[L.NW_PROTO]}`);
  if (isArp) {
    putEthMasked(out, 'arp_sha', k, m, L.ARP_SHA_HI);
    putEthMasked(out, 'arp_tha', k, m, L.ARP_THA_HI);
  }
  if ((m[L.NW_TOS] & 0xfc) !== 0) out.add(`nw_tos=${k[L.NW_TOS] & 0xfc}`);
  if ((m[L.NW_TOS] & 0x03) !== 0) out.add(`nw_ecn=${k[L.NW_TOS] & 0x03}`);
  if (m[L.NW_TTL] !== 0) out.add(`nw_ttl=${k[L.NW_TTL]}`);
  const lse0 = k[L.MPLS_LSE0] >>> 0;
  const lse0Mask = m[L.MPLS_LSE0] >>> 0;
  if ((lse0Mask & 0xfffff000) !== 0) out.add(`mpls_label=${lse0 >>> 12}`);
  if ((lse0Mask & 0x00000e00) !== 0) out.add(`mpls_tc=${(lse0 >>> 9) & 7}`);
  if ((lse0Mask & 0x000000ff) !== 0) out.add(`mpls_ttl=${lse0 & 0xff}`);
  if ((lse0Mask & 0x00000100) !== 0) out.add(`mpls_bos=${(lse0 >>> 8) & 1}`);
  putBe32Masked(out, 'mpls_lse1', k[L.MPLS_LSE0 + 1], m[L.MPLS_LSE0 + 1]);
  putBe32Masked(out, 'mpls_lse2', k[L.MPLS_LSE0 + 2], m[L.MPLS_LSE0 + 2]);

  const frag = k[L.NW_FRAG];
  const any = (frag & FLOW_NW_FRAG_ANY) !== 0;
  const later = (frag & FLOW_NW_FRAG_LATER) !== 0;
  switch (m[L.NW_FRAG] & 3) {
    case FLOW_NW_FRAG_ANY | FLOW_NW_FRAG_LATER:
      out.add(`nw_frag=${any ? (later ? 'later' : 'first') : (later ? '<error>' : 'no')}`);
      break;
    case FLOW_NW_FRAG_ANY:
      out.add(`nw_frag=${any ? 'yes' : 'no'}`);
      break;
    case FLOW_NW_FRAG_LATER:
      out.add(`nw_frag=${later ? 'later' : 'not_later'}`);
      break;
  }

  const proto = k[L.NW_PROTO];
  if (isIp && proto === IPPROTO_ICMP) {
    putBe16Masked(out, 'icmp_type', k[L.TP_SRC], m[L.TP_SRC]);
    putBe16Masked(out, 'icmp_code', k[L.TP_DST], m[L.TP_DST]);
  } else if (isIpv6 && proto === IPPROTO_ICMPV6) {
    putBe16Masked(out, 'icmp_type', k[L.TP_SRC], m[L.TP_SRC]);
    putBe16Masked(out, 'icmp_code', k[L.TP_DST], m[L.TP_DST]);
    putIpv6Masked(out, 'nd_target', k, m, L.ND_TARGET);
    putEthMasked(out, 'nd_sll', k, m, L.ARP_SHA_HI);
    putEthMasked(out, 'nd_tll', k, m, L.ARP_THA_HI);
    if (m[L.ND_RESERVED] !== 0) out.add(`nd_reserved=${k[L.ND_RESERVED] >>> 0}`);
    if (m[L.ND_OPTIONS_TYPE] !== 0) out.add(`nd_options_type=${k[L.ND_OPTIONS_TYPE]}`);
  } else {
    putBe16Masked(out, 'tp_src', k[L.TP_SRC], m[L.TP_SRC]);
    putBe16Masked(out, 'tp_dst', k[L.TP_DST], m[L.TP_DST]);
  }
  if ((isIp || isIpv6) && proto === IPPROTO_TCP && (m[L.TCP_FLAGS] & 0xffff) !== 0) {
    out.add(`tcp_flags=${formatFlagsMasked(TCP_FLAG_NAMES, k[L.TCP_FLAGS] & 0xfff, m[L.TCP_FLAGS] & 0xfff, 0xfff)}`);
  }
  return out.text;
}

function formatNsh(out: Items, k: Uint32Array, m: Uint32Array): void {
  const flagsMask = m[L.NSH_FLAGS] & 0xff;
  if (flagsMask !== 0) {
    const flags = k[L.NSH_FLAGS] & 0xff;
    out.add(flagsMask === 0xff ? `nsh_flags=${flags}`
      : `nsh_flags=0x${hex(flags).padStart(2, '0')}/0x${hex(flagsMask).padStart(2, '0')}`);
  }
  if (m[L.NSH_TTL] !== 0) out.add(`nsh_ttl=${k[L.NSH_TTL]}`);
  if (m[L.NSH_MDTYPE] !== 0) out.add(`nsh_mdtype=${k[L.NSH_MDTYPE]}`);
  if (m[L.NSH_NP] !== 0) out.add(`nsh_np=${k[L.NSH_NP]}`);
  if (m[L.NSH_SPI] !== 0) out.add(`nsh_spi=0x${hex(k[L.NSH_SPI])}`);
  if (m[L.NSH_SI] !== 0) out.add(`nsh_si=${k[L.NSH_SI]}`);
  // The context headers mean something for MD type 1 only.
  if (k[L.NSH_MDTYPE] !== 1) return;
  for (let i = 0; i < 4; i++) {
    const mask = m[L.NSH_C + i] >>> 0;
    if (mask === 0) continue;
    const value = `0x${hex(k[L.NSH_C + i])}`;
    out.add(mask === 0xffffffff ? `nsh_c${i + 1}=${value}` : `nsh_c${i + 1}=${value}/0x${hex(mask)}`);
  }
}

function formatTunnel(out: Items, k: Uint32Array, m: Uint32Array): void {
  putBe64Masked(out, 'tun_id', k, m, L.TUN_ID_HI);
  putIpv4Masked(out, 'tun_src', k[L.TUN_IPV4_SRC], m[L.TUN_IPV4_SRC]);
  putIpv4Masked(out, 'tun_dst', k[L.TUN_IPV4_DST], m[L.TUN_IPV4_DST]);
  putIpv6Masked(out, 'tun_ipv6_src', k, m, L.TUN_IPV6_SRC);
  putIpv6Masked(out, 'tun_ipv6_dst', k, m, L.TUN_IPV6_DST);
  putBe16Masked(out, 'tun_gbp_id', k[L.TUN_GBP_ID], m[L.TUN_GBP_ID]);
  if (m[L.TUN_GBP_FLAGS] !== 0) out.add(`tun_gbp_flags=${altHex(k[L.TUN_GBP_FLAGS])}`);
  if (m[L.TUN_TOS] !== 0) out.add(`tun_tos=${k[L.TUN_TOS]}`);
  if (m[L.TUN_TTL] !== 0) out.add(`tun_ttl=${k[L.TUN_TTL]}`);
  // ERSPAN v1 has an index, v2 a direction and hardware id; OVS prints the
  // one that the version in the match gives meaning to.
  if (m[L.TUN_ERSPAN_VER] !== 0) out.add(`tun_erspan_ver=${k[L.TUN_ERSPAN_VER]}`);
  if (m[L.TUN_ERSPAN_IDX] !== 0 && k[L.TUN_ERSPAN_VER] === 1) out.add(`tun_erspan_idx=${altHex(k[L.TUN_ERSPAN_IDX])}`);
  if (k[L.TUN_ERSPAN_VER] === 2) {
    if (m[L.TUN_ERSPAN_DIR] !== 0) out.add(`tun_erspan_dir=${k[L.TUN_ERSPAN_DIR]}`);
    if (m[L.TUN_ERSPAN_HWID] !== 0) out.add(`tun_erspan_hwid=${altHex(k[L.TUN_ERSPAN_HWID])}`);
  }
  if (m[L.TUN_GTPU_FLAGS] !== 0) out.add(`gtpu_flags=${altHex(k[L.TUN_GTPU_FLAGS])}`);
  if (m[L.TUN_GTPU_MSGTYPE] !== 0) out.add(`gtpu_msgtype=${k[L.TUN_GTPU_MSGTYPE]}`);
  // Only "oam" is a public tunnel flag; a whole 16-bit mask prints as flags
  // ("0", "oam"), a partial one as "+oam"/"-oam".
  if ((m[L.TUN_FLAGS] & TUN_FLAG_OAM) !== 0) {
    const mask = (m[L.TUN_FLAGS] & 0xffff) === 0xffff ? 0xffff : TUN_FLAG_OAM;
    out.add(`tun_flags=${formatFlagsMasked(TUN_FLAG_NAMES, k[L.TUN_FLAGS] & TUN_FLAG_OAM, mask, 0xffff)}`);
  }
}

const TUN_FLAG_KEY = 4;
const TUN_FLAG_OAM = 8;
/** Outer header fields that matter for a packet received from a tunnel. */
const TUNNEL_PACKET_WORDS = [L.TUN_TOS, L.TUN_TTL, L.TUN_TP_SRC, L.TUN_TP_DST, L.TUN_GBP_ID, L.TUN_GBP_FLAGS,
  L.TUN_ERSPAN_VER, L.TUN_ERSPAN_IDX, L.TUN_ERSPAN_DIR, L.TUN_ERSPAN_HWID, L.TUN_GTPU_FLAGS, L.TUN_GTPU_MSGTYPE];

/** Receive metadata that always matters for a packet. */
const PACKET_METADATA_WORDS = [L.SKB_PRIORITY, L.PKT_MARK, L.CT_STATE, L.CT_ZONE, L.CT_MARK, L.RECIRC_ID, L.DP_HASH,
  L.IN_PORT, L.PACKET_TYPE];

function maskWords(mask: Uint32Array, word: number, count: number): void {
  for (let i = 0; i < count; i++) mask[word + i] = 0xffffffff;
}

/**
 * Sets in `mask` the fields that mean something for the packet whose flow is
 * `key` (as OVS does for a packet's flow): metadata, Ethernet, the VLAN
 * headers present (and the first always), then by Ethernet type the ARP, MPLS
 * (up to bottom of stack) or IP fields, and the transport fields only where a
 * transport header can be (not in later fragments). ND fields count only for
 * neighbour solicitations and advertisements.
 */
export function packetWildcards(key: Uint32Array, mask: Uint32Array): void {
  mask.fill(0);
  if (key[L.TUN_IPV4_DST] !== 0 || !allZero(key, L.TUN_IPV6_DST, 4)) {
    // A packet that came through a tunnel: its outer header fields, and the
    // tunnel key only when the tunnel had one.
    if ((key[L.TUN_FLAGS] & TUN_FLAG_KEY) !== 0) maskWords(mask, L.TUN_ID_HI, 2);
    maskWords(mask, L.TUN_IPV4_SRC, 2);
    maskWords(mask, L.TUN_IPV6_SRC, 8);
    mask[L.TUN_FLAGS] = 0xffff;
    for (let i = 0; i < TUNNEL_PACKET_WORDS.length; i++) mask[TUNNEL_PACKET_WORDS[i]] = 0xffffffff;
  } else if (key[L.TUN_ID_HI] !== 0 || key[L.TUN_ID_LO] !== 0) {
    maskWords(mask, L.TUN_ID_HI, 2);
  }
  for (let i = 0; i < PACKET_METADATA_WORDS.length; i++) mask[PACKET_METADATA_WORDS[i]] = 0xffffffff;
  maskWords(mask, L.CT_LABEL, 4);
  // An Ethernet packet shows its addresses, type and VLAN headers (the first
  // one always); a packet of another type (an L3 packet from a tunnel) takes
  // its network protocol from the packet type.
  let dlType = key[L.DL_TYPE];
  if (key[L.PACKET_TYPE] === 0) {
    maskWords(mask, L.DL_DST_HI, 4);
    mask[L.DL_TYPE] = 0xffffffff;
    for (let i = 0; i < L.VLAN_HEADERS; i++) {
      mask[L.VLAN0 + i] = 0xffffffff;
      if ((key[L.VLAN0 + i] & 0xffff) === 0) break;
    }
  } else {
    dlType = key[L.PACKET_TYPE] & 0xffff;
  }
  if (dlType === ETH_TYPE_IP) {
    mask[L.NW_SRC] = 0xffffffff;
    mask[L.NW_DST] = 0xffffffff;
    mask[L.CT_NW_SRC] = 0xffffffff;
    mask[L.CT_NW_DST] = 0xffffffff;
  } else if (dlType === ETH_TYPE_IPV6) {
    maskWords(mask, L.IPV6_SRC, 8);
    mask[L.IPV6_LABEL] = 0xffffffff;
    maskWords(mask, L.CT_IPV6_SRC, 8);
  } else if (key[L.DL_TYPE] === ETH_TYPE_ARP || key[L.DL_TYPE] === ETH_TYPE_RARP) {
    mask[L.NW_SRC] = 0xffffffff;
    mask[L.NW_DST] = 0xffffffff;
    mask[L.NW_PROTO] = 0xffffffff;
    maskWords(mask, L.ARP_SHA_HI, 4);
    return;
  } else if (key[L.DL_TYPE] === ETH_TYPE_MPLS || key[L.DL_TYPE] === ETH_TYPE_MPLS_MCAST) {
    for (let i = 0; i < L.MPLS_LABELS; i++) {
      mask[L.MPLS_LSE0 + i] = 0xffffffff;
      if ((key[L.MPLS_LSE0 + i] & 0x100) !== 0) break;
    }
    return;
  } else if (key[L.DL_TYPE] === ETH_TYPE_NSH) {
    // The NSH header, then (as OVS does) the IP fields below, which stay zero.
    maskWords(mask, L.NSH_FLAGS, 6);
    if (key[L.NSH_MDTYPE] === 1) maskWords(mask, L.NSH_C, 4);
  } else {
    return;
  }
  mask[L.NW_FRAG] = 0xffffffff;
  mask[L.NW_TOS] = 0xffffffff;
  mask[L.NW_TTL] = 0xffffffff;
  mask[L.NW_PROTO] = 0xffffffff;
  mask[L.CT_NW_PROTO] = 0xffffffff;
  mask[L.CT_TP_SRC] = 0xffffffff;
  mask[L.CT_TP_DST] = 0xffffffff;
  const proto = key[L.NW_PROTO];
  if ((key[L.NW_FRAG] & FLOW_NW_FRAG_LATER) === 0
      && (proto === IPPROTO_ICMP || proto === IPPROTO_ICMPV6 || proto === IPPROTO_TCP || proto === IPPROTO_UDP
        || proto === IPPROTO_SCTP || proto === IPPROTO_IGMP)) {
    mask[L.TP_SRC] = 0xffffffff;
    mask[L.TP_DST] = 0xffffffff;
    if (proto === IPPROTO_TCP) {
      mask[L.TCP_FLAGS] = 0xffffffff;
    } else if (proto === IPPROTO_ICMPV6) {
      if (key[L.TP_DST] === 0 && (key[L.TP_SRC] === 135 || key[L.TP_SRC] === 136)) {
        maskWords(mask, L.ARP_SHA_HI, 4);
        maskWords(mask, L.ND_TARGET, 4);
      }
    } else if (proto === IPPROTO_IGMP) {
      mask[L.IGMP_GROUP_IP4] = 0xffffffff;
    }
  }
}

/**
 * A packet's flow as ofproto/trace prints it after "Flow: ": the packet's
 * wildcards, minus receive metadata that is zero (in_port included).
 */
export function formatFlow(key: Uint32Array): string {
  // Scratch arrays: formatting is synchronous, so one set serves every call.
  const mask = FLOW_MASK;
  packetWildcards(key, mask);
  for (let i = 0; i < ZERO_HIDDEN_WORDS.length; i++) {
    const word = ZERO_HIDDEN_WORDS[i];
    if (key[word] === 0) mask[word] = 0;
  }
  if (allZero(key, L.CT_LABEL, 4)) for (let i = 0; i < 4; i++) mask[L.CT_LABEL + i] = 0;
  if (key[L.CT_NW_PROTO] === 0) {
    mask[L.CT_NW_PROTO] = 0;
    mask[L.CT_TP_SRC] = 0;
    mask[L.CT_TP_DST] = 0;
    // Observed on OVS 3.1: the conntrack addresses stay in the Flow line of
    // a packet that is not Ethernet (an L3 packet), as zeros.
    if (key[L.PACKET_TYPE] === 0) {
      mask[L.CT_NW_SRC] = 0;
      mask[L.CT_NW_DST] = 0;
      for (let i = 0; i < 8; i++) mask[L.CT_IPV6_SRC + i] = 0;
    }
  }
  for (let i = 0; i < L.REG_COUNT; i++) mask[L.REGS + i] = key[L.REGS + i] === 0 ? 0 : 0xffffffff;
  if (key[L.METADATA_HI] !== 0 || key[L.METADATA_LO] !== 0) maskWords(mask, L.METADATA_HI, 2);
  // Like OVS, the key is not masked: which fields print depends on the
  // mask, how they print on the packet's values (an L3 packet's dl_type).
  FLOW_MATCH.key.set(key);
  return formatMatch(FLOW_MATCH);
}

/** Receive metadata that formatFlow() leaves out when it is zero (as OVS's flow_format()). */
const ZERO_HIDDEN_WORDS = [L.IN_PORT, L.SKB_PRIORITY, L.PKT_MARK, L.RECIRC_ID, L.DP_HASH, L.CT_STATE, L.CT_ZONE,
  L.CT_MARK];
const FLOW_MASK = new Uint32Array(L.KEY_WORDS);
const FLOW_MATCH = new Match(new Uint32Array(L.KEY_WORDS), FLOW_MASK);
