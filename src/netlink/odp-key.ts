// ODP flow keys and masks: between the flow key layout (src/flow/layout.ts)
// and the OVS_KEY_ATTR_* attributes of OVS_FLOW_ATTR_KEY/MASK and
// OVS_PACKET_ATTR_KEY, in the form the Linux datapath takes them. The
// datapath encodes upcall keys and decodes flow puts; dpif does the reverse.
// Hot path on both sides: no allocation per call beyond what NlBuffer grows.

import { EINVAL, EOPNOTSUPP } from '../lib/errno.js';
import * as L from '../flow/layout.js';
import { NlAttrIter, readBe16, readBe32, readI32, readU16, readU32 } from './attr.js';
import type { NlBuffer } from './buffer.js';
import * as O from './openvswitch.js';
import {
  ATTR_LEN_NESTED, ATTR_LEN_VARIABLE, KEY_ATTR_LENGTHS, KEY_ATTR_LENGTHS_USERSPACE, TUNNEL_KEY_ATTR_LENGTHS,
} from './ovs-policy.js';
import { writeBe16, writeBe32, writeLe32 } from '../packet/bytes.js';
import {
  ETH_TYPE_ARP, ETH_TYPE_IP, ETH_TYPE_IPV6, ETH_TYPE_MPLS, ETH_TYPE_MPLS_MCAST, ETH_TYPE_RARP,
  ETH_TYPE_VLAN_8021AD, ETH_TYPE_VLAN_8021Q, FLOW_DL_TYPE_NONE, MPLS_BOS_MASK,
} from '../packet/ethernet.js';
import { ND_NEIGHBOR_ADVERT, ND_NEIGHBOR_SOLICIT } from '../packet/icmp.js';
import { IPPROTO_ICMP, IPPROTO_ICMPV6, IPPROTO_SCTP, IPPROTO_TCP, IPPROTO_UDP } from '../packet/ip.js';
import { FLOW_NW_FRAG_ANY, FLOW_NW_FRAG_LATER } from '../flow/extract.js';

const VLAN_CFI = 0x1000;
/** packet_type namespace for "an Ethernet type follows" (OFPHTN_ETHERTYPE). */
const PT_NS_ETHERTYPE = 1;

// FLOW_TNL_F_* bits of TUN_FLAGS.
const TNL_F_DONT_FRAGMENT = 1;
const TNL_F_CSUM = 2;
const TNL_F_KEY = 4;
const TNL_F_OAM = 8;

// --- Encoding ----------------------------------------------------------------
//
// Wire choices, each the Linux datapath's:
// - a VLAN is OVS_KEY_ATTR_ETHERTYPE (the TPID), OVS_KEY_ATTR_VLAN (the TCI,
//   0x1000 marking presence) and OVS_KEY_ATTR_ENCAP around what follows;
//   QinQ nests a second time;
// - an 802.2 frame without SNAP type (DL_TYPE 0x05ff) has no ETHERTYPE in
//   the key; a frame without ETHERNET is a layer-3 packet whose packet_type
//   is (1 << 16) | ethertype;
// - IPv4/IPv6 carry OVS_FRAG_TYPE_* (NONE, FIRST, LATER) where the layout has
//   FLOW_NW_FRAG_* bits; a mask is 0xff when any fragment bit is matched;
// - transport attributes are left out for later fragments;
// - ct_labels go as the kernel's four native-order u32 words, least
//   significant first (the layout keeps the most significant word first);
// - PACKET_TYPE and ND_EXTENSIONS (types 29 and 30) are userspace-only and
//   never encoded; decoding accepts them with { userspace: true }.
// A mask is encoded with the attribute set its key selects: an attribute is
// present when the key or mask has a bit in it (metadata), or when the key's
// protocol calls for it (headers); absent mask attributes mean "wildcarded".

/**
 * Appends the key attributes of an exact flow (an upcall's or an execute's
 * key): metadata when non-zero, IN_PORT always, headers as the protocol says.
 * The caller opens and closes the surrounding nest (OVS_*_ATTR_KEY).
 */
export function putOdpKey(buf: NlBuffer, key: Uint32Array): void {
  putAttrs(buf, key, null, key);
}

/**
 * Appends the key attributes of a megaflow: like putOdpKey(), but a metadata
 * attribute is also present when only its mask is non-zero (matching 0).
 */
export function putOdpFlowKey(buf: NlBuffer, match: { readonly key: Uint32Array; readonly mask: Uint32Array }): void {
  putAttrs(buf, match.key, match.mask, match.key);
}

/** Appends the mask attributes of a megaflow, for OVS_FLOW_ATTR_MASK. */
export function putOdpMask(buf: NlBuffer, match: { readonly key: Uint32Array; readonly mask: Uint32Array }): void {
  putAttrs(buf, match.key, match.mask, match.mask);
}

/**
 * The shared walk: `key` decides which attributes appear (with `mask` for
 * metadata), `v` supplies the values written (the key, or the mask).
 */
function putAttrs(buf: NlBuffer, key: Uint32Array, mask: Uint32Array | null, v: Uint32Array): void {
  const isMask = v !== key;
  if (sel(key, mask, L.SKB_PRIORITY)) buf.putAttrU32(O.OVS_KEY_ATTR_PRIORITY, v[L.SKB_PRIORITY]);
  if (hasTunnel(key)) putTunnel(buf, O.OVS_KEY_ATTR_TUNNEL, key, mask, v);
  if (sel(key, mask, L.PKT_MARK)) buf.putAttrU32(O.OVS_KEY_ATTR_SKB_MARK, v[L.PKT_MARK]);
  if (sel(key, mask, L.CT_STATE)) buf.putAttrU32(O.OVS_KEY_ATTR_CT_STATE, v[L.CT_STATE]);
  if (sel(key, mask, L.CT_ZONE)) buf.putAttrU16(O.OVS_KEY_ATTR_CT_ZONE, v[L.CT_ZONE]);
  if (sel(key, mask, L.CT_MARK)) buf.putAttrU32(O.OVS_KEY_ATTR_CT_MARK, v[L.CT_MARK]);
  if (anyWord(key, L.CT_LABEL, 4) || (mask !== null && anyWord(mask, L.CT_LABEL, 4))) {
    const o = buf.putAttrSpace(O.OVS_KEY_ATTR_CT_LABELS, O.OVS_KEY_CT_LABELS_SIZE);
    for (let i = 0; i < 4; i++) writeLe32(buf.bytes, o + 4 * i, v[L.CT_LABEL + 3 - i]);
  }
  if (sel(key, mask, L.CT_NW_PROTO)) {
    const dlType = key[L.DL_TYPE];
    if (dlType === ETH_TYPE_IP) {
      const o = buf.putAttrSpace(O.OVS_KEY_ATTR_CT_ORIG_TUPLE_IPV4, O.OVS_KEY_CT_TUPLE_IPV4_SIZE);
      const b = buf.bytes;
      writeBe32(b, o, v[L.CT_NW_SRC]);
      writeBe32(b, o + 4, v[L.CT_NW_DST]);
      writeBe16(b, o + 8, v[L.CT_TP_SRC]);
      writeBe16(b, o + 10, v[L.CT_TP_DST]);
      b[o + 12] = v[L.CT_NW_PROTO];
    } else if (dlType === ETH_TYPE_IPV6) {
      const o = buf.putAttrSpace(O.OVS_KEY_ATTR_CT_ORIG_TUPLE_IPV6, O.OVS_KEY_CT_TUPLE_IPV6_SIZE);
      const b = buf.bytes;
      putWords(b, o, v, L.CT_IPV6_SRC, 4);
      putWords(b, o + 16, v, L.CT_IPV6_DST, 4);
      writeBe16(b, o + 32, v[L.CT_TP_SRC]);
      writeBe16(b, o + 34, v[L.CT_TP_DST]);
      b[o + 36] = v[L.CT_NW_PROTO];
    }
  }
  if (sel(key, mask, L.RECIRC_ID)) buf.putAttrU32(O.OVS_KEY_ATTR_RECIRC_ID, v[L.RECIRC_ID]);
  if (sel(key, mask, L.DP_HASH)) buf.putAttrU32(O.OVS_KEY_ATTR_DP_HASH, v[L.DP_HASH]);
  buf.putAttrU32(O.OVS_KEY_ATTR_IN_PORT, v[L.IN_PORT]);

  if (key[L.PACKET_TYPE] === 0) {
    const o = buf.putAttrSpace(O.OVS_KEY_ATTR_ETHERNET, O.OVS_KEY_ETHERNET_SIZE);
    putMac(buf.bytes, o, v[L.DL_SRC_HI], v[L.DL_SRC_LO]);
    putMac(buf.bytes, o + 6, v[L.DL_DST_HI], v[L.DL_DST_LO]);
    putVlansAndL3(buf, key, v, isMask, 0);
  } else {
    // A layer-3 packet: no Ethernet header and no VLANs, only its type.
    buf.putAttrBe16(O.OVS_KEY_ATTR_ETHERTYPE, isMask ? v[L.DL_TYPE] : key[L.PACKET_TYPE] & 0xffff);
    putL3(buf, key, v, isMask);
  }
}

function putVlansAndL3(buf: NlBuffer, key: Uint32Array, v: Uint32Array, isMask: boolean, n: number): void {
  if (n < L.VLAN_HEADERS && (key[L.VLAN0 + n] & VLAN_CFI) !== 0) {
    const vlan = v[L.VLAN0 + n];
    buf.putAttrBe16(O.OVS_KEY_ATTR_ETHERTYPE, vlan >>> 16);
    buf.putAttrBe16(O.OVS_KEY_ATTR_VLAN, vlan & 0xffff);
    const encap = buf.startNested(O.OVS_KEY_ATTR_ENCAP);
    putVlansAndL3(buf, key, v, isMask, n + 1);
    buf.endNested(encap);
    return;
  }
  const dlType = key[L.DL_TYPE];
  if (dlType !== FLOW_DL_TYPE_NONE) buf.putAttrBe16(O.OVS_KEY_ATTR_ETHERTYPE, v[L.DL_TYPE]);
  else if (isMask && v[L.DL_TYPE] !== 0) buf.putAttrBe16(O.OVS_KEY_ATTR_ETHERTYPE, 0xffff);
  putL3(buf, key, v, isMask);
}

function putL3(buf: NlBuffer, key: Uint32Array, v: Uint32Array, isMask: boolean): void {
  const dlType = key[L.DL_TYPE];
  if (dlType === ETH_TYPE_IP) {
    const o = buf.putAttrSpace(O.OVS_KEY_ATTR_IPV4, O.OVS_KEY_IPV4_SIZE);
    const b = buf.bytes;
    writeBe32(b, o, v[L.NW_SRC]);
    writeBe32(b, o + 4, v[L.NW_DST]);
    b[o + 8] = v[L.NW_PROTO];
    b[o + 9] = v[L.NW_TOS];
    b[o + 10] = v[L.NW_TTL];
    b[o + 11] = fragOut(v[L.NW_FRAG], isMask);
    putL4(buf, key, v, false);
  } else if (dlType === ETH_TYPE_IPV6) {
    const o = buf.putAttrSpace(O.OVS_KEY_ATTR_IPV6, O.OVS_KEY_IPV6_SIZE);
    const b = buf.bytes;
    putWords(b, o, v, L.IPV6_SRC, 4);
    putWords(b, o + 16, v, L.IPV6_DST, 4);
    writeBe32(b, o + 32, v[L.IPV6_LABEL]);
    b[o + 36] = v[L.NW_PROTO];
    b[o + 37] = v[L.NW_TOS];
    b[o + 38] = v[L.NW_TTL];
    b[o + 39] = fragOut(v[L.NW_FRAG], isMask);
    putL4(buf, key, v, true);
  } else if (dlType === ETH_TYPE_ARP || dlType === ETH_TYPE_RARP) {
    const o = buf.putAttrSpace(O.OVS_KEY_ATTR_ARP, O.OVS_KEY_ARP_SIZE);
    const b = buf.bytes;
    writeBe32(b, o, v[L.NW_SRC]);
    writeBe32(b, o + 4, v[L.NW_DST]);
    writeBe16(b, o + 8, v[L.NW_PROTO]);
    putMac(b, o + 10, v[L.ARP_SHA_HI], v[L.ARP_SHA_LO]);
    putMac(b, o + 16, v[L.ARP_THA_HI], v[L.ARP_THA_LO]);
  } else if (dlType === ETH_TYPE_MPLS || dlType === ETH_TYPE_MPLS_MCAST) {
    const count = mplsCount(key);
    const o = buf.putAttrSpace(O.OVS_KEY_ATTR_MPLS, 4 * count);
    putWords(buf.bytes, o, v, L.MPLS_LSE0, count);
  }
}

function putL4(buf: NlBuffer, key: Uint32Array, v: Uint32Array, ipv6: boolean): void {
  if ((key[L.NW_FRAG] & FLOW_NW_FRAG_LATER) !== 0) return;
  const proto = key[L.NW_PROTO];
  let type = 0;
  if (proto === IPPROTO_TCP) type = O.OVS_KEY_ATTR_TCP;
  else if (proto === IPPROTO_UDP) type = O.OVS_KEY_ATTR_UDP;
  else if (proto === IPPROTO_SCTP) type = O.OVS_KEY_ATTR_SCTP;
  if (type !== 0) {
    const o = buf.putAttrSpace(type, 4);
    writeBe16(buf.bytes, o, v[L.TP_SRC]);
    writeBe16(buf.bytes, o + 2, v[L.TP_DST]);
    if (type === O.OVS_KEY_ATTR_TCP) buf.putAttrBe16(O.OVS_KEY_ATTR_TCP_FLAGS, v[L.TCP_FLAGS]);
    return;
  }
  if (proto === (ipv6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP)) {
    const o = buf.putAttrSpace(ipv6 ? O.OVS_KEY_ATTR_ICMPV6 : O.OVS_KEY_ATTR_ICMP, 2);
    buf.bytes[o] = v[L.TP_SRC];
    buf.bytes[o + 1] = v[L.TP_DST];
    const icmpType = key[L.TP_SRC];
    if (ipv6 && key[L.TP_DST] === 0 && (icmpType === ND_NEIGHBOR_SOLICIT || icmpType === ND_NEIGHBOR_ADVERT)) {
      const n = buf.putAttrSpace(O.OVS_KEY_ATTR_ND, O.OVS_KEY_ND_SIZE);
      putWords(buf.bytes, n, v, L.ND_TARGET, 4);
      putMac(buf.bytes, n + 16, v[L.ARP_SHA_HI], v[L.ARP_SHA_LO]);
      putMac(buf.bytes, n + 22, v[L.ARP_THA_HI], v[L.ARP_THA_LO]);
    }
  }
}

/** A metadata word is encoded when the key or the mask has a bit in it. */
function sel(key: Uint32Array, mask: Uint32Array | null, word: number): boolean {
  return key[word] !== 0 || (mask !== null && mask[word] !== 0);
}

function hasTunnel(key: Uint32Array): boolean {
  return key[L.TUN_IPV4_DST] !== 0 || key[L.TUN_IPV6_DST] !== 0 || key[L.TUN_IPV6_DST + 1] !== 0
    || key[L.TUN_IPV6_DST + 2] !== 0 || key[L.TUN_IPV6_DST + 3] !== 0;
}

/**
 * Appends a nest of `type` holding the key's tunnel as OVS_TUNNEL_KEY_ATTR_*:
 * the payload of a set(tunnel(...)) action (type OVS_KEY_ATTR_TUNNEL) or of
 * OVS_PACKET_ATTR_EGRESS_TUN_KEY.
 */
export function putOdpTunnel(buf: NlBuffer, type: number, key: Uint32Array): void {
  putTunnel(buf, type, key, null, key);
}

/**
 * Decodes OVS_TUNNEL_KEY_ATTR_* attributes (a nest's payload) into the tunnel
 * words of `key`, leaving its other words alone. Returns 0 or an errno as
 * parseOdpKey() does for its tunnel.
 */
export function parseOdpTunnel(attrs: Uint8Array, key: Uint32Array): number {
  for (let w = L.TUN_ID_HI; w <= L.TUN_METADATA_PRESENT_LO; w++) key[w] = 0;
  return parseTunnel(attrs, 0, attrs.length, key, false);
}

function putTunnel(buf: NlBuffer, type: number, key: Uint32Array, mask: Uint32Array | null, v: Uint32Array): void {
  const isMask = v !== key;
  const nest = buf.startNested(type);
  const flags = key[L.TUN_FLAGS];
  if ((flags & TNL_F_KEY) !== 0 || sel(key, mask, L.TUN_ID_HI) || sel(key, mask, L.TUN_ID_LO)) {
    buf.putAttrBe64(O.OVS_TUNNEL_KEY_ATTR_ID, v[L.TUN_ID_HI], v[L.TUN_ID_LO]);
  }
  if (key[L.TUN_IPV4_SRC] !== 0) buf.putAttrBe32(O.OVS_TUNNEL_KEY_ATTR_IPV4_SRC, v[L.TUN_IPV4_SRC]);
  if (key[L.TUN_IPV4_DST] !== 0) buf.putAttrBe32(O.OVS_TUNNEL_KEY_ATTR_IPV4_DST, v[L.TUN_IPV4_DST]);
  if (anyWord(key, L.TUN_IPV6_SRC, 4)) {
    const o = buf.putAttrSpace(O.OVS_TUNNEL_KEY_ATTR_IPV6_SRC, 16);
    putWords(buf.bytes, o, v, L.TUN_IPV6_SRC, 4);
  }
  if (anyWord(key, L.TUN_IPV6_DST, 4)) {
    const o = buf.putAttrSpace(O.OVS_TUNNEL_KEY_ATTR_IPV6_DST, 16);
    putWords(buf.bytes, o, v, L.TUN_IPV6_DST, 4);
  }
  if (sel(key, mask, L.TUN_TOS)) buf.putAttrU8(O.OVS_TUNNEL_KEY_ATTR_TOS, v[L.TUN_TOS]);
  buf.putAttrU8(O.OVS_TUNNEL_KEY_ATTR_TTL, v[L.TUN_TTL]);
  // Flags: in a key their presence is the value; in a mask it means "matched".
  const f = isMask ? v[L.TUN_FLAGS] : flags;
  if ((f & TNL_F_DONT_FRAGMENT) !== 0) buf.putFlag(O.OVS_TUNNEL_KEY_ATTR_DONT_FRAGMENT);
  if ((f & TNL_F_CSUM) !== 0) buf.putFlag(O.OVS_TUNNEL_KEY_ATTR_CSUM);
  if ((f & TNL_F_OAM) !== 0) buf.putFlag(O.OVS_TUNNEL_KEY_ATTR_OAM);
  if (sel(key, mask, L.TUN_TP_SRC)) buf.putAttrBe16(O.OVS_TUNNEL_KEY_ATTR_TP_SRC, v[L.TUN_TP_SRC]);
  if (sel(key, mask, L.TUN_TP_DST)) buf.putAttrBe16(O.OVS_TUNNEL_KEY_ATTR_TP_DST, v[L.TUN_TP_DST]);
  if (sel(key, mask, L.TUN_GBP_ID) || sel(key, mask, L.TUN_GBP_FLAGS)) {
    const vxlan = buf.startNested(O.OVS_TUNNEL_KEY_ATTR_VXLAN_OPTS);
    buf.putAttrU32(O.OVS_VXLAN_EXT_GBP, ((v[L.TUN_GBP_FLAGS] & 0xff) << 16 | (v[L.TUN_GBP_ID] & 0xffff)) >>> 0);
    buf.endNested(vxlan);
  }
  if (key[L.TUN_ERSPAN_VER] !== 0) {
    const o = buf.putAttrSpace(O.OVS_TUNNEL_KEY_ATTR_ERSPAN_OPTS, O.ERSPAN_METADATA_SIZE);
    const b = buf.bytes;
    writeLe32(b, o, v[L.TUN_ERSPAN_VER]);
    if (key[L.TUN_ERSPAN_VER] === 1) {
      writeBe32(b, o + 4, v[L.TUN_ERSPAN_IDX]);
    } else {
      // erspan_md2 bit fields, little-endian bit order: byte 10 holds
      // hwid_upper:2 ft:5 p:1, byte 11 holds o:1 gra:2 dir:1 hwid:4.
      const hwid = v[L.TUN_ERSPAN_HWID] & 0x3f;
      b[o + 10] = hwid >>> 4;
      b[o + 11] = ((v[L.TUN_ERSPAN_DIR] & 1) << 3) | ((hwid & 0xf) << 4);
    }
  }
  // TODO(#3): Geneve options (OVS_TUNNEL_KEY_ATTR_GENEVE_OPTS) need the raw
  // TLVs, which the layout keeps only through ofproto's TLV mapping table.
  buf.endNested(nest);
}

function fragOut(bits: number, isMask: boolean): number {
  if (isMask) return (bits & (FLOW_NW_FRAG_ANY | FLOW_NW_FRAG_LATER)) !== 0 ? 0xff : 0;
  if ((bits & FLOW_NW_FRAG_ANY) === 0) return O.OVS_FRAG_TYPE_NONE;
  return (bits & FLOW_NW_FRAG_LATER) !== 0 ? O.OVS_FRAG_TYPE_LATER : O.OVS_FRAG_TYPE_FIRST;
}

/** Label stack entries up to and including the bottom of stack, at most three. */
function mplsCount(key: Uint32Array): number {
  for (let i = 0; i < L.MPLS_LABELS; i++) if ((key[L.MPLS_LSE0 + i] & MPLS_BOS_MASK) !== 0) return i + 1;
  return L.MPLS_LABELS;
}

function anyWord(words: Uint32Array, start: number, count: number): boolean {
  for (let i = 0; i < count; i++) if (words[start + i] !== 0) return true;
  return false;
}

/** Layout words (big-endian byte strings) to bytes. */
function putWords(b: Uint8Array, o: number, v: Uint32Array, word: number, count: number): void {
  for (let i = 0; i < count; i++) writeBe32(b, o + 4 * i, v[word + i]);
}

function putMac(b: Uint8Array, o: number, hi: number, lo: number): void {
  b[o] = hi >>> 8;
  b[o + 1] = hi;
  writeBe32(b, o + 2, lo);
}

// --- Decoding ----------------------------------------------------------------

/** Deepest ENCAP nesting a key may have: one per VLAN header the layout holds. */
const MAX_ENCAP_DEPTH = L.VLAN_HEADERS;

/** Offsets and lengths of each key attribute, one table per ENCAP level. */
const LEVEL_OFFSETS: Int32Array[] = [];
const LEVEL_LENGTHS: Int32Array[] = [];
for (let i = 0; i <= MAX_ENCAP_DEPTH; i++) {
  LEVEL_OFFSETS.push(new Int32Array(O.OVS_KEY_ATTR_MAX + 1));
  LEVEL_LENGTHS.push(new Int32Array(O.OVS_KEY_ATTR_MAX + 1));
}
const TUNNEL_OFFSETS = new Int32Array(O.OVS_TUNNEL_KEY_ATTR_MAX + 1);
const TUNNEL_LENGTHS = new Int32Array(O.OVS_TUNNEL_KEY_ATTR_MAX + 1);
const ITER = new NlAttrIter();

export interface OdpKeyParseOptions {
  /** Accept userspace's PACKET_TYPE and ND_EXTENSIONS key types. */
  readonly userspace?: boolean;
  /**
   * Refuse (EINVAL) header attributes the key's own Ethernet type, IP
   * protocol and fragment type do not call for, as the Linux datapath checks
   * the key of a flow put (a TCP attribute in a UDP key, L4 in a later
   * fragment, ND outside a neighbor solicitation or advertisement).
   */
  readonly checkProtocols?: boolean;
}

/**
 * Decodes key attributes (the payload of OVS_FLOW_ATTR_KEY or
 * OVS_PACKET_ATTR_KEY) into `key`, which is cleared first. Returns 0 or
 * EINVAL (bad length, duplicate, unknown or kernel-internal type, an ENCAP
 * without VLAN, more VLANs or MPLS labels than the layout holds, a bad
 * fragment type or ARP opcode), or EOPNOTSUPP for what the layout cannot
 * hold (Geneve options, NSH, IPv6 extension header bits).
 */
export function parseOdpKey(attrs: Uint8Array, key: Uint32Array, options?: OdpKeyParseOptions): number {
  key.fill(0);
  checkProtocols = options?.checkProtocols === true;
  return parseLevel(attrs, 0, attrs.length, key, false, 0, options?.userspace === true);
}

/**
 * Decodes mask attributes (OVS_FLOW_ATTR_MASK) into `mask`, cleared first;
 * absent attributes leave their words wildcarded. Errors as parseOdpKey().
 */
export function parseOdpMask(attrs: Uint8Array, mask: Uint32Array, options?: OdpKeyParseOptions): number {
  mask.fill(0);
  checkProtocols = false;
  return parseLevel(attrs, 0, attrs.length, mask, true, 0, options?.userspace === true);
}

function parseLevel(
  b: Uint8Array, start: number, end: number, out: Uint32Array, isMask: boolean, level: number, userspace: boolean,
): number {
  const offsets = LEVEL_OFFSETS[level];
  const lengths = LEVEL_LENGTHS[level];
  offsets.fill(-1);
  const table = userspace ? KEY_ATTR_LENGTHS_USERSPACE : KEY_ATTR_LENGTHS;
  const it = ITER.reset(b, start, end);
  while (it.next()) {
    const type = it.type;
    if (type > O.OVS_KEY_ATTR_MAX || type === O.OVS_KEY_ATTR_UNSPEC) return EINVAL;
    const want = table[type];
    const len = it.length;
    if (want >= 0 ? len !== want : want === ATTR_LEN_VARIABLE ? (len & 3) !== 0 : want !== ATTR_LEN_NESTED) {
      return EINVAL;
    }
    if (offsets[type] >= 0) return EINVAL;
    offsets[type] = it.offset;
    lengths[type] = len;
  }
  if (it.error !== 0) return it.error;
  if (offsets[O.OVS_KEY_ATTR_NSH] >= 0) return EOPNOTSUPP;
  if (offsets[O.OVS_KEY_ATTR_IPV6_EXTHDRS] >= 0 && readU16(b, offsets[O.OVS_KEY_ATTR_IPV6_EXTHDRS]) !== 0) {
    return EOPNOTSUPP;
  }

  if (level === 0) {
    const error = parseMetadata(b, offsets, out, isMask);
    if (error !== 0) return error;
  } else {
    // Metadata belongs to the outermost level only.
    for (const type of METADATA_TYPES) if (offsets[type] >= 0) return EINVAL;
  }

  const eth = offsets[O.OVS_KEY_ATTR_ETHERNET];
  const ethertype = offsets[O.OVS_KEY_ATTR_ETHERTYPE];
  const vlan = offsets[O.OVS_KEY_ATTR_VLAN];
  const encap = offsets[O.OVS_KEY_ATTR_ENCAP];
  if (eth >= 0) {
    if (level !== 0) return EINVAL;
    out[L.DL_SRC_HI] = (b[eth] << 8) | b[eth + 1];
    out[L.DL_SRC_LO] = readBe32(b, eth + 2);
    out[L.DL_DST_HI] = (b[eth + 6] << 8) | b[eth + 7];
    out[L.DL_DST_LO] = readBe32(b, eth + 8);
  }
  if (vlan >= 0) {
    if (level >= L.VLAN_HEADERS) return EINVAL;
    const tci = readBe16(b, vlan);
    const tpid = ethertype >= 0 ? readBe16(b, ethertype) : 0;
    if (!isMask && (tpid !== ETH_TYPE_VLAN_8021Q && tpid !== ETH_TYPE_VLAN_8021AD)) return EINVAL;
    if (!isMask && (tci & VLAN_CFI) === 0) return EINVAL;
    out[L.VLAN0 + level] = ((tpid << 16) | tci) >>> 0;
    if (encap >= 0) {
      const len = lengths[O.OVS_KEY_ATTR_ENCAP];
      return parseLevel(b, encap, encap + len, out, isMask, level + 1, userspace);
    }
    if (!isMask && !hasNoHeaders(offsets)) return EINVAL;
    return 0;
  }
  if (encap >= 0) return EINVAL;

  let dlType: number;
  if (ethertype >= 0) {
    dlType = readBe16(b, ethertype);
    out[L.DL_TYPE] = dlType;
  } else {
    dlType = FLOW_DL_TYPE_NONE;
    // 802.2 without SNAP type, also inside VLAN tags (the layout has no
    // "truncated after the tag" state: extraction needs the type to count a tag).
    if (!isMask && (level > 0 || eth >= 0)) out[L.DL_TYPE] = FLOW_DL_TYPE_NONE;
  }
  if (!isMask && level === 0 && eth < 0) {
    // No Ethernet header: a layer-3 packet of the given Ethernet type.
    if (ethertype < 0) return EINVAL;
    if (offsets[O.OVS_KEY_ATTR_PACKET_TYPE] < 0) out[L.PACKET_TYPE] = ((PT_NS_ETHERTYPE << 16) | dlType) >>> 0;
  }
  if (checkProtocols && !isMask && hasUnexpected(b, offsets, dlType)) return EINVAL;
  return parseL3(b, offsets, lengths, out, isMask);
}

/** Set per parseOdpKey() call: parsing is synchronous, so a module flag saves threading it through. */
let checkProtocols = false;

/** True when a header attribute is present that the key's protocols do not call for. */
function hasUnexpected(b: Uint8Array, offsets: Int32Array, dlType: number): boolean {
  const ipv4 = dlType === ETH_TYPE_IP;
  const ipv6 = dlType === ETH_TYPE_IPV6;
  if (offsets[O.OVS_KEY_ATTR_IPV4] >= 0 && !ipv4) return true;
  if (offsets[O.OVS_KEY_ATTR_IPV6] >= 0 && !ipv6) return true;
  if (offsets[O.OVS_KEY_ATTR_ARP] >= 0 && dlType !== ETH_TYPE_ARP && dlType !== ETH_TYPE_RARP) return true;
  if (offsets[O.OVS_KEY_ATTR_MPLS] >= 0 && dlType !== ETH_TYPE_MPLS && dlType !== ETH_TYPE_MPLS_MCAST) return true;
  let proto = -1;
  const ip = ipv4 ? offsets[O.OVS_KEY_ATTR_IPV4] : ipv6 ? offsets[O.OVS_KEY_ATTR_IPV6] : -1;
  if (ip >= 0 && b[ip + (ipv4 ? 11 : 39)] !== O.OVS_FRAG_TYPE_LATER) proto = b[ip + (ipv4 ? 8 : 36)];
  if ((offsets[O.OVS_KEY_ATTR_TCP] >= 0 || offsets[O.OVS_KEY_ATTR_TCP_FLAGS] >= 0) && proto !== IPPROTO_TCP) return true;
  if (offsets[O.OVS_KEY_ATTR_UDP] >= 0 && proto !== IPPROTO_UDP) return true;
  if (offsets[O.OVS_KEY_ATTR_SCTP] >= 0 && proto !== IPPROTO_SCTP) return true;
  if (offsets[O.OVS_KEY_ATTR_ICMP] >= 0 && !(ipv4 && proto === IPPROTO_ICMP)) return true;
  const icmpv6 = offsets[O.OVS_KEY_ATTR_ICMPV6];
  if (icmpv6 >= 0 && !(ipv6 && proto === IPPROTO_ICMPV6)) return true;
  if (offsets[O.OVS_KEY_ATTR_ND] >= 0 || offsets[O.OVS_KEY_ATTR_ND_EXTENSIONS] >= 0) {
    if (icmpv6 < 0 || b[icmpv6 + 1] !== 0) return true;
    if (b[icmpv6] !== ND_NEIGHBOR_SOLICIT && b[icmpv6] !== ND_NEIGHBOR_ADVERT) return true;
  }
  return false;
}

/** Key types that describe the packet's receive context, valid only outside ENCAP. */
const METADATA_TYPES = [
  O.OVS_KEY_ATTR_PRIORITY, O.OVS_KEY_ATTR_IN_PORT, O.OVS_KEY_ATTR_SKB_MARK, O.OVS_KEY_ATTR_TUNNEL,
  O.OVS_KEY_ATTR_DP_HASH, O.OVS_KEY_ATTR_RECIRC_ID, O.OVS_KEY_ATTR_CT_STATE, O.OVS_KEY_ATTR_CT_ZONE,
  O.OVS_KEY_ATTR_CT_MARK, O.OVS_KEY_ATTR_CT_LABELS, O.OVS_KEY_ATTR_CT_ORIG_TUPLE_IPV4,
  O.OVS_KEY_ATTR_CT_ORIG_TUPLE_IPV6, O.OVS_KEY_ATTR_PACKET_TYPE,
];

/** A truncated VLAN frame carries nothing after its tag. */
function hasNoHeaders(offsets: Int32Array): boolean {
  for (let t = O.OVS_KEY_ATTR_IPV4; t <= O.OVS_KEY_ATTR_ND; t++) if (offsets[t] >= 0) return false;
  return offsets[O.OVS_KEY_ATTR_SCTP] < 0 && offsets[O.OVS_KEY_ATTR_MPLS] < 0 && offsets[O.OVS_KEY_ATTR_TCP_FLAGS] < 0;
}

function parseMetadata(b: Uint8Array, offsets: Int32Array, out: Uint32Array, isMask: boolean): number {
  let o = offsets[O.OVS_KEY_ATTR_PRIORITY];
  if (o >= 0) out[L.SKB_PRIORITY] = readU32(b, o);
  o = offsets[O.OVS_KEY_ATTR_SKB_MARK];
  if (o >= 0) out[L.PKT_MARK] = readU32(b, o);
  o = offsets[O.OVS_KEY_ATTR_IN_PORT];
  if (o >= 0) out[L.IN_PORT] = readU32(b, o);
  o = offsets[O.OVS_KEY_ATTR_RECIRC_ID];
  if (o >= 0) out[L.RECIRC_ID] = readU32(b, o);
  o = offsets[O.OVS_KEY_ATTR_DP_HASH];
  if (o >= 0) out[L.DP_HASH] = readU32(b, o);
  o = offsets[O.OVS_KEY_ATTR_CT_STATE];
  if (o >= 0) out[L.CT_STATE] = readU32(b, o);
  o = offsets[O.OVS_KEY_ATTR_CT_ZONE];
  if (o >= 0) out[L.CT_ZONE] = readU16(b, o);
  o = offsets[O.OVS_KEY_ATTR_CT_MARK];
  if (o >= 0) out[L.CT_MARK] = readU32(b, o);
  o = offsets[O.OVS_KEY_ATTR_CT_LABELS];
  if (o >= 0) for (let i = 0; i < 4; i++) out[L.CT_LABEL + 3 - i] = readU32(b, o + 4 * i);
  o = offsets[O.OVS_KEY_ATTR_CT_ORIG_TUPLE_IPV4];
  if (o >= 0) {
    out[L.CT_NW_SRC] = readBe32(b, o);
    out[L.CT_NW_DST] = readBe32(b, o + 4);
    out[L.CT_TP_SRC] = readBe16(b, o + 8);
    out[L.CT_TP_DST] = readBe16(b, o + 10);
    out[L.CT_NW_PROTO] = b[o + 12];
  }
  o = offsets[O.OVS_KEY_ATTR_CT_ORIG_TUPLE_IPV6];
  if (o >= 0) {
    readWords(b, o, out, L.CT_IPV6_SRC, 4);
    readWords(b, o + 16, out, L.CT_IPV6_DST, 4);
    out[L.CT_TP_SRC] = readBe16(b, o + 32);
    out[L.CT_TP_DST] = readBe16(b, o + 34);
    out[L.CT_NW_PROTO] = b[o + 36];
  }
  o = offsets[O.OVS_KEY_ATTR_PACKET_TYPE];
  if (o >= 0) out[L.PACKET_TYPE] = readBe32(b, o);
  o = offsets[O.OVS_KEY_ATTR_TUNNEL];
  if (o >= 0) return parseTunnel(b, o, o + LEVEL_LENGTHS[0][O.OVS_KEY_ATTR_TUNNEL], out, isMask);
  return 0;
}

function parseTunnel(b: Uint8Array, start: number, end: number, out: Uint32Array, isMask: boolean): number {
  const offsets = TUNNEL_OFFSETS;
  offsets.fill(-1);
  const it = ITER.reset(b, start, end);
  while (it.next()) {
    const type = it.type;
    if (type > O.OVS_TUNNEL_KEY_ATTR_MAX) return EINVAL;
    const want = TUNNEL_KEY_ATTR_LENGTHS[type];
    const len = it.length;
    if (want >= 0 ? len !== want : want === ATTR_LEN_VARIABLE ? (len & 3) !== 0 : want !== ATTR_LEN_NESTED) {
      return EINVAL;
    }
    if (offsets[type] >= 0) return EINVAL;
    offsets[type] = it.offset;
    TUNNEL_LENGTHS[type] = len;
  }
  if (it.error !== 0) return it.error;
  if (offsets[O.OVS_TUNNEL_KEY_ATTR_IPV4_INFO_BRIDGE] >= 0) return EOPNOTSUPP;
  if (offsets[O.OVS_TUNNEL_KEY_ATTR_GENEVE_OPTS] >= 0 && TUNNEL_LENGTHS[O.OVS_TUNNEL_KEY_ATTR_GENEVE_OPTS] > 0) {
    return EOPNOTSUPP;
  }
  let flags = 0;
  let o = offsets[O.OVS_TUNNEL_KEY_ATTR_ID];
  if (o >= 0) {
    out[L.TUN_ID_HI] = readBe32(b, o);
    out[L.TUN_ID_LO] = readBe32(b, o + 4);
    if (!isMask) flags |= TNL_F_KEY;
  }
  o = offsets[O.OVS_TUNNEL_KEY_ATTR_IPV4_SRC];
  if (o >= 0) out[L.TUN_IPV4_SRC] = readBe32(b, o);
  o = offsets[O.OVS_TUNNEL_KEY_ATTR_IPV4_DST];
  if (o >= 0) out[L.TUN_IPV4_DST] = readBe32(b, o);
  o = offsets[O.OVS_TUNNEL_KEY_ATTR_IPV6_SRC];
  if (o >= 0) readWords(b, o, out, L.TUN_IPV6_SRC, 4);
  o = offsets[O.OVS_TUNNEL_KEY_ATTR_IPV6_DST];
  if (o >= 0) readWords(b, o, out, L.TUN_IPV6_DST, 4);
  o = offsets[O.OVS_TUNNEL_KEY_ATTR_TOS];
  if (o >= 0) out[L.TUN_TOS] = b[o];
  o = offsets[O.OVS_TUNNEL_KEY_ATTR_TTL];
  if (o >= 0) out[L.TUN_TTL] = b[o];
  if (offsets[O.OVS_TUNNEL_KEY_ATTR_DONT_FRAGMENT] >= 0) flags |= TNL_F_DONT_FRAGMENT;
  if (offsets[O.OVS_TUNNEL_KEY_ATTR_CSUM] >= 0) flags |= TNL_F_CSUM;
  if (offsets[O.OVS_TUNNEL_KEY_ATTR_OAM] >= 0) flags |= TNL_F_OAM;
  out[L.TUN_FLAGS] = flags;
  o = offsets[O.OVS_TUNNEL_KEY_ATTR_TP_SRC];
  if (o >= 0) out[L.TUN_TP_SRC] = readBe16(b, o);
  o = offsets[O.OVS_TUNNEL_KEY_ATTR_TP_DST];
  if (o >= 0) out[L.TUN_TP_DST] = readBe16(b, o);
  o = offsets[O.OVS_TUNNEL_KEY_ATTR_VXLAN_OPTS];
  if (o >= 0) {
    const vxlan = ITER.reset(b, o, o + TUNNEL_LENGTHS[O.OVS_TUNNEL_KEY_ATTR_VXLAN_OPTS]);
    while (vxlan.next()) {
      if (vxlan.type !== O.OVS_VXLAN_EXT_GBP || vxlan.length !== 4) return EINVAL;
      const gbp = readU32(b, vxlan.offset);
      out[L.TUN_GBP_ID] = gbp & 0xffff;
      out[L.TUN_GBP_FLAGS] = (gbp >>> 16) & 0xff;
    }
    if (vxlan.error !== 0) return vxlan.error;
  }
  o = offsets[O.OVS_TUNNEL_KEY_ATTR_ERSPAN_OPTS];
  if (o >= 0) {
    const version = readI32(b, o);
    out[L.TUN_ERSPAN_VER] = version >>> 0;
    if (!isMask && version !== 1 && version !== 2) return EINVAL;
    if (version === 1 || (isMask && b[o + 10] === 0 && b[o + 11] === 0)) {
      out[L.TUN_ERSPAN_IDX] = readBe32(b, o + 4);
    } else {
      out[L.TUN_ERSPAN_HWID] = ((b[o + 10] & 0x3) << 4) | (b[o + 11] >>> 4);
      out[L.TUN_ERSPAN_DIR] = (b[o + 11] >>> 3) & 1;
    }
  }
  return 0;
}

function parseL3(b: Uint8Array, offsets: Int32Array, lengths: Int32Array, out: Uint32Array, isMask: boolean): number {
  let o = offsets[O.OVS_KEY_ATTR_IPV4];
  let ipv6 = false;
  if (o < 0) {
    o = offsets[O.OVS_KEY_ATTR_IPV6];
    ipv6 = o >= 0;
  }
  if (o >= 0) {
    if (offsets[O.OVS_KEY_ATTR_IPV4] >= 0 && offsets[O.OVS_KEY_ATTR_IPV6] >= 0) return EINVAL;
    let frag: number;
    if (ipv6) {
      readWords(b, o, out, L.IPV6_SRC, 4);
      readWords(b, o + 16, out, L.IPV6_DST, 4);
      out[L.IPV6_LABEL] = readBe32(b, o + 32);
      out[L.NW_PROTO] = b[o + 36];
      out[L.NW_TOS] = b[o + 37];
      out[L.NW_TTL] = b[o + 38];
      frag = b[o + 39];
    } else {
      out[L.NW_SRC] = readBe32(b, o);
      out[L.NW_DST] = readBe32(b, o + 4);
      out[L.NW_PROTO] = b[o + 8];
      out[L.NW_TOS] = b[o + 9];
      out[L.NW_TTL] = b[o + 10];
      frag = b[o + 11];
    }
    if (isMask) {
      out[L.NW_FRAG] = ((frag & 1) !== 0 ? FLOW_NW_FRAG_ANY : 0) | ((frag & 2) !== 0 ? FLOW_NW_FRAG_LATER : 0);
    } else if (frag === O.OVS_FRAG_TYPE_NONE) {
      out[L.NW_FRAG] = 0;
    } else if (frag === O.OVS_FRAG_TYPE_FIRST) {
      out[L.NW_FRAG] = FLOW_NW_FRAG_ANY;
    } else if (frag === O.OVS_FRAG_TYPE_LATER) {
      out[L.NW_FRAG] = FLOW_NW_FRAG_ANY | FLOW_NW_FRAG_LATER;
    } else {
      return EINVAL;
    }
  } else if ((o = offsets[O.OVS_KEY_ATTR_ARP]) >= 0) {
    out[L.NW_SRC] = readBe32(b, o);
    out[L.NW_DST] = readBe32(b, o + 4);
    const op = readBe16(b, o + 8);
    if (!isMask && op > 0xff) return EINVAL;
    out[L.NW_PROTO] = op & 0xff;
    out[L.ARP_SHA_HI] = (b[o + 10] << 8) | b[o + 11];
    out[L.ARP_SHA_LO] = readBe32(b, o + 12);
    out[L.ARP_THA_HI] = (b[o + 16] << 8) | b[o + 17];
    out[L.ARP_THA_LO] = readBe32(b, o + 18);
  } else if ((o = offsets[O.OVS_KEY_ATTR_MPLS]) >= 0) {
    const len = lengths[O.OVS_KEY_ATTR_MPLS];
    if (len === 0 || len > 4 * L.MPLS_LABELS) return EINVAL;
    readWords(b, o, out, L.MPLS_LSE0, len >>> 2);
  }

  let p = offsets[O.OVS_KEY_ATTR_TCP];
  if (p < 0) p = offsets[O.OVS_KEY_ATTR_UDP];
  if (p < 0) p = offsets[O.OVS_KEY_ATTR_SCTP];
  if (p >= 0) {
    out[L.TP_SRC] = readBe16(b, p);
    out[L.TP_DST] = readBe16(b, p + 2);
  }
  p = offsets[O.OVS_KEY_ATTR_TCP_FLAGS];
  if (p >= 0) out[L.TCP_FLAGS] = readBe16(b, p);
  p = offsets[O.OVS_KEY_ATTR_ICMP];
  if (p < 0) p = offsets[O.OVS_KEY_ATTR_ICMPV6];
  if (p >= 0) {
    out[L.TP_SRC] = b[p];
    out[L.TP_DST] = b[p + 1];
  }
  p = offsets[O.OVS_KEY_ATTR_ND];
  if (p >= 0) {
    readWords(b, p, out, L.ND_TARGET, 4);
    out[L.ARP_SHA_HI] = (b[p + 16] << 8) | b[p + 17];
    out[L.ARP_SHA_LO] = readBe32(b, p + 18);
    out[L.ARP_THA_HI] = (b[p + 22] << 8) | b[p + 23];
    out[L.ARP_THA_LO] = readBe32(b, p + 24);
  }
  p = offsets[O.OVS_KEY_ATTR_ND_EXTENSIONS];
  if (p >= 0) {
    out[L.ND_RESERVED] = readBe32(b, p);
    out[L.ND_OPTIONS_TYPE] = b[p + 4];
  }
  return 0;
}

function readWords(b: Uint8Array, o: number, out: Uint32Array, word: number, count: number): void {
  for (let i = 0; i < count; i++) out[word + i] = readBe32(b, o + 4 * i);
}
