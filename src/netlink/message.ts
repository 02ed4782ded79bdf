// nlmsghdr, genlmsghdr and ovs_header: constants, a zero-copy iterator over a
// buffer of messages (what one receive returns), and the NLMSG_ERROR and
// NLMSG_DONE messages the datapath answers with. Userspace netlink sockets
// (src/device) and the datapath's family dispatcher are the callers; building
// requests goes through NlBuffer (buffer.ts).

import { EPROTO } from '../lib/errno.js';
import { readI32, readU16, readU32 } from './attr.js';
import type { NlBuffer } from './buffer.js';

export { NLA_HDRLEN, NLA_F_NESTED, NLA_F_NET_BYTEORDER, NLA_TYPE_MASK } from './attr.js';

/** sizeof(struct nlmsghdr): len u32, type u16, flags u16, seq u32, pid u32. */
export const NLMSG_HDRLEN = 16;
/** sizeof(struct genlmsghdr): cmd u8, version u8, reserved u16. */
export const GENL_HDRLEN = 4;
/** sizeof(struct ovs_header): dp_ifindex int. */
export const OVS_HEADER_LEN = 4;
/** Where the attributes of an OVS family message start. */
export const OVS_ATTRS_OFFSET = NLMSG_HDRLEN + GENL_HDRLEN + OVS_HEADER_LEN;

// Control message types; family ids start at NLMSG_MIN_TYPE.
export const NLMSG_NOOP = 0x1;
export const NLMSG_ERROR = 0x2;
export const NLMSG_DONE = 0x3;
export const NLMSG_OVERRUN = 0x4;
export const NLMSG_MIN_TYPE = 0x10;

export const NLM_F_REQUEST = 0x01;
/** Part of a multipart reply, ended by NLMSG_DONE. */
export const NLM_F_MULTI = 0x02;
/** The sender wants an NLMSG_ERROR with error 0 on success. */
export const NLM_F_ACK = 0x04;
/** The sender wants the notification its request causes echoed to it. */
export const NLM_F_ECHO = 0x08;
export const NLM_F_DUMP_INTR = 0x10;
export const NLM_F_DUMP_FILTERED = 0x20;
// Modifiers of GET requests.
export const NLM_F_ROOT = 0x100;
export const NLM_F_MATCH = 0x200;
export const NLM_F_ATOMIC = 0x400;
export const NLM_F_DUMP = NLM_F_ROOT | NLM_F_MATCH;
// Modifiers of NEW requests (they share bits with the GET modifiers).
export const NLM_F_REPLACE = 0x100;
export const NLM_F_EXCL = 0x200;
export const NLM_F_CREATE = 0x400;
export const NLM_F_APPEND = 0x800;
// Flags of NLMSG_ERROR acks.
/** The echoed request was cut to its header. */
export const NLM_F_CAPPED = 0x100;
export const NLM_F_ACK_TLVS = 0x200;

/**
 * Walks the messages in bytes[start, end). After next() returns true the
 * fields describe the current message; `offset` is its nlmsghdr and `end`
 * the end of its nlmsg_len (without padding). A malformed header (length
 * below 16 or past the buffer) stops the walk with `error` = EPROTO.
 */
export class NlMsgIter {
  bytes: Uint8Array;
  private pos: number;
  private limit: number;
  offset = 0;
  end = 0;
  length = 0;
  type = 0;
  flags = 0;
  seq = 0;
  pid = 0;
  error = 0;

  constructor(bytes: Uint8Array, start = 0, end = bytes.length) {
    this.bytes = bytes;
    this.pos = start;
    this.limit = end;
  }

  next(): boolean {
    const b = this.bytes;
    const o = this.pos;
    const left = this.limit - o;
    if (left <= 0) return false;
    if (left < NLMSG_HDRLEN) return this.fail();
    const len = readU32(b, o);
    if (len < NLMSG_HDRLEN || len > left) return this.fail();
    this.offset = o;
    this.length = len;
    this.end = o + len;
    this.type = readU16(b, o + 4);
    this.flags = readU16(b, o + 6);
    this.seq = readU32(b, o + 8);
    this.pid = readU32(b, o + 12);
    this.pos = o + ((len + 3) & ~3);
    return true;
  }

  /** The current message, as a view. */
  message(): Uint8Array {
    return this.bytes.subarray(this.offset, this.end);
  }

  private fail(): boolean {
    this.error = EPROTO;
    this.pos = this.limit;
    return false;
  }
}

/** genlmsghdr.cmd of the message at `offset`; the caller has checked its length. */
export function genlCmd(bytes: Uint8Array, offset: number): number {
  return bytes[offset + NLMSG_HDRLEN];
}

export function genlVersion(bytes: Uint8Array, offset: number): number {
  return bytes[offset + NLMSG_HDRLEN + 1];
}

/** ovs_header.dp_ifindex of the OVS family message at `offset`. */
export function ovsDpIfindex(bytes: Uint8Array, offset: number): number {
  return readI32(bytes, offset + NLMSG_HDRLEN + GENL_HDRLEN);
}

/**
 * The errno an NLMSG_ERROR message at bytes[offset, end) carries: 0 for an
 * ack, else the positive errno (the wire holds it negated). A payload too
 * short for the error and the echoed header is EPROTO.
 */
export function nlErrorCode(bytes: Uint8Array, offset: number, end: number): number {
  if (end - offset < NLMSG_HDRLEN + 4 + NLMSG_HDRLEN) return EPROTO;
  const code = readI32(bytes, offset + NLMSG_HDRLEN);
  return code <= 0 ? -code | 0 : EPROTO;
}

/** Offset of the request header an NLMSG_ERROR at `offset` echoes. */
export function nlErrorRequestOffset(offset: number): number {
  return offset + NLMSG_HDRLEN + 4;
}

/**
 * Appends the NLMSG_ERROR answer to `request` (one whole message): errno 0 is
 * an ack. As Linux does by default, an error echoes the whole request and an
 * ack only its header (flagged NLM_F_CAPPED); `capped` forces the short form.
 * seq is the request's; pid is the sender's socket id, which Linux takes
 * from the socket rather than the header (a request's pid is often 0), so
 * pass `pid` when the transport knows it.
 */
export function putNlError(
  buf: NlBuffer, errno: number, request: Uint8Array, options?: { capped?: boolean; pid?: number },
): void {
  const capped = errno === 0 || options?.capped === true;
  const start = buf.startMessage(NLMSG_ERROR, capped ? NLM_F_CAPPED : 0,
    readU32(request, 8), options?.pid ?? readU32(request, 12));
  buf.putU32(-errno);
  // The echoed nlmsg_len stays the request's own, even when capped, as Linux leaves it.
  buf.put(request.subarray(0, capped ? NLMSG_HDRLEN : Math.min(readU32(request, 0), request.length)));
  buf.endMessage(start);
}

/** Appends the NLMSG_DONE that ends a dump: NLM_F_MULTI and an int 0 payload. */
export function putNlDone(buf: NlBuffer, seq: number, pid: number): void {
  const start = buf.startMessage(NLMSG_DONE, NLM_F_MULTI, seq, pid);
  buf.putU32(0);
  buf.endMessage(start);
}

/** Starts an OVS family message: nlmsghdr, genlmsghdr and ovs_header. */
export function startOvsMessage(
  buf: NlBuffer,
  header: { family: number; flags: number; seq: number; pid: number; cmd: number; version: number; dpIfindex: number },
): number {
  const start = buf.startMessage(header.family, header.flags, header.seq, header.pid);
  buf.putGenlHeader(header.cmd, header.version);
  buf.putOvsHeader(header.dpIfindex);
  return start;
}
