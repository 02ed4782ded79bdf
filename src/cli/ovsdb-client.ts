// `ovs-ts ovsdb-client`: ovsdb-client(1), a JSON-RPC client of any OVSDB
// server (ours or the real ovsdb-server): list-dbs, get-schema(-version,
// -cksum), list-tables, list-columns, transact, query, dump, monitor,
// monitor-cond, lock, steal and unlock, printing what the real ovsdb-client
// 3.1 prints in each --format (checked side by side against the real server
// in test/interop/ovsdb-client.test.ts). Tables and columns are listed in the
// order the real client's hash tables give (src/ovsdb/client/shash-order.ts).
// TODO(#4): wait, backup, restore, passive (punix:/ptcp:) servers, SSL, --detach/--pidfile.

import { join } from 'node:path';
import { CommandLineError, parseCommandLine } from '../lib/command-line.js';
import { ovsRundir } from '../lib/dirs.js';
import { ErrnoError, OvsError } from '../lib/errors.js';
import { JsonrpcConnection, JsonrpcRemoteError, type JsonrpcMessage, type JsonValue } from '../lib/jsonrpc.js';
import { streamOpen } from '../lib/stream.js';
import { versionText } from '../lib/version.js';
import { compareAtoms, parseDatum, type Datum } from '../ovsdb/data.js';
import { OvsdbError } from '../ovsdb/error.js';
import { isJsonObject, jsonToString, type Json, type JsonObject } from '../ovsdb/json.js';
import { parseColumnType, parseSchema, schemaToJson, type ColumnType, type DatabaseSchema } from '../ovsdb/schema.js';
import { readSchemaFile, SchemaFileError } from '../ovsdb/tool/schema-file.js';
import { shashOrder } from '../ovsdb/client/shash-order.js';
import { jsonText, TablePrinter, type Cell, type CellFormat, type TableFormat, type TableStyle } from '../ovsdb/client/table.js';
import { parseJsonText } from '../ovsdb/tool/json-text.js';
import { formatLogDate } from '../ovsdb/tool/text.js';

const PROGRAM = 'ovsdb-client';
const DEFAULT_DATABASE = 'Open_vSwitch';

/** Ends the program with "ovsdb-client: MESSAGE" and exit status 1. */
class ClientFatal extends OvsError {
  constructor(message: string) {
    super('EOVSDBCLIENT', message);
  }
}

interface Options {
  readonly style: TableStyle;
  readonly timestamp: boolean;
}

// -- connection -------------------------------------------------------------------

class Client {
  private constructor(readonly server: string, readonly connection: JsonrpcConnection) {}

  static async open(server: string): Promise<Client> {
    if (/^(punix|ptcp|pssl):/.test(server)) throw new ClientFatal(`${server}: passive connections are not supported by ovs-ts`); // TODO(#4)
    try {
      const socket = await streamOpen(server);
      return new Client(server, new JsonrpcConnection(socket, { name: server, answerEcho: true }));
    } catch (error) {
      if (error instanceof ErrnoError) throw new ClientFatal(error.message);
      throw error;
    }
  }

  async request(method: string, params: JsonValue[]): Promise<JsonValue> {
    try {
      return await this.connection.request(method, params);
    } catch (error) {
      if (error instanceof JsonrpcRemoteError) throw error;
      if (error instanceof Error) throw new ClientFatal(`${method}: ${error.message}`);
      throw error;
    }
  }

  async listDbs(): Promise<string[]> {
    let result: JsonValue;
    try {
      result = await this.request('list_dbs', []);
    } catch (error) {
      if (error instanceof JsonrpcRemoteError) throw new ClientFatal(`list_dbs: server returned error ${jsonToString(error.error as Json)}`);
      throw error;
    }
    if (!Array.isArray(result) || !result.every((name) => typeof name === 'string')) {
      throw new ClientFatal('list_dbs response is not array of strings');
    }
    return result as string[];
  }

  async getSchema(db: string): Promise<JsonObject> {
    try {
      return await this.request('get_schema', [db]) as JsonObject;
    } catch (error) {
      if (error instanceof JsonrpcRemoteError) throw new ClientFatal(`get_schema: ${jsonToString(error.error as Json)}`);
      throw error;
    }
  }

  close(): void {
    this.connection.close();
  }
}

// -- schema helpers ---------------------------------------------------------------

/** Tables of a schema in the order the real client iterates them. */
function tableNames(schema: JsonObject): string[] {
  return shashOrder(shashOrder(Object.keys(schema.tables as JsonObject)));
}

/** Columns of a table (with _uuid and _version) in the real client's order. */
function columnNames(schema: JsonObject, table: string): string[] {
  const columns = ((schema.tables as JsonObject)[table] as JsonObject).columns as JsonObject;
  return shashOrder(['_uuid', '_version', ...shashOrder(Object.keys(columns))]);
}

function columnTypeJson(schema: JsonObject, table: string, column: string): Json {
  if (column === '_uuid' || column === '_version') return 'uuid';
  const columns = ((schema.tables as JsonObject)[table] as JsonObject).columns as JsonObject;
  return (columns[column] as JsonObject).type;
}

function columnType(schema: JsonObject, table: string, column: string): ColumnType {
  return parseColumnType(columnTypeJson(schema, table, column));
}

function hasTable(schema: JsonObject, table: string): boolean {
  return Object.prototype.hasOwnProperty.call(schema.tables as JsonObject, table);
}

function hasColumn(schema: JsonObject, table: string, column: string): boolean {
  if (column === '_uuid' || column === '_version') return true;
  const columns = ((schema.tables as JsonObject)[table] as JsonObject).columns as JsonObject;
  return Object.prototype.hasOwnProperty.call(columns, column);
}

function datumCell(json: Json, type: ColumnType): Cell {
  return { kind: 'datum', datum: parseDatum(json, type), type };
}

/** OVS's order of datums: fewer elements first, then element by element. */
function compareDatums(a: Datum, b: Datum): number {
  if (a.keys.length !== b.keys.length) return a.keys.length - b.keys.length;
  for (let i = 0; i < a.keys.length; i++) {
    const order = compareAtoms(a.keys[i], b.keys[i]);
    if (order) return order;
  }
  if (a.values && b.values) {
    for (let i = 0; i < a.values.length; i++) {
      const order = compareAtoms(a.values[i], b.values[i]);
      if (order) return order;
    }
  }
  return 0;
}

// -- commands ---------------------------------------------------------------------

function readClientSchema(path: string): DatabaseSchema {
  try {
    return readSchemaFile(path);
  } catch (error) {
    if (error instanceof SchemaFileError) throw new ClientFatal(error.message);
    throw error;
  }
}

interface Command {
  readonly name: string;
  /** Whether an optional DATABASE argument comes first. */
  readonly needsDb: boolean;
  readonly minArgs: number;
  readonly maxArgs: number;
  run(client: Client, db: string, args: string[], options: Options, out: (text: string) => void): Promise<number | 'forever' | void>;
}

function parseTransaction(text: string): Json {
  const parsed = parseJsonText(text);
  if (!parsed.ok) throw new ClientFatal(`"${text}": ${parsed.error}`);
  return parsed.value;
}

async function transact(client: Client, text: string, readOnly: boolean, out: (text: string) => void): Promise<void> {
  const request = parseTransaction(text);
  if (!Array.isArray(request) || typeof request[0] !== 'string') throw new ClientFatal('not a valid OVSDB query');
  const params = readOnly ? [...request, { op: 'abort' }] : request;
  let result: JsonValue;
  try {
    result = await client.request('transact', params as JsonValue[]);
  } catch (error) {
    if (error instanceof JsonrpcRemoteError) throw new ClientFatal(`transaction returned error: ${jsonToString(error.error as Json)}`);
    throw error;
  }
  // The "abort" added for a query fails last; its error is not shown.
  const last = Array.isArray(result) ? result[result.length - 1] : undefined;
  if (readOnly && isJsonObject(last as Json) && (last as JsonObject).error === 'aborted') result = (result as JsonValue[]).slice(0, -1);
  out(`${jsonText(result as Json, false)}\n`);
}

async function dump(client: Client, db: string, args: string[], options: Options, out: (text: string) => void): Promise<void> {
  const schema = await client.getSchema(db);
  let tables: string[];
  if (args.length > 0) {
    if (!hasTable(schema, args[0])) throw new ClientFatal(`No table "${args[0]}" found.`);
    tables = [args[0]];
  } else {
    tables = Object.keys(schema.tables as JsonObject).sort();
  }
  const wanted = args.slice(1);
  for (const column of wanted) {
    if (!hasColumn(schema, args[0], column)) throw new ClientFatal(`Table "${args[0]}" has no column ${column}.`);
  }
  const columnsOf = (table: string): string[] => {
    if (wanted.length) return [...wanted].sort();
    const names = Object.keys(((schema.tables as JsonObject)[table] as JsonObject).columns as JsonObject).sort();
    return ['_uuid', ...names];
  };
  const operations = tables.map((table) => ({ op: 'select', table, where: [], columns: columnsOf(table) }));
  let result: JsonValue;
  try {
    result = await client.request('transact', [db, ...operations]);
  } catch (error) {
    if (error instanceof JsonrpcRemoteError) throw new ClientFatal(`transaction returned error: ${jsonToString(error.error as Json)}`);
    throw error;
  }
  const results = result as { rows?: JsonObject[]; error?: string }[];
  const printer = new TablePrinter(options.style);
  tables.forEach((table, i) => {
    const reply = results[i];
    if (!reply || reply.error !== undefined || !Array.isArray(reply.rows)) {
      throw new ClientFatal(`transaction returned error: ${jsonToString(reply as unknown as Json)}`);
    }
    const columns = columnsOf(table);
    const types = columns.map((column) => columnType(schema, table, column));
    const rows = reply.rows.map((row) => columns.map((column, c) => parseDatum(row[column], types[c])));
    // Rows are ordered by their values, column by column as shown, but UUIDs
    // (which differ from one database to the next) only break ties.
    const holdsUuids = (c: number): boolean => types[c].key.type === 'uuid' || types[c].value?.type === 'uuid';
    const shown = columns.map((_, c) => c);
    const sortBy = [...shown.filter((c) => !holdsUuids(c)), ...shown.filter(holdsUuids)];
    rows.sort((a, b) => {
      for (const c of sortBy) {
        const order = compareDatums(a[c], b[c]);
        if (order) return order;
      }
      return 0;
    });
    out(printer.print({
      caption: `${table} table`,
      headings: columns,
      rows: rows.map((row) => row.map((datum, c): Cell => ({ kind: 'datum', datum, type: types[c] }))),
    }));
  });
}

/** What a monitored table asks for: its columns (undefined: all) and which kinds of change to show. */
interface MonitorSpec {
  readonly table: string;
  readonly columns: string[] | undefined;
  readonly select: { initial: boolean; insert: boolean; delete: boolean; modify: boolean };
}

/** `where` names the server in monitor's messages (monitor-cond's leave it out). */
function parseMonitorSpecs(schema: JsonObject, db: string, args: string[], where: string): MonitorSpec[] {
  if (args.length === 1 && args[0] === 'ALL') {
    return Object.keys(schema.tables as JsonObject).sort().map((table) => ({
      table, columns: undefined, select: { initial: true, insert: true, delete: true, modify: true },
    }));
  }
  const [table, ...columnArgs] = args;
  if (!hasTable(schema, table)) throw new ClientFatal(`${where}${db} does not have a table named "${table}"`);
  const select = { initial: true, insert: true, delete: true, modify: true };
  const columns: string[] = [];
  for (const name of columnArgs.flatMap((arg) => arg.split(',')).filter(Boolean)) {
    const kind = /^!(initial|insert|delete|modify)$/.exec(name);
    if (kind) {
      select[kind[1] as keyof typeof select] = false;
    } else if (!hasColumn(schema, table, name)) {
      throw new ClientFatal(`${where}table "${table}" in ${db} does not have a column named "${name}"`);
    } else {
      columns.push(name);
    }
  }
  return [{ table, columns: columns.length ? columns : undefined, select }];
}

/** Prints one update (a monitor reply or notification) as tables, one per table that changed. */
function printUpdate(schema: JsonObject, specs: readonly MonitorSpec[], updates: JsonObject, initial: boolean,
  printer: TablePrinter, options: Options, out: (text: string) => void, version2: boolean, lastIdLine?: string): void {
  const timestamp = options.timestamp ? formatLogDate(Date.now()) : undefined;
  let idLine = lastIdLine;
  for (const spec of [...specs].sort((a, b) => (a.table < b.table ? -1 : 1))) {
    const rowsJson = updates[spec.table];
    if (!isJsonObject(rowsJson)) continue;
    const table = spec.table;
    const columns = spec.columns ?? [
      ...Object.keys(((schema.tables as JsonObject)[table] as JsonObject).columns as JsonObject).sort(), '_version',
    ];
    const types = columns.map((column) => columnType(schema, table, column));
    const rows: Cell[][] = [];
    const cells = (row: JsonObject | undefined): Cell[] =>
      columns.map((column, c) => (row && row[column] !== undefined ? datumCell(row[column], types[c]) : { kind: 'empty' }));
    for (const uuid of shashOrder(Object.keys(rowsJson))) {
      const change = rowsJson[uuid] as JsonObject;
      const text = (value: string): Cell => ({ kind: 'text', text: value });
      if (version2) {
        const [kind] = Object.keys(change);
        const row = change[kind] as JsonObject | null;
        rows.push([text(uuid), text(kind), ...cells(row ?? undefined)]);
        continue;
      }
      const oldRow = isJsonObject(change.old) ? change.old : undefined;
      const newRow = isJsonObject(change.new) ? change.new : undefined;
      if (oldRow && newRow) {
        rows.push([text(uuid), text('old'), ...cells(oldRow)]);
        rows.push([text(''), text('new'), ...cells(newRow)]);
      } else if (newRow) {
        rows.push([text(uuid), text(initial ? 'initial' : 'insert'), ...cells(newRow)]);
      } else if (oldRow) {
        rows.push([text(uuid), text('delete'), ...cells(oldRow)]);
      }
    }
    if (rows.length === 0) continue;
    const caption = specs.length > 1 ? table : undefined;
    const preface = [idLine, timestamp].filter((line) => line !== undefined).join('\n');
    idLine = undefined;
    out(printer.print({
      ...(preface ? { preface } : {}), ...(caption !== undefined ? { caption } : {}),
      headings: ['row', 'action', ...columns], rows,
    }));
  }
}

/** Which monitor request: RFC 7047 "monitor", "monitor_cond" (update2) or "monitor_cond_since" (update3). */
type MonitorKind = 'monitor' | 'cond' | 'since';

async function monitor(client: Client, db: string, args: string[], options: Options, out: (text: string) => void,
  kind: MonitorKind): Promise<'forever'> {
  const schema = await client.getSchema(db);
  const conditional = kind !== 'monitor';
  let condition: Json = null;
  let lastId = '00000000-0000-0000-0000-000000000000';
  if (kind === 'since' && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(args[0] ?? '')) {
    lastId = args[0];
    args = args.slice(1);
  }
  if (conditional && args.length < 2) throw new ClientFatal(`invalid syntax for '${kind === 'since' ? 'monitor-cond-since' : 'monitor-cond'}' (use --help for help)`);
  if (conditional) {
    condition = parseTransaction(args[0]);
    args = args.slice(1);
  }
  const specs = parseMonitorSpecs(schema, db, args, kind === 'monitor' ? `${client.server}: ` : '');
  const requests: JsonObject = {};
  for (const spec of specs) {
    const request: JsonObject = { select: spec.select };
    if (spec.columns) request.columns = spec.columns;
    if (conditional) request.where = condition;
    requests[spec.table] = request;
  }
  const printer = new TablePrinter(options.style);
  const method = { monitor: 'monitor', cond: 'monitor_cond', since: 'monitor_cond_since' }[kind];
  const notification = { monitor: 'update', cond: 'update2', since: 'update3' }[kind];
  client.connection.on('message', (message: JsonrpcMessage) => {
    if (message.type !== 'notify' || message.method !== notification) return;
    const updates = message.params[kind === 'since' ? 2 : 1];
    const idLine = kind === 'since' ? `last_id: ${String(message.params[1])}` : undefined;
    if (isJsonObject(updates as Json)) printUpdate(schema, specs, updates as JsonObject, false, printer, options, out, conditional, idLine);
  });
  let reply: JsonValue;
  const params: JsonValue[] = [db, null, requests as JsonValue];
  if (kind === 'since') params.push(lastId);
  try {
    reply = await client.request(method, params);
  } catch (error) {
    if (error instanceof JsonrpcRemoteError) throw new ClientFatal(`${method}: ${jsonToString(error.error as Json)}`);
    throw error;
  }
  let initial = reply as Json;
  let idLine: string | undefined;
  if (kind === 'since' && Array.isArray(reply)) {
    idLine = `found: ${String(reply[0])}, last_id: ${String(reply[1])}`;
    initial = reply[2] as Json;
  }
  if (isJsonObject(initial)) {
    printUpdate(schema, specs, initial, true, printer, options, out, conditional, idLine);
  } else if (idLine !== undefined) {
    out(`${idLine}\n`);
  }
  return 'forever';
}

async function lockCommand(client: Client, method: string, name: string, out: (text: string) => void): Promise<'forever'> {
  client.connection.on('message', (message: JsonrpcMessage) => {
    if (message.type === 'notify' && (message.method === 'locked' || message.method === 'stolen')) {
      out(`${message.method}\n${jsonToString(message.params as Json)}\n`);
    }
  });
  let result: JsonValue;
  try {
    result = await client.request(method, [name]);
  } catch (error) {
    if (error instanceof JsonrpcRemoteError) throw new ClientFatal(`${method}: ${jsonToString(error.error as Json)}`);
    throw error;
  }
  if (method !== 'unlock') out(`${jsonToString(result as Json)}\n`);
  return 'forever';
}

const COMMANDS: readonly Command[] = [
  {
    name: 'list-dbs', needsDb: false, minArgs: 0, maxArgs: 0,
    async run(client, _db, _args, _options, out) {
      for (const name of await client.listDbs()) out(`${name}\n`);
    },
  },
  {
    name: 'get-schema', needsDb: true, minArgs: 0, maxArgs: 0,
    async run(client, db, _args, options, out) {
      out(`${jsonText(await client.getSchema(db), options.style.pretty)}\n`);
    },
  },
  {
    name: 'get-schema-version', needsDb: true, minArgs: 0, maxArgs: 0,
    async run(client, db, _args, _options, out) {
      const version = (await client.getSchema(db)).version;
      out(`${typeof version === 'string' ? version : ''}\n`);
    },
  },
  {
    name: 'get-schema-cksum', needsDb: true, minArgs: 0, maxArgs: 0,
    async run(client, db, _args, _options, out) {
      const cksum = (await client.getSchema(db)).cksum;
      out(`${typeof cksum === 'string' ? cksum : ''}\n`);
    },
  },
  {
    name: 'list-tables', needsDb: true, minArgs: 0, maxArgs: 0,
    async run(client, db, _args, options, out) {
      const schema = await client.getSchema(db);
      const rows = tableNames(schema).map((name): Cell[] => [{ kind: 'text', text: name }]);
      out(new TablePrinter(options.style).print({ headings: ['Table'], rows }));
    },
  },
  {
    name: 'list-columns', needsDb: true, minArgs: 0, maxArgs: 1,
    async run(client, db, args, options, out) {
      const schema = await client.getSchema(db);
      const only = args[0];
      const rows: Cell[][] = [];
      for (const table of tableNames(schema)) {
        if (only !== undefined && table !== only) continue;
        for (const column of columnNames(schema, table)) {
          const cells: Cell[] = [
            { kind: 'text', text: column }, { kind: 'json', json: columnTypeJson(schema, table, column) },
          ];
          rows.push(only === undefined ? [{ kind: 'text', text: table }, ...cells] : cells);
        }
      }
      const headings = only === undefined ? ['Table', 'Column', 'Type'] : ['Column', 'Type'];
      out(new TablePrinter(options.style).print({ headings, rows }));
    },
  },
  {
    name: 'transact', needsDb: false, minArgs: 1, maxArgs: 1,
    run: (client, _db, args, _options, out) => transact(client, args[0], false, out),
  },
  {
    name: 'query', needsDb: false, minArgs: 1, maxArgs: 1,
    run: (client, _db, args, _options, out) => transact(client, args[0], true, out),
  },
  { name: 'dump', needsDb: true, minArgs: 0, maxArgs: Infinity, run: dump },
  {
    name: 'monitor', needsDb: true, minArgs: 1, maxArgs: Infinity,
    run: (client, db, args, options, out) => monitor(client, db, args, options, out, 'monitor'),
  },
  {
    name: 'monitor-cond', needsDb: true, minArgs: 2, maxArgs: 3,
    run: (client, db, args, options, out) => monitor(client, db, args, options, out, 'cond'),
  },
  {
    name: 'monitor-cond-since', needsDb: true, minArgs: 2, maxArgs: 4,
    run: (client, db, args, options, out) => monitor(client, db, args, options, out, 'since'),
  },
  {
    name: 'needs-conversion', needsDb: false, minArgs: 1, maxArgs: 1,
    async run(client, _db, args, _options, out) {
      const schema = readClientSchema(args[0]);
      const current = parseSchema(await client.getSchema(schema.name));
      out(jsonToString(schemaToJson(current)) === jsonToString(schemaToJson(schema)) ? 'no\n' : 'yes\n');
    },
  },
  {
    name: 'convert', needsDb: false, minArgs: 1, maxArgs: 1,
    async run(client, _db, args) {
      const schema = readClientSchema(args[0]);
      try {
        await client.request('convert', [schema.name, schemaToJson(schema) as JsonValue]);
      } catch (error) {
        if (error instanceof JsonrpcRemoteError) throw new ClientFatal(`convert: server returned error ${jsonToString(error.error as Json)}`);
        throw error;
      }
    },
  },
  ...['lock', 'steal', 'unlock'].map((method): Command => ({
    name: method, needsDb: false, minArgs: 1, maxArgs: 1,
    run: (client, _db, args, _options, out) => lockCommand(client, method, args[0], out),
  })),
];

// -- main -------------------------------------------------------------------------

function usage(): string {
  return `${PROGRAM}: Open vSwitch database JSON-RPC client (ovs-ts)
usage: ${PROGRAM} [OPTIONS] COMMAND [ARG...]

Valid commands are:
  list-dbs [SERVER]
  get-schema [SERVER] [DATABASE]
  get-schema-version [SERVER] [DATABASE]
  get-schema-cksum [SERVER] [DATABASE]
  list-tables [SERVER] [DATABASE]
  list-columns [SERVER] [DATABASE] [TABLE]
  transact [SERVER] TRANSACTION
  query [SERVER] TRANSACTION
  monitor [SERVER] [DATABASE] TABLE [COLUMN,...]...
  monitor [SERVER] [DATABASE] ALL
  monitor-cond [SERVER] [DATABASE] CONDITION TABLE [COLUMN,...]...
  monitor-cond-since [SERVER] [DATABASE] [LASTID] CONDITION TABLE [COLUMN,...]...
  dump [SERVER] [DATABASE] [TABLE [COLUMN]...]
  convert [SERVER] SCHEMA
  needs-conversion [SERVER] SCHEMA
  lock [SERVER] LOCK
  steal [SERVER] LOCK
  unlock [SERVER] LOCK

The default SERVER is unix:${join(ovsRundir(), 'db.sock')}.
The default DATABASE is ${DEFAULT_DATABASE}.

Output formatting options:
  -f, --format=FORMAT         set output formatting to FORMAT
                              ("table", "list", "html", "csv", or "json")
  -d, --data=FORMAT           set table cell output formatting to
                              FORMAT ("string", "bare", or "json")
  --no-headings               omit table heading row
  --pretty                    pretty-print JSON in output
  --bare                      equivalent to "--format=list --data=bare --no-headings"
  --timestamp                 timestamp "monitor" output
  -h, --help                  display this help message
  -V, --version               display version information
`;
}

function parseOptions(args: string[]): { options: Options; operands: string[] } | number {
  const style: TableStyle = { format: 'table', cellFormat: 'string', headings: true, pretty: false };
  let timestamp = false;
  const parsed = parseCommandLine(args, {
    longOptions: [
      { name: 'format', argument: 'required' }, { name: 'data', argument: 'required' },
      { name: 'no-headings', argument: 'none' }, { name: 'pretty', argument: 'none' },
      { name: 'bare', argument: 'none' }, { name: 'timestamp', argument: 'none' },
      { name: 'timeout', argument: 'required' }, { name: 'force', argument: 'none' },
      { name: 'help', argument: 'none' }, { name: 'version', argument: 'none' },
      { name: 'verbose', argument: 'optional' }, { name: 'log-file', argument: 'optional' },
      { name: 'syslog-method', argument: 'required' }, { name: 'syslog-target', argument: 'required' },
      { name: 'no-chdir', argument: 'none' },
    ],
    shortOptions: 'f:d:t:hVv::',
    shortKeys: { f: 'format', d: 'data', t: 'timeout', h: 'help', V: 'version', v: 'verbose' },
  });
  for (const option of parsed.options) {
    switch (option.key) {
      case 'format': {
        const format = option.value as string;
        if (!['table', 'list', 'html', 'csv', 'json'].includes(format)) throw new ClientFatal(`unknown output format "${format}"`);
        style.format = format as TableFormat;
        break;
      }
      case 'data': {
        const data = option.value as string;
        if (!['string', 'bare', 'json'].includes(data)) throw new ClientFatal(`unknown cell format "${data}"`);
        style.cellFormat = data as CellFormat;
        break;
      }
      case 'no-headings': style.headings = false; break;
      case 'pretty': style.pretty = true; break;
      case 'bare':
        style.format = 'list';
        style.cellFormat = 'bare';
        style.headings = false;
        break;
      case 'timestamp': timestamp = true; break;
      case 'help':
        process.stdout.write(usage());
        return 0;
      case 'version':
        process.stdout.write(`${versionText(PROGRAM)}\n`);
        return 0;
      default:
        // TODO(#4): --timeout and the logging options are accepted and ignored.
        break;
    }
  }
  return { options: { style, timestamp }, operands: parsed.operands };
}

function isActiveStreamName(text: string): boolean {
  return /^(unix|tcp|ssl|punix|ptcp|pssl):/.test(text);
}

export async function run(args: string[]): Promise<number> {
  const out = (text: string): void => {
    process.stdout.write(text);
  };
  let client: Client | undefined;
  try {
    let parsed: ReturnType<typeof parseOptions>;
    try {
      parsed = parseOptions(args);
    } catch (error) {
      if (error instanceof CommandLineError) throw new ClientFatal(error.message);
      throw error;
    }
    if (typeof parsed === 'number') return parsed;
    const { options, operands } = parsed;
    const [name, ...rest] = operands;
    if (name === undefined) throw new ClientFatal('missing command name; use --help for help');
    const command = COMMANDS.find((candidate) => candidate.name === name);
    if (!command) throw new ClientFatal(`unknown command '${name}'; use --help for help`);
    // A first argument that names a server is one unless the command needs it for itself.
    const server = rest.length > command.minArgs && isActiveStreamName(rest[0]) ? rest.shift() as string : `unix:${join(ovsRundir(), 'db.sock')}`;
    client = await Client.open(server);
    let db = DEFAULT_DATABASE;
    if (command.needsDb && rest.length > 0) {
      const dbs = await client.listDbs();
      if (dbs.includes(rest[0])) db = rest.shift() as string;
    }
    if (rest.length < command.minArgs || rest.length > command.maxArgs) {
      throw new ClientFatal(`invalid syntax for '${name}' (use --help for help)`);
    }
    if (command.needsDb && !(await client.listDbs()).includes(db)) {
      throw new ClientFatal(`no database named ${db}`);
    }
    const status = await command.run(client, db, rest, options, out);
    if (status === 'forever') {
      const connection = client.connection;
      return await new Promise<number>((resolve) => {
        connection.once('close', () => resolve(0));
      });
    }
    return status ?? 0;
  } catch (error) {
    if (error instanceof ClientFatal || error instanceof OvsdbError) {
      process.stderr.write(`${PROGRAM}: ${error.message}\n`);
      return 1;
    }
    throw error;
  } finally {
    client?.close();
  }
}
