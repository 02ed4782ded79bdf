// Packet builder for tests, the flow-extraction corpus and datapath tests:
// a declarative description of the layers becomes wire bytes. Not for the hot
// path. Lengths and checksums are right by default; every derived value can be
// overridden so that malformed packets are as easy to write as good ones.
//
//   buildPacket({
//     eth: { src: '00:00:00:00:00:01', dst: 'ff:ff:ff:ff:ff:ff' },
//     vlans: [{ tpid: ETH_TYPE_VLAN_8021AD, vid: 100 }, { vid: 10, pcp: 3 }],
//     ipv4: { src: '10.0.0.1', dst: '10.0.0.2', df: true, options: [IPOPT_NOOP] },
//     tcp: { src: 1234, dst: 80, flags: TCP_SYN | TCP_ACK, checksum: 0xdead },
//     payload: 'hello',            // string = its UTF-8 bytes
//     truncate: 40,                // keep the first 40 bytes only
//   });
//
// Layers appear in the fixed order eth, vlans, llc, snap, mpls, then one of
// arp/rarp/ipv4/ipv6, then one of tcp/udp/sctp/icmp/icmpv6/igmp/gre, then
// vxlan or geneve over udp, then payload. Tunnel layers carry an `inner` spec.
// Leaving `eth` out starts the packet at the next layer present (an IPv4
// packet alone, say, for an ICMP error's embedded header). `eth.type` is the
// type after the VLAN tags (OVS's dl_type); it, IP protocol, next header and
// SNAP type are derived from the layer above unless given. Giving `llc` or
// `snap` makes an 802.3 frame whose length field counts what follows it
// (`eth.length` sets that field, and alone makes an 802.3 frame without LLC).
// Transport checksums use the IP addresses as written in the header (no routing
// header final destination); with no IP layer they stay 0 unless given.
// buildPacketLayers() also returns where each layer starts; decode.ts turns
// bytes back into a spec, and samples.ts has one well-formed spec of each kind.

import { parseIpv4, parseIpv6, parseMac } from './addr.js';
import { writeBe16, writeBe32 } from './bytes.js';
import {
  finishChecksum,
  internetChecksum,
  ipv4PseudoHeaderSum,
  ipv6PseudoHeaderSum,
  onesComplementSum,
  setSctpChecksum,
} from './checksum.js';
import {
  ARP_HTYPE_ETHERNET,
  ARP_OP_REQUEST,
  ETH_TYPE_ARP,
  ETH_TYPE_IP,
  ETH_TYPE_IPV6,
  ETH_TYPE_MPLS,
  ETH_TYPE_RARP,
  ETH_TYPE_TEB,
  ETH_TYPE_VLAN_8021Q,
  LLC_CNTL_SNAP,
  LLC_DSAP_SNAP,
  LLC_SSAP_SNAP,
} from './ethernet.js';
import {
  IGMP_HOST_MEMBERSHIP_QUERY,
  IGMPV3_HOST_MEMBERSHIP_REPORT,
  ND_NA_FLAG_OVERRIDE,
  ND_NA_FLAG_ROUTER,
  ND_NA_FLAG_SOLICITED,
  ND_NEIGHBOR_ADVERT,
  ND_NEIGHBOR_SOLICIT,
  ND_REDIRECT,
  ND_ROUTER_ADVERT,
  ICMP6_ECHO_REPLY,
  ICMP6_ECHO_REQUEST,
} from './icmp.js';
import { GENEVE_PORT, GRE_FLAG_CHECKSUM, GRE_FLAG_KEY, GRE_FLAG_SEQUENCE, VXLAN_FLAG_VNI, VXLAN_PORT } from './tunnel.js';
import {
  IP_DF,
  IP_MF,
  IPPROTO_AH,
  IPPROTO_DSTOPTS,
  IPPROTO_FRAGMENT,
  IPPROTO_GRE,
  IPPROTO_HOPOPTS,
  IPPROTO_ICMP,
  IPPROTO_ICMPV6,
  IPPROTO_IGMP,
  IPPROTO_NONE,
  IPPROTO_ROUTING,
  IPPROTO_SCTP,
  IPPROTO_TCP,
  IPPROTO_UDP,
} from './ip.js';

/** Bytes given as a Uint8Array or an array of byte values. */
export type ByteSource = Uint8Array | readonly number[];
/** A MAC as "aa:bb:cc:dd:ee:ff" or 6 bytes. */
export type MacSource = string | Uint8Array;
/** An IPv4 address as a dotted quad or 4 bytes. */
export type Ipv4Source = string | Uint8Array;
/** An IPv6 address as text or 16 bytes. */
export type Ipv6Source = string | Uint8Array;

export interface EthernetSpec {
  /** Default 00:00:00:00:00:02. */
  dst?: MacSource;
  /** Default 00:00:00:00:00:01. */
  src?: MacSource;
  /** Type after the VLAN tags; derived from the next layer. Required when none is given. */
  type?: number;
  /** Makes an 802.3 frame with this length field (llc/snap make one with the length derived). */
  length?: number;
}

export interface VlanSpec {
  /** Default 0x8100 (802.1Q); 0x88a8 for an 802.1ad service tag. */
  tpid?: number;
  vid?: number;
  pcp?: number;
  dei?: boolean;
  /** The whole 16-bit TCI, overriding vid, pcp and dei. */
  tci?: number;
}

export interface LlcSpec {
  /** Defaults make SNAP (aa aa 03) when `snap` is given, else 0x42 0x42 0x03 (STP). */
  dsap?: number;
  ssap?: number;
  control?: number;
}

export interface SnapSpec {
  /** Organization code, default 0 (the type is an Ethernet type). */
  oui?: number;
  /** Derived from the next layer like an Ethernet type. */
  type?: number;
}

export interface MplsSpec {
  label?: number;
  tc?: number;
  /** Default 64. */
  ttl?: number;
  /** Bottom of stack; default set on the last entry only. */
  bos?: boolean;
}

export interface ArpSpec {
  /** Default 1 (request). */
  op?: number;
  sha?: MacSource;
  spa?: Ipv4Source;
  tha?: MacSource;
  tpa?: Ipv4Source;
  /** Overrides of the Ethernet/IPv4 defaults 1, 0x0800, 6, 4. */
  htype?: number;
  ptype?: number;
  hlen?: number;
  plen?: number;
}

export interface Ipv4Spec {
  /** Default 10.0.0.1. */
  src?: Ipv4Source;
  /** Default 10.0.0.2. */
  dst?: Ipv4Source;
  /** The whole ToS byte; or dscp (6 bits) and ecn (2 bits). */
  tos?: number;
  dscp?: number;
  ecn?: number;
  /** Default 64. */
  ttl?: number;
  id?: number;
  df?: boolean;
  mf?: boolean;
  /** Fragment offset in 8-byte units, as on the wire. */
  fragmentOffset?: number;
  /** The whole flags+offset word, overriding df, mf and fragmentOffset. */
  fragmentWord?: number;
  /** Derived from the transport layer; required without one. */
  proto?: number;
  /** Option bytes, padded with zeros (end of options) to a multiple of 4. */
  options?: ByteSource;
  /** Overrides: IHL in 32-bit words, total length, header checksum, version. */
  ihl?: number;
  totalLength?: number;
  checksum?: number;
  version?: number;
}

export type Ipv6ExtensionSpec =
  | {
      /** Hop-by-hop or destination options; `options` padded with Pad1/PadN to 8n. */
      type: 'hopByHop' | 'destination';
      options?: ByteSource;
      nextHeader?: number;
      /** Header extension length field override (8-byte units after the first 8). */
      length?: number;
    }
  | {
      type: 'routing';
      routingType?: number;
      segmentsLeft?: number;
      /** Bytes after the first 4 (default 4 reserved zero bytes), zero-padded to 8n. */
      data?: ByteSource;
      nextHeader?: number;
      length?: number;
    }
  | {
      type: 'fragment';
      /** In 8-byte units. */
      offset?: number;
      more?: boolean;
      id?: number;
      nextHeader?: number;
    }
  | {
      type: 'ah';
      spi?: number;
      sequence?: number;
      /** Integrity check value, default 12 zero bytes. */
      icv?: ByteSource;
      nextHeader?: number;
      /** Payload length field override (4-byte units minus 2). */
      length?: number;
    };

export interface Ipv6Spec {
  /** Default 2001:db8::1. */
  src?: Ipv6Source;
  /** Default 2001:db8::2. */
  dst?: Ipv6Source;
  trafficClass?: number;
  flowLabel?: number;
  /** Default 64. */
  hopLimit?: number;
  extensions?: Ipv6ExtensionSpec[];
  /** Next header of the fixed header: derived (first extension, transport, else 59). */
  nextHeader?: number;
  /** Override of everything after the 40-byte header. */
  payloadLength?: number;
  version?: number;
}

export interface TcpSpec {
  src?: number;
  dst?: number;
  seq?: number;
  ack?: number;
  /** TCP_* bits (up to 12 bits, NS included); default 0. */
  flags?: number;
  /** Default 8192. */
  window?: number;
  urgent?: number;
  /** Option bytes, padded with zeros (end of options) to a multiple of 4. */
  options?: ByteSource;
  /** Data offset override in 32-bit words. */
  dataOffset?: number;
  checksum?: number;
}

export interface UdpSpec {
  src?: number;
  dst?: number;
  length?: number;
  /** 0 means "no checksum" over IPv4. A computed 0 is sent as 0xffff. */
  checksum?: number;
}

export interface SctpChunkSpec {
  type: number;
  flags?: number;
  /** Value bytes after the 4-byte chunk header; zero-padded to 4n. */
  data?: ByteSource;
  /** Chunk length field override. */
  length?: number;
}

export interface SctpSpec {
  src?: number;
  dst?: number;
  vtag?: number;
  chunks?: SctpChunkSpec[];
  /** CRC32c override, written least significant byte first like the computed one. */
  checksum?: number;
}

export interface IcmpSpec {
  type: number;
  code?: number;
  /** Echo, timestamp and information messages: identifier and sequence number. */
  id?: number;
  seq?: number;
  /** The 32-bit word after the checksum, overriding id/seq (MTU, gateway, pointer, unused). */
  rest?: number;
  /** Error messages: the offending packet, built without Ethernet, placed before `payload`. */
  embedded?: PacketSpec;
  checksum?: number;
}

export interface NdOptionSpec {
  /** ND_OPT_SOURCE_LINKADDR, ND_OPT_TARGET_LINKADDR or anything else. */
  type: number;
  /** For SLL/TLL: the link address. */
  mac?: MacSource;
  /** Raw option value after type and length (zero-padded to 8n with them). */
  data?: ByteSource;
  /** Length field override, in 8-byte units. */
  length?: number;
}

export interface Icmpv6Spec {
  type: number;
  code?: number;
  /** Echo request/reply. */
  id?: number;
  seq?: number;
  /**
   * The 32-bit word after the checksum (MTU, pointer, reserved); it overrides
   * what the type put there (echo id/seq, NA flags, RA hop limit/flags/lifetime).
   */
  rest?: number;
  /** NS, NA and redirect target. */
  target?: Ipv6Source;
  /** Redirect destination. */
  destination?: Ipv6Source;
  /** NA flags. */
  router?: boolean;
  solicited?: boolean;
  override?: boolean;
  /** RA fields. */
  curHopLimit?: number;
  /** RA M/O/... flag byte. */
  raFlags?: number;
  routerLifetime?: number;
  reachableTime?: number;
  retransTimer?: number;
  /** ND options (RS, RA, NS, NA, redirect), in order. */
  options?: NdOptionSpec[];
  /** Error messages: the offending packet, built without Ethernet. */
  embedded?: PacketSpec;
  checksum?: number;
}

export interface IgmpRecordSpec {
  /** IGMPV3_MODE_IS_INCLUDE etc. */
  type: number;
  group: Ipv4Source;
  sources?: Ipv4Source[];
  /** Auxiliary data, a multiple of 4 bytes. */
  aux?: ByteSource;
}

export interface IgmpSpec {
  /** IGMP_HOST_MEMBERSHIP_QUERY, IGMPV1/V2/V3 report, IGMP_HOST_LEAVE_MESSAGE. */
  type: number;
  /** Max response time (v2) or code (v3 query); 0 for v1. */
  maxResponse?: number;
  /** Default 0.0.0.0 (a general query). */
  group?: Ipv4Source;
  /** A v3 query: set `v3` or any of suppress/qrv/qqic/sources. */
  v3?: boolean;
  suppress?: boolean;
  qrv?: number;
  qqic?: number;
  sources?: Ipv4Source[];
  /** v3 report group records. */
  records?: IgmpRecordSpec[];
  checksum?: number;
}

export interface VxlanSpec {
  /** Default 0x08 (VNI valid). */
  flags?: number;
  vni?: number;
  /** The encapsulated frame (normally with `eth`). */
  inner: PacketSpec;
}

export interface GeneveOptionSpec {
  /** Option class, e.g. 0x0102 for OVS's experiments, 0xffff for testing. */
  optionClass: number;
  /** Option type; its high bit marks the option critical. */
  type: number;
  /** Zero-padded to a multiple of 4 bytes. */
  data?: ByteSource;
  /** Length field override (4-byte units of data). */
  length?: number;
}

export interface GeneveSpec {
  vni?: number;
  oam?: boolean;
  critical?: boolean;
  /** Protocol type, derived from `inner` (0x6558 for an Ethernet frame). */
  protocol?: number;
  options?: GeneveOptionSpec[];
  /** Option length field override (4-byte units). */
  optionsLength?: number;
  version?: number;
  inner: PacketSpec;
}

export interface GreSpec {
  /** Present when given; `true` computes it over the GRE header and payload. */
  checksum?: boolean | number;
  key?: number;
  sequence?: number;
  /** Protocol type, derived from `inner` (0x6558 for an Ethernet frame). */
  protocol?: number;
  /** The whole flags/version word, overriding the flags derived from checksum/key/sequence. */
  flagsWord?: number;
  inner: PacketSpec;
}

export interface PacketSpec {
  eth?: EthernetSpec;
  vlans?: VlanSpec[];
  llc?: LlcSpec;
  snap?: SnapSpec;
  mpls?: MplsSpec[];
  arp?: ArpSpec;
  rarp?: ArpSpec;
  ipv4?: Ipv4Spec;
  ipv6?: Ipv6Spec;
  tcp?: TcpSpec;
  udp?: UdpSpec;
  sctp?: SctpSpec;
  icmp?: IcmpSpec;
  icmpv6?: Icmpv6Spec;
  igmp?: IgmpSpec;
  /** Tunnels: vxlan and geneve ride on `udp` (default destination ports 4789 and 6081); gre is a transport of its own. */
  vxlan?: VxlanSpec;
  geneve?: GeneveSpec;
  gre?: GreSpec;
  /** Bytes after the last header; a string stands for its UTF-8 bytes. */
  payload?: ByteSource | string;
  /** Zero-pad the result to at least this many bytes (60 for a minimum Ethernet frame). */
  padTo?: number;
  /** Keep only the first this many bytes (after padding). */
  truncate?: number;
}

/** A built packet and where its layers start (-1 for a layer that is absent). */
export interface BuiltPacket {
  bytes: Uint8Array;
  l2Offset: number;
  /** First MPLS label stack entry. */
  l2_5Offset: number;
  l3Offset: number;
  l4Offset: number;
}

/** The bytes of the packet `spec` describes. */
export function buildPacket(spec: PacketSpec): Uint8Array {
  return buildPacketLayers(spec).bytes;
}

function bytesOf(source: ByteSource | string | undefined): Uint8Array {
  if (source === undefined) return new Uint8Array(0);
  if (typeof source === 'string') return new TextEncoder().encode(source);
  return source instanceof Uint8Array ? source : Uint8Array.from(source);
}

function mac(source: MacSource | undefined, fallback: string): Uint8Array {
  const value = source ?? fallback;
  return typeof value === 'string' ? parseMac(value) : value;
}

function ipv4(source: Ipv4Source | undefined, fallback: string): Uint8Array {
  const value = source ?? fallback;
  return typeof value === 'string' ? parseIpv4(value) : value;
}

function ipv6(source: Ipv6Source | undefined, fallback: string): Uint8Array {
  const value = source ?? fallback;
  return typeof value === 'string' ? parseIpv6(value) : value;
}

function padTo(bytes: Uint8Array, multiple: number): Uint8Array {
  const size = Math.ceil(bytes.length / multiple) * multiple;
  if (size === bytes.length) return bytes;
  const out = new Uint8Array(size);
  out.set(bytes);
  return out;
}

/** Accumulates header byte arrays and remembers where each starts. */
class Writer {
  readonly parts: Uint8Array[] = [];
  size = 0;
  add(bytes: Uint8Array): number {
    const at = this.size;
    this.parts.push(bytes);
    this.size += bytes.length;
    return at;
  }
  concat(): Uint8Array {
    const out = new Uint8Array(this.size);
    let at = 0;
    for (const part of this.parts) {
      out.set(part, at);
      at += part.length;
    }
    return out;
  }
}

function transportProto(spec: PacketSpec): number | undefined {
  if (spec.tcp) return IPPROTO_TCP;
  if (spec.udp) return IPPROTO_UDP;
  if (spec.sctp) return IPPROTO_SCTP;
  if (spec.icmp) return IPPROTO_ICMP;
  if (spec.icmpv6) return IPPROTO_ICMPV6;
  if (spec.igmp) return IPPROTO_IGMP;
  if (spec.gre) return IPPROTO_GRE;
  return undefined;
}

function networkType(spec: PacketSpec): number | undefined {
  if (spec.mpls && spec.mpls.length > 0) return ETH_TYPE_MPLS;
  if (spec.arp) return ETH_TYPE_ARP;
  if (spec.rarp) return ETH_TYPE_RARP;
  if (spec.ipv4) return ETH_TYPE_IP;
  if (spec.ipv6) return ETH_TYPE_IPV6;
  return undefined;
}

const EXTENSION_PROTO = {
  hopByHop: IPPROTO_HOPOPTS,
  routing: IPPROTO_ROUTING,
  fragment: IPPROTO_FRAGMENT,
  destination: IPPROTO_DSTOPTS,
  ah: IPPROTO_AH,
} as const;

/** Pads hop-by-hop/destination option bytes (after the 2-byte header) to 8n - 2 with Pad1 or PadN. */
function padOptions(options: Uint8Array): Uint8Array {
  const total = Math.max(8, Math.ceil((options.length + 2) / 8) * 8);
  const gap = total - 2 - options.length;
  const out = new Uint8Array(total - 2);
  out.set(options);
  if (gap === 1) out[options.length] = 0; // Pad1
  else if (gap >= 2) {
    out[options.length] = 1; // PadN
    out[options.length + 1] = gap - 2;
  }
  return out;
}

function buildExtension(ext: Ipv6ExtensionSpec, next: number): Uint8Array {
  switch (ext.type) {
    case 'hopByHop':
    case 'destination': {
      const body = padOptions(bytesOf(ext.options));
      const out = new Uint8Array(2 + body.length);
      out[0] = ext.nextHeader ?? next;
      out[1] = ext.length ?? out.length / 8 - 1;
      out.set(body, 2);
      return out;
    }
    case 'routing': {
      const data = ext.data === undefined ? new Uint8Array(4) : bytesOf(ext.data);
      const out = padTo(new Uint8Array(4 + data.length), 8);
      out[0] = ext.nextHeader ?? next;
      out[1] = ext.length ?? out.length / 8 - 1;
      out[2] = ext.routingType ?? 0;
      out[3] = ext.segmentsLeft ?? 0;
      out.set(data, 4);
      return out;
    }
    case 'fragment': {
      const out = new Uint8Array(8);
      out[0] = ext.nextHeader ?? next;
      writeBe16(out, 2, (((ext.offset ?? 0) << 3) & 0xfff8) | (ext.more ? 1 : 0));
      writeBe32(out, 4, ext.id ?? 0);
      return out;
    }
    case 'ah': {
      const icv = ext.icv === undefined ? new Uint8Array(12) : bytesOf(ext.icv);
      const out = new Uint8Array(12 + icv.length);
      out[0] = ext.nextHeader ?? next;
      out[1] = ext.length ?? out.length / 4 - 2;
      writeBe32(out, 4, ext.spi ?? 0x100);
      writeBe32(out, 8, ext.sequence ?? 1);
      out.set(icv, 12);
      return out;
    }
  }
}

function buildNdOptions(options: NdOptionSpec[] | undefined): Uint8Array {
  const w = new Writer();
  for (const option of options ?? []) {
    const value = option.mac !== undefined ? mac(option.mac, '') : bytesOf(option.data);
    const out = padTo(new Uint8Array(2 + value.length), 8);
    out[0] = option.type;
    out[1] = option.length ?? out.length / 8;
    out.set(value, 2);
    w.add(out);
  }
  return w.concat();
}

function buildIcmpv6(spec: Icmpv6Spec): Uint8Array {
  const w = new Writer();
  const head = new Uint8Array(8);
  head[0] = spec.type;
  head[1] = spec.code ?? 0;
  w.add(head);
  switch (spec.type) {
    case ICMP6_ECHO_REQUEST:
    case ICMP6_ECHO_REPLY:
      writeBe16(head, 4, spec.id ?? 0);
      writeBe16(head, 6, spec.seq ?? 0);
      break;
    case ND_ROUTER_ADVERT: {
      head[4] = spec.curHopLimit ?? 64;
      head[5] = spec.raFlags ?? 0;
      writeBe16(head, 6, spec.routerLifetime ?? 1800);
      const timers = new Uint8Array(8);
      writeBe32(timers, 0, spec.reachableTime ?? 0);
      writeBe32(timers, 4, spec.retransTimer ?? 0);
      w.add(timers);
      break;
    }
    case ND_NEIGHBOR_ADVERT:
      head[4] =
        (spec.router ? ND_NA_FLAG_ROUTER : 0) |
        (spec.solicited ? ND_NA_FLAG_SOLICITED : 0) |
        (spec.override ? ND_NA_FLAG_OVERRIDE : 0);
      w.add(ipv6(spec.target, '::'));
      break;
    case ND_NEIGHBOR_SOLICIT:
      w.add(ipv6(spec.target, '::'));
      break;
    case ND_REDIRECT:
      w.add(ipv6(spec.target, '::'));
      w.add(ipv6(spec.destination, '::'));
      break;
    default:
      // RS, errors and other types: 4 reserved or `rest` bytes, then options or the embedded packet.
      break;
  }
  if (spec.rest !== undefined) writeBe32(head, 4, spec.rest);
  if (spec.embedded) w.add(buildPacket(spec.embedded));
  if (spec.options) w.add(buildNdOptions(spec.options));
  return w.concat();
}

function buildIcmp(spec: IcmpSpec): Uint8Array {
  const head = new Uint8Array(8);
  head[0] = spec.type;
  head[1] = spec.code ?? 0;
  writeBe16(head, 4, spec.id ?? 0);
  writeBe16(head, 6, spec.seq ?? 0);
  if (spec.rest !== undefined) writeBe32(head, 4, spec.rest);
  if (!spec.embedded) return head;
  const inner = buildPacket(spec.embedded);
  const out = new Uint8Array(8 + inner.length);
  out.set(head);
  out.set(inner, 8);
  return out;
}

function buildIgmp(spec: IgmpSpec): Uint8Array {
  const w = new Writer();
  const head = new Uint8Array(8);
  head[0] = spec.type;
  head[1] = spec.maxResponse ?? 0;
  w.add(head);
  if (spec.type === IGMPV3_HOST_MEMBERSHIP_REPORT) {
    const records = spec.records ?? [];
    writeBe16(head, 6, records.length);
    for (const record of records) {
      const sources = record.sources ?? [];
      const aux = bytesOf(record.aux);
      const out = new Uint8Array(8 + 4 * sources.length + aux.length);
      out[0] = record.type;
      out[1] = aux.length >>> 2;
      writeBe16(out, 2, sources.length);
      out.set(ipv4(record.group, ''), 4);
      sources.forEach((source, i) => out.set(ipv4(source, ''), 8 + 4 * i));
      out.set(aux, 8 + 4 * sources.length);
      w.add(out);
    }
    return w.concat();
  }
  head.set(ipv4(spec.group, '0.0.0.0'), 4);
  const v3 =
    spec.type === IGMP_HOST_MEMBERSHIP_QUERY &&
    (spec.v3 || spec.suppress !== undefined || spec.qrv !== undefined || spec.qqic !== undefined || !!spec.sources);
  if (v3) {
    const sources = spec.sources ?? [];
    const tail = new Uint8Array(4 + 4 * sources.length);
    tail[0] = (spec.suppress ? 0x08 : 0) | ((spec.qrv ?? 2) & 7);
    tail[1] = spec.qqic ?? 125;
    writeBe16(tail, 2, sources.length);
    sources.forEach((source, i) => tail.set(ipv4(source, ''), 4 + 4 * i));
    w.add(tail);
  }
  return w.concat();
}

function buildSctp(spec: SctpSpec): Uint8Array {
  const w = new Writer();
  const head = new Uint8Array(12);
  writeBe16(head, 0, spec.src ?? 1234);
  writeBe16(head, 2, spec.dst ?? 5678);
  writeBe32(head, 4, spec.vtag ?? 0);
  w.add(head);
  for (const chunk of spec.chunks ?? []) {
    const data = bytesOf(chunk.data);
    const out = padTo(new Uint8Array(4 + data.length), 4);
    out[0] = chunk.type;
    out[1] = chunk.flags ?? 0;
    writeBe16(out, 2, chunk.length ?? 4 + data.length);
    out.set(data, 4);
    w.add(out);
  }
  return w.concat();
}

function buildArp(spec: ArpSpec): Uint8Array {
  const out = new Uint8Array(28);
  writeBe16(out, 0, spec.htype ?? ARP_HTYPE_ETHERNET);
  writeBe16(out, 2, spec.ptype ?? ETH_TYPE_IP);
  out[4] = spec.hlen ?? 6;
  out[5] = spec.plen ?? 4;
  writeBe16(out, 6, spec.op ?? ARP_OP_REQUEST);
  out.set(mac(spec.sha, '00:00:00:00:00:01'), 8);
  out.set(ipv4(spec.spa, '10.0.0.1'), 14);
  out.set(mac(spec.tha, '00:00:00:00:00:00'), 18);
  out.set(ipv4(spec.tpa, '10.0.0.2'), 24);
  return out;
}

/** The protocol type a tunnel header announces for `inner`: TEB for a frame, else its network type. */
function innerProtocol(inner: PacketSpec): number {
  if (inner.eth) return ETH_TYPE_TEB;
  const type = networkType(inner);
  if (type === undefined) throw new TypeError('buildPacket(): a tunnel protocol type is needed for an inner packet without eth or IP');
  return type;
}

function buildVxlan(spec: VxlanSpec): Uint8Array {
  const inner = buildPacket(spec.inner);
  const out = new Uint8Array(8 + inner.length);
  out[0] = spec.flags ?? VXLAN_FLAG_VNI;
  writeBe32(out, 4, ((spec.vni ?? 0) & 0xffffff) << 8);
  out.set(inner, 8);
  return out;
}

function buildGeneve(spec: GeneveSpec): Uint8Array {
  const w = new Writer();
  const head = new Uint8Array(8);
  w.add(head);
  for (const option of spec.options ?? []) {
    const data = padTo(bytesOf(option.data), 4);
    const out = new Uint8Array(4 + data.length);
    writeBe16(out, 0, option.optionClass);
    out[2] = option.type;
    out[3] = (option.length ?? data.length / 4) & 0x1f;
    out.set(data, 4);
    w.add(out);
  }
  const optionsSize = w.size - 8;
  head[0] = (((spec.version ?? 0) & 3) << 6) | ((spec.optionsLength ?? optionsSize / 4) & 0x3f);
  head[1] = (spec.oam ? 0x80 : 0) | (spec.critical ? 0x40 : 0);
  writeBe16(head, 2, spec.protocol ?? innerProtocol(spec.inner));
  writeBe32(head, 4, ((spec.vni ?? 0) & 0xffffff) << 8);
  w.add(buildPacket(spec.inner));
  return w.concat();
}

/** GRE header and inner packet; a requested checksum is left 0 for the caller to fill. */
function buildGre(spec: GreSpec): Uint8Array {
  const hasChecksum = spec.checksum !== undefined && spec.checksum !== false;
  const flags =
    spec.flagsWord ??
    ((hasChecksum ? GRE_FLAG_CHECKSUM : 0) |
      (spec.key !== undefined ? GRE_FLAG_KEY : 0) |
      (spec.sequence !== undefined ? GRE_FLAG_SEQUENCE : 0));
  const size = 4 + (flags & GRE_FLAG_CHECKSUM ? 4 : 0) + (flags & GRE_FLAG_KEY ? 4 : 0) + (flags & GRE_FLAG_SEQUENCE ? 4 : 0);
  const inner = buildPacket(spec.inner);
  const out = new Uint8Array(size + inner.length);
  writeBe16(out, 0, flags);
  writeBe16(out, 2, spec.protocol ?? innerProtocol(spec.inner));
  let at = 4;
  if (flags & GRE_FLAG_CHECKSUM) {
    if (typeof spec.checksum === 'number') writeBe16(out, at, spec.checksum);
    at += 4;
  }
  if (flags & GRE_FLAG_KEY) {
    writeBe32(out, at, spec.key ?? 0);
    at += 4;
  }
  if (flags & GRE_FLAG_SEQUENCE) writeBe32(out, at, spec.sequence ?? 0);
  out.set(inner, size);
  return out;
}

/** Builds `spec` and reports where each layer starts. */
export function buildPacketLayers(spec: PacketSpec): BuiltPacket {
  const w = new Writer();
  let l2Offset = -1;
  let l2_5Offset = -1;
  let l3Offset = -1;
  let l4Offset = -1;
  let lengthFieldOffset = -1; // 802.3 length
  const l3Type = networkType(spec);
  const proto = transportProto(spec);

  if (!spec.eth && (spec.vlans || spec.llc || spec.snap)) {
    throw new TypeError('buildPacket(): vlans, llc and snap need an eth layer');
  }
  if (spec.eth) {
    const eth = spec.eth;
    const type = eth.type ?? l3Type;
    const dot3 = !!(spec.llc || spec.snap) || eth.length !== undefined;
    if (dot3 ? spec.snap && (spec.snap.type ?? type) === undefined : type === undefined) {
      throw new TypeError('buildPacket(): eth.type is needed when no layer above Ethernet is given');
    }
    const head = new Uint8Array(12);
    head.set(mac(eth.dst, '00:00:00:00:00:02'), 0);
    head.set(mac(eth.src, '00:00:00:00:00:01'), 6);
    l2Offset = w.add(head);
    for (const vlan of spec.vlans ?? []) {
      const tag = new Uint8Array(4);
      writeBe16(tag, 0, vlan.tpid ?? ETH_TYPE_VLAN_8021Q);
      const tci = vlan.tci ?? (((vlan.pcp ?? 0) & 7) << 13) | (vlan.dei ? 0x1000 : 0) | ((vlan.vid ?? 0) & 0xfff);
      writeBe16(tag, 2, tci);
      w.add(tag);
    }
    const typeField = new Uint8Array(2);
    if (dot3) {
      lengthFieldOffset = w.add(typeField);
      if (spec.llc || spec.snap) {
        const llc = spec.llc ?? {};
        const llcBytes = new Uint8Array(3);
        llcBytes[0] = llc.dsap ?? (spec.snap ? LLC_DSAP_SNAP : 0x42);
        llcBytes[1] = llc.ssap ?? (spec.snap ? LLC_SSAP_SNAP : 0x42);
        llcBytes[2] = llc.control ?? LLC_CNTL_SNAP;
        w.add(llcBytes);
      }
      if (spec.snap) {
        const snap = new Uint8Array(5);
        const oui = spec.snap.oui ?? 0;
        snap[0] = oui >>> 16;
        snap[1] = oui >>> 8;
        snap[2] = oui;
        writeBe16(snap, 3, spec.snap.type ?? type ?? 0);
        w.add(snap);
      }
    } else {
      writeBe16(typeField, 0, type ?? 0);
      w.add(typeField);
    }
  }

  if (spec.mpls && spec.mpls.length > 0) {
    const stack = spec.mpls;
    stack.forEach((entry, i) => {
      const lse = new Uint8Array(4);
      const bos = entry.bos ?? i === stack.length - 1;
      writeBe32(
        lse,
        0,
        (((entry.label ?? 0) & 0xfffff) << 12) | (((entry.tc ?? 0) & 7) << 9) | (bos ? 0x100 : 0) | ((entry.ttl ?? 64) & 0xff),
      );
      const at = w.add(lse);
      if (i === 0) l2_5Offset = at;
    });
  }

  // Network layer. Length and checksum fields are filled in once the end is known.
  let ipv6Upper = -1; // next header value for the IPv6 pseudo-header
  if (spec.arp || spec.rarp) {
    l3Offset = w.add(buildArp((spec.arp ?? spec.rarp) as ArpSpec));
  } else if (spec.ipv4) {
    const ip = spec.ipv4;
    const options = padTo(bytesOf(ip.options), 4);
    const head = new Uint8Array(20 + options.length);
    head[0] = ((ip.version ?? 4) << 4) | ((ip.ihl ?? head.length / 4) & 0xf);
    head[1] = ip.tos ?? (((ip.dscp ?? 0) << 2) | ((ip.ecn ?? 0) & 3));
    writeBe16(head, 4, ip.id ?? 0);
    const frag = ip.fragmentWord ?? ((ip.df ? IP_DF : 0) | (ip.mf ? IP_MF : 0) | ((ip.fragmentOffset ?? 0) & 0x1fff));
    writeBe16(head, 6, frag);
    head[8] = ip.ttl ?? 64;
    const p = ip.proto ?? proto;
    if (p === undefined) throw new TypeError('buildPacket(): ipv4.proto is needed when no transport layer is given');
    head[9] = p;
    head.set(ipv4(ip.src, '10.0.0.1'), 12);
    head.set(ipv4(ip.dst, '10.0.0.2'), 16);
    head.set(options, 20);
    l3Offset = w.add(head);
  } else if (spec.ipv6) {
    const ip = spec.ipv6;
    const head = new Uint8Array(40);
    const extensions = ip.extensions ?? [];
    ipv6Upper = proto ?? IPPROTO_NONE;
    const first = extensions.length > 0 ? EXTENSION_PROTO[extensions[0].type] : ipv6Upper;
    writeBe32(
      head,
      0,
      (((ip.version ?? 6) & 0xf) << 28) | (((ip.trafficClass ?? 0) & 0xff) << 20) | ((ip.flowLabel ?? 0) & 0xfffff),
    );
    head[6] = ip.nextHeader ?? first;
    head[7] = ip.hopLimit ?? 64;
    head.set(ipv6(ip.src, '2001:db8::1'), 8);
    head.set(ipv6(ip.dst, '2001:db8::2'), 24);
    l3Offset = w.add(head);
    extensions.forEach((ext, i) => {
      const next = i + 1 < extensions.length ? EXTENSION_PROTO[extensions[i + 1].type] : ipv6Upper;
      w.add(buildExtension(ext, next));
    });
  }

  // Transport layer (checksums filled in below).
  if (spec.tcp) {
    const tcp = spec.tcp;
    const options = padTo(bytesOf(tcp.options), 4);
    const head = new Uint8Array(20 + options.length);
    writeBe16(head, 0, tcp.src ?? 1234);
    writeBe16(head, 2, tcp.dst ?? 5678);
    writeBe32(head, 4, tcp.seq ?? 0);
    writeBe32(head, 8, tcp.ack ?? 0);
    writeBe16(head, 12, (((tcp.dataOffset ?? head.length / 4) & 0xf) << 12) | ((tcp.flags ?? 0) & 0xfff));
    writeBe16(head, 14, tcp.window ?? 8192);
    writeBe16(head, 18, tcp.urgent ?? 0);
    head.set(options, 20);
    l4Offset = w.add(head);
  } else if (spec.udp) {
    const head = new Uint8Array(8);
    writeBe16(head, 0, spec.udp.src ?? 1234);
    writeBe16(head, 2, spec.udp.dst ?? (spec.vxlan ? VXLAN_PORT : spec.geneve ? GENEVE_PORT : 5678));
    l4Offset = w.add(head);
    if (spec.vxlan) w.add(buildVxlan(spec.vxlan));
    else if (spec.geneve) w.add(buildGeneve(spec.geneve));
  } else if (spec.sctp) {
    l4Offset = w.add(buildSctp(spec.sctp));
  } else if (spec.icmp) {
    l4Offset = w.add(buildIcmp(spec.icmp));
  } else if (spec.icmpv6) {
    l4Offset = w.add(buildIcmpv6(spec.icmpv6));
  } else if (spec.igmp) {
    l4Offset = w.add(buildIgmp(spec.igmp));
  } else if (spec.gre) {
    l4Offset = w.add(buildGre(spec.gre));
  }
  if ((spec.vxlan || spec.geneve) && !spec.udp) throw new TypeError('buildPacket(): vxlan and geneve need a udp layer');

  w.add(bytesOf(spec.payload));
  const end = w.size;
  let bytes = w.concat();

  // Lengths, then transport checksums (which cover the IPv4 total length only
  // through the pseudo-header's own length), then the IPv4 header checksum.
  if (lengthFieldOffset >= 0) writeBe16(bytes, lengthFieldOffset, spec.eth?.length ?? end - lengthFieldOffset - 2);
  if (spec.ipv4 && l3Offset >= 0) writeBe16(bytes, l3Offset + 2, spec.ipv4.totalLength ?? end - l3Offset);
  if (spec.ipv6 && l3Offset >= 0) writeBe16(bytes, l3Offset + 4, spec.ipv6.payloadLength ?? end - l3Offset - 40);
  if (spec.udp) writeBe16(bytes, l4Offset + 4, spec.udp.length ?? end - l4Offset);

  if (l4Offset >= 0) {
    const l4Size = end - l4Offset;
    const pseudo =
      spec.ipv4 && l3Offset >= 0
        ? ipv4PseudoHeaderSum(bytes, l3Offset, bytes[l3Offset + 9], l4Size)
        : spec.ipv6 && l3Offset >= 0
          ? ipv6PseudoHeaderSum(bytes, l3Offset, ipv6Upper, l4Size)
          : -1;
    const fill = (at: number, override: number | undefined, usePseudo: boolean): void => {
      if (override !== undefined) writeBe16(bytes, at, override);
      else if (!usePseudo || pseudo >= 0) {
        const sum = onesComplementSum(bytes, l4Offset, end, usePseudo ? pseudo : 0);
        let checksum = finishChecksum(sum);
        if (spec.udp && checksum === 0) checksum = 0xffff;
        writeBe16(bytes, at, checksum);
      }
    };
    if (spec.tcp) fill(l4Offset + 16, spec.tcp.checksum, true);
    else if (spec.udp) fill(l4Offset + 6, spec.udp.checksum, true);
    else if (spec.icmpv6) fill(l4Offset + 2, spec.icmpv6.checksum, true);
    else if (spec.icmp) fill(l4Offset + 2, spec.icmp.checksum, false);
    else if (spec.igmp) fill(l4Offset + 2, spec.igmp.checksum, false);
    else if (spec.gre && spec.gre.checksum === true) fill(l4Offset + 4, undefined, false);
    else if (spec.sctp) {
      if (spec.sctp.checksum === undefined) setSctpChecksum(bytes, l4Offset, end);
      else {
        const c = spec.sctp.checksum;
        bytes[l4Offset + 8] = c;
        bytes[l4Offset + 9] = c >>> 8;
        bytes[l4Offset + 10] = c >>> 16;
        bytes[l4Offset + 11] = c >>> 24;
      }
    }
  }
  if (spec.ipv4 && l3Offset >= 0) {
    const headerSize = 20 + padTo(bytesOf(spec.ipv4.options), 4).length;
    writeBe16(bytes, l3Offset + 10, spec.ipv4.checksum ?? internetChecksum(bytes, l3Offset, l3Offset + headerSize));
  }

  if (spec.padTo !== undefined && bytes.length < spec.padTo) {
    const padded = new Uint8Array(spec.padTo);
    padded.set(bytes);
    bytes = padded;
  }
  if (spec.truncate !== undefined && spec.truncate < bytes.length) bytes = bytes.slice(0, spec.truncate);
  return { bytes, l2Offset, l2_5Offset, l3Offset, l4Offset };
}
