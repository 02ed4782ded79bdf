// Interop: every transaction case of test/corpus/ovsdb/transact-*.json sent by
// the real `ovsdb-client transact` to our OvsdbServer (in this process, over a
// unix socket, on a database made by the real `ovsdb-tool create`) gives the
// replies real Open vSwitch 3.1 gave (kept in test/corpus/ovsdb/expected/).
// Cases whose "wait" would block are left to ovsdb-server-rpc.test.ts.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { readExpectedTransact, readTransactFiles, type TransactCase } from '../corpus/ovsdb/corpus.js';
import { normalizeResults } from '../support/ovsdb-normalize.js';
import { realOvsMissing } from '../support/real-ovs.js';
import { OvsdbServer } from '../../src/ovsdb/server/server.js';
import type { Json } from '../../src/ovsdb/json.js';

const run = promisify(execFile);
const missing = realOvsMissing();

function mayBlock(testCase: TransactCase): boolean {
  return testCase.transactions.some((operations) => operations.some((op) => {
    const wait = op as { op?: unknown; timeout?: unknown };
    return wait.op === 'wait' && (wait.timeout === undefined || (typeof wait.timeout === 'number' && wait.timeout > 0));
  }));
}

for (const file of readTransactFiles()) {
  const expected = readExpectedTransact(file.fileName);
  for (const testCase of file.cases.filter((c) => !mayBlock(c))) {
    test(`ovs-ts ovsdb-server transact ${file.fileName}: ${testCase.name} gives Open vSwitch's replies`,
      { skip: missing ?? file.schemaMissing ?? false, timeout: 60_000 }, async () => {
        const dir = mkdtempSync(join(tmpdir(), 'ovsdb-server-corpus-'));
        const server = new OvsdbServer();
        try {
          await run('ovsdb-tool', ['create', join(dir, 'test.db'), file.schemaPath]);
          await server.addDatabaseFile(join(dir, 'test.db'));
          await server.addRemote(`punix:${join(dir, 'db.sock')}`);
          const replies: Json[] = [];
          for (const operations of testCase.transactions) {
            const { stdout } = await run('ovsdb-client', ['transact', `unix:${join(dir, 'db.sock')}`, JSON.stringify([file.dbName, ...operations])]);
            replies.push(JSON.parse(stdout) as Json);
          }
          assert.deepEqual(normalizeResults(replies), expected[testCase.name]);
        } finally {
          await server.close();
          rmSync(dir, { recursive: true, force: true });
        }
      });
  }
}
