// The real ovs-appctl drives an ovs-ts UnixctlServer running in this test
// process; each answer must look to the user exactly as a real daemon's does
// (stdout, stderr and exit status), with a real ovs-vswitchd as the oracle.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { realOvsMissing, startRealOvs, type RealOvs } from '../support/real-ovs.js';
import { UnixctlServer } from '../../src/lib/unixctl.js';
import {
  unixctlCommandRegister, unixctlCommandUnregister, UnixctlCommandError,
} from '../../src/lib/unixctl-commands.js';

const missing = realOvsMissing() ?? false;

interface Outcome {
  stdout: string;
  stderr: string;
  status: number;
}

/** Runs ovs-appctl asynchronously (the server lives in this process). */
function appctl(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<Outcome> {
  return new Promise((resolve) => {
    execFile('ovs-appctl', args, { env, timeout: 10_000 }, (error, stdout, stderr) => {
      const status = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ stdout, stderr, status });
    });
  });
}

let dir: string;
let server: UnixctlServer;
let real: RealOvs | undefined;

before(async () => {
  if (missing) return;
  dir = mkdtempSync(join(tmpdir(), 'unixctl-interop-'));
  unixctlCommandRegister('test/join', 'A B [C]', 2, 3, (args) => args.join('+'));
  unixctlCommandRegister('test/refuse', 'WHAT', 1, 1, (args) => {
    throw new UnixctlCommandError(`no such thing "${args[0]}"`);
  });
  server = await UnixctlServer.create(join(dir, 'ovs-ts.ctl'), { programName: 'ovs-vswitchd', version: '0.1.0' });
  real = await startRealOvs();
});

after(async () => {
  if (missing) return;
  await server.close();
  unixctlCommandUnregister('test/join');
  unixctlCommandUnregister('test/refuse');
  await real?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** The real daemon's answer, with its socket path swapped for ours in the messages. */
async function realOutcome(args: string[]): Promise<Outcome> {
  const socket = readdirSync(real!.dir).find((name) => /^ovs-vswitchd\.\d+\.ctl$/.test(name));
  assert.ok(socket, 'real ovs-vswitchd has a control socket');
  const realPath = join(real!.dir, socket);
  const outcome = await appctl(['-t', realPath, ...args], real!.env);
  return { ...outcome, stderr: outcome.stderr.split(realPath).join(server.path) };
}

test('real ovs-appctl: version is answered by an ovs-ts server', { skip: missing }, async () => {
  const ours = await appctl(['-t', server.path, 'version']);
  assert.deepEqual(ours, { stdout: 'ovs-vswitchd (ovs-ts) 0.1.0\n', stderr: '', status: 0 });
});

test('real ovs-appctl: list-commands prints the sorted table', { skip: missing }, async () => {
  const ours = await appctl(['-t', server.path, 'list-commands']);
  assert.equal(ours.status, 0);
  assert.equal(ours.stderr, '');
  const lines = ours.stdout.split('\n');
  assert.equal(lines[0], 'The available commands are:');
  assert.ok(lines.includes('  list-commands           '));
  assert.ok(lines.includes('  test/join               A B [C]'));
  assert.ok(lines.includes('  version                 '));
  // The same layout as the real daemon's table: two spaces, name padded to 23, a space, usage.
  const realList = (await realOutcome(['list-commands'])).stdout.split('\n');
  assert.ok(realList.includes('  list-commands           '));
  assert.ok(realList.includes('  version                 '));
});

test('real ovs-appctl: a registered command receives its arguments', { skip: missing }, async () => {
  const ours = await appctl(['-t', server.path, 'test/join', 'a', 'b c', 'd']);
  assert.deepEqual(ours, { stdout: 'a+b c+d\n', stderr: '', status: 0 });
});

test('real ovs-appctl: an error reply prints like a real daemon\'s (stderr, status 2)', { skip: missing }, async () => {
  const ours = await appctl(['-t', server.path, 'test/refuse', 'x']);
  assert.deepEqual(ours, {
    stdout: '',
    stderr: `no such thing "x"\novs-appctl: ${server.path}: server returned an error\n`,
    status: 2,
  });
});

for (const args of [['no-such-command'], ['version', 'extra'], ['list-commands', 'a', 'b']]) {
  test(`real ovs-appctl: "${args.join(' ')}" gets the same answer as from real ovs-vswitchd`, { skip: missing }, async () => {
    const ours = await appctl(['-t', server.path, ...args]);
    const theirs = await realOutcome(args);
    assert.deepEqual(ours, theirs);
    assert.equal(ours.status, 2);
  });
}

test('real ovs-appctl: too few arguments gets the real daemon\'s wording', { skip: missing }, async () => {
  const ours = await appctl(['-t', server.path, 'test/join', 'a']);
  // Real ovs-vswitchd: bond/hash needs 1 argument, and says so the same way.
  const theirs = await realOutcome(['bond/hash']);
  assert.equal(theirs.stderr.split('\n')[0], '"bond/hash" command requires at least 1 arguments');
  assert.deepEqual(ours, {
    stdout: '',
    stderr: `"test/join" command requires at least 2 arguments\novs-appctl: ${server.path}: server returned an error\n`,
    status: 2,
  });
});

test('real ovs-appctl is still served after another client sent garbage', { skip: missing }, async () => {
  const { createConnection } = await import('node:net');
  for (const junk of ['garbage ', '{"id":1,"method":"version","params":"x"}', '{"id":1,"method":"vers']) {
    const socket = createConnection(server.path);
    await new Promise((r) => socket.once('connect', r));
    socket.write(junk);
    const ours = await appctl(['-t', server.path, 'version']);
    assert.deepEqual(ours, { stdout: 'ovs-vswitchd (ovs-ts) 0.1.0\n', stderr: '', status: 0 });
    socket.destroy();
  }
});
