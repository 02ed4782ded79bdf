// Header rewrites for datapath actions (push/pop VLAN and MPLS, set Ethernet,
// IPv4, IPv6 and transport fields), keeping every checksum right with RFC 1624
// incremental updates instead of recomputing. The packet layer's answer to
// OVS's lib/packets.c setters; the datapath's action executor calls them.
//
// They work on a Packet whose layer offsets flow extraction has set, and
// follow the hot-path rules: no allocation, no exceptions. A rewrite that
// does not apply (no room, no such header, a short packet) returns false and
// leaves the packet as it was. Addresses arrive as numbers or byte views,
// the way the flow key holds them, and arguments are positional so that a
// call allocates nothing.

import { readBe16, readBe32, writeBe16, writeBe32 } from './bytes.js';
import { checksumUpdate16, checksumUpdate32, setSctpChecksum } from './checksum.js';
import { ETH_TYPE_VLAN_8021AD, ETH_TYPE_VLAN_8021Q, ETH_TYPE_VLAN_QINQ1 } from './ethernet.js';
import { IPPROTO_ICMPV6, IPPROTO_SCTP, IPPROTO_TCP, IPPROTO_UDP } from './ip.js';
import type { Packet } from './packet.js';

/** Where the checksum sits that covers a pseudo-header for `proto` (TCP, UDP, ICMPv6), or -1. */
function pseudoChecksumOffset(proto: number): number {
  if (proto === IPPROTO_TCP) return 16;
  if (proto === IPPROTO_UDP) return 6;
  if (proto === IPPROTO_ICMPV6) return 2;
  return -1;
}

/** Bytes the transport header needs before its checksum can be touched. */
function transportHeaderSize(proto: number): number {
  if (proto === IPPROTO_TCP) return 20;
  if (proto === IPPROTO_SCTP) return 12;
  return 8;
}

/** Absolute index of the IPv4 header, or -1 if the packet has no usable one. */
function ipv4At(p: Packet): number {
  if (p.l3Offset < 0 || p.l3Offset + 20 > p.size) return -1;
  const at = p.start + p.l3Offset;
  return p.slot[at] >> 4 === 4 ? at : -1;
}

/** Absolute index of the transport header of IPv4 `ip`'s protocol, or -1 (later fragment, short, none). */
function ipv4TransportAt(p: Packet, ip: number): number {
  if (p.l4Offset < 0 || (readBe16(p.slot, ip + 6) & 0x1fff) !== 0) return -1;
  if (p.l4Offset + transportHeaderSize(p.slot[ip + 9]) > p.size) return -1;
  return p.start + p.l4Offset;
}

/**
 * Applies a 32-bit change to the pseudo-header checksum of the transport at
 * `l4` (absolute). A UDP checksum of 0 (none, over IPv4) stays 0, and a
 * computed 0 is sent as 0xffff.
 */
function updatePseudo32(b: Uint8Array, l4: number, proto: number, oldValue: number, newValue: number): void {
  const off = pseudoChecksumOffset(proto);
  if (off < 0) return;
  const old = readBe16(b, l4 + off);
  if (proto === IPPROTO_UDP && old === 0) return;
  let sum = checksumUpdate32(old, oldValue, newValue);
  if (proto === IPPROTO_UDP && sum === 0) sum = 0xffff;
  writeBe16(b, l4 + off, sum);
}

// --- Ethernet and VLAN -----------------------------------------------------------

/** Sets the destination MAC: `high` holds bytes 0-1 (low 16 bits), `low` bytes 2-5 (flow key style). */
export function setEthDst(p: Packet, high: number, low: number): boolean {
  if (p.size < 14) return false;
  writeBe16(p.slot, p.start, high);
  writeBe32(p.slot, p.start + 2, low);
  return true;
}

/** Sets the source MAC, split like setEthDst(). */
export function setEthSrc(p: Packet, high: number, low: number): boolean {
  if (p.size < 14) return false;
  writeBe16(p.slot, p.start + 6, high);
  writeBe32(p.slot, p.start + 8, low);
  return true;
}

/** Pushes an outermost VLAN tag (TPID, TCI) right after the MAC addresses, using headroom. */
export function pushVlan(p: Packet, tpid: number, tci: number): boolean {
  if (p.size < 14 || !p.push(4)) return false;
  const b = p.slot;
  const s = p.start;
  b.copyWithin(s, s + 4, s + 16);
  writeBe16(b, s + 12, tpid);
  writeBe16(b, s + 14, tci);
  // push() moved every offset by 4; the Ethernet header still starts the data.
  if (p.l2Offset >= 0) p.l2Offset -= 4;
  return true;
}

/** Removes the outermost VLAN tag; false if there is none. */
export function popVlan(p: Packet): boolean {
  if (p.size < 18) return false;
  const b = p.slot;
  const s = p.start;
  const tpid = readBe16(b, s + 12);
  if (tpid !== ETH_TYPE_VLAN_8021Q && tpid !== ETH_TYPE_VLAN_8021AD && tpid !== ETH_TYPE_VLAN_QINQ1) return false;
  const hadL2 = p.l2Offset >= 0;
  b.copyWithin(s + 4, s, s + 12);
  p.pull(4);
  if (hadL2) p.l2Offset = 0;
  return true;
}

// --- MPLS ---------------------------------------------------------------------------

/**
 * Pushes label stack entry `lse` on top of the MPLS stack (or in front of the
 * network header when there is none) and sets the Ethernet type before it to
 * `ethertype` (0x8847 or 0x8848). Needs l2_5Offset or l3Offset.
 */
export function pushMpls(p: Packet, ethertype: number, lse: number): boolean {
  const at = p.l2_5Offset >= 0 ? p.l2_5Offset : p.l3Offset;
  if (at < 14 || at > p.size || !p.push(4)) return false;
  const b = p.slot;
  const s = p.start;
  b.copyWithin(s, s + 4, s + 4 + at);
  writeBe32(b, s + at, lse);
  writeBe16(b, s + at - 2, ethertype);
  if (p.l2Offset >= 0) p.l2Offset -= 4;
  p.l2_5Offset = at;
  return true;
}

/**
 * Pops the top label stack entry and sets the Ethernet type before the stack
 * to `ethertype` (the payload's type at the bottom of the stack). Needs l2_5Offset.
 */
export function popMpls(p: Packet, ethertype: number): boolean {
  const at = p.l2_5Offset;
  if (at < 14 || at + 4 > p.size) return false;
  const b = p.slot;
  const s = p.start;
  const bottom = (b[s + at + 2] & 0x01) !== 0;
  const hadL2 = p.l2Offset >= 0;
  b.copyWithin(s + 4, s, s + at);
  p.pull(4);
  writeBe16(b, p.start + at - 2, ethertype);
  if (hadL2) p.l2Offset = 0;
  p.l2_5Offset = bottom ? -1 : at;
  return true;
}

/** Replaces the top label stack entry with `lse` (label, TC, BOS, TTL as one word). */
export function setMplsLse(p: Packet, lse: number): boolean {
  if (p.l2_5Offset < 0 || p.l2_5Offset + 4 > p.size) return false;
  writeBe32(p.slot, p.start + p.l2_5Offset, lse);
  return true;
}

// --- IPv4 ---------------------------------------------------------------------------

function setIpv4Address(p: Packet, field: number, address: number): boolean {
  const ip = ipv4At(p);
  if (ip < 0) return false;
  const b = p.slot;
  const old = readBe32(b, ip + field);
  address >>>= 0;
  if (old === address) return true;
  const l4 = ipv4TransportAt(p, ip);
  if (l4 >= 0) updatePseudo32(b, l4, b[ip + 9], old, address);
  writeBe16(b, ip + 10, checksumUpdate32(readBe16(b, ip + 10), old, address));
  writeBe32(b, ip + field, address);
  return true;
}

/** Sets the IPv4 source address, updating the header and TCP/UDP checksums. */
export function setIpv4Src(p: Packet, address: number): boolean {
  return setIpv4Address(p, 12, address);
}

/** Sets the IPv4 destination address, updating the header and TCP/UDP checksums. */
export function setIpv4Dst(p: Packet, address: number): boolean {
  return setIpv4Address(p, 16, address);
}

/** Sets the whole ToS byte (DSCP and ECN); callers merge masked bits first. */
export function setIpv4Tos(p: Packet, tos: number): boolean {
  const ip = ipv4At(p);
  if (ip < 0) return false;
  const b = p.slot;
  const old = readBe16(b, ip);
  const value = (old & 0xff00) | (tos & 0xff);
  writeBe16(b, ip + 10, checksumUpdate16(readBe16(b, ip + 10), old, value));
  b[ip + 1] = tos;
  return true;
}

/** Sets the TTL. */
export function setIpv4Ttl(p: Packet, ttl: number): boolean {
  const ip = ipv4At(p);
  if (ip < 0) return false;
  const b = p.slot;
  const old = readBe16(b, ip + 8);
  const value = ((ttl & 0xff) << 8) | (old & 0xff);
  writeBe16(b, ip + 10, checksumUpdate16(readBe16(b, ip + 10), old, value));
  b[ip + 8] = ttl;
  return true;
}

// --- IPv6 ---------------------------------------------------------------------------

/**
 * Sets an IPv6 address field (8 = source, 24 = destination) from 16 bytes at
 * `source[offset]`. `proto` is the transport protocol flow extraction found
 * (the last next header); its pseudo-header checksum follows the change.
 */
function setIpv6Address(p: Packet, field: number, source: Uint8Array, offset: number, proto: number): boolean {
  if (p.l3Offset < 0 || p.l3Offset + 40 > p.size) return false;
  const b = p.slot;
  const ip = p.start + p.l3Offset;
  if (b[ip] >> 4 !== 6) return false;
  let l4 = -1;
  if (p.l4Offset >= 0 && p.l4Offset + transportHeaderSize(proto) <= p.size && pseudoChecksumOffset(proto) >= 0) {
    l4 = p.start + p.l4Offset;
  }
  for (let i = 0; i < 16; i += 4) {
    const old = readBe32(b, ip + field + i);
    const value = readBe32(source, offset + i);
    if (old === value) continue;
    if (l4 >= 0) updatePseudo32(b, l4, proto, old, value);
    writeBe32(b, ip + field + i, value);
  }
  return true;
}

/** Sets the IPv6 source address from 16 bytes at `source[offset]`; see setIpv6Address for `proto`. */
export function setIpv6Src(p: Packet, source: Uint8Array, offset: number, proto: number): boolean {
  return setIpv6Address(p, 8, source, offset, proto);
}

/** Sets the IPv6 destination address (no routing-header adjustment, as OVS does). */
export function setIpv6Dst(p: Packet, source: Uint8Array, offset: number, proto: number): boolean {
  return setIpv6Address(p, 24, source, offset, proto);
}

/** Sets traffic class, flow label (20 bits) and hop limit: IPv6 has no header checksum. */
export function setIpv6Fields(p: Packet, trafficClass: number, flowLabel: number, hopLimit: number): boolean {
  if (p.l3Offset < 0 || p.l3Offset + 40 > p.size) return false;
  const b = p.slot;
  const ip = p.start + p.l3Offset;
  if (b[ip] >> 4 !== 6) return false;
  writeBe32(b, ip, (6 << 28) | ((trafficClass & 0xff) << 20) | (flowLabel & 0xfffff));
  b[ip + 7] = hopLimit;
  return true;
}

// --- Transport ports ----------------------------------------------------------------

/**
 * Sets the source or destination port (`which` 0 or 2: the field's offset) of
 * a TCP, UDP or SCTP header. TCP/UDP checksums are updated in place; SCTP's
 * CRC32c is recomputed over the rest of the packet.
 */
function setPort(p: Packet, proto: number, which: number, port: number): boolean {
  if (p.l4Offset < 0) return false;
  if (proto !== IPPROTO_TCP && proto !== IPPROTO_UDP && proto !== IPPROTO_SCTP) return false;
  if (p.l4Offset + transportHeaderSize(proto) > p.size) return false;
  const b = p.slot;
  const l4 = p.start + p.l4Offset;
  const old = readBe16(b, l4 + which);
  port &= 0xffff;
  if (old === port) return true;
  writeBe16(b, l4 + which, port);
  if (proto === IPPROTO_SCTP) {
    setSctpChecksum(b, l4, p.start + p.size);
    return true;
  }
  const off = pseudoChecksumOffset(proto);
  const checksum = readBe16(b, l4 + off);
  if (proto === IPPROTO_UDP && checksum === 0) return true;
  let sum = checksumUpdate16(checksum, old, port);
  if (proto === IPPROTO_UDP && sum === 0) sum = 0xffff;
  writeBe16(b, l4 + off, sum);
  return true;
}

/** Sets the transport source port of a `proto` (TCP, UDP or SCTP) header. */
export function setTransportSrc(p: Packet, proto: number, port: number): boolean {
  return setPort(p, proto, 0, port);
}

/** Sets the transport destination port of a `proto` (TCP, UDP or SCTP) header. */
export function setTransportDst(p: Packet, proto: number, port: number): boolean {
  return setPort(p, proto, 2, port);
}

// --- ICMP, Neighbor Discovery, ARP ----------------------------------------------

/** Sets ICMP or ICMPv6 type and code (same place in both; the checksum follows). */
export function setIcmpTypeCode(p: Packet, type: number, code: number): boolean {
  if (p.l4Offset < 0 || p.l4Offset + 4 > p.size) return false;
  const b = p.slot;
  const l4 = p.start + p.l4Offset;
  const old = readBe16(b, l4);
  const value = ((type & 0xff) << 8) | (code & 0xff);
  writeBe16(b, l4 + 2, checksumUpdate16(readBe16(b, l4 + 2), old, value));
  writeBe16(b, l4, value);
  return true;
}

/** Sets the target of an NS/NA (16 bytes from `source[offset]`), updating the ICMPv6 checksum. */
export function setNdTarget(p: Packet, source: Uint8Array, offset: number): boolean {
  if (p.l4Offset < 0 || p.l4Offset + 24 > p.size) return false;
  const b = p.slot;
  const l4 = p.start + p.l4Offset;
  let checksum = readBe16(b, l4 + 2);
  for (let i = 0; i < 16; i += 4) {
    const old = readBe32(b, l4 + 8 + i);
    const value = readBe32(source, offset + i);
    checksum = checksumUpdate32(checksum, old, value);
    writeBe32(b, l4 + 8 + i, value);
  }
  writeBe16(b, l4 + 2, checksum);
  return true;
}

/**
 * Rewrites the link address in the first ND option of `optionType` (1 SLL,
 * 2 TLL) with length 1; false when the message has no such option (OVS adds none).
 */
function setNdLinkAddress(p: Packet, optionType: number, high: number, low: number): boolean {
  if (p.l4Offset < 0) return false;
  const b = p.slot;
  const l4 = p.start + p.l4Offset;
  const end = p.start + p.size;
  for (let o = l4 + 24; o + 8 <= end; ) {
    const units = b[o + 1];
    if (units === 0) return false;
    if (b[o] === optionType && units === 1) {
      let checksum = readBe16(b, l4 + 2);
      checksum = checksumUpdate16(checksum, readBe16(b, o + 2), high & 0xffff);
      checksum = checksumUpdate32(checksum, readBe32(b, o + 4), low >>> 0);
      writeBe16(b, o + 2, high);
      writeBe32(b, o + 4, low);
      writeBe16(b, l4 + 2, checksum);
      return true;
    }
    o += units * 8;
  }
  return false;
}

/** Sets the source link-layer address option of an NS (flow-key MAC halves). */
export function setNdSll(p: Packet, high: number, low: number): boolean {
  return setNdLinkAddress(p, 1, high, low);
}

/** Sets the target link-layer address option of an NA (flow-key MAC halves). */
export function setNdTll(p: Packet, high: number, low: number): boolean {
  return setNdLinkAddress(p, 2, high, low);
}

function arpAt(p: Packet): number {
  return p.l3Offset >= 0 && p.l3Offset + 28 <= p.size ? p.start + p.l3Offset : -1;
}

/** Sets the ARP opcode. ARP has no checksum. */
export function setArpOp(p: Packet, op: number): boolean {
  const a = arpAt(p);
  if (a < 0) return false;
  writeBe16(p.slot, a + 6, op);
  return true;
}

/** Sets the ARP sender protocol address. */
export function setArpSpa(p: Packet, address: number): boolean {
  const a = arpAt(p);
  if (a < 0) return false;
  writeBe32(p.slot, a + 14, address);
  return true;
}

/** Sets the ARP target protocol address. */
export function setArpTpa(p: Packet, address: number): boolean {
  const a = arpAt(p);
  if (a < 0) return false;
  writeBe32(p.slot, a + 24, address);
  return true;
}

/** Sets the ARP sender hardware address (flow-key MAC halves). */
export function setArpSha(p: Packet, high: number, low: number): boolean {
  const a = arpAt(p);
  if (a < 0) return false;
  writeBe16(p.slot, a + 8, high);
  writeBe32(p.slot, a + 10, low);
  return true;
}

/** Sets the ARP target hardware address (flow-key MAC halves). */
export function setArpTha(p: Packet, high: number, low: number): boolean {
  const a = arpAt(p);
  if (a < 0) return false;
  writeBe16(p.slot, a + 18, high);
  writeBe32(p.slot, a + 20, low);
  return true;
}
