import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildPacket } from './build.js';
import { decodePacket } from './decode.js';
import { bytesToHex } from './hex.js';
import { PACKET_SAMPLES } from './samples.js';
import { ICMP4_DST_UNREACH } from './icmp.js';
import { TCP_SYN } from './tcp.js';
import { xorshift32 } from '../lib/random.js';

const ETH = { src: '00:00:00:00:00:01', dst: '00:00:00:00:00:02' };

test('decodePacket() round-trips every sample: build(decode(bytes)) gives the bytes back', () => {
  for (const sample of PACKET_SAMPLES) {
    const bytes = buildPacket(sample.spec);
    const decoded = decodePacket(bytes);
    assert.equal(decoded.error, null, `${sample.name}: ${decoded.error}`);
    assert.deepEqual(decoded.badChecksums, [], sample.name);
    assert.equal(bytesToHex(buildPacket(decoded.spec)), bytesToHex(bytes), sample.name);
  }
});

test('decodePacket() describes the layers in builder terms', () => {
  const bytes = buildPacket({
    eth: ETH,
    vlans: [{ vid: 10 }],
    ipv4: { src: '10.1.2.3', dst: '10.3.2.1', ttl: 9 },
    tcp: { src: 99, dst: 100, flags: TCP_SYN },
    payload: 'abc',
  });
  const d = decodePacket(bytes);
  assert.equal(d.spec.eth?.src, ETH.src);
  assert.equal(d.spec.eth?.type, 0x0800);
  assert.deepEqual(d.spec.vlans, [{ tpid: 0x8100, tci: 10 }]);
  assert.equal(d.spec.ipv4?.src, '10.1.2.3');
  assert.equal(d.spec.ipv4?.ttl, 9);
  assert.equal(d.spec.tcp?.flags, TCP_SYN);
  assert.deepEqual(d.spec.payload, new TextEncoder().encode('abc'));
  assert.deepEqual([d.l2Offset, d.l2_5Offset, d.l3Offset, d.l4Offset, d.payloadOffset], [0, -1, 18, 38, 58]);
});

test('decodePacket() decodes the packet inside an ICMP error', () => {
  const bytes = buildPacket({
    eth: ETH,
    ipv4: {},
    icmp: { type: ICMP4_DST_UNREACH, code: 3, embedded: { ipv4: { src: '1.1.1.1' }, udp: { dst: 53 }, truncate: 28 } },
  });
  const d = decodePacket(bytes);
  assert.equal(d.error, null);
  assert.equal(d.spec.icmp?.embedded?.ipv4?.src, '1.1.1.1');
  assert.equal(d.spec.icmp?.embedded?.udp?.dst, 53);
});

test('decodePacket() reports bad checksums without stopping', () => {
  const bytes = buildPacket({ eth: ETH, ipv4: { checksum: 1 }, udp: { checksum: 2 }, payload: 'x' });
  const d = decodePacket(bytes);
  assert.equal(d.error, null);
  assert.deepEqual(d.badChecksums, ['ipv4', 'udp']);
  const v6 = decodePacket(buildPacket({ eth: ETH, ipv6: {}, icmpv6: { type: 128, checksum: 0 } }));
  assert.deepEqual(v6.badChecksums, ['icmpv6']);
  const sctp = decodePacket(buildPacket({ eth: ETH, ipv4: {}, sctp: { checksum: 5 } }));
  assert.deepEqual(sctp.badChecksums, ['sctp']);
});

test('decodePacket() says where and why decoding stopped, and malformed packets still round-trip', () => {
  const cases: Array<[Parameters<typeof buildPacket>[0], RegExp, number]> = [
    [{ eth: ETH, ipv4: { totalLength: 26 }, tcp: {}, truncate: 40 }, /^truncated TCP header \(6 of 20 bytes\)$/, 34],
    [{ eth: ETH, ipv4: {}, tcp: {}, truncate: 40 }, /^IPv4 total length 40 does not fit the 26 bytes present$/, 14],
    [{ eth: ETH, ipv4: { ihl: 4 }, udp: {} }, /^IPv4 header length 16 is below 20$/, 14],
    [{ eth: ETH, ipv4: { ihl: 15 }, udp: {} }, /^truncated IPv4 header with options \(28 of 60 bytes\)$/, 14],
    [{ eth: ETH, ipv4: { totalLength: 200 }, udp: {} }, /^IPv4 total length 200 does not fit the 28 bytes present$/, 14],
    [{ eth: ETH, ipv4: {}, tcp: { dataOffset: 2 } }, /^TCP data offset 8 is below 20$/, 34],
    [{ eth: ETH, ipv4: {}, tcp: { dataOffset: 9 } }, /^TCP data offset 36 exceeds the 20 bytes present$/, 34],
    [{ eth: ETH, ipv6: { payloadLength: 100 }, udp: {} }, /^IPv6 payload length 100 exceeds the 8 bytes present$/, 14],
    [{ eth: ETH, ipv6: { extensions: [{ type: 'hopByHop', length: 5 }] }, udp: {} }, /^truncated IPv6 extension header \(16 of 48 bytes\)$/, 54],
    [{ eth: { ...ETH, type: 0x0800 }, vlans: [{ vid: 1 }], truncate: 15 }, /^truncated VLAN header \(3 of 6 bytes\)$/, 12],
    [{ eth: ETH, mpls: [{ label: 1, bos: false }] }, /^truncated MPLS label stack entry \(0 of 4 bytes\)$/, 18],
    [{ eth: ETH, ipv6: {}, icmpv6: { type: 135, options: [{ type: 1, data: [], length: 0 }] } }, /^ND option with length 0$/, 78],
    [{ eth: ETH, ipv4: {}, sctp: { chunks: [{ type: 0, length: 50 }] } }, /^SCTP chunk length 50 does not fit$/, 46],
    [{ eth: { ...ETH, type: 0x0800 }, payload: [0x65, 0, 0, 20] }, /^truncated IPv4 header \(4 of 20 bytes\)$/, 14],
    [{ payload: [1, 2, 3] }, /^truncated Ethernet header \(3 of 14 bytes\)$/, 0],
  ];
  for (const [spec, why, offset] of cases) {
    const bytes = buildPacket(spec);
    const d = decodePacket(bytes);
    assert.match(d.error ?? '(none)', why);
    assert.equal(d.errorOffset, offset, String(why));
    assert.equal(bytesToHex(buildPacket(d.spec)), bytesToHex(bytes), `round trip for ${why}`);
  }
});

test('decodePacket() decodes 802.3 frames and bare IP packets', () => {
  const llc = decodePacket(buildPacket({ eth: ETH, llc: { dsap: 0x42, ssap: 0x42 }, payload: [1, 2] }));
  assert.equal(llc.spec.eth?.length, 5);
  assert.deepEqual(llc.spec.llc, { dsap: 0x42, ssap: 0x42, control: 3 });
  const snap = decodePacket(buildPacket({ eth: ETH, snap: {}, ipv6: {}, udp: {} }));
  assert.equal(snap.error, null);
  assert.equal(snap.spec.snap?.type, 0x86dd);
  assert.equal(snap.spec.udp?.length, 8);
  const bare = decodePacket(buildPacket({ ipv6: { src: '::1' }, tcp: {} }), { start: 'ip' });
  assert.equal(bare.spec.ipv6?.src, '::1');
  assert.equal(bare.l4Offset, 40);
  assert.equal(decodePacket(Uint8Array.from([0x10]), { start: 'ip' }).error, 'not an IP packet');
});

test('decodePacket() never throws on mutated or truncated packets', () => {
  const next = xorshift32(12345);
  const random = (n: number): number => next() % n;
  const corpus = PACKET_SAMPLES.map((s) => buildPacket(s.spec));
  for (let round = 0; round < 3000; round++) {
    let bytes = corpus[random(corpus.length)].slice();
    const edits = random(6);
    for (let e = 0; e < edits; e++) bytes[random(bytes.length)] = random(256);
    if (random(2) === 0) bytes = bytes.slice(0, random(bytes.length + 1));
    const d = decodePacket(bytes);
    assert.ok(d.payloadOffset >= 0 && d.payloadOffset <= bytes.length, `round ${round}`);
    assert.ok(d.error === null || (d.errorOffset >= 0 && d.errorOffset <= bytes.length), `round ${round}`);
  }
});

test('decodePacket() follows tunnels and reports trouble inside them as inner', () => {
  const bytes = buildPacket({
    eth: ETH,
    ipv4: {},
    udp: {},
    vxlan: { vni: 7, inner: { eth: ETH, ipv4: { checksum: 9 }, tcp: { dataOffset: 1 } } },
  });
  const d = decodePacket(bytes);
  assert.equal(d.spec.vxlan?.vni, 7);
  assert.equal(d.spec.vxlan?.inner.tcp?.dataOffset, 1);
  assert.equal(d.error, 'inner packet: TCP data offset 4 is below 20');
  assert.equal(d.errorOffset, 14 + 20 + 8 + 8 + 14 + 20);
  assert.deepEqual(d.badChecksums, ['inner ipv4']);
  assert.equal(bytesToHex(buildPacket(d.spec)), bytesToHex(bytes));
  const gre = decodePacket(buildPacket({ eth: ETH, ipv4: {}, gre: { checksum: 0x1111, inner: { ipv4: {}, udp: {} } } }));
  assert.deepEqual(gre.badChecksums, ['gre']);
  assert.equal(gre.spec.gre?.inner.udp?.length, 8);
  const geneve = decodePacket(buildPacket({ eth: ETH, ipv4: {}, udp: {}, geneve: { optionsLength: 30, inner: { payload: [1] }, protocol: 0x1234 } }));
  assert.match(geneve.error ?? '', /^Geneve options length 120 exceeds the packet$/);
});
