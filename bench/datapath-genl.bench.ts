// The datapath end to end, in process (src/datapath): a burst of 64-byte
// frames received on a dummy port and sent out of another through a flow
// installed with OVS_FLOW_CMD_NEW (vport counters, transmit batching), and
// misses turned into MISS upcall messages queued for a socket and taken
// back. What the fast path costs around the flow table, and what one upcall
// costs to build; real Open vSwitch's figures come from the kernel or its
// userspace datapath, which this machine cannot drive the same way.

import { DatapathGenl, DEFAULT_FAMILY_IDS } from '../src/datapath/genl.js';
import type { Datapath } from '../src/datapath/datapath.js';
import { NlBuffer } from '../src/netlink/buffer.js';
import { NLM_F_REQUEST, startOvsMessage } from '../src/netlink/message.js';
import { putOdpActions } from '../src/netlink/odp-actions.js';
import { putOdpFlowKey, putOdpMask } from '../src/netlink/odp-key.js';
import { parseOdpFlow } from '../src/netlink/odp-text.js';
import * as O from '../src/netlink/openvswitch.js';
import { PacketBatch } from '../src/packet/batch.js';
import { buildPacket } from '../src/packet/build.js';
import type { Benchmark } from './run.js';

const BURST = 32;
const ADMIN = { pid: 1, admin: true };
const FRAME = buildPacket({
  eth: { src: '00:00:00:00:00:01', dst: '00:00:00:00:00:02' }, ipv4: { src: '10.0.0.1', dst: '10.0.0.2' },
  tcp: { src: 1234, dst: 80, flags: 0x10 }, padTo: 64,
});

function message(family: number, cmd: number, dpIfindex: number, attrs: (b: NlBuffer) => void): Uint8Array {
  const b = new NlBuffer(256);
  const start = startOvsMessage(b, { family, flags: NLM_F_REQUEST, seq: 1, pid: 1, cmd, version: 1, dpIfindex });
  attrs(b);
  b.endMessage(start);
  return b.data().slice();
}

/** Datapath dp0 with dummy ports 1 and 2 (upcalls to socket 5), and a flow in_port(1) -> 2 unless `miss`. */
function setUp(miss: boolean): { genl: DatapathGenl; dp: Datapath } {
  const ids = DEFAULT_FAMILY_IDS;
  const genl = new DatapathGenl();
  genl.handleRequest(message(ids.datapath, O.OVS_DP_CMD_NEW, 0, (b) => {
    b.putAttrString(O.OVS_DP_ATTR_NAME, 'dp0');
    b.putAttrU32(O.OVS_DP_ATTR_UPCALL_PID, 5);
  }), ADMIN);
  const dp = genl.registry.byDpName('dp0')!;
  for (const portNo of [1, 2]) {
    genl.handleRequest(message(ids.vport, O.OVS_VPORT_CMD_NEW, dp.dpIfindex, (b) => {
      b.putAttrString(O.OVS_VPORT_ATTR_NAME, `p${portNo}`);
      b.putAttrU32(O.OVS_VPORT_ATTR_TYPE, O.OVS_VPORT_TYPE_NETDEV);
      b.putAttrU32(O.OVS_VPORT_ATTR_UPCALL_PID, 5);
      b.putAttrU32(O.OVS_VPORT_ATTR_PORT_NO, portNo);
    }), ADMIN);
  }
  if (!miss) {
    genl.handleRequest(message(ids.flow, O.OVS_FLOW_CMD_NEW, dp.dpIfindex, (b) => {
      const m = parseOdpFlow('in_port(1),eth(),eth_type(0x0800),ipv4(dst=10.0.0.2,frag=no)');
      let n = b.startNested(O.OVS_FLOW_ATTR_KEY);
      putOdpFlowKey(b, m);
      b.endNested(n);
      n = b.startNested(O.OVS_FLOW_ATTR_MASK);
      putOdpMask(b, m);
      b.endNested(n);
      n = b.startNested(O.OVS_FLOW_ATTR_ACTIONS);
      putOdpActions(b, [{ type: 'output', port: 2 }]);
      b.endNested(n);
    }), ADMIN);
    if (dp.flowTable.size !== 1) throw new Error('benchmark flow not installed');
  }
  return { genl, dp };
}

function receiveBench(name: string, miss: boolean): Benchmark {
  const { genl, dp } = setUp(miss);
  const batch = new PacketBatch();
  const pool = dp.process.pool;
  const tx = dp.ports.get(2)!.stats;
  return {
    name, opsPerRun: BURST,
    run(): number {
      for (let i = 0; i < BURST; i++) {
        const p = pool.get()!;
        p.setData(FRAME);
        batch.add(p);
      }
      dp.receive(1, batch);
      if (miss) {
        const got = genl.upcalls.take(5, BURST).length;
        if (got !== BURST) throw new Error(`benchmark ${name}: ${got} upcalls of ${BURST}`);
        return got;
      }
      return tx.txPackets;
    },
  };
}

export const benchmarks: Benchmark[] = [
  receiveBench('receive, forward, transmit', false),
  receiveBench('receive, miss, MISS upcall queued', true),
];
