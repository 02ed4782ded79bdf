// One client of the OVSDB server: the JSON-RPC methods of RFC 7047 and Open
// vSwitch's extensions (ovsdb-server(1)) on one connection, with that
// client's monitors, lock requests and blocked ("wait") transactions. The
// connection is either accepted on a listening remote or made by an active
// one (server.ts); a Session lives as long as that connection.
//
// Replies to "transact" go out only once the database file holds every
// commit made so far (fdatasync), so an acknowledged transaction survives a
// crash. Monitor updates go out as soon as a commit is made, before that
// reply, as in ovsdb-server.

import type { JsonrpcMessage } from '../../lib/jsonrpc.js';
import { createError, createNotify, createReply } from '../../lib/jsonrpc.js';
import { vlogModule } from '../../lib/vlog.js';
import { OvsdbError, syntaxError } from '../error.js';
import { isJsonObject, jsonToString, type Json } from '../json.js';
import type { LockHolder } from './lock.js';
import { Monitor, type MonitorVersion } from './monitor.js';
import type { HostedDatabase, OvsdbServer } from './server.js';

const log = vlogModule('ovsdb_jsonrpc_server');

/** How a session reaches its client; server.ts provides one per connection. */
export interface SessionChannel {
  /** The peer, for logs ("unix#3", "tcp:127.0.0.1:5000"). */
  readonly name: string;
  /** Queues a message; false if the connection is gone. */
  send(message: JsonrpcMessage): boolean;
  /**
   * Queues a message already in wire form (one JSON-RPC object), so that a
   * notification shared by many clients is serialised once. Optional.
   */
  sendText?(text: string): boolean;
  /** Bytes queued towards the client and not yet taken by the kernel. */
  backlogSize(): number;
  close(): void;
}

/** A "transact" whose "wait" is not yet satisfied. */
export interface Trigger {
  readonly session: Session;
  readonly id: Json;
  readonly hosted: HostedDatabase;
  readonly operations: Json[];
  readonly startMs: number;
  timer: NodeJS.Timeout | null;
}

const WRITE_OPERATIONS = new Set(['insert', 'update', 'mutate', 'delete']);

export class Session implements LockHolder {
  readonly monitors = new Map<string, Monitor>();
  /** Lock names this session asked for (lock or steal) and has not released. */
  readonly lockNames = new Set<string>();
  dbChangeAware = false;
  private closed = false;

  constructor(readonly server: OvsdbServer, readonly channel: SessionChannel) {}

  get isClosed(): boolean {
    return this.closed;
  }

  /** Sends a message unless closed; drops the client if its backlog is over the limit. */
  send(message: JsonrpcMessage): void {
    if (this.closed) return;
    this.channel.send(message);
    this.checkBacklog();
  }

  private checkBacklog(): void {
    const backlog = this.channel.backlogSize();
    if (backlog > this.server.maxBacklogSize) {
      log.warn(`${this.channel.name}: disconnecting: ${backlog} bytes queued for a client that does not read (limit ${this.server.maxBacklogSize})`);
      this.server.stats.backlogDisconnects++;
      this.channel.close();
      this.close();
    }
  }

  notifyLock(method: 'locked' | 'stolen', name: string): void {
    this.send(createNotify(method, [name]));
  }

  /** Forgets monitors, locks and triggers; called when the connection goes away. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const monitor of this.monitors.values()) this.server.database(monitor.dbName)?.monitors.delete(monitor);
    this.monitors.clear();
    this.server.locks.release(this);
    this.lockNames.clear();
    this.server.dropTriggers(this);
    this.server.sessions.delete(this);
  }

  /** Handles one message from the client. */
  handle(message: JsonrpcMessage): void {
    if (this.closed) return;
    if (message.type === 'reply' || message.type === 'error') return;
    if (message.type === 'notify') {
      if (message.method === 'cancel') this.cancel(message.params as Json[]);
      return;
    }
    const { id, method } = message;
    const params = message.params as Json[];
    try {
      const result = this.dispatch(method, params, id);
      if (result !== undefined) this.send(createReply(result, id));
    } catch (error) {
      if (error instanceof OvsdbError) {
        this.send(createError(error.toJson(), id));
      } else if (error instanceof PlainError) {
        this.send(createError(error.message, id));
      } else {
        log.err(`${this.channel.name}: ${method}: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
        this.send(createError({ error: 'internal error', details: String(error) }, id));
      }
    }
  }

  /** Runs a request; the result to reply with, or undefined when the reply comes later. */
  private dispatch(method: string, params: Json[], id: Json): Json | undefined {
    switch (method) {
      case 'list_dbs':
        return this.server.databaseNames();
      case 'get_schema': {
        const hosted = this.lookupDatabase(params, 'get_schema');
        return hosted.schemaJson;
      }
      case 'transact':
        this.transact(params, id);
        return undefined;
      case 'monitor':
        return this.monitor(params, 1);
      case 'monitor_cond':
        return this.monitor(params, 2);
      case 'monitor_cond_since':
        return this.monitor(params, 3);
      case 'monitor_cancel':
        return this.monitorCancel(params);
      case 'monitor_cond_change':
        return this.monitorCondChange(params);
      case 'lock':
      case 'steal':
        return this.lock(method, params);
      case 'unlock':
        return this.unlock(params);
      case 'echo':
        return params;
      case 'set_db_change_aware':
        if (params.length !== 1 || typeof params[0] !== 'boolean') {
          throw syntaxError(params, 'set_db_change_aware request params must be a single boolean');
        }
        this.dbChangeAware = params[0];
        return {};
      case 'get_server_id':
        return this.server.serverId;
      default:
        throw new PlainError('unknown method');
    }
  }

  private lookupDatabase(params: Json[], what: string): HostedDatabase {
    if (params.length === 0 || typeof params[0] !== 'string') {
      throw syntaxError(params, `${what} request params must begin with <db-name>`);
    }
    const hosted = this.server.database(params[0]);
    if (!hosted) {
      throw new OvsdbError('unknown database', `${what} request specifies unknown database ${params[0]}`, { syntax: params });
    }
    return hosted;
  }

  // ---- transact, wait and cancel -------------------------------------------------

  private transact(params: Json[], id: Json): void {
    const hosted = this.lookupDatabase(params, 'transact');
    const trigger: Trigger = { session: this, id, hosted, operations: params.slice(1), startMs: Date.now(), timer: null };
    if (!this.runTrigger(trigger)) this.server.addTrigger(trigger);
  }

  /**
   * Runs a transaction; true when it is done (reply sent or scheduled), false
   * when a "wait" blocks it. `waitedMs` says the wait's timeout has passed.
   */
  runTrigger(trigger: Trigger, waitedMs?: number): boolean {
    const { hosted, operations } = trigger;
    const options = { hasLock: (name: string) => this.server.locks.isOwner(name, this), waitedMs };
    const writeAt = hosted.readOnly ? operations.findIndex((op) => isJsonObject(op) && WRITE_OPERATIONS.has(op.op as string)) : -1;
    const outcome = hosted.db.transact(writeAt < 0 ? operations : operations.slice(0, writeAt), options);
    if (outcome.kind === 'wait') {
      if (trigger.timer === null && outcome.timeoutMs !== Infinity) {
        trigger.timer = setTimeout(() => this.server.expireTrigger(trigger), outcome.timeoutMs);
      }
      return false;
    }
    let results = outcome.results;
    if (writeAt >= 0) {
      const failed = results.some((result) => isJsonObject(result) && 'error' in result);
      if (!failed) {
        const op = (operations[writeAt] as { op: string }).op;
        results = [...results, { error: 'not allowed', details: `${op} operation not allowed on table in reserved database ${hosted.name}` }];
      }
      while (results.length < operations.length) results.push(null);
    }
    const written = outcome.commit ? this.server.commit(hosted, outcome.commit) : hosted.lastWrite;
    written.then(
      () => this.send(createReply(results, trigger.id)),
      (error: unknown) => {
        const failure = error instanceof OvsdbError ? error : new OvsdbError('I/O error', String(error));
        this.send(createReply([...results, failure.toJson()], trigger.id));
      },
    );
    return true;
  }

  private cancel(params: Json[]): void {
    if (params.length !== 1) return;
    const trigger = this.server.findTrigger(this, params[0]);
    if (!trigger) return;
    // ovsdb-server 3.1 drops the transaction without replying to it (RFC
    // 7047 would have it answer "canceled"); clients expect what it does.
    this.server.removeTrigger(trigger);
  }

  // ---- monitors -------------------------------------------------------------------

  private monitor(params: Json[], version: MonitorVersion): Json {
    const method = version === 1 ? 'monitor' : version === 2 ? 'monitor_cond' : 'monitor_cond_since';
    if (params.length !== (version === 3 ? 4 : 3) && !(version !== 3 && params.length === 2)) {
      throw syntaxError(params, 'invalid parameters');
    }
    const hosted = this.lookupDatabase(params, method);
    const id = params[1];
    const key = jsonToString(id);
    if (this.monitors.has(key)) throw syntaxError(id, 'duplicate monitor ID');
    const monitor = Monitor.parse(id, version, hosted.db.schema, params[2] ?? {});
    let result: Json;
    if (version === 3) {
      const lastId = params[3];
      const since = typeof lastId === 'string' ? hosted.changesSince(lastId) : null;
      if (since === null) {
        result = [false, hosted.lastTxnId, monitor.initial(hosted.db.tables)];
      } else {
        result = [true, hosted.lastTxnId, monitor.updates(since) ?? {}];
      }
    } else {
      result = monitor.initial(hosted.db.tables);
    }
    this.monitors.set(key, monitor);
    hosted.monitors.set(monitor, this);
    return result;
  }

  private monitorCancel(params: Json[]): Json {
    if (params.length !== 1) throw syntaxError(params, 'invalid parameters');
    const key = jsonToString(params[0]);
    const monitor = this.monitors.get(key);
    if (!monitor) throw new PlainError('unknown monitor');
    this.monitors.delete(key);
    this.server.database(monitor.dbName)?.monitors.delete(monitor);
    return {};
  }

  private monitorCondChange(params: Json[]): Json {
    if (params.length !== 3) throw syntaxError(params, 'invalid parameters');
    const [oldId, newId, requests] = params;
    const oldKey = jsonToString(oldId);
    const monitor = this.monitors.get(oldKey);
    if (!monitor || monitor.version === 1) throw syntaxError(oldId, 'unknown monitor session');
    const newKey = jsonToString(newId);
    if (newKey !== oldKey && this.monitors.has(newKey)) throw syntaxError(newId, 'duplicate monitor ID');
    const hosted = this.server.database(monitor.dbName) as HostedDatabase;
    const updates = monitor.changeConditions(hosted.db.schema, requests, hosted.db.tables);
    this.monitors.delete(oldKey);
    monitor.id = newId;
    this.monitors.set(newKey, monitor);
    // Before the reply, as ovsdb-server sends them.
    if (updates) this.sendUpdates(monitor, hosted, updates);
    return {};
  }

  /**
   * Sends one monitor's updates given as JSON text (`updatesText`, shared by
   * monitors that asked alike), or as a value where the channel cannot take text.
   */
  sendUpdatesText(monitor: Monitor, hosted: HostedDatabase, updates: Json, updatesText: string): void {
    if (this.closed) return;
    if (!this.channel.sendText) {
      this.sendUpdates(monitor, hosted, updates);
      return;
    }
    const method = monitor.version === 1 ? 'update' : monitor.version === 2 ? 'update2' : 'update3';
    const txnId = monitor.version === 3 ? `${JSON.stringify(hosted.lastTxnId)},` : '';
    this.channel.sendText(`{"id":null,"method":"${method}","params":[${JSON.stringify(monitor.id)},${txnId}${updatesText}]}`);
    this.checkBacklog();
  }

  /** Sends one monitor's updates in the monitor's notification format. */
  sendUpdates(monitor: Monitor, hosted: HostedDatabase, updates: Json): void {
    if (monitor.version === 1) this.send(createNotify('update', [monitor.id, updates]));
    else if (monitor.version === 2) this.send(createNotify('update2', [monitor.id, updates]));
    else this.send(createNotify('update3', [monitor.id, hosted.lastTxnId, updates]));
  }

  // ---- locks ----------------------------------------------------------------------

  private lockName(params: Json[], method: string): string {
    if (params.length !== 1 || typeof params[0] !== 'string') throw syntaxError(params, `${method} request params must be <id>`);
    return params[0];
  }

  private lock(method: 'lock' | 'steal', params: Json[]): Json {
    const name = this.lockName(params, method);
    if (this.lockNames.has(name)) throw syntaxError(params, `must issue "unlock" before new "${method}"`);
    this.lockNames.add(name);
    if (method === 'steal') {
      this.server.locks.steal(name, this);
      return { locked: true };
    }
    return { locked: this.server.locks.lock(name, this) };
  }

  private unlock(params: Json[]): Json {
    const name = this.lockName(params, 'unlock');
    if (!this.lockNames.has(name)) throw syntaxError(params, 'unlock: "unlock" without "lock" or "steal"');
    this.lockNames.delete(name);
    this.server.locks.unlock(name, this);
    return {};
  }
}

/** An error replied as a bare string ("unknown method", "unknown monitor"), as ovsdb-server does. */
class PlainError extends Error {}
