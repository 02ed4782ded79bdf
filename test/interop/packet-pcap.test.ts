// Interop: pcap files written by pcap.ts read correctly in Wireshark's editcap
// and OVS's ovs-pcap, and files editcap writes (other format, snaplen cut)
// read back through readPcapFile() with the same packets and timestamps.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildPacket } from '../../src/packet/build.js';
import { bytesToHex } from '../../src/packet/hex.js';
import { PcapWriter, readPcapFile } from '../../src/packet/pcap.js';
import { PACKET_SAMPLES } from '../../src/packet/samples.js';

function toolMissing(tool: string, args: string[], install: string): string | null {
  return spawnSync(tool, args, { stdio: 'ignore' }).error ? `${tool} is not installed (apt-get install ${install})` : null;
}

const packets = PACKET_SAMPLES.slice(0, 8).map((s) => buildPacket(s.spec));

function writeSamples(path: string, options: { littleEndian: boolean; nanosecond: boolean }): void {
  const writer = PcapWriter.open(path, options);
  packets.forEach((data, i) => writer.write(data, { seconds: 1700000000 + i, nanoseconds: 123456789 }));
  writer.close();
}

function withDir(body: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'packet-pcap-'));
  try {
    body(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('ovs-pcap prints the packets pcap.ts wrote, in either byte order', { skip: toolMissing('ovs-pcap', ['--help'], 'openvswitch-common') ?? false }, () => {
  withDir((dir) => {
    for (const littleEndian of [true, false]) {
      const path = join(dir, `ovs-${littleEndian}.pcap`);
      writeSamples(path, { littleEndian, nanosecond: false });
      const lines = execFileSync('ovs-pcap', [path], { encoding: 'utf8' }).trim().split('\n');
      assert.deepEqual(lines, packets.map((p) => bytesToHex(p)));
    }
  });
});

test('another process reads each record as soon as PcapWriter.write() returns', { skip: toolMissing('ovs-pcap', ['--help'], 'openvswitch-common') ?? false }, () => {
  withDir((dir) => {
    const path = join(dir, 'live.pcap');
    const writer = PcapWriter.open(path);
    try {
      for (let i = 0; i < 3; i++) {
        writer.write(packets[i]);
        const lines = execFileSync('ovs-pcap', [path], { encoding: 'utf8' }).trim().split('\n');
        assert.deepEqual(lines, packets.slice(0, i + 1).map((p) => bytesToHex(p)));
      }
    } finally {
      writer.close();
    }
  });
});

test('editcap converts pcap.ts output and readPcapFile() reads the result', { skip: toolMissing('editcap', ['-V'], 'tshark') ?? false }, () => {
  withDir((dir) => {
    const ours = join(dir, 'ours.pcap');
    writeSamples(ours, { littleEndian: false, nanosecond: true });
    // Nanosecond big-endian -> microsecond host order, cut to 20 bytes.
    const theirs = join(dir, 'theirs.pcap');
    execFileSync('editcap', ['-F', 'pcap', '-s', '20', ours, theirs], { stdio: 'ignore' });
    const file = readPcapFile(theirs);
    assert.equal(file.nanosecond, false);
    assert.equal(file.snaplen, 20);
    assert.equal(file.records.length, packets.length);
    file.records.forEach((record, i) => {
      assert.equal(record.seconds, 1700000000 + i);
      assert.equal(record.nanoseconds, 123456000);
      assert.equal(bytesToHex(record.data), bytesToHex(packets[i].subarray(0, 20)));
      assert.equal(record.originalLength, packets[i].length);
    });
    // And back to nanoseconds, whole packets.
    const nsec = join(dir, 'nsec.pcap');
    execFileSync('editcap', ['-F', 'nsecpcap', ours, nsec], { stdio: 'ignore' });
    const again = readPcapFile(nsec);
    assert.equal(again.nanosecond, true);
    assert.deepEqual(again.records.map((r) => [r.nanoseconds, bytesToHex(r.data)]), packets.map((p) => [123456789, bytesToHex(p)]));
  });
});
