// Interop: "wait" with a timeout, which ovsdb-tool cannot run, against a
// sandboxed real ovsdb-server through `ovsdb-client transact`: the server
// answers "timed out" once the timeout passes; Database.transact() first asks
// its caller to wait that long, then gives the same reply when told it waited.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { realOvsMissing, startRealOvs } from '../support/real-ovs.js';
import { Database } from '../../src/ovsdb/database.js';
import { parseSchema } from '../../src/ovsdb/schema.js';
import type { Json } from '../../src/ovsdb/json.js';
import { normalizeResults, VSWITCH_SCHEMA } from '../support/ovsdb-normalize.js';

const missing = realOvsMissing();

/** Each list runs as one transaction after `ovs-vsctl init` (one Open_vSwitch row). */
const TRANSACTIONS: Json[][] = [
  [{ op: 'wait', table: 'Bridge', where: [], columns: ['name'], until: '==', rows: [{ name: 'br0' }], timeout: 100 }],
  [{ op: 'insert', table: 'Bridge', row: { name: 'br9' } },
    { op: 'wait', table: 'Open_vSwitch', where: [], columns: ['next_cfg'], until: '!=', rows: [{ next_cfg: 0 }], timeout: 50 }],
  [{ op: 'wait', table: 'Open_vSwitch', where: [], columns: ['next_cfg'], until: '==', rows: [{ next_cfg: 0 }], timeout: 50 },
    { op: 'select', table: 'Open_vSwitch', where: [], columns: ['next_cfg', 'bridges'] }],
];

test('wait with a timeout matches a real ovsdb-server', { skip: missing ?? false, timeout: 60_000 }, async () => {
  const ovs = await startRealOvs({ vswitchd: false });
  try {
    const db = new Database(parseSchema(JSON.parse(readFileSync(VSWITCH_SCHEMA, 'utf8')) as Json));
    assert.equal(db.transact([{ op: 'insert', table: 'Open_vSwitch', row: {} }]).kind, 'done');
    for (const operations of TRANSACTIONS) {
      const text = await ovs.run('ovsdb-client', ['transact', `unix:${join(ovs.dir, 'db.sock')}`,
        JSON.stringify(['Open_vSwitch', ...operations])]);
      const real = JSON.parse(text) as Json[];
      let outcome = db.transact(operations);
      if (outcome.kind === 'wait') {
        const timeout = (operations.find((op) => (op as { op: string }).op === 'wait') as { timeout: number }).timeout;
        assert.equal(outcome.timeoutMs, timeout);
        outcome = db.transact(operations, { waitedMs: timeout + 1 });
      }
      assert.equal(outcome.kind, 'done');
      // The server reports the time it actually waited, a millisecond or so over.
      const elapsed = (results: Json): Json => JSON.parse(JSON.stringify(results).replace(/after \d+ ms/g, 'after N ms')) as Json;
      if (outcome.kind === 'done') assert.deepEqual(elapsed(normalizeResults(outcome.results)), elapsed(normalizeResults(real)));
    }
  } finally {
    await ovs.stop();
  }
});
