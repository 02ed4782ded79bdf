// The pseudo device (src/device): upcalls per second and the upcall round
// trip through the worker transport, the datapath in a worker thread with a
// synthetic upcall source queuing MISS messages there (target 100,000
// upcalls/s on a 2-core machine); and netlink transactions per second over
// each transport, one at a time and 16 sockets at once (batched frames).

import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { NlBuffer } from '../src/netlink/buffer.js';
import { NLM_F_ACK, NLM_F_REQUEST, startOvsMessage } from '../src/netlink/message.js';
import * as O from '../src/netlink/openvswitch.js';
import { DEFAULT_FAMILY_IDS } from '../src/datapath/genl.js';
import { DeviceKernel } from '../src/device/kernel.js';
import { NlSocket } from '../src/device/netlink-socket.js';
import { type DeviceTransport, InProcessTransport } from '../src/device/transport.js';
import { UnixTransport } from '../src/device/unix-client.js';
import type { UpcallBurst } from '../src/device/upcall-source.js';
import { WorkerTransport } from '../src/device/worker.js';
import type { Benchmark, ExternalResult } from './run.js';

const HANDLERS = 4;
const UPCALLS_PER_HANDLER = 1024;
const CONCURRENT_SOCKETS = 16;
const DP_IFINDEX = 100;

function ovsMessage(family: number, cmd: number, flags: number, attrs: (b: NlBuffer) => void): Uint8Array {
  const buf = new NlBuffer(64);
  const start = startOvsMessage(buf, { family, flags: NLM_F_REQUEST | flags, seq: 1, pid: 0, cmd, version: 1, dpIfindex: DP_IFINDEX });
  attrs(buf);
  buf.endMessage(start);
  return buf.data().slice();
}

const NEW_DP = ovsMessage(DEFAULT_FAMILY_IDS.datapath, O.OVS_DP_CMD_NEW, NLM_F_ACK, (b) => {
  b.putAttrString(O.OVS_DP_ATTR_NAME, 'bench0');
  b.putAttrU32(O.OVS_DP_ATTR_UPCALL_PID, 0);
});
/** What each transaction benchmark sends: `ovs-dpctl show`'s first question. */
const GET_DP = ovsMessage(DEFAULT_FAMILY_IDS.datapath, O.OVS_DP_CMD_GET, 0, () => {});

async function open(transport: DeviceTransport): Promise<NlSocket> {
  const sock = await NlSocket.open(transport);
  if (!(sock instanceof NlSocket)) throw new Error(`device bench: open failed (errno ${sock})`);
  return sock;
}

interface Setup {
  worker: WorkerTransport;
  source: MessagePort;
  handlers: NlSocket[];
  workerSockets: NlSocket[];
  unix: UnixTransport;
  unixSockets: NlSocket[];
  localSocket: NlSocket;
}

let setup: Promise<Setup> | undefined;

/** One datapath worker (also serving the unix socket) and one in-process device, made on first use. */
function getSetup(): Promise<Setup> {
  setup ??= (async () => {
    const channel = new MessageChannel();
    const rundir = mkdtempSync(join(tmpdir(), 'ovs-device-bench-'));
    const worker = await WorkerTransport.start({
      upcallQueueLimit: 1 << 16,
      serveRundir: rundir,
      hostModule: new URL('../src/device/upcall-source.js', import.meta.url).href,
      hostPort: channel.port2,
    });
    channel.port1.unref();
    const control = await open(worker);
    const created = await control.transact(NEW_DP);
    if (created.errno !== 0) throw new Error(`device bench: datapath not created (errno ${created.errno})`);
    const handlers = await Promise.all(Array.from({ length: HANDLERS }, () => open(worker)));
    const workerSockets = await Promise.all(Array.from({ length: CONCURRENT_SOCKETS }, () => open(worker)));
    const unix = await UnixTransport.connect(worker.paths[0]);
    if (!(unix instanceof UnixTransport)) throw new Error(`device bench: unix connect failed (errno ${unix})`);
    const unixSockets = await Promise.all(Array.from({ length: CONCURRENT_SOCKETS }, () => open(unix)));
    const local = new DeviceKernel();
    const localSocket = await open(new InProcessTransport(local));
    await localSocket.transact(NEW_DP);
    worker.worker.unref();
    unix.unref();
    return { worker, source: channel.port1, handlers, workerSockets, unix, unixSockets, localSocket };
  })();
  return setup;
}

/** Keeps the worker and socket alive only while a benchmark waits on them, so the runner can exit. */
async function held<T>(s: Setup, work: () => Promise<T>): Promise<T> {
  s.worker.worker.ref();
  s.unix.ref();
  try {
    return await work();
  } finally {
    s.worker.worker.unref();
    s.unix.unref();
  }
}

let serial = 0;

/** Reads `count` upcalls from `handler` with the pending read, as a handler thread loops. */
async function drain(handler: NlSocket, count: number): Promise<number> {
  let got = 0;
  let last = -1;
  while (got < count) {
    const r = await handler.recvWait(64);
    if (r.errno !== 0) throw new Error(`device bench: recv failed (errno ${r.errno})`);
    got += r.messages.length;
    const m = r.messages[r.messages.length - 1];
    last = m[8] | (m[9] << 8) | (m[10] << 16) | (m[11] << 24);
  }
  return last;
}

const kernelModuleAbsent = (): Promise<ExternalResult> => Promise.resolve({
  label: 'Open vSwitch kernel datapath (ovs-dpctl)',
  skipped: existsSync('/sys/module/openvswitch')
    ? 'not measured: the kernel module serves a different machine-wide datapath'
    : 'the openvswitch kernel module is not loaded here',
});

function transactBench(name: string, sockets: (s: Setup) => NlSocket[], hold: boolean): Benchmark {
  let n = 0;
  return {
    name,
    opsPerRun: name.includes('16 sockets') ? CONCURRENT_SOCKETS : 1,
    async runAsync(): Promise<number> {
      const s = await getSetup();
      const work = async () => {
        const results = await Promise.all(sockets(s).map((sock) => sock.transact(GET_DP)));
        for (const r of results) if (r.errno !== 0) throw new Error(`device bench: transaction failed (errno ${r.errno})`);
        return ++n;
      };
      return hold ? held(s, work) : work();
    },
    external: name === 'transact, worker, 1 socket' ? kernelModuleAbsent : undefined,
  };
}

export const benchmarks: Benchmark[] = [
  {
    name: `upcalls via worker (${HANDLERS} handlers x ${UPCALLS_PER_HANDLER})`,
    opsPerRun: HANDLERS * UPCALLS_PER_HANDLER,
    async runAsync(): Promise<number> {
      const s = await getSetup();
      return held(s, async () => {
        const first = serial;
        serial += UPCALLS_PER_HANDLER;
        for (const h of s.handlers) {
          const burst: UpcallBurst = { pid: h.pid, count: UPCALLS_PER_HANDLER, first, dpIfindex: DP_IFINDEX, reply: false };
          s.source.postMessage(burst);
        }
        const lasts = await Promise.all(s.handlers.map((h) => drain(h, UPCALLS_PER_HANDLER)));
        for (const last of lasts) if (last !== first + UPCALLS_PER_HANDLER - 1) throw new Error('device bench: upcalls out of order');
        return lasts[0];
      });
    },
  },
  {
    name: 'upcall round trip via worker (queue, pending read, answer)',
    opsPerRun: 1,
    async runAsync(): Promise<number> {
      const s = await getSetup();
      return held(s, async () => {
        const h = s.handlers[0];
        const read = h.recvWait(64);
        s.source.postMessage({ pid: h.pid, count: 1, first: serial++, dpIfindex: DP_IFINDEX, reply: false } satisfies UpcallBurst);
        const r = await read;
        if (r.messages.length !== 1) throw new Error(`device bench: expected one upcall, got ${r.messages.length}`);
        // The handler's answer: one transaction (a flow put and execute, once those families exist).
        const answer = await h.transact(GET_DP);
        return answer.replies.length;
      });
    },
  },
  transactBench('transact, in process, 1 socket', (s) => [s.localSocket], false),
  transactBench('transact, worker, 1 socket', (s) => [s.workerSockets[0]], true),
  transactBench(`transact, worker, 16 sockets`, (s) => s.workerSockets, true),
  transactBench('transact, unix socket, 1 socket', (s) => [s.unixSockets[0]], true),
  transactBench(`transact, unix socket, 16 sockets`, (s) => s.unixSockets, true),
];
