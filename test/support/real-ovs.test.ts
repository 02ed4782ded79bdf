import { test } from 'node:test';
import assert from 'node:assert/strict';
import { realOvsMissing, startRealOvs } from './real-ovs.js';

const missing = realOvsMissing();

test('startRealOvs() runs a dummy bridge that real ovs-appctl can trace', { skip: missing ?? false }, async () => {
  const ovs = await startRealOvs();
  try {
    await ovs.vsctl('add-br', 'br0', '--', 'set', 'bridge', 'br0', 'datapath-type=dummy', 'fail-mode=secure');
    const out = await ovs.appctl('ofproto/trace', 'br0', 'in_port=1');
    assert.match(out, /Datapath actions: drop/);
  } finally {
    await ovs.stop();
  }
});
