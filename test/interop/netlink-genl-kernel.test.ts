// Interop: our nlctrl requests, replies and NLMSG_ERROR messages against the
// running Linux kernel's generic netlink, byte for byte. Node has no netlink
// sockets, so a few lines of Python relay the request over AF_NETLINK and
// print what the kernel answers. Skipped, with the reason, where python3 or
// netlink sockets are unavailable.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { ENOENT } from '../../src/lib/errno.js';
import { bytesToHex, hexToBytes } from '../../src/packet/hex.js';
import { NlBuffer } from '../../src/netlink/buffer.js';
import {
  parseFamily, putDumpFamilies, putFamilyReply, putGetFamily, type GenlFamilyInfo,
} from '../../src/netlink/genl-ctrl.js';
import {
  NLM_F_ACK, NLM_F_MULTI, NLMSG_DONE, NLMSG_ERROR, nlErrorCode, NlMsgIter, putNlDone, putNlError,
} from '../../src/netlink/message.js';

// Sends one request on a NETLINK_GENERIC socket; prints the socket's port id
// and then each message received, in hex, until an NLMSG_ERROR (ack or error).
const RELAY = `
import socket, struct, sys
request = bytes.fromhex(sys.argv[1])
wants_ack = struct.unpack_from('<H', request, 6)[0] & 4
s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 16)
s.bind((0, 0))
print(s.getsockname()[0])
s.send(request)
s.settimeout(2)
done = False
while not done:
    data = s.recv(65536)
    o = 0
    while o + 16 <= len(data):
        length, kind, flags = struct.unpack_from('<IHH', data, o)
        print(data[o:o + length].hex())
        # NLMSG_ERROR and NLMSG_DONE end the exchange; so does a single reply when no ack follows.
        done = done or kind in (2, 3) or (not wants_ack and not flags & 2)
        o += (length + 3) & ~3
`;

function relay(request: Uint8Array): { pid: number; replies: Uint8Array[] } | string {
  const result = spawnSync('python3', ['-c', RELAY, bytesToHex(request)], { encoding: 'utf8', timeout: 10000 });
  if (result.error) return `python3 is unavailable (${result.error.message})`;
  if (result.status !== 0) return `netlink sockets are unavailable here (${result.stderr.trim().split('\n').pop()})`;
  const lines = result.stdout.trim().split('\n');
  return { pid: Number(lines[0]), replies: lines.slice(1).map((line) => hexToBytes(line)) };
}

const probe = relay(buildGetFamily('nlctrl', 0));
const skip = typeof probe === 'string' ? probe : false;

function buildGetFamily(name: string, extraFlags: number): Uint8Array {
  const buf = new NlBuffer();
  putGetFamily(buf, name, { seq: 7 });
  const bytes = Uint8Array.from(buf.data());
  bytes[6] |= extraFlags;
  return bytes;
}

test('the kernel answers our CTRL_CMD_GETFAMILY for nlctrl; we parse it and re-encode the same bytes', { skip }, () => {
  const answer = relay(buildGetFamily('nlctrl', 0));
  assert.notEqual(typeof answer, 'string');
  const { pid, replies } = answer as { pid: number; replies: Uint8Array[] };
  assert.equal(replies.length, 1);
  const reply = replies[0];
  const family = parseFamily(reply, 0, reply.length);
  assert.notEqual(typeof family, 'number');
  const info = family as GenlFamilyInfo;
  assert.equal(info.id, 0x10);
  assert.equal(info.name, 'nlctrl');
  assert.deepEqual(info.mcastGroups.map((group) => group.name), ['notify']);
  const buf = new NlBuffer();
  putFamilyReply(buf, info, { seq: 7, pid });
  assert.equal(bytesToHex(buf.data()), bytesToHex(reply));
});

test('the kernel\'s NLMSG_ERROR for an unknown family equals putNlError() byte for byte', { skip }, () => {
  const request = buildGetFamily('ovs_no_such', 0);
  const answer = relay(request);
  const { pid, replies } = answer as { pid: number; replies: Uint8Array[] };
  assert.equal(replies.length, 1);
  const it = new NlMsgIter(replies[0]);
  assert.ok(it.next());
  assert.equal(it.type, NLMSG_ERROR);
  assert.equal(nlErrorCode(it.bytes, it.offset, it.end), ENOENT);
  const buf = new NlBuffer();
  putNlError(buf, ENOENT, request, { pid });
  assert.equal(bytesToHex(buf.data()), bytesToHex(replies[0]));
});

test('the kernel\'s ack for a request with NLM_F_ACK equals putNlError(0) byte for byte', { skip }, () => {
  const request = buildGetFamily('nlctrl', NLM_F_ACK);
  const answer = relay(request);
  const { pid, replies } = answer as { pid: number; replies: Uint8Array[] };
  assert.equal(replies.length, 2);
  const buf = new NlBuffer();
  putNlError(buf, 0, request, { pid });
  assert.equal(bytesToHex(buf.data()), bytesToHex(replies[1]));
});

test('a dump of every kernel family re-encodes byte for byte, NLMSG_DONE included', { skip }, () => {
  const buf = new NlBuffer();
  putDumpFamilies(buf, { seq: 11 });
  const answer = relay(Uint8Array.from(buf.data()));
  const { pid, replies } = answer as { pid: number; replies: Uint8Array[] };
  assert.ok(replies.length >= 2);
  const names: string[] = [];
  for (const reply of replies.slice(0, -1)) {
    const it = new NlMsgIter(reply);
    assert.ok(it.next());
    assert.equal(it.flags, NLM_F_MULTI);
    const family = parseFamily(reply, 0, reply.length);
    assert.notEqual(typeof family, 'number');
    names.push((family as GenlFamilyInfo).name);
    buf.reset();
    putFamilyReply(buf, family as GenlFamilyInfo, { seq: 11, pid, flags: NLM_F_MULTI });
    assert.equal(bytesToHex(buf.data()), bytesToHex(reply), (family as GenlFamilyInfo).name);
  }
  assert.ok(names.includes('nlctrl'));
  const done = replies[replies.length - 1];
  assert.equal(new NlMsgIter(done).next() && done[4], NLMSG_DONE);
  buf.reset();
  putNlDone(buf, 11, pid);
  assert.equal(bytesToHex(buf.data()), bytesToHex(done));
});
