// Interop: every transaction in test/corpus/ovsdb/transact-*.json runs through the
// real `ovsdb-tool transact` (Open vSwitch 3.1) on a fresh database and
// through our Database.transact(); the replies must be equal once UUIDs are
// replaced by placeholders in order of appearance (see normalizeResults()).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Database } from '../../src/ovsdb/database.js';
import { parseSchema } from '../../src/ovsdb/schema.js';
import type { Json } from '../../src/ovsdb/json.js';
import { normalizeResults, VSWITCH_SCHEMA } from '../support/ovsdb-normalize.js';
import { realOvsMissing } from '../support/real-ovs.js';

/** This file runs from dist/test/interop; the corpus stays in the source tree. */
const CORPUS_DIR = fileURLToPath(new URL('../../../test/corpus/ovsdb/', import.meta.url));

interface CorpusCase {
  readonly name: string;
  /** Transactions run one after another on the same fresh database; each is an operation list. */
  readonly transactions: Json[][];
}

interface CorpusFile {
  /** A schema file in the corpus directory, or "vswitch" for Debian's vswitch.ovsschema. */
  readonly schema: string;
  readonly cases: CorpusCase[];
}

function schemaPath(file: CorpusFile): string {
  return file.schema === 'vswitch' ? VSWITCH_SCHEMA : join(CORPUS_DIR, file.schema);
}

function runReal(path: string, dbName: string, testCase: CorpusCase): Json[][] {
  const dir = mkdtempSync(join(tmpdir(), 'ovsdb-transact-'));
  try {
    const db = join(dir, 'test.db');
    execFileSync('ovsdb-tool', ['create', db, path]);
    return testCase.transactions.map((operations) => {
      const text = execFileSync('ovsdb-tool', ['transact', db, JSON.stringify([dbName, ...operations])], { encoding: 'utf8' });
      return JSON.parse(text) as Json[];
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function runOurs(path: string, testCase: CorpusCase): Json[][] {
  const db = new Database(parseSchema(JSON.parse(readFileSync(path, 'utf8')) as Json));
  return testCase.transactions.map((operations) => {
    const outcome = db.transact(operations, { triggers: false });
    assert.equal(outcome.kind, 'done');
    return outcome.kind === 'done' ? outcome.results : [];
  });
}

const missing = realOvsMissing();
const files = readdirSync(CORPUS_DIR).filter((name) => name.startsWith('transact-') && name.endsWith('.json')).sort();

for (const fileName of files) {
  const file = JSON.parse(readFileSync(join(CORPUS_DIR, fileName), 'utf8')) as CorpusFile;
  const path = schemaPath(file);
  const dbName = (JSON.parse(readFileSync(path, 'utf8')) as { name: string }).name;
  for (const testCase of file.cases) {
    test(`ovsdb transact ${fileName}: ${testCase.name} matches ovsdb-tool`, { skip: missing ?? false }, () => {
      const real = normalizeResults(runReal(path, dbName, testCase));
      const ours = normalizeResults(runOurs(path, testCase));
      assert.deepEqual(ours, real);
    });
  }
}
