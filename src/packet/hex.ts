// Hex text <-> bytes, in the form `ovs-appctl ofproto/trace` and `ovs-ofctl
// packet-out` take a packet: pairs of hex digits, with optional whitespace
// between pairs (never inside one). Used by CLI parsers, tests and debugging.

import { ParseError } from '../lib/errors.js';

function nibble(code: number): number {
  if (code >= 48 && code <= 57) return code - 48; // 0-9
  if (code >= 97 && code <= 102) return code - 87; // a-f
  if (code >= 65 && code <= 70) return code - 55; // A-F
  return -1;
}

function isSpace(code: number): boolean {
  return code === 32 || code === 9 || code === 10 || code === 13 || code === 11 || code === 12;
}

/**
 * Parses hex text into bytes. Throws ParseError (a SyntaxError) naming the
 * offending position for a non-hex character, a lone digit or space inside a pair.
 */
export function hexToBytes(text: string): Uint8Array {
  const out = new Uint8Array(text.length >>> 1);
  let n = 0;
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (isSpace(c)) {
      i++;
      continue;
    }
    const hi = nibble(c);
    const lo = i + 1 < text.length ? nibble(text.charCodeAt(i + 1)) : -1;
    if (hi < 0 || lo < 0) {
      const bad = hi < 0 ? i : i + 1;
      const what = bad < text.length ? `invalid hex character '${text[bad]}'` : 'odd number of hex digits';
      throw new ParseError(`${what} at offset ${bad} in packet hex`);
    }
    out[n++] = (hi << 4) | lo;
    i += 2;
  }
  return out.slice(0, n);
}

/** Lower-case hex of bytes [start, end), no separators: what ofproto/trace accepts back. */
export function bytesToHex(bytes: Uint8Array, start = 0, end = bytes.length): string {
  let out = '';
  for (let i = start; i < end; i++) out += (bytes[i] < 16 ? '0' : '') + bytes[i].toString(16);
  return out;
}
