// Entry point of the datapath worker thread (worker.ts starts it): builds the
// kernel side of the pseudo device, answers the parent's request frames
// (one postMessage per frame each way, the buffer transferred, not copied),
// optionally serves the unix socket from this thread too, and loads a host
// module (a benchmark's upcall source, later the packet I/O) with the kernel.

import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { FramedEndpoint } from './endpoint.js';
import { DeviceKernel } from './kernel.js';
import { DeviceSocketServer } from './unix-server.js';
import type { WorkerDeviceData } from './worker.js';

/** What a host module exports: called once with the kernel before the worker reports ready. */
export interface WorkerHostModule {
  setup(context: { kernel: DeviceKernel; data: unknown; port: MessagePort | undefined }): void | Promise<void>;
}

async function main(): Promise<void> {
  const port = parentPort!;
  const data = workerData as WorkerDeviceData;
  const kernel = new DeviceKernel({ upcallQueueLimit: data.upcallQueueLimit, eventRingSize: data.eventRingSize });
  const framed = new FramedEndpoint(kernel, {
    admin: data.admin ?? true,
    send: (frame) => port.postMessage(frame, [frame.buffer as ArrayBuffer]),
  });
  port.on('message', (message: unknown) => {
    if (message instanceof Uint8Array) {
      const error = framed.receive(message);
      // The parent speaks the protocol itself; garbage here is a bug on that side.
      if (error !== null) port.postMessage({ type: 'framing-error', error });
    }
  });
  let server: DeviceSocketServer | undefined;
  if (data.serveRundir !== undefined) server = await DeviceSocketServer.listen(kernel, { rundir: data.serveRundir });
  if (data.hostModule !== undefined) {
    const host = (await import(data.hostModule)) as WorkerHostModule;
    await host.setup({ kernel, data: data.hostData, port: data.hostPort });
  }
  port.postMessage({ type: 'ready', paths: server?.paths ?? [] });
}

main().catch((error: unknown) => {
  parentPort!.postMessage({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
});
