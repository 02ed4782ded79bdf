import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EINVAL, ERANGE } from '../lib/errno.js';
import { NlBuffer } from './buffer.js';
import { AttrIndex, MAX_NESTING_DEPTH, NlType, parsePolicy, Policy } from './policy.js';
import { DATAPATH_POLICY, METER_POLICY, OVS_FAMILIES, VPORT_POLICY } from './ovs-policy.js';
import * as O from './openvswitch.js';

function attrs(build: (buf: NlBuffer) => void): Uint8Array {
  const buf = new NlBuffer();
  build(buf);
  return Uint8Array.from(buf.data());
}

const SAMPLE = new Policy('sample', {
  1: { type: NlType.STRING, maxLength: 7, mandatory: true },
  2: { type: NlType.U32, min: 1, max: 100 },
  3: { type: NlType.FLAG },
  4: { type: NlType.BINARY, minLength: 2, maxLength: 4 },
  5: { type: NlType.U64 },
  6: { type: NlType.BE16 },
});

test('parsePolicy() indexes every attribute and reads it in place', () => {
  const bytes = attrs((b) => {
    b.putAttrString(1, 'eth0');
    b.putAttrU32(2, 42);
    b.putFlag(3);
    b.putAttr(4, Uint8Array.from([1, 2, 3]));
    b.putAttrU64(5, 1, 2);
    b.putAttrBe16(6, 0x0800);
    b.putAttrU32(99, 7); // unknown to the policy: skipped
  });
  const index = parsePolicy(bytes, SAMPLE);
  assert.ok(index instanceof AttrIndex);
  assert.equal(index.string(1), 'eth0');
  assert.equal(index.u32(2), 42);
  assert.ok(index.has(3));
  assert.deepEqual([...index.data(4)!], [1, 2, 3]);
  assert.equal(index.u64(5), 0x100000002);
  assert.equal(index.u64Big(5), 0x100000002n);
  assert.equal(index.be16(6), 0x0800);
  assert.equal(index.has(99), false);
  assert.equal(index.u32(7, 123), 123);
});

test('parsePolicy() answers EINVAL for unterminated or long strings, a missing mandatory attribute and bad framing', () => {
  const cases: Array<[string, (b: NlBuffer) => void]> = [
    ['string too long', (b) => { b.putAttrString(1, 'abcdefgh'); }],
    ['string without NUL', (b) => { b.putAttr(1, Uint8Array.of(0x61, 0x62)); }],
    ['empty string', (b) => { b.putAttr(1, new Uint8Array(0)); }],
    ['missing mandatory', (b) => { b.putAttrU32(2, 5); }],
    ['NLA_F_NESTED on a u32', (b) => { b.putAttrString(1, 'x'); b.putAttrU32(2 | 0x8000, 5); }],
  ];
  for (const [what, build] of cases) assert.equal(parsePolicy(attrs(build), SAMPLE), EINVAL, what);
  const truncated = attrs((b) => b.putAttrString(1, 'x')).subarray(0, 5);
  assert.equal(parsePolicy(truncated, SAMPLE), EINVAL);
});

test('parsePolicy() answers ERANGE for short payloads, long binaries and flags with payloads, as Linux', () => {
  const cases: Array<[string, (b: NlBuffer) => void]> = [
    ['u32 of 2 bytes', (b) => { b.putAttrString(1, 'x'); b.putAttrU16(2, 5); }],
    ['flag with payload', (b) => { b.putAttrString(1, 'x'); b.putAttrU8(3, 1); }],
    ['binary too short', (b) => { b.putAttrString(1, 'x'); b.putAttr(4, Uint8Array.of(1)); }],
    ['binary too long', (b) => { b.putAttrString(1, 'x'); b.putAttr(4, new Uint8Array(5)); }],
  ];
  for (const [what, build] of cases) assert.equal(parsePolicy(attrs(build), SAMPLE), ERANGE, what);
  // Longer than the integer: Linux only warns, and the value is the leading bytes.
  const long = parsePolicy(attrs((b) => { b.putAttrString(1, 'x'); b.putAttr(2, Uint8Array.of(42, 0, 0, 0, 9, 9)); }), SAMPLE);
  assert.ok(long instanceof AttrIndex);
  assert.equal(long.u32(2), 42);
});

test('parsePolicy() answers ERANGE for an integer outside its range', () => {
  assert.equal(parsePolicy(attrs((b) => { b.putAttrString(1, 'x'); b.putAttrU32(2, 101); }), SAMPLE), ERANGE);
  assert.equal(parsePolicy(attrs((b) => { b.putAttrString(1, 'x'); b.putAttrU32(2, 0); }), SAMPLE), ERANGE);
});

test('a repeated attribute wins over the earlier one, as in Linux', () => {
  const index = parsePolicy(attrs((b) => { b.putAttrString(1, 'a'); b.putAttrString(1, 'b'); }), SAMPLE);
  assert.ok(index instanceof AttrIndex);
  assert.equal(index.string(1), 'b');
});

test('nested sub-policies are checked, and nesting deeper than the limit is EINVAL', () => {
  const good = attrs((b) => {
    b.putAttrU32(O.OVS_METER_ATTR_ID, 1);
    const bands = b.startNested(O.OVS_METER_ATTR_BANDS);
    const band = b.startNested(O.OVS_BAND_ATTR_UNSPEC);
    b.putAttrU32(O.OVS_BAND_ATTR_TYPE, O.OVS_METER_BAND_TYPE_DROP);
    b.putAttrU32(O.OVS_BAND_ATTR_RATE, 1000);
    b.endNested(band);
    b.endNested(bands);
  });
  assert.ok(parsePolicy(good, METER_POLICY) instanceof AttrIndex);
  const bad = attrs((b) => {
    const bands = b.startNested(O.OVS_METER_ATTR_BANDS);
    const band = b.startNested(O.OVS_BAND_ATTR_UNSPEC);
    b.putAttrU16(O.OVS_BAND_ATTR_RATE, 1000);
    b.endNested(band);
    b.endNested(bands);
  });
  assert.equal(parsePolicy(bad, METER_POLICY), ERANGE);
  const broken = attrs((b) => b.putAttr(O.OVS_METER_ATTR_BANDS, Uint8Array.of(9, 0, 1, 0, 0, 0)));
  assert.equal(parsePolicy(broken, METER_POLICY), EINVAL, 'nest whose attribute runs past its end');
  const tiny = attrs((b) => b.putAttr(O.OVS_METER_ATTR_BANDS, Uint8Array.of(1, 2)));
  assert.equal(parsePolicy(tiny, METER_POLICY), ERANGE, 'nest of 2 bytes');

  // A chain of policies, each nesting the next, deeper than the limit.
  let chain = new Policy('leaf', { 2: { type: NlType.FLAG } });
  for (let i = 0; i < MAX_NESTING_DEPTH + 3; i++) chain = new Policy(`level${i}`, { 1: { type: NlType.NESTED, nested: chain } });
  const self = chain;
  const deep = (levels: number): Uint8Array => attrs((b) => {
    const starts: number[] = [];
    for (let i = 0; i < levels; i++) starts.push(b.startNested(1));
    b.putFlag(2);
    while (starts.length > 0) b.endNested(starts.pop()!);
  });
  assert.ok(parsePolicy(deep(MAX_NESTING_DEPTH), self) instanceof AttrIndex);
  assert.equal(parsePolicy(deep(MAX_NESTING_DEPTH + 2), self), EINVAL);
});

test('the datapath and vport policies enforce name lengths of IFNAMSIZ - 1', () => {
  const name = (text: string): Uint8Array => attrs((b) => b.putAttrString(O.OVS_DP_ATTR_NAME, text));
  assert.ok(parsePolicy(name('a'.repeat(15)), DATAPATH_POLICY) instanceof AttrIndex);
  assert.equal(parsePolicy(name('a'.repeat(16)), DATAPATH_POLICY), EINVAL);
  const cache = (size: number): Uint8Array => attrs((b) => b.putAttrU32(O.OVS_DP_ATTR_MASKS_CACHE_SIZE, size));
  assert.ok(parsePolicy(cache(4096), DATAPATH_POLICY) instanceof AttrIndex);
  assert.equal(parsePolicy(cache(4097), DATAPATH_POLICY), ERANGE);
  const stats = attrs((b) => b.putAttr(O.OVS_VPORT_ATTR_STATS, new Uint8Array(63)));
  assert.equal(parsePolicy(stats, VPORT_POLICY), ERANGE);
});

test('the family table lists the six OVS families with the header numbers', () => {
  assert.deepEqual(OVS_FAMILIES.map((f) => [f.name, f.version, f.mcgroup ?? null, f.maxAttr]), [
    ['ovs_datapath', 2, 'ovs_datapath', 9],
    ['ovs_vport', 1, 'ovs_vport', 9],
    ['ovs_flow', 1, 'ovs_flow', 11],
    ['ovs_packet', 1, null, 11],
    ['ovs_meter', 1, 'ovs_meter', 9],
    ['ovs_ct_limit', 1, 'ovs_ct_limit', 1],
  ]);
  const datapath = OVS_FAMILIES[0];
  assert.equal(datapath.adminCommands.includes(O.OVS_DP_CMD_GET), false);
  assert.equal(datapath.adminCommands.includes(O.OVS_DP_CMD_NEW), true);
});

test('attribute numbers match openvswitch.h at the ends of each enum', () => {
  assert.equal(O.OVS_KEY_ATTR_PACKET_TYPE, 29);
  assert.equal(O.OVS_KEY_ATTR_IPV6_EXTHDRS, 32);
  assert.equal(O.OVS_TUNNEL_KEY_ATTR_IPV4_INFO_BRIDGE, 16);
  assert.equal(O.OVS_ACTION_ATTR_DEC_TTL, 23);
  assert.equal(O.OVS_DP_ATTR_IFINDEX, 9);
  assert.equal(O.OVS_PACKET_ATTR_HASH, 11);
  assert.equal(O.OVS_CT_ATTR_TIMEOUT, 9);
  assert.equal(O.OVS_NAT_ATTR_PROTO_RANDOM, 9);
  assert.equal(O.OVS_USERSPACE_ATTR_ACTIONS, 4);
});
