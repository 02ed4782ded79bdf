// Interop: every well-formed sample packet from src/packet/samples.ts, built by
// build.ts and written by pcap.ts, must dissect in tshark as the protocols we
// meant, with no malformed packet and no bad checksum (all checks turned on).
// One deliberately broken packet proves the check can fail.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildPacket } from '../../src/packet/build.js';
import { PcapWriter } from '../../src/packet/pcap.js';
import { PACKET_SAMPLES } from '../../src/packet/samples.js';

const missing = spawnSync('tshark', ['--version'], { stdio: 'ignore' }).error
  ? 'tshark is not installed (apt-get install tshark)'
  : null;

const CHECK_PREFS = [
  '-o', 'ip.check_checksum:TRUE',
  '-o', 'tcp.check_checksum:TRUE',
  '-o', 'udp.check_checksum:TRUE',
  '-o', 'sctp.checksum:CRC 32c',
  '-o', 'tcp.analyze_sequence_numbers:FALSE',
];

/** PI_ERROR in Wireshark's expert severities: malformed packets and bad checksums. */
const SEVERITY_ERROR = 0x00800000;

interface Dissection {
  protocols: string[];
  errors: string[];
}

function dissect(file: string): Dissection[] {
  const out = execFileSync(
    'tshark',
    ['-r', file, ...CHECK_PREFS, '-T', 'fields', '-e', 'frame.protocols', '-e', '_ws.expert.severity', '-e', '_ws.expert.message', '-E', 'aggregator=|', '-E', 'occurrence=a'],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
  );
  return out
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const [protocols, severities, messages] = line.split('\t');
      const sev = severities ? severities.split('|').map(Number) : [];
      const msg = messages ? messages.split('|') : [];
      return { protocols: protocols.split(':'), errors: msg.filter((_, i) => sev[i] >= SEVERITY_ERROR) };
    });
}

function verbose(file: string): string {
  return execFileSync('tshark', ['-r', file, ...CHECK_PREFS, '-V'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
}

/** True if `expected` appears in `actual` in order (other protocols may sit between). */
function inOrder(actual: string[], expected: readonly string[]): boolean {
  let at = 0;
  for (const name of actual) if (at < expected.length && name === expected[at]) at++;
  return at === expected.length;
}

test('tshark dissects every sample packet cleanly with checksum checks on', { skip: missing ?? false }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'packet-tshark-'));
  try {
    const file = join(dir, 'samples.pcap');
    const writer = PcapWriter.open(file);
    for (const sample of PACKET_SAMPLES) writer.write(buildPacket(sample.spec), { seconds: 1, nanoseconds: 0 });
    writer.close();
    const frames = dissect(file);
    assert.equal(frames.length, PACKET_SAMPLES.length);
    PACKET_SAMPLES.forEach((sample, i) => {
      const frame = frames[i];
      assert.deepEqual(frame.errors, [], `${sample.name}: tshark reports ${frame.errors.join('; ')}`);
      assert.ok(
        inOrder(frame.protocols, sample.protocols),
        `${sample.name}: tshark saw ${frame.protocols.join(':')}, wanted ${sample.protocols.join(':')}`,
      );
    });
    const text = verbose(file);
    assert.doesNotMatch(text, /Malformed Packet/);
    assert.doesNotMatch(text, /Status: Bad|\[incorrect/);
    // Checksums were really verified, not skipped.
    assert.match(text, /\[Header checksum status: Good\]/);
    assert.match(text, /\[Checksum Status: Good\]/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('tshark flags the builder\'s deliberately bad checksums and truncation', { skip: missing ?? false }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'packet-tshark-'));
  try {
    const file = join(dir, 'bad.pcap');
    const writer = PcapWriter.open(file, { nanosecond: true, littleEndian: false });
    writer.write(buildPacket({ eth: {}, ipv4: { checksum: 0x1234 }, udp: { checksum: 0x4321 }, payload: 'x' }));
    writer.write(buildPacket({ eth: {}, ipv4: {}, tcp: { dataOffset: 15 } }));
    writer.close();
    const frames = dissect(file);
    assert.ok(frames[0].errors.some((e) => /checksum/i.test(e)), frames[0].errors.join('; '));
    assert.ok(frames[1].errors.length > 0, 'tshark accepted a TCP header longer than the packet');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
