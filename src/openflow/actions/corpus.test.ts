// The actions codec against real ovs-ofctl 3.1: the kept answers of the
// corpus in test/corpus/openflow-actions always, and a live ovs-ofctl on a
// sample of lines when Open vSwitch is installed (the kept answers must still
// be what the tool says).

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import {
  captureFlow, captureWire, readCorpusLines, readExpected, readExpectedWire, readWireLines,
} from '../../../test/corpus/openflow-actions/capture.js';
import { parseMatch, splitActions } from '../../flow/parse.js';
import { checkCorpus } from '../../../test/corpus/openflow-actions/compare.js';
import { parseActions } from './parse.js';
import type { Ofpact } from './types.js';

function ovsOfctlMissing(): string | null {
  try {
    execFileSync('which', ['ovs-ofctl'], { stdio: 'ignore' });
    return null;
  } catch {
    return 'ovs-ofctl is not installed (apt-get install openvswitch-common)';
  }
}

test('parse, usable protocols, encode, decode and format agree with real ovs-ofctl 3.1 on every corpus flow and version', () => {
  const { checked, mismatches } = checkCorpus();
  assert.ok(checked > 1800, `only ${checked} corpus checks`);
  assert.deepEqual(mismatches.slice(0, 10), []);
});

test('the corpus keeps an answer for every line of flows.txt, errors.txt and wire.txt', () => {
  const flows = [...readCorpusLines('flows.txt'), ...readCorpusLines('errors.txt')];
  assert.deepEqual(readExpected().map((e) => e.flow), flows);
  assert.deepEqual(readExpectedWire().map((e) => `${e.version} ${e.hex}`), readWireLines().map((w) => `${w.version} ${w.hex}`));
});

const ALL_KINDS: ReadonlyArray<Ofpact['type']> = [
  'output', 'output-trunc', 'output-reg', 'enqueue', 'controller', 'bundle', 'set-vlan-vid', 'set-vlan-pcp',
  'strip-vlan', 'push-vlan', 'set-eth-src', 'set-eth-dst', 'set-ipv4-src', 'set-ipv4-dst', 'set-ip-dscp', 'set-ip-ecn',
  'set-ip-ttl', 'set-l4-src', 'set-l4-dst', 'dec-ttl', 'set-mpls-label', 'set-mpls-tc', 'set-mpls-ttl', 'dec-mpls-ttl',
  'push-mpls', 'pop-mpls', 'set-field', 'move', 'stack-push', 'stack-pop', 'set-tunnel', 'set-queue', 'pop-queue',
  'delete-field', 'resubmit', 'group', 'fin-timeout', 'note', 'exit', 'learn', 'conjunction', 'multipath', 'sample',
  'clone', 'ct', 'ct-clear', 'nat', 'check-pkt-larger', 'encap', 'decap', 'dec-nsh-ttl', 'debug-recirc', 'debug-slow',
  'meter', 'clear-actions', 'write-actions', 'write-metadata', 'goto-table',
];

test('the corpus exercises every kind of Ofpact', () => {
  const seen = new Set<string>();
  const walk = (actions: readonly Ofpact[]): void => {
    for (const a of actions) {
      seen.add(a.type);
      if (a.type === 'clone' || a.type === 'write-actions' || a.type === 'ct') walk(a.actions);
    }
  };
  for (const entry of readExpected()) {
    if (Object.values(entry.versions).every((v) => 'error' in v)) continue;
    const split = splitActions(entry.flow)!;
    walk(parseActions(split.actions, { match: parseMatch(split.match) }));
  }
  assert.deepEqual(ALL_KINDS.filter((k) => !seen.has(k)), []);
});

test('a live ovs-ofctl still gives the kept answers', { skip: ovsOfctlMissing() ?? false }, async () => {
  const expected = readExpected();
  // A spread of lines keeps this quick; capture.ts re-runs all of them.
  for (let i = 0; i < expected.length; i += 23) {
    assert.deepEqual(await captureFlow(expected[i]!.flow), expected[i]);
  }
  const wire = readExpectedWire();
  for (let i = 0; i < wire.length; i += 11) {
    assert.deepEqual(await captureWire(wire[i]!.version, wire[i]!.hex), wire[i]);
  }
});

test('every OfpError name the actions code uses is one real ovs-ofctl knows', { skip: ovsOfctlMissing() ?? false }, () => {
  const dir = new URL('../../../../src/openflow/actions/', import.meta.url);
  const names = new Set<string>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))) {
    for (const m of readFileSync(new URL(file, dir), 'utf8').matchAll(/'((?:OFPB|NXB|OFPMM)[A-Z]*_[A-Z_]+)'/g)) names.add(m[1]!);
  }
  assert.ok(names.size > 15);
  for (const name of names) {
    const out = execFileSync('ovs-ofctl', ['print-error', name], { encoding: 'utf8' });
    assert.match(out, /OpenFlow 1\.\d: vendor/, name);
  }
});
