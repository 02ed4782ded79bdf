// OVSDB schemas (RFC 7047 section 3.2 plus Open vSwitch's additions: version,
// cksum, isRoot, maxRows, indexes, ephemeral, mutable): parsing with the real
// ovsdb-tool's error texts, the implicit _uuid and _version columns, and the
// English type names used in error details. Everything in src/ovsdb builds on
// the DatabaseSchema this file returns.

import { OvsdbError, syntaxError } from './error.js';
import { expectObject, isIdentifier, isJsonObject, MemberParser, type Json, type JsonObject } from './json.js';
import { parseDatum, type Atom } from './data.js';

export type AtomicType = 'integer' | 'real' | 'boolean' | 'string' | 'uuid';
export const ATOMIC_TYPES: readonly AtomicType[] = ['integer', 'real', 'boolean', 'string', 'uuid'];

/** One atomic type with its constraints (RFC 7047 <base-type>). */
export interface BaseType {
  readonly type: AtomicType;
  /** Allowed values, sorted; undefined when any value of the type is allowed. */
  readonly enum?: readonly Atom[];
  readonly minInteger?: number;
  readonly maxInteger?: number;
  readonly minReal?: number;
  readonly maxReal?: number;
  readonly minLength?: number;
  readonly maxLength?: number;
  /** For uuid: the table referenced, which makes the column a reference column. */
  readonly refTable?: string;
  /** For references: strong ones block deletion, weak ones vanish with their target. */
  readonly refType?: 'strong' | 'weak';
}

/** A column type: a set (no value) or a map of min..max elements; max may be Infinity ("unlimited"). */
export interface ColumnType {
  readonly key: BaseType;
  readonly value?: BaseType;
  readonly min: number;
  readonly max: number;
}

export interface ColumnSchema {
  readonly name: string;
  readonly type: ColumnType;
  /** Not written to disk (OVS extension). */
  readonly ephemeral: boolean;
  /** False for _uuid, _version and columns declared "mutable": false. */
  readonly mutable: boolean;
}

export interface TableSchema {
  readonly name: string;
  /** Every column, user columns in schema order followed by _uuid and _version. */
  readonly columns: ReadonlyMap<string, ColumnSchema>;
  readonly maxRows: number;
  /** Non-root rows are garbage collected when nothing references them. */
  readonly isRoot: boolean;
  readonly indexes: readonly (readonly string[])[];
}

export interface DatabaseSchema {
  readonly name: string;
  readonly version: string | undefined;
  readonly cksum: string | undefined;
  readonly tables: ReadonlyMap<string, TableSchema>;
}

export const UUID_COLUMN: ColumnSchema = {
  name: '_uuid', type: { key: { type: 'uuid' }, min: 1, max: 1 }, ephemeral: false, mutable: false,
};
export const VERSION_COLUMN: ColumnSchema = {
  name: '_version', type: { key: { type: 'uuid' }, min: 1, max: 1 }, ephemeral: false, mutable: false,
};

/** OVS writes "unlimited" sizes as UINT_MAX in size errors. */
export const UNLIMITED_TEXT = '4294967295';

export function isScalarType(type: ColumnType): boolean {
  return type.min === 1 && type.max === 1 && type.value === undefined;
}

export function isMapType(type: ColumnType): boolean {
  return type.value !== undefined;
}

/** True when `type` refers to another table, strongly or weakly. */
export function isReference(base: BaseType | undefined): base is BaseType & { refTable: string } {
  return base !== undefined && base.refTable !== undefined;
}

/** English name of a type for error details: "set of up to 3 integers", "map of (string, integer) pairs". */
export function typeToEnglish(type: ColumnType): string {
  if (isScalarType(type)) return type.key.type;
  const what = type.value ? `(${type.key.type}, ${type.value.type}) pairs` : `${type.key.type}s`;
  const kind = type.value ? 'map' : 'set';
  if (type.min === 0 && type.max === Infinity) return `${kind} of ${what}`;
  if (type.min === 0) return `${kind} of up to ${type.max} ${what}`;
  if (type.max === Infinity) return `${kind} of ${type.min} or more ${what}`;
  if (type.min === type.max) return `${kind} of exactly ${type.min} ${what}`;
  return `${kind} of ${type.min} to ${type.max} ${what}`;
}

function parseAtomicType(json: Json): AtomicType {
  if (typeof json === 'string' && (ATOMIC_TYPES as readonly string[]).includes(json)) return json as AtomicType;
  if (typeof json === 'string') throw syntaxError(json, `"${json}" is not an atomic-type`);
  throw syntaxError(json, 'expected string');
}

function parseBaseType(json: Json): BaseType {
  if (!isJsonObject(json)) return { type: parseAtomicType(json) };
  const parser = new MemberParser(json, 'ovsdb type');
  const typeJson = parser.get('type', 'string');
  if (parser.failed) parser.finish();
  const type = parseAtomicType(typeJson);
  const enumJson = parser.get('enum', 'any', true);
  const base: { -readonly [K in keyof BaseType]: BaseType[K] } = { type };
  // With an enum, Open vSwitch reads no range or length members, so they
  // count as unexpected members.
  const ranged = enumJson === undefined;
  if (ranged && type === 'integer') {
    const min = parser.get('minInteger', 'integer', true);
    const max = parser.get('maxInteger', 'integer', true);
    if (typeof min === 'number') base.minInteger = min;
    if (typeof max === 'number') base.maxInteger = max;
    if (typeof min === 'number' && typeof max === 'number' && min > max) {
      parser.finish();
      throw syntaxError(json, 'minInteger exceeds maxInteger');
    }
  } else if (ranged && type === 'real') {
    const min = parser.get('minReal', 'number', true);
    const max = parser.get('maxReal', 'number', true);
    if (typeof min === 'number') base.minReal = min;
    if (typeof max === 'number') base.maxReal = max;
    if (typeof min === 'number' && typeof max === 'number' && min > max) {
      parser.finish();
      throw syntaxError(json, 'minReal exceeds maxReal');
    }
  } else if (ranged && type === 'string') {
    const min = parser.get('minLength', 'integer', true);
    const max = parser.get('maxLength', 'integer', true);
    if (typeof min === 'number') base.minLength = min;
    if (typeof max === 'number') base.maxLength = max;
    if (typeof min === 'number' && typeof max === 'number' && min > max) {
      parser.finish();
      throw syntaxError(json, 'minLength exceeds maxLength');
    }
  } else if (type === 'uuid') {
    const refTable = parser.get('refTable', 'id', true);
    const refType = parser.get('refType', 'string', true);
    if (typeof refTable === 'string') {
      base.refTable = refTable;
      base.refType = 'strong';
      if (refType !== undefined) {
        if (refType !== 'strong' && refType !== 'weak') {
          parser.finish();
          throw syntaxError(json, `refType must be "strong" or "weak" (not "${String(refType)}")`);
        }
        base.refType = refType;
      }
    }
  }
  parser.finish();
  if (enumJson !== undefined) {
    const datum = parseDatum(enumJson, { key: { type }, min: 1, max: Infinity });
    base.enum = datum.keys;
  }
  return base;
}

function parseCount(json: Json | undefined, fallback: number, allowUnlimited: boolean): number {
  if (json === undefined) return fallback;
  if (typeof json === 'number' && Number.isInteger(json) && json >= 0) return json;
  if (allowUnlimited && json === 'unlimited') return Infinity;
  throw syntaxError(json, 'bad min or max value');
}

/** Parses an RFC 7047 <type>. */
export function parseColumnType(json: Json): ColumnType {
  if (!isJsonObject(json)) return { key: parseBaseType(json), min: 1, max: 1 };
  const parser = new MemberParser(json, 'ovsdb type');
  const keyJson = parser.get('key', 'any');
  const valueJson = parser.get('value', 'any', true);
  const minJson = parser.get('min', 'any', true);
  const maxJson = parser.get('max', 'any', true);
  parser.finish();
  const key = parseBaseType(keyJson);
  const value = valueJson === undefined ? undefined : parseBaseType(valueJson);
  const min = parseCount(minJson, 1, false);
  const max = parseCount(maxJson, 1, true);
  if (min > 1 || max < 1 || min > max) throw syntaxError(json, 'ovsdb type fails constraint checks');
  return value === undefined ? { key, min, max } : { key, value, min, max };
}

function parseColumn(name: string, json: Json): ColumnSchema {
  const parser = new MemberParser(expectObject(json, `schema for column ${name}`), `schema for column ${name}`);
  const typeJson = parser.get('type', 'string-or-object');
  const ephemeral = parser.get('ephemeral', 'boolean', true);
  const mutable = parser.get('mutable', 'boolean', true);
  parser.finish();
  return { name, type: parseColumnType(typeJson), ephemeral: ephemeral === true, mutable: mutable !== false };
}

function parseTable(name: string, json: Json): TableSchema & { isRootGiven: boolean } {
  const parser = new MemberParser(expectObject(json, `table schema for table ${name}`), `table schema for table ${name}`);
  const columnsJson = parser.get('columns', 'object') as JsonObject;
  const maxRowsJson = parser.get('maxRows', 'integer', true);
  const isRootJson = parser.get('isRoot', 'boolean', true);
  const indexesJson = parser.get('indexes', 'array', true) as Json[] | undefined;
  parser.finish();
  if (typeof maxRowsJson === 'number' && maxRowsJson < 1) throw syntaxError(json, 'maxRows must be at least 1');
  const columns = new Map<string, ColumnSchema>();
  for (const [columnName, columnJson] of Object.entries(columnsJson)) {
    if (columnName.startsWith('_')) throw syntaxError(json, 'names beginning with "_" are reserved');
    if (!isIdentifier(columnName)) throw syntaxError(json, `name must be a valid id`);
    columns.set(columnName, parseColumn(columnName, columnJson));
  }
  columns.set('_uuid', UUID_COLUMN);
  columns.set('_version', VERSION_COLUMN);
  const indexes: string[][] = [];
  for (const indexJson of indexesJson ?? []) {
    const distinct = Array.isArray(indexJson) && new Set(indexJson.map((name) => JSON.stringify(name))).size === indexJson.length;
    if (!Array.isArray(indexJson) || !distinct) throw syntaxError(indexJson, 'array of distinct column names expected');
    if (indexJson.length === 0) throw syntaxError(json, 'index must have at least one column');
    const index: string[] = [];
    for (const columnName of indexJson) {
      const column = typeof columnName === 'string' ? columns.get(columnName) : undefined;
      if (!column) throw syntaxError(indexJson, `${typeof columnName === 'string' ? columnName : JSON.stringify(columnName)} is not a valid column name`);
      if (column.ephemeral) throw syntaxError(json, `ephemeral columns (such as ${column.name}) may not be indexed`);
      index.push(column.name);
    }
    indexes.push(index);
  }
  return {
    name, columns, indexes,
    maxRows: typeof maxRowsJson === 'number' ? maxRowsJson : Infinity,
    isRoot: isRootJson === true,
    isRootGiven: isRootJson === true,
  };
}

/**
 * Parses and validates a database schema. Throws OvsdbError("syntax error")
 * with the same details ovsdb-tool prints after "failed to parse ... as ovsdb schema:".
 */
export function parseSchema(json: Json): DatabaseSchema {
  const parser = new MemberParser(expectObject(json, 'database schema'), 'database schema');
  const name = parser.get('name', 'id') as string;
  const version = parser.get('version', 'string', true) as string | undefined;
  const cksum = parser.get('cksum', 'string', true) as string | undefined;
  const tablesJson = parser.get('tables', 'object') as JsonObject;
  parser.finish();
  if (version !== undefined && !/^\d+\.\d+\.\d+$/.test(version)) {
    throw syntaxError(json, `schema version "${version}" not in format x.y.z`);
  }
  const parsed: (TableSchema & { isRootGiven: boolean })[] = [];
  for (const [tableName, tableJson] of Object.entries(tablesJson)) {
    if (tableName.startsWith('_')) throw syntaxError(json, 'names beginning with "_" are reserved');
    if (!isIdentifier(tableName)) throw syntaxError(json, 'name must be a valid id');
    parsed.push(parseTable(tableName, tableJson));
  }
  // Schemas written before isRoot existed have no root tables at all; Open
  // vSwitch then treats every table as a root so nothing is collected.
  const anyRoot = parsed.some((table) => table.isRootGiven);
  const tables = new Map<string, TableSchema>();
  for (const { isRootGiven: _ignored, ...table } of parsed) {
    tables.set(table.name, anyRoot ? table : { ...table, isRoot: true });
  }
  for (const table of tables.values()) {
    for (const column of table.columns.values()) {
      for (const [which, base] of [['key', column.type.key], ['value', column.type.value]] as const) {
        if (isReference(base) && !tables.has(base.refTable)) {
          throw new OvsdbError('syntax error', `column ${column.name} ${which} refers to undefined table ${base.refTable}`);
        }
      }
    }
  }
  return { name, version, cksum, tables };
}

/** The schema back as JSON (what "get_schema" returns), implicit columns left out. */
export function schemaToJson(schema: DatabaseSchema): JsonObject {
  const baseToJson = (base: BaseType): Json => {
    const json: JsonObject = { type: base.type };
    if (base.enum) json.enum = ['set', base.enum.map((atom) => (base.type === 'uuid' ? ['uuid', atom] : atom)) as Json[]];
    for (const key of ['minInteger', 'maxInteger', 'minReal', 'maxReal', 'minLength', 'maxLength', 'refTable', 'refType'] as const) {
      if (base[key] !== undefined) json[key] = base[key] as Json;
    }
    return Object.keys(json).length === 1 ? base.type : json;
  };
  const typeToJson = (type: ColumnType): Json => {
    if (isScalarType(type) && typeof baseToJson(type.key) === 'string') return type.key.type;
    const json: JsonObject = { key: baseToJson(type.key) };
    if (type.value) json.value = baseToJson(type.value);
    if (type.min !== 1) json.min = type.min;
    if (type.max !== 1) json.max = type.max === Infinity ? 'unlimited' : type.max;
    return json;
  };
  const tables: JsonObject = {};
  for (const table of schema.tables.values()) {
    const columns: JsonObject = {};
    for (const column of table.columns.values()) {
      if (column.name.startsWith('_')) continue;
      const json: JsonObject = { type: typeToJson(column.type) };
      if (column.ephemeral) json.ephemeral = true;
      if (!column.mutable) json.mutable = false;
      columns[column.name] = json;
    }
    const json: JsonObject = { columns };
    if (table.isRoot) json.isRoot = true;
    if (table.maxRows !== Infinity) json.maxRows = table.maxRows;
    if (table.indexes.length) json.indexes = table.indexes.map((index) => [...index]);
    tables[table.name] = json;
  }
  const json: JsonObject = { name: schema.name, tables };
  if (schema.version !== undefined) json.version = schema.version;
  if (schema.cksum !== undefined) json.cksum = schema.cksum;
  return json;
}
