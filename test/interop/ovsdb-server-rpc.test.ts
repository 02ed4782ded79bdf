// Interop: the JSON-RPC exchanges of test/corpus/ovsdb/server-rpc.json run
// against the real ovsdb-server and against `ovs-ts ovsdb-server`, each
// started fresh in its own sandbox; every client must receive the same
// messages (replies, errors, update/update2/update3, locked/stolen) and the
// same connection closes, with UUIDs masked. This covers the methods, their
// errors, monitors of each kind, locks between clients, wait and cancel, and
// bad input (malformed JSON, messages that are not JSON-RPC).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OVSDB_CORPUS_DIR } from '../corpus/ovsdb/corpus.js';
import { realOvsMissing } from '../support/real-ovs.js';
import { VSWITCH_SCHEMA } from '../support/ovsdb-normalize.js';
import { RawClient, startServer, type ServerKind } from '../support/ovsdb-servers.js';

interface Step {
  readonly c: string;
  readonly send?: { id?: unknown; method: string; params: unknown[] };
  readonly raw?: string;
  readonly close?: boolean;
  readonly noReply?: boolean;
}

interface RpcCase {
  readonly name: string;
  readonly steps: Step[];
}

const corpus = JSON.parse(readFileSync(join(OVSDB_CORPUS_DIR, 'server-rpc.json'), 'utf8')) as { cases: RpcCase[] };
const missing = realOvsMissing();
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

/**
 * A comparable form of a message: UUIDs masked (in strings and in object
 * keys, where monitor updates put row UUIDs), members and set/map elements
 * in a canonical order, since the real server orders them by hash.
 */
export function canonical(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.replace(UUID, '<uuid>'));
  if (Array.isArray(value)) {
    if (value.length === 2 && (value[0] === 'set' || value[0] === 'map') && Array.isArray(value[1])) {
      return `["${value[0]}",[${(value[1] as unknown[]).map(canonical).sort().join(',')}]]`;
    }
    return `[${value.map(canonical).join(',')}]`;
  }
  if (value !== null && typeof value === 'object') {
    const members = Object.entries(value as Record<string, unknown>)
      .map(([key, item]) => `${JSON.stringify(key.replace(UUID, '<uuid>'))}:${canonical(item)}`);
    return `{${members.sort().join(',')}}`;
  }
  return JSON.stringify(value);
}

async function sleep(ms: number): Promise<void> {
  await new Promise((r) => setTimeout(r, ms));
}

/** Runs the steps on one server; what each client received, and whether it was closed. */
async function runCase(kind: ServerKind, testCase: RpcCase): Promise<Record<string, unknown>> {
  const server = await startServer(kind, VSWITCH_SCHEMA, { init: true });
  const clients = new Map<string, RawClient>();
  try {
    for (const step of testCase.steps) {
      let client = clients.get(step.c);
      if (!client) {
        client = await RawClient.connect(server.sockPath);
        clients.set(step.c, client);
      }
      if (step.close) {
        client.close();
        await sleep(100);
        continue;
      }
      if (step.raw !== undefined) {
        client.send(step.raw);
        await sleep(150);
        continue;
      }
      const message = step.send!;
      client.send(message);
      if (!step.noReply && message.id !== undefined && message.id !== null) {
        await client.waitFor((m) => JSON.stringify(m.id) === JSON.stringify(message.id) && m.method === undefined, 5000)
          .catch(() => undefined);
      }
      await sleep(60);
    }
    await sleep(100);
    const outcome: Record<string, unknown> = {};
    for (const [name, client] of [...clients].sort()) {
      outcome[name] = { received: client.messages.map(canonical), closed: client.closed };
    }
    return outcome;
  } finally {
    for (const client of clients.values()) client.close();
    await server.stop();
  }
}

for (const testCase of corpus.cases) {
  test(`ovsdb-server rpc: ${testCase.name}: ovs-ts answers like the real ovsdb-server`, { skip: missing ?? false, timeout: 60_000 }, async () => {
    const [real, ours] = await Promise.all([runCase('real', testCase), runCase('ours', testCase)]);
    assert.deepEqual(ours, real);
  });
}
