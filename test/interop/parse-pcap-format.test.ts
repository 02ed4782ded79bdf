// Interop test of the match formatting behind parse-pcap (src/flow/format.ts):
// every golden of src/flow/format-goldens.ts must still be what a live real
// `ovs-ofctl parse-flow` prints for that text, and what `ovs-ofctl
// dump-flows` prints after the flow is added to a real bridge, so the goldens
// our formatter is held to cannot drift from Open vSwitch 3.1.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ALL_FORMAT_GOLDENS } from '../../src/flow/format-goldens.js';
import { formatMatch } from '../../src/flow/format.js';
import { realOvsMissing, startRealOvs, type RealOvs } from '../support/real-ovs.js';

const missing = realOvsMissing();
let ovs: RealOvs | undefined;

before(async () => {
  if (missing !== null) return;
  ovs = await startRealOvs();
  await ovs.vsctl('add-br', 'br0', '--', 'set', 'bridge', 'br0', 'datapath-type=dummy');
});

after(async () => {
  await ovs?.stop();
});

/** The match text of one "ADD <match> actions=drop" line of parse-flow. */
function addedMatch(output: string): string {
  const line = output.split('\n').find((l) => / ADD /.test(l));
  assert.ok(line, `no ADD line in:\n${output}`);
  return line.replace(/^.* ADD /, '').replace(/ ?actions=drop$/, '');
}

test('real ovs-ofctl parse-flow prints every format golden as formatMatch() does', { skip: missing ?? false }, async () => {
  const problems: string[] = [];
  for (const golden of ALL_FORMAT_GOLDENS) {
    const ours = formatMatch(golden.match, { priority: golden.priority });
    const input = golden.input ?? ours;
    const flow = input === '' ? 'actions=drop' : `${input},actions=drop`;
    const real = addedMatch(await (ovs as RealOvs).run('ovs-ofctl', ['parse-flow', flow]));
    if (real !== ours) problems.push(`real: ${real}\nours: ${ours}`);
  }
  assert.deepEqual(problems, []);
});

test('real ovs-ofctl dump-flows prints every format golden as formatMatch() does', { skip: missing ?? false }, async () => {
  const real = ovs as RealOvs;
  // One flow per golden, told apart by priority (the golden with its own
  // priority keeps it). recirc_id and dp_hash are internal: a controller may not match them.
  const flows = ALL_FORMAT_GOLDENS.filter((g) => !/recirc_id|dp_hash/.test(formatMatch(g.match))).map((golden, i) => {
    const priority = golden.priority ?? 1000 + i;
    const ours = formatMatch(golden.match, { priority });
    const input = golden.input === undefined ? ours : `priority=${priority},${golden.input}`;
    return { priority, ours, line: `${input},actions=drop` };
  });
  const file = join(real.dir, 'golden.flows');
  writeFileSync(file, flows.map((f) => f.line).join('\n') + '\n');
  await real.run('ovs-ofctl', ['add-flows', 'br0', file]);
  const dump = await real.run('ovs-ofctl', ['dump-flows', '--no-stats', 'br0']);
  const byPriority = new Map<number, string>();
  for (const line of dump.split('\n')) {
    const m = /^ ?(?:.*?)(priority=(\d+)[^ ]*) actions=/.exec(line);
    if (m) byPriority.set(Number(m[2]), m[1]);
  }
  const problems: string[] = [];
  for (const f of flows) {
    const text = byPriority.get(f.priority);
    if (text !== f.ours) problems.push(`real: ${text}\nours: ${f.ours}`);
  }
  assert.deepEqual(problems, []);
});
