// RFC 7047 "transact": runs operations (insert, select, update, mutate,
// delete, wait, commit, abort, comment, assert) against views that overlay
// the transaction's changes on the committed tables, then the commit-time
// checks in the order ovsdb-server makes them (dangling and remaining strong
// references, garbage collection, maxRows, weak references, indexes) and
// installs the result all at once. Results are the exact JSON array the real
// server replies with. Called through Database.transact().

import { OvsdbError, syntaxError } from './error.js';
import { expectObject, isJsonObject, MemberParser, type Json, type JsonObject } from './json.js';
import { checkDatum, datumsEqual, datumToText, datumKey, isUuid, newUuid, parseDatum, type Atom, type Datum, type SymbolTable } from './data.js';
import { evaluateConditions, parseConditions, type Condition } from './condition.js';
import { applyMutation, parseMutations } from './mutation.js';
import { isReference, type BaseType, type ColumnSchema, type TableSchema } from './schema.js';
import { defaultRowData, forEachStrongReferenceChange, indexKey, referenceKey, rowToJson, rowValue, type CommitRecord, type Database, type Row, type RowChange } from './database.js';

export interface TransactOptions {
  /** Whether the session owns a lock, for "assert"; without it every assert fails. */
  hasLock?: (name: string) => boolean;
  /**
   * False makes a "wait" that would block fail with "not supported", as
   * ovsdb-tool does (it has no way to block). Default true.
   */
  triggers?: boolean;
  /**
   * The caller waited this long (ms) and the wait's timeout has passed:
   * blocking waits now fail with "timed out" and say how long it took.
   */
  waitedMs?: number;
}

/**
 * "done": `results` is the reply's result array (with a trailing error object
 * when commit-time checks failed) and `commit` what changed, already applied
 * to the database (null when nothing was committed).
 * "wait": a "wait" operation is not yet satisfied; nothing was applied. The
 * caller retries the whole transaction when the database changes, and after
 * `timeoutMs` (Infinity: never) retries with `waitedMs` set.
 */
export type TransactOutcome =
  | { readonly kind: 'done'; readonly results: Json[]; readonly commit: CommitRecord | null }
  | { readonly kind: 'wait'; readonly timeoutMs: number };

/** Thrown internally to unwind a blocked wait; never escapes transact(). */
class WaitSignal {
  constructor(readonly timeoutMs: number) {}
}

interface NamedUuid {
  readonly uuid: string;
  /** An insert with this uuid-name ran; a second one is a "duplicate uuid-name". */
  created: boolean;
}

/**
 * A table as the transaction sees it: the committed rows plus this
 * transaction's changes (a new Row, or null for a deleted row), so that a
 * transaction costs what it touches, not the size of the table.
 */
class TableView {
  /** uuid -> new row, or null when a committed row is deleted. */
  readonly changes = new Map<string, Row | null>();
  private insertedCount = 0;
  private deletedCount = 0;

  constructor(readonly name: string, readonly original: ReadonlyMap<string, Row>) {}

  get(uuid: string): Row | undefined {
    const change = this.changes.get(uuid);
    return change === undefined ? this.original.get(uuid) : change ?? undefined;
  }

  has(uuid: string): boolean {
    return this.get(uuid) !== undefined;
  }

  get size(): number {
    return this.original.size + this.insertedCount - this.deletedCount;
  }

  set(uuid: string, row: Row): void {
    const existed = this.has(uuid);
    if (!existed && this.original.has(uuid)) this.deletedCount--;
    else if (!existed) this.insertedCount++;
    this.changes.set(uuid, row);
  }

  delete(uuid: string): void {
    if (!this.has(uuid)) return;
    if (this.original.has(uuid)) {
      this.changes.set(uuid, null);
      this.deletedCount++;
    } else {
      this.changes.delete(uuid);
      this.insertedCount--;
    }
  }

  /** Drops changes that turned out to change nothing (an update to the same values). */
  dropNoOps(): void {
    for (const [uuid, row] of this.changes) {
      const before = this.original.get(uuid);
      if (row && before && !rowChanged(before, row)) this.changes.delete(uuid);
    }
  }

  *values(): IterableIterator<Row> {
    for (const [uuid, row] of this.original) {
      const change = this.changes.get(uuid);
      if (change === undefined) yield row;
      else if (change) yield change;
    }
    for (const [uuid, row] of this.changes) {
      if (row && !this.original.has(uuid)) yield row;
    }
  }
}

/** One transaction's working state. */
class Txn implements SymbolTable {
  /** Views of the tables touched so far, in the order first touched. */
  private readonly views = new Map<string, TableView>();
  private readonly symbols = new Map<string, NamedUuid>();
  durable = false;
  readonly comments: string[] = [];

  constructor(readonly db: Database, readonly options: TransactOptions) {}

  resolve(name: string): string {
    let symbol = this.symbols.get(name);
    if (!symbol) {
      symbol = { uuid: newUuid(), created: false };
      this.symbols.set(name, symbol);
    }
    return symbol.uuid;
  }

  /** Names an insert's row; null if an earlier insert already used the name. */
  claim(name: string): NamedUuid | null {
    this.resolve(name);
    const symbol = this.symbols.get(name) as NamedUuid;
    if (symbol.created) return null;
    symbol.created = true;
    return symbol;
  }

  original(table: string): ReadonlyMap<string, Row> {
    return this.db.tables.get(table)?.rows ?? new Map<string, Row>();
  }

  /** The table as this transaction sees it (a view is made on first use). */
  rows(table: string): TableView {
    let view = this.views.get(table);
    if (!view) {
      view = new TableView(table, this.original(table));
      this.views.set(table, view);
    }
    return view;
  }

  /** The table's view if this transaction has touched it (no view is made). */
  peek(table: string): TableView | undefined {
    return this.views.get(table);
  }

  touched(): TableView[] {
    return [...this.views.values()];
  }
}

function lookupTable(txn: Txn, parser: MemberParser): TableSchema | undefined {
  const name = parser.get('table', 'id');
  if (typeof name !== 'string') return undefined;
  const table = txn.db.schema.tables.get(name);
  if (!table) parser.fail(`No table named ${name}.`);
  return table;
}

/** Parses an insert/update "row" object into column values. */
function parseRow(json: JsonObject, table: TableSchema, txn: Txn): Map<string, Datum> {
  const values = new Map<string, Datum>();
  for (const [name, value] of Object.entries(json)) {
    const column = table.columns.get(name);
    if (!column) throw new OvsdbError('unknown column', `No column ${name} in table ${table.name}.`, { syntax: json });
    values.set(name, parseDatum(value, column.type, txn));
  }
  return values;
}

function matchingRows(txn: Txn, table: TableSchema, where: readonly Condition[]): Row[] {
  const rows: Row[] = [];
  const view = txn.rows(table.name);
  // "_uuid == X" (how clients name one row) needs no scan.
  const byUuid = where.find((condition) => condition.column.name === '_uuid' && condition.function === '==');
  const candidates: Iterable<Row> = byUuid
    ? [view.get((byUuid.datum as Datum).keys[0] as string)].filter((row): row is Row => row !== undefined && (byUuid.datum as Datum).keys.length === 1)
    : view.values();
  for (const row of candidates) {
    if (evaluateConditions(where, (column) => rowValue(row, column))) rows.push(row);
  }
  return rows;
}

function parseColumnList(json: Json | undefined, table: TableSchema): string[] | undefined {
  if (json === undefined) return undefined;
  const names: string[] = [];
  for (const name of json as Json[]) {
    if (typeof name !== 'string' || !table.columns.has(name)) {
      throw syntaxError(json, `${typeof name === 'string' ? name : JSON.stringify(name)} is not a valid column name`);
    }
    if (names.includes(name)) throw syntaxError(json, 'array of distinct column names expected');
    names.push(name);
  }
  return names;
}

function withData(row: Row, changes: ReadonlyMap<string, Datum>): Row {
  const data = new Map(row.data);
  for (const [name, value] of changes) if (!name.startsWith('_')) data.set(name, value);
  return { uuid: row.uuid, version: row.version, data };
}

/** Runs one operation; returns its result object or throws OvsdbError / WaitSignal. */
function execute(txn: Txn, op: Json, index: number, count: number): JsonObject {
  const what = `ovsdb operation ${index + 1} of ${count}`;
  const parser = new MemberParser(expectObject(op, what), what);
  const name = parser.get('op', 'string');
  switch (name) {
    case 'insert': {
      const table = lookupTable(txn, parser);
      const rowJson = parser.get('row', 'object') as JsonObject;
      const uuidName = parser.get('uuid-name', 'id', true) as string | undefined;
      const uuidJson = parser.get('uuid', 'string', true) as string | undefined;
      parser.finish();
      const schema = table as TableSchema;
      let uuid: string | undefined;
      if (uuidJson !== undefined) {
        if (!isUuid(uuidJson)) throw syntaxError(uuidJson, 'bad uuid');
        uuid = uuidJson.toLowerCase();
        if (txn.rows(schema.name).has(uuid) || txn.original(schema.name).has(uuid)) {
          throw new OvsdbError('duplicate uuid',
            'This UUID would duplicate a UUID already present within the table or deleted within the same transaction.',
            { syntax: uuidJson });
        }
      }
      if (uuidName !== undefined) {
        const symbol = txn.claim(uuidName);
        if (!symbol) {
          throw new OvsdbError('duplicate uuid-name', 'This "uuid-name" appeared on an earlier "insert" operation.', { syntax: uuidName });
        }
        uuid ??= symbol.uuid;
      }
      uuid ??= newUuid();
      const values = parseRow(rowJson, schema, txn);
      const row = withData({ uuid, version: newUuid(), data: defaultRowData(schema) }, values);
      for (const column of schema.columns.values()) {
        if (!column.name.startsWith('_')) checkDatum(row.data.get(column.name) as Datum, column.type);
      }
      txn.rows(schema.name).set(uuid, row);
      return { uuid: ['uuid', uuid] };
    }
    case 'select': {
      const table = lookupTable(txn, parser);
      const whereJson = parser.get('where', 'array');
      const columnsJson = parser.get('columns', 'array', true);
      parser.finish();
      const schema = table as TableSchema;
      const where = parseConditions(whereJson, schema, txn);
      const columns = parseColumnList(columnsJson, schema);
      // Rows that look the same through the selected columns are reported once,
      // as ovsdb-server does when _uuid is not among the columns.
      const rows: JsonObject[] = [];
      const seen = new Set<string>();
      for (const row of matchingRows(txn, schema, where)) {
        const json = rowToJson(row, schema, columns);
        const key = JSON.stringify(json);
        if (seen.has(key)) continue;
        seen.add(key);
        rows.push(json);
      }
      return { rows };
    }
    case 'update': {
      const table = lookupTable(txn, parser);
      const whereJson = parser.get('where', 'array');
      const rowJson = parser.get('row', 'object') as JsonObject;
      parser.finish();
      const schema = table as TableSchema;
      const values = parseRow(rowJson, schema, txn);
      for (const columnName of values.keys()) {
        const column = schema.columns.get(columnName);
        if (column && !column.mutable) {
          throw new OvsdbError('constraint violation', `Cannot update immutable column ${columnName} in table ${schema.name}.`, { syntax: op });
        }
      }
      for (const [columnName, value] of values) checkDatum(value, schema.columns.get(columnName)!.type);
      const where = parseConditions(whereJson, schema, txn);
      const rows = matchingRows(txn, schema, where);
      const writable = txn.rows(schema.name);
      for (const row of rows) writable.set(row.uuid, withData(row, values));
      return { count: rows.length };
    }
    case 'mutate': {
      const table = lookupTable(txn, parser);
      const whereJson = parser.get('where', 'array');
      const mutationsJson = parser.get('mutations', 'array');
      parser.finish();
      const schema = table as TableSchema;
      const where = parseConditions(whereJson, schema, txn);
      const mutations = parseMutations(mutationsJson, schema, txn);
      const rows = matchingRows(txn, schema, where);
      const writable = txn.rows(schema.name);
      for (const row of rows) {
        const changes = new Map<string, Datum>();
        for (const mutation of mutations) {
          const name = mutation.column.name;
          changes.set(name, applyMutation(mutation, changes.get(name) ?? rowValue(row, name)));
        }
        writable.set(row.uuid, withData(row, changes));
      }
      return { count: rows.length };
    }
    case 'delete': {
      const table = lookupTable(txn, parser);
      const whereJson = parser.get('where', 'array');
      parser.finish();
      const schema = table as TableSchema;
      const rows = matchingRows(txn, schema, parseConditions(whereJson, schema, txn));
      const writable = txn.rows(schema.name);
      for (const row of rows) writable.delete(row.uuid);
      return { count: rows.length };
    }
    case 'wait': {
      const table = lookupTable(txn, parser);
      const whereJson = parser.get('where', 'array');
      const columnsJson = parser.get('columns', 'array', true);
      const until = parser.get('until', 'string');
      const rowsJson = parser.get('rows', 'array') as Json[];
      const timeout = parser.get('timeout', 'integer', true) as number | undefined;
      parser.finish();
      const schema = table as TableSchema;
      if (until !== '==' && until !== '!=') throw syntaxError(until, '"until" must be "==" or "!="');
      const where = parseConditions(whereJson, schema, txn);
      // Without "columns", rows compare on every column, as in select.
      const columns = parseColumnList(columnsJson, schema) ?? [...schema.columns.keys()];
      const key = (lookup: (column: string) => Datum): string => JSON.stringify(columns.map((column) => datumKey(lookup(column))));
      const expected = rowsJson.map((rowJson) => {
        if (!isJsonObject(rowJson)) throw syntaxError(rowJson, 'row must be JSON object');
        const values = parseRow(rowJson, schema, txn);
        return key((column) => values.get(column) ?? { keys: [] });
      });
      // Rows compare as sets: a row listed twice in "rows" matches one row.
      const wanted = new Set(expected);
      const found = new Set(matchingRows(txn, schema, where).map((row) => key((column) => rowValue(row, column))));
      const equal = wanted.size === found.size && [...wanted].every((value) => found.has(value));
      if (equal === (until === '==')) return {};
      if (timeout === 0) throw new OvsdbError('timed out', '"where" clause test failed');
      const waited = txn.options.waitedMs;
      if (waited !== undefined && timeout !== undefined && waited >= timeout) {
        throw new OvsdbError('timed out', `"wait" timed out after ${Math.round(waited)} ms`);
      }
      if (txn.options.triggers === false) throw new OvsdbError('not supported', 'triggers not supported');
      throw new WaitSignal(timeout ?? Infinity);
    }
    case 'commit': {
      const durable = parser.get('durable', 'boolean');
      parser.finish();
      txn.durable ||= durable === true;
      return {};
    }
    case 'abort':
      parser.finish();
      throw new OvsdbError('aborted', 'aborted by request');
    case 'comment': {
      const comment = parser.get('comment', 'string');
      parser.finish();
      txn.comments.push(comment as string);
      return {};
    }
    case 'assert': {
      const lock = parser.get('lock', 'id');
      parser.finish();
      if (!txn.options.hasLock?.(lock as string)) throw new OvsdbError('not owner', `Asserted lock ${String(lock)} not held.`);
      return {};
    }
    default:
      if (typeof name === 'string') parser.fail(`No operation "${name}"`);
      parser.finish();
      throw new RangeError('unreachable: parser.finish() did not throw');
  }
}

function rowChanged(before: Row, after: Row): boolean {
  if (before === after) return false;
  for (const [name, value] of after.data) {
    if (!datumsEqual(value, before.data.get(name) as Datum)) return true;
  }
  return false;
}

/** "a", "a and b", "a, b, and c": how index columns and values are listed. */
function englishList(items: readonly string[]): string {
  if (items.length <= 2) return items.join(' and ');
  return `${items.slice(0, -1).join(', ')}, and ${items[items.length - 1]}`;
}

function indexValuesText(row: Row, table: TableSchema, index: readonly string[]): string {
  return englishList(index.map((column) => datumToText(rowValue(row, column), table.columns.get(column)!.type)));
}

/** How the index error describes one of the two clashing rows. */
function describeIndexRow(txn: Txn, table: TableSchema, index: readonly string[], row: Row): string {
  const before = txn.original(table.name).get(row.uuid);
  if (!before) return 'was inserted by this transaction';
  if (!rowChanged(before, row)) return 'existed in the database before this transaction and was not modified by the transaction';
  if (index.some((column) => !datumsEqual(rowValue(before, column), rowValue(row, column)))) {
    return `had the following index values before the transaction: ${indexValuesText(before, table, index)}`;
  }
  return "existed in the database before this transaction, which modified some of the row's columns but not any columns in this index";
}

/** weakColumns() per table schema, since every commit asks for every table. */
const weakColumnsCache = new WeakMap<TableSchema, { column: ColumnSchema; targets: string[] }[]>();

/** Columns of `table` holding weak references, with the tables they point to. */
function weakColumns(table: TableSchema): { column: ColumnSchema; targets: string[] }[] {
  let cached = weakColumnsCache.get(table);
  if (!cached) {
    cached = findWeakColumns(table);
    weakColumnsCache.set(table, cached);
  }
  return cached;
}

function findWeakColumns(table: TableSchema): { column: ColumnSchema; targets: string[] }[] {
  const found: { column: ColumnSchema; targets: string[] }[] = [];
  for (const column of table.columns.values()) {
    const targets = [column.type.key, column.type.value]
      .filter((base) => isReference(base) && base.refType === 'weak')
      .map((base) => base!.refTable as string);
    if (targets.length) found.push({ column, targets });
  }
  return found;
}

/**
 * The commit-time checks, in the order ovsdb-server makes them (the corpus's
 * transact-ordering.json pins it down); modifies the working state (garbage
 * collection, weak references). Throws the first failure. Work is
 * proportional to the rows changed, using the database's reference counts.
 */
function precommit(txn: Txn): void {
  const schema = txn.db.schema;
  for (const view of txn.touched()) view.dropNoOps();
  // References this transaction adds to rows that do not exist. (A row that
  // keeps an old reference to a deleted row is reported below instead, as
  // "cannot delete", like ovsdb-server does.)
  for (const view of txn.touched()) {
    const table = schema.tables.get(view.name) as TableSchema;
    for (const [uuid, row] of view.changes) {
      if (!row) continue;
      forEachStrongReferenceChange(view.original.get(uuid) ?? null, row, table, (refTable, target, sign, column) => {
        if (sign > 0 && !txn.rows(refTable).has(target)) {
          throw new OvsdbError('referential integrity violation',
            `Table ${view.name} column ${column} row ${uuid} references nonexistent row ${target} in table ${refTable}.`);
        }
      });
    }
  }
  // Strong reference counts after this transaction: committed counts plus deltas.
  const delta = new Map<string, number>();
  const candidates: [string, string][] = [];
  const adjust = (before: Row | null, after: Row | null, table: TableSchema): void => {
    forEachStrongReferenceChange(before, after, table, (refTable, uuid, sign) => {
      const key = referenceKey(refTable, uuid);
      delta.set(key, (delta.get(key) ?? 0) + sign);
      if (sign < 0) candidates.push([refTable, uuid]);
    });
  };
  for (const view of txn.touched()) {
    const table = schema.tables.get(view.name) as TableSchema;
    for (const [uuid, row] of view.changes) {
      const before = view.original.get(uuid) ?? null;
      adjust(before, row, table);
      if (row && !before) candidates.push([view.name, uuid]);
    }
  }
  const references = (table: string, uuid: string): number => {
    const key = referenceKey(table, uuid);
    return (txn.db.strongReferences.get(key) ?? 0) + (delta.get(key) ?? 0);
  };
  // Rows deleted by "delete" that strong references still point at.
  for (const view of txn.touched()) {
    for (const [uuid, row] of view.changes) {
      const remaining = row === null ? references(view.name, uuid) : 0;
      if (remaining > 0) {
        throw new OvsdbError('referential integrity violation',
          `cannot delete ${view.name} row ${uuid} because of ${remaining} remaining reference(s)`);
      }
    }
  }
  // Garbage collection: non-root rows that nothing references strongly any
  // more, repeated for the rows those pointed at.
  while (candidates.length) {
    const [name, uuid] = candidates.pop() as [string, string];
    const table = schema.tables.get(name) as TableSchema;
    if (table.isRoot || references(name, uuid) > 0) continue;
    const view = txn.rows(name);
    const row = view.get(uuid);
    if (!row) continue;
    view.delete(uuid);
    adjust(row, null, table);
  }
  // maxRows counts rows after garbage collection and before weak references
  // are cleaned up: ovsdb-server reports a full table before a weak-reference
  // minimum (checked with the corpus).
  for (const view of txn.touched()) {
    const table = schema.tables.get(view.name) as TableSchema;
    if (view.size > table.maxRows) {
      throw new OvsdbError('constraint violation',
        `transaction causes "${view.name}" table to contain ${view.size} rows, greater than the schema-defined limit of ${table.maxRows} row(s)`);
    }
  }
  // Weak references to rows that are gone disappear from the referring
  // column (a map loses the whole pair). Changed rows are always checked;
  // other rows only when a table they point at lost rows in this
  // transaction. A dropped pair's strong value may have been the last
  // reference to its row: a live ovsdb-server keeps that row anyway (it is
  // collected only when the log is replayed, which is why ovsdb-tool, which
  // reloads its file each time, shows it gone), so no collection runs here.
  // The server also keeps counting the dropped reference, so that row can
  // never be deleted ("cannot delete ... 1 remaining reference(s)"); that
  // leak is not copied: the counts here follow the data.
  const lostRows = new Set(txn.touched().filter((view) => [...view.changes.values()].includes(null)).map((view) => view.name));
  for (const table of schema.tables.values()) {
    const weak = weakColumns(table);
    if (weak.length === 0) continue;
    const scanAll = weak.some(({ targets }) => targets.some((target) => lostRows.has(target)));
    // A table this transaction did not touch has no changed rows to check.
    if (!scanAll && !txn.peek(table.name)) continue;
    const view = txn.rows(table.name);
    const rows = scanAll ? [...view.values()] : [...view.changes.values()].filter((row): row is Row => row !== null);
    for (const row of rows) {
      const changes = new Map<string, Datum>();
      for (const { column } of weak) {
        const datum = row.data.get(column.name) as Datum;
        const { key, value } = column.type;
        const dangling = (base: BaseType | undefined, atom: Atom): boolean =>
          isReference(base) && base.refType === 'weak' && !txn.rows(base.refTable).has(atom as string);
        const keep = datum.keys.map((atom, i) => !dangling(key, atom) && !(datum.values && dangling(value, datum.values[i])));
        const removed = keep.filter((kept) => !kept).length;
        if (removed === 0) continue;
        const keys = datum.keys.filter((_, i) => keep[i]);
        if (keys.length < column.type.min) {
          const inserted = view.original.has(row.uuid) ? '' : ' (inserted within this transaction)';
          throw new OvsdbError('constraint violation',
            `Deletion of ${removed} weak reference(s) to deleted (or never-existing) rows from column "${column.name}" in "${table.name}" row ${row.uuid}${inserted} caused this column to become empty, but constraints on this column disallow an empty column.`);
        }
        changes.set(column.name, datum.values ? { keys, values: datum.values.filter((_, i) => keep[i]) } : { keys });
      }
      if (changes.size === 0) continue;
      const cleanedRow = withData(row, changes);
      view.set(row.uuid, cleanedRow);
      adjust(row, cleanedRow, table);
    }
  }
  // Index uniqueness comes last. Changed rows are checked among themselves
  // and against the committed index entries of rows left alone; a clash with
  // an untouched row names that row first, as ovsdb-server does. Between two
  // changed rows the real server's order follows its hash table; here the
  // later change comes first.
  for (const view of txn.touched()) {
    const table = schema.tables.get(view.name) as TableSchema;
    const committed = txn.db.tables.get(view.name);
    table.indexes.forEach((index, i) => {
      const seen = new Map<string, Row>();
      const changed = [...view.changes.values()].filter((row): row is Row => row !== null).reverse();
      for (const row of changed) {
        const key = indexKey(row, index);
        let first = seen.get(key);
        const holder = committed?.indexes[i].get(key);
        if (!first && holder !== undefined && holder !== row.uuid && !view.changes.has(holder)) first = view.get(holder);
        if (!first) {
          seen.set(key, row);
          continue;
        }
        const columns = index.length === 1 ? `column "${index[0]}"` : `columns ${englishList(index.map((column) => `"${column}"`))}`;
        throw new OvsdbError('constraint violation',
          `Transaction causes multiple rows in "${view.name}" table to have identical values (${indexValuesText(row, table, index)}) for index on ${columns}.  ` +
          `First row, with UUID ${first.uuid}, ${describeIndexRow(txn, table, index, first)}.  ` +
          `Second row, with UUID ${row.uuid}, ${describeIndexRow(txn, table, index, row)}.`);
      }
    });
  }
}

/** Builds the change record, giving every inserted or changed row a new _version. */
function buildCommit(txn: Txn): CommitRecord {
  const tables = new Map<string, RowChange[]>();
  for (const name of txn.db.schema.tables.keys()) {
    const view = txn.peek(name);
    if (!view) continue;
    const changes: RowChange[] = [];
    for (const [uuid, row] of view.changes) {
      const before = view.original.get(uuid) ?? null;
      changes.push({ uuid, old: before, new: row ? { ...row, version: newUuid() } : null });
    }
    if (changes.length) tables.set(name, changes);
  }
  return { tables, durable: txn.durable, comment: txn.comments.length ? txn.comments.join('\n') : undefined };
}

export function transact(db: Database, operations: readonly Json[], options: TransactOptions = {}): TransactOutcome {
  const txn = new Txn(db, options);
  const results: Json[] = [];
  for (let i = 0; i < operations.length; i++) {
    try {
      results.push(execute(txn, operations[i], i, operations.length));
    } catch (error) {
      if (error instanceof WaitSignal) return { kind: 'wait', timeoutMs: error.timeoutMs };
      if (!(error instanceof OvsdbError)) throw error;
      results.push(error.toJson());
      while (results.length < operations.length) results.push(null);
      return { kind: 'done', results, commit: null };
    }
  }
  try {
    precommit(txn);
  } catch (error) {
    if (!(error instanceof OvsdbError)) throw error;
    results.push(error.toJson());
    return { kind: 'done', results, commit: null };
  }
  const commit = buildCommit(txn);
  db.apply(commit);
  return { kind: 'done', results, commit };
}

/**
 * Row changes as a stored transaction gives them: per table, per row UUID,
 * null for a deleted row or the new values of the columns it sets (final
 * values, diffs already applied); a row not yet present is inserted with the
 * other columns at their defaults.
 */
export type StoredChanges = ReadonlyMap<string, ReadonlyMap<string, ReadonlyMap<string, Datum> | null>>;

/**
 * Replays a stored transaction (see Database.applyRecord). Values are checked
 * against their column constraints and the commit-time checks run as for
 * transact(), so garbage collection and weak references come out as when
 * Open vSwitch replays the same log. Throws OvsdbError; nothing is applied then.
 */
export function replay(db: Database, changes: StoredChanges): CommitRecord {
  const txn = new Txn(db, {});
  for (const [tableName, rows] of changes) {
    const table = db.schema.tables.get(tableName);
    if (!table) throw new OvsdbError('unknown table', `No table named ${tableName}.`);
    const view = txn.rows(tableName);
    for (const [uuid, values] of rows) {
      if (values === null) {
        if (!view.has(uuid)) throw new OvsdbError('syntax error', `transaction deletes row ${uuid} that does not exist`);
        view.delete(uuid);
        continue;
      }
      for (const [name, value] of values) {
        const column = table.columns.get(name);
        if (!column || name.startsWith('_')) throw new OvsdbError('unknown column', `No column ${name} in table ${tableName}.`);
        checkDatum(value, column.type);
      }
      const before = view.get(uuid) ?? { uuid, version: newUuid(), data: defaultRowData(table) };
      view.set(uuid, withData(before, values));
    }
  }
  precommit(txn);
  const commit = buildCommit(txn);
  db.apply(commit);
  return commit;
}
