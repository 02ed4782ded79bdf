// Fuzzing of database file loading (log.ts framing, storage.ts replay): files
// built from a real workload, then damaged at random, either in their bytes
// or, with the checksums fixed up, in the JSON of one record. Loading must
// either succeed or fail with OvsdbError, never another exception, and a
// file cut short must load to the state of a prefix of the commits.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { xorshift32 } from '../lib/random.js';
import { Database } from './database.js';
import { OvsdbError } from './error.js';
import type { Json, JsonObject } from './json.js';
import { encodeRecord, readLog } from './log.js';
import { schemaToJson } from './schema.js';
import { commitToRecord, loadDatabase } from './storage.js';
import { dumpDatabase, testSchema, WORKLOAD } from '../../test/support/ovsdb-storage-workload.js';

function buildFile(): { bytes: Buffer; states: JsonObject[] } {
  const db = new Database(testSchema);
  const records: Json[] = [schemaToJson(testSchema)];
  const states: JsonObject[] = [dumpDatabase(db)];
  for (const operations of WORKLOAD) {
    const outcome = db.transact(operations);
    assert.ok(outcome.kind === 'done' && outcome.commit);
    records.push(commitToRecord(outcome.commit, testSchema, 1) as JsonObject);
    states.push(dumpDatabase(db));
  }
  return { bytes: Buffer.concat(records.map((record) => encodeRecord(record))), states };
}

const ODD_VALUES: Json[] = [
  null, 0, -1, 1.5, 1e300, true, '', 'x', [], {}, ['set', []], ['set', [1, 1]], ['set', ['a', 'a']],
  ['map', [[1]]], ['map', [['k', 1], ['k', 2]]], ['uuid', 'not-a-uuid'], ['uuid', '00000000-0000-0000-0000-000000000001'],
  ['named-uuid', 'x'], ['set', [['uuid', '00000000-0000-0000-0000-000000000002']]], { _is_diff: true },
];

/** Replaces one random value (or object member) somewhere in `json`. */
function mutateJson(json: Json, next: () => number): Json {
  const pick = (n: number): number => next() % n;
  if (Array.isArray(json) && json.length && pick(3) !== 0) {
    const copy = [...json];
    const i = pick(copy.length);
    copy[i] = mutateJson(copy[i], next);
    return copy;
  }
  if (json !== null && typeof json === 'object' && !Array.isArray(json) && Object.keys(json).length && pick(4) !== 0) {
    const copy: JsonObject = { ...json };
    const keys = Object.keys(copy);
    const key = keys[pick(keys.length)];
    if (pick(8) === 0) {
      delete copy[key];
      copy[pick(2) ? key.toUpperCase() : `${key}x`] = json[key];
    } else {
      copy[key] = mutateJson(copy[key], next);
    }
    return copy;
  }
  return ODD_VALUES[pick(ODD_VALUES.length)];
}

function loadOrOvsdbError(bytes: Buffer, what: string): ReturnType<typeof loadDatabase> | null {
  try {
    return loadDatabase(bytes, 'fuzz.db');
  } catch (error) {
    assert.ok(error instanceof OvsdbError, `${what}: ${(error as Error).stack}`);
    assert.match(error.message, /fuzz\.db: /, what);
    return null;
  }
}

test('loading a file with one record mutated gives a database or an OvsdbError', () => {
  const { bytes } = buildFile();
  const records = readLog(bytes, 'fuzz.db').records;
  let loaded = 0;
  for (let seed = 1; seed <= 3000; seed++) {
    const next = xorshift32(seed);
    const target = 1 + (next() % (records.length - 1));
    const mutated = mutateJson(records[target].json, next);
    const parts = records.map((record, i) => (i === target ? encodeRecord(mutated) : bytes.subarray(record.offset, record.end)));
    if (loadOrOvsdbError(Buffer.concat(parts), `seed ${seed}`)) loaded++;
  }
  // Both outcomes happen, so the mutations reach the replay code.
  assert.ok(loaded > 100 && loaded < 2900, `${loaded} of 3000 loaded`);
});

test('loading a file with damaged bytes gives a database of a prefix of the commits or an OvsdbError', () => {
  const { bytes, states } = buildFile();
  for (let seed = 1; seed <= 2000; seed++) {
    const next = xorshift32(seed);
    const damaged = Buffer.from(bytes);
    const cut = next() % 2 === 0;
    let data = damaged;
    if (cut) {
      data = damaged.subarray(0, next() % damaged.length);
    } else {
      for (let n = 1 + (next() % 3); n > 0; n--) damaged[next() % damaged.length] = next() & 0xff;
    }
    const result = loadOrOvsdbError(data, `seed ${seed}`);
    if (result) {
      const state = dumpDatabase(result.db);
      assert.deepEqual(state, states[result.records.length - 1], `seed ${seed}: not the state after ${result.records.length - 1} commits`);
    }
  }
});
