// The worker transport: the datapath in a worker thread, reached with
// batched frames. Transactions, batching across sockets (and never within
// one socket), upcalls queued inside the worker by the synthetic upcall
// source and read in order, losses counted, the pending read across threads.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { EAGAIN, EMFILE, EMSGSIZE, EPERM, EPIPE } from '../lib/errno.js';
import { NLM_F_ECHO } from '../netlink/message.js';
import * as O from '../netlink/openvswitch.js';
import { dumpVportsRequest, FIRST_DP_IFINDEX, newDpRequest, newVportRequest, ovsRequest, DP } from './fixtures.js';
import { MAX_SOCKETS_PER_CONNECTION } from './endpoint.js';
import { NlSocket } from './netlink-socket.js';
import type { UpcallBurst } from './upcall-source.js';
import { UnixTransport } from './unix-client.js';
import { WorkerTransport } from './worker.js';

async function openSocket(transport: WorkerTransport): Promise<NlSocket> {
  const sock = await NlSocket.open(transport);
  assert.ok(sock instanceof NlSocket, `open failed with errno ${String(sock)}`);
  return sock;
}

function burst(port: MessagePort, b: UpcallBurst): Promise<{ queued: number; lost: number }> {
  return new Promise((resolve) => {
    port.once('message', resolve);
    port.postMessage(b);
  });
}

const seqOf = (m: Uint8Array) => new DataView(m.buffer, m.byteOffset).getUint32(8, true);

test('the worker transport answers transactions and dumps from the datapath thread', async (t) => {
  const transport = await WorkerTransport.start();
  t.after(() => transport.terminate());
  const sock = await openSocket(transport);
  assert.equal((await sock.transact(newDpRequest('dp0'))).errno, 0);
  for (let i = 1; i <= 300; i++) assert.equal((await sock.transact(newVportRequest(`p${i}`, { portNo: i }))).errno, 0);
  const dump = sock.dump(dumpVportsRequest(), { batchSize: 64 });
  assert.equal((await dump.all()).length, 301);
  assert.equal(dump.batches, 5);
});

test('transact() never interleaves two requests on one socket, while other sockets share a frame', async (t) => {
  const transport = await WorkerTransport.start();
  t.after(() => transport.terminate());
  const a = await openSocket(transport);
  const b = await openSocket(transport);
  await a.transact(newDpRequest('dp0'));
  // Two sockets, same tick: one frame.
  let sent = transport.stats.framesSent;
  await Promise.all([a.transact(newVportRequest('x')), b.transact(newVportRequest('y'))]);
  assert.equal(transport.stats.framesSent - sent, 1);
  // One socket, same tick: the second request leaves only after the first answer.
  sent = transport.stats.framesSent;
  const get = ovsRequest(0x14, O.OVS_VPORT_CMD_GET, (buf) => buf.putAttrString(O.OVS_VPORT_ATTR_NAME, 'z'));
  const results = await Promise.all([a.transact(newVportRequest('z', { flags: NLM_F_ECHO })), a.transact(get)]);
  assert.equal(transport.stats.framesSent - sent, 2);
  assert.equal(results[1].errno, 0, 'the GET ran after the NEW');
  // transactMultiple(): several requests, one crossing, in order.
  sent = transport.stats.framesSent;
  const many = await a.transactMultiple([newVportRequest('m1'), newVportRequest('m1'), newVportRequest('m2')]);
  assert.deepEqual(many.map((r) => r.errno), [0, 17, 0]);
  assert.equal(transport.stats.framesSent - sent, 1);
});

test('upcalls queued in the worker reach the right socket in order; a full queue counts losses', async (t) => {
  const channel = new MessageChannel();
  const transport = await WorkerTransport.start({
    upcallQueueLimit: 100,
    hostModule: new URL('./upcall-source.js', import.meta.url).href,
    hostPort: channel.port2,
  });
  t.after(() => {
    channel.port1.close();
    return transport.terminate();
  });
  const control = await openSocket(transport);
  await control.transact(newDpRequest('dp0'));
  const h1 = await openSocket(transport);
  const h2 = await openSocket(transport);
  const woke = h1.wait();
  assert.deepEqual(await burst(channel.port1, { pid: h1.pid, count: 130, first: 0, dpIfindex: FIRST_DP_IFINDEX }),
    { queued: 100, lost: 30 });
  assert.deepEqual(await burst(channel.port1, { pid: h2.pid, count: 5, first: 1000, dpIfindex: FIRST_DP_IFINDEX }),
    { queued: 5, lost: 0 });
  assert.equal(await woke, 0);
  const got: number[] = [];
  for (;;) {
    const r = await h1.recv(64);
    if (r.errno === EAGAIN) break;
    assert.equal(r.errno, 0);
    got.push(...r.messages.map(seqOf));
  }
  assert.deepEqual(got, Array.from({ length: 100 }, (_, i) => i));
  assert.deepEqual((await h2.recv()).messages.map(seqOf), [1000, 1001, 1002, 1003, 1004]);
  const dp = (await control.transact(ovsRequest(DP, O.OVS_DP_CMD_GET, () => {}, { dpIfindex: FIRST_DP_IFINDEX }))).replies[0];
  assert.equal(new DataView(dp.buffer, dp.byteOffset).getUint32(20 + 4 + 8 + 4 + 16, true), 30, 'n_lost');
});

test('a terminated worker fails pending and later requests with EPIPE', async () => {
  const transport = await WorkerTransport.start();
  const sock = await openSocket(transport);
  const pending = sock.wait();
  await transport.terminate();
  assert.equal(await pending, EPIPE);
  assert.equal((await sock.transact(newDpRequest('dp0'))).errno, EPIPE);
});

test('a worker started with admin: false refuses changes with EPERM', async (t) => {
  const transport = await WorkerTransport.start({ admin: false });
  t.after(() => transport.terminate());
  const sock = await openSocket(transport);
  assert.equal((await sock.transact(newDpRequest('dp0'))).errno, EPERM);
});

test('the worker serves ovs-datapath.sock from the datapath thread', async (t) => {
  const rundir = mkdtempSync(join(tmpdir(), 'ovs-device-worker-'));
  const transport = await WorkerTransport.start({ serveRundir: rundir });
  const unix = await UnixTransport.connect(join(rundir, 'ovs-datapath.sock'));
  assert.ok(unix instanceof UnixTransport);
  t.after(async () => {
    unix.close();
    await transport.terminate();
    rmSync(rundir, { recursive: true, force: true });
  });
  assert.deepEqual(transport.paths, [join(rundir, 'ovs-datapath.sock'), join(rundir, 'ovs-datapath.ro.sock')]);
  const parent = await openSocket(transport);
  await parent.transact(newDpRequest('dp0'));
  const remote = await NlSocket.open(unix);
  assert.ok(remote instanceof NlSocket);
  assert.equal((await remote.transact(newVportRequest('from-unix'))).errno, 0);
  assert.equal((await parent.dump(dumpVportsRequest()).all()).length, 2);
});

test('WorkerTransport.start() rejects when the worker cannot set up', async () => {
  await assert.rejects(WorkerTransport.start({ serveRundir: '/nonexistent/ovs-device' }), /datapath worker failed to start/);
});

test('a request too large for any frame fails with EMSGSIZE and the connection carries on', async (t) => {
  const transport = await WorkerTransport.start();
  t.after(() => transport.terminate());
  const sock = await openSocket(transport);
  assert.equal((await sock.transact(new Uint8Array(17 * 1024 * 1024))).errno, EMSGSIZE);
  assert.equal((await sock.transact(newDpRequest('dp0'))).errno, 0);
});

test('a connection may hold at most MAX_SOCKETS_PER_CONNECTION sockets (EMFILE past it)', async (t) => {
  const transport = await WorkerTransport.start();
  t.after(() => transport.terminate());
  const opened = await Promise.all(Array.from({ length: MAX_SOCKETS_PER_CONNECTION + 1 }, () => NlSocket.open(transport)));
  assert.equal(opened.filter((s) => s instanceof NlSocket).length, MAX_SOCKETS_PER_CONNECTION);
  assert.equal(opened[MAX_SOCKETS_PER_CONNECTION], EMFILE);
  await (opened[0] as NlSocket).close();
  assert.ok((await NlSocket.open(transport)) instanceof NlSocket, 'a closed socket frees its place');
});
