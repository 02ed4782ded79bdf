// Userspace netlink sockets over the pseudo device (seed 004; the role of
// OVS's lib/netlink-socket.c), what dpif and dpctl talk to the datapath with.
// The device picks a socket's id; transact() is one round trip, one at a
// time per socket; dump() streams in batches, each telling the stateless
// datapath where to resume; recv()/recvWait()/wait() read the upcall and event
// queue; join() subscribes to a group; lookupFamily() asks nlctrl.

import { EAGAIN, EBADF, EINVAL, EPROTO } from '../lib/errno.js';
import { NlBuffer } from '../netlink/buffer.js';
import { type GenlFamilyInfo, parseFamily, putGetFamily } from '../netlink/genl-ctrl.js';
import { NLMSG_DONE, NLMSG_ERROR, NlMsgIter, nlErrorCode } from '../netlink/message.js';
import {
  ANSWER_F_DONE, type DeviceRecord, OP_CLOSE, OP_DUMP, OP_JOIN, OP_LEAVE, OP_OPEN, OP_READ, OP_TRANSACT, OP_WAIT,
  record,
} from './protocol.js';
import type { DeviceTransport } from './transport.js';

/** Messages a dump asks for per crossing unless told otherwise. */
export const DEFAULT_DUMP_BATCH = 256;
/** Messages recv() takes per crossing unless told otherwise (upcalls are handled 64 at a time). */
export const DEFAULT_RECV_BATCH = 64;

export interface NlTransactResult {
  /** 0, the errno of the NLMSG_ERROR answer, or a device errno (EBADF, EPIPE, EINVAL). */
  errno: number;
  /** The answer's messages, without the ack or error. */
  replies: Uint8Array[];
}

export interface NlRecvResult {
  /** 0; EAGAIN when nothing was queued; ENOBUFS once after multicast events were lost. */
  errno: number;
  messages: Uint8Array[];
}

/** The netlink messages in `data`, as views. */
export function splitMessages(data: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  const it = new NlMsgIter(data);
  while (it.next()) out.push(it.message());
  return out;
}

function call(transport: DeviceTransport, request: DeviceRecord): Promise<DeviceRecord> {
  return new Promise((resolve) => transport.submit(request, resolve));
}

export class NlSocket {
  private closed = false;
  /** Transactions waiting for the one in flight to finish. */
  private readonly queue: Array<() => void> = [];
  private busy = false;
  private pendingWait: Promise<number> | null = null;

  private constructor(readonly transport: DeviceTransport, readonly pid: number) {}

  /** Opens a socket; the device picks its id. An errno (EPIPE) if the device is gone. */
  static async open(transport: DeviceTransport): Promise<NlSocket | number> {
    const a = await call(transport, record(OP_OPEN, 0));
    return a.word0 !== 0 ? a.word0 : new NlSocket(transport, a.pid);
  }

  /** Sends one request and returns its answer. Transactions on one socket run one after another. */
  async transact(request: Uint8Array): Promise<NlTransactResult> {
    if (this.closed) return { errno: EBADF, replies: [] };
    if (this.busy) await this.acquire();
    else this.busy = true;
    try {
      return transactResult(await call(this.transport, record(OP_TRANSACT, this.pid, { data: request })));
    } finally {
      this.release();
    }
  }

  /**
   * Sends several requests in one crossing; they run in order, and the
   * socket takes no other transaction until all are answered.
   */
  async transactMultiple(requests: readonly Uint8Array[]): Promise<NlTransactResult[]> {
    if (this.closed) return requests.map(() => ({ errno: EBADF, replies: [] }));
    await this.acquire();
    try {
      const answers = await Promise.all(requests.map((r) => call(this.transport, record(OP_TRANSACT, this.pid, { data: r }))));
      return answers.map(transactResult);
    } finally {
      this.release();
    }
  }

  /**
   * Streams a dump (`request` has NLM_F_DUMP); see NlDump. A dump does not
   * hold the socket: the datapath keeps no dump state, so its batches may go
   * between transactions of the same socket without mixing their answers.
   */
  dump(request: Uint8Array, options: { batchSize?: number } = {}): NlDump {
    return new NlDump(this, request, options.batchSize ?? DEFAULT_DUMP_BATCH);
  }

  /** Takes up to `max` queued messages (events, then upcalls) without waiting. */
  async recv(max = DEFAULT_RECV_BATCH): Promise<NlRecvResult> {
    if (this.closed) return { errno: EBADF, messages: [] };
    const a = await call(this.transport, record(OP_READ, this.pid, { word0: max }));
    return { errno: a.word0, messages: a.word0 === 0 ? splitMessages(a.data) : [] };
  }

  /**
   * Resolves (with 0) once a message is queued for this socket: the one
   * pending read of seed 001. Calls while one is pending share it. EBADF
   * when the socket closes first.
   */
  wait(): Promise<number> {
    if (this.closed) return Promise.resolve(EBADF);
    if (this.pendingWait === null) {
      this.pendingWait = call(this.transport, record(OP_WAIT, this.pid)).then((a) => {
        this.pendingWait = null;
        return a.word0;
      });
    }
    return this.pendingWait;
  }

  /**
   * Waits until something is queued and returns it (up to `max` messages) in
   * the same crossing: the pending read completing with its data, what an
   * upcall handler loops on. errno EBADF when the socket closes first,
   * EBUSY while a wait() is pending (a socket has one pending read).
   */
  async recvWait(max = DEFAULT_RECV_BATCH): Promise<NlRecvResult> {
    for (;;) {
      if (this.closed) return { errno: EBADF, messages: [] };
      const a = await call(this.transport, record(OP_WAIT, this.pid, { word0: Math.max(1, max) }));
      // EAGAIN: another read on this socket took the messages first.
      if (a.word0 === EAGAIN) continue;
      return { errno: a.word0, messages: a.word0 === 0 ? splitMessages(a.data) : [] };
    }
  }

  /** Joins multicast group `group` (an id from lookupFamily()); ENOENT for an unknown group. */
  async join(group: number): Promise<number> {
    if (this.closed) return EBADF;
    return (await call(this.transport, record(OP_JOIN, this.pid, { word0: group }))).word0;
  }

  async leave(group: number): Promise<number> {
    if (this.closed) return EBADF;
    return (await call(this.transport, record(OP_LEAVE, this.pid, { word0: group }))).word0;
  }

  /** Closes the socket; what was queued for it is dropped, a pending wait() resolves EBADF. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await call(this.transport, record(OP_CLOSE, this.pid));
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** @internal One DUMP crossing, for NlDump. */
  dumpBatch(request: Uint8Array, start: number, limit: number): Promise<DeviceRecord> {
    if (this.closed) return Promise.resolve(record(OP_DUMP, this.pid, { word0: EBADF }));
    return call(this.transport, record(OP_DUMP, this.pid, { word0: start, word1: limit, data: request }));
  }

  private acquire(): Promise<void> {
    if (!this.busy) {
      this.busy = true;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.queue.push(resolve));
  }

  private release(): void {
    const next = this.queue.shift();
    if (next === undefined) this.busy = false;
    else next();
  }
}

function messageType(m: Uint8Array): number {
  return m[4] | (m[5] << 8);
}

function transactResult(a: DeviceRecord): NlTransactResult {
  if (a.word0 !== 0) return { errno: a.word0, replies: [] };
  const replies: Uint8Array[] = [];
  let errno = 0;
  const it = new NlMsgIter(a.data);
  while (it.next()) {
    if (it.type === NLMSG_ERROR) {
      const code = nlErrorCode(it.bytes, it.offset, it.end);
      if (code !== 0) errno = code;
    } else {
      replies.push(it.message());
    }
  }
  if (it.error !== 0) return { errno: EPROTO, replies: [] };
  return { errno, replies };
}

/**
 * A dump in progress: iterate with `for await`. Each crossing asks for
 * `batchSize` messages from position `position` (objects already seen); the
 * datapath keeps nothing between crossings, so the dump holds at most one
 * batch and a dump of any size streams. After the loop, `errno` is 0 when
 * the dump ran to NLMSG_DONE, else why it stopped (the NLMSG_ERROR's errno,
 * or a device errno). As with Linux, objects added or removed during a dump
 * may be missed or seen twice.
 */
export class NlDump implements AsyncIterable<Uint8Array> {
  errno = 0;
  /** Objects returned so far: where the next crossing resumes. */
  position = 0;
  /** Crossings made. */
  batches = 0;
  /** Most objects one crossing brought (at most the batch size): what the dump holds at once. */
  maxHeld = 0;

  constructor(private readonly socket: NlSocket, private readonly request: Uint8Array, readonly batchSize: number) {
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`dump batch size ${batchSize} is not a positive integer`);
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    for (;;) {
      const a = await this.socket.dumpBatch(this.request, this.position, this.batchSize);
      this.batches++;
      if (a.word0 !== 0) {
        this.errno = a.word0;
        return;
      }
      const messages = splitMessages(a.data);
      let objects = 0;
      for (const m of messages) if (messageType(m) !== NLMSG_DONE && messageType(m) !== NLMSG_ERROR) objects++;
      this.maxHeld = Math.max(this.maxHeld, objects);
      const end = this.position + objects;
      for (const m of messages) {
        const type = messageType(m);
        if (type === NLMSG_DONE) return;
        if (type === NLMSG_ERROR) {
          this.errno = nlErrorCode(m, 0, m.length) || EPROTO;
          return;
        }
        this.position++;
        yield m;
      }
      if ((a.flags & ANSWER_F_DONE) !== 0) return;
      // A cut batch with nothing in it cannot make progress.
      if (objects === 0) {
        this.errno = EPROTO;
        return;
      }
      if (a.word1 !== end) {
        this.errno = EINVAL;
        return;
      }
    }
  }

  /** Every remaining message (for small dumps and tests). */
  async all(): Promise<Uint8Array[]> {
    const out: Uint8Array[] = [];
    for await (const m of this) out.push(m);
    return out;
  }
}

const familyCaches = new WeakMap<DeviceTransport, Map<string, GenlFamilyInfo>>();

/**
 * Asks nlctrl about family `name` through `socket` (ENOENT when the datapath
 * does not serve it). Answers are cached per transport, as OVS caches
 * family ids for the life of the process.
 */
export async function lookupFamily(socket: NlSocket, name: string): Promise<GenlFamilyInfo | number> {
  let cache = familyCaches.get(socket.transport);
  const cached = cache?.get(name);
  if (cached !== undefined) return cached;
  const buf = new NlBuffer(64);
  putGetFamily(buf, name, { seq: 1, pid: socket.pid });
  const result = await socket.transact(buf.data().slice());
  if (result.errno !== 0) return result.errno;
  if (result.replies.length !== 1) return EPROTO;
  const reply = result.replies[0];
  const family = parseFamily(reply, 0, reply.length);
  if (typeof family === 'number') return family;
  if (cache === undefined) {
    cache = new Map();
    familyCaches.set(socket.transport, cache);
  }
  cache.set(name, family);
  return family;
}
