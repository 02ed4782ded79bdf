// Interop: `ovs-appctl -t ovsdb-server` (the real one, finding the daemon
// through $OVS_RUNDIR/ovsdb-server.pid) gets the same answers from
// `ovs-ts ovsdb-server` as from the real ovsdb-server: list-dbs, remotes
// (add, remove, list, errors), compact and exit.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { realOvsMissing } from '../support/real-ovs.js';
import { VSWITCH_SCHEMA } from '../support/ovsdb-normalize.js';
import { startServer, type SandboxServer, type ServerKind } from '../support/ovsdb-servers.js';

const missing = realOvsMissing();

const COMMANDS: string[][] = [
  ['ovsdb-server/list-dbs'],
  ['ovsdb-server/list-remotes'],
  ['ovsdb-server/add-remote', 'punix:extra.sock'],
  ['ovsdb-server/add-remote', 'db:Open_vSwitch,Open_vSwitch,manager_options'],
  ['ovsdb-server/add-remote', 'db:Open_vSwitch,Nope,x'],
  ['ovsdb-server/add-remote', 'db:Nope,Bridge,name'],
  ['ovsdb-server/add-remote', 'db:Open_vSwitch,Bridge,nope'],
  ['ovsdb-server/list-remotes'],
  ['ovsdb-server/remove-remote', 'punix:extra.sock'],
  ['ovsdb-server/remove-remote', 'nope'],
  ['ovsdb-server/list-remotes'],
  ['ovsdb-server/compact'],
  ['ovsdb-server/compact', 'Open_vSwitch'],
  ['ovsdb-server/compact', '_Server'],
  ['ovsdb-server/compact', 'Nope'],
  ['ovsdb-server/list-dbs', 'extra'],
];

function appctl(server: SandboxServer, args: string[]): Promise<string> {
  return new Promise((resolve) => {
    execFile('ovs-appctl', ['-t', 'ovsdb-server', ...args], { env: server.env, cwd: server.dir, timeout: 20_000 }, (error, stdout, stderr) => {
      const status = error ? error.code : 0;
      resolve(`${args.join(' ')} -> ${status}\n${stdout}${stderr}`.split(server.dir).join('DIR').replace(/ovsdb-server\.\d+\.ctl/g, 'ovsdb-server.PID.ctl'));
    });
  });
}

async function runAll(kind: ServerKind): Promise<string[]> {
  const server = await startServer(kind, VSWITCH_SCHEMA, { init: true });
  try {
    const outputs: string[] = [];
    for (const args of COMMANDS) outputs.push(await appctl(server, args));
    outputs.push(await appctl(server, ['exit']));
    for (let i = 0; i < 100 && existsSync(join(server.dir, 'ovsdb-server.pid')); i++) await new Promise((r) => setTimeout(r, 20));
    outputs.push(`pidfile left: ${existsSync(join(server.dir, 'ovsdb-server.pid'))}`);
    return outputs;
  } finally {
    await server.stop();
  }
}

test('ovs-appctl -t ovsdb-server gets the same answers from ovs-ts as from the real server', { skip: missing ?? false, timeout: 60_000 }, async () => {
  const [real, ours] = await Promise.all([runAll('real'), runAll('ours')]);
  assert.deepEqual(ours, real);
});

/** Sets a manager through ovs-vsctl and reaches the server on the TCP port it names. */
async function managerRemote(kind: ServerKind, port: number): Promise<string[]> {
  const server = await startServer(kind, VSWITCH_SCHEMA, { init: true, extraArgs: ['--remote=db:Open_vSwitch,Open_vSwitch,manager_options'] });
  try {
    const outputs: string[] = [];
    const tcp = `tcp:127.0.0.1:${port}`;
    const client = (args: string[]): Promise<string> => new Promise((resolve) => {
      execFile('ovsdb-client', ['--timeout=5', ...args], { env: server.env }, (error, stdout) => resolve(`${error ? 'failed' : 'ok'}\n${stdout}`));
    });
    outputs.push(await client(['list-dbs', tcp]));
    await server.run('ovs-vsctl', ['--no-wait', 'set-manager', `ptcp:${port}:127.0.0.1`]);
    await new Promise((r) => setTimeout(r, 300));
    outputs.push(await client(['list-dbs', tcp]));
    outputs.push(await client(['transact', tcp, '["Open_vSwitch",{"op":"select","table":"Manager","where":[],"columns":["target"]}]']));
    await server.run('ovs-vsctl', ['--no-wait', 'del-manager']);
    await new Promise((r) => setTimeout(r, 300));
    outputs.push(await client(['list-dbs', tcp]));
    return outputs;
  } finally {
    await server.stop();
  }
}

test('a manager set with ovs-vsctl opens a TCP remote on ovs-ts as on the real server', { skip: missing ?? false, timeout: 60_000 }, async () => {
  const port = 20000 + Math.floor(Math.random() * 20000);
  const real = await managerRemote('real', port);
  const ours = await managerRemote('ours', port);
  assert.deepEqual(ours, real);
  assert.match(ours[1], /Open_vSwitch/);
});
