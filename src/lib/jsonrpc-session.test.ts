import { test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JsonrpcSession } from './jsonrpc-session.js';
import { createNotify, createReply, type JsonrpcMessage } from './jsonrpc.js';
import { clockResetForTests, clockStop, clockWarp } from './timeval.js';
import { ErrnoError } from './errors.js';

let dir: string;

beforeEach(() => {
  clockResetForTests();
  dir = mkdtempSync(join(tmpdir(), 'jsonrpc-session-test-'));
});

afterEach(() => {
  clockResetForTests();
  rmSync(dir, { recursive: true, force: true });
});

/** Lets real socket I/O happen (the clock may be stopped; these are real timers). */
const settle = (ms = 30): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls until `condition` holds; fails after `ms` of real time (the machine may be busy). */
async function waitFor(condition: () => boolean, what: string, ms = 3000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > ms) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** A raw peer that records what it receives and can write bytes back. */
async function rawPeer(path: string): Promise<{ received: () => string; sockets: net.Socket[]; close: () => Promise<void> }> {
  let data = '';
  const sockets: net.Socket[] = [];
  const server = net.createServer((s) => {
    sockets.push(s);
    s.on('data', (d) => { data += d.toString(); });
    s.on('error', () => {});
  });
  await new Promise<void>((r) => server.listen(path, r));
  return {
    received: () => data,
    sockets,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

test('an active session retries after 1 s, then 2 s, and connects once the peer is up', async () => {
  clockStop();
  const path = join(dir, 'db.sock');
  const logs: string[] = [];
  const session = JsonrpcSession.open(`unix:${path}`, { onLog: (_l, m) => logs.push(m) });
  let connected = 0;
  session.on('connected', () => connected++);
  let peer: Awaited<ReturnType<typeof rawPeer>> | undefined;
  try {
    await waitFor(() => session.getStats().state === 'BACKOFF', 'the first attempt to fail');
    assert.equal(session.getStats().attemptedConnections, 1);
    await clockWarp(999);
    await settle();
    assert.equal(session.getStats().attemptedConnections, 1);
    await clockWarp(1);
    await waitFor(() => session.getStats().attemptedConnections === 2 && session.getStats().state === 'BACKOFF', 'the second attempt to fail');
    peer = await rawPeer(path);
    await clockWarp(1999);
    await settle();
    assert.equal(connected, 0);
    await clockWarp(1);
    await waitFor(() => connected === 1, 'the connection');
    assert.ok(session.isConnected());
    assert.ok(logs.includes(`unix:${path}: connection attempt failed (No such file or directory)`));
    assert.ok(logs.includes(`unix:${path}: waiting 2 seconds before reconnect`));
    assert.ok(logs.includes(`unix:${path}: connected`));
  } finally {
    await session.close();
    await peer?.close();
  }
});

test('a silent peer gets an "echo" probe after 5 s and is dropped 5 s later', async () => {
  clockStop();
  const path = join(dir, 'db.sock');
  const peer = await rawPeer(path);
  const session = JsonrpcSession.open(`unix:${path}`);
  try {
    await waitFor(() => session.isConnected() && peer.sockets.length === 1, 'the connection');
    await clockWarp(4999);
    await settle();
    assert.equal(peer.received(), '');
    await clockWarp(1);
    await waitFor(() => peer.received() !== '', 'the probe');
    assert.equal(peer.received(), '{"id":"echo","method":"echo","params":[]}');
    let reason: Error | null | undefined;
    session.once('disconnected', (error) => { reason = error; });
    await clockWarp(5000);
    await waitFor(() => reason !== undefined, 'the disconnection');
    assert.ok(reason instanceof ErrnoError && reason.code === 'ETIMEDOUT');
    assert.equal(session.isConnected(), false);
    assert.ok(session.isAlive());
  } finally {
    await session.close();
    await peer.close();
  }
});

test('traffic from the peer postpones the probe, and its probe reply is not delivered', async () => {
  clockStop();
  const path = join(dir, 'db.sock');
  const peer = await rawPeer(path);
  const session = JsonrpcSession.open(`unix:${path}`);
  const delivered: JsonrpcMessage[] = [];
  session.on('message', (m) => delivered.push(m));
  try {
    await waitFor(() => session.isConnected() && peer.sockets.length === 1, 'the connection');
    await clockWarp(4000);
    peer.sockets[0].write('{"id":null,"method":"update","params":[1]}');
    await waitFor(() => delivered.length === 1, 'the notification');
    await clockWarp(4000);
    await settle();
    assert.equal(peer.received(), '', 'no probe 4 s after the last message');
    await clockWarp(1000);
    await waitFor(() => peer.received() !== '', 'the probe');
    assert.equal(peer.received(), '{"id":"echo","method":"echo","params":[]}');
    peer.sockets[0].write('{"id":"echo","result":[],"error":null}');
    await waitFor(() => session.getStats().state === 'ACTIVE', 'the probe reply');
    await clockWarp(5000);
    await settle();
    assert.ok(session.isConnected(), 'the probe reply kept the session up');
    assert.deepEqual(delivered, [createNotify('update', [1])]);
  } finally {
    await session.close();
    await peer.close();
  }
});

test('the peer\'s "echo" requests are answered and requests get replies', async () => {
  const path = join(dir, 'db.sock');
  const peer = await rawPeer(path);
  const session = JsonrpcSession.open(`unix:${path}`);
  try {
    await waitFor(() => session.isConnected() && peer.sockets.length === 1, 'the connection');
    peer.sockets[0].write('{"id":42,"method":"echo","params":["x"]}');
    await waitFor(() => peer.received() !== '', 'the echo reply');
    assert.equal(peer.received(), '{"id":42,"result":["x"],"error":null}');
    const pending = session.request('list_dbs', []);
    await waitFor(() => peer.received().includes('list_dbs'), 'the request');
    assert.match(peer.received(), /\{"id":0,"method":"list_dbs","params":\[\]\}$/);
    peer.sockets[0].write('{"id":0,"result":["Open_vSwitch"],"error":null}');
    assert.deepEqual(await pending, ['Open_vSwitch']);
  } finally {
    await session.close();
    await peer.close();
  }
});

test('request() rejects with ENOTCONN while disconnected, and send() drops', async () => {
  const session = JsonrpcSession.open(`unix:${join(dir, 'none.sock')}`);
  try {
    await assert.rejects(session.request('x', []), (e: unknown) => e instanceof ErrnoError && e.code === 'ENOTCONN');
    assert.equal(session.send(createNotify('x', [])), false);
  } finally {
    await session.close();
  }
});

test('with retry off, one failed attempt ends the session', async () => {
  const session = JsonrpcSession.open(`unix:${join(dir, 'none.sock')}`, { retry: false });
  try {
    await waitFor(() => !session.isAlive(), 'the session to give up');
    assert.equal(session.getStats().state, 'VOID');
  } finally {
    await session.close();
  }
});

test('a bad name fails at open(), not on every retry', () => {
  assert.throws(() => JsonrpcSession.open('foo:bar'), (e: unknown) => e instanceof ErrnoError && e.code === 'EAFNOSUPPORT');
  assert.throws(() => JsonrpcSession.open('ssl:1.2.3.4:6640'), /TLS streams are not supported/);
});

test('a passive session listens, takes a client and replaces it with the next one', async () => {
  const path = join(dir, 'p.sock');
  const session = JsonrpcSession.open(`punix:${path}`);
  const delivered: JsonrpcMessage[] = [];
  session.on('message', (m) => delivered.push(m));
  try {
    await waitFor(() => session.getStats().state === 'LISTENING', 'the listener');
    const first = net.createConnection(path);
    await new Promise((r) => first.once('connect', r));
    await waitFor(() => session.isConnected(), 'the first client');
    first.write('{"id":1,"method":"hello","params":[]}');
    await waitFor(() => delivered.length === 1, 'the request');
    session.send(createReply('hi', 1));
    const firstClosed = new Promise((r) => first.once('close', r));
    let firstData = '';
    first.on('data', (d) => { firstData += d.toString(); });
    const second = net.createConnection(path);
    await new Promise((r) => second.once('connect', r));
    await firstClosed;
    assert.equal(firstData, '{"id":1,"result":"hi","error":null}');
    await waitFor(() => session.isConnected(), 'the second client');
    second.destroy();
  } finally {
    await session.close();
  }
});

test('garbage from the peer drops the connection as a protocol error and the session reconnects', async () => {
  clockStop();
  const path = join(dir, 'db.sock');
  const peer = await rawPeer(path);
  const logs: string[] = [];
  const session = JsonrpcSession.open(`unix:${path}`, { onLog: (_l, m) => logs.push(m) });
  try {
    await waitFor(() => session.isConnected() && peer.sockets.length === 1, 'the connection');
    peer.sockets[0].write('garbage ');
    await waitFor(() => !session.isConnected(), 'the drop');
    assert.ok(logs.includes(`unix:${path}: connection dropped (Protocol error)`), logs.join('\n'));
    // After a first connection the backoff starts at the minimum, 1 s.
    await clockWarp(1000);
    await waitFor(() => session.isConnected() && peer.sockets.length === 2, 'the reconnection');
    assert.equal(session.getStats().successfulConnections, 2);
  } finally {
    await session.close();
    await peer.close();
  }
});
