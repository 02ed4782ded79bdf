// The actions corpus on a live switch: real ovs-ofctl adds each corpus flow
// to a real ovs-vswitchd (--enable-dummy) and dumps the table; the actions
// `dump-flows` prints must be the text our formatter gives for the kept bytes
// of that version (what test/corpus/openflow-actions/expected.json holds).
// Flows the switch itself refuses (a group or meter that does not exist, ...)
// are counted, not compared.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { readExpected, VERSION_NAMES } from '../corpus/openflow-actions/capture.js';
import { decodeActions } from '../../src/openflow/actions/decode.js';
import { formatActions } from '../../src/openflow/actions/format.js';
import { realOvsMissing, startRealOvs, type RealOvs } from '../support/real-ovs.js';

const missing = realOvsMissing();
let ovs: RealOvs | undefined;

before(async () => {
  if (missing) return;
  ovs = await startRealOvs();
  await ovs.vsctl('add-br', 'br0', '--', 'set', 'bridge', 'br0', 'datapath-type=dummy', 'fail-mode=secure');
});

after(async () => {
  await ovs?.stop();
});

for (const version of [1, 4, 6]) {
  test(`dump-flows over ${VERSION_NAMES[version]} prints the actions as formatActions(decodeActions(kept bytes))`, { skip: missing ?? false }, async () => {
    const o = ovs!;
    const proto = VERSION_NAMES[version]!;
    await o.run('ovs-ofctl', ['-O', proto, 'del-flows', 'br0']);
    const ours = new Map<number, string>();
    let refused = 0;
    let priority = 0;
    // Every flow over OpenFlow 1.3, every other one over 1.0 and 1.5 (time).
    const entries = readExpected().filter((_, i) => version === 4 || i % 2 === 0);
    for (const entry of entries) {
      const kept = entry.versions[String(version)]!;
      if ('error' in kept || kept.decodeError !== undefined) continue;
      priority++;
      // A priority per flow keeps flows with the same match apart.
      const flow = `priority=${priority},${entry.flow}`;
      try {
        await o.run('ovs-ofctl', ['-O', proto, 'add-flow', 'br0', flow]);
      } catch {
        refused++;
        continue;
      }
      const bytes = Uint8Array.from(Buffer.from(kept.hex, 'hex'));
      ours.set(priority, formatActions(decodeActions(bytes, version, { instructions: true })));
    }
    const dump = await o.run('ovs-ofctl', ['-O', proto, '--no-stats', 'dump-flows', 'br0']);
    const printed = new Map<number, string>();
    for (const line of dump.split('\n')) {
      const m = /priority=(\d+)\b.*?actions=(.*)$/.exec(line.trim());
      if (m) printed.set(Number(m[1]), m[2]!);
    }
    assert.ok(ours.size > 120, `only ${ours.size} flows added (${refused} refused)`);
    const differ = [...ours].filter(([p, text]) => printed.get(p) !== text).map(([p, text]) => `${text} / ${printed.get(p)}`);
    assert.deepEqual(differ, []);
  });
}
