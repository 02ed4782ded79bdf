// Interop: every case in test/corpus/ovsdb/transact-*.json runs through our
// Database.transact() and must give the replies real Open vSwitch 3.1 gave
// (kept in test/corpus/ovsdb/expected/), and, where the tools are installed,
// the replies a live `ovsdb-tool transact` gives now. Replies are compared
// with UUIDs replaced by placeholders in order of appearance.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readExpectedTransact, readTransactFiles, runOursTransact, runRealTransact } from '../corpus/ovsdb/corpus.js';
import { realOvsMissing } from '../support/real-ovs.js';

const missing = realOvsMissing();

for (const file of readTransactFiles()) {
  const expected = readExpectedTransact(file.fileName);
  for (const testCase of file.cases) {
    test(`ovsdb transact ${file.fileName}: ${testCase.name} gives the kept ovsdb-tool answer`, { skip: file.schemaMissing ?? false }, () => {
      assert.ok(testCase.name in expected, 'no kept answer: run capture-expected.js --write');
      assert.deepEqual(runOursTransact(file, testCase), expected[testCase.name]);
    });
    test(`ovsdb transact ${file.fileName}: ${testCase.name} matches live ovsdb-tool`, { skip: missing ?? file.schemaMissing ?? false }, () => {
      assert.deepEqual(runOursTransact(file, testCase), runRealTransact(file, testCase));
    });
  }
}
