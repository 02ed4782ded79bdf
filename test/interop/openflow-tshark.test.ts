// Interop: OpenFlow messages we encode (every captured message of a kind we
// decode, decoded and encoded again) sent as one TCP stream to port 6653 in a
// pcap must dissect in tshark's OpenFlow dissector with nothing malformed
// beyond what tshark also reports for real Open vSwitch's own bytes (its
// dissector trips over OpenFlow 1.0 and 1.5 flow-mods that ovs-ofctl sends).
// A message with a broken length proves the check can fail.

import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { decodeMessage, encodeMessage } from '../../src/openflow/messages.js';
import { OfpError } from '../../src/openflow/ofp-error.js';
import { buildPacket } from '../../src/packet/build.js';
import { PcapWriter } from '../../src/packet/pcap.js';
import { readOpenflowCorpus } from '../corpus/openflow/corpus.js';

const missing = spawnSync('tshark', ['--version'], { stdio: 'ignore' }).error
  ? 'tshark is not installed (apt-get install tshark)'
  : null;

/** Writes `messages` as consecutive TCP segments of one stream to port 6653. */
function writeStream(file: string, messages: readonly Uint8Array[]): void {
  const writer = PcapWriter.open(file);
  let seq = 1000;
  for (const m of messages) {
    writer.write(buildPacket({ eth: {}, ipv4: {}, tcp: { src: 40000, dst: 6653, seq, flags: 0x18 }, payload: m }), { seconds: 1, nanoseconds: 0 });
    seq += m.length;
  }
  writer.close();
}

/** Frame numbers (1-based) tshark marks malformed. */
function malformedFrames(file: string): number[] {
  const out = execFileSync('tshark', [
    '-r', file, '-d', 'tcp.port==6653,openflow', '-o', 'tcp.analyze_sequence_numbers:FALSE',
    '-T', 'fields', '-e', 'frame.number', '-e', '_ws.malformed',
  ], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 * 1024 * 1024 });
  return out.split('\n').filter((l) => l.split('\t')[1]).map((l) => Number(l.split('\t')[0]));
}

/** Captured messages of kinds we decode: Open vSwitch's bytes and ours for each. */
function messagePairs(): Array<{ real: Uint8Array; ours: Uint8Array }> {
  const out: Array<{ real: Uint8Array; ours: Uint8Array }> = [];
  for (const m of readOpenflowCorpus()) {
    try {
      out.push({ real: m.bytes, ours: encodeMessage(decodeMessage(m.bytes)) });
    } catch (error) {
      if (!(error instanceof OfpError)) throw error;
    }
  }
  return out;
}

test('tshark dissects the OpenFlow messages we encode with nothing malformed', { skip: missing ?? false }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'openflow-tshark-'));
  try {
    const pairs = messagePairs();
    const messages = pairs.map((p) => p.ours);
    assert.ok(messages.length > 500);
    const file = join(dir, 'openflow.pcap');
    const realFile = join(dir, 'real.pcap');
    writeStream(file, messages);
    writeStream(realFile, pairs.map((p) => p.real));
    assert.deepEqual(malformedFrames(file), malformedFrames(realFile));
    // The dissector really looked at them.
    const summary = execFileSync('tshark', ['-r', file, '-d', 'tcp.port==6653,openflow', '-T', 'fields', '-e', 'frame.protocols'], {
      encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 * 1024 * 1024,
    });
    assert.equal(summary.split('\n').filter((l) => /:openflow/.test(l)).length, messages.length);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('tshark reports a malformed OpenFlow message (the check can fail)', { skip: missing ?? false }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'openflow-tshark-'));
  try {
    const file = join(dir, 'bad.pcap');
    // An OpenFlow 1.3 flow-mod whose match claims more bytes than it has.
    const bad = Uint8Array.from(Buffer.from('040e00380000000100000000000000000000000000000000000000000000800000000000ffffffffffffffff00000000000100ff00000000', 'hex'));
    writeStream(file, [bad]);
    assert.deepEqual(malformedFrames(file), [1]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
