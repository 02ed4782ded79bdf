// OpenFlow match codecs: the OpenFlow 1.0 ofp_match (wildcard bits), the
// OpenFlow 1.1 ofp_match (masks, 88 bytes), and NXM/OXM (TLVs, OpenFlow 1.2+
// and Nicira extensions, including experimenter OXMs), to and from the Match
// of src/flow. Message codecs (messages.ts) call these; field names, widths
// and header numbers come from src/flow/fields.ts. Decoding checks what Open
// vSwitch checks (lengths, masks, duplicates, prerequisites) and fails with
// the same OfpError names; encoding writes fields in the order Open vSwitch
// writes them, so that decode-then-encode of its messages is byte-exact.

import {
  type MatchField, type Prerequisite, fieldByHeader, fieldByName, getFieldMasked, OXM_CLASSES, setFieldMasked,
} from '../flow/fields.js';
import * as L from '../flow/layout.js';
import { Match } from '../flow/match.js';
import { OfpError } from './ofp-error.js';
import { OfpReader, OfpWriter } from './ofpbuf.js';
import { OFP11_VERSION, OFP12_VERSION, OFP13_VERSION, OFP15_VERSION } from './errors.js';

// --- OpenFlow 1.0 ofp_match ----------------------------------------------------

const OFPFW10_IN_PORT = 1 << 0;
const OFPFW10_DL_VLAN = 1 << 1;
const OFPFW10_DL_SRC = 1 << 2;
const OFPFW10_DL_DST = 1 << 3;
const OFPFW10_DL_TYPE = 1 << 4;
const OFPFW10_NW_PROTO = 1 << 5;
const OFPFW10_TP_SRC = 1 << 6;
const OFPFW10_TP_DST = 1 << 7;
const OFPFW10_NW_SRC_SHIFT = 8;
const OFPFW10_NW_DST_SHIFT = 14;
const OFPFW10_DL_VLAN_PCP = 1 << 20;
const OFPFW10_NW_TOS = 1 << 21;
/** Size of ofp10_match. */
export const OFP10_MATCH_SIZE = 40;
/** OF1.0's dl_vlan value meaning "no VLAN header". */
const OFP10_VLAN_NONE = 0xffff;
const VLAN_CFI = 0x1000;

const ETH_TYPE_IP = 0x0800;
const ETH_TYPE_IPV6 = 0x86dd;
const ETH_TYPE_ARP = 0x0806;
const ETH_TYPE_RARP = 0x8035;
const ETH_TYPE_MPLS = 0x8847;
const ETH_TYPE_MPLS_MCAST = 0x8848;
const ETH_TYPE_NSH = 0x894f;

/** A CIDR prefix mask from a count of wildcarded low bits (32 or more: nothing). */
function wildcardBitsToMask(bits: number): number {
  return bits >= 32 ? 0 : (0xffffffff << bits) >>> 0;
}

/** Counts the wildcarded low bits of a prefix mask (32 for none), -1 when not a prefix. */
function maskToWildcardBits(mask: number): number {
  if (mask === 0) return 32;
  let bits = 0;
  while (bits < 32 && ((mask >>> bits) & 1) === 0) bits++;
  return wildcardBitsToMask(bits) === mask >>> 0 ? bits : -1;
}

function isIpProtoWithPorts(proto: number): boolean {
  return proto === 6 || proto === 17 || proto === 132 || proto === 1;
}

/** Reads an OF1.0 ofp_match (40 bytes) into a Match. */
export function decodeOf10Match(r: OfpReader): Match {
  const match = new Match();
  const wc = r.u32();
  const inPort = r.u16();
  const dlSrc = r.bytesView(6);
  const dlDst = r.bytesView(6);
  const dlVlan = r.u16();
  const dlVlanPcp = r.u8();
  r.skip(1);
  const dlType = r.u16();
  const nwTos = r.u8();
  const nwProto = r.u8();
  r.skip(2);
  const nwSrc = r.u32();
  const nwDst = r.u32();
  const tpSrc = r.u16();
  const tpDst = r.u16();

  if (!(wc & OFPFW10_IN_PORT)) match.setMasked(L.IN_PORT, inPort, 0xffff);
  if (!(wc & OFPFW10_DL_SRC)) setEth(match, L.DL_SRC_HI, dlSrc);
  if (!(wc & OFPFW10_DL_DST)) setEth(match, L.DL_DST_HI, dlDst);
  if (!(wc & OFPFW10_DL_TYPE)) match.setMasked(L.DL_TYPE, dlType < 0x600 ? 0x05ff : dlType, 0xffff);
  // VLAN: dl_vlan 0xffff means "no header"; a VID or a PCP means "a header".
  if (!(wc & OFPFW10_DL_VLAN)) {
    if (dlVlan === OFP10_VLAN_NONE) {
      setTci(match, 0, 0xffff);
    } else {
      let tci = (dlVlan & 0x0fff) | VLAN_CFI;
      let mask = 0x1fff;
      if (!(wc & OFPFW10_DL_VLAN_PCP)) {
        tci |= (dlVlanPcp & 7) << 13;
        mask |= 0xe000;
      }
      setTci(match, tci, mask);
    }
  } else if (!(wc & OFPFW10_DL_VLAN_PCP)) {
    setTci(match, ((dlVlanPcp & 7) << 13) | VLAN_CFI, 0xf000);
  }
  const type = wc & OFPFW10_DL_TYPE ? -1 : dlType;
  if (type === ETH_TYPE_IP || type === ETH_TYPE_ARP || type === ETH_TYPE_RARP) {
    const srcMask = wildcardBitsToMask((wc >>> OFPFW10_NW_SRC_SHIFT) & 0x3f);
    const dstMask = wildcardBitsToMask((wc >>> OFPFW10_NW_DST_SHIFT) & 0x3f);
    if (srcMask) match.setMasked(L.NW_SRC, nwSrc, srcMask);
    if (dstMask) match.setMasked(L.NW_DST, nwDst, dstMask);
    if (!(wc & OFPFW10_NW_PROTO)) match.setMasked(L.NW_PROTO, nwProto, 0xff);
  }
  if (type === ETH_TYPE_IP) {
    if (!(wc & OFPFW10_NW_TOS)) match.setMasked(L.NW_TOS, nwTos & 0xfc, 0xfc);
    if (!(wc & OFPFW10_NW_PROTO) && isIpProtoWithPorts(nwProto)) {
      if (!(wc & OFPFW10_TP_SRC)) match.setMasked(L.TP_SRC, tpSrc, 0xffff);
      if (!(wc & OFPFW10_TP_DST)) match.setMasked(L.TP_DST, tpDst, 0xffff);
    }
  }
  return match;
}

/** Writes `match` as an OF1.0 ofp_match; what it cannot say is left out. */
export function encodeOf10Match(match: Match, w: OfpWriter): void {
  const k = match.key;
  const m = match.mask;
  let wc = OFPFW10_NW_TOS | OFPFW10_DL_VLAN_PCP | OFPFW10_IN_PORT | OFPFW10_DL_VLAN | OFPFW10_DL_SRC |
    OFPFW10_DL_DST | OFPFW10_DL_TYPE | OFPFW10_NW_PROTO | OFPFW10_TP_SRC | OFPFW10_TP_DST;
  if (m[L.IN_PORT]) wc &= ~OFPFW10_IN_PORT;
  if (m[L.DL_SRC_HI] || m[L.DL_SRC_LO]) wc &= ~OFPFW10_DL_SRC;
  if (m[L.DL_DST_HI] || m[L.DL_DST_LO]) wc &= ~OFPFW10_DL_DST;
  if (m[L.DL_TYPE]) wc &= ~OFPFW10_DL_TYPE;
  if (m[L.NW_PROTO]) wc &= ~OFPFW10_NW_PROTO;
  if (m[L.TP_SRC]) wc &= ~OFPFW10_TP_SRC;
  if (m[L.TP_DST]) wc &= ~OFPFW10_TP_DST;
  if (m[L.NW_TOS] & 0xfc) wc &= ~OFPFW10_NW_TOS;
  const srcBits = Math.max(0, maskToWildcardBits(m[L.NW_SRC]));
  const dstBits = Math.max(0, maskToWildcardBits(m[L.NW_DST]));
  wc |= srcBits << OFPFW10_NW_SRC_SHIFT;
  wc |= dstBits << OFPFW10_NW_DST_SHIFT;
  // VLAN.
  const tci = k[L.VLAN0] & 0xffff;
  const tciMask = m[L.VLAN0] & 0xffff;
  let dlVlan = 0;
  let pcp = 0;
  if (tciMask !== 0) {
    if (tci === 0 && (tciMask & 0x1fff) === 0x1fff) {
      dlVlan = OFP10_VLAN_NONE;
      wc &= ~OFPFW10_DL_VLAN;
    } else if ((tciMask & 0x0fff) === 0x0fff) {
      dlVlan = tci & 0x0fff;
      wc &= ~OFPFW10_DL_VLAN;
    }
    if ((tciMask & 0xe000) === 0xe000) {
      pcp = tci >>> 13;
      wc &= ~OFPFW10_DL_VLAN_PCP;
    }
  }
  w.u32(wc >>> 0);
  w.u16(k[L.IN_PORT] & 0xffff);
  putEth(w, k[L.DL_SRC_HI], k[L.DL_SRC_LO]);
  putEth(w, k[L.DL_DST_HI], k[L.DL_DST_LO]);
  w.u16(dlVlan);
  w.u8(pcp);
  w.zeros(1);
  w.u16(k[L.DL_TYPE] & 0xffff);
  w.u8(k[L.NW_TOS] & 0xfc);
  w.u8(k[L.NW_PROTO] & 0xff);
  w.zeros(2);
  w.u32(k[L.NW_SRC]);
  w.u32(k[L.NW_DST]);
  w.u16(k[L.TP_SRC] & 0xffff);
  w.u16(k[L.TP_DST] & 0xffff);
}

function setEth(match: Match, hiWord: number, bytes: Uint8Array, maskBytes?: Uint8Array): void {
  const hi = (bytes[0] << 8) | bytes[1];
  const lo = ((bytes[2] << 24) | (bytes[3] << 16) | (bytes[4] << 8) | bytes[5]) >>> 0;
  const mhi = maskBytes ? (maskBytes[0] << 8) | maskBytes[1] : 0xffff;
  const mlo = maskBytes ? ((maskBytes[2] << 24) | (maskBytes[3] << 16) | (maskBytes[4] << 8) | maskBytes[5]) >>> 0 : 0xffffffff;
  match.setMasked(hiWord, hi, mhi);
  match.setMasked(hiWord + 1, lo, mlo);
}

function putEth(w: OfpWriter, hi: number, lo: number): void {
  w.u16(hi & 0xffff);
  w.u32(lo);
}

function setTci(match: Match, tci: number, mask: number): void {
  const word = L.VLAN0;
  match.mask[word] = ((match.mask[word] & 0xffff0000) | mask) >>> 0;
  match.key[word] = (((match.key[word] & 0xffff0000) | tci) & match.mask[word]) >>> 0;
}

// --- OpenFlow 1.1 ofp_match (OFPMT_STANDARD) -----------------------------------

const OFPMT_STANDARD = 0;
const OFPMT_OXM = 1;
export const OFP11_MATCH_SIZE = 88;
const OFPFW11_IN_PORT = 1 << 0;
const OFPFW11_DL_VLAN = 1 << 1;
const OFPFW11_DL_VLAN_PCP = 1 << 2;
const OFPFW11_DL_TYPE = 1 << 3;
const OFPFW11_NW_TOS = 1 << 4;
const OFPFW11_NW_PROTO = 1 << 5;
const OFPFW11_TP_SRC = 1 << 6;
const OFPFW11_TP_DST = 1 << 7;
const OFPFW11_MPLS_LABEL = 1 << 8;
const OFPFW11_MPLS_TC = 1 << 9;
const OFPFW11_ALL = (1 << 10) - 1;
/** OF1.1 dl_vlan values: any VLAN header (with or without a VID), none. */
const OFPVID11_ANY = 0xfffe;
const OFPVID11_NONE = 0xffff;

/** Reads an OF1.1 ofp_match (88 bytes, type and length included). */
export function decodeOf11Match(r: OfpReader): Match {
  const type = r.u16();
  const length = r.u16();
  if (type !== OFPMT_STANDARD) throw new OfpError('OFPBMC_BAD_TYPE', `OpenFlow 1.1 match type ${type}`);
  if (length !== OFP11_MATCH_SIZE) throw new OfpError('OFPBMC_BAD_LEN', `OpenFlow 1.1 match length ${length}`);
  const match = new Match();
  const inPort = r.u32();
  const wc = r.u32();
  const dlSrc = r.bytesView(6);
  const dlSrcMask = r.bytesView(6);
  const dlDst = r.bytesView(6);
  const dlDstMask = r.bytesView(6);
  const dlVlan = r.u16();
  const dlVlanPcp = r.u8();
  r.skip(1);
  const dlType = r.u16();
  const nwTos = r.u8();
  const nwProto = r.u8();
  const nwSrc = r.u32();
  const nwSrcMask = r.u32();
  const nwDst = r.u32();
  const nwDstMask = r.u32();
  const tpSrc = r.u16();
  const tpDst = r.u16();
  const mplsLabel = r.u32();
  const mplsTc = r.u8();
  r.skip(3);
  const metadata = [r.u32(), r.u32()];
  const metadataMask = [r.u32(), r.u32()];

  if (!(wc & OFPFW11_IN_PORT)) match.setMasked(L.IN_PORT, port11To10(inPort), 0xffff);
  const invert = (b: Uint8Array): Uint8Array => b.map((x) => ~x & 0xff);
  const srcMask = invert(dlSrcMask);
  const dstMask = invert(dlDstMask);
  if (srcMask.some((b) => b !== 0)) setEth(match, L.DL_SRC_HI, dlSrc, srcMask);
  if (dstMask.some((b) => b !== 0)) setEth(match, L.DL_DST_HI, dlDst, dstMask);
  if (!(wc & OFPFW11_DL_VLAN)) {
    if (dlVlan === OFPVID11_NONE) {
      setTci(match, 0, 0xffff);
    } else if (dlVlan === OFPVID11_ANY) {
      setTci(match, VLAN_CFI, VLAN_CFI);
    } else {
      if (dlVlan > 0x0fff) throw new OfpError('OFPBMC_BAD_VALUE', `dl_vlan ${dlVlan}`);
      setTci(match, dlVlan | VLAN_CFI, 0x1fff);
    }
    if (!(wc & OFPFW11_DL_VLAN_PCP) && dlVlan !== OFPVID11_NONE) {
      if (dlVlanPcp > 7) throw new OfpError('OFPBMC_BAD_VALUE', `dl_vlan_pcp ${dlVlanPcp}`);
      const word = match.key[L.VLAN0] & 0xffff;
      const mask = match.mask[L.VLAN0] & 0xffff;
      setTci(match, word | (dlVlanPcp << 13) | VLAN_CFI, mask | 0xe000 | VLAN_CFI);
    }
  }
  if (!(wc & OFPFW11_DL_TYPE)) match.setMasked(L.DL_TYPE, dlType < 0x600 ? 0x05ff : dlType, 0xffff);
  const type11 = wc & OFPFW11_DL_TYPE ? -1 : dlType;
  const ipv4 = type11 === ETH_TYPE_IP;
  const arp = type11 === ETH_TYPE_ARP || type11 === ETH_TYPE_RARP;
  if (ipv4) {
    if (!(wc & OFPFW11_NW_TOS)) {
      if (nwTos & 3) throw new OfpError('OFPBMC_BAD_VALUE', `nw_tos ${nwTos}`);
      match.setMasked(L.NW_TOS, nwTos, 0xfc);
    }
  }
  if (ipv4 || arp) {
    if (!(wc & OFPFW11_NW_PROTO)) match.setMasked(L.NW_PROTO, nwProto, 0xff);
    if (~nwSrcMask >>> 0) match.setMasked(L.NW_SRC, nwSrc, ~nwSrcMask >>> 0);
    if (~nwDstMask >>> 0) match.setMasked(L.NW_DST, nwDst, ~nwDstMask >>> 0);
  }
  if (ipv4 && !(wc & OFPFW11_NW_PROTO) && isIpProtoWithPorts(nwProto)) {
    if (!(wc & OFPFW11_TP_SRC)) match.setMasked(L.TP_SRC, tpSrc, 0xffff);
    if (!(wc & OFPFW11_TP_DST)) match.setMasked(L.TP_DST, tpDst, 0xffff);
  }
  if (type11 === ETH_TYPE_MPLS || type11 === ETH_TYPE_MPLS_MCAST) {
    if (!(wc & OFPFW11_MPLS_LABEL)) {
      match.mask[L.MPLS_LSE0] |= 0xfffff000;
      match.key[L.MPLS_LSE0] = ((match.key[L.MPLS_LSE0] & 0xfff) | (mplsLabel << 12)) >>> 0;
    }
    if (!(wc & OFPFW11_MPLS_TC)) {
      match.mask[L.MPLS_LSE0] = (match.mask[L.MPLS_LSE0] | 0xe00) >>> 0;
      match.key[L.MPLS_LSE0] = ((match.key[L.MPLS_LSE0] & ~0xe00) | ((mplsTc & 7) << 9)) >>> 0;
    }
  }
  const mm0 = ~metadataMask[0] >>> 0;
  const mm1 = ~metadataMask[1] >>> 0;
  if (mm0 || mm1) {
    match.setMasked(L.METADATA_HI, metadata[0], mm0);
    match.setMasked(L.METADATA_LO, metadata[1], mm1);
  }
  return match;
}

/** Writes `match` as an OF1.1 ofp_match. */
export function encodeOf11Match(match: Match, w: OfpWriter): void {
  const k = match.key;
  const m = match.mask;
  let wc = OFPFW11_ALL;
  w.u16(OFPMT_STANDARD);
  w.u16(OFP11_MATCH_SIZE);
  if (m[L.IN_PORT]) wc &= ~OFPFW11_IN_PORT;
  w.u32(port10To11(k[L.IN_PORT]));
  const wcAt = w.reserve(4);
  putEth(w, k[L.DL_SRC_HI], k[L.DL_SRC_LO]);
  putEth(w, ~m[L.DL_SRC_HI], ~m[L.DL_SRC_LO] >>> 0);
  putEth(w, k[L.DL_DST_HI], k[L.DL_DST_LO]);
  putEth(w, ~m[L.DL_DST_HI], ~m[L.DL_DST_LO] >>> 0);
  const tci = k[L.VLAN0] & 0xffff;
  const tciMask = m[L.VLAN0] & 0xffff;
  let dlVlan = 0;
  let pcp = 0;
  if (tciMask & VLAN_CFI) {
    wc &= ~OFPFW11_DL_VLAN;
    if (!(tci & VLAN_CFI)) dlVlan = OFPVID11_NONE;
    else if ((tciMask & 0x0fff) === 0x0fff) dlVlan = tci & 0x0fff;
    else dlVlan = OFPVID11_ANY;
    if ((tciMask & 0xe000) === 0xe000 && dlVlan !== OFPVID11_NONE) {
      wc &= ~OFPFW11_DL_VLAN_PCP;
      pcp = tci >>> 13;
    }
  }
  w.u16(dlVlan);
  w.u8(pcp);
  w.zeros(1);
  if (m[L.DL_TYPE]) wc &= ~OFPFW11_DL_TYPE;
  w.u16(k[L.DL_TYPE] & 0xffff);
  if (m[L.NW_TOS] & 0xfc) wc &= ~OFPFW11_NW_TOS;
  w.u8(k[L.NW_TOS] & 0xfc);
  if (m[L.NW_PROTO]) wc &= ~OFPFW11_NW_PROTO;
  w.u8(k[L.NW_PROTO] & 0xff);
  w.u32(k[L.NW_SRC]);
  w.u32(~m[L.NW_SRC] >>> 0);
  w.u32(k[L.NW_DST]);
  w.u32(~m[L.NW_DST] >>> 0);
  if (m[L.TP_SRC]) wc &= ~OFPFW11_TP_SRC;
  if (m[L.TP_DST]) wc &= ~OFPFW11_TP_DST;
  w.u16(k[L.TP_SRC] & 0xffff);
  w.u16(k[L.TP_DST] & 0xffff);
  if (m[L.MPLS_LSE0] & 0xfffff000) wc &= ~OFPFW11_MPLS_LABEL;
  if (m[L.MPLS_LSE0] & 0xe00) wc &= ~OFPFW11_MPLS_TC;
  w.u32(k[L.MPLS_LSE0] >>> 12);
  w.u8((k[L.MPLS_LSE0] >>> 9) & 7);
  w.zeros(3);
  w.u32(k[L.METADATA_HI]);
  w.u32(k[L.METADATA_LO]);
  w.u32(~m[L.METADATA_HI] >>> 0);
  w.u32(~m[L.METADATA_LO] >>> 0);
  w.setU32(wcAt, wc);
}

/** An OF1.1+ 32-bit port number as the 16-bit one the key holds. */
export function port11To10(port: number): number {
  if (port < 0xff00) return port;
  if (port >= 0xffffff00) return (port - 0xffff0000) >>> 0;
  throw new OfpError('OFPBRC_BAD_PORT', `port ${port} is out of range`);
}

export function port10To11(port: number): number {
  return port >= 0xff00 ? (port + 0xffff0000) >>> 0 : port;
}

// --- NXM and OXM ---------------------------------------------------------------

/** The Nicira cookie pseudo-field in NXT_FLOW_MOD and NXST_FLOW matches. */
const NXM_NX_COOKIE_FIELD = 30;

/** The OpenFlow version from which an OXM header may be used (NXM headers: always). */
const HEADER_MIN_VERSION: Readonly<Record<string, number>> = {
  OXM_OF_TUNNEL_ID: OFP13_VERSION,
  ONFOXM_ET_TCP_FLAGS: OFP13_VERSION,
  ONFOXM_ET_ACTSET_OUTPUT: OFP13_VERSION,
  OXM_OF_TCP_FLAGS: OFP15_VERSION,
  OXM_OF_ACTSET_OUTPUT: OFP15_VERSION,
  OXM_OF_PACKET_TYPE: OFP15_VERSION,
};

function headerMinVersion(name: string, prefix: string): number {
  if (HEADER_MIN_VERSION[name] !== undefined) return HEADER_MIN_VERSION[name];
  if (prefix.startsWith('OXM_OF_PKT_REG')) return OFP15_VERSION;
  return prefix === 'OXM_OF' || prefix === 'OXM_OF_PKT_REG' ? OFP12_VERSION : 0;
}

/** The wire header a field uses in `version` (0 means NXM). */
function headerFor(field: MatchField, version: number): { oxmClass: number; field: number; experimenter?: number } | undefined {
  let best: { name: string; prefix: string; field: number } | undefined;
  let bestVersion = -1;
  for (const h of field.headers) {
    const min = headerMinVersion(h.name, h.prefix);
    const isOxm = min > 0;
    if (version < OFP12_VERSION) {
      // NXM (and OpenFlow 1.1's OXM, which predates OXM headers) prefers
      // Nicira headers; fields that have only OXM headers use those.
      const rank = isOxm ? 0 : 1;
      if (rank > bestVersion) {
        best = h;
        bestVersion = rank;
      }
    } else if (min <= version && min > bestVersion) {
      best = h;
      bestVersion = min;
    }
  }
  if (!best) return undefined;
  const c: { oxmClass: number; experimenter?: number } = OXM_CLASSES[best.prefix as keyof typeof OXM_CLASSES];
  return c.experimenter === undefined ? { oxmClass: c.oxmClass, field: best.field }
    : { oxmClass: c.oxmClass, field: best.field, experimenter: c.experimenter };
}

/** Options for decoding NXM/OXM. */
export interface NxMatchOptions {
  /** Whether a cookie pseudo-field (NXM_NX_COOKIE) may appear (NXT_FLOW_MOD, NXST_FLOW). */
  readonly allowCookie?: boolean;
}

export interface NxMatchResult {
  readonly match: Match;
  /** Cookie and mask from NXM_NX_COOKIE(_W), as [high, low] halves. */
  readonly cookie?: readonly [number, number];
  readonly cookieMask?: readonly [number, number];
}

function exactWord(match: Match, word: number, mask: number, value: number): boolean {
  return (match.mask[word] & mask) >>> 0 === mask && (match.key[word] & mask) >>> 0 === value;
}

/** Whether `match` establishes what `prereq` asks for. */
export function prerequisitesMet(match: Match, prereq: Prerequisite): boolean {
  const dlType = (match.mask[L.DL_TYPE] & 0xffff) === 0xffff ? match.key[L.DL_TYPE] & 0xffff : -1;
  const proto = (match.mask[L.NW_PROTO] & 0xff) === 0xff ? match.key[L.NW_PROTO] & 0xff : -1;
  const ip = dlType === ETH_TYPE_IP || dlType === ETH_TYPE_IPV6;
  switch (prereq) {
    case 'none':
    case 'ct':
      return true;
    case 'ethernet':
      return (match.mask[L.PACKET_TYPE] === 0) || match.key[L.PACKET_TYPE] === 0;
    case 'vlan-vid':
      return exactWord(match, L.VLAN0, VLAN_CFI, VLAN_CFI);
    case 'mpls':
      return dlType === ETH_TYPE_MPLS || dlType === ETH_TYPE_MPLS_MCAST;
    case 'ipv4':
      return dlType === ETH_TYPE_IP;
    case 'ipv6':
      return dlType === ETH_TYPE_IPV6;
    case 'ip-any':
      return ip;
    case 'arp':
      return dlType === ETH_TYPE_ARP || dlType === ETH_TYPE_RARP;
    case 'tcp':
      return ip && proto === 6;
    case 'udp':
      return ip && proto === 17;
    case 'sctp':
      return ip && proto === 132;
    case 'icmpv4':
      return dlType === ETH_TYPE_IP && proto === 1;
    case 'icmpv6':
      return dlType === ETH_TYPE_IPV6 && proto === 58;
    case 'nd':
    case 'nd-solicit':
    case 'nd-advert': {
      if (!(dlType === ETH_TYPE_IPV6 && proto === 58)) return false;
      if ((match.mask[L.TP_SRC] & 0xff) !== 0xff) return false;
      const type = match.key[L.TP_SRC] & 0xff;
      if ((match.mask[L.TP_DST] & 0xff) === 0xff && (match.key[L.TP_DST] & 0xff) !== 0) return false;
      if (prereq === 'nd-solicit') return type === 135;
      if (prereq === 'nd-advert') return type === 136;
      return type === 135 || type === 136;
    }
    case 'nsh':
      return dlType === ETH_TYPE_NSH;
  }
}

/** Whether any bit of `field` is already set in the mask (a duplicate). */
function fieldPresent(match: Match, field: MatchField): boolean {
  if (field.words === 1) return (match.mask[field.word] & field.wordMask) !== 0;
  for (let i = 0; i < field.words; i++) if (match.mask[field.word + i] !== 0) return true;
  return false;
}

/**
 * Reads NXM or OXM entries (`bytes` is exactly the entries, no padding)
 * into a Match. Errors: OFPBMC_BAD_LEN for a truncated entry,
 * OFPBMC_BAD_FIELD for an unknown header (a known field with the wrong
 * length included), OFPBMC_BAD_MASK for a mask
 * on a field that takes none, OFPBMC_BAD_WILDCARDS for value bits outside the
 * mask, OFPBMC_DUP_FIELD for a field given twice, OFPBMC_BAD_PREREQ when an
 * earlier entry did not establish the field's prerequisites and
 * OFPBMC_BAD_VALUE for values the field cannot hold.
 */
export function decodeNxMatch(bytes: Uint8Array, options: NxMatchOptions = {}): NxMatchResult {
  const match = new Match();
  const r = new OfpReader(bytes, { truncated: 'OFPBMC_BAD_LEN' });
  let cookie: [number, number] | undefined;
  let cookieMask: [number, number] | undefined;
  while (r.remaining > 0) {
    if (r.remaining < 4) throw new OfpError('OFPBMC_BAD_LEN', 'NXM/OXM entry header truncated');
    const oxmClass = r.u16();
    const fieldAndMask = r.u8();
    const length = r.u8();
    const hasMask = (fieldAndMask & 1) === 1;
    const oxmField = fieldAndMask >>> 1;
    if (length === 0) throw new OfpError('OFPBMC_BAD_LEN', 'NXM/OXM entry with zero length');
    const body = r.sub(length, 'OFPBMC_BAD_LEN');
    let experimenter: number | undefined;
    if (oxmClass === 0xffff) experimenter = body.u32();
    const payloadSize = body.remaining;
    if (oxmClass === 0x0001 && oxmField === NXM_NX_COOKIE_FIELD && payloadSize === (hasMask ? 16 : 8)) {
      if (!options.allowCookie) throw new OfpError('OFPBMC_BAD_FIELD', 'cookie in a match that takes none');
      if (cookie) throw new OfpError('OFPBMC_DUP_FIELD', 'cookie given twice');
      cookie = [body.u32(), body.u32()];
      cookieMask = hasMask ? [body.u32(), body.u32()] : [0xffffffff, 0xffffffff];
      cookie = [(cookie[0] & cookieMask[0]) >>> 0, (cookie[1] & cookieMask[1]) >>> 0];
      continue;
    }
    const field = fieldByHeader(oxmClass, oxmField, experimenter);
    if (!field) throw new OfpError('OFPBMC_BAD_FIELD', `unknown NXM/OXM field ${oxmClass}:${oxmField}`);
    if (field.tunMetadataIndex !== undefined) {
      // As a switch whose TLV table maps nothing answers. TODO(#5): decode
      // tun_metadataN through the switch's TLV map.
      throw new OfpError('NXFMFC_INVALID_TLV_FIELD', `${field.name} is not mapped`);
    }
    const size = field.bytes;
    // A header names its length, so a wrong length is an unknown header.
    if (payloadSize !== (hasMask ? 2 * size : size)) {
      throw new OfpError('OFPBMC_BAD_FIELD', `${field.name}: ${payloadSize} bytes`);
    }
    const value = body.bytesView(size);
    const mask = hasMask ? body.bytesView(size) : new Uint8Array(size).fill(0xff);
    // A field without masks still takes an all-ones mask, as an exact match.
    if (hasMask && !field.maskable && !mask.every((b) => b === 0xff)) {
      throw new OfpError('OFPBMC_BAD_MASK', `${field.name} takes no mask`);
    }
    for (let i = 0; i < size; i++) {
      if (value[i] & ~mask[i]) throw new OfpError('OFPBMC_BAD_WILDCARDS', `${field.name}: value bits outside the mask`);
    }
    if (fieldPresent(match, field)) throw new OfpError('OFPBMC_DUP_FIELD', `${field.name} given twice`);
    if (!prerequisitesMet(match, field.prerequisite)) {
      throw new OfpError('OFPBMC_BAD_PREREQ', `${field.name}: prerequisites not met`);
    }
    setDecodedField(match, field, value, mask);
  }
  return cookie ? { match, cookie, cookieMask: cookieMask as [number, number] } : { match };
}

function uintOf(bytes: Uint8Array): number {
  let v = 0;
  for (const b of bytes) v = v * 256 + b;
  return v;
}

/** Sets a decoded field, checking the values a field cannot hold. */
function setDecodedField(match: Match, field: MatchField, value: Uint8Array, mask: Uint8Array): void {
  const v = uintOf(value.length > 6 ? value.subarray(value.length - 4) : value);
  const badValue = (): never => {
    throw new OfpError('OFPBMC_BAD_VALUE', `${field.name}: value out of range`);
  };
  switch (field.name) {
    case 'in_port_oxm': {
      match.setMasked(L.IN_PORT, port11To10(v), 0xffff);
      return;
    }
    case 'vlan_vid': {
      const m = uintOf(mask);
      if (v > 0x1fff || m > 0x1fff && m !== 0xffff) badValue();
      setTci(match, v & 0x1fff, (m & 0x1fff) | (match.mask[L.VLAN0] & 0xe000));
      return;
    }
    case 'vlan_pcp':
      if (v > 7) badValue();
      setTci(match, (match.key[L.VLAN0] & 0x1fff) | (v << 13), (match.mask[L.VLAN0] & 0x1fff) | 0xe000);
      return;
    case 'nw_tos':
      if (v & 3) badValue();
      break;
    case 'ip_dscp':
      if (v > 63) badValue();
      break;
    case 'nw_ecn':
      if (v > 3) badValue();
      break;
    case 'arp_op':
      if (v > 255) badValue();
      break;
    case 'mpls_label':
      if (v > 0xfffff) badValue();
      break;
    case 'mpls_tc':
      if (v > 7) badValue();
      break;
    case 'mpls_bos':
      if (v > 1) badValue();
      break;
    case 'ipv6_label':
      if (v > 0xfffff) badValue();
      break;
    case 'ip_frag':
      if (v > 3) badValue();
      break;
    case 'tcp_flags':
      if (v > 0xfff) badValue();
      break;
    default:
      break;
  }
  setFieldMasked(match, field, { value, mask });
}

/** Appends one entry; a mask that is all ones is left out. */
function putEntry(
  w: OfpWriter, field: MatchField, version: number, value: Uint8Array, mask: Uint8Array | undefined,
): void {
  const header = headerFor(field, version);
  if (!header) return;
  const masked = mask !== undefined && !mask.every((b) => b === 0xff);
  const expSize = header.experimenter === undefined ? 0 : 4;
  w.u16(header.oxmClass);
  w.u8((header.field << 1) | (masked ? 1 : 0));
  w.u8(expSize + value.length * (masked ? 2 : 1));
  if (header.experimenter !== undefined) w.u32(header.experimenter);
  w.put(value);
  if (masked) w.put(mask);
}

function fieldNamed(name: string): MatchField {
  const f = fieldByName(name);
  if (!f) throw new RangeError(`no field ${name}`);
  return f;
}

/** Puts a field if any of its bits are matched. */
function putField(w: OfpWriter, match: Match, name: string, version: number): void {
  const f = fieldNamed(name);
  if (!fieldPresent(match, f)) return;
  const { value, mask } = getFieldMasked(match, f);
  if (mask.every((b) => b === 0)) return;
  // A mask over all of a field's bits (or any mask of a field that takes
  // none) is an exact match, written without a mask.
  const full = bytesOf(f.bits >= 48 ? 0 : 2 ** f.bits - 1, f.bytes);
  const exact = !f.maskable || (f.bits < 48 && mask.every((b, i) => b === full[i]));
  putEntry(w, f, version, value, exact ? undefined : mask);
}

function bytesOf(v: number, size: number): Uint8Array {
  const out = new Uint8Array(size);
  for (let i = size - 1; i >= 0; i--) {
    out[i] = v % 256;
    v = Math.floor(v / 256);
  }
  return out;
}

/**
 * Writes `match` as NXM entries (`version` 0) or OXM entries of OpenFlow
 * `version`, without padding, in Open vSwitch's order. A cookie and mask
 * (NXT_FLOW_MOD, NXST_FLOW) go last as NXM_NX_COOKIE(_W).
 */
export function encodeNxMatch(
  match: Match, version: number, w: OfpWriter,
  cookie?: { cookie: readonly [number, number]; mask: readonly [number, number] },
): number {
  const start = w.length;
  const k = match.key;
  const m = match.mask;
  const oxm = version !== 0;
  putField(w, match, 'dp_hash', version);
  putField(w, match, 'recirc_id', version);
  putField(w, match, 'conj_id', version);
  if (m[L.IN_PORT]) {
    if (oxm) putEntry(w, fieldNamed('in_port_oxm'), version, bytesOf(port10To11(k[L.IN_PORT] & 0xffff), 4), undefined);
    else putEntry(w, fieldNamed('in_port'), version, bytesOf(k[L.IN_PORT] & 0xffff, 2), undefined);
  }
  putField(w, match, 'actset_output', version);
  if (m[L.PACKET_TYPE] && version >= OFP15_VERSION) putField(w, match, 'packet_type', version);
  putField(w, match, 'eth_src', version);
  putField(w, match, 'eth_dst', version);
  putField(w, match, 'eth_type', version);
  const tci = k[L.VLAN0] & 0xffff;
  const tciMask = m[L.VLAN0] & 0xffff;
  if (oxm) {
    const vid = tci & 0x1fff;
    const vidMask = tciMask & 0x1fff;
    if (vidMask === 0x1fff) putEntry(w, fieldNamed('vlan_vid'), version, bytesOf(vid, 2), undefined);
    else if (vidMask) putEntry(w, fieldNamed('vlan_vid'), version, bytesOf(vid, 2), bytesOf(vidMask, 2));
    if (vid && (tciMask & 0xe000)) putEntry(w, fieldNamed('vlan_pcp'), version, bytesOf(tci >>> 13, 1), undefined);
  } else if (tciMask) {
    putEntry(w, fieldNamed('vlan_tci'), version, bytesOf(tci, 2), bytesOf(tciMask, 2));
  }
  const dlType = m[L.DL_TYPE] ? k[L.DL_TYPE] & 0xffff : -1;
  if (dlType === ETH_TYPE_MPLS || dlType === ETH_TYPE_MPLS_MCAST) {
    putField(w, match, 'mpls_tc', version);
    putField(w, match, 'mpls_bos', version);
    putField(w, match, 'mpls_label', version);
    putField(w, match, 'mpls_ttl', version);
  }
  if (dlType === ETH_TYPE_IP || dlType === ETH_TYPE_IPV6) {
    if (dlType === ETH_TYPE_IP) {
      putField(w, match, 'ip_src', version);
      putField(w, match, 'ip_dst', version);
    } else {
      putField(w, match, 'ipv6_src', version);
      putField(w, match, 'ipv6_dst', version);
    }
    putField(w, match, 'ip_frag', version);
    if (m[L.NW_TOS] & 0xfc) {
      if (oxm) putEntry(w, fieldNamed('ip_dscp'), version, bytesOf((k[L.NW_TOS] & 0xfc) >>> 2, 1), undefined);
      else putEntry(w, fieldNamed('nw_tos'), version, bytesOf(k[L.NW_TOS] & 0xfc, 1), undefined);
    }
    if (m[L.NW_TOS] & 3) putEntry(w, fieldNamed('nw_ecn'), version, bytesOf(k[L.NW_TOS] & 3, 1), undefined);
    putField(w, match, 'nw_ttl', version);
    if (dlType === ETH_TYPE_IPV6) putField(w, match, 'ipv6_label', version);
    if (m[L.NW_PROTO]) {
      putField(w, match, 'nw_proto', version);
      const proto = k[L.NW_PROTO] & 0xff;
      if (proto === 6) {
        putField(w, match, 'tcp_src', version);
        putField(w, match, 'tcp_dst', version);
        putField(w, match, 'tcp_flags', version);
      } else if (proto === 17) {
        putField(w, match, 'udp_src', version);
        putField(w, match, 'udp_dst', version);
      } else if (proto === 132) {
        putField(w, match, 'sctp_src', version);
        putField(w, match, 'sctp_dst', version);
      } else if (proto === 1 && dlType === ETH_TYPE_IP) {
        if (m[L.TP_SRC]) putEntry(w, fieldNamed('icmp_type'), version, bytesOf(k[L.TP_SRC] & 0xff, 1), undefined);
        if (m[L.TP_DST]) putEntry(w, fieldNamed('icmp_code'), version, bytesOf(k[L.TP_DST] & 0xff, 1), undefined);
      } else if (proto === 58 && dlType === ETH_TYPE_IPV6) {
        if (m[L.TP_SRC]) putEntry(w, fieldNamed('icmpv6_type'), version, bytesOf(k[L.TP_SRC] & 0xff, 1), undefined);
        if (m[L.TP_DST]) putEntry(w, fieldNamed('icmpv6_code'), version, bytesOf(k[L.TP_DST] & 0xff, 1), undefined);
        const type = m[L.TP_SRC] ? k[L.TP_SRC] & 0xff : -1;
        if (type === 135 || type === 136) {
          putField(w, match, 'nd_target', version);
          if (type === 135) putField(w, match, 'nd_sll', version);
          else putField(w, match, 'nd_tll', version);
          putField(w, match, 'nd_reserved', version);
          putField(w, match, 'nd_options_type', version);
        }
      }
    }
  } else if (dlType === ETH_TYPE_ARP || dlType === ETH_TYPE_RARP) {
    if (m[L.NW_PROTO]) putEntry(w, fieldNamed('arp_op'), version, bytesOf(k[L.NW_PROTO] & 0xff, 2), undefined);
    putField(w, match, 'arp_spa', version);
    putField(w, match, 'arp_tpa', version);
    putField(w, match, 'arp_sha', version);
    putField(w, match, 'arp_tha', version);
  }
  if (dlType === ETH_TYPE_NSH) {
    for (const name of ['nsh_flags', 'nsh_ttl', 'nsh_mdtype', 'nsh_np', 'nsh_spi', 'nsh_si', 'nsh_c1', 'nsh_c2', 'nsh_c3', 'nsh_c4']) {
      putField(w, match, name, version);
    }
  }
  for (const name of ['tun_id', 'tun_src', 'tun_dst', 'tun_ipv6_src', 'tun_ipv6_dst', 'tun_flags', 'tun_gbp_id',
    'tun_gbp_flags', 'tun_erspan_idx', 'tun_erspan_ver', 'tun_erspan_dir', 'tun_erspan_hwid', 'tun_gtpu_flags',
    'tun_gtpu_msgtype']) {
    putField(w, match, name, version);
  }
  // TODO(#5): tun_metadataN entries need the switch's TLV map.
  if (version >= OFP15_VERSION) {
    for (let i = 0; i < L.REG_COUNT / 2; i++) putField(w, match, `xreg${i}`, version);
  } else {
    for (let i = 0; i < L.REG_COUNT; i++) putField(w, match, `reg${i}`, version);
  }
  putField(w, match, 'pkt_mark', version);
  for (const name of ['ct_state', 'ct_zone', 'ct_mark', 'ct_label', 'ct_nw_proto', 'ct_nw_src', 'ct_nw_dst',
    'ct_ipv6_src', 'ct_ipv6_dst', 'ct_tp_src', 'ct_tp_dst']) {
    putField(w, match, name, version);
  }
  putField(w, match, 'metadata', version);
  if (cookie && (cookie.mask[0] || cookie.mask[1])) {
    const allOnes = cookie.mask[0] === 0xffffffff && cookie.mask[1] === 0xffffffff;
    w.u16(0x0001);
    w.u8((NXM_NX_COOKIE_FIELD << 1) | (allOnes ? 0 : 1));
    w.u8(allOnes ? 8 : 16);
    w.u32((cookie.cookie[0] & cookie.mask[0]) >>> 0);
    w.u32((cookie.cookie[1] & cookie.mask[1]) >>> 0);
    if (!allOnes) {
      w.u32(cookie.mask[0]);
      w.u32(cookie.mask[1]);
    }
  }
  return w.length - start;
}

/**
 * Reads an OF1.2+ ofp_match of type OFPMT_OXM (type, length, entries,
 * padding to 8 bytes) from `r`, which moves past the padding.
 */
export function decodeOxmMatch(r: OfpReader): Match {
  const start = r.offset;
  const type = r.u16();
  const length = r.u16();
  if (type !== OFPMT_OXM) throw new OfpError('OFPBMC_BAD_TYPE', `match type ${type}`);
  if (length < 4) throw new OfpError('OFPBMC_BAD_LEN', `match length ${length}`);
  const padded = (length + 7) & ~7;
  r.offset = start;
  r.need(padded);
  r.offset = start + 4;
  const entries = r.bytesView(length - 4);
  r.offset = start + padded;
  return decodeNxMatch(entries).match;
}

/** Writes an OF1.2+ OXM ofp_match with its header and padding. */
export function encodeOxmMatch(match: Match, version: number, w: OfpWriter): void {
  const start = w.length;
  w.u16(OFPMT_OXM);
  w.u16(0);
  const size = encodeNxMatch(match, version, w) + 4;
  w.setU16(start + 2, size);
  w.padTo(8, start);
}

/** Reads a match in the format OpenFlow `version` uses in flow mods and stats. */
export function decodeOfpMatch(version: number, r: OfpReader): Match {
  // OpenFlow 1.1 has its own fixed match, but Open vSwitch also sends OXM
  // (with NXM headers) in 1.1 replies; the type word says which.
  if (version === OFP11_VERSION && peekMatchType(r) !== OFPMT_OXM) return decodeOf11Match(r);
  return decodeOxmMatch(r);
}

/** The ofp_match type at the reader's position (OFPMT_STANDARD 0, OFPMT_OXM 1). */
export function peekMatchType(r: OfpReader): number {
  r.need(2);
  return (r.bytes[r.offset] << 8) | r.bytes[r.offset + 1];
}

/**
 * Writes a match in the format of OpenFlow `version` (1.1+). `oxm11` writes
 * an OpenFlow 1.1 match as OXM, as Open vSwitch does in 1.1 replies.
 */
export function encodeOfpMatch(match: Match, version: number, w: OfpWriter, oxm11 = false): void {
  if (version === OFP11_VERSION && !oxm11) encodeOf11Match(match, w);
  else encodeOxmMatch(match, version, w);
}
