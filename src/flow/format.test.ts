// Unit tests of formatMatch() and formatFlow(): every expected string was
// printed by real Open vSwitch 3.1 (`ovs-ofctl parse-flow`, `ovs-appctl
// ofproto/trace`) for the same match or packet.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as L from './layout.js';
import { ALL_FORMAT_GOLDENS } from './format-goldens.js';
import { flowExtract } from './extract.js';
import { formatFlow, formatIpv6, formatMatch } from './format.js';

test('formatMatch() prints what ovs-ofctl parse-flow prints', () => {
  assert.ok(ALL_FORMAT_GOLDENS.length > 40);
  for (const { text, match, priority } of ALL_FORMAT_GOLDENS) assert.equal(formatMatch(match, { priority }), text);
});

test('formatIpv6() compresses like inet_ntop', () => {
  assert.equal(formatIpv6([0, 0, 0, 0]), '::');
  assert.equal(formatIpv6([0, 0, 0, 1]), '::1');
  assert.equal(formatIpv6([0, 0, 0, 0x01020304]), '::1.2.3.4');
  assert.equal(formatIpv6([0, 0, 0xffff, 0x01020304]), '::ffff:1.2.3.4');
  assert.equal(formatIpv6([0x20010db8, 0, 1, 0]), '2001:db8::1:0:0');
  assert.equal(formatIpv6([0x20010000, 0x10000, 0x10000, 0x10000]), '2001:0:1:0:1:0:1:0');
  assert.equal(formatIpv6([0xfe800000, 0, 0, 0]), 'fe80::');
});

function traceFlow(hex: string, inPort = 1): string {
  const data = Uint8Array.from((hex.match(/../g) ?? []).map((b) => parseInt(b, 16)));
  const key = L.newKey();
  key[L.IN_PORT] = inPort;
  flowExtract(data, 0, data.length, key, { vlanLimit: 1 });
  return formatFlow(key);
}

test('formatFlow() prints the Flow line of ofproto/trace', () => {
  const macs = '000000000002000000000001';
  assert.equal(
    traceFlow(macs + '080045000028000100004006f9ce0a0000010a00000204d2005000000000000000005002200091a00000'),
    'tcp,in_port=1,vlan_tci=0x0000,dl_src=00:00:00:00:00:01,dl_dst=00:00:00:00:00:02,nw_src=10.0.0.1,'
      + 'nw_dst=10.0.0.2,nw_tos=0,nw_ecn=0,nw_ttl=64,nw_frag=no,tp_src=1234,tp_dst=80,tcp_flags=syn');
  assert.equal(traceFlow(macs + '1234'),
    'in_port=1,vlan_tci=0x0000,dl_src=00:00:00:00:00:01,dl_dst=00:00:00:00:00:02,dl_type=0x1234');
  assert.equal(traceFlow(macs + '81002064' + '0800' + '4500', 1),
    'ip,in_port=1,dl_vlan=100,dl_vlan_pcp=1,vlan_tci1=0x0000,dl_src=00:00:00:00:00:01,dl_dst=00:00:00:00:00:02,'
      + 'nw_src=0.0.0.0,nw_dst=0.0.0.0,nw_proto=0,nw_tos=0,nw_ecn=0,nw_ttl=0,nw_frag=no');
  const qinq = macs + '88a80064810000651234';
  assert.equal(traceFlow(qinq),
    'in_port=1,dl_vlan=100,dl_vlan_pcp=0,vlan_tci1=0x0000,dl_src=00:00:00:00:00:01,dl_dst=00:00:00:00:00:02,'
      + 'dl_type=0x8100');
  const key = L.newKey();
  const data = Uint8Array.from((qinq.match(/../g) ?? []).map((b) => parseInt(b, 16)));
  flowExtract(data, 0, data.length, key, { vlanLimit: 2 });
  assert.equal(formatFlow(key),
    'dl_vlan=100,dl_vlan_pcp=0,dl_vlan1=101,dl_vlan_pcp1=0,dl_src=00:00:00:00:00:01,dl_dst=00:00:00:00:00:02,'
      + 'dl_type=0x1234');
  assert.equal(traceFlow(macs + '88470006', 0),
    'mpls,vlan_tci=0x0000,dl_src=00:00:00:00:00:01,dl_dst=00:00:00:00:00:02,'
      + 'mpls_label=0,mpls_tc=0,mpls_ttl=0,mpls_bos=0,mpls_lse1=0,mpls_lse2=0');
  assert.equal(traceFlow(macs + '0026424203000000000000', 0xffff),
    'in_port=ANY,vlan_tci=0x0000,dl_src=00:00:00:00:00:01,dl_dst=00:00:00:00:00:02,dl_type=0x05ff');
});

test('formatFlow() prints a packet that is not Ethernet as ofproto/trace does', () => {
  const key = L.newKey();
  key[L.IN_PORT] = 1;
  key[L.PACKET_TYPE] = 0x10800;
  key[L.DL_TYPE] = 0x0800;
  key[L.NW_SRC] = 0x01020304;
  key[L.NW_PROTO] = 6;
  key[L.TP_DST] = 80;
  assert.equal(formatFlow(key), 'ct_nw_src=0.0.0.0,ct_nw_dst=0.0.0.0,packet_type=(1,0x800),in_port=1,nw_src=1.2.3.4,'
    + 'nw_dst=0.0.0.0,nw_proto=6,nw_tos=0,nw_ecn=0,nw_ttl=0,nw_frag=no,tp_src=0,tp_dst=80,tcp_flags=0');
  key.fill(0);
  key[L.IN_PORT] = 1;
  key[L.PACKET_TYPE] = 0x186dd;
  key[L.DL_TYPE] = 0x86dd;
  key[L.IPV6_SRC + 3] = 1;
  key[L.NW_PROTO] = 17;
  assert.equal(formatFlow(key), 'ct_ipv6_src=::,ct_ipv6_dst=::,packet_type=(1,0x86dd),in_port=1,ipv6_src=::1,'
    + 'ipv6_dst=::,ipv6_label=0x00000,nw_proto=17,nw_tos=0,nw_ecn=0,nw_ttl=0,nw_frag=no,tp_src=0,tp_dst=0');
  key.fill(0);
  key[L.IN_PORT] = 1;
  key[L.PACKET_TYPE] = 0x10806;
  key[L.DL_TYPE] = 0x0806;
  assert.equal(formatFlow(key), 'packet_type=(1,0x806),in_port=1,arp_spa=0.0.0.0,arp_tpa=0.0.0.0,arp_op=0,'
    + 'arp_sha=00:00:00:00:00:00,arp_tha=00:00:00:00:00:00');
  key[L.PACKET_TYPE] = 0x11234;
  key[L.DL_TYPE] = 0x1234;
  assert.equal(formatFlow(key), 'packet_type=(1,0x1234),in_port=1');
});

test('formatFlow() prints receive metadata and conntrack state as ofproto/trace does', () => {
  let k = L.newKey();
  k[L.IN_PORT] = 1;
  k[L.PKT_MARK] = 5;
  k[L.SKB_PRIORITY] = 3;
  k[L.REGS] = 5;
  k[L.REGS + 3] = 16;
  k[L.METADATA_LO] = 7;
  k[L.DL_TYPE] = 0x800;
  assert.equal(formatFlow(k), 'pkt_mark=0x5,skb_priority=0x3,ip,reg0=0x5,reg3=0x10,metadata=0x7,in_port=1,'
    + 'vlan_tci=0x0000,dl_src=00:00:00:00:00:00,dl_dst=00:00:00:00:00:00,nw_src=0.0.0.0,nw_dst=0.0.0.0,nw_proto=0,'
    + 'nw_tos=0,nw_ecn=0,nw_ttl=0,nw_frag=no');
  k = L.newKey();
  k[L.IN_PORT] = 1;
  k[L.TUN_ID_LO] = 5;
  k[L.DL_TYPE] = 0x806;
  assert.equal(formatFlow(k), 'arp,tun_id=0x5,in_port=1,vlan_tci=0x0000,dl_src=00:00:00:00:00:00,'
    + 'dl_dst=00:00:00:00:00:00,arp_spa=0.0.0.0,arp_tpa=0.0.0.0,arp_op=0,arp_sha=00:00:00:00:00:00,'
    + 'arp_tha=00:00:00:00:00:00');
  k = L.newKey();
  k[L.IN_PORT] = 1;
  k[L.CT_STATE] = 0x21;
  k[L.CT_ZONE] = 5;
  k[L.CT_MARK] = 3;
  k[L.CT_LABEL + 3] = 7;
  k[L.CT_NW_PROTO] = 6;
  k[L.CT_NW_SRC] = 0x01010101;
  k[L.CT_TP_DST] = 80;
  k[L.DL_TYPE] = 0x800;
  k[L.NW_PROTO] = 6;
  assert.equal(formatFlow(k), 'ct_state=new|trk,ct_zone=5,ct_mark=0x3,ct_label=0x7,ct_nw_src=1.1.1.1,'
    + 'ct_nw_dst=0.0.0.0,ct_nw_proto=6,ct_tp_src=0,ct_tp_dst=80,tcp,in_port=1,vlan_tci=0x0000,'
    + 'dl_src=00:00:00:00:00:00,dl_dst=00:00:00:00:00:00,nw_src=0.0.0.0,nw_dst=0.0.0.0,nw_tos=0,nw_ecn=0,nw_ttl=0,'
    + 'nw_frag=no,tp_src=0,tp_dst=0,tcp_flags=0');
  k = L.newKey();
  k[L.IN_PORT] = 1;
  k[L.RECIRC_ID] = 5;
  k[L.DP_HASH] = 9;
  k[L.DL_TYPE] = 0x86dd;
  assert.equal(formatFlow(k), 'recirc_id=0x5,dp_hash=0x9,eth,ipv6,in_port=1,vlan_tci=0x0000,'
    + 'dl_src=00:00:00:00:00:00,dl_dst=00:00:00:00:00:00,ipv6_src=::,ipv6_dst=::,ipv6_label=0x00000,nw_proto=0,'
    + 'nw_tos=0,nw_ecn=0,nw_ttl=0,nw_frag=no');
});

test('formatFlow() prints the outer header of a tunnelled packet as ofproto/trace does', () => {
  const outer = 'tun_ipv6_src=::,tun_ipv6_dst=::,tun_gbp_id=0,tun_gbp_flags=0,tun_tos=0,tun_ttl=0,';
  const rest = 'in_port=1,vlan_tci=0x0000,dl_src=00:00:00:00:00:00,dl_dst=00:00:00:00:00:00,nw_src=0.0.0.0,'
    + 'nw_dst=0.0.0.0,nw_proto=0,nw_tos=0,nw_ecn=0,nw_ttl=0,nw_frag=no';
  let k = L.newKey();
  k[L.IN_PORT] = 1;
  k[L.TUN_ID_LO] = 5; // without the KEY flag, a tunnel key is not shown
  k[L.TUN_IPV4_SRC] = 0x01010101;
  k[L.TUN_IPV4_DST] = 0x02020202;
  k[L.DL_TYPE] = 0x800;
  assert.equal(formatFlow(k), `ip,tun_src=1.1.1.1,tun_dst=2.2.2.2,${outer}`
    + `tun_erspan_ver=0,gtpu_flags=0,gtpu_msgtype=0,tun_flags=0,${rest}`);
  k = L.newKey();
  k[L.IN_PORT] = 1;
  k[L.TUN_IPV4_DST] = 0x02020202;
  k[L.TUN_FLAGS] = 8;
  k[L.TUN_ERSPAN_VER] = 1;
  k[L.TUN_ERSPAN_IDX] = 3;
  k[L.DL_TYPE] = 0x800;
  assert.equal(formatFlow(k), `ip,tun_src=0.0.0.0,tun_dst=2.2.2.2,${outer}`
    + `tun_erspan_ver=1,tun_erspan_idx=0x3,gtpu_flags=0,gtpu_msgtype=0,tun_flags=oam,${rest}`);
  k[L.TUN_FLAGS] = 8 | 4;
  k[L.TUN_ID_LO] = 9;
  assert.match(formatFlow(k), /^ip,tun_id=0x9,tun_src=0\.0\.0\.0,/);
});
