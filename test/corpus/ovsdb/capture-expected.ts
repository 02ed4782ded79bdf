// Captures what real Open vSwitch 3.1 answers for the OVSDB corpus into
// test/corpus/ovsdb/expected/: `node dist/test/corpus/ovsdb/capture-expected.js
// --write` (needs ovsdb-tool). The interop tests compare src/ovsdb with these
// kept answers always, and with live ones when the tools are installed.

import {
  readBadSchemas, readTransactFiles, runRealCreate, runRealTransact, writeExpectedBadSchemas, writeExpectedTransact,
} from './corpus.js';
import type { Json } from '../../../src/ovsdb/json.js';

function capture(): void {
  let cases = 0;
  for (const file of readTransactFiles()) {
    const answers: Record<string, Json> = {};
    for (const testCase of file.cases) {
      answers[testCase.name] = runRealTransact(file, testCase);
      cases++;
    }
    writeExpectedTransact(file.fileName, answers);
  }
  const lines = runRealCreate(readBadSchemas());
  writeExpectedBadSchemas(lines);
  process.stdout.write(`captured ${cases} transaction cases and ${lines.length} schema errors\n`);
}

// `node --test` runs every file under dist/test; only an explicit --write captures.
if (process.argv.includes('--write')) capture();
