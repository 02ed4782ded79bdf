// What every family handler of the datapath's generic netlink side shares:
// the family ids the datapath answers to, the parsed request, the outcome a
// command returns, NLMSG_ERROR answers and stateless dumps. genl.ts
// dispatches; the family files (genl-flow.ts, genl-packet.ts, genl-meter.ts)
// handle their commands with these.

import { GENL_START_ALLOC } from '../netlink/genl-ctrl.js';
import { NlBuffer } from '../netlink/buffer.js';
import { NLMSG_HDRLEN, putNlDone, putNlError } from '../netlink/message.js';
import type { AttrIndex } from '../netlink/policy.js';

/** Netlink message types (genl family ids) the families answer to. */
export interface FamilyIds {
  readonly datapath: number;
  readonly vport: number;
  readonly flow: number;
  readonly packet: number;
  readonly meter: number;
  readonly ctLimit: number;
}

export const DEFAULT_FAMILY_IDS: FamilyIds = {
  datapath: GENL_START_ALLOC, vport: GENL_START_ALLOC + 1, flow: GENL_START_ALLOC + 2,
  packet: GENL_START_ALLOC + 3, meter: GENL_START_ALLOC + 4, ctLimit: GENL_START_ALLOC + 5,
};

export interface RequestContext {
  /** Netlink port id of the sender. */
  pid: number;
  /** Whether the sender holds CAP_NET_ADMIN; mutating commands need it. */
  admin: boolean;
  /** Dumps: objects to skip (objects already returned). */
  dumpStart?: number;
  /** Dumps: most messages to return this time. */
  dumpLimit?: number;
}

export interface Request {
  readonly bytes: Uint8Array;
  readonly flags: number;
  readonly seq: number;
  readonly cmd: number;
  readonly dpIfindex: number;
  readonly attrs: AttrIndex;
  readonly context: RequestContext;
}

/** One errno, or the messages a handler produced (replies to the sender, one multicast notification). */
export type Outcome = number | { replies: Uint8Array[]; event?: Uint8Array };

/** NLMSG_ERROR addressed, like every reply, to the sender's port id. */
export function errorMessage(errno: number, request: Uint8Array, pid: number): Uint8Array {
  const buf = new NlBuffer(request.length + NLMSG_HDRLEN + 4);
  putNlError(buf, errno, request, { pid });
  return buf.data().slice();
}

/**
 * A stateless dump: skips `dumpStart` objects, returns at most `dumpLimit`
 * messages, and ends with NLMSG_DONE only when the objects ran out. `objects`
 * is walked lazily, so a cut dump of a large table builds only what it sends.
 */
export function dumpObjects<T>(r: Request, objects: Iterable<T>, message: (object: T) => Uint8Array): Uint8Array[] {
  const startAt = Math.max(0, r.context.dumpStart ?? 0);
  const limit = r.context.dumpLimit ?? Infinity;
  const replies: Uint8Array[] = [];
  let i = 0;
  let cut = false;
  for (const object of objects) {
    if (i++ < startAt) continue;
    if (replies.length >= limit) {
      cut = true;
      break;
    }
    replies.push(message(object));
  }
  if (!cut) {
    const buf = new NlBuffer(32);
    putNlDone(buf, r.seq, r.context.pid);
    replies.push(buf.data().slice());
  }
  return replies;
}
