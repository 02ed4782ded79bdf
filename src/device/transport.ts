// Client side of the pseudo device: the DeviceTransport contract netlink
// sockets (netlink-socket.ts) are built on, the batching every frame-based
// transport shares (requests made in one turn of the event loop leave in one
// frame), and the in-process transport, which calls an endpoint directly and
// answers synchronously, so tests run deterministically. worker.ts and
// unix-client.ts carry the same records as frames.

import { EMSGSIZE, EPIPE } from '../lib/errno.js';
import { DeviceEndpoint } from './endpoint.js';
import type { DeviceKernel } from './kernel.js';
import {
  type DeviceRecord, decodeFrame, encodeFrames, FRAME_HEADER_SIZE, MAX_FRAME_SIZE, OP_ANSWER, recordSize,
} from './protocol.js';

/**
 * A connection to the pseudo device. submit() sends one request record (its
 * tag is overwritten); `done` runs exactly once with the answer, possibly
 * before submit() returns (in process). Once the connection is lost, every
 * pending and later request is answered with errno EPIPE; a request too
 * large for a frame (16 MiB) is answered EMSGSIZE at once.
 */
export interface DeviceTransport {
  submit(request: DeviceRecord, done: (answer: DeviceRecord) => void): void;
  close(): void;
  readonly closed: boolean;
}

/** The device in this process: requests go straight to an endpoint, answers come back synchronously. */
export class InProcessTransport implements DeviceTransport {
  private readonly endpoint: DeviceEndpoint;
  private readonly waiting = new Map<number, (answer: DeviceRecord) => void>();
  private nextTag = 1;
  closed = false;

  constructor(kernel: DeviceKernel, options: { admin?: boolean } = {}) {
    this.endpoint = new DeviceEndpoint(kernel, {
      admin: options.admin ?? true,
      deferred: (answer) => this.answer(answer()),
    });
  }

  submit(request: DeviceRecord, done: (answer: DeviceRecord) => void): void {
    if (this.closed) {
      done(failed(request, EPIPE));
      return;
    }
    request.tag = this.nextTag++ >>> 0;
    this.waiting.set(request.tag, done);
    for (const a of this.endpoint.handle([request])) this.answer(a);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.endpoint.close();
    for (const [tag, done] of this.waiting) done(failed({ op: 0, tag, pid: 0, flags: 0, word0: 0, word1: 0, data: EMPTY }, EPIPE));
    this.waiting.clear();
  }

  private answer(a: DeviceRecord): void {
    const done = this.waiting.get(a.tag);
    if (done === undefined) return;
    this.waiting.delete(a.tag);
    done(a);
  }
}

const EMPTY = new Uint8Array(0);

/** The answer a lost connection gives. */
export function failed(request: DeviceRecord, errno: number): DeviceRecord {
  return { op: request.op | OP_ANSWER, flags: 0, tag: request.tag, pid: request.pid, word0: errno, word1: 0, data: EMPTY };
}

/**
 * Shared by the worker and unix socket clients: tags requests, queues them
 * until the end of the current microtask checkpoint, sends the batch as
 * frames, and routes answer frames back.
 */
export abstract class FramedTransport implements DeviceTransport {
  private readonly waiting = new Map<number, (answer: DeviceRecord) => void>();
  private outgoing: DeviceRecord[] = [];
  private flushQueued = false;
  private nextTag = 1;
  closed = false;
  /** Frames sent and received, for tests and benchmarks. */
  readonly stats = { framesSent: 0, framesReceived: 0, recordsSent: 0 };

  submit(request: DeviceRecord, done: (answer: DeviceRecord) => void): void {
    if (this.closed) {
      done(failed(request, EPIPE));
      return;
    }
    // No frame could carry it; fail it here rather than in the flush.
    if (recordSize(request) + FRAME_HEADER_SIZE > MAX_FRAME_SIZE) {
      done(failed(request, EMSGSIZE));
      return;
    }
    request.tag = this.nextTag;
    this.nextTag = (this.nextTag + 1) >>> 0 || 1;
    this.waiting.set(request.tag, done);
    this.outgoing.push(request);
    if (!this.flushQueued) {
      this.flushQueued = true;
      queueMicrotask(() => this.flush());
    }
  }

  close(): void {
    if (this.closed) return;
    this.lost();
    this.shutdown();
  }

  /** Sends one frame (it owns its buffer). */
  protected abstract sendFrame(frame: Uint8Array): void;
  /** Releases the connection. */
  protected abstract shutdown(): void;

  /** An answer frame arrived. A malformed one means the device side is broken: the connection is dropped. */
  protected receiveFrame(frame: Uint8Array): void {
    this.stats.framesReceived++;
    const answers = decodeFrame(frame);
    if (typeof answers === 'string') {
      this.close();
      return;
    }
    for (const a of answers) {
      const done = this.waiting.get(a.tag);
      if (done === undefined) continue;
      this.waiting.delete(a.tag);
      done(a);
    }
  }

  /** The connection is gone: every pending request fails with EPIPE. */
  protected lost(): void {
    if (this.closed) return;
    this.closed = true;
    const waiting = [...this.waiting.entries()];
    this.waiting.clear();
    this.outgoing = [];
    for (const [tag, done] of waiting) {
      done({ op: OP_ANSWER, flags: 0, tag, pid: 0, word0: EPIPE, word1: 0, data: EMPTY });
    }
  }

  private flush(): void {
    this.flushQueued = false;
    if (this.closed || this.outgoing.length === 0) return;
    const batch = this.outgoing;
    this.outgoing = [];
    this.stats.recordsSent += batch.length;
    for (const frame of encodeFrames(batch)) {
      this.stats.framesSent++;
      this.sendFrame(frame);
    }
  }
}
