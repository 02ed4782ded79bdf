// Derives the Open_vSwitch schema from ovs-vswitchd.conf.db(5): each column's
// type is read from the "column: type" lines of the man page's Details (e.g.
// "set of up to 4,096 integers, in range 0 to 4,095"). Facts the man page does
// not state (root tables, maxRows, ephemeral columns, extra indexes, the
// schema version, and the type of columns documented only key by key) are
// listed below. `node dist/test/support/vswitch-manpage.js --print` prints the schema
// that schemas/vswitch.ovsschema holds; test/interop/ovsdb-vswitch-schema.test.ts
// checks both against the man page and Debian's vswitch.ovsschema.

import { execFileSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import type { Json, JsonObject } from '../../src/ovsdb/json.js';

/** The schema version the man page of Open vSwitch 3.1 describes ("DB Schema 8.3.1"). */
const VERSION_FROM_MANPAGE = /DB Schema (\d+\.\d+\.\d+)/;

/** Tables kept even when nothing refers to them (the "root set" the man page mentions). */
const ROOT_TABLES = ['Open_vSwitch', 'QoS', 'Queue', 'Flow_Sample_Collector_Set'];
/** Tables that hold at most this many rows. */
const MAX_ROWS: Record<string, number> = { Open_vSwitch: 1, SSL: 1 };
/** Status columns that ovs-vswitchd rewrites often and that need not survive a restart. */
const EPHEMERAL: Record<string, string[]> = {
  Open_vSwitch: ['statistics'],
  Bridge: ['datapath_id', 'status', 'rstp_status'],
  Port: ['status', 'rstp_status', 'rstp_statistics', 'statistics'],
  Interface: [
    'ifindex', 'mac_in_use', 'mtu', 'admin_state', 'link_state', 'link_resets', 'link_speed', 'duplex',
    'lacp_current', 'status', 'statistics', 'bfd_status', 'cfm_fault', 'cfm_fault_status',
    'cfm_remote_opstate', 'cfm_health', 'cfm_remote_mpids',
  ],
  Mirror: ['statistics'],
  Controller: ['is_connected', 'role', 'status'],
  Manager: ['is_connected', 'status'],
};
/** Indexes over several columns, in addition to the "(must be unique within table)" ones. */
const EXTRA_INDEXES: Record<string, string[][]> = {
  Flow_Sample_Collector_Set: [['id', 'bridge']],
};

/** Runs man(1) and returns the page as plain text, or null when it is not installed. */
export function readVswitchManpage(): string | null {
  try {
    return execFileSync('man', ['ovs-vswitchd.conf.db'], {
      encoding: 'utf8', env: { ...process.env, MANWIDTH: '400', MAN_KEEP_FORMATTING: '' }, stdio: ['ignore', 'pipe', 'ignore'],
    }).replace(new RegExp(`.${String.fromCharCode(8)}`, 'g'), '');
  } catch {
    return null;
  }
}

function number(text: string): number {
  return Number(text.replace(/,/g, ''));
}

/** Splits "a, b, or c" / "a or b" into words. */
function words(text: string): string[] {
  return text.replace(/,? or /, ', ').split(/,\s*/).map((word) => word.trim()).filter(Boolean);
}

/** A base type from a noun ("integers", "Port", "weak reference to Ports") and its constraint text. */
function baseType(noun: string, constraint: string | undefined, tables: ReadonlySet<string>): Json {
  let weak = false;
  let name = noun.trim();
  const weakMatch = /^weak reference to (\w+)$/.exec(name);
  if (weakMatch) {
    weak = true;
    name = weakMatch[1];
  }
  const singular = tables.has(name) ? name : name.replace(/s$/, '');
  const base: JsonObject = {};
  if (tables.has(singular)) {
    base.type = 'uuid';
    base.refTable = singular;
    if (weak) base.refType = 'weak';
  } else if (['integer', 'real', 'boolean', 'string', 'uuid'].includes(singular)) {
    base.type = singular;
  } else {
    throw new Error(`unknown type noun "${noun}"`);
  }
  if (constraint !== undefined) {
    let match: RegExpExecArray | null;
    const [minKey, maxKey] = base.type === 'real' ? ['minReal', 'maxReal'] : ['minInteger', 'maxInteger'];
    if ((match = /^in range (-?[\d,]+) to (-?[\d,]+)$/.exec(constraint))) {
      base[minKey] = number(match[1]);
      base[maxKey] = number(match[2]);
    } else if ((match = /^at least (-?[\d,]+)$/.exec(constraint))) {
      base[minKey] = number(match[1]);
    } else if ((match = /^at most (-?[\d,]+)$/.exec(constraint))) {
      base[maxKey] = number(match[1]);
    } else if ((match = /^(?:either|one of) (.*)$/.exec(constraint))) {
      const values = words(match[1]);
      base.enum = values.length === 1 ? values[0] : ['set', values];
    } else {
      throw new Error(`unknown constraint "${constraint}"`);
    }
  }
  return Object.keys(base).length === 1 ? base.type as string : base;
}

/** Parses one Details type, e.g. "optional string, either down or up". */
export function parseManpageType(text: string, tables: ReadonlySet<string>): { type: Json; mutable: boolean; unique: boolean } {
  let rest = text.replace(/\s+/g, ' ').trim();
  const unique = rest.endsWith(' (must be unique within table)');
  rest = rest.replace(/ \(must be unique within table\)$/, '');
  const mutable = !rest.startsWith('immutable ');
  rest = rest.replace(/^immutable /, '');
  let match: RegExpExecArray | null;
  if ((match = /^map of (\w+)-(\w+) pairs(?:, key (.*?))?(?:, value (.*))?$/.exec(rest))) {
    return {
      type: { key: baseType(match[1], match[3], tables), value: baseType(match[2], match[4], tables), min: 0, max: 'unlimited' },
      mutable, unique,
    };
  }
  let min = 1;
  let max: number | string = 1;
  if ((match = /^optional (.*)$/.exec(rest))) {
    min = 0;
    rest = match[1];
  } else if ((match = /^set of (?:up to ([\d,]+) |([\d,]+) or more )?(.*)$/.exec(rest))) {
    min = match[2] !== undefined ? number(match[2]) : 0;
    max = match[1] !== undefined ? number(match[1]) : 'unlimited';
    rest = match[3];
  }
  const comma = rest.indexOf(', ');
  const noun = comma < 0 ? rest : rest.slice(0, comma);
  const constraint = comma < 0 ? undefined : rest.slice(comma + 2);
  const key = baseType(noun, constraint, tables);
  const type: Json = min === 1 && max === 1 && typeof key === 'string' ? key : { key, ...(min !== 1 ? { min } : {}), ...(max !== 1 ? { max } : {}) };
  return { type, mutable, unique };
}

/** The Open_vSwitch schema as JSON, derived from the man page text. */
export function schemaFromManpage(page: string): JsonObject {
  const lines = page.split('\n');
  const tableNames = lines.map((line) => /^([A-Za-z_]+) TABLE$/.exec(line)?.[1]).filter((name): name is string => !!name);
  const tableSet = new Set(tableNames);
  const tables: JsonObject = {};
  let current: JsonObject | undefined;
  let currentName = '';
  const keyOnlyColumns = new Map<string, Set<string>>();
  for (const line of lines) {
    const heading = /^([A-Za-z_]+) TABLE$/.exec(line);
    if (heading) {
      currentName = heading[1];
      current = { columns: {} };
      tables[currentName] = current;
      continue;
    }
    if (!current) continue;
    const columns = current.columns as JsonObject;
    // "       name: type" documents a column; "       name : key: type" documents one key of a map column.
    const column = /^ {7}([a-z_0-9]+): (.*)$/.exec(line);
    const keyOnly = /^ {7}([a-z_0-9]+) : [^:]+: (.*)$/.exec(line);
    if (column) {
      const parsed = parseManpageType(column[2], tableSet);
      const json: JsonObject = { type: parsed.type };
      if (!parsed.mutable) json.mutable = false;
      columns[column[1]] = json;
      if (parsed.unique) current.indexes = [...((current.indexes as Json[] | undefined) ?? []), [column[1]]];
    } else if (keyOnly && !(keyOnly[1] in columns && !keyOnlyColumns.has(`${currentName}.${keyOnly[1]}`))) {
      // A column described only key by key: a set of strings when the keys
      // carry no value ("none"), a map to integers when every key is an
      // integer, else a map of strings.
      const id = `${currentName}.${keyOnly[1]}`;
      const kinds = keyOnlyColumns.get(id) ?? new Set<string>();
      kinds.add(keyOnly[2] === 'none' ? 'none' : keyOnly[2] === 'optional integer' ? 'integer' : 'string');
      keyOnlyColumns.set(id, kinds);
      const value = kinds.has('string') ? 'string' : kinds.has('integer') ? 'integer' : undefined;
      columns[keyOnly[1]] = { type: value ? { key: 'string', value, min: 0, max: 'unlimited' } : { key: 'string', min: 0, max: 'unlimited' } };
    }
  }
  for (const [name, table] of Object.entries(tables) as [string, JsonObject][]) {
    for (const column of EPHEMERAL[name] ?? []) ((table.columns as JsonObject)[column] as JsonObject).ephemeral = true;
    if (EXTRA_INDEXES[name]) table.indexes = [...((table.indexes as Json[] | undefined) ?? []), ...EXTRA_INDEXES[name]];
    if (ROOT_TABLES.includes(name)) table.isRoot = true;
    else table.isRoot = false;
    if (MAX_ROWS[name] !== undefined) table.maxRows = MAX_ROWS[name];
  }
  const version = VERSION_FROM_MANPAGE.exec(page)?.[1];
  if (version === undefined) throw new Error('the man page names no schema version');
  return { name: 'Open_vSwitch', version, tables };
}

/**
 * The schema's text with a "cksum" member, computed as Open vSwitch's build
 * does: POSIX cksum(1) of the text without the cksum line.
 */
export function withCksum(schema: JsonObject): string {
  const { name, version, tables } = schema;
  const text = `${JSON.stringify({ name, version, tables }, null, 2)}\n`;
  const [crc, length] = execFileSync('cksum', { input: text, encoding: 'utf8' }).trim().split(/\s+/);
  return text.replace(/^( *"version": .*\n)/m, `$1  "cksum": "${crc} ${length}",\n`);
}

// Only with --print: `node --test dist/` also loads this file, as a test.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href && process.argv[2] === '--print') {
  const page = readVswitchManpage();
  if (page === null) {
    process.stderr.write('ovs-vswitchd.conf.db(5) is not installed (apt-get install openvswitch-common)\n');
    process.exit(1);
  }
  process.stdout.write(withCksum(schemaFromManpage(page)));
}
