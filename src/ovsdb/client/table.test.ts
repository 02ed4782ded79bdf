// Unit tests of the ovsdb-client table printer: the expected texts are what
// the real ovsdb-client 3.1 printed for `dump SERVER Open_vSwitch Port name
// tag` in each format (the live comparison is test/interop/ovsdb-client.test.ts).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { prettyJson, TablePrinter, type Cell, type Table, type TableStyle } from './table.js';
import type { ColumnType } from '../schema.js';

const NAME: ColumnType = { key: { type: 'string' }, min: 1, max: 1 };
const TAG: ColumnType = { key: { type: 'integer', minInteger: 0, maxInteger: 4095 }, min: 0, max: 1 };
const cell = (keys: (string | number)[], type: ColumnType): Cell => ({ kind: 'datum', datum: { keys }, type });
const PORTS: Table = {
  caption: 'Port table',
  headings: ['name', 'tag'],
  rows: [[cell(['br0'], NAME), cell([], TAG)], [cell(['p1'], NAME), cell([5], TAG)]],
};
const style = (changes: Partial<TableStyle>): TableStyle => ({ format: 'table', cellFormat: 'string', headings: true, pretty: false, ...changes });

test('TablePrinter prints the real ovsdb-client\'s table, list, csv and bare layouts', () => {
  assert.equal(new TablePrinter(style({})).print(PORTS), 'Port table\nname tag\n---- ---\nbr0  []\np1   5\n');
  assert.equal(new TablePrinter(style({ format: 'list' })).print(PORTS),
    'Port table\nname                : br0\ntag                 : []\n\nname                : p1\ntag                 : 5\n');
  assert.equal(new TablePrinter(style({ format: 'csv' })).print(PORTS), 'Port table\nname,tag\nbr0,[]\np1,5\n');
  assert.equal(new TablePrinter(style({ format: 'list', cellFormat: 'bare', headings: false })).print(PORTS), 'Port table\nbr0\n\n\np1\n5\n');
  assert.equal(new TablePrinter(style({ cellFormat: 'json' })).print(PORTS),
    'Port table\nname  tag\n----- ----------\n"br0" ["set",[]]\n"p1"  5\n');
});

test('TablePrinter separates tables with a blank line and prints JSON as the real client does', () => {
  const printer = new TablePrinter(style({ headings: false }));
  assert.equal(printer.print(PORTS) + printer.print(PORTS), 'Port table\nbr0 []\np1  5\n\nPort table\nbr0 []\np1  5\n');
  assert.equal(new TablePrinter(style({ format: 'json' })).print(PORTS),
    '{"caption":"Port table","data":[["br0",["set",[]]],["p1",5]],"headings":["name","tag"]}\n');
});

test('prettyJson() lays JSON out as OVS\'s pretty printer does', () => {
  assert.equal(prettyJson({ caption: 'Port table', data: [['br0', ['set', []]], ['p1', 5]], headings: ['name', 'tag'] }), [
    '{', '  "caption": "Port table",', '  "data": [', '    [', '      "br0",', '      [', '        "set",', '        []]],',
    '    [', '      "p1",', '      5]],', '  "headings": [', '    "name",', '    "tag"]}',
  ].join('\n'));
  assert.equal(prettyJson({}), '{}');
});
