// Interop: the real ovs-vswitchd (--enable-dummy) runs on `ovs-ts
// ovsdb-server` as its database: it monitors through Open vSwitch's client
// library (_Server first, then monitor_cond_since), applies `ovs-vsctl`
// changes and writes back cur_cfg and ofport, so ovs-vsctl's wait for the
// switch (no --no-wait) completes.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { realOvsMissing } from '../support/real-ovs.js';
import { VSWITCH_SCHEMA } from '../support/ovsdb-normalize.js';
import { startServer } from '../support/ovsdb-servers.js';

const missing = realOvsMissing();

test('the real ovs-vswitchd uses ovs-ts ovsdb-server and ovs-vsctl waits for it', { skip: missing ?? false, timeout: 60_000 }, async () => {
  const server = await startServer('ours', VSWITCH_SCHEMA, { init: true });
  const pidfile = join(server.dir, 'ovs-vswitchd.pid');
  try {
    await server.run('ovs-vswitchd', ['--enable-dummy', '--disable-system', '--disable-system-route', '--detach', '--no-chdir', '--pidfile', '--log-file']);
    await server.run('ovs-vsctl', ['--timeout=20', 'add-br', 'br0', '--', 'set', 'bridge', 'br0', 'datapath_type=dummy']);
    await server.run('ovs-vsctl', ['--timeout=20', 'add-port', 'br0', 'p1', '--', 'set', 'interface', 'p1', 'type=dummy']);
    assert.equal((await server.run('ovs-vsctl', ['get', 'interface', 'p1', 'ofport'])).trim(), '1');
    const nextCfg = (await server.run('ovs-vsctl', ['get', 'open_vswitch', '.', 'next_cfg'])).trim();
    assert.equal((await server.run('ovs-vsctl', ['get', 'open_vswitch', '.', 'cur_cfg'])).trim(), nextCfg);
    await server.run('ovs-vsctl', ['--timeout=20', 'del-br', 'br0']);
    assert.equal((await server.run('ovs-vsctl', ['list-br'])).trim(), '');
  } finally {
    if (existsSync(pidfile)) {
      try {
        process.kill(Number(readFileSync(pidfile, 'utf8').trim()), 'SIGTERM');
      } catch {
        // Already gone.
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    await server.stop();
  }
});
