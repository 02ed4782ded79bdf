import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  UnixctlServer, UnixctlClient, UnixctlTransactionError, unixctlSocketPath, formatCommandList, OVS_TS_VERSION,
} from './unixctl.js';
import {
  unixctlCommandRegister, unixctlCommandUnregister, UnixctlCommandError,
} from './unixctl-commands.js';
import { ErrnoError } from './errors.js';

let dir: string;
let savedRundir: string | undefined;

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'unixctl-test-'));
  savedRundir = process.env.OVS_RUNDIR;
  process.env.OVS_RUNDIR = dir;
  unixctlCommandRegister('test/echo', 'ARG...', 1, 3, (args) => args.join(' '));
  unixctlCommandRegister('test/fail', '', 0, 0, () => { throw new UnixctlCommandError('it failed'); });
  unixctlCommandRegister('test/bug', '', 0, 0, () => { throw new Error('boom'); });
  unixctlCommandRegister('test/slow', '', 0, 0, async () => {
    await new Promise((r) => setTimeout(r, 30));
    return 'slow done\n';
  });
});

after(() => {
  for (const name of ['test/echo', 'test/fail', 'test/bug', 'test/slow']) unixctlCommandUnregister(name);
  if (savedRundir === undefined) delete process.env.OVS_RUNDIR;
  else process.env.OVS_RUNDIR = savedRundir;
  rmSync(dir, { recursive: true, force: true });
});

async function withServer(fn: (server: UnixctlServer) => Promise<void>): Promise<void> {
  const server = await UnixctlServer.create(join(dir, 'test.ctl'), { programName: 'test-daemon', version: '9.9.9' });
  try {
    await fn(server);
  } finally {
    await server.close();
  }
}

/** Writes raw bytes to the server; resolves to what came back and whether the server hung up. */
function rawExchange(path: string, writes: (string | Buffer)[], options: { waitMs?: number } = {}): Promise<{ data: string; closed: boolean }> {
  return new Promise((resolve, reject) => {
    const socket = net.createConnection(path);
    let data = '';
    let closed = false;
    socket.on('data', (chunk) => { data += chunk.toString(); });
    socket.on('error', () => { closed = true; });
    socket.on('close', () => { closed = true; });
    socket.on('connect', async () => {
      for (const w of writes) {
        socket.write(w);
        await new Promise((r) => setTimeout(r, 5));
      }
    });
    setTimeout(() => {
      socket.destroy();
      resolve({ data, closed });
    }, options.waitMs ?? 150);
    socket.on('error', (e) => { if (!('code' in e)) reject(e); });
  });
}

test('unixctlSocketPath() defaults to $OVS_RUNDIR/PROGRAM.PID.ctl and resolves relative names there', () => {
  assert.equal(unixctlSocketPath(undefined, { programName: 'ovs-vswitchd' }), join(dir, `ovs-vswitchd.${process.pid}.ctl`));
  assert.equal(unixctlSocketPath('my.ctl', { programName: 'x' }), join(dir, 'my.ctl'));
  assert.equal(unixctlSocketPath('/abs/my.ctl', { programName: 'x' }), '/abs/my.ctl');
});

test('create() with no path listens on the default socket and close() removes it', async () => {
  const server = await UnixctlServer.create(undefined, { programName: 'test-daemon', version: '1.0' });
  const expected = join(dir, `test-daemon.${process.pid}.ctl`);
  assert.equal(server.path, expected);
  assert.ok(existsSync(expected));
  await server.close();
  assert.ok(!existsSync(expected));
});

test('create() replaces a stale socket file left by a dead daemon', async () => {
  const path = join(dir, 'stale.ctl');
  // A child that listens and is killed leaves its socket file behind, like a crashed daemon.
  const child = spawn(process.execPath, ['-e',
    `require('net').createServer().listen(${JSON.stringify(path)}, () => console.log('ready'))`]);
  await new Promise((r) => child.stdout.once('data', r));
  child.kill('SIGKILL');
  await new Promise((r) => child.once('exit', r));
  assert.ok(existsSync(path));
  const server = await UnixctlServer.create(path, { programName: 'test-daemon', version: '1.0' });
  const client = await UnixctlClient.connect(path);
  assert.deepEqual(await client.transact('version', []), { result: 'test-daemon (ovs-ts) 1.0\n' });
  client.close();
  await server.close();
});

test('version and list-commands answer in the format of real OVS', async () => {
  await withServer(async (server) => {
    const client = await UnixctlClient.connect(server.path);
    assert.deepEqual(await client.transact('version', []), { result: 'test-daemon (ovs-ts) 9.9.9\n' });
    const list = await client.transact('list-commands', []);
    assert.equal(list.result, formatCommandList());
    const lines = list.result!.split('\n');
    assert.equal(lines[0], 'The available commands are:');
    assert.ok(lines.includes('  list-commands           '));
    assert.ok(lines.includes('  test/echo               ARG...'));
    const names = lines.slice(1, -1).map((line) => line.trim().split(' ')[0]);
    assert.deepEqual(names, [...names].sort());
    client.close();
  });
});

test('OVS_TS_VERSION is the package version', () => {
  assert.match(OVS_TS_VERSION, /^\d+\.\d+\.\d+/);
});

test('a registered command gets its arguments and its reply ends in a newline', async () => {
  await withServer(async (server) => {
    const client = await UnixctlClient.connect(server.path);
    assert.deepEqual(await client.transact('test/echo', ['a', 'b c']), { result: 'a b c\n' });
    assert.deepEqual(await client.transact('test/slow', []), { result: 'slow done\n' });
    client.close();
  });
});

test('unknown commands, argument counts and non-string arguments get OVS error texts', async () => {
  await withServer(async (server) => {
    const client = await UnixctlClient.connect(server.path);
    assert.deepEqual(await client.transact('foo', []), {
      error: '"foo" is not a valid command (use "list-commands" to see a list of valid commands)\n',
    });
    assert.deepEqual(await client.transact('version', ['x']), { error: '"version" command takes at most 0 arguments\n' });
    assert.deepEqual(await client.transact('test/echo', []), { error: '"test/echo" command requires at least 1 arguments\n' });
    const raw = await rawExchange(server.path, ['{"id":3,"method":"test/echo","params":[1]}']);
    assert.equal(raw.data, '{"id":3,"error":"\\"test/echo\\" command has non-string argument\\n"}');
    client.close();
  });
});

test('handler failures become error replies and the server keeps serving', async () => {
  await withServer(async (server) => {
    const client = await UnixctlClient.connect(server.path);
    assert.deepEqual(await client.transact('test/fail', []), { error: 'it failed\n' });
    assert.deepEqual(await client.transact('test/bug', []), { error: 'test/bug: internal error: boom\n' });
    assert.deepEqual(await client.transact('version', []), { result: 'test-daemon (ovs-ts) 9.9.9\n' });
    client.close();
  });
});

test('replies use the wire form of real OVS and keep the request id', async () => {
  await withServer(async (server) => {
    const raw = await rawExchange(server.path, [
      '{"params":[],"id":[1,{"a":"b"}],"method":"version"}{"id":"x","method":"nope","params":[]}',
    ]);
    assert.equal(raw.data,
      '{"id":[1,{"a":"b"}],"result":"test-daemon (ovs-ts) 9.9.9\\n","error":null}'
      + '{"id":"x","error":"\\"nope\\" is not a valid command (use \\"list-commands\\" to see a list of valid commands)\\n"}');
    assert.equal(raw.closed, false);
  });
});

test('a request split across writes, inside a UTF-8 character, is answered', async () => {
  await withServer(async (server) => {
    const bytes = Buffer.from('{"id":1,"method":"test/echo","params":["h\u00e9llo \u20ac"]}');
    const cut = bytes.indexOf(0xe2) + 1; // inside the euro sign
    const raw = await rawExchange(server.path, [bytes.subarray(0, 5), bytes.subarray(5, cut), bytes.subarray(cut)]);
    assert.equal(raw.data, '{"id":1,"result":"h\u00e9llo \u20ac\\n","error":null}');
  });
});

for (const [what, input] of [
  ['garbage bytes', 'garbage '],
  ['a stray closing brace', '}'],
  ['invalid JSON inside an object', '{"id":1,,}'],
  ['invalid UTF-8', Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d])],
  ['a top-level array', '[1,2]'],
  ['a reply', '{"id":5,"result":3,"error":null}'],
  ['a notification', '{"id":null,"method":"version","params":[]}'],
  ['params that are not an array', '{"id":1,"method":"version","params":"x"}'],
  ['a request without params', '{"id":1,"method":"version"}'],
  ['a method that is not a string', '{"id":1,"method":5,"params":[]}'],
  ['an unexpected member', '{"id":1,"method":"version","params":[],"extra":2}'],
] as const) {
  test(`${what} closes that client's connection and other clients are still served`, async () => {
    await withServer(async (server) => {
      const other = await UnixctlClient.connect(server.path);
      const raw = await rawExchange(server.path, [input]);
      assert.equal(raw.data, '');
      assert.equal(raw.closed, true);
      assert.deepEqual(await other.transact('version', []), { result: 'test-daemon (ovs-ts) 9.9.9\n' });
      other.close();
    });
  });
}

test('a message over the size limit closes the connection', async () => {
  await withServer(async (server) => {
    const huge = '{"id":1,"method":"version","params":["' + 'x'.repeat(5 * 1024 * 1024) + '"]}';
    const raw = await rawExchange(server.path, [huge], { waitMs: 400 });
    assert.equal(raw.data, '');
    assert.equal(raw.closed, true);
    const client = await UnixctlClient.connect(server.path);
    assert.deepEqual(await client.transact('version', []), { result: 'test-daemon (ovs-ts) 9.9.9\n' });
    client.close();
  });
});

test('a client that leaves half a message behind does not disturb the server', async () => {
  await withServer(async (server) => {
    await rawExchange(server.path, ['{"id":1,"method":"vers'], { waitMs: 30 });
    const client = await UnixctlClient.connect(server.path);
    assert.deepEqual(await client.transact('version', []), { result: 'test-daemon (ovs-ts) 9.9.9\n' });
    client.close();
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(server.clientCount, 0);
  });
});

test('UnixctlClient.connect() fails with ENOENT and an ovs-appctl style message', async () => {
  await assert.rejects(UnixctlClient.connect(join(dir, 'nothing.ctl')), (error: unknown) => {
    assert.ok(error instanceof ErrnoError);
    assert.equal(error.code, 'ENOENT');
    assert.equal(error.message, `cannot connect to "${join(dir, 'nothing.ctl')}" (No such file or directory)`);
    return true;
  });
});

test('transact() rejects with End of file when the server hangs up without replying', async () => {
  const path = join(dir, 'hangup.ctl');
  const server = net.createServer((socket) => socket.on('data', () => socket.destroy()));
  await new Promise<void>((r) => server.listen(path, r));
  try {
    const client = await UnixctlClient.connect(path);
    await assert.rejects(client.transact('version', []), (error: unknown) => {
      assert.ok(error instanceof UnixctlTransactionError);
      assert.equal(error.code, 'EOF');
      assert.match(error.message, /^error communicating with unix:.*hangup\.ctl \(End of file\)$/);
      assert.deepEqual(error.logLines, [{ module: 'unixctl', text: `error communicating with unix:${path}: End of file` }]);
      return true;
    });
  } finally {
    await new Promise<void>((r) => server.close(() => r()));
  }
});

test('transact() rejects a reply whose result is not a string with EINVAL', async () => {
  const path = join(dir, 'badreply.ctl');
  const server = net.createServer((socket) => socket.on('data', () => socket.write('{"id":0,"result":5,"error":null}')));
  await new Promise<void>((r) => server.listen(path, r));
  try {
    const client = await UnixctlClient.connect(path);
    await assert.rejects(client.transact('version', []), (error: unknown) => {
      assert.ok(error instanceof ErrnoError);
      assert.equal(error.code, 'EINVAL');
      assert.match(error.message, /unexpected result type in JSON rpc reply: number/);
      return true;
    });
    client.close();
  } finally {
    await new Promise<void>((r) => server.close(() => r()));
  }
});

test('bad clients are reported through onWarning in OVS\'s words', async () => {
  const warnings: string[] = [];
  const server = await UnixctlServer.create(join(dir, 'warn.ctl'), {
    programName: 'test-daemon', version: '1.0', onWarning: (message) => warnings.push(message),
  });
  try {
    await rawExchange(server.path, ['{"id":1,"method":"version","params":[],"extra":2}'], { waitMs: 50 });
    await rawExchange(server.path, ['{"id":5,"result":3,"error":null}'], { waitMs: 50 });
    await rawExchange(server.path, ['{"id":null,"method":"version","params":[]}'], { waitMs: 50 });
    await rawExchange(server.path, ['garbage '], { waitMs: 50 });
    assert.deepEqual(warnings.map((w) => w.replace(/^unix#\d+: /, '')), [
      'received bad JSON-RPC message: message has unexpected member "extra"',
      'received unexpected reply message',
      'received unexpected notification message',
      'error parsing stream: syntax error: unexpected \'g\' outside a JSON object',
    ]);
    assert.match(warnings[0], /^unix#\d+: /);
  } finally {
    await server.close();
  }
});
