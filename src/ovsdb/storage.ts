// Standalone OVSDB database files (ovsdb(5)), as `ovsdb-tool create` and
// ovsdb-server write them: a schema record, then one record per committed
// transaction, in log.ts's framing. Opening replays the records into a
// Database through applyRecord(); DatabaseFile.append() writes a commit as
// one record and resolves only after fdatasync, so a reply sent after it
// describes data on disk: every commit is synced, whether or not it asked for
// "durable" (appends that queue up meanwhile share one write and one sync).
// Called by the database server (to come, issue #4) and by tests.
//
// What a transaction record holds, as Open vSwitch 3.1 writes it: per table,
// row UUID -> null (deleted) or the row's columns. New rows list the columns
// that are not at their default, with full values. Modified rows list the
// changed columns; with "_is_diff": true, a column that can hold more than one
// element is written as the difference (for a set, the elements added or
// removed; for a map, pairs added or whose value changed with the new value
// and pairs removed with the old value), a single-valued column as its new
// value. Ephemeral columns are never written. A commit that changes only
// ephemeral columns writes nothing. Also "_date" (ms since the epoch) and
// "_comment" when not empty.
//
// Open vSwitch 3.1 cannot read back a difference holding more elements than
// the column's maximum ("set must have 0 to 3 members but 4 are present"):
// such a commit is written here without "_is_diff", with full new values,
// which every version reads.
//
// Compaction rewrites the file as the schema plus one record with every row,
// into PATH.tmp, fsynced, renamed over PATH, and the directory fsynced. It
// runs on request and, online, once both hold:
//   - at least `compactMinRecords` (100) records were appended since the last
//     compaction (or since the file was opened), and
//   - the file is larger than `compactMinSize` (1 MiB) and than
//     `compactGrowthFactor` (4) times its size after the last compaction, so a
//     big database is not rewritten for a small amount of new log.
//
// Replay follows Open vSwitch: values must fit their columns, and the
// commit-time checks run (orphaned non-root rows are collected, dangling weak
// references removed). Where Open vSwitch silently drops a record that fails
// them, and every record after it, this is an error naming the file and
// offset. Damage to the last record (a crash during a write) is dropped with a
// warning, and the file is truncated back before the next write.
//
// A failed write (ENOSPC, EIO) leaves the database ahead of the file: that
// append and every later one reject with OvsdbError("I/O error"), and what
// was acknowledged stays readable. TODO(#4): recover by compacting once the
// disk has room again, instead of failing until the file is reopened.
//
// TODO(#4): no lock file (".NAME.~lock~"): Node has no fcntl() locks, so
// nothing stops ovsdb-tool and us from writing the same file at once.

import { open, readFile, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { errnoFromName, ovsStrerror } from '../lib/errno.js';
import { OVS_TS_VERSION } from '../lib/version.js';
import { VlogRateLimit, vlogModule } from '../lib/vlog.js';
import {
  compareAtoms, datumsEqual, datumToJson, defaultDatum, findKey, isUuid, makeDatum, parseDatum, type Atom, type Datum,
} from './data.js';
import { Database, type CommitRecord, type Row } from './database.js';
import { OvsdbError } from './error.js';
import { isJsonObject, type Json, type JsonObject } from './json.js';
import { encodeRecord, readLog, type LogRecord } from './log.js';
import { parseSchema, schemaToJson, UNLIMITED_TEXT, type ColumnSchema, type ColumnType, type DatabaseSchema, type TableSchema } from './schema.js';

const log = vlogModule('ovsdb_storage');
const tornRateLimit = new VlogRateLimit(5, 5);

export interface CompactionOptions {
  /** Records appended since the last compaction before an online one (default 100). */
  compactMinRecords?: number;
  /** Smallest file size, in bytes, that is compacted online (default 1 MiB). */
  compactMinSize?: number;
  /** Compact online only once the file is this many times its size after the last compaction (default 4). */
  compactGrowthFactor?: number;
}

export interface OpenOptions extends CompactionOptions {
  /** Never write: no truncation of a torn tail, append() and compact() throw. */
  readOnly?: boolean;
}

// ---------------------------------------------------------------------------
// Record contents

/** The stored difference from `before` to `after`: symmetric difference of sets, or the map difference described above. */
export function datumDiff(before: Datum, after: Datum): Datum {
  const keys: Atom[] = [];
  const values: Atom[] = [];
  const isMap = after.values !== undefined;
  for (let i = 0; i < after.keys.length; i++) {
    const j = findKey(before, after.keys[i]);
    if (j < 0 || (isMap && compareAtoms((before.values as Atom[])[j], (after.values as Atom[])[i]) !== 0)) {
      keys.push(after.keys[i]);
      if (isMap) values.push((after.values as Atom[])[i]);
    }
  }
  for (let j = 0; j < before.keys.length; j++) {
    if (findKey(after, before.keys[j]) < 0) {
      keys.push(before.keys[j]);
      if (isMap) values.push((before.values as Atom[])[j]);
    }
  }
  return makeDatum(keys, isMap ? values : undefined);
}

/** The inverse of datumDiff(): `before` with a stored difference applied. */
function applyDatumDiff(before: Datum, diff: Datum): Datum {
  const isMap = before.values !== undefined;
  const values = isMap ? [...(before.values as Atom[])] : undefined;
  const removed = new Set<number>();
  const addedKeys: Atom[] = [];
  const addedValues: Atom[] = [];
  for (let i = 0; i < diff.keys.length; i++) {
    const j = findKey(before, diff.keys[i]);
    const value = isMap ? (diff.values as Atom[])[i] : undefined;
    if (j < 0) {
      addedKeys.push(diff.keys[i]);
      if (isMap) addedValues.push(value as Atom);
    } else if (!values || compareAtoms(values[j], value as Atom) === 0) {
      removed.add(j);
    } else {
      values[j] = value as Atom;
    }
  }
  const keys = [...before.keys.filter((_, j) => !removed.has(j)), ...addedKeys];
  return makeDatum(keys, values ? [...values.filter((_, j) => !removed.has(j)), ...addedValues] : undefined);
}

/** Whether a column is written as a difference in "_is_diff" records. */
function writtenAsDiff(type: ColumnType): boolean {
  return type.max > 1;
}

function storedColumns(table: TableSchema): ColumnSchema[] {
  return [...table.columns.values()].filter((column) => !column.ephemeral && !column.name.startsWith('_'));
}

/** A new row's stored form: the columns not at their default. */
function rowToStored(row: Row, table: TableSchema): JsonObject {
  const json: JsonObject = {};
  for (const column of storedColumns(table)) {
    const value = row.data.get(column.name) as Datum;
    if (!datumsEqual(value, defaultDatum(column.type))) json[column.name] = datumToJson(value, column.type);
  }
  return json;
}

/**
 * The record a commit is written as, or null when it changes nothing that is
 * stored. `dateMs` is the "_date" member.
 */
export function commitToRecord(commit: CommitRecord, schema: DatabaseSchema, dateMs = Date.now()): JsonObject | null {
  const build = (isDiff: boolean): JsonObject | null => {
    const record: JsonObject = {};
    for (const [name, changes] of commit.tables) {
      const table = schema.tables.get(name) as TableSchema;
      const rows: JsonObject = {};
      for (const change of changes) {
        if (!change.new) {
          rows[change.uuid] = null;
          continue;
        }
        if (!change.old) {
          rows[change.uuid] = rowToStored(change.new, table);
          continue;
        }
        const json: JsonObject = {};
        for (const column of storedColumns(table)) {
          const before = change.old.data.get(column.name) as Datum;
          const after = change.new.data.get(column.name) as Datum;
          if (before === after || datumsEqual(before, after)) continue;
          if (!isDiff || !writtenAsDiff(column.type)) {
            json[column.name] = datumToJson(after, column.type);
            continue;
          }
          const diff = datumDiff(before, after);
          if (diff.keys.length > column.type.max) return null;
          json[column.name] = datumToJson(diff, column.type);
        }
        if (Object.keys(json).length) rows[change.uuid] = json;
      }
      if (Object.keys(rows).length) record[name] = rows;
    }
    return record;
  };
  // build(true) is null only when a difference would not fit its column.
  const diffRecord = build(true);
  const record = diffRecord ?? build(false) as JsonObject;
  if (Object.keys(record).length === 0) return null;
  if (diffRecord) record._is_diff = true;
  record._date = dateMs;
  if (commit.comment) record._comment = commit.comment;
  return record;
}

/** The record compaction writes: every row of every table as a new row. */
export function snapshotRecord(db: Database, comment: string, dateMs = Date.now()): JsonObject {
  const record: JsonObject = {};
  for (const table of db.tables.values()) {
    if (table.rows.size === 0) continue;
    const rows: JsonObject = {};
    for (const row of table.rows.values()) rows[row.uuid] = rowToStored(row, table.schema);
    record[table.schema.name] = rows;
  }
  record._date = dateMs;
  record._comment = comment;
  return record;
}

/** Parses a stored value; a difference (relaxed) may hold any number of elements, the result is counted after. */
function parseStoredDatum(json: Json, type: ColumnType, relaxed: boolean): Datum {
  return parseDatum(json, relaxed ? { ...type, min: 0, max: Infinity } : type);
}

function checkCount(datum: Datum, type: ColumnType, column: string): void {
  const count = datum.keys.length;
  if (count < type.min || count > type.max) {
    const max = type.max === Infinity ? UNLIMITED_TEXT : String(type.max);
    throw new OvsdbError('syntax error', `column ${column}: ${type.value ? 'map' : 'set'} must have ${type.min} to ${max} members but ${count} are present`);
  }
}

/** Applies one transaction record to `db`; throws OvsdbError without changing it. */
export function applyStoredRecord(db: Database, json: JsonObject): CommitRecord {
  const isDiff = json._is_diff === true;
  const changes = new Map<string, Map<string, Map<string, Datum> | null>>();
  for (const [tableName, rowsJson] of Object.entries(json)) {
    if (tableName.startsWith('_')) continue;
    const table = db.tables.get(tableName);
    if (!table) throw new OvsdbError('unknown table', `No table named ${tableName}.`);
    if (!isJsonObject(rowsJson)) throw new OvsdbError('syntax error', `table ${tableName}: object expected`);
    const rows = new Map<string, Map<string, Datum> | null>();
    for (const [uuid, rowJson] of Object.entries(rowsJson)) {
      if (!isUuid(uuid)) throw new OvsdbError('syntax error', `table ${tableName}: "${uuid}" is not a valid UUID`);
      if (rowJson === null) {
        rows.set(uuid.toLowerCase(), null);
        continue;
      }
      if (!isJsonObject(rowJson)) throw new OvsdbError('syntax error', `table ${tableName} row ${uuid}: object or null expected`);
      const current = table.rows.get(uuid.toLowerCase());
      const values = new Map<string, Datum>();
      for (const [name, valueJson] of Object.entries(rowJson)) {
        if (name === '_uuid' || name === '_version') continue;
        const column = table.schema.columns.get(name);
        if (!column) throw new OvsdbError('unknown column', `No column ${name} in table ${tableName}.`);
        if (isDiff && current && writtenAsDiff(column.type)) {
          const value = applyDatumDiff(current.data.get(name) as Datum, parseStoredDatum(valueJson, column.type, true));
          checkCount(value, column.type, name);
          values.set(name, value);
        } else {
          values.set(name, parseStoredDatum(valueJson, column.type, false));
        }
      }
      rows.set(uuid.toLowerCase(), values);
    }
    changes.set(tableName, rows);
  }
  return db.applyRecord(changes);
}

// ---------------------------------------------------------------------------
// Files

async function fsyncDirectory(path: string): Promise<void> {
  const handle = await open(dirname(path), 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function ioError(path: string, what: string, error: unknown): OvsdbError {
  // strerror()'s text, as ovsdb-tool prints it ("open failed (No such file or directory)").
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const errno = code === undefined ? undefined : errnoFromName(code);
  const text = errno !== undefined ? ovsStrerror(errno) : error instanceof Error ? error.message : String(error);
  return new OvsdbError('I/O error', `${path}: ${what} failed (${text})`, { cause: error });
}

/** Writes `records` to a new file at `path` (mode 0660 less the umask), fsynced with its directory. */
async function writeNewFile(path: string, records: readonly Json[], exclusive: boolean): Promise<void> {
  let handle: FileHandle;
  try {
    handle = await open(path, exclusive ? 'wx' : 'w', 0o660);
  } catch (error) {
    throw ioError(path, 'create', error);
  }
  try {
    await handle.writeFile(Buffer.concat(records.map((json) => encodeRecord(json))));
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * What `ovsdb-tool create PATH SCHEMA` does: a new file holding only the
 * schema. Fails with OvsdbError("I/O error") if PATH exists.
 */
export async function createDatabaseFile(path: string, schema: DatabaseSchema): Promise<void> {
  await writeNewFile(path, [schemaToJson(schema)], true);
  await fsyncDirectory(path);
}

/** One queued write: a record's bytes (null: the commit stored nothing) and who waits for it. */
interface PendingRecord {
  readonly bytes: Buffer | null;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

/** An open standalone database file and the Database it holds. */
export class DatabaseFile {
  /** Why the tail of the file was ignored when it was opened (a torn last record), if it was. */
  readonly warning: string | undefined;
  /** Current size of the file in bytes (what has been written, not what is queued). */
  size: number;
  /** Records appended since the last compaction or since opening. */
  recordsSinceCompaction = 0;
  /** Size of the file just after the last compaction or at opening. */
  private baseSize: number;
  private handle: FileHandle | null;
  /** Bytes past this offset are a torn record still to be cut off before the first write. */
  private truncateTo: number | undefined;
  private readonly queue: PendingRecord[] = [];
  private compactRequests: { resolve: () => void; reject: (error: Error) => void }[] = [];
  private writing: Promise<void> | null = null;
  /** Set after a failed write: the file no longer matches the database, so nothing more is written. */
  private failure: OvsdbError | null = null;
  private readonly options: Required<CompactionOptions>;

  /** Use openDatabaseFile(). */
  constructor(
    readonly path: string, readonly db: Database, handle: FileHandle | null,
    init: { size: number; goodSize: number; baseSize: number; warning: string | undefined; options: OpenOptions },
  ) {
    this.handle = handle;
    this.size = init.goodSize;
    this.baseSize = init.baseSize;
    this.warning = init.warning;
    this.truncateTo = init.goodSize < init.size ? init.goodSize : undefined;
    this.options = {
      compactMinRecords: init.options.compactMinRecords ?? 100,
      compactMinSize: init.options.compactMinSize ?? 1024 * 1024,
      compactGrowthFactor: init.options.compactGrowthFactor ?? 4,
    };
  }

  /**
   * Writes `commit` (made by this.db.transact() or applied to this.db) as one
   * record. Must be called for each commit, in commit order, before the next
   * commit is made: compaction snapshots this.db and counts on it holding
   * exactly what was appended. Resolves once the record is on disk (after
   * fdatasync); appends resolve in order. Rejects with OvsdbError("I/O error").
   */
  append(commit: CommitRecord): Promise<void> {
    this.checkWritable();
    const record = commitToRecord(commit, this.db.schema);
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ bytes: record ? encodeRecord(record) : null, resolve, reject });
      this.kick();
    });
  }

  /** Rewrites the file as schema plus one snapshot record; resolves when that is durable. */
  compact(): Promise<void> {
    this.checkWritable();
    return new Promise<void>((resolve, reject) => {
      this.compactRequests.push({ resolve, reject });
      this.kick();
    });
  }

  /** Waits for queued writes and closes the file. */
  async close(): Promise<void> {
    while (this.writing) await this.writing;
    await this.handle?.close();
    this.handle = null;
  }

  private checkWritable(): void {
    if (!this.handle) throw new TypeError(`${this.path}: database file is closed or read-only`);
  }

  private kick(): void {
    if (this.writing) return;
    // Start on the next turn of the event loop, so that the commits of every
    // request that arrived together share the first write and sync.
    this.writing = new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.drain()).finally(() => {
      this.writing = null;
      if (this.queue.length || this.compactRequests.length) this.kick();
    });
  }

  private shouldCompact(): boolean {
    const { compactMinRecords, compactMinSize, compactGrowthFactor } = this.options;
    return this.recordsSinceCompaction >= compactMinRecords && this.size > compactMinSize &&
      this.size > compactGrowthFactor * this.baseSize;
  }

  /** Writes everything queued: records in one write and one fdatasync, then compaction if due. */
  private async drain(): Promise<void> {
    while (this.queue.length || this.compactRequests.length) {
      if (this.failure) {
        for (const item of this.queue.splice(0)) item.reject(this.failure);
        for (const request of this.compactRequests.splice(0)) request.reject(this.failure);
        return;
      }
      if (this.compactRequests.length || this.shouldCompact()) {
        await this.runCompaction();
        continue;
      }
      const batch = this.queue.splice(0);
      const bytes = Buffer.concat(batch.flatMap((item) => (item.bytes ? [item.bytes] : [])));
      try {
        const handle = this.handle as FileHandle;
        if (this.truncateTo !== undefined) {
          await handle.truncate(this.truncateTo);
          log.warn(`${this.path}: truncated the torn last record at offset ${this.truncateTo}`);
          this.truncateTo = undefined;
        }
        if (bytes.length) {
          let written = 0;
          while (written < bytes.length) {
            const { bytesWritten } = await handle.write(bytes, written, bytes.length - written, this.size + written);
            written += bytesWritten;
          }
          await handle.datasync();
          this.size += bytes.length;
          this.recordsSinceCompaction += batch.filter((item) => item.bytes).length;
        }
      } catch (error) {
        this.failure = ioError(this.path, 'write', error);
        for (const item of batch) item.reject(this.failure);
        continue;
      }
      for (const item of batch) item.resolve();
    }
  }

  /**
   * Snapshots the database now: it holds every commit appended so far,
   * including those still queued, which the snapshot therefore makes durable.
   */
  private async runCompaction(): Promise<void> {
    const requests = this.compactRequests.splice(0);
    const covered = this.queue.splice(0);
    const temporary = `${this.path}.tmp`;
    const records = [schemaToJson(this.db.schema), snapshotRecord(this.db, `compacted by ovs-ts ${OVS_TS_VERSION}`)];
    try {
      await writeNewFile(temporary, records, false);
      const { mode } = await stat(this.path);
      const newHandle = await open(temporary, 'r+');
      await newHandle.chmod(mode & 0o7777);
      await rename(temporary, this.path);
      await fsyncDirectory(this.path);
      await this.handle?.close();
      this.handle = newHandle;
      this.size = (await newHandle.stat()).size;
      this.baseSize = this.size;
      this.recordsSinceCompaction = 0;
      this.truncateTo = undefined;
      log.info(`${this.path}: compacted to ${this.size} bytes`);
    } catch (error) {
      await unlink(temporary).catch(() => undefined);
      // The old file is untouched and still matches everything before `covered`.
      const failure = ioError(this.path, 'compaction', error);
      for (const request of requests) request.reject(failure);
      this.queue.unshift(...covered);
      // Keep appending to the old file; an online compaction is tried again
      // after as many records as it took to trigger this one.
      this.recordsSinceCompaction = 0;
      log.warn(failure.message);
      return;
    }
    for (const item of covered) item.resolve();
    for (const request of requests) request.resolve();
  }
}

/** A database read from the bytes of a standalone file, and how far the good records go. */
export interface LoadedDatabase {
  readonly db: Database;
  readonly records: readonly LogRecord[];
  /** End of the last good record; anything after it is a torn last record. */
  readonly goodSize: number;
  /** Why the bytes after goodSize were ignored, if there are any. */
  readonly warning: string | undefined;
}

/**
 * Reads the schema record and replays the others. `name` names the file in
 * errors, which are OvsdbError with the offset of the bad record.
 */
export function loadDatabase(bytes: Uint8Array, name: string): LoadedDatabase {
  // TODO(#4): clustered databases (magic CLUSTER) are not read yet.
  if (Buffer.from(bytes.subarray(0, 14)).toString('latin1') === 'OVSDB CLUSTER ') {
    throw new OvsdbError('not supported', `${name}: clustered databases are not supported`);
  }
  const { records, goodSize, warning } = readLog(bytes, name);
  if (records.length === 0) {
    throw new OvsdbError('syntax error', `${name}: file contains no schema record${warning ? ` (${warning})` : ''}`);
  }
  let schema: DatabaseSchema;
  try {
    schema = parseSchema(records[0].json);
  } catch (error) {
    if (!(error instanceof OvsdbError)) throw error;
    throw new OvsdbError(error.error, `${name}: schema at offset 0: ${error.details ?? error.error}`, { cause: error });
  }
  const db = new Database(schema);
  for (const record of records.slice(1)) {
    try {
      applyStoredRecord(db, record.json);
    } catch (error) {
      if (!(error instanceof OvsdbError)) throw error;
      throw new OvsdbError(error.error, `${name}: record at offset ${record.offset}: ${error.details ?? error.error}`, { cause: error });
    }
  }
  return { db, records, goodSize, warning };
}

/**
 * Opens a standalone database file and replays it. Throws OvsdbError naming
 * the file (and the offset, for a bad record) when it cannot be read; a torn
 * last record is only reported in `warning` (and logged).
 */
export async function openDatabaseFile(path: string, options: OpenOptions = {}): Promise<DatabaseFile> {
  let handle: FileHandle | null = null;
  let bytes: Buffer;
  try {
    handle = await open(path, options.readOnly ? 'r' : 'r+');
    bytes = await readFile(handle);
  } catch (error) {
    await handle?.close();
    throw ioError(path, 'open', error);
  }
  try {
    const { db, records, goodSize, warning } = loadDatabase(bytes, path);
    if (warning) log.warnRl(tornRateLimit, `${warning}; ignoring the rest of the file`);
    if (options.readOnly) {
      await handle.close();
      handle = null;
    }
    // After a compaction the file is the schema and one snapshot record: take
    // their size as the size after the last compaction.
    const baseSize = Math.min(goodSize, (records[1] ?? records[0]).end);
    const file = new DatabaseFile(path, db, handle, { size: bytes.length, goodSize, baseSize, warning, options });
    file.recordsSinceCompaction = records.length - 1;
    return file;
  } catch (error) {
    await handle?.close();
    throw error;
  }
}
