// Classic tcpdump pcap files: read (both byte orders, microsecond and
// nanosecond magic) and write (a streaming writer that appends records and
// makes each one visible to other processes at once). Used by the dummy netdev
// (rx_pcap/tx_pcap), tests and the tshark interop checks. Not the hot path.
//
// File layout: a 24-byte global header (magic, version 2.4, zone, sigfigs,
// snaplen, link type), then records of a 16-byte header (seconds, fraction,
// captured length, original length) and the captured bytes. Every malformed
// input is a PcapError with one line naming the file and the byte offset.

import { closeSync, fstatSync, openSync, readFileSync, readSync, writeSync } from 'node:fs';
import { OvsError } from '../lib/errors.js';
import { timeWallMsec } from '../lib/timeval.js';

export const PCAP_MAGIC_USEC = 0xa1b2c3d4;
export const PCAP_MAGIC_NSEC = 0xa1b23c4d;
export const PCAP_GLOBAL_HEADER_SIZE = 24;
export const PCAP_RECORD_HEADER_SIZE = 16;
export const PCAP_VERSION_MAJOR = 2;
export const PCAP_VERSION_MINOR = 4;
export const LINKTYPE_ETHERNET = 1;
/** Captured lengths above this are corrupt whatever the snaplen says (libpcap's largest). */
export const PCAP_MAX_RECORD_SIZE = 262144;
export const PCAP_DEFAULT_SNAPLEN = 65535;

/** A malformed pcap file; `offset` is where in the file the problem lies. */
export class PcapError extends OvsError {
  readonly file: string;
  readonly offset: number;
  constructor(file: string, offset: number, what: string) {
    super('EPCAP', `${file}: ${what} at byte offset ${offset}`);
    this.file = file;
    this.offset = offset;
  }
}

export interface PcapHeader {
  /** Byte order the file was written in. */
  littleEndian: boolean;
  /** Nanosecond timestamps (magic 0xa1b23c4d) rather than microseconds. */
  nanosecond: boolean;
  versionMajor: number;
  versionMinor: number;
  /** GMT offset of the timestamps in seconds (always 0 in practice). */
  thisZone: number;
  snaplen: number;
  linktype: number;
}

export interface PcapRecord {
  seconds: number;
  /** Sub-second part in nanoseconds (microsecond files: a multiple of 1000). */
  nanoseconds: number;
  /** The captured bytes (incl_len of them). */
  data: Uint8Array;
  /** Length of the packet on the wire (orig_len); at least data.length unless the file lies. */
  originalLength: number;
}

export interface PcapFile extends PcapHeader {
  records: PcapRecord[];
}

function u32(bytes: Uint8Array, at: number, little: boolean): number {
  return little
    ? (bytes[at] | (bytes[at + 1] << 8) | (bytes[at + 2] << 16) | (bytes[at + 3] << 24)) >>> 0
    : ((bytes[at] << 24) | (bytes[at + 1] << 16) | (bytes[at + 2] << 8) | bytes[at + 3]) >>> 0;
}

function u16(bytes: Uint8Array, at: number, little: boolean): number {
  return little ? bytes[at] | (bytes[at + 1] << 8) : (bytes[at] << 8) | bytes[at + 1];
}

function putU32(bytes: Uint8Array, at: number, value: number, little: boolean): void {
  if (little) {
    bytes[at] = value;
    bytes[at + 1] = value >>> 8;
    bytes[at + 2] = value >>> 16;
    bytes[at + 3] = value >>> 24;
  } else {
    bytes[at] = value >>> 24;
    bytes[at + 1] = value >>> 16;
    bytes[at + 2] = value >>> 8;
    bytes[at + 3] = value;
  }
}

/** Decodes a 24-byte global header, or throws PcapError. */
export function parsePcapHeader(bytes: Uint8Array, file = '<buffer>'): PcapHeader {
  if (bytes.length < PCAP_GLOBAL_HEADER_SIZE) {
    throw new PcapError(file, bytes.length, `truncated pcap global header (${bytes.length} of 24 bytes)`);
  }
  const big = u32(bytes, 0, false);
  const little = u32(bytes, 0, true);
  let littleEndian: boolean;
  let nanosecond: boolean;
  if (big === PCAP_MAGIC_USEC || big === PCAP_MAGIC_NSEC) {
    littleEndian = false;
    nanosecond = big === PCAP_MAGIC_NSEC;
  } else if (little === PCAP_MAGIC_USEC || little === PCAP_MAGIC_NSEC) {
    littleEndian = true;
    nanosecond = little === PCAP_MAGIC_NSEC;
  } else {
    throw new PcapError(file, 0, `bad pcap magic number 0x${big.toString(16).padStart(8, '0')}`);
  }
  const versionMajor = u16(bytes, 4, littleEndian);
  if (versionMajor !== PCAP_VERSION_MAJOR) {
    throw new PcapError(file, 4, `unsupported pcap version ${versionMajor}.${u16(bytes, 6, littleEndian)}`);
  }
  return {
    littleEndian,
    nanosecond,
    versionMajor,
    versionMinor: u16(bytes, 6, littleEndian),
    thisZone: u32(bytes, 8, littleEndian) | 0,
    snaplen: u32(bytes, 16, littleEndian),
    linktype: u32(bytes, 20, littleEndian),
  };
}

/**
 * Incremental reader: feed it chunks as they arrive (a pcap stream another
 * process is still writing) and take the complete records. finish() says
 * whether the stream ended cleanly.
 */
export class PcapParser {
  readonly file: string;
  header: PcapHeader | null = null;
  private buffer = new Uint8Array(0);
  /** File offset of buffer[0]. */
  private consumed = 0;

  constructor(file = '<buffer>') {
    this.file = file;
  }

  /** Appends `chunk` and returns the records it completed. Throws PcapError on malformed data. */
  push(chunk: Uint8Array): PcapRecord[] {
    if (chunk.length > 0) {
      const joined = new Uint8Array(this.buffer.length + chunk.length);
      joined.set(this.buffer);
      joined.set(chunk, this.buffer.length);
      this.buffer = joined;
    }
    const records: PcapRecord[] = [];
    let at = 0;
    if (!this.header) {
      if (this.buffer.length < PCAP_GLOBAL_HEADER_SIZE) return records;
      this.header = parsePcapHeader(this.buffer, this.file);
      at = PCAP_GLOBAL_HEADER_SIZE;
    }
    const h = this.header;
    const limit = h.snaplen > 0 && h.snaplen < PCAP_MAX_RECORD_SIZE ? h.snaplen : PCAP_MAX_RECORD_SIZE;
    while (this.buffer.length - at >= PCAP_RECORD_HEADER_SIZE) {
      const b = this.buffer;
      const capturedSize = u32(b, at + 8, h.littleEndian);
      if (capturedSize > limit) {
        throw new PcapError(
          this.file,
          this.consumed + at,
          `record length ${capturedSize} exceeds ${h.snaplen > 0 && h.snaplen === limit ? 'snaplen' : 'limit'} ${limit}`,
        );
      }
      if (b.length - at - PCAP_RECORD_HEADER_SIZE < capturedSize) break;
      const fraction = u32(b, at + 4, h.littleEndian);
      if (fraction >= (h.nanosecond ? 1e9 : 1e6)) {
        throw new PcapError(this.file, this.consumed + at + 4, `record timestamp fraction ${fraction} out of range`);
      }
      const start = at + PCAP_RECORD_HEADER_SIZE;
      records.push({
        seconds: u32(b, at, h.littleEndian),
        nanoseconds: h.nanosecond ? fraction : fraction * 1000,
        data: b.slice(start, start + capturedSize),
        originalLength: u32(b, at + 12, h.littleEndian),
      });
      at = start + capturedSize;
    }
    this.buffer = this.buffer.slice(at);
    this.consumed += at;
    return records;
  }

  /** Throws PcapError if the input ended inside a header or a record. */
  finish(): void {
    const left = this.buffer.length;
    if (!this.header) {
      throw new PcapError(this.file, left, `truncated pcap global header (${left} of 24 bytes)`);
    }
    if (left === 0) return;
    if (left < PCAP_RECORD_HEADER_SIZE) {
      throw new PcapError(this.file, this.consumed, `truncated record header (${left} of 16 bytes)`);
    }
    const wanted = u32(this.buffer, 8, this.header.littleEndian);
    throw new PcapError(
      this.file,
      this.consumed + PCAP_RECORD_HEADER_SIZE,
      `truncated record data (${left - PCAP_RECORD_HEADER_SIZE} of ${wanted} bytes)`,
    );
  }
}

/** Parses a whole pcap file held in memory. `file` names it in error messages. */
export function parsePcap(bytes: Uint8Array, file = '<buffer>'): PcapFile {
  const parser = new PcapParser(file);
  const records = parser.push(bytes);
  parser.finish();
  return { ...(parser.header as PcapHeader), records };
}

/** Reads and parses the pcap file at `path`. File system errors pass through unchanged. */
export function readPcapFile(path: string): PcapFile {
  return parsePcap(readFileSync(path), path);
}

export interface PcapFormatOptions {
  /** Default false: microsecond timestamps. */
  nanosecond?: boolean;
  /** Default: this machine's order (what tcpdump writes). */
  littleEndian?: boolean;
  /** Default 65535. */
  snaplen?: number;
  /** Default 1 (Ethernet). */
  linktype?: number;
}

export interface PcapRecordOptions {
  /** Default: now, from the (possibly warped) wall clock. */
  seconds?: number;
  nanoseconds?: number;
  /** orig_len; default the packet's length. Data beyond the snaplen is cut off. */
  originalLength?: number;
}

const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** The 24-byte global header for `options`. */
export function encodePcapHeader(options: PcapFormatOptions = {}): Uint8Array {
  const little = options.littleEndian ?? HOST_LITTLE_ENDIAN;
  const out = new Uint8Array(PCAP_GLOBAL_HEADER_SIZE);
  putU32(out, 0, options.nanosecond ? PCAP_MAGIC_NSEC : PCAP_MAGIC_USEC, little);
  const version = little
    ? [PCAP_VERSION_MAJOR, 0, PCAP_VERSION_MINOR, 0]
    : [0, PCAP_VERSION_MAJOR, 0, PCAP_VERSION_MINOR];
  out.set(version, 4);
  putU32(out, 16, options.snaplen ?? PCAP_DEFAULT_SNAPLEN, little);
  putU32(out, 20, options.linktype ?? LINKTYPE_ETHERNET, little);
  return out;
}

/** One record (header and captured bytes) in the format `header` describes. */
export function encodePcapRecord(header: PcapHeader, data: Uint8Array, options: PcapRecordOptions = {}): Uint8Array {
  let seconds = options.seconds;
  let nanoseconds = options.nanoseconds ?? 0;
  if (seconds === undefined) {
    const ms = timeWallMsec();
    seconds = Math.floor(ms / 1000);
    nanoseconds = (ms % 1000) * 1e6;
  }
  const captured = header.snaplen > 0 ? Math.min(data.length, header.snaplen) : data.length;
  const out = new Uint8Array(PCAP_RECORD_HEADER_SIZE + captured);
  const little = header.littleEndian;
  putU32(out, 0, seconds, little);
  putU32(out, 4, header.nanosecond ? nanoseconds : Math.floor(nanoseconds / 1000), little);
  putU32(out, 8, captured, little);
  putU32(out, 12, options.originalLength ?? data.length, little);
  out.set(data.subarray(0, captured), PCAP_RECORD_HEADER_SIZE);
  return out;
}

/** A whole pcap file in memory (tests, fuzzing). */
export function encodePcap(records: ReadonlyArray<{ data: Uint8Array } & PcapRecordOptions>, options: PcapFormatOptions = {}): Uint8Array {
  const head = encodePcapHeader(options);
  const header = parsePcapHeader(head);
  const parts = [head, ...records.map((r) => encodePcapRecord(header, r.data, { seconds: 0, ...r }))];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/**
 * Writes a pcap file record by record. Each write() is one synchronous
 * write(2), so a reader in another process (tshark, ovs-pcap, a test) sees
 * whole records as soon as write() returns. With `append`, an existing
 * non-empty file keeps its header and format; a new or empty one gets a header.
 */
export class PcapWriter {
  readonly path: string;
  readonly header: PcapHeader;
  private fd: number;

  private constructor(path: string, fd: number, header: PcapHeader) {
    this.path = path;
    this.fd = fd;
    this.header = header;
  }

  /** Opens (creating or truncating; appending with `append`) `path`. Throws the file system's error. */
  static open(path: string, options: PcapFormatOptions & { append?: boolean } = {}): PcapWriter {
    const fd = openSync(path, options.append ? 'a+' : 'w');
    let header: PcapHeader;
    try {
      const size = fstatSync(fd).size;
      if (options.append && size > 0) {
        const head = new Uint8Array(PCAP_GLOBAL_HEADER_SIZE);
        const n = readSync(fd, head, 0, head.length, 0);
        header = parsePcapHeader(head.subarray(0, n), path);
      } else {
        const head = encodePcapHeader(options);
        writeSync(fd, head);
        header = parsePcapHeader(head, path);
      }
    } catch (error) {
      closeSync(fd);
      throw error;
    }
    return new PcapWriter(path, fd, header);
  }

  /**
   * Appends one record; data beyond the snaplen is cut, orig_len keeps the
   * real length. File system errors (ENOSPC, say) are thrown as Node raises them.
   */
  write(data: Uint8Array, options?: PcapRecordOptions): void {
    if (this.fd < 0) throw new TypeError(`${this.path}: pcap writer is closed`);
    writeSync(this.fd, encodePcapRecord(this.header, data, options));
  }

  close(): void {
    if (this.fd >= 0) {
      closeSync(this.fd);
      this.fd = -1;
    }
  }
}
