// Upcalls made by the datapath itself: OVS_PACKET_CMD_EXECUTE with userspace
// actions, through a netlink socket, queues ACTION upcalls on the sockets the
// actions name; a full queue and a socket nobody holds count as lost in the
// datapath's statistics. Needs the ovs_packet family in DatapathGenl;
// skipped with the reason until it is there.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EAGAIN } from '../lib/errno.js';
import { NlBuffer } from '../netlink/buffer.js';
import { NLM_F_REQUEST, startOvsMessage } from '../netlink/message.js';
import { putOdpActions } from '../netlink/odp-actions.js';
import * as O from '../netlink/openvswitch.js';
import { DP, FIRST_DP_IFINDEX, newDpRequest, newVportRequest, ovsRequest } from './fixtures.js';
import { DeviceKernel } from './kernel.js';
import { NlSocket } from './netlink-socket.js';
import { InProcessTransport } from './transport.js';

/** 16 bytes of Ethernet: dst, src, an ethertype nothing parses further, "abcd". */
const FRAME = Uint8Array.from(Buffer.from('000000000002000000000001 8809 61626364'.replace(/ /g, ''), 'hex'));

function execute(packetFamily: number, pids: number[], serial: number): Uint8Array {
  const buf = new NlBuffer(256);
  const start = startOvsMessage(buf, {
    family: packetFamily, flags: NLM_F_REQUEST, seq: serial, pid: 0, cmd: O.OVS_PACKET_CMD_EXECUTE,
    version: O.OVS_PACKET_VERSION, dpIfindex: FIRST_DP_IFINDEX,
  });
  buf.putAttr(O.OVS_PACKET_ATTR_PACKET, FRAME);
  const key = buf.startNested(O.OVS_PACKET_ATTR_KEY);
  buf.putAttrU32(O.OVS_KEY_ATTR_IN_PORT, 1);
  buf.endNested(key);
  const actions = buf.startNested(O.OVS_PACKET_ATTR_ACTIONS);
  putOdpActions(buf, pids.map((pid) => ({ type: 'userspace' as const, pid, userdata: Uint8Array.of(serial, 0, 0, 0) })));
  buf.endNested(actions);
  buf.endMessage(start);
  return buf.data().slice();
}

async function setUp(options: { upcallQueueLimit?: number } = {}) {
  const kernel = new DeviceKernel(options);
  const packetFamily = (kernel.genl.familyIds as unknown as Record<string, number | undefined>).packet;
  const transport = new InProcessTransport(kernel);
  const open = async () => {
    const s = await NlSocket.open(transport);
    assert.ok(s instanceof NlSocket);
    return s;
  };
  const control = await open();
  assert.equal((await control.transact(newDpRequest('dp0'))).errno, 0);
  assert.equal((await control.transact(newVportRequest('p1', { portNo: 1 }))).errno, 0);
  return { kernel, packetFamily, control, open };
}

async function lost(control: NlSocket): Promise<number> {
  const [dp] = (await control.transact(ovsRequest(DP, O.OVS_DP_CMD_GET, () => {}, { dpIfindex: FIRST_DP_IFINDEX }))).replies;
  // OVS_DP_ATTR_STATS follows NAME ("dp0"): n_hit, n_missed, n_lost.
  return new DataView(dp.buffer, dp.byteOffset).getUint32(20 + 4 + 8 + 4 + 16, true);
}

test('EXECUTE with userspace actions queues ACTION upcalls on the named sockets, in order', async (t) => {
  const { packetFamily, control, open } = await setUp();
  if (packetFamily === undefined) {
    t.skip('the ovs_packet family is not in DatapathGenl yet');
    return;
  }
  const h1 = await open();
  const h2 = await open();
  const bystander = await open();
  const woke = h1.recvWait(10);
  for (let i = 1; i <= 3; i++) assert.equal((await control.transact(execute(packetFamily, [h1.pid, h2.pid], i))).errno, 0);
  const first = await woke;
  assert.equal(first.errno, 0);
  const rest = await h1.recv(10);
  const got = [...first.messages, ...rest.messages];
  assert.deepEqual(got.map((m) => m[16]), [O.OVS_PACKET_CMD_ACTION, O.OVS_PACKET_CMD_ACTION, O.OVS_PACKET_CMD_ACTION]);
  const userdata = (m: Uint8Array) => {
    const at = Buffer.from(m).indexOf(Buffer.from([8, 0, O.OVS_PACKET_ATTR_USERDATA, 0]));
    return m[at + 4];
  };
  assert.deepEqual(got.map(userdata), [1, 2, 3]);
  assert.deepEqual((await h2.recv(10)).messages.map(userdata), [1, 2, 3]);
  assert.equal((await bystander.recv()).errno, EAGAIN);
  assert.equal(await lost(control), 0);
});

test('upcalls past a full queue, or to a socket nobody holds, are counted lost', async (t) => {
  const { packetFamily, control, open } = await setUp({ upcallQueueLimit: 2 });
  if (packetFamily === undefined) {
    t.skip('the ovs_packet family is not in DatapathGenl yet');
    return;
  }
  const h = await open();
  for (let i = 1; i <= 5; i++) await control.transact(execute(packetFamily, [h.pid], i));
  assert.equal(await lost(control), 3);
  assert.equal((await h.recv(10)).messages.length, 2);
  await control.transact(execute(packetFamily, [4242], 6));
  assert.equal(await lost(control), 4, 'no socket 4242');
});
