// Differential tests of `ovs-ts ovsdb-client` against the real ovsdb-client
// 3.1: both talk to the same real ovsdb-server (test/support/real-ovs.ts) with
// the same requests, and must print the same stdout, stderr and exit status.
// Monitors and locks run as long-lived processes side by side, watching the
// same changes; only monitor --timestamp lines differ by nature and are masked.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { VSWITCH_SCHEMA_PATH } from '../../src/ovsdb/vswitch-schema.js';
import { VSWITCH_SCHEMA } from '../support/ovsdb-normalize.js';
import { realOvsMissing, startRealOvs, type RealOvs } from '../support/real-ovs.js';
import { OVS_TS_BIN, runOvsTs, runTool, type ToolOutcome } from '../support/run-tool.js';

const missing = realOvsMissing();

interface Setup {
  readonly ovs: RealOvs;
  readonly server: string;
  real(...args: string[]): Promise<ToolOutcome>;
  ours(...args: string[]): Promise<ToolOutcome>;
  same(args: string[], message?: string): Promise<ToolOutcome>;
}

/** A real ovsdb-server holding a small switch configuration. */
async function setUp(): Promise<Setup> {
  const ovs = await startRealOvs({ vswitchd: false });
  const server = `unix:${join(ovs.dir, 'db.sock')}`;
  await ovs.vsctl('--no-wait', 'add-br', 'br0', '--', 'add-port', 'br0', 'p1', '--', 'set', 'port', 'p1', 'tag=5',
    '--', 'set', 'bridge', 'br0', 'external_ids:a=b', 'external_ids:c="e f"', 'other_config:x=1,2',
    '--', 'add-port', 'br0', 'p2', 'trunks=1,2,3', '--', 'set', 'interface', 'p2', 'type=internal');
  const real = (...args: string[]): Promise<ToolOutcome> => runTool('ovsdb-client', args, { env: ovs.env, cwd: ovs.dir });
  const ours = (...args: string[]): Promise<ToolOutcome> => runOvsTs(['ovsdb-client', ...args], { env: ovs.env, cwd: ovs.dir });
  const same = async (args: string[], message = args.join(' ')): Promise<ToolOutcome> => {
    const [a, b] = await Promise.all([real(...args), ours(...args)]);
    assert.deepEqual(b, a, message);
    return a;
  };
  return { ovs, server, real, ours, same };
}

const FORMATS = [[], ['--format=list'], ['-f', 'csv'], ['-f', 'json'], ['-f', 'json', '--pretty'], ['-f', 'html'], ['--bare'], ['--no-headings']];

test('ovs-ts ovsdb-client prints what the real ovsdb-client prints for list-dbs, get-schema, list-tables and list-columns',
  { skip: missing ?? false }, async () => {
    const { ovs, server, same } = await setUp();
    try {
      for (const command of [['list-dbs'], ['get-schema'], ['--pretty', 'get-schema'], ['get-schema-version'], ['get-schema-cksum']]) {
        await same([...command, server]);
      }
      await same(['get-schema', server, '_Server']);
      for (const format of FORMATS) {
        await same([...format, 'list-tables', server]);
        await same([...format, 'list-columns', server, 'Open_vSwitch', 'Bridge']);
      }
      await same(['list-columns', server]);
      await same(['list-tables', server, '_Server']);
      await same(['list-columns', server, '_Server']);
    } finally {
      await ovs.stop();
    }
  });

test('ovs-ts ovsdb-client dump prints what the real ovsdb-client prints in every --format and --data',
  { skip: missing ?? false }, async () => {
    const { ovs, server, same } = await setUp();
    try {
      for (const format of FORMATS) {
        await same([...format, 'dump', server]);
        await same([...format, 'dump', server, 'Open_vSwitch', 'Port', 'name', 'tag', 'trunks', 'interfaces']);
      }
      for (const data of ['--data=json', '--data=bare', '-d string']) {
        await same([...data.split(' '), 'dump', server, 'Open_vSwitch', 'Bridge']);
        await same(['-f', 'list', ...data.split(' '), 'dump', server, 'Open_vSwitch', 'Interface']);
      }
      await same(['dump', server, '_Server']);
    } finally {
      await ovs.stop();
    }
  });

test('ovs-ts ovsdb-client transact and query print what the real ovsdb-client prints', { skip: missing ?? false }, async () => {
  const { ovs, server, same, ours, real } = await setUp();
  try {
    const transactions = [
      ['Open_vSwitch', { op: 'select', table: 'Port', where: [['name', '==', 'p1']], columns: ['name', 'tag', 'trunks'] }],
      ['Open_vSwitch', { op: 'select', table: 'Bridge', where: [], columns: ['external_ids', 'other_config'] }],
      ['Open_vSwitch', { op: 'insert', table: 'Port', row: { name: 7 } }],
      ['Open_vSwitch', { op: 'update', table: 'Port', where: [['name', '==', 'nope']], row: { tag: 3 } }],
      ['Open_vSwitch', { op: 'update', table: 'Port', where: [['name', '==', 'p1']], row: { tag: 5000 } }],
      ['Nope', { op: 'select', table: 'Port', where: [] }],
      ['_Server', { op: 'select', table: 'Database', where: [], columns: ['name', 'model', 'connected', 'leader', 'schema'] }],
      ['Open_vSwitch', { op: 'comment', comment: 'x' }, { op: 'wait', table: 'Port', where: [], columns: ['name'], until: '==', rows: [], timeout: 0 }],
    ];
    for (const transaction of transactions) {
      await same(['transact', server, JSON.stringify(transaction)]);
      await same(['query', server, JSON.stringify(transaction)]);
    }
    // A write through ours is seen by the real client, and the reverse.
    const mutate = (key: string): string => JSON.stringify(['Open_vSwitch',
      { op: 'mutate', table: 'Bridge', where: [], mutations: [['external_ids', 'insert', ['map', [[key, 'yes']]]]] }]);
    const ourWrite = await ours('transact', server, mutate('by-ours'));
    assert.deepEqual(ourWrite, { stdout: '[{"count":1}]\n', stderr: '', status: 0 });
    assert.equal((await real('transact', server, mutate('by-real'))).status, 0);
    const select = JSON.stringify(['Open_vSwitch', { op: 'select', table: 'Bridge', where: [], columns: ['external_ids'] }]);
    const seen = await same(['query', server, select]);
    assert.match(seen.stdout, /\["by-ours","yes"\],\["by-real","yes"\]/);
  } finally {
    await ovs.stop();
  }
});

test('ovs-ts ovsdb-client fails as the real ovsdb-client does: usage, unknown database, table or column, bad JSON, no server',
  { skip: missing ?? false }, async () => {
    const { ovs, server, same } = await setUp();
    try {
      const cases = [
        [], ['foo'], ['--bogus'], ['-f', 'nope', 'list-dbs', server], ['get-schema', server, 'Nope'],
        ['list-tables', server, 'Nope'], ['list-columns', server, 'Open_vSwitch', 'Nope'], ['dump', server, 'Open_vSwitch', 'Nope'],
        ['dump', server, 'Open_vSwitch', 'Port', 'nope'], ['dump', server, 'Open_vSwitch', '_Server'],
        ['transact', server, '[1'], ['transact', server, '{}'], ['transact', server, '[]'], ['query', server, '["x",'],
        ['transact', server], ['list-dbs', server, 'extra'], ['list-dbs', 'unix:/nonexistent/db.sock'],
        ['list-dbs', 'tcp:127.0.0.1:1'], ['list-dbs'], ['monitor-cond', server, 'Open_vSwitch', '[]', 'Port', 'name', 'tag'],
        ['monitor-cond-since', server, 'Open_vSwitch', '[true]', 'Nope'], ['monitor', server, 'Open_vSwitch', 'Nope'],
        ['monitor', server, 'Open_vSwitch', 'Port', 'nope'],
        ['needs-conversion', server, '/nonexistent.ovsschema'], ['convert', server, '/nonexistent.ovsschema'],
      ];
      for (const args of cases) await same(args);
    } finally {
      await ovs.stop();
    }
  });

test('ovs-ts ovsdb-client needs-conversion and convert work on the real ovsdb-server as the real client does',
  { skip: missing ?? false }, async () => {
    const { ovs, server, same, ours, real } = await setUp();
    try {
      for (const schema of [VSWITCH_SCHEMA, VSWITCH_SCHEMA_PATH]) await same(['needs-conversion', server, schema]);
      assert.deepEqual(await ours('convert', server, VSWITCH_SCHEMA_PATH), { stdout: '', stderr: '', status: 0 });
      const shipped = (JSON.parse(readFileSync(VSWITCH_SCHEMA_PATH, 'utf8')) as { cksum: string }).cksum;
      assert.equal((await real('get-schema-cksum', server)).stdout, `${shipped}\n`);
      await same(['needs-conversion', server, VSWITCH_SCHEMA_PATH]);
      await same(['dump', server, 'Open_vSwitch', 'Port', 'name', 'tag', 'trunks']);
    } finally {
      await ovs.stop();
    }
  });

/** A long-running client whose output is collected until it is stopped. */
class Running {
  stdout = '';
  private readonly child: ChildProcess;
  private readonly exited: Promise<void>;

  constructor(file: string, args: string[], env: NodeJS.ProcessEnv) {
    this.child = spawn(file, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout?.on('data', (chunk: Buffer) => {
      this.stdout += chunk.toString();
    });
    this.exited = new Promise((resolve) => this.child.once('exit', () => resolve()));
  }

  async waitFor(predicate: (stdout: string) => boolean, what: string): Promise<void> {
    for (let i = 0; i < 500 && !predicate(this.stdout); i++) await new Promise((resolve) => setTimeout(resolve, 20));
    assert.ok(predicate(this.stdout), `timed out waiting for ${what}; got ${JSON.stringify(this.stdout)}`);
  }

  async stop(): Promise<string> {
    this.child.kill('SIGTERM');
    await this.exited;
    return this.stdout;
  }
}

function pair(setup: Setup, args: string[]): [Running, Running] {
  return [
    new Running('ovsdb-client', args, setup.ovs.env),
    new Running(process.execPath, [OVS_TS_BIN, 'ovsdb-client', ...args], setup.ovs.env),
  ];
}

const TIMESTAMP = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}$/gm;

test('ovs-ts ovsdb-client monitor, monitor-cond and monitor-cond-since print what the real ovsdb-client prints, in each format',
  { skip: missing ?? false }, async () => {
    const setup = await setUp();
    const { ovs, server } = setup;
    try {
      const monitors = [
        ['monitor', server, 'Open_vSwitch', 'Port', 'name', 'tag'],
        ['monitor', server, 'Open_vSwitch', 'Port', 'name,tag,!initial'],
        ['monitor', server, 'Open_vSwitch', 'Bridge', 'name,external_ids', '--format=json'],
        ['monitor', server, 'Open_vSwitch', 'ALL'],
        ['--timestamp', 'monitor', server, 'Open_vSwitch', 'Interface', 'name,type'],
        ['-f', 'list', 'monitor', server, 'Open_vSwitch', 'Port'],
        ['-f', 'csv', 'monitor', server, 'Open_vSwitch', 'Port', 'name', 'trunks'],
        ['monitor-cond', server, 'Open_vSwitch', '[["name","==","p3"]]', 'Port', 'name,tag'],
        ['monitor-cond', server, 'Open_vSwitch', '[true]', 'Interface'],
        ['monitor-cond-since', server, 'Open_vSwitch', '[true]', 'Port', 'name,tag'],
        ['--timestamp', 'monitor-cond-since', server, 'Open_vSwitch', '00000000-0000-0000-0000-000000000000',
          '[["name","!=","p1"]]', 'Port', 'name,tag,trunks'],
      ];
      const running = monitors.map((args) => pair(setup, args));
      // Every monitor has its initial reply before the changes start.
      for (const [index, [real, ours]] of running.entries()) {
        const ready = (stdout: string): boolean => stdout.length > 0 || index === 1 || index === 7;
        await real.waitFor(ready, `real ${monitors[index].join(' ')}`);
        await ours.waitFor(ready, `ours ${monitors[index].join(' ')}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 300));
      await ovs.vsctl('--no-wait', 'add-port', 'br0', 'p3', '--', 'set', 'port', 'p3', 'tag=9', 'trunks=4,5');
      await ovs.vsctl('--no-wait', 'set', 'port', 'p3', 'tag=10', '--', 'set', 'interface', 'p3', 'type=internal');
      await ovs.vsctl('--no-wait', 'br-set-external-id', 'br0', 'k', 'v');
      await ovs.vsctl('--no-wait', 'del-port', 'p3');
      await new Promise((resolve) => setTimeout(resolve, 500));
      for (const [index, [real, ours]] of running.entries()) {
        const [a, b] = await Promise.all([real.stop(), ours.stop()]);
        assert.ok(a.length > 0, monitors[index].join(' '));
        assert.equal(b.replace(TIMESTAMP, 'TIME'), a.replace(TIMESTAMP, 'TIME'), monitors[index].join(' '));
      }
    } finally {
      await ovs.stop();
    }
  });

test('ovs-ts ovsdb-client lock, steal and unlock between clients print what the real ovsdb-client prints',
  { skip: missing ?? false }, async () => {
    const setup = await setUp();
    try {
      const run = async (useOurs: boolean): Promise<string[]> => {
        const start = (args: string[]): Running => (useOurs
          ? new Running(process.execPath, [OVS_TS_BIN, 'ovsdb-client', ...args], setup.ovs.env)
          : new Running('ovsdb-client', args, setup.ovs.env));
        const name = useOurs ? 'ours' : 'real';
        const holder = start(['lock', setup.server, name]);
        await holder.waitFor((out) => out.includes('locked'), 'the first lock');
        const waiter = start(['lock', setup.server, name]);
        await waiter.waitFor((out) => out.includes('locked'), 'the second lock');
        const thief = start(['steal', setup.server, name]);
        await thief.waitFor((out) => out.includes('locked'), 'the steal');
        await holder.waitFor((out) => out.includes('stolen'), 'the stolen notification');
        await thief.stop();
        await holder.waitFor((out) => out.split('locked').length > 2, 'the lock coming back');
        const unlock = start(['unlock', setup.server, name]);
        await new Promise((resolve) => setTimeout(resolve, 300));
        // One step at a time, each given time to settle, so that both runs see the same notifications.
        const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 300));
        await settle();
        const waiterOutput = await waiter.stop();
        await settle();
        const outputs = [await holder.stop(), waiterOutput, thief.stdout, await unlock.stop()];
        return outputs.map((text) => text.split(`"${name}"`).join('"NAME"'));
      };
      assert.deepEqual(await run(true), await run(false));
    } finally {
      await setup.ovs.stop();
    }
  });
