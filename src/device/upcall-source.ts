// A synthetic upcall source for the datapath worker: a host module
// (worker-main.ts) that, on command through its port, queues
// OVS_PACKET_CMD_MISS messages for a socket inside the worker, as the packet
// family does for real packets. Tests check order and loss with it and
// bench/device.bench.ts measures upcall throughput and round trips.

import type { MessagePort } from 'node:worker_threads';
import { NlBuffer } from '../netlink/buffer.js';
import { startOvsMessage } from '../netlink/message.js';
import * as O from '../netlink/openvswitch.js';
import type { DeviceKernel } from './kernel.js';

/** Family id the synthetic upcalls carry: the packet family's, once DatapathGenl has one. */
const PACKET_FAMILY_GUESS = 0x18;

/** Command to the source: queue `count` upcalls for socket `pid`, numbered from `first`. */
export interface UpcallBurst {
  pid: number;
  count: number;
  first: number;
  dpIfindex?: number;
  /** Bytes of packet per upcall (default 64). */
  packetSize?: number;
  /** Post back { queued, lost } (default true). */
  reply?: boolean;
}

/**
 * A MISS upcall for datapath `dpIfindex` (default 0) whose nlmsg_seq is
 * `serial` (so a reader can check order) and whose packet is `packetSize`
 * bytes (default 64).
 */
export function syntheticUpcall(
  kernel: DeviceKernel, upcall: { serial: number; dpIfindex?: number; packetSize?: number },
): Uint8Array {
  const { serial, dpIfindex = 0, packetSize = 64 } = upcall;
  const ids = kernel.genl.familyIds as unknown as Record<string, number | undefined>;
  const buf = new NlBuffer(packetSize + 64);
  const start = startOvsMessage(buf, {
    family: ids.packet ?? PACKET_FAMILY_GUESS, flags: 0, seq: serial, pid: 0,
    cmd: O.OVS_PACKET_CMD_MISS, version: O.OVS_PACKET_VERSION, dpIfindex,
  });
  buf.putAttrSpace(O.OVS_PACKET_ATTR_PACKET, packetSize);
  const key = buf.startNested(O.OVS_PACKET_ATTR_KEY);
  buf.putAttrU32(O.OVS_KEY_ATTR_IN_PORT, 1);
  buf.endNested(key);
  buf.endMessage(start);
  return buf.data().slice();
}

/** Queues the burst; answers with how many were queued and how many lost. */
export function runBurst(kernel: DeviceKernel, burst: UpcallBurst): { queued: number; lost: number } {
  let queued = 0;
  for (let i = 0; i < burst.count; i++) {
    const m = syntheticUpcall(kernel, { serial: burst.first + i, dpIfindex: burst.dpIfindex, packetSize: burst.packetSize });
    if (kernel.enqueueUpcall(burst.pid, m)) queued++;
  }
  return { queued, lost: burst.count - queued };
}

export function setup(context: { kernel: DeviceKernel; port: MessagePort | undefined }): void {
  const port = context.port;
  if (port === undefined) return;
  port.on('message', (burst: UpcallBurst) => {
    const result = runBurst(context.kernel, burst);
    if (burst.reply !== false) port.postMessage(result);
  });
}
