// The OVSDB client library (OVS's ovsdb-idl): a replica of chosen tables of one
// database, kept current over a reconnecting JSON-RPC session. It asks for
// monitor_cond_since first, then monitor_cond, then monitor, as the server
// allows; after a reconnection it resynchronises (resuming from the last
// transaction id where the server supports it). It tracks which rows and
// columns changed, bumps a sequence number on every change, holds an optional
// lock, and commits transactions (transaction.ts). Callers: vsctl, vswitchd.

import { EventEmitter } from 'node:events';
import { JsonrpcSession, type JsonrpcSessionOptions } from '../../lib/jsonrpc-session.js';
import { vlogModule } from '../../lib/vlog.js';
import { JsonrpcRemoteError, type JsonrpcMessage, type JsonValue } from '../../lib/jsonrpc.js';
import { datumsEqual, defaultDatum, findKey, makeDatum, parseDatum, ZERO_UUID, type Atom, type Datum } from '../data.js';
import type { Json } from '../json.js';
import { parseSchema, type ColumnType, type DatabaseSchema, type TableSchema } from '../schema.js';
import { IdlTransaction, type IdlTxnResult } from './transaction.js';

/** One replicated row: every monitored column has a value (the default when the server sent none). */
export interface IdlRow {
  readonly uuid: string;
  readonly table: string;
  readonly columns: Map<string, Datum>;
}

/** What happened to a row since the tracked changes were last cleared. */
export interface IdlRowChange {
  readonly table: string;
  readonly uuid: string;
  /** insert: new since last look; modify: columns changed; delete: gone (row holds its last values). */
  kind: 'insert' | 'modify' | 'delete';
  readonly columns: Set<string>;
  row: IdlRow;
}

/** Which monitor method the server accepted on the current connection. */
export type IdlMonitorMethod = 'monitor_cond_since' | 'monitor_cond' | 'monitor';

export interface IdlOptions {
  /** Database name; "Open_vSwitch" by default. */
  database?: string;
  /** Tables to replicate, each with its columns (undefined: all columns); undefined replicates everything. */
  tables?: Record<string, readonly string[] | undefined>;
  /** Methods this client will not use even if the server has them (tests use it to force fallbacks). */
  disabledMethods?: readonly IdlMonitorMethod[];
  session?: JsonrpcSessionOptions;
}

export interface IdlEvents {
  /** The replica changed (seqno moved). */
  change: [seqno: number];
  /** The first complete copy of the database arrived (again after each reconnection). */
  synced: [];
  /** The lock was obtained (true) or lost/stolen (false). */
  lock: [held: boolean];
}

const MONITOR_ID = 'idl';
const log = vlogModule('ovsdb_idl');

// TODO(#4): conditional monitoring (where clauses in monitor_cond requests and
// monitor_cond_change), reading the _Server database to pick the cluster leader
// and to notice schema changes (set_db_change_aware), and per-column "alert"
// flags (columns replicated without bumping seqno) are not built yet.

/**
 * A replica of a database. Create with Idl.open(); await waitForSync() before
 * reading. Never throws from event handlers; a server error on a monitor
 * request disconnects and retries, as OVS does.
 */
export class Idl extends EventEmitter<IdlEvents> {
  readonly remote: string;
  readonly database: string;
  /** The database schema, from get_schema; null until the first connection answers. */
  schema: DatabaseSchema | null = null;
  /** Rows by table and UUID. */
  readonly tables = new Map<string, Map<string, IdlRow>>();
  /** Moves whenever the replica changes, is resynchronised, or the lock changes hands. */
  seqno = 0;
  /** The monitor method of the current connection, null while not synced. */
  monitorMethod: IdlMonitorMethod | null = null;
  /** Transaction id of the last update (monitor_cond_since), used to resume after reconnecting. */
  lastTxnId: string = ZERO_UUID;
  /** True when the last monitor_cond_since resumed from lastTxnId instead of sending a full copy. */
  resumed = false;
  private readonly session: JsonrpcSession;
  private readonly wantedTables: Record<string, readonly string[] | undefined> | undefined;
  private readonly unsupported = new Set<IdlMonitorMethod>();
  private readonly tracked = new Map<string, IdlRowChange>();
  private synced = false;
  private connectionSeqno = -1;
  /**
   * Updates that arrive while a monitor request waits for its reply. A reply
   * settles its promise only after the messages read with it were handled, so
   * without this queue an update sent right after the reply would be applied
   * first and then wiped by the initial copy.
   */
  private heldUpdates: JsonrpcMessage[] | null = null;
  private lockName: string | null = null;
  /** True while we hold lockName. */
  hasLock = false;
  private closed = false;

  private constructor(remote: string, options: IdlOptions) {
    super();
    this.remote = remote;
    this.database = options.database ?? 'Open_vSwitch';
    this.wantedTables = options.tables;
    for (const method of options.disabledMethods ?? []) this.unsupported.add(method);
    this.session = JsonrpcSession.open(remote, { defaultPort: 6640, ...options.session });
    this.session.on('connected', () => void this.onConnected());
    this.session.on('disconnected', () => this.onDisconnected());
    this.session.on('message', (message) => this.onMessage(message));
  }

  /** Starts replicating `remote` ("unix:PATH", "tcp:IP:PORT"); throws only for an unusable name. */
  static open(remote: string, options: IdlOptions = {}): Idl {
    return new Idl(remote, options);
  }

  isConnected(): boolean {
    return this.session.isConnected();
  }

  /** False once a non-retrying session gave up, or after close(). */
  isAlive(): boolean {
    return this.session.isAlive();
  }

  isSynced(): boolean {
    return this.synced;
  }

  /** Resolves when the replica holds a complete copy (at once if it does). Rejects if the session dies. */
  waitForSync(): Promise<void> {
    if (this.synced) return Promise.resolve();
    return this.waitFor(() => this.synced);
  }

  /**
   * Resolves when `predicate` holds, checked now and after every change;
   * rejects with Error('connection failed') if the session gives up.
   */
  waitFor(predicate: () => boolean): Promise<void> {
    if (predicate()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (predicate()) {
          cleanup();
          resolve();
        } else if (!this.isAlive()) {
          cleanup();
          reject(new Error(this.closed ? 'closed' : 'connection failed'));
        }
      };
      const timer = setInterval(check, 100);
      const cleanup = (): void => {
        clearInterval(timer);
        this.off('change', check);
        this.off('synced', check);
      };
      this.on('change', check);
      this.on('synced', check);
    });
  }

  /** Resolves on the next change after now. */
  waitForChange(): Promise<void> {
    const start = this.seqno;
    return this.waitFor(() => this.seqno !== start);
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.session.close();
  }

  /** Drops the connection and reconnects (tests use it to exercise resynchronisation). */
  forceReconnect(): void {
    this.session.forceReconnect();
  }

  // -- reading -------------------------------------------------------------------

  tableSchema(table: string): TableSchema {
    const schema = this.schema?.tables.get(table);
    if (!schema) throw new RangeError(`${table}: no such table in ${this.database}`);
    return schema;
  }

  /** Whether `table` is part of the replica. */
  isReplicated(table: string): boolean {
    return this.schema?.tables.has(table) === true && (!this.wantedTables || table in this.wantedTables);
  }

  rows(table: string): IdlRow[] {
    return [...(this.tables.get(table)?.values() ?? [])];
  }

  row(table: string, uuid: string): IdlRow | undefined {
    return this.tables.get(table)?.get(uuid);
  }

  /** Rows inserted, modified or deleted since clearTracked(), in the order first seen. */
  trackedChanges(): IdlRowChange[] {
    return [...this.tracked.values()];
  }

  clearTracked(): void {
    this.tracked.clear();
  }

  // -- locks -----------------------------------------------------------------------

  /** Asks for lock `name` now and after every reconnection; null releases it. */
  setLock(name: string | null): void {
    if (name !== null && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new RangeError(`${name}: a lock name must be an OVSDB id`);
    if (this.lockName !== null && this.lockName !== name && this.isConnected()) {
      void this.session.request('unlock', [this.lockName]).catch(() => undefined);
    }
    this.lockName = name;
    this.setHasLock(false);
    if (name !== null && this.isConnected()) this.requestLock();
  }

  getLockName(): string | null {
    return this.lockName;
  }

  private requestLock(): void {
    const name = this.lockName;
    if (name === null) return;
    this.session.request('lock', [name]).then((result) => {
      if (this.lockName === name && isObject(result) && result.locked === true) this.setHasLock(true);
    }, () => undefined);
  }

  private setHasLock(held: boolean): void {
    if (this.hasLock === held) return;
    this.hasLock = held;
    this.seqno++;
    this.emit('lock', held);
    this.emit('change', this.seqno);
  }

  // -- transactions ---------------------------------------------------------------

  /** Starts a transaction against the current replica. */
  transaction(): IdlTransaction {
    if (!this.schema) throw new RangeError(`${this.remote}: no schema yet; await waitForSync() first`);
    return new IdlTransaction(this);
  }

  /**
   * Builds and commits a transaction until it stops saying TRY_AGAIN: after
   * each conflict (or lost connection) it waits for the replica to move, then
   * calls `build` again on a fresh transaction. Resolves to the last result.
   */
  async commitWithRetry(
    build: (txn: IdlTransaction, attempt: number) => void | Promise<void>, options: { maxAttempts?: number } = {},
  ): Promise<IdlTxnResult> {
    const maxAttempts = options.maxAttempts ?? Infinity;
    for (let attempt = 1; ; attempt++) {
      await this.waitForSync();
      const seqno = this.seqno;
      const txn = this.transaction();
      await build(txn, attempt);
      const result = await txn.commit();
      if (result.status !== 'try-again' || attempt >= maxAttempts) return result;
      if (this.seqno === seqno) await this.waitForChange();
    }
  }

  /** Sends a "transact" request on the current connection. */
  transact(operations: Json[]): Promise<JsonValue> {
    return this.session.request('transact', [this.database, ...operations] as JsonValue[]);
  }

  /** One "echo" round trip on the current connection (resolves also if it fails). */
  async echo(): Promise<void> {
    await this.session.request('echo', []).catch(() => undefined);
  }

  // -- the monitor -------------------------------------------------------------------

  private async onConnected(): Promise<void> {
    const connection = this.session.getSeqno();
    this.connectionSeqno = connection;
    try {
      if (!this.schema) {
        const json = await this.session.request('get_schema', [this.database]);
        this.schema = parseSchema(json as Json);
      }
      if (this.connectionSeqno !== connection) return;
      if (this.lockName !== null) this.requestLock();
      await this.monitor(connection);
    } catch (error) {
      if (this.connectionSeqno !== connection || this.closed) return;
      // A server that cannot serve us (no such database, bad schema): try later.
      void error;
      this.session.forceReconnect();
    }
  }

  private monitorRequests(method: IdlMonitorMethod): JsonValue {
    const schema = this.schema as DatabaseSchema;
    const requests: { [table: string]: JsonValue } = {};
    for (const table of schema.tables.values()) {
      if (this.wantedTables && !(table.name in this.wantedTables)) continue;
      const wanted = this.wantedTables?.[table.name];
      const columns = wanted ? [...wanted] : [...table.columns.keys()].filter((name) => !name.startsWith('_'));
      requests[table.name] = method === 'monitor' ? { columns } : [{ columns }];
    }
    return requests;
  }

  private async monitor(connection: number): Promise<void> {
    for (const method of ['monitor_cond_since', 'monitor_cond', 'monitor'] as const) {
      if (this.unsupported.has(method)) continue;
      const params: JsonValue[] = [this.database, MONITOR_ID, this.monitorRequests(method)];
      if (method === 'monitor_cond_since') params.push(this.lastTxnId);
      let result: JsonValue;
      this.heldUpdates = [];
      try {
        result = await this.session.request(method, params);
      } catch (error) {
        this.heldUpdates = null;
        if (error instanceof JsonrpcRemoteError && isUnknownMethod(error.error)) {
          this.unsupported.add(method);
          continue;
        }
        throw error;
      }
      const held = this.heldUpdates;
      this.heldUpdates = null;
      if (this.connectionSeqno !== connection) return;
      this.monitorMethod = method;
      if (method === 'monitor_cond_since') {
        const [found, lastTxnId, updates] = result as [boolean, string, JsonValue];
        this.resumed = found;
        if (found) this.applyUpdates(updates as Json, 2);
        else this.replaceAll(updates as Json, 2);
        this.lastTxnId = lastTxnId;
      } else {
        this.resumed = false;
        this.replaceAll(result as Json, method === 'monitor' ? 1 : 2);
      }
      for (const message of held) this.onMessage(message);
      this.synced = true;
      this.emit('synced');
      return;
    }
    throw new Error(`${this.remote}: server supports no monitor method`);
  }

  private onDisconnected(): void {
    this.heldUpdates = null;
    this.synced = false;
    this.monitorMethod = null;
    this.connectionSeqno = -1;
    this.setHasLock(false);
  }

  private onMessage(message: JsonrpcMessage): void {
    try {
      this.handleMessage(message);
    } catch (error) {
      // An update we cannot parse leaves the replica unreliable: start over.
      log.warn(`${this.remote}: bad ${message.type === 'notify' || message.type === 'request' ? message.method : 'message'} from server (${(error as Error).message}); reconnecting`);
      this.session.forceReconnect();
    }
  }

  private handleMessage(message: JsonrpcMessage): void {
    if (message.type !== 'notify' && message.type !== 'request') return;
    if (this.heldUpdates && message.method.startsWith('update')) {
      this.heldUpdates.push(message);
      return;
    }
    const params = message.params as Json[];
    switch (message.method) {
      case 'update':
        if (params[0] === MONITOR_ID) this.applyUpdates(params[1], 1);
        break;
      case 'update2':
        if (params[0] === MONITOR_ID) this.applyUpdates(params[1], 2);
        break;
      case 'update3':
        if (params[0] === MONITOR_ID) {
          this.applyUpdates(params[2], 2);
          this.lastTxnId = params[1] as string;
        }
        break;
      case 'locked':
        if (params[0] === this.lockName) this.setHasLock(true);
        break;
      case 'stolen':
        if (params[0] === this.lockName) this.setHasLock(false);
        break;
    }
  }

  // -- applying updates ---------------------------------------------------------------

  private columnType(table: string, column: string): ColumnType | undefined {
    return this.schema?.tables.get(table)?.columns.get(column)?.type;
  }

  private newRow(table: string, uuid: string): IdlRow {
    const columns = new Map<string, Datum>();
    const schema = this.tableSchema(table);
    const wanted = this.wantedTables?.[table];
    for (const column of schema.columns.values()) {
      if (column.name.startsWith('_')) continue;
      if (wanted && !wanted.includes(column.name)) continue;
      columns.set(column.name, defaultDatum(column.type));
    }
    return { uuid, table, columns };
  }

  private track(table: string, uuid: string, kind: IdlRowChange['kind'], row: IdlRow, columns: Iterable<string>): void {
    const key = `${table} ${uuid}`;
    const previous = this.tracked.get(key);
    if (!previous) {
      this.tracked.set(key, { table, uuid, kind, row, columns: new Set(columns) });
      return;
    }
    for (const column of columns) previous.columns.add(column);
    previous.row = row;
    if (kind === 'delete') {
      if (previous.kind === 'insert') this.tracked.delete(key);
      else previous.kind = 'delete';
    } else if (kind === 'insert' && previous.kind === 'delete') {
      previous.kind = 'modify';
    }
  }

  /** Applies <table-updates> (version 1) or <table-updates2> (version 2). */
  private applyUpdates(updates: Json, version: 1 | 2): void {
    let changed = false;
    if (!isObject(updates)) return;
    for (const [table, rows] of Object.entries(updates)) {
      if (!this.schema?.tables.has(table) || !isObject(rows)) continue;
      let replica = this.tables.get(table);
      if (!replica) this.tables.set(table, (replica = new Map()));
      for (const [uuid, update] of Object.entries(rows)) {
        if (!isObject(update)) continue;
        if (this.applyRowUpdate(table, replica, uuid, update, version)) changed = true;
      }
    }
    if (changed) {
      this.seqno++;
      this.emit('change', this.seqno);
    }
  }

  private applyRowUpdate(
    table: string, replica: Map<string, IdlRow>, uuid: string, update: { [key: string]: Json }, version: 1 | 2,
  ): boolean {
    const existing = replica.get(uuid);
    if (version === 1) {
      if (update.new === undefined) return this.deleteRow(table, replica, uuid);
      const row = existing ?? this.newRow(table, uuid);
      const changedColumns = this.setColumns(row, update.new as { [key: string]: Json }, existing !== undefined);
      if (!existing) {
        replica.set(uuid, row);
        this.track(table, uuid, 'insert', row, row.columns.keys());
        return true;
      }
      if (changedColumns.length) this.track(table, uuid, 'modify', row, changedColumns);
      return changedColumns.length > 0;
    }
    if ('delete' in update) return this.deleteRow(table, replica, uuid);
    const full = update.initial ?? update.insert;
    if (full !== undefined) {
      const row = this.newRow(table, uuid);
      this.setColumns(row, full as { [key: string]: Json }, false);
      replica.set(uuid, row);
      if (existing) this.track(table, uuid, 'modify', row, row.columns.keys());
      else this.track(table, uuid, 'insert', row, row.columns.keys());
      return true;
    }
    if (isObject(update.modify) && existing) {
      const changedColumns: string[] = [];
      for (const [column, diff] of Object.entries(update.modify)) {
        const type = this.columnType(table, column);
        const old = existing.columns.get(column);
        if (!type || !old) continue;
        const value = applyDiff(old, diff, type);
        if (!datumsEqual(old, value) || (old.values === undefined) !== (value.values === undefined)) {
          existing.columns.set(column, value);
          changedColumns.push(column);
        }
      }
      if (changedColumns.length) this.track(table, uuid, 'modify', existing, changedColumns);
      return changedColumns.length > 0;
    }
    return false;
  }

  private setColumns(row: IdlRow, values: { [key: string]: Json }, compare: boolean): string[] {
    const changed: string[] = [];
    for (const [column, json] of Object.entries(values)) {
      const type = this.columnType(row.table, column);
      if (!type || !row.columns.has(column)) continue;
      const datum = parseDatum(json, type);
      if (compare && datumsEqual(row.columns.get(column) as Datum, datum)) continue;
      row.columns.set(column, datum);
      changed.push(column);
    }
    return changed;
  }

  private deleteRow(table: string, replica: Map<string, IdlRow>, uuid: string): boolean {
    const row = replica.get(uuid);
    if (!row) return false;
    replica.delete(uuid);
    this.track(table, uuid, 'delete', row, []);
    return true;
  }

  /** Replaces the whole replica with an initial copy, tracking only what differs from before. */
  private replaceAll(updates: Json, version: 1 | 2): void {
    const old = new Map([...this.tables].map(([table, rows]) => [table, new Map(rows)]));
    this.tables.clear();
    const savedTracked = new Map(this.tracked);
    this.applyUpdates(updates, version);
    // Rebuild the tracked set as the difference between the old and new copies.
    this.tracked.clear();
    for (const [key, change] of savedTracked) this.tracked.set(key, change);
    for (const [table, rows] of this.tables) {
      const before = old.get(table);
      for (const [uuid, row] of rows) {
        const previous = before?.get(uuid);
        if (!previous) {
          this.track(table, uuid, 'insert', row, row.columns.keys());
          continue;
        }
        const changed = [...row.columns.keys()].filter((column) => {
          const a = previous.columns.get(column);
          return a === undefined || !datumsEqual(a, row.columns.get(column) as Datum);
        });
        if (changed.length) this.track(table, uuid, 'modify', row, changed);
      }
    }
    for (const [table, rows] of old) {
      for (const [uuid, row] of rows) {
        if (!this.tables.get(table)?.has(uuid)) this.track(table, uuid, 'delete', row, []);
      }
    }
    this.seqno++;
    this.emit('change', this.seqno);
  }
}

/** Applies an update2 "modify" diff: the new value for scalars, toggled elements for sets, key changes for maps. */
export function applyDiff(old: Datum, diffJson: Json, type: ColumnType): Datum {
  if (type.min === 1 && type.max === 1) return parseDatum(diffJson, type);
  const diff = parseDatum(diffJson, { ...type, min: 0, max: Infinity });
  const keys: Atom[] = [...old.keys];
  const values: Atom[] | undefined = old.values ? [...old.values] : undefined;
  for (let i = 0; i < diff.keys.length; i++) {
    const key = diff.keys[i] as Atom;
    const at = findKey(old, key);
    if (values && diff.values) {
      const value = diff.values[i] as Atom;
      if (at < 0) {
        keys.push(key);
        values.push(value);
      } else {
        const index = keys.indexOf(key);
        if (values[index] === value) {
          keys.splice(index, 1);
          values.splice(index, 1);
        } else {
          values[index] = value;
        }
      }
    } else if (at < 0) {
      keys.push(key);
    } else {
      keys.splice(keys.indexOf(key), 1);
    }
  }
  return makeDatum(keys, values);
}

function isObject(value: unknown): value is { [key: string]: Json } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isUnknownMethod(error: unknown): boolean {
  return error === 'unknown method' || (isObject(error) && error.error === 'unknown method');
}
