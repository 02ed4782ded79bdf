// The unix socket transport, as `ovs-ts dpctl` and other processes use it:
// socket files and their modes, several clients at once, the read-only
// socket, file permissions as the admin proof (checked as another user), bad
// input sent raw (framing garbage closes only that connection; netlink
// garbage gets NLMSG_ERROR), and a bounded fuzz. State is compared before and
// after through dumps.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { EBADF, EINVAL, ENOENT, EOPNOTSUPP, EPERM, ERANGE } from '../lib/errno.js';
import { NlBuffer } from '../netlink/buffer.js';
import { NLM_F_REQUEST, startOvsMessage } from '../netlink/message.js';
import * as O from '../netlink/openvswitch.js';
import { DP, dumpVportsRequest, newDpRequest, newVportRequest, nlErrno, snapshot } from './fixtures.js';
import { DeviceKernel } from './kernel.js';
import { NlSocket, splitMessages } from './netlink-socket.js';
import {
  type DeviceRecord, decodeFrame, encodeFrames, FrameReader, OP_ANSWER, OP_OPEN, OP_TRANSACT, record,
} from './protocol.js';
import { InProcessTransport } from './transport.js';
import { defaultDevicePath, UnixTransport } from './unix-client.js';
import { DEVICE_RO_SOCKET_NAME, DEVICE_SOCKET_NAME, DeviceSocketServer } from './unix-server.js';

/** A fresh run directory with a device server in it; removed after the test. */
async function serve(t: { after(fn: () => unknown): void }) {
  const rundir = mkdtempSync(join(tmpdir(), 'ovs-device-'));
  const saved = process.env.OVS_RUNDIR;
  process.env.OVS_RUNDIR = rundir;
  const kernel = new DeviceKernel();
  const server = await DeviceSocketServer.listen(kernel);
  t.after(async () => {
    await server.close();
    process.env.OVS_RUNDIR = saved;
    rmSync(rundir, { recursive: true, force: true });
  });
  return { rundir, kernel, server, admin: join(rundir, DEVICE_SOCKET_NAME), readOnly: join(rundir, DEVICE_RO_SOCKET_NAME) };
}

async function connect(path: string): Promise<{ transport: UnixTransport; sock: NlSocket }> {
  const transport = await UnixTransport.connect(path);
  assert.ok(transport instanceof UnixTransport, `connect failed with errno ${String(transport)}`);
  const sock = await NlSocket.open(transport);
  assert.ok(sock instanceof NlSocket);
  return { transport, sock };
}

/** A client that writes raw bytes and reads raw answer records. */
class RawClient {
  private readonly reader = new FrameReader();
  private answers: DeviceRecord[] = [];
  private wake: (() => void) | null = null;
  closed = false;

  constructor(readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => {
      for (const f of this.reader.push(new Uint8Array(chunk))) {
        const d = decodeFrame(f);
        assert.ok(Array.isArray(d));
        this.answers.push(...d);
      }
      this.wake?.();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake?.();
    });
    socket.on('error', () => {});
  }

  static connect(path: string): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const s = net.connect(path, () => resolve(new RawClient(s)));
      s.once('error', reject);
    });
  }

  write(bytes: Uint8Array): void {
    this.socket.write(bytes);
  }

  /** Waits for `n` answers, or the connection closing, or `timeoutMs`. */
  async take(n: number, timeoutMs = 2000): Promise<DeviceRecord[]> {
    const until = Date.now() + timeoutMs;
    while (this.answers.length < n && !this.closed && Date.now() < until) {
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        setTimeout(resolve, 50);
      });
    }
    return this.answers.splice(0, n);
  }

  async open(): Promise<number> {
    this.write(encodeFrames([record(OP_OPEN, 0, { tag: 1 })])[0]);
    const [a] = await this.take(1);
    assert.equal(a.op, OP_OPEN | OP_ANSWER);
    return a.pid;
  }

  async waitClosed(): Promise<boolean> {
    await this.take(Number.MAX_SAFE_INTEGER);
    return this.closed;
  }

  close(): void {
    this.socket.destroy();
  }
}

function rawRequest(type: number, cmd: number, options: { length?: number; attrs?: (b: NlBuffer) => void } = {}): Uint8Array {
  const buf = new NlBuffer(64);
  const start = startOvsMessage(buf, { family: type, flags: NLM_F_REQUEST, seq: 9, pid: 0, cmd, version: 1, dpIfindex: 0 });
  options.attrs?.(buf);
  buf.endMessage(start);
  const bytes = buf.data().slice();
  if (options.length !== undefined) new DataView(bytes.buffer).setUint32(0, options.length, true);
  return bytes;
}

test('the server listens on ovs-datapath.sock (0600) and ovs-datapath.ro.sock (0666) in OVS_RUNDIR', async (t) => {
  const { admin, readOnly } = await serve(t);
  assert.equal(defaultDevicePath(), admin);
  assert.equal(statSync(admin).mode & 0o777, 0o600);
  assert.equal(statSync(readOnly).mode & 0o777, 0o666);
  assert.ok(statSync(admin).isSocket());
});

test('a second server on the same run directory is refused while the first serves', async (t) => {
  const { kernel, rundir } = await serve(t);
  await assert.rejects(DeviceSocketServer.listen(kernel, { rundir }), /already serves/);
});

test('several clients over unix sockets and one in process share the device', async (t) => {
  const { kernel, admin } = await serve(t);
  const clients = await Promise.all([0, 1, 2, 3, 4].map(() => connect(admin)));
  t.after(() => clients.forEach((c) => c.transport.close()));
  const local = await NlSocket.open(new InProcessTransport(kernel));
  assert.ok(local instanceof NlSocket);
  await local.transact(newDpRequest('dp0'));
  const results = await Promise.all(clients.map(({ sock }, i) => sock.transact(newVportRequest(`u${i}`, { portNo: 20 + i }))));
  assert.deepEqual(results.map((r) => r.errno), [0, 0, 0, 0, 0]);
  const views = await Promise.all(clients.map(({ sock }) => snapshot(sock)));
  const reference = await snapshot(local);
  for (const v of views) assert.equal(v, reference);
  assert.match(reference, /7533/); // "u3"
  clients[0].transport.close();
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.equal(kernel.openSockets, 5, 'the closed connection\'s socket is gone');
});

test('the read-only socket answers reads and refuses changes with EPERM', async (t) => {
  const { admin, readOnly } = await serve(t);
  const a = await connect(admin);
  const r = await connect(readOnly);
  t.after(() => {
    a.transport.close();
    r.transport.close();
  });
  assert.equal((await a.sock.transact(newDpRequest('dp0'))).errno, 0);
  assert.equal((await r.sock.transact(newVportRequest('p1'))).errno, EPERM);
  assert.equal((await r.sock.dump(dumpVportsRequest()).all()).length, 1);
});

test('only the socket file\'s owner may connect to the admin socket; others get the read-only one', async (t) => {
  if (process.getuid?.() !== 0) {
    t.skip('needs root to run a client as another user');
    return;
  }
  const { rundir, admin, readOnly } = await serve(t);
  chmodSync(rundir, 0o755);
  const probe = (path: string) => spawnSync(process.execPath, ['-e', `
    const s = require('node:net').connect(${JSON.stringify(path)});
    s.on('connect', () => { console.log('connected'); s.destroy(); });
    s.on('error', (e) => console.log(e.code));`], { uid: 65534, gid: 65534, encoding: 'utf8', timeout: 5000 });
  assert.equal(probe(admin).stdout.trim(), 'EACCES');
  assert.equal(probe(readOnly).stdout.trim(), 'connected');
});

test('bad netlink input sent raw gets NLMSG_ERROR or a device errno, and changes nothing', async (t) => {
  const { admin } = await serve(t);
  const good = await connect(admin);
  t.after(() => good.transport.close());
  await good.sock.transact(newDpRequest('dp0'));
  const before = await snapshot(good.sock);
  const raw = await RawClient.connect(admin);
  t.after(() => raw.close());
  const pid = await raw.open();
  const cases: Array<[string, DeviceRecord, (a: DeviceRecord) => void]> = [
    ['truncated netlink message', record(OP_TRANSACT, pid, { tag: 2, data: rawRequest(DP, O.OVS_DP_CMD_GET, { length: 200 }) }),
      (a) => assert.equal(a.word0, EINVAL)],
    ['shorter than a netlink header', record(OP_TRANSACT, pid, { tag: 3, data: new Uint8Array(10) }),
      (a) => assert.equal(a.word0, EINVAL)],
    ['two messages in one transaction', record(OP_TRANSACT, pid, {
      tag: 4, data: new Uint8Array([...rawRequest(DP, O.OVS_DP_CMD_GET), ...rawRequest(DP, O.OVS_DP_CMD_GET)]) }),
    (a) => assert.equal(a.word0, EINVAL)],
    ['unknown family', record(OP_TRANSACT, pid, { tag: 5, data: rawRequest(0x99, 1) }),
      (a) => assert.equal(nlErrno(splitMessages(a.data)[0]), ENOENT)],
    ['unknown command', record(OP_TRANSACT, pid, { tag: 6, data: rawRequest(DP, 77) }),
      (a) => assert.equal(nlErrno(splitMessages(a.data)[0]), EOPNOTSUPP)],
    ['wrong attribute size', record(OP_TRANSACT, pid, {
      tag: 7, data: rawRequest(DP, O.OVS_DP_CMD_NEW, { attrs: (b) => { b.putAttrString(O.OVS_DP_ATTR_NAME, 'x'); b.putAttrU16(O.OVS_DP_ATTR_UPCALL_PID, 1); } }) }),
    // Linux's nla_parse: an integer attribute shorter than its type is ERANGE.
    (a) => assert.equal(nlErrno(splitMessages(a.data)[0]), ERANGE)],
    ['genl and ovs headers cut short', record(OP_TRANSACT, pid, { tag: 8, data: rawRequest(DP, O.OVS_DP_CMD_GET, { length: 18 }).subarray(0, 18) }),
      (a) => assert.equal(nlErrno(splitMessages(a.data)[0]), EINVAL)],
    ['a socket id this connection did not open', record(OP_TRANSACT, pid + 1000, { tag: 9, data: rawRequest(DP, O.OVS_DP_CMD_GET) }),
      (a) => assert.equal(a.word0, EBADF)],
    ['an unknown device op', record(42, pid, { tag: 10 }), (a) => assert.equal(a.word0, EOPNOTSUPP)],
    ['reserved flags set', record(OP_TRANSACT, pid, { tag: 11, flags: 4, data: rawRequest(DP, O.OVS_DP_CMD_GET) }),
      (a) => assert.equal(a.word0, EINVAL)],
  ];
  raw.write(encodeFrames(cases.map(([, r]) => r))[0]);
  const answers = await raw.take(cases.length);
  assert.equal(answers.length, cases.length, 'one answer per record, connection still open');
  cases.forEach(([name, r, check], i) => {
    assert.equal(answers[i].tag, r.tag, name);
    assert.equal(answers[i].op, r.op | OP_ANSWER, name);
    check(answers[i]);
  });
  assert.equal(await snapshot(good.sock), before);
});

test('framing garbage closes that connection only; the server keeps serving, state unchanged', async (t) => {
  const { admin, server } = await serve(t);
  const good = await connect(admin);
  t.after(() => good.transport.close());
  await good.sock.transact(newDpRequest('dp0'));
  const before = await snapshot(good.sock);
  const frame = encodeFrames([record(OP_TRANSACT, 1, { tag: 1, data: newVportRequest('evil') })])[0];
  const garbage: Array<[string, Uint8Array]> = [
    ['bad magic', Uint8Array.from(Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'))],
    ['oversized frame', Uint8Array.from([0xff, 0xff, 0xff, 0x7f, 0x44, 0x31, 1, 0])],
    ['frame length not a multiple of 4', Uint8Array.from([10, 0, 0, 0, 0x44, 0x31, 0, 0, 0, 0])],
    ['record count mismatch', (() => { const f = frame.slice(); f[6] = 2; return f; })()],
    ['record longer than its frame', (() => { const f = frame.slice(); f[9] = 0x7f; return f; })()],
  ];
  for (const [name, bytes] of garbage) {
    const raw = await RawClient.connect(admin);
    await raw.open();
    raw.write(bytes);
    assert.equal(await raw.waitClosed(), true, `${name}: connection closed`);
  }
  assert.equal(server.stats.framingErrors, garbage.length);
  // A frame cut off by the client leaves nothing behind either.
  const cut = await RawClient.connect(admin);
  cut.write(frame.subarray(0, 20));
  cut.close();
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.equal(await snapshot(good.sock), before);
  assert.equal((await good.sock.transact(newVportRequest('after'))).errno, 0, 'still serving');
});

test('fuzzed frames and requests never stop the server nor change state through the read-only socket (2 s)', async (t) => {
  const { admin, readOnly, server } = await serve(t);
  const good = await connect(admin);
  t.after(() => good.transport.close());
  await good.sock.transact(newDpRequest('dp0'));
  await good.sock.transact(newVportRequest('p1'));
  const before = await snapshot(good.sock);
  let checked = false;
  let seed = 99;
  const rand = () => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return seed >>> 8;
  };
  const templates = [
    newDpRequest('dp1'), newVportRequest('p2'), dumpVportsRequest(), rawRequest(DP, O.OVS_DP_CMD_GET),
    rawRequest(DP, O.OVS_DP_CMD_SET, { attrs: (b) => b.putAttrU32(O.OVS_DP_ATTR_USER_FEATURES, 1) }),
  ];
  let connections = 0;
  let answered = 0;
  // Read-only first: whatever the mutation, nothing may change. Then admin:
  // changes may happen, but never an exception behind the device.
  for (const phase of ['read-only', 'admin'] as const) {
    const until = Date.now() + 1000;
    while (Date.now() < until) {
      const raw = await RawClient.connect(phase === 'admin' ? admin : readOnly);
      connections++;
      const pid = await raw.open();
      const records = Array.from({ length: 1 + (rand() % 8) }, (_, i) => {
        const data = templates[rand() % templates.length].slice();
        for (let k = rand() % 4; k > 0; k--) data[rand() % data.length] = rand();
        return record([OP_TRANSACT, OP_TRANSACT, 4, 5, 6, 7, rand() % 12][rand() % 7], pid, {
          tag: i, data, word0: rand() % 3, word1: rand() % 5,
        });
      });
      const bytes = encodeFrames(records)[0];
      if (rand() % 3 === 0) bytes[rand() % bytes.length] = rand();
      raw.write(bytes);
      // Mutated frames may lose answers (a WAIT, a changed count): give up quickly.
      answered += (await raw.take(records.filter((r) => r.op !== 6).length, 300)).length;
      raw.close();
    }
    if (phase === 'read-only') {
      assert.equal(await snapshot(good.sock), before);
      checked = true;
    }
  }
  assert.ok(connections > 20, `only ${connections} fuzz connections`);
  assert.ok(answered > 0);
  assert.ok(checked, 'the read-only phase left the state unchanged');
  assert.equal((await good.sock.transact(newVportRequest('after'))).errno, 0, 'still serving');
  assert.ok(server.stats.frames > 0);
  assert.equal(server.stats.internalErrors, 0, 'no exception behind the device');
});
