// A dump of 100,000 datapath flows through a netlink socket: it must stream,
// holding one batch at a time, because the datapath keeps no dump state and
// each crossing says where to resume. Needs the ovs_flow family in
// DatapathGenl; skipped with the reason until it is there.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import * as L from '../flow/layout.js';
import { NlBuffer } from '../netlink/buffer.js';
import { NLM_F_CREATE, NLM_F_DUMP, NLM_F_REQUEST, startOvsMessage } from '../netlink/message.js';
import { putOdpActions } from '../netlink/odp-actions.js';
import { putOdpFlowKey, putOdpMask } from '../netlink/odp-key.js';
import { parseOdpFlow } from '../netlink/odp-text.js';
import * as O from '../netlink/openvswitch.js';
import { FIRST_DP_IFINDEX, newDpRequest } from './fixtures.js';
import { DeviceKernel } from './kernel.js';
import { NlSocket } from './netlink-socket.js';
import { InProcessTransport } from './transport.js';

const FLOWS = 100_000;

test('a dump of 100,000 flows streams with at most one batch held', async (t) => {
  const kernel = new DeviceKernel();
  const flowFamily = (kernel.genl.familyIds as unknown as Record<string, number | undefined>).flow;
  if (flowFamily === undefined) {
    t.skip('the ovs_flow family is not in DatapathGenl yet');
    return;
  }
  const sock = await NlSocket.open(new InProcessTransport(kernel));
  assert.ok(sock instanceof NlSocket);
  assert.equal((await sock.transact(newDpRequest('dp0'))).errno, 0);
  const match = parseOdpFlow('in_port(1),eth(),eth_type(0x0800),ipv4(dst=10.0.0.0/255.255.255.255,frag=no)');
  const buf = new NlBuffer(512);
  const caller = { pid: sock.pid, admin: true };
  for (let i = 0; i < FLOWS; i++) {
    match.key[L.NW_DST] = (0x0a000000 + i) >>> 0;
    buf.reset();
    const start = startOvsMessage(buf, {
      family: flowFamily, flags: NLM_F_REQUEST | NLM_F_CREATE, seq: i, pid: 0, cmd: O.OVS_FLOW_CMD_NEW,
      version: O.OVS_FLOW_VERSION, dpIfindex: FIRST_DP_IFINDEX,
    });
    const key = buf.startNested(O.OVS_FLOW_ATTR_KEY);
    putOdpFlowKey(buf, match);
    buf.endNested(key);
    const mask = buf.startNested(O.OVS_FLOW_ATTR_MASK);
    putOdpMask(buf, match);
    buf.endNested(mask);
    const actions = buf.startNested(O.OVS_FLOW_ATTR_ACTIONS);
    putOdpActions(buf, [{ type: 'output', port: 2 }]);
    buf.endNested(actions);
    buf.endMessage(start);
    // Straight to the kernel: 100,000 round trips through promises would only slow the test.
    const answer = kernel.transact(caller, buf.data());
    assert.equal(answer.errno, 0);
    if (answer.messages.length !== 0) assert.fail(`flow ${i} refused`);
  }
  buf.reset();
  const start = startOvsMessage(buf, {
    family: flowFamily, flags: NLM_F_REQUEST | NLM_F_DUMP, seq: 1, pid: 0, cmd: O.OVS_FLOW_CMD_GET,
    version: O.OVS_FLOW_VERSION, dpIfindex: FIRST_DP_IFINDEX,
  });
  buf.endMessage(start);
  const dump = sock.dump(buf.data().slice(), { batchSize: 1000 });
  v8.setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  gc();
  const heapBefore = process.memoryUsage().heapUsed;
  let count = 0;
  let dumpedSize = 0;
  let maxRetained = 0;
  for await (const m of dump) {
    assert.equal(m[16], O.OVS_FLOW_CMD_GET);
    dumpedSize += m.length;
    if (++count % 20_000 === 0) {
      gc();
      maxRetained = Math.max(maxRetained, process.memoryUsage().heapUsed - heapBefore);
    }
  }
  assert.equal(dump.errno, 0);
  assert.equal(count, FLOWS);
  assert.equal(dump.maxHeld, 1000);
  assert.equal(dump.batches, 100);
  // What the dump keeps alive stays far below what it carried.
  assert.ok(dumpedSize > 10 * 1024 * 1024, `only ${dumpedSize} bytes dumped`);
  assert.ok(maxRetained < 4 * 1024 * 1024, `${maxRetained} bytes retained during a dump of ${dumpedSize}`);
});
