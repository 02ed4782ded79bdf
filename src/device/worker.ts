// The worker transport: the datapath runs in a worker thread (the default
// home of the "kernel"), and this side's netlink sockets reach it with frames
// posted to the worker, batched per turn of the event loop because each
// postMessage costs tens of microseconds. The parent thread is the same
// process, so its connection holds the admin right unless told otherwise.

import { Worker, type MessagePort } from 'node:worker_threads';
import { FramedTransport } from './transport.js';

export interface WorkerDeviceData {
  /** Admin right of the parent's connection (default true). */
  admin?: boolean;
  upcallQueueLimit?: number;
  eventRingSize?: number;
  /** Also serve ovs-datapath.sock (and .ro.sock) in this directory, from the worker. */
  serveRundir?: string;
  /** URL of a module exporting setup(); see worker-main.ts. */
  hostModule?: string;
  hostData?: unknown;
  /** A port for the host module (transferred). */
  hostPort?: MessagePort;
}

export class WorkerTransport extends FramedTransport {
  /** Socket files the worker serves (when serveRundir was given). */
  paths: string[] = [];

  private constructor(readonly worker: Worker) {
    super();
    worker.on('message', (message: unknown) => {
      if (message instanceof Uint8Array) this.receiveFrame(message);
      // The worker could not read a frame of ours: a bug on this side; stop rather than guess.
      else if ((message as { type?: string }).type === 'framing-error') this.close();
    });
    worker.on('error', () => this.lost());
    worker.on('exit', () => this.lost());
  }

  /** Starts a datapath worker; rejects if its set-up fails. */
  static start(data: WorkerDeviceData = {}): Promise<WorkerTransport> {
    const worker = new Worker(new URL('./worker-main.js', import.meta.url), {
      workerData: data,
      transferList: data.hostPort === undefined ? [] : [data.hostPort],
    });
    const transport = new WorkerTransport(worker);
    return new Promise((resolve, reject) => {
      const onMessage = (message: { type?: string; paths?: string[]; message?: string }) => {
        if (message.type === 'ready') {
          worker.off('message', onMessage);
          transport.paths = message.paths ?? [];
          resolve(transport);
        } else if (message.type === 'failed') {
          worker.off('message', onMessage);
          void worker.terminate();
          reject(new Error(`datapath worker failed to start: ${message.message}`));
        }
      };
      worker.on('message', onMessage);
      worker.once('error', reject);
    });
  }

  /** Stops the datapath thread; pending requests fail with EPIPE. */
  async terminate(): Promise<void> {
    this.close();
    await this.worker.terminate();
  }

  protected sendFrame(frame: Uint8Array): void {
    this.worker.postMessage(frame, [frame.buffer as ArrayBuffer]);
  }

  protected shutdown(): void {
    // terminate() awaits the thread; close() alone lets it go in the background.
    void this.worker.terminate();
  }
}
