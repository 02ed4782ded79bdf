import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EINVAL, EOPNOTSUPP } from '../lib/errno.js';
import * as L from '../flow/layout.js';
import { Match } from '../flow/match.js';
import { bytesToHex, hexToBytes } from '../packet/hex.js';
import { NlBuffer } from './buffer.js';
import { NLM_F_ACK, NLM_F_CREATE, NLM_F_REQUEST, NlMsgIter, OVS_ATTRS_OFFSET, startOvsMessage } from './message.js';
import { parseOdpKey, parseOdpMask, parseOdpTunnel, putOdpFlowKey, putOdpKey, putOdpMask, putOdpTunnel } from './odp-key.js';
import * as O from './openvswitch.js';
import { FLOW_POLICY } from './ovs-policy.js';
import { AttrIndex } from './policy.js';

const hex = (text: string): string => bytesToHex(hexToBytes(text));

function encodeKey(key: Uint32Array): Uint8Array {
  const buf = new NlBuffer(64);
  putOdpKey(buf, key);
  assert.equal(buf.error, 0);
  return Uint8Array.from(buf.data());
}

function roundTrip(key: Uint32Array, what: string): Uint8Array {
  const bytes = encodeKey(key);
  const back = L.newKey();
  assert.equal(parseOdpKey(bytes, back), 0, what);
  assert.deepEqual(back, key, what);
  return bytes;
}

function tcpKey(): Uint32Array {
  const key = L.newKey();
  key[L.IN_PORT] = 1;
  key[L.DL_SRC_LO] = 1;
  key[L.DL_DST_LO] = 2;
  key[L.DL_TYPE] = 0x0800;
  key[L.NW_SRC] = 0x0a000001;
  key[L.NW_DST] = 0x0a000002;
  key[L.NW_PROTO] = 6;
  key[L.NW_TTL] = 64;
  key[L.TP_SRC] = 1234;
  key[L.TP_DST] = 80;
  key[L.TCP_FLAGS] = 0x002;
  return key;
}

test('putOdpKey() encodes a TCP/IPv4 key to the bytes of the openvswitch.h structs', () => {
  const bytes = roundTrip(tcpKey(), 'tcp');
  assert.equal(bytesToHex(bytes), hex(`
    0800 0300 01000000
    1000 0400 000000000001 000000000002
    0600 0600 0800 0000
    1000 0700 0a000001 0a000002 06 00 40 00
    0800 0900 04d2 0050
    0600 1200 0002 0000`));
});

test('a flow NEW request with key, mask and actions encodes to the hand-written bytes and decodes back', () => {
  const match = new Match();
  match.setExact(L.IN_PORT, 1);
  match.setMasked(L.DL_TYPE, 0x0800, 0xffff);
  match.setMasked(L.NW_DST, 0x0a000007, 0xffffff00);
  match.setMasked(L.NW_FRAG, 0, 3);
  const buf = new NlBuffer();
  const start = startOvsMessage(buf, {
    family: 0x1e, flags: NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE, seq: 5, pid: 0x1234,
    cmd: O.OVS_FLOW_CMD_NEW, version: O.OVS_FLOW_VERSION, dpIfindex: 7,
  });
  let nest = buf.startNested(O.OVS_FLOW_ATTR_KEY);
  putOdpFlowKey(buf, match);
  buf.endNested(nest);
  nest = buf.startNested(O.OVS_FLOW_ATTR_MASK);
  putOdpMask(buf, match);
  buf.endNested(nest);
  nest = buf.startNested(O.OVS_FLOW_ATTR_ACTIONS);
  buf.putAttrU32(O.OVS_ACTION_ATTR_OUTPUT, 2);
  buf.endNested(nest);
  buf.endMessage(start);
  assert.equal(bytesToHex(buf.data()), hex(`
    8c000000 1e00 0504 05000000 34120000
    01 01 0000
    07000000
    3400 0100
      0800 0300 01000000
      1000 0400 000000000000 000000000000
      0600 0600 0800 0000
      1000 0700 00000000 0a000000 00 00 00 00
    3400 0700
      0800 0300 ffffffff
      1000 0400 000000000000 000000000000
      0600 0600 ffff 0000
      1000 0700 00000000 ffffff00 00 00 00 ff
    0c00 0200
      0800 0100 02000000`));

  const it = new NlMsgIter(buf.data());
  assert.ok(it.next());
  const index = new AttrIndex(FLOW_POLICY.maxType);
  assert.equal(FLOW_POLICY.parseInto(it.bytes, it.offset + OVS_ATTRS_OFFSET, it.end, index), 0);
  const key = L.newKey();
  const mask = L.newKey();
  assert.equal(parseOdpKey(index.data(O.OVS_FLOW_ATTR_KEY)!, key), 0);
  assert.equal(parseOdpMask(index.data(O.OVS_FLOW_ATTR_MASK)!, mask), 0);
  assert.deepEqual(key, match.key);
  assert.deepEqual(mask, match.mask);
});

test('a VLAN key nests the inner headers in ENCAP after the TPID and TCI; QinQ nests twice', () => {
  const key = tcpKey();
  key[L.NW_PROTO] = 17;
  key[L.TCP_FLAGS] = 0;
  key[L.VLAN0] = (0x8100 << 16) | 0x1000 | 100;
  const bytes = roundTrip(key, 'vlan');
  assert.equal(bytesToHex(bytes), hex(`
    0800 0300 01000000
    1000 0400 000000000001 000000000002
    0600 0600 8100 0000
    0600 0500 1064 0000
    2400 0100
      0600 0600 0800 0000
      1000 0700 0a000001 0a000002 11 00 40 00
      0800 0a00 04d2 0050`));
  key[L.VLAN0] = ((0x88a8 << 16) | 0x1000 | 10) >>> 0;
  key[L.VLAN1] = (0x8100 << 16) | 0x1000 | 20;
  roundTrip(key, 'qinq');
});

test('keys round-trip for IPv6 with ND, ARP, MPLS, 802.2, layer-3 packets and later fragments', () => {
  const nd = L.newKey();
  nd[L.IN_PORT] = 3;
  nd[L.DL_TYPE] = 0x86dd;
  nd[L.IPV6_SRC] = 0xfe800000;
  nd[L.IPV6_SRC + 3] = 1;
  nd[L.IPV6_DST] = 0xff020000;
  nd[L.IPV6_DST + 3] = 0x1ff00002;
  nd[L.IPV6_LABEL] = 0x12345;
  nd[L.NW_PROTO] = 58;
  nd[L.NW_TTL] = 255;
  nd[L.TP_SRC] = 135;
  nd[L.ND_TARGET] = 0xfe800000;
  nd[L.ND_TARGET + 3] = 2;
  nd[L.ARP_SHA_HI] = 0x0011;
  nd[L.ARP_SHA_LO] = 0x22334455;
  const ndBytes = roundTrip(nd, 'nd');
  // ICMPV6 (type 135, code 0) then ND: target, sll, tll.
  assert.ok(bytesToHex(ndBytes).endsWith(hex(`
    0600 0c00 87 00 0000
    2000 0e00 fe800000 00000000 00000000 00000002 001122334455 000000000000`)));

  const arp = L.newKey();
  arp[L.DL_TYPE] = 0x0806;
  arp[L.DL_DST_HI] = 0xffff;
  arp[L.DL_DST_LO] = 0xffffffff;
  arp[L.NW_SRC] = 0xc0a80001;
  arp[L.NW_DST] = 0xc0a80002;
  arp[L.NW_PROTO] = 1;
  arp[L.ARP_SHA_LO] = 0xabcdef01;
  const arpBytes = roundTrip(arp, 'arp');
  assert.ok(bytesToHex(arpBytes).endsWith(hex(`
    1c00 0d00 c0a80001 c0a80002 0001 0000abcdef01 000000000000 0000`)));

  const mpls = L.newKey();
  mpls[L.DL_TYPE] = 0x8847;
  mpls[L.MPLS_LSE0] = (100 << 12) | 64;
  mpls[L.MPLS_LSE1] = (200 << 12) | 0x100 | 64;
  const mplsBytes = roundTrip(mpls, 'mpls');
  assert.ok(bytesToHex(mplsBytes).endsWith(hex(`0c00 1500 00064040 000c8140`)));

  const llc = L.newKey();
  llc[L.DL_TYPE] = 0x05ff;
  llc[L.DL_SRC_HI] = 0x0200;
  const llcBytes = roundTrip(llc, '802.2');
  assert.equal(bytesToHex(llcBytes), hex(`0800 0300 00000000 1000 0400 020000000000 000000000000`));

  const l3 = L.newKey();
  l3[L.PACKET_TYPE] = (1 << 16) | 0x0800;
  l3[L.DL_TYPE] = 0x0800;
  l3[L.NW_SRC] = 1;
  l3[L.NW_PROTO] = 17;
  l3[L.TP_SRC] = 53;
  roundTrip(l3, 'layer 3');

  const later = tcpKey();
  later[L.NW_FRAG] = 3;
  later[L.TP_SRC] = 0;
  later[L.TP_DST] = 0;
  later[L.TCP_FLAGS] = 0;
  const laterBytes = roundTrip(later, 'later fragment');
  assert.ok(bytesToHex(laterBytes).endsWith(hex(`1000 0700 0a000001 0a000002 06 00 40 02`)));
  const first = tcpKey();
  first[L.NW_FRAG] = 1;
  roundTrip(first, 'first fragment');
});

test('metadata, conntrack and tunnel keys round-trip with the struct layouts', () => {
  const key = tcpKey();
  key[L.SKB_PRIORITY] = 7;
  key[L.PKT_MARK] = 0xdeadbeef;
  key[L.RECIRC_ID] = 9;
  key[L.DP_HASH] = 0x1234;
  key[L.CT_STATE] = O.OVS_CS_F_TRACKED | O.OVS_CS_F_ESTABLISHED;
  key[L.CT_ZONE] = 5;
  key[L.CT_MARK] = 0x42;
  key[L.CT_LABEL] = 0x11111111;
  key[L.CT_LABEL + 3] = 0x44444444;
  key[L.CT_NW_PROTO] = 6;
  key[L.CT_NW_SRC] = 0x0a000001;
  key[L.CT_NW_DST] = 0x0a000002;
  key[L.CT_TP_SRC] = 1234;
  key[L.CT_TP_DST] = 80;
  key[L.TUN_ID_HI] = 0;
  key[L.TUN_ID_LO] = 0x64;
  key[L.TUN_IPV4_SRC] = 0xc0a80101;
  key[L.TUN_IPV4_DST] = 0xc0a80102;
  key[L.TUN_TOS] = 0x10;
  key[L.TUN_TTL] = 64;
  key[L.TUN_FLAGS] = 4 | 1 | 2; // KEY, DONT_FRAGMENT, CSUM
  key[L.TUN_TP_SRC] = 50000;
  key[L.TUN_TP_DST] = 4789;
  key[L.TUN_GBP_ID] = 0x100;
  key[L.TUN_GBP_FLAGS] = 0x08;
  const bytes = roundTrip(key, 'metadata');
  const text = bytesToHex(bytes);
  // ct_labels: least significant u32 first, each in host (little-endian) order.
  assert.ok(text.includes(hex(`1400 1900 44444444 00000000 00000000 11111111`)));
  // ct tuple: src, dst, ports, proto, 3 bytes of padding.
  assert.ok(text.includes(hex(`1400 1a00 0a000001 0a000002 04d2 0050 06 000000`)));
  // Tunnel: id, src, dst, tos, ttl, DF, CSUM, tp_src, tp_dst, vxlan gbp.
  assert.ok(text.startsWith(hex(`
    0800 0200 07000000
    5400 1000
      0c00 0000 00000000 00000064
      0800 0100 c0a80101
      0800 0200 c0a80102
      0500 0300 10 000000
      0500 0400 40 000000
      0400 0500
      0400 0600
      0600 0900 c350 0000
      0600 0a00 12b5 0000
      0c00 0b00 0800 0100 00010800`)));

  const erspan = tcpKey();
  erspan[L.TUN_IPV4_DST] = 0x01020304;
  erspan[L.TUN_ERSPAN_VER] = 1;
  erspan[L.TUN_ERSPAN_IDX] = 0x12345;
  const e1 = roundTrip(erspan, 'erspan v1');
  assert.ok(bytesToHex(e1).includes(hex(`1000 0f00 01000000 00012345 00000000`)));
  erspan[L.TUN_ERSPAN_VER] = 2;
  erspan[L.TUN_ERSPAN_IDX] = 0;
  erspan[L.TUN_ERSPAN_HWID] = 0x2b;
  erspan[L.TUN_ERSPAN_DIR] = 1;
  const e2 = roundTrip(erspan, 'erspan v2');
  // hwid 0x2b = 0b10_1011: hwid_upper 2 in byte 10, hwid 0xb and dir in byte 11.
  assert.ok(bytesToHex(e2).includes(hex(`1000 0f00 02000000 00000000 0000 02 b8`)));

  const v6 = tcpKey();
  v6[L.TUN_IPV6_DST] = 0x20010db8;
  v6[L.TUN_IPV6_DST + 3] = 1;
  v6[L.TUN_TTL] = 1;
  roundTrip(v6, 'ipv6 tunnel');
});

test('a megaflow mask round-trips, including VLAN and MPLS masks and wildcarded metadata', () => {
  const match = new Match();
  const key = tcpKey();
  key[L.VLAN0] = (0x8100 << 16) | 0x1000 | 7;
  for (let i = 0; i < L.KEY_WORDS; i++) match.setMasked(i, key[i], 0);
  match.setExact(L.IN_PORT, 1);
  match.setMasked(L.RECIRC_ID, 0, 0xffffffff);
  match.setMasked(L.VLAN0, key[L.VLAN0], 0xffff1fff);
  match.setMasked(L.DL_TYPE, 0x0800, 0xffff);
  match.setMasked(L.NW_PROTO, 6, 0xff);
  match.setMasked(L.TP_DST, 80, 0xffff);
  match.setMasked(L.DL_SRC_HI, 0, 0xffff);
  match.setMasked(L.DL_SRC_LO, 1, 0xffffffff);
  const buf = new NlBuffer();
  putOdpFlowKey(buf, match);
  const keyBytes = Uint8Array.from(buf.data());
  buf.reset();
  putOdpMask(buf, match);
  const maskBytes = Uint8Array.from(buf.data());
  const key2 = L.newKey();
  const mask2 = L.newKey();
  assert.equal(parseOdpKey(keyBytes, key2), 0);
  assert.equal(parseOdpMask(maskBytes, mask2), 0);
  assert.deepEqual(mask2, match.mask);
  assert.deepEqual(key2, match.key);
  // RECIRC_ID is in both, though the key's value is 0: its mask is exact.
  assert.ok(bytesToHex(maskBytes).includes(hex(`0800 1400 ffffffff`)));
  assert.ok(bytesToHex(keyBytes).includes(hex(`0800 1400 00000000`)));
});

test('parseOdpKey() rejects malformed keys with EINVAL and unrepresentable ones with EOPNOTSUPP', () => {
  const good = encodeKey(tcpKey());
  const withExtra = (build: (buf: NlBuffer) => void): Uint8Array => {
    const buf = new NlBuffer();
    buf.put(good);
    build(buf);
    return buf.data();
  };
  const key = L.newKey();
  const cases: Array<[string, Uint8Array, number]> = [
    ['duplicate IN_PORT', withExtra((b) => b.putAttrU32(O.OVS_KEY_ATTR_IN_PORT, 2)), EINVAL],
    ['short PRIORITY', withExtra((b) => b.putAttrU16(O.OVS_KEY_ATTR_PRIORITY, 2)), EINVAL],
    ['kernel-internal TUNNEL_INFO', withExtra((b) => b.putAttr(O.OVS_KEY_ATTR_TUNNEL_INFO, new Uint8Array(4))), EINVAL],
    ['type past the max', withExtra((b) => b.putAttrU32(40, 0)), EINVAL],
    ['userspace PACKET_TYPE', withExtra((b) => b.putAttrBe32(O.OVS_KEY_ATTR_PACKET_TYPE, 0)), EINVAL],
    ['ENCAP without VLAN', withExtra((b) => b.putAttr(O.OVS_KEY_ATTR_ENCAP, new Uint8Array(0))), EINVAL],
    ['NSH', withExtra((b) => b.putAttr(O.OVS_KEY_ATTR_NSH, new Uint8Array(0))), EOPNOTSUPP],
    ['truncated attribute', good.subarray(0, good.length - 3), EINVAL],
  ];
  for (const [what, bytes, errno] of cases) assert.equal(parseOdpKey(bytes, key), errno, what);

  const frag = Uint8Array.from(good);
  frag[8 + 16 + 8 + 4 + 11] = 3; // IPV4.ipv4_frag past OVS_FRAG_TYPE_MAX
  assert.equal(parseOdpKey(frag, key), EINVAL);
  const arp = L.newKey();
  arp[L.DL_TYPE] = 0x0806;
  const arpBytes = encodeKey(arp);
  arpBytes[arpBytes.length - 24 + 8] = 1; // opcode 0x100
  assert.equal(parseOdpKey(arpBytes, key), EINVAL);

  const buf = new NlBuffer();
  buf.putAttrU32(O.OVS_KEY_ATTR_IN_PORT, 1);
  buf.putAttrBe16(O.OVS_KEY_ATTR_ETHERTYPE, 0x8847);
  buf.putAttr(O.OVS_KEY_ATTR_MPLS, new Uint8Array(16));
  assert.equal(parseOdpKey(buf.data(), key), EINVAL, 'four MPLS labels');
  buf.reset();
  buf.putAttrBe16(O.OVS_KEY_ATTR_ETHERTYPE, 0x8100);
  buf.putAttrBe16(O.OVS_KEY_ATTR_VLAN, 5);
  assert.equal(parseOdpKey(buf.data(), key), EINVAL, 'VLAN without the present bit');
  buf.reset();
  const tunnel = buf.startNested(O.OVS_KEY_ATTR_TUNNEL);
  buf.putAttr(O.OVS_TUNNEL_KEY_ATTR_GENEVE_OPTS, new Uint8Array(8));
  buf.endNested(tunnel);
  assert.equal(parseOdpKey(buf.data(), key), EOPNOTSUPP, 'geneve options');
  buf.reset();
  buf.putAttrBe32(O.OVS_KEY_ATTR_PACKET_TYPE, 0);
  buf.putAttr(O.OVS_KEY_ATTR_ETHERNET, new Uint8Array(12));
  buf.putAttrBe16(O.OVS_KEY_ATTR_ETHERTYPE, 0x0800);
  assert.equal(parseOdpKey(buf.data(), key, { userspace: true }), 0, 'userspace PACKET_TYPE accepted on request');
});

test('parseOdpKey({ checkProtocols }) refuses header attributes the key does not call for', () => {
  const key = L.newKey();
  const check = { checkProtocols: true };
  const tcp = encodeKey(tcpKey());
  assert.equal(parseOdpKey(tcp, key, check), 0);
  const extra = (build: (b: NlBuffer) => void, base: Uint8Array = tcp): Uint8Array => {
    const buf = new NlBuffer();
    buf.put(base);
    build(buf);
    return Uint8Array.from(buf.data());
  };
  const udpInTcp = extra((b) => b.putAttr(O.OVS_KEY_ATTR_UDP, new Uint8Array(4)));
  assert.equal(parseOdpKey(udpInTcp, key), 0, 'accepted without the check');
  assert.equal(parseOdpKey(udpInTcp, key, check), EINVAL);
  assert.equal(parseOdpKey(extra((b) => b.putAttr(O.OVS_KEY_ATTR_ARP, new Uint8Array(24))), key, check), EINVAL);
  assert.equal(parseOdpKey(extra((b) => b.putAttr(O.OVS_KEY_ATTR_ND, new Uint8Array(28))), key, check), EINVAL);
  const later = tcpKey();
  later[L.NW_FRAG] = 3;
  const laterBytes = extra((b) => b.putAttr(O.OVS_KEY_ATTR_TCP, new Uint8Array(4)), encodeKey(later));
  assert.equal(parseOdpKey(laterBytes, key, check), EINVAL, 'L4 in a later fragment');
  // The mask of the same flow is not checked: the kernel checks masks against the key.
  assert.equal(parseOdpMask(udpInTcp, key), 0);
});

test('putOdpTunnel() and parseOdpTunnel() carry a tunnel for set(tunnel(...)) and EGRESS_TUN_KEY', () => {
  const key = L.newKey();
  key[L.TUN_ID_LO] = 42;
  key[L.TUN_FLAGS] = 4;
  key[L.TUN_IPV4_DST] = 0x0a000002;
  key[L.TUN_TTL] = 64;
  key[L.TUN_TP_DST] = 6081;
  const buf = new NlBuffer();
  putOdpTunnel(buf, O.OVS_PACKET_ATTR_EGRESS_TUN_KEY, key);
  assert.equal(bytesToHex(buf.data()), hex(`
    2800 0500
      0c00 0000 00000000 0000002a
      0800 0200 0a000002
      0500 0400 40 000000
      0600 0a00 17c1 0000`));
  const back = L.newKey();
  back[L.IN_PORT] = 9;
  assert.equal(parseOdpTunnel(buf.data().subarray(4), back), 0);
  const expected = Uint32Array.from(key);
  expected[L.IN_PORT] = 9;
  assert.deepEqual(back, expected);
});
