// The pseudo device's protocol between userspace netlink sockets
// (netlink-socket.ts) and the datapath's host (kernel.ts), over any transport.
// Seed 001's ioctls become request records: OPEN (OVS_GET_PID), TRANSACT
// (request and reply in one call), DUMP (carrying its resume position), READ,
// WAIT (the one pending read), JOIN/LEAVE, CLOSE. Records travel in frames,
// many per crossing; docs/device.md has the layout.

import { readU16, readU32 } from '../netlink/attr.js';

/** Bytes of the frame header: u32 length, magic "D1", u16 record count. */
export const FRAME_HEADER_SIZE = 8;
/** Bytes of a record header: u32 length, u16 op, u16 flags, u32 tag, pid, word0, word1. */
export const RECORD_HEADER_SIZE = 24;
/** Largest frame either side sends or accepts; a longer one is framing garbage. */
export const MAX_FRAME_SIZE = 16 * 1024 * 1024;
/** Most records in one frame (the count is 16 bits). */
export const MAX_FRAME_RECORDS = 0xffff;
/** The frame magic, bytes 4 and 5: "D1" (device protocol, version 1). */
export const FRAME_MAGIC_0 = 0x44;
export const FRAME_MAGIC_1 = 0x31;

// Request ops (client to device). The answer to op N has op N | OP_ANSWER.
/** Opens a netlink socket; the answer's pid is the socket id the device chose (OVS_GET_PID). */
export const OP_OPEN = 1;
/** Closes socket `pid`: its queue, memberships and pending read go. */
export const OP_CLOSE = 2;
/** data = one netlink request; the answer's data = every reply message. */
export const OP_TRANSACT = 3;
/** word0 = objects to skip, word1 = most messages; data = the dump request. */
export const OP_DUMP = 4;
/** word0 = most messages to take from the socket's upcall and event queues. */
export const OP_READ = 5;
/**
 * Arms the socket's one pending read; answered when something is queued,
 * with up to word0 messages taken from the queue (0: the signal alone).
 */
export const OP_WAIT = 6;
/** word0 = multicast group id. */
export const OP_JOIN = 7;
export const OP_LEAVE = 8;
export const OP_ANSWER = 0x80;

/** Answer flag of OP_DUMP: the dump ended (NLMSG_DONE or NLMSG_ERROR is in data). */
export const ANSWER_F_DONE = 0x1;

export const OP_NAMES: Readonly<Record<number, string>> = {
  [OP_OPEN]: 'OPEN', [OP_CLOSE]: 'CLOSE', [OP_TRANSACT]: 'TRANSACT', [OP_DUMP]: 'DUMP',
  [OP_READ]: 'READ', [OP_WAIT]: 'WAIT', [OP_JOIN]: 'JOIN', [OP_LEAVE]: 'LEAVE',
};

/**
 * One record. Requests use word0/word1 as arguments (see the ops); answers
 * carry the errno (positive, 0 for success) in word0 and a value in word1
 * (the next dump position, the count of messages read).
 */
export interface DeviceRecord {
  op: number;
  flags: number;
  /** Chosen by the client, echoed in the answer: how answers find their request. */
  tag: number;
  /** Socket id the record is about (0 for OPEN requests). */
  pid: number;
  word0: number;
  word1: number;
  /** Netlink messages, each padded to 4 bytes (a request carries one, unpadded). */
  data: Uint8Array;
}

const EMPTY = new Uint8Array(0);

/** A record for socket `pid`; fields not given are 0 (tag: transports set it on requests). */
export function record(
  op: number, pid: number,
  options: { tag?: number; flags?: number; word0?: number; word1?: number; data?: Uint8Array } = {},
): DeviceRecord {
  return {
    op, tag: options.tag ?? 0, pid, flags: options.flags ?? 0, word0: options.word0 ?? 0, word1: options.word1 ?? 0,
    data: options.data ?? EMPTY,
  };
}

function align4(n: number): number {
  return (n + 3) & ~3;
}

/** Bytes `r` takes in a frame, padding included. */
export function recordSize(r: DeviceRecord): number {
  return align4(RECORD_HEADER_SIZE + r.data.length);
}

function writeU32(b: Uint8Array, o: number, v: number): void {
  b[o] = v;
  b[o + 1] = v >>> 8;
  b[o + 2] = v >>> 16;
  b[o + 3] = v >>> 24;
}

function writeU16(b: Uint8Array, o: number, v: number): void {
  b[o] = v;
  b[o + 1] = v >>> 8;
}

/**
 * Encodes `records` into as few frames as fit MAX_FRAME_SIZE and
 * MAX_FRAME_RECORDS. Each frame owns its ArrayBuffer (so it can be
 * transferred to a worker). A record too large for any frame is a
 * programmer error (RangeError): the device caps what it puts in one.
 */
export function encodeFrames(records: readonly DeviceRecord[], maxFrameSize = MAX_FRAME_SIZE): Uint8Array[] {
  const frames: Uint8Array[] = [];
  let first = 0;
  while (first < records.length) {
    let size = FRAME_HEADER_SIZE;
    let last = first;
    while (last < records.length && last - first < MAX_FRAME_RECORDS) {
      const n = recordSize(records[last]);
      if (size + n > maxFrameSize) break;
      size += n;
      last++;
    }
    if (last === first) throw new RangeError(`device record of ${recordSize(records[first])} bytes exceeds a frame`);
    const frame = new Uint8Array(size);
    writeU32(frame, 0, size);
    frame[4] = FRAME_MAGIC_0;
    frame[5] = FRAME_MAGIC_1;
    writeU16(frame, 6, last - first);
    let o = FRAME_HEADER_SIZE;
    for (let i = first; i < last; i++) {
      const r = records[i];
      writeU32(frame, o, RECORD_HEADER_SIZE + r.data.length);
      writeU16(frame, o + 4, r.op);
      writeU16(frame, o + 6, r.flags);
      writeU32(frame, o + 8, r.tag);
      writeU32(frame, o + 12, r.pid);
      writeU32(frame, o + 16, r.word0);
      writeU32(frame, o + 20, r.word1);
      frame.set(r.data, o + RECORD_HEADER_SIZE);
      o += recordSize(r);
    }
    frames.push(frame);
    first = last;
  }
  return frames;
}

/** Why a frame was refused; the connection that sent it is closed. */
export type FramingError =
  | 'short frame' | 'bad frame length' | 'oversized frame' | 'bad magic' | 'bad record length' | 'record count mismatch';

/**
 * Decodes one whole frame. Record data are views into `frame`. Returns a
 * FramingError string for anything malformed; never throws.
 */
export function decodeFrame(frame: Uint8Array): DeviceRecord[] | FramingError {
  if (frame.length < FRAME_HEADER_SIZE) return 'short frame';
  const length = readU32(frame, 0);
  if (length > MAX_FRAME_SIZE) return 'oversized frame';
  if (length !== frame.length || length % 4 !== 0) return 'bad frame length';
  if (frame[4] !== FRAME_MAGIC_0 || frame[5] !== FRAME_MAGIC_1) return 'bad magic';
  const count = readU16(frame, 6);
  const records: DeviceRecord[] = [];
  let o = FRAME_HEADER_SIZE;
  while (o < length) {
    if (length - o < RECORD_HEADER_SIZE) return 'bad record length';
    const recordLength = readU32(frame, o);
    if (recordLength < RECORD_HEADER_SIZE || align4(recordLength) > length - o) return 'bad record length';
    records.push({
      op: readU16(frame, o + 4),
      flags: readU16(frame, o + 6),
      tag: readU32(frame, o + 8),
      pid: readU32(frame, o + 12),
      word0: readU32(frame, o + 16),
      word1: readU32(frame, o + 20),
      data: frame.subarray(o + RECORD_HEADER_SIZE, o + recordLength),
    });
    o += align4(recordLength);
  }
  if (records.length !== count) return 'record count mismatch';
  return records;
}

/**
 * Cuts a byte stream (a unix socket) into frames. Holds at most one partial
 * frame; a header that announces a bad or oversized frame is an error at
 * once, before its body arrives, so garbage never makes it buffer much.
 */
export class FrameReader {
  private chunks: Uint8Array[] = [];
  private buffered = 0;
  /** Set once the stream is garbage; push() then returns nothing. */
  error: FramingError | null = null;

  /** Appends `chunk`; returns the frames it completed (each in its own buffer). */
  push(chunk: Uint8Array): Uint8Array[] {
    if (this.error !== null) return [];
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const frames: Uint8Array[] = [];
    while (this.buffered >= FRAME_HEADER_SIZE) {
      const head = this.peek(FRAME_HEADER_SIZE);
      const length = readU32(head, 0);
      if (head[4] !== FRAME_MAGIC_0 || head[5] !== FRAME_MAGIC_1) return this.fail('bad magic');
      if (length > MAX_FRAME_SIZE) return this.fail('oversized frame');
      if (length < FRAME_HEADER_SIZE || length % 4 !== 0) return this.fail('bad frame length');
      if (this.buffered < length) break;
      frames.push(this.take(length));
    }
    return frames;
  }

  private fail(error: FramingError): Uint8Array[] {
    this.error = error;
    this.chunks = [];
    this.buffered = 0;
    return [];
  }

  /** The first `n` buffered bytes (copied only when they span chunks). */
  private peek(n: number): Uint8Array {
    if (this.chunks[0].length >= n) return this.chunks[0];
    const out = new Uint8Array(n);
    let o = 0;
    for (const c of this.chunks) {
      const k = Math.min(c.length, n - o);
      out.set(c.subarray(0, k), o);
      o += k;
      if (o === n) break;
    }
    return out;
  }

  /** Removes and returns the first `n` buffered bytes as a fresh array. */
  private take(n: number): Uint8Array {
    const out = new Uint8Array(n);
    let o = 0;
    while (o < n) {
      const c = this.chunks[0];
      const k = Math.min(c.length, n - o);
      out.set(c.subarray(0, k), o);
      o += k;
      if (k === c.length) this.chunks.shift();
      else this.chunks[0] = c.subarray(k);
    }
    this.buffered -= n;
    return out;
  }
}
