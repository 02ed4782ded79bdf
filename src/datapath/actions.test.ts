import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ActionExecutor, compileActions, type CompiledActions, type DatapathPorts, type UpcallSink, type UserspaceAction,
} from './actions.js';
import { FlowTable } from './flow-table.js';
import { EINVAL, EOPNOTSUPP } from '../lib/errno.js';
import * as L from '../flow/layout.js';
import { Match } from '../flow/match.js';
import type { OdpAction } from '../netlink/odp-actions.js';
import * as O from '../netlink/openvswitch.js';
import { parseIpv4, parseIpv6, parseMac } from '../packet/addr.js';
import { PacketBatch } from '../packet/batch.js';
import { buildPacket, type PacketSpec } from '../packet/build.js';
import { bytesToHex } from '../packet/hex.js';
import { Packet } from '../packet/packet.js';
import { PacketPool } from '../packet/pool.js';

const ETH = { src: '00:00:00:00:00:01', dst: '00:00:00:00:00:02' };
const TCP: PacketSpec = { eth: ETH, ipv4: {}, tcp: { src: 1234, dst: 80, flags: 0x18 }, payload: 'hello' };

interface Sent { port: number; hex: string }

class Harness implements DatapathPorts, UpcallSink {
  readonly pool = new PacketPool({ count: 64 });
  readonly table = new FlowTable<CompiledActions>({ emcInsertInverseProbability: 1 });
  sent: Sent[] = [];
  misses: Uint32Array[] = [];
  userspaceCalls: { key: Uint32Array; action: UserspaceAction; hex: string }[] = [];
  flushes = 0;
  meterDrops = false;
  readonly executor: ActionExecutor;

  constructor() {
    this.executor = new ActionExecutor({
      table: this.table, ports: this, upcalls: this, pool: this.pool,
      meters: { drops: () => this.meterDrops },
    });
  }

  send(port: number, packet: Packet): void {
    this.sent.push({ port, hex: bytesToHex(packet.data()) });
    packet.release();
  }

  flush(): void {
    this.flushes++;
  }

  miss(_packet: Packet, key: Uint32Array): void {
    this.misses.push(Uint32Array.from(key));
  }

  userspace(packet: Packet, key: Uint32Array, action: UserspaceAction): void {
    this.userspaceCalls.push({ key: Uint32Array.from(key), action, hex: bytesToHex(packet.data()) });
  }

  /** Runs `actions` on the packet `spec` builds (taken from the pool, so leaks show). */
  run(spec: PacketSpec | Uint8Array, actions: OdpAction[]): Sent[] {
    const compiled = compileActions(actions);
    assert.ok(typeof compiled !== 'number', `compile failed: ${String(compiled)}`);
    const packet = this.pool.get() as Packet;
    packet.setData(spec instanceof Uint8Array ? spec : buildPacket(spec));
    const key = L.newKey();
    this.executor.extract(packet, key);
    this.executor.execute(packet, key, compiled);
    assert.equal(this.pool.available, this.pool.capacity, 'every packet went back to the pool');
    return this.sent;
  }

  addFlow(match: Match, actions: OdpAction[]): void {
    const compiled = compileActions(actions);
    assert.ok(typeof compiled !== 'number');
    assert.equal(this.table.insert(match, compiled), 0);
  }
}

function hex(spec: PacketSpec): string {
  return bytesToHex(buildPacket(spec));
}

function u32le(value: number): Uint8Array {
  return Uint8Array.of(value & 0xff, (value >>> 8) & 0xff, (value >>> 16) & 0xff, value >>> 24);
}

function concat(...parts: (Uint8Array | number[])[]): Uint8Array {
  const out: number[] = [];
  for (const p of parts) out.push(...p);
  return Uint8Array.from(out);
}

test('output: every output but the last sends a copy; the last sends the packet', () => {
  const h = new Harness();
  const sent = h.run(TCP, [{ type: 'output', port: 1 }, { type: 'output', port: 2 }]);
  assert.deepEqual(sent, [{ port: 1, hex: hex(TCP) }, { port: 2, hex: hex(TCP) }]);
});

test('no actions drop the packet', () => {
  const h = new Harness();
  assert.deepEqual(h.run(TCP, []), []);
});

test('set ethernet rewrites both addresses', () => {
  const h = new Harness();
  const data = concat(parseMac('aa:00:00:00:00:01'), parseMac('bb:00:00:00:00:02'));
  const sent = h.run(TCP, [{ type: 'set', attr: O.OVS_KEY_ATTR_ETHERNET, data }, { type: 'output', port: 1 }]);
  assert.equal(sent[0].hex, hex({ ...TCP, eth: { src: 'aa:00:00:00:00:01', dst: 'bb:00:00:00:00:02' } }));
});

test('set_masked ethernet changes only the masked bits', () => {
  const h = new Harness();
  const value = concat(parseMac('ff:ff:ff:ff:ff:ff'), parseMac('00:00:00:00:00:00'));
  const mask = concat(parseMac('00:00:00:00:00:f0'), parseMac('00:00:00:00:00:00'));
  const sent = h.run(TCP, [{ type: 'set_masked', attr: O.OVS_KEY_ATTR_ETHERNET, value, mask }, { type: 'output', port: 1 }]);
  assert.equal(sent[0].hex, hex({ ...TCP, eth: { src: '00:00:00:00:00:f1', dst: ETH.dst } }));
});

function ipv4Key(src: string, dst: string, proto: number, tos: number, ttl: number): Uint8Array {
  return concat(parseIpv4(src), parseIpv4(dst), [proto, tos, ttl, 0]);
}

test('set_masked ipv4 src/dst/tos/ttl keeps IPv4 and TCP checksums valid', () => {
  const h = new Harness();
  const value = ipv4Key('192.168.1.1', '172.16.0.9', 0, 0xb8, 7);
  const mask = ipv4Key('255.255.255.255', '255.255.0.0', 0, 0xfc, 0xff);
  const sent = h.run(TCP, [{ type: 'set_masked', attr: O.OVS_KEY_ATTR_IPV4, value, mask }, { type: 'output', port: 1 }]);
  assert.equal(sent[0].hex, hex({ ...TCP, ipv4: { src: '192.168.1.1', dst: '172.16.0.2', tos: 0xb8, ttl: 7 } }));
});

test('set ipv4 on UDP updates the UDP checksum; a zero UDP checksum stays zero', () => {
  const h = new Harness();
  const udp: PacketSpec = { eth: ETH, ipv4: {}, udp: { src: 5, dst: 53 }, payload: 'q' };
  const data = ipv4Key('1.2.3.4', '5.6.7.8', 17, 0, 64);
  let sent = h.run(udp, [{ type: 'set', attr: O.OVS_KEY_ATTR_IPV4, data }, { type: 'output', port: 1 }]);
  assert.equal(sent[0].hex, hex({ ...udp, ipv4: { src: '1.2.3.4', dst: '5.6.7.8' } }));
  h.sent = [];
  const noSum: PacketSpec = { ...udp, udp: { src: 5, dst: 53, checksum: 0 } };
  sent = h.run(noSum, [{ type: 'set', attr: O.OVS_KEY_ATTR_IPV4, data }, { type: 'output', port: 1 }]);
  assert.equal(sent[0].hex, hex({ ...noSum, ipv4: { src: '1.2.3.4', dst: '5.6.7.8' } }));
});

test('set_masked ipv6 addresses, label, class and hop limit keep the TCP checksum valid', () => {
  const h = new Harness();
  const v6: PacketSpec = { eth: ETH, ipv6: { flowLabel: 5, trafficClass: 1 }, tcp: { src: 1, dst: 2 }, payload: 'x' };
  const value = concat(parseIpv6('2001:db8::99'), parseIpv6('fe80::7'), [0, 0x0a, 0xbc, 0xde], [0, 0x20, 9, 0]);
  const mask = concat(parseIpv6('::ffff'), new Uint8Array(16), [0, 0x0f, 0xff, 0xff], [0, 0xff, 0xff, 0]);
  const sent = h.run(v6, [{ type: 'set_masked', attr: O.OVS_KEY_ATTR_IPV6, value, mask }, { type: 'output', port: 1 }]);
  assert.equal(sent[0].hex, hex({ ...v6, ipv6: { src: '2001:db8::99', flowLabel: 0xabcde, trafficClass: 0x20, hopLimit: 9 } }));
});

test('set tcp, udp and sctp ports with valid checksums (SCTP CRC32c recomputed)', () => {
  const h = new Harness();
  const ports = Uint8Array.of(0x1f, 0x90, 0x00, 0x16); // 8080, 22
  let sent = h.run(TCP, [{ type: 'set', attr: O.OVS_KEY_ATTR_TCP, data: ports }, { type: 'output', port: 1 }]);
  assert.equal(sent[0].hex, hex({ ...TCP, tcp: { src: 8080, dst: 22, flags: 0x18 } }));
  h.sent = [];
  const udp: PacketSpec = { eth: ETH, ipv4: {}, udp: { src: 5, dst: 53 }, payload: 'q' };
  const mask = Uint8Array.of(0, 0, 0xff, 0xff);
  sent = h.run(udp, [{ type: 'set_masked', attr: O.OVS_KEY_ATTR_UDP, value: ports, mask }, { type: 'output', port: 1 }]);
  assert.equal(sent[0].hex, hex({ ...udp, udp: { src: 5, dst: 22 } }));
  h.sent = [];
  const sctp: PacketSpec = { eth: ETH, ipv4: {}, sctp: { src: 7, dst: 9, chunks: [{ type: 0, data: [1, 2, 3, 4] }] } };
  sent = h.run(sctp, [{ type: 'set', attr: O.OVS_KEY_ATTR_SCTP, data: ports }, { type: 'output', port: 1 }]);
  assert.equal(sent[0].hex, hex({ ...sctp, sctp: { src: 8080, dst: 22, chunks: [{ type: 0, data: [1, 2, 3, 4] }] } }));
});

test('set icmp type and code', () => {
  const h = new Harness();
  const icmp: PacketSpec = { eth: ETH, ipv4: {}, icmp: { type: 8, id: 1, seq: 2 } };
  const sent = h.run(icmp, [{ type: 'set', attr: O.OVS_KEY_ATTR_ICMP, data: Uint8Array.of(0, 0) }, { type: 'output', port: 1 }]);
  assert.equal(sent[0].hex, hex({ ...icmp, icmp: { type: 0, id: 1, seq: 2 } }));
});

test('set arp fields', () => {
  const h = new Harness();
  const arp: PacketSpec = { eth: ETH, arp: { op: 1, sha: ETH.src, spa: '10.0.0.1', tpa: '10.0.0.2' } };
  const data = concat(parseIpv4('10.0.0.2'), parseIpv4('10.0.0.1'), [0, 2], parseMac('00:00:00:00:00:02'), parseMac(ETH.src), [0, 0]);
  const sent = h.run(arp, [{ type: 'set', attr: O.OVS_KEY_ATTR_ARP, data }, { type: 'output', port: 1 }]);
  assert.equal(sent[0].hex, hex({
    eth: ETH, arp: { op: 2, sha: '00:00:00:00:00:02', spa: '10.0.0.2', tha: ETH.src, tpa: '10.0.0.1' },
  }));
});

test('set nd target and source link address of a neighbour solicitation', () => {
  const h = new Harness();
  const ns = (target: string, mac: string): PacketSpec => ({
    eth: ETH, ipv6: { dst: 'ff02::1:ff00:2', hopLimit: 255 },
    icmpv6: { type: 135, target, options: [{ type: 1, mac }] },
  });
  const data = concat(parseIpv6('2001:db8::77'), parseMac('0a:0b:0c:0d:0e:0f'), new Uint8Array(6));
  const mask = concat(new Uint8Array(16).fill(0xff), new Uint8Array(6).fill(0xff), new Uint8Array(6));
  const sent = h.run(ns('2001:db8::2', ETH.src), [
    { type: 'set_masked', attr: O.OVS_KEY_ATTR_ND, value: data, mask }, { type: 'output', port: 1 },
  ]);
  assert.equal(sent[0].hex, hex(ns('2001:db8::77', '0a:0b:0c:0d:0e:0f')));
});

test('push_vlan then pop_vlan; the pushed TCI loses its CFI marker', () => {
  const h = new Harness();
  const tagged: PacketSpec = { ...TCP, vlans: [{ vid: 10, pcp: 3 }] };
  let sent = h.run(TCP, [{ type: 'push_vlan', tpid: 0x8100, tci: 0x1000 | (3 << 13) | 10 }, { type: 'output', port: 1 }]);
  assert.equal(sent[0].hex, hex(tagged));
  h.sent = [];
  sent = h.run(tagged, [{ type: 'pop_vlan' }, { type: 'output', port: 1 }]);
  assert.equal(sent[0].hex, hex(TCP));
});

test('push_vlan over a tag makes the new tag the outer one, and later sets see the new layout', () => {
  const h = new Harness();
  const inner: PacketSpec = { ...TCP, vlans: [{ vid: 10 }] };
  const ttl = ipv4Key('0.0.0.0', '0.0.0.0', 0, 0, 9);
  const ttlMask = ipv4Key('0.0.0.0', '0.0.0.0', 0, 0, 0xff);
  const sent = h.run(inner, [
    { type: 'push_vlan', tpid: 0x88a8, tci: 0x1000 | 20 },
    { type: 'set_masked', attr: O.OVS_KEY_ATTR_IPV4, value: ttl, mask: ttlMask },
    { type: 'output', port: 1 },
  ]);
  assert.equal(sent[0].hex, hex({ ...TCP, ipv4: { ttl: 9 }, vlans: [{ tpid: 0x88a8, vid: 20 }, { vid: 10 }] }));
});

test('push_mpls, set mpls, pop_mpls', () => {
  const h = new Harness();
  const lse = (100 << 12) | (1 << 8) | 64;
  const mpls: PacketSpec = { eth: { ...ETH, type: 0x8847 }, mpls: [{ label: 100, ttl: 64 }], ipv4: {}, tcp: TCP.tcp, payload: 'hello' };
  let sent = h.run(TCP, [{ type: 'push_mpls', lse, ethertype: 0x8847 }, { type: 'output', port: 1 }]);
  assert.equal(sent[0].hex, hex(mpls));
  h.sent = [];
  const value = Uint8Array.of(0, 0x0c, 0x81, 5);
  sent = h.run(mpls, [
    { type: 'set_masked', attr: O.OVS_KEY_ATTR_MPLS, value, mask: Uint8Array.of(0xff, 0xff, 0xf0, 0xff) },
    { type: 'output', port: 1 },
  ]);
  assert.equal(sent[0].hex, hex({ ...mpls, mpls: [{ label: 200, ttl: 5 }] }));
  h.sent = [];
  sent = h.run(mpls, [{ type: 'pop_mpls', ethertype: 0x0800 }, { type: 'output', port: 1 }]);
  assert.equal(sent[0].hex, hex(TCP));
});

test('pop_eth leaves the IP packet; push_eth puts an Ethernet header back', () => {
  const h = new Harness();
  const sent = h.run(TCP, [
    { type: 'pop_eth' }, { type: 'output', port: 1 },
    { type: 'push_eth', src: parseMac('00:00:00:00:00:0a'), dst: parseMac('00:00:00:00:00:0b') },
    { type: 'output', port: 2 },
  ]);
  assert.equal(sent[0].hex, hex(TCP).slice(28));
  assert.equal(sent[1].hex, hex({ ...TCP, eth: { src: '00:00:00:00:00:0a', dst: '00:00:00:00:00:0b' } }));
});

test('trunc applies to the next output only', () => {
  const h = new Harness();
  const sent = h.run(TCP, [{ type: 'trunc', maxLen: 20 }, { type: 'output', port: 1 }, { type: 'output', port: 2 }]);
  assert.equal(sent[0].hex, hex(TCP).slice(0, 40));
  assert.equal(sent[1].hex, hex(TCP));
});

test('clone runs its actions on a copy; the packet continues unchanged', () => {
  const h = new Harness();
  const data = concat(parseMac('aa:00:00:00:00:01'), parseMac('bb:00:00:00:00:02'));
  const sent = h.run(TCP, [
    { type: 'clone', actions: [{ type: 'set', attr: O.OVS_KEY_ATTR_ETHERNET, data }, { type: 'output', port: 1 }] },
    { type: 'output', port: 2 },
  ]);
  assert.equal(sent[0].hex, hex({ ...TCP, eth: { src: 'aa:00:00:00:00:01', dst: 'bb:00:00:00:00:02' } }));
  assert.deepEqual(sent[1], { port: 2, hex: hex(TCP) });
});

test('sample with probability 0 never runs, with 0xffffffff always', () => {
  const h = new Harness();
  const out: OdpAction[] = [{ type: 'output', port: 1 }];
  for (let i = 0; i < 50; i++) h.run(TCP, [{ type: 'sample', probability: 0, actions: out }]);
  assert.equal(h.sent.length, 0);
  h.run(TCP, [{ type: 'sample', probability: 0xffffffff, actions: out }, { type: 'output', port: 2 }]);
  assert.deepEqual(h.sent.map((s) => s.port), [1, 2]);
  h.sent = [];
  for (let i = 0; i < 1000; i++) h.run(TCP, [{ type: 'sample', probability: 0x80000000, actions: out }]);
  assert.ok(h.sent.length > 400 && h.sent.length < 600, `half sampled: ${h.sent.length}`);
});

test('check_pkt_len picks its branch by the packet length', () => {
  const h = new Harness();
  const len = buildPacket(TCP).length;
  const action = (pktLen: number): OdpAction => ({
    type: 'check_pkt_len', pktLen, ifGreater: [{ type: 'output', port: 1 }], ifLessEqual: [{ type: 'output', port: 2 }],
  });
  h.run(TCP, [action(len - 1)]);
  h.run(TCP, [action(len)]);
  assert.deepEqual(h.sent.map((s) => s.port), [1, 2]);
});

test('meter drops what the meter hook refuses; drop drops', () => {
  const h = new Harness();
  h.run(TCP, [{ type: 'meter', id: 3 }, { type: 'output', port: 1 }]);
  h.meterDrops = true;
  h.run(TCP, [{ type: 'meter', id: 3 }, { type: 'output', port: 1 }]);
  h.run(TCP, [{ type: 'drop', reason: 0 }, { type: 'output', port: 1 }]);
  assert.equal(h.sent.length, 1);
  assert.equal(h.executor.counters.dropped, 2);
});

test('userspace hands the packet, its current key and the action arguments to the sink', () => {
  const h = new Harness();
  const userdata = Uint8Array.of(1, 2, 3);
  h.run(TCP, [
    { type: 'set', attr: O.OVS_KEY_ATTR_SKB_MARK, data: u32le(0x42) },
    { type: 'set_masked', attr: O.OVS_KEY_ATTR_PRIORITY, value: u32le(0xff), mask: u32le(0x0f) },
    { type: 'set', attr: O.OVS_KEY_ATTR_TCP, data: Uint8Array.of(0, 7, 0, 8) },
    { type: 'hash', alg: 0, basis: 9 },
    { type: 'userspace', pid: 77, userdata },
    { type: 'output', port: 1 },
  ]);
  assert.equal(h.userspaceCalls.length, 1);
  const { key, action, hex: bytes } = h.userspaceCalls[0];
  assert.equal(action.pid, 77);
  assert.deepEqual(action.userdata, userdata);
  assert.equal(key[L.PKT_MARK], 0x42);
  assert.equal(key[L.SKB_PRIORITY], 0x0f);
  assert.equal(key[L.TP_SRC], 7);
  assert.equal(key[L.TP_DST], 8);
  assert.notEqual(key[L.DP_HASH], 0);
  assert.equal(bytes, hex({ ...TCP, tcp: { src: 7, dst: 8, flags: 0x18 } }));
});

test('set tunnel records the tunnel in the key for later actions', () => {
  const h = new Harness();
  const tunnel = concat(
    [12, 0, O.OVS_TUNNEL_KEY_ATTR_ID, 0, 0, 0, 0, 0, 0, 0, 0, 5],
    [8, 0, O.OVS_TUNNEL_KEY_ATTR_IPV4_DST, 0], parseIpv4('192.0.2.9'),
    [5, 0, O.OVS_TUNNEL_KEY_ATTR_TTL, 0, 64, 0, 0, 0],
  );
  h.run(TCP, [{ type: 'set', attr: O.OVS_KEY_ATTR_TUNNEL, data: tunnel }, { type: 'userspace', pid: 1 }]);
  const key = h.userspaceCalls[0].key;
  assert.equal(key[L.TUN_ID_LO], 5);
  assert.equal(key[L.TUN_IPV4_DST], 0xc0000209);
  assert.equal(key[L.TUN_TTL], 64);
});

function recircMatch(id: number, extra?: (m: Match) => void): Match {
  const m = new Match();
  m.setExact(L.RECIRC_ID, id);
  extra?.(m);
  return m;
}

test('recirc looks the packet up again with its recirc_id and the key as the actions left it', () => {
  const h = new Harness();
  h.addFlow(recircMatch(5, (m) => m.setExact(L.NW_SRC, 0x01020304)), [{ type: 'output', port: 9 }]);
  const data = ipv4Key('1.2.3.4', '10.0.0.2', 6, 0, 64);
  const sent = h.run(TCP, [{ type: 'set', attr: O.OVS_KEY_ATTR_IPV4, data }, { type: 'recirc', id: 5 }]);
  assert.deepEqual(sent, [{ port: 9, hex: hex({ ...TCP, ipv4: { src: '1.2.3.4' } }) }]);
  h.run(TCP, [{ type: 'recirc', id: 6 }]);
  assert.equal(h.misses.length, 1);
  assert.equal(h.misses[0][L.RECIRC_ID], 6);
});

test('recirculation loops are cut off and counted', () => {
  const h = new Harness();
  h.addFlow(recircMatch(1), [{ type: 'output', port: 3 }, { type: 'recirc', id: 1 }]);
  h.run(TCP, [{ type: 'recirc', id: 1 }]);
  assert.equal(h.sent.length, 5);
  assert.equal(h.executor.counters.loopDrops, 1);
});

test('receive() extracts, looks up, credits the flow, executes, sends misses up and flushes once', () => {
  const h = new Harness();
  const m = new Match();
  m.setExact(L.IN_PORT, 4);
  m.setExact(L.TP_DST, 80);
  h.addFlow(m, [{ type: 'output', port: 2 }]);
  const batch = new PacketBatch();
  for (const dst of [80, 81, 80]) {
    const p = h.pool.get() as Packet;
    p.setData(buildPacket({ ...TCP, tcp: { dst, flags: 0x02 } }));
    batch.add(p);
  }
  h.executor.receive(batch, 4);
  assert.equal(batch.count, 0);
  assert.deepEqual(h.sent.map((s) => s.port), [2, 2]);
  assert.equal(h.misses.length, 1);
  assert.equal(h.misses[0][L.TP_DST], 81);
  assert.equal(h.flushes, 1);
  const flow = h.table.getExact(m);
  assert.equal(flow?.packets, 2);
  assert.equal(flow?.bytes, 2 * buildPacket(TCP).length);
  assert.equal(flow?.tcpFlags, 0x02);
  assert.equal(h.pool.available, h.pool.capacity);
});

test('compileActions() refuses what the kernel refuses', () => {
  const ipv4 = ipv4Key('1.1.1.1', '2.2.2.2', 6, 0, 0);
  assert.equal(compileActions([{ type: 'set_masked', attr: O.OVS_KEY_ATTR_IPV4, value: ipv4, mask: ipv4 }]), EINVAL);
  assert.equal(compileActions([{ type: 'set', attr: O.OVS_KEY_ATTR_IN_PORT, data: u32le(1) }]), EINVAL);
  assert.equal(compileActions([{ type: 'set', attr: O.OVS_KEY_ATTR_TCP, data: Uint8Array.of(1) }]), EINVAL);
  assert.equal(compileActions([{ type: 'push_vlan', tpid: 0x8100, tci: 5 }]), EINVAL);
  assert.equal(compileActions([{ type: 'push_mpls', lse: 0, ethertype: 0x0800 }]), EINVAL);
  assert.equal(compileActions([{ type: 'ct', commit: true }]), EOPNOTSUPP);
  let nested: OdpAction[] = [{ type: 'output', port: 1 }];
  for (let i = 0; i < 20; i++) nested = [{ type: 'clone', actions: nested }];
  assert.equal(compileActions(nested), EINVAL);
});

test('receive() carries tunnel metadata into the key and clears it for the next packet in that slot', () => {
  const h = new Harness();
  const tunnelled = new Match();
  tunnelled.setExact(L.TUN_IPV4_DST, 0xc0000201);
  tunnelled.setExact(L.TUN_ID_LO, 0);
  tunnelled.setExact(L.CT_STATE, 0);
  tunnelled.setExact(L.IN_PORT, 1);
  h.addFlow(tunnelled, [{ type: 'output', port: 7 }]);
  const plain = new Match();
  plain.setExact(L.TUN_IPV4_DST, 0);
  plain.setExact(L.TUN_ID_LO, 0);
  plain.setExact(L.CT_STATE, 0);
  plain.setExact(L.IN_PORT, 1);
  h.addFlow(plain, [{ type: 'output', port: 8 }]);
  const batch = new PacketBatch();
  const send = (tunnelDst: number): void => {
    const p = h.pool.get() as Packet;
    p.setData(buildPacket(TCP));
    p.metadata[L.TUN_IPV4_DST] = tunnelDst;
    batch.add(p);
    h.executor.receive(batch, 1);
  };
  send(0xc0000201);
  send(0);
  // A flow that sets a tunnel dirties the slot too.
  const tunnel = concat([12, 0, O.OVS_TUNNEL_KEY_ATTR_ID, 0, 0, 0, 0, 0, 0, 0, 0, 9]);
  const any = new Match();
  any.setExact(L.IN_PORT, 2);
  h.addFlow(any, [{ type: 'set', attr: O.OVS_KEY_ATTR_TUNNEL, data: tunnel }, { type: 'output', port: 9 }]);
  const p = h.pool.get() as Packet;
  p.setData(buildPacket(TCP));
  batch.add(p);
  h.executor.receive(batch, 2);
  send(0);
  assert.deepEqual(h.sent.map((s) => s.port), [7, 8, 9, 8]);
  assert.equal(h.misses.length, 0);
});
