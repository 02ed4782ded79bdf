// OVSDB values: atoms (integer, real, boolean, string, uuid) and datums (sets
// and maps of atoms kept sorted by key, as OVSDB keeps them), their RFC 7047
// JSON form (["set", ...], ["map", ...], ["uuid", ...], ["named-uuid", ...]),
// defaults, constraint checks and the text form used in error details.
// Called by schema (enums), condition, mutation and the transaction code.

import { randomUUID } from 'node:crypto';
import { OvsdbError, syntaxError } from './error.js';
import { formatReal, type Json } from './json.js';
import { isMapType, UNLIMITED_TEXT, type AtomicType, type BaseType, type ColumnType } from './schema.js';

/**
 * One value: a number for integer and real, boolean, string, and for uuid the
 * lowercase canonical text. The column type says which; atoms carry no tag.
 * TODO(#4): OVSDB integers are 64-bit, but JSON.parse (src/lib/jsonrpc.ts)
 * rounds those beyond 2^53; exact ones need a BigInt-preserving JSON reader.
 */
export type Atom = number | boolean | string;

/** A set (values undefined) or map; keys sorted and distinct, values parallel to keys. */
export interface Datum {
  readonly keys: readonly Atom[];
  readonly values?: readonly Atom[];
}

/** Resolves ["named-uuid", name] while parsing a transaction; absent where names are not allowed. */
export interface SymbolTable {
  resolve(name: string): string;
}

const UUID_PATTERN = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
export const ZERO_UUID = '00000000-0000-0000-0000-000000000000';

export function isUuid(text: string): boolean {
  return UUID_PATTERN.test(text);
}

export function newUuid(): string {
  return randomUUID();
}

/** Strings order by UTF-8 bytes in OVSDB, which is code point order, not UTF-16 order. */
function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.codePointAt(i) as number;
    const y = b.codePointAt(i) as number;
    if (x !== y) return x < y ? -1 : 1;
  }
  return a.length - b.length;
}

export function compareAtoms(a: Atom, b: Atom): number {
  if (typeof a === 'number') return a < (b as number) ? -1 : a > (b as number) ? 1 : 0;
  if (typeof a === 'boolean') return a === b ? 0 : a ? 1 : -1;
  return compareStrings(a, b as string);
}

export function defaultAtom(type: AtomicType): Atom {
  switch (type) {
    case 'integer': case 'real': return 0;
    case 'boolean': return false;
    case 'string': return '';
    case 'uuid': return ZERO_UUID;
  }
}

/** The value a column holds when an insert does not give one. */
export function defaultDatum(type: ColumnType): Datum {
  if (type.min === 0) return type.value ? { keys: [], values: [] } : { keys: [] };
  const key = defaultAtom(type.key.type);
  return type.value ? { keys: [key], values: [defaultAtom(type.value.type)] } : { keys: [key] };
}

export function atomToJson(atom: Atom, type: AtomicType): Json {
  return type === 'uuid' ? ['uuid', atom as string] : atom;
}

/** Parses one atom of `base.type`; constraints are checked separately. */
export function parseAtom(json: Json, base: BaseType, symbols?: SymbolTable): Atom {
  switch (base.type) {
    case 'integer':
      if (typeof json === 'number' && Number.isInteger(json)) return json;
      throw syntaxError(json, 'expected integer');
    case 'real':
      if (typeof json === 'number') return json;
      throw syntaxError(json, 'expected real');
    case 'boolean':
      if (typeof json === 'boolean') return json;
      throw syntaxError(json, 'expected boolean');
    case 'string':
      if (typeof json === 'string') return json;
      throw syntaxError(json, 'expected string');
    case 'uuid':
      if (Array.isArray(json) && json.length === 2 && typeof json[1] === 'string') {
        if (json[0] === 'uuid') {
          if (!isUuid(json[1])) throw syntaxError(json, `"${json[1]}" is not a valid UUID`);
          return json[1].toLowerCase();
        }
        if (json[0] === 'named-uuid' && symbols) return symbols.resolve(json[1]);
      }
      throw syntaxError(json, 'expected ["uuid", <string>]');
  }
}

function sortDatum(keys: Atom[], values: Atom[] | undefined, isMap: boolean): Datum {
  const order = keys.map((_, i) => i).sort((i, j) => compareAtoms(keys[i], keys[j]));
  const sortedKeys = order.map((i) => keys[i]);
  for (let i = 1; i < sortedKeys.length; i++) {
    if (compareAtoms(sortedKeys[i - 1], sortedKeys[i]) === 0) {
      throw new OvsdbError('ovsdb error', isMap ? 'map contains duplicate key' : 'set contains duplicate');
    }
  }
  return values ? { keys: sortedKeys, values: order.map((i) => values[i]) } : { keys: sortedKeys };
}

/** Builds a datum from unsorted distinct keys (and values). */
export function makeDatum(keys: Atom[], values?: Atom[]): Datum {
  return sortDatum(keys, values, values !== undefined);
}

/**
 * Parses a datum of `type` from RFC 7047 JSON, checking the element count but
 * not the atom constraints (see checkDatum). Named UUIDs resolve through `symbols`.
 */
export function parseDatum(json: Json, type: ColumnType, symbols?: SymbolTable): Datum {
  let datum: Datum;
  const isMap = isMapType(type);
  if (isMap) {
    if (!Array.isArray(json) || json.length !== 2 || json[0] !== 'map' || !Array.isArray(json[1])) {
      throw syntaxError(json, 'expected ["map", <array>]');
    }
    const keys: Atom[] = [];
    const values: Atom[] = [];
    for (const pair of json[1]) {
      if (!Array.isArray(pair) || pair.length !== 2) throw syntaxError(pair, 'expected 2-element array');
      keys.push(parseAtom(pair[0], type.key, symbols));
      values.push(parseAtom(pair[1], type.value as BaseType, symbols));
    }
    datum = sortDatum(keys, values, true);
  } else if (Array.isArray(json) && json[0] === 'set') {
    if (json.length !== 2 || !Array.isArray(json[1])) throw syntaxError(json, 'expected ["set", <array>]');
    datum = sortDatum(json[1].map((element) => parseAtom(element, type.key, symbols)), undefined, false);
  } else {
    datum = { keys: [parseAtom(json, type.key, symbols)] };
  }
  const count = datum.keys.length;
  if (count < type.min || count > type.max) {
    const max = type.max === Infinity ? UNLIMITED_TEXT : String(type.max);
    const range = type.min === type.max ? 'exactly one member' : `${type.min} to ${max} members`;
    throw syntaxError(json, `${isMap ? 'map' : 'set'} must have ${range} but ${count} are present`);
  }
  return datum;
}

export function datumToJson(datum: Datum, type: ColumnType): Json {
  if (datum.values) {
    const valueType = (type.value as BaseType).type;
    return ['map', datum.keys.map((key, i) => [atomToJson(key, type.key.type), atomToJson((datum.values as Atom[])[i], valueType)])];
  }
  if (datum.keys.length === 1) return atomToJson(datum.keys[0], type.key.type);
  return ['set', datum.keys.map((key) => atomToJson(key, type.key.type))];
}

/** Whether OVS's text form writes a string in quotes. */
function stringNeedsQuotes(text: string): boolean {
  if (!/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(text)) return true;
  return text === 'true' || text === 'false' || isUuid(text);
}

/** An atom in OVSDB's text form (used in error details and by ovs-vsctl-style output). */
export function atomToText(atom: Atom, type: AtomicType): string {
  if (type === 'real') return formatReal(atom as number);
  if (type === 'string') return stringNeedsQuotes(atom as string) ? JSON.stringify(atom) : (atom as string);
  return String(atom);
}

/** A datum in OVSDB's text form: an atom, "[a, b]" for sets, "{k=v, ...}" for maps. */
export function datumToText(datum: Datum, type: ColumnType): string {
  const keys = datum.keys.map((key) => atomToText(key, type.key.type));
  if (datum.values) {
    const valueType = (type.value as BaseType).type;
    return `{${keys.map((key, i) => `${key}=${atomToText((datum.values as Atom[])[i], valueType)}`).join(', ')}}`;
  }
  if (isMapType(type) === false && type.min === 1 && type.max === 1 && keys.length === 1) return keys[0];
  return `[${keys.join(', ')}]`;
}

/** Checks one atom against its base type's enum, range and length constraints. */
export function checkAtom(atom: Atom, base: BaseType): void {
  if (base.enum) {
    if (!base.enum.some((allowed) => compareAtoms(allowed, atom) === 0)) {
      const allowed = base.enum.map((value) => atomToText(value, base.type)).join(', ');
      throw new OvsdbError('constraint violation', `${atomToText(atom, base.type)} is not one of the allowed values ([${allowed}])`);
    }
    return;
  }
  if (base.type === 'integer' || base.type === 'real') {
    const value = atom as number;
    const min = base.type === 'integer' ? base.minInteger : base.minReal;
    const max = base.type === 'integer' ? base.maxInteger : base.maxReal;
    const text = (n: number): string => atomToText(n, base.type);
    if (min !== undefined && max !== undefined) {
      if (value < min || value > max) {
        throw new OvsdbError('constraint violation', `${text(value)} is not in the valid range ${text(min)} to ${text(max)} (inclusive)`);
      }
    } else if (min !== undefined && value < min) {
      throw new OvsdbError('constraint violation', `${text(value)} is less than minimum allowed value ${text(min)}`);
    } else if (max !== undefined && value > max) {
      throw new OvsdbError('constraint violation', `${text(value)} is greater than maximum allowed value ${text(max)}`);
    }
  } else if (base.type === 'string') {
    // Lengths count characters (code points), not UTF-8 bytes.
    const length = [...(atom as string)].length;
    if (base.minLength !== undefined && length < base.minLength) {
      throw new OvsdbError('constraint violation', `${JSON.stringify(atom)} length ${length} is less than minimum allowed length ${base.minLength}`);
    }
    if (base.maxLength !== undefined && length > base.maxLength) {
      throw new OvsdbError('constraint violation', `${JSON.stringify(atom)} length ${length} is greater than maximum allowed length ${base.maxLength}`);
    }
  }
}

/** Checks every atom of a datum against the column type's constraints. */
export function checkDatum(datum: Datum, type: ColumnType): void {
  for (const key of datum.keys) checkAtom(key, type.key);
  if (datum.values && type.value) for (const value of datum.values) checkAtom(value, type.value);
}

export function datumsEqual(a: Datum, b: Datum): boolean {
  if (a.keys.length !== b.keys.length) return false;
  for (let i = 0; i < a.keys.length; i++) {
    if (compareAtoms(a.keys[i], b.keys[i]) !== 0) return false;
    if (a.values && b.values && compareAtoms(a.values[i], b.values[i]) !== 0) return false;
  }
  return true;
}

/** Index of `key` in a sorted datum, or -1. */
export function findKey(datum: Datum, key: Atom): number {
  let low = 0;
  let high = datum.keys.length - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const order = compareAtoms(datum.keys[middle], key);
    if (order === 0) return middle;
    if (order < 0) low = middle + 1;
    else high = middle - 1;
  }
  return -1;
}

/** A string that is equal for equal datums: the key of hash indexes and row comparisons. */
export function datumKey(datum: Datum): string {
  return JSON.stringify(datum.values ? [datum.keys, datum.values] : datum.keys);
}
