// A recording OpenFlow proxy for tests and corpus capture: listens on a unix
// socket, forwards every byte to a real switch's socket (ovs-vswitchd's
// <bridge>.mgmt) and back, and records each whole OpenFlow message with its
// direction. Pointing the real ovs-ofctl at it gives real request and reply
// bytes of every message type ovs-ofctl sends, for golden tests.

import { createConnection, createServer, type Server, type Socket } from 'node:net';

export interface RecordedMessage {
  /** "to-switch" for what the client sent, "to-client" for replies. */
  readonly direction: 'to-switch' | 'to-client';
  readonly bytes: Uint8Array;
}

export interface OfpProxy {
  readonly messages: RecordedMessage[];
  close(): Promise<void>;
}

/** Splits a byte stream into OpenFlow messages by their header length. */
class Framer {
  private pending = Buffer.alloc(0);
  constructor(private readonly onMessage: (bytes: Uint8Array) => void) {}
  push(chunk: Buffer): void {
    this.pending = Buffer.concat([this.pending, chunk]);
    while (this.pending.length >= 8) {
      const length = this.pending.readUInt16BE(2);
      if (length < 8 || this.pending.length < length) break;
      this.onMessage(new Uint8Array(this.pending.subarray(0, length)));
      this.pending = this.pending.subarray(length);
    }
  }
}

/** Starts a proxy on `listenPath` in front of the switch socket `switchPath`. */
export function startOfpProxy(listenPath: string, switchPath: string): Promise<OfpProxy> {
  const messages: RecordedMessage[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = createConnection(switchPath);
    sockets.add(client);
    sockets.add(upstream);
    const up = new Framer((bytes) => messages.push({ direction: 'to-switch', bytes }));
    const down = new Framer((bytes) => messages.push({ direction: 'to-client', bytes }));
    client.on('data', (chunk) => {
      up.push(chunk);
      upstream.write(chunk);
    });
    upstream.on('data', (chunk) => {
      down.push(chunk);
      client.write(chunk);
    });
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(listenPath, () => {
      resolve({
        messages,
        close: () =>
          new Promise((done) => {
            for (const s of sockets) s.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}
