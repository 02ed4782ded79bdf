// The in-memory OVSDB database: one Table of rows per schema table, rows as
// immutable snapshots (uuid, _version, column values), and the change record
// each commit produces for monitors and storage. transaction.ts works on
// copies and hands back a commit that apply() installs in one step.
// Called by the server and tests; storage (the on-disk log) comes later.

import { compareAtoms, datumKey, datumToJson, defaultDatum, type Atom, type Datum } from './data.js';
import { isReference } from './schema.js';
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
  /** One map per schema index (same order): index key -> uuid of the row holding it. */
  readonly indexes: Map<string, string>[];
  constructor(readonly schema: TableSchema) {
    this.indexes = schema.indexes.map(() => new Map<string, string>());
  }
}

/** Key of a row in the database-wide reference counts. */
export function referenceKey(table: string, uuid: string): string {
  return `${table}/${uuid}`;
}

/** Calls `visit` with +1 or -1 for each element in `after` but not `before` or the reverse; both sorted. */
function diffSorted(before: readonly Atom[], after: readonly Atom[], visit: (atom: string, sign: 1 | -1) => void): void {
  let i = 0;
  let j = 0;
  while (i < before.length || j < after.length) {
    const order = i === before.length ? 1 : j === after.length ? -1 : compareAtoms(before[i], after[j]);
    if (order === 0) {
      i++;
      j++;
    } else if (order < 0) {
      visit(before[i++] as string, -1);
    } else {
      visit(after[j++] as string, 1);
    }
  }
}

/** Same for unsorted lists with repeats (map values). */
function diffUnsorted(before: readonly Atom[], after: readonly Atom[], visit: (atom: string, sign: 1 | -1) => void): void {
  const counts = new Map<string, number>();
  for (const atom of after) counts.set(atom as string, (counts.get(atom as string) ?? 0) + 1);
  for (const atom of before) counts.set(atom as string, (counts.get(atom as string) ?? 0) - 1);
  for (const [atom, count] of counts) {
    for (let n = 0; n < Math.abs(count); n++) visit(atom, count > 0 ? 1 : -1);
  }
}

/**
 * Calls `visit` for each strong reference that a change from `before` to
 * `after` (null: no row) adds (+1) or removes (-1). Only changed columns are
 * looked at, so a big set that gains one element costs one merge.
 */
export function forEachStrongReferenceChange(
  before: Row | null, after: Row | null, table: TableSchema,
  visit: (refTable: string, uuid: string, sign: 1 | -1, column: string) => void,
): void {
  for (const column of table.columns.values()) {
    const { key, value } = column.type;
    const strongKey = isReference(key) && key.refType !== 'weak';
    const strongValue = isReference(value) && value.refType !== 'weak';
    if (!strongKey && !strongValue) continue;
    const old = before?.data.get(column.name);
    const now = after?.data.get(column.name);
    if (old === now) continue;
    if (strongKey) diffSorted(old?.keys ?? [], now?.keys ?? [], (uuid, sign) => visit(key.refTable, uuid, sign, column.name));
    if (strongValue) diffUnsorted(old?.values ?? [], now?.values ?? [], (uuid, sign) => visit(value.refTable, uuid, sign, column.name));
  }
}

/** The key under which `row` is filed in an index over `columns`. */
export function indexKey(row: Row, columns: readonly string[]): string {
  return JSON.stringify(columns.map((column) => datumKey(rowValue(row, column))));
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
  /**
   * Strong references to each row (by referenceKey()), kept up to date by
   * apply() so that commits check and collect garbage without a full scan.
   */
  readonly strongReferences = new Map<string, number>();

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
        forEachStrongReferenceChange(change.old, change.new, table.schema, (refTable, uuid, sign) => {
          const key = referenceKey(refTable, uuid);
          const total = (this.strongReferences.get(key) ?? 0) + sign;
          if (total === 0) this.strongReferences.delete(key);
          else this.strongReferences.set(key, total);
        });
        if (change.old) {
          table.schema.indexes.forEach((columns, i) => table.indexes[i].delete(indexKey(change.old as Row, columns)));
        }
      }
      for (const change of changes) {
        if (change.new) {
          table.rows.set(change.uuid, change.new);
          table.schema.indexes.forEach((columns, i) => table.indexes[i].set(indexKey(change.new as Row, columns), change.uuid));
        } else {
          table.rows.delete(change.uuid);
        }
      }
    }
  }
}
