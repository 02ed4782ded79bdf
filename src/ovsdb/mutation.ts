// RFC 7047 mutations: [column, mutator, value] with the arithmetic mutators
// (+=, -=, *=, /=, %=) applied to every integer or real element and the set
// mutators insert/delete, with the real server's errors ("domain error" for
// division by zero, "range error" for overflow, "constraint violation" for
// sizes and constraints). Used by the mutate operation in transaction.ts.

import { OvsdbError, syntaxError } from './error.js';
import { type Json } from './json.js';
import { checkDatum, compareAtoms, findKey, makeDatum, parseAtom, parseDatum, type Atom, type Datum, type SymbolTable } from './data.js';
import { isScalarType, typeToEnglish, type ColumnSchema, type ColumnType, type TableSchema } from './schema.js';

export type Mutator = '+=' | '-=' | '*=' | '/=' | '%=' | 'insert' | 'delete';
const MUTATORS: readonly string[] = ['+=', '-=', '*=', '/=', '%=', 'insert', 'delete'];

export interface Mutation {
  readonly column: ColumnSchema;
  readonly mutator: Mutator;
  /** The scalar operand of an arithmetic mutator. */
  readonly atom?: Atom;
  /** The operand of insert or delete; for delete on a map it may be a set of keys. */
  readonly datum?: Datum;
}

const INT64_LIMIT = 2 ** 63;

export function parseMutation(json: Json, table: TableSchema, symbols?: SymbolTable): Mutation {
  if (!Array.isArray(json) || json.length !== 3 || typeof json[0] !== 'string' || typeof json[1] !== 'string') {
    throw syntaxError(json, 'Parse error in mutation.');
  }
  const [columnName, mutatorName, value] = json;
  const column = table.columns.get(columnName);
  if (!column) throw new OvsdbError('unknown column', `No column ${columnName} in table ${table.name}.`, { syntax: json });
  if (!MUTATORS.includes(mutatorName)) throw new OvsdbError('unknown mutator', `No mutator named ${mutatorName}.`);
  if (!column.mutable) {
    throw new OvsdbError('constraint violation', `Cannot mutate immutable column ${column.name} in table ${table.name}.`, { syntax: json });
  }
  const mutator = mutatorName as Mutator;
  const type = column.type;
  if (mutator !== 'insert' && mutator !== 'delete') {
    const numeric = type.value === undefined && (type.key.type === 'integer' || (type.key.type === 'real' && mutator !== '%='));
    if (!numeric) {
      throw syntaxError(json, `Type mismatch: "${mutator}" operator may not be applied to column ${column.name} of type ${typeToEnglish(type)}.`);
    }
    return { column, mutator, atom: parseAtom(value, { type: type.key.type }, symbols) };
  }
  if (isScalarType(type)) {
    throw syntaxError(json, `Type mismatch: "${mutator}" operator may not be applied to column ${column.name} of type ${typeToEnglish(type)}.`);
  }
  const relaxed: ColumnType = { ...type, min: 0 };
  if (mutator === 'delete' && type.value) {
    // A map loses either the pairs given as a map or the keys given as a set;
    // when neither parses, the error is the one about the set of keys.
    try {
      return { column, mutator, datum: parseDatum(value, relaxed, symbols) };
    } catch (error) {
      if (!(error instanceof OvsdbError)) throw error;
      return { column, mutator, datum: parseDatum(value, { key: type.key, min: 0, max: type.max }, symbols) };
    }
  }
  return { column, mutator, datum: parseDatum(value, relaxed, symbols) };
}

export function parseMutations(json: Json, table: TableSchema, symbols?: SymbolTable): Mutation[] {
  if (!Array.isArray(json)) throw syntaxError(json, 'Parse error in mutation.');
  return json.map((mutation) => parseMutation(mutation, table, symbols));
}

function arithmetic(mutator: Mutator, isInteger: boolean, a: number, b: number): number {
  if ((mutator === '/=' || mutator === '%=') && b === 0) throw new OvsdbError('domain error', 'Division by zero.');
  let result: number;
  switch (mutator) {
    case '+=': result = a + b; break;
    case '-=': result = a - b; break;
    case '*=': result = a * b; break;
    case '/=': result = isInteger ? Math.trunc(a / b) : a / b; break;
    default: result = a % b; break;
  }
  const outOfRange = isInteger ? result >= INT64_LIMIT || result < -INT64_LIMIT : !Number.isFinite(result);
  if (outOfRange) throw new OvsdbError('range error', `Result of "${mutator}" operation is out of range.`);
  return isInteger && Object.is(result, -0) ? 0 : result;
}

function sizeError(count: number, type: ColumnType): OvsdbError {
  return new OvsdbError('constraint violation', `Attempted to store ${count} elements in ${typeToEnglish(type)}.`);
}

/** Applies one mutation to a column value and returns the new value (or throws). */
export function applyMutation(mutation: Mutation, value: Datum): Datum {
  const type = mutation.column.type;
  switch (mutation.mutator) {
    case 'insert': {
      const operand = mutation.datum as Datum;
      const keys = [...value.keys];
      const values = value.values ? [...value.values] : undefined;
      operand.keys.forEach((key, i) => {
        if (findKey(value, key) >= 0) return;
        keys.push(key);
        if (values && operand.values) values.push(operand.values[i]);
      });
      if (keys.length > type.max) throw sizeError(keys.length, type);
      const result = makeDatum(keys, values);
      checkDatum(result, type);
      return result;
    }
    case 'delete': {
      const operand = mutation.datum as Datum;
      const keys: Atom[] = [];
      const values: Atom[] | undefined = value.values ? [] : undefined;
      value.keys.forEach((key, i) => {
        const at = findKey(operand, key);
        const matches = at >= 0 &&
          (!operand.values || !value.values || compareAtoms(operand.values[at], value.values[i]) === 0);
        if (matches) return;
        keys.push(key);
        if (values && value.values) values.push(value.values[i]);
      });
      if (keys.length < type.min) throw sizeError(keys.length, type);
      return values ? { keys, values } : { keys };
    }
    default: {
      const isInteger = type.key.type === 'integer';
      const keys = value.keys.map((key) => arithmetic(mutation.mutator, isInteger, key as number, mutation.atom as number));
      let result: Datum;
      try {
        result = makeDatum(keys);
      } catch {
        throw new OvsdbError('constraint violation', `Result of "${mutation.mutator}" operation contains duplicates.`);
      }
      checkDatum(result, type);
      return result;
    }
  }
}
