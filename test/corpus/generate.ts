// Generates the parse-pcap corpus with the packet builder (src/packet/build.ts):
// test/corpus/parse-pcap/packets.txt ("NAME HEX" per line) and corpus.pcap.
// It covers every header type flow extraction reads, VLAN and QinQ, MPLS,
// fragments of each kind, IPv6 extension header chains, ND options, and
// truncated or malformed variants of each header. After a change, capture the
// expected flows again from real OVS (see README.md).
// Run: npm run build && node dist/test/corpus/generate.js --write

import { writeFileSync } from 'node:fs';
import { buildPacket, type Icmpv6Spec, type PacketSpec } from '../../src/packet/build.js';
import { bytesToHex } from '../../src/packet/hex.js';
import { encodePcap } from '../../src/packet/pcap.js';
import { CORPUS_DIR } from './corpus.js';

const BROADCAST = { dst: 'ff:ff:ff:ff:ff:ff', src: '0a:00:00:00:00:01' };
const V6 = { src: 'fe80::1', dst: 'ff02::2' };
const ALL_NODES = { dst: '33:33:00:00:00:01', src: '0a:00:00:00:00:01' };
const TARGET = '2001:db8::99';
const SLL = { type: 1, mac: '0a:00:00:00:00:01' };
const TLL = { type: 2, mac: '0a:00:00:00:00:aa' };
const UDP = { udp: { src: 1234, dst: 53 }, payload: [0xde, 0xad, 0xbe, 0xef] } satisfies PacketSpec;
const TCP_SYN = { tcp: { src: 1234, dst: 80, flags: 0x002, seq: 1 } } satisfies PacketSpec;
const SCTP = { sctp: { src: 5000, dst: 6000, vtag: 1, chunks: [{ type: 1, data: [0, 0, 0, 0] }] } } satisfies PacketSpec;

/** A packet from raw hex after the Ethernet addresses, for shapes no builder field describes. */
function raw(afterMacs: string, eth = {}): PacketSpec {
  const hex = afterMacs.match(/../g) ?? [];
  return { eth: { ...eth, type: parseInt(afterMacs.slice(0, 4), 16) }, payload: hex.slice(2).map((b) => parseInt(b, 16)) };
}

function ns(icmp: Partial<Icmpv6Spec> = {}): PacketSpec {
  return { eth: ALL_NODES, ipv6: { ...V6, hopLimit: 255 }, icmpv6: { type: 135, target: TARGET, ...icmp } };
}

function na(icmp: Partial<Icmpv6Spec> = {}): PacketSpec {
  return { eth: {}, ipv6: { ...V6, hopLimit: 255 }, icmpv6: { type: 136, target: TARGET, solicited: true, override: true, ...icmp } };
}

/**
 * Cuts an untagged IPv6 frame to `frameSize` bytes and makes the payload
 * length agree, so that the cut reaches the header it aims at instead of
 * failing the IPv6 length check first.
 */
function cutIpv6(spec: PacketSpec, frameSize: number): PacketSpec {
  return { ...spec, ipv6: { ...spec.ipv6, payloadLength: frameSize - 54 }, truncate: frameSize };
}

export const CORPUS: ReadonlyArray<readonly [string, PacketSpec]> = [
  // Ethernet and 802.2
  ['eth-too-short-1', { eth: { type: 0x0800 }, truncate: 1 }],
  ['eth-too-short-12', { eth: { type: 0x0800 }, truncate: 12 }],
  ['eth-too-short-13', { eth: { type: 0x0800 }, truncate: 13 }],
  ['eth-only-header', { eth: { type: 0x1234 } }],
  ['eth-unknown-type', { eth: { type: 0x88b5 }, padTo: 60 }],
  ['eth-lldp', raw('88cc0207040a00000000010403020001060200780000', { dst: '01:80:c2:00:00:0e', src: '0a:00:00:00:00:01' })],
  ['eth-broadcast-arp-padded', { eth: BROADCAST, arp: { op: 1, sha: '0a:00:00:00:00:01', spa: '10.0.0.1', tpa: '10.0.0.2' }, padTo: 60 }],
  ['llc-stp', { eth: { dst: '01:80:c2:00:00:00', src: '0a:00:00:00:00:01' }, llc: {}, payload: new Array(35).fill(0) }],
  ['llc-short', { eth: {}, llc: { dsap: 0xaa, ssap: 0xaa } }],
  ['llc-netbios', { eth: {}, llc: { dsap: 0xf0, ssap: 0xf0 }, payload: new Array(29).fill(0) }],
  ['snap-ipv4-udp', { eth: {}, snap: {}, ipv4: {}, ...UDP }],
  ['snap-length-field-ignored', { eth: { length: 16 }, snap: {}, ipv4: {}, ...UDP }],
  ['snap-truncated-7', { eth: {}, snap: { type: 0x0800 }, truncate: 21 }],
  ['snap-type-below-0600', { eth: {}, snap: { type: 0x0500 }, payload: new Array(8).fill(0) }],
  ['snap-other-oui', { eth: {}, snap: { oui: 0xf8, type: 0x0800 }, payload: new Array(8).fill(0) }],
  ['snap-arp', { eth: {}, snap: {}, arp: { op: 2 } }],
  ['length-0600-is-a-type', { eth: { type: 0x0600 }, payload: new Array(10).fill(0) }],
  ['length-05ff-snap-truncated-ipv4', { eth: { length: 0x05ff }, snap: { type: 0x0800 }, payload: [0x45, 0x00] }],
  // VLAN
  ['vlan-ipv4-tcp', { eth: {}, vlans: [{ vid: 100, pcp: 5 }], ipv4: {}, ...TCP_SYN }],
  ['vlan-dei-set', { eth: {}, vlans: [{ vid: 100, pcp: 1, dei: true }], ipv4: {}, ...UDP }],
  ['vlan-vid0-priority-tag', { eth: {}, vlans: [{ vid: 0, pcp: 7 }], ipv4: {}, icmp: { type: 8, id: 1, seq: 1 } }],
  ['vlan-4095-arp', { eth: {}, vlans: [{ vid: 4095 }], arp: {} }],
  ['vlan-88a8-ipv6-udp', { eth: {}, vlans: [{ tpid: 0x88a8, vid: 5 }], ipv6: V6, ...UDP }],
  ['vlan-truncated-tpid-only', { eth: { type: 0x8100 } }],
  ['vlan-truncated-tci', { eth: {}, vlans: [{ vid: 100 }], ipv4: {}, ...UDP, truncate: 16 }],
  ['vlan-truncated-half-type', { eth: {}, vlans: [{ vid: 100 }], ipv4: {}, ...UDP, truncate: 17 }],
  ['vlan-no-payload', { eth: { type: 0x0800 }, vlans: [{ vid: 100 }] }],
  ['vlan-then-llc', { eth: {}, vlans: [{ vid: 100 }], llc: {}, payload: new Array(35).fill(0) }],
  ['vlan-then-snap-tcp', { eth: {}, vlans: [{ vid: 100 }], snap: {}, ipv4: {}, ...TCP_SYN }],
  ['qinq-88a8-8100-ipv4', { eth: {}, vlans: [{ tpid: 0x88a8, vid: 100 }, { vid: 101, pcp: 1 }], ipv4: {}, ...UDP }],
  ['qinq-8100-8100-arp', { eth: {}, vlans: [{ vid: 100 }, { vid: 101 }], arp: {} }],
  ['qinq-truncated-inner', { eth: {}, vlans: [{ tpid: 0x88a8, vid: 100 }, { vid: 101 }], ipv4: {}, ...UDP, truncate: 20 }],
  ['qinq-inner-no-payload', { eth: { type: 0x1234 }, vlans: [{ tpid: 0x88a8, vid: 100 }, { vid: 101 }] }],
  ['qinq-88a8-88a8-ipv4', { eth: {}, vlans: [{ tpid: 0x88a8, vid: 100 }, { tpid: 0x88a8, vid: 101 }], ipv4: {}, ...TCP_SYN }],
  ['qinq-8100-88a8-mpls', { eth: {}, vlans: [{ vid: 100 }, { tpid: 0x88a8, vid: 101 }], mpls: [{ label: 7 }], payload: [0, 0, 0, 0] }],
  ['vlan-three-tags', { eth: {}, vlans: [{ tpid: 0x88a8, vid: 100 }, { vid: 101 }, { vid: 102 }], ipv4: {}, ...UDP }],
  ['vlan-9100-is-not-a-tag', { eth: {}, vlans: [{ tpid: 0x9100, vid: 100 }], ipv4: {}, ...UDP }],
  // MPLS
  ['mpls-one-label', { eth: {}, mpls: [{ label: 100, ttl: 255 }], ipv4: {}, ...UDP }],
  ['mpls-two-labels', { eth: {}, mpls: [{ label: 100, ttl: 255 }, { label: 101, ttl: 254 }], ipv4: {}, ...UDP }],
  ['mpls-three-labels', { eth: {}, mpls: [{ label: 100 }, { label: 101, tc: 3 }, { label: 102, ttl: 1 }], ipv4: {}, ...UDP }],
  ['mpls-five-labels', { eth: {}, mpls: [{ label: 100 }, { label: 101 }, { label: 102 }, { label: 103 }, { label: 104 }], payload: new Array(20).fill(0) }],
  ['mpls-no-bottom-truncated', { eth: {}, mpls: [{ label: 100, bos: false }, { label: 101 }], truncate: 20 }],
  ['mpls-empty-stack', { eth: { type: 0x8847 } }],
  ['mpls-partial-entry', { eth: {}, mpls: [{ label: 100 }], truncate: 16 }],
  ['mplsm-ipv6', { eth: { type: 0x8848 }, mpls: [{ label: 100, tc: 5, ttl: 10 }], ipv6: V6, ...UDP }],
  ['vlan-mpls-max-label', { eth: {}, vlans: [{ vid: 100 }], mpls: [{ label: 0xfffff, tc: 5, ttl: 255 }], payload: new Array(20).fill(0) }],
  // NSH (no builder layer: raw base header, then MD type 1 contexts or MD type 2 TLVs)
  ['nsh-md1-ipv4', raw('894f' + '2fc60101' + '123456ff' + '11111111222222223333333344444444'
    + '450000140000000040110000c0a80001c0a80002')],
  ['nsh-md1-u-flag', raw('894f' + '1fc60103' + '00002a01' + '00000000000000000000000000000000')],
  ['nsh-md1-unassigned-bits', raw('894f' + '0fc6f103' + '00002a01' + 'aaaaaaaabbbbbbbbccccccccdddddddd')],
  ['nsh-md2-no-tlv', raw('894f' + '0fc20203' + '00000105' + '0000000000000000')],
  ['nsh-md2-tlv', raw('894f' + '0fc40204' + '00000106' + '0001020300000000')],
  ['nsh-md2-length-0', raw('894f' + '0fc00203' + '00000105')],
  ['nsh-version-1', raw('894f' + '4fc60103' + '00002a01' + '00000000000000000000000000000000')],
  ['nsh-md1-length-5', raw('894f' + '0fc50103' + '00002a01' + '000000000000000000000000')],
  ['nsh-md-type-3', raw('894f' + '0fc60303' + '00002a01' + '00000000000000000000000000000000')],
  ['nsh-length-past-frame', raw('894f' + '0fc60103' + '00002a01' + '0000000000000000')],
  ['nsh-truncated-7', raw('894f' + '0fc60103' + '00002a')],
  ['vlan-nsh-md1', { eth: { type: 0x894f }, vlans: [{ vid: 9 }], payload: [0x0f, 0xc6, 1, 3, 0, 0, 0x2a, 1, ...new Array(16).fill(7)] }],
  // ARP
  ['arp-request', { eth: BROADCAST, arp: { op: 1, sha: '0a:00:00:00:00:01', spa: '192.168.0.1', tpa: '192.168.0.2' } }],
  ['arp-reply', { eth: {}, arp: { op: 2, sha: '0a:00:00:00:00:01', spa: '192.168.0.1', tha: '00:00:00:00:00:02', tpa: '192.168.0.2' } }],
  ['arp-op-255', { eth: {}, arp: { op: 255 } }],
  ['arp-op-256', { eth: {}, arp: { op: 256 } }],
  ['arp-op-511', { eth: {}, arp: { op: 0x1ff } }],
  ['arp-bad-htype', { eth: {}, arp: { htype: 6 } }],
  ['arp-bad-ptype', { eth: {}, arp: { ptype: 0x86dd } }],
  ['arp-bad-hlen', { eth: {}, arp: { hlen: 8 } }],
  ['arp-bad-plen', { eth: {}, arp: { plen: 16 } }],
  ['arp-truncated-27', { eth: {}, arp: {}, truncate: 41 }],
  ['arp-truncated-8', { eth: {}, arp: {}, truncate: 22 }],
  ['rarp-request', { eth: BROADCAST, rarp: { op: 3, sha: '0a:00:00:00:00:01', tha: '0a:00:00:00:00:01' } }],
  ['rarp-truncated', { eth: BROADCAST, rarp: { op: 3 }, truncate: 30 }],
  // IPv4 and its transports
  ['ipv4-tcp-syn', { eth: {}, ipv4: {}, ...TCP_SYN }],
  ['ipv4-tcp-64-bytes', { eth: {}, ipv4: {}, tcp: { src: 1234, dst: 80, flags: 0x018 }, payload: new Array(10).fill(0x11) }],
  ['ipv4-tcp-all-flags', { eth: {}, ipv4: {}, tcp: { src: 1234, dst: 80, flags: 0xfff } }],
  ['ipv4-tcp-reserved-flags', { eth: {}, ipv4: {}, tcp: { src: 1234, dst: 80, flags: 0xe10 } }],
  ['ipv4-tcp-no-flags', { eth: {}, ipv4: {}, tcp: { src: 1, dst: 2 } }],
  ['ipv4-tcp-options', { eth: {}, ipv4: {}, tcp: { src: 1234, dst: 80, flags: 0x002, options: [2, 4, 5, 0xb4, 1, 1, 4, 2] } }],
  ['ipv4-tcp-offset-4', { eth: {}, ipv4: {}, tcp: { src: 1234, dst: 80, dataOffset: 4 } }],
  ['ipv4-tcp-offset-past-end', { eth: {}, ipv4: {}, tcp: { src: 1234, dst: 80, dataOffset: 15 } }],
  ['ipv4-tcp-truncated-19', { eth: {}, ipv4: { proto: 6 }, payload: new Array(19).fill(0x22) }],
  ['ipv4-tcp-no-header', { eth: {}, ipv4: { proto: 6 } }],
  ['ipv4-udp', { eth: {}, ipv4: { tos: 0xb8, ttl: 1 }, ...UDP }],
  ['ipv4-udp-truncated-7', { eth: {}, ipv4: { proto: 17 }, payload: [0, 1, 0, 2, 0, 7, 0] }],
  ['ipv4-udp-header-only', { eth: {}, ipv4: {}, udp: { src: 1, dst: 2 } }],
  ['ipv4-sctp', { eth: {}, ipv4: {}, ...SCTP }],
  ['ipv4-sctp-truncated-11', { eth: {}, ipv4: { proto: 132 }, payload: [0x13, 0x88, 0x17, 0x70, 0, 0, 0, 1, 0, 0, 0] }],
  ['ipv4-sctp-header-only', { eth: {}, ipv4: {}, sctp: { src: 5000, dst: 6000, chunks: [] } }],
  ['ipv4-icmp-echo', { eth: {}, ipv4: { ecn: 3 }, icmp: { type: 8, id: 1, seq: 1 }, payload: 'abcd' }],
  ['ipv4-icmp-unreachable', { eth: {}, ipv4: {}, icmp: { type: 3, code: 13, embedded: { ipv4: {}, ...UDP } } }],
  ['ipv4-icmp-truncated-7', { eth: {}, ipv4: { proto: 1 }, payload: [8, 0, 0, 0, 0, 1, 0] }],
  ['ipv4-icmp-truncated-4', { eth: {}, ipv4: { proto: 1 }, payload: [8, 0, 0, 0] }],
  ['ipv4-igmp-v2-report', { eth: { dst: '01:00:5e:00:00:01' }, ipv4: { ttl: 1, dst: '224.0.0.1' }, igmp: { type: 0x16, group: '224.0.0.1' } }],
  ['ipv4-igmp-query', { eth: { dst: '01:00:5e:00:00:01' }, ipv4: { ttl: 1, dst: '224.0.0.1' }, igmp: { type: 0x11, maxResponse: 100 } }],
  ['ipv4-igmp-v3-report', { eth: { dst: '01:00:5e:00:00:16' }, ipv4: { dst: '224.0.0.22' }, igmp: { type: 0x22, records: [{ type: 4, group: '224.0.0.5' }] } }],
  ['ipv4-igmp-truncated-7', { eth: {}, ipv4: { proto: 2 }, payload: [0x16, 0, 0, 0, 0xe0, 0, 0] }],
  ['ipv4-gre', { eth: {}, ipv4: { proto: 47 }, payload: [0, 0, 0x65, 0x58, ...new Array(14).fill(0)] }],
  ['ipv4-proto-255', { eth: {}, ipv4: { proto: 255 }, payload: [1, 2, 3, 4, 5, 6, 7, 8] }],
  ['ipv4-ipip', { eth: {}, ipv4: { proto: 4 }, payload: buildPacket({ ipv4: {}, ...UDP }) }],
  ['ipv4-options-udp', { eth: {}, ipv4: { options: [0x94, 4, 0, 0, 1, 1, 1, 0] }, ...UDP }],
  ['ipv4-ihl-15-udp', { eth: {}, ipv4: { options: new Array(40).fill(1) }, ...UDP }],
  ['ipv4-ihl-4', { eth: {}, ipv4: { ihl: 4 }, ...UDP }],
  ['ipv4-ihl-0', { eth: {}, ipv4: { ihl: 0 }, ...UDP }],
  ['ipv4-ihl-past-frame', { eth: {}, ipv4: { ihl: 15, totalLength: 60, proto: 17 } }],
  ['ipv4-ihl-past-total-length', { eth: {}, ipv4: { ihl: 8, totalLength: 28 }, ...UDP }],
  ['ipv4-total-length-past-frame', { eth: {}, ipv4: { totalLength: 200 }, ...UDP }],
  ['ipv4-total-length-hides-udp', { eth: {}, ipv4: { totalLength: 24 }, ...UDP }],
  ['ipv4-total-length-zero', { eth: {}, ipv4: { totalLength: 0 }, ...UDP }],
  ['ipv4-padding-ignored', { eth: {}, ipv4: {}, ...TCP_SYN, padTo: 70 }],
  ['ipv4-truncated-header-19', { eth: {}, ipv4: {}, ...UDP, truncate: 33 }],
  ['ipv4-truncated-header-1', { eth: {}, ipv4: {}, ...UDP, truncate: 15 }],
  ['ipv4-no-header', { eth: { type: 0x0800 } }],
  ['ipv4-version-6', { eth: {}, ipv4: { version: 6 }, ...UDP }],
  ['ipv4-version-0', { eth: {}, ipv4: { version: 0 }, ...UDP }],
  ['ipv4-df-is-not-a-fragment', { eth: {}, ipv4: { df: true }, ...UDP }],
  ['ipv4-frag-first-udp', { eth: {}, ipv4: { mf: true }, ...UDP }],
  ['ipv4-frag-first-no-transport', { eth: {}, ipv4: { mf: true, proto: 17 } }],
  ['ipv4-frag-first-partial-tcp', { eth: {}, ipv4: { mf: true, proto: 6 }, payload: new Array(12).fill(0x33) }],
  ['ipv4-frag-middle', { eth: {}, ipv4: { mf: true, fragmentOffset: 16 }, ...UDP }],
  ['ipv4-frag-last', { eth: {}, ipv4: { fragmentOffset: 32 }, ...UDP }],
  ['ipv4-frag-last-tcp', { eth: {}, ipv4: { fragmentOffset: 3 }, ...TCP_SYN }],
  ['ipv4-frag-last-icmp', { eth: {}, ipv4: { fragmentOffset: 0x1fff }, icmp: { type: 8 } }],
  ['ipv4-frag-reserved-bit', { eth: {}, ipv4: { fragmentWord: 0x8000 }, ...UDP }],
  ['ipv4-frag-df-and-mf', { eth: {}, ipv4: { df: true, mf: true }, ...UDP }],
  ['ipv4-tos-all-ones', { eth: {}, ipv4: { tos: 0xff, ttl: 255 }, ...TCP_SYN }],
  ['ipv4-dhcp-broadcast', { eth: BROADCAST, ipv4: { src: '0.0.0.0', dst: '255.255.255.255' }, udp: { src: 68, dst: 67 }, payload: new Array(16).fill(0) }],
  // IPv6 and its transports
  ['ipv6-udp', { eth: {}, ipv6: { ...V6, trafficClass: 0xb8, flowLabel: 0x12345, hopLimit: 255 }, ...UDP }],
  ['ipv6-tcp', { eth: {}, ipv6: V6, tcp: { src: 1234, dst: 80, flags: 0x012 } }],
  ['ipv6-sctp', { eth: {}, ipv6: V6, ...SCTP }],
  ['ipv6-icmpv4-protocol', { eth: {}, ipv6: { ...V6, nextHeader: 1 }, payload: [8, 0, 0, 0, 0, 1, 0, 1] }],
  ['ipv6-igmp-protocol', { eth: {}, ipv6: { ...V6, nextHeader: 2 }, payload: [0x16, 0, 0, 0, 0xe0, 0, 0, 1] }],
  ['ipv4-icmpv6-protocol', { eth: {}, ipv4: { proto: 58 }, payload: [0x80, 0, 0, 0, 0, 1, 0, 1] }],
  ['ipv4-icmpv6-ns-protocol', { eth: {}, ipv4: { proto: 58 }, payload: buildPacket(ns({ options: [SLL] })).subarray(54) }],
  ['ipv6-no-next-header', { eth: {}, ipv6: { ...V6, nextHeader: 59 } }],
  ['ipv6-esp', { eth: {}, ipv6: { ...V6, nextHeader: 50 }, payload: [0, 0, 0, 1, 0, 0, 0, 1, ...new Array(16).fill(0)] }],
  ['ipv6-version-4', { eth: {}, ipv6: { ...V6, version: 4 }, ...UDP }],
  ['ipv6-truncated-header-39', { eth: {}, ipv6: V6, ...UDP, truncate: 53 }],
  ['ipv6-tcp-truncated-19', { eth: {}, ipv6: { ...V6, nextHeader: 6 }, payload: new Array(19).fill(0x22) }],
  ['ipv6-udp-truncated-7', { eth: {}, ipv6: { ...V6, nextHeader: 17 }, payload: [0, 1, 0, 2, 0, 7, 0] }],
  ['ipv6-sctp-truncated-11', { eth: {}, ipv6: { ...V6, nextHeader: 132 }, payload: new Array(11).fill(0x13) }],
  ['ipv6-no-header', { eth: { type: 0x86dd } }],
  ['ipv6-payload-length-past-frame', { eth: {}, ipv6: { ...V6, payloadLength: 100 }, ...UDP }],
  ['ipv6-payload-length-hides-udp', { eth: {}, ipv6: { ...V6, payloadLength: 4 }, ...UDP }],
  ['ipv6-payload-length-zero', { eth: {}, ipv6: { ...V6, payloadLength: 0 }, ...UDP }],
  ['ipv6-padding-ignored', { eth: {}, ipv6: V6, ...UDP, padTo: 90 }],
  ['ipv6-hop-by-hop-udp', { eth: {}, ipv6: { ...V6, extensions: [{ type: 'hopByHop', options: [5, 2, 0, 0] }] }, ...UDP }],
  ['ipv6-hop-by-hop-16-bytes', { eth: {}, ipv6: { ...V6, extensions: [{ type: 'hopByHop', options: new Array(12).fill(0) }] }, ...UDP }],
  ['ipv6-chain-dst-routing-hbh', { eth: {}, ipv6: { ...V6, extensions: [{ type: 'hopByHop' }, { type: 'destination' }, { type: 'routing', segmentsLeft: 0 }] }, ...UDP }],
  ['ipv6-ah-tcp', { eth: {}, ipv6: { ...V6, extensions: [{ type: 'ah', spi: 0x100 }] }, ...TCP_SYN }],
  ['ipv6-ah-8-bytes', { eth: {}, ipv6: { ...V6, extensions: [{ type: 'ah', icv: [], length: 0 }] }, ...UDP }],
  ['ipv6-ah-truncated', cutIpv6({ eth: {}, ipv6: { ...V6, extensions: [{ type: 'ah' }] }, ...UDP }, 65)],
  ['ipv6-ah-length-past-end', { eth: {}, ipv6: { ...V6, extensions: [{ type: 'ah', length: 20 }] }, ...UDP }],
  ['ipv6-hop-by-hop-truncated-7', { eth: {}, ipv6: { ...V6, nextHeader: 0 }, payload: [17, 0, 0, 0, 0, 0, 0] }],
  ['ipv6-hop-by-hop-length-past-end', { eth: {}, ipv6: { ...V6, extensions: [{ type: 'hopByHop', length: 2 }] }, ...UDP }],
  ['ipv6-destination-then-nothing', { eth: {}, ipv6: { ...V6, extensions: [{ type: 'destination', nextHeader: 59 }] } }],
  ['ipv6-routing-then-esp', { eth: {}, ipv6: { ...V6, extensions: [{ type: 'routing', nextHeader: 50 }] }, payload: [0, 0, 0, 1] }],
  ['ipv6-frag-first-udp', { eth: {}, ipv6: { ...V6, extensions: [{ type: 'fragment', more: true, id: 1 }] }, ...UDP }],
  ['ipv6-frag-first-no-transport', { eth: {}, ipv6: { ...V6, extensions: [{ type: 'fragment', more: true, nextHeader: 17 }] } }],
  ['ipv6-frag-first-partial-udp', { eth: {}, ipv6: { ...V6, extensions: [{ type: 'fragment', more: true, nextHeader: 17 }] }, payload: [0, 1, 0, 2] }],
  ['ipv6-frag-later-udp', { eth: {}, ipv6: { ...V6, extensions: [{ type: 'fragment', offset: 10, more: true, nextHeader: 17 }] }, payload: new Array(8).fill(0x44) }],
  ['ipv6-frag-last-tcp', { eth: {}, ipv6: { ...V6, extensions: [{ type: 'fragment', offset: 5 }] }, ...TCP_SYN }],
  ['ipv6-frag-atomic', { eth: {}, ipv6: { ...V6, extensions: [{ type: 'fragment' }] }, ...UDP }],
  ['ipv6-frag-truncated', cutIpv6({ eth: {}, ipv6: { ...V6, extensions: [{ type: 'fragment', more: true }] }, ...UDP }, 58)],
  ['ipv6-frag-cut-by-frame', { eth: {}, ipv6: { ...V6, extensions: [{ type: 'fragment', more: true }] }, ...UDP, truncate: 58 }],
  ['ipv6-hop-by-hop-then-later-fragment', { eth: {}, ipv6: { ...V6, extensions: [{ type: 'hopByHop' }, { type: 'fragment', offset: 30, more: true, nextHeader: 58 }] }, payload: [0x80, 0] }],
  ['ipv6-frag-then-hop-by-hop', { eth: {}, ipv6: { ...V6, extensions: [{ type: 'fragment', more: true }, { type: 'hopByHop' }] }, ...UDP }],
  ['ipv6-chain-then-first-fragment-icmp6', { eth: {}, ipv6: { ...V6, extensions: [{ type: 'hopByHop' }, { type: 'destination' }, { type: 'fragment', more: true }] }, icmpv6: { type: 128, id: 7, seq: 1 } }],
  ['ipv6-ah-then-later-fragment', { eth: {}, ipv6: { ...V6, extensions: [{ type: 'ah' }, { type: 'fragment', offset: 100, nextHeader: 6 }] }, payload: new Array(16).fill(0x55) }],
  ['ipv6-two-fragment-headers', { eth: {}, ipv6: { ...V6, extensions: [{ type: 'fragment', more: true }, { type: 'fragment', offset: 2, more: true }] }, ...UDP }],
  // ICMPv6 and neighbour discovery
  ['icmp6-echo-request', { eth: {}, ipv6: V6, icmpv6: { type: 128, id: 1, seq: 1 }, payload: 'ab' }],
  ['icmp6-echo-reply', { eth: {}, ipv6: V6, icmpv6: { type: 129, id: 1, seq: 1 } }],
  ['icmp6-unreachable', { eth: {}, ipv6: V6, icmpv6: { type: 1, code: 4, embedded: { ipv6: V6, ...UDP } } }],
  ['icmp6-truncated-7', { eth: {}, ipv6: { ...V6, nextHeader: 58 }, payload: [0x80, 0, 0, 0, 0, 1, 0] }],
  ['icmp6-truncated-4', { eth: {}, ipv6: { ...V6, nextHeader: 58 }, payload: [0x80, 0, 0, 0] }],
  ['icmp6-router-solicitation', { eth: ALL_NODES, ipv6: { ...V6, hopLimit: 255 }, icmpv6: { type: 133, options: [SLL] } }],
  ['icmp6-router-advertisement', { eth: ALL_NODES, ipv6: { ...V6, hopLimit: 255 }, icmpv6: { type: 134, curHopLimit: 64, routerLifetime: 1800, options: [SLL] } }],
  ['icmp6-mld-report', { eth: ALL_NODES, ipv6: V6, icmpv6: { type: 131, rest: 0 }, payload: [0xff, 2, ...new Array(13).fill(0), 2] }],
  ['nd-ns-no-options', ns({})],
  ['nd-ns-sll', ns({ options: [SLL] })],
  ['nd-ns-reserved-set', ns({ options: [SLL], rest: 0xdeadbeef })],
  ['nd-ns-tll-option', ns({ options: [TLL] })],
  ['nd-ns-three-options', ns({ options: [SLL, { type: 14, data: [0, 0, 0, 0, 0, 0] }, TLL] })],
  ['nd-ns-duplicate-sll', ns({ options: [SLL, { type: 1, mac: '0a:00:00:00:00:bb' }] })],
  ['nd-ns-zero-sll-then-sll', ns({ options: [{ type: 1, mac: '00:00:00:00:00:00' }, SLL] })],
  ['nd-ns-unknown-option-then-sll', ns({ options: [{ type: 14, data: [0, 0, 0, 0, 0, 0] }, SLL] })],
  ['nd-ns-mtu-option-then-sll', ns({ options: [{ type: 5, data: [0, 0, 0, 0, 5, 0x78] }, SLL] })],
  ['nd-ns-sll-16-bytes', ns({ options: [{ type: 1, data: new Array(14).fill(0x0a) }, TLL] })],
  ['nd-ns-option-length-0', ns({ options: [{ ...SLL, length: 0 }, TLL] })],
  ['nd-ns-option-too-long', ns({ options: [{ ...SLL, length: 3 }] })],
  ['nd-ns-option-cut-after-sll', cutIpv6(ns({ options: [SLL, TLL] }), 88)],
  ['nd-ns-option-length-0-after-sll', ns({ options: [SLL, { ...TLL, length: 0 }] })],
  ['nd-ns-code-1', ns({ code: 1, options: [SLL] })],
  ['nd-ns-in-first-fragment', { eth: ALL_NODES, ipv6: { ...V6, hopLimit: 255, extensions: [{ type: 'fragment', more: true }] }, icmpv6: { type: 135, target: TARGET, options: [SLL] } }],
  ['nd-ns-after-hop-by-hop', { eth: ALL_NODES, ipv6: { ...V6, hopLimit: 1, extensions: [{ type: 'hopByHop', options: [5, 2, 0, 0] }] }, icmpv6: { type: 135, target: TARGET, options: [SLL] } }],
  ['nd-na-tll', na({ options: [TLL] })],
  ['nd-na-flags-only', na({ router: true })],
  ['nd-na-sll-and-tll', na({ options: [SLL, TLL] })],
  ['nd-na-tll-then-sll', na({ options: [TLL, SLL] })],
  ['nd-na-duplicate-tll', na({ options: [TLL, { type: 2, mac: '0a:00:00:00:00:bb' }] })],
  ['nd-na-target-truncated', cutIpv6(na({ options: [TLL] }), 66)],
  ['nd-na-no-target', cutIpv6(na(), 62)],
  ['nd-na-ipv4-mapped-target', na({ target: '::ffff:10.0.0.1', options: [TLL] })],
];

function generate(): void {
  const lines: string[] = [];
  const records: Array<{ data: Uint8Array; seconds: number; nanoseconds: number }> = [];
  const names = new Set<string>();
  for (const [name, spec] of CORPUS) {
    if (names.has(name)) throw new Error(`duplicate corpus name ${name}`);
    names.add(name);
    const data = buildPacket(spec);
    lines.push(`${name} ${bytesToHex(data)}`);
    records.push({ data, seconds: records.length, nanoseconds: 0 });
  }
  writeFileSync(new URL('packets.txt', CORPUS_DIR), lines.join('\n') + '\n');
  writeFileSync(new URL('corpus.pcap', CORPUS_DIR), encodePcap(records, { littleEndian: true }));
  process.stdout.write(`wrote ${lines.length} packets\n`);
}

// `node --test` runs every file under dist/test; only an explicit --write generates.
if (process.argv.includes('--write')) generate();
