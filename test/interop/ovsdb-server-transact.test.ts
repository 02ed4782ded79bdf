// Interop: the corpus cases run against a live, sandboxed
// real ovsdb-server (through `ovsdb-client transact`) as well as through
// ovsdb-tool, since a server can differ from the offline tool. Each case gets
// a fresh database and server. Cases with a "wait" that may block are left to
// ovsdb-wait.test.ts (ovsdb-tool refuses those, the server would block).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { readTransactFiles, runOursTransact, type TransactCase, type TransactFile } from '../corpus/ovsdb/corpus.js';
import { normalizeResults } from '../support/ovsdb-normalize.js';
import { realOvsMissing } from '../support/real-ovs.js';
import type { Json } from '../../src/ovsdb/json.js';

const run = promisify(execFile);
const missing = realOvsMissing();

function mayBlock(testCase: TransactCase): boolean {
  return testCase.transactions.some((operations) => operations.some((op) => {
    const wait = op as { op?: unknown; timeout?: unknown };
    // A missing or positive timeout may block; anything else fails to parse or times out at once.
    return wait.op === 'wait' && (wait.timeout === undefined || (typeof wait.timeout === 'number' && wait.timeout > 0));
  }));
}

/** Runs a case's transactions on a fresh ovsdb-server of our own; raw replies. */
async function runOnServer(file: TransactFile, testCase: TransactCase): Promise<Json[]> {
  const dir = mkdtempSync(join(tmpdir(), 'ovsdb-server-'));
  const env = { ...process.env, OVS_RUNDIR: dir, OVS_LOGDIR: dir, OVS_DBDIR: dir };
  const pidfile = join(dir, 'ovsdb-server.pid');
  try {
    await run('ovsdb-tool', ['create', join(dir, 'test.db'), file.schemaPath], { env });
    await run('ovsdb-server', ['--detach', '--no-chdir', `--pidfile=${pidfile}`, `--log-file=${join(dir, 'ovsdb-server.log')}`,
      `--remote=punix:${join(dir, 'db.sock')}`, join(dir, 'test.db')], { env });
    const replies: Json[] = [];
    for (const operations of testCase.transactions) {
      const { stdout } = await run('ovsdb-client', ['transact', `unix:${join(dir, 'db.sock')}`,
        JSON.stringify([file.dbName, ...operations])], { env, timeout: 30_000 });
      replies.push(JSON.parse(stdout) as Json);
    }
    return replies;
  } finally {
    if (existsSync(pidfile)) {
      try {
        process.kill(Number(readFileSync(pidfile, 'utf8').trim()), 'SIGTERM');
      } catch {
        // Already gone.
      }
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

for (const file of readTransactFiles()) {
  // A case whose wait could block a live server is left to ovsdb-wait.test.ts,
  // which runs waits with real timeouts.
  for (const testCase of file.cases.filter((c) => !mayBlock(c))) {
    const skip = missing ?? file.schemaMissing ?? false;
    test(`ovsdb transact ${file.fileName}: ${testCase.name} matches a live ovsdb-server`, { skip, timeout: 60_000 }, async () => {
      assert.deepEqual(runOursTransact(file, testCase), normalizeResults(await runOnServer(file, testCase)));
    });
  }
}
