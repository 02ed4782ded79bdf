// Interop: crash safety of `ovs-ts ovsdb-server`. A client streams
// transactions (several in flight at once) and notes which ones were
// acknowledged; the server is killed with SIGKILL in the middle. The real
// `ovsdb-tool show-log` must read the file, the real `ovsdb-tool query` must
// find every acknowledged change, and our server must open the file again.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { realOvsMissing } from '../support/real-ovs.js';
import { VSWITCH_SCHEMA } from '../support/ovsdb-normalize.js';
import { RawClient, startServer } from '../support/ovsdb-servers.js';

const run = promisify(execFile);
const missing = realOvsMissing();

test('ovs-ts ovsdb-server loses no acknowledged transaction when killed with SIGKILL', { skip: missing ?? false, timeout: 60_000 }, async () => {
  const server = await startServer('ours', VSWITCH_SCHEMA, { init: true });
  try {
    const client = await RawClient.connect(server.sockPath);
    const acknowledged: number[] = [];
    let sent = 0;
    const inFlight = new Set<number>();
    const sendNext = (): void => {
      const n = sent++;
      inFlight.add(n);
      client.send({
        id: n, method: 'transact',
        params: ['Open_vSwitch', { op: 'mutate', table: 'Open_vSwitch', where: [], mutations: [['external_ids', 'insert', ['map', [[`k${n}`, `v${n}`]]]]] }],
      });
    };
    for (let i = 0; i < 8; i++) sendNext();
    const killAt = Date.now() + 700;
    while (Date.now() < killAt) {
      await new Promise((r) => setTimeout(r, 2));
      for (const message of client.messages.splice(0) as { id: number; result?: unknown }[]) {
        if (!inFlight.delete(message.id)) continue;
        assert.deepEqual(message.result, [{ count: 1 }]);
        acknowledged.push(message.id);
        sendNext();
      }
    }
    process.kill(server.pid(), 'SIGKILL');
    await client.waitClosed();
    // Replies that arrived before the kill took effect count as acknowledged too.
    for (const message of client.messages as { id: number; result?: unknown }[]) {
      if (inFlight.delete(message.id) && message.result) acknowledged.push(message.id);
    }
    assert.ok(acknowledged.length > 20, `only ${acknowledged.length} transactions were acknowledged`);

    const { stdout: showLog } = await run('ovsdb-tool', ['show-log', server.dbPath]);
    assert.match(showLog, /record 0:.*"Open_vSwitch" schema/);
    const { stdout } = await run('ovsdb-tool', ['query', server.dbPath,
      JSON.stringify(['Open_vSwitch', { op: 'select', table: 'Open_vSwitch', where: [], columns: ['external_ids'] }])]);
    const rows = (JSON.parse(stdout) as [{ rows: [{ external_ids: [string, [string, string][]] }] }])[0].rows;
    const stored = new Set(rows[0].external_ids[1].map(([key]) => key));
    const lost = acknowledged.filter((n) => !stored.has(`k${n}`));
    assert.deepEqual(lost, [], 'acknowledged transactions missing from the file');

    // Our server serves the file again.
    const again = await startServer('ours', VSWITCH_SCHEMA, { dbPath: server.dbPath });
    try {
      const value = await again.run('ovs-vsctl', ['get', 'open_vswitch', '.', `external_ids:k${acknowledged[acknowledged.length - 1]}`]);
      assert.equal(value.trim(), `v${acknowledged[acknowledged.length - 1]}`);
    } finally {
      await again.stop();
    }
  } finally {
    await server.stop();
  }
});
