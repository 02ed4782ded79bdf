// Tests of the IDL against Debian's real ovsdb-server (the oracle), with the
// real ovs-vsctl as the "other client": replication, change tracking, the
// monitor fallbacks, TRY_AGAIN on a verified column, named-uuid resolution,
// resynchronisation after the server restarts, and locks between two clients.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { realOvsMissing, startRealOvs, type RealOvs } from '../../../test/support/real-ovs.js';
import { applyDiff, Idl } from './idl.js';
import { vswitchRow, vswitchRows } from './vswitch.js';

const missing = realOvsMissing();

function remoteOf(ovs: RealOvs): string {
  return `unix:${join(ovs.dir, 'db.sock')}`;
}

function names(idl: Idl, table: string): string[] {
  return idl.rows(table).map((row) => row.columns.get('name')?.keys[0] as string).sort();
}

test('applyDiff() toggles set elements and adds, changes or removes map keys as update2 says', () => {
  const set = { key: { type: 'integer' as const }, min: 0, max: Infinity };
  assert.deepEqual(applyDiff({ keys: [1, 2, 3] }, ['set', [2, 4]], set), { keys: [1, 3, 4] });
  const map = { key: { type: 'string' as const }, value: { type: 'string' as const }, min: 0, max: Infinity };
  const old = { keys: ['a', 'b', 'c'], values: ['1', '2', '3'] };
  // a: same value -> removed; b: new value -> changed; d: new key -> added.
  assert.deepEqual(applyDiff(old, ['map', [['a', '1'], ['b', '9'], ['d', '4']]], map),
    { keys: ['b', 'c', 'd'], values: ['9', '3', '4'] });
  const optional = { key: { type: 'string' as const }, min: 0, max: 1 };
  assert.deepEqual(applyDiff({ keys: [] }, 'secure', optional), { keys: ['secure'] });
  assert.deepEqual(applyDiff({ keys: ['secure'] }, 'secure', optional), { keys: [] });
  const scalar = { key: { type: 'string' as const }, min: 1, max: 1 };
  assert.deepEqual(applyDiff({ keys: ['a'] }, 'b', scalar), { keys: ['b'] });
});

describe('IDL against the real ovsdb-server', { skip: missing ?? false }, () => {
  let ovs: RealOvs;
  const idls: Idl[] = [];
  const open = (options: Parameters<typeof Idl.open>[1] = {}): Idl => {
    const idl = Idl.open(remoteOf(ovs), { session: { minBackoffMs: 100, maxBackoffMs: 200 }, ...options });
    idls.push(idl);
    return idl;
  };

  before(async () => {
    ovs = await startRealOvs({ vswitchd: false });
  });
  after(async () => {
    for (const idl of idls) await idl.close();
    await ovs.stop();
  });

  test('replicates the database and tracks what another client changed', async () => {
    const idl = open();
    await idl.waitForSync();
    assert.equal(idl.monitorMethod, 'monitor_cond_since');
    assert.equal(idl.rows('Open_vSwitch').length, 1);
    idl.clearTracked();
    const seqno = idl.seqno;
    await ovs.vsctl('--no-wait', 'add-br', 'track0');
    await idl.waitFor(() => names(idl, 'Bridge').includes('track0'));
    assert.ok(idl.seqno > seqno, 'seqno moved');
    const changes = idl.trackedChanges();
    const bridge = changes.find((change) => change.table === 'Bridge');
    assert.equal(bridge?.kind, 'insert');
    const root = changes.find((change) => change.table === 'Open_vSwitch');
    assert.equal(root?.kind, 'modify');
    assert.deepEqual([...(root?.columns ?? [])], ['bridges']);
    idl.clearTracked();
    await ovs.vsctl('--no-wait', 'del-br', 'track0');
    await idl.waitFor(() => !names(idl, 'Bridge').includes('track0'));
    assert.ok(idl.trackedChanges().some((change) => change.table === 'Bridge' && change.kind === 'delete'));
  });

  for (const disabled of [['monitor_cond_since'], ['monitor_cond_since', 'monitor_cond']] as const) {
    test(`falls back when ${disabled.join(' and ')} ${disabled.length > 1 ? 'are' : 'is'} unavailable`, async () => {
      const idl = open({ disabledMethods: disabled, tables: { Bridge: ['name', 'external_ids'] } });
      await idl.waitForSync();
      assert.equal(idl.monitorMethod, disabled.length === 1 ? 'monitor_cond' : 'monitor');
      await ovs.vsctl('--no-wait', 'add-br', `fb${disabled.length}`, '--', 'br-set-external-id', `fb${disabled.length}`, 'k', 'v');
      await idl.waitFor(() => names(idl, 'Bridge').includes(`fb${disabled.length}`));
      const row = idl.rows('Bridge').find((r) => r.columns.get('name')?.keys[0] === `fb${disabled.length}`);
      assert.deepEqual(row?.columns.get('external_ids'), { keys: ['k'], values: ['v'] });
      assert.equal(row?.columns.has('ports'), false, 'unrequested columns are not replicated');
      await ovs.vsctl('--no-wait', 'br-set-external-id', `fb${disabled.length}`, 'k', 'w');
      await idl.waitFor(() => row?.columns.get('external_ids')?.values?.[0] === 'w');
    });
  }

  test('inserts with named-uuid references and sees the real UUIDs in the replica', async () => {
    const idl = open();
    await idl.waitForSync();
    const txn = idl.transaction();
    const root = idl.rows('Open_vSwitch')[0]!;
    const iface = txn.insert('Interface');
    txn.write('Interface', iface, 'name', { keys: ['nu0'] });
    const port = txn.insert('Port');
    txn.write('Port', port, 'name', { keys: ['nu0p'] });
    txn.write('Port', port, 'interfaces', { keys: [iface] });
    const bridge = txn.insert('Bridge');
    txn.write('Bridge', bridge, 'name', { keys: ['nu0'] });
    txn.write('Bridge', bridge, 'ports', { keys: [port] });
    txn.verify('Open_vSwitch', root.uuid, 'bridges');
    const bridges = txn.get('Open_vSwitch', root.uuid, 'bridges');
    txn.write('Open_vSwitch', root.uuid, 'bridges', { keys: [...bridges.keys, bridge] });
    const result = await txn.commit();
    assert.equal(result.status, 'success', result.error);
    const real = result.insertedUuids.get(bridge);
    assert.ok(real && real !== bridge);
    assert.equal(idl.row('Bridge', real)?.columns.get('name')?.keys[0], 'nu0');
    const listed = await ovs.vsctl('list-ports', 'nu0');
    assert.equal(listed, 'nu0p\n');
  });

  test('commit() says try-again when another client changed a verified column', async () => {
    const idl = open();
    await idl.waitForSync();
    const root = idl.rows('Open_vSwitch')[0]!;
    const txn = idl.transaction();
    txn.verify('Open_vSwitch', root.uuid, 'external_ids');
    txn.write('Open_vSwitch', root.uuid, 'external_ids', { keys: ['mine'], values: ['1'] });
    // Another client changes the column after we read it.
    await ovs.vsctl('--no-wait', 'set', 'Open_vSwitch', '.', 'external_ids:theirs=2');
    const result = await txn.commit();
    assert.equal(result.status, 'try-again');
    // The retry, built from the refreshed replica, succeeds and keeps both keys.
    await idl.waitFor(() => idl.rows('Open_vSwitch')[0]!.columns.get('external_ids')!.keys.includes('theirs'));
    const retry = idl.transaction();
    const ids = retry.get('Open_vSwitch', root.uuid, 'external_ids');
    retry.verify('Open_vSwitch', root.uuid, 'external_ids');
    retry.write('Open_vSwitch', root.uuid, 'external_ids', { keys: [...ids.keys, 'mine'], values: [...(ids.values ?? []), '1'] });
    assert.equal((await retry.commit()).status, 'success');
    assert.equal(await ovs.vsctl('get', 'Open_vSwitch', '.', 'external_ids'), '{mine="1", theirs="2"}\n');
  });

  test('commitWithRetry() rebuilds after another client changed a verified column', async () => {
    const idl = open();
    await idl.waitForSync();
    const root = idl.rows('Open_vSwitch')[0]!;
    const attempts: number[] = [];
    const result = await idl.commitWithRetry(async (txn, attempt) => {
      attempts.push(attempt);
      const ids = txn.get('Open_vSwitch', root.uuid, 'other_config');
      txn.verify('Open_vSwitch', root.uuid, 'other_config');
      txn.write('Open_vSwitch', root.uuid, 'other_config', {
        keys: [...ids.keys, `k${attempt}`], values: [...(ids.values ?? []), 'mine'],
      });
      // The first time, another client gets in between our read and our commit.
      if (attempt === 1) await ovs.vsctl('--no-wait', 'set', 'Open_vSwitch', '.', 'other_config:other=theirs');
    });
    assert.equal(result.status, 'success');
    assert.deepEqual(attempts, [1, 2]);
    assert.equal(await ovs.vsctl('get', 'Open_vSwitch', '.', 'other_config'), '{k2=mine, other=theirs}\n');
  });

  test('increment() bumps next_cfg and returns the new value', async () => {
    const idl = open();
    await idl.waitForSync();
    const root = idl.rows('Open_vSwitch')[0]!;
    const before = root.columns.get('next_cfg')!.keys[0] as number;
    const txn = idl.transaction();
    txn.write('Open_vSwitch', root.uuid, 'external_ids', { keys: ['inc'], values: ['1'] });
    txn.increment('Open_vSwitch', root.uuid, 'next_cfg');
    const result = await txn.commit();
    assert.equal(result.incrementValue, before + 1);
  });

  test('resynchronises after the server restarts and the database changed meanwhile', async () => {
    const idl = open();
    await idl.waitForSync();
    await idl.waitFor(() => idl.rows('Open_vSwitch').length === 1);
    idl.clearTracked();
    const pid = Number(readFileSync(join(ovs.dir, 'ovsdb-server.pid'), 'utf8'));
    process.kill(pid, 'SIGTERM');
    await idl.waitFor(() => !idl.isConnected());
    const db = join(ovs.dir, 'conf.db');
    execFileSync('ovsdb-tool', ['transact', db, JSON.stringify(['Open_vSwitch',
      { op: 'update', table: 'Open_vSwitch', where: [], row: { external_ids: ['map', [['offline', 'yes']]] } }])]);
    execFileSync('ovsdb-server', ['--detach', '--no-chdir', '--pidfile', '--log-file',
      `--remote=punix:${join(ovs.dir, 'db.sock')}`, db], { env: ovs.env, stdio: 'ignore' });
    await idl.waitForSync();
    const root = idl.rows('Open_vSwitch')[0]!;
    assert.deepEqual(root.columns.get('external_ids'), { keys: ['offline'], values: ['yes'] });
    const change = idl.trackedChanges().find((c) => c.table === 'Open_vSwitch');
    assert.equal(change?.kind, 'modify');
    assert.ok(change?.columns.has('external_ids'));
    // A plain reconnection asks to resume from the last transaction; a
    // standalone server keeps no history and sends a full copy, which the
    // replica takes without reporting changes that did not happen.
    idl.clearTracked();
    idl.forceReconnect();
    await idl.waitFor(() => !idl.isSynced());
    await idl.waitForSync();
    assert.equal(idl.monitorMethod, 'monitor_cond_since');
    assert.equal(idl.resumed, false);
    assert.deepEqual(idl.trackedChanges(), []);
    assert.equal(idl.rows('Open_vSwitch').length, 1);
  });

  test('typed rows decode the Open_vSwitch schema', async () => {
    const idl = open();
    await idl.waitForSync();
    await ovs.vsctl('--no-wait', 'add-br', 'typed0', '--', 'add-port', 'typed0', 'tp0', 'tag=7', '--',
      'set', 'Interface', 'tp0', 'type=internal', 'external_ids:a=b');
    await idl.waitFor(() => vswitchRows(idl, 'Port').some((port) => port.name === 'tp0'));
    const port = vswitchRows(idl, 'Port').find((row) => row.name === 'tp0')!;
    assert.equal(port.tag, 7);
    assert.deepEqual(port.trunks, []);
    const iface = vswitchRow(idl, 'Interface', port.interfaces[0]!)!;
    assert.equal(iface.type, 'internal');
    assert.equal(iface.external_ids.get('a'), 'b');
    assert.equal(iface.ofport, undefined);
    const root = vswitchRows(idl, 'Open_vSwitch')[0]!;
    assert.equal(typeof root.next_cfg, 'number');
    const bridge = vswitchRows(idl, 'Bridge').find((row) => root.bridges.includes(row.uuid) && row.name === 'typed0')!;
    assert.equal(bridge.fail_mode, undefined);
    assert.ok(bridge.ports.includes(port.uuid));
  });

  test('a lock goes to one client and passes on when its holder leaves', async () => {
    const first = open({ tables: { Open_vSwitch: ['next_cfg'] } });
    const second = open({ tables: { Open_vSwitch: ['next_cfg'] } });
    await first.waitForSync();
    await second.waitForSync();
    first.setLock('idl_test');
    await first.waitFor(() => first.hasLock);
    second.setLock('idl_test');
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(second.hasLock, false);
    const txn = second.transaction();
    const root = second.rows('Open_vSwitch')[0]!;
    txn.write('Open_vSwitch', root.uuid, 'next_cfg', { keys: [99] });
    assert.equal((await txn.commit()).status, 'not-locked');
    await first.close();
    await second.waitFor(() => second.hasLock);
  });
});

describe('IDL against a clustered real ovsdb-server', { skip: missing ?? false }, () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'idl-cluster-'));
    const env = { ...process.env, OVS_RUNDIR: dir, OVS_LOGDIR: dir, OVS_DBDIR: dir };
    const db = join(dir, 'conf.db');
    execFileSync('ovsdb-tool', ['create-cluster', db, '/usr/share/openvswitch/vswitch.ovsschema', `unix:${join(dir, 'raft.sock')}`]);
    execFileSync('ovsdb-server', ['--detach', '--no-chdir', '--pidfile', '--log-file', `--remote=punix:${join(dir, 'db.sock')}`, db],
      { env, stdio: 'ignore' });
    execFileSync('ovs-vsctl', ['--retry', '--timeout=20', '--no-wait', 'init'], { env });
  });
  after(() => {
    try {
      process.kill(Number(readFileSync(join(dir, 'ovsdb-server.pid'), 'utf8')), 'SIGTERM');
    } catch {
      // Already gone.
    }
    rmSync(dir, { recursive: true, force: true });
  });

  test('a reconnection resumes with monitor_cond_since from the last transaction id', async () => {
    const idl = Idl.open(`unix:${join(dir, 'db.sock')}`, { session: { minBackoffMs: 100, maxBackoffMs: 200 } });
    try {
      await idl.waitForSync();
      assert.equal(idl.resumed, false, 'the first monitor gets a full copy');
      idl.clearTracked();
      const seqno = idl.seqno;
      idl.forceReconnect();
      await idl.waitForSync();
      assert.equal(idl.monitorMethod, 'monitor_cond_since');
      assert.equal(idl.resumed, true, 'the server found our last transaction id');
      assert.equal(idl.seqno, seqno, 'nothing changed, so nothing moved');
      execFileSync('ovs-vsctl', [`--db=unix:${join(dir, 'db.sock')}`, '--no-wait', 'add-br', 'resume0']);
      await idl.waitFor(() => idl.rows('Bridge').length === 1);
      assert.equal(names(idl, 'Bridge')[0], 'resume0');
      const kinds = idl.trackedChanges().map((change) => `${change.table} ${change.kind}`).sort();
      assert.deepEqual(kinds, ['Bridge insert', 'Interface insert', 'Open_vSwitch modify', 'Port insert']);
    } finally {
      await idl.close();
    }
  });
});
