// Benchmarks of flow extraction (src/flow/extract.ts), the first step of the
// datapath fast path: ns per packet for a 64-byte IPv4/TCP frame and for
// mixes of frames, each next to a floor loop that only reads the same bytes
// (the least any extraction could cost). Target: 100 ns per 64-byte TCP frame.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { flowExtract, type ExtractOptions } from '../src/flow/extract.js';
import { formatFlow } from '../src/flow/format.js';
import { newKey, DL_TYPE, IN_PORT, TP_DST } from '../src/flow/layout.js';
import { encodePcap } from '../src/packet/pcap.js';
import type { Benchmark, ExternalResult } from './run.js';

function bytes(hex: string): Uint8Array {
  return Uint8Array.from((hex.match(/../g) ?? []).map((b) => parseInt(b, 16)));
}

const MACS = '000000000002' + '0a0000000001';
/** 64 bytes: Ethernet, IPv4 (20), TCP (20) with ACK|PSH, 10 bytes of payload. */
const TCP64 = MACS + '0800' + '4500003200010000' + '4006' + '0000' + '0a000001' + '0a000002'
  + '04d20050000000010000000050182000' + '00000000' + '00112233445566778899';

/** What a host sees most: TCP, UDP, ARP, IPv6 TCP/UDP, ND, VLAN-tagged TCP, ICMP. */
const TRAFFIC = [
  TCP64,
  MACS + '0800' + '4500002800020000' + '4011' + '0000' + '0a000001' + '0a000002' + '04d20035001400000102030405060708090a0b0c',
  'ffffffffffff0a0000000001' + '0806' + '0001080006040001' + '0a0000000001' + 'c0a80001' + '000000000000' + 'c0a80002' + '00'.repeat(18),
  MACS + '86dd' + '6000000000140640' + 'fe800000000000000000000000000001' + 'fe800000000000000000000000000002'
    + '04d20050000000010000000050102000' + '00000000',
  MACS + '86dd' + '6000000000203aff' + 'fe800000000000000000000000000001' + 'ff0200000000000000000001ff000002'
    + '87000000' + '00000000' + 'fe800000000000000000000000000002' + '01010a0000000001',
  MACS + '8100' + '0064' + '0800' + '4500002800030000' + '4006' + '0000' + '0a000001' + '0a000002'
    + '04d20050000000010000000050102000' + '00000000',
  MACS + '0800' + '4500001c00040000' + '4001' + '0000' + '0a000001' + '0a000002' + '0800000000010001' + '00'.repeat(18),
  MACS + '86dd' + '6000000000101140' + 'fe800000000000000000000000000001' + 'fe800000000000000000000000000002'
    + '04d20035001000000102030405060708',
].map(bytes);

/** Packs frames into one buffer, 64-byte aligned like pooled packet buffers. */
function pack(frames: Uint8Array[]): { buffer: Uint8Array; offsets: Int32Array; lengths: Int32Array } {
  const offsets = new Int32Array(frames.length);
  const lengths = new Int32Array(frames.length);
  let size = 0;
  for (let i = 0; i < frames.length; i++) {
    offsets[i] = size;
    lengths[i] = frames[i].length;
    size += (frames[i].length + 63) & ~63;
  }
  const buffer = new Uint8Array(size);
  for (let i = 0; i < frames.length; i++) buffer.set(frames[i], offsets[i]);
  return { buffer, offsets, lengths };
}

const OPTIONS: ExtractOptions = { vlanLimit: 2 };
const BURST = 32;

function extractBench(name: string, frames: Uint8Array[], baseline?: string): Benchmark {
  // A burst of frames, cycling through the list.
  const burst: Uint8Array[] = [];
  while (burst.length < Math.max(BURST, frames.length)) burst.push(frames[burst.length % frames.length]);
  const { buffer, offsets, lengths } = pack(burst);
  const key = newKey();
  const count = burst.length;
  return {
    name, opsPerRun: count, baseline,
    run(): number {
      let check = 0;
      for (let i = 0; i < count; i++) {
        flowExtract(buffer, offsets[i], lengths[i], key, OPTIONS);
        check += key[DL_TYPE] + key[TP_DST];
      }
      return check;
    },
  };
}

function floorBench(name: string, frames: Uint8Array[]): Benchmark {
  const burst: Uint8Array[] = [];
  while (burst.length < Math.max(BURST, frames.length)) burst.push(frames[burst.length % frames.length]);
  const { buffer, offsets, lengths } = pack(burst);
  const count = burst.length;
  return {
    name, opsPerRun: count,
    run(): number {
      let check = 0;
      for (let i = 0; i < count; i++) {
        const end = offsets[i] + lengths[i];
        for (let p = offsets[i]; p < end; p++) check = (check + buffer[p]) | 0;
      }
      return check;
    },
  };
}

function corpusFrames(): Uint8Array[] {
  const url = new URL('../../test/corpus/parse-pcap/packets.txt', import.meta.url);
  return readFileSync(url, 'utf8').split('\n').filter((l) => l.trim() !== '' && !l.startsWith('#'))
    .map((l) => bytes(l.trim().split(/\s+/)[1] ?? ''));
}

/** Extraction plus the flow text, the per-packet work of `ofctl parse-pcap`. */
function extractFormatBench(name: string, frames: Uint8Array[]): Benchmark {
  const key = newKey();
  return {
    name, opsPerRun: frames.length,
    run(): number {
      let check = 0;
      for (const frame of frames) {
        key[IN_PORT] = 1;
        flowExtract(frame, 0, frame.length, key, OPTIONS);
        check += formatFlow(key).length;
      }
      return check;
    },
    external: () => Promise.resolve(parsePcapSideBySide(frames)),
  };
}

function wallMs(command: string, args: string[]): number {
  const start = performance.now();
  const result = spawnSync(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  if (result.status !== 0) throw new Error(`${command} failed: ${result.stderr.toString()}`);
  return performance.now() - start;
}

/**
 * Real `ovs-ofctl parse-pcap` on the same packets: the time per packet is
 * the difference between a large and a small pcap, which cancels process
 * start-up. Each tool's best of three runs counts.
 */
function parsePcapSideBySide(frames: Uint8Array[]): ExternalResult {
  const label = 'real ovs-ofctl parse-pcap, per packet';
  if (spawnSync('ovs-ofctl', ['--version']).status !== 0) return { label, skipped: 'ovs-ofctl is not installed' };
  const dir = mkdtempSync(join(tmpdir(), 'bench-parse-pcap-'));
  try {
    const small = 1000;
    const large = 101000;
    const write = (count: number): string => {
      const file = join(dir, `${count}.pcap`);
      const records = [];
      for (let i = 0; i < count; i++) records.push({ data: frames[i % frames.length], seconds: 0, nanoseconds: 0 });
      writeFileSync(file, encodePcap(records));
      return file;
    };
    const smallFile = write(small);
    const largeFile = write(large);
    const best = (args: (file: string) => [string, string[]], file: string): number => {
      let bestMs = Infinity;
      for (let i = 0; i < 3; i++) bestMs = Math.min(bestMs, wallMs(...args(file)));
      return bestMs;
    };
    const real = (file: string): [string, string[]] => ['ovs-ofctl', ['parse-pcap', file]];
    const realNs = ((best(real, largeFile) - best(real, smallFile)) * 1e6) / (large - small);
    const bin = fileURLToPath(new URL('../../bin/ovs-ts', import.meta.url));
    const ours = (file: string): [string, string[]] => [process.execPath, [bin, 'ofctl', 'parse-pcap', '--vlan-limit=0', file]];
    const oursNs = ((best(ours, largeFile) - best(ours, smallFile)) * 1e6) / (large - small);
    return { label, nsPerOp: realNs, oursLabel: 'ovs-ts ofctl parse-pcap, per packet', oursNsPerOp: oursNs };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const benchmarks: Benchmark[] = [
  floorBench('read-only floor, 64-byte IPv4/TCP', [bytes(TCP64)]),
  extractBench('extract 64-byte IPv4/TCP', [bytes(TCP64)], 'read-only floor, 64-byte IPv4/TCP'),
  floorBench('read-only floor, traffic mix', TRAFFIC),
  extractBench('extract traffic mix (8 kinds)', TRAFFIC, 'read-only floor, traffic mix'),
  floorBench('read-only floor, corpus', corpusFrames()),
  extractBench('extract corpus (malformed included)', corpusFrames(), 'read-only floor, corpus'),
  extractFormatBench('extract + format traffic mix', TRAFFIC),
];
