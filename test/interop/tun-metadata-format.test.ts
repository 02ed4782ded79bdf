// Interop test of tun_metadataN formatting (formatMatch() with a TLV map)
// against real Open vSwitch 3.1: without a map, as `ovs-ofctl parse-flow`
// prints a match whose options take the lengths their values need; and with
// a map, as `ovs-ofctl dump-flows` prints flows on a real sandboxed bridge
// after `ovs-ofctl add-tlv-map`. Skipped where Open vSwitch is not installed.

import { execFile } from 'node:child_process';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { TunMetadataMap } from '../../src/flow/fields.js';
import { formatMatch } from '../../src/flow/format.js';
import { parseMatch } from '../../src/flow/parse.js';
import { realOvsMissing, startRealOvs, type RealOvs } from '../support/real-ovs.js';

const execFileAsync = promisify(execFile);
const missing = realOvsMissing();

/** Match texts given without a map: each option is as long as its value or mask needs. */
const LOOSE_MATCHES = [
  'tun_metadata0=1',
  'tun_metadata0=0',
  'tun_metadata0=0/0',
  'tun_metadata3=0x5/0x0',
  'tun_metadata0',
  'tun_metadata0=0x000005',
  'tun_metadata0=0x100/0xff00',
  'tun_metadata0=0x5/0x0fff',
  'tun_metadata0=0x5/0x00ffff',
  'tun_metadata0=0x5/0xff00ff',
  'tun_metadata0=0xff/0x1ff',
  'tun_metadata0=0x1122/0xff',
  'tun_metadata0=0x5/0xffffffffffffffffffffffffffffffffffffff',
  'tun_metadata0=0x123456789',
  'tun_metadata0[0..7]=5',
  'tun_metadata40[60..63]=5',
  'tun_metadata1=0,tun_metadata0=0',
  'tun_metadata33=0x12345678901234567890,tun_metadata32=1/1,tun_metadata31=0/1',
  'tun_id=5,tun_metadata0=1,tun_flags=+oam,tun_gbp_id=3,tun_metadata1=2,in_port=3,reg0=1,metadata=1',
];

/** A TLV map for the bridge: option index and length in bytes (Geneve lengths are multiples of 4). */
const TLV_OPTIONS: ReadonlyArray<readonly [index: number, length: number]> = [[0, 4], [1, 8], [5, 12], [63, 124]];

/** Flows for the bridge with the map above, each checked against dump-flows. */
const MAPPED_MATCHES = [
  'tun_metadata0=1',
  'tun_metadata0=0x12345678/0xffff0000',
  'tun_metadata0=0',
  'tun_metadata0=0/0',
  'tun_metadata0=0x0/0x1',
  'tun_metadata0[0..7]=5',
  'tun_metadata0=0x1/0xffffffff',
  'tun_metadata1=0x1',
  'tun_metadata1=0x1122334455667788/0xff',
  'tun_metadata1[60..63]=5',
  'tun_metadata5=0xabc',
  'tun_metadata5=0xffffffffffffffffffffffff',
  'tun_metadata5=0x1/0xffffffffffffffffffffffff',
  'tun_metadata5=0x100000000/0xff00000000',
  'tun_metadata63=0x55',
  'tun_metadata1=3,tun_metadata0=2',
  'tun_id=5,tun_metadata0=1,tun_flags=+oam,tun_gbp_id=3,tun_metadata1=2,in_port=3,reg0=1,metadata=1,tun_src=1.1.1.1',
];

function ours(text: string, map: TunMetadataMap, priority?: number): string {
  return formatMatch(parseMatch(text, { tunMetadata: map }), { tunMetadata: map, priority });
}

let ovs: RealOvs | undefined;

before(async () => {
  if (missing !== null) return;
  ovs = await startRealOvs();
  await ovs.vsctl('add-br', 'br0', '--', 'set', 'bridge', 'br0', 'datapath-type=dummy');
});

after(async () => {
  await ovs?.stop();
});

test('formatMatch() prints tun_metadata as ovs-ofctl parse-flow does without a TLV map', { skip: missing ?? false }, async () => {
  const problems: string[] = [];
  for (const text of LOOSE_MATCHES) {
    const { stdout } = await execFileAsync('ovs-ofctl', ['parse-flow', `${text},actions=drop`], { timeout: 10_000 });
    const real = /ADD (.*?) ?actions=drop/.exec(stdout)?.[1];
    const mine = ours(text, new Map());
    if (real !== mine) problems.push(`${text}\n  real: ${real}\n  ours: ${mine}`);
  }
  assert.deepEqual(problems, []);
});

test('formatMatch() prints tun_metadata as ovs-ofctl dump-flows does after add-tlv-map', { skip: missing ?? false }, async () => {
  const real = ovs as RealOvs;
  const map: TunMetadataMap = new Map();
  let offset = 0;
  for (const [index, length] of TLV_OPTIONS) {
    map.set(index, { offset, length });
    offset += length;
  }
  const tlv = TLV_OPTIONS.map(([index, length], i) => `{class=0xffff,type=${i},len=${length}}->tun_metadata${index}`);
  await real.run('ovs-ofctl', ['add-tlv-map', 'br0', tlv.join(',')]);
  const flows = MAPPED_MATCHES.map((text, i) => ({ text, priority: 100 + i }));
  const file = join(real.dir, 'tun-metadata.flows');
  writeFileSync(file, flows.map((f) => `priority=${f.priority},${f.text},actions=drop`).join('\n') + '\n');
  await real.run('ovs-ofctl', ['add-flows', 'br0', file]);
  const dump = await real.run('ovs-ofctl', ['dump-flows', '--no-stats', 'br0']);
  const byPriority = new Map<number, string>();
  for (const line of dump.split('\n')) {
    const m = /^ ?(priority=(\d+)[^ ]*) actions=/.exec(line);
    if (m) byPriority.set(Number(m[2]), m[1]);
  }
  const problems: string[] = [];
  for (const f of flows) {
    const mine = ours(f.text, map, f.priority);
    const theirs = byPriority.get(f.priority);
    if (theirs !== mine) problems.push(`${f.text}\n  real: ${theirs}\n  ours: ${mine}`);
  }
  assert.deepEqual(problems, []);
});
