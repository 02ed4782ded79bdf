// Unit tests for memory/show: reporters' counts sorted by key, plus the
// process's own figures.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  memoryCheck, memoryRegister, memoryRegisterCommands, memoryShowText, memoryStart, memoryStop, memoryUnregister,
} from './memory.js';
import { clockResetForTests, clockStop, clockWarp } from './timeval.js';
import { unixctlCommandLookup } from './unixctl-commands.js';
import { vlogResetForTests, vlogSetConsoleFdForTests, vlogSetLogFile } from './vlog.js';

test('memory/show prints sorted key:value pairs from every reporter', async () => {
  memoryRegister('test-ofproto', (usage) => {
    usage.set('rules', 5);
    usage.set('handlers', 2);
  });
  memoryRegister('test-bridge', (usage) => usage.set('ports', 1));
  memoryRegisterCommands();
  const text = await unixctlCommandLookup('memory/show')!.handler([]);
  assert.match(text, /^handlers:2 heap-used-kB:\d+ ports:1 process-rss-kB:\d+ rules:5\n$/);
  memoryUnregister('test-ofproto');
  memoryUnregister('test-bridge');
  assert.match(memoryShowText(), /^heap-used-kB:\d+ process-rss-kB:\d+\n$/);
});

test('the memory log reports peak RSS after start-up and again when it grows by half', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'memory-test-'));
  const file = join(dir, 'm.log');
  const logged = (): string[] => readFileSync(file, 'utf8').trimEnd().split('\n').slice(1);
  try {
    vlogResetForTests();
    vlogSetConsoleFdForTests(null);
    vlogSetLogFile(file);
    clockStop();
    memoryRegister('test-ports', (usage) => usage.set('ports', 3));
    memoryStart();
    await clockWarp(9000);
    assert.deepEqual(logged(), []);
    await clockWarp(1000);
    assert.match(logged()[0]!, /\|memory\|INFO\|\d+ kB peak resident set size after 10\.0 seconds$/);
    assert.match(logged()[1]!, /\|memory\|INFO\|heap-used-kB:\d+ ports:3 process-rss-kB:\d+$/);
    memoryStop();

    // Without the timer, checks happen only when called.
    memoryCheck(4000);
    memoryCheck(5999);
    assert.equal(logged().length, 4);
    await clockWarp(10_200);
    memoryCheck(13_560);
    assert.match(logged()[4]!,
      /\|memory\|INFO\|peak resident set size grew 239% in last 10\.2 seconds, from 4000 kB to 13560 kB$/);
    assert.match(logged()[5]!, /ports:3/);
  } finally {
    memoryStop();
    memoryUnregister('test-ports');
    clockResetForTests();
    vlogResetForTests();
    rmSync(dir, { recursive: true, force: true });
  }
});
