// `ovsdb-tool show-log`: one paragraph per record of a standalone database
// file. With -m, the rows each transaction touched (named after their "name"
// column when they have one, else by the first 8 digits of their UUID); with
// -mm, also the column values the record holds (a difference, for "_is_diff"
// records, exactly as stored). Reads the records only, without replaying
// them, so it also shows files whose transactions would not replay. Tables,
// rows and columns come in the order the real ovsdb-tool's hash tables give.

import { parseDatum } from '../data.js';
import { OvsdbError } from '../error.js';
import { isJsonObject, jsonToString, type Json, type JsonObject } from '../json.js';
import type { LogRecord } from '../log.js';
import { parseSchema, type DatabaseSchema } from '../schema.js';
import { shashOrder } from '../client/shash-order.js';
import { datumToOvsText, formatLogDate } from './text.js';

/** An object's members in the order Open vSwitch's JSON parser iterates them (see shash-order.ts). */
function members(object: JsonObject): [string, Json][] {
  return shashOrder(Object.keys(object)).map((name) => [name, object[name]]);
}

function schemaLine(json: JsonObject): string {
  const text = (value: Json | undefined): string => (typeof value === 'string' ? value : '');
  return ` "${text(json.name)}" schema, version="${text(json.version)}", cksum="${text(json.cksum)}"`;
}

function columnLine(name: string, value: Json, schema: DatabaseSchema | null, table: string): string {
  const type = schema?.tables.get(table)?.columns.get(name)?.type;
  if (type) {
    try {
      // Differences may hold more (or fewer) elements than the column.
      const datum = parseDatum(value, { ...type, min: 0, max: Infinity });
      return `    ${name}=${datumToOvsText(datum, type)}`;
    } catch (error) {
      if (!(error instanceof OvsdbError)) throw error;
    }
  }
  return `    ${name}=${jsonToString(value)}`;
}

/** The rows a transaction record changes, as `-m` (verbosity 1) or `-mm` (2) show them. */
function changeLines(record: JsonObject, schema: DatabaseSchema | null, names: Map<string, string>, verbosity: number): string[] {
  const lines: string[] = [];
  const isDiff = record._is_diff === true;
  for (const [table, rows] of members(record)) {
    if (table.startsWith('_') || !isJsonObject(rows)) continue;
    for (const [uuid, row] of members(rows)) {
      const oldName = names.get(uuid);
      const nameJson = isJsonObject(row) ? row.name : undefined;
      const newName = nameJson === undefined ? undefined : jsonToString(nameJson);
      const short = uuid.slice(0, 8);
      if (oldName === undefined) {
        lines.push(`  table ${table} insert row ${newName === undefined ? short : `${newName} (${short})`}:`);
      } else {
        lines.push(`  table ${table} row ${oldName} (${short})${isDiff ? ' diff' : ''}:`);
      }
      if (newName !== undefined || oldName === undefined) names.set(uuid, newName ?? short);
      if (row === null) {
        lines.push('    delete row');
      } else if (verbosity >= 2 && isJsonObject(row)) {
        for (const [column, value] of members(row)) {
          if (!column.startsWith('_')) lines.push(columnLine(column, value, schema, table));
        }
      }
    }
  }
  return lines;
}

/** The whole show-log output for `records` of one file. */
export function showLog(records: readonly LogRecord[], verbosity: number): string {
  let schema: DatabaseSchema | null = null;
  const names = new Map<string, string>();
  const out: string[] = [];
  records.forEach((record, i) => {
    const json = record.json;
    let header = `record ${i}:`;
    if (i === 0) {
      header += schemaLine(json);
      try {
        schema = parseSchema(json);
      } catch (error) {
        if (!(error instanceof OvsdbError)) throw error;
      }
      out.push(header, '');
      return;
    }
    if (typeof json._date === 'number') header += ` ${formatLogDate(json._date)}`;
    if (typeof json._comment === 'string') header += ` "${json._comment}"`;
    out.push(header);
    if (verbosity > 0) out.push(...changeLines(json, schema, names, verbosity), '');
  });
  return out.map((line) => `${line}\n`).join('');
}
