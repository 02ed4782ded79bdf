import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bytesToHex } from './hex.js';
import {
  encodePcap,
  encodePcapHeader,
  parsePcap,
  PcapError,
  PcapParser,
  PcapWriter,
  readPcapFile,
} from './pcap.js';
import { xorshift32 } from '../lib/random.js';

const A = Uint8Array.from([1, 2, 3, 4, 5]);
const B = new Uint8Array(100).map((_, i) => i);

function sampleFile(options: { nanosecond?: boolean; littleEndian?: boolean; snaplen?: number } = {}): Uint8Array {
  return encodePcap(
    [
      { data: A, seconds: 1700000000, nanoseconds: 123456789 },
      { data: B, seconds: 1700000001, nanoseconds: 5000, originalLength: 1500 },
    ],
    options,
  );
}

function withDir(body: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'pcap-test-'));
  try {
    body(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('encodePcapHeader() writes the classic header in either byte order', () => {
  assert.equal(
    bytesToHex(encodePcapHeader({ littleEndian: true })),
    'd4c3b2a1' + '02000400' + '00000000' + '00000000' + 'ffff0000' + '01000000',
  );
  assert.equal(
    bytesToHex(encodePcapHeader({ littleEndian: false, nanosecond: true, snaplen: 128 })),
    'a1b23c4d' + '00020004' + '00000000' + '00000000' + '00000080' + '00000001',
  );
});

test('parsePcap() reads back all four formats with timestamps and lengths', () => {
  for (const littleEndian of [true, false]) {
    for (const nanosecond of [true, false]) {
      const file = parsePcap(sampleFile({ littleEndian, nanosecond }));
      assert.equal(file.littleEndian, littleEndian);
      assert.equal(file.nanosecond, nanosecond);
      assert.equal(file.linktype, 1);
      assert.equal(file.snaplen, 65535);
      assert.equal(file.records.length, 2);
      assert.deepEqual(file.records[0].data, A);
      assert.equal(file.records[0].seconds, 1700000000);
      // A microsecond file keeps only microseconds.
      assert.equal(file.records[0].nanoseconds, nanosecond ? 123456789 : 123456000);
      assert.equal(file.records[0].originalLength, 5);
      assert.deepEqual(file.records[1].data, B);
      assert.equal(file.records[1].originalLength, 1500);
    }
  }
});

test('encodePcap() cuts data at the snaplen and keeps the original length', () => {
  const file = parsePcap(sampleFile({ snaplen: 64 }));
  assert.equal(file.records[1].data.length, 64);
  assert.equal(file.records[1].originalLength, 1500);
});

test('PcapParser returns the same records when fed one byte at a time', () => {
  const bytes = sampleFile();
  const parser = new PcapParser('stream');
  const records = [];
  for (let i = 0; i < bytes.length; i++) records.push(...parser.push(bytes.subarray(i, i + 1)));
  parser.finish();
  assert.deepEqual(records, parsePcap(bytes).records);
});

test('parsePcap() reports each kind of damage in one line with file and offset', () => {
  const good = sampleFile({ littleEndian: true });
  const cases: Array<[Uint8Array, RegExp]> = [
    [good.slice(0, 10), /^x\.pcap: truncated pcap global header \(10 of 24 bytes\) at byte offset 10$/],
    [Uint8Array.from([...good.slice(0, 0), 0xde, 0xad, 0xbe, 0xef, ...good.slice(4)]), /^x\.pcap: bad pcap magic number 0xdeadbeef at byte offset 0$/],
    [good.slice(0, 24 + 7), /^x\.pcap: truncated record header \(7 of 16 bytes\) at byte offset 24$/],
    [good.slice(0, 24 + 16 + 3), /^x\.pcap: truncated record data \(3 of 5 bytes\) at byte offset 40$/],
  ];
  const big = good.slice();
  big[24 + 8] = 0xff; // incl_len 0x000100ff > snaplen 65535
  big[24 + 10] = 0x01;
  cases.push([big, /^x\.pcap: record length 65791 exceeds snaplen 65535 at byte offset 24$/]);
  const version = good.slice();
  version[4] = 3;
  cases.push([version, /^x\.pcap: unsupported pcap version 3\.4 at byte offset 4$/]);
  for (const [bytes, message] of cases) {
    assert.throws(
      () => parsePcap(bytes, 'x.pcap'),
      (error: unknown) => error instanceof PcapError && message.test(error.message) && !error.message.includes('\n'),
      String(message),
    );
  }
});

test('parsePcap() survives random mutation and truncation with nothing but PcapError', () => {
  const next = xorshift32(0x9e3779b9);
  const random = (n: number): number => next() % n;
  const good = sampleFile({ littleEndian: random(2) === 0 });
  let errors = 0;
  for (let round = 0; round < 2000; round++) {
    let bytes = good.slice();
    const edits = 1 + random(4);
    for (let e = 0; e < edits; e++) bytes[random(bytes.length)] = random(256);
    if (random(3) === 0) bytes = bytes.slice(0, random(bytes.length + 1));
    try {
      parsePcap(bytes, 'fuzz');
    } catch (error) {
      assert.ok(error instanceof PcapError, `round ${round}: ${String(error)}`);
      errors++;
    }
  }
  assert.ok(errors > 100, 'the mutations should break some files');
});

test('PcapWriter makes each record readable while the file is open, and appends', () => {
  withDir((dir) => {
    const path = join(dir, 'out.pcap');
    const writer = PcapWriter.open(path, { nanosecond: true, littleEndian: false, snaplen: 50 });
    assert.equal(readPcapFile(path).records.length, 0);
    writer.write(A, { seconds: 10, nanoseconds: 7 });
    assert.deepEqual(readPcapFile(path).records[0], { seconds: 10, nanoseconds: 7, data: A, originalLength: 5 });
    writer.write(B, { seconds: 11 });
    const file = readPcapFile(path);
    assert.equal(file.records[1].data.length, 50);
    assert.equal(file.records[1].originalLength, 100);
    writer.close();
    assert.throws(() => writer.write(A), TypeError);

    // Appending keeps the existing nanosecond big-endian header whatever options say.
    const again = PcapWriter.open(path, { append: true, nanosecond: false, littleEndian: true });
    again.write(A, { seconds: 12, nanoseconds: 999 });
    again.close();
    const appended = readPcapFile(path);
    assert.equal(appended.nanosecond, true);
    assert.equal(appended.littleEndian, false);
    assert.equal(appended.records.length, 3);
    assert.equal(appended.records[2].nanoseconds, 999);
  });
});

test('PcapWriter stamps records with the wall clock by default', () => {
  withDir((dir) => {
    const path = join(dir, 'now.pcap');
    const writer = PcapWriter.open(path);
    const before = Math.floor(Date.now() / 1000);
    writer.write(A);
    writer.close();
    const record = readPcapFile(path).records[0];
    assert.ok(record.seconds >= before && record.seconds <= before + 5);
  });
});

test('readPcapFile() names the file in its error and appending to a bad file fails', () => {
  withDir((dir) => {
    const path = join(dir, 'bad.pcap');
    writeFileSync(path, 'not a pcap file at all, sorry');
    assert.throws(() => readPcapFile(path), (e: unknown) => e instanceof PcapError && e.message.startsWith(`${path}: bad pcap magic`));
    assert.throws(() => PcapWriter.open(path, { append: true }), PcapError);
    assert.equal(readFileSync(path, 'utf8'), 'not a pcap file at all, sorry');
  });
});
