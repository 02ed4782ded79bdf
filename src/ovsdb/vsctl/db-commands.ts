// ovs-vsctl's generic database commands (list, find, get, set, add, remove,
// clear, create, destroy, wait-until): table and column names matched by
// unique case-insensitive prefix, records named by UUID or by the column
// ovs-vsctl uses for each table (a bridge's name, a manager's target, ...),
// and ovs-vsctl's messages. Registered in commands.ts.

import { compareAtoms, findKey, makeDatum, newUuid, type Atom, type Datum } from '../data.js';
import type { ColumnType, TableSchema } from '../schema.js';
import type { VsctlContext } from './context.js';
import { check, formatDatum, formatTable, parseAtomText, parseDatumText, parseDatumTextUnchecked, VsctlError } from './values.js';

/** How ovs-vsctl finds a record by name: a column of `table` (or the row it references through `refColumn`). */
interface RowId {
  readonly table: string;
  readonly nameColumn: string | null;
  readonly refColumn?: string;
}

const ROW_IDS: Record<string, readonly RowId[]> = {
  Open_vSwitch: [{ table: 'Open_vSwitch', nameColumn: null }],
  Bridge: [{ table: 'Bridge', nameColumn: 'name' }],
  Port: [{ table: 'Port', nameColumn: 'name' }],
  Interface: [{ table: 'Interface', nameColumn: 'name' }],
  Controller: [{ table: 'Bridge', nameColumn: 'name', refColumn: 'controller' }],
  Manager: [{ table: 'Manager', nameColumn: 'target' }],
  Mirror: [{ table: 'Mirror', nameColumn: 'name' }],
  NetFlow: [{ table: 'Bridge', nameColumn: 'name', refColumn: 'netflow' }],
  sFlow: [{ table: 'Bridge', nameColumn: 'name', refColumn: 'sflow' }],
  IPFIX: [{ table: 'Bridge', nameColumn: 'name', refColumn: 'ipfix' }],
  QoS: [{ table: 'Port', nameColumn: 'name', refColumn: 'qos' }],
  SSL: [{ table: 'Open_vSwitch', nameColumn: null, refColumn: 'ssl' }],
  AutoAttach: [{ table: 'Bridge', nameColumn: 'name', refColumn: 'auto_attach' }],
  Flow_Table: [{ table: 'Flow_Table', nameColumn: 'name' }],
  Datapath: [{ table: 'Open_vSwitch', nameColumn: null, refColumn: 'datapaths' }],
};

function byPrefix<T>(names: Iterable<[string, T]>, wanted: string): T[] {
  const all = [...names];
  const exact = all.filter(([name]) => name.toLowerCase() === wanted.toLowerCase());
  if (exact.length) return exact.map(([, value]) => value);
  return all.filter(([name]) => name.toLowerCase().startsWith(wanted.toLowerCase())).map(([, value]) => value);
}

export function getTable(ctx: VsctlContext, name: string): TableSchema {
  const matches = byPrefix([...ctx.schema.tables.values()].map((table) => [table.name, table]), name);
  if (matches.length === 1) return matches[0] as TableSchema;
  if (matches.length > 1) throw new VsctlError(`"${name}" matches multiple table names: ${matches.map((table) => table.name).sort().join(', ')}`);
  throw new VsctlError(`unknown table "${name}"`);
}

/** A column by unique prefix; `_uuid` only where it may be read (`withUuid`). */
export function getColumn(table: TableSchema, name: string, withUuid = true): string {
  const columns = [...table.columns.keys()].filter((column) => column !== '_version' && (withUuid || column !== '_uuid'));
  const matches = byPrefix(columns.map((column) => [column, column]), name);
  if (matches.length === 1) return matches[0] as string;
  if (matches.length > 1) {
    throw new VsctlError(`${table.name} contains more than one column whose name matches "${name}": ${matches.sort().join(', ')}`);
  }
  throw new VsctlError(`${table.name} does not contain a column whose name matches "${name}"`);
}

function readValue(ctx: VsctlContext, table: string, uuid: string, column: string): Datum {
  if (column === '_uuid') return { keys: [uuid] };
  return ctx.get(table, uuid, column);
}

function columnType(ctx: VsctlContext, table: string, column: string): ColumnType {
  return ctx.table(table).columns.get(column)?.type as ColumnType;
}

/** Finds a record by UUID or name; undefined (or an error when `mustExist`) if there is none. */
export function getRow(ctx: VsctlContext, table: TableSchema, id: string, mustExist: boolean): string | undefined {
  const lowered = id.toLowerCase();
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(lowered) && ctx.txn.row(table.name, lowered)) return lowered;
  if (id.startsWith('@')) {
    const symbol = ctx.symbols.get(id);
    if (symbol && ctx.txn.row(table.name, symbol.uuid)) return symbol.uuid;
  }
  for (const rowId of ROW_IDS[table.name] ?? []) {
    const found: string[] = [];
    for (const row of ctx.txn.rows(rowId.table)) {
      if (rowId.nameColumn === null) {
        if (id !== '.') continue;
      } else {
        const name = ctx.get(rowId.table, row.uuid, rowId.nameColumn);
        if (name.keys.length !== 1 || String(name.keys[0]) !== id) continue;
      }
      if (rowId.refColumn) {
        const refs = ctx.get(rowId.table, row.uuid, rowId.refColumn).keys as string[];
        if (refs.length === 1 && ctx.txn.row(table.name, refs[0] as string)) found.push(refs[0] as string);
      } else {
        found.push(row.uuid);
      }
    }
    if (found.length > 1) throw new VsctlError(`multiple rows in ${table.name} match "${id}"`);
    if (found.length === 1) return found[0];
  }
  if (mustExist) throw new VsctlError(`no row "${id}" in table ${table.name}`);
  return undefined;
}

const CONDITION_OPERATORS = ['{not-in}', '{in}', '{!=}', '{<=}', '{>=}', '{=}', '{<}', '{>}', '!=', '<=', '>=', '=', '<', '>'];
const CONDITION_TEXT = '"=", "!=", "<", ">", "<=", ">=", "{=}", "{!=}", "{<}", "{>}", "{<=}", "{>=}", "{in}", or "{not-in}"';

/**
 * Splits "COLUMN[:KEY]OP VALUE". With `conditions`, OP is any comparison
 * find and wait-until accept, else only "="; `valueOptional` allows a bare
 * "COLUMN[:KEY]" (get).
 */
function parseColumnKeyValue(ctx: VsctlContext, table: TableSchema, arg: string, valueOptional: boolean, conditions = false):
  { column: string; key: Atom | undefined; value: string | undefined; operator: string } {
  const nameEnd = arg.search(/[:=!<>{]/);
  const columnName = nameEnd < 0 ? arg : arg.slice(0, nameEnd);
  // get and find may name _uuid; set may not.
  const column = getColumn(table, columnName, valueOptional || conditions);
  let rest = nameEnd < 0 ? '' : arg.slice(nameEnd);
  let key: Atom | undefined;
  if (rest.startsWith(':')) {
    // The key runs to the first operator outside quotes.
    let end = 1;
    while (end < rest.length) {
      const char = rest[end] as string;
      if (char === '"') {
        end++;
        while (end < rest.length && rest[end] !== '"') end += rest[end] === '\\' ? 2 : 1;
        end++;
        continue;
      }
      if ('=!<>{:'.includes(char)) break;
      end++;
    }
    const keyText = rest.slice(1, end);
    rest = rest.slice(end);
    const type = columnType(ctx, table.name, column);
    if (!type.value) throw new VsctlError(`cannot specify key to get for non-map column ${column}`);
    key = parseAtomText(keyText, type.key);
  }
  const operator = (conditions ? CONDITION_OPERATORS : ['=']).find((op) => rest.startsWith(op));
  if (operator === undefined && rest !== '' && (valueOptional || rest.startsWith(':'))) {
    throw new VsctlError(`${arg}: trailing garbage "${rest}" in argument`);
  }
  const value = operator === undefined ? undefined : rest.slice(operator.length);
  if (rest === '' && valueOptional) return { column, key, value: undefined, operator: '' };
  if (operator === undefined || value === '') {
    const what = conditions ? CONDITION_TEXT : '"="';
    throw new VsctlError(`${arg}: argument does not end in ${what} followed by a value.`);
  }
  return { column, key, value, operator };
}

function symbolResolver(ctx: VsctlContext): (name: string) => string {
  return (name) => {
    let symbol = ctx.symbols.get(name);
    if (!symbol) ctx.symbols.set(name, (symbol = { uuid: newUuid(), created: false }));
    return symbol.uuid;
  };
}

function columnsToShow(ctx: VsctlContext, table: TableSchema): string[] {
  const wanted = ctx.command.options.get('--columns');
  if (wanted !== undefined) return wanted.split(',').map((name) => getColumn(table, name.trim()));
  return ['_uuid', ...[...table.columns.keys()].filter((name) => !name.startsWith('_')).sort()];
}

function listRows(ctx: VsctlContext, table: TableSchema, uuids: string[]): void {
  const columns = columnsToShow(ctx, table);
  const rows = uuids.map((uuid) => columns.map((column) => ({
    datum: readValue(ctx, table.name, uuid, column), type: columnType(ctx, table.name, column),
  })));
  ctx.print(formatTable({ headings: columns, rows }, ctx.format));
}

export function cmdList(ctx: VsctlContext): void {
  const table = getTable(ctx, ctx.command.args[0] as string);
  const ids = ctx.command.args.slice(1);
  const uuids = ids.length
    ? ids.map((id) => getRow(ctx, table, id, !ctx.has('--if-exists'))).filter((uuid): uuid is string => uuid !== undefined)
    : ctx.txn.rows(table.name).map((row) => row.uuid);
  listRows(ctx, table, uuids);
}

/** OVS's ordering of two datums: more elements is larger, else the first differing pair (keys, then values). */
function compareDatums(a: Datum, b: Datum): number {
  if (a.keys.length !== b.keys.length) return a.keys.length - b.keys.length;
  for (let i = 0; i < a.keys.length; i++) {
    const order = compareAtoms(a.keys[i] as Atom, b.keys[i] as Atom);
    if (order) return order;
  }
  if (a.values && b.values) {
    for (let i = 0; i < a.values.length; i++) {
      const order = compareAtoms(a.values[i] as Atom, b.values[i] as Atom);
      if (order) return order;
    }
  }
  return 0;
}

/** Whether every element (and value) of `small` is in `big`. */
function isSubset(small: Datum, big: Datum): boolean {
  return small.keys.every((atom, i) => {
    const at = findKey(big, atom);
    return at >= 0 && (!small.values || compareAtoms((big.values as Atom[])[at] as Atom, (small.values as Atom[])[i] as Atom) === 0);
  });
}

/** Whether a row satisfies "COLUMN[:KEY]OP VALUE". */
function rowMatches(ctx: VsctlContext, table: TableSchema, uuid: string, arg: string): boolean {
  const { column, key, value, operator } = parseColumnKeyValue(ctx, table, arg, false, true);
  const type = columnType(ctx, table.name, column);
  let actual = readValue(ctx, table.name, uuid, column);
  let wantedType = type;
  if (key !== undefined) {
    const at = findKey(actual, key);
    wantedType = { key: type.value as ColumnType['key'], min: 0, max: 1 };
    if (at < 0 && !operator.startsWith('{')) return false;
    actual = at < 0 ? { keys: [] } : { keys: [(actual.values as Atom[])[at] as Atom] };
  }
  const wanted = parseDatumTextUnchecked(value as string, { ...wantedType, min: 0, max: Infinity }, symbolResolver(ctx));
  const order = compareDatums(actual, wanted);
  switch (operator) {
    case '=': case '{=}': return order === 0;
    case '!=': case '{!=}': return order !== 0;
    case '<': return order < 0;
    case '<=': return order <= 0;
    case '>': return order > 0;
    case '>=': return order >= 0;
    case '{<=}': case '{in}': return isSubset(actual, wanted);
    case '{<}': return isSubset(actual, wanted) && actual.keys.length < wanted.keys.length;
    case '{>=}': return isSubset(wanted, actual);
    case '{>}': return isSubset(wanted, actual) && actual.keys.length > wanted.keys.length;
    case '{not-in}': return actual.keys.every((atom) => findKey(wanted, atom) < 0);
  }
  return false;
}

export function cmdFind(ctx: VsctlContext): void {
  const table = getTable(ctx, ctx.command.args[0] as string);
  const conditions = ctx.command.args.slice(1);
  const uuids = ctx.txn.rows(table.name).map((row) => row.uuid)
    .filter((uuid) => conditions.every((condition) => rowMatches(ctx, table, uuid, condition)));
  listRows(ctx, table, uuids);
}

/** Checks --id=@name and returns it (undefined without --id), with the UUID an earlier reference gave it. */
function symbolOption(ctx: VsctlContext): { id: string; preset: string | undefined } | undefined {
  const id = ctx.command.options.get('--id');
  if (id === undefined) return undefined;
  if (!id.startsWith('@')) throw new VsctlError(`row id "${id}" does not begin with "@"`);
  const symbol = ctx.symbols.get(id);
  if (symbol?.created) throw new VsctlError(`row id "${id}" may only be specified on one --id option`);
  return { id, preset: symbol?.uuid };
}

function setSymbol(ctx: VsctlContext, uuid: string): void {
  const option = symbolOption(ctx);
  if (option) ctx.symbols.set(option.id, { uuid, created: true });
}

export function cmdGet(ctx: VsctlContext): void {
  const [tableName, id, ...columns] = ctx.command.args as [string, string, ...string[]];
  const table = getTable(ctx, tableName);
  const uuid = getRow(ctx, table, id, !ctx.has('--if-exists'));
  if (!uuid) return;
  setSymbol(ctx, uuid);
  for (const arg of columns) {
    const { column, key } = parseColumnKeyValue(ctx, table, arg, true);
    const type = columnType(ctx, table.name, column);
    const value = readValue(ctx, table.name, uuid, column);
    if (key !== undefined) {
      const at = findKey(value, key);
      if (at < 0) {
        if (ctx.has('--if-exists')) {
          ctx.print('\n');
          continue;
        }
        throw new VsctlError(`no key "${String(key)}" in ${table.name} record "${id}" column ${column}`);
      }
      const valueType: ColumnType = { key: type.value as ColumnType['key'], min: 1, max: 1 };
      ctx.print(`${formatDatum({ keys: [(value.values as Atom[])[at] as Atom] }, valueType, ctx.format.data)}\n`);
    } else {
      ctx.print(`${formatDatum(value, type, ctx.format.data)}\n`);
    }
  }
}

/** Applies "COLUMN[:KEY]=VALUE" to a row. */
function setColumn(ctx: VsctlContext, table: TableSchema, uuid: string, arg: string): void {
  const { column, key, value, operator } = parseColumnKeyValue(ctx, table, arg, false);
  if (operator !== '=') throw new VsctlError(`${arg}: argument does not end in "=" followed by a value.`);
  const type = columnType(ctx, table.name, column);
  if (!ctx.table(table.name).columns.get(column)?.mutable && !ctx.txn.isInserted(table.name, uuid)) {
    throw new VsctlError(`cannot modify read-only column ${column} in table ${table.name}`);
  }
  if (key !== undefined) {
    const valueAtom = parseAtomText(value as string, type.value as ColumnType['key'], symbolResolver(ctx));
    const old = ctx.get(table.name, uuid, column);
    const keys = [...old.keys];
    const values = [...(old.values ?? [])];
    const at = findKey(old, key);
    if (at >= 0) values[at] = valueAtom;
    else {
      keys.push(key);
      values.push(valueAtom);
    }
    const datum = makeDatum(keys, values);
    check(datum, type);
    ctx.txn.verify(table.name, uuid, column);
    ctx.set(table.name, uuid, column, datum);
  } else {
    ctx.set(table.name, uuid, column, parseDatumText(value as string, type, symbolResolver(ctx)));
  }
  ctx.invalidate();
}

export function cmdSet(ctx: VsctlContext): void {
  const [tableName, id, ...settings] = ctx.command.args as [string, string, ...string[]];
  const table = getTable(ctx, tableName);
  const uuid = getRow(ctx, table, id, !ctx.has('--if-exists'));
  if (!uuid) return;
  for (const setting of settings) setColumn(ctx, table, uuid, setting);
}

function mutableColumn(ctx: VsctlContext, table: TableSchema, name: string): { column: string; type: ColumnType } {
  const column = getColumn(table, name, false);
  if (!table.columns.get(column)?.mutable) throw new VsctlError(`cannot modify read-only column ${column} in table ${table.name}`);
  return { column, type: columnType(ctx, table.name, column) };
}

export function cmdAdd(ctx: VsctlContext): void {
  const [tableName, id, columnName, ...values] = ctx.command.args as [string, string, string, ...string[]];
  const table = getTable(ctx, tableName);
  const uuid = getRow(ctx, table, id, !ctx.has('--if-exists'));
  if (!uuid) return;
  const { column, type } = mutableColumn(ctx, table, columnName);
  const old = ctx.get(table.name, uuid, column);
  const keys = [...old.keys];
  const mapValues = old.values ? [...old.values] : undefined;
  for (const text of values) {
    const add = parseDatumTextUnchecked(text, { ...type, min: 0, max: Infinity }, symbolResolver(ctx));
    add.keys.forEach((atom, i) => {
      const at = keys.findIndex((k) => compareAtoms(k, atom) === 0);
      if (at >= 0) {
        // A map key that is already there takes the new value.
        if (mapValues) mapValues[at] = (add.values as Atom[])[i] as Atom;
        return;
      }
      keys.push(atom);
      if (mapValues) mapValues.push((add.values as Atom[])[i] as Atom);
    });
  }
  const datum = makeDatum(keys, mapValues);
  if (datum.keys.length > type.max) {
    throw new VsctlError(`"add" operation would put ${datum.keys.length} values in column ${column} of table ${table.name} but the maximum number is ${type.max}`);
  }
  check(datum, type);
  ctx.txn.verify(table.name, uuid, column);
  ctx.set(table.name, uuid, column, datum);
  ctx.invalidate();
}

export function cmdRemove(ctx: VsctlContext): void {
  const [tableName, id, columnName, ...values] = ctx.command.args as [string, string, string, ...string[]];
  const table = getTable(ctx, tableName);
  const uuid = getRow(ctx, table, id, !ctx.has('--if-exists'));
  if (!uuid) return;
  const { column, type } = mutableColumn(ctx, table, columnName);
  const old = ctx.get(table.name, uuid, column);
  let keys = [...old.keys];
  let mapValues = old.values ? [...old.values] : undefined;
  for (const text of values) {
    let remove: Datum;
    let keysOnly = false;
    try {
      remove = parseDatumTextUnchecked(text, { ...type, min: 0, max: Infinity }, symbolResolver(ctx));
    } catch (error) {
      if (!type.value) throw error;
      remove = parseDatumTextUnchecked(text, { key: type.key, min: 0, max: Infinity }, symbolResolver(ctx));
      keysOnly = true;
    }
    remove.keys.forEach((atom, i) => {
      const at = keys.findIndex((k) => compareAtoms(k, atom) === 0);
      if (at < 0) return;
      if (mapValues && !keysOnly && compareAtoms(mapValues[at] as Atom, (remove.values as Atom[])[i] as Atom) !== 0) return;
      keys = keys.filter((_, j) => j !== at);
      if (mapValues) mapValues = mapValues.filter((_, j) => j !== at);
    });
  }
  if (keys.length < type.min) {
    throw new VsctlError(`"remove" operation would put ${keys.length} values in column ${column} of table ${table.name} but the minimum number is ${type.min}`);
  }
  ctx.txn.verify(table.name, uuid, column);
  ctx.set(table.name, uuid, column, makeDatum(keys, mapValues));
  ctx.invalidate();
}

export function cmdClear(ctx: VsctlContext): void {
  const [tableName, id, ...columns] = ctx.command.args as [string, string, ...string[]];
  const table = getTable(ctx, tableName);
  const uuid = getRow(ctx, table, id, !ctx.has('--if-exists'));
  if (!uuid) return;
  for (const name of columns) {
    const { column, type } = mutableColumn(ctx, table, name);
    if (type.min > 0) {
      throw new VsctlError(`"clear" operation cannot be applied to column ${column} of table ${table.name}, which is not allowed to be empty`);
    }
    ctx.set(table.name, uuid, column, type.value ? { keys: [], values: [] } : { keys: [] });
  }
  ctx.invalidate();
}

export function cmdCreate(ctx: VsctlContext): void {
  const [tableName, ...settings] = ctx.command.args as [string, ...string[]];
  const table = getTable(ctx, tableName);
  const option = symbolOption(ctx);
  if (option === undefined && !table.isRoot) {
    ctx.warnings.push(['db_ctl_base', `applying "create" command to table ${table.name} without --id option will have no effect`]);
  }
  const uuid = ctx.txn.insert(table.name, option?.preset);
  if (option) ctx.symbols.set(option.id, { uuid, created: true });
  for (const setting of settings) setColumn(ctx, table, uuid, setting);
  ctx.print(`${uuid}\n`);
}

export function cmdDestroy(ctx: VsctlContext): void {
  const [tableName, ...ids] = ctx.command.args as [string, ...string[]];
  const table = getTable(ctx, tableName);
  if (ctx.has('--all') && ids.length) {
    throw new VsctlError('--all and records argument should not be specified together');
  } else if (!ctx.has('--all') && !ids.length) {
    ctx.warnings.push(['db_ctl_base', 'either --all or records argument should be specified']);
  } else if (ctx.has('--all')) {
    for (const row of ctx.txn.rows(table.name)) ctx.txn.delete(table.name, row.uuid);
  } else {
    for (const id of ids) {
      const uuid = getRow(ctx, table, id, !ctx.has('--if-exists'));
      if (uuid) ctx.txn.delete(table.name, uuid);
    }
  }
  ctx.invalidate();
}

export function cmdWaitUntil(ctx: VsctlContext): void {
  const [tableName, id, ...conditions] = ctx.command.args as [string, string, ...string[]];
  const table = getTable(ctx, tableName);
  const uuid = getRow(ctx, table, id, false);
  if (!uuid || !conditions.every((condition) => rowMatches(ctx, table, uuid, condition))) ctx.tryAgain = true;
}
