// The kernel side of the pseudo device, what endpoint.ts calls in the process
// or thread hosting the datapath: DatapathGenl wrapped with what a kernel adds
// around it: nlctrl (family names to ids), socket ids assigned here (seed
// 001's OVS_GET_PID), one upcall queue per socket with one pending read,
// multicast over one event ring, the admin right passed into each request.
// Synchronous: transports add the async part.

import { EAGAIN, EBADF, EBUSY, EINVAL, ENOENT, EOPNOTSUPP } from '../lib/errno.js';
import { readU16, readU32 } from '../netlink/attr.js';
import { NlBuffer } from '../netlink/buffer.js';
import {
  CTRL_ATTR_FAMILY_ID, CTRL_ATTR_FAMILY_NAME, CTRL_CMD_GETFAMILY, CTRL_POLICY, CTRL_VERSION, GENL_CMD_CAP_DO,
  GENL_CMD_CAP_DUMP, GENL_CMD_CAP_HASPOL, GENL_ID_CTRL, GENL_UNS_ADMIN_PERM, type GenlFamilyInfo, putFamilyReply,
} from '../netlink/genl-ctrl.js';
import {
  GENL_HDRLEN, NLM_F_ACK, NLM_F_DUMP, NLM_F_ECHO, NLM_F_MULTI, NLM_F_REQUEST, NLMSG_DONE, NLMSG_ERROR,
  NLMSG_HDRLEN, NLMSG_MIN_TYPE, OVS_HEADER_LEN, genlCmd, ovsDpIfindex, putNlDone, putNlError,
} from '../netlink/message.js';
import { OVS_FAMILIES } from '../netlink/ovs-policy.js';
import { AttrIndex } from '../netlink/policy.js';
import { DatapathGenl } from '../datapath/genl.js';
import { UpcallQueues } from '../datapath/upcall-queue.js';
import { EventCursor, EventRing } from './multicast.js';

/** Most messages one DUMP answer holds, whatever the client asks. */
export const MAX_DUMP_BATCH = 1024;
/** Most messages one READ answer holds (upcalls are handled 64 at a time). */
export const MAX_READ_BATCH = 256;
/**
 * Bytes after which a READ or DUMP answer takes no more messages (a READ
 * may pass it by 32 upcalls, a DUMP by one message), so that an answer
 * always fits one frame.
 */
export const ANSWER_BYTE_BUDGET = 4 * 1024 * 1024;

/** nlctrl's own multicast group ("notify"); Linux numbers it like nlctrl's family id. */
const CTRL_NOTIFY_GROUP = GENL_ID_CTRL;

/**
 * Keys of DatapathGenl.familyIds, by family name (the spellings it may use).
 * A family with no key there is not served yet, and nlctrl says ENOENT.
 */
const FAMILY_KEYS: Readonly<Record<string, readonly string[]>> = {
  ovs_datapath: ['datapath'], ovs_vport: ['vport'], ovs_flow: ['flow'], ovs_packet: ['packet'],
  ovs_meter: ['meter'], ovs_ct_limit: ['ctLimit', 'ct_limit', 'ctlimit'],
};

/** Who sends a request: the socket and whether its connection holds the admin right. */
export interface KernelCaller {
  readonly pid: number;
  readonly admin: boolean;
}

/** Outcome of TRANSACT and DUMP: a device-level errno (0: the messages are the answer) and the messages. */
export interface KernelAnswer {
  errno: number;
  messages: Uint8Array[];
}

export interface DumpAnswer extends KernelAnswer {
  /** Position to resume from: objects returned so far. */
  next: number;
  /** NLMSG_DONE or NLMSG_ERROR ended the dump. */
  done: boolean;
}

/**
 * Upcall queues that refuse socket ids nobody holds, so an upcall to a closed
 * or never-opened socket is lost (and counted), as Linux's send to a missing
 * port id fails, instead of waiting in a queue nobody reads.
 */
class SocketUpcallQueues extends UpcallQueues {
  constructor(limit: number | undefined, private readonly isOpen: (pid: number) => boolean) {
    super(limit);
  }

  override enqueue(pid: number, message: Uint8Array): boolean {
    return this.isOpen(pid) && super.enqueue(pid, message);
  }
}

/** A socket as the kernel sees it. */
class KernelSocket {
  readonly events: EventCursor;
  /** The one pending read: called once when something is queued. */
  waiter: (() => void) | null = null;

  constructor(readonly pid: number, ring: EventRing) {
    this.events = ring.newCursor();
  }
}

export interface DeviceKernelOptions {
  genl?: DatapathGenl;
  /** Upcalls a socket's queue holds before they are lost. */
  upcallQueueLimit?: number;
  /** Events the multicast ring keeps. */
  eventRingSize?: number;
  /** Bytes after which READ and DUMP answers stop taking messages (ANSWER_BYTE_BUDGET). */
  answerByteBudget?: number;
}

export class DeviceKernel {
  readonly genl: DatapathGenl;
  /**
   * Per-socket upcall queues: DatapathGenl's own when it has them (the packet
   * family fills them), which are these when the kernel made the DatapathGenl.
   */
  readonly upcalls: UpcallQueues;
  /** What nlctrl answers: nlctrl itself and every OVS family the datapath serves. */
  readonly families: readonly GenlFamilyInfo[];
  private readonly groupIds = new Set<number>();
  private readonly ring: EventRing;
  private readonly sockets = new Map<number, KernelSocket>();
  private nextPid = 1;
  private readonly answerByteBudget: number;
  /** Counters for `ovs-appctl` and tests. */
  readonly stats = { transactions: 0, dumpBatches: 0, reads: 0, upcallsLost: 0, badRequests: 0 };

  constructor(options: DeviceKernelOptions = {}) {
    const upcalls = new SocketUpcallQueues(options.upcallQueueLimit, (pid) => this.sockets.has(pid));
    // DatapathGenl takes `upcalls` once the packet family is in; before, the option is ignored.
    this.genl = options.genl ?? new DatapathGenl({ upcalls } as unknown as ConstructorParameters<typeof DatapathGenl>[0]);
    this.upcalls = (this.genl as { upcalls?: UpcallQueues }).upcalls ?? upcalls;
    this.ring = new EventRing(options.eventRingSize);
    this.answerByteBudget = options.answerByteBudget ?? ANSWER_BYTE_BUDGET;
    this.families = buildFamilies(this.genl);
    for (const f of this.families) for (const g of f.mcastGroups) this.groupIds.add(g.id);
    this.upcalls.onArrival = (pid) => this.signal(pid);
  }

  // --- Sockets ---------------------------------------------------------------

  /** Opens a socket and returns its id (never 0, unique among open sockets). */
  open(): number {
    let pid = this.nextPid;
    while (this.sockets.has(pid)) pid = pid >= 0x7fffffff ? 1 : pid + 1;
    this.nextPid = pid >= 0x7fffffff ? 1 : pid + 1;
    this.sockets.set(pid, new KernelSocket(pid, this.ring));
    return pid;
  }

  /** Closes socket `pid`: drops its queue and memberships; a pending read is left uncalled. EBADF if not open. */
  close(pid: number): number {
    if (!this.sockets.delete(pid)) return EBADF;
    this.upcalls.drop(pid);
    return 0;
  }

  isOpen(pid: number): boolean {
    return this.sockets.has(pid);
  }

  get openSockets(): number {
    return this.sockets.size;
  }

  // --- Transactions and dumps -------------------------------------------------

  /**
   * Answers one netlink request from socket `pid`. `message` must be exactly
   * one netlink message (EINVAL otherwise: Linux would drop it silently, a
   * one-call transaction can say so). Messages that are not requests, and
   * control types, get only the ack they asked for, as in Linux.
   */
  transact(caller: KernelCaller, message: Uint8Array): KernelAnswer {
    const { pid, admin } = caller;
    if (!this.sockets.has(pid)) return { errno: EBADF, messages: [] };
    const check = checkOneMessage(message);
    if (check !== 0) return this.bad(check);
    const flags = readU16(message, 6);
    if ((flags & NLM_F_DUMP) === NLM_F_DUMP && (flags & NLM_F_REQUEST) !== 0) {
      // A dump goes through DUMP, which carries its resume position (and no
      // NEW request means anything by REPLACE | EXCL, the same bits).
      return this.bad(EINVAL);
    }
    this.stats.transactions++;
    const type = readU16(message, 4);
    if ((flags & NLM_F_REQUEST) === 0 || type < NLMSG_MIN_TYPE) {
      return { errno: 0, messages: (flags & NLM_F_ACK) !== 0 ? [errorMessage(0, message, pid)] : [] };
    }
    if (type === GENL_ID_CTRL) return { errno: 0, messages: this.controller(pid, message, 0, Infinity) };
    this.collectEvents(0);
    const messages = this.genl.handleRequest(message, { pid, admin });
    this.collectEvents((flags & NLM_F_ECHO) !== 0 ? pid : 0);
    return { errno: 0, messages };
  }

  /** One batch of a dump: skips `start` objects, returns at most `limit` messages (capped by MAX_DUMP_BATCH). */
  dump(caller: KernelCaller, message: Uint8Array, position: { start: number; limit: number }): DumpAnswer {
    const { pid, admin } = caller;
    const { start, limit } = position;
    if (!this.sockets.has(pid)) return { errno: EBADF, messages: [], next: start, done: true };
    const check = checkOneMessage(message);
    if (check !== 0 || (readU16(message, 6) & (NLM_F_DUMP | NLM_F_REQUEST)) !== (NLM_F_DUMP | NLM_F_REQUEST)) {
      this.stats.badRequests++;
      return { errno: check || EINVAL, messages: [], next: start, done: true };
    }
    this.stats.dumpBatches++;
    const cap = Math.max(1, Math.min(limit, MAX_DUMP_BATCH));
    const messages = readU16(message, 4) === GENL_ID_CTRL
      ? this.controller(pid, message, start, cap)
      : this.genl.handleRequest(message, { pid, admin, dumpStart: start, dumpLimit: cap });
    let objects = 0;
    let done = false;
    let size = 0;
    for (let i = 0; i < messages.length; i++) {
      const m = messages[i];
      const type = readU16(m, 4);
      if (type === NLMSG_DONE || type === NLMSG_ERROR) {
        done = true;
      } else if (size >= this.answerByteBudget) {
        // Over budget: the rest comes again in the next batch (the datapath keeps nothing).
        messages.length = i;
        break;
      } else {
        objects++;
      }
      size += m.length;
    }
    // No message at all: the request was not answered (Linux drops it); nothing more will come.
    if (messages.length === 0) done = true;
    return { errno: 0, messages, next: start + objects, done };
  }

  // --- Reads, the pending read, multicast ------------------------------------------

  /**
   * Takes up to `max` queued messages of socket `pid`: multicast events
   * first, then upcalls, each in arrival order. errno EAGAIN when nothing is
   * queued, ENOBUFS once after events were lost.
   */
  read(pid: number, max: number): KernelAnswer {
    const socket = this.sockets.get(pid);
    if (socket === undefined) return { errno: EBADF, messages: [] };
    this.stats.reads++;
    this.collectEvents(0);
    const cap = Math.max(1, Math.min(max, MAX_READ_BATCH));
    const messages: Uint8Array[] = [];
    const overrun = this.ring.read(socket.events, pid, cap, messages);
    if (overrun !== 0) return { errno: overrun, messages: [] };
    let size = 0;
    for (const m of messages) size += m.length;
    // In chunks of 32, to stop near the byte budget (upcalls carry whole packets of up to 64 KiB).
    while (messages.length < cap && size < this.answerByteBudget) {
      const taken = this.upcalls.take(pid, Math.min(cap - messages.length, 32));
      if (taken.length === 0) break;
      for (const m of taken) {
        messages.push(m);
        size += m.length;
      }
    }
    return { errno: messages.length === 0 ? EAGAIN : 0, messages };
  }

  /**
   * Arms the one pending read of socket `pid`: `callback` runs once, now if
   * something is already queued, else when something arrives. EBUSY if a
   * read is already pending, EBADF if the socket is not open.
   */
  wait(pid: number, callback: () => void): number {
    const socket = this.sockets.get(pid);
    if (socket === undefined) return EBADF;
    if (socket.waiter !== null) return EBUSY;
    this.collectEvents(0);
    if (this.upcalls.size(pid) > 0 || this.ring.pending(socket.events, pid)) {
      callback();
      return 0;
    }
    socket.waiter = callback;
    return 0;
  }

  /** Drops the pending read of `pid` without calling it (the socket's connection went away). */
  cancelWait(pid: number): void {
    const socket = this.sockets.get(pid);
    if (socket !== undefined) socket.waiter = null;
  }

  /** Adds socket `pid` to multicast group `group`; ENOENT for a group nobody registered. */
  join(pid: number, group: number): number {
    const socket = this.sockets.get(pid);
    if (socket === undefined) return EBADF;
    if (!this.groupIds.has(group)) return ENOENT;
    this.collectEvents(0);
    if (!socket.events.groups.has(group)) {
      if (socket.events.groups.size === 0) socket.events.next = this.ring.now();
      socket.events.groups.set(group, this.ring.now());
    }
    return 0;
  }

  leave(pid: number, group: number): number {
    const socket = this.sockets.get(pid);
    if (socket === undefined) return EBADF;
    if (!this.groupIds.has(group)) return ENOENT;
    socket.events.groups.delete(group);
    return 0;
  }

  /**
   * Queues an upcall message for socket `pid`; false when the queue is full
   * or no such socket is open, and then it is counted lost on the datapath named by the message's
   * ovs_header (its `lost` statistic), as Linux counts a failed upcall.
   * The packet family does this itself once it exists; tests and benchmarks
   * use this to stand in for packets.
   */
  enqueueUpcall(pid: number, message: Uint8Array): boolean {
    // A socket id nobody holds loses the upcall, as Linux's send to a missing port id does.
    if (this.sockets.has(pid) && this.upcalls.enqueue(pid, message)) return true;
    this.stats.upcallsLost++;
    if (message.length >= NLMSG_HDRLEN + GENL_HDRLEN + OVS_HEADER_LEN) {
      const dp = this.genl.registry.byDpIfindex(ovsDpIfindex(message, 0));
      if (dp !== undefined) dp.lost++;
    }
    return false;
  }

  /**
   * Moves the datapath's pending notifications into the event ring and wakes
   * the members' pending reads. Transactions call it; a host that makes the
   * datapath change on its own (a port going down) calls it after.
   */
  collectEvents(exclude: number): void {
    const events = this.genl.takeEvents();
    if (events.length === 0) return;
    for (const m of events) this.ring.push(readU16(m, 4), exclude, m);
    for (const socket of this.sockets.values()) {
      if (socket.waiter !== null && this.ring.pending(socket.events, socket.pid)) this.signal(socket.pid);
    }
  }

  private signal(pid: number): void {
    const socket = this.sockets.get(pid);
    if (socket === undefined || socket.waiter === null) return;
    const waiter = socket.waiter;
    socket.waiter = null;
    waiter();
  }

  private bad(errno: number): KernelAnswer {
    this.stats.badRequests++;
    return { errno, messages: [] };
  }

  // --- nlctrl -----------------------------------------------------------------

  /** CTRL_CMD_GETFAMILY by name or id, or as a dump; other nlctrl commands are EOPNOTSUPP. */
  private controller(pid: number, message: Uint8Array, start: number, limit: number): Uint8Array[] {
    const flags = readU16(message, 6);
    const seq = readU32(message, 8);
    if (message.length < NLMSG_HDRLEN + GENL_HDRLEN) return [errorMessage(EINVAL, message, pid)];
    if (genlCmd(message, 0) !== CTRL_CMD_GETFAMILY) return [errorMessage(EOPNOTSUPP, message, pid)];
    const attrs = new AttrIndex(CTRL_POLICY.maxType);
    const error = CTRL_POLICY.parseInto(message, NLMSG_HDRLEN + GENL_HDRLEN, message.length, attrs);
    if (error !== 0) return [errorMessage(error, message, pid)];
    const buf = new NlBuffer(512);
    if ((flags & NLM_F_DUMP) === NLM_F_DUMP) {
      const replies: Uint8Array[] = [];
      let i = start;
      for (; i < this.families.length && replies.length < limit; i++) {
        buf.reset();
        putFamilyReply(buf, this.families[i], { seq, pid, flags: NLM_F_MULTI });
        replies.push(buf.data().slice());
      }
      if (i >= this.families.length) {
        buf.reset();
        putNlDone(buf, seq, pid);
        replies.push(buf.data().slice());
      }
      return replies;
    }
    let family: GenlFamilyInfo | undefined;
    if (attrs.has(CTRL_ATTR_FAMILY_ID)) family = this.families.find((f) => f.id === attrs.u16(CTRL_ATTR_FAMILY_ID));
    else if (attrs.has(CTRL_ATTR_FAMILY_NAME)) family = this.families.find((f) => f.name === attrs.string(CTRL_ATTR_FAMILY_NAME));
    else return [errorMessage(EINVAL, message, pid)];
    if (family === undefined) return [errorMessage(ENOENT, message, pid)];
    putFamilyReply(buf, family, { seq, pid });
    const replies: Uint8Array[] = [buf.data().slice()];
    if ((flags & NLM_F_ACK) !== 0) replies.push(errorMessage(0, message, pid));
    return replies;
  }
}

/** 0 when `message` is exactly one netlink message (padding aside), else EINVAL. */
function checkOneMessage(message: Uint8Array): number {
  if (message.length < NLMSG_HDRLEN) return EINVAL;
  const len = readU32(message, 0);
  if (len < NLMSG_HDRLEN || len > message.length || ((len + 3) & ~3) < message.length) return EINVAL;
  return 0;
}

function buildFamilies(genl: DatapathGenl): GenlFamilyInfo[] {
  const ids = genl.familyIds as unknown as Record<string, number | undefined>;
  const families: GenlFamilyInfo[] = [{
    id: GENL_ID_CTRL, name: 'nlctrl', version: CTRL_VERSION, hdrSize: 0, maxAttr: CTRL_POLICY.maxType,
    ops: [{ id: CTRL_CMD_GETFAMILY, flags: GENL_CMD_CAP_DO | GENL_CMD_CAP_DUMP | GENL_CMD_CAP_HASPOL }],
    mcastGroups: [{ name: 'notify', id: CTRL_NOTIFY_GROUP }],
  }];
  for (const f of OVS_FAMILIES) {
    const id = FAMILY_KEYS[f.name]?.map((key) => ids[key]).find((value) => value !== undefined);
    if (id === undefined) continue;
    const ops = Object.values(f.commands).sort((a, b) => a - b).map((cmd) => ({
      id: cmd,
      flags: GENL_CMD_CAP_DO | GENL_CMD_CAP_HASPOL
        | (f.dumpCommands.includes(cmd) ? GENL_CMD_CAP_DUMP : 0)
        | (f.adminCommands.includes(cmd) ? GENL_UNS_ADMIN_PERM : 0),
    }));
    // One group per family, numbered like the family (unique, and stable across restarts).
    const mcastGroups = f.mcgroup === undefined ? [] : [{ name: f.mcgroup, id }];
    families.push({ id, name: f.name, version: f.version, hdrSize: OVS_HEADER_LEN, maxAttr: f.maxAttr, ops, mcastGroups });
  }
  return families;
}

/** NLMSG_ERROR addressed to socket `pid`. */
function errorMessage(errno: number, request: Uint8Array, pid: number): Uint8Array {
  const buf = new NlBuffer(request.length + NLMSG_HDRLEN + 4);
  putNlError(buf, errno, request, { pid });
  return buf.data().slice();
}
