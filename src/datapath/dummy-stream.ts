// Two dummy ports joined over a socket, as netdev-dummy's `stream` and
// `pstream` options join them: what one port transmits the other receives,
// each frame preceded by its 2-byte big-endian length. `pstream` listens for
// any number of peers; `stream` connects, and reconnects every second while
// the peer is away. DatapathRegistry.setDummyOptions() creates one per port;
// dp-process.ts calls send() for each transmitted frame.

import type net from 'node:net';
import { EINVAL } from '../lib/errno.js';
import { ErrnoError } from '../lib/errors.js';
import { PassiveStream, parseActiveStream, parsePassiveStream, streamOpen } from '../lib/stream.js';

/** Wait before connecting again after a failed or lost connection. */
const RECONNECT_MS = 1000;
const ETH_HEADER_LEN = 14;
/** Frames queued per socket before send() drops (netdev-dummy's NETDEV_DUMMY_MAX_QUEUE). */
const MAX_QUEUED_BYTES = 100 * 65537;

export class DummyStream {
  /** Resolves when listening (pstream) or at the first connection attempt's end (stream): 0 or an errno. */
  readonly ready: Promise<number>;
  /** Frames send() dropped: no peer connected, or a peer not reading. */
  dropped = 0;
  /** Connections closed for a bad frame length (EPROTO). */
  protocolErrors = 0;
  private passive: PassiveStream | null = null;
  private readonly sockets = new Set<net.Socket>();
  private closed = false;
  private timer: NodeJS.Timeout | null = null;

  /**
   * Throws ErrnoError for a name that does not parse (EINVAL, EAFNOSUPPORT).
   * `onFrames` gets each chunk's complete frames, in order.
   */
  constructor(options: { stream?: string; pstream?: string }, private readonly onFrames: (frames: Uint8Array[]) => void) {
    if (options.pstream !== undefined) {
      parsePassiveStream(options.pstream);
      const name = options.pstream;
      this.ready = PassiveStream.open(name, (socket) => this.attach(socket)).then((p) => {
        if (this.closed) void p.close();
        else this.passive = p;
        return 0;
      }, (error: unknown) => (error instanceof ErrnoError ? error.errno : EINVAL));
    } else if (options.stream !== undefined) {
      parseActiveStream(options.stream);
      this.ready = this.connect(options.stream);
    } else {
      throw new ErrnoError(EINVAL, 'dummy stream: neither stream nor pstream given');
    }
  }

  /** Peers connected now. */
  get connections(): number {
    return this.sockets.size;
  }

  /** Sends `frame` to every connected peer (copied); counts a drop when there is none. */
  send(frame: Uint8Array): void {
    if (this.sockets.size === 0) {
      this.dropped++;
      return;
    }
    const message = new Uint8Array(2 + frame.length);
    message[0] = frame.length >>> 8;
    message[1] = frame.length;
    message.set(frame, 2);
    for (const socket of this.sockets) {
      if (socket.writableLength > MAX_QUEUED_BYTES) this.dropped++;
      else socket.write(message);
    }
  }

  close(): void {
    this.closed = true;
    if (this.timer !== null) clearTimeout(this.timer);
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    if (this.passive !== null) void this.passive.close();
  }

  private async connect(name: string): Promise<number> {
    try {
      const socket = await streamOpen(name);
      if (this.closed) socket.destroy();
      else this.attach(socket, () => this.retry(name));
      return 0;
    } catch (error) {
      this.retry(name);
      return error instanceof ErrnoError ? error.errno : EINVAL;
    }
  }

  private retry(name: string): void {
    if (this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.connect(name);
    }, RECONNECT_MS);
    this.timer.unref();
  }

  /** Reads length-prefixed frames from `socket` until it closes. */
  private attach(socket: net.Socket, onClose?: () => void): void {
    this.sockets.add(socket);
    let pending: Uint8Array = new Uint8Array(0);
    socket.on('data', (chunk: Buffer) => {
      let data: Uint8Array = pending.length === 0 ? new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length) : concat(pending, chunk);
      const frames: Uint8Array[] = [];
      let at = 0;
      while (data.length - at >= 2) {
        const length = (data[at] << 8) | data[at + 1];
        if (length < ETH_HEADER_LEN) {
          // A frame shorter than an Ethernet header: the peer speaks something else.
          this.protocolErrors++;
          socket.destroy();
          return;
        }
        if (data.length - at - 2 < length) break;
        frames.push(data.slice(at + 2, at + 2 + length));
        at += 2 + length;
      }
      data = data.slice(at);
      pending = data;
      if (frames.length > 0) this.onFrames(frames);
    });
    socket.on('error', () => { /* 'close' follows */ });
    socket.on('close', () => {
      this.sockets.delete(socket);
      onClose?.();
    });
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}


