// Byte access for OpenFlow codecs: a growable big-endian writer and a bounded
// reader. OpenFlow messages, matches and actions are all written and read
// through these two, so that every codec checks lengths the same way: a
// reader never reads past its end, it throws an OfpError named by the caller's
// error instead (truncated input is bad input, not a crash).

import { OfpError } from './ofp-error.js';

export class OfpWriter {
  private bytes: Uint8Array;
  /** Bytes written so far. */
  length = 0;

  constructor(capacity = 256) {
    this.bytes = new Uint8Array(capacity);
  }

  /** Makes room for `size` more bytes and returns the offset where they start. */
  reserve(size: number): number {
    const start = this.length;
    const needed = start + size;
    if (needed > this.bytes.length) {
      const grown = new Uint8Array(Math.max(needed, this.bytes.length * 2));
      grown.set(this.bytes.subarray(0, start));
      this.bytes = grown;
    }
    this.bytes.fill(0, start, needed);
    this.length = needed;
    return start;
  }

  u8(value: number): void {
    // reserve() first: it may replace this.bytes.
    const o = this.reserve(1);
    this.bytes[o] = value;
  }

  u16(value: number): void {
    const o = this.reserve(2);
    this.bytes[o] = value >>> 8;
    this.bytes[o + 1] = value;
  }

  u32(value: number): void {
    const o = this.reserve(4);
    this.setU32(o, value);
  }

  /** A 64-bit value as two 32-bit halves (no BigInt on codec paths). */
  u64(high: number, low: number): void {
    this.u32(high);
    this.u32(low);
  }

  put(data: Uint8Array): void {
    const o = this.reserve(data.length);
    this.bytes.set(data, o);
  }

  zeros(size: number): void {
    this.reserve(size);
  }

  /** Pads with zeros to a multiple of `alignment` bytes, counted from `from`. */
  padTo(alignment: number, from = 0): void {
    const extra = (this.length - from) % alignment;
    if (extra !== 0) this.zeros(alignment - extra);
  }

  /** A NUL-padded fixed-size string field, as in ofp_port's name. */
  fixedString(text: string, size: number): void {
    const o = this.reserve(size);
    const encoded = new TextEncoder().encode(text);
    this.bytes.set(encoded.subarray(0, size - 1), o);
  }

  setU16(offset: number, value: number): void {
    this.bytes[offset] = value >>> 8;
    this.bytes[offset + 1] = value;
  }

  setU32(offset: number, value: number): void {
    this.bytes[offset] = value >>> 24;
    this.bytes[offset + 1] = value >>> 16;
    this.bytes[offset + 2] = value >>> 8;
    this.bytes[offset + 3] = value;
  }

  /** A copy of what was written. */
  finish(): Uint8Array {
    return this.bytes.slice(0, this.length);
  }
}

export class OfpReader {
  /** Next byte to read, as an offset into `bytes`. */
  offset: number;
  readonly end: number;

  /**
   * Reads `bytes` from `start` to `end`. `truncated` names the OfpError a
   * read past the end throws (e.g. "OFPBRC_BAD_LEN", "OFPBAC_BAD_LEN").
   */
  constructor(
    readonly bytes: Uint8Array,
    options: { start?: number; end?: number; truncated?: string } = {},
  ) {
    this.offset = options.start ?? 0;
    this.end = options.end ?? bytes.length;
    this.truncated = options.truncated ?? 'OFPBRC_BAD_LEN';
  }

  private readonly truncated: string;

  get remaining(): number {
    return this.end - this.offset;
  }

  /** Throws unless `size` more bytes are there. */
  need(size: number): void {
    if (size < 0 || this.offset + size > this.end) {
      throw new OfpError(this.truncated, `message truncated: need ${size} bytes, have ${this.remaining}`);
    }
  }

  u8(): number {
    this.need(1);
    return this.bytes[this.offset++]!;
  }

  u16(): number {
    this.need(2);
    const b = this.bytes;
    const o = this.offset;
    this.offset += 2;
    return (b[o]! << 8) | b[o + 1]!;
  }

  u32(): number {
    this.need(4);
    const b = this.bytes;
    const o = this.offset;
    this.offset += 4;
    return ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
  }

  /** Bytes as a view (not a copy). */
  bytesView(size: number): Uint8Array {
    this.need(size);
    const view = this.bytes.subarray(this.offset, this.offset + size);
    this.offset += size;
    return view;
  }

  skip(size: number): void {
    this.need(size);
    this.offset += size;
  }

  /** A NUL-padded fixed-size string field. */
  fixedString(size: number): string {
    const view = this.bytesView(size);
    const nul = view.indexOf(0);
    return new TextDecoder().decode(nul < 0 ? view : view.subarray(0, nul));
  }

  /** A reader over the next `size` bytes; this reader moves past them. */
  sub(size: number, truncated?: string): OfpReader {
    this.need(size);
    const start = this.offset;
    this.offset += size;
    return new OfpReader(this.bytes, { start, end: start + size, truncated: truncated ?? this.truncated });
  }
}
