// NlBuffer: the growable buffer every netlink message is built in (OVS's
// ofpbuf in its netlink role). dpif, the datapath's reply path and the ODP
// key/action encoders write headers and attributes here, then hand
// `bytes.subarray(0, size)` to the transport; `reset()` keeps the storage so a
// handler thread encodes a batch without allocating. Host-order fields are
// little-endian, the Linux netlink ABI on the machines we run on.

import { EMSGSIZE } from '../lib/errno.js';
import { GENL_HDRLEN, NLA_F_NESTED, NLA_HDRLEN, NLMSG_HDRLEN, OVS_HEADER_LEN } from './message.js';
import { writeBe32, writeLe32 } from '../packet/bytes.js';

/** Largest payload an nlattr can carry: its 16-bit length includes the 4-byte header. */
export const NLA_MAX_PAYLOAD = 0xffff - NLA_HDRLEN;

export class NlBuffer {
  /**
   * Storage; replaced (never shrunk) when a put does not fit. Take the offset
   * a put returns before reading `bytes`: `buf.bytes[buf.reserve(1)] = x`
   * evaluates `buf.bytes` first and writes into the old array after a grow.
   */
  bytes: Uint8Array;
  /** Bytes written so far. */
  size = 0;
  /**
   * Sticky error: EMSGSIZE once an attribute or nest outgrew its 16-bit
   * length, or the buffer outgrew `maxSize`. Encoders keep going (writing into
   * the buffer is still safe) and the caller checks once at the end, so a
   * hot-path encoder needs no branch per attribute.
   */
  error = 0;
  /** Upper bound on `size` (a netlink socket's receive buffer, say). */
  readonly maxSize: number;

  constructor(capacity = 4096, options: { maxSize?: number } = {}) {
    this.bytes = new Uint8Array(capacity);
    this.maxSize = options.maxSize ?? 0x7fffffff;
  }

  /** Forgets the contents and the error; keeps the storage. */
  reset(): void {
    this.size = 0;
    this.error = 0;
  }

  /** The encoded bytes: a view, valid until the next put or reset. */
  data(): Uint8Array {
    return this.bytes.subarray(0, this.size);
  }

  /**
   * Appends `length` zeroed bytes and returns their offset. Zeroing matters:
   * padding and struct holes go on the wire and tests compare bytes.
   */
  reserve(length: number): number {
    const offset = this.size;
    const end = offset + length;
    if (end > this.bytes.length) {
      this.grow(end);
    } else if (length <= 32) {
      // Most puts are a few bytes; a loop beats fill()'s call overhead there.
      const b = this.bytes;
      for (let i = offset; i < end; i++) b[i] = 0;
    } else {
      this.bytes.fill(0, offset, end);
    }
    this.size = end;
    if (end > this.maxSize) this.error = EMSGSIZE;
    return offset;
  }

  private grow(needed: number): void {
    let capacity = this.bytes.length * 2;
    while (capacity < needed) capacity *= 2;
    const bigger = new Uint8Array(capacity);
    bigger.set(this.bytes.subarray(0, this.size));
    this.bytes = bigger;
  }

  /** Zero bytes up to the next 4-byte boundary (NLMSG_ALIGN and NLA_ALIGN are both 4). */
  align(): void {
    const pad = (4 - (this.size & 3)) & 3;
    if (pad !== 0) this.reserve(pad);
  }

  put(data: Uint8Array): number {
    const offset = this.reserve(data.length);
    this.bytes.set(data, offset);
    return offset;
  }

  putU8(value: number): void {
    const o = this.reserve(1);
    this.bytes[o] = value;
  }

  putU16(value: number): void {
    const o = this.reserve(2);
    this.bytes[o] = value;
    this.bytes[o + 1] = value >>> 8;
  }

  putU32(value: number): void {
    const o = this.reserve(4);
    writeLe32(this.bytes, o, value);
  }

  // --- netlink headers -------------------------------------------------------

  /**
   * Starts a message: writes an nlmsghdr whose length endMessage() fixes up.
   * Returns the header's offset, which endMessage() takes back.
   */
  startMessage(type: number, flags: number, seq: number, pid: number): number {
    this.align();
    const o = this.reserve(NLMSG_HDRLEN);
    const b = this.bytes;
    b[o + 4] = type;
    b[o + 5] = type >>> 8;
    b[o + 6] = flags;
    b[o + 7] = flags >>> 8;
    writeLe32(b, o + 8, seq);
    writeLe32(b, o + 12, pid);
    return o;
  }

  /** Sets nlmsg_len of the message started at `start` to cover everything since. */
  endMessage(start: number): void {
    writeLe32(this.bytes, start, this.size - start);
  }

  /** struct genlmsghdr: cmd, version, 16 reserved bits. */
  putGenlHeader(cmd: number, version: number): void {
    const o = this.reserve(GENL_HDRLEN);
    this.bytes[o] = cmd;
    this.bytes[o + 1] = version;
  }

  /** struct ovs_header: the datapath's ifindex (a signed int, written as its bits). */
  putOvsHeader(dpIfindex: number): void {
    const o = this.reserve(OVS_HEADER_LEN);
    writeLe32(this.bytes, o, dpIfindex);
  }

  // --- attributes ------------------------------------------------------------

  /**
   * Appends an attribute header and `length` zeroed payload bytes (padded to 4)
   * and returns the payload offset, for callers that fill a struct in place.
   */
  putAttrSpace(type: number, length: number): number {
    // An oversized payload still gets its space, so the caller's writes stay
    // inside the buffer; the sticky error marks the message unusable.
    if (length > NLA_MAX_PAYLOAD) this.error = EMSGSIZE;
    const o = this.reserve((NLA_HDRLEN + length + 3) & ~3);
    const b = this.bytes;
    const len = NLA_HDRLEN + length;
    b[o] = len;
    b[o + 1] = len >>> 8;
    b[o + 2] = type;
    b[o + 3] = type >>> 8;
    return o + NLA_HDRLEN;
  }

  putAttr(type: number, data: Uint8Array): void {
    const o = this.putAttrSpace(type, data.length);
    this.bytes.set(data, o);
  }

  /** A flag attribute: present or absent, no payload. */
  putFlag(type: number): void {
    this.putAttrSpace(type, 0);
  }

  putAttrU8(type: number, value: number): void {
    const o = this.putAttrSpace(type, 1);
    this.bytes[o] = value;
  }

  putAttrU16(type: number, value: number): void {
    const o = this.putAttrSpace(type, 2);
    this.bytes[o] = value;
    this.bytes[o + 1] = value >>> 8;
  }

  putAttrU32(type: number, value: number): void {
    const o = this.putAttrSpace(type, 4);
    writeLe32(this.bytes, o, value);
  }

  /** A u64 given as two 32-bit halves (no BigInt on hot paths). */
  putAttrU64(type: number, hi: number, lo: number): void {
    const o = this.putAttrSpace(type, 8);
    writeLe32(this.bytes, o, lo);
    writeLe32(this.bytes, o + 4, hi);
  }

  /** A u64 from a BigInt, for control-path callers. */
  putAttrU64Big(type: number, value: bigint): void {
    this.putAttrU64(type, Number((value >> 32n) & 0xffffffffn), Number(value & 0xffffffffn));
  }

  putAttrBe16(type: number, value: number): void {
    const o = this.putAttrSpace(type, 2);
    this.bytes[o] = value >>> 8;
    this.bytes[o + 1] = value;
  }

  putAttrBe32(type: number, value: number): void {
    const o = this.putAttrSpace(type, 4);
    writeBe32(this.bytes, o, value);
  }

  /** A be64 given as two 32-bit halves (a tunnel id, say). */
  putAttrBe64(type: number, hi: number, lo: number): void {
    const o = this.putAttrSpace(type, 8);
    writeBe32(this.bytes, o, hi);
    writeBe32(this.bytes, o + 4, lo);
  }

  /** A NUL-terminated string (NLA_NUL_STRING), UTF-8 encoded. */
  putAttrString(type: number, text: string): void {
    const encoded = TEXT_ENCODER.encode(text);
    const o = this.putAttrSpace(type, encoded.length + 1);
    this.bytes.set(encoded, o);
  }

  /**
   * Opens a nested attribute and returns its offset for endNested(). OVS's
   * families do not set NLA_F_NESTED (the kernel accepts both); pass
   * `{ flagged: true }` for families that want it.
   */
  startNested(type: number, options?: { flagged?: boolean }): number {
    this.align();
    const o = this.size;
    this.putAttrSpace(options?.flagged ? type | NLA_F_NESTED : type, 0);
    return o;
  }

  /** Fixes up the nest's length; EMSGSIZE (sticky) if it no longer fits 16 bits. */
  endNested(start: number): void {
    const len = this.size - start;
    if (len > 0xffff) this.error = EMSGSIZE;
    this.bytes[start] = len;
    this.bytes[start + 1] = len >>> 8;
  }

  /** Drops a nest and everything in it (an empty optional nest, say). */
  cancelNested(start: number): void {
    this.size = start;
  }
}

const TEXT_ENCODER = new TextEncoder();

