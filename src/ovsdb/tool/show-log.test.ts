// Unit tests of showLog() against kept answers: test/corpus/ovsdb/show-log/
// holds a database file the real ovsdb-tool wrote (vswitch.db) and one ovs-ts
// wrote (ours.db), with what the real `ovsdb-tool [-m|-mm] show-log` printed
// for each (test/interop/ovsdb-tool.test.ts compares with the live tool).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readLog } from '../log.js';
import { showLog } from './show-log.js';

const DIR = fileURLToPath(new URL('../../../../test/corpus/ovsdb/show-log/', import.meta.url));

for (const name of ['vswitch', 'ours']) {
  test(`showLog() prints what the real ovsdb-tool printed for ${name}.db, at each verbosity`, () => {
    const { records, warning } = readLog(readFileSync(`${DIR}${name}.db`), `${name}.db`);
    assert.equal(warning, undefined);
    ['', '-m', '-mm'].forEach((more, verbosity) => {
      assert.equal(showLog(records, verbosity), readFileSync(`${DIR}${name}.show-log${more}.txt`, 'utf8'), `${name} ${more}`);
    });
  });
}
