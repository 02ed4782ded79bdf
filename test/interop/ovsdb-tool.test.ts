// Differential tests of `ovs-ts ovsdb-tool` against the real ovsdb-tool 3.1:
// both run on the same inputs in the same scratch directory, and stdout,
// stderr and the exit status must agree (UUIDs that each tool draws are
// normalized). Files each tool writes are read back by the other: show-log,
// query, compact and convert work on either tool's files.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Json } from '../../src/ovsdb/json.js';
import { VSWITCH_SCHEMA_PATH } from '../../src/ovsdb/vswitch-schema.js';
import {
  OVSDB_CORPUS_DIR, readBadSchemas, readExpectedTransact, readTransactFiles,
} from '../corpus/ovsdb/corpus.js';
import { normalizeResults, VSWITCH_SCHEMA } from '../support/ovsdb-normalize.js';
import { realOvsMissing } from '../support/real-ovs.js';
import { runOvsTs, runTool, type ToolOutcome } from '../support/run-tool.js';

const missing = realOvsMissing();
const TEST_SCHEMA = join(OVSDB_CORPUS_DIR, 'test.ovsschema');

interface Sandbox {
  readonly dir: string;
  readonly env: NodeJS.ProcessEnv;
  real(...args: string[]): Promise<ToolOutcome>;
  ours(...args: string[]): Promise<ToolOutcome>;
  path(name: string): string;
  [Symbol.dispose](): void;
}

/** A scratch directory that is both tools' OVS_DBDIR, with Debian's schema as the default for both. */
function sandbox(): Sandbox {
  const dir = mkdtempSync(join(tmpdir(), 'ovsdb-tool-diff-'));
  const env = { ...process.env, OVS_DBDIR: dir, OVS_PKGDATADIR: '/usr/share/openvswitch' };
  return {
    dir, env,
    real: (...args) => runTool('ovsdb-tool', args, { env, cwd: dir }),
    ours: (...args) => runOvsTs(['ovsdb-tool', ...args], { env, cwd: dir }),
    path: (name) => join(dir, name),
    [Symbol.dispose]: () => rmSync(dir, { recursive: true, force: true }),
  };
}

async function assertSame(box: Sandbox, args: string[], message = args.join(' ')): Promise<ToolOutcome> {
  const [real, ours] = await Promise.all([box.real(...args), box.ours(...args)]);
  assert.deepEqual(ours, real, message);
  return real;
}

test('ovsdb-tool usage errors, missing and damaged files: same output and exit status as the real ovsdb-tool',
  { skip: missing ?? false }, async () => {
    using box = sandbox();
    await box.real('create', box.path('a.db'), VSWITCH_SCHEMA);
    writeFileSync(box.path('g.db'), 'garbage\n');
    writeFileSync(box.path('bad.ovsschema'), '{"name":"x","tables":{"t":{"columns":{"a":{"type":"foo"}}}}}');
    writeFileSync(box.path('nojson.ovsschema'), '{"name": "x", tables}');
    const cases = [
      [], ['foo'], ['query'], ['db-name', 'a', 'b', 'c'], ['--bogus'], ['-m'], ['create', 'a.db'],
      ['transact', 'a.db', '{}'], ['transact', 'a.db', '["Foo"]'], ['show-log', 'g.db'], ['db-name', 'g.db'],
      ['schema-name', 'g.db'], ['schema-name', 'nonexist'], ['schema-name', 'nojson.ovsschema'],
      ['create', 'z.db', 'bad.ovsschema'], ['query', 'nonexist.db', '[]'], ['db-version', 'nonexist.db'],
      ['compare-versions', '1.2', '<', '1.3.0'], ['compare-versions', '1.2.3', 'x', '1.3.0'],
      ['compare-versions', '1.2.3', '<', '1.3.0'], ['compare-versions', '1.2.3', '>=', '1.3.0'],
      ['compare-versions', '2.0.0', '!=', '2.0.0'], ['db-is-standalone', 'a.db'], ['db-is-clustered', 'a.db'],
      ['db-name'], ['needs-conversion'], ['needs-conversion', 'a.db', VSWITCH_SCHEMA_PATH],
      ['needs-conversion', 'a.db', VSWITCH_SCHEMA],
    ];
    for (const args of cases) await assertSame(box, args);
  });

test('ovsdb-tool prints the real parser\'s message for malformed JSON transactions', { skip: missing ?? false }, async () => {
  using box = sandbox();
  await box.real('create', box.path('a.db'), VSWITCH_SCHEMA);
  const texts = [
    '', '[1,2', '{"a" 1}', '[1,]', '{,}', '"abc', '[1 2]', '01', '1.', '-', '[tru]', '{"a":1,}', '[1]x', '"\\q"',
    '"a\nb"', '[\n1,\n x]', '1e999', '[1,2]]', '{1:2}', '"\\ud800"', '1', '"x"', '@', '[1}', '{"a":1]', '[1e]',
    '[0x1]', '[1.5.5]', '["\\u00"]', '["\\uzzzz"]', '[nul]', '{"a"}', '[1', '{', '{"a":', '\t[', '[Tru]', '[t_x]',
    '[1a]', '[-0]', '[1E5]', '["é"]', '[true,false,null]',
  ];
  await Promise.all(texts.map((text) => assertSame(box, ['query', 'a.db', text], JSON.stringify(text))));
});

for (const schema of [VSWITCH_SCHEMA, VSWITCH_SCHEMA_PATH, TEST_SCHEMA, 'noversion']) {
  test(`ovsdb-tool create and the name, version and cksum reports agree with the real tool (${schema})`,
    { skip: missing ?? false }, async () => {
      using box = sandbox();
      let path = schema;
      if (schema === 'noversion') {
        path = box.path('noversion.ovsschema');
        writeFileSync(path, '{"name": "nov", "tables": {"T": {"columns": {"x": {"type": "integer"}}}}}');
      }
      const real = await box.real('create', 'real.db', path);
      const ours = await box.ours('create', 'ours.db', path);
      assert.deepEqual(ours, real);
      for (const what of ['name', 'version', 'cksum']) {
        await assertSame(box, [`schema-${what}`, path]);
        for (const db of ['real.db', 'ours.db']) await assertSame(box, [`db-${what}`, db]);
      }
      for (const db of ['real.db', 'ours.db']) {
        await assertSame(box, ['show-log', db]);
        await assertSame(box, ['needs-conversion', db, path]);
      }
    });
}

test('ovsdb-tool create refuses each bad corpus schema with the real tool\'s message', { skip: missing ?? false }, async () => {
  using box = sandbox();
  const schemas = readBadSchemas();
  await Promise.all(schemas.map(async (schema, i) => {
    const file = `bad${i}.ovsschema`;
    writeFileSync(box.path(file), JSON.stringify(schema));
    const [real, ours] = await Promise.all([box.real('create', `r${i}.db`, file), box.ours('create', `o${i}.db`, file)]);
    assert.deepEqual(ours, real, JSON.stringify(schema));
  }));
});

/** Runs `work` on each item, at most `limit` at a time. */
async function inParallel<T>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      await work(items[index], index);
    }
  };
  await Promise.all(Array.from({ length: limit }, worker));
}

/** Runs a corpus case with one tool; the normalized replies. */
async function runCase(run: (...args: string[]) => Promise<ToolOutcome>, db: string, schemaPath: string,
  dbName: string, transactions: Json[][]): Promise<Json> {
  const created = await run('create', db, schemaPath);
  assert.equal(created.status, 0, created.stderr);
  const replies: Json[] = [];
  for (const operations of transactions) {
    const outcome = await run('transact', db, JSON.stringify([dbName, ...operations]));
    assert.equal(outcome.stderr, '');
    assert.equal(outcome.status, 0);
    replies.push(JSON.parse(outcome.stdout) as Json);
  }
  return normalizeResults(replies);
}

for (const file of readTransactFiles().filter((f) => ['transact-conditions.json', 'transact-edges.json', 'transact-vswitch.json'].includes(f.fileName))) {
  test(`ovsdb-tool transact gives the real tool's replies for ${file.fileName}, and each tool reads the other's file`,
    { skip: missing ?? file.schemaMissing ?? false }, async () => {
      const expected = readExpectedTransact(file.fileName);
      using box = sandbox();
      await inParallel(file.cases, 3, async (testCase, n) => {
        const db = `case${n}`;
        const ours = await runCase(box.ours, `${db}.ours.db`, file.schemaPath, file.dbName, testCase.transactions);
        assert.deepEqual(ours, expected[testCase.name], testCase.name);
        // Each tool reads the file the other wrote with the same contents.
        const schema = JSON.parse(readFileSync(file.schemaPath, 'utf8')) as { tables: Record<string, unknown> };
        const select = JSON.stringify([file.dbName, ...Object.keys(schema.tables).map((table) => ({ op: 'select', table, where: [] }))]);
        const realReading = await box.real('query', `${db}.ours.db`, select);
        const oursReading = await box.ours('query', `${db}.ours.db`, select);
        assert.equal(realReading.status, 0, realReading.stderr);
        assert.deepEqual(normalizeResults(JSON.parse(oursReading.stdout) as Json), normalizeResults(JSON.parse(realReading.stdout) as Json), testCase.name);
        for (const more of [[], ['-m'], ['-mm']]) {
          const [real, ours2] = await Promise.all([box.real(...more, 'show-log', `${db}.ours.db`), box.ours(...more, 'show-log', `${db}.ours.db`)]);
          assert.deepEqual(ours2, real, `${testCase.name} ${more.join('')}`);
        }
      });
    });
}

/** A database the real ovs-vsctl-like transactions fill, written by the real ovsdb-tool. */
async function realVswitchDb(box: Sandbox, name: string): Promise<void> {
  await box.real('create', name, VSWITCH_SCHEMA);
  const transactions: Json[][] = [
    [{ op: 'insert', table: 'Open_vSwitch', row: {} }, { op: 'comment', comment: 'first' }],
    [
      { op: 'insert', table: 'Bridge', 'uuid-name': 'b', row: { name: 'br0', ports: ['named-uuid', 'p'], external_ids: ['map', [['a', 'b'], ['c', 'd']]] } },
      { op: 'insert', table: 'Port', 'uuid-name': 'p', row: { name: 'p0', interfaces: ['named-uuid', 'i'], tag: 5 } },
      { op: 'insert', table: 'Interface', 'uuid-name': 'i', row: { name: 'p0', type: 'internal', options: ['map', [['k', 'v w']]] } },
      { op: 'mutate', table: 'Open_vSwitch', where: [], mutations: [['bridges', 'insert', ['set', [['named-uuid', 'b']]]]] },
    ],
    [{ op: 'update', table: 'Bridge', where: [], row: { external_ids: ['map', [['a', 'x'], ['e', 'f']]], stp_enable: true, flood_vlans: ['set', [1, 2, 3]] } }],
    [{ op: 'mutate', table: 'Bridge', where: [], mutations: [['flood_vlans', 'delete', ['set', [2]]]] }, { op: 'comment', comment: 'with "quotes" and é' }],
    [{ op: 'update', table: 'Port', where: [], row: { name: 'renamed' } }],
    [{ op: 'update', table: 'Open_vSwitch', where: [], row: { bridges: ['set', []] } }],
  ];
  for (const operations of transactions) {
    const outcome = await box.real('transact', name, JSON.stringify(['Open_vSwitch', ...operations]));
    assert.equal(outcome.status, 0, outcome.stderr);
  }
}

test('ovsdb-tool show-log, -m and -mm print what the real ovsdb-tool prints for its own file', { skip: missing ?? false }, async () => {
  using box = sandbox();
  await realVswitchDb(box, 'real.db');
  for (const more of [[], ['-m'], ['-mm'], ['-m', '-m'], ['--more']]) await assertSame(box, [...more, 'show-log', 'real.db']);
  await box.real('compact', 'real.db', 'compacted.db');
  await assertSame(box, ['-mm', 'show-log', 'compacted.db']);
});

test('ovsdb-tool compact and convert write files the real ovsdb-tool reads with the same rows', { skip: missing ?? false }, async () => {
  using box = sandbox();
  await realVswitchDb(box, 'real.db');
  const select = JSON.stringify(['Open_vSwitch', ...['Open_vSwitch', 'Bridge', 'Port', 'Interface'].map((table) => ({ op: 'select', table, where: [] }))]);
  const rows = async (db: string, tool: 'real' | 'ours' = 'real'): Promise<Json> => {
    const outcome = await box[tool]('query', db, select);
    assert.equal(outcome.status, 0, outcome.stderr);
    const results = JSON.parse(outcome.stdout) as { rows: { _version?: Json }[] }[];
    for (const result of results) for (const row of result.rows) delete row._version;
    return results as unknown as Json;
  };
  const before = await rows('real.db');
  copyFileSync(box.path('real.db'), box.path('inplace.db'));
  assert.equal((await box.ours('compact', 'inplace.db')).status, 0);
  assert.equal((await box.ours('compact', 'real.db', 'copy.db')).status, 0);
  assert.deepEqual(await rows('inplace.db'), before);
  assert.deepEqual(await rows('copy.db'), before);
  assert.match((await box.real('show-log', 'copy.db')).stdout, /^record 1: [-0-9: .]+ "compacted by ovs-ts ovsdb-tool /m);
  // Conversion to the shipped schema (equivalent to Debian's, other cksum).
  assert.equal((await box.ours('convert', 'real.db', VSWITCH_SCHEMA_PATH, 'converted.db')).status, 0);
  assert.deepEqual(await rows('converted.db'), before);
  await assertSame(box, ['needs-conversion', 'converted.db', VSWITCH_SCHEMA_PATH]);
  await assertSame(box, ['db-cksum', 'converted.db']);
  // And a file the real tool converted reads the same with ours.
  await box.real('convert', 'real.db', VSWITCH_SCHEMA_PATH, 'real-converted.db');
  assert.deepEqual(await rows('real-converted.db', 'ours'), await rows('real-converted.db'));
});

test('ovsdb-tool convert drops a removed column as the real tool does',
  { skip: missing ?? false }, async () => {
    using box = sandbox();
    const schema = JSON.parse(readFileSync(TEST_SCHEMA, 'utf8')) as { tables: Record<string, { columns: Record<string, unknown> }> };
    const [first] = Object.keys(schema.tables);
    const columns = Object.keys(schema.tables[first].columns);
    await box.real('create', 'db', TEST_SCHEMA);
    const insert = await box.real('transact', 'db', JSON.stringify(['test', { op: 'insert', table: first, row: { name: 'x' } }]));
    assert.equal(insert.status, 0, insert.stderr);
    const smaller = structuredClone(schema);
    delete smaller.tables[first].columns[columns[columns.length - 1]];
    writeFileSync(box.path('smaller.ovsschema'), JSON.stringify(smaller));
    for (const tool of ['real', 'ours'] as const) {
      const outcome = await box[tool]('convert', 'db', 'smaller.ovsschema', `${tool}.db`);
      assert.equal(outcome.status, 0, outcome.stderr);
    }
    const select = JSON.stringify(['test', { op: 'select', table: first, where: [], columns: columns.slice(0, -1) }]);
    await assertSame(box, ['query', 'real.db', select]);
    await assertSame(box, ['query', 'ours.db', select]);
    const [real, ours] = await Promise.all([box.real('query', 'real.db', select), box.ours('query', 'ours.db', select)]);
    assert.equal(ours.stdout, real.stdout);
  });
