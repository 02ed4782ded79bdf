// OVSDB monitors: what a client asked to watch in one database (tables,
// columns, which kinds of change, and for monitor_cond/monitor_cond_since a
// "where" condition per table) and how changes are written for it:
//   - "monitor" (RFC 7047 4.1.5): "update" with {"old", "new"}; new holds
//     every monitored column, old only those that changed;
//   - "monitor_cond" and "monitor_cond_since" (OVS extensions, ovsdb-server(1)):
//     "update2"/"update3" with "initial"/"insert" (columns not at their
//     default), "modify" (changed columns; a column that can hold several
//     values as the difference, as the database file stores it) and "delete".
// A row that starts or stops matching a condition is inserted or deleted.
// session.ts creates monitors and sends what they produce; server.ts feeds
// them every commit.

import { evaluateCondition, parseCondition, type Condition } from '../condition.js';
import { datumsEqual, defaultDatum, datumToJson } from '../data.js';
import { rowToJson, rowValue, type CommitRecord, type Row } from '../database.js';
import { OvsdbError, syntaxError } from '../error.js';
import { isJsonObject, jsonToString, MemberParser, type Json, type JsonObject } from '../json.js';
import type { ColumnSchema, DatabaseSchema, TableSchema } from '../schema.js';
import { datumDiff } from '../storage.js';

/** 1: "monitor" (update); 2: "monitor_cond" (update2); 3: "monitor_cond_since" (update3). */
export type MonitorVersion = 1 | 2 | 3;

/** Which kinds of change a table's request wants (RFC 7047 <monitor-select>). */
export interface MonitorSelect {
  readonly initial: boolean;
  readonly insert: boolean;
  readonly delete: boolean;
  readonly modify: boolean;
}

/** One condition of a "where": a parsed condition, or the literal true or false. */
type WhereClause = Condition | boolean;

/** What one table's requests ask for. */
export interface TableMonitor {
  readonly table: TableSchema;
  readonly columns: readonly ColumnSchema[];
  readonly select: MonitorSelect;
  /** All must hold; empty matches every row. */
  where: readonly WhereClause[];
}

/** Row changes keyed by table then row UUID: a commit, or several composed. */
export type ChangeSet = Map<string, Map<string, { old: Row | null; new: Row | null }>>;

/** The changes of one commit as a ChangeSet. */
export function changeSetFromCommit(commit: CommitRecord): ChangeSet {
  const set: ChangeSet = new Map();
  for (const [table, changes] of commit.tables) {
    const rows = new Map<string, { old: Row | null; new: Row | null }>();
    for (const change of changes) rows.set(change.uuid, { old: change.old, new: change.new });
    set.set(table, rows);
  }
  return set;
}

/** Composes commits in order: per row, the first "old" and the last "new". */
export function composeCommits(commits: readonly CommitRecord[]): ChangeSet {
  const set: ChangeSet = new Map();
  for (const commit of commits) {
    for (const [table, changes] of commit.tables) {
      let rows = set.get(table);
      if (!rows) {
        rows = new Map();
        set.set(table, rows);
      }
      for (const change of changes) {
        const seen = rows.get(change.uuid);
        if (seen) seen.new = change.new;
        else rows.set(change.uuid, { old: change.old, new: change.new });
      }
    }
  }
  return set;
}

function parseSelect(json: Json | undefined): MonitorSelect {
  if (json === undefined) return { initial: true, insert: true, delete: true, modify: true };
  if (!isJsonObject(json)) throw syntaxError(json, 'Parsing monitor select failed: Object expected.');
  const parser = new MemberParser(json, 'monitor select');
  const flag = (name: string): boolean => (parser.get(name, 'boolean', true) as boolean | undefined) ?? true;
  const select = { initial: flag('initial'), insert: flag('insert'), delete: flag('delete'), modify: flag('modify') };
  parser.finish();
  return select;
}

function parseWhere(json: Json, table: TableSchema): WhereClause[] {
  if (!Array.isArray(json)) throw syntaxError(json, 'Parse error in condition.');
  return json.map((clause) => (typeof clause === 'boolean' ? clause : parseCondition(clause, table)));
}

function matches(where: readonly WhereClause[], row: Row): boolean {
  for (const clause of where) {
    if (typeof clause === 'boolean') {
      if (!clause) return false;
    } else if (!evaluateCondition(clause, rowValue(row, clause.column.name))) {
      return false;
    }
  }
  return true;
}

/** A column that can hold more than one value is sent as a difference in "modify". */
function sentAsDiff(column: ColumnSchema): boolean {
  return column.type.max > 1;
}

export class Monitor {
  /**
   * Monitors with the same key produce the same updates for a commit, so
   * the server computes them once (clients of one program usually ask alike).
   * Changed by monitor_cond_change.
   */
  sharingKey: string;

  constructor(
    /** The client's monitor id (any JSON value). */
    public id: Json,
    readonly version: MonitorVersion,
    readonly dbName: string,
    readonly tables: ReadonlyMap<string, TableMonitor>,
    requests: Json,
  ) {
    this.sharingKey = `${version}${jsonToString(requests)}`;
  }

  /**
   * Parses the <monitor-requests> object of a monitor request. Throws
   * OvsdbError worded like ovsdb-server's.
   */
  static parse(id: Json, version: MonitorVersion, schema: DatabaseSchema, requests: Json): Monitor {
    if (!isJsonObject(requests)) throw syntaxError(requests, 'monitor requests must be an object');
    const tables = new Map<string, TableMonitor>();
    for (const [name, requestJson] of Object.entries(requests)) {
      const table = schema.tables.get(name);
      if (!table) throw new OvsdbError('syntax error', `no table named ${name}`);
      const list = Array.isArray(requestJson) ? requestJson : [requestJson];
      const columns: ColumnSchema[] = [];
      let select: MonitorSelect | undefined;
      let where: WhereClause[] = [];
      for (const request of list) {
        if (!isJsonObject(request)) throw syntaxError(request, `Parsing table ${name} failed: Object expected.`);
        const parser = new MemberParser(request, `table ${name}`);
        const columnsJson = parser.get('columns', 'array', true);
        const selectJson = parser.get('select', 'object', true);
        const whereJson = version === 1 ? undefined : parser.get('where', 'array', true);
        parser.finish();
        if (columnsJson === undefined) {
          for (const column of table.columns.values()) {
            if (!column.name.startsWith('_') && !columns.includes(column)) columns.push(column);
          }
        } else {
          for (const columnName of columnsJson as Json[]) {
            const column = typeof columnName === 'string' ? table.columns.get(columnName) : undefined;
            if (!column) throw syntaxError(columnsJson, `${typeof columnName === 'string' ? columnName : jsonToString(columnName)} is not a valid column name`);
            if (columns.includes(column)) throw syntaxError(columnsJson, `column ${column.name} mentioned more than once`);
            columns.push(column);
          }
        }
        select = parseSelect(selectJson);
        if (whereJson !== undefined) where = parseWhere(whereJson, table);
      }
      tables.set(name, { table, columns, select: select ?? parseSelect(undefined), where });
    }
    return new Monitor(id, version, schema.name, tables, requests);
  }

  /** The row as this monitor sends it: all monitored columns (v1) or those not at their default. */
  private rowJson(tm: TableMonitor, row: Row): JsonObject {
    if (this.version === 1) return rowToJson(row, tm.table, tm.columns.map((column) => column.name));
    const json: JsonObject = {};
    for (const column of tm.columns) {
      const value = rowValue(row, column.name);
      if (!datumsEqual(value, defaultDatum(column.type))) json[column.name] = datumToJson(value, column.type);
    }
    return json;
  }

  /** The initial contents (the reply to the monitor request), honouring "initial" and the conditions. */
  initial(tables: ReadonlyMap<string, { readonly rows: ReadonlyMap<string, Row> }>): JsonObject {
    const updates: JsonObject = {};
    for (const [name, tm] of this.tables) {
      if (!tm.select.initial) continue;
      const rows: JsonObject = {};
      for (const row of tables.get(name)?.rows.values() ?? []) {
        if (this.version !== 1 && !matches(tm.where, row)) continue;
        rows[row.uuid] = this.version === 1 ? { new: this.rowJson(tm, row) } : { initial: this.rowJson(tm, row) };
      }
      if (Object.keys(rows).length) updates[name] = rows;
    }
    return updates;
  }

  /** The <table-updates> (or updates2) for a set of changes, or null when none concern this monitor. */
  updates(changes: ChangeSet): JsonObject | null {
    const updates: JsonObject = {};
    let any = false;
    for (const [name, rows] of changes) {
      const tm = this.tables.get(name);
      if (!tm) continue;
      const tableUpdates: JsonObject = {};
      for (const [uuid, change] of rows) {
        const update = this.version === 1 ? this.update1(tm, change.old, change.new) : this.update2(tm, change.old, change.new);
        if (update !== null) tableUpdates[uuid] = update;
      }
      if (Object.keys(tableUpdates).length) {
        updates[name] = tableUpdates;
        any = true;
      }
    }
    return any ? updates : null;
  }

  private update1(tm: TableMonitor, before: Row | null, after: Row | null): Json {
    if (before && after) {
      if (!tm.select.modify) return null;
      const old: JsonObject = {};
      for (const column of tm.columns) {
        const was = rowValue(before, column.name);
        if (!datumsEqual(was, rowValue(after, column.name))) old[column.name] = datumToJson(was, column.type);
      }
      if (Object.keys(old).length === 0) return null;
      return { old, new: this.rowJson(tm, after) };
    }
    if (after) return tm.select.insert ? { new: this.rowJson(tm, after) } : null;
    if (before) return tm.select.delete ? { old: this.rowJson(tm, before) } : null;
    return null;
  }

  private update2(tm: TableMonitor, before: Row | null, after: Row | null): Json {
    const wasIn = before !== null && matches(tm.where, before);
    const isIn = after !== null && matches(tm.where, after);
    if (wasIn && isIn) {
      if (!tm.select.modify) return null;
      const diff: JsonObject = {};
      for (const column of tm.columns) {
        const was = rowValue(before as Row, column.name);
        const now = rowValue(after as Row, column.name);
        if (datumsEqual(was, now)) continue;
        diff[column.name] = datumToJson(sentAsDiff(column) ? datumDiff(was, now) : now, column.type);
      }
      return Object.keys(diff).length ? { modify: diff } : null;
    }
    if (isIn) return tm.select.insert ? { insert: this.rowJson(tm, after as Row) } : null;
    if (wasIn) return tm.select.delete ? { delete: null } : null;
    return null;
  }

  /**
   * Replaces the conditions (monitor_cond_change) and returns the updates2
   * that bring the client from the old selection to the new one: rows that
   * now match are inserted, rows that no longer match are deleted.
   */
  changeConditions(schema: DatabaseSchema, requests: Json,
    tables: ReadonlyMap<string, { readonly rows: ReadonlyMap<string, Row> }>): JsonObject | null {
    if (!isJsonObject(requests)) throw syntaxError(requests, 'monitor-cond-change-requests must be an object');
    const next = new Map<string, WhereClause[]>();
    for (const [name, requestJson] of Object.entries(requests)) {
      const tm = this.tables.get(name);
      if (!schema.tables.has(name)) throw new OvsdbError('syntax error', `no table named ${name}`);
      if (!tm) throw syntaxError(requestJson, `${name} is not monitored`);
      const list = Array.isArray(requestJson) ? requestJson : [requestJson];
      let where: WhereClause[] = [...tm.where];
      for (const request of list) {
        if (!isJsonObject(request)) throw syntaxError(request, `Parsing table ${name} failed: Object expected.`);
        const parser = new MemberParser(request, `table ${name}`);
        const columnsJson = parser.get('columns', 'array', true);
        const whereJson = parser.get('where', 'array', true);
        parser.finish();
        if (columnsJson !== undefined) throw syntaxError(request, 'changing columns is not supported');
        if (whereJson !== undefined) where = parseWhere(whereJson, tm.table);
      }
      next.set(name, where);
    }
    const updates: JsonObject = {};
    for (const [name, where] of next) {
      const tm = this.tables.get(name) as TableMonitor;
      const tableUpdates: JsonObject = {};
      for (const row of tables.get(name)?.rows.values() ?? []) {
        const wasIn = matches(tm.where, row);
        const isIn = matches(where, row);
        if (isIn && !wasIn) tableUpdates[row.uuid] = { insert: this.rowJson(tm, row) };
        else if (wasIn && !isIn) tableUpdates[row.uuid] = { delete: null };
      }
      tm.where = where;
      if (Object.keys(tableUpdates).length) updates[name] = tableUpdates;
    }
    // The conditions now differ from those of monitors that were made alike.
    this.sharingKey = `${this.sharingKey}|changed ${jsonToString(requests)}`;
    return Object.keys(updates).length ? updates : null;
  }
}

/** For tests and logs: the monitored columns of a table, by name. */
export function monitoredColumns(monitor: Monitor, table: string): string[] {
  return monitor.tables.get(table)?.columns.map((column) => column.name) ?? [];
}
