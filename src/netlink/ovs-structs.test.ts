import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bytesToHex, hexToBytes } from '../packet/hex.js';
import { NlBuffer } from './buffer.js';
import * as O from './openvswitch.js';
import {
  putDpMegaflowStats, putDpStats, putFlowStats, putVportStats, putZoneLimits, readDpMegaflowStats, readDpStats,
  readFlowStats, readVportStats, readZoneLimits,
} from './ovs-structs.js';

const hex = (text: string): string => bytesToHex(hexToBytes(text));

test('ovs_dp_stats and ovs_dp_megaflow_stats encode as four u64 and u64,u32,pad,u64,pad', () => {
  const buf = new NlBuffer();
  putDpStats(buf, O.OVS_DP_ATTR_STATS, { hit: 0x100000001, missed: 2, lost: 3, flows: 4 });
  putDpMegaflowStats(buf, O.OVS_DP_ATTR_MEGAFLOW_STATS, { maskHit: 5, masks: 6, cacheHit: 7 });
  assert.equal(bytesToHex(buf.data()), hex(`
    2400 0300 0100000001000000 0200000000000000 0300000000000000 0400000000000000
    2400 0400 0500000000000000 06000000 00000000 0700000000000000 0000000000000000`));
  assert.deepEqual(readDpStats(buf.bytes, 4), { hit: 0x100000001, missed: 2, lost: 3, flows: 4 });
  assert.deepEqual(readDpMegaflowStats(buf.bytes, 36 + 4), { maskHit: 5, masks: 6, cacheHit: 7 });
});

test('ovs_vport_stats, ovs_flow_stats and ovs_zone_limit round-trip with their sizes', () => {
  const buf = new NlBuffer();
  const vport = { rxPackets: 1, txPackets: 2, rxBytes: 3, txBytes: 4, rxErrors: 5, txErrors: 6, rxDropped: 7, txDropped: 2 ** 40 };
  putVportStats(buf, O.OVS_VPORT_ATTR_STATS, vport);
  assert.equal(buf.size, 4 + O.OVS_VPORT_STATS_SIZE);
  assert.deepEqual(readVportStats(buf.bytes, 4), vport);
  buf.reset();
  putFlowStats(buf, O.OVS_FLOW_ATTR_STATS, { packets: 10, bytes: 1500 });
  assert.equal(bytesToHex(buf.data()), hex(`1400 0300 0a00000000000000 dc05000000000000`));
  assert.deepEqual(readFlowStats(buf.bytes, 4), { packets: 10, bytes: 1500 });
  buf.reset();
  putZoneLimits(buf, O.OVS_CT_LIMIT_ATTR_ZONE_LIMIT, [{ zoneId: -1, limit: 10, count: 0 }, { zoneId: 5, limit: 3, count: 1 }]);
  assert.equal(bytesToHex(buf.data()), hex(`1c00 0100 ffffffff 0a000000 00000000 05000000 03000000 01000000`));
  assert.deepEqual(readZoneLimits(buf.bytes, 4, 24), [{ zoneId: -1, limit: 10, count: 0 }, { zoneId: 5, limit: 3, count: 1 }]);
  assert.equal(readZoneLimits(buf.bytes, 4, 20), undefined);
});
