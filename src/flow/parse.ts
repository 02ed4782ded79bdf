// The match text parser: turns ovs-ofctl flow syntax ("tcp,nw_src=10.0.0.0/8,
// tp_dst=80") into a Match over the flow key layout, accepting what
// `ovs-ofctl parse-flow` accepts and failing with its messages. The flow-mod
// parser (src/openflow, issue #5) reuses it for the match part and receives the
// other keywords (priority, cookie, actions, ...) through `onOther`.
// Field knowledge comes from the table in src/flow/fields.ts.

import { ParseError } from '../lib/errors.js';
import {
  CT_STATE_FLAGS,
  FRAG_NAMES,
  OFP_PORT_NAMES as PORT_NAMES,
  TCP_FLAGS,
  TUNNEL_FLAGS,
  fieldByName,
  getFieldMasked,
  setFieldMasked,
  TUN_METADATA_BYTES,
  type FlagSet,
  type MatchField,
  type TunMetadataMap,
} from './fields.js';
import { formatEth, formatIpv4, formatIpv6, formatPort } from './format.js';
import * as L from './layout.js';
import { Match } from './match.js';

export interface ParseMatchOptions {
  /**
   * Receives every keyword that is neither a field nor a protocol shorthand,
   * with its value (undefined when the keyword had no "=value"), and last
   * the actions as keyword "actions" (see parseMatch()). Returning false
   * means "not mine" and makes the keyword an error, as it is without a
   * callback.
   */
  onOther?: (name: string, value: string | undefined) => boolean | void;
  /** Port names (as a switch reports them) accepted for port-valued fields. */
  portNames?: ReadonlyMap<string, number>;
  /**
   * Where tun_metadataN options live. Options the map lacks are given the
   * next free bytes (4-byte multiples, as large as the value needs) and added
   * to the map, so a caller that passes a map learns the layout used.
   */
  tunMetadata?: TunMetadataMap;
  /**
   * Drop fields whose prerequisites the match does not establish (tp_src
   * without tcp, ...), as Open vSwitch does when it encodes the flow.
   * Default true.
   */
  normalize?: boolean;
}

/** Protocol shorthands: Ethertype and, for transport ones, IP protocol. */
const SHORTHANDS: ReadonlyMap<string, readonly [number, number?]> = new Map<string, readonly [number, number?]>([
  ['eth', [-1]],
  ['ip', [0x0800]],
  ['ipv4', [0x0800]],
  ['ip4', [0x0800]],
  ['ipv6', [0x86dd]],
  ['ip6', [0x86dd]],
  ['icmp', [0x0800, 1]],
  ['icmp6', [0x86dd, 58]],
  ['tcp', [0x0800, 6]],
  ['tcp6', [0x86dd, 6]],
  ['udp', [0x0800, 17]],
  ['udp6', [0x86dd, 17]],
  ['sctp', [0x0800, 132]],
  ['sctp6', [0x86dd, 132]],
  ['arp', [0x0806]],
  ['rarp', [0x8035]],
  ['mpls', [0x8847]],
  ['mplsm', [0x8848]],
]);

// --- Tokens ------------------------------------------------------------------

const DELIMITERS = ' \t\r\n,';

/**
 * Splits flow text into keyword/value pairs the way ovs-ofctl does: pairs are
 * separated by commas or white space, a value follows "=" or ":" and may hold
 * delimiters inside parentheses, and "name(value)" is also a pair.
 */
function* tokens(text: string): Generator<{ name: string; value: string | undefined }> {
  let i = 0;
  const n = text.length;
  while (i < n) {
    while (i < n && DELIMITERS.includes(text[i])) i++;
    if (i >= n) return;
    const start = i;
    while (i < n && !DELIMITERS.includes(text[i]) && !'=:('.includes(text[i])) i++;
    const name = text.slice(start, i);
    let value: string | undefined;
    if (i < n && (text[i] === '=' || text[i] === ':')) {
      i++;
      const vstart = i;
      let depth = 0;
      while (i < n && (depth > 0 || !DELIMITERS.includes(text[i]))) {
        if (text[i] === '(') depth++;
        else if (text[i] === ')' && depth > 0) depth--;
        i++;
      }
      value = text.slice(vstart, i);
    } else if (i < n && text[i] === '(') {
      i++;
      const vstart = i;
      let depth = 1;
      while (i < n && depth > 0) {
        if (text[i] === '(') depth++;
        else if (text[i] === ')') depth--;
        i++;
      }
      value = text.slice(vstart, depth === 0 ? i - 1 : i);
    }
    yield { name, value };
  }
}

// --- Numbers -----------------------------------------------------------------

/** Stands for a number that does not fit the 64 bits strtoull() reads. */
const TOO_LARGE = 1n << 1024n;
const UINT64_LIMIT = 1n << 64n;

/**
 * Reads the number at the start of `text` the way flow text numbers read:
 * like C's strtoull() with base 0 (leading white space, optional sign, "0x"
 * hex where no digits means 0, a leading 0 for octal, else decimal; "-" wraps
 * modulo 2^64; more than 64 bits is TOO_LARGE), except that unsigned hex may
 * be as long as a wide field needs. `digits` is false when no number starts
 * there; `tail` is what follows the number.
 */
function scanInteger(text: string): { value: bigint; digits: boolean; tail: string } {
  const m = /^\s*([+-]?)(?:(0[xX])([0-9a-fA-F]*)|(0[0-7]*)|([1-9][0-9]*))?/.exec(text) as RegExpExecArray;
  const [whole, sign, hexPrefix, hexDigits, octal, decimal] = m;
  const tail = text.slice(whole.length);
  let v: bigint;
  if (hexPrefix !== undefined) v = hexDigits ? BigInt('0x' + hexDigits) : 0n;
  else if (octal !== undefined) v = octal.length > 1 ? BigInt('0o' + octal.slice(1)) : 0n;
  else if (decimal !== undefined) v = BigInt(decimal);
  else return { value: 0n, digits: false, tail: text };
  if (v >= UINT64_LIMIT && !(hexPrefix !== undefined && sign === '')) v = TOO_LARGE;
  else if (sign === '-' && v !== 0n) v = UINT64_LIMIT - v;
  return { value: v, digits: true, tail };
}

/** A whole-string integer as scanInteger() reads it, or null. */
function parseInteger(text: string): bigint | null {
  const n = scanInteger(text);
  return n.digits && n.tail === '' ? n.value : null;
}

function bigintToBytes(v: bigint, size: number): Uint8Array {
  const out = new Uint8Array(size);
  for (let i = size - 1; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

function allOnes(size: number): Uint8Array {
  return new Uint8Array(size).fill(0xff);
}

// --- Addresses ---------------------------------------------------------------

/**
 * Reads a dotted quad at the start of `text` like scanf("%hhu.%hhu.%hhu.%hhu"):
 * decimal parts that wrap at 256. Returns the address and what follows it.
 */
function scanIpv4Address(text: string): { bytes: Uint8Array; tail: string } | null {
  const m = /^\s*([+-]?[0-9]+)\.\s*([+-]?[0-9]+)\.\s*([+-]?[0-9]+)\.\s*([+-]?[0-9]+)/.exec(text);
  if (!m) return null;
  const bytes = Uint8Array.from(m.slice(1, 5), (part) => Number(((BigInt(part) % 256n) + 256n) % 256n));
  return { bytes, tail: text.slice(m[0].length) };
}

export function parseIpv4Address(text: string): Uint8Array | null {
  const scanned = scanIpv4Address(text);
  return scanned && scanned.tail === '' ? scanned.bytes : null;
}

/**
 * Reads a prefix length like scanf("%d"): Open vSwitch checks its range
 * before it looks at what follows, so "/40x" is a range error.
 */
function scanPrefixLength(text: string): { bits: number; tail: string } | null {
  const m = /^\s*[+-]?[0-9]+/.exec(text);
  return m ? { bits: Number(m[0]), tail: text.slice(m[0].length) } : null;
}

function prefixMask(bits: number, size: number): Uint8Array {
  const out = new Uint8Array(size);
  for (let i = 0; i < size; i++) {
    const n = Math.max(0, Math.min(8, bits - i * 8));
    out[i] = (0xff00 >> n) & 0xff;
  }
  return out;
}

export function parseIpv6Address(text: string): Uint8Array | null {
  let s = text;
  // A trailing dotted quad stands for the last two groups.
  const lastColon = s.lastIndexOf(':');
  if (lastColon >= 0 && s.slice(lastColon + 1).includes('.')) {
    const v4 = s.slice(lastColon + 1);
    // As inet_pton(): decimal parts without leading zeros.
    if (!/^(0|[1-9][0-9]{0,2})(\.(0|[1-9][0-9]{0,2})){3}$/.test(v4)) return null;
    const p = v4.split('.').map(Number);
    if (p.some((x) => x > 255)) return null;
    s = `${s.slice(0, lastColon + 1)}${((p[0] << 8) | p[1]).toString(16)}:${((p[2] << 8) | p[3]).toString(16)}`;
  }
  const halves = s.split('::');
  if (halves.length > 2) return null;
  const groupsOf = (part: string): number[] | null => {
    if (part === '') return [];
    const out: number[] = [];
    for (const g of part.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return null;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  const head = groupsOf(halves[0]);
  const tail = halves.length === 2 ? groupsOf(halves[1]) : [];
  if (!head || !tail) return null;
  const total = head.length + tail.length;
  if (halves.length === 2 ? total > 7 : total !== 8) return null;
  const groups = [...head, ...new Array<number>(8 - total).fill(0), ...tail];
  const out = new Uint8Array(16);
  for (let i = 0; i < 8; i++) {
    out[2 * i] = groups[i] >> 8;
    out[2 * i + 1] = groups[i] & 0xff;
  }
  return out;
}

/** One MAC part, read like scanf("%hhx"). */
export function parseEthernetAddress(text: string): Uint8Array | null {
  const parts = text.split(':');
  if (parts.length !== 6) return null;
  const out = new Uint8Array(6);
  for (let i = 0; i < 6; i++) {
    const m = /^\s*([+-]?)(?:0[xX])?([0-9a-fA-F]+)$/.exec(parts[i]);
    if (!m) return null;
    const v = Number(BigInt('0x' + m[2]) % 256n);
    out[i] = m[1] === '-' ? (256 - v) % 256 : v;
  }
  return out;
}

// --- Field values ------------------------------------------------------------

interface Parsed {
  value: Uint8Array;
  mask: Uint8Array;
}

function splitMask(s: string): [string, string | undefined] {
  const slash = s.indexOf('/');
  return slash < 0 ? [s, undefined] : [s.slice(0, slash), s.slice(slash + 1)];
}

function parseIntegerField(f: MatchField, s: string): Parsed {
  const [v, m] = splitMask(s);
  const limit = 1n << BigInt(f.bytes * 8);
  // Open vSwitch checks the range of the number it read before it complains
  // about text after it, so "0x100000000x" is too large, not bad syntax.
  const value = scanInteger(v);
  if (!value.digits) throw new ParseError(`${s}: bad syntax for ${f.name} value`);
  if (value.value >= limit) throw new ParseError(`${s}: value too large for ${f.bytes}-byte field ${f.name}`);
  if (value.tail !== '') throw new ParseError(`${s}: bad syntax for ${f.name} value`);
  let mask = limit - 1n;
  if (m !== undefined) {
    const parsed = scanInteger(m);
    if (!parsed.digits) throw new ParseError(`${s}: bad syntax for ${f.name} mask`);
    if (parsed.value >= limit) throw new ParseError(`${s}: mask too large for ${f.bytes}-byte field ${f.name}`);
    if (parsed.tail !== '') throw new ParseError(`${s}: bad syntax for ${f.name} mask`);
    mask = parsed.value;
  }
  return { value: bigintToBytes(value.value, f.bytes), mask: bigintToBytes(mask, f.bytes) };
}

function parseIpv4Field(s: string): Parsed {
  const [v, m] = splitMask(s);
  const value = parseIpv4Address(v);
  if (!value) throw new ParseError(`${s}: invalid IP address`);
  if (m === undefined) return { value, mask: allOnes(4) };
  const dotted = scanIpv4Address(m);
  if (dotted) {
    if (dotted.tail !== '') throw new ParseError(`${s}: invalid IP address`);
    return { value, mask: dotted.bytes };
  }
  const prefix = scanPrefixLength(m);
  if (!prefix) throw new ParseError(`${s}: invalid IP address`);
  if (prefix.bits < 0 || prefix.bits > 32) {
    throw new ParseError(`${s}: IPv4 network prefix bits not between 0 and 32, inclusive`);
  }
  if (prefix.tail !== '') throw new ParseError(`${s}: invalid IP address`);
  return { value, mask: prefixMask(prefix.bits, 4) };
}

function parseIpv6Field(s: string): Parsed {
  const [v, m] = splitMask(s);
  const value = parseIpv6Address(v);
  if (!value) throw new ParseError(`${s}: invalid IPv6 address`);
  if (m === undefined) return { value, mask: allOnes(16) };
  // Unlike IPv4, a mask that starts like a number is a prefix length, so
  // "/1::0" is a bad prefix rather than an address mask.
  const prefix = scanPrefixLength(m);
  if (!prefix) {
    const full = parseIpv6Address(m);
    if (full) return { value, mask: full };
    throw new ParseError(`${s}: invalid IPv6 address`);
  }
  if (prefix.bits < 0 || prefix.bits > 128) {
    throw new ParseError(`${s}: IPv6 network prefix bits not between 0 and 128, inclusive`);
  }
  if (prefix.tail !== '') throw new ParseError(`${s}: invalid IPv6 address`);
  return { value, mask: prefixMask(prefix.bits, 16) };
}

function parseEthernetField(s: string): Parsed {
  const [v, m] = splitMask(s);
  const value = parseEthernetAddress(v);
  const mask = m === undefined ? allOnes(6) : parseEthernetAddress(m);
  if (!value || !mask) throw new ParseError(`${s}: invalid Ethernet address`);
  return { value, mask };
}

/**
 * A port: a reserved name, a switch's port name, or a decimal number in the
 * OpenFlow 1.0 range or the OpenFlow 1.1 reserved range (0xffffff00 and up,
 * which maps onto 0xff00 and up). Null when it is none of those.
 */
function parsePort(s: string, portNames?: ReadonlyMap<string, number>): number | null {
  const named = PORT_NAMES.get(s.toUpperCase()) ?? portNames?.get(s);
  if (named !== undefined) return named;
  if (!/^\s*\+?[0-9]+$/.test(s)) return null;
  const v = Number(s.trim().replace(/^\+/, ''));
  if (v < 0x10000) return v;
  if (v >= 0xffffff00 && v <= 0xffffffff) return v - 0xffff0000;
  return null;
}

/**
 * Reads a number at the start of `text` the way Open vSwitch's scanf("%i")
 * does: white space, sign, then hex after "0x" (at least one digit, or the
 * conversion fails), octal after "0", else decimal, wrapping to a 32-bit int.
 * Returns the value and the characters used.
 */
function scanCInt(text: string): { value: bigint; length: number } | null {
  // "0x" without a hex digit fails the whole conversion, as in glibc.
  if (/^\s*[+-]?0[xX](?![0-9a-fA-F])/.test(text)) return null;
  const m = /^\s*([+-]?)(?:0[xX]([0-9a-fA-F]+)|(0[0-7]*)|([1-9][0-9]*))/.exec(text);
  if (!m) return null;
  const [whole, sign, hex, octal, decimal] = m;
  let v: bigint;
  if (hex !== undefined) v = BigInt('0x' + hex);
  else if (octal !== undefined) v = octal.length > 1 ? BigInt('0o' + octal.slice(1)) : 0n;
  else v = BigInt(decimal);
  if (sign === '-') v = -v;
  // The result lands in a C int, keeping the low 32 bits of any number.
  return { value: BigInt.asIntN(32, v), length: whole.length };
}

/**
 * The forms of a flag set other than "+a-b": "value/mask" (numbers; text after
 * the mask is ignored, as Open vSwitch ignores it) or flags joined by "|",
 * where each flag is a name or a number and numbers may run together ("018"
 * reads as 01 then 8). The "|" form matches all allowed flags. Null when the
 * text is neither, or names a flag outside the set.
 */
function parseFlagNumbers(set: FlagSet, s: string): { value: number; mask: number } | null {
  const allowed = BigInt(set.allowed);
  const slash = s.indexOf('/');
  if (slash >= 0) {
    const v = scanCInt(s.slice(0, slash));
    const m = scanCInt(s.slice(slash + 1));
    if (v && v.length === slash && m) {
      if (v.value < 0n || m.value < 0n || (v.value & ~allowed) !== 0n || (m.value & ~allowed) !== 0n) return null;
      return { value: Number(v.value), mask: Number(m.value) };
    }
  }
  let value = 0n;
  let i = 0;
  while (i < s.length) {
    if (s[i] === '|') {
      i++;
      continue;
    }
    const n = scanCInt(s.slice(i));
    if (n) {
      if (n.value < 0n) return null;
      value |= n.value;
      i += n.length;
      continue;
    }
    const end = s.indexOf('|', i) < 0 ? s.length : s.indexOf('|', i);
    const bit = set.names.find(([name]) => name === s.slice(i, end))?.[1];
    if (bit === undefined) return null;
    value |= BigInt(bit);
    i = end;
  }
  if ((value & ~allowed) !== 0n) return null;
  return { value: Number(value), mask: set.allowed };
}

function parseFlags(set: FlagSet, f: MatchField, s: string): Parsed {
  let value = 0;
  let mask = 0;
  if (s.startsWith('+') || s.startsWith('-')) {
    // "+syn-ack": each named flag must be set (+) or clear (-).
    // Errors quote the text from the offending flag to the end.
    const re = /([+-])([^+-]*)/g;
    for (const m of s.matchAll(re)) {
      const from = s.slice((m.index as number) + 1);
      const bit = set.names.find(([name]) => name === m[2])?.[1];
      if (bit === undefined) throw new ParseError(`${from}: unknown ${set.what} flag(s)`);
      if (mask & bit) throw new ParseError(`${from}: Each ${set.each} can be specified only once`);
      mask |= bit;
      if (m[1] === '+') value |= bit;
    }
  } else {
    const numbers = parseFlagNumbers(set, s);
    if (!numbers) throw new ParseError(`${s}: unknown ${set.what} flag(s)`);
    value = numbers.value;
    mask = numbers.mask;
  }
  return { value: bigintToBytes(BigInt(value >>> 0), f.bytes), mask: bigintToBytes(BigInt(mask >>> 0), f.bytes) };
}

function parsePacketType(f: MatchField, s: string): Parsed {
  if (!s.startsWith('(')) throw new ParseError(`${s}: bad syntax for packet type missing '('`);
  const body = s.slice(1);
  const ns = scanInteger(body);
  if (!ns.digits || ns.value > 0xffffn) throw new ParseError(`${body}: bad syntax for packet type ns`);
  if (!ns.tail.startsWith(',')) throw new ParseError(`${body}: bad syntax for packet type missing ','`);
  const rest = ns.tail.slice(1);
  const type = scanInteger(rest);
  if (!type.digits || type.value > 0xffffn) throw new ParseError(`${rest}: bad syntax for packet type ns_type`);
  if (!/^\s*\)/.test(type.tail)) throw new ParseError(`${rest}: bad syntax for packet type missing ')'`);
  return { value: bigintToBytes((ns.value << 16n) | type.value, 4), mask: allOnes(f.bytes) };
}

/** First byte after every option the map already places. */
function nextTunMetadataOffset(map: TunMetadataMap): number {
  let offset = 0;
  for (const other of map.values()) offset = Math.max(offset, other.offset + other.length);
  return offset;
}

function parseTunMetadata(
  f: MatchField,
  s: string,
  map: TunMetadataMap,
): Parsed {
  const [v, m] = splitMask(s);
  const value = parseInteger(v);
  if (value === null) throw new ParseError(`${s}: bad syntax for ${f.name} value`);
  const mask = m === undefined ? undefined : parseInteger(m);
  if (mask === null) throw new ParseError(`${s}: bad syntax for ${f.name} mask`);
  const index = f.tunMetadataIndex as number;
  let loc = map.get(index);
  const needed = (x: bigint): number => Math.max(1, Math.ceil(x.toString(16).length / 2));
  const limit = 1n << BigInt(f.bytes * 8);
  if (value < 0n || value >= limit) throw new ParseError(`${s}: value too large for ${f.bytes}-byte field ${f.name}`);
  if (mask !== undefined && (mask < 0n || mask >= limit)) {
    throw new ParseError(`${s}: mask too large for ${f.bytes}-byte field ${f.name}`);
  }
  if (!loc) {
    const length = Math.ceil(Math.max(needed(value), mask === undefined ? 1 : needed(mask)) / 4) * 4;
    const offset = nextTunMetadataOffset(map);
    if (offset + length > TUN_METADATA_BYTES) {
      throw new ParseError(`${s}: no room left in tunnel metadata for ${f.name}`);
    }
    loc = { offset, length };
    map.set(index, loc);
  }
  const size = loc.length;
  if (value >= 1n << BigInt(size * 8)) {
    throw new ParseError(`${s}: value too large for ${size}-byte field ${f.name}`);
  }
  const fullMask = (1n << BigInt(size * 8)) - 1n;
  return {
    value: bigintToBytes(value, size),
    mask: bigintToBytes(mask === undefined ? fullMask : mask & fullMask, size),
  };
}

/** Parses `text` as a value of field `f`; throws ParseError as ovs-ofctl reports. */
export function parseFieldValue(
  f: MatchField,
  s: string,
  options: ParseMatchOptions & { tunMetadata: TunMetadataMap },
): Parsed {
  if (f.tunMetadataIndex !== undefined) return parseTunMetadata(f, s, options.tunMetadata);
  let parsed: Parsed;
  switch (f.format) {
    case 'decimal':
    case 'hex':
      parsed = parseIntegerField(f, s);
      break;
    case 'ipv4':
      parsed = parseIpv4Field(s);
      break;
    case 'ipv6':
      parsed = parseIpv6Field(s);
      break;
    case 'ethernet':
      parsed = parseEthernetField(s);
      break;
    case 'ofp-port':
    case 'ofp11-port': {
      const port = parsePort(s, options.portNames);
      if (port === null) {
        throw new ParseError(
          f.format === 'ofp-port'
            ? `${s}: invalid or unknown port for ${f.name}`
            : `${s}: port value out of range for ${f.name}`,
        );
      }
      return { value: bigintToBytes(BigInt(port), f.bytes), mask: allOnes(f.bytes) };
    }
    case 'frag': {
      const frag = FRAG_NAMES.get(s);
      if (!frag) {
        throw new ParseError(
          `${s}: unknown fragment type (valid types are "no", "yes", "first", "later", "not_later"`,
        );
      }
      return { value: Uint8Array.of(frag[0]), mask: Uint8Array.of(frag[1]) };
    }
    case 'tcp-flags':
      return parseFlags(TCP_FLAGS, f, s);
    case 'ct-state':
      return parseFlags(CT_STATE_FLAGS, f, s);
    case 'tunnel-flags':
      return parseFlags(TUNNEL_FLAGS, f, s);
    case 'packet-type':
      return parsePacketType(f, s);
  }
  if (!f.maskable) {
    // A field without masks takes only "all bits" or "no bits".
    const ones = parsed.mask.every((b) => b === 0xff);
    const zeros = parsed.mask.every((b) => b === 0);
    if (!ones && !zeros) throw new ParseError(`${s}: invalid mask for field ${f.name}`);
  }
  return parsed;
}

// --- Setting fields ------------------------------------------------------------

const VLAN_CFI = 0x1000;

/** Replaces the TCI bits under `bits` (the TPID half of the word is left alone). */
function setTciBits(match: Match, value: number, mask: number, bits: number): void {
  const w = L.VLAN0;
  match.mask[w] = ((match.mask[w] & ~bits) | (mask & bits)) >>> 0;
  match.key[w] = (((match.key[w] & ~bits) | (value & bits)) & match.mask[w]) >>> 0;
}

function setField(match: Match, f: MatchField, parsed: Parsed, options: { tunMetadata: TunMetadataMap }): void {
  const uint = (b: Uint8Array): number => b.reduce((acc, x) => acc * 256 + x, 0);
  if (f.special === 'dl_vlan') {
    // OpenFlow 1.0: 0xffff means "no VLAN header"; otherwise the VID with
    // the present bit.
    const v = uint(parsed.value);
    if (uint(parsed.mask) === 0) setTciBits(match, 0, 0, 0x1fff);
    else if (v === 0xffff) setTciBits(match, 0, 0xffff, 0xffff);
    else setTciBits(match, (v & 0x0fff) | VLAN_CFI, 0x1fff, 0x1fff);
    return;
  }
  if (f.special === 'vlan_pcp') {
    // A priority implies a VLAN header, so the present bit joins the match.
    const v = uint(parsed.value);
    if (uint(parsed.mask) === 0) setTciBits(match, 0, 0, 0xe000);
    else setTciBits(match, ((v & 7) << 13) | VLAN_CFI, 0xf000, 0xf000);
    return;
  }
  setFieldMasked(match, f, { value: parsed.value, mask: parsed.mask, tunMetadata: options.tunMetadata });
}

// --- Normalisation -------------------------------------------------------------

function clearWords(match: Match, word: number, count: number): boolean {
  let changed = false;
  for (let w = word; w < word + count; w++) {
    if (match.mask[w] !== 0) changed = true;
    match.mask[w] = 0;
    match.key[w] = 0;
  }
  return changed;
}

/**
 * Clears the header fields whose prerequisites `match` does not establish:
 * L3 fields without their Ethertype, L4 fields without their IP protocol,
 * ND fields without an ICMPv6 ND type, MPLS without an MPLS Ethertype. Open
 * vSwitch does the same (silently) when it encodes a flow, so `tp_src=80`
 * alone matches everything. Conntrack fields are left alone, as it does.
 * Returns true when something was cleared.
 */
export function normalizeMatch(match: Match): boolean {
  const exact = (w: number, m: number): boolean => ((match.mask[w] & m) >>> 0) === m;
  const packetTypeKnown = exact(L.PACKET_TYPE, 0xffffffff);
  const packetType = match.key[L.PACKET_TYPE];
  let changed = false;
  if (packetTypeKnown && packetType !== 0) {
    // Not an Ethernet packet: no Ethernet addresses or VLAN headers.
    changed = clearWords(match, L.DL_DST_HI, 4) || changed;
    changed = clearWords(match, L.VLAN0, L.VLAN_HEADERS) || changed;
  }
  let dlType = exact(L.DL_TYPE, 0xffff) ? match.key[L.DL_TYPE] & 0xffff : -1;
  if (dlType < 0 && packetTypeKnown && packetType >>> 16 === 1) dlType = packetType & 0xffff;
  const ipv4 = dlType === 0x0800;
  const ipv6 = dlType === 0x86dd;
  const arp = dlType === 0x0806 || dlType === 0x8035;
  const mpls = dlType === 0x8847 || dlType === 0x8848;
  const ip = ipv4 || ipv6;
  const proto = exact(L.NW_PROTO, 0xff) ? match.key[L.NW_PROTO] & 0xff : -1;
  if (!mpls) changed = clearWords(match, L.MPLS_LSE0, L.MPLS_LABELS) || changed;
  if (!ipv4 && !arp) changed = clearWords(match, L.NW_SRC, 2) || changed;
  if (!ipv6) {
    changed = clearWords(match, L.IPV6_SRC, 8) || changed;
    changed = clearWords(match, L.IPV6_LABEL, 1) || changed;
  }
  if (!ip) changed = clearWords(match, L.NW_FRAG, 3) || changed;
  if (!ip && !arp) changed = clearWords(match, L.NW_PROTO, 1) || changed;
  const transport =
    ip && (proto === 6 || proto === 17 || proto === 132 || (ipv4 && proto === 1) || (ipv6 && proto === 58));
  if (!transport) changed = clearWords(match, L.TP_SRC, 2) || changed;
  if (!(ip && proto === 6)) changed = clearWords(match, L.TCP_FLAGS, 1) || changed;
  const icmpType = transport && ipv6 && proto === 58 && exact(L.TP_SRC, 0xff) ? match.key[L.TP_SRC] & 0xff : -1;
  const nd = icmpType === 135 || icmpType === 136;
  if (!nd) changed = clearWords(match, L.ND_TARGET, 6) || changed;
  if (!arp && icmpType !== 135) changed = clearWords(match, L.ARP_SHA_HI, 2) || changed;
  if (!arp && icmpType !== 136) changed = clearWords(match, L.ARP_THA_HI, 2) || changed;
  return changed;
}

// --- Subfields ------------------------------------------------------------------

/**
 * A field value written in the field's own format, for the subfield error
 * that quotes it. Formats without a simple form fall back to hex.
 */
function formatForError(f: MatchField, value: bigint): string {
  const bytes = bigintToBytes(value, f.bytes);
  const word = (i: number): number => ((bytes[i] << 24) | (bytes[i + 1] << 16) | (bytes[i + 2] << 8) | bytes[i + 3]) >>> 0;
  switch (f.format) {
    case 'decimal':
      return value.toString();
    case 'ipv4':
      return formatIpv4(word(0));
    case 'ethernet':
      return formatEth((bytes[0] << 8) | bytes[1], word(2));
    case 'ipv6':
      return formatIpv6([word(0), word(4), word(8), word(12)]);
    case 'ofp-port':
    case 'ofp11-port':
      return formatPort(Number(value));
    case 'packet-type':
      return `packet_type=(${value >> 16n},0x${(value & 0xffffn).toString(16)})`;
    case 'tcp-flags':
      return TCP_FLAGS.names.filter(([, bit]) => (Number(value) & bit) !== 0).map(([name]) => name).join('|');
    case 'ct-state':
      // Every one of the 32 bits, set (+) or clear (-).
      return Array.from({ length: 32 }, (_, i) => {
        const name = CT_STATE_FLAGS.names.find(([, bit]) => bit === 2 ** i)?.[0] ?? '[Unknown]';
        return `${(value >> BigInt(i)) & 1n ? '+' : '-'}${name}`;
      }).join('');
    default:
      return `0x${value.toString(16)}`;
  }
}

function bytesToBigint(bytes: Uint8Array): bigint {
  let v = 0n;
  for (const b of bytes) v = (v << 8n) | BigInt(b);
  return v;
}

/**
 * "field[start..end]=value", "field[bit]=value" and "field[]=value": sets
 * those bits of the field (bit 0 is its least significant) and adds them to
 * the mask, leaving the field's other bits as they were.
 */
function setSubfield(
  match: Match,
  key: string,
  text: string,
  tunMetadata: TunMetadataMap,
): void {
  // The name ends at "[" or at "-" (which would start "->" in a move action).
  const name = (/^[^[-]*/.exec(key) as RegExpExecArray)[0];
  const bracket = name.length;
  const f = fieldByName(name);
  if (!f) throw new ParseError(`${key}: unknown field \`${name}'`);
  const spec = /^\[(?:(\+?[0-9]+)(?:\.\.(\+?[0-9]+))?)?\]/.exec(key.slice(bracket));
  if (!spec) throw new ParseError(`${key}: syntax error expecting [] or [<bit>] or [<start>..<end>]`);
  // Bit numbers are C ints: larger numbers wrap.
  const int32 = (t: string): number => Number(BigInt.asIntN(32, BigInt(t)));
  const start = spec[1] === undefined ? 0 : int32(spec[1]);
  const end = spec[1] === undefined ? f.bits - 1 : int32(spec[2] ?? spec[1]);
  if (start < 0 || start >= f.bits) {
    throw new ParseError(`${key}: starting bit ${start} is not valid because field is only ${f.bits} bits wide`);
  }
  if (end < 0 || end >= f.bits) {
    throw new ParseError(`${key}: ending bit ${end} is not valid because field is only ${f.bits} bits wide`);
  }
  if (start > end) throw new ParseError(`${key}: starting bit ${start} is after ending bit ${end}`);
  if (bracket + spec[0].length < key.length) throw new ParseError('unexpected input following field syntax');
  // The value is a number (read as everywhere, so "-1" wraps) that fits the whole field.
  const value = parseInteger(text);
  if (value === null || value >= 1n << BigInt(f.bytes * 8)) {
    throw new ParseError(`${key}: cannot parse integer value: ${text}`);
  }
  const width = end - start + 1;
  if (value >> BigInt(width) !== 0n) {
    throw new ParseError(`${key}: value ${formatForError(f, value)} does not fit into ${width} bits`);
  }
  let size = f.bytes;
  if (f.tunMetadataIndex !== undefined) {
    let loc = tunMetadata.get(f.tunMetadataIndex);
    if (!loc) {
      loc = { offset: nextTunMetadataOffset(tunMetadata), length: Math.ceil((end + 1) / 32) * 4 };
      if (loc.offset + loc.length > TUN_METADATA_BYTES) {
        throw new ParseError(`${key}: no room left in tunnel metadata for ${f.name}`);
      }
      tunMetadata.set(f.tunMetadataIndex, loc);
    }
    size = loc.length;
  }
  const current = getFieldMasked(match, f, { tunMetadata });
  const bits = ((1n << BigInt(width)) - 1n) << BigInt(start);
  const newValue = (bytesToBigint(current.value) & ~bits) | (value << BigInt(start));
  const newMask = bytesToBigint(current.mask) | bits;
  setFieldMasked(match, f, {
    value: bigintToBytes(newValue, size),
    mask: bigintToBytes(newMask, size),
    tunMetadata,
  });
}

// --- Entry point ---------------------------------------------------------------

/**
 * Splits flow text into its match and its actions the way ovs-ofctl does:
 * at the first "action" (or "actions") followed, after optional white space,
 * by "=". Null when there is no such place.
 */
export function splitActions(text: string): { match: string; actions: string } | null {
  const at = text.indexOf('action');
  if (at < 0) return null;
  let i = at + 'action'.length;
  if (text[i] === 's') i++;
  while (i < text.length && ' \t\r\n'.includes(text[i])) i++;
  if (text[i] !== '=') return null;
  return { match: text.slice(0, at), actions: text.slice(i + 1) };
}

/**
 * Parses the match part of ovs-ofctl flow text into a Match. Keywords that
 * are not match fields go to `options.onOther`; without it (or when it
 * returns false) they are errors worded as ovs-ofctl words them. With
 * `onOther`, the actions are split off first (see splitActions()) and handed
 * over as one "actions" keyword after the match parsed. Throws ParseError,
 * whose message is what ovs-ofctl prints after "ovs-ofctl: ".
 */
export function parseMatch(text: string, options: ParseMatchOptions = {}): Match {
  const match = new Match();
  const tunMetadata = options.tunMetadata ?? new Map();
  const split = options.onOther ? splitActions(text) : null;
  for (const { name, value } of tokens(split ? split.match : text)) {
    const shorthand = SHORTHANDS.get(name);
    if (shorthand) {
      const [dlType, nwProto] = shorthand;
      if (dlType >= 0) match.setMasked(L.DL_TYPE, dlType, 0xffff);
      if (nwProto !== undefined) match.setMasked(L.NW_PROTO, nwProto, 0xff);
      continue;
    }
    if (name.includes('[')) {
      setSubfield(match, name, value ?? '', tunMetadata);
      continue;
    }
    const f = fieldByName(name);
    if (f) {
      // A field named without a value (or with an empty one) reads "0/0".
      const text = value === undefined || value === '' ? '0/0' : value;
      setField(match, f, parseFieldValue(f, text, { ...options, tunMetadata }), { tunMetadata });
      continue;
    }
    if (options.onOther && options.onOther(name, value) !== false) continue;
    if (value === undefined || value === '') throw new ParseError(`field ${name} missing value`);
    throw new ParseError(`unknown keyword ${name}`);
  }
  if (options.normalize !== false) normalizeMatch(match);
  if (split && options.onOther?.('actions', split.actions) === false) {
    throw new ParseError('unknown keyword actions');
  }
  return match;
}
