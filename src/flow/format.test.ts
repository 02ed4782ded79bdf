// Unit tests of formatMatch() and formatFlow(): every expected string was
// printed by real Open vSwitch 3.1 (`ovs-ofctl parse-flow`, `ovs-appctl
// ofproto/trace`) for the same match or packet.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as L from './layout.js';
import { FORMAT_GOLDENS } from './format-goldens.js';
import { flowExtract } from './extract.js';
import { formatFlow, formatIpv6, formatMatch } from './format.js';

test('formatMatch() prints what ovs-ofctl parse-flow prints', () => {
  assert.ok(FORMAT_GOLDENS.length > 40);
  for (const { text, match, priority } of FORMAT_GOLDENS) assert.equal(formatMatch(match, { priority }), text);
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
