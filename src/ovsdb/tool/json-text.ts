// JSON text as Open vSwitch's tools read it from the command line and from
// schema files: the top level must be an object or an array, and a mistake is
// reported as "line L, column C, byte B: MESSAGE" with the positions and
// wording of OVS's own parser (lines and columns from 0, counted in bytes up
// to where the lexer noticed the problem), because ovsdb-tool and
// ovsdb-client print that text verbatim. Used by src/cli/ovsdb-tool.ts and
// src/cli/ovsdb-client.ts.

import type { Json } from '../json.js';

export type JsonTextResult = { readonly ok: true; readonly value: Json } | { readonly ok: false; readonly error: string };

class JsonTextError extends Error {}

type Token =
  | { readonly kind: 'punct'; readonly char: string }
  | { readonly kind: 'value'; readonly value: Json };

/** Parser states: what the next token may be. */
type Expect =
  | 'start' // the first token: '{' or '['
  | 'value' // any value
  | 'value-or-close' // after '[': a value or ']'
  | 'key-or-close' // after '{': a string or '}'
  | 'key' // after ',' in an object: a string
  | 'colon' // after an object key
  | 'comma-or-close' // after a value inside a container
  | 'end'; // the top-level value is complete

interface Frame {
  readonly container: Json[] | { [key: string]: Json };
  key: string | undefined;
}

class Parser {
  private line = 0;
  private column = 0;
  private byte = 0;
  private expect: Expect = 'start';
  private readonly stack: Frame[] = [];
  private result: Json | undefined;

  constructor(private readonly bytes: Buffer) {}

  private fail(message: string): never {
    throw new JsonTextError(`line ${this.line}, column ${this.column}, byte ${this.byte}: ${message}`);
  }

  /** Counts one byte as consumed. */
  private count(b: number): void {
    this.byte++;
    if (b === 0x0a) {
      this.line++;
      this.column = 0;
    } else {
      this.column++;
    }
  }

  private isPunct(token: Token, char: string): boolean {
    return token.kind === 'punct' && token.char === char;
  }

  private push(value: Json): void {
    const top = this.stack[this.stack.length - 1];
    if (!top) {
      this.result = value;
      this.expect = 'end';
      return;
    }
    if (Array.isArray(top.container)) top.container.push(value);
    else top.container[top.key as string] = value;
    this.expect = 'comma-or-close';
  }

  private open(container: Json[] | { [key: string]: Json }): void {
    this.stack.push({ container, key: undefined });
    this.expect = Array.isArray(container) ? 'value-or-close' : 'key-or-close';
  }

  private close(): void {
    const frame = this.stack.pop() as Frame;
    this.push(frame.container);
  }

  private token(token: Token): void {
    switch (this.expect) {
      case 'start':
        if (this.isPunct(token, '{')) return this.open({});
        if (this.isPunct(token, '[')) return this.open([]);
        return this.fail('syntax error at beginning of input');
      case 'end':
        return this.fail('trailing garbage at end of input');
      case 'key-or-close':
      case 'key':
        if (this.expect === 'key-or-close' && this.isPunct(token, '}')) return this.close();
        if (token.kind === 'value' && typeof token.value === 'string') {
          this.stack[this.stack.length - 1].key = token.value;
          this.expect = 'colon';
          return;
        }
        return this.fail('syntax error parsing object expecting string');
      case 'colon':
        if (this.isPunct(token, ':')) {
          this.expect = 'value';
          return;
        }
        return this.fail("syntax error parsing object expecting ':'");
      case 'comma-or-close': {
        const inArray = Array.isArray(this.stack[this.stack.length - 1].container);
        if (this.isPunct(token, ',')) {
          this.expect = inArray ? 'value' : 'key';
          return;
        }
        if (this.isPunct(token, inArray ? ']' : '}')) return this.close();
        return this.fail(inArray ? "syntax error expecting ']' or ','" : "syntax error expecting '}' or ','");
      }
      case 'value-or-close':
      case 'value':
        if (this.expect === 'value-or-close' && this.isPunct(token, ']')) return this.close();
        if (token.kind === 'value') return this.push(token.value);
        if (this.isPunct(token, '{')) return this.open({});
        if (this.isPunct(token, '[')) return this.open([]);
        return this.fail('syntax error expecting value');
    }
  }

  private keyword(text: string): void {
    const values: Record<string, Json> = { true: true, false: false, null: null };
    if (!(text in values)) this.fail(`invalid keyword '${text}'`);
    this.token({ kind: 'value', value: values[text] });
  }

  private number(text: string): void {
    const match = /^(-?)(\d*)(?:\.(\d*))?(?:[eE]([-+]?)(\d*))?$/.exec(text);
    if (!match) this.fail('syntax error in number');
    const [, minus, integer, fraction, , exponent] = match;
    if (integer === '') this.fail("'-' must be followed by digit");
    if (integer.length > 1 && integer.startsWith('0')) this.fail('leading zeros not allowed');
    if (fraction === '') this.fail('decimal point must be followed by digit');
    if (exponent === '') this.fail('exponent must contain at least one digit');
    const value = Number(text);
    if (!Number.isFinite(value)) this.fail('number outside valid range');
    this.token({ kind: 'value', value: minus && value === 0 && fraction === undefined && exponent === undefined ? 0 : value });
  }

  /** The string whose opening quote is at `start`; returns the index of its closing quote. */
  private string(start: number): number {
    const bytes = this.bytes;
    let i = start + 1;
    const raw: number[] = [];
    let escaped = false;
    for (; ; i++) {
      if (i >= bytes.length) {
        this.advanceTo(i);
        return this.fail('unexpected end of input in quoted string');
      }
      const b = bytes[i];
      if (b < 0x20) {
        this.advanceTo(i);
        this.fail(`U+${b.toString(16).toUpperCase().padStart(4, '0')} must be escaped in quoted string`);
      }
      if (escaped) escaped = false;
      else if (b === 0x5c) escaped = true;
      else if (b === 0x22) break;
      raw.push(b);
    }
    this.advanceTo(i);
    this.token({ kind: 'value', value: this.unescape(Buffer.from(raw)) });
    return i;
  }

  private unescape(raw: Buffer): string {
    let out = '';
    const text = raw.toString('utf8');
    for (let i = 0; i < text.length; i++) {
      const c = text[i];
      if (c !== '\\') {
        out += c;
        continue;
      }
      const e = text[++i];
      const simple: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
      if (e in simple) {
        out += simple[e];
        continue;
      }
      if (e !== 'u') this.fail(`bad escape \\${e}`);
      const hex = (at: number): number => {
        const digits = text.slice(at, at + 4);
        if (digits.length < 4) this.fail('quoted string ends within \\u escape');
        if (!/^[0-9a-fA-F]{4}$/.test(digits)) this.fail('malformed \\u escape');
        return parseInt(digits, 16);
      };
      const unit = hex(i + 1);
      i += 4;
      if (unit >= 0xd800 && unit <= 0xdbff) {
        if (text.slice(i + 1, i + 3) !== '\\u') this.fail('malformed escaped surrogate pair');
        const low = hex(i + 3);
        if (low < 0xdc00 || low > 0xdfff) this.fail('malformed escaped surrogate pair');
        out += String.fromCharCode(unit, low);
        i += 6;
      } else {
        out += String.fromCharCode(unit);
      }
    }
    return out;
  }

  /** Counts the bytes from the current position up to (not including) index `end`. */
  private advanceTo(end: number): void {
    for (let i = this.byte; i < end; i++) this.count(this.bytes[i]);
  }

  parse(): Json {
    const bytes = this.bytes;
    let i = 0;
    while (i < bytes.length) {
      const b = bytes[i];
      const c = String.fromCharCode(b);
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
        this.count(b);
        i++;
      } else if ('{}[]:,'.includes(c)) {
        this.token({ kind: 'punct', char: c });
        this.count(b);
        i++;
      } else if (c === '"') {
        const end = this.string(i);
        this.count(bytes[end]);
        i = end + 1;
      } else if (c === '-' || (c >= '0' && c <= '9')) {
        let j = i;
        while (j < bytes.length && /[0-9.eE+-]/.test(String.fromCharCode(bytes[j]))) j++;
        this.advanceTo(j);
        this.number(bytes.subarray(i, j).toString('latin1'));
        i = j;
        if (j === bytes.length) this.count(0x20);
      } else if (c >= 'a' && c <= 'z') {
        let j = i;
        while (j < bytes.length && bytes[j] >= 0x61 && bytes[j] <= 0x7a) j++;
        this.advanceTo(j);
        this.keyword(bytes.subarray(i, j).toString('latin1'));
        i = j;
        if (j === bytes.length) this.count(0x20);
      } else {
        this.fail(`invalid character '${c}'`);
      }
    }
    if (this.expect === 'start') this.fail('empty input stream');
    if (this.expect !== 'end') this.fail('unexpected end of input');
    return this.result as Json;
  }
}

/** Parses JSON text as OVS does; an error is OVS's "line L, column C, byte B: ..." text. */
export function parseJsonText(text: string | Buffer): JsonTextResult {
  try {
    return { ok: true, value: new Parser(typeof text === 'string' ? Buffer.from(text, 'utf8') : text).parse() };
  } catch (error) {
    if (error instanceof JsonTextError) return { ok: false, error: error.message };
    throw error;
  }
}
