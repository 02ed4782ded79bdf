// The OVSDB server (ovsdb-server(1)) as a library: the databases it serves
// (standalone files, plus the built-in read-only "_Server" database that
// describes them for Open vSwitch's client library), the remotes it listens on
// or connects to (punix:, ptcp:, unix:, tcp:, and db:DB,TABLE,COLUMN, which
// reads more remotes from a database column), the commit path (monitors,
// transaction history, the file, blocked "wait" transactions), and locks.
// Per-client protocol work is in session.ts. `ovs-ts ovsdb-server`
// (src/cli/ovsdb-server.ts) runs one, and so can a test or an embedding program.
//
// Flow control, so that one client cannot hold up the others: a connection
// whose replies are not being read stops being read itself (at
// PAUSE_BACKLOG_SIZE, as ovsdb-server stops processing a session with a
// backlog), and one whose queue still grows past maxBacklogSize (monitor
// updates caused by other clients) is dropped. A request larger than
// maxMessageSize closes its connection.
//
// TODO(#4): clustered and relay databases, replication, TLS remotes, status
// written back to Manager rows (is_connected, status), add-db/remove-db (and
// with them what set_db_change_aware changes), and flow control for the
// clients of active (unix:, tcp:) remotes, whose backlog is not measured.

import { readFile } from 'node:fs/promises';
import type net from 'node:net';
import { JsonrpcConnection, type JsonrpcMessage } from '../../lib/jsonrpc.js';
import { JsonrpcSession } from '../../lib/jsonrpc-session.js';
import { isPassiveStreamName, parseActiveStream, PassiveStream } from '../../lib/stream.js';
import { vlogModule } from '../../lib/vlog.js';
import { newUuid, ZERO_UUID } from '../data.js';
import { Database, rowValue, type CommitRecord } from '../database.js';
import { OvsdbError } from '../error.js';
import { jsonToString, type Json, type JsonObject } from '../json.js';
import { parseSchema, schemaToJson } from '../schema.js';
import { readLog } from '../log.js';
import { openDatabaseFile, type DatabaseFile } from '../storage.js';
import { changeSetFromCommit, composeCommits, type ChangeSet, type Monitor } from './monitor.js';
import { LockManager } from './lock.js';
import { Session, type SessionChannel, type Trigger } from './session.js';

const log = vlogModule('ovsdb_server');

/** The OVSDB port (RFC 7047) for "ptcp:" and "tcp:HOST" without one. */
export const OVSDB_PORT = 6640;

/** Bytes queued to a client after which we stop reading its requests until it catches up. */
export const PAUSE_BACKLOG_SIZE = 1024 * 1024;

/**
 * The _Server database's schema, as ovsdb-server 3.1 serves it (version
 * 1.2.0): one row per database with its name, storage model, whether it is
 * connected and the leader (always true for standalone), its schema text, and
 * the cluster fields that stay empty here.
 */
export const SERVER_SCHEMA_JSON: JsonObject = {
  name: '_Server',
  version: '1.2.0',
  // The checksum ovsdb-server 3.1 reports for this schema, so get_schema answers alike.
  cksum: '3009684573 744',
  tables: {
    Database: {
      columns: {
        name: { type: 'string' },
        model: { type: { key: { type: 'string', enum: ['set', ['clustered', 'relay', 'standalone']] } } },
        connected: { type: 'boolean' },
        leader: { type: 'boolean' },
        schema: { type: { key: 'string', min: 0 } },
        cid: { type: { key: 'uuid', min: 0 } },
        sid: { type: { key: 'uuid', min: 0 } },
        index: { type: { key: 'integer', min: 0 } },
      },
    },
  },
};

export interface OvsdbServerOptions {
  /** Largest request accepted, in bytes; a bigger one closes its connection (default 64 MiB). */
  maxMessageSize?: number;
  /** Bytes queued to one client before it is disconnected (default 64 MiB). */
  maxBacklogSize?: number;
  /** Inactivity probe interval for TCP connections, ms (default 5000; 0 disables). */
  probeIntervalMs?: number;
  /** Commits kept for monitor_cond_since (default 100). */
  historySize?: number;
}

/** One database the server serves. */
export class HostedDatabase {
  /** Monitors on this database and the sessions that own them. */
  readonly monitors = new Map<Monitor, Session>();
  /** Transactions blocked in "wait", oldest first. */
  triggers: Trigger[] = [];
  /** Id of the last commit (monitor_cond_since); a fresh one at start so that old ids are not found. */
  lastTxnId = newUuid();
  /** Recent commits, oldest first, with the id each one got. */
  readonly history: { txnId: string; commit: CommitRecord }[] = [];
  /** Settles when every commit so far is on disk. */
  lastWrite: Promise<void> = Promise.resolve();

  constructor(
    readonly name: string,
    readonly db: Database,
    /** The file behind it; null for _Server, which lives in memory. */
    readonly file: DatabaseFile | null,
    /** What get_schema returns. */
    readonly schemaJson: Json,
    /** The built-in _Server: clients may not change it. */
    readonly readOnly: boolean,
    private readonly historySize: number,
  ) {}

  /** Records a commit in the history; returns its id. */
  remember(commit: CommitRecord): string {
    const txnId = newUuid();
    this.history.push({ txnId, commit });
    if (this.history.length > this.historySize) this.history.shift();
    this.lastTxnId = txnId;
    return txnId;
  }

  /**
   * The changes after commit `txnId`, composed, for monitor_cond_since: an
   * empty set when it is the last one, null when it is not in the history.
   */
  changesSince(txnId: string): ChangeSet | null {
    if (txnId === this.lastTxnId) return new Map();
    if (txnId === ZERO_UUID) return null;
    const at = this.history.findIndex((entry) => entry.txnId === txnId);
    if (at < 0) return null;
    return composeCommits(this.history.slice(at + 1).map((entry) => entry.commit));
  }
}

/** A db: remote: "db:DB,TABLE,COLUMN". */
interface DbRemoteSpec {
  readonly db: string;
  readonly table: string;
  readonly column: string;
}

/** An open remote: a listener, or an outgoing reconnecting session. */
interface OpenRemote {
  close(): Promise<void>;
  /** For ptcp: the bound port. */
  readonly port?: number;
}

/** Counters for tests and memory/show. */
export interface OvsdbServerStats {
  backlogDisconnects: number;
  oversizedDisconnects: number;
  probeDisconnects: number;
}

export class OvsdbServer {
  readonly sessions = new Set<Session>();
  readonly locks = new LockManager();
  readonly maxBacklogSize: number;
  readonly maxMessageSize: number;
  readonly probeIntervalMs: number;
  readonly serverId = newUuid();
  readonly stats: OvsdbServerStats = { backlogDisconnects: 0, oversizedDisconnects: 0, probeDisconnects: 0 };
  private readonly databases = new Map<string, HostedDatabase>();
  private readonly serverDb: HostedDatabase;
  private readonly historySize: number;
  /** Remotes as configured (command line and add-remote), including db: ones. */
  private readonly configured = new Set<string>();
  /** Remotes currently open, by name. */
  private readonly open = new Map<string, OpenRemote>();
  /** Names whose opening failed, so the failure is logged once. */
  private readonly failed = new Set<string>();
  private reconciling: Promise<void> = Promise.resolve();
  private runningTriggers = false;
  private closed = false;

  constructor(options: OvsdbServerOptions = {}) {
    this.maxBacklogSize = options.maxBacklogSize ?? 64 * 1024 * 1024;
    this.maxMessageSize = options.maxMessageSize ?? 64 * 1024 * 1024;
    this.probeIntervalMs = options.probeIntervalMs ?? 5000;
    this.historySize = options.historySize ?? 100;
    const schema = parseSchema(SERVER_SCHEMA_JSON);
    this.serverDb = new HostedDatabase('_Server', new Database(schema), null, SERVER_SCHEMA_JSON, true, this.historySize);
    this.databases.set('_Server', this.serverDb);
    this.addServerRow('_Server', SERVER_SCHEMA_JSON);
  }

  // ---- databases ------------------------------------------------------------------

  /** Opens a standalone database file and serves it. Throws OvsdbError. */
  async addDatabaseFile(path: string): Promise<HostedDatabase> {
    const file = await openDatabaseFile(path);
    const name = file.db.schema.name;
    if (this.databases.has(name)) {
      await file.close();
      throw new OvsdbError('syntax error', `${path}: already open database with name ${name}`);
    }
    // _Server shows the schema as the file holds it (members sorted), which
    // can differ from get_schema's form (e.g. "refType": "strong" left out).
    const { records } = readLog(await readFile(path), path);
    return this.addDatabase(file.db, file, { storedSchema: records[0]?.json });
  }

  /**
   * Serves `db` (with its file, or in memory when `file` is null).
   * `storedSchema` is the schema as written in the file, for _Server.
   */
  addDatabase(db: Database, file: DatabaseFile | null, options: { storedSchema?: Json } = {}): HostedDatabase {
    const name = db.schema.name;
    if (this.databases.has(name)) throw new OvsdbError('syntax error', `already open database with name ${name}`);
    const schemaJson = schemaToJson(db.schema);
    const hosted = new HostedDatabase(name, db, file, schemaJson, false, this.historySize);
    this.databases.set(name, hosted);
    this.addServerRow(name, options.storedSchema ?? schemaJson);
    return hosted;
  }

  private addServerRow(name: string, schemaJson: Json): void {
    const outcome = this.serverDb.db.transact([{
      op: 'insert', table: 'Database',
      row: { name, model: 'standalone', connected: true, leader: true, schema: jsonToString(schemaJson) },
    }]);
    if (outcome.kind === 'done' && outcome.commit) void this.commit(this.serverDb, outcome.commit);
  }

  database(name: string): HostedDatabase | undefined {
    return this.databases.get(name);
  }

  /** Database names as list_dbs gives them: sorted, _Server included. */
  databaseNames(): string[] {
    return [...this.databases.keys()].sort();
  }

  /** Compacts one database file, or all of them. Throws OvsdbError for _Server or an unknown name. */
  async compact(name?: string): Promise<void> {
    if (name !== undefined) {
      const hosted = this.databases.get(name);
      if (!hosted) throw new OvsdbError('unknown database', 'no database by that name');
      if (!hosted.file) throw new OvsdbError('not allowed', 'cannot compact built-in databases');
      await hosted.file.compact();
      return;
    }
    for (const hosted of this.databases.values()) await hosted.file?.compact();
  }

  /**
   * A commit has been made on `hosted` (already applied in memory): tells
   * monitors, remembers it, writes it, retries blocked transactions. Resolves
   * once it and every earlier commit are on disk.
   */
  commit(hosted: HostedDatabase, commit: CommitRecord): Promise<void> {
    hosted.remember(commit);
    const changes = changeSetFromCommit(commit);
    // Monitors that asked alike share the updates and their JSON text.
    const computed = new Map<string, { updates: JsonObject; text: string } | null>();
    for (const [monitor, session] of hosted.monitors) {
      let shared = computed.get(monitor.sharingKey);
      if (shared === undefined) {
        const updates = monitor.updates(changes);
        shared = updates ? { updates, text: JSON.stringify(updates) } : null;
        computed.set(monitor.sharingKey, shared);
      }
      if (shared) session.sendUpdatesText(monitor, hosted, shared.updates, shared.text);
    }
    if (hosted.file) {
      const write = hosted.file.append(commit);
      // A failed write is reported to the transaction that caused it; later ones fail too.
      hosted.lastWrite = write.catch(() => undefined);
      this.afterCommit(hosted);
      return write;
    }
    this.afterCommit(hosted);
    return hosted.lastWrite;
  }

  private afterCommit(hosted: HostedDatabase): void {
    if (hosted.triggers.length) this.runTriggers(hosted);
    if ([...this.configured].some((name) => name.startsWith(`db:${hosted.name},`))) this.reconcileRemotes();
  }

  // ---- blocked transactions ------------------------------------------------------------

  addTrigger(trigger: Trigger): void {
    trigger.hosted.triggers.push(trigger);
  }

  removeTrigger(trigger: Trigger): void {
    const list = trigger.hosted.triggers;
    const at = list.indexOf(trigger);
    if (at >= 0) list.splice(at, 1);
    if (trigger.timer) clearTimeout(trigger.timer);
    trigger.timer = null;
  }

  findTrigger(session: Session, id: Json): Trigger | undefined {
    const key = jsonToString(id);
    for (const hosted of this.databases.values()) {
      const found = hosted.triggers.find((trigger) => trigger.session === session && jsonToString(trigger.id) === key);
      if (found) return found;
    }
    return undefined;
  }

  dropTriggers(session: Session): void {
    for (const hosted of this.databases.values()) {
      for (const trigger of hosted.triggers.filter((t) => t.session === session)) this.removeTrigger(trigger);
    }
  }

  /** A blocked transaction's timeout passed: it runs once more and fails its wait if still unmet. */
  expireTrigger(trigger: Trigger): void {
    trigger.timer = null;
    if (!trigger.hosted.triggers.includes(trigger)) return;
    this.removeTrigger(trigger);
    if (!trigger.session.runTrigger(trigger, Date.now() - trigger.startMs)) {
      // Cannot happen: with waitedMs set, a wait fails rather than blocks.
      this.addTrigger(trigger);
    }
  }

  /** Retries blocked transactions after a commit; ones that commit retrigger the loop. */
  private runTriggers(hosted: HostedDatabase): void {
    if (this.runningTriggers) return;
    this.runningTriggers = true;
    try {
      for (let again = true; again;) {
        again = false;
        for (const trigger of [...hosted.triggers]) {
          if (!hosted.triggers.includes(trigger)) continue;
          const before = hosted.lastTxnId;
          let done: boolean;
          try {
            done = trigger.session.runTrigger(trigger);
          } catch (error) {
            // A bug in one held transaction must not fail the commit that woke it.
            log.err(`${trigger.session.channel.name}: held transaction failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
            trigger.session.send({ type: 'error', error: { error: 'internal error', details: String(error) }, id: trigger.id });
            done = true;
          }
          if (done) {
            this.removeTrigger(trigger);
            if (hosted.lastTxnId !== before) again = true;
          }
        }
      }
    } finally {
      this.runningTriggers = false;
    }
  }

  // ---- remotes --------------------------------------------------------------------------

  /**
   * Adds a remote ("punix:PATH", "ptcp:PORT[:IP]", "unix:PATH", "tcp:IP:PORT",
   * "db:DB,TABLE,COLUMN"). Throws OvsdbError for a db: remote naming what does
   * not exist. Resolves when listeners are up (a failure to listen is logged).
   */
  async addRemote(name: string): Promise<void> {
    if (name.startsWith('db:')) this.checkDbRemote(name);
    this.configured.add(name);
    await this.reconcileRemotes();
  }

  /** Removes a configured remote; false if there is no such remote. */
  async removeRemote(name: string): Promise<boolean> {
    if (!this.configured.delete(name)) return false;
    await this.reconcileRemotes();
    return true;
  }

  /** Configured remotes, sorted (ovsdb-server/list-remotes). */
  listRemotes(): string[] {
    return [...this.configured].sort();
  }

  /** The TCP port a ptcp remote listens on (for "ptcp:0"). */
  remotePort(name: string): number | undefined {
    return this.open.get(name)?.port;
  }

  private parseDbRemote(name: string): DbRemoteSpec {
    const parts = name.slice(3).split(',');
    if (parts.length !== 3) throw new OvsdbError('syntax error', `"${name}": invalid syntax`);
    return { db: parts[0], table: parts[1], column: parts[2] };
  }

  private checkDbRemote(name: string): void {
    const spec = this.parseDbRemote(name);
    const hosted = this.databases.get(spec.db);
    if (!hosted) throw new OvsdbError('syntax error', `"${name}": no database named ${spec.db}`);
    const table = hosted.db.schema.tables.get(spec.table);
    if (!table) throw new OvsdbError('syntax error', `"${name}": no table named ${spec.table}`);
    const column = table.columns.get(spec.column);
    if (!column) throw new OvsdbError('syntax error', `"${name}": table "${spec.table}" has no column "${spec.column}"`);
    const key = column.type.key;
    const ok = column.type.value === undefined && (key.type === 'string' || (key.type === 'uuid' && key.refTable !== undefined));
    if (!ok) throw new OvsdbError('syntax error', `"${name}": type of table "${spec.table}" column "${spec.column}" is not string or set of strings or reference`);
  }

  /** Remote names (with probe interval, ms or undefined for the default) a db: remote reads now. */
  private readDbRemote(name: string, into: Map<string, number | undefined>): void {
    let spec: DbRemoteSpec;
    try {
      spec = this.parseDbRemote(name);
    } catch {
      return;
    }
    const hosted = this.databases.get(spec.db);
    const table = hosted?.db.tables.get(spec.table);
    const column = table?.schema.columns.get(spec.column);
    if (!hosted || !table || !column) return;
    const refTable = column.type.key.refTable;
    for (const row of table.rows.values()) {
      for (const atom of rowValue(row, spec.column).keys) {
        if (refTable === undefined) {
          into.set(atom as string, undefined);
          continue;
        }
        const target = hosted.db.tables.get(refTable)?.rows.get(atom as string);
        if (!target || !target.data.has('target')) continue;
        const targets = target.data.get('target')!.keys;
        const probe = target.data.get('inactivity_probe')?.keys[0];
        for (const remote of targets) into.set(remote as string, typeof probe === 'number' ? probe : undefined);
      }
    }
  }

  /** Opens remotes that should be open and closes the others; serialised. */
  private reconcileRemotes(): Promise<void> {
    this.reconciling = this.reconciling.then(() => this.reconcileNow());
    return this.reconciling;
  }

  private async reconcileNow(): Promise<void> {
    if (this.closed) return;
    const wanted = new Map<string, number | undefined>();
    for (const name of this.configured) {
      if (name.startsWith('db:')) this.readDbRemote(name, wanted);
      else wanted.set(name, undefined);
    }
    for (const [name, remote] of [...this.open]) {
      if (!wanted.has(name)) {
        this.open.delete(name);
        await remote.close();
      }
    }
    for (const [name, probe] of wanted) {
      if (this.open.has(name)) continue;
      try {
        this.open.set(name, await this.openRemote(name, probe));
        this.failed.delete(name);
      } catch (error) {
        if (!this.failed.has(name)) log.err(`${name}: ${error instanceof Error ? error.message : String(error)}`);
        this.failed.add(name);
      }
    }
  }

  private async openRemote(name: string, probeMs: number | undefined): Promise<OpenRemote> {
    const isTcp = name.startsWith('ptcp:') || name.startsWith('tcp:');
    const probe = probeMs ?? (isTcp ? this.probeIntervalMs : 0);
    if (isPassiveStreamName(name)) {
      // Removing a remote also drops the clients that came through it, as ovsdb-server does.
      const accepted = new Set<Session>();
      const listener = await PassiveStream.open(name, (socket) => {
        const session = this.accept(socket, probe);
        accepted.add(session);
        socket.once('close', () => accepted.delete(session));
      }, { defaultPort: OVSDB_PORT });
      return {
        close: async () => {
          for (const session of accepted) {
            session.channel.close();
            session.close();
          }
          await listener.close();
        },
        port: listener.port,
      };
    }
    parseActiveStream(name, { defaultPort: OVSDB_PORT });
    const jsonrpc = JsonrpcSession.open(name, { defaultPort: OVSDB_PORT, probeIntervalMs: probe, maxMessageSize: this.maxMessageSize });
    let session: Session | null = null;
    jsonrpc.on('connected', () => {
      session?.close();
      const channel: SessionChannel = {
        name, send: (message) => jsonrpc.send(message), backlogSize: () => 0, close: () => jsonrpc.forceReconnect(),
      };
      session = new Session(this, channel);
      this.sessions.add(session);
    });
    jsonrpc.on('message', (message) => session?.handle(message));
    jsonrpc.on('disconnected', () => {
      session?.close();
      session = null;
    });
    return {
      close: async () => {
        session?.close();
        session = null;
        await jsonrpc.close();
      },
    };
  }

  /** Serves a connection accepted on a listening remote. */
  accept(socket: net.Socket, probeIntervalMs = 0): Session {
    const name = socket.remoteAddress ? `tcp:${socket.remoteAddress}:${socket.remotePort}` : 'unix';
    const connection = new JsonrpcConnection(socket, { name, maxMessageSize: this.maxMessageSize, answerEcho: true });
    let paused = false;
    const pauseIfBehind = (): void => {
      if (paused || connection.backlogSize <= PAUSE_BACKLOG_SIZE) return;
      paused = true;
      socket.pause();
      socket.once('drain', () => {
        paused = false;
        socket.resume();
      });
    };
    const channel: SessionChannel = {
      name,
      send: (message: JsonrpcMessage) => {
        const sent = connection.send(message);
        pauseIfBehind();
        return sent;
      },
      sendText: (text: string) => {
        if (!connection.isOpen) return false;
        socket.write(text);
        pauseIfBehind();
        return true;
      },
      backlogSize: () => connection.backlogSize,
      close: () => {
        connection.close();
        socket.destroy();
      },
    };
    const session = new Session(this, channel);
    this.sessions.add(session);
    connection.on('message', (message) => session.handle(message));
    connection.on('close', (error) => {
      if (error && (error as NodeJS.ErrnoException).message?.includes('exceeds')) {
        this.stats.oversizedDisconnects++;
        log.warn(`${name}: disconnecting: ${error.message}`);
      } else if (error) {
        log.info(`${name}: disconnecting: ${error.message}`);
      }
      if (probeTimer) clearInterval(probeTimer);
      session.close();
    });
    let probeTimer: NodeJS.Timeout | null = null;
    if (probeIntervalMs > 0) {
      let lastReceived = -1;
      let probing = false;
      probeTimer = setInterval(() => {
        if (connection.receivedCount !== lastReceived) {
          lastReceived = connection.receivedCount;
          probing = false;
          return;
        }
        if (probing) {
          log.warn(`${name}: no response to inactivity probe after ${probeIntervalMs / 1000} seconds, disconnecting`);
          this.stats.probeDisconnects++;
          channel.close();
          return;
        }
        probing = true;
        connection.send({ type: 'request', method: 'echo', params: [], id: 'echo' });
      }, probeIntervalMs);
      probeTimer.unref();
    }
    return session;
  }

  /** Stops listening, drops every client and closes the database files. */
  async close(): Promise<void> {
    if (this.closed) return;
    await this.reconciling;
    this.closed = true;
    for (const remote of this.open.values()) await remote.close();
    this.open.clear();
    for (const session of [...this.sessions]) {
      session.channel.close();
      session.close();
    }
    for (const hosted of this.databases.values()) {
      for (const trigger of hosted.triggers) if (trigger.timer) clearTimeout(trigger.timer);
      hosted.triggers = [];
      await hosted.file?.close();
    }
  }
}
