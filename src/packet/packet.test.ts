import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Packet, PACKET_DEFAULT_HEADROOM } from './packet.js';
import { PacketPool } from './pool.js';
import { PacketBatch, PACKET_BATCH_SIZE } from './batch.js';
import { bytesToHex } from './hex.js';

test('Packet.fromBytes() keeps the default headroom and copies the data', () => {
  const source = Uint8Array.from([1, 2, 3]);
  const packet = Packet.fromBytes(source, { tailroom: 2 });
  source[0] = 9;
  assert.equal(packet.headroom, PACKET_DEFAULT_HEADROOM);
  assert.equal(packet.tailroom, 2);
  assert.equal(bytesToHex(packet.data()), '010203');
  assert.equal(packet.slot[packet.start], 1);
});

test('push() and pull() use the headroom and move layer offsets with their bytes', () => {
  const packet = Packet.fromBytes(Uint8Array.from([0xaa, 0xbb, 0xcc, 0xdd]), { headroom: 8 });
  packet.l2Offset = 0;
  packet.l3Offset = 2;
  assert.ok(packet.push(4));
  packet.slot.set([1, 2, 3, 4], packet.start);
  assert.equal(bytesToHex(packet.data()), '01020304aabbccdd');
  assert.equal(packet.l2Offset, 4);
  assert.equal(packet.l3Offset, 6);
  assert.equal(packet.l4Offset, -1);
  assert.equal(packet.push(5), false, 'only 4 bytes of headroom remain');
  assert.equal(packet.size, 8);
  assert.ok(packet.pull(6));
  assert.equal(bytesToHex(packet.data()), 'ccdd');
  assert.equal(packet.l2Offset, -1, 'the L2 header was pulled off');
  assert.equal(packet.l3Offset, 0);
  assert.equal(packet.pull(3), false);
});

test('put() and trim() work at the tail within the slot', () => {
  const packet = Packet.fromBytes(Uint8Array.from([1, 2]), { headroom: 0, tailroom: 3 });
  assert.ok(packet.put(3));
  assert.equal(packet.size, 5);
  assert.equal(packet.put(1), false);
  assert.ok(packet.trim(4));
  assert.equal(bytesToHex(packet.data()), '01');
  assert.equal(packet.trim(2), false);
  assert.equal(packet.setData(new Uint8Array(6)), false, 'six bytes do not fit a 5-byte slot');
  assert.equal(packet.size, 1);
});

test('PacketPool hands out distinct reset packets and reports exhaustion without throwing', () => {
  const pool = new PacketPool({ count: 2, headroom: 16, dataSize: 64 });
  const a = pool.get();
  const b = pool.get();
  assert.ok(a && b && a !== b);
  assert.equal(a.slot.buffer, b.slot.buffer);
  assert.ok(a.slot.byteOffset + a.slot.length <= b.slot.byteOffset || b.slot.byteOffset + b.slot.length <= a.slot.byteOffset);
  assert.equal(pool.get(), null);
  assert.equal(pool.get(), null);
  assert.equal(pool.exhaustedCount, 2);
  a.setData(Uint8Array.from([5, 6]));
  a.inPort = 3;
  a.metadata[0] = 7;
  a.l3Offset = 1;
  a.release();
  assert.equal(pool.available, 1);
  const again = pool.get();
  assert.equal(again, a);
  assert.equal(again.size, 0);
  assert.equal(again.inPort, -1);
  assert.equal(again.metadata[0], 0);
  assert.equal(again.l3Offset, -1);
  assert.equal(again.headroom, 16);
});

test('PacketPool.put() rejects a double put and a foreign packet', () => {
  const pool = new PacketPool({ count: 1 });
  const other = new PacketPool({ count: 1 });
  const packet = pool.get();
  assert.ok(packet);
  pool.put(packet);
  assert.throws(() => pool.put(packet), TypeError);
  const foreign = other.get();
  assert.ok(foreign);
  assert.throws(() => pool.put(foreign), TypeError);
  assert.throws(() => new PacketPool({ count: 0 }), RangeError);
});

test('PacketPool.clone() copies data, offsets, port and metadata', () => {
  const pool = new PacketPool({ count: 2, dataSize: 32 });
  const a = pool.get();
  assert.ok(a);
  a.setData(Uint8Array.from([1, 2, 3]));
  a.push(2);
  a.l3Offset = 2;
  a.inPort = 9;
  a.metadata[5] = 0xdeadbeef;
  const b = pool.clone(a);
  assert.ok(b);
  assert.deepEqual(b.data(), a.data());
  assert.equal(b.start, a.start);
  assert.equal(b.l3Offset, 2);
  assert.equal(b.inPort, 9);
  assert.equal(b.metadata[5], 0xdeadbeef);
  b.slot[b.start] = 0x77;
  assert.notEqual(a.slot[a.start], 0x77);
  assert.equal(pool.clone(a), null, 'the pool is dry');
});

test('PacketBatch holds 32 packets, refuses the 33rd and releases to the pool', () => {
  const pool = new PacketPool({ count: PACKET_BATCH_SIZE + 1, dataSize: 64 });
  const batch = new PacketBatch();
  for (let i = 0; i < PACKET_BATCH_SIZE; i++) assert.ok(batch.add(pool.get() as Packet));
  assert.ok(batch.isFull);
  const extra = pool.get() as Packet;
  assert.equal(batch.add(extra), false);
  extra.release();
  assert.equal(pool.available, 1);
  const keep = new Uint8Array(PACKET_BATCH_SIZE);
  keep[3] = keep[10] = 1;
  const third = batch.packets[3];
  batch.compact(keep);
  assert.equal(batch.count, 2);
  assert.equal(batch.packets[0], third);
  assert.equal(pool.available, PACKET_BATCH_SIZE - 1);
  batch.release();
  assert.equal(batch.count, 0);
  assert.equal(pool.available, PACKET_BATCH_SIZE + 1);
});
