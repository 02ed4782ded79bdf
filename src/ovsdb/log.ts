// The OVSDB log record framing described in ovsdb(5): each record is a header
// line "OVSDB JSON <length> <sha1>\n" and a body of exactly <length> bytes (a
// JSON object and its LF) whose SHA-1 is <sha1>. storage.ts builds standalone
// database files out of these; this file only frames and checks bytes.
//
// A crash while appending leaves a prefix of the last record (or, on some
// filesystems, a right-sized record full of zeros). readLog() therefore tells
// a damaged tail, which is dropped with a warning, from damage followed by a
// good record, which means the file was corrupted and is an error.

import { createHash } from 'node:crypto';
import { OvsdbError } from './error.js';
import { isJsonObject, jsonToString, type Json, type JsonObject } from './json.js';

/** The magic word of standalone database files (clustered ones use CLUSTER). */
export const LOG_MAGIC = 'JSON';

/** One good record read back. */
export interface LogRecord {
  /** Byte offset of the record's header line in the file. */
  readonly offset: number;
  /** Offset just past the record's body. */
  readonly end: number;
  readonly json: JsonObject;
}

export interface ReadLogResult {
  readonly records: LogRecord[];
  /** Size of the file up to the end of the last good record: where appends go. */
  readonly goodSize: number;
  /** Why the bytes past goodSize were ignored (a torn last record); undefined if none. */
  readonly warning: string | undefined;
}

function sha1Hex(bytes: Uint8Array): string {
  return createHash('sha1').update(bytes).digest('hex');
}

/** The bytes of one record holding `json` (LFs in strings are escaped by JSON itself). */
export function encodeRecord(json: Json): Buffer {
  const body = Buffer.from(`${jsonToString(json)}\n`, 'utf8');
  return Buffer.concat([Buffer.from(`OVSDB ${LOG_MAGIC} ${body.length} ${sha1Hex(body)}\n`, 'latin1'), body]);
}

type Parsed =
  | { readonly ok: true; readonly record: LogRecord }
  | { readonly ok: false; readonly problem: string };

const LF = 0x0a;

/** Parses the record at `offset`; `name` names the file in problems (worded like ovsdb-tool's). */
function parseRecordAt(bytes: Uint8Array, offset: number, name: string): Parsed {
  const newline = bytes.indexOf(LF, offset);
  if (newline < 0) {
    return { ok: false, problem: `${name}: ${bytes.length - offset} bytes at offset ${offset} are an incomplete header line` };
  }
  const header = Buffer.from(bytes.subarray(offset, newline)).toString('latin1');
  const match = /^OVSDB ([A-Z]+) ([0-9]{1,15}) ([0-9a-f]{40})$/.exec(header);
  if (!match || match[1] !== LOG_MAGIC || Number(match[2]) === 0) {
    const shown = header.length > 80 ? `${header.slice(0, 80)}...` : header;
    return { ok: false, problem: `${name}: parse error at offset ${offset} in header line ${JSON.stringify(shown)}` };
  }
  const length = Number(match[2]);
  const start = newline + 1;
  const end = start + length;
  if (end > bytes.length) {
    return { ok: false, problem: `${name}: error reading ${length} bytes starting at offset ${start} (End of file)` };
  }
  const body = bytes.subarray(start, end);
  const actual = sha1Hex(body);
  if (actual !== match[3]) {
    return { ok: false, problem: `${name}: ${length} bytes starting at offset ${start} have SHA-1 hash ${actual} but should have hash ${match[3]}` };
  }
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(body).toString('utf8'));
  } catch (error) {
    return { ok: false, problem: `${name}: ${length} bytes starting at offset ${start} are not valid JSON (${(error as Error).message})` };
  }
  if (!isJsonObject(json)) {
    return { ok: false, problem: `${name}: ${length} bytes starting at offset ${start} are not a JSON object` };
  }
  return { ok: true, record: { offset, end, json: json as JsonObject } };
}

/** True if a good record starts at a line start somewhere after `from`. */
function goodRecordFollows(bytes: Uint8Array, from: number, name: string): boolean {
  const magic = Buffer.from(`OVSDB ${LOG_MAGIC} `, 'latin1');
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let at = view.indexOf(magic, from + 1); at >= 0; at = view.indexOf(magic, at + 1)) {
    if (view[at - 1] === LF && parseRecordAt(bytes, at, name).ok) return true;
  }
  return false;
}

/**
 * Splits a whole file into records. A damaged record with no good record
 * after it is a torn tail: reading stops there and `warning` says why.
 * Damage followed by a good record throws OvsdbError("syntax error") naming
 * the file and offset. `name` is how messages name the file.
 */
export function readLog(bytes: Uint8Array, name: string): ReadLogResult {
  const records: LogRecord[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    const parsed = parseRecordAt(bytes, offset, name);
    if (parsed.ok) {
      records.push(parsed.record);
      offset = parsed.record.end;
      continue;
    }
    if (goodRecordFollows(bytes, offset, name)) {
      throw new OvsdbError('syntax error', `${parsed.problem}, and good records follow: the file is corrupted`);
    }
    return { records, goodSize: offset, warning: parsed.problem };
  }
  return { records, goodSize: offset, warning: undefined };
}
