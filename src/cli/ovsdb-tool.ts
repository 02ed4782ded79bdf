// `ovs-ts ovsdb-tool`: ovsdb-tool(1) for standalone database files: create,
// compact, convert, needs-conversion, query, transact, show-log and the
// name/version/checksum reports, with the real ovsdb-tool 3.1's output and
// exit codes (checked side by side in test/interop/ovsdb-tool.test.ts). The
// files it writes are in the format src/ovsdb/storage.ts reads and writes,
// which the real ovsdb-tool and ovsdb-server read too.
// TODO(#4): the clustered-database commands (create-cluster, join-cluster,
// db-cid, db-sid, db-local-address, cluster-to-standalone) and --rbac-role.

import { readFileSync, renameSync, unlinkSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { CommandLineError, parseCommandLine } from '../lib/command-line.js';
import { ovsDbdir } from '../lib/dirs.js';
import { OvsError } from '../lib/errors.js';
import { OVS_TS_VERSION, versionText } from '../lib/version.js';
import type { Database } from '../ovsdb/database.js';
import { OvsdbError, syntaxError } from '../ovsdb/error.js';
import { jsonToString, type Json } from '../ovsdb/json.js';
import { encodeRecord, readLog } from '../ovsdb/log.js';
import { parseSchema, schemaToJson, type DatabaseSchema } from '../ovsdb/schema.js';
import { ovsdbErrorText, readSchemaFile, SchemaFileError, strerror } from '../ovsdb/tool/schema-file.js';
import { createDatabaseFile, loadDatabase, openDatabaseFile, snapshotRecord } from '../ovsdb/storage.js';
import { convertDatabase } from '../ovsdb/tool/convert.js';
import { showLog } from '../ovsdb/tool/show-log.js';
import { parseJsonText } from '../ovsdb/tool/json-text.js';
import { defaultVswitchSchemaPath } from '../ovsdb/vswitch-schema.js';

const PROGRAM = 'ovsdb-tool';

/** Ends the program with "ovsdb-tool: MESSAGE" and exit status 1. */
class ToolFatal extends OvsError {
  constructor(message: string) {
    super('EOVSDBTOOL', message);
  }
}

interface Context {
  /** How many -m were given (show-log detail). */
  readonly more: number;
  readonly out: string[];
}

// -- files ------------------------------------------------------------------------

function defaultDb(): string {
  return join(ovsDbdir(), 'conf.db');
}

/** Reads and parses a schema file, failing with ovsdb-tool's messages. */
function readSchema(path: string): DatabaseSchema {
  try {
    return readSchemaFile(path);
  } catch (error) {
    if (error instanceof SchemaFileError) throw new ToolFatal(error.message);
    throw error;
  }
}

/** The bytes of a database file, checked to be a standalone OVSDB file. */
function readDbBytes(path: string): Buffer {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new ToolFatal(`I/O error: ${path}: open failed (${strerror(error)})`);
  }
  const magic = bytes.subarray(0, 14).toString('latin1');
  if (magic.startsWith('OVSDB CLUSTER ')) {
    throw new ToolFatal(`ovsdb error: ${path}: clustered databases are not supported by ovs-ts`);
  }
  if (!magic.startsWith('OVSDB JSON ')) throw new ToolFatal(`ovsdb error: ${path}: unexpected file format`);
  return bytes;
}

/** The schema record of a database file. */
function readDbSchema(path: string): DatabaseSchema {
  const { records, warning } = readLog(readDbBytes(path), path);
  if (records.length === 0) throw new ToolFatal(`ovsdb error: ${warning ?? `${path}: unexpected end of file`}`);
  try {
    return parseSchema(records[0].json);
  } catch (error) {
    if (!(error instanceof OvsdbError)) throw error;
    throw new ToolFatal(ovsdbErrorText(error));
  }
}

/** Replays a whole database file. */
function readDb(path: string): Database {
  try {
    return loadDatabase(readDbBytes(path), path).db;
  } catch (error) {
    if (!(error instanceof OvsdbError)) throw error;
    throw new ToolFatal(ovsdbErrorText(error));
  }
}

function fatalFromOvsdb(error: unknown): never {
  if (error instanceof OvsdbError) throw new ToolFatal(ovsdbErrorText(error));
  throw error;
}

/** Writes a new file holding `db`'s schema and one record with all its rows, replacing `path` atomically. */
async function writeSnapshot(path: string, db: Database, comment: string): Promise<void> {
  const temporary = `${path}.tmp`;
  const bytes = Buffer.concat([encodeRecord(schemaToJson(db.schema)), encodeRecord(snapshotRecord(db, comment))]);
  try {
    const handle = await open(temporary, 'w', 0o660);
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    renameSync(temporary, path);
  } catch (error) {
    try {
      unlinkSync(temporary);
    } catch {
      // Nothing to remove.
    }
    throw new ToolFatal(`I/O error: ${path}: write failed (${strerror(error)})`);
  }
}

// -- commands ---------------------------------------------------------------------

interface Command {
  readonly name: string;
  readonly minArgs: number;
  readonly maxArgs: number;
  run(args: string[], context: Context): Promise<number | void>;
}

/** Parses transaction text as the real tool does, and checks that it names the database. */
function parseTransaction(text: string): Json {
  const parsed = parseJsonText(text);
  if (!parsed.ok) throw new ToolFatal(`"${text}": ${parsed.error}`);
  return parsed.value;
}

/** Runs a transaction against `db`; the reply's JSON text, and whether something changed. */
function execute(db: Database, request: Json): { reply: Json; commit: ReturnType<Database['transact']> | null } {
  if (!Array.isArray(request)) return { reply: syntaxError(request, 'array expected').toJson(), commit: null };
  if (request.length === 0 || typeof request[0] !== 'string' || request[0] !== db.schema.name) {
    return { reply: syntaxError(request, 'database name expected as first parameter').toJson(), commit: null };
  }
  const outcome = db.transact(request.slice(1), { triggers: false });
  if (outcome.kind !== 'done') throw new TypeError('ovsdb-tool transactions never wait');
  return { reply: outcome.results, commit: outcome };
}

async function runTransact(args: string[], context: Context, write: boolean): Promise<void> {
  const [dbPath, text] = args.length === 1 ? [defaultDb(), args[0]] : [args[0], args[1]];
  const request = parseTransaction(text);
  if (!write) {
    const db = readDb(dbPath);
    context.out.push(`${jsonToString(execute(db, request).reply)}\n`);
    return;
  }
  let file;
  try {
    file = await openDatabaseFile(dbPath);
  } catch (error) {
    fatalFromOvsdb(error);
  }
  try {
    const { reply, commit } = execute(file.db, request);
    if (commit && commit.kind === 'done' && commit.commit) {
      try {
        await file.append(commit.commit);
      } catch (error) {
        fatalFromOvsdb(error);
      }
    }
    context.out.push(`${jsonToString(reply)}\n`);
  } finally {
    await file.close();
  }
}

const COMMANDS: readonly Command[] = [
  {
    name: 'create', minArgs: 0, maxArgs: 2,
    async run(args) {
      const dbPath = args[0] ?? defaultDb();
      const schema = readSchema(args[1] ?? defaultVswitchSchemaPath());
      try {
        await createDatabaseFile(dbPath, schema);
      } catch (error) {
        fatalFromOvsdb(error);
      }
    },
  },
  {
    name: 'compact', minArgs: 0, maxArgs: 2,
    async run(args) {
      const dbPath = args[0] ?? defaultDb();
      const db = readDb(dbPath);
      await writeSnapshot(args[1] ?? dbPath, db, `compacted by ovs-ts ovsdb-tool ${OVS_TS_VERSION}`);
    },
  },
  {
    name: 'convert', minArgs: 0, maxArgs: 3,
    async run(args) {
      const dbPath = args[0] ?? defaultDb();
      const schema = readSchema(args[1] ?? defaultVswitchSchemaPath());
      const db = readDb(dbPath);
      let converted: Database;
      try {
        converted = convertDatabase(db, schema);
      } catch (error) {
        fatalFromOvsdb(error);
      }
      await writeSnapshot(args[2] ?? dbPath, converted, `converted by ovs-ts ovsdb-tool ${OVS_TS_VERSION}`);
    },
  },
  {
    name: 'needs-conversion', minArgs: 0, maxArgs: 2,
    async run(args, context) {
      const dbSchema = readDbSchema(args[0] ?? defaultDb());
      const schema = readSchema(args[1] ?? defaultVswitchSchemaPath());
      const same = jsonToString(schemaToJson(dbSchema)) === jsonToString(schemaToJson(schema));
      context.out.push(same ? 'no\n' : 'yes\n');
    },
  },
  ...(['name', 'version', 'cksum'] as const).flatMap((what): Command[] => [
    {
      name: `db-${what}`, minArgs: 0, maxArgs: 1,
      async run(args, context) {
        context.out.push(`${readDbSchema(args[0] ?? defaultDb())[what] ?? ''}\n`);
      },
    },
    {
      name: `schema-${what}`, minArgs: 0, maxArgs: 1,
      async run(args, context) {
        context.out.push(`${readSchema(args[0] ?? defaultVswitchSchemaPath())[what] ?? ''}\n`);
      },
    },
  ]),
  {
    name: 'db-is-standalone', minArgs: 1, maxArgs: 1,
    async run(args) {
      return readDbBytes(args[0]).subarray(0, 11).toString('latin1') === 'OVSDB JSON ' ? 0 : 2;
    },
  },
  {
    name: 'db-is-clustered', minArgs: 1, maxArgs: 1,
    async run(args) {
      const bytes = readSync(args[0]);
      return bytes.subarray(0, 14).toString('latin1') === 'OVSDB CLUSTER ' ? 0 : 2;
    },
  },
  {
    name: 'compare-versions', minArgs: 3, maxArgs: 3,
    async run(args) {
      const [a, op, b] = args;
      const parse = (text: string): number[] => {
        const match = /^(\d+)\.(\d+)\.(\d+)$/.exec(text);
        if (!match) throw new ToolFatal(`${text}: not an OVSDB version number in format x.y.z`);
        return [Number(match[1]), Number(match[2]), Number(match[3])];
      };
      const x = parse(a);
      const y = parse(b);
      const order = x[0] - y[0] || x[1] - y[1] || x[2] - y[2];
      const tests: Record<string, boolean> = {
        '<': order < 0, '<=': order <= 0, '==': order === 0, '>=': order >= 0, '>': order > 0, '!=': order !== 0,
      };
      if (!(op in tests)) throw new ToolFatal(`${op}: not a relational operator`);
      return tests[op] ? 0 : 2;
    },
  },
  { name: 'query', minArgs: 1, maxArgs: 2, run: (args, context) => runTransact(args, context, false) },
  { name: 'transact', minArgs: 1, maxArgs: 2, run: (args, context) => runTransact(args, context, true) },
  {
    name: 'show-log', minArgs: 0, maxArgs: 1,
    async run(args, context) {
      const path = args[0] ?? defaultDb();
      const { records } = readLog(readDbBytes(path), path);
      context.out.push(showLog(records, context.more));
    },
  },
];

function readSync(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new ToolFatal(`I/O error: ${path}: open failed (${strerror(error)})`);
  }
}

// -- main -------------------------------------------------------------------------

function usage(): string {
  return `${PROGRAM}: Open vSwitch database management utility (ovs-ts)
usage: ${PROGRAM} [OPTIONS] COMMAND [ARG...]
  create [DB [SCHEMA]]    create DB with the given SCHEMA
  compact [DB [DST]]      compact DB in-place (or to DST)
  convert [DB [SCHEMA [DST]]]   convert DB to SCHEMA (to DST)
  needs-conversion [DB [SCHEMA]]  tell whether DB needs conversion to SCHEMA
  db-name [DB]            report name of schema used by DB
  db-version [DB]         report version of schema used by DB
  db-cksum [DB]           report checksum of schema used by DB
  db-is-clustered DB      test whether DB is clustered
  db-is-standalone DB     test whether DB is standalone
  schema-name [SCHEMA]    report SCHEMA's name
  schema-version [SCHEMA] report SCHEMA's schema version
  schema-cksum [SCHEMA]   report SCHEMA's checksum
  compare-versions A OP B  compare OVSDB schema version numbers
  query [DB] TRNS         execute read-only transaction on DB
  transact [DB] TRNS      execute read/write transaction on DB
  [-m]... show-log [DB]   print DB's log entries
The default DB is ${defaultDb()}.
The default SCHEMA is ${defaultVswitchSchemaPath()}.

Other options:
  -m, --more                  increase show-log verbosity
  -h, --help                  display this help message
  -V, --version               display version information
`;
}

export async function run(args: string[]): Promise<number> {
  let more = 0;
  let operands: string[];
  try {
    const parsed = parseCommandLine(args, {
      longOptions: [
        { name: 'more', argument: 'none' },
        { name: 'help', argument: 'none' },
        { name: 'version', argument: 'none' },
        { name: 'rbac-role', argument: 'required' },
        { name: 'election-timer', argument: 'required' },
        { name: 'cid', argument: 'required' },
        { name: 'verbose', argument: 'optional' },
        { name: 'log-file', argument: 'optional' },
        { name: 'syslog-method', argument: 'required' },
        { name: 'syslog-target', argument: 'required' },
      ],
      shortOptions: 'mhVv::',
      shortKeys: { m: 'more', h: 'help', V: 'version', v: 'verbose' },
    });
    for (const option of parsed.options) {
      if (option.key === 'more') more++;
      if (option.key === 'help') {
        process.stdout.write(usage());
        return 0;
      }
      if (option.key === 'version') {
        process.stdout.write(`${versionText(PROGRAM)}\n`);
        return 0;
      }
      // TODO(#4): logging options (-v, --log-file, --syslog-*) are accepted and ignored.
    }
    operands = parsed.operands;
  } catch (error) {
    if (!(error instanceof CommandLineError)) throw error;
    process.stderr.write(`${PROGRAM}: ${error.message}\n`);
    return 1;
  }
  const context: Context = { more, out: [] };
  try {
    const [name, ...rest] = operands;
    if (name === undefined) throw new ToolFatal('missing command name; use --help for help');
    const command = COMMANDS.find((candidate) => candidate.name === name);
    if (!command) throw new ToolFatal(`unknown command '${name}'; use --help for help`);
    if (rest.length < command.minArgs) throw new ToolFatal(`'${name}' command requires at least ${command.minArgs} arguments`);
    if (rest.length > command.maxArgs) throw new ToolFatal(`'${name}' command takes at most ${command.maxArgs} arguments`);
    const status = await command.run(rest, context);
    process.stdout.write(context.out.join(''));
    return status ?? 0;
  } catch (error) {
    process.stdout.write(context.out.join(''));
    if (error instanceof ToolFatal) {
      process.stderr.write(`${PROGRAM}: ${error.message}\n`);
      return 1;
    }
    if (error instanceof OvsdbError) {
      process.stderr.write(`${PROGRAM}: ${ovsdbErrorText(error)}\n`);
      return 1;
    }
    throw error;
  }
}

