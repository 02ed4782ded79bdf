// RFC 7047 conditions ("where" clauses): parsing [column, function, value]
// with the real server's errors, and evaluation against a row. Functions:
// <, <=, ==, !=, >=, > (ordering only on integer/real columns with at most one
// value) and includes/excludes (subset and disjointness). Used by select,
// update, mutate, delete and wait in transaction.ts.

import { OvsdbError, syntaxError } from './error.js';
import { type Json } from './json.js';
import { compareAtoms, findKey, parseAtom, parseDatum, datumsEqual, type Atom, type Datum, type SymbolTable } from './data.js';
import { typeToEnglish, type ColumnSchema, type TableSchema } from './schema.js';

export type ConditionFunction = '<' | '<=' | '==' | '!=' | '>=' | '>' | 'includes' | 'excludes';
const FUNCTIONS: readonly string[] = ['<', '<=', '==', '!=', '>=', '>', 'includes', 'excludes'];

export interface Condition {
  readonly column: ColumnSchema;
  readonly function: ConditionFunction;
  /** For ordering functions a single atom; otherwise a datum. */
  readonly atom?: Atom;
  readonly datum?: Datum;
}

/** Parses one condition against `table`. */
export function parseCondition(json: Json, table: TableSchema, symbols?: SymbolTable): Condition {
  if (!Array.isArray(json) || json.length !== 3 || typeof json[0] !== 'string' || typeof json[1] !== 'string') {
    throw syntaxError(json, 'Parse error in condition.');
  }
  const [columnName, functionName, value] = json;
  const column = table.columns.get(columnName);
  if (!column) throw new OvsdbError('unknown column', `No column ${columnName} in table ${table.name}.`, { syntax: json });
  if (!FUNCTIONS.includes(functionName)) throw new OvsdbError('unknown function', `No function named ${functionName}.`);
  const fn = functionName as ConditionFunction;
  const type = column.type;
  if (fn === '<' || fn === '<=' || fn === '>' || fn === '>=') {
    const ordered = (type.key.type === 'integer' || type.key.type === 'real') && type.value === undefined && type.max === 1;
    if (!ordered) {
      throw syntaxError(json, `Type mismatch: "${fn}" operator may not be applied to column ${column.name} of type ${typeToEnglish(type)}.`);
    }
    return { column, function: fn, atom: parseAtom(value, { type: type.key.type }, symbols) };
  }
  // Equality and inclusion compare whole values; the argument may have fewer
  // elements than the column's minimum (an empty "includes" is always true).
  const argumentType = {
    key: { type: type.key.type },
    ...(type.value ? { value: { type: type.value.type } } : {}),
    min: 0,
    max: type.max,
  };
  return { column, function: fn, datum: parseDatum(value, argumentType, symbols) };
}

/** Parses a "where" array. */
export function parseConditions(json: Json, table: TableSchema, symbols?: SymbolTable): Condition[] {
  if (!Array.isArray(json)) throw syntaxError(json, 'Parse error in condition.');
  return json.map((condition) => parseCondition(condition, table, symbols));
}

/** True if every element (pair, for maps) of `part` is in `whole`. */
function includes(whole: Datum, part: Datum): boolean {
  for (let i = 0; i < part.keys.length; i++) {
    const at = findKey(whole, part.keys[i]);
    if (at < 0) return false;
    if (part.values && whole.values && compareAtoms(part.values[i], whole.values[at]) !== 0) return false;
  }
  return true;
}

/** True if no element (pair, for maps) of `part` is in `whole`. */
function excludes(whole: Datum, part: Datum): boolean {
  for (let i = 0; i < part.keys.length; i++) {
    const at = findKey(whole, part.keys[i]);
    if (at < 0) continue;
    if (part.values && whole.values && compareAtoms(part.values[i], whole.values[at]) !== 0) continue;
    return false;
  }
  return true;
}

export function evaluateCondition(condition: Condition, value: Datum): boolean {
  switch (condition.function) {
    case '==': return datumsEqual(value, condition.datum as Datum);
    case '!=': return !datumsEqual(value, condition.datum as Datum);
    case 'includes': return includes(value, condition.datum as Datum);
    case 'excludes': return excludes(value, condition.datum as Datum);
    default: {
      // An optional column with no value satisfies no ordering.
      if (value.keys.length === 0) return false;
      const order = compareAtoms(value.keys[0], condition.atom as Atom);
      switch (condition.function) {
        case '<': return order < 0;
        case '<=': return order <= 0;
        case '>': return order > 0;
        default: return order >= 0;
      }
    }
  }
}

/** True if `lookup(column)` satisfies every condition (an empty "where" matches all rows). */
export function evaluateConditions(conditions: readonly Condition[], lookup: (column: string) => Datum): boolean {
  return conditions.every((condition) => evaluateCondition(condition, lookup(condition.column.name)));
}
