// Values as ovs-vsctl reads and prints them: the text syntax of OVSDB data on
// the command line ("1,2,3", "[a, b]", "{k=v, "x y"=1}", "@name" references)
// with ovs-vsctl's error messages, and the output forms of --data (string,
// bare, json) and --format (list, table, csv, json, bare). Used by
// src/ovsdb/vsctl/commands.ts; owns no state.

import { atomToText, datumToJson, makeDatum, isUuid, checkDatum, type Atom, type Datum } from '../data.js';
import { jsonToString, type Json } from '../json.js';
import type { BaseType, ColumnType } from '../schema.js';

/** A user mistake that ovs-vsctl reports as "ovs-vsctl: MESSAGE" with exit status 1. */
export class VsctlError extends Error {}

/** Resolves "@name" to the UUID of a row created with --id=@name. */
export type SymbolResolver = (name: string) => string;

// -- parsing -----------------------------------------------------------------------

interface Token {
  readonly text: string;
  readonly quoted: boolean;
}

/** Splits `text` at `delimiters` (plus whitespace around tokens); quoted strings keep everything. */
class Tokenizer {
  private position = 0;
  constructor(private readonly text: string) {}

  skipSpace(): void {
    while (this.position < this.text.length && /\s/.test(this.text[this.position] as string)) this.position++;
  }

  peek(): string | undefined {
    this.skipSpace();
    return this.text[this.position];
  }

  atEnd(): boolean {
    return this.peek() === undefined;
  }

  take(char: string): boolean {
    if (this.peek() !== char) return false;
    this.position++;
    return true;
  }

  token(delimiters: string): Token {
    this.skipSpace();
    if (this.text[this.position] === '"') {
      let end = this.position + 1;
      while (end < this.text.length && this.text[end] !== '"') end += this.text[end] === '\\' ? 2 : 1;
      if (end >= this.text.length) throw new VsctlError(`${this.text}: missing quote at end of quoted string`);
      const raw = this.text.slice(this.position, end + 1);
      this.position = end + 1;
      try {
        return { text: JSON.parse(raw) as string, quoted: true };
      } catch {
        throw new VsctlError(`${raw}: invalid quoted string`);
      }
    }
    const start = this.position;
    while (this.position < this.text.length) {
      const char = this.text[this.position] as string;
      if (delimiters.includes(char) || /\s/.test(char)) break;
      this.position++;
    }
    return { text: this.text.slice(start, this.position), quoted: false };
  }
}

/** Parses one atom from its text (ovsdb_atom_from_string's rules and messages). */
export function parseAtomText(token: Token | string, base: BaseType, symbols?: SymbolResolver): Atom {
  const { text, quoted } = typeof token === 'string' ? unquote(token) : token;
  switch (base.type) {
    case 'integer':
      if (!quoted && /^[-+]?\d+$/.test(text)) return Number(text);
      throw new VsctlError(`"${text}" is not a valid integer or range`);
    case 'real':
      if (!quoted && text !== '' && Number.isFinite(Number(text))) return Number(text);
      throw new VsctlError(`"${text}" is not a valid real number`);
    case 'boolean':
      if (!quoted && text === 'true') return true;
      if (!quoted && text === 'false') return false;
      throw new VsctlError(`"${text}" is not a valid boolean (use "true" or "false")`);
    case 'string':
      return text;
    case 'uuid':
      if (!quoted && text.startsWith('@') && symbols) return symbols(text);
      if (isUuid(text)) return text.toLowerCase();
      throw new VsctlError(`"${text}" is not a valid UUID`);
  }
}

function unquote(text: string): Token {
  const trimmed = text.trim();
  if (trimmed.startsWith('"')) return new Tokenizer(trimmed).token('');
  return { text, quoted: false };
}

/** Expands "A-B" integer ranges in sets, as ovs-vsctl accepts for trunks. */
function parseSetElement(token: Token, base: BaseType, symbols: SymbolResolver | undefined): Atom[] {
  const range = !token.quoted && base.type === 'integer' ? /^(\d+)-(\d+)$/.exec(token.text) : null;
  if (range) {
    const low = Number(range[1]);
    const high = Number(range[2]);
    if (low > high) throw new VsctlError(`"${token.text}" is not a valid range. Range end cannot be before start.`);
    const atoms: Atom[] = [];
    for (let value = low; value <= high; value++) atoms.push(value);
    return atoms;
  }
  return [parseAtomText(token, base, symbols)];
}

/** Parses a whole datum from ovs-vsctl text and checks its size and constraints. */
export function parseDatumText(text: string, type: ColumnType, symbols?: SymbolResolver): Datum {
  const datum = parseDatumTextUnchecked(text, type, symbols);
  if (datum.keys.length < type.min || datum.keys.length > type.max) {
    if (type.min === 1 && type.max === 1) throw new VsctlError(`"${text}" is not a valid value: exactly one value required`);
    throw new VsctlError(`"${text}" has ${datum.keys.length} elements, but at most ${type.max} are allowed`);
  }
  check(datum, type);
  return datum;
}

/** Checks atom constraints, giving ovs-vsctl's "constraint violation: ..." text. */
export function check(datum: Datum, type: ColumnType): void {
  try {
    checkDatum(datum, type);
  } catch (error) {
    throw new VsctlError((error as Error).message);
  }
}

/** Parses without checking the element count (for add/remove/find arguments). */
export function parseDatumTextUnchecked(text: string, type: ColumnType, symbols?: SymbolResolver): Datum {
  const tokens = new Tokenizer(text);
  if (type.value) {
    const keys: Atom[] = [];
    const values: Atom[] = [];
    const braced = tokens.take('{');
    while (!tokens.atEnd() && tokens.peek() !== '}') {
      const key = tokens.token('=,}');
      if (!tokens.take('=')) throw new VsctlError(`${text}: syntax error at "${key.text}" (expecting "=")`);
      const value = tokens.token(',}');
      pushUnique(keys, parseAtomText(key, type.key, symbols), values, parseAtomText(value, type.value, symbols));
      tokens.take(',');
    }
    if (braced && !tokens.take('}')) throw new VsctlError(`${text}: missing "}" at end of map`);
    if (!tokens.atEnd()) throw new VsctlError(`${text}: trailing garbage after map`);
    return makeDatum(keys, values);
  }
  const keys: Atom[] = [];
  if (type.max === 1 && type.min === 1) {
    const token = tokens.token('');
    if (!tokens.atEnd() && !token.quoted) {
      // A scalar string takes the whole text, spaces included.
      if (type.key.type === 'string') return { keys: [text] };
    }
    return { keys: [parseAtomText(token, type.key, symbols)] };
  }
  const bracketed = tokens.take('[');
  while (!tokens.atEnd() && tokens.peek() !== ']') {
    const token = tokens.token(',]');
    for (const atom of parseSetElement(token, type.key, symbols)) pushUnique(keys, atom);
    tokens.take(',');
  }
  if (bracketed && !tokens.take(']')) throw new VsctlError(`${text}: missing "]" at end of set`);
  if (!tokens.atEnd()) throw new VsctlError(`${text}: trailing garbage after set`);
  return makeDatum(keys);
}

function pushUnique(keys: Atom[], key: Atom, values?: Atom[], value?: Atom): void {
  const at = keys.indexOf(key);
  if (at >= 0) {
    if (values) values[at] = value as Atom;
    return;
  }
  keys.push(key);
  if (values) values.push(value as Atom);
}

// -- printing ----------------------------------------------------------------------

export type DataFormat = 'string' | 'bare' | 'json';

/** A datum in OVSDB's text form: no brackets for a single value where at most one is allowed. */
export function datumToString(datum: Datum, type: ColumnType): string {
  const key = (atom: Atom): string => atomToText(atom, type.key.type);
  const single = type.max === 1 && datum.keys.length === 1;
  if (datum.values) {
    const valueType = (type.value as BaseType).type;
    const pairs = datum.keys.map((k, i) => `${key(k)}=${atomToText((datum.values as Atom[])[i] as Atom, valueType)}`);
    return single ? pairs.join(', ') : `{${pairs.join(', ')}}`;
  }
  const atoms = datum.keys.map(key);
  return single ? atoms.join(', ') : `[${atoms.join(', ')}]`;
}

/** --data=bare: atoms without quotes, separated by spaces; map pairs as key=value. */
export function datumToBare(datum: Datum, _type: ColumnType): string {
  if (datum.values) return datum.keys.map((k, i) => `${String(k)}=${String((datum.values as Atom[])[i])}`).join(' ');
  return datum.keys.map((atom) => String(atom)).join(' ');
}

export function formatDatum(datum: Datum, type: ColumnType, format: DataFormat): string {
  if (format === 'bare') return datumToBare(datum, type);
  if (format === 'json') return jsonToString(datumToJson(datum, type));
  return datumToString(datum, type);
}

export interface TableOutput {
  readonly headings: string[];
  readonly rows: { datum: Datum; type: ColumnType }[][];
}

export interface FormatOptions {
  format: 'list' | 'table' | 'csv' | 'json' | 'html';
  data: DataFormat;
  headings: boolean;
}

function csvQuote(text: string): string {
  return /[",\n\r]/.test(text) || text === '' ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Prints rows the way ovs-vsctl's list and find do, in each --format. */
export function formatTable(table: TableOutput, options: FormatOptions): string {
  const cell = (value: { datum: Datum; type: ColumnType }): string => formatDatum(value.datum, value.type, options.data);
  switch (options.format) {
    case 'json': {
      // JSON output always has JSON cells, whatever --data says.
      const data: Json[] = table.rows.map((row) => row.map((value) => datumToJson(value.datum, value.type)));
      // --no-headings does not drop them from JSON output.
      return `${jsonToString({ data, headings: table.headings })}\n`;
    }
    case 'csv': {
      const lines: string[] = [];
      if (options.headings) lines.push(table.headings.map(csvQuote).join(','));
      for (const row of table.rows) lines.push(row.map((value) => csvQuote(cell(value))).join(','));
      return lines.map((line) => `${line}\n`).join('');
    }
    case 'table': case 'html': {
      const cells = table.rows.map((row) => row.map(cell));
      const widths = table.headings.map((heading, i) => Math.max(options.headings ? heading.length : 0, ...cells.map((row) => (row[i] as string).length)));
      const line = (values: string[]): string => values.map((value, i) => (i === values.length - 1 ? value : value.padEnd(widths[i] as number))).join(' ').trimEnd();
      const lines: string[] = [];
      if (options.headings) {
        lines.push(line(table.headings));
        lines.push(line(widths.map((width) => '-'.repeat(width))));
      }
      for (const row of cells) lines.push(line(row));
      return lines.map((text) => `${text}\n`).join('');
    }
    case 'list': {
      const records = table.rows.map((row) => row.map((value, i) => {
        const text = cell(value);
        return options.headings ? `${(table.headings[i] as string).padEnd(20)}: ${text}\n` : `${text}\n`;
      }).join(''));
      return records.join('\n');
    }
  }
}
