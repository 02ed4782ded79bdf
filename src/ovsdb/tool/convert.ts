// Database conversion for `ovsdb-tool convert`: the rows of a database moved
// under a new schema, keeping their UUIDs. Tables and columns the new schema
// lacks are dropped, new columns start at their defaults, and a value that
// does not fit its new column fails the conversion. The result goes through
// the same replay as a stored transaction, so the commit-time checks
// (references, garbage collection, indexes) hold for the new schema too.

import { checkDatum, datumToJson, parseDatum, type Datum } from '../data.js';
import { Database } from '../database.js';
import { OvsdbError } from '../error.js';
import type { DatabaseSchema } from '../schema.js';

/** A new database under `schema` holding `db`'s data. Throws OvsdbError when some value does not fit. */
export function convertDatabase(db: Database, schema: DatabaseSchema): Database {
  const converted = new Database(schema);
  const changes = new Map<string, Map<string, Map<string, Datum> | null>>();
  for (const [name, table] of db.tables) {
    const newTable = schema.tables.get(name);
    if (!newTable) continue;
    const rows = new Map<string, Map<string, Datum> | null>();
    for (const row of table.rows.values()) {
      const values = new Map<string, Datum>();
      for (const [column, datum] of row.data) {
        const newColumn = newTable.columns.get(column);
        if (!newColumn || newColumn.name.startsWith('_')) continue;
        const oldType = table.schema.columns.get(column)?.type;
        if (!oldType) continue;
        try {
          const value = parseDatum(datumToJson(datum, oldType), newColumn.type);
          checkDatum(value, newColumn.type);
          values.set(column, value);
        } catch (error) {
          if (!(error instanceof OvsdbError)) throw error;
          throw new OvsdbError(error.error, `table ${name} column ${column}: ${error.details ?? error.error}`, { cause: error });
        }
      }
      rows.set(row.uuid, values);
    }
    if (rows.size) changes.set(name, rows);
  }
  converted.applyRecord(changes);
  return converted;
}
