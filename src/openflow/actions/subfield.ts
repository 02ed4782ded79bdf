// Fields inside actions: subfields ("NXM_NX_REG0[0..15]"), the NXM/OXM
// headers that name a field on the wire, and field values as ovs-ofctl
// prints them after set_field: or inside learn(). The field table itself is
// src/flow/fields.ts; this file adds what actions need on top of it.

import {
  fieldByHeader, fieldByHeaderName, fieldByName, OXM_CLASSES, type MatchField, type OxmClassName,
} from '../../flow/fields.js';
import { formatIpv4, formatIpv6, formatPort } from '../../flow/format.js';
import { ParseError } from '../../lib/errors.js';
import { OfpError } from '../ofp-error.js';
import type { OfpReader, OfpWriter } from '../ofpbuf.js';
import type { Subfield } from './types.js';

// --- Subfields ---------------------------------------------------------------

/** The whole of a field as a subfield. */
export function wholeField(field: MatchField): Subfield {
  return { field, ofs: 0, nBits: field.bits };
}

/** The name a subfield prints with: its NXM (or else OXM) header name. */
export function fieldWireName(field: MatchField): string {
  return field.headers[0]?.name ?? field.name;
}

export function formatSubfield(sf: Subfield): string {
  const name = fieldWireName(sf.field);
  if (sf.ofs === 0 && sf.nBits === sf.field.bits) return `${name}[]`;
  if (sf.nBits === 1) return `${name}[${sf.ofs}]`;
  return `${name}[${sf.ofs}..${sf.ofs + sf.nBits - 1}]`;
}

/** A field by any name flow text or NXM/OXM text uses for it. */
export function lookupField(name: string): MatchField | undefined {
  return fieldByName(name) ?? fieldByHeaderName(name);
}

/**
 * Reads a subfield at the start of `text` ("reg0[]", "NXM_NX_REG0[8..15]",
 * "reg1[3]" or a bare "reg0" for the whole field) and returns it with the
 * text that follows. Errors quote `text`, as ovs-ofctl does.
 */
export function scanSubfield(text: string): { sf: Subfield; rest: string } {
  const name = /^[A-Za-z0-9_]*/.exec(text)![0];
  const field = lookupField(name);
  if (!field) throw new ParseError(`${text}: unknown field \`${name}'`);
  const after = text.slice(name.length);
  if (!after.startsWith('[')) return { sf: wholeField(field), rest: after };
  const m = /^\[(?:([0-9]+)(?:\.\.([0-9]+))?)?\]/.exec(after);
  if (!m) throw new ParseError(`${text}: syntax error expecting [] or [<bit>] or [<start>..<end>]`);
  const start = m[1] === undefined ? 0 : Number(m[1]);
  const end = m[1] === undefined ? field.bits - 1 : Number(m[2] ?? m[1]);
  if (start >= field.bits) {
    throw new ParseError(`${text}: starting bit ${start} is not valid because field is only ${field.bits} bits wide`);
  }
  if (end >= field.bits) {
    throw new ParseError(`${text}: ending bit ${end} is not valid because field is only ${field.bits} bits wide`);
  }
  if (start > end) throw new ParseError(`${text}: starting bit ${start} is after ending bit ${end}`);
  return { sf: { field, ofs: start, nBits: end - start + 1 }, rest: after.slice(m[0].length) };
}

/** A subfield that must make up all of `text`. */
export function parseSubfield(text: string): Subfield {
  const { sf, rest } = scanSubfield(text);
  if (rest !== '') throw new ParseError(`${text}: trailing garbage following subfield`);
  return sf;
}

// --- Wire headers ------------------------------------------------------------

/** The OpenFlow version (wire byte) from which each OXM header may be used. */
function headerVersion(prefix: OxmClassName, name: string): number {
  switch (prefix) {
    case 'NXM_OF':
    case 'NXM_NX':
      return 1;
    case 'OXM_OF':
      if (['OXM_OF_TUNNEL_ID', 'OXM_OF_MPLS_BOS', 'OXM_OF_PBB_ISID', 'OXM_OF_IPV6_EXTHDR'].includes(name)) return 4;
      if (['OXM_OF_TCP_FLAGS', 'OXM_OF_ACTSET_OUTPUT', 'OXM_OF_PACKET_TYPE'].includes(name)) return 6;
      return 3;
    case 'OXM_OF_PKT_REG':
      return 6;
    default:
      return 4;
  }
}

/** Header bytes in a field's value: 124 for tun_metadataN, else its width. */
function headerLength(field: MatchField): number {
  return field.tunMetadataIndex !== undefined ? 124 : field.bytes;
}

export interface WireHeader {
  readonly oxmClass: number;
  readonly oxmField: number;
  readonly experimenter?: number;
}

function toWire(field: MatchField, index: number): WireHeader {
  const h = field.headers[index]!;
  const c: { oxmClass: number; experimenter?: number } = OXM_CLASSES[h.prefix];
  return c.experimenter === undefined
    ? { oxmClass: c.oxmClass, oxmField: h.field }
    : { oxmClass: c.oxmClass, oxmField: h.field, experimenter: c.experimenter };
}

/**
 * The header Nicira extension actions (reg_load, move, learn, ...) name a
 * field with: its NXM header, or its OXM header when it has no NXM one.
 * Null for fields OpenFlow cannot name.
 */
export function nxmHeaderOf(field: MatchField): WireHeader | null {
  return field.headers.length === 0 ? null : toWire(field, 0);
}

/**
 * The header set_field and copy_field use in `version`: the newest header
 * that version may use, or the first one when none is old enough.
 */
export function oxmHeaderOf(field: MatchField, version: number): WireHeader | null {
  let best = -1;
  let bestVersion = 0;
  field.headers.forEach((h, i) => {
    const v = headerVersion(h.prefix, h.name);
    if (v <= version && v > bestVersion) {
      best = i;
      bestVersion = v;
    }
  });
  if (field.headers.length === 0) return null;
  return toWire(field, best < 0 ? 0 : best);
}

/** Writes a header (4 bytes, 8 for experimenter classes); `length` is the payload size. */
export function putHeader(w: OfpWriter, h: WireHeader, options: { length: number; hasMask?: boolean }): void {
  const length = options.length + (h.experimenter !== undefined ? 4 : 0);
  w.u32(((h.oxmClass << 16) | (h.oxmField << 9) | (options.hasMask ? 0x100 : 0) | (length & 0xff)) >>> 0);
  if (h.experimenter !== undefined) w.u32(h.experimenter);
}

/** Writes the NXM header of `field` as Nicira actions use it (full width, no mask). */
export function putNxmHeader(w: OfpWriter, field: MatchField): void {
  const h = nxmHeaderOf(field);
  if (!h) throw new RangeError(`${field.name} has no NXM or OXM header`);
  putHeader(w, h, { length: headerLength(field) });
}

export interface ReadHeader {
  readonly field: MatchField;
  readonly hasMask: boolean;
  /** Payload length (value, plus mask when hasMask), without an experimenter id. */
  readonly length: number;
  /** Bytes the header took: 4 or 8. */
  readonly size: number;
}

/**
 * Reads an NXM/OXM header; `unknown` names the OfpError for a header that
 * names no field we know (OFPBAC_BAD_SET_TYPE for set_field, ...).
 */
export function readHeader(r: OfpReader, unknown: string): ReadHeader {
  const h = r.u32();
  const oxmClass = h >>> 16;
  const oxmField = (h >>> 9) & 0x7f;
  const hasMask = (h & 0x100) !== 0;
  let length = h & 0xff;
  let experimenter: number | undefined;
  let size = 4;
  if (oxmClass === 0xffff) {
    experimenter = r.u32();
    length -= 4;
    size = 8;
    if (length < 0) throw new OfpError(unknown, 'experimenter OXM header too short');
  }
  const field = fieldByHeader(oxmClass, oxmField, experimenter);
  if (!field) throw new OfpError(unknown, `unknown field header 0x${h.toString(16)}`);
  return { field, hasMask, length, size };
}

/** A subfield's width check against its field, for decoded ofs/n_bits. */
export function checkSubfield(sf: Subfield, error = 'OFPBAC_BAD_SET_LEN'): Subfield {
  if (sf.nBits < 1 || sf.ofs + sf.nBits > Math.max(sf.field.bits, headerBits(sf.field))) {
    throw new OfpError(error, `${formatSubfield(sf)} is out of range`);
  }
  return sf;
}

function headerBits(field: MatchField): number {
  return field.tunMetadataIndex !== undefined ? 124 * 8 : field.bits;
}

// --- Values ------------------------------------------------------------------

export function bytesToBigint(bytes: Uint8Array): bigint {
  let v = 0n;
  for (const b of bytes) v = (v << 8n) | BigInt(b);
  return v;
}

export function bigintToBytes(v: bigint, size: number): Uint8Array {
  const out = new Uint8Array(size);
  for (let i = size - 1; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

/** C's "%#x" over any width: "0" for zero, else "0x..." without leading zeros. */
export function altHex(v: bigint): string {
  return v === 0n ? '0' : `0x${v.toString(16)}`;
}

function u32At(b: Uint8Array, i: number): number {
  return ((b[i]! << 24) | (b[i + 1]! << 16) | (b[i + 2]! << 8) | b[i + 3]!) >>> 0;
}

export function formatMac(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(':');
}

function prefixLength(mask: Uint8Array): number | null {
  const v = bytesToBigint(mask);
  const bits = mask.length * 8;
  for (let n = 0; n <= bits; n++) {
    const m = n === 0 ? 0n : ((1n << BigInt(n)) - 1n) << BigInt(bits - n);
    if (m === v) return n;
  }
  return null;
}

/** A field value (and mask, when not all ones) as ovs-ofctl prints it. */
export function formatFieldValue(field: MatchField, value: Uint8Array, mask?: Uint8Array): string {
  const full = !mask || mask.every((b) => b === 0xff);
  switch (field.format) {
    case 'ethernet':
      return formatMac(value) + (full ? '' : `/${formatMac(mask!)}`);
    case 'ipv4': {
      const text = formatIpv4(u32At(value, 0));
      if (full) return text;
      const n = prefixLength(mask!);
      return `${text}/${n !== null ? n : formatIpv4(u32At(mask!, 0))}`;
    }
    case 'ipv6': {
      const words = [u32At(value, 0), u32At(value, 4), u32At(value, 8), u32At(value, 12)];
      const text = formatIpv6(words);
      if (full) return text;
      const n = prefixLength(mask!);
      return `${text}/${n !== null ? n : formatIpv6([u32At(mask!, 0), u32At(mask!, 4), u32At(mask!, 8), u32At(mask!, 12)])}`;
    }
    case 'ofp-port':
    case 'ofp11-port':
      if (full) return formatPort(Number(bytesToBigint(value)));
      break;
    case 'tunnel-flags':
      if (full) {
        const v = bytesToBigint(value);
        return v === 1n ? 'oam' : v === 0n ? '0' : altHex(v);
      }
      break;
    case 'decimal':
      return bytesToBigint(value).toString() + (full ? '' : `/${altHex(bytesToBigint(mask!))}`);
    default:
      break;
  }
  return altHex(bytesToBigint(value)) + (full ? '' : `/${altHex(bytesToBigint(mask!))}`);
}
