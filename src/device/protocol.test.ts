// Golden bytes of the device framing (written by hand from docs/device.md),
// decoding of every kind of malformed frame, the stream reader cutting frames
// at any chunk boundary, and a bounded fuzz of the decoders.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ANSWER_F_DONE, decodeFrame, encodeFrames, FrameReader, MAX_FRAME_SIZE, OP_ANSWER, OP_DUMP, OP_OPEN, OP_TRANSACT,
  record,
} from './protocol.js';

function hex(text: string): Uint8Array {
  return Uint8Array.from(Buffer.from(text.replace(/\s+/g, ''), 'hex'));
}

function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

// OPEN (tag 1) and TRANSACT (tag 2, socket 5, five bytes "abcde", padded to 4).
const GOLDEN_REQUESTS = hex(`
  40000000 4431 0200
  18000000 0100 0000 01000000 00000000 00000000 00000000
  1d000000 0300 0000 02000000 05000000 00000000 00000000 6162636465 000000`);

// DUMP answer (tag 7, socket 5): errno 0, next position 2, flag DONE, one NLMSG_DONE message.
const GOLDEN_DUMP_ANSWER = hex(`
  34000000 4431 0100
  2c000000 8400 0100 07000000 05000000 00000000 02000000
  14000000 0300 0200 01000000 05000000 00000000`);

test('encodeFrames() writes the golden request frame', () => {
  const frames = encodeFrames([
    record(OP_OPEN, 0, { tag: 1 }),
    record(OP_TRANSACT, 5, { tag: 2, data: new TextEncoder().encode('abcde') }),
  ]);
  assert.deepEqual(frames.map(toHex), [toHex(GOLDEN_REQUESTS)]);
});

test('encodeFrames() writes the golden DUMP answer and decodeFrame() reads it back', () => {
  const done = hex('14000000 0300 0200 01000000 05000000 00000000');
  const answer = record(OP_DUMP | OP_ANSWER, 5, { tag: 7, flags: ANSWER_F_DONE, word0: 0, word1: 2, data: done });
  const frames = encodeFrames([answer]);
  assert.deepEqual(frames.map(toHex), [toHex(GOLDEN_DUMP_ANSWER)]);
  const decoded = decodeFrame(GOLDEN_DUMP_ANSWER);
  assert.ok(Array.isArray(decoded));
  assert.equal(decoded.length, 1);
  assert.deepEqual({ ...decoded[0], data: toHex(decoded[0].data) }, { ...answer, data: toHex(done) });
});

test('decodeFrame() names each kind of framing garbage', () => {
  const good = GOLDEN_REQUESTS;
  const mutate = (f: (b: Uint8Array) => void, bytes = good.slice()) => {
    f(bytes);
    return bytes;
  };
  assert.equal(decodeFrame(good.subarray(0, 7)), 'short frame');
  assert.equal(decodeFrame(good.subarray(0, 60)), 'bad frame length');
  assert.equal(decodeFrame(mutate((b) => { b[4] = 0x58; })), 'bad magic');
  assert.equal(decodeFrame(mutate((b) => { b[3] = 0x7f; })), 'oversized frame');
  assert.equal(decodeFrame(mutate((b) => { b[6] = 3; })), 'record count mismatch');
  assert.equal(decodeFrame(mutate((b) => { b[8] = 0x17; })), 'bad record length');
  assert.equal(decodeFrame(mutate((b) => { b[32] = 0x40; })), 'bad record length');
  // A frame of whole records but a tail too short for another header.
  const tail = new Uint8Array(good.length + 4);
  tail.set(good);
  tail[0] = tail.length;
  assert.equal(decodeFrame(tail), 'bad record length');
});

test('FrameReader cuts frames out of a stream split at every possible place', () => {
  const stream = new Uint8Array(GOLDEN_REQUESTS.length + GOLDEN_DUMP_ANSWER.length);
  stream.set(GOLDEN_REQUESTS);
  stream.set(GOLDEN_DUMP_ANSWER, GOLDEN_REQUESTS.length);
  for (let cut = 0; cut <= stream.length; cut++) {
    const reader = new FrameReader();
    const frames = [...reader.push(stream.slice(0, cut)), ...reader.push(stream.slice(cut))];
    assert.deepEqual(frames.map(toHex), [toHex(GOLDEN_REQUESTS), toHex(GOLDEN_DUMP_ANSWER)], `cut at ${cut}`);
  }
  const bytewise = new FrameReader();
  const frames: Uint8Array[] = [];
  for (const b of stream) frames.push(...bytewise.push(Uint8Array.of(b)));
  assert.equal(frames.length, 2);
});

test('FrameReader refuses an oversized frame from its header, before the body arrives', () => {
  const reader = new FrameReader();
  const header = hex('00000001 4431 0100');
  header[0] = 4; // 0x01000004 bytes: above MAX_FRAME_SIZE
  assert.ok(0x01000004 > MAX_FRAME_SIZE);
  assert.deepEqual(reader.push(header), []);
  assert.equal(reader.error, 'oversized frame');
  assert.deepEqual(reader.push(GOLDEN_REQUESTS), [], 'nothing after garbage');
});

test('encodeFrames() splits a batch that does not fit one frame', () => {
  const data = new Uint8Array(1000);
  const records = Array.from({ length: 10 }, (_, i) => record(OP_TRANSACT, 1, { tag: i, data }));
  const frames = encodeFrames(records, 3000);
  assert.equal(frames.length, 5);
  const tags = frames.flatMap((f) => {
    const d = decodeFrame(f);
    assert.ok(Array.isArray(d));
    return d.map((r) => r.tag);
  });
  assert.deepEqual(tags, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.throws(() => encodeFrames([record(OP_TRANSACT, 1, { data: new Uint8Array(4000) })], 3000), RangeError);
});

test('decodeFrame() and FrameReader never throw on random and mutated bytes (bounded fuzz)', () => {
  let seed = 12345;
  const rand = () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed >>> 8;
  };
  const until = Date.now() + 1000;
  let runs = 0;
  while (Date.now() < until) {
    const base = rand() % 2 === 0 ? GOLDEN_REQUESTS : GOLDEN_DUMP_ANSWER;
    const bytes = base.slice(0, rand() % 3 === 0 ? rand() % (base.length + 1) : base.length);
    for (let k = rand() % 4; k >= 0; k--) if (bytes.length > 0) bytes[rand() % bytes.length] = rand();
    const decoded = decodeFrame(bytes);
    if (Array.isArray(decoded)) {
      for (const r of decoded) assert.ok(r.data.byteOffset + r.data.length <= bytes.byteOffset + bytes.length);
    } else {
      assert.equal(typeof decoded, 'string');
    }
    const reader = new FrameReader();
    reader.push(bytes);
    runs++;
  }
  assert.ok(runs > 1000);
});
