import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildPacket, buildPacketLayers } from './build.js';
import { bytesToHex } from './hex.js';
import { readBe16, readBe32 } from './bytes.js';
import { finishChecksum, internetChecksum, ipv4PseudoHeaderSum, ipv6PseudoHeaderSum, onesComplementSum, crc32c } from './checksum.js';
import { ETH_TYPE_MPLS_MCAST, ETH_TYPE_RARP, ETH_TYPE_VLAN_8021AD } from './ethernet.js';
import { IPPROTO_UDP, IPOPT_RA } from './ip.js';
import { TCP_ACK, TCP_SYN, TCPOPT_MSS } from './tcp.js';
import {
  ICMP4_DST_UNREACH,
  ICMP4_ECHO_REQUEST,
  ICMP4_PORT_UNREACH,
  IGMP_HOST_MEMBERSHIP_QUERY,
  IGMPV2_HOST_MEMBERSHIP_REPORT,
  IGMPV3_HOST_MEMBERSHIP_REPORT,
  IGMPV3_MODE_IS_EXCLUDE,
  ND_NEIGHBOR_ADVERT,
  ND_NEIGHBOR_SOLICIT,
  ND_OPT_SOURCE_LINKADDR,
  ND_OPT_TARGET_LINKADDR,
  ND_ROUTER_ADVERT,
} from './icmp.js';

const ETH = { src: '00:00:00:00:00:01', dst: 'ff:ff:ff:ff:ff:ff' };

function tcpUdpChecksumOk(bytes: Uint8Array, l3: number, l4: number, v6: boolean, proto: number): boolean {
  const pseudo = v6
    ? ipv6PseudoHeaderSum(bytes, l3, proto, bytes.length - l4)
    : ipv4PseudoHeaderSum(bytes, l3, proto, bytes.length - l4);
  return finishChecksum(onesComplementSum(bytes, l4, bytes.length, pseudo)) === 0;
}

test('buildPacket() writes a golden ARP request', () => {
  const bytes = buildPacket({ eth: ETH, arp: { sha: '00:00:00:00:00:01', spa: '10.0.0.1', tpa: '10.0.0.2' } });
  assert.equal(
    bytesToHex(bytes),
    'ffffffffffff000000000001' + '0806' + '0001080006040001' + '0000000000010a000001' + '0000000000000a000002',
  );
  const rarp = buildPacket({ eth: ETH, rarp: { op: 3 } });
  assert.equal(readBe16(rarp, 12), ETH_TYPE_RARP);
  assert.equal(readBe16(rarp, 20), 3);
});

test('buildPacket() stacks 802.1ad and 802.1Q tags before the type', () => {
  const bytes = buildPacket({
    eth: ETH,
    vlans: [{ tpid: ETH_TYPE_VLAN_8021AD, vid: 100 }, { vid: 10, pcp: 3, dei: true }, { tci: 0xabcd }],
    ipv4: { proto: 253 },
  });
  assert.equal(bytesToHex(bytes, 12, 26), '88a80064' + '8100700a' + '8100abcd' + '0800');
});

test('buildPacket() writes an IPv4/TCP packet with correct lengths and checksums', () => {
  const built = buildPacketLayers({
    eth: ETH,
    ipv4: { src: '192.168.0.1', dst: '192.168.0.199', ttl: 64, df: true, id: 7 },
    tcp: { src: 1234, dst: 80, flags: TCP_SYN | TCP_ACK, seq: 1, options: [TCPOPT_MSS, 4, 0x05, 0xb4, 1] },
    payload: 'hello',
  });
  const { bytes } = built;
  assert.equal(built.l2Offset, 0);
  assert.equal(built.l2_5Offset, -1);
  assert.equal(built.l3Offset, 14);
  assert.equal(built.l4Offset, 34);
  assert.equal(bytesToHex(bytes, 14, 24), '4500' + '0035' + '0007' + '4000' + '4006');
  assert.equal(internetChecksum(bytes, 14, 34), 0);
  // Data offset 7 words (5 options bytes padded to 8), flags SYN|ACK.
  assert.equal(readBe16(bytes, 34 + 12), (7 << 12) | 0x12);
  assert.equal(bytesToHex(bytes, 54, 62), '020405b401000000');
  assert.ok(tcpUdpChecksumOk(bytes, 14, 34, false, 6));
  assert.equal(bytes.length, 14 + 20 + 28 + 5);
});

test('buildPacket() lets every derived IPv4/TCP value be overridden', () => {
  const bytes = buildPacket({
    eth: ETH,
    ipv4: { ihl: 4, totalLength: 1000, checksum: 0x1234, version: 5, options: [IPOPT_RA, 4, 0, 0] },
    tcp: { dataOffset: 3, checksum: 0xbeef, flags: TCP_ACK },
  });
  assert.equal(bytes[14], 0x54);
  assert.equal(readBe16(bytes, 16), 1000);
  assert.equal(readBe16(bytes, 24), 0x1234);
  assert.equal(bytesToHex(bytes, 34, 38), '94040000');
  assert.equal(bytes[38 + 12] >> 4, 3);
  assert.equal(readBe16(bytes, 38 + 16), 0xbeef);
});

test('buildPacket() sets IPv4 fragment fields', () => {
  const bytes = buildPacket({ eth: ETH, ipv4: { mf: true, fragmentOffset: 185, proto: IPPROTO_UDP }, payload: [1, 2] });
  assert.equal(readBe16(bytes, 20), 0x2000 | 185);
  const raw = buildPacket({ eth: ETH, ipv4: { fragmentWord: 0xffff, proto: 1 } });
  assert.equal(readBe16(raw, 20), 0xffff);
});

test('buildPacket() writes UDP over IPv6 with extension headers chained', () => {
  const built = buildPacketLayers({
    eth: ETH,
    ipv6: {
      src: 'fe80::1',
      dst: 'ff02::1',
      flowLabel: 0x12345,
      trafficClass: 0xb8,
      extensions: [
        { type: 'hopByHop', options: [5, 2, 0, 0] },
        { type: 'destination' },
        { type: 'routing', segmentsLeft: 0 },
        { type: 'ah' },
        { type: 'fragment', offset: 0, more: true, id: 0xabcdef },
      ],
    },
    udp: { src: 53, dst: 5353 },
    payload: [0xde, 0xad],
  });
  const { bytes, l3Offset, l4Offset } = built;
  assert.equal(readBe32(bytes, 14), (6 << 28) | (0xb8 << 20) | 0x12345);
  assert.equal(bytes[20], 0); // hop-by-hop first
  // hop-by-hop (8) -> dstopts (8) -> routing (8) -> AH (24) -> fragment (8) -> UDP.
  assert.equal(bytesToHex(bytes, 54, 62), '3c00050200000100');
  assert.equal(bytesToHex(bytes, 62, 64), '2b00');
  assert.equal(bytesToHex(bytes, 70, 72), '3300');
  assert.equal(bytesToHex(bytes, 78, 80), '2c04');
  assert.equal(bytesToHex(bytes, 102, 110), '1100000100abcdef');
  assert.equal(l4Offset, 110);
  assert.equal(readBe16(bytes, 18), bytes.length - 54);
  assert.equal(readBe16(bytes, l4Offset + 4), 10);
  assert.ok(tcpUdpChecksumOk(bytes, l3Offset, l4Offset, true, 17));
});

test('buildPacket() overrides IPv6 payload length and a next header', () => {
  const bytes = buildPacket({
    eth: ETH,
    ipv6: { payloadLength: 999, extensions: [{ type: 'fragment', nextHeader: 200 }] },
  });
  assert.equal(readBe16(bytes, 18), 999);
  assert.equal(bytes[20], 44);
  assert.equal(bytes[54], 200);
  const none = buildPacket({ eth: ETH, ipv6: {} });
  assert.equal(none[20], 59);
});

test('buildPacket() writes MPLS stacks with BOS on the last entry only', () => {
  const built = buildPacketLayers({
    eth: ETH,
    mpls: [{ label: 16, tc: 1, ttl: 10 }, { label: 0xfffff, ttl: 255 }],
    ipv4: { proto: 17 },
  });
  assert.equal(bytesToHex(built.bytes, 12, 22), '8847' + '000102' + '0a' + 'fffff1ff');
  assert.equal(built.l2_5Offset, 14);
  assert.equal(built.l3Offset, 22);
  const mcast = buildPacket({ eth: { type: ETH_TYPE_MPLS_MCAST }, mpls: [{ label: 1, bos: false }] });
  assert.equal(bytesToHex(mcast, 12), '8848' + '00001040');
});

test('buildPacket() makes 802.3 frames with LLC and with SNAP', () => {
  const llc = buildPacket({ eth: ETH, llc: { dsap: 0x42, ssap: 0x42 }, payload: [0, 0, 0] });
  assert.equal(bytesToHex(llc, 12), '0006' + '424203' + '000000');
  const snap = buildPacket({ eth: ETH, snap: {}, ipv4: { proto: 17 } });
  assert.equal(bytesToHex(snap, 12, 22), '001c' + 'aaaa03' + '000000' + '0800');
  const custom = buildPacket({ eth: { ...ETH, length: 1500 }, snap: { oui: 0x00000c, type: 0x2000 }, payload: [1] });
  assert.equal(bytesToHex(custom, 12), '05dc' + 'aaaa03' + '00000c' + '2000' + '01');
});

test('buildPacket() embeds the offending packet in an ICMP error', () => {
  const bytes = buildPacket({
    eth: ETH,
    ipv4: { src: '10.0.0.2', dst: '10.0.0.1' },
    icmp: {
      type: ICMP4_DST_UNREACH,
      code: ICMP4_PORT_UNREACH,
      embedded: { ipv4: { src: '10.0.0.1', dst: '10.0.0.2' }, udp: { src: 1, dst: 2 }, payload: 'x' },
    },
  });
  assert.equal(bytes[34], 3);
  assert.equal(bytes[35], 3);
  assert.equal(bytes[42], 0x45); // embedded IPv4 header after the 8-byte ICMP header
  assert.equal(internetChecksum(bytes, 34), 0);
  assert.equal(internetChecksum(bytes, 42, 62), 0);
  const echo = buildPacket({ ipv4: {}, icmp: { type: ICMP4_ECHO_REQUEST, id: 0x1234, seq: 9 } });
  assert.equal(bytesToHex(echo, 20), '0800' + bytesToHex(echo, 22, 24) + '12340009');
  assert.equal(internetChecksum(echo, 20), 0);
});

test('buildPacket() writes ND messages with SLL/TLL and unknown options', () => {
  const ns = buildPacketLayers({
    eth: ETH,
    ipv6: { src: 'fe80::1', dst: 'ff02::1:ff00:2', hopLimit: 255 },
    icmpv6: {
      type: ND_NEIGHBOR_SOLICIT,
      target: 'fe80::2',
      options: [{ type: ND_OPT_SOURCE_LINKADDR, mac: '00:00:00:00:00:01' }, { type: 200, data: [1, 2, 3] }],
    },
  });
  const { bytes, l4Offset } = ns;
  assert.equal(bytesToHex(bytes, l4Offset + 8, l4Offset + 24), 'fe800000000000000000000000000002');
  assert.equal(bytesToHex(bytes, l4Offset + 24), '0101000000000001' + 'c801010203000000');
  assert.ok(tcpUdpChecksumOk(bytes, 14, l4Offset, true, 58));
  const na = buildPacket({
    eth: ETH,
    ipv6: {},
    icmpv6: { type: ND_NEIGHBOR_ADVERT, router: true, override: true, target: '::1', options: [{ type: ND_OPT_TARGET_LINKADDR, mac: '00:00:00:00:00:02', length: 3 }] },
  });
  assert.equal(na[54 + 4], 0xa0);
  assert.equal(bytesToHex(na, 54 + 24), '0203000000000002');
  const ra = buildPacket({ ipv6: {}, icmpv6: { type: ND_ROUTER_ADVERT, routerLifetime: 600, reachableTime: 1, retransTimer: 2 } });
  assert.equal(bytesToHex(ra, 44), '4000' + '0258' + '00000001' + '00000002');
});

test('buildPacket() writes IGMP v1/v2 messages, a v3 query and a v3 report', () => {
  const v2 = buildPacket({ ipv4: { ttl: 1 }, igmp: { type: IGMPV2_HOST_MEMBERSHIP_REPORT, group: '224.1.2.3' } });
  assert.equal(bytesToHex(v2, 20, 22), '1600');
  assert.equal(bytesToHex(v2, 24), 'e0010203');
  assert.equal(internetChecksum(v2, 20), 0);
  const q3 = buildPacket({ ipv4: {}, igmp: { type: IGMP_HOST_MEMBERSHIP_QUERY, maxResponse: 100, sources: ['10.0.0.9'], qrv: 2 } });
  assert.equal(bytesToHex(q3, 20 + 8), '027d0001' + '0a000009');
  const r3 = buildPacket({
    ipv4: {},
    igmp: {
      type: IGMPV3_HOST_MEMBERSHIP_REPORT,
      records: [{ type: IGMPV3_MODE_IS_EXCLUDE, group: '239.1.1.1', sources: ['10.0.0.1', '10.0.0.2'] }],
    },
  });
  assert.equal(bytesToHex(r3, 24), '0000' + '0001' + '02000002' + 'ef010101' + '0a000001' + '0a000002');
  assert.equal(internetChecksum(r3, 20), 0);
});

test('buildPacket() writes SCTP with its CRC32c least significant byte first', () => {
  const bytes = buildPacket({
    ipv4: {},
    sctp: { src: 1, dst: 2, vtag: 0x01020304, chunks: [{ type: 0, flags: 3, data: [0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0x61] }] },
  });
  const sctp = bytes.slice(20);
  assert.equal(readBe16(sctp, 14), 17); // chunk length excludes padding
  assert.equal(sctp.length, 12 + 20);
  const stored = sctp[8] | (sctp[9] << 8) | (sctp[10] << 16) | ((sctp[11] << 24) >>> 0);
  sctp.fill(0, 8, 12);
  assert.equal(stored >>> 0, crc32c(sctp));
});

test('buildPacket() pads and truncates', () => {
  const padded = buildPacket({ eth: ETH, arp: {}, padTo: 60 });
  assert.equal(padded.length, 60);
  assert.equal(padded[59], 0);
  const cut = buildPacket({ eth: ETH, ipv4: {}, tcp: {}, truncate: 20 });
  assert.equal(cut.length, 20);
});

test('buildPacket() rejects specs it cannot derive a type for', () => {
  assert.throws(() => buildPacket({ eth: ETH }), TypeError);
  assert.throws(() => buildPacket({ ipv4: {} }), TypeError);
  assert.throws(() => buildPacket({ vlans: [{ vid: 1 }] }), TypeError);
  assert.throws(() => buildPacket({ eth: ETH, ipv4: { src: '1.2.3' }, tcp: {} }), SyntaxError);
});

test('buildPacket() encapsulates in VXLAN, Geneve (with options) and GRE', () => {
  const inner = { eth: ETH, arp: {} };
  const vxlan = buildPacketLayers({ eth: ETH, ipv4: {}, udp: {}, vxlan: { vni: 0xabcdef, inner } });
  const u = vxlan.l4Offset;
  assert.equal(readBe16(vxlan.bytes, u + 2), 4789);
  assert.equal(bytesToHex(vxlan.bytes, u + 8, u + 16), '08000000' + 'abcdef00');
  assert.equal(bytesToHex(vxlan.bytes, u + 16), bytesToHex(buildPacket(inner)));
  assert.ok(tcpUdpChecksumOk(vxlan.bytes, 14, u, false, 17));

  const geneve = buildPacketLayers({
    eth: ETH,
    ipv6: {},
    udp: {},
    geneve: { vni: 1, oam: true, options: [{ optionClass: 0xffff, type: 0x80, data: [1, 2, 3, 4, 5] }], inner: { ipv4: {}, udp: {} } },
  });
  const g = geneve.l4Offset;
  assert.equal(readBe16(geneve.bytes, g + 2), 6081);
  // Options: 4-byte header + 5 data bytes padded to 8 = 12 bytes = 3 words.
  assert.equal(bytesToHex(geneve.bytes, g + 8, g + 8 + 8 + 12), '0380' + '0800' + '00000100' + 'ffff8002' + '0102030405000000');
  assert.ok(tcpUdpChecksumOk(geneve.bytes, 14, g, true, 17));

  const gre = buildPacketLayers({ eth: ETH, ipv4: {}, gre: { checksum: true, key: 5, sequence: 6, inner: { ipv6: {}, udp: {} } } });
  const r = gre.l4Offset;
  assert.equal(gre.bytes[23], 47);
  assert.equal(bytesToHex(gre.bytes, r, r + 4), 'b000' + '86dd');
  assert.equal(bytesToHex(gre.bytes, r + 8, r + 16), '00000005' + '00000006');
  assert.equal(internetChecksum(gre.bytes, r), 0);
  const teb = buildPacket({ ipv4: {}, gre: { inner } });
  assert.equal(bytesToHex(teb, 20, 24), '0000' + '6558');
  assert.throws(() => buildPacket({ ipv4: {}, vxlan: { inner } }), TypeError);
});
