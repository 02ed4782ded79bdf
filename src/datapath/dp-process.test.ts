// Tests of the datapath's packet path (dp-process.ts, upcall-key.ts,
// genl-packet.ts): MISS and ACTION upcalls byte for byte as Linux builds
// them, their socket choice and the lost counter, forwarding with correct
// bytes and checksums, vport and datapath counters, OVS_PACKET_CMD_EXECUTE
// and its errnos, recirculation, pcap recording of dummy ports.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { readU32 } from '../netlink/attr.js';
import { NLM_F_ACK } from '../netlink/message.js';
import { putOdpActions } from '../netlink/odp-actions.js';
import { putOdpFlowKey, putOdpMask } from '../netlink/odp-key.js';
import { parseOdpActionsText, parseOdpFlow } from '../netlink/odp-text.js';
import * as O from '../netlink/openvswitch.js';
import { readDpStats, readVportStats } from '../netlink/ovs-structs.js';
import { buildPacket } from '../packet/build.js';
import { decodePacket } from '../packet/decode.js';
import { readPcapFile } from '../packet/pcap.js';
import { DatapathGenl } from './genl.js';
import { ADMIN, attrsOf, errnoOf, hex, IDS, request, toHex, withDatapath } from './test-support.js';
import { UpcallQueues } from './upcall-queue.js';

// A 16-byte frame: dst 00:00:00:00:00:02, src 00:00:00:00:00:01, type 0x8809, 2 bytes.
const SMALL_FRAME = hex('000000000002 000000000001 8809 abcd');

// The MISS upcall of SMALL_FRAME received on port 1 of dp0 (dp_ifindex 100):
// pid 0 and seq 0 (from the kernel), cmd MISS (1), version 1.
const GOLDEN_MISS = hex(`
  a8000000 1600 0000 00000000 00000000
  01 01 0000
  64000000
  7000 0200
    0800 1400 00000000
    0800 1300 00000000
    0800 0200 00000000
    0800 0300 01000000
    0800 0f00 00000000
    0800 1600 00000000
    0600 1700 0000 0000
    0800 1800 00000000
    1400 1900 ${'00'.repeat(16)}
    1000 0400 000000000001 000000000002
    0600 0600 8809 0000
  0c00 0b00 dbd3a84b 01000000
  1400 0100 000000000002 000000000001 8809 abcd`);
// OVS_PACKET_ATTR_KEY: recirc_id, dp_hash, skb_priority, in_port 1, skb_mark,
// ct_state, ct_zone, ct_mark, ct_labels (all present, as Linux puts them),
// eth(src, dst), eth_type; OVS_PACKET_ATTR_HASH: the flow hash with
// OVS_PACKET_HASH_SW_BIT (bit 32); OVS_PACKET_ATTR_PACKET last.

test('a packet without a flow becomes the golden MISS upcall on its port\'s socket', () => {
  const genl = withDatapath();
  const dp = genl.registry.byDpName('dp0')!;
  assert.equal(dp.receiveFrame(1, SMALL_FRAME), 0);
  assert.deepEqual(genl.upcalls.take(5, 10).map(toHex), [toHex(GOLDEN_MISS)]);
  assert.equal(dp.missed, 1);
  assert.equal(dp.lost, 0);
});

function dpStats(genl: DatapathGenl): { hit: number; missed: number; lost: number; flows: number } {
  const [reply] = genl.handleRequest(request(IDS.datapath, O.OVS_DP_CMD_GET, () => {}), ADMIN);
  return readDpStats(attrsOf(reply).get(O.OVS_DP_ATTR_STATS)!, 0);
}

function setPortPids(genl: DatapathGenl, name: string, pids: number[]): void {
  const replies = genl.handleRequest(request(IDS.vport, O.OVS_VPORT_CMD_SET, (b) => {
    b.putAttrString(O.OVS_VPORT_ATTR_NAME, name);
    const o = b.putAttrSpace(O.OVS_VPORT_ATTR_UPCALL_PID, pids.length * 4);
    pids.forEach((pid, i) => new DataView(b.bytes.buffer).setUint32(o + 4 * i, pid, true));
  }, { flags: NLM_F_ACK }), ADMIN);
  assert.equal(errnoOf(replies), 0);
}

test('a miss with no listener or a full queue counts as missed and lost, as in Linux', () => {
  const genl = new DatapathGenl({ upcalls: new UpcallQueues(2) });
  genl.handleRequest(request(IDS.datapath, O.OVS_DP_CMD_NEW, (b) => {
    b.putAttrString(O.OVS_DP_ATTR_NAME, 'dp0');
    b.putAttrU32(O.OVS_DP_ATTR_UPCALL_PID, 0);
  }, { dpIfindex: 0 }), ADMIN);
  const dp = genl.registry.byDpName('dp0')!;
  dp.receiveFrame(0, SMALL_FRAME);
  assert.deepEqual(dpStats(genl), { hit: 0, missed: 1, lost: 1, flows: 0 });
  setPortPids(genl, 'dp0', [3]);
  for (let i = 0; i < 3; i++) dp.receiveFrame(0, SMALL_FRAME);
  assert.deepEqual(dpStats(genl), { hit: 0, missed: 4, lost: 2, flows: 0 });
  assert.equal(genl.upcalls.size(3), 2);
});

test('with several upcall sockets a port picks one by flow hash', () => {
  const genl = withDatapath();
  setPortPids(genl, 'p1', [11, 12, 13]);
  const dp = genl.registry.byDpName('dp0')!;
  for (let i = 0; i < 30; i++) {
    dp.receiveFrame(1, buildPacket({ eth: {}, ipv4: { src: `10.0.0.${i}`, dst: '10.0.0.99' }, udp: { src: 1000 + i, dst: 53 } }));
  }
  let total = 0;
  for (const pid of [11, 12, 13]) {
    const messages = genl.upcalls.take(pid, 100);
    assert.ok(messages.length > 0, `socket ${pid} got some`);
    total += messages.length;
    for (const m of messages) {
      const hash = attrsOf(m).get(O.OVS_PACKET_ATTR_HASH)!;
      assert.equal([11, 12, 13][readU32(hash, 0) % 3], pid);
      assert.equal(readU32(hash, 4), 3, 'a software hash over L4 fields');
    }
  }
  assert.equal(total, 30);
});

test('OVS_DP_F_DISPATCH_UPCALL_PER_CPU sends misses to OVS_DP_ATTR_PER_CPU_PIDS and reports them', () => {
  const genl = withDatapath();
  const replies = genl.handleRequest(request(IDS.datapath, O.OVS_DP_CMD_SET, (b) => {
    b.putAttrU32(O.OVS_DP_ATTR_USER_FEATURES, O.OVS_DP_F_DISPATCH_UPCALL_PER_CPU);
    b.putAttr(O.OVS_DP_ATTR_PER_CPU_PIDS, hex('15000000 16000000'));
  }, { flags: NLM_F_ACK }), ADMIN);
  assert.equal(replies.length, 1);
  const [got] = genl.handleRequest(request(IDS.datapath, O.OVS_DP_CMD_GET, () => {}), ADMIN);
  assert.equal(toHex(attrsOf(got).get(O.OVS_DP_ATTR_PER_CPU_PIDS)!), '1500000016000000');
  genl.registry.byDpName('dp0')!.receiveFrame(1, SMALL_FRAME);
  assert.equal(genl.upcalls.size(0x15), 1);
  assert.equal(genl.upcalls.size(5), 0);
  const bad = genl.handleRequest(request(IDS.datapath, O.OVS_DP_CMD_SET, (b) => b.putAttr(O.OVS_DP_ATTR_PER_CPU_PIDS, hex('150000001600'))), ADMIN);
  assert.equal(errnoOf(bad), 22);
});

function addFlow(genl: DatapathGenl, key: string, actions: string): void {
  const replies = genl.handleRequest(request(IDS.flow, O.OVS_FLOW_CMD_NEW, (b) => {
    const m = parseOdpFlow(key);
    let n = b.startNested(O.OVS_FLOW_ATTR_KEY);
    putOdpFlowKey(b, m);
    b.endNested(n);
    n = b.startNested(O.OVS_FLOW_ATTR_MASK);
    putOdpMask(b, m);
    b.endNested(n);
    n = b.startNested(O.OVS_FLOW_ATTR_ACTIONS);
    putOdpActions(b, parseOdpActionsText(actions));
    b.endNested(n);
  }, { flags: NLM_F_ACK }), ADMIN);
  assert.equal(errnoOf(replies), 0, key);
}

/** Frames port `name` transmits, copied. */
function capture(genl: DatapathGenl, name: string): Uint8Array[] {
  const frames: Uint8Array[] = [];
  genl.registry.findPort(name)!.port.onTransmit = (_port, packet) => frames.push(packet.data().slice());
  return frames;
}

test('a matching flow forwards with its header edits and valid checksums; counters follow', () => {
  const genl = withDatapath();
  addFlow(genl, 'in_port(1),eth(),eth_type(0x0800),ipv4(proto=6,frag=no),tcp(dst=80)',
    'set(ipv4(src=192.168.1.1,ttl=9)),set(tcp(dst=8080)),2');
  const out = capture(genl, 'p2');
  const frame = buildPacket({ eth: {}, ipv4: { src: '10.0.0.1', dst: '10.0.0.2', ttl: 64 }, tcp: { src: 5, dst: 80 }, payload: 'hello' });
  const dp = genl.registry.byDpName('dp0')!;
  assert.equal(genl.registry.injectPacket('p1', frame), 0);
  assert.equal(genl.registry.injectPacket('nope', frame), 19);
  assert.equal(out.length, 1);
  const decoded = decodePacket(out[0]);
  assert.equal(decoded.error, null);
  assert.deepEqual(decoded.badChecksums, []);
  assert.equal(decoded.spec.ipv4?.src, '192.168.1.1');
  assert.equal(decoded.spec.ipv4?.ttl, 9);
  assert.equal(decoded.spec.tcp?.dst, 8080);
  assert.deepEqual(dpStats(genl), { hit: 1, missed: 0, lost: 0, flows: 1 });
  assert.equal(dp.ports.get(1)!.stats.rxPackets, 1);
  assert.equal(dp.ports.get(1)!.stats.rxBytes, frame.length);
  assert.equal(dp.ports.get(2)!.stats.txPackets, 1);
  const [vport] = genl.handleRequest(request(IDS.vport, O.OVS_VPORT_CMD_GET, (b) => b.putAttrString(O.OVS_VPORT_ATTR_NAME, 'p2')), ADMIN);
  assert.equal(readVportStats(attrsOf(vport).get(O.OVS_VPORT_ATTR_STATS)!, 0).txBytes, frame.length);
});

test('recirculation looks the packet up again with its recirc_id; both lookups count as hits', () => {
  const genl = withDatapath();
  addFlow(genl, 'recirc_id(0),in_port(1),eth(),eth_type(0x0800),ipv4(frag=no)', 'push_vlan(vid=7,pcp=0),recirc(5)');
  addFlow(genl, 'recirc_id(5),in_port(1),eth(),eth_type(0x8100),vlan(vid=7),encap(eth_type(0x0800))', '2');
  const out = capture(genl, 'p2');
  genl.registry.injectPacket('p1', buildPacket({ eth: {}, ipv4: {}, udp: {} }));
  assert.equal(out.length, 1);
  assert.equal(decodePacket(out[0]).spec.vlans?.[0]?.tci, 7);
  assert.deepEqual(dpStats(genl), { hit: 2, missed: 0, lost: 0, flows: 2 });
});

test('a userspace action queues an ACTION upcall with its userdata on its socket', () => {
  const genl = withDatapath();
  addFlow(genl, 'in_port(1),eth()', 'userspace(pid=33,userdata(0102030405060708)),2');
  const frame = buildPacket({ eth: {}, arp: {} });
  genl.registry.injectPacket('p1', frame);
  const [m] = genl.upcalls.take(33, 10);
  assert.equal(m[16], O.OVS_PACKET_CMD_ACTION);
  const a = attrsOf(m);
  assert.equal(toHex(a.get(O.OVS_PACKET_ATTR_USERDATA)!), '0102030405060708');
  assert.equal(toHex(a.get(O.OVS_PACKET_ATTR_PACKET)!), toHex(frame));
  assert.deepEqual([...a.keys()], [O.OVS_PACKET_ATTR_KEY, O.OVS_PACKET_ATTR_USERDATA, O.OVS_PACKET_ATTR_HASH,
    O.OVS_PACKET_ATTR_PACKET]);
});

test('a trunc before a userspace action cuts the packet handed up and reports its length', () => {
  const genl = withDatapath();
  addFlow(genl, 'in_port(1),eth()', 'trunc(20),userspace(pid=33),userspace(pid=34)');
  const frame = buildPacket({ eth: {}, ipv4: {}, udp: {}, padTo: 60 });
  genl.registry.injectPacket('p1', frame);
  const cut = attrsOf(genl.upcalls.take(33, 1)[0]);
  assert.equal(toHex(cut.get(O.OVS_PACKET_ATTR_PACKET)!), toHex(frame.subarray(0, 20)));
  assert.equal(readU32(cut.get(O.OVS_PACKET_ATTR_LEN)!, 0), 60);
  // The trunc applies to the next action only.
  const whole = attrsOf(genl.upcalls.take(34, 1)[0]);
  assert.equal(toHex(whole.get(O.OVS_PACKET_ATTR_PACKET)!), toHex(frame));
  assert.equal(whole.has(O.OVS_PACKET_ATTR_LEN), false);
});

// OVS_PACKET_CMD_EXECUTE (3), NLM_F_REQUEST | NLM_F_ACK, seq 2, dp_ifindex 100:
// PACKET (the 16-byte frame), KEY in_port(1), ACTIONS output(2).
const GOLDEN_EXECUTE = hex(`
  44000000 1600 0500 02000000 4d000000
  03 01 0000
  64000000
  1400 0100 000000000002 000000000001 8809 abcd
  0c00 0200 0800 0300 01000000
  0c00 0300 0800 0100 02000000`);

test('OVS_PACKET_CMD_EXECUTE runs the actions on the packet and acks', () => {
  const genl = withDatapath();
  const out = capture(genl, 'p2');
  const replies = genl.handleRequest(GOLDEN_EXECUTE, ADMIN);
  assert.deepEqual(replies.map(toHex), [toHex(hex(`
    24000000 0200 0001 02000000 4d000000
    00000000
    44000000 1600 0500 02000000 4d000000`))]);
  assert.deepEqual(out.map(toHex), [toHex(SMALL_FRAME)]);
});

test('OVS_PACKET_CMD_EXECUTE refuses bad requests with Linux\'s errno and sends nothing', () => {
  const genl = withDatapath();
  const out = capture(genl, 'p2');
  const execute = (parts: { packet?: Uint8Array; key?: boolean; actions?: string }, options: { dpIfindex?: number; cmd?: number } = {}): Uint8Array =>
    request(IDS.packet, options.cmd ?? O.OVS_PACKET_CMD_EXECUTE, (b) => {
      if (parts.packet) b.putAttr(O.OVS_PACKET_ATTR_PACKET, parts.packet);
      if (parts.key !== false) {
        const n = b.startNested(O.OVS_PACKET_ATTR_KEY);
        b.putAttrU32(O.OVS_KEY_ATTR_IN_PORT, 1);
        b.endNested(n);
      }
      if (parts.actions !== undefined) {
        const n = b.startNested(O.OVS_PACKET_ATTR_ACTIONS);
        putOdpActions(b, parseOdpActionsText(parts.actions));
        b.endNested(n);
      }
    }, { dpIfindex: options.dpIfindex });
  const cases: [string, Uint8Array, number, boolean?][] = [
    ['no packet', execute({ actions: '2' }), 22],
    ['no key', execute({ packet: SMALL_FRAME, key: false, actions: '2' }), 22],
    ['no actions', execute({ packet: SMALL_FRAME }), 22],
    ['a packet shorter than an Ethernet header', execute({ packet: SMALL_FRAME.subarray(0, 13), actions: '2' }), 34],
    ['a ct action', execute({ packet: SMALL_FRAME, actions: 'ct(commit),2' }), 95],
    ['a set of IPv4 fields on a frame that is not IPv4', execute({ packet: SMALL_FRAME, actions: 'set(ipv4(ttl=3)),2' }), 22],
    ['an unknown datapath', execute({ packet: SMALL_FRAME, actions: '2' }, { dpIfindex: 3 }), 19],
    ['no admin right', execute({ packet: SMALL_FRAME, actions: '2' }), 1, false],
    ['MISS sent by userspace', execute({ packet: SMALL_FRAME, actions: '2' }, { cmd: O.OVS_PACKET_CMD_MISS }), 95],
  ];
  for (const [what, message, errno, admin] of cases) {
    assert.equal(errnoOf(genl.handleRequest(message, { pid: 77, admin: admin ?? true })), errno, what);
  }
  assert.deepEqual(out, []);
});

test('a dummy port records received and sent packets with pcap, rxq_pcap and tx_pcap', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dp-pcap-'));
  try {
    const genl = withDatapath();
    addFlow(genl, 'in_port(1),eth()', '2');
    const reg = genl.registry;
    assert.equal(reg.setDummyOptions('p1', { rxq_pcap: join(dir, 'p1-rx.pcap') }), 0);
    assert.equal(reg.setDummyOptions('p2', { pcap: join(dir, 'p2.pcap') }), 0);
    assert.equal(reg.setDummyOptions('p2', { bogus: 'x' }), 22);
    assert.equal(reg.setDummyOptions('dp0', { pcap: join(dir, 'x.pcap') }), 22, 'not a dummy port');
    assert.equal(reg.setDummyOptions('p1', { tx_pcap: join(dir, 'no', 'such', 'dir.pcap') }), 2);
    const frames = [SMALL_FRAME, buildPacket({ eth: {}, ipv4: {}, icmp: { type: 8 } })];
    for (const f of frames) reg.injectPacket('p1', f);
    reg.injectPacket('p2', SMALL_FRAME);
    assert.deepEqual(readPcapFile(join(dir, 'p1-rx.pcap')).records.map((r) => toHex(r.data)), frames.map(toHex));
    // p2 sent the two forwarded frames and received one (which found no flow).
    assert.deepEqual(readPcapFile(join(dir, 'p2.pcap')).records.map((r) => toHex(r.data)),
      [...frames, SMALL_FRAME].map(toHex));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('stream and pstream join two dummy ports: what one sends, the other receives', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dp-stream-'));
  const genl = withDatapath();
  const reg = genl.registry;
  try {
    const dp = reg.byDpName('dp0')!;
    assert.equal(typeof reg.addPort(dp, { name: 'p3', type: O.OVS_VPORT_TYPE_NETDEV, upcallPids: [5], portNo: 3 }), 'object');
    addFlow(genl, 'in_port(1),eth()', '2');
    addFlow(genl, 'in_port(3),eth()', 'push_vlan(vid=9,pcp=0),1');
    const socket = join(dir, 'p2.sock');
    assert.equal(reg.setDummyOptions('p2', { pstream: `punix:${socket}` }), 0);
    assert.equal(await reg.findPort('p2')!.port.stream!.ready, 0);
    assert.equal(reg.setDummyOptions('p3', { stream: `unix:${socket}` }), 0);
    assert.equal(await reg.findPort('p3')!.port.stream!.ready, 0);
    assert.equal(reg.setDummyOptions('p3', { stream: 'bogus:x' }), 97, 'an unknown stream type');
    const p2 = reg.findPort('p2')!.port;
    for (let i = 0; i < 100 && p2.stream!.connections === 0; i++) await new Promise((r) => setTimeout(r, 10));
    const back = capture(genl, 'p1');
    reg.injectPacket('p1', SMALL_FRAME);
    for (let i = 0; i < 100 && back.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(dp.ports.get(3)!.stats.rxPackets, 1);
    assert.deepEqual(back.map(toHex), [toHex(hex('000000000002 000000000001 8100 0009 8809 abcd'))]);
  } finally {
    for (const name of ['p2', 'p3']) reg.findPort(name)?.port.closePcaps();
    rmSync(dir, { recursive: true, force: true });
  }
});
