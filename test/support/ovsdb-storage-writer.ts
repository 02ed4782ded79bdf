// Child process for the crash-safety tests of src/ovsdb/storage.ts: opens
// the database file named by argv[2] and commits one insert into table Root
// (test/corpus/ovsdb/test.ovsschema) after another, forever, printing
// "ack N" once the Nth append has resolved (is on disk). The parent kills it
// with SIGKILL mid-stream and checks that every acknowledged row survived.
// argv[3], if given, is the compaction record threshold (to crash around
// online compactions too). Without arguments (node --test runs every file
// under dist/test) it does nothing.

import { openDatabaseFile } from '../../src/ovsdb/storage.js';

const path = process.argv[2];
const compactMinRecords = process.argv[3] === undefined ? undefined : Number(process.argv[3]);
const file = path === undefined ? null : await openDatabaseFile(path, { compactMinRecords, compactMinSize: 0, compactGrowthFactor: 1 });
for (let n = 1; file; n++) {
  const outcome = file.db.transact([
    { op: 'insert', table: 'Root', row: { name: `row${n}`, i: n % 100, s: ['set', ['a', 'b']] } },
    { op: 'mutate', table: 'Root', where: [['name', '==', `row${n - 1}`]], mutations: [['s', 'insert', ['set', ['z']]]] },
  ]);
  if (outcome.kind !== 'done' || !outcome.commit) throw new Error(`transaction ${n} failed: ${JSON.stringify(outcome)}`);
  await file.append(outcome.commit);
  process.stdout.write(`ack ${n}\n`);
}
