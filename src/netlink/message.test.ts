import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EEXIST, EINVAL, EMSGSIZE, EPROTO } from '../lib/errno.js';
import { bytesToHex, hexToBytes } from '../packet/hex.js';
import { NlAttrIter, readString, readU32, readU64Big } from './attr.js';
import { NlBuffer } from './buffer.js';
import {
  genlCmd, genlVersion, NLM_F_ACK, NLM_F_CAPPED, NLM_F_CREATE, NLM_F_DUMP, NLM_F_ECHO, NLM_F_MULTI,
  NLM_F_REQUEST, NLMSG_DONE, NLMSG_ERROR, nlErrorCode, nlErrorRequestOffset, NlMsgIter, OVS_ATTRS_OFFSET,
  ovsDpIfindex, putNlDone, putNlError, startOvsMessage,
} from './message.js';
import {
  OVS_DATAPATH_VERSION, OVS_DP_ATTR_NAME, OVS_DP_ATTR_UPCALL_PID, OVS_DP_CMD_NEW, OVS_VPORT_ATTR_NAME,
  OVS_VPORT_ATTR_TYPE, OVS_VPORT_ATTR_UPCALL_PID, OVS_VPORT_CMD_NEW, OVS_VPORT_TYPE_NETDEV, OVS_VPORT_VERSION,
} from './openvswitch.js';

const hex = (text: string): string => bytesToHex(hexToBytes(text));

// ovs_datapath family id 0x1c, REQUEST|ECHO, seq 1, pid 0x1234, cmd NEW v2,
// dp_ifindex 0, NAME "ovs-system" (11 bytes with NUL, padded to 12),
// UPCALL_PID 0x1234.
const DP_NEW = hex(`
  30000000 1c00 0900 01000000 34120000
  01 02 0000
  00000000
  0f00 0100 6f76732d73797374656d00 00
  0800 0200 34120000`);

function encodeDpNew(buf: NlBuffer): void {
  const start = startOvsMessage(buf, {
    family: 0x1c, flags: NLM_F_REQUEST | NLM_F_ECHO, seq: 1, pid: 0x1234,
    cmd: OVS_DP_CMD_NEW, version: OVS_DATAPATH_VERSION, dpIfindex: 0,
  });
  buf.putAttrString(OVS_DP_ATTR_NAME, 'ovs-system');
  buf.putAttrU32(OVS_DP_ATTR_UPCALL_PID, 0x1234);
  buf.endMessage(start);
}

test('a datapath NEW request with NAME and UPCALL_PID encodes to the hand-written bytes', () => {
  const buf = new NlBuffer(16);
  encodeDpNew(buf);
  assert.equal(buf.error, 0);
  assert.equal(bytesToHex(buf.data()), DP_NEW);
});

test('NlMsgIter and NlAttrIter decode the datapath NEW request', () => {
  const bytes = hexToBytes(DP_NEW);
  const it = new NlMsgIter(bytes);
  assert.ok(it.next());
  assert.deepEqual([it.length, it.type, it.flags, it.seq, it.pid], [48, 0x1c, 9, 1, 0x1234]);
  assert.equal(genlCmd(bytes, it.offset), OVS_DP_CMD_NEW);
  assert.equal(genlVersion(bytes, it.offset), 2);
  assert.equal(ovsDpIfindex(bytes, it.offset), 0);
  const attrs = new NlAttrIter(bytes, it.offset + OVS_ATTRS_OFFSET, it.end);
  assert.ok(attrs.next());
  assert.equal(attrs.type, OVS_DP_ATTR_NAME);
  assert.equal(attrs.length, 11);
  assert.equal(readString(bytes, attrs.offset, attrs.length), 'ovs-system');
  assert.ok(attrs.next());
  assert.equal(attrs.type, OVS_DP_ATTR_UPCALL_PID);
  assert.equal(readU32(bytes, attrs.offset), 0x1234);
  assert.equal(attrs.next(), false);
  assert.equal(attrs.error, 0);
  assert.equal(it.next(), false);
  assert.equal(it.error, 0);
});

// ovs_vport family id 0x1d, REQUEST|ECHO|CREATE... as dpif sends it: here
// REQUEST|ECHO, seq 7, dp_ifindex 5, NAME "p1", TYPE netdev, UPCALL_PID 0x1234.
const VPORT_NEW = hex(`
  30000000 1d00 0900 07000000 34120000
  01 01 0000
  05000000
  0700 0300 703100 00
  0800 0200 01000000
  0800 0500 34120000`);

test('a vport NEW request encodes to the hand-written bytes', () => {
  const buf = new NlBuffer();
  const start = startOvsMessage(buf, {
    family: 0x1d, flags: NLM_F_REQUEST | NLM_F_ECHO, seq: 7, pid: 0x1234,
    cmd: OVS_VPORT_CMD_NEW, version: OVS_VPORT_VERSION, dpIfindex: 5,
  });
  buf.putAttrString(OVS_VPORT_ATTR_NAME, 'p1');
  buf.putAttrU32(OVS_VPORT_ATTR_TYPE, OVS_VPORT_TYPE_NETDEV);
  buf.putAttrU32(OVS_VPORT_ATTR_UPCALL_PID, 0x1234);
  buf.endMessage(start);
  assert.equal(bytesToHex(buf.data()), VPORT_NEW);
  const bytes = hexToBytes(VPORT_NEW);
  assert.equal(ovsDpIfindex(bytes, 0), 5);
});

test('putNlError() echoes the whole request for an error and only its header for an ack', () => {
  const request = hexToBytes(DP_NEW);
  const buf = new NlBuffer();
  putNlError(buf, EEXIST, request);
  // len 16 + 4 + 48 = 0x44, NLMSG_ERROR, no flags, the request's seq and pid, -17.
  assert.equal(bytesToHex(buf.data()), hex(`44000000 0200 0000 01000000 34120000 efffffff`) + DP_NEW);
  buf.reset();
  putNlError(buf, 0, request);
  assert.equal(bytesToHex(buf.data()),
    hex(`24000000 0200 0001 01000000 34120000 00000000 30000000 1c00 0900 01000000 34120000`));

  const it = new NlMsgIter(buf.data());
  assert.ok(it.next());
  assert.equal(it.type, NLMSG_ERROR);
  assert.equal(it.flags, NLM_F_CAPPED);
  assert.equal(nlErrorCode(it.bytes, it.offset, it.end), 0);
  assert.equal(readU32(it.bytes, nlErrorRequestOffset(it.offset) + 8), 1);
  const error = hexToBytes(hex(`44000000 0200 0000 01000000 34120000 efffffff`) + DP_NEW);
  assert.equal(nlErrorCode(error, 0, error.length), EEXIST);
  assert.equal(nlErrorCode(error, 0, 20), EPROTO);
});

test('putNlDone() ends a dump with NLM_F_MULTI and a zero int', () => {
  const buf = new NlBuffer();
  putNlDone(buf, 9, 0x1234);
  assert.equal(bytesToHex(buf.data()), hex(`14000000 0300 0200 09000000 34120000 00000000`));
  const it = new NlMsgIter(buf.data());
  assert.ok(it.next());
  assert.equal(it.type, NLMSG_DONE);
  assert.equal(it.flags, NLM_F_MULTI);
});

test('flag constants carry the numbers of linux/netlink.h', () => {
  assert.equal(NLM_F_DUMP, 0x300);
  assert.equal(NLM_F_ACK, 4);
  assert.equal(NLM_F_CREATE, 0x400);
});

test('NlMsgIter walks several messages and stops with EPROTO on a bad length', () => {
  const buf = new NlBuffer();
  encodeDpNew(buf);
  putNlDone(buf, 1, 0x1234);
  const good = buf.data();
  const it = new NlMsgIter(good);
  const types: number[] = [];
  while (it.next()) types.push(it.type);
  assert.deepEqual(types, [0x1c, NLMSG_DONE]);
  assert.equal(it.error, 0);
  const bad = Uint8Array.from(good);
  bad[0] = 0xff; // nlmsg_len past the buffer
  const it2 = new NlMsgIter(bad);
  assert.equal(it2.next(), false);
  assert.equal(it2.error, EPROTO);
  const short = good.subarray(0, 10);
  const it3 = new NlMsgIter(short);
  assert.equal(it3.next(), false);
  assert.equal(it3.error, EPROTO);
});

test('nested attributes get their lengths fixed up, and cancelNested() drops a nest', () => {
  const buf = new NlBuffer();
  const outer = buf.startNested(1);
  buf.putAttrU8(2, 0xaa);
  const inner = buf.startNested(3, { flagged: true });
  buf.putFlag(4);
  buf.endNested(inner);
  buf.endNested(outer);
  const empty = buf.startNested(5);
  buf.cancelNested(empty);
  assert.equal(bytesToHex(buf.data()), hex(`1400 0100 0500 0200 aa000000 0800 0380 0400 0400`));
  const it = new NlAttrIter(buf.data());
  assert.ok(it.next());
  const nested = new NlAttrIter(buf.bytes, it.offset, it.offset + it.length);
  assert.ok(nested.next());
  assert.ok(nested.next());
  assert.equal(nested.type, 3);
  assert.equal(nested.flags, 0x8000);
  assert.equal(it.next(), false);
});

test('integer attributes: u16, u64 halves and BigInt, be16, be32, be64', () => {
  const buf = new NlBuffer(8);
  buf.putAttrU16(1, 0x1234);
  buf.putAttrU64(2, 0x01020304, 0x05060708);
  buf.putAttrU64Big(3, 0xfedcba9876543210n);
  buf.putAttrBe16(4, 0x1234);
  buf.putAttrBe32(5, 0x0a000001);
  buf.putAttrBe64(6, 0, 0x2a);
  assert.equal(bytesToHex(buf.data()), hex(`
    0600 0100 3412 0000
    0c00 0200 08070605 04030201
    0c00 0300 10325476 98badcfe
    0600 0400 1234 0000
    0800 0500 0a000001
    0c00 0600 00000000 0000002a`));
  const it = new NlAttrIter(buf.data());
  it.next();
  it.next();
  it.next();
  assert.equal(readU64Big(buf.bytes, it.offset), 0xfedcba9876543210n);
});

test('NlBuffer keeps growing and flags EMSGSIZE for an oversized attribute or nest', () => {
  const buf = new NlBuffer(4);
  buf.putAttr(1, new Uint8Array(70000));
  assert.equal(buf.error, EMSGSIZE);
  assert.equal(buf.size, 70004, 'the oversized payload still lands inside the buffer');
  buf.reset();
  buf.putAttrString(1, 'x'.repeat(70000));
  assert.equal(buf.error, EMSGSIZE);
  buf.reset();
  assert.equal(buf.error, 0);
  const nest = buf.startNested(1);
  for (let i = 0; i < 3; i++) buf.putAttr(2, new Uint8Array(30000));
  buf.endNested(nest);
  assert.equal(buf.error, EMSGSIZE);
  const small = new NlBuffer(16, { maxSize: 32 });
  small.putAttr(1, new Uint8Array(40));
  assert.equal(small.error, EMSGSIZE);
});

test('NlAttrIter rejects a short header, a length below 4 and a length past the end', () => {
  for (const text of ['0400 01', '0200 0100', '0900 0100 00000000']) {
    const it = new NlAttrIter(hexToBytes(text));
    while (it.next());
    assert.equal(it.error, EINVAL, text);
  }
  // The last attribute may leave out its padding.
  const it = new NlAttrIter(hexToBytes('0500 0100 aa'));
  assert.ok(it.next());
  assert.equal(it.next(), false);
  assert.equal(it.error, 0);
});

test('every put writes into the grown storage when it has to grow the buffer', () => {
  const cases: Array<[string, (buf: NlBuffer) => void, string]> = [
    ['putU8', (b) => b.putU8(0xab), 'ab'],
    ['putU16', (b) => b.putU16(0x1234), '3412'],
    ['putU32', (b) => b.putU32(0x12345678), '78563412'],
    ['putOvsHeader', (b) => b.putOvsHeader(-2), 'feffffff'],
    ['putGenlHeader', (b) => b.putGenlHeader(3, 4), '03040000'],
    ['putAttrU8', (b) => b.putAttrU8(1, 0xab), '05000100ab000000'],
    ['putAttrU16', (b) => b.putAttrU16(1, 0x1234), '0600010034120000'],
    ['putAttrU32', (b) => b.putAttrU32(1, 0x12345678), '0800010078563412'],
    ['putAttrBe16', (b) => b.putAttrBe16(1, 0x1234), '0600010012340000'],
    ['putAttrBe32', (b) => b.putAttrBe32(1, 0x12345678), '0800010012345678'],
    ['putAttrU64', (b) => b.putAttrU64(1, 1, 2), '0c0001000200000001000000'],
    ['putAttrBe64', (b) => b.putAttrBe64(1, 1, 2), '0c0001000000000100000002'],
    ['putAttrString', (b) => b.putAttrString(1, 'ab'), '0700010061620000'],
    ['putAttr', (b) => b.putAttr(1, Uint8Array.of(9)), '0500010009000000'],
  ];
  for (const [what, put, expected] of cases) {
    const buf = new NlBuffer(4);
    buf.reserve(4); // full: the next put must replace the storage
    put(buf);
    assert.equal(bytesToHex(buf.data()), '00000000' + expected, what);
  }
});
