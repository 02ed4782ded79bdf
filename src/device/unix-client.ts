// Client of the pseudo device's unix socket (unix-server.ts): `ovs-ts dpctl`
// and a vswitchd whose datapath lives in another process connect here. The
// records of protocol.ts travel as frames; requests made in one turn of the
// event loop share a frame.

import net from 'node:net';
import { join } from 'node:path';
import { EIO, errnoFromName } from '../lib/errno.js';
import { ovsRundir } from '../lib/dirs.js';
import { FrameReader } from './protocol.js';
import { FramedTransport } from './transport.js';
import { DEVICE_SOCKET_NAME } from './unix-server.js';

/** `$OVS_RUNDIR/ovs-datapath.sock`. */
export function defaultDevicePath(): string {
  return join(ovsRundir(), DEVICE_SOCKET_NAME);
}

export class UnixTransport extends FramedTransport {
  private readonly reader = new FrameReader();

  private constructor(private readonly socket: net.Socket) {
    super();
    socket.on('data', (chunk: Buffer) => {
      for (const frame of this.reader.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length))) {
        this.receiveFrame(frame);
      }
      if (this.reader.error !== null) this.close();
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => this.lost());
  }

  /** Connects to the device socket at `path`; an errno (ENOENT, ECONNREFUSED, EACCES) when that fails. */
  static connect(path = defaultDevicePath()): Promise<UnixTransport | number> {
    return new Promise((resolve) => {
      const socket = net.connect(path);
      socket.once('connect', () => resolve(new UnixTransport(socket)));
      socket.once('error', (error: NodeJS.ErrnoException) => {
        socket.destroy();
        resolve(errnoFromName(error.code ?? '') ?? EIO);
      });
    });
  }

  /** Lets the process exit while connected (Node's socket.unref()); ref() undoes it. */
  unref(): void {
    this.socket.unref();
  }

  ref(): void {
    this.socket.ref();
  }

  protected sendFrame(frame: Uint8Array): void {
    if (!this.socket.destroyed) this.socket.write(frame);
  }

  protected shutdown(): void {
    this.socket.destroy();
  }
}
