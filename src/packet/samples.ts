// A named set of well-formed packets, one of every kind the builder makes,
// with the protocols a dissector should see in each. Used by the tshark
// interop test, the decoder's round-trip tests and anyone who wants a quick
// realistic corpus (flow extraction, datapath tests). Builds with build.ts.

import type { PacketSpec } from './build.js';
import { ARP_OP_REPLY, ARP_OP_RARP_REQUEST, ETH_TYPE_VLAN_8021AD } from './ethernet.js';
import {
  ICMP4_DST_UNREACH,
  ICMP4_ECHO_REPLY,
  ICMP4_ECHO_REQUEST,
  ICMP4_PORT_UNREACH,
  ICMP4_TIME_EXCEEDED,
  ICMP6_DST_UNREACH,
  ICMP6_ECHO_REPLY,
  ICMP6_ECHO_REQUEST,
  ICMP6_PACKET_TOO_BIG,
  IGMP_HOST_LEAVE_MESSAGE,
  IGMP_HOST_MEMBERSHIP_QUERY,
  IGMPV1_HOST_MEMBERSHIP_REPORT,
  IGMPV2_HOST_MEMBERSHIP_REPORT,
  IGMPV3_ALLOW_NEW_SOURCES,
  IGMPV3_HOST_MEMBERSHIP_REPORT,
  IGMPV3_MODE_IS_EXCLUDE,
  ND_NEIGHBOR_ADVERT,
  ND_NEIGHBOR_SOLICIT,
  ND_OPT_MTU,
  ND_OPT_SOURCE_LINKADDR,
  ND_OPT_TARGET_LINKADDR,
  ND_REDIRECT,
  ND_ROUTER_ADVERT,
  ND_ROUTER_SOLICIT,
} from './icmp.js';
import { IPOPT_NOOP, IPOPT_RA, IPPROTO_UDP } from './ip.js';
import { SCTP_CHUNK_DATA, SCTP_CHUNK_INIT, TCP_ACK, TCP_PSH, TCP_SYN, TCPOPT_MSS, TCPOPT_NOP, TCPOPT_WSCALE } from './tcp.js';

export interface PacketSample {
  /** Short unique name, usable as a test name or file name. */
  readonly name: string;
  readonly spec: PacketSpec;
  /** Protocol names (tshark's frame.protocols vocabulary) that must appear, outermost first. */
  readonly protocols: readonly string[];
}

const MAC_A = '50:54:00:00:00:01';
const MAC_B = '50:54:00:00:00:02';
const ETH = { src: MAC_A, dst: MAC_B };
const V4 = { src: '192.168.1.1', dst: '192.168.1.2' };
const V6 = { src: 'fd00::1', dst: 'fd00::2' };
const ROUTER_ALERT = [IPOPT_RA, 4, 0, 0];
// An STP configuration BPDU: protocol 0, version 0, type 0, flags, root id,
// path cost, bridge id, port id, then ages and timers in 1/256 s.
const STP_BPDU = [
  0, 0, 0, 0, 0, 0x80, 0, 0x50, 0x54, 0, 0, 0, 1, 0, 0, 0, 0, 0x80, 0, 0x50, 0x54, 0, 0, 0, 1, 0x80, 1, 0, 0, 0x14, 0,
  2, 0, 0x0f, 0,
];
// SCTP DATA chunk value: TSN, stream id, stream sequence, payload protocol id, data.
const SCTP_DATA = [0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0x68, 0x69];
// SCTP INIT value: initiate tag, a_rwnd, outbound streams, inbound streams, initial TSN.
const SCTP_INIT = [0, 0, 0, 1, 0, 1, 0, 0, 0, 10, 0, 10, 0, 0, 0, 1];

export const PACKET_SAMPLES: readonly PacketSample[] = [
  { name: 'arp-request', spec: { eth: { src: MAC_A, dst: 'ff:ff:ff:ff:ff:ff' }, arp: { sha: MAC_A, spa: V4.src, tpa: V4.dst } }, protocols: ['eth', 'arp'] },
  { name: 'arp-reply', spec: { eth: ETH, arp: { op: ARP_OP_REPLY, sha: MAC_A, spa: V4.src, tha: MAC_B, tpa: V4.dst } }, protocols: ['eth', 'arp'] },
  { name: 'rarp-request', spec: { eth: { src: MAC_A, dst: 'ff:ff:ff:ff:ff:ff' }, rarp: { op: ARP_OP_RARP_REQUEST, sha: MAC_A, spa: '0.0.0.0', tha: MAC_A, tpa: '0.0.0.0' } }, protocols: ['eth', 'arp'] },
  {
    name: 'ipv4-tcp-syn',
    spec: {
      eth: ETH,
      ipv4: { ...V4, df: true, id: 0x1234 },
      tcp: { src: 40000, dst: 9, flags: TCP_SYN, seq: 1000, options: [TCPOPT_MSS, 4, 0x05, 0xb4, TCPOPT_NOP, TCPOPT_WSCALE, 3, 7] },
    },
    protocols: ['eth', 'ip', 'tcp'],
  },
  { name: 'ipv4-tcp-data', spec: { eth: ETH, ipv4: V4, tcp: { src: 40000, dst: 9, flags: TCP_ACK | TCP_PSH, seq: 1, ack: 1 }, payload: 'hello world' }, protocols: ['eth', 'ip', 'tcp'] },
  { name: 'ipv4-udp', spec: { eth: ETH, ipv4: { ...V4, dscp: 46, ecn: 1 }, udp: { src: 40000, dst: 9 }, payload: 'datagram' }, protocols: ['eth', 'ip', 'udp'] },
  { name: 'ipv4-options-udp', spec: { eth: ETH, ipv4: { ...V4, options: [IPOPT_NOOP, ...ROUTER_ALERT] }, udp: { src: 40000, dst: 9 }, payload: 'opt' }, protocols: ['eth', 'ip', 'udp'] },
  { name: 'ipv4-fragment-first', spec: { eth: ETH, ipv4: { ...V4, id: 77, mf: true }, udp: { src: 40000, dst: 9, length: 1008 }, payload: new Uint8Array(16) }, protocols: ['eth', 'ip'] },
  { name: 'ipv4-fragment-later', spec: { eth: ETH, ipv4: { ...V4, id: 78, fragmentOffset: 3, proto: IPPROTO_UDP }, payload: new Uint8Array(8) }, protocols: ['eth', 'ip'] },
  { name: 'vlan-ipv4-icmp-echo', spec: { eth: ETH, vlans: [{ vid: 10, pcp: 5 }], ipv4: V4, icmp: { type: ICMP4_ECHO_REQUEST, id: 1, seq: 1 }, payload: 'ping' }, protocols: ['eth', 'vlan', 'ip', 'icmp'] },
  {
    name: 'qinq-ipv4-udp',
    spec: { eth: ETH, vlans: [{ tpid: ETH_TYPE_VLAN_8021AD, vid: 100 }, { vid: 10 }], ipv4: V4, udp: { src: 40000, dst: 9 }, payload: 'qinq' },
    protocols: ['eth', 'ieee8021ad', 'vlan', 'ip', 'udp'],
  },
  { name: 'mpls-ipv4-udp', spec: { eth: ETH, mpls: [{ label: 100, ttl: 64 }, { label: 200, ttl: 63 }], ipv4: V4, udp: { src: 40000, dst: 9 } }, protocols: ['eth', 'mpls', 'ip', 'udp'] },
  { name: 'llc-stp', spec: { eth: { src: MAC_A, dst: '01:80:c2:00:00:00' }, llc: { dsap: 0x42, ssap: 0x42, control: 3 }, payload: STP_BPDU }, protocols: ['eth', 'llc', 'stp'] },
  { name: 'snap-ipv4-udp', spec: { eth: ETH, snap: {}, ipv4: V4, udp: { src: 40000, dst: 9 }, payload: 'snap' }, protocols: ['eth', 'llc', 'ip', 'udp'] },
  { name: 'ipv4-sctp-data', spec: { eth: ETH, ipv4: V4, sctp: { src: 40000, dst: 9, vtag: 1, chunks: [{ type: SCTP_CHUNK_DATA, flags: 3, data: SCTP_DATA }] } }, protocols: ['eth', 'ip', 'sctp'] },
  { name: 'ipv4-sctp-init', spec: { eth: ETH, ipv4: V4, sctp: { src: 40000, dst: 9, vtag: 0, chunks: [{ type: SCTP_CHUNK_INIT, data: SCTP_INIT }] } }, protocols: ['eth', 'ip', 'sctp'] },
  { name: 'ipv4-icmp-echo-reply', spec: { eth: ETH, ipv4: V4, icmp: { type: ICMP4_ECHO_REPLY, id: 1, seq: 1 }, payload: 'pong' }, protocols: ['eth', 'ip', 'icmp'] },
  {
    name: 'ipv4-icmp-port-unreachable',
    spec: {
      eth: ETH,
      ipv4: { src: V4.dst, dst: V4.src },
      icmp: { type: ICMP4_DST_UNREACH, code: ICMP4_PORT_UNREACH, embedded: { ipv4: V4, udp: { src: 40000, dst: 9 }, payload: 'lost' } },
    },
    protocols: ['eth', 'ip', 'icmp', 'ip', 'udp'],
  },
  {
    name: 'ipv4-icmp-time-exceeded',
    spec: { eth: ETH, ipv4: { src: '10.9.9.9', dst: V4.src }, icmp: { type: ICMP4_TIME_EXCEEDED, embedded: { ipv4: { ...V4, ttl: 1 }, tcp: { src: 40000, dst: 9 }, truncate: 28 } } },
    protocols: ['eth', 'ip', 'icmp', 'ip'],
  },
  { name: 'igmpv1-report', spec: { eth: { src: MAC_A, dst: '01:00:5e:01:02:03' }, ipv4: { src: V4.src, dst: '224.1.2.3', ttl: 1 }, igmp: { type: IGMPV1_HOST_MEMBERSHIP_REPORT, group: '224.1.2.3' } }, protocols: ['eth', 'ip', 'igmp'] },
  { name: 'igmpv2-report', spec: { eth: { src: MAC_A, dst: '01:00:5e:01:02:03' }, ipv4: { src: V4.src, dst: '224.1.2.3', ttl: 1, options: ROUTER_ALERT }, igmp: { type: IGMPV2_HOST_MEMBERSHIP_REPORT, group: '224.1.2.3' } }, protocols: ['eth', 'ip', 'igmp'] },
  { name: 'igmpv2-leave', spec: { eth: { src: MAC_A, dst: '01:00:5e:00:00:02' }, ipv4: { src: V4.src, dst: '224.0.0.2', ttl: 1, options: ROUTER_ALERT }, igmp: { type: IGMP_HOST_LEAVE_MESSAGE, group: '224.1.2.3' } }, protocols: ['eth', 'ip', 'igmp'] },
  { name: 'igmpv2-query', spec: { eth: { src: MAC_A, dst: '01:00:5e:00:00:01' }, ipv4: { src: V4.src, dst: '224.0.0.1', ttl: 1, options: ROUTER_ALERT }, igmp: { type: IGMP_HOST_MEMBERSHIP_QUERY, maxResponse: 100 } }, protocols: ['eth', 'ip', 'igmp'] },
  {
    name: 'igmpv3-query',
    spec: { eth: { src: MAC_A, dst: '01:00:5e:00:00:01' }, ipv4: { src: V4.src, dst: '224.0.0.1', ttl: 1, options: ROUTER_ALERT }, igmp: { type: IGMP_HOST_MEMBERSHIP_QUERY, maxResponse: 100, group: '232.1.1.1', sources: ['10.0.0.1', '10.0.0.2'] } },
    protocols: ['eth', 'ip', 'igmp'],
  },
  {
    name: 'igmpv3-report',
    spec: {
      eth: { src: MAC_A, dst: '01:00:5e:00:00:16' },
      ipv4: { src: V4.src, dst: '224.0.0.22', ttl: 1, options: ROUTER_ALERT },
      igmp: {
        type: IGMPV3_HOST_MEMBERSHIP_REPORT,
        records: [
          { type: IGMPV3_MODE_IS_EXCLUDE, group: '239.1.1.1' },
          { type: IGMPV3_ALLOW_NEW_SOURCES, group: '232.1.1.1', sources: ['10.0.0.1', '10.0.0.2'] },
        ],
      },
    },
    protocols: ['eth', 'ip', 'igmp'],
  },
  { name: 'ipv6-tcp', spec: { eth: ETH, ipv6: { ...V6, flowLabel: 0x12345, trafficClass: 0x20 }, tcp: { src: 40000, dst: 9, flags: TCP_SYN | TCP_ACK, seq: 5, ack: 1001 } }, protocols: ['eth', 'ipv6', 'tcp'] },
  { name: 'ipv6-udp', spec: { eth: ETH, ipv6: V6, udp: { src: 40000, dst: 9 }, payload: 'six' }, protocols: ['eth', 'ipv6', 'udp'] },
  {
    name: 'ipv6-extensions-udp',
    spec: {
      eth: ETH,
      ipv6: { ...V6, extensions: [{ type: 'hopByHop', options: [5, 2, 0, 0] }, { type: 'destination' }, { type: 'routing', routingType: 0, segmentsLeft: 0 }] },
      udp: { src: 40000, dst: 9 },
      payload: 'ext',
    },
    protocols: ['eth', 'ipv6', 'ipv6.hopopts', 'ipv6.dstopts', 'ipv6.routing', 'udp'],
  },
  { name: 'ipv6-ah-tcp', spec: { eth: ETH, ipv6: { ...V6, extensions: [{ type: 'ah', spi: 0x1000, sequence: 1 }] }, tcp: { src: 40000, dst: 9, flags: TCP_SYN } }, protocols: ['eth', 'ipv6', 'ah', 'tcp'] },
  { name: 'ipv6-fragment-first', spec: { eth: ETH, ipv6: { ...V6, extensions: [{ type: 'fragment', more: true, id: 0x42 }] }, udp: { src: 40000, dst: 9, length: 2000 }, payload: new Uint8Array(16) }, protocols: ['eth', 'ipv6', 'ipv6.fraghdr'] },
  { name: 'ipv6-fragment-later', spec: { eth: ETH, ipv6: { ...V6, extensions: [{ type: 'fragment', offset: 3, id: 0x43, nextHeader: IPPROTO_UDP }] }, payload: new Uint8Array(8) }, protocols: ['eth', 'ipv6', 'ipv6.fraghdr'] },
  { name: 'icmpv6-echo-request', spec: { eth: ETH, ipv6: V6, icmpv6: { type: ICMP6_ECHO_REQUEST, id: 7, seq: 1 }, payload: 'ping6' }, protocols: ['eth', 'ipv6', 'icmpv6'] },
  { name: 'icmpv6-echo-reply', spec: { eth: ETH, ipv6: { src: V6.dst, dst: V6.src }, icmpv6: { type: ICMP6_ECHO_REPLY, id: 7, seq: 1 }, payload: 'ping6' }, protocols: ['eth', 'ipv6', 'icmpv6'] },
  {
    name: 'icmpv6-packet-too-big',
    spec: { eth: ETH, ipv6: { src: 'fd00::99', dst: V6.src }, icmpv6: { type: ICMP6_PACKET_TOO_BIG, rest: 1280, embedded: { ipv6: V6, udp: { src: 40000, dst: 9 }, payload: 'big' } } },
    protocols: ['eth', 'ipv6', 'icmpv6', 'ipv6', 'udp'],
  },
  {
    name: 'icmpv6-dst-unreachable',
    spec: { eth: ETH, ipv6: { src: V6.dst, dst: V6.src }, icmpv6: { type: ICMP6_DST_UNREACH, code: 4, embedded: { ipv6: V6, udp: { src: 40000, dst: 9 } } } },
    protocols: ['eth', 'ipv6', 'icmpv6', 'ipv6', 'udp'],
  },
  {
    name: 'nd-neighbor-solicit',
    spec: {
      eth: { src: MAC_A, dst: '33:33:ff:00:00:02' },
      ipv6: { src: 'fe80::1', dst: 'ff02::1:ff00:2', hopLimit: 255 },
      icmpv6: { type: ND_NEIGHBOR_SOLICIT, target: 'fe80::2', options: [{ type: ND_OPT_SOURCE_LINKADDR, mac: MAC_A }] },
    },
    protocols: ['eth', 'ipv6', 'icmpv6'],
  },
  {
    name: 'nd-neighbor-advert',
    spec: {
      eth: { src: MAC_B, dst: MAC_A },
      ipv6: { src: 'fe80::2', dst: 'fe80::1', hopLimit: 255 },
      icmpv6: { type: ND_NEIGHBOR_ADVERT, solicited: true, override: true, target: 'fe80::2', options: [{ type: ND_OPT_TARGET_LINKADDR, mac: MAC_B }] },
    },
    protocols: ['eth', 'ipv6', 'icmpv6'],
  },
  {
    name: 'nd-neighbor-solicit-options',
    spec: {
      eth: { src: MAC_A, dst: '33:33:ff:00:00:02' },
      ipv6: { src: 'fe80::1', dst: 'ff02::1:ff00:2', hopLimit: 255 },
      icmpv6: {
        type: ND_NEIGHBOR_SOLICIT,
        target: 'fe80::2',
        options: [
          { type: 200, data: [1, 2, 3, 4, 5, 6] },
          { type: ND_OPT_SOURCE_LINKADDR, mac: MAC_A },
          { type: ND_OPT_TARGET_LINKADDR, mac: MAC_B },
        ],
      },
    },
    protocols: ['eth', 'ipv6', 'icmpv6'],
  },
  {
    name: 'nd-router-solicit',
    spec: { eth: { src: MAC_A, dst: '33:33:00:00:00:02' }, ipv6: { src: 'fe80::1', dst: 'ff02::2', hopLimit: 255 }, icmpv6: { type: ND_ROUTER_SOLICIT, options: [{ type: ND_OPT_SOURCE_LINKADDR, mac: MAC_A }] } },
    protocols: ['eth', 'ipv6', 'icmpv6'],
  },
  {
    name: 'nd-router-advert',
    spec: {
      eth: { src: MAC_B, dst: '33:33:00:00:00:01' },
      ipv6: { src: 'fe80::2', dst: 'ff02::1', hopLimit: 255 },
      icmpv6: {
        type: ND_ROUTER_ADVERT,
        curHopLimit: 64,
        routerLifetime: 1800,
        options: [
          { type: ND_OPT_SOURCE_LINKADDR, mac: MAC_B },
          { type: ND_OPT_MTU, data: [0, 0, 0, 0, 0x05, 0xdc] },
        ],
      },
    },
    protocols: ['eth', 'ipv6', 'icmpv6'],
  },
  {
    name: 'nd-redirect',
    spec: {
      eth: { src: MAC_B, dst: MAC_A },
      ipv6: { src: 'fe80::2', dst: 'fe80::1', hopLimit: 255 },
      icmpv6: { type: ND_REDIRECT, target: 'fe80::3', destination: 'fd00::99', options: [{ type: ND_OPT_TARGET_LINKADDR, mac: '50:54:00:00:00:03' }] },
    },
    protocols: ['eth', 'ipv6', 'icmpv6'],
  },
  {
    name: 'vxlan-ipv4-icmp',
    spec: {
      eth: ETH,
      ipv4: { src: '172.16.0.1', dst: '172.16.0.2', df: true },
      udp: { src: 50000 },
      vxlan: { vni: 42, inner: { eth: { src: '50:54:00:00:00:0a', dst: '50:54:00:00:00:0b' }, ipv4: V4, icmp: { type: ICMP4_ECHO_REQUEST, id: 3, seq: 4 } } },
    },
    protocols: ['eth', 'ip', 'udp', 'vxlan', 'eth', 'ip', 'icmp'],
  },
  {
    name: 'geneve-ipv6-options-tcp',
    spec: {
      eth: ETH,
      ipv6: { src: 'fd01::1', dst: 'fd01::2' },
      udp: { src: 50000 },
      geneve: {
        vni: 0x123456,
        options: [
          { optionClass: 0xffff, type: 0x80, data: [1, 2, 3, 4] },
          { optionClass: 0x0102, type: 1, data: [5, 6, 7, 8, 9, 10, 11, 12] },
        ],
        inner: { eth: ETH, ipv4: V4, tcp: { src: 40000, dst: 9, flags: TCP_SYN } },
      },
    },
    protocols: ['eth', 'ipv6', 'udp', 'geneve', 'eth', 'ip', 'tcp'],
  },
  {
    name: 'gre-key-checksum-ipv4-udp',
    spec: { eth: ETH, ipv4: { src: '172.16.0.1', dst: '172.16.0.2' }, gre: { checksum: true, key: 0x1234, sequence: 7, inner: { ipv4: V4, udp: { src: 40000, dst: 9 }, payload: 'gre' } } },
    protocols: ['eth', 'ip', 'gre', 'ip', 'udp'],
  },
  {
    name: 'gre-teb-arp',
    spec: { eth: ETH, ipv4: { src: '172.16.0.1', dst: '172.16.0.2' }, gre: { key: 1, inner: { eth: ETH, arp: { sha: MAC_A, spa: V4.src, tpa: V4.dst } } } },
    protocols: ['eth', 'ip', 'gre', 'eth', 'arp'],
  },
];
