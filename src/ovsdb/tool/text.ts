// OVSDB values as Open vSwitch's tools print them as text (ovsdb-tool show-log
// -mm, ovsdb-client's table/list formats): an atom, a set in brackets when the
// column may hold more than one value or holds none, a map in braces. Strings
// are quoted only where bare text would read as something else.

import { atomToText, type Datum } from '../data.js';
import type { ColumnType } from '../schema.js';

/** A datum in OVS's text form: "5", "[]", "[1, 2]", "{a=b}". */
export function datumToOvsText(datum: Datum, type: ColumnType): string {
  const keys = datum.keys.map((key) => atomToText(key, type.key.type));
  if (datum.values && type.value) {
    const valueType = type.value.type;
    const values = datum.values;
    return `{${keys.map((key, i) => `${key}=${atomToText(values[i], valueType)}`).join(', ')}}`;
  }
  if (type.max > 1 || keys.length !== 1) return `[${keys.join(', ')}]`;
  return keys[0];
}

/** A time in milliseconds since the epoch as "2026-11-22 07:03:33.837" (UTC), as show-log prints it. */
export function formatLogDate(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
}
