import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildPacketLayers, type PacketSpec } from './build.js';
import { Packet } from './packet.js';
import { bytesToHex } from './hex.js';
import { parseIpv6 } from './addr.js';
import {
  setArpOp,
  setArpSha,
  setArpSpa,
  setArpTha,
  setArpTpa,
  setIcmpTypeCode,
  setNdSll,
  setNdTarget,
  setNdTll,
  popMpls,
  popVlan,
  pushMpls,
  pushVlan,
  setEthDst,
  setEthSrc,
  setIpv4Dst,
  setIpv4Src,
  setIpv4Tos,
  setIpv4Ttl,
  setIpv6Dst,
  setIpv6Fields,
  setIpv6Src,
  setMplsLse,
  setTransportDst,
  setTransportSrc,
} from './edit.js';
import { IPPROTO_ICMPV6, IPPROTO_SCTP, IPPROTO_TCP, IPPROTO_UDP } from './ip.js';

const ETH = { src: '00:00:00:00:00:01', dst: '00:00:00:00:00:02' };
const PAYLOAD = 'some payload bytes';

/** A Packet holding `spec` with the offsets flow extraction would set. */
function packetOf(spec: PacketSpec): Packet {
  const built = buildPacketLayers(spec);
  const p = Packet.fromBytes(built.bytes);
  p.l2Offset = built.l2Offset;
  p.l2_5Offset = built.l2_5Offset;
  p.l3Offset = built.l3Offset;
  p.l4Offset = built.l4Offset;
  return p;
}

/** Asserts that `p` now holds exactly what the builder makes of `spec`, offsets included. */
function assertIs(p: Packet, spec: PacketSpec, what: string): void {
  const want = buildPacketLayers(spec);
  assert.equal(bytesToHex(p.data()), bytesToHex(want.bytes), what);
  assert.deepEqual([p.l2Offset, p.l2_5Offset, p.l3Offset, p.l4Offset], [want.l2Offset, want.l2_5Offset, want.l3Offset, want.l4Offset], what);
}

test('pushVlan() and popVlan() add and remove the outer tag', () => {
  const p = packetOf({ eth: ETH, ipv4: {}, tcp: {}, payload: PAYLOAD });
  assert.ok(pushVlan(p, 0x8100, 0x2005));
  assertIs(p, { eth: ETH, vlans: [{ tci: 0x2005 }], ipv4: {}, tcp: {}, payload: PAYLOAD }, 'push 802.1Q');
  assert.ok(pushVlan(p, 0x88a8, 100));
  assertIs(p, { eth: ETH, vlans: [{ tpid: 0x88a8, tci: 100 }, { tci: 0x2005 }], ipv4: {}, tcp: {}, payload: PAYLOAD }, 'push 802.1ad');
  assert.ok(popVlan(p));
  assert.ok(popVlan(p));
  assertIs(p, { eth: ETH, ipv4: {}, tcp: {}, payload: PAYLOAD }, 'pop both');
  assert.equal(popVlan(p), false, 'no tag left');
  const tight = Packet.fromBytes(p.data(), { headroom: 2 });
  assert.equal(pushVlan(tight, 0x8100, 1), false, 'no headroom');
  assert.equal(tight.size, p.size);
});

test('pushMpls() and popMpls() keep the Ethernet type and offsets right', () => {
  const p = packetOf({ eth: ETH, vlans: [{ vid: 7 }], ipv4: {}, udp: {}, payload: PAYLOAD });
  assert.ok(pushMpls(p, 0x8847, (20 << 12) | 0x100 | 64));
  assertIs(p, { eth: ETH, vlans: [{ vid: 7 }], mpls: [{ label: 20, ttl: 64 }], ipv4: {}, udp: {}, payload: PAYLOAD }, 'first label');
  assert.ok(pushMpls(p, 0x8847, (30 << 12) | 5));
  assertIs(p, { eth: ETH, vlans: [{ vid: 7 }], mpls: [{ label: 30, ttl: 5, bos: false }, { label: 20, ttl: 64 }], ipv4: {}, udp: {}, payload: PAYLOAD }, 'second label');
  assert.ok(setMplsLse(p, (31 << 12) | 6));
  assert.ok(popMpls(p, 0x8847));
  assertIs(p, { eth: ETH, vlans: [{ vid: 7 }], mpls: [{ label: 20, ttl: 64 }], ipv4: {}, udp: {}, payload: PAYLOAD }, 'pop top');
  assert.ok(popMpls(p, 0x0800));
  assertIs(p, { eth: ETH, vlans: [{ vid: 7 }], ipv4: {}, udp: {}, payload: PAYLOAD }, 'pop bottom');
  assert.equal(popMpls(p, 0x0800), false, 'no stack left');
});

test('setIpv4Src() and setIpv4Dst() update the IPv4, TCP and UDP checksums incrementally', () => {
  const cases: PacketSpec[] = [
    { eth: ETH, ipv4: { src: '10.0.0.1', dst: '10.0.0.2' }, tcp: { src: 1, dst: 2 }, payload: PAYLOAD },
    { eth: ETH, ipv4: { src: '10.0.0.1', dst: '10.0.0.2' }, udp: { src: 1, dst: 2 }, payload: PAYLOAD },
    { eth: ETH, ipv4: { src: '10.0.0.1', dst: '10.0.0.2' }, udp: { src: 1, dst: 2, checksum: 0 }, payload: PAYLOAD },
    { eth: ETH, ipv4: { src: '10.0.0.1', dst: '10.0.0.2' }, icmp: { type: 8 }, payload: PAYLOAD },
    { eth: ETH, ipv4: { src: '10.0.0.1', dst: '10.0.0.2', options: [1, 1, 1, 1] }, sctp: { src: 1, dst: 2 } },
  ];
  for (const spec of cases) {
    const p = packetOf(spec);
    assert.ok(setIpv4Src(p, 0xc0a80101));
    assert.ok(setIpv4Dst(p, 0xac100002));
    assertIs(p, { ...spec, ipv4: { ...spec.ipv4, src: '192.168.1.1', dst: '172.16.0.2' } }, JSON.stringify(Object.keys(spec)));
  }
  // A later fragment carries no transport header: only the IPv4 checksum moves.
  const frag: PacketSpec = { eth: ETH, ipv4: { fragmentOffset: 10, proto: 6 }, payload: new Uint8Array(20) };
  const p = packetOf(frag);
  p.l4Offset = 34;
  assert.ok(setIpv4Src(p, 0x01020304));
  p.l4Offset = -1;
  assertIs(p, { ...frag, ipv4: { ...frag.ipv4, src: '1.2.3.4' } }, 'later fragment');
});

test('setIpv4Tos() and setIpv4Ttl() keep the header checksum right', () => {
  const spec: PacketSpec = { eth: ETH, ipv4: { tos: 0, ttl: 64 }, udp: {} };
  const p = packetOf(spec);
  assert.ok(setIpv4Tos(p, 0xb9));
  assert.ok(setIpv4Ttl(p, 63));
  assertIs(p, { ...spec, ipv4: { tos: 0xb9, ttl: 63 } }, 'tos and ttl');
  assert.equal(setIpv4Ttl(packetOf({ eth: ETH, ipv6: {} }), 1), false, 'not IPv4');
});

test('setIpv6Src() and setIpv6Dst() update TCP, UDP and ICMPv6 checksums', () => {
  const specs: Array<[PacketSpec, number]> = [
    [{ eth: ETH, ipv6: {}, tcp: {}, payload: PAYLOAD }, IPPROTO_TCP],
    [{ eth: ETH, ipv6: { extensions: [{ type: 'hopByHop' }] }, udp: {}, payload: PAYLOAD }, IPPROTO_UDP],
    [{ eth: ETH, ipv6: {}, icmpv6: { type: 128, id: 1 }, payload: PAYLOAD }, IPPROTO_ICMPV6],
  ];
  const src = parseIpv6('fe80::1234:5678');
  const dst = new Uint8Array(20);
  dst.set(parseIpv6('2001:db8:ffff::9'), 4);
  for (const [spec, proto] of specs) {
    const p = packetOf(spec);
    assert.ok(setIpv6Src(p, src, 0, proto));
    assert.ok(setIpv6Dst(p, dst, 4, proto));
    assert.ok(setIpv6Fields(p, 0x20, 0xabcde, 9));
    assertIs(p, { ...spec, ipv6: { ...spec.ipv6, src: 'fe80::1234:5678', dst: '2001:db8:ffff::9', trafficClass: 0x20, flowLabel: 0xabcde, hopLimit: 9 } }, String(proto));
  }
});

test('setTransportSrc() and setTransportDst() update TCP, UDP and SCTP checksums', () => {
  const specs: Array<[PacketSpec, number]> = [
    [{ eth: ETH, ipv4: {}, tcp: { src: 1, dst: 2 }, payload: PAYLOAD }, IPPROTO_TCP],
    [{ eth: ETH, ipv6: {}, udp: { src: 1, dst: 2 }, payload: PAYLOAD }, IPPROTO_UDP],
    [{ eth: ETH, ipv4: {}, sctp: { src: 1, dst: 2, chunks: [{ type: 0, data: [1, 2, 3] }] } }, IPPROTO_SCTP],
  ];
  for (const [spec, proto] of specs) {
    const p = packetOf(spec);
    assert.ok(setTransportSrc(p, proto, 443));
    assert.ok(setTransportDst(p, proto, 65535));
    const l4 = (spec.tcp ? 'tcp' : spec.udp ? 'udp' : 'sctp') as 'tcp' | 'udp' | 'sctp';
    assertIs(p, { ...spec, [l4]: { ...spec[l4], src: 443, dst: 65535 } }, l4);
  }
  const none = packetOf({ eth: ETH, ipv4: {}, udp: { checksum: 0 } });
  assert.ok(setTransportDst(none, IPPROTO_UDP, 53));
  assertIs(none, { eth: ETH, ipv4: {}, udp: { dst: 53, checksum: 0 } }, 'UDP without checksum stays without');
  assert.equal(setTransportSrc(packetOf({ eth: ETH, ipv4: {}, icmp: { type: 8 } }), 1, 5), false, 'ICMP has no ports');
});

test('setEthSrc() and setEthDst() take the flow key halves', () => {
  const p = packetOf({ eth: ETH, arp: {} });
  assert.ok(setEthSrc(p, 0x0a0b, 0x0c0d0e0f));
  assert.ok(setEthDst(p, 0xffff, 0xffffffff));
  assertIs(p, { eth: { src: '0a:0b:0c:0d:0e:0f', dst: 'ff:ff:ff:ff:ff:ff' }, arp: {} }, 'macs');
});

test('incremental updates agree with full recomputation for random addresses and ports', () => {
  let state = 99;
  const random = (): number => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return state >>> 0;
  };
  const dotted = (a: number): string => `${a >>> 24}.${(a >>> 16) & 255}.${(a >>> 8) & 255}.${a & 255}`;
  for (let i = 0; i < 300; i++) {
    const l4 = i % 2 === 0 ? 'tcp' : 'udp';
    const spec: PacketSpec = { eth: ETH, ipv4: { src: dotted(random()), id: random() & 0xffff }, [l4]: { src: random() & 0xffff }, payload: [random() & 255, random() & 255] };
    const p = packetOf(spec);
    const address = random();
    const port = random() & 0xffff;
    assert.ok(setIpv4Dst(p, address));
    assert.ok(setTransportSrc(p, l4 === 'tcp' ? IPPROTO_TCP : IPPROTO_UDP, port));
    assertIs(p, { ...spec, ipv4: { ...spec.ipv4, dst: dotted(address) }, [l4]: { src: port } }, `round ${i}`);
  }
});

test('setIcmpTypeCode() updates ICMP and ICMPv6 checksums', () => {
  const v4: PacketSpec = { eth: ETH, ipv4: {}, icmp: { type: 8, code: 0, id: 5 }, payload: PAYLOAD };
  const p4 = packetOf(v4);
  assert.ok(setIcmpTypeCode(p4, 0, 0));
  assertIs(p4, { ...v4, icmp: { type: 0, code: 0, id: 5 } }, 'icmp');
  const v6: PacketSpec = { eth: ETH, ipv6: {}, icmpv6: { type: 1, code: 4, rest: 0 }, payload: PAYLOAD };
  const p6 = packetOf(v6);
  assert.ok(setIcmpTypeCode(p6, 3, 1));
  assertIs(p6, { ...v6, icmpv6: { type: 3, code: 1, rest: 0 } }, 'icmpv6');
});

test('setNdTarget(), setNdSll() and setNdTll() rewrite ND messages with right checksums', () => {
  const ns: PacketSpec = {
    eth: ETH,
    ipv6: { src: 'fe80::1', dst: 'ff02::1:ff00:2' },
    icmpv6: { type: 135, target: 'fe80::2', options: [{ type: 9, data: [1, 2, 3, 4, 5, 6] }, { type: 1, mac: '00:00:00:00:00:01' }] },
  };
  const p = packetOf(ns);
  assert.ok(setNdTarget(p, parseIpv6('2001:db8::77'), 0));
  assert.ok(setNdSll(p, 0x5054, 0x000000aa));
  assert.equal(setNdTll(p, 1, 2), false, 'no TLL option to rewrite');
  assertIs(p, { ...ns, icmpv6: { type: 135, target: '2001:db8::77', options: [{ type: 9, data: [1, 2, 3, 4, 5, 6] }, { type: 1, mac: '50:54:00:00:00:aa' }] } }, 'ns');
  const na: PacketSpec = { eth: ETH, ipv6: {}, icmpv6: { type: 136, solicited: true, target: '::5', options: [{ type: 2, mac: '00:00:00:00:00:02' }] } };
  const q = packetOf(na);
  assert.ok(setNdTll(q, 0xffff, 0xfffffffe));
  assertIs(q, { ...na, icmpv6: { ...na.icmpv6!, options: [{ type: 2, mac: 'ff:ff:ff:ff:ff:fe' }] } }, 'na');
});

test('ARP setters rewrite each field', () => {
  const p = packetOf({ eth: ETH, arp: {} });
  assert.ok(setArpOp(p, 2));
  assert.ok(setArpSpa(p, 0x0a000063));
  assert.ok(setArpTpa(p, 0x0a000064));
  assert.ok(setArpSha(p, 0x0000, 0x00000011));
  assert.ok(setArpTha(p, 0x0000, 0x00000022));
  assertIs(p, { eth: ETH, arp: { op: 2, spa: '10.0.0.99', tpa: '10.0.0.100', sha: '00:00:00:00:00:11', tha: '00:00:00:00:00:22' } }, 'arp');
  const short = packetOf({ eth: { ...ETH, type: 0x0806 }, payload: [1, 2] });
  short.l3Offset = 14;
  assert.equal(setArpOp(short, 1), false, 'short ARP');
});
