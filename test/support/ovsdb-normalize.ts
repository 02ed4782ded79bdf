// UUID normalisation for comparing OVSDB replies from two implementations:
// each distinct UUID becomes "<N>" in order of first appearance, _version
// values (random on every load in ovsdb-tool) become "<version>", and lists
// whose order follows UUIDs or hash order (select rows, sets, maps) are sorted.
// ovsdb-server names the two rows of an index clash in hash-table order, so
// the "First row ... Second row ..." clauses are put in a canonical order too.

import type { Json } from '../../src/ovsdb/json.js';

export const VSWITCH_SCHEMA = '/usr/share/openvswitch/vswitch.ovsschema';

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
const INDEX_CLASH = /^(.*) {2}First row, (with UUID .*?)\. {2}Second row, (with UUID .*)\.$/s;

function canonicalIndexClash(text: string): string {
  const match = INDEX_CLASH.exec(text);
  if (!match) return text;
  const [first, second] = [match[2], match[3]].sort();
  return `${match[1]}  First row, ${first}.  Second row, ${second}.`;
}

export function normalizeResults(results: Json): Json {
  const names = new Map<string, string>();
  const peek = (value: Json): string => JSON.stringify(value).replace(UUID, (uuid) => names.get(uuid) ?? '?');
  const unordered = (items: Json[]): Json[] => {
    const sorted = [...items].sort((a, b) => (peek(a) < peek(b) ? -1 : peek(a) > peek(b) ? 1 : 0));
    const walked = sorted.map(walk);
    return walked.sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
  };
  const walk = (value: Json): Json => {
    if (typeof value === 'string') {
      return canonicalIndexClash(value.replace(UUID, (uuid) => {
        if (!names.has(uuid)) names.set(uuid, `<${names.size}>`);
        return names.get(uuid) as string;
      }));
    }
    if (Array.isArray(value)) {
      if (value.length === 2 && (value[0] === 'set' || value[0] === 'map') && Array.isArray(value[1])) {
        return [value[0], unordered(value[1])];
      }
      return value.map(walk);
    }
    if (value !== null && typeof value === 'object') {
      const out: { [key: string]: Json } = {};
      for (const key of Object.keys(value).sort()) {
        if (key === '_version') out[key] = '<version>';
        else if (key === 'rows' && Array.isArray(value[key])) out[key] = unordered(value[key] as Json[]);
        else out[key] = walk(value[key]);
      }
      return out;
    }
    return value;
  };
  return walk(results);
}
