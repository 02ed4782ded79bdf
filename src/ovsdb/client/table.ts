// The tables ovsdb-client prints (dump, list-tables, list-columns, monitor),
// in the formats of its --format option: "table" (aligned columns under a
// dashed rule), "list" (one "heading : value" line per cell), "csv", "json"
// (one object per table, optionally pretty-printed as OVS does) and "html",
// with cells rendered per --data ("string", "bare" or "json").

import { datumToJson, type Datum } from '../data.js';
import { jsonToString, type Json } from '../json.js';
import type { ColumnType } from '../schema.js';
import { datumToOvsText } from '../tool/text.js';

export type TableFormat = 'table' | 'list' | 'html' | 'csv' | 'json';
export type CellFormat = 'string' | 'bare' | 'json';

/** A cell: an OVSDB value with its type, a plain string, or an absent value (null in JSON, empty in text). */
export type Cell =
  | { readonly kind: 'datum'; readonly datum: Datum; readonly type: ColumnType }
  | { readonly kind: 'text'; readonly text: string }
  /** JSON shown as its text, or as itself in the json format. */
  | { readonly kind: 'json'; readonly json: Json }
  | { readonly kind: 'empty' };

export interface Table {
  /** Lines printed before the caption (monitor --timestamp, monitor-cond-since's last_id). */
  readonly preface?: string;
  readonly caption?: string;
  readonly headings: readonly string[];
  readonly rows: readonly (readonly Cell[])[];
}

export interface TableStyle {
  format: TableFormat;
  cellFormat: CellFormat;
  headings: boolean;
  pretty: boolean;
}

/** JSON text as OVS's pretty printer lays it out: members sorted, closers on the last element's line. */
export function prettyJson(value: Json, depth = 0): string {
  const indent = (n: number): string => `\n${' '.repeat(2 * n)}`;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[${value.map((element, i) => `${i ? ',' : ''}${indent(depth + 1)}${prettyJson(element, depth + 1)}`).join('')}]`;
  }
  if (value !== null && typeof value === 'object') {
    const names = Object.keys(value).sort();
    if (names.length === 0) return '{}';
    return `{${names.map((name, i) => `${i ? ',' : ''}${indent(depth + 1)}${JSON.stringify(name)}: ${prettyJson(value[name], depth + 1)}`).join('')}}`;
  }
  return jsonToString(value);
}

export function jsonText(value: Json, pretty: boolean): string {
  return pretty ? prettyJson(value) : jsonToString(value);
}

/** A value's bare form: elements separated by spaces, no brackets or quotes. */
function bareText(datum: Datum, type: ColumnType): string {
  const atom = (value: Datum['keys'][number]): string => String(value);
  if (datum.values && type.value) {
    const values = datum.values;
    return datum.keys.map((key, i) => `${atom(key)}=${atom(values[i])}`).join(' ');
  }
  return datum.keys.map(atom).join(' ');
}

function cellText(cell: Cell, format: CellFormat): string {
  if (cell.kind === 'text') return cell.text;
  if (cell.kind === 'json') return jsonToString(cell.json);
  if (cell.kind === 'empty') return '';
  if (format === 'json') return jsonToString(datumToJson(cell.datum, cell.type));
  if (format === 'bare') return bareText(cell.datum, cell.type);
  return datumToOvsText(cell.datum, cell.type);
}

function cellJson(cell: Cell): Json {
  if (cell.kind === 'text') return cell.text;
  if (cell.kind === 'json') return cell.json;
  if (cell.kind === 'empty') return null;
  return datumToJson(cell.datum, cell.type);
}

function csvQuote(text: string): string {
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function htmlEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/**
 * Prints tables one after another as OVS does: in "table" format a blank
 * line separates a table from the one before, so the printer keeps state.
 */
export class TablePrinter {
  private printed = 0;

  constructor(readonly style: TableStyle) {}

  print(table: Table): string {
    const text = this.render(table);
    this.printed++;
    return text;
  }

  private render(table: Table): string {
    const { format, cellFormat, headings, pretty } = this.style;
    const lines: string[] = [];
    switch (format) {
      case 'table': {
        if (this.printed > 0) lines.push('');
        if (table.preface !== undefined) lines.push(table.preface);
        if (table.caption !== undefined) lines.push(table.caption);
        const texts = table.rows.map((row) => row.map((cell) => cellText(cell, cellFormat)));
        const widths = table.headings.map((heading, i) => Math.max(headings ? heading.length : 0, ...texts.map((row) => (row[i] ?? '').length)));
        const line = (cells: readonly string[]): string =>
          cells.map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i]))).join(' ').replace(/ +$/, '');
        if (headings) {
          lines.push(line(table.headings));
          lines.push(widths.map((width) => '-'.repeat(width)).join(' '));
        }
        for (const row of texts) lines.push(line(row));
        break;
      }
      case 'list': {
        if (this.printed > 0) lines.push('');
        if (table.preface !== undefined) lines.push(table.preface);
        if (table.caption !== undefined) lines.push(table.caption);
        table.rows.forEach((row, r) => {
          if (r > 0) lines.push('');
          row.forEach((cell, i) => {
            const text = cellText(cell, cellFormat);
            lines.push(headings ? `${table.headings[i].padEnd(20)}: ${text}` : text);
          });
        });
        break;
      }
      case 'csv': {
        if (this.printed > 0) lines.push('');
        if (table.preface !== undefined) lines.push(table.preface);
        if (table.caption !== undefined) lines.push(table.caption);
        if (headings) lines.push(table.headings.map(csvQuote).join(','));
        for (const row of table.rows) lines.push(row.map((cell) => csvQuote(cellText(cell, cellFormat))).join(','));
        break;
      }
      case 'json': {
        const json: { [key: string]: Json } = { data: table.rows.map((row) => row.map(cellJson)) };
        if (table.preface !== undefined) json.time = table.preface;
        if (table.caption !== undefined) json.caption = table.caption;
        if (headings) json.headings = [...table.headings];
        lines.push(jsonText(json, pretty));
        break;
      }
      case 'html': {
        if (table.preface !== undefined) lines.push(table.preface);
        lines.push('<table border=1>');
        if (table.caption !== undefined) lines.push(`    <caption>${htmlEscape(table.caption)}</caption>`);
        if (headings) {
          lines.push('  <tr>');
          for (const heading of table.headings) lines.push(`    <th>${htmlEscape(heading)}</th>`);
          lines.push('  </tr>');
        }
        for (const row of table.rows) {
          lines.push('  <tr>');
          row.forEach((cell, i) => lines.push(`    <td>${htmlCell(cell, cellFormat, table.headings[i] === '_uuid')}</td>`));
          lines.push('  </tr>');
        }
        lines.push('</table>');
        break;
      }
    }
    return lines.map((text) => `${text}\n`).join('');
  }
}

/**
 * An HTML cell: UUIDs become links to their row ("<a href="#UUID">first 8
 * digits</a>"), and a row's own UUID (the _uuid column) the link's target.
 */
function htmlCell(cell: Cell, format: CellFormat, isRowUuid: boolean): string {
  const text = htmlEscape(cellText(cell, format));
  if (cell.kind !== 'datum' || format !== 'string') return text;
  const attribute = isRowUuid ? 'name="' : 'href="#';
  return text.replace(/\b([0-9a-f]{8})(-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\b/g, `<a ${attribute}$1$2">$1</a>`);
}
