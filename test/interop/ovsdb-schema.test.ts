// Interop: every schema in test/corpus/ovsdb/bad-schemas.json is refused by
// parseSchema() with the message real `ovsdb-tool create` printed (kept in
// test/corpus/ovsdb/expected/bad-schemas.json) and prints now where the tools
// are installed; good schemas (the corpus test schema and Debian's
// vswitch.ovsschema) load with ovsdb-tool's name, version and checksum.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseSchema } from '../../src/ovsdb/schema.js';
import type { Json } from '../../src/ovsdb/json.js';
import {
  OVSDB_CORPUS_DIR, readBadSchemas, readExpectedBadSchemas, runOursCreate, runRealCreate,
} from '../corpus/ovsdb/corpus.js';
import { VSWITCH_SCHEMA } from '../support/ovsdb-normalize.js';
import { realOvsMissing } from '../support/real-ovs.js';

const missing = realOvsMissing();
const badSchemas = readBadSchemas();

test('parseSchema() refuses bad schemas with the kept ovsdb-tool create messages', () => {
  assert.deepEqual(runOursCreate(badSchemas), readExpectedBadSchemas());
});

test('parseSchema() refuses bad schemas like live ovsdb-tool create', { skip: missing ?? false }, () => {
  assert.deepEqual(runOursCreate(badSchemas), runRealCreate(badSchemas));
});

test('parseSchema() loads the corpus test schema', () => {
  const schema = parseSchema(JSON.parse(readFileSync(join(OVSDB_CORPUS_DIR, 'test.ovsschema'), 'utf8')) as Json);
  assert.deepEqual([schema.name, schema.version, schema.tables.size], ['test', '1.2.3', 4]);
});

for (const path of [VSWITCH_SCHEMA, join(OVSDB_CORPUS_DIR, 'test.ovsschema')]) {
  test(`parseSchema() loads ${path} like ovsdb-tool`, { skip: missing ?? false }, () => {
    const schema = parseSchema(JSON.parse(readFileSync(path, 'utf8')) as Json);
    const tool = (command: string): string => execFileSync('ovsdb-tool', [command, path], { encoding: 'utf8' }).trim();
    assert.equal(schema.name, tool('schema-name'));
    assert.equal(schema.version, tool('schema-version'));
    if (schema.cksum !== undefined) assert.equal(schema.cksum, tool('schema-cksum'));
  });
}
