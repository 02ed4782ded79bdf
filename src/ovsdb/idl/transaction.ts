// A transaction against an IDL replica (OVS's ovsdb_idl_txn): row edits made
// on top of the replica (reads see them at once), "verify" prerequisites that
// become "wait" operations so the commit fails with TRY_AGAIN if another client
// changed a column this one read, inserted rows named by named-uuid and
// resolved to real UUIDs from the reply, an optional counter increment
// (vsctl's next_cfg) and a lock assertion. commit() waits until the replica
// shows the committed change. Built by Idl.transaction(); used by vsctl.

import { atomToJson, datumToJson, datumsEqual, defaultDatum as defaultFor, newUuid, type Atom, type Datum } from '../data.js';
import type { Json } from '../json.js';
import type { ColumnType } from '../schema.js';
import type { Idl, IdlRow } from './idl.js';

export type IdlTxnStatus =
  /** Nothing to do: the transaction made no change (and had no increment). */
  | 'unchanged'
  | 'success'
  /** A verified column changed, a row went away, or the connection dropped: rebuild and retry. */
  | 'try-again'
  /** The transaction asserted a lock this client does not hold. */
  | 'not-locked'
  | 'error';

export interface IdlTxnResult {
  readonly status: IdlTxnStatus;
  /** For 'error': the server's error object (or a description), as JSON text. */
  readonly error?: string;
  /** Temporary UUID of each inserted row -> the UUID the server gave it. */
  readonly insertedUuids: ReadonlyMap<string, string>;
  /** The incremented counter's new value, when increment() was used. */
  readonly incrementValue?: number;
}

interface RowEdit {
  readonly table: string;
  readonly uuid: string;
  /** New rows carry every written column; existing rows only the changed ones. */
  readonly written: Map<string, Datum>;
  readonly inserted: boolean;
  deleted: boolean;
}

const NOT_CONNECTED: IdlTxnResult = { status: 'try-again', insertedUuids: new Map() };

export class IdlTransaction {
  private readonly idl: Idl;
  private readonly edits = new Map<string, RowEdit>();
  /** Per row: the verified columns with the values this transaction read. */
  private readonly verifies = new Map<string, Map<string, Datum>>();
  private increment_: { table: string; uuid: string; column: string } | null = null;
  private readonly comments: string[] = [];
  /** With dryRun, commit() sends everything but ends with an abort, so nothing changes. */
  dryRun = false;

  constructor(idl: Idl) {
    this.idl = idl;
  }

  // -- the view: replica plus this transaction's edits ----------------------------

  private key(table: string, uuid: string): string {
    return `${table} ${uuid}`;
  }

  /** Rows of `table` as this transaction sees them. */
  rows(table: string): IdlRow[] {
    const result: IdlRow[] = [];
    for (const row of this.idl.rows(table)) {
      const edit = this.edits.get(this.key(table, row.uuid));
      if (!edit?.deleted) result.push(row);
    }
    for (const edit of this.edits.values()) {
      if (edit.table === table && edit.inserted && !edit.deleted) result.push({ uuid: edit.uuid, table, columns: edit.written });
    }
    return result;
  }

  /** One row as this transaction sees it, or undefined. */
  row(table: string, uuid: string): IdlRow | undefined {
    const edit = this.edits.get(this.key(table, uuid));
    if (edit?.deleted) return undefined;
    if (edit?.inserted) return { uuid, table, columns: edit.written };
    return this.idl.row(table, uuid);
  }

  /** A column's value as this transaction sees it. */
  get(table: string, uuid: string, column: string): Datum {
    const edit = this.edits.get(this.key(table, uuid));
    const written = edit?.written.get(column);
    if (written) return written;
    const value = this.idl.row(table, uuid)?.columns.get(column);
    if (!value) throw new RangeError(`${table} ${uuid}: no column ${column} in the replica`);
    return value;
  }

  isInserted(table: string, uuid: string): boolean {
    return this.edits.get(this.key(table, uuid))?.inserted === true;
  }

  // -- edits -------------------------------------------------------------------------

  /** Inserts a row with default values; returns its temporary UUID (`uuid` if given), replaced by the real one at commit. */
  insert(table: string, uuid: string = newUuid()): string {
    const written = new Map<string, Datum>();
    for (const column of this.idl.tableSchema(table).columns.values()) {
      if (!column.name.startsWith('_')) written.set(column.name, defaultFor(column.type));
    }
    this.edits.set(this.key(table, uuid), { table, uuid, written, inserted: true, deleted: false });
    return uuid;
  }

  /** Sets one column of a row (existing or inserted). */
  write(table: string, uuid: string, column: string, value: Datum): void {
    const key = this.key(table, uuid);
    let edit = this.edits.get(key);
    if (!edit) {
      if (!this.idl.row(table, uuid)) throw new RangeError(`${table} ${uuid}: no such row`);
      edit = { table, uuid, written: new Map(), inserted: false, deleted: false };
      this.edits.set(key, edit);
    }
    if (!this.idl.tableSchema(table).columns.has(column)) throw new RangeError(`${table}: no column ${column}`);
    edit.written.set(column, value);
  }

  /** Deletes a row. Rows of non-root tables are left to the server's garbage collection, as OVS does. */
  delete(table: string, uuid: string): void {
    const key = this.key(table, uuid);
    const edit = this.edits.get(key);
    if (edit?.inserted) {
      this.edits.delete(key);
      return;
    }
    if (edit) edit.deleted = true;
    else this.edits.set(key, { table, uuid, written: new Map(), inserted: false, deleted: true });
  }

  /** Makes the commit fail with TRY_AGAIN if `column` of the row changes before it is applied. */
  verify(table: string, uuid: string, column: string): void {
    if (this.isInserted(table, uuid)) return;
    const key = this.key(table, uuid);
    let columns = this.verifies.get(key);
    if (!columns) this.verifies.set(key, (columns = new Map()));
    const value = this.idl.row(table, uuid)?.columns.get(column);
    if (value && !columns.has(column)) columns.set(column, value);
  }

  /** Adds 1 to an integer column at commit time (when the transaction changes anything). */
  increment(table: string, uuid: string, column: string): void {
    this.increment_ = { table, uuid, column };
  }

  addComment(text: string): void {
    this.comments.push(text);
  }

  // -- commit -----------------------------------------------------------------------

  private namedUuid(uuid: string): string {
    return `row${uuid.replace(/-/g, '_')}`;
  }

  private atomJson(atom: Atom, type: ColumnType['key']): Json {
    if (type.type === 'uuid') {
      for (const edit of this.edits.values()) {
        if (edit.inserted && edit.uuid === atom) return ['named-uuid', this.namedUuid(atom as string)];
      }
    }
    return atomToJson(atom, type.type);
  }

  private datumJson(datum: Datum, type: ColumnType): Json {
    const hasNew = [type.key, type.value].some((base) => base?.type === 'uuid');
    if (!hasNew) return datumToJson(datum, type);
    if (datum.values) {
      return ['map', datum.keys.map((key, i) => [
        this.atomJson(key, type.key), this.atomJson((datum.values as Atom[])[i] as Atom, type.value as ColumnType['key']),
      ])];
    }
    if (datum.keys.length === 1 && type.max === 1) return this.atomJson(datum.keys[0] as Atom, type.key);
    return ['set', datum.keys.map((key) => this.atomJson(key, type.key))];
  }

  /** Selects one row; a row this transaction inserts is named by its named-uuid. */
  private where(uuid: string): Json {
    return [['_uuid', '==', this.atomJson(uuid, { type: 'uuid' })]];
  }

  /** The operations this transaction sends (without the database name). */
  operations(): { operations: Json[]; kinds: string[] } {
    const operations: Json[] = [];
    const kinds: string[] = [];
    const push = (kind: string, op: Json): void => {
      operations.push(op);
      kinds.push(kind);
    };
    const lock = this.idl.getLockName();
    if (lock !== null) push('assert', { op: 'assert', lock });
    for (const [key, columns] of this.verifies) {
      const [table, uuid] = key.split(' ') as [string, string];
      const schema = this.idl.tableSchema(table);
      const values: { [column: string]: Json } = {};
      for (const [column, value] of columns) {
        const type = schema.columns.get(column)?.type;
        if (type) values[column] = datumToJson(value, type);
      }
      push('wait', {
        op: 'wait', timeout: 0, table, where: this.where(uuid), until: '==',
        columns: Object.keys(values), rows: [values],
      });
    }
    let changes = 0;
    for (const edit of this.edits.values()) {
      const schema = this.idl.tableSchema(edit.table);
      if (edit.deleted) {
        if (!schema.isRoot) continue;
        push('delete', { op: 'delete', table: edit.table, where: this.where(edit.uuid) });
        changes++;
        continue;
      }
      const row: { [column: string]: Json } = {};
      const current = edit.inserted ? undefined : this.idl.row(edit.table, edit.uuid);
      for (const [column, value] of edit.written) {
        const type = schema.columns.get(column)?.type as ColumnType;
        if (edit.inserted && datumsEqual(value, defaultFor(type))) continue;
        const before = current?.columns.get(column);
        if (before && datumsEqual(before, value)) continue;
        row[column] = this.datumJson(value, type);
      }
      if (edit.inserted) {
        push('insert', { op: 'insert', table: edit.table, 'uuid-name': this.namedUuid(edit.uuid), row });
        changes++;
      } else if (Object.keys(row).length) {
        push('update', { op: 'update', table: edit.table, where: this.where(edit.uuid), row });
        changes++;
      }
    }
    if (changes === 0) return { operations: [], kinds: [] };
    if (this.increment_) {
      const { table, uuid, column } = this.increment_;
      push('mutate', { op: 'mutate', table, where: this.where(uuid), mutations: [[column, '+=', 1]] });
      push('select', { op: 'select', table, where: this.where(uuid), columns: [column] });
    }
    if (this.comments.length) push('comment', { op: 'comment', comment: this.comments.join('\n') });
    if (this.dryRun) push('abort', { op: 'abort' });
    return { operations, kinds };
  }

  /**
   * Sends the transaction and waits for its outcome and, on success, for the
   * replica to show it. Never rejects: a dropped connection is 'try-again'.
   */
  async commit(): Promise<IdlTxnResult> {
    const { operations, kinds } = this.operations();
    if (operations.length === 0) return { status: 'unchanged', insertedUuids: new Map() };
    if (!this.idl.isConnected()) return NOT_CONNECTED;
    let reply: Json;
    try {
      reply = (await this.idl.transact(operations)) as Json;
    } catch {
      return NOT_CONNECTED;
    }
    if (!Array.isArray(reply)) return { status: 'error', error: JSON.stringify(reply), insertedUuids: new Map() };
    const inserted = new Map<string, string>();
    let incrementValue: number | undefined;
    const insertTemps = [...this.edits.values()].filter((edit) => edit.inserted && !edit.deleted).map((edit) => edit.uuid);
    let insertIndex = 0;
    for (let i = 0; i < reply.length; i++) {
      const result = reply[i];
      const kind = kinds[i];
      if (isObject(result) && typeof result.error === 'string') {
        if (kind === 'wait' && result.error === 'timed out') return { status: 'try-again', insertedUuids: inserted };
        if (kind === 'assert' && result.error === 'not owner') return { status: 'not-locked', insertedUuids: inserted };
        if (kind === 'abort' && this.dryRun) return { status: 'success', insertedUuids: inserted };
        return { status: 'error', error: jsonText(result), insertedUuids: inserted };
      }
      if (!isObject(result)) continue;
      if (kind === 'insert') {
        const uuid = result.uuid;
        if (Array.isArray(uuid)) inserted.set(insertTemps[insertIndex] as string, uuid[1] as string);
        insertIndex++;
      } else if (kind === 'update' && result.count === 0) {
        // The row went away since we read it.
        return { status: 'try-again', insertedUuids: inserted };
      } else if (kind === 'select' && this.increment_) {
        const rows = result.rows;
        const value = Array.isArray(rows) && isObject(rows[0]) ? rows[0][this.increment_.column] : undefined;
        if (typeof value === 'number') incrementValue = value;
      }
    }
    await this.waitForReplica(inserted).catch(() => undefined);
    return incrementValue === undefined
      ? { status: 'success', insertedUuids: inserted }
      : { status: 'success', insertedUuids: inserted, incrementValue };
  }

  /**
   * Resolves when the replica holds the inserted root rows and no longer holds
   * the deleted ones, after an echo round trip (the server sends the updates
   * of our transaction before it answers a later request). Rows of non-root
   * tables may have been garbage collected, so they are not waited for.
   */
  private async waitForReplica(inserted: ReadonlyMap<string, string>): Promise<void> {
    await this.idl.echo();
    const checks: (() => boolean)[] = [];
    for (const edit of this.edits.values()) {
      const root = this.idl.tableSchema(edit.table).isRoot;
      if (edit.inserted && !edit.deleted && root) {
        const real = inserted.get(edit.uuid);
        const wanted = this.idl.isReplicated(edit.table);
        if (real && wanted) checks.push(() => this.idl.row(edit.table, real) !== undefined);
      } else if (edit.deleted && root) {
        checks.push(() => this.idl.row(edit.table, edit.uuid) === undefined);
      }
    }
    await this.idl.waitFor(() => !this.idl.isConnected() || checks.every((check) => check()));
  }
}


function isObject(value: unknown): value is { [key: string]: Json } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The error object as OVS prints it: compact JSON with members sorted. */
function jsonText(value: { [key: string]: Json }): string {
  const sorted: { [key: string]: Json } = {};
  for (const key of Object.keys(value).sort()) sorted[key] = value[key] as Json;
  return JSON.stringify(sorted);
}
