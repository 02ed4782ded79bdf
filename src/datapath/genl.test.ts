// Tests of the datapath's generic netlink handlers: golden bytes written by
// hand from linux/openvswitch.h and linux/netlink.h (little-endian host),
// errno cases with the state checked unchanged, and a bounded fuzz run.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NlBuffer } from '../netlink/buffer.js';
import { NLM_F_ACK, NLM_F_DUMP, NLM_F_ECHO, NLM_F_REQUEST, startOvsMessage } from '../netlink/message.js';
import * as O from '../netlink/openvswitch.js';
import { DatapathGenl, DEFAULT_FAMILY_IDS } from './genl.js';

const DP = DEFAULT_FAMILY_IDS.datapath;
const VP = DEFAULT_FAMILY_IDS.vport;
const ADMIN = { pid: 77, admin: true };

function hex(text: string): Uint8Array {
  return Uint8Array.from(Buffer.from(text.replace(/\s+/g, ''), 'hex'));
}

function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

/** An OVS family request built with NlBuffer (for the non-golden tests). */
function request(
  family: number, cmd: number, attrs: (buf: NlBuffer) => void,
  options: { flags?: number; dpIfindex?: number; seq?: number } = {},
): Uint8Array {
  const buf = new NlBuffer(128);
  const start = startOvsMessage(buf, {
    family, flags: NLM_F_REQUEST | (options.flags ?? 0), seq: options.seq ?? 1, pid: 77, cmd,
    version: family === DP ? O.OVS_DATAPATH_VERSION : O.OVS_VPORT_VERSION, dpIfindex: options.dpIfindex ?? 0,
  });
  attrs(buf);
  buf.endMessage(start);
  return buf.data().slice();
}

function newDp(name: string, upcallPid = 9): Uint8Array {
  return request(DP, O.OVS_DP_CMD_NEW, (b) => {
    b.putAttrString(O.OVS_DP_ATTR_NAME, name);
    b.putAttrU32(O.OVS_DP_ATTR_UPCALL_PID, upcallPid);
  });
}

/** The errno of a one-message NLMSG_ERROR answer (0 for an ACK). */
function errnoOf(replies: Uint8Array[]): number {
  assert.equal(replies.length, 1);
  assert.equal(replies[0][4], 2, 'an NLMSG_ERROR');
  return -new DataView(replies[0].buffer, replies[0].byteOffset).getInt32(16, true) | 0;
}

/** Everything a user could observe: a dump of datapaths and of each one's ports. */
function snapshot(genl: DatapathGenl): string {
  const out: string[] = [];
  for (const m of genl.handleRequest(request(DP, O.OVS_DP_CMD_GET, () => {}, { flags: NLM_F_DUMP }), ADMIN)) {
    out.push(toHex(m));
  }
  for (const dp of genl.registry.list()) {
    const ports = request(VP, O.OVS_VPORT_CMD_GET, () => {}, { flags: NLM_F_DUMP, dpIfindex: dp.dpIfindex });
    for (const m of genl.handleRequest(ports, ADMIN)) out.push(toHex(m));
  }
  return out.join('\n');
}

// NEW "dp0", upcall pid 9, seq 1, port id 77, with NLM_F_ECHO | NLM_F_ACK.
const GOLDEN_DP_NEW = hex(`
  28000000 1300 0d00 01000000 4d000000
  01 02 0000
  00000000
  0800 0100 64703000
  0800 0200 09000000`);

// The notification echoed: dp_ifindex 100, name, zero stats, features 0, masks cache 256.
const GOLDEN_DP_NEW_REPLY = hex(`
  78000000 1300 0000 01000000 4d000000
  01 02 0000
  64000000
  0800 0100 64703000
  2400 0300 ${'00'.repeat(32)}
  2400 0400 ${'00'.repeat(32)}
  0800 0500 00000000
  0800 0700 00010000`);

const GOLDEN_ACK = hex(`
  24000000 0200 0001 01000000 4d000000
  00000000
  28000000 1300 0d00 01000000 4d000000`);

test('OVS_DP_CMD_NEW answers the golden notification and ACK', () => {
  const genl = new DatapathGenl();
  const replies = genl.handleRequest(GOLDEN_DP_NEW, ADMIN);
  assert.deepEqual(replies.map(toHex), [toHex(GOLDEN_DP_NEW_REPLY), toHex(GOLDEN_ACK)]);
  assert.deepEqual(genl.takeEvents().map(toHex), [toHex(GOLDEN_DP_NEW_REPLY)]);
  assert.deepEqual(genl.takeEvents(), []);
});

test('OVS_DP_CMD_NEW creates local port 0, internal, named after the datapath', () => {
  const genl = new DatapathGenl();
  genl.handleRequest(newDp('br0'), ADMIN);
  const replies = genl.handleRequest(
    request(VP, O.OVS_VPORT_CMD_GET, (b) => b.putAttrString(O.OVS_VPORT_ATTR_NAME, 'br0')), ADMIN);
  // PORT_NO 0, TYPE internal (2), NAME "br0", IFINDEX 100, zero stats, UPCALL_PID 9.
  assert.deepEqual(replies.map(toHex), [toHex(hex(`
    84000000 1400 0000 01000000 4d000000
    03 01 0000
    64000000
    0800 0100 00000000
    0800 0200 02000000
    0800 0300 62723000
    0800 0800 64000000
    4400 0600 ${'00'.repeat(64)}
    0800 0500 09000000`))]);
});

test('OVS_DP_CMD_GET finds a datapath by name or by dp_ifindex; without ACK flag, no ACK', () => {
  const genl = new DatapathGenl();
  genl.handleRequest(newDp('dp0'), ADMIN);
  const byName = genl.handleRequest(request(DP, O.OVS_DP_CMD_GET, (b) => b.putAttrString(O.OVS_DP_ATTR_NAME, 'dp0')), ADMIN);
  const byIndex = genl.handleRequest(request(DP, O.OVS_DP_CMD_GET, () => {}, { dpIfindex: 100 }), { pid: 77, admin: false });
  assert.equal(byName.length, 1);
  // The GET reply is the NEW notification with cmd GET (3).
  const expected = GOLDEN_DP_NEW_REPLY.slice();
  expected[16] = O.OVS_DP_CMD_GET;
  assert.equal(toHex(byName[0]), toHex(expected));
  assert.equal(toHex(byIndex[0]), toHex(expected));
  assert.equal(errnoOf(genl.handleRequest(request(DP, O.OVS_DP_CMD_GET, () => {}, { dpIfindex: 101 }), ADMIN)), 19);
});

test('OVS_DP_CMD_SET changes user features and upcall pid; DEL removes the datapath', () => {
  const genl = new DatapathGenl();
  genl.handleRequest(newDp('dp0'), ADMIN);
  genl.takeEvents();
  const set = genl.handleRequest(request(DP, O.OVS_DP_CMD_SET, (b) => {
    b.putAttrU32(O.OVS_DP_ATTR_USER_FEATURES, O.OVS_DP_F_UNALIGNED | O.OVS_DP_F_VPORT_PIDS);
    b.putAttrU32(O.OVS_DP_ATTR_UPCALL_PID, 12);
  }, { dpIfindex: 100, flags: NLM_F_ECHO }), ADMIN);
  assert.equal(set.length, 1);
  assert.equal(set[0][16], O.OVS_DP_CMD_SET);
  // USER_FEATURES sits 20 bytes before the end (then MASKS_CACHE_SIZE).
  assert.equal(set[0][set[0].length - 12], 3);
  assert.deepEqual(genl.registry.byDpName('dp0')!.ports.get(0)!.upcallPids, [12]);
  assert.equal(genl.takeEvents().length, 1);
  const del = genl.handleRequest(request(DP, O.OVS_DP_CMD_DEL, (b) => b.putAttrString(O.OVS_DP_ATTR_NAME, 'dp0'),
    { flags: NLM_F_ACK }), ADMIN);
  assert.equal(errnoOf(del), 0);
  assert.equal(genl.takeEvents()[0][16], O.OVS_DP_CMD_DEL);
  assert.equal(genl.registry.list().length, 0);
  // The name and the local port's name are free again.
  assert.equal(errnoOf(genl.handleRequest(request(DP, O.OVS_DP_CMD_NEW, (b) => {
    b.putAttrString(O.OVS_DP_ATTR_NAME, 'dp0');
    b.putAttrU32(O.OVS_DP_ATTR_UPCALL_PID, 1);
  }, { flags: NLM_F_ACK }), ADMIN)), 0);
});

test('a datapath dump resumes where the caller says and ends with NLMSG_DONE', () => {
  const genl = new DatapathGenl();
  for (const name of ['a', 'b', 'c']) genl.handleRequest(newDp(name), ADMIN);
  const dump = request(DP, O.OVS_DP_CMD_GET, () => {}, { flags: NLM_F_DUMP, seq: 5 });
  const first = genl.handleRequest(dump, { pid: 77, admin: false, dumpLimit: 2 });
  assert.equal(first.length, 2);
  assert.deepEqual(first.map((m) => [m[4], m[6], m[16], m[28]]), [[0x13, 2, 3, 0x61], [0x13, 2, 3, 0x62]]);
  const rest = genl.handleRequest(dump, { pid: 77, admin: false, dumpStart: 2, dumpLimit: 2 });
  assert.equal(rest.length, 2);
  assert.equal(rest[0][28], 0x63);
  assert.equal(toHex(rest[1]), toHex(hex('14000000 0300 0200 05000000 4d000000 00000000')));
});

test('datapath errnos: missing attributes, unknown datapath, rights, command, sizes, taken name', () => {
  const genl = new DatapathGenl();
  genl.handleRequest(newDp('dp0'), ADMIN);
  genl.takeEvents();
  const before = snapshot(genl);
  const cases: [string, Uint8Array, number, boolean?][] = [
    ['NEW without UPCALL_PID', request(DP, O.OVS_DP_CMD_NEW, (b) => b.putAttrString(O.OVS_DP_ATTR_NAME, 'x')), 22],
    ['NEW without NAME', request(DP, O.OVS_DP_CMD_NEW, (b) => b.putAttrU32(O.OVS_DP_ATTR_UPCALL_PID, 1)), 22],
    ['NEW with a taken name', newDp('dp0'), 17],
    ['NEW with unknown user features', request(DP, O.OVS_DP_CMD_NEW, (b) => {
      b.putAttrString(O.OVS_DP_ATTR_NAME, 'x');
      b.putAttrU32(O.OVS_DP_ATTR_UPCALL_PID, 1);
      b.putAttrU32(O.OVS_DP_ATTR_USER_FEATURES, 1 << 20);
    }), 95],
    ['NEW without admin', newDp('x'), 1, false],
    ['DEL of an unknown datapath', request(DP, O.OVS_DP_CMD_DEL, () => {}, { dpIfindex: 7 }), 19],
    ['SET without admin', request(DP, O.OVS_DP_CMD_SET, () => {}, { dpIfindex: 100 }), 1, false],
    ['SET with a bad masks cache size', request(DP, O.OVS_DP_CMD_SET,
      (b) => b.putAttrU32(O.OVS_DP_ATTR_MASKS_CACHE_SIZE, 3), { dpIfindex: 100 }), 22],
    ['an unknown command', request(DP, 9, () => {}, { dpIfindex: 100 }), 95],
    ['a dump of NEW', request(DP, O.OVS_DP_CMD_NEW, () => {}, { flags: NLM_F_DUMP }), 95],
    ['a 2-byte UPCALL_PID', request(DP, O.OVS_DP_CMD_NEW, (b) => {
      b.putAttrString(O.OVS_DP_ATTR_NAME, 'x');
      b.putAttrU16(O.OVS_DP_ATTR_UPCALL_PID, 1);
    }), 34],
    ['a name too long', newDp('x'.repeat(16)), 22],
    ['an unknown family', request(0x40, O.OVS_DP_CMD_GET, () => {}), 2],
    ['a message cut before ovs_header', hex('14000000 1300 0100 01000000 4d000000 03020000'), 22],
  ];
  for (const [what, message, errno, admin] of cases) {
    const replies = genl.handleRequest(message, { pid: 78, admin: admin ?? true });
    assert.equal(errnoOf(replies), errno, what);
    // Addressed to the sender's port id; the whole request follows the errno.
    assert.equal(replies[0][12], 78, what);
    assert.equal(toHex(replies[0].subarray(20)), toHex(message), what);
    assert.equal(snapshot(genl), before, what);
    assert.deepEqual(genl.takeEvents(), [], what);
  }
});

test('mutated requests never throw and leave the state unchanged when refused', () => {
  const setUp = (): DatapathGenl => {
    const genl = new DatapathGenl();
    genl.handleRequest(newDp('dp0'), ADMIN);
    genl.handleRequest(request(VP, O.OVS_VPORT_CMD_NEW, (b) => {
      b.putAttrString(O.OVS_VPORT_ATTR_NAME, 'p1');
      b.putAttrU32(O.OVS_VPORT_ATTR_TYPE, O.OVS_VPORT_TYPE_NETDEV);
      b.putAttrU32(O.OVS_VPORT_ATTR_UPCALL_PID, 3);
    }, { dpIfindex: 100 }), ADMIN);
    genl.takeEvents();
    return genl;
  };
  const before = snapshot(setUp());
  assert.match(before, /7031/, 'port p1 exists');
  const seeds = [
    GOLDEN_DP_NEW,
    request(DP, O.OVS_DP_CMD_SET, (b) => b.putAttrU32(O.OVS_DP_ATTR_USER_FEATURES, 1), { dpIfindex: 100 }),
    request(DP, O.OVS_DP_CMD_DEL, (b) => b.putAttrString(O.OVS_DP_ATTR_NAME, 'dp0')),
    request(VP, O.OVS_VPORT_CMD_SET, (b) => b.putAttrString(O.OVS_VPORT_ATTR_NAME, 'p1')),
    request(VP, O.OVS_VPORT_CMD_DEL, (b) => b.putAttrU32(O.OVS_VPORT_ATTR_PORT_NO, 1), { dpIfindex: 100 }),
    request(VP, O.OVS_VPORT_CMD_NEW, (b) => {
      b.putAttrString(O.OVS_VPORT_ATTR_NAME, 'p2');
      b.putAttrU32(O.OVS_VPORT_ATTR_TYPE, O.OVS_VPORT_TYPE_INTERNAL);
      b.putAttrU32(O.OVS_VPORT_ATTR_UPCALL_PID, 3);
    }, { dpIfindex: 100 }),
  ];
  // A fixed-seed generator, so a failure replays.
  let seed = 0x2545f491;
  const random = (n: number): number => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) % n;
  };
  let refusals = 0;
  for (let round = 0; round < 1500; round++) {
    const genl = setUp();
    const message = seeds[random(seeds.length)].slice();
    for (let k = 1 + random(4); k > 0; k--) message[random(message.length)] = random(256);
    const replies = genl.handleRequest(message, { pid: 77, admin: random(4) !== 0 });
    const events = genl.takeEvents();
    const refused = replies.length === 1 && replies[0][4] === 2 && errnoOf(replies) !== 0;
    if (refused || (replies.length === 0 && events.length === 0)) {
      refusals++;
      assert.equal(snapshot(genl), before, `round ${round}`);
      assert.deepEqual(events, [], `round ${round}`);
    }
  }
  assert.ok(refusals > 100, `${refusals} refusals`);
});

// NEW port "p1" of type netdev (dummy), number 7, upcall pid 5, in datapath 100, with NLM_F_ECHO.
const GOLDEN_VPORT_NEW = hex(`
  38000000 1400 0900 02000000 4d000000
  01 01 0000
  64000000
  0700 0300 70310000
  0800 0200 01000000
  0800 0500 05000000
  0800 0100 07000000`);

const GOLDEN_VPORT_NEW_REPLY = hex(`
  84000000 1400 0000 02000000 4d000000
  01 01 0000
  64000000
  0800 0100 07000000
  0800 0200 01000000
  0700 0300 70310000
  0800 0800 65000000
  4400 0600 ${'00'.repeat(64)}
  0800 0500 05000000`);

function newPort(name: string, options: { type?: number; portNo?: number; pids?: number[]; flags?: number } = {}): Uint8Array {
  return request(VP, O.OVS_VPORT_CMD_NEW, (b) => {
    b.putAttrString(O.OVS_VPORT_ATTR_NAME, name);
    b.putAttrU32(O.OVS_VPORT_ATTR_TYPE, options.type ?? O.OVS_VPORT_TYPE_INTERNAL);
    const pids = options.pids ?? [5];
    const o = b.putAttrSpace(O.OVS_VPORT_ATTR_UPCALL_PID, pids.length * 4);
    pids.forEach((pid, i) => new DataView(b.bytes.buffer).setUint32(o + i * 4, pid, true));
    if (options.portNo !== undefined) b.putAttrU32(O.OVS_VPORT_ATTR_PORT_NO, options.portNo);
  }, { dpIfindex: 100, flags: options.flags });
}

test('OVS_VPORT_CMD_NEW answers the golden notification; GET, SET and DEL follow', () => {
  const genl = new DatapathGenl();
  genl.handleRequest(newDp('dp0'), ADMIN);
  genl.takeEvents();
  assert.deepEqual(genl.handleRequest(GOLDEN_VPORT_NEW, ADMIN).map(toHex), [toHex(GOLDEN_VPORT_NEW_REPLY)]);
  assert.deepEqual(genl.takeEvents().map(toHex), [toHex(GOLDEN_VPORT_NEW_REPLY)]);
  const byNumber = genl.handleRequest(request(VP, O.OVS_VPORT_CMD_GET,
    (b) => b.putAttrU32(O.OVS_VPORT_ATTR_PORT_NO, 7), { dpIfindex: 100, seq: 2 }), { pid: 77, admin: false });
  const expected = GOLDEN_VPORT_NEW_REPLY.slice();
  expected[16] = O.OVS_VPORT_CMD_GET;
  assert.deepEqual(byNumber.map(toHex), [toHex(expected)]);
  // Several upcall pids: stored, but replies carry them all only with OVS_DP_F_VPORT_PIDS.
  const setPids = request(VP, O.OVS_VPORT_CMD_SET, (b) => {
    b.putAttrString(O.OVS_VPORT_ATTR_NAME, 'p1');
    b.putAttr(O.OVS_VPORT_ATTR_UPCALL_PID, hex('0b000000 0c000000'));
  }, { flags: NLM_F_ECHO });
  const one = genl.handleRequest(setPids, ADMIN);
  assert.equal(toHex(one[0].subarray(-8)), '0800050' + '00b000000');
  genl.handleRequest(request(DP, O.OVS_DP_CMD_SET,
    (b) => b.putAttrU32(O.OVS_DP_ATTR_USER_FEATURES, O.OVS_DP_F_VPORT_PIDS), { dpIfindex: 100 }), ADMIN);
  const both = genl.handleRequest(request(VP, O.OVS_VPORT_CMD_GET, (b) => b.putAttrString(O.OVS_VPORT_ATTR_NAME, 'p1')), ADMIN);
  assert.equal(toHex(both[0].subarray(-12)), '0c0005000b0000000c000000');
  genl.takeEvents();
  const del = genl.handleRequest(request(VP, O.OVS_VPORT_CMD_DEL,
    (b) => b.putAttrU32(O.OVS_VPORT_ATTR_PORT_NO, 7), { dpIfindex: 100, flags: NLM_F_ACK }), ADMIN);
  assert.equal(errnoOf(del), 0);
  assert.equal(genl.takeEvents()[0][16], O.OVS_VPORT_CMD_DEL);
  assert.equal(errnoOf(genl.handleRequest(request(VP, O.OVS_VPORT_CMD_GET,
    (b) => b.putAttrString(O.OVS_VPORT_ATTR_NAME, 'p1')), ADMIN)), 19);
});

test('a vport dump lists the ports by number and resumes where the caller says', () => {
  const genl = new DatapathGenl();
  genl.handleRequest(newDp('dp0'), ADMIN);
  genl.handleRequest(newPort('p9', { portNo: 9 }), ADMIN);
  genl.handleRequest(newPort('p1'), ADMIN);
  const dump = request(VP, O.OVS_VPORT_CMD_GET, () => {}, { flags: NLM_F_DUMP, dpIfindex: 100 });
  const all = genl.handleRequest(dump, ADMIN);
  // Port numbers 0, 1 (the lowest free), 9, then NLMSG_DONE.
  assert.deepEqual(all.map((m) => [m[4], m[6], m[28]]), [[0x14, 2, 0], [0x14, 2, 1], [0x14, 2, 9], [3, 2, undefined]]);
  const tail = genl.handleRequest(dump, { pid: 77, admin: false, dumpStart: 2 });
  assert.deepEqual(tail.map(toHex), all.slice(2).map(toHex));
  assert.equal(errnoOf(genl.handleRequest(request(VP, O.OVS_VPORT_CMD_GET, () => {},
    { flags: NLM_F_DUMP, dpIfindex: 5 }), ADMIN)), 19);
});

test('vport errnos leave every datapath and port as it was', () => {
  const genl = new DatapathGenl();
  genl.handleRequest(newDp('dp0'), ADMIN);
  genl.handleRequest(newDp('dp1'), ADMIN);
  genl.handleRequest(newPort('p1', { portNo: 3 }), ADMIN);
  genl.takeEvents();
  const before = snapshot(genl);
  const cases: [string, Uint8Array, number, boolean?][] = [
    ['an unknown type', newPort('x', { type: 9 }), 97],
    ['a vxlan port without OVS_TUNNEL_ATTR_DST_PORT', newPort('x', { type: O.OVS_VPORT_TYPE_VXLAN }), 22],
    ['a taken name', newPort('p1'), 17],
    ['the name of a datapath', newPort('dp1'), 17],
    ['a used port number', newPort('x', { portNo: 3 }), 16],
    ['a port number too large', newPort('x', { portNo: 0x10000 }), 27],
    ['a 6-byte UPCALL_PID', request(VP, O.OVS_VPORT_CMD_NEW, (b) => {
      b.putAttrString(O.OVS_VPORT_ATTR_NAME, 'x');
      b.putAttrU32(O.OVS_VPORT_ATTR_TYPE, O.OVS_VPORT_TYPE_INTERNAL);
      b.putAttr(O.OVS_VPORT_ATTR_UPCALL_PID, new Uint8Array(6));
    }, { dpIfindex: 100 }), 22],
    ['NEW without TYPE', request(VP, O.OVS_VPORT_CMD_NEW, (b) => {
      b.putAttrString(O.OVS_VPORT_ATTR_NAME, 'x');
      b.putAttrU32(O.OVS_VPORT_ATTR_UPCALL_PID, 1);
    }, { dpIfindex: 100 }), 22],
    ['a 2-byte TYPE', request(VP, O.OVS_VPORT_CMD_NEW, (b) => {
      b.putAttrString(O.OVS_VPORT_ATTR_NAME, 'x');
      b.putAttrU16(O.OVS_VPORT_ATTR_TYPE, 2);
      b.putAttrU32(O.OVS_VPORT_ATTR_UPCALL_PID, 1);
    }, { dpIfindex: 100 }), 34],
    ['NEW in an unknown datapath', request(VP, O.OVS_VPORT_CMD_NEW, (b) => {
      b.putAttrString(O.OVS_VPORT_ATTR_NAME, 'x');
      b.putAttrU32(O.OVS_VPORT_ATTR_TYPE, 2);
      b.putAttrU32(O.OVS_VPORT_ATTR_UPCALL_PID, 1);
    }, { dpIfindex: 55 }), 19],
    ['NEW without admin', newPort('x'), 1, false],
    ['DEL of the local port', request(VP, O.OVS_VPORT_CMD_DEL, (b) => b.putAttrString(O.OVS_VPORT_ATTR_NAME, 'dp0')), 22],
    ['DEL without name or number', request(VP, O.OVS_VPORT_CMD_DEL, () => {}, { dpIfindex: 100 }), 22],
    ['DEL by name in another datapath', request(VP, O.OVS_VPORT_CMD_DEL,
      (b) => b.putAttrString(O.OVS_VPORT_ATTR_NAME, 'p1'), { dpIfindex: 101 }), 19],
    ['DEL without admin', request(VP, O.OVS_VPORT_CMD_DEL, (b) => b.putAttrString(O.OVS_VPORT_ATTR_NAME, 'p1')), 1, false],
    ['SET changing the type', request(VP, O.OVS_VPORT_CMD_SET, (b) => {
      b.putAttrString(O.OVS_VPORT_ATTR_NAME, 'p1');
      b.putAttrU32(O.OVS_VPORT_ATTR_TYPE, O.OVS_VPORT_TYPE_NETDEV);
      b.putAttrU32(O.OVS_VPORT_ATTR_UPCALL_PID, 99);
    }), 22],
    ['an unknown command', request(VP, 7, () => {}, { dpIfindex: 100 }), 95],
  ];
  for (const [what, message, errno, admin] of cases) {
    const replies = genl.handleRequest(message, { pid: 77, admin: admin ?? true });
    assert.equal(errnoOf(replies), errno, what);
    assert.equal(snapshot(genl), before, what);
    assert.deepEqual(genl.takeEvents(), [], what);
  }
});
