// One connection to the pseudo device, on the datapath's side: turns request
// records (protocol.ts) into calls on the kernel (kernel.ts) and answer
// records. Every transport makes one endpoint per client connection and
// says whether that connection holds the admin right. The endpoint owns the
// sockets its client opened: another connection cannot touch them (EBADF),
// and they close when the connection does.

import { EBADF, EINVAL, EMFILE, EMSGSIZE, EOPNOTSUPP } from '../lib/errno.js';
import type { DeviceKernel } from './kernel.js';
import {
  ANSWER_F_DONE, type DeviceRecord, decodeFrame, encodeFrames, FRAME_HEADER_SIZE, type FramingError, MAX_FRAME_SIZE, OP_ANSWER, OP_CLOSE, OP_DUMP, OP_JOIN, OP_LEAVE, OP_OPEN, OP_READ, OP_TRANSACT,
  OP_WAIT, record, recordSize,
} from './protocol.js';

/** Sockets one connection may hold open (a process's file limit plays this role in Linux). */
export const MAX_SOCKETS_PER_CONNECTION = 4096;

export interface EndpointOptions {
  /** Whether mutating commands are allowed on this connection (GENL_UNS_ADMIN_PERM). */
  admin: boolean;
  /**
   * Receives answers that come later than their request (completed WAITs),
   * as a function that builds the answer: the transport calls it when it
   * sends, so a pending read that carries messages takes all that arrived.
   */
  deferred: (answer: () => DeviceRecord) => void;
}

export class DeviceEndpoint {
  readonly admin: boolean;
  private readonly owned = new Set<number>();
  /** Tags of unanswered WAITs, by socket id. */
  private readonly waits = new Map<number, number>();
  private readonly deferred: (answer: () => DeviceRecord) => void;
  private closed = false;

  constructor(readonly kernel: DeviceKernel, options: EndpointOptions) {
    this.admin = options.admin;
    this.deferred = options.deferred;
  }

  /** Answers `requests` in order; a WAIT that is not yet satisfied is answered later through `deferred`. */
  handle(requests: readonly DeviceRecord[]): DeviceRecord[] {
    const answers: DeviceRecord[] = [];
    for (const r of requests) {
      const answer = this.handleOne(r);
      if (answer !== null) answers.push(fitFrame(answer));
    }
    return answers;
  }

  /** Closes every socket the client opened. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const pid of this.owned) {
      this.kernel.cancelWait(pid);
      this.kernel.close(pid);
    }
    this.waits.clear();
    this.owned.clear();
  }

  get socketCount(): number {
    return this.owned.size;
  }

  /** A socket closing completes its pending read with EBADF (before the CLOSE answer). */
  private cancelWait(pid: number): void {
    const tag = this.waits.get(pid);
    if (tag === undefined) return;
    this.waits.delete(pid);
    this.kernel.cancelWait(pid);
    this.deferred(() => record(OP_WAIT | OP_ANSWER, pid, { tag, word0: EBADF }));
  }

  private handleOne(r: DeviceRecord): DeviceRecord | null {
    const op = r.op;
    const answer = (errno: number, options: { word1?: number; data?: Uint8Array; flags?: number; pid?: number } = {}) =>
      record(op | OP_ANSWER, options.pid ?? r.pid, { tag: r.tag, word0: errno, ...options });
    if (this.closed) return answer(EBADF);
    if (r.flags !== 0) return answer(EINVAL);
    if (op === OP_OPEN) {
      if (this.owned.size >= MAX_SOCKETS_PER_CONNECTION) return answer(EMFILE);
      const pid = this.kernel.open();
      this.owned.add(pid);
      return answer(0, { pid });
    }
    if (op < OP_OPEN || op > OP_LEAVE) return answer(EOPNOTSUPP);
    if (!this.owned.has(r.pid)) return answer(EBADF);
    const k = this.kernel;
    switch (op) {
      case OP_CLOSE:
        this.owned.delete(r.pid);
        this.cancelWait(r.pid);
        return answer(k.close(r.pid));
      case OP_TRANSACT: {
        const a = k.transact({ pid: r.pid, admin: this.admin }, r.data);
        return answer(a.errno, { data: concat(a.messages) });
      }
      case OP_DUMP: {
        const a = k.dump({ pid: r.pid, admin: this.admin }, r.data, { start: r.word0, limit: r.word1 });
        return answer(a.errno, { word1: a.next, data: concat(a.messages), flags: a.done ? ANSWER_F_DONE : 0 });
      }
      case OP_READ: {
        const a = k.read(r.pid, r.word0);
        return answer(a.errno, { word1: a.messages.length, data: concat(a.messages) });
      }
      case OP_WAIT: {
        // word0 > 0: the pending read completes with up to that many messages.
        const complete = () => {
          if (r.word0 === 0 || !k.isOpen(r.pid)) return answer(k.isOpen(r.pid) ? 0 : EBADF);
          const a = k.read(r.pid, r.word0);
          return answer(a.errno, { word1: a.messages.length, data: concat(a.messages) });
        };
        let now = true;
        let fired = false;
        const errno = k.wait(r.pid, () => {
          fired = true;
          this.waits.delete(r.pid);
          if (!now && !this.closed) this.deferred(() => fitFrame(complete()));
        });
        now = false;
        if (errno !== 0) return answer(errno);
        if (fired) return fitFrame(complete());
        this.waits.set(r.pid, r.tag);
        return null;
      }
      case OP_JOIN:
        return answer(k.join(r.pid, r.word0));
      default:
        return answer(k.leave(r.pid, r.word0));
    }
  }
}

/**
 * An answer too large for any frame (one reply of over 16 MiB, which the
 * datapath's own limits should make impossible) becomes EMSGSIZE rather
 * than taking the server down.
 */
function fitFrame(answer: DeviceRecord): DeviceRecord {
  if (recordSize(answer) + FRAME_HEADER_SIZE <= MAX_FRAME_SIZE) return answer;
  return { ...answer, word0: EMSGSIZE, word1: 0, flags: 0, data: new Uint8Array(0) };
}

/** Netlink messages back to back, each padded to 4 bytes, as one receive returns them. */
export function concat(messages: readonly Uint8Array[]): Uint8Array {
  if (messages.length === 1 && messages[0].length % 4 === 0) return messages[0];
  let size = 0;
  for (const m of messages) size += (m.length + 3) & ~3;
  const out = new Uint8Array(size);
  let o = 0;
  for (const m of messages) {
    out.set(m, o);
    o += (m.length + 3) & ~3;
  }
  return out;
}

/**
 * An endpoint behind a frame transport (worker, unix socket): decodes
 * request frames, answers each with frames, and sends completed WAITs
 * gathered over one microtask checkpoint in one frame.
 */
export class FramedEndpoint {
  readonly endpoint: DeviceEndpoint;
  private deferredAnswers: Array<() => DeviceRecord> = [];
  private flushQueued = false;
  /** Frames and records handled, for tests and benchmarks. */
  readonly stats = { frames: 0, records: 0 };

  constructor(kernel: DeviceKernel, private readonly options: { admin: boolean; send: (frame: Uint8Array) => void }) {
    this.endpoint = new DeviceEndpoint(kernel, { admin: options.admin, deferred: (a) => this.defer(a) });
  }

  /** Handles one whole frame; a FramingError means the connection must be closed (nothing was done). */
  receive(frame: Uint8Array): FramingError | null {
    const requests = decodeFrame(frame);
    if (typeof requests === 'string') return requests;
    this.stats.frames++;
    this.stats.records += requests.length;
    const answers = this.endpoint.handle(requests);
    if (answers.length > 0) for (const f of encodeFrames(answers)) this.options.send(f);
    return null;
  }

  close(): void {
    this.endpoint.close();
    this.deferredAnswers = [];
  }

  private defer(answer: () => DeviceRecord): void {
    this.deferredAnswers.push(answer);
    if (this.flushQueued) return;
    this.flushQueued = true;
    queueMicrotask(() => {
      this.flushQueued = false;
      const answers = this.deferredAnswers.map((build) => build());
      this.deferredAnswers = [];
      if (answers.length > 0) for (const f of encodeFrames(answers)) this.options.send(f);
    });
  }
}
