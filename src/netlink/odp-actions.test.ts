import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EINVAL } from '../lib/errno.js';
import { bytesToHex, hexToBytes } from '../packet/hex.js';
import { NlBuffer } from './buffer.js';
import { MAX_ACTION_DEPTH, parseOdpActions, putOdpActions, type OdpAction } from './odp-actions.js';
import * as O from './openvswitch.js';

const hex = (text: string): string => bytesToHex(hexToBytes(text));

function encode(actions: readonly OdpAction[]): Uint8Array {
  const buf = new NlBuffer(32);
  putOdpActions(buf, actions);
  assert.equal(buf.error, 0);
  return Uint8Array.from(buf.data());
}

/** Typed actions compare with their byte views turned into plain arrays. */
function plain(value: unknown): unknown {
  if (value instanceof Uint8Array) return [...value];
  if (Array.isArray(value)) return value.map(plain);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  }
  return value;
}

test('putOdpActions() writes the openvswitch.h action layouts byte for byte', () => {
  const bytes = encode([
    { type: 'push_vlan', tpid: 0x8100, tci: 0x1000 | 10 },
    { type: 'output', port: 2 },
    { type: 'pop_vlan' },
    { type: 'set_masked', attr: O.OVS_KEY_ATTR_IPV4, value: hexToBytes('0a000001 00000000 00000000'), mask: hexToBytes('ffffffff 00000000 00000000') },
    { type: 'push_mpls', lse: (16 << 12) | 0x100 | 64, ethertype: 0x8847 },
    { type: 'hash', alg: O.OVS_HASH_ALG_L4, basis: 5 },
    { type: 'recirc', id: 1 },
    { type: 'userspace', pid: 0x1234, userdata: hexToBytes('01020304'), actions: true },
  ]);
  assert.equal(bytesToHex(bytes), hex(`
    0800 0400 8100 100a
    0800 0100 02000000
    0400 0500
    2000 0b00 1c00 0700 0a000001 00000000 00000000 ffffffff 00000000 00000000
    0c00 0900 00010140 8847 0000
    0c00 0800 00000000 05000000
    0800 0700 01000000
    1800 0200 0800 0100 34120000 0800 0200 01020304 0400 0400`));
});

test('every action kind round-trips through the typed form', () => {
  const actions: OdpAction[] = [
    { type: 'output', port: 1 },
    { type: 'userspace', pid: 7, userdata: Uint8Array.of(1, 2, 3), egressTunPort: 4, actions: true },
    { type: 'set', attr: O.OVS_KEY_ATTR_SKB_MARK, data: Uint8Array.of(1, 0, 0, 0) },
    { type: 'set', attr: O.OVS_KEY_ATTR_TUNNEL, data: hexToBytes('0800 0200 01020304 0500 0400 40000000') },
    { type: 'set_masked', attr: O.OVS_KEY_ATTR_TCP, value: Uint8Array.of(0, 80, 0, 0), mask: Uint8Array.of(0xff, 0xff, 0, 0) },
    { type: 'push_vlan', tpid: 0x88a8, tci: 0x1005 },
    { type: 'pop_vlan' },
    { type: 'sample', probability: 0x7fffffff, actions: [{ type: 'userspace', pid: 9 }] },
    { type: 'recirc', id: 3 },
    { type: 'hash', alg: 0, basis: 0xdeadbeef },
    { type: 'push_mpls', lse: 0x12345140, ethertype: 0x8848 },
    { type: 'pop_mpls', ethertype: 0x0800 },
    {
      type: 'ct', commit: true, zone: 5, mark: { value: 1, mask: 0xff }, helper: 'ftp', eventmask: 3,
      labels: { value: new Uint8Array(16).fill(1), mask: new Uint8Array(16).fill(0xff) },
      nat: { kind: 'src', ipMin: Uint8Array.of(10, 0, 0, 1), ipMax: Uint8Array.of(10, 0, 0, 9), protoMin: 1000, protoMax: 2000, protoRandom: true },
    },
    { type: 'ct', forceCommit: true, timeout: 'a-timeout-policy-name-of-31-chr', nat: {} },
    { type: 'trunc', maxLen: 100 },
    { type: 'push_eth', src: Uint8Array.of(0, 1, 2, 3, 4, 5), dst: Uint8Array.of(6, 7, 8, 9, 10, 11) },
    { type: 'pop_eth' },
    { type: 'ct_clear' },
    { type: 'push_nsh', data: hexToBytes('0c00 0100 00 3f 01 03 00000101') },
    { type: 'pop_nsh' },
    { type: 'meter', id: 4 },
    { type: 'clone', actions: [{ type: 'pop_vlan' }, { type: 'output', port: 3 }] },
    { type: 'check_pkt_len', pktLen: 1500, ifGreater: [{ type: 'userspace', pid: 1 }], ifLessEqual: [{ type: 'output', port: 2 }] },
    { type: 'add_mpls', lse: 0x100, ethertype: 0x8847, tunFlags: 1 },
    { type: 'dec_ttl', actions: [{ type: 'drop', reason: 0 }] },
    { type: 'drop', reason: 7 },
  ];
  const parsed = parseOdpActions(encode(actions));
  assert.notEqual(typeof parsed, 'number');
  assert.deepEqual(plain(parsed), plain(actions));
});

test('parseOdpActions() answers EINVAL for bad lengths, unknown types, bad sets and deep nesting', () => {
  const bad = (text: string): number | unknown => parseOdpActions(hexToBytes(text));
  assert.equal(bad('0600 0100 0200 0000'), EINVAL, 'short output');
  assert.equal(bad('0400 2000'), EINVAL, 'type past the max');
  assert.equal(bad('0400 0000'), EINVAL, 'UNSPEC');
  assert.equal(bad('0800 0300 0400 0200'), EINVAL, 'set of a 0-byte PRIORITY');
  assert.equal(bad('1400 0300 0800 0f00 01000000 0800 0f00 01000000'), EINVAL, 'set of two attributes');
  assert.equal(bad('0c00 0b00 0700 0f00 010203 00'), EINVAL, 'set_masked of odd length');
  assert.equal(bad('0c00 0300 0800 1f00 00000000'), EINVAL, 'set of kernel-internal TUNNEL_INFO');
  assert.equal(bad('0c00 0200 0800 0200 00000000'), EINVAL, 'userspace without PID');
  assert.equal(bad('0c00 0600 0800 0100 ffffffff'), EINVAL, 'sample without actions');
  assert.equal(bad('0800 0c00 0400 0900'), EINVAL, 'ct with an unknown attribute');
  const longHelper = new NlBuffer();
  putOdpActions(longHelper, [{ type: 'ct', helper: 'h'.repeat(16) }]);
  assert.equal(parseOdpActions(longHelper.data()), EINVAL, 'ct helper of 16 characters');
  let nested: OdpAction = { type: 'output', port: 1 };
  for (let i = 0; i <= MAX_ACTION_DEPTH; i++) nested = { type: 'clone', actions: [nested] };
  assert.equal(parseOdpActions(encode([nested])), EINVAL, 'too deep');
  assert.equal(nested.type, 'clone');
  if (nested.type === 'clone') assert.ok(Array.isArray(parseOdpActions(encode(nested.actions))), 'at the limit');
});
