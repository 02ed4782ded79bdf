// Tests of the ovs_meter and ovs_ct_limit families (genl-meter.ts,
// genl-ct-limit.ts, meter.ts) and of tunnel vport configuration: golden
// bytes written by hand from linux/openvswitch.h, drop-band enforcement on
// the packet path, errnos that change nothing.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NlAttrIter } from '../netlink/attr.js';
import { NLM_F_ACK, NLM_F_DUMP } from '../netlink/message.js';
import { putOdpActions } from '../netlink/odp-actions.js';
import { putOdpFlowKey, putOdpMask } from '../netlink/odp-key.js';
import { parseOdpActionsText, parseOdpFlow } from '../netlink/odp-text.js';
import * as O from '../netlink/openvswitch.js';
import { readFlowStats } from '../netlink/ovs-structs.js';
import { buildPacket } from '../packet/build.js';
import { ADMIN, attrsOf, errnoOf, hex, IDS, request, toHex, withDatapath } from './test-support.js';

// OVS_METER_CMD_FEATURES (1), seq 1, port id 77, dp_ifindex 100, no attributes.
const GOLDEN_FEATURES = hex('18000000 1700 0100 01000000 4d000000 01 01 0000 64000000');
// MAX_METERS (7) 2^20, MAX_BANDS (8) 1, BANDS (4) { band (0) { TYPE (1) DROP (1) } }.
const GOLDEN_FEATURES_REPLY = hex(`
  38000000 1700 0000 01000000 4d000000
  01 01 0000
  64000000
  0800 0700 00001000
  0800 0800 01000000
  1000 0400 0c00 0000 0800 0100 01000000`);

// OVS_METER_CMD_SET (2): ID (1) 1, BANDS (4) { band (0) { TYPE (1) drop, RATE (2) 1, BURST (3) 1 } }.
const GOLDEN_METER_SET = hex(`
  40000000 1700 0100 01000000 4d000000
  02 01 0000
  64000000
  0800 0100 01000000
  2000 0400 1c00 0000 0800 0100 01000000 0800 0200 01000000 0800 0300 01000000`);
// A new meter: the reply holds only its ID.
const GOLDEN_METER_SET_REPLY = hex(`
  20000000 1700 0000 01000000 4d000000
  02 01 0000
  64000000
  0800 0100 01000000`);

test('OVS_METER_CMD_FEATURES and SET answer the golden replies', () => {
  const genl = withDatapath();
  assert.deepEqual(genl.handleRequest(GOLDEN_FEATURES, { pid: 77, admin: false }).map(toHex), [toHex(GOLDEN_FEATURES_REPLY)]);
  assert.deepEqual(genl.handleRequest(GOLDEN_METER_SET, ADMIN).map(toHex), [toHex(GOLDEN_METER_SET_REPLY)]);
  assert.deepEqual(genl.takeEvents(), [], 'meters notify nobody');
});

function meterRequest(cmd: number, id: number | null, bands: [number, number, number][] | null, options: { flags?: number } = {}): Uint8Array {
  return request(IDS.meter, cmd, (b) => {
    if (id !== null) b.putAttrU32(O.OVS_METER_ATTR_ID, id);
    if (bands !== null) {
      const n = b.startNested(O.OVS_METER_ATTR_BANDS);
      for (const [type, rate, burst] of bands) {
        const band = b.startNested(O.OVS_BAND_ATTR_UNSPEC);
        b.putAttrU32(O.OVS_BAND_ATTR_TYPE, type);
        b.putAttrU32(O.OVS_BAND_ATTR_RATE, rate);
        b.putAttrU32(O.OVS_BAND_ATTR_BURST, burst);
        b.endNested(band);
      }
      b.endNested(n);
    }
  }, options);
}

/** Meter and band packet counts of a meter reply. */
function meterCounts(reply: Uint8Array): { packets: number; bandPackets: number[] } {
  const a = attrsOf(reply);
  const bands = a.get(O.OVS_METER_ATTR_BANDS)!;
  const bandPackets: number[] = [];
  const it = new NlAttrIter(bands, 0, bands.length);
  while (it.next()) {
    const inner = new NlAttrIter(bands, it.offset, it.offset + it.length);
    while (inner.next()) if (inner.type === O.OVS_BAND_ATTR_STATS) bandPackets.push(readFlowStats(bands, inner.offset).packets);
  }
  return { packets: readFlowStats(a.get(O.OVS_METER_ATTR_STATS)!, 0).packets, bandPackets };
}

test('a drop band drops what exceeds its bucket, and GET, DEL and a replacing SET report the counts', () => {
  const genl = withDatapath();
  genl.handleRequest(GOLDEN_METER_SET, ADMIN);
  assert.equal(errnoOf(genl.handleRequest(request(IDS.flow, O.OVS_FLOW_CMD_NEW, (b) => {
    const m = parseOdpFlow('in_port(1),eth()');
    let n = b.startNested(O.OVS_FLOW_ATTR_KEY);
    putOdpFlowKey(b, m);
    b.endNested(n);
    n = b.startNested(O.OVS_FLOW_ATTR_MASK);
    putOdpMask(b, m);
    b.endNested(n);
    n = b.startNested(O.OVS_FLOW_ATTR_ACTIONS);
    putOdpActions(b, parseOdpActionsText('meter(1),2'));
    b.endNested(n);
  }, { flags: NLM_F_ACK }), ADMIN)), 0);
  const sent: number[] = [];
  genl.registry.findPort('p2')!.port.onTransmit = (_p, packet) => sent.push(packet.size);
  const frame = buildPacket({ eth: {}, ipv4: {}, udp: {}, padTo: 60 });
  // Rate 1 packet/s, burst 1: a full bucket holds (burst + rate) packets; the rest of a quick burst is dropped.
  for (let i = 0; i < 5; i++) genl.registry.injectPacket('p1', frame);
  assert.equal(sent.length, 2);
  const [got] = genl.handleRequest(meterRequest(O.OVS_METER_CMD_GET, 1, null), { pid: 77, admin: false });
  assert.deepEqual(meterCounts(got), { packets: 5, bandPackets: [3] });
  assert.equal(attrsOf(got).get(O.OVS_METER_ATTR_USED)!.length, 8);
  // Replacing the meter answers with the old one's statistics (the ID comes first, then again with them).
  const [replaced] = genl.handleRequest(meterRequest(O.OVS_METER_CMD_SET, 1, [[1, 1000, 1000]]), ADMIN);
  assert.deepEqual(meterCounts(replaced), { packets: 5, bandPackets: [3] });
  for (let i = 0; i < 5; i++) genl.registry.injectPacket('p1', frame);
  assert.equal(sent.length, 7);
  const [dump, done] = genl.handleRequest(meterRequest(O.OVS_METER_CMD_GET, null, null, { flags: NLM_F_DUMP }), ADMIN);
  assert.deepEqual(meterCounts(dump), { packets: 5, bandPackets: [0] });
  assert.equal(done[4], 3, 'NLMSG_DONE');
  const [deleted] = genl.handleRequest(meterRequest(O.OVS_METER_CMD_DEL, 1, null), ADMIN);
  assert.equal(meterCounts(deleted).packets, 5);
  // Deleting a missing meter is no error: the reply has no attributes.
  const [again] = genl.handleRequest(meterRequest(O.OVS_METER_CMD_DEL, 1, null), ADMIN);
  assert.equal(toHex(again), '180000001700000001000000' + '4d000000' + '03010000' + '64000000');
  // Without the meter the action drops nothing.
  genl.registry.injectPacket('p1', frame);
  assert.equal(sent.length, 8);
});

test('a kbps meter charges bits: a 60-byte frame costs 480 of the bucket\'s (burst + rate) * 1000', () => {
  const genl = withDatapath();
  const set = request(IDS.meter, O.OVS_METER_CMD_SET, (b) => {
    b.putAttrU32(O.OVS_METER_ATTR_ID, 2);
    b.putFlag(O.OVS_METER_ATTR_KBPS);
    const n = b.startNested(O.OVS_METER_ATTR_BANDS);
    const band = b.startNested(0);
    b.putAttrU32(O.OVS_BAND_ATTR_TYPE, O.OVS_METER_BAND_TYPE_DROP);
    b.putAttrU32(O.OVS_BAND_ATTR_RATE, 8);
    b.putAttrU32(O.OVS_BAND_ATTR_BURST, 1);
    b.endNested(band);
    b.endNested(n);
  });
  assert.equal(genl.handleRequest(set, ADMIN).length, 1);
  assert.equal(errnoOf(genl.handleRequest(request(IDS.flow, O.OVS_FLOW_CMD_NEW, (b) => {
    const m = parseOdpFlow('in_port(2),eth()');
    let n = b.startNested(O.OVS_FLOW_ATTR_KEY);
    putOdpFlowKey(b, m);
    b.endNested(n);
    n = b.startNested(O.OVS_FLOW_ATTR_MASK);
    putOdpMask(b, m);
    b.endNested(n);
    n = b.startNested(O.OVS_FLOW_ATTR_ACTIONS);
    putOdpActions(b, parseOdpActionsText('meter(2),1'));
    b.endNested(n);
  }, { flags: NLM_F_ACK }), ADMIN)), 0);
  let sent = 0;
  genl.registry.findPort('p1')!.port.onTransmit = () => sent++;
  const frame = buildPacket({ eth: {}, ipv4: {}, udp: {}, padTo: 60 });
  // 9000 bits hold 18 frames of 480 bits; refill is 8 bits per millisecond.
  for (let i = 0; i < 25; i++) genl.registry.injectPacket('p2', frame);
  assert.ok(sent >= 18 && sent <= 19, `${sent} sent`);
});

test('meter requests Linux refuses get its errno and change nothing', () => {
  const genl = withDatapath();
  genl.handleRequest(GOLDEN_METER_SET, ADMIN);
  const dump = (): string => genl.handleRequest(meterRequest(O.OVS_METER_CMD_GET, null, null, { flags: NLM_F_DUMP }), ADMIN)
    .map((m) => toHex(m).replace(/0c000500.{16}/, 'USED')).join('\n');
  const before = dump();
  const cases: [string, Uint8Array, number, boolean?][] = [
    ['SET without ID', meterRequest(O.OVS_METER_CMD_SET, null, [[1, 1, 1]]), 22],
    ['SET without bands', meterRequest(O.OVS_METER_CMD_SET, 2, null), 22],
    ['SET with two bands', meterRequest(O.OVS_METER_CMD_SET, 2, [[1, 1, 1], [1, 2, 2]]), 22],
    ['SET with rate 0', meterRequest(O.OVS_METER_CMD_SET, 2, [[1, 0, 1]]), 22],
    ['SET of a band without burst', request(IDS.meter, O.OVS_METER_CMD_SET, (b) => {
      b.putAttrU32(O.OVS_METER_ATTR_ID, 2);
      const n = b.startNested(O.OVS_METER_ATTR_BANDS);
      const band = b.startNested(0);
      b.putAttrU32(O.OVS_BAND_ATTR_TYPE, 1);
      b.putAttrU32(O.OVS_BAND_ATTR_RATE, 1);
      b.endNested(band);
      b.endNested(n);
    }), 22],
    ['SET with a 2-byte rate', request(IDS.meter, O.OVS_METER_CMD_SET, (b) => {
      b.putAttrU32(O.OVS_METER_ATTR_ID, 2);
      const n = b.startNested(O.OVS_METER_ATTR_BANDS);
      const band = b.startNested(0);
      b.putAttrU16(O.OVS_BAND_ATTR_RATE, 1);
      b.endNested(band);
      b.endNested(n);
    }), 34],
    ['SET without admin right', meterRequest(O.OVS_METER_CMD_SET, 2, [[1, 1, 1]]), 1, false],
    ['SET in an unknown datapath', request(IDS.meter, O.OVS_METER_CMD_SET, (b) => {
      b.putAttrU32(O.OVS_METER_ATTR_ID, 2);
      const n = b.startNested(O.OVS_METER_ATTR_BANDS);
      const band = b.startNested(0);
      b.putAttrU32(O.OVS_BAND_ATTR_TYPE, 1);
      b.putAttrU32(O.OVS_BAND_ATTR_RATE, 1);
      b.putAttrU32(O.OVS_BAND_ATTR_BURST, 1);
      b.endNested(band);
      b.endNested(n);
    }, { dpIfindex: 4 }), 19],
    ['GET of a missing meter', meterRequest(O.OVS_METER_CMD_GET, 9, null), 2],
    ['DEL without ID', meterRequest(O.OVS_METER_CMD_DEL, null, null), 22],
    ['an unknown command', meterRequest(7, 1, null), 95],
  ];
  for (const [what, message, errno, admin] of cases) {
    assert.equal(errnoOf(genl.handleRequest(message, { pid: 77, admin: admin ?? true })), errno, what);
    assert.equal(dump(), before, what);
  }
});

// OVS_CT_LIMIT_CMD_SET (1), seq 1, dp_ifindex 100: ZONE_LIMIT (1) holding two
// packed struct ovs_zone_limit { zone_id, limit, count }: the default zone (-1)
// limit 10, zone 5 limit 20; and a record for zone 70000, which Linux skips.
const GOLDEN_CT_LIMIT_SET = hex(`
  40000000 1800 0100 01000000 4d000000
  01 01 0000
  64000000
  2800 0100 ffffffff 0a000000 00000000 05000000 14000000 00000000 70110100 01000000 00000000`);

test('ovs_ct_limit stores per-zone limits and reports them, default zone first', () => {
  const genl = withDatapath();
  // SET answers the bare header.
  assert.deepEqual(genl.handleRequest(GOLDEN_CT_LIMIT_SET, ADMIN).map(toHex),
    [toHex(hex('18000000 1800 0000 01000000 4d000000 01 01 0000 64000000'))]);
  const get = request(IDS.ctLimit, O.OVS_CT_LIMIT_CMD_GET, () => {});
  // GET (3) of everything: the default zone, then zone 5, counts 0.
  assert.deepEqual(genl.handleRequest(get, { pid: 77, admin: false }).map(toHex), [toHex(hex(`
    34000000 1800 0000 01000000 4d000000
    03 01 0000
    64000000
    1c00 0100 ffffffff 0a000000 00000000 05000000 14000000 00000000`))]);
  // GET of zones 6 (no limit of its own: the default) and 5.
  const some = request(IDS.ctLimit, O.OVS_CT_LIMIT_CMD_GET, (b) => b.putAttr(1, hex('06000000 00000000 00000000 05000000 00000000 00000000')));
  assert.equal(toHex(attrsOf(genl.handleRequest(some, ADMIN)[0]).get(1)!), toHex(hex('06000000 0a000000 00000000 05000000 14000000 00000000')));
  const del = request(IDS.ctLimit, O.OVS_CT_LIMIT_CMD_DEL, (b) => b.putAttr(1, hex('05000000 00000000 00000000 ffffffff 00000000 00000000')));
  assert.equal(genl.handleRequest(del, ADMIN).length, 1);
  assert.equal(toHex(attrsOf(genl.handleRequest(get, ADMIN)[0]).get(1)!), 'ffffffff0000000000000000');
  assert.equal(errnoOf(genl.handleRequest(request(IDS.ctLimit, O.OVS_CT_LIMIT_CMD_SET, () => {}), ADMIN)), 22);
  assert.equal(errnoOf(genl.handleRequest(GOLDEN_CT_LIMIT_SET, { pid: 77, admin: false })), 1);
});

test('tunnel vports need their UDP port, report it in OVS_VPORT_ATTR_OPTIONS, and refuse later changes', () => {
  const genl = withDatapath();
  const newPort = (name: string, type: number, options: Uint8Array | null): Uint8Array[] =>
    genl.handleRequest(request(IDS.vport, O.OVS_VPORT_CMD_NEW, (b) => {
      b.putAttrString(O.OVS_VPORT_ATTR_NAME, name);
      b.putAttrU32(O.OVS_VPORT_ATTR_TYPE, type);
      b.putAttrU32(O.OVS_VPORT_ATTR_UPCALL_PID, 1);
      if (options !== null) b.putAttr(O.OVS_VPORT_ATTR_OPTIONS, options);
    }, { flags: NLM_F_ACK }), ADMIN);
  // OVS_TUNNEL_ATTR_DST_PORT (1) 4789, OVS_TUNNEL_ATTR_EXTENSION (2) { OVS_VXLAN_EXT_GBP (1) }.
  assert.equal(errnoOf(newPort('vx0', O.OVS_VPORT_TYPE_VXLAN, hex('0600 0100 b512 0000 0800 0200 0400 0100'))), 0);
  assert.equal(errnoOf(newPort('gnv0', O.OVS_VPORT_TYPE_GENEVE, hex('0600 0100 c117 0000'))), 0);
  assert.equal(errnoOf(newPort('gre0', O.OVS_VPORT_TYPE_GRE, null)), 0);
  assert.equal(errnoOf(newPort('gnv1', O.OVS_VPORT_TYPE_GENEVE, hex('0800 0200 0400 0100'))), 22);
  const options = (name: string): string | undefined => {
    const [reply] = genl.handleRequest(request(IDS.vport, O.OVS_VPORT_CMD_GET, (b) => b.putAttrString(O.OVS_VPORT_ATTR_NAME, name)), ADMIN);
    const data = attrsOf(reply).get(O.OVS_VPORT_ATTR_OPTIONS);
    return data && toHex(data);
  };
  assert.equal(options('vx0'), toHex(hex('0600 0100 b512 0000 0800 0200 0400 0100')));
  assert.equal(options('gnv0'), toHex(hex('0600 0100 c117 0000')));
  assert.equal(options('gre0'), undefined);
  assert.equal(options('p1'), undefined);
  const set = request(IDS.vport, O.OVS_VPORT_CMD_SET, (b) => {
    b.putAttrString(O.OVS_VPORT_ATTR_NAME, 'vx0');
    b.putAttr(O.OVS_VPORT_ATTR_OPTIONS, hex('0600 0100 b612 0000'));
  });
  assert.equal(errnoOf(genl.handleRequest(set, ADMIN)), 95);
  assert.equal(options('vx0'), toHex(hex('0600 0100 b512 0000 0800 0200 0400 0100')));
});
