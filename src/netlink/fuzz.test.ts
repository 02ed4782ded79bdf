import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as L from '../flow/layout.js';
import { NlAttrIter } from './attr.js';
import { NlBuffer } from './buffer.js';
import { parseFamily, putFamilyReply } from './genl-ctrl.js';
import { NlMsgIter, nlErrorCode, OVS_ATTRS_OFFSET, putNlError, startOvsMessage } from './message.js';
import { parseOdpActions, putOdpActions } from './odp-actions.js';
import { parseOdpKey, parseOdpMask, putOdpKey } from './odp-key.js';
import * as O from './openvswitch.js';
import { OVS_FAMILIES } from './ovs-policy.js';
import { AttrIndex } from './policy.js';
import { xorshift32 } from '../lib/random.js';

/** A corpus of well-formed messages: each parser's happy path, to mutate. */
function corpus(): Uint8Array[] {
  const out: Uint8Array[] = [];
  const buf = new NlBuffer();
  const header = (family: number, cmd: number): number => startOvsMessage(buf, {
    family, flags: 1, seq: 1, pid: 2, cmd, version: 1, dpIfindex: 3,
  });

  let start = header(0x1c, O.OVS_DP_CMD_NEW);
  buf.putAttrString(O.OVS_DP_ATTR_NAME, 'ovs-system');
  buf.putAttrU32(O.OVS_DP_ATTR_UPCALL_PID, 9);
  buf.putAttrU32(O.OVS_DP_ATTR_USER_FEATURES, O.OVS_DP_F_UNALIGNED);
  buf.endMessage(start);
  out.push(Uint8Array.from(buf.data()));

  buf.reset();
  start = header(0x1d, O.OVS_VPORT_CMD_NEW);
  buf.putAttrString(O.OVS_VPORT_ATTR_NAME, 'vx0');
  buf.putAttrU32(O.OVS_VPORT_ATTR_TYPE, O.OVS_VPORT_TYPE_VXLAN);
  const options = buf.startNested(O.OVS_VPORT_ATTR_OPTIONS);
  buf.putAttrU16(O.OVS_TUNNEL_ATTR_DST_PORT, 4789);
  buf.endNested(options);
  buf.putAttrU32(O.OVS_VPORT_ATTR_UPCALL_PID, 9);
  buf.endMessage(start);
  out.push(Uint8Array.from(buf.data()));

  const key = L.newKey();
  key[L.IN_PORT] = 1;
  key[L.VLAN0] = (0x8100 << 16) | 0x1000 | 5;
  key[L.DL_TYPE] = 0x0800;
  key[L.NW_PROTO] = 6;
  key[L.TUN_IPV4_DST] = 0x01020304;
  key[L.TUN_ID_LO] = 5;
  key[L.CT_STATE] = 0x21;
  key[L.CT_NW_PROTO] = 6;
  key[L.MPLS_LSE0] = 0x100;
  buf.reset();
  start = header(0x1e, O.OVS_FLOW_CMD_NEW);
  let nest = buf.startNested(O.OVS_FLOW_ATTR_KEY);
  putOdpKey(buf, key);
  buf.endNested(nest);
  nest = buf.startNested(O.OVS_FLOW_ATTR_MASK);
  putOdpKey(buf, key);
  buf.endNested(nest);
  nest = buf.startNested(O.OVS_FLOW_ATTR_ACTIONS);
  putOdpActions(buf, [
    { type: 'set', attr: O.OVS_KEY_ATTR_SKB_MARK, data: new Uint8Array(4) },
    { type: 'sample', probability: 5, actions: [{ type: 'clone', actions: [{ type: 'output', port: 1 }] }] },
    { type: 'ct', commit: true, nat: { kind: 'dst', ipMin: new Uint8Array(4), protoMin: 1 } },
    { type: 'check_pkt_len', pktLen: 100, ifGreater: [{ type: 'userspace', pid: 1 }], ifLessEqual: [] },
    { type: 'set_masked', attr: O.OVS_KEY_ATTR_ETHERNET, value: new Uint8Array(12), mask: new Uint8Array(12) },
  ]);
  buf.endNested(nest);
  buf.putAttr(O.OVS_FLOW_ATTR_UFID, new Uint8Array(16));
  buf.endMessage(start);
  out.push(Uint8Array.from(buf.data()));

  buf.reset();
  start = header(0x1f, O.OVS_METER_CMD_SET);
  buf.putAttrU32(O.OVS_METER_ATTR_ID, 1);
  nest = buf.startNested(O.OVS_METER_ATTR_BANDS);
  const band = buf.startNested(O.OVS_BAND_ATTR_UNSPEC);
  buf.putAttrU32(O.OVS_BAND_ATTR_TYPE, 1);
  buf.putAttrU32(O.OVS_BAND_ATTR_RATE, 1);
  buf.endNested(band);
  buf.endNested(nest);
  buf.endMessage(start);
  out.push(Uint8Array.from(buf.data()));

  buf.reset();
  putNlError(buf, 17, out[0]);
  out.push(Uint8Array.from(buf.data()));

  buf.reset();
  putFamilyReply(buf, {
    id: 0x1c, name: 'ovs_flow', version: 1, hdrSize: 4, maxAttr: 11,
    ops: [{ id: 1, flags: 2 }], mcastGroups: [{ name: 'ovs_flow', id: 3 }],
  }, { seq: 1, pid: 2 });
  out.push(Uint8Array.from(buf.data()));
  return out;
}

const INDEXES = OVS_FAMILIES.map((family) => new AttrIndex(family.policy.maxType));

/** Every parser over `bytes`; they may answer errors but never throw or read past the end. */
function parseAll(bytes: Uint8Array): void {
  const key = L.newKey();
  const messages = new NlMsgIter(bytes);
  while (messages.next()) {
    const { offset, end } = messages;
    nlErrorCode(bytes, offset, end);
    parseFamily(bytes, offset, end);
    const attrStart = Math.min(offset + OVS_ATTRS_OFFSET, end);
    OVS_FAMILIES.forEach((family, i) => {
      family.policy.parseInto(bytes, attrStart, end, INDEXES[i]);
      for (const offsetOf of INDEXES[i].offsets) assert.ok(offsetOf < end, 'index points past the message');
    });
    const attrs = bytes.subarray(attrStart, end);
    parseOdpKey(attrs, key);
    parseOdpMask(attrs, key);
    parseOdpKey(attrs, key, { userspace: true });
    parseOdpKey(attrs, key, { checkProtocols: true });
    parseOdpActions(attrs);
    // Each top-level attribute as a key, a mask and an action list, as the handlers would.
    const it = new NlAttrIter(bytes, attrStart, end);
    while (it.next()) {
      const payload = bytes.subarray(it.offset, it.offset + it.length);
      parseOdpKey(payload, key);
      parseOdpKey(payload, key, { checkProtocols: true, userspace: true });
      parseOdpMask(payload, key);
      const actions = parseOdpActions(payload);
      assert.ok(typeof actions === 'number' || Array.isArray(actions));
    }
  }
}

test('parsers never throw on mutated messages (bounded, seeded)', () => {
  const seeds = corpus();
  for (const seed of seeds) parseAll(seed);
  const next = xorshift32(0xc0ffee);
  for (let i = 0; i < 3000; i++) {
    const base = seeds[i % seeds.length];
    const bytes = Uint8Array.from(base);
    const flips = 1 + (next() % 4);
    for (let f = 0; f < flips; f++) {
      const at = next() % bytes.length;
      switch (next() % 3) {
        case 0: bytes[at] ^= 1 << (next() % 8); break;
        case 1: bytes[at] = next() & 0xff; break;
        default: bytes[at] = [0, 0xff, 4, 0x80][next() % 4]; break;
      }
    }
    const cut = next() % 4 === 0 ? next() % bytes.length : bytes.length;
    assert.doesNotThrow(() => parseAll(bytes.subarray(0, cut)), `iteration ${i}`);
  }
});

test('parsers never throw on random bytes (bounded, seeded)', () => {
  const next = xorshift32(12345);
  for (let i = 0; i < 1000; i++) {
    const bytes = new Uint8Array(next() % 200);
    for (let j = 0; j < bytes.length; j++) bytes[j] = next();
    // Give half of them a plausible nlmsghdr so the parsers get past it.
    if (i % 2 === 0 && bytes.length >= 16) {
      bytes[0] = bytes.length;
      bytes[1] = 0;
      bytes[2] = 0;
      bytes[3] = 0;
    }
    assert.doesNotThrow(() => parseAll(bytes), `iteration ${i}`);
  }
});
