import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FlowTable, InsertMode, type DpFlow } from './flow-table.js';
import { EEXIST, EINVAL, ENOENT } from '../lib/errno.js';
import * as L from '../flow/layout.js';
import { Match } from '../flow/match.js';

/** A match on in_port and, when given, nw_dst under `dstMask`. */
function match(inPort: number, dst?: number, dstMask = 0xffffffff): Match {
  const m = new Match();
  m.setExact(L.IN_PORT, inPort);
  if (dst !== undefined) m.setMasked(L.NW_DST, dst, dstMask);
  return m;
}

function packetKey(inPort: number, dst: number, tpDst = 80): Uint32Array {
  const key = L.newKey();
  key[L.IN_PORT] = inPort;
  key[L.DL_TYPE] = 0x0800;
  key[L.NW_DST] = dst;
  key[L.NW_PROTO] = 6;
  key[L.TP_DST] = tpDst;
  return key;
}

function ufid(n: number): Uint32Array {
  return Uint32Array.of(0xabcd0000, n, 0, n * 7);
}

test('insert() create, exclusive and replace answer like OVS_FLOW_CMD_NEW and _SET', () => {
  const t = new FlowTable<string>();
  assert.equal(t.insert(match(1), 'a', { mode: InsertMode.Replace }), ENOENT);
  assert.equal(t.insert(match(1), 'a'), 0);
  assert.equal(t.insert(match(1), 'b', { mode: InsertMode.Exclusive }), EEXIST);
  assert.equal(t.lookup(packetKey(1, 5))?.actions, 'a');
  assert.equal(t.insert(match(1), 'c'), 0);
  assert.equal(t.lookup(packetKey(1, 5))?.actions, 'c');
  assert.equal(t.insert(match(1), 'd', { mode: InsertMode.Replace }), 0);
  assert.equal(t.lookup(packetKey(1, 5))?.actions, 'd');
  assert.equal(t.size, 1);
});

test('key bits outside the mask are ignored, as Linux masks the key', () => {
  const t = new FlowTable<string>();
  const m = match(1, 0x0a000000, 0xff000000);
  m.key[L.NW_DST] = 0x0a0b0c0d; // contradicts the mask
  m.key[L.TP_SRC] = 99; // no mask at all
  assert.equal(t.insert(m, 'x'), 0);
  const flow = t.lookup(packetKey(1, 0x0affffff)) as DpFlow<string>;
  assert.equal(flow.actions, 'x');
  assert.equal(flow.key[L.NW_DST], 0x0a000000);
  assert.equal(flow.key[L.TP_SRC], 0);
  assert.equal(t.getExact(match(1, 0x0a000000, 0xff000000)), flow);
});

test('lookup() under several masks picks the flow whose mask and key match', () => {
  const t = new FlowTable<string>({ emcInsertInverseProbability: 0 });
  assert.equal(t.insert(match(1, 0x0a000001), 'host'), 0);
  assert.equal(t.insert(match(2, 0x0a000000, 0xffffff00), 'subnet'), 0);
  assert.equal(t.insert(match(3), 'port'), 0);
  assert.equal(t.stats().masks, 3);
  assert.equal(t.lookup(packetKey(1, 0x0a000001))?.actions, 'host');
  assert.equal(t.lookup(packetKey(1, 0x0a000002)), null);
  assert.equal(t.lookup(packetKey(2, 0x0a0000fe))?.actions, 'subnet');
  assert.equal(t.lookup(packetKey(2, 0x0a0001fe)), null);
  assert.equal(t.lookup(packetKey(3, 0x12345678))?.actions, 'port');
  const stats = t.stats();
  assert.equal(stats.hits, 3);
  assert.equal(stats.missed, 2);
  assert.ok(stats.maskHits >= 3 && stats.maskHits <= 9);
});

test('masks are re-sorted by hit count, most hit first', () => {
  const t = new FlowTable<string>({ emcInsertInverseProbability: 0 });
  t.insert(match(1, 0x0a000001), 'a');
  t.insert(match(2), 'b');
  for (let i = 0; i < 10; i++) t.lookup(packetKey(2, i));
  t.lookup(packetKey(1, 0x0a000001));
  assert.equal(t.maskList()[0].words.length, 2);
  t.sortMasks();
  assert.deepEqual(Array.from(t.maskList()[0].words), [L.IN_PORT]);
  const before = t.stats().maskHits;
  t.lookup(packetKey(2, 0));
  assert.equal(t.stats().maskHits - before, 1);
});

test('the EMC never returns a removed or replaced flow', () => {
  const t = new FlowTable<string>({ emcInsertInverseProbability: 1 });
  t.insert(match(1), 'a');
  t.insert(match(2, 7), 'other mask'); // the EMC serves tables of two masks or more
  const key = packetKey(1, 7);
  const first = t.lookup(key);
  assert.equal(t.lookup(key), first);
  assert.equal(t.stats().emcHits, 1);
  assert.equal(t.insert(match(1), 'b'), 0);
  assert.equal(t.lookup(key)?.actions, 'b');
  assert.equal(t.remove(first as DpFlow<string>), 0);
  assert.equal(t.lookup(key), null);
  assert.equal(t.remove(first as DpFlow<string>), ENOENT);
  t.insert(match(1, 7), 'c');
  assert.equal(t.lookup(key)?.actions, 'c');
  t.flush();
  assert.equal(t.lookup(key), null);
  assert.equal(t.size, 0);
});

test('UFIDs identify flows: get, conflicts, remove', () => {
  const t = new FlowTable<string>();
  for (let i = 0; i < 200; i++) assert.equal(t.insert(match(i), `f${i}`, { ufid: ufid(i) }), 0);
  for (let i = 0; i < 200; i++) assert.equal(t.getByUfid(ufid(i))?.actions, `f${i}`);
  assert.equal(t.getByUfid(ufid(999)), null);
  assert.equal(t.insert(match(500), 'x', { ufid: ufid(3) }), EINVAL);
  assert.equal(t.insert(match(3), 'x', { ufid: ufid(1000) }), EEXIST);
  assert.equal(t.insert(match(3), 'x', { ufid: ufid(3), mode: InsertMode.Exclusive }), EEXIST);
  assert.equal(t.insert(match(3), 'y', { ufid: ufid(3) }), 0);
  assert.equal(t.getByUfid(ufid(3))?.actions, 'y');
  assert.equal(t.remove(t.getByUfid(ufid(3)) as DpFlow<string>), 0);
  assert.equal(t.getByUfid(ufid(3)), null);
  assert.equal(t.getByUfid(ufid(4))?.actions, 'f4');
  assert.equal(t.insert(match(1), 'x', { ufid: Uint32Array.of(1) }), EINVAL);
});

test('flow statistics count packets, bytes, TCP flags and last use, and clear', () => {
  const t = new FlowTable<string>();
  t.insert(match(1), 'a');
  const flow = t.lookup(packetKey(1, 1)) as DpFlow<string>;
  flow.credit(1, 64, 0x02, 1000);
  flow.credit(1, 1500, 0x10, 2000);
  assert.deepEqual([flow.packets, flow.bytes, flow.tcpFlags, flow.usedMs], [2, 1564, 0x12, 2000]);
  t.clearFlowStats();
  assert.deepEqual([flow.packets, flow.bytes, flow.tcpFlags, flow.usedMs], [0, 0, 0, 0]);
  flow.credit(3, 300, 0x01, 3000);
  t.remove(flow);
  t.insert(match(2), 'reuses the slot');
  (t.lookup(packetKey(2, 1)) as DpFlow<string>).credit(1, 1, 0, 4000);
  assert.deepEqual([flow.packets, flow.bytes, flow.tcpFlags, flow.usedMs], [3, 300, 0x01, 3000], 'kept at removal');
  assert.equal(t.lookup(packetKey(2, 1))?.packets, 1);
});

test('a dump resumes from its position while flows come and go', () => {
  const t = new FlowTable<number>();
  for (let i = 0; i < 1000; i++) t.insert(match(i), i);
  const seen = new Map<number, number>();
  const removedEarly = new Set<number>();
  let position = 0;
  let round = 0;
  while (position >= 0) {
    let room = 7;
    position = t.dump(position, (flow) => {
      if (room === 0) return false;
      room--;
      seen.set(flow.actions, (seen.get(flow.actions) ?? 0) + 1);
      return true;
    });
    round++;
    // Between requests: remove a flow not seen yet and one already seen, add a new one.
    const victim = 999 - round;
    const f = t.getExact(match(victim));
    if (f && !seen.has(victim)) {
      t.remove(f);
      removedEarly.add(victim);
    }
    const old = t.getExact(match(round));
    if (old) t.remove(old);
    t.insert(match(5000 + round), 5000 + round);
  }
  for (let i = 0; i < 1000; i++) {
    if (removedEarly.has(i)) assert.equal(seen.has(i), false, `flow ${i} removed before its turn was dumped`);
    else assert.equal(seen.get(i), 1, `flow ${i} dumped once`);
  }
});

test('100,000 flows dump in requests of 100 with nothing kept between them', () => {
  const t = new FlowTable<number>();
  const m = new Match();
  m.setExact(L.IN_PORT, 1);
  m.mask[L.NW_DST] = 0xffffffff;
  for (let i = 0; i < 100_000; i++) {
    m.key[L.NW_DST] = i;
    assert.equal(t.insert(m, i, { ufid: ufid(i) }), 0);
  }
  assert.equal(t.stats().masks, 1);
  let position = 0;
  let total = 0;
  let sum = 0;
  let requests = 0;
  const batch: number[] = [];
  while (position >= 0) {
    batch.length = 0;
    position = t.dump(position, (flow) => {
      if (batch.length === 100) return false;
      batch.push(flow.actions);
      return true;
    });
    assert.ok(batch.length <= 100);
    total += batch.length;
    for (const v of batch) sum += v;
    requests++;
  }
  assert.equal(total, 100_000);
  assert.equal(sum, (99_999 * 100_000) / 2);
  assert.equal(requests, 1000);
  m.key[L.NW_DST] = 77_777;
  assert.equal(t.lookup(packetKey(1, 77_777))?.actions, 77_777);
  assert.equal(t.getByUfid(ufid(12_345))?.actions, 12_345);
});

test('lookup() finds flows under 300 masks, more than the mask cache can name', () => {
  const t = new FlowTable<number>();
  for (let i = 1; i <= 300; i++) assert.equal(t.insert(match(i, 0, i), i), 0);
  assert.equal(t.stats().masks, 300);
  for (let round = 0; round < 3; round++) {
    for (let i = 1; i <= 300; i++) assert.equal(t.lookup(packetKey(i, 0))?.actions, i);
    assert.equal(t.lookup(packetKey(5, 0xffffffff)), null);
  }
  t.remove(t.getExact(match(7, 0, 7)) as DpFlow<number>);
  assert.equal(t.lookup(packetKey(7, 0)), null);
  assert.equal(t.insert(match(301, 0, 301), 301), 0);
  assert.equal(t.lookup(packetKey(301, 0))?.actions, 301);
});
