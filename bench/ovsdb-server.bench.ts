// OVSDB server throughput, ovs-ts beside the real ovsdb-server: both started
// the same way (sandbox, vswitch schema, `ovsdb-tool create`, punix remote)
// and driven by the same client (src/lib/jsonrpc.ts) in the same run.
//   - transact: one small transaction at a time, then 16 in flight; the real
//     server syncs to disk only for "durable" commits, ovs-ts for every one,
//     so a durable variant puts both on the same footing;
//   - monitor fan-out: 50 clients monitor a table and one writer commits;
//     time until every client has every update.
// The in-process figures (run()) are the costs under the socket: a commit in
// Database.transact() and turning one commit into updates for 50 monitors.

import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { JsonrpcConnection, type JsonValue } from '../src/lib/jsonrpc.js';
import { Database } from '../src/ovsdb/database.js';
import { parseSchema } from '../src/ovsdb/schema.js';
import type { Json } from '../src/ovsdb/json.js';
import { changeSetFromCommit, Monitor } from '../src/ovsdb/server/monitor.js';
import type { Benchmark, ExternalResult } from './run.js';

const run = promisify(execFile);
const SCHEMA = '/usr/share/openvswitch/vswitch.ovsschema';
const OVS_TS = fileURLToPath(new URL('../../bin/ovs-ts', import.meta.url));

interface Sandbox {
  sock: string;
  stop(): Promise<void>;
}

async function startServer(kind: 'real' | 'ours'): Promise<Sandbox> {
  const dir = mkdtempSync(join(tmpdir(), `bench-ovsdb-${kind}-`));
  const env = { ...process.env, OVS_RUNDIR: dir, OVS_LOGDIR: dir, OVS_DBDIR: dir };
  await run('ovsdb-tool', ['create', join(dir, 'conf.db'), SCHEMA], { env });
  const args = ['--detach', '--no-chdir', '--pidfile', `--remote=punix:${join(dir, 'db.sock')}`, join(dir, 'conf.db')];
  if (kind === 'real') await run('ovsdb-server', args, { env });
  else await run(process.execPath, [OVS_TS, 'ovsdb-server', ...args], { env });
  await run('ovs-vsctl', ['--no-wait', 'init'], { env });
  return {
    sock: join(dir, 'db.sock'),
    stop: async () => {
      try {
        process.kill(Number(readFileSync(join(dir, 'ovsdb-server.pid'), 'utf8')), 'SIGTERM');
      } catch {
        // Already gone.
      }
      await new Promise((r) => setTimeout(r, 100));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function connect(path: string): Promise<JsonrpcConnection> {
  return new Promise((resolve, reject) => {
    const socket = net.createConnection(path, () => resolve(new JsonrpcConnection(socket)));
    socket.once('error', reject);
  });
}

function bump(i: number, durable: boolean): JsonValue[] {
  const ops: JsonValue[] = ['Open_vSwitch',
    { op: 'mutate', table: 'Open_vSwitch', where: [], mutations: [['next_cfg', '+=', 1], ['external_ids', 'insert', ['map', [[`k${i % 64}`, 'v']]]]] }];
  if (durable) ops.push({ op: 'commit', durable: true });
  return ops;
}

/** ns per transaction with `inFlight` outstanding at a time. */
async function transactRate(sock: string, count: number, inFlight: number, durable: boolean): Promise<number> {
  const client = await connect(sock);
  const start = process.hrtime.bigint();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) await client.request('transact', bump(next++, durable));
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  const ns = Number(process.hrtime.bigint() - start) / count;
  client.close();
  return ns;
}

/** ns per (update x client): 50 monitors, `count` commits, until all updates arrived everywhere. */
async function fanoutRate(sock: string, clients: number, count: number): Promise<number> {
  const monitors = await Promise.all(Array.from({ length: clients }, () => connect(sock)));
  let remaining = clients * count;
  let done!: () => void;
  const finished = new Promise<void>((r) => { done = r; });
  for (const monitor of monitors) {
    monitor.on('message', (message) => {
      if (message.type === 'notify' && message.method === 'update2' && --remaining === 0) done();
    });
    await monitor.request('monitor_cond', ['Open_vSwitch', null, { Open_vSwitch: [{ columns: ['next_cfg', 'external_ids'] }] }]);
  }
  const writer = await connect(sock);
  const start = process.hrtime.bigint();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) await writer.request('transact', bump(next++, false));
  };
  // Many commits in flight, so that the writer's rate (and ovs-ts's fsync) is not what is measured.
  await Promise.all(Array.from({ length: 64 }, worker));
  await finished;
  const ns = Number(process.hrtime.bigint() - start) / (clients * count);
  writer.close();
  for (const monitor of monitors) monitor.close();
  return ns;
}

/** Runs `measureOne` on both servers (fresh each), ours first; skipped without Open vSwitch. */
async function sideBySide(label: string, measureOne: (sock: string) => Promise<number>): Promise<ExternalResult> {
  try {
    await run('which', ['ovsdb-server']);
  } catch {
    return { label, skipped: 'ovsdb-server is not installed' };
  }
  const figures: Record<string, number> = {};
  for (const kind of ['ours', 'real'] as const) {
    const server = await startServer(kind);
    try {
      await measureOne(server.sock); // warm-up
      figures[kind] = await measureOne(server.sock);
    } finally {
      await server.stop();
    }
  }
  return { label: `real ovsdb-server: ${label}`, nsPerOp: figures.real, oursLabel: `ovs-ts ovsdb-server: ${label}`, oursNsPerOp: figures.ours };
}

// ---- in-process parts --------------------------------------------------------------

const schema = parseSchema(JSON.parse(readFileSync(SCHEMA, 'utf8')) as Json);
const db = new Database(schema);
db.transact([{ op: 'insert', table: 'Open_vSwitch', row: {} }]);
let counter = 0;

const fanoutMonitors = Array.from({ length: 50 }, (_, i) =>
  Monitor.parse(i, 2, schema, { Open_vSwitch: [{ columns: ['next_cfg', 'external_ids'] }] }));

export const benchmarks: Benchmark[] = [
  {
    name: 'transact (Database.transact, in memory)',
    opsPerRun: 1,
    run: () => {
      const outcome = db.transact(bump(counter++, false).slice(1) as Json[]);
      return outcome.kind === 'done' ? outcome.results.length : 0;
    },
    external: () => sideBySide('transact, 1 in flight, 2000', (sock) => transactRate(sock, 2000, 1, false)),
  },
  {
    name: 'transact 16 in flight',
    opsPerRun: 1,
    run: () => {
      const outcome = db.transact(bump(counter++, false).slice(1) as Json[]);
      return outcome.kind === 'done' ? outcome.results.length : 0;
    },
    external: () => sideBySide('transact, 16 in flight, 4000', (sock) => transactRate(sock, 4000, 16, false)),
  },
  {
    name: 'durable transact 16 in flight',
    opsPerRun: 1,
    run: () => {
      const outcome = db.transact(bump(counter++, true).slice(1) as Json[]);
      return outcome.kind === 'done' ? outcome.results.length : 0;
    },
    external: () => sideBySide('durable transact, 16 in flight, 1000', (sock) => transactRate(sock, 1000, 16, true)),
  },
  {
    name: 'monitor fan-out to 50 (per update and client)',
    opsPerRun: 50,
    run: () => {
      const outcome = db.transact(bump(counter++, false).slice(1) as Json[]);
      if (outcome.kind !== 'done' || !outcome.commit) return 0;
      const changes = changeSetFromCommit(outcome.commit);
      let sent = 0;
      for (const monitor of fanoutMonitors) sent += JSON.stringify(monitor.updates(changes)).length;
      return sent;
    },
    external: () => sideBySide('fan-out to 50 monitors, 400 commits', (sock) => fanoutRate(sock, 50, 400)),
  },
];
