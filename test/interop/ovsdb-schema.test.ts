// Interop: every schema in test/corpus/ovsdb/bad-schemas.json is refused by
// the real `ovsdb-tool create` and by parseSchema() with the same message, and
// the good schemas (the corpus test schema and Debian's vswitch.ovsschema)
// load in both with the same name, version and checksum.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OvsdbError } from '../../src/ovsdb/error.js';
import { parseSchema } from '../../src/ovsdb/schema.js';
import type { Json } from '../../src/ovsdb/json.js';
import { VSWITCH_SCHEMA } from '../support/ovsdb-normalize.js';
import { realOvsMissing } from '../support/real-ovs.js';

const CORPUS_DIR = fileURLToPath(new URL('../../../test/corpus/ovsdb/', import.meta.url));
const missing = realOvsMissing();

/** The line ovsdb-tool prints for a schema it refuses, built from our error. */
function ourMessage(error: OvsdbError, file: string): string {
  const syntax = error.syntax === undefined ? '' : `syntax "${error.syntax}": `;
  return `ovsdb-tool: ${syntax}${error.error}: failed to parse "${file}" as ovsdb schema: ${error.details}`;
}

const badSchemas = JSON.parse(readFileSync(join(CORPUS_DIR, 'bad-schemas.json'), 'utf8')) as Json[];

test('parseSchema() refuses bad schemas with ovsdb-tool create\'s messages', { skip: missing ?? false }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'ovsdb-schema-'));
  try {
    const file = join(dir, 'bad.ovsschema');
    const mismatches: string[] = [];
    for (const schema of badSchemas) {
      writeFileSync(file, JSON.stringify(schema));
      const real = spawnSync('ovsdb-tool', ['create', join(dir, 'bad.db'), file], { encoding: 'utf8' });
      assert.notEqual(real.status, 0, `ovsdb-tool accepted ${JSON.stringify(schema)}`);
      let ours = '';
      try {
        parseSchema(schema);
      } catch (error) {
        assert.ok(error instanceof OvsdbError, String(error));
        ours = ourMessage(error, file);
      }
      if (ours !== real.stderr.trim()) mismatches.push(`${JSON.stringify(schema)}\n  ours: ${ours}\n  real: ${real.stderr.trim()}`);
    }
    assert.deepEqual(mismatches, []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

for (const path of [VSWITCH_SCHEMA, join(CORPUS_DIR, 'test.ovsschema')]) {
  test(`parseSchema() loads ${path} like ovsdb-tool`, { skip: missing ?? false }, () => {
    const schema = parseSchema(JSON.parse(readFileSync(path, 'utf8')) as Json);
    const tool = (command: string): string => execFileSync('ovsdb-tool', [command, path], { encoding: 'utf8' }).trim();
    assert.equal(schema.name, tool('schema-name'));
    assert.equal(schema.version, tool('schema-version'));
    const cksum = tool('schema-cksum');
    if (schema.cksum !== undefined) assert.equal(schema.cksum, cksum);
  });
}
