// The in-memory OVSDB database: one Table of rows per schema table, rows as
// immutable snapshots (uuid, _version, column values), and the change record
// each commit produces for monitors and storage. transaction.ts works on
// copies and hands back a commit that apply() installs in one step.
// Called by the server and tests; storage (the on-disk log) comes later.

import { datumToJson, defaultDatum, type Datum } from './data.js';
import type { JsonObject } from './json.js';
import type { DatabaseSchema, TableSchema } from './schema.js';
import { transact, type TransactOptions, type TransactOutcome } from './transaction.js';
import type { Json } from './json.js';

/** One row as of one commit. Never modified: updates make a new Row. */
export interface Row {
  readonly uuid: string;
  /** The _version column: a fresh UUID each time a commit changes the row. */
  readonly version: string;
  /** Values of the user columns (not _uuid or _version). */
  readonly data: ReadonlyMap<string, Datum>;
}

/** How one row changed in a commit: old is null for inserts, new is null for deletes. */
export interface RowChange {
  readonly uuid: string;
  readonly old: Row | null;
  readonly new: Row | null;
}

/** What a commit did, per table, in table order; what monitors and the log need. */
export interface CommitRecord {
  readonly tables: ReadonlyMap<string, readonly RowChange[]>;
  /** The "commit" operation asked for a durable (fsynced) commit. */
  readonly durable: boolean;
  /** Text of "comment" operations, joined by newlines, for the log. */
  readonly comment: string | undefined;
}

export class Table {
  readonly rows = new Map<string, Row>();
  constructor(readonly schema: TableSchema) {}
}

/** The value of `column` in `row`, including the implicit _uuid and _version. */
export function rowValue(row: Row, column: string): Datum {
  if (column === '_uuid') return { keys: [row.uuid] };
  if (column === '_version') return { keys: [row.version] };
  const value = row.data.get(column);
  if (value === undefined) throw new RangeError(`row ${row.uuid} has no column ${column}`);
  return value;
}

/** A row as JSON: the selected columns (default all, with _uuid and _version). */
export function rowToJson(row: Row, table: TableSchema, columns?: readonly string[]): JsonObject {
  const json: JsonObject = {};
  for (const name of columns ?? table.columns.keys()) {
    const column = table.columns.get(name);
    if (!column) throw new RangeError(`table ${table.name} has no column ${name}`);
    json[name] = datumToJson(rowValue(row, name), column.type);
  }
  return json;
}

/** A new row's data: every user column at its default. */
export function defaultRowData(table: TableSchema): Map<string, Datum> {
  const data = new Map<string, Datum>();
  for (const column of table.columns.values()) {
    if (!column.name.startsWith('_')) data.set(column.name, defaultDatum(column.type));
  }
  return data;
}

export class Database {
  readonly tables = new Map<string, Table>();

  constructor(readonly schema: DatabaseSchema) {
    for (const table of schema.tables.values()) this.tables.set(table.name, new Table(table));
  }

  /**
   * Runs an RFC 7047 "transact" (the operations, without the database name).
   * Either all operations apply and `commit` describes the change, or none does.
   */
  transact(operations: readonly Json[], options: TransactOptions = {}): TransactOutcome {
    return transact(this, operations, options);
  }

  /** Installs a commit made by transact(); the caller must not reorder commits. */
  apply(commit: CommitRecord): void {
    for (const [name, changes] of commit.tables) {
      const table = this.tables.get(name) as Table;
      for (const change of changes) {
        if (change.new) table.rows.set(change.uuid, change.new);
        else table.rows.delete(change.uuid);
      }
    }
  }
}
