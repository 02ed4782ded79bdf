// In-memory forwarding through the datapath fast path (src/datapath):
// extract -> EMC -> megaflow lookup -> output to a sink that counts, for
// bursts of 32 64-byte TCP frames, with 1, 1,000 and 100,000 flows spread
// over 1, 8 and 32 masks. Traffic visits every flow in turn (so 100,000 flows
// overflow the 8,192-entry EMC). Targets: 5 Mpps with one flow, 2 Mpps with
// 100,000 flows over 8 masks.

import { ActionExecutor, compileActions, type CompiledActions, type DatapathPorts } from '../src/datapath/actions.js';
import { FlowTable } from '../src/datapath/flow-table.js';
import * as L from '../src/flow/layout.js';
import { Match } from '../src/flow/match.js';
import { PacketBatch } from '../src/packet/batch.js';
import { buildPacket } from '../src/packet/build.js';
import { PacketPool } from '../src/packet/pool.js';
import type { Packet } from '../src/packet/packet.js';
import type { Benchmark } from './run.js';

const BURST = 32;
const IN_PORT = 1;
const FRAME = buildPacket({
  eth: { src: '00:00:00:00:00:01', dst: '00:00:00:00:00:02' }, ipv4: { src: '10.0.0.1', dst: '10.0.0.2' },
  tcp: { src: 1234, dst: 80, flags: 0x10 }, padTo: 64,
});
/** Offset of the IPv4 destination in FRAME. */
const DST_AT = 14 + 16;

/** Counts what the actions send; keeps the packets, which the benchmark sends again. */
class CountingPorts implements DatapathPorts {
  sent = 0;
  send(_port: number, _packet: Packet): void {
    this.sent++;
  }
  flush(): void {}
}

/** Extra exact-match fields; mask j adds the ones whose bit is set in j, so 32 masks differ. */
const EXTRA_FIELDS = [L.TP_DST, L.TP_SRC, L.NW_PROTO, L.NW_TTL, L.DL_SRC_LO];

function forwardBench(name: string, flowCount: number, maskCount: number): Benchmark {
  const table = new FlowTable<CompiledActions>();
  const ports = new CountingPorts();
  const pool = new PacketPool({ count: BURST * 2 });
  const executor = new ActionExecutor({
    table, ports, pool, upcalls: { miss: () => {}, userspace: () => {} },
  });
  const actions = compileActions([{ type: 'output', port: 2 }]) as CompiledActions;

  // Flow i: in_port, dl_type, nw_dst = 10.1.0.0 + i exact, plus mask (i % maskCount)'s extra fields.
  const template = L.newKey();
  const probe = pool.get() as Packet;
  probe.setData(FRAME);
  executor.extract(probe, template);
  probe.release();
  const m = new Match();
  for (let i = 0; i < flowCount; i++) {
    m.key.fill(0);
    m.mask.fill(0);
    const j = i % maskCount;
    m.setExact(L.IN_PORT, IN_PORT);
    m.setExact(L.DL_TYPE, 0x0800);
    m.setExact(L.NW_DST, (0x0a010000 + i) >>> 0);
    for (let f = 0; f < EXTRA_FIELDS.length; f++) {
      if ((j & (1 << f)) !== 0) m.setExact(EXTRA_FIELDS[f], template[EXTRA_FIELDS[f]]);
    }
    if (table.insert(m, actions) !== 0) throw new Error('benchmark flow insert failed');
  }
  if (table.stats().masks !== Math.min(maskCount, flowCount)) throw new Error('benchmark masks miscounted');

  // Destinations in a scattered order that visits every flow.
  const dsts = new Uint32Array(flowCount);
  for (let i = 0; i < flowCount; i++) dsts[i] = (0x0a010000 + ((i * 7919) % flowCount)) >>> 0;
  const packets: Packet[] = [];
  for (let i = 0; i < BURST; i++) {
    const p = pool.get() as Packet;
    p.setData(FRAME);
    packets.push(p);
  }
  const batch = new PacketBatch();
  let next = 0;
  return {
    name, opsPerRun: BURST,
    run(): number {
      const before = ports.sent;
      for (let i = 0; i < BURST; i++) {
        const p = packets[i];
        // "Receive" a frame: a new destination address, written as a NIC would write bytes.
        const dst = dsts[next];
        if (++next === flowCount) next = 0;
        const b = p.slot;
        const at = p.start + DST_AT;
        b[at] = dst >>> 24;
        b[at + 1] = dst >>> 16;
        b[at + 2] = dst >>> 8;
        b[at + 3] = dst;
        batch.add(p);
      }
      executor.receive(batch, IN_PORT);
      if (ports.sent - before !== BURST) throw new Error(`benchmark ${name}: only ${ports.sent - before} of ${BURST} forwarded`);
      return ports.sent;
    },
  };
}

export const benchmarks: Benchmark[] = [
  forwardBench('1 flow', 1, 1),
  forwardBench('1000 flows, 1 mask', 1000, 1),
  forwardBench('1000 flows, 8 masks', 1000, 8),
  forwardBench('1000 flows, 32 masks', 1000, 32),
  forwardBench('100000 flows, 1 mask', 100_000, 1),
  forwardBench('100000 flows, 8 masks', 100_000, 8),
  forwardBench('100000 flows, 32 masks', 100_000, 32),
];
