// Unit tests of the ODP text syntax: the values text parses to, and the
// messages it refuses with. Output against real OVS lives in
// test/interop/odp-text.test.ts.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as L from '../flow/layout.js';
import { ParseError } from '../lib/errors.js';
import * as O from './openvswitch.js';
import { formatOdpActions, formatOdpFlow, parseOdpActionsText, parseOdpFlow } from './odp-text.js';

test('parseOdpFlow() keeps masked-out key bits, as dump-flows prints them', () => {
  const m = parseOdpFlow('in_port(1),eth(),eth_type(0x0800),ipv4(src=10.0.0.1/255.255.255.0,frag=no)');
  assert.equal(m.key[L.NW_SRC], 0x0a000001);
  assert.equal(m.mask[L.NW_SRC], 0xffffff00);
  assert.equal(m.mask[L.NW_DST], 0);
  assert.equal(m.key[L.IN_PORT], 1);
  assert.equal(m.mask[L.IN_PORT], 0xffffffff);
});

test('vlan() sets the present bit unless cfi=0 says otherwise', () => {
  const m = parseOdpFlow('in_port(1),eth(),eth_type(0x8100),vlan(vid=5,pcp=2),encap(eth_type(0x0800),ipv4(frag=no))');
  assert.equal(m.key[L.VLAN0], (0x8100 << 16 | 2 << 13 | 0x1000 | 5) >>> 0);
  assert.equal(m.key[L.DL_TYPE], 0x0800);
});

test('actions parse to the OdpAction values the netlink codec takes', () => {
  assert.deepEqual(parseOdpActionsText('hash(sym_l4(5)),hash(l4(0))'), [
    { type: 'hash', alg: 1, basis: 5 }, { type: 'hash', alg: 0, basis: 0 },
  ]);
  assert.deepEqual(parseOdpActionsText('push_mpls(label=7,tc=1,ttl=2,bos=1,eth_type=0x8847),pop_mpls(eth_type=0x800)'), [
    { type: 'push_mpls', lse: (7 << 12 | 1 << 9 | 1 << 8 | 2) >>> 0, ethertype: 0x8847 },
    { type: 'pop_mpls', ethertype: 0x800 },
  ]);
  assert.deepEqual(parseOdpActionsText('push_vlan(tpid=0x88a8,vid=7,pcp=1)'), [{ type: 'push_vlan', tpid: 0x88a8, tci: 0x3007 }]);
  const [sample] = parseOdpActionsText('sample(sample=50.0%,actions(1))');
  assert.deepEqual(sample, { type: 'sample', probability: 0x80000000, actions: [{ type: 'output', port: 1 }] });
  assert.deepEqual(parseOdpActionsText('drop'), []);
});

test('set() of a whole field is a set, of part of one a masked set', () => {
  const [full, part] = parseOdpActionsText('set(tcp(src=1,dst=2)),set(tcp(src=1))');
  assert.equal(full.type, 'set');
  assert.equal(part.type, 'set_masked');
  if (part.type !== 'set_masked') return;
  assert.equal(part.attr, O.OVS_KEY_ATTR_TCP);
  assert.deepEqual([...part.value], [0, 1, 0, 0]);
  assert.deepEqual([...part.mask], [0xff, 0xff, 0, 0]);
  assert.equal(formatOdpActions([full, part]), 'set(tcp(src=1,dst=2)),set(tcp(src=1))');
});

test('the flag forms of ct_state and tcp_flags', () => {
  const m = parseOdpFlow('ct_state(+trk-inv),in_port(1),eth(),eth_type(0x0800),ipv4(proto=6,frag=no),tcp(),tcp_flags(syn|ack)');
  assert.equal(m.key[L.CT_STATE], 0x20);
  assert.equal(m.mask[L.CT_STATE], 0x30);
  assert.equal(m.key[L.TCP_FLAGS], 0x12);
  assert.equal(formatOdpFlow(m), 'ct_state(-inv+trk),in_port(1),eth(),eth_type(0x0800),ipv4(proto=6,frag=no),tcp_flags(syn|ack)');
});

test('text the parser refuses throws ParseError naming the problem', () => {
  const cases: Array<[string, RegExp]> = [
    ['in_port(1),eth(),eth_type(0x0800),ipv4(ttl=256)', /ttl: 256: out of range/],
    ['in_port(1),eth(),eth_type(0x0800),ipv4(frag=maybe)', /frag: maybe: invalid number/],
    ['in_port(1),ct_state(+bogus)', /unknown flag bogus/],
    ['tunnel(dst=1.1.1.1,geneve({class=0x1})),in_port(1)', /geneve\(\.\.\.\) options are not supported/],
    ['in_port(1),eth(),eth_type(0x0800),ipv4(proto=17,frag=no),tcp(src=1)', /not a valid datapath flow key/],
    ['in_port(1),packet_type(ns=1,id=0x86dd),eth_type(0x0800)', /packet_type must be/],
  ];
  for (const [text, message] of cases) assert.throws(() => parseOdpFlow(text), (e: unknown) => e instanceof ParseError && message.test(e.message), text);
  assert.throws(() => parseOdpActionsText('sample(sample=101%,actions(1))'), /invalid probability/);
  assert.throws(() => parseOdpActionsText('frobnicate'), /unknown datapath action/);
});
