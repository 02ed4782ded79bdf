// JSON helpers for the OVSDB layer: the canonical text Open vSwitch writes
// (object members sorted by name, reals as C's "%.15g" or "%.17g"), and a
// member-by-member object parser that reports errors with OVS's wording
// ("Required 'x' member is missing.", ...). Used by schema, data, transaction.

import { OvsdbError, syntaxError } from './error.js';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** True for names OVSDB accepts as identifiers (tables, columns, uuid-names). */
export function isIdentifier(text: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(text);
}

/** Formats a real the way C printf("%.<precision>g") would. */
function formatG(value: number, precision: number): string {
  if (value === 0) return Object.is(value, -0) ? '-0' : '0';
  const [mantissa, exponentText] = value.toExponential(precision - 1).split('e');
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= precision) {
    const digits = mantissa.includes('.') ? mantissa.replace(/0+$/, '').replace(/\.$/, '') : mantissa;
    const sign = exponent < 0 ? '-' : '+';
    return `${digits}e${sign}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  const fixed = value.toFixed(Math.max(0, precision - 1 - exponent));
  return fixed.includes('.') ? fixed.replace(/0+$/, '').replace(/\.$/, '') : fixed;
}

/** A real as OVS prints it: 15 significant digits when they round-trip, else 17. */
export function formatReal(value: number): string {
  const short = formatG(value, 15);
  return Number(short) === value ? short : formatG(value, 17);
}

/** Compact JSON text with object members sorted, as OVS's JSON writer emits it. */
export function jsonToString(value: Json): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    return Number.isInteger(value) && Math.abs(value) < 2 ** 63 ? String(BigInt(value)) : formatReal(value);
  }
  if (Array.isArray(value)) return `[${value.map(jsonToString).join(',')}]`;
  const names = Object.keys(value).sort();
  return `{${names.map((name) => `${JSON.stringify(name)}:${jsonToString(value[name])}`).join(',')}}`;
}

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** What a member must be: OVS's parser classes. */
export type MemberKind = 'id' | 'string' | 'object' | 'string-or-object' | 'array' | 'boolean' | 'integer' | 'number' | 'any';

function kindMatches(value: Json, kind: MemberKind): boolean {
  switch (kind) {
    case 'id': return typeof value === 'string' && isIdentifier(value);
    case 'string': return typeof value === 'string';
    case 'object': return isJsonObject(value);
    case 'string-or-object': return typeof value === 'string' || isJsonObject(value);
    case 'array': return Array.isArray(value);
    case 'boolean': return typeof value === 'boolean';
    case 'integer': return typeof value === 'number' && Number.isInteger(value);
    case 'number': return typeof value === 'number';
    case 'any': return true;
  }
}

/** Checks that `json` is an object, failing as OVS does ("Object expected.", no syntax). */
export function expectObject(json: Json, what: string): JsonObject {
  if (!isJsonObject(json)) throw new OvsdbError('syntax error', `Parsing ${what} failed: Object expected.`);
  return json;
}

/**
 * Reads the members of one JSON object; the first problem wins, and finish()
 * reports it (or an unexpected member) as "Parsing <what> failed: ...".
 */
export class MemberParser {
  private readonly used = new Set<string>();
  private problem: string | undefined;

  constructor(private readonly object: JsonObject, private readonly what: string) {}

  get(name: string, kind: MemberKind, optional: true): Json | undefined;
  get(name: string, kind: MemberKind, optional?: false): Json;
  get(name: string, kind: MemberKind, optional = false): Json | undefined {
    if (!Object.prototype.hasOwnProperty.call(this.object, name)) {
      if (!optional) this.fail(`Required '${name}' member is missing.`);
      return undefined;
    }
    this.used.add(name);
    const value = this.object[name];
    if (!kindMatches(value, kind)) {
      this.fail(`Type mismatch for member '${name}'.`);
      return undefined;
    }
    return value;
  }

  /** Records a problem found by the caller (e.g. an unknown table name). */
  fail(text: string): void {
    this.problem ??= text;
  }

  get failed(): boolean {
    return this.problem !== undefined;
  }

  /** Throws the first problem, if any, with the whole object as syntax. */
  finish(): void {
    if (this.problem === undefined) {
      const extra = Object.keys(this.object).find((name) => !this.used.has(name));
      if (extra !== undefined) this.problem = `Member '${extra}' is present but not allowed here.`;
    }
    if (this.problem !== undefined) throw syntaxError(this.object, `Parsing ${this.what} failed: ${this.problem}`);
  }
}
