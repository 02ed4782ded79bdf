// Netlink sockets over the in-process transport, with the real DatapathGenl
// as the kernel: transactions, admin rights, stateless dumps in batches,
// upcall queues with the pending read, multicast groups, nlctrl lookups,
// several clients on one device. Deterministic: the transport is synchronous.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EAGAIN, EBADF, EBUSY, EEXIST, ENOBUFS, ENOENT, EPERM } from '../lib/errno.js';
import { NlBuffer } from '../netlink/buffer.js';
import { GENL_ID_CTRL, GENL_UNS_ADMIN_PERM, parseFamily, putDumpFamilies } from '../netlink/genl-ctrl.js';
import { NLM_F_ACK, NLM_F_ECHO } from '../netlink/message.js';
import * as O from '../netlink/openvswitch.js';
import {
  dumpDpsRequest, dumpVportsRequest, FIRST_DP_IFINDEX, newDpRequest, newVportRequest, ovsRequest, snapshot, VP,
} from './fixtures.js';
import { DeviceKernel } from './kernel.js';
import { lookupFamily, NlSocket } from './netlink-socket.js';
import { InProcessTransport } from './transport.js';
import { syntheticUpcall } from './upcall-source.js';

async function openSocket(transport: InProcessTransport): Promise<NlSocket> {
  const sock = await NlSocket.open(transport);
  assert.ok(sock instanceof NlSocket, `open failed with errno ${String(sock)}`);
  return sock;
}

async function device(options: { upcallQueueLimit?: number; eventRingSize?: number } = {}) {
  const kernel = new DeviceKernel(options);
  const transport = new InProcessTransport(kernel);
  const sock = await openSocket(transport);
  return { kernel, transport, sock };
}

function portName(message: Uint8Array): string {
  // NAME is the third attribute of a vport message: PORT_NO, TYPE, NAME.
  const at = 20 + 4 + 8 + 8;
  const len = (message[at] | (message[at + 1] << 8)) - 4;
  return Buffer.from(message.subarray(at + 4, at + 4 + len - 1)).toString();
}

test('NlSocket.open() gets distinct socket ids from the device', async () => {
  const { transport, sock } = await device();
  const other = await openSocket(transport);
  assert.notEqual(sock.pid, 0);
  assert.notEqual(sock.pid, other.pid);
});

test('transact() returns the reply and the errno of an NLMSG_ERROR answer', async () => {
  const { sock } = await device();
  const created = await sock.transact(newDpRequest('dp0', { flags: NLM_F_ACK | NLM_F_ECHO }));
  assert.equal(created.errno, 0);
  assert.equal(created.replies.length, 1, 'the echoed notification, without the ack');
  assert.equal(created.replies[0][16], O.OVS_DP_CMD_NEW);
  // Replies go to the socket's id, not the request's (0).
  assert.equal(new DataView(created.replies[0].buffer, created.replies[0].byteOffset).getUint32(12, true), sock.pid);
  assert.equal((await sock.transact(newDpRequest('dp0'))).errno, EEXIST);
});

test('a read-only connection gets EPERM for mutating commands and may still read', async () => {
  const kernel = new DeviceKernel();
  const admin = await openSocket(new InProcessTransport(kernel));
  const reader = await openSocket(new InProcessTransport(kernel, { admin: false }));
  assert.equal((await reader.transact(newDpRequest('dp0'))).errno, EPERM);
  assert.equal((await admin.transact(newDpRequest('dp0'))).errno, 0);
  const dps = await reader.dump(dumpDpsRequest()).all();
  assert.equal(dps.length, 1);
  assert.equal((await reader.transact(newVportRequest('p1'))).errno, EPERM);
});

test('a socket of one connection cannot be used by another', async () => {
  const kernel = new DeviceKernel();
  const a = await openSocket(new InProcessTransport(kernel));
  const other = new InProcessTransport(kernel);
  // Borrow a's id through a second connection by building the socket by hand.
  const stolen = Object.assign(Object.create(NlSocket.prototype) as object, { transport: other, pid: a.pid, queue: [] }) as unknown as NlSocket;
  assert.equal((await stolen.transact(newDpRequest('dp0'))).errno, EBADF);
});

test('a dump larger than one batch streams in batches and resumes by position', async () => {
  const { sock } = await device();
  await sock.transact(newDpRequest('dp0'));
  for (let i = 1; i <= 40; i++) assert.equal((await sock.transact(newVportRequest(`p${i}`, { portNo: i }))).errno, 0);
  const dump = sock.dump(dumpVportsRequest(), { batchSize: 7 });
  const names: string[] = [];
  for await (const m of dump) names.push(portName(m));
  assert.equal(dump.errno, 0);
  assert.deepEqual(names, ['dp0', ...Array.from({ length: 40 }, (_, i) => `p${i + 1}`)]);
  assert.equal(dump.batches, 6);
  assert.equal(dump.maxHeld, 7);
  assert.equal(dump.position, 41);
});

test('a dump of 65,535 ports streams with at most one batch held', async () => {
  const { kernel, sock } = await device();
  await sock.transact(newDpRequest('dp0'));
  const dp = kernel.genl.registry.byDpName('dp0')!;
  // Built through the registry: 65,535 transactions would only slow the test.
  for (let i = 1; i <= 65_535; i++) kernel.genl.registry.addPort(dp, { name: `v${i}`, type: O.OVS_VPORT_TYPE_NETDEV, upcallPids: [0], portNo: i });
  const dump = sock.dump(dumpVportsRequest(), { batchSize: 1024 });
  let count = 0;
  let last = '';
  for await (const m of dump) {
    count++;
    if (count === 65_536) last = portName(m);
  }
  assert.equal(dump.errno, 0);
  assert.equal(count, 65_536);
  assert.equal(last, 'v65535');
  assert.equal(dump.maxHeld, 1024);
  assert.equal(dump.batches, 64);
});

test('a dump that fails reports the errno after the loop', async () => {
  const { sock } = await device();
  const dump = sock.dump(dumpVportsRequest(4242));
  assert.deepEqual(await dump.all(), []);
  assert.equal(dump.errno, 19);
});

test('lookupFamily() resolves OVS families through CTRL_CMD_GETFAMILY, with admin flags and groups', async () => {
  const { sock } = await device();
  const vport = await lookupFamily(sock, O.OVS_VPORT_FAMILY);
  assert.ok(typeof vport === 'object');
  assert.equal(vport.id, VP);
  assert.equal(vport.version, O.OVS_VPORT_VERSION);
  assert.equal(vport.hdrSize, 4);
  assert.deepEqual(vport.mcastGroups, [{ name: O.OVS_VPORT_MCGROUP, id: VP }]);
  const ops = new Map(vport.ops.map((op) => [op.id, op.flags]));
  assert.equal((ops.get(O.OVS_VPORT_CMD_NEW)! & GENL_UNS_ADMIN_PERM) !== 0, true);
  assert.equal((ops.get(O.OVS_VPORT_CMD_GET)! & GENL_UNS_ADMIN_PERM) !== 0, false);
  assert.equal(await lookupFamily(sock, 'no_such_family'), ENOENT);
  const buf = new NlBuffer(64);
  putDumpFamilies(buf, { seq: 3 });
  const names: string[] = [];
  for await (const m of sock.dump(buf.data().slice(), { batchSize: 1 })) {
    const f = parseFamily(m, 0, m.length);
    assert.ok(typeof f === 'object');
    names.push(f.name);
  }
  assert.deepEqual(names.slice(0, 3), ['nlctrl', O.OVS_DATAPATH_FAMILY, O.OVS_VPORT_FAMILY]);
  assert.equal((await lookupFamily(sock, 'nlctrl') as { id: number }).id, GENL_ID_CTRL);
});

test('upcalls reach the right socket in order, and a full queue counts them lost on the datapath', async () => {
  const { kernel, transport, sock } = await device({ upcallQueueLimit: 5 });
  await sock.transact(newDpRequest('dp0'));
  const handler1 = await openSocket(transport);
  const handler2 = await openSocket(transport);
  for (let i = 0; i < 8; i++) kernel.enqueueUpcall(handler1.pid, syntheticUpcall(kernel, { serial: i, dpIfindex: FIRST_DP_IFINDEX }));
  kernel.enqueueUpcall(handler2.pid, syntheticUpcall(kernel, { serial: 100, dpIfindex: FIRST_DP_IFINDEX }));
  const first = await handler1.recv(3);
  assert.equal(first.errno, 0);
  const seqs = (ms: Uint8Array[]) => ms.map((m) => new DataView(m.buffer, m.byteOffset).getUint32(8, true));
  assert.deepEqual(seqs(first.messages), [0, 1, 2]);
  assert.deepEqual(seqs((await handler1.recv()).messages), [3, 4]);
  assert.equal((await handler1.recv()).errno, EAGAIN);
  assert.deepEqual(seqs((await handler2.recv()).messages), [100]);
  // What `ovs-dpctl show` reads: lost 3.
  const dp = (await sock.transact(ovsRequest(0x13, O.OVS_DP_CMD_GET, () => {}, { dpIfindex: FIRST_DP_IFINDEX }))).replies[0];
  const stats = new DataView(dp.buffer, dp.byteOffset + 20 + 4 + 8 + 4);
  assert.equal(stats.getUint32(16, true), 3, 'n_lost');
});

test('wait() resolves once an upcall arrives, and only one read may be pending per socket', async () => {
  const { kernel, sock } = await device();
  let woke = false;
  const pending = sock.wait().then((errno) => {
    woke = true;
    return errno;
  });
  await Promise.resolve();
  assert.equal(woke, false);
  assert.equal(sock.wait(), sock.wait(), 'calls share the pending read');
  kernel.enqueueUpcall(sock.pid, syntheticUpcall(kernel, { serial: 1, dpIfindex: 0 }));
  assert.equal(await pending, 0);
  assert.equal(kernel.wait(sock.pid, () => {}), 0, 'armed again: fires at once, the queue is not empty');
  // A raw second WAIT while one is pending is refused.
  await sock.recv();
  assert.equal(kernel.wait(sock.pid, () => {}), 0);
  assert.equal(kernel.wait(sock.pid, () => {}), EBUSY);
});

test('close() completes a pending wait() with EBADF and drops the queue', async () => {
  const { kernel, sock } = await device();
  const pending = sock.wait();
  await sock.close();
  assert.equal(await pending, EBADF);
  assert.equal(kernel.enqueueUpcall(sock.pid, syntheticUpcall(kernel, { serial: 1, dpIfindex: 0 })), false, 'lost: nobody holds the id');
  assert.equal(kernel.stats.upcallsLost, 1);
  assert.equal((await sock.recv()).errno, EBADF);
  assert.equal(kernel.openSockets, 0);
});

test('multicast events reach joined sockets only, and not twice to an echoing sender', async () => {
  const { transport, sock } = await device();
  const vportListener = await openSocket(transport);
  const dpListener = await openSocket(transport);
  const bystander = await openSocket(transport);
  const vport = await lookupFamily(sock, O.OVS_VPORT_FAMILY);
  const datapath = await lookupFamily(sock, O.OVS_DATAPATH_FAMILY);
  assert.ok(typeof vport === 'object' && typeof datapath === 'object');
  assert.equal(await vportListener.join(vport.mcastGroups[0].id), 0);
  assert.equal(await dpListener.join(datapath.mcastGroups[0].id), 0);
  assert.equal(await sock.join(vport.mcastGroups[0].id), 0);
  assert.equal(await bystander.join(9999), ENOENT);
  const woke = vportListener.wait();
  await sock.transact(newDpRequest('dp0'));
  await sock.transact(newVportRequest('p1', { flags: NLM_F_ECHO }));
  assert.equal(await woke, 0);
  const got = await vportListener.recv();
  assert.deepEqual(got.messages.map(portName), ['p1']);
  assert.equal(got.messages[0][16], O.OVS_VPORT_CMD_NEW);
  assert.equal((await dpListener.recv()).messages.length, 1);
  assert.equal((await bystander.recv()).errno, EAGAIN);
  assert.equal((await sock.recv()).errno, EAGAIN, 'the echo answered the sender already');
  assert.equal(await vportListener.leave(vport.mcastGroups[0].id), 0);
  await sock.transact(newVportRequest('p2'));
  assert.equal((await vportListener.recv()).errno, EAGAIN);
});

test('a listener that falls behind the event ring gets ENOBUFS once, then the newest events', async () => {
  const { transport, sock } = await device({ eventRingSize: 4 });
  const listener = await openSocket(transport);
  await listener.join(VP);
  await sock.transact(newDpRequest('dp0'));
  for (let i = 1; i <= 6; i++) await sock.transact(newVportRequest(`p${i}`));
  assert.equal((await listener.recv()).errno, ENOBUFS);
  const rest = await listener.recv();
  assert.equal(rest.errno, 0);
  // The ring kept the last 4 events; the datapath's own event took one slot.
  assert.deepEqual(rest.messages.map(portName), ['p3', 'p4', 'p5', 'p6']);
});

test('several clients on one device see each other\'s changes and keep their own sockets', async () => {
  const kernel = new DeviceKernel();
  const clients = await Promise.all([0, 1, 2, 3].map(() => openSocket(new InProcessTransport(kernel))));
  await clients[0].transact(newDpRequest('dp0'));
  const results = await Promise.all(clients.map((c, i) => c.transact(newVportRequest(`c${i}`, { portNo: 10 + i }))));
  assert.deepEqual(results.map((r) => r.errno), [0, 0, 0, 0]);
  const seen = await Promise.all(clients.map(async (c) => (await c.dump(dumpVportsRequest()).all()).map(portName)));
  for (const names of seen) assert.deepEqual(names, ['dp0', 'c0', 'c1', 'c2', 'c3']);
  const before = await snapshot(clients[1]);
  assert.equal(await snapshot(clients[3]), before);
});

test('recvWait() pends until upcalls arrive and returns them with the wake-up', async () => {
  const { kernel, sock } = await device();
  const pending = sock.recvWait(10);
  await Promise.resolve();
  kernel.enqueueUpcall(sock.pid, syntheticUpcall(kernel, { serial: 7, dpIfindex: 0 }));
  const got = await pending;
  assert.equal(got.errno, 0);
  assert.deepEqual(got.messages.map((m) => m[8]), [7]);
  kernel.enqueueUpcall(sock.pid, syntheticUpcall(kernel, { serial: 8, dpIfindex: 0 }));
  kernel.enqueueUpcall(sock.pid, syntheticUpcall(kernel, { serial: 9, dpIfindex: 0 }));
  assert.deepEqual((await sock.recvWait(10)).messages.map((m) => m[8]), [8, 9], 'already queued: answered at once');
});

test('recv() stops near the byte budget for large upcalls and the rest follows in order', async () => {
  const { kernel, sock } = await device();
  for (let i = 0; i < 100; i++) kernel.enqueueUpcall(sock.pid, syntheticUpcall(kernel, { serial: i, dpIfindex: 0, packetSize: 60_000 }));
  const first = await sock.recv(256);
  assert.ok(first.messages.length < 100, `${first.messages.length} upcalls in one answer`);
  const size = first.messages.reduce((n, m) => n + m.length, 0);
  assert.ok(size < 8 * 1024 * 1024);
  const rest = await sock.recv(256);
  const seqs = [...first.messages, ...rest.messages].map((m) => new DataView(m.buffer, m.byteOffset).getUint32(8, true));
  assert.deepEqual(seqs, Array.from({ length: 100 }, (_, i) => i));
});

test('a dump batch cut by the byte budget resumes where it was cut, nothing lost or repeated', async () => {
  const kernel = new DeviceKernel({ answerByteBudget: 1000 });
  const sock = await openSocket(new InProcessTransport(kernel));
  await sock.transact(newDpRequest('dp0'));
  for (let i = 1; i <= 30; i++) await sock.transact(newVportRequest(`p${i}`, { portNo: i }));
  const dump = sock.dump(dumpVportsRequest(), { batchSize: 1000 });
  const names = (await dump.all()).map(portName);
  assert.equal(dump.errno, 0);
  assert.deepEqual(names, ['dp0', ...Array.from({ length: 30 }, (_, i) => `p${i + 1}`)]);
  // Vport messages are 132 bytes: 8 fit before the budget is passed.
  assert.equal(dump.maxHeld, 8);
  assert.equal(dump.batches, 4);
});
