import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  parseActiveStream, parsePassiveStream, PassiveStream, streamOpen, TlsNotSupportedError, isPassiveStreamName,
} from './stream.js';
import { ErrnoError } from './errors.js';

function withRundir<T>(dir: string, fn: () => T): T {
  const saved = process.env.OVS_RUNDIR;
  process.env.OVS_RUNDIR = dir;
  try {
    return fn();
  } finally {
    if (saved === undefined) delete process.env.OVS_RUNDIR;
    else process.env.OVS_RUNDIR = saved;
  }
}

test('parseActiveStream() reads unix, tcp, bracketed IPv6 and default ports', () => {
  assert.deepEqual(parseActiveStream('unix:/run/x.sock'), { kind: 'unix', path: '/run/x.sock' });
  assert.deepEqual(parseActiveStream('tcp:127.0.0.1:6640'), { kind: 'tcp', host: '127.0.0.1', port: 6640 });
  assert.deepEqual(parseActiveStream('tcp:[::1]:6653'), { kind: 'tcp', host: '::1', port: 6653 });
  assert.deepEqual(parseActiveStream('tcp:10.0.0.1', { defaultPort: 6640 }), { kind: 'tcp', host: '10.0.0.1', port: 6640 });
  assert.deepEqual(parseActiveStream('tcp:[fe80::1]', { defaultPort: 6653 }), { kind: 'tcp', host: 'fe80::1', port: 6653 });
});

test('relative unix paths resolve against OVS_RUNDIR, as OVS does', () => {
  withRundir('/some/rundir', () => {
    assert.deepEqual(parseActiveStream('unix:db.sock'), { kind: 'unix', path: '/some/rundir/db.sock' });
    assert.deepEqual(parsePassiveStream('punix:sub/ctl'), { kind: 'punix', path: '/some/rundir/sub/ctl' });
  });
});

test('parsePassiveStream() reads ptcp:PORT[:IP] and punix', () => {
  assert.deepEqual(parsePassiveStream('ptcp:6640'), { kind: 'ptcp', host: '0.0.0.0', port: 6640 });
  assert.deepEqual(parsePassiveStream('ptcp:6640:127.0.0.1'), { kind: 'ptcp', host: '127.0.0.1', port: 6640 });
  assert.deepEqual(parsePassiveStream('ptcp:0:[::1]'), { kind: 'ptcp', host: '::1', port: 0 });
  assert.deepEqual(parsePassiveStream('ptcp:', { defaultPort: 6640 }), { kind: 'ptcp', host: '0.0.0.0', port: 6640 });
  assert.ok(isPassiveStreamName('punix:/x'));
  assert.ok(!isPassiveStreamName('unix:/x'));
});

test('bad names fail with errno codes: unknown type EAFNOSUPPORT, bad port EINVAL', () => {
  assert.throws(() => parseActiveStream('foo:bar'), (e: unknown) => e instanceof ErrnoError && e.code === 'EAFNOSUPPORT');
  assert.throws(() => parseActiveStream('tcp:1.2.3.4:99999'), (e: unknown) => e instanceof ErrnoError && e.code === 'EINVAL');
  assert.throws(() => parseActiveStream('tcp:1.2.3.4'), (e: unknown) => e instanceof ErrnoError && e.code === 'EINVAL');
  assert.throws(() => parseActiveStream('tcp:::1:80'), (e: unknown) => e instanceof ErrnoError && e.code === 'EINVAL');
  assert.throws(() => parsePassiveStream('unix:/x'), (e: unknown) => e instanceof ErrnoError && e.code === 'EAFNOSUPPORT');
});

test('ssl: and pssl: are refused with a stable code until TLS lands', () => {
  for (const fn of [() => parseActiveStream('ssl:1.2.3.4:6640'), () => parsePassiveStream('pssl:6640')]) {
    assert.throws(fn, (e: unknown) => {
      assert.ok(e instanceof TlsNotSupportedError);
      assert.equal(e.code, 'ETLSUNSUPPORTED');
      assert.match(e.message, /TLS streams are not supported by ovs-ts yet/);
      return true;
    });
  }
});

test('streamOpen() reports a refused connection like OVS', async () => {
  // Find a free port by binding and closing it.
  const probe = net.createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const port = (probe.address() as net.AddressInfo).port;
  await new Promise<void>((r) => probe.close(() => r()));
  await assert.rejects(streamOpen(`tcp:127.0.0.1:${port}`), (e: unknown) => {
    assert.ok(e instanceof ErrnoError);
    assert.equal(e.code, 'ECONNREFUSED');
    assert.equal(e.message, `failed to connect to "tcp:127.0.0.1:${port}" (Connection refused)`);
    return true;
  });
});

test('punix listener: accepts, removes its file on close, refuses a live socket', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'stream-test-'));
  try {
    const path = join(dir, 'x.sock');
    const accepted: net.Socket[] = [];
    const listener = await PassiveStream.open(`punix:${path}`, (socket) => accepted.push(socket));
    assert.ok(existsSync(path));
    await assert.rejects(PassiveStream.open(`punix:${path}`, () => {}), (e: unknown) => e instanceof ErrnoError && e.code === 'EADDRINUSE');
    const client = await streamOpen(`unix:${path}`);
    await new Promise((r) => setTimeout(r, 10));
    // The refused open() probed the live socket once; then our client.
    assert.equal(accepted.length, 2);
    client.destroy();
    for (const socket of accepted) socket.destroy();
    await listener.close();
    assert.ok(!existsSync(path));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('ptcp:0 binds a free port that tcp: can reach', async () => {
  const accepted: net.Socket[] = [];
  const listener = await PassiveStream.open('ptcp:0:127.0.0.1', (socket) => accepted.push(socket));
  try {
    assert.ok(listener.port! > 0);
    const client = await streamOpen(`tcp:127.0.0.1:${listener.port}`, { timeoutMs: 2000 });
    await new Promise((r) => setTimeout(r, 10));
    assert.equal(accepted.length, 1);
    client.destroy();
    accepted[0].destroy();
  } finally {
    await listener.close();
  }
});
