// nlattr decoding: a zero-copy iterator over a run of attributes and the
// little readers for their payloads. Policies (policy.ts), the OVS family
// handlers in the datapath, dpif's reply parsing and the ODP key/action
// decoders all walk attributes with this; nothing here allocates per attribute.
// Host-order values are little-endian, as the Linux netlink ABI on our hosts.

import { EINVAL } from '../lib/errno.js';

export const NLA_HDRLEN = 4;
export const NLA_ALIGNTO = 4;
/** The payload is itself a run of attributes (set by some families, not OVS's). */
export const NLA_F_NESTED = 0x8000;
/** The payload is in network byte order (informational; policies decide). */
export const NLA_F_NET_BYTEORDER = 0x4000;
export const NLA_TYPE_MASK = 0x3fff;

export function nlaAlign(length: number): number {
  return (length + 3) & ~3;
}

/**
 * Walks the attributes in bytes[start, end). Reuse one iterator with reset();
 * after next() returns true, `type`, `flags`, `offset` (of the payload) and
 * `length` (of the payload) describe the current attribute. next() returns
 * false at the end, or on a malformed attribute with `error` set to EINVAL
 * (a length below the header size or past the end). Trailing bytes shorter
 * than a header are malformed too: Linux warns about them and OVS rejects them.
 */
export class NlAttrIter {
  bytes: Uint8Array;
  private pos = 0;
  private end = 0;
  type = 0;
  /** NLA_F_NESTED | NLA_F_NET_BYTEORDER bits of the current attribute. */
  flags = 0;
  offset = 0;
  length = 0;
  error = 0;

  constructor(bytes: Uint8Array = EMPTY, start = 0, end = bytes.length) {
    this.bytes = bytes;
    this.pos = start;
    this.end = end;
  }

  reset(bytes: Uint8Array, start: number, end: number): this {
    this.bytes = bytes;
    this.pos = start;
    this.end = end;
    this.error = 0;
    return this;
  }

  next(): boolean {
    const b = this.bytes;
    const pos = this.pos;
    const left = this.end - pos;
    if (left <= 0) return false;
    if (left < NLA_HDRLEN) return this.fail();
    const len = b[pos] | (b[pos + 1] << 8);
    if (len < NLA_HDRLEN || len > left) return this.fail();
    const type = b[pos + 2] | (b[pos + 3] << 8);
    this.type = type & NLA_TYPE_MASK;
    this.flags = type & ~NLA_TYPE_MASK;
    this.offset = pos + NLA_HDRLEN;
    this.length = len - NLA_HDRLEN;
    // The last attribute may omit its padding.
    this.pos = pos + ((len + 3) & ~3);
    return true;
  }

  private fail(): boolean {
    this.error = EINVAL;
    this.pos = this.end;
    return false;
  }
}

const EMPTY = new Uint8Array(0);

// --- payload readers (callers have checked the length) ----------------------

export function readU16(b: Uint8Array, o: number): number {
  return b[o] | (b[o + 1] << 8);
}

export function readU32(b: Uint8Array, o: number): number {
  return (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24)) >>> 0;
}

/** A signed int (ovs_header.dp_ifindex, a negative errno in NLMSG_ERROR). */
export function readI32(b: Uint8Array, o: number): number {
  return b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24);
}

/** High half of a host-order u64. */
export function readU64Hi(b: Uint8Array, o: number): number {
  return readU32(b, o + 4);
}

/** Low half of a host-order u64. */
export function readU64Lo(b: Uint8Array, o: number): number {
  return readU32(b, o);
}

/** A host-order u64 as BigInt, for control-path callers (statistics, "used" times). */
export function readU64Big(b: Uint8Array, o: number): bigint {
  return (BigInt(readU32(b, o + 4)) << 32n) | BigInt(readU32(b, o));
}

/** A host-order u64 as a Number; exact below 2^53, which covers counters in practice. */
export function readU64Number(b: Uint8Array, o: number): number {
  return readU32(b, o + 4) * 0x100000000 + readU32(b, o);
}

export function readBe16(b: Uint8Array, o: number): number {
  return (b[o] << 8) | b[o + 1];
}

export function readBe32(b: Uint8Array, o: number): number {
  return ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0;
}

const TEXT_DECODER = new TextDecoder('utf-8', { fatal: false });

/** Text up to the first NUL (or the end of the payload). */
export function readString(b: Uint8Array, o: number, length: number): string {
  let end = o;
  const limit = o + length;
  while (end < limit && b[end] !== 0) end++;
  return TEXT_DECODER.decode(b.subarray(o, end));
}

/**
 * Finds the first attribute of `type` in bytes[start, end) and returns its
 * payload offset, or -1 (also for malformed input). For one-off lookups;
 * handlers that read several attributes parse with a policy instead.
 */
export function findAttr(bytes: Uint8Array, start: number, end: number, type: number): number {
  const it = SCRATCH.reset(bytes, start, end);
  while (it.next()) if (it.type === type) return it.offset;
  return -1;
}

/** Payload length of the attribute whose payload starts at `offset`. */
export function attrLength(bytes: Uint8Array, offset: number): number {
  return readU16(bytes, offset - NLA_HDRLEN) - NLA_HDRLEN;
}

const SCRATCH = new NlAttrIter();
