// Tests of OvsdbServer's own behaviour, beyond what the interop tests compare
// with the real ovsdb-server: limits (oversized requests, clients that do not
// read, inactivity probes), monitor_cond_since resuming from the history,
// several databases, db: and active remotes, compaction, and the reply
// waiting for the disk.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseSchema } from '../schema.js';
import { createDatabaseFile } from '../storage.js';
import type { Json } from '../json.js';
import { OvsdbServer, type OvsdbServerOptions } from './server.js';

const SCHEMA = {
  name: 'db1',
  version: '1.0.0',
  tables: {
    T: { isRoot: true, columns: { name: { type: 'string' }, value: { type: 'string' }, n: { type: 'integer' } } },
    Remote: { isRoot: true, columns: { targets: { type: { key: 'string', min: 0, max: 'unlimited' } } } },
  },
};

/** A minimal JSON-RPC client keeping every message received. */
class Client {
  readonly messages: Record<string, Json>[] = [];
  closed = false;
  private buffer = '';
  private nextId = 0;

  constructor(readonly socket: net.Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (text: string) => {
      this.buffer += text;
      // Replies here are one JSON object each, written back to back.
      let depth = 0;
      let inString = false;
      let escaped = false;
      let start = 0;
      for (let i = 0; i < this.buffer.length; i++) {
        const c = this.buffer[i];
        if (inString) {
          if (escaped) escaped = false;
          else if (c === '\\') escaped = true;
          else if (c === '"') inString = false;
        } else if (c === '"') inString = true;
        else if (c === '{') depth++;
        else if (c === '}' && --depth === 0) {
          this.messages.push(JSON.parse(this.buffer.slice(start, i + 1)) as Record<string, Json>);
          start = i + 1;
        }
      }
      this.buffer = this.buffer.slice(start);
    });
    socket.on('close', () => { this.closed = true; });
    socket.on('error', () => { this.closed = true; });
  }

  static connect(path: string): Promise<Client> {
    return new Promise((resolve, reject) => {
      const socket = net.createConnection(path, () => resolve(new Client(socket)));
      socket.once('error', reject);
    });
  }

  send(method: string, params: Json[]): number {
    const id = this.nextId++;
    this.socket.write(JSON.stringify({ id, method, params }));
    return id;
  }

  async waitFor(predicate: (message: Record<string, Json>) => boolean, timeoutMs = 5000): Promise<Record<string, Json>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.find(predicate);
      if (found) return found;
      if (this.closed) throw new Error(`connection closed; got ${JSON.stringify(this.messages)}`);
      if (Date.now() > deadline) throw new Error(`timed out; got ${JSON.stringify(this.messages)}`);
      await new Promise((r) => setTimeout(r, 2));
    }
  }

  async request(method: string, params: Json[]): Promise<Json> {
    const id = this.send(method, params);
    const reply = await this.waitFor((m) => m.id === id && m.method === undefined);
    if (reply.error !== null && reply.error !== undefined) throw new Error(JSON.stringify(reply.error));
    return reply.result;
  }

  async waitClosed(timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed) {
      if (Date.now() > deadline) throw new Error('still connected');
      await new Promise((r) => setTimeout(r, 5));
    }
  }
}

interface Fixture {
  dir: string;
  server: OvsdbServer;
  sock: string;
  dbPath: string;
  done(): Promise<void>;
}

async function start(options: OvsdbServerOptions = {}, schema: Json = SCHEMA): Promise<Fixture> {
  const dir = mkdtempSync(join(tmpdir(), 'ovsdb-server-unit-'));
  const dbPath = join(dir, 'db1.db');
  await createDatabaseFile(dbPath, parseSchema(schema));
  const server = new OvsdbServer(options);
  await server.addDatabaseFile(dbPath);
  const sock = join(dir, 'db.sock');
  await server.addRemote(`punix:${sock}`);
  return {
    dir, server, sock, dbPath,
    done: async () => {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const insert = (name: string, value = ''): Json => ['db1', { op: 'insert', table: 'T', row: { name, value } }];
const selectNames: Json = ['db1', { op: 'select', table: 'T', where: [], columns: ['name'] }];

test('transact() on an oversized request closes that connection and commits nothing', async () => {
  const f = await start({ maxMessageSize: 64 * 1024 });
  try {
    const big = await Client.connect(f.sock);
    const other = await Client.connect(f.sock);
    big.send('transact', insert('big', 'x'.repeat(100 * 1024)) as Json[]);
    await big.waitClosed();
    assert.deepEqual(await other.request('transact', selectNames as Json[]), [{ rows: [] }]);
    assert.equal(f.server.stats.oversizedDisconnects, 1);
    other.socket.destroy();
  } finally {
    await f.done();
  }
});

test('a client that stops reading is disconnected while others keep being served', async () => {
  const f = await start({ maxBacklogSize: 256 * 1024 });
  try {
    const stuck = await Client.connect(f.sock);
    await stuck.request('monitor', ['db1', null, { T: {} }]);
    stuck.socket.pause();
    const writer = await Client.connect(f.sock);
    const slowest = { ms: 0 };
    for (let i = 0; i < 200 && !stuck.closed; i++) {
      const started = Date.now();
      await writer.request('transact', insert(`row${i}`, 'y'.repeat(20_000)) as Json[]);
      slowest.ms = Math.max(slowest.ms, Date.now() - started);
    }
    stuck.socket.resume();
    await stuck.waitClosed();
    assert.equal(f.server.stats.backlogDisconnects, 1);
    assert.ok(slowest.ms < 1000, `a transaction took ${slowest.ms} ms`);
    writer.socket.destroy();
  } finally {
    await f.done();
  }
});

test('a TCP client that does not answer inactivity probes is disconnected', async () => {
  const f = await start({ probeIntervalMs: 100 });
  try {
    await f.server.addRemote('ptcp:0:127.0.0.1');
    const port = f.server.remotePort('ptcp:0:127.0.0.1')!;
    const silent = new Client(net.createConnection(port, '127.0.0.1'));
    await silent.waitFor((m) => m.method === 'echo');
    await silent.waitClosed(2000);
    assert.equal(f.server.stats.probeDisconnects, 1);
    // A client that answers stays connected.
    const polite = new Client(net.createConnection(port, '127.0.0.1'));
    polite.socket.on('data', () => {
      for (const m of polite.messages.splice(0)) {
        if (m.method === 'echo') polite.socket.write(JSON.stringify({ id: m.id, result: m.params, error: null }));
      }
    });
    await new Promise((r) => setTimeout(r, 600));
    assert.equal(polite.closed, false);
    polite.socket.destroy();
  } finally {
    await f.done();
  }
});

test('monitor_cond_since resumes from a transaction id in the history', async () => {
  const f = await start();
  try {
    const a = await Client.connect(f.sock);
    const first = await a.request('monitor_cond_since', ['db1', 'm', { T: [{ columns: ['name'] }] }, '00000000-0000-0000-0000-000000000000']) as Json[];
    assert.equal(first[0], false);
    await a.request('transact', insert('one') as Json[]);
    const update = await a.waitFor((m) => m.method === 'update3');
    const lastId = (update.params as Json[])[1] as string;
    a.socket.destroy();
    const b = await Client.connect(f.sock);
    await b.request('transact', insert('two') as Json[]);
    const resumed = await b.request('monitor_cond_since', ['db1', 'm', { T: [{ columns: ['name'] }] }, lastId]) as Json[];
    assert.equal(resumed[0], true);
    const rows = Object.values((resumed[2] as Record<string, Record<string, Json>>).T);
    assert.deepEqual(rows, [{ insert: { name: 'two' } }]);
    // The current id is found too, with nothing to send.
    const current = await b.request('monitor_cond_since', ['db1', 'n', { T: [{ columns: ['name'] }] }, resumed[1]]) as Json[];
    assert.deepEqual(current, [true, resumed[1], {}]);
    b.socket.destroy();
  } finally {
    await f.done();
  }
});

test('several databases are served, and list_dbs names them all', async () => {
  const f = await start();
  try {
    const second = join(f.dir, 'db2.db');
    await createDatabaseFile(second, parseSchema({ ...SCHEMA, name: 'db2' }));
    await f.server.addDatabaseFile(second);
    const c = await Client.connect(f.sock);
    assert.deepEqual(await c.request('list_dbs', []), ['_Server', 'db1', 'db2']);
    await c.request('transact', ['db2', { op: 'insert', table: 'T', row: { name: 'in2' } }]);
    assert.deepEqual(await c.request('transact', selectNames as Json[]), [{ rows: [] }]);
    await assert.rejects(f.server.addDatabaseFile(second), /already open database/);
    c.socket.destroy();
  } finally {
    await f.done();
  }
});

test('db: remotes follow the column they name', async () => {
  const f = await start();
  try {
    const extra = join(f.dir, 'extra.sock');
    await f.server.addRemote('db:db1,Remote,targets');
    assert.deepEqual(f.server.listRemotes(), ['db:db1,Remote,targets', `punix:${f.sock}`]);
    await assert.rejects(f.server.addRemote('db:db1,Nope,x'), /no table named Nope/);
    const c = await Client.connect(f.sock);
    await c.request('transact', ['db1', { op: 'insert', table: 'Remote', row: { targets: `punix:${extra}` } }]);
    await new Promise((r) => setTimeout(r, 100));
    const viaDb = await Client.connect(extra);
    assert.deepEqual(await viaDb.request('echo', ['hi']), ['hi']);
    await c.request('transact', ['db1', { op: 'delete', table: 'Remote', where: [] }]);
    await new Promise((r) => setTimeout(r, 100));
    await assert.rejects(Client.connect(extra));
    assert.equal(await f.server.removeRemote('db:db1,Remote,targets'), true);
    assert.equal(await f.server.removeRemote('db:db1,Remote,targets'), false);
    c.socket.destroy();
    viaDb.socket.destroy();
  } finally {
    await f.done();
  }
});

test('an active unix: remote connects out and serves the listener', async () => {
  const f = await start();
  try {
    const path = join(f.dir, 'client.sock');
    let accepted: Client | null = null;
    const listener = net.createServer((socket) => { accepted = new Client(socket); });
    await new Promise<void>((r) => listener.listen(path, r));
    await f.server.addRemote(`unix:${path}`);
    const deadline = Date.now() + 5000;
    while (!accepted && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    assert.ok(accepted, 'the server did not connect');
    assert.deepEqual(await (accepted as Client).request('list_dbs', []), ['_Server', 'db1']);
    await f.server.removeRemote(`unix:${path}`);
    await (accepted as Client).waitClosed();
    await new Promise<void>((r) => listener.close(() => r()));
  } finally {
    await f.done();
  }
});

test('a transact reply comes only once the commit is in the file, and compact() keeps it', async () => {
  const f = await start();
  try {
    const c = await Client.connect(f.sock);
    await c.request('transact', insert('durable') as Json[]);
    assert.match(readFileSync(f.dbPath, 'utf8'), /"durable"/);
    for (let i = 0; i < 20; i++) await c.request('transact', ['db1', { op: 'update', table: 'T', where: [], row: { n: i } }]);
    const before = statSync(f.dbPath).size;
    await f.server.compact();
    assert.ok(statSync(f.dbPath).size < before);
    await assert.rejects(f.server.compact('_Server'), /cannot compact built-in databases/);
    await assert.rejects(f.server.compact('nope'), /no database by that name/);
    assert.deepEqual(await c.request('transact', ['db1', { op: 'select', table: 'T', where: [], columns: ['name', 'n'] }]), [{ rows: [{ name: 'durable', n: 19 }] }]);
    c.socket.destroy();
  } finally {
    await f.done();
  }
});
