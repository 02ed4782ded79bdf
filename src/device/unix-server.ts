// The pseudo device on a unix socket: whichever process or thread hosts the
// datapath serves `$OVS_RUNDIR/ovs-datapath.sock` (admin: mode 0600, so only
// its owner and root may connect) and `ovs-datapath.ro.sock` (mode 0666, read
// only: mutating commands get EPERM). `ovs-ts dpctl` and a restarted vswitchd
// connect here. Framing garbage closes that one connection; the others and
// the datapath carry on. docs/device.md describes the framing and the rights.

import net from 'node:net';
import { chmodSync, lstatSync, mkdtempSync, renameSync, rmdirSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { EADDRINUSE } from '../lib/errno.js';
import { ErrnoError } from '../lib/errors.js';
import { ovsRundir } from '../lib/dirs.js';
import { FramedEndpoint } from './endpoint.js';
import type { DeviceKernel } from './kernel.js';
import { FrameReader } from './protocol.js';

export const DEVICE_SOCKET_NAME = 'ovs-datapath.sock';
export const DEVICE_RO_SOCKET_NAME = 'ovs-datapath.ro.sock';
/** Mode of the admin socket: connecting needs write permission, so only the owner (and root). */
export const DEFAULT_ADMIN_MODE = 0o600;
/** Mode of the read-only socket: anyone may read the datapath's state. */
export const DEFAULT_READ_ONLY_MODE = 0o666;

export interface DeviceSocketServerOptions {
  /** Directory of the sockets; $OVS_RUNDIR (or its default) when absent. */
  rundir?: string;
  /** Mode of the admin socket (0o660 lets the file's group administer too). */
  adminMode?: number;
  /** Serve the read-only socket too (default true). */
  readOnly?: boolean;
}

export class DeviceSocketServer {
  private readonly servers: net.Server[] = [];
  private readonly connections = new Set<net.Socket>();
  readonly paths: string[] = [];
  /** Connections accepted, closed for framing garbage, closed for an exception behind the device; frames handled. */
  readonly stats = { connections: 0, framingErrors: 0, internalErrors: 0, frames: 0 };

  private constructor(readonly kernel: DeviceKernel) {}

  /** Listens on the admin socket (and the read-only one); throws ErrnoError if a live server holds the name. */
  static async listen(kernel: DeviceKernel, options: DeviceSocketServerOptions = {}): Promise<DeviceSocketServer> {
    const server = new DeviceSocketServer(kernel);
    const rundir = options.rundir ?? ovsRundir();
    try {
      await server.listenOne(join(rundir, DEVICE_SOCKET_NAME), options.adminMode ?? DEFAULT_ADMIN_MODE, true);
      if (options.readOnly ?? true) {
        await server.listenOne(join(rundir, DEVICE_RO_SOCKET_NAME), DEFAULT_READ_ONLY_MODE, false);
      }
    } catch (error) {
      await server.close();
      throw error;
    }
    return server;
  }

  /** Stops listening, drops every connection (their sockets close) and removes the socket files. */
  async close(): Promise<void> {
    for (const c of this.connections) c.destroy();
    await Promise.all(this.servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    this.servers.length = 0;
    for (const path of this.paths) {
      try {
        unlinkSync(path);
      } catch {
        // Already gone.
      }
    }
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  /**
   * Binds in a fresh private directory, sets the mode, then renames the
   * socket into place: nobody can connect before the mode is right.
   */
  private async listenOne(path: string, mode: number, admin: boolean): Promise<void> {
    await removeStale(path);
    const dir = mkdtempSync(join(path, '..', '.ovs-datapath-'));
    const temp = join(dir, 's');
    const server = net.createServer((c) => this.accept(c, admin));
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(temp, () => resolve());
      });
      chmodSync(temp, mode);
      renameSync(temp, path);
    } finally {
      rmdirSync(dir);
    }
    this.servers.push(server);
    this.paths.push(path);
  }

  private accept(c: net.Socket, admin: boolean): void {
    this.stats.connections++;
    this.connections.add(c);
    const reader = new FrameReader();
    const framed = new FramedEndpoint(this.kernel, {
      admin,
      send: (frame) => {
        if (c.destroyed) return;
        // A client that does not read its answers stops being read.
        if (!c.write(frame)) c.pause();
      },
    });
    c.on('drain', () => c.resume());
    c.on('data', (chunk: Buffer) => {
      const bytes = new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length);
      for (const frame of reader.push(bytes)) {
        let error;
        try {
          error = framed.receive(frame);
        } catch {
          // A bug behind the device, not the client's doing: drop this client, keep serving the others.
          this.stats.internalErrors++;
          c.destroy();
          return;
        }
        if (error !== null) return this.garbage(c);
        this.stats.frames++;
      }
      if (reader.error !== null) this.garbage(c);
    });
    c.on('error', () => c.destroy());
    c.on('close', () => {
      this.connections.delete(c);
      framed.close();
    });
  }

  private garbage(c: net.Socket): void {
    if (c.destroyed) return;
    this.stats.framingErrors++;
    c.destroy();
  }
}

/** Removes a socket file nobody listens on; EADDRINUSE if a server answers there. */
async function removeStale(path: string): Promise<void> {
  try {
    if (!lstatSync(path).isSocket()) throw new ErrnoError(EADDRINUSE, `${path}: exists and is not a socket`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  const live = await new Promise<boolean>((resolve) => {
    const probe = net.connect(path);
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
  if (live) throw new ErrnoError(EADDRINUSE, `${path}: a datapath already serves this socket`);
  unlinkSync(path);
}
