// The OVSDB corpus (see test/corpus/ovsdb/README.md): transaction cases and
// bad schemas, the answers real Open vSwitch 3.1 gave for them (kept under
// expected/, written by capture-expected.ts), and the calls that get the same
// answers from the real tools and from src/ovsdb. Shared by the capture
// script and the interop tests.

import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Database } from '../../../src/ovsdb/database.js';
import { OvsdbError } from '../../../src/ovsdb/error.js';
import { parseSchema } from '../../../src/ovsdb/schema.js';
import type { Json } from '../../../src/ovsdb/json.js';
import { normalizeResults, VSWITCH_SCHEMA } from '../../support/ovsdb-normalize.js';

/** The source directory of the corpus (this file runs from dist/test/corpus/ovsdb). */
export const OVSDB_CORPUS_DIR = fileURLToPath(new URL('../../../../test/corpus/ovsdb/', import.meta.url));
const EXPECTED_DIR = join(OVSDB_CORPUS_DIR, 'expected');

export interface TransactCase {
  readonly name: string;
  /** Transactions run one after another on the same fresh database; each is an operation list. */
  readonly transactions: Json[][];
}

export interface TransactFile {
  /** The corpus file name, e.g. "transact-operations.json". */
  readonly fileName: string;
  /** Path of the schema: a corpus file, or Debian's vswitch.ovsschema for "vswitch". */
  readonly schemaPath: string;
  readonly dbName: string;
  /** Why the schema cannot be read here (vswitch.ovsschema comes with Open vSwitch), or null. */
  readonly schemaMissing: string | null;
  readonly cases: TransactCase[];
}

export function readTransactFiles(): TransactFile[] {
  return readdirSync(OVSDB_CORPUS_DIR).filter((name) => name.startsWith('transact-') && name.endsWith('.json')).sort().map((fileName) => {
    const file = JSON.parse(readFileSync(join(OVSDB_CORPUS_DIR, fileName), 'utf8')) as { schema: string; cases: TransactCase[] };
    const schemaPath = file.schema === 'vswitch' ? VSWITCH_SCHEMA : join(OVSDB_CORPUS_DIR, file.schema);
    if (!existsSync(schemaPath)) {
      const schemaMissing = `${schemaPath} is missing (apt-get install openvswitch-common)`;
      return { fileName, schemaPath, dbName: '', schemaMissing, cases: file.cases };
    }
    const dbName = (JSON.parse(readFileSync(schemaPath, 'utf8')) as { name: string }).name;
    return { fileName, schemaPath, dbName, schemaMissing: null, cases: file.cases };
  });
}

/** Runs a case through `ovsdb-tool transact` on a fresh database; normalized replies. */
export function runRealTransact(file: TransactFile, testCase: TransactCase): Json {
  const dir = mkdtempSync(join(tmpdir(), 'ovsdb-transact-'));
  try {
    const db = join(dir, 'test.db');
    execFileSync('ovsdb-tool', ['create', db, file.schemaPath]);
    return normalizeResults(testCase.transactions.map((operations) => {
      const text = execFileSync('ovsdb-tool', ['transact', db, JSON.stringify([file.dbName, ...operations])], { encoding: 'utf8' });
      return JSON.parse(text) as Json;
    }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Runs a case through Database.transact(); normalized replies. Waits that
 * would block fail as in ovsdb-tool ("triggers not supported").
 */
export function runOursTransact(file: TransactFile, testCase: TransactCase): Json {
  const db = new Database(parseSchema(JSON.parse(readFileSync(file.schemaPath, 'utf8')) as Json));
  return normalizeResults(testCase.transactions.map((operations) => {
    const outcome = db.transact(operations, { triggers: false });
    if (outcome.kind !== 'done') throw new Error(`${testCase.name}: transaction asked to wait`);
    return outcome.results;
  }));
}

/** Kept answers of one transact file: case name -> normalized replies. */
export function readExpectedTransact(fileName: string): Record<string, Json> {
  return JSON.parse(readFileSync(join(EXPECTED_DIR, fileName), 'utf8')) as Record<string, Json>;
}

export function writeExpectedTransact(fileName: string, answers: Record<string, Json>): void {
  writeFileSync(join(EXPECTED_DIR, fileName), JSON.stringify(answers, null, 1) + '\n');
}

export function readBadSchemas(): Json[] {
  return JSON.parse(readFileSync(join(OVSDB_CORPUS_DIR, 'bad-schemas.json'), 'utf8')) as Json[];
}

/** Where the schema file sits in messages, so that kept messages do not name a scratch directory. */
const FILE_PLACEHOLDER = 'bad.ovsschema';

/** The line `ovsdb-tool create` prints for each bad schema, with the file named "bad.ovsschema". */
export function runRealCreate(schemas: readonly Json[]): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'ovsdb-schema-'));
  try {
    const file = join(dir, FILE_PLACEHOLDER);
    return schemas.map((schema) => {
      writeFileSync(file, JSON.stringify(schema));
      const real = spawnSync('ovsdb-tool', ['create', join(dir, 'bad.db'), file], { encoding: 'utf8' });
      if (real.status === 0) return `accepted: ${JSON.stringify(schema)}`;
      return real.stderr.trim().split(file).join(FILE_PLACEHOLDER);
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The same line built from parseSchema()'s error. */
export function runOursCreate(schemas: readonly Json[]): string[] {
  return schemas.map((schema) => {
    try {
      parseSchema(schema);
      return `accepted: ${JSON.stringify(schema)}`;
    } catch (error) {
      if (!(error instanceof OvsdbError)) throw error;
      const syntax = error.syntax === undefined ? '' : `syntax "${error.syntax}": `;
      return `ovsdb-tool: ${syntax}${error.error}: failed to parse "${FILE_PLACEHOLDER}" as ovsdb schema: ${error.details}`;
    }
  });
}

export function readExpectedBadSchemas(): string[] {
  return JSON.parse(readFileSync(join(EXPECTED_DIR, 'bad-schemas.json'), 'utf8')) as string[];
}

export function writeExpectedBadSchemas(lines: readonly string[]): void {
  writeFileSync(join(EXPECTED_DIR, 'bad-schemas.json'), JSON.stringify(lines, null, 1) + '\n');
}
