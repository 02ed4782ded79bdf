// `ovs-ts appctl` against a REAL ovs-vswitchd and ovsdb-server, side by side
// with the real ovs-appctl: for each command line both must print the same
// stdout and stderr (log timestamps aside) and exit with the same status.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { constants } from 'node:os';
import { OVS_TS_BIN, maskLogTimestamps, runTool, type ToolOutcome } from '../support/run-tool.js';
import { realOvsMissing, startRealOvs, type RealOvs } from '../support/real-ovs.js';
import { OVS_TS_VERSION } from '../../src/lib/unixctl.js';

const missing = realOvsMissing() ?? false;

/** Runs a tool with the sandbox's environment; log timestamps masked. */
async function run(file: string, args: string[], env: NodeJS.ProcessEnv): Promise<ToolOutcome> {
  const outcome = await runTool(file, args, { env, cwd: env.OVS_RUNDIR });
  return { ...outcome, stderr: maskLogTimestamps(outcome.stderr) };
}

let ovs: RealOvs;

before(async () => {
  if (missing) return;
  ovs = await startRealOvs();
});

after(async () => {
  if (missing) return;
  await ovs.stop();
});

/** Runs the real ovs-appctl and ours with the same arguments; both outcomes must be equal. */
async function same(args: string[], options: { normalise?: (text: string) => string } = {}): Promise<ToolOutcome> {
  const fix = options.normalise ?? ((text: string) => text);
  const [theirs, ours] = (await Promise.all([
    run('ovs-appctl', args, ovs.env),
    run(process.execPath, [OVS_TS_BIN, 'appctl', ...args], ovs.env),
  ])).map((outcome) => ({ ...outcome, stderr: fix(outcome.stderr) }));
  assert.deepEqual(ours, theirs, `ovs-ts appctl ${args.join(' ')}`);
  return ours;
}

function socketOf(daemon: string): string {
  const name = readdirSync(ovs.dir).find((file) => new RegExp(`^${daemon}\\.\\d+\\.ctl$`).test(file));
  assert.ok(name, `${daemon} has a control socket`);
  return join(ovs.dir, name);
}

test('appctl version, list-commands and vlog/list print what the real ovs-appctl prints', { skip: missing }, async () => {
  assert.match((await same(['version'])).stdout, /^ovs-vswitchd \(Open vSwitch\) 3\.1/);
  assert.match((await same(['list-commands'])).stdout, /^The available commands are:\n/);
  assert.match((await same(['vlog/list'])).stdout, /console\s+syslog\s+file/);
});

test('appctl: error replies go to stderr with status 2, as real ovs-appctl', { skip: missing }, async () => {
  assert.equal((await same(['no-such-command'])).status, 2);
  assert.equal((await same(['version', 'extra'])).status, 2);
  assert.equal((await same(['bond/hash'])).status, 2);
  assert.equal((await same(['vlog/set', 'nonsense'])).status, 2);
});

test('appctl -t: program names, socket paths and long forms', { skip: missing }, async () => {
  assert.match((await same(['-t', 'ovsdb-server', 'version'])).stdout, /^ovsdb-server/);
  assert.match((await same(['--target=ovsdb-server', 'version'])).stdout, /^ovsdb-server/);
  assert.match((await same(['--target', 'ovs-vswitchd', 'version'])).stdout, /^ovs-vswitchd/);
  assert.match((await same(['--targ', 'ovsdb-server', 'version'])).stdout, /^ovsdb-server/);
  assert.match((await same(['-tovsdb-server', 'version'])).stdout, /^ovsdb-server/);
  assert.match((await same(['-t', socketOf('ovs-vswitchd'), 'version'])).stdout, /^ovs-vswitchd/);
  assert.match((await same(['-T', '5', 'version'])).stdout, /^ovs-vswitchd/);
  assert.match((await same(['--timeout=5', '--', 'version'])).stdout, /^ovs-vswitchd/);
});

test('appctl -t: missing pidfile, missing socket, dead pid and a non-socket fail alike', { skip: missing }, async () => {
  assert.equal((await same(['-t', 'nonexistent', 'version'])).status, 1);
  assert.equal((await same(['-t', join(ovs.dir, 'nonexistent.ctl'), 'version'])).status, 1);
  assert.equal((await same(['-t', join(ovs.dir, 'ovs-vswitchd.pid'), 'version'])).status, 1);
  // A pidfile naming a process that has exited.
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((r) => child.once('exit', r));
  writeFileSync(join(ovs.dir, 'gone.pid'), `${child.pid}\n`);
  const outcome = await same(['-t', 'gone', 'version']);
  assert.equal(outcome.stderr, `ovs-appctl: cannot read pidfile "${join(ovs.dir, 'gone.pid')}" (No such process)\n`);
});

test('appctl: bad command lines are refused with getopt\'s words', { skip: missing }, async () => {
  for (const args of [
    [], ['--bogus'], ['-x'], ['-t'], ['--target'], ['-T', 'abc', 'version'], ['-T', '0', 'version'],
    ['-t', 'a', '-t', 'b', 'version'], ['--help=yes'], ['-vfoo', 'version'], ['--verbose=nonsense:dbg', 'version'],
  ]) {
    assert.equal((await same(args)).status, 1, args.join(' '));
  }
});

test('appctl -v logs the JSON-RPC exchange at debug level on the console', { skip: missing }, async () => {
  const ours = await run(process.execPath, [OVS_TS_BIN, 'appctl', '-v', 'version'], ovs.env);
  const theirs = await run('ovs-appctl', ['-v', 'version'], ovs.env);
  assert.equal(ours.stdout, theirs.stdout);
  // The real tool also logs its poll loop wake-ups, which have no ovs-ts counterpart.
  const jsonrpcLines = (text: string): string[] => text.split('\n').filter((line) => line.includes('|jsonrpc|'))
    .map((line) => line.replace(/^TIME\|\d+\|/, ''));
  assert.deepEqual(jsonrpcLines(ours.stderr), jsonrpcLines(theirs.stderr));
  assert.equal(jsonrpcLines(ours.stderr).length, 2);
});

test('appctl: options stop at the command, so later dashes go to the daemon', { skip: missing }, async () => {
  assert.equal((await same(['vlog/set', '--help'])).status, 2);
});

test('appctl: a daemon that hangs up or answers garbage is a transaction error', { skip: missing }, async () => {
  for (const [name, answer] of [['eof', null], ['garbage', 'garbage '], ['badtype', '{"id":0,"result":5,"error":null}']] as const) {
    const path = join(ovs.dir, `${name}.ctl`);
    const server = net.createServer((socket) => {
      socket.on('data', () => {
        if (answer === null) socket.destroy();
        else socket.write(answer);
      });
      socket.on('error', () => {});
    });
    await new Promise<void>((r) => server.listen(path, r));
    try {
      // OVS's JSON parser words its syntax errors its own way; the rest must match.
      const outcome = await same(['-t', path, 'version'], {
        normalise: (text) => text.replace(/error parsing stream: .*/, 'error parsing stream: DETAIL'),
      });
      assert.equal(outcome.status, 1);
      assert.match(outcome.stderr, /transaction error/);
    } finally {
      server.close();
    }
  }
});

test('appctl -T: a daemon that never answers ends the run like SIGALRM', { skip: missing }, async () => {
  const path = join(ovs.dir, 'silent.ctl');
  const sockets: net.Socket[] = [];
  const server = net.createServer((socket) => sockets.push(socket));
  await new Promise<void>((r) => server.listen(path, r));
  try {
    const outcome = await same(['-T', '1', '-t', path, 'version']);
    assert.equal(outcome.status, 128 + constants.signals.SIGALRM);
    assert.equal(outcome.stderr, 'TIME|00001|fatal_signal|WARN|terminating with signal 14 (Alarm clock)\n');
  } finally {
    for (const socket of sockets) socket.destroy();
    server.close();
  }
});

test('appctl -V and -h describe ovs-ts and exit 0', { skip: missing }, async () => {
  const version = await run(process.execPath, [OVS_TS_BIN, 'appctl', '-V'], ovs.env);
  assert.deepEqual(version, { stdout: `ovs-appctl (ovs-ts) ${OVS_TS_VERSION}\n`, stderr: '', status: 0 });
  const help = await run(process.execPath, [OVS_TS_BIN, 'appctl', '--help'], ovs.env);
  assert.equal(help.status, 0);
  assert.match(help.stdout, /^usage: ovs-appctl \[TARGET\] COMMAND \[ARG\.\.\.\]$/m);
  assert.match(help.stdout, /-t, --target=TARGET/);
  assert.equal((await same(['--option'])).status, 0);
});
