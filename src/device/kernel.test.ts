// The kernel side of the pseudo device, called directly: what it does with
// messages a transaction should not carry, socket id allocation, and the
// controller's refusals. Higher-level behaviour is tested through netlink
// sockets (netlink-socket.test.ts).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EBADF, EINVAL, EOPNOTSUPP } from '../lib/errno.js';
import { NlBuffer } from '../netlink/buffer.js';
import { CTRL_CMD_GETFAMILY, GENL_ID_CTRL } from '../netlink/genl-ctrl.js';
import { NLM_F_ACK, NLM_F_DUMP, NLM_F_REQUEST, NLMSG_NOOP } from '../netlink/message.js';
import { dumpDpsRequest, newDpRequest, nlErrno } from './fixtures.js';
import { DatapathGenl, type FamilyIds } from '../datapath/genl.js';
import { DeviceKernel } from './kernel.js';

function message(type: number, flags: number, cmd: number): Uint8Array {
  const buf = new NlBuffer(32);
  const start = buf.startMessage(type, flags, 4, 0);
  buf.putGenlHeader(cmd, 1);
  buf.endMessage(start);
  return buf.data().slice();
}

test('transact() acks a message that is not a request only when asked, as Linux does', () => {
  const kernel = new DeviceKernel();
  const pid = kernel.open();
  assert.deepEqual(kernel.transact({ pid: pid, admin: true }, message(NLMSG_NOOP, NLM_F_REQUEST, 0)), { errno: 0, messages: [] });
  const acked = kernel.transact({ pid: pid, admin: true }, message(0x13, NLM_F_ACK, 1));
  assert.equal(acked.messages.length, 1);
  assert.equal(nlErrno(acked.messages[0]), 0);
  assert.equal(kernel.genl.registry.list().length, 0);
});

test('transact() refuses a dump (EINVAL: dumps carry their position) and dump() a non-dump', () => {
  const kernel = new DeviceKernel();
  const pid = kernel.open();
  assert.equal(kernel.transact({ pid: pid, admin: true }, dumpDpsRequest()).errno, EINVAL);
  assert.equal(kernel.dump({ pid, admin: true }, newDpRequest('dp0'), { start: 0, limit: 10 }).errno, EINVAL);
  assert.equal(kernel.genl.registry.list().length, 0);
  assert.equal(kernel.stats.badRequests, 2);
});

test('open() never hands out 0 or an id in use, even after wrapping', () => {
  const kernel = new DeviceKernel();
  const first = kernel.open();
  assert.equal(first, 1);
  (kernel as unknown as { nextPid: number }).nextPid = 0x7fffffff;
  assert.equal(kernel.open(), 0x7fffffff);
  assert.equal(kernel.open(), 2, 'wrapped past 0 and the open id 1');
  assert.equal(kernel.close(first), 0);
  assert.equal(kernel.close(first), EBADF);
  assert.equal(kernel.transact({ pid: first, admin: true }, newDpRequest('x')).errno, EBADF);
});

test('nlctrl answers only GETFAMILY, and EINVAL without a name or id', () => {
  const kernel = new DeviceKernel();
  const pid = kernel.open();
  assert.equal(nlErrno(kernel.transact({ pid: pid, admin: false }, message(GENL_ID_CTRL, NLM_F_REQUEST, 1)).messages[0]), EOPNOTSUPP);
  assert.equal(nlErrno(kernel.transact({ pid: pid, admin: false }, message(GENL_ID_CTRL, NLM_F_REQUEST, CTRL_CMD_GETFAMILY)).messages[0]), EINVAL);
  const dump = kernel.dump({ pid, admin: false }, message(GENL_ID_CTRL, NLM_F_REQUEST | NLM_F_DUMP, CTRL_CMD_GETFAMILY), { start: 1, limit: 1 });
  assert.equal(dump.messages.length, 1);
  assert.equal(dump.next, 2);
  assert.equal(dump.done, false);
});

test('nlctrl lists every OVS family DatapathGenl has an id for, under its id', () => {
  const ids = { datapath: 0x13, vport: 0x14, flow: 0x15, packet: 0x16, meter: 0x17, ctLimit: 0x18 };
  const kernel = new DeviceKernel({ genl: new DatapathGenl({ familyIds: ids as FamilyIds }) });
  assert.deepEqual(kernel.families.map((f) => [f.name, f.id]), [
    ['nlctrl', 0x10], ['ovs_datapath', 0x13], ['ovs_vport', 0x14], ['ovs_flow', 0x15], ['ovs_packet', 0x16],
    ['ovs_meter', 0x17], ['ovs_ct_limit', 0x18],
  ]);
  // The packet family has no multicast group.
  assert.deepEqual(kernel.families.find((f) => f.name === 'ovs_packet')!.mcastGroups, []);
});
