import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  JsonSplitter, JsonrpcParseError, JsonrpcMessageError, JsonrpcRemoteError, JsonrpcConnection,
  jsonrpcMessageFromJson, jsonrpcMessageToString, createRequest, createNotify, createReply, createError,
  type JsonrpcMessage,
} from './jsonrpc.js';
import { ErrnoError } from './errors.js';

const enc = (text: string): Buffer => Buffer.from(text, 'utf8');

test('JsonSplitter splits objects written back to back, with whitespace between', () => {
  const splitter = new JsonSplitter();
  assert.deepEqual(splitter.push(enc('{"a":1}{"b":[2,{"c":3}]} \n\t{"d":null}[4]')), [
    { a: 1 }, { b: [2, { c: 3 }] }, { d: null }, [4],
  ]);
  assert.equal(splitter.inMessage, false);
});

test('JsonSplitter ignores braces and quotes inside strings, escapes included', () => {
  const splitter = new JsonSplitter();
  const text = '{"a":"}{][","b":"say \\"}\\" \\\\","c":"\\\\"}';
  assert.deepEqual(splitter.push(enc(text)), [JSON.parse(text)]);
});

test('JsonSplitter gives the same values however the bytes are cut', () => {
  const text = '{"id":1,"method":"x","params":["h\u00e9llo \u20ac \ud83d\ude00","\\"}"]}{"id":2,"result":"\u00fc","error":null}';
  const bytes = enc(text);
  const whole = new JsonSplitter().push(bytes);
  assert.equal(whole.length, 2);
  for (let cut = 0; cut <= bytes.length; cut++) {
    for (const cut2 of [cut, Math.min(bytes.length, cut + 3)]) {
      const splitter = new JsonSplitter();
      const values = [
        ...splitter.push(bytes.subarray(0, cut)),
        ...splitter.push(bytes.subarray(cut, cut2)),
        ...splitter.push(bytes.subarray(cut2)),
      ];
      assert.deepEqual(values, whole, `cut at ${cut}/${cut2}`);
    }
  }
});

test('JsonSplitter rejects garbage, after delivering the values before it', () => {
  const splitter = new JsonSplitter();
  const seen: unknown[] = [];
  assert.throws(() => splitter.push(enc('{"a":1} garbage'), (v) => seen.push(v)), JsonrpcParseError);
  assert.deepEqual(seen, [{ a: 1 }]);
  // Once failed, it stays failed: the stream cannot be resynchronised.
  assert.throws(() => splitter.push(enc('{}')), JsonrpcParseError);
});

test('JsonSplitter rejects bad JSON and bad UTF-8 inside an object', () => {
  assert.throws(() => new JsonSplitter().push(enc('{"a":1,}')), /syntax error/);
  assert.throws(() => new JsonSplitter().push(enc('{]')), JsonrpcParseError);
  assert.throws(() => new JsonSplitter().push(Buffer.from([0x7b, 0x22, 0xc3, 0x22, 0x3a, 0x31, 0x7d])), /not valid UTF-8/);
  assert.throws(() => new JsonSplitter().push(enc('"abc"')), /outside a JSON object/);
});

test('JsonSplitter enforces its maximum message size, in one chunk or many', () => {
  const big = `{"a":"${'x'.repeat(100)}"}`;
  assert.throws(() => new JsonSplitter({ maxMessageSize: 50 }).push(enc(big)),
    (e: unknown) => e instanceof ErrnoError && e.code === 'EMSGSIZE');
  const splitter = new JsonSplitter({ maxMessageSize: 50 });
  splitter.push(enc(big.slice(0, 40)));
  assert.throws(() => splitter.push(enc(big.slice(40, 60))), (e: unknown) => e instanceof ErrnoError && e.code === 'EMSGSIZE');
  assert.deepEqual(new JsonSplitter({ maxMessageSize: big.length }).push(enc(big)), [JSON.parse(big)]);
});

test('JsonSplitter fuzz: random bytes only ever fail with its own errors', () => {
  let seed = 12345;
  const random = (): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 2 ** 32;
  };
  const alphabet = enc('{}[]"\\:, a1\u00e9');
  for (let round = 0; round < 2000; round++) {
    const splitter = new JsonSplitter({ maxMessageSize: 64 });
    const length = Math.floor(random() * 40);
    const bytes = Buffer.alloc(length);
    for (let i = 0; i < length; i++) bytes[i] = random() < 0.1 ? Math.floor(random() * 256) : alphabet[Math.floor(random() * alphabet.length)];
    try {
      splitter.push(bytes.subarray(0, length >> 1));
      splitter.push(bytes.subarray(length >> 1));
    } catch (error) {
      assert.ok(error instanceof JsonrpcParseError || (error instanceof ErrnoError && error.code === 'EMSGSIZE'), String(error));
    }
  }
});

test('messages are written in OVS 3.1 wire form', () => {
  assert.equal(jsonrpcMessageToString(createRequest('echo', [], 'echo')), '{"id":"echo","method":"echo","params":[]}');
  assert.equal(jsonrpcMessageToString(createRequest('vlog/set', ['x', 'y'], 0)), '{"id":0,"method":"vlog/set","params":["x","y"]}');
  assert.equal(jsonrpcMessageToString(createNotify('update', [null, {}])), '{"id":null,"method":"update","params":[null,{}]}');
  assert.equal(jsonrpcMessageToString(createReply('ok\n', 0)), '{"id":0,"result":"ok\\n","error":null}');
  assert.equal(jsonrpcMessageToString(createError('unknown method', 7)), '{"id":7,"error":"unknown method"}');
});

test('jsonrpcMessageFromJson() classifies the four kinds and round-trips them', () => {
  const messages: JsonrpcMessage[] = [
    createRequest('transact', ['db', { op: 'select' }], [1, 'a']),
    createNotify('update', ['x']),
    createReply({ rows: [] }, 3),
    createError({ error: 'syntax error' }, 'x'),
  ];
  for (const message of messages) {
    assert.deepEqual(jsonrpcMessageFromJson(JSON.parse(jsonrpcMessageToString(message))), message);
  }
  // A request without "id" is a notification; a reply with "result":null is a reply.
  assert.equal(jsonrpcMessageFromJson({ method: 'm', params: [] }).type, 'notify');
  assert.deepEqual(jsonrpcMessageFromJson({ id: 1, result: null, error: null }), createReply(null, 1));
});

test('jsonrpcMessageFromJson() rejects malformed messages with OVS\'s reasons', () => {
  const cases: Array<[unknown, string]> = [
    [[1, 2], 'message is not a JSON object'],
    ['x', 'message is not a JSON object'],
    [{ id: 1, method: 'm', params: [], extra: 2 }, 'message has unexpected member "extra"'],
    [{ id: 1, method: 'm' }, 'request must have "params"'],
    [{ id: 1, method: 'm', params: 'x' }, '"params" must be JSON array'],
    [{ id: 1, method: 5, params: [] }, '"method" must be JSON string'],
    [{ result: 1 }, 'reply must have "id"'],
    [{ id: 1 }, 'reply must have "result"'],
  ];
  for (const [json, reason] of cases) {
    assert.throws(() => jsonrpcMessageFromJson(json), (e: unknown) => e instanceof JsonrpcMessageError && e.message === reason, reason);
  }
});

/** A connected pair of JsonrpcConnections over a unix socket. */
async function connectionPair(options: { answerEcho?: boolean } = {}): Promise<{ a: JsonrpcConnection; b: JsonrpcConnection; raw: net.Socket; done: () => Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'jsonrpc-test-'));
  const path = join(dir, 's');
  let accepted!: net.Socket;
  const server = net.createServer((s) => { accepted = s; });
  await new Promise<void>((r) => server.listen(path, r));
  const raw = net.createConnection(path);
  await new Promise((r) => raw.once('connect', r));
  while (!accepted) await new Promise((r) => setTimeout(r, 1));
  const a = new JsonrpcConnection(raw, { name: 'a' });
  const b = new JsonrpcConnection(accepted, { name: 'b', ...options });
  return {
    a, b, raw,
    done: async () => {
      a.close();
      b.close();
      await new Promise<void>((r) => server.close(() => r()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

test('JsonrpcConnection.request() matches replies by id, out of order', async () => {
  const { a, b, done } = await connectionPair();
  try {
    const requests: JsonrpcMessage[] = [];
    b.on('message', (m) => {
      requests.push(m);
      if (requests.length === 2) {
        for (const r of [...requests].reverse()) {
          if (r.type === 'request') b.send(createReply(`re:${r.method}`, r.id));
        }
      }
    });
    const [one, two] = await Promise.all([a.request('one', []), a.request('two', [1])]);
    assert.equal(one, 're:one');
    assert.equal(two, 're:two');
    assert.deepEqual(requests.map((r) => r.type === 'request' && r.id), [0, 1]);
  } finally {
    await done();
  }
});

test('JsonrpcConnection.request() rejects with JsonrpcRemoteError on an error reply', async () => {
  const { a, b, done } = await connectionPair();
  try {
    b.on('message', (m) => { if (m.type === 'request') b.send(createError('unknown method', m.id)); });
    await assert.rejects(a.request('nope', []), (e: unknown) => e instanceof JsonrpcRemoteError && e.error === 'unknown method');
  } finally {
    await done();
  }
});

test('answerEcho replies to "echo" requests with their params', async () => {
  const { a, done } = await connectionPair({ answerEcho: true });
  try {
    assert.deepEqual(await a.request('echo', ['ping', 1]), ['ping', 1]);
  } finally {
    await done();
  }
});

test('garbage from the peer closes the connection with the reason and fails pending requests', async () => {
  const { a, b, done } = await connectionPair();
  try {
    const closed = new Promise<Error | null>((r) => b.once('close', r));
    const pending = b.request('x', []);
    a.send(createNotify('fine', []));
    (a as unknown as { socket: net.Socket }).socket.write('}}garbage');
    const reason = await closed;
    assert.ok(reason instanceof JsonrpcParseError);
    await assert.rejects(pending, (e: unknown) => e instanceof ErrnoError && e.code === 'ENOTCONN');
    assert.equal(b.isOpen, false);
    assert.equal(b.send(createNotify('late', [])), false);
  } finally {
    await done();
  }
});

test('a clean close by the peer is reported as null and pending requests reject', async () => {
  const { a, b, done } = await connectionPair();
  try {
    const closed = new Promise<Error | null>((r) => a.once('close', r));
    const pending = a.request('x', []);
    // Close once the request has been read, so that nothing unread turns the close into a reset.
    await new Promise((r) => b.once('message', r));
    b.close();
    assert.equal(await closed, null);
    await assert.rejects(pending, /connection closed/);
  } finally {
    await done();
  }
});
