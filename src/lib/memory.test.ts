// Unit tests for memory/show: reporters' counts sorted by key, plus the
// process's own figures.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { memoryRegister, memoryRegisterCommands, memoryShowText, memoryUnregister } from './memory.js';
import { unixctlCommandLookup } from './unixctl-commands.js';

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
