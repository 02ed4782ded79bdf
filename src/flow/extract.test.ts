// Unit tests of flowExtract(): one or more hand-written packets per header
// type, checking the key words Open vSwitch 3.1 fills (values observed with
// `ovs-appctl ofproto/trace` on the real daemon), including truncations.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as L from './layout.js';
import { flowExtract, FLOW_DL_TYPE_NONE, LAYER_L3, LAYER_L4, LAYER_L2_5 } from './extract.js';

const MACS = '000000000002' + '0a0000000001';
const SRC6 = 'fe800000000000000000000000000001';
const DST6 = 'ff020000000000000000000000000002';
const TARGET = '20010db8000000000000000000000099';

function bytes(hex: string): Uint8Array {
  return Uint8Array.from((hex.match(/../g) ?? []).map((b) => parseInt(b, 16)));
}

function extract(hex: string, vlanLimit?: number): Uint32Array {
  const data = bytes(hex);
  const key = L.newKey();
  key[L.IN_PORT] = 7;
  flowExtract(data, 0, data.length, key, { vlanLimit });
  return key;
}

function ipv4(proto: number, payload: string, fragOff = 0x4000, totalLength?: number): string {
  const total = totalLength ?? 20 + payload.length / 2;
  return '0800' + '4500' + total.toString(16).padStart(4, '0') + '0001' + fragOff.toString(16).padStart(4, '0')
    + '40' + proto.toString(16).padStart(2, '0') + '0000' + '0a000001' + '0a000002' + payload;
}

function ipv6(next: number, payload: string, payloadLength?: number): string {
  const length = payloadLength ?? payload.length / 2;
  return '86dd' + '6b812345' + length.toString(16).padStart(4, '0') + next.toString(16).padStart(2, '0') + '40'
    + SRC6 + DST6 + payload;
}

const TCP_SYN = '04d20050' + '00000001' + '00000000' + '5002' + '2000' + '00000000';
const UDP = '04d20035000c0000deadbeef';

test('flowExtract() fills Ethernet addresses and type and keeps receive metadata', () => {
  const key = extract(MACS + '88b5' + '00'.repeat(46));
  assert.equal(key[L.IN_PORT], 7);
  assert.equal(key[L.DL_DST_HI], 0x0000);
  assert.equal(key[L.DL_DST_LO], 0x00000002);
  assert.equal(key[L.DL_SRC_HI], 0x0a00);
  assert.equal(key[L.DL_SRC_LO], 0x00000001);
  assert.equal(key[L.DL_TYPE], 0x88b5);
});

test('flowExtract() leaves every header word zero for a frame shorter than 14 bytes', () => {
  const key = L.newKey();
  key.fill(0xffffffff);
  const data = bytes(MACS + '08');
  flowExtract(data, 0, data.length, key);
  for (let i = L.PACKET_FIRST; i < L.PACKET_END; i++) assert.equal(key[i], 0, `word ${i}`);
  assert.equal(key[L.IN_PORT], 0xffffffff);
});

test('flowExtract() honours start and length inside a larger buffer', () => {
  const frame = bytes('ffff' + MACS + ipv4(17, UDP) + 'ffffffff');
  const key = L.newKey();
  flowExtract(frame, 2, frame.length - 6, key);
  assert.equal(key[L.DL_TYPE], 0x0800);
  assert.equal(key[L.TP_DST], 53);
});

test('flowExtract() maps 802.2 frames to 0x05ff and follows SNAP with the Ethernet organisation', () => {
  assert.equal(extract(MACS + '0026' + '424203' + '00'.repeat(35))[L.DL_TYPE], FLOW_DL_TYPE_NONE);
  const snap = extract(MACS + '0030' + 'aaaa03000000' + ipv4(17, UDP));
  assert.equal(snap[L.DL_TYPE], 0x0800);
  assert.equal(snap[L.TP_SRC], 1234);
  assert.equal(extract(MACS + '0007' + 'aaaa0300000008')[L.DL_TYPE], FLOW_DL_TYPE_NONE);
  assert.equal(extract(MACS + '0010' + 'aaaa030000000500' + '00'.repeat(8))[L.DL_TYPE], FLOW_DL_TYPE_NONE);
  assert.equal(extract(MACS + '0010' + 'aaaa030000f80800' + '00'.repeat(8))[L.DL_TYPE], FLOW_DL_TYPE_NONE);
  assert.equal(extract(MACS + '0600' + '00'.repeat(10))[L.DL_TYPE], 0x0600);
});

test('flowExtract() stores a VLAN tag as TPID << 16 | TCI with the present bit', () => {
  const key = extract(MACS + '8100' + 'a064' + ipv4(6, TCP_SYN));
  assert.equal(key[L.VLAN0], (0x8100 << 16 | 0xb064) >>> 0);
  assert.equal(key[L.VLAN1], 0);
  assert.equal(key[L.DL_TYPE], 0x0800);
  assert.equal(key[L.TP_DST], 80);
});

test('flowExtract() needs the TCI and the next type before it takes a VLAN tag', () => {
  for (const tail of ['8100', '81000064', '8100006408']) {
    const key = extract(MACS + tail);
    assert.equal(key[L.VLAN0], 0, tail);
    assert.equal(key[L.DL_TYPE], 0x8100, tail);
  }
});

test('flowExtract() parses two tags by default and one with vlanLimit 1, like vlan-limit', () => {
  const frame = MACS + '88a8' + '0064' + '8100' + '2065' + ipv4(17, UDP);
  const both = extract(frame);
  assert.equal(both[L.VLAN0], (0x88a8 << 16 | 0x1064) >>> 0);
  assert.equal(both[L.VLAN1], (0x8100 << 16 | 0x3065) >>> 0);
  assert.equal(both[L.DL_TYPE], 0x0800);
  const outer = extract(frame, 1);
  assert.equal(outer[L.VLAN1], 0);
  assert.equal(outer[L.DL_TYPE], 0x8100);
  assert.equal(outer[L.NW_SRC], 0);
  const triple = extract(MACS + '88a8' + '0064' + '8100' + '0065' + '8100' + '0066' + ipv4(17, UDP));
  assert.equal(triple[L.DL_TYPE], 0x8100);
});

test('flowExtract() keeps up to three MPLS label stack entries and stops at bottom of stack', () => {
  const one = extract(MACS + '8847' + '000641ff' + ipv4(17, UDP));
  assert.equal(one[L.MPLS_LSE0], 0x000641ff);
  assert.equal(one[L.MPLS_LSE0 + 1], 0);
  assert.equal(one[L.NW_SRC], 0, 'nothing past the label stack');
  const deep = extract(MACS + '8847' + '000640ff' + '000650fe' + '000660fd' + '000670fc' + '000681fb');
  assert.deepEqual([...deep.subarray(L.MPLS_LSE0, L.MPLS_LSE0 + 3)], [0x000640ff, 0x000650fe, 0x000660fd]);
  assert.equal(extract(MACS + '8847' + '0006')[L.MPLS_LSE0], 0);
  assert.equal(extract(MACS + '8848' + '00064b0a')[L.DL_TYPE], 0x8848);
});

test('flowExtract() reports layer offsets', () => {
  const data = bytes(MACS + '8100' + '0064' + ipv4(6, TCP_SYN));
  const layers = new Int32Array(3);
  flowExtract(data, 0, data.length, L.newKey(), { layers });
  assert.deepEqual([...layers], [-1, 18, 38]);
  const mpls = bytes(MACS + '8847' + '000641ff');
  flowExtract(mpls, 0, mpls.length, L.newKey(), { layers });
  assert.equal(layers[LAYER_L2_5], 14);
  assert.equal(layers[LAYER_L3], 18);
  assert.equal(layers[LAYER_L4], -1);
});

const ARP = '0806' + '0001080006040001' + '0a0000000001' + 'c0a80001' + '000000000000' + 'c0a80002';

test('flowExtract() reads Ethernet/IPv4 ARP and only the low opcode byte', () => {
  const key = extract(MACS + ARP);
  assert.equal(key[L.NW_SRC], 0xc0a80001);
  assert.equal(key[L.NW_DST], 0xc0a80002);
  assert.equal(key[L.NW_PROTO], 1);
  assert.equal(key[L.ARP_SHA_HI], 0x0a00);
  assert.equal(key[L.ARP_SHA_LO], 1);
  const bigOp = extract(MACS + ARP.replace('0001080006040001', '0001080006040101'));
  assert.equal(bigOp[L.NW_PROTO], 0);
  assert.equal(bigOp[L.NW_SRC], 0xc0a80001);
  assert.equal(extract(MACS + ARP.replace('0001080006040001', '0006080006040001'))[L.NW_SRC], 0);
  assert.equal(extract(MACS + ARP.slice(0, -2))[L.NW_SRC], 0, 'truncated');
  assert.equal(extract(MACS + '8035' + ARP.slice(4))[L.NW_DST], 0xc0a80002, 'RARP');
});

test('flowExtract() reads IPv4 and TCP', () => {
  const key = extract(MACS + ipv4(6, TCP_SYN.replace('5002', '5fff')));
  assert.equal(key[L.DL_TYPE], 0x0800);
  assert.equal(key[L.NW_SRC], 0x0a000001);
  assert.equal(key[L.NW_DST], 0x0a000002);
  assert.equal(key[L.NW_PROTO], 6);
  assert.equal(key[L.NW_TTL], 64);
  assert.equal(key[L.NW_FRAG], 0);
  assert.equal(key[L.TP_SRC], 1234);
  assert.equal(key[L.TP_DST], 80);
  assert.equal(key[L.TCP_FLAGS], 0xfff);
});

test('flowExtract() drops the whole IPv4 header when it fails the sanity checks', () => {
  const good = ipv4(17, UDP);
  const cases = {
    'truncated header': good.slice(0, 4 + 38),
    'IHL 4': good.replace(/^080045/, '080044'),
    'total length past the frame': ipv4(17, UDP, 0x4000, 200),
    'total length below IHL': ipv4(17, UDP, 0x4000, 16),
  };
  for (const [name, frame] of Object.entries(cases)) {
    const key = extract(MACS + frame);
    assert.equal(key[L.DL_TYPE], 0x0800, name);
    assert.equal(key[L.NW_SRC], 0, name);
    assert.equal(key[L.NW_TTL], 0, name);
  }
  // The version nibble is not checked, and a total length below the frame
  // size hides the rest (Ethernet padding).
  assert.equal(extract(MACS + good.replace(/^080045/, '080065'))[L.TP_SRC], 1234);
  assert.equal(extract(MACS + ipv4(17, UDP, 0x4000, 24))[L.TP_SRC], 0);
});

test('flowExtract() marks IPv4 fragments and reads ports only from the first', () => {
  const first = extract(MACS + ipv4(17, UDP, 0x2000));
  assert.equal(first[L.NW_FRAG], 1);
  assert.equal(first[L.TP_DST], 53);
  const later = extract(MACS + ipv4(17, UDP, 0x0020));
  assert.equal(later[L.NW_FRAG], 3);
  assert.equal(later[L.TP_DST], 0);
  assert.equal(later[L.NW_PROTO], 17);
  assert.equal(extract(MACS + ipv4(17, UDP, 0x4000))[L.NW_FRAG], 0, 'DF alone');
  assert.equal(extract(MACS + ipv4(17, UDP, 0x8000))[L.NW_FRAG], 0, 'reserved bit alone');
});

test('flowExtract() needs a whole TCP header of at least 20 bytes', () => {
  assert.equal(extract(MACS + ipv4(6, TCP_SYN.replace('5002', '4002')))[L.TP_SRC], 0);
  assert.equal(extract(MACS + ipv4(6, TCP_SYN.replace('5002', '6002')))[L.TP_SRC], 0);
  assert.equal(extract(MACS + ipv4(6, TCP_SYN.slice(0, 38)))[L.TP_SRC], 0);
});

test('flowExtract() reads UDP, SCTP, ICMP and IGMP only when their minimum header is there', () => {
  assert.equal(extract(MACS + ipv4(17, UDP.slice(0, 16)))[L.TP_DST], 53);
  assert.equal(extract(MACS + ipv4(17, UDP.slice(0, 14)))[L.TP_DST], 0);
  const sctp = '138817700000000100000000';
  assert.equal(extract(MACS + ipv4(132, sctp))[L.TP_SRC], 5000);
  assert.equal(extract(MACS + ipv4(132, sctp.slice(0, 22)))[L.TP_SRC], 0);
  const icmp = extract(MACS + ipv4(1, '030d000000000000'));
  assert.equal(icmp[L.TP_SRC], 3);
  assert.equal(icmp[L.TP_DST], 13);
  assert.equal(extract(MACS + ipv4(1, '030d0000000000'))[L.TP_SRC], 0);
  const igmp = extract(MACS + ipv4(2, '16000000e0000001'));
  assert.equal(igmp[L.TP_SRC], 0x16);
  assert.equal(igmp[L.IGMP_GROUP_IP4], 0xe0000001);
  assert.equal(extract(MACS + ipv4(2, '16000000e00000'))[L.TP_SRC], 0);
});

test('flowExtract() reads the IPv6 header, traffic class and flow label', () => {
  const key = extract(MACS + ipv6(17, UDP));
  assert.equal(key[L.IPV6_SRC], 0xfe800000);
  assert.equal(key[L.IPV6_SRC + 3], 1);
  assert.equal(key[L.IPV6_DST], 0xff020000);
  assert.equal(key[L.IPV6_LABEL], 0x12345);
  assert.equal(key[L.NW_TOS], 0xb8);
  assert.equal(key[L.NW_TTL], 0x40);
  assert.equal(key[L.NW_PROTO], 17);
  assert.equal(key[L.TP_DST], 53);
  assert.equal(extract(MACS + ipv6(17, UDP, 100))[L.IPV6_SRC], 0, 'payload length past the frame');
  assert.equal(extract(MACS + ipv6(17, UDP).slice(0, 4 + 78))[L.IPV6_SRC], 0, 'truncated header');
});

test('flowExtract() walks IPv6 extension headers', () => {
  const chain = '3c00010400000000' + '2b00010400000000' + '1100000200000000';
  assert.equal(extract(MACS + ipv6(0, chain + UDP))[L.TP_DST], 53);
  assert.equal(extract(MACS + ipv6(51, '1100000000000001' + UDP))[L.TP_DST], 53, 'AH counts 4-byte units');
  const noNext = extract(MACS + ipv6(59, ''));
  assert.equal(noNext[L.NW_PROTO], 59);
  // A header cut short keeps the addresses and nothing else.
  const cut = extract(MACS + ipv6(0, '11000000000000'));
  assert.equal(cut[L.IPV6_SRC], 0xfe800000);
  assert.equal(cut[L.NW_TTL], 0);
  assert.equal(cut[L.IPV6_LABEL], 0);
  assert.equal(cut[L.NW_PROTO], 0);
});

test('flowExtract() marks IPv6 fragments; later ones report protocol 44', () => {
  const first = extract(MACS + ipv6(44, '1100000100000001' + UDP));
  assert.equal(first[L.NW_FRAG], 1);
  assert.equal(first[L.NW_PROTO], 17);
  assert.equal(first[L.TP_DST], 53);
  const later = extract(MACS + ipv6(44, '1100005100000001' + UDP));
  assert.equal(later[L.NW_FRAG], 3);
  assert.equal(later[L.NW_PROTO], 44);
  assert.equal(later[L.TP_DST], 0);
  assert.equal(extract(MACS + ipv6(44, '1100000000000001' + UDP))[L.NW_FRAG], 0, 'atomic fragment');
  assert.equal(extract(MACS + ipv6(44, '1100000600000001' + UDP))[L.NW_FRAG], 1, 'reserved bits');
});

function icmp6(body: string): string {
  return MACS + ipv6(58, body);
}
const SLL = '01010a0000000001';
const TLL = '02010a00000000aa';

test('flowExtract() reads ICMPv6 type and code; only NS/NA with code 0 are ND', () => {
  const echo = extract(icmp6('8000000000010001'));
  assert.equal(echo[L.TP_SRC], 128);
  assert.equal(echo[L.ND_TARGET], 0);
  assert.equal(extract(icmp6('80000000000100'))[L.TP_SRC], 0, 'needs 8 bytes');
  const code1 = extract(icmp6('87010000' + '00000000' + TARGET + SLL));
  assert.equal(code1[L.ND_TARGET], 0);
  assert.equal(code1[L.ARP_SHA_LO], 0);
});

test('flowExtract() reads ND target, reserved word, SLL and TLL options', () => {
  const ns = extract(icmp6('87000000' + 'deadbeef' + TARGET + '0e01000000000000' + SLL + TLL));
  assert.deepEqual([...ns.subarray(L.ND_TARGET, L.ND_TARGET + 4)], [0x20010db8, 0, 0, 0x99]);
  assert.equal(ns[L.ND_RESERVED], 0xdeadbeef);
  assert.equal(ns[L.ARP_SHA_HI], 0x0a00);
  assert.equal(ns[L.ARP_SHA_LO], 1);
  assert.equal(ns[L.ARP_THA_LO], 0xaa);
  assert.equal(ns[L.ND_OPTIONS_TYPE], 1, 'type of the first link-layer option');
  const na = extract(icmp6('88000000' + '60000000' + TARGET + TLL + SLL));
  assert.equal(na[L.ND_OPTIONS_TYPE], 2);
  assert.equal(na[L.ND_RESERVED], 0x60000000);
});

test('flowExtract() handles bad ND options as OVS does', () => {
  const base = '88000000' + '60000000' + TARGET;
  const duplicate = extract(icmp6(base + TLL + '02010a00000000bb'));
  assert.equal(duplicate[L.ND_TARGET], 0, 'a repeated option clears the ND fields');
  assert.equal(duplicate[L.ARP_THA_LO], 0);
  assert.equal(duplicate[L.TP_SRC], 136);
  assert.equal(duplicate[L.ND_RESERVED], 0x60000000, 'the reserved word stays');
  assert.equal(duplicate[L.ND_OPTIONS_TYPE], 2, 'so does the first option type');
  const longSll = extract(icmp6(base + '0102' + '0a0000000001' + '00'.repeat(8) + TLL));
  assert.equal(longSll[L.ARP_SHA_LO], 0, 'an SLL longer than 8 bytes is skipped');
  assert.equal(longSll[L.ARP_THA_LO], 0xaa);
  const zeroLength = extract(icmp6(base + '01000a0000000001' + TLL));
  assert.equal(zeroLength[L.ARP_THA_LO], 0, 'a zero length stops the walk');
  assert.equal(zeroLength[L.ND_TARGET], 0x20010db8);
  assert.equal(extract(icmp6(base + '01030a0000000001'))[L.ARP_SHA_LO], 0, 'overlong option');
  assert.equal(extract(icmp6('88000000' + '60000000' + '20010db8'))[L.ND_TARGET], 0, 'target cut short');
});

test('flowExtract() never reads past the end of the buffer or throws on any truncation', () => {
  const frames = [
    MACS + '8100' + '0064' + ipv4(6, TCP_SYN),
    MACS + ipv6(0, '2c00000000000000' + '1100000100000001' + UDP),
    icmp6('87000000' + '00000000' + TARGET + SLL + TLL),
    MACS + '8847' + '000640ff' + '000651fe',
    MACS + ARP,
  ];
  const key = L.newKey();
  for (const hex of frames) {
    const data = bytes(hex);
    for (let length = 0; length <= data.length; length++) {
      // A copy of exactly `length` bytes, so a read past the end would give
      // undefined and show up as a NaN-turned-zero difference below.
      const exact = data.slice(0, length);
      flowExtract(exact, 0, length, key);
      const viaLength = L.newKey();
      flowExtract(data, 0, length, viaLength);
      assert.deepEqual(viaLength.subarray(L.PACKET_FIRST, L.PACKET_END), key.subarray(L.PACKET_FIRST, L.PACKET_END));
    }
  }
});

test('flowExtract() reads the NSH base header and MD type 1 contexts', () => {
  const md1 = extract(MACS + '894f' + '2fc60101' + '123456ff' + '11111111222222223333333344444444');
  assert.equal(md1[L.NSH_FLAGS], 2);
  assert.equal(md1[L.NSH_TTL], 63);
  assert.equal(md1[L.NSH_MDTYPE], 1);
  assert.equal(md1[L.NSH_NP], 1);
  assert.equal(md1[L.NSH_SPI], 0x123456);
  assert.equal(md1[L.NSH_SI], 0xff);
  assert.deepEqual([...md1.subarray(L.NSH_C, L.NSH_C + 4)], [0x11111111, 0x22222222, 0x33333333, 0x44444444]);
  const md2 = extract(MACS + '894f' + '0fc40204' + '00000106' + '0001020300000000');
  assert.equal(md2[L.NSH_MDTYPE], 2);
  assert.equal(md2[L.NSH_SI], 6);
  assert.equal(md2[L.NSH_C], 0);
  const other = extract(MACS + '894f' + '0fc6f103' + '00002a01' + 'aa'.repeat(16));
  assert.equal(other[L.NSH_MDTYPE], 0xf1, 'the whole byte, and no contexts');
  assert.equal(other[L.NSH_C], 0);
  assert.equal(other[L.NSH_SPI], 0x2a);
  for (const bad of ['4fc60103' + '00002a01' + '00'.repeat(16), '0fc50103' + '00002a01' + '00'.repeat(12),
    '0fc60103' + '00002a01' + '00'.repeat(8), '0fc00203' + '00000105', '0fc60103' + '00002a']) {
    assert.equal(extract(MACS + '894f' + bad)[L.NSH_TTL], 0, bad);
  }
});
