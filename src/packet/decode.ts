// Packet decoder for tests and debugging (not the hot path): wire bytes become
// the PacketSpec that build.ts takes, with every derived value (lengths,
// checksums, next headers, ICMP's second word) spelled out, so that
// buildPacket(decodePacket(bytes).spec) gives back the same bytes. It never
// throws: malformed input ends decoding at the bad layer, the rest becomes
// payload, and the result says where decoding stopped and why.

import { formatIpv4, formatIpv6, formatMac } from './addr.js';
import { readBe16, readBe32 } from './bytes.js';
import type {
  GeneveOptionSpec,
  GeneveSpec,
  GreSpec,
  IgmpRecordSpec,
  Ipv6ExtensionSpec,
  NdOptionSpec,
  PacketSpec,
  SctpChunkSpec,
  VlanSpec,
} from './build.js';
import { finishChecksum, crc32c, ipv4PseudoHeaderSum, ipv6PseudoHeaderSum, onesComplementSum, internetChecksum } from './checksum.js';
import {
  ETH_TYPE_ARP,
  ETH_TYPE_IP,
  ETH_TYPE_IPV6,
  ETH_TYPE_MIN,
  ETH_TYPE_MPLS,
  ETH_TYPE_MPLS_MCAST,
  ETH_TYPE_RARP,
  ETH_TYPE_TEB,
  ETH_TYPE_VLAN_8021AD,
  ETH_TYPE_VLAN_8021Q,
  ETH_TYPE_VLAN_QINQ1,
  LLC_CNTL_SNAP,
  LLC_DSAP_SNAP,
  LLC_SSAP_SNAP,
} from './ethernet.js';
import {
  ICMP4_DST_UNREACH,
  ICMP4_PARAM_PROB,
  ICMP4_REDIRECT,
  ICMP4_SOURCE_QUENCH,
  ICMP4_TIME_EXCEEDED,
  IGMP_HOST_MEMBERSHIP_QUERY,
  IGMPV3_HOST_MEMBERSHIP_REPORT,
  IGMPV3_QUERY_HEADER_SIZE,
  ND_NA_FLAG_OVERRIDE,
  ND_NA_FLAG_ROUTER,
  ND_NA_FLAG_SOLICITED,
  ND_NEIGHBOR_ADVERT,
  ND_NEIGHBOR_SOLICIT,
  ND_OPT_SOURCE_LINKADDR,
  ND_OPT_TARGET_LINKADDR,
  ND_REDIRECT,
  ND_ROUTER_ADVERT,
  ND_ROUTER_SOLICIT,
  ICMP6_ECHO_REPLY,
  ICMP6_ECHO_REQUEST,
  ICMP6_PARAM_PROB,
} from './icmp.js';
import {
  IPPROTO_AH,
  IPPROTO_DSTOPTS,
  IPPROTO_FRAGMENT,
  IPPROTO_GRE,
  IPPROTO_HOPOPTS,
  IPPROTO_ICMP,
  IPPROTO_ICMPV6,
  IPPROTO_IGMP,
  IPPROTO_ROUTING,
  IPPROTO_SCTP,
  IPPROTO_TCP,
  IPPROTO_UDP,
} from './ip.js';
import { GENEVE_FLAG_CRITICAL, GENEVE_FLAG_OAM, GENEVE_PORT, GRE_FLAG_CHECKSUM, GRE_FLAG_KEY, GRE_FLAG_SEQUENCE, VXLAN_PORT } from './tunnel.js';

/** Where decoding starts: an Ethernet frame (default) or a bare network packet. */
export type DecodeStart = 'eth' | 'ipv4' | 'ipv6' | 'ip' | 'mpls';

export interface DecodeResult {
  /** What was decoded, all fields explicit; undecoded bytes are `payload`. */
  spec: PacketSpec;
  /** Layer starts as in BuiltPacket (-1 when absent). */
  l2Offset: number;
  l2_5Offset: number;
  l3Offset: number;
  l4Offset: number;
  /** Where the last decoded header ended and the payload begins. */
  payloadOffset: number;
  /** Null when every header decoded; otherwise why decoding stopped at `errorOffset`. */
  error: string | null;
  errorOffset: number;
  /**
   * Layers whose checksum does not verify: 'ipv4', 'tcp', 'udp', 'sctp',
   * 'icmp', 'icmpv6', 'igmp', 'gre'; "inner " before the name inside a tunnel.
   */
  badChecksums: string[];
}

class Decoder {
  readonly spec: PacketSpec = {};
  l2Offset = -1;
  l2_5Offset = -1;
  l3Offset = -1;
  l4Offset = -1;
  error: string | null = null;
  errorOffset = -1;
  readonly badChecksums: string[] = [];
  /** Bytes of the network layer's declared extent (IPv4 total length etc.). */
  l3End: number;
  /** Start of undecoded bytes. */
  at = 0;

  constructor(readonly bytes: Uint8Array) {
    this.l3End = bytes.length;
  }

  stop(offset: number, why: string): false {
    if (this.error === null) {
      this.error = why;
      this.errorOffset = offset;
    }
    return false;
  }

  /** True if `size` bytes are present at `at`, else records a truncation of `what`. */
  need(size: number, what: string, limit = this.bytes.length): boolean {
    const have = Math.max(0, limit - this.at);
    if (have >= size) return true;
    return this.stop(this.at, `truncated ${what} (${have} of ${size} bytes)`);
  }

  copy(start: number, end: number): Uint8Array {
    return this.bytes.slice(start, end);
  }

  ethernet(): void {
    const b = this.bytes;
    if (!this.need(14, 'Ethernet header')) return;
    this.l2Offset = this.at;
    const eth: NonNullable<PacketSpec['eth']> = { dst: formatMac(b, this.at), src: formatMac(b, this.at + 6) };
    this.spec.eth = eth;
    this.at += 12;
    const vlans: VlanSpec[] = [];
    let type = readBe16(b, this.at);
    while (type === ETH_TYPE_VLAN_8021Q || type === ETH_TYPE_VLAN_8021AD || type === ETH_TYPE_VLAN_QINQ1) {
      if (!this.need(6, 'VLAN header')) {
        // Keep the TPID as the type so that the bytes rebuild as they came.
        if (vlans.length) this.spec.vlans = vlans;
        eth.type = type;
        this.at += 2;
        return;
      }
      vlans.push({ tpid: type, tci: readBe16(b, this.at + 2) });
      this.at += 4;
      type = readBe16(b, this.at);
    }
    if (vlans.length) this.spec.vlans = vlans;
    this.at += 2;
    if (type < ETH_TYPE_MIN) {
      eth.length = type;
      if (!this.need(3, 'LLC header')) return;
      const llc = { dsap: b[this.at], ssap: b[this.at + 1], control: b[this.at + 2] };
      this.spec.llc = llc;
      this.at += 3;
      if (llc.dsap !== LLC_DSAP_SNAP || llc.ssap !== LLC_SSAP_SNAP || llc.control !== LLC_CNTL_SNAP) return;
      if (!this.need(5, 'SNAP header')) return;
      const oui = (b[this.at] << 16) | (b[this.at + 1] << 8) | b[this.at + 2];
      const snapType = readBe16(b, this.at + 3);
      this.spec.snap = { oui, type: snapType };
      this.at += 5;
      if (oui === 0) this.network(snapType);
      return;
    }
    eth.type = type;
    this.network(type);
  }

  network(type: number): void {
    switch (type) {
      case ETH_TYPE_MPLS:
      case ETH_TYPE_MPLS_MCAST:
        this.mpls();
        break;
      case ETH_TYPE_ARP:
      case ETH_TYPE_RARP:
        this.arp(type);
        break;
      case ETH_TYPE_IP:
        this.ipv4();
        break;
      case ETH_TYPE_IPV6:
        this.ipv6();
        break;
      default:
        break;
    }
  }

  mpls(): void {
    const b = this.bytes;
    const stack: NonNullable<PacketSpec['mpls']> = [];
    this.spec.mpls = stack;
    this.l2_5Offset = this.at;
    for (;;) {
      if (!this.need(4, 'MPLS label stack entry')) return;
      const lse = readBe32(b, this.at);
      const bos = (lse & 0x100) !== 0;
      stack.push({ label: lse >>> 12, tc: (lse >>> 9) & 7, ttl: lse & 0xff, bos });
      this.at += 4;
      if (bos) break;
    }
    // Like OVS, guess the payload from the IP version nibble after the stack.
    if (this.at < b.length) {
      const version = b[this.at] >> 4;
      if (version === 4) this.ipv4();
      else if (version === 6) this.ipv6();
    }
  }

  arp(type: number): void {
    const b = this.bytes;
    if (!this.need(8, 'ARP header')) return;
    const hlen = b[this.at + 4];
    const plen = b[this.at + 5];
    if (readBe16(b, this.at) !== 1 || readBe16(b, this.at + 2) !== ETH_TYPE_IP || hlen !== 6 || plen !== 4) {
      return void this.stop(this.at, 'ARP for other than Ethernet/IPv4');
    }
    if (!this.need(28, 'ARP header')) return;
    this.l3Offset = this.at;
    const a = this.at;
    const arp = {
      op: readBe16(b, a + 6),
      sha: formatMac(b, a + 8),
      spa: formatIpv4(b, a + 14),
      tha: formatMac(b, a + 18),
      tpa: formatIpv4(b, a + 24),
    };
    if (type === ETH_TYPE_RARP) this.spec.rarp = arp;
    else this.spec.arp = arp;
    this.at += 28;
  }

  ipv4(): void {
    const b = this.bytes;
    if (!this.need(20, 'IPv4 header')) return;
    const a = this.at;
    const version = b[a] >> 4;
    const ihl = b[a] & 0xf;
    const totalLength = readBe16(b, a + 2);
    const fragmentWord = readBe16(b, a + 6);
    const proto = b[a + 9];
    this.l3Offset = a;
    const ip: NonNullable<PacketSpec['ipv4']> = {
      src: formatIpv4(b, a + 12),
      dst: formatIpv4(b, a + 16),
      tos: b[a + 1],
      ttl: b[a + 8],
      id: readBe16(b, a + 4),
      fragmentWord,
      proto,
      ihl,
      totalLength,
      checksum: readBe16(b, a + 10),
      version,
    };
    this.spec.ipv4 = ip;
    if (version !== 4) {
      this.at += 20;
      return void this.stop(a, `IPv4 header with version ${version}`);
    }
    if (ihl < 5) {
      this.at += 20;
      return void this.stop(a, `IPv4 header length ${ihl * 4} is below 20`);
    }
    if (!this.need(ihl * 4, 'IPv4 header with options')) {
      this.at += 20;
      return;
    }
    if (ihl > 5) ip.options = this.copy(a + 20, a + ihl * 4);
    if (internetChecksum(b, a, a + ihl * 4) !== 0) this.badChecksums.push('ipv4');
    this.at += ihl * 4;
    if (totalLength < ihl * 4 || a + totalLength > b.length) {
      return void this.stop(a, `IPv4 total length ${totalLength} does not fit the ${b.length - a} bytes present`);
    }
    this.l3End = a + totalLength;
    if ((fragmentWord & 0x1fff) !== 0) return; // a later fragment: no transport header
    this.transport(proto, (fragmentWord & 0x2000) === 0);
  }

  ipv6(): void {
    const b = this.bytes;
    if (!this.need(40, 'IPv6 header')) return;
    const a = this.at;
    const word = readBe32(b, a);
    const payloadLength = readBe16(b, a + 4);
    const version = word >>> 28;
    this.l3Offset = a;
    const ip: NonNullable<PacketSpec['ipv6']> = {
      src: formatIpv6(b, a + 8),
      dst: formatIpv6(b, a + 24),
      trafficClass: (word >>> 20) & 0xff,
      flowLabel: word & 0xfffff,
      hopLimit: b[a + 7],
      nextHeader: b[a + 6],
      payloadLength,
      version,
    };
    this.spec.ipv6 = ip;
    this.at += 40;
    if (version !== 6) return void this.stop(a, `IPv6 header with version ${version}`);
    if (a + 40 + payloadLength > b.length) {
      return void this.stop(a, `IPv6 payload length ${payloadLength} exceeds the ${b.length - a - 40} bytes present`);
    }
    this.l3End = a + 40 + payloadLength;
    const extensions: Ipv6ExtensionSpec[] = [];
    let next = b[a + 6];
    let laterFragment = false;
    let firstFragment = false;
    for (;;) {
      const e = this.at;
      if (next === IPPROTO_HOPOPTS || next === IPPROTO_DSTOPTS || next === IPPROTO_ROUTING) {
        if (!this.need(8, 'IPv6 extension header', this.l3End)) break;
        const size = (b[e + 1] + 1) * 8;
        if (!this.need(size, 'IPv6 extension header', this.l3End)) break;
        if (next === IPPROTO_ROUTING) {
          extensions.push({ type: 'routing', nextHeader: b[e], length: b[e + 1], routingType: b[e + 2], segmentsLeft: b[e + 3], data: this.copy(e + 4, e + size) });
        } else {
          extensions.push({ type: next === IPPROTO_HOPOPTS ? 'hopByHop' : 'destination', nextHeader: b[e], length: b[e + 1], options: this.copy(e + 2, e + size) });
        }
        next = b[e];
        this.at += size;
      } else if (next === IPPROTO_AH) {
        if (!this.need(12, 'IPv6 AH header', this.l3End)) break;
        const size = (b[e + 1] + 2) * 4;
        if (size < 12) {
          this.stop(e, `IPv6 AH header length ${size} is below 12`);
          break;
        }
        if (!this.need(size, 'IPv6 AH header', this.l3End)) break;
        extensions.push({ type: 'ah', nextHeader: b[e], length: b[e + 1], spi: readBe32(b, e + 4), sequence: readBe32(b, e + 8), icv: this.copy(e + 12, e + size) });
        next = b[e];
        this.at += size;
      } else if (next === IPPROTO_FRAGMENT) {
        if (!this.need(8, 'IPv6 fragment header', this.l3End)) break;
        const offsetWord = readBe16(b, e + 2);
        extensions.push({ type: 'fragment', nextHeader: b[e], offset: offsetWord >>> 3, more: (offsetWord & 1) !== 0, id: readBe32(b, e + 4) });
        next = b[e];
        this.at += 8;
        if (offsetWord >>> 3 !== 0) {
          laterFragment = true; // no transport header in it
          break;
        }
        if (offsetWord & 1) firstFragment = true;
      } else {
        break;
      }
    }
    if (extensions.length) ip.extensions = extensions;
    if (this.error !== null || laterFragment) return;
    this.transport(next, !firstFragment);
  }

  /** Decodes the transport header for IP protocol `proto`; `whole` is false for first fragments (checksums unverifiable). */
  transport(proto: number, whole: boolean): void {
    const start = this.at;
    switch (proto) {
      case IPPROTO_TCP:
        this.tcp();
        break;
      case IPPROTO_UDP:
        this.udp();
        break;
      case IPPROTO_SCTP:
        this.sctp();
        break;
      case IPPROTO_ICMP:
        if (this.spec.ipv4) this.icmp();
        break;
      case IPPROTO_ICMPV6:
        if (this.spec.ipv6) this.icmpv6();
        break;
      case IPPROTO_IGMP:
        if (this.spec.ipv4) this.igmp();
        break;
      case IPPROTO_GRE:
        this.gre();
        break;
      default:
        return;
    }
    const udp = this.spec.udp;
    if (udp && this.l3End - this.at >= 8) {
      if (udp.dst === VXLAN_PORT) this.vxlan();
      else if (udp.dst === GENEVE_PORT) this.geneve();
    }
    if (this.l4Offset < 0 || !whole) return;
    this.verifyTransport(proto, start);
  }

  verifyTransport(proto: number, l4: number): void {
    const b = this.bytes;
    const end = this.l3End;
    const size = end - l4;
    const pseudo = (): number =>
      this.spec.ipv4 ? ipv4PseudoHeaderSum(b, this.l3Offset, proto, size) : ipv6PseudoHeaderSum(b, this.l3Offset, proto, size);
    let ok = true;
    let name = '';
    if (proto === IPPROTO_TCP) {
      name = 'tcp';
      ok = finishChecksum(onesComplementSum(b, l4, end, pseudo())) === 0;
    } else if (proto === IPPROTO_UDP) {
      name = 'udp';
      if (this.spec.ipv4 && readBe16(b, l4 + 6) === 0) return; // no checksum
      ok = finishChecksum(onesComplementSum(b, l4, end, pseudo())) === 0;
    } else if (proto === IPPROTO_ICMPV6) {
      name = 'icmpv6';
      ok = finishChecksum(onesComplementSum(b, l4, end, pseudo())) === 0;
    } else if (proto === IPPROTO_ICMP || proto === IPPROTO_IGMP) {
      name = proto === IPPROTO_ICMP ? 'icmp' : 'igmp';
      ok = internetChecksum(b, l4, end) === 0;
    } else if (proto === IPPROTO_GRE) {
      name = 'gre';
      if (!(readBe16(b, l4) & GRE_FLAG_CHECKSUM)) return;
      ok = internetChecksum(b, l4, end) === 0;
    } else if (proto === IPPROTO_SCTP) {
      name = 'sctp';
      const copy = b.slice(l4, end);
      const stored = (copy[8] | (copy[9] << 8) | (copy[10] << 16) | (copy[11] << 24)) >>> 0;
      copy.fill(0, 8, 12);
      ok = crc32c(copy) === stored;
    }
    if (!ok) this.badChecksums.push(name);
  }

  tcp(): void {
    const b = this.bytes;
    if (!this.need(20, 'TCP header', this.l3End)) return;
    const a = this.at;
    this.l4Offset = a;
    const control = readBe16(b, a + 12);
    const dataOffset = control >>> 12;
    const tcp: NonNullable<PacketSpec['tcp']> = {
      src: readBe16(b, a),
      dst: readBe16(b, a + 2),
      seq: readBe32(b, a + 4),
      ack: readBe32(b, a + 8),
      flags: control & 0xfff,
      window: readBe16(b, a + 14),
      urgent: readBe16(b, a + 18),
      dataOffset,
      checksum: readBe16(b, a + 16),
    };
    this.spec.tcp = tcp;
    this.at += 20;
    if (dataOffset < 5) return void this.stop(a, `TCP data offset ${dataOffset * 4} is below 20`);
    if (a + dataOffset * 4 > this.l3End) {
      return void this.stop(a, `TCP data offset ${dataOffset * 4} exceeds the ${this.l3End - a} bytes present`);
    }
    if (dataOffset > 5) tcp.options = this.copy(a + 20, a + dataOffset * 4);
    this.at = a + dataOffset * 4;
  }

  udp(): void {
    const b = this.bytes;
    if (!this.need(8, 'UDP header', this.l3End)) return;
    const a = this.at;
    this.l4Offset = a;
    this.spec.udp = { src: readBe16(b, a), dst: readBe16(b, a + 2), length: readBe16(b, a + 4), checksum: readBe16(b, a + 6) };
    this.at += 8;
  }

  sctp(): void {
    const b = this.bytes;
    if (!this.need(12, 'SCTP header', this.l3End)) return;
    const a = this.at;
    this.l4Offset = a;
    const chunks: SctpChunkSpec[] = [];
    this.spec.sctp = {
      src: readBe16(b, a),
      dst: readBe16(b, a + 2),
      vtag: readBe32(b, a + 4),
      checksum: (b[a + 8] | (b[a + 9] << 8) | (b[a + 10] << 16) | (b[a + 11] << 24)) >>> 0,
      chunks,
    };
    this.at += 12;
    while (this.l3End - this.at >= 4) {
      const c = this.at;
      const length = readBe16(b, c + 2);
      const padded = (length + 3) & ~3;
      if (length < 4 || c + padded > this.l3End) return void this.stop(c, `SCTP chunk length ${length} does not fit`);
      chunks.push({ type: b[c], flags: b[c + 1], length, data: this.copy(c + 4, c + length) });
      this.at += padded;
    }
  }

  /**
   * A tunnelled packet of protocol type `protocol` from here to the end of the
   * network layer. Its errors and bad checksums become ours, marked "inner".
   */
  tunnelled(protocol: number): PacketSpec {
    const start: DecodeStart | null =
      protocol === ETH_TYPE_TEB ? 'eth' : protocol === ETH_TYPE_IP ? 'ipv4' : protocol === ETH_TYPE_IPV6 ? 'ipv6' : protocol === ETH_TYPE_MPLS ? 'mpls' : null;
    const at = this.at;
    this.at = this.l3End;
    if (start === null) return { payload: this.copy(at, this.l3End) };
    const inner = decodePacket(this.bytes.subarray(at, this.l3End), { start });
    if (inner.error !== null) this.stop(at + inner.errorOffset, `inner packet: ${inner.error}`);
    for (const name of inner.badChecksums) this.badChecksums.push(`inner ${name}`);
    return inner.spec;
  }

  vxlan(): void {
    const b = this.bytes;
    const a = this.at;
    this.at += 8;
    this.spec.vxlan = { flags: b[a], vni: readBe32(b, a + 4) >>> 8, inner: this.tunnelled(ETH_TYPE_TEB) };
  }

  geneve(): void {
    const b = this.bytes;
    const a = this.at;
    const optionsSize = (b[a] & 0x3f) * 4;
    const protocol = readBe16(b, a + 2);
    const options: GeneveOptionSpec[] = [];
    const geneve: GeneveSpec = {
      version: b[a] >> 6,
      optionsLength: b[a] & 0x3f,
      oam: (b[a + 1] & GENEVE_FLAG_OAM) !== 0,
      critical: (b[a + 1] & GENEVE_FLAG_CRITICAL) !== 0,
      protocol,
      vni: readBe32(b, a + 4) >>> 8,
      options,
      inner: {},
    };
    this.spec.geneve = geneve;
    this.at += 8;
    const end = this.at + optionsSize;
    if (end > this.l3End) {
      geneve.inner = { payload: this.copy(this.at, this.l3End) };
      this.at = this.l3End;
      return void this.stop(a, `Geneve options length ${optionsSize} exceeds the packet`);
    }
    while (this.at < end) {
      const o = this.at;
      const size = 4 + (b[o + 3] & 0x1f) * 4;
      if (end - o < size) {
        geneve.inner = { payload: this.copy(o, this.l3End) };
        this.at = this.l3End;
        return void this.stop(o, 'Geneve option overruns the options length');
      }
      options.push({ optionClass: readBe16(b, o), type: b[o + 2], length: b[o + 3] & 0x1f, data: this.copy(o + 4, o + size) });
      this.at += size;
    }
    geneve.inner = this.tunnelled(protocol);
  }

  gre(): void {
    const b = this.bytes;
    if (!this.need(4, 'GRE header', this.l3End)) return;
    const a = this.at;
    const flagsWord = readBe16(b, a);
    const size = 4 + (flagsWord & GRE_FLAG_CHECKSUM ? 4 : 0) + (flagsWord & GRE_FLAG_KEY ? 4 : 0) + (flagsWord & GRE_FLAG_SEQUENCE ? 4 : 0);
    if (!this.need(size, 'GRE header', this.l3End)) return;
    this.l4Offset = a;
    const protocol = readBe16(b, a + 2);
    const gre: GreSpec = { flagsWord, protocol, inner: {} };
    let at = a + 4;
    if (flagsWord & GRE_FLAG_CHECKSUM) {
      gre.checksum = readBe16(b, at);
      at += 4;
    }
    if (flagsWord & GRE_FLAG_KEY) {
      gre.key = readBe32(b, at);
      at += 4;
    }
    if (flagsWord & GRE_FLAG_SEQUENCE) gre.sequence = readBe32(b, at);
    this.spec.gre = gre;
    this.at = a + size;
    gre.inner = this.tunnelled(protocol);
  }

  /** The offending packet inside an ICMP error: decoded on its own, kept whole for the round trip. */
  embedded(start: DecodeStart): PacketSpec {
    const inner = decodePacket(this.bytes.subarray(this.at, this.l3End), { start });
    this.at = this.l3End;
    return inner.spec;
  }

  icmp(): void {
    const b = this.bytes;
    if (!this.need(8, 'ICMP header', this.l3End)) return;
    const a = this.at;
    this.l4Offset = a;
    const type = b[a];
    const icmp: NonNullable<PacketSpec['icmp']> = { type, code: b[a + 1], checksum: readBe16(b, a + 2), rest: readBe32(b, a + 4) };
    this.spec.icmp = icmp;
    this.at += 8;
    const isError =
      type === ICMP4_DST_UNREACH ||
      type === ICMP4_SOURCE_QUENCH ||
      type === ICMP4_REDIRECT ||
      type === ICMP4_TIME_EXCEEDED ||
      type === ICMP4_PARAM_PROB;
    if (isError && this.at < this.l3End) icmp.embedded = this.embedded('ip');
  }

  icmpv6(): void {
    const b = this.bytes;
    if (!this.need(8, 'ICMPv6 header', this.l3End)) return;
    const a = this.at;
    this.l4Offset = a;
    const type = b[a];
    const icmp: NonNullable<PacketSpec['icmpv6']> = { type, code: b[a + 1], checksum: readBe16(b, a + 2), rest: readBe32(b, a + 4) };
    this.spec.icmpv6 = icmp;
    this.at += 8;
    if (type === ICMP6_ECHO_REQUEST || type === ICMP6_ECHO_REPLY) {
      icmp.id = readBe16(b, a + 4);
      icmp.seq = readBe16(b, a + 6);
      return;
    }
    if (type >= 1 && type <= ICMP6_PARAM_PROB) {
      if (this.at < this.l3End) icmp.embedded = this.embedded('ipv6');
      return;
    }
    let optionsAt = -1;
    if (type === ND_ROUTER_SOLICIT) optionsAt = a + 8;
    else if (type === ND_ROUTER_ADVERT) {
      if (!this.need(8, 'router advertisement', this.l3End)) return;
      icmp.curHopLimit = b[a + 4];
      icmp.raFlags = b[a + 5];
      icmp.routerLifetime = readBe16(b, a + 6);
      icmp.reachableTime = readBe32(b, a + 8);
      icmp.retransTimer = readBe32(b, a + 12);
      optionsAt = a + 16;
    } else if (type === ND_NEIGHBOR_SOLICIT || type === ND_NEIGHBOR_ADVERT || type === ND_REDIRECT) {
      const fixed = type === ND_REDIRECT ? 32 : 16;
      if (!this.need(fixed, 'neighbor discovery target', this.l3End)) return;
      icmp.target = formatIpv6(b, a + 8);
      if (type === ND_REDIRECT) icmp.destination = formatIpv6(b, a + 24);
      if (type === ND_NEIGHBOR_ADVERT) {
        icmp.router = (b[a + 4] & ND_NA_FLAG_ROUTER) !== 0;
        icmp.solicited = (b[a + 4] & ND_NA_FLAG_SOLICITED) !== 0;
        icmp.override = (b[a + 4] & ND_NA_FLAG_OVERRIDE) !== 0;
      }
      optionsAt = a + 8 + fixed;
    }
    if (optionsAt < 0) return;
    this.at = optionsAt;
    const options: NdOptionSpec[] = [];
    icmp.options = options;
    while (this.at < this.l3End) {
      const o = this.at;
      if (!this.need(2, 'ND option', this.l3End)) return;
      const units = b[o + 1];
      if (units === 0) return void this.stop(o, 'ND option with length 0');
      if (!this.need(units * 8, 'ND option', this.l3End)) return;
      const optionType = b[o];
      if ((optionType === ND_OPT_SOURCE_LINKADDR || optionType === ND_OPT_TARGET_LINKADDR) && units === 1) {
        options.push({ type: optionType, mac: formatMac(b, o + 2), length: units });
      } else {
        options.push({ type: optionType, data: this.copy(o + 2, o + units * 8), length: units });
      }
      this.at += units * 8;
    }
  }

  igmp(): void {
    const b = this.bytes;
    if (!this.need(8, 'IGMP header', this.l3End)) return;
    const a = this.at;
    this.l4Offset = a;
    const type = b[a];
    const igmp: NonNullable<PacketSpec['igmp']> = { type, maxResponse: b[a + 1], checksum: readBe16(b, a + 2) };
    this.spec.igmp = igmp;
    this.at += 8;
    if (type === IGMPV3_HOST_MEMBERSHIP_REPORT) {
      const count = readBe16(b, a + 6);
      const records: IgmpRecordSpec[] = [];
      igmp.records = records;
      for (let i = 0; i < count; i++) {
        const r = this.at;
        if (!this.need(8, 'IGMPv3 group record', this.l3End)) return;
        const auxSize = b[r + 1] * 4;
        const sourceCount = readBe16(b, r + 2);
        const size = 8 + 4 * sourceCount + auxSize;
        if (!this.need(size, 'IGMPv3 group record', this.l3End)) return;
        const sources: string[] = [];
        for (let s = 0; s < sourceCount; s++) sources.push(formatIpv4(b, r + 8 + 4 * s));
        const record: IgmpRecordSpec = { type: b[r], group: formatIpv4(b, r + 4), sources };
        if (auxSize) record.aux = this.copy(r + 8 + 4 * sourceCount, r + size);
        records.push(record);
        this.at += size;
      }
      return;
    }
    igmp.group = formatIpv4(b, a + 4);
    if (type === IGMP_HOST_MEMBERSHIP_QUERY && this.l3End - a >= IGMPV3_QUERY_HEADER_SIZE) {
      const sourceCount = readBe16(b, a + 10);
      if (!this.need(4 + 4 * sourceCount, 'IGMPv3 query', this.l3End)) return;
      igmp.v3 = true;
      igmp.suppress = (b[a + 8] & 0x08) !== 0;
      igmp.qrv = b[a + 8] & 7;
      igmp.qqic = b[a + 9];
      const sources: string[] = [];
      for (let s = 0; s < sourceCount; s++) sources.push(formatIpv4(b, a + 12 + 4 * s));
      igmp.sources = sources;
      this.at += 4 + 4 * sourceCount;
    }
  }
}

/**
 * Decodes `bytes` (an Ethernet frame unless `start` says otherwise; 'ip' picks
 * IPv4 or IPv6 by the version nibble). Never throws.
 */
export function decodePacket(bytes: Uint8Array, options: { start?: DecodeStart } = {}): DecodeResult {
  const d = new Decoder(bytes);
  const start = options.start ?? 'eth';
  if (start === 'eth') d.ethernet();
  else if (start === 'mpls') d.mpls();
  else if (start === 'ipv4' || (start === 'ip' && bytes.length > 0 && bytes[0] >> 4 === 4)) d.ipv4();
  else if (start === 'ipv6' || (start === 'ip' && bytes.length > 0 && bytes[0] >> 4 === 6)) d.ipv6();
  else d.stop(0, 'not an IP packet');
  if (d.at < bytes.length) d.spec.payload = bytes.slice(d.at);
  return {
    spec: d.spec,
    l2Offset: d.l2Offset,
    l2_5Offset: d.l2_5Offset,
    l3Offset: d.l3Offset,
    l4Offset: d.l4Offset,
    payloadOffset: d.at,
    error: d.error,
    errorOffset: d.errorOffset,
    badChecksums: d.badChecksums,
  };
}
