// Unit tests for vlog: line patterns, level specs and their error messages,
// the vlog/* commands (called through the registry, as the unixctl server
// does), the log file, and rate limiting on the warped clock.

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import { clockResetForTests, clockStop, clockWarp } from './timeval.js';
import { UnixctlCommandError, unixctlCommandLookup } from './unixctl-commands.js';
import {
  VlogDestination, VlogLevel, VlogRateLimit, vlogFormatLine, vlogParseOption, type VlogOptions, vlogListPatternText, vlogListText, vlogModule,
  vlogRegisterCommands, vlogResetForTests, vlogSetConsoleFdForTests, vlogSetLevelsFromString, vlogSetLogFile,
} from './vlog.js';

let dir: string;

beforeEach(() => {
  vlogResetForTests();
  vlogSetConsoleFdForTests(null);
  vlogRegisterCommands();
  dir = mkdtempSync(join(tmpdir(), 'vlog-test-'));
});

afterEach(() => {
  vlogResetForTests();
  clockResetForTests();
  rmSync(dir, { recursive: true, force: true });
});

async function command(name: string, ...args: string[]): Promise<string> {
  return unixctlCommandLookup(name)!.handler(args);
}

async function commandError(name: string, ...args: string[]): Promise<string> {
  try {
    await command(name, ...args);
  } catch (error) {
    assert.ok(error instanceof UnixctlCommandError);
    return error.message;
  }
  assert.fail(`${name} ${args.join(' ')} did not fail`);
}

test('default patterns give the lines ovs-vswitchd writes to its file and console', () => {
  const line = { module: 'bridge', level: VlogLevel.Info, message: 'hello', sequence: 7, wallMs: Date.UTC(2026, 10, 22, 1, 42, 54, 123) };
  assert.equal(vlogFormatLine(VlogDestination.File, line), '2026-11-22T01:42:54.123Z|00007|bridge|INFO|hello');
  assert.equal(vlogFormatLine(VlogDestination.Console, line), '2026-11-22T01:42:54Z|00007|bridge|INFO|hello');
  assert.equal(vlogFormatLine(VlogDestination.Syslog, { ...line, level: VlogLevel.Dbg }), 'ovs|00007|bridge|DBG|hello');
});

test('vlog/set PATTERN changes a destination pattern with widths and escapes', async () => {
  await command('vlog/set', 'PATTERN:file:%-8c|%5p|%m%%');
  const line = { module: 'vlog', level: VlogLevel.Warn, message: 'x', sequence: 1, wallMs: 0 };
  assert.equal(vlogFormatLine(VlogDestination.File, line), 'vlog    | WARN|x%');
  assert.equal(await commandError('vlog/set', 'PATTERN:bad:foo'), 'unknown destination "bad"');
});

test('vlog/list prints the table layout of ovs-appctl vlog/list', async () => {
  vlogModule('dpif_lookup_autovalidator');
  vlogModule('bridge');
  await command('vlog/set', 'bridge:console:dbg');
  await command('vlog/set', 'ANY:syslog:off');
  const text = vlogListText();
  const lines = text.split('\n');
  assert.equal(lines[0], '                 console    syslog    file');
  assert.equal(lines[1], '                 -------    ------    ------');
  assert.ok(lines.includes('bridge             DBG        OFF       INFO'));
  assert.ok(lines.includes('dpif_lookup_autovalidator  INFO        OFF       INFO'));
  assert.ok(text.endsWith('\n'));
});

test('vlog/list-pattern prints the three default patterns', () => {
  assert.equal(vlogListPatternText(), [
    '         prefix                            format',
    '         ------                            ------',
    'SYSLOG   <%B> %D{%h %e %T} %E %A:          ovs|%05N|%c%T|%p|%m',
    'CONSOLE  none                              %D{%Y-%m-%dT%H:%M:%SZ}|%05N|%c%T|%p|%m',
    'FILE     none                              %D{%Y-%m-%dT%H:%M:%S.###Z}|%05N|%c%T|%p|%m',
    '',
  ].join('\n'));
});

test('level specs accept ANY and defaults, and reject what OVS rejects', async () => {
  const bridge = vlogModule('bridge');
  vlogSetLevelsFromString('bridge:file:warn');
  assert.deepEqual([...bridge.levels], [VlogLevel.Info, VlogLevel.Info, VlogLevel.Warn]);
  vlogSetLevelsFromString('ANY:console:off');
  assert.equal(bridge.levels[VlogDestination.Console], VlogLevel.Off);
  vlogSetLevelsFromString('syslog');
  assert.equal(vlogModule('vlog').levels[VlogDestination.Syslog], VlogLevel.Dbg);
  await command('vlog/set');
  assert.deepEqual([...bridge.levels], [VlogLevel.Dbg, VlogLevel.Dbg, VlogLevel.Dbg]);
  assert.equal(await commandError('vlog/set', 'nosuch'), 'no destination, level, or module "nosuch"');
  assert.equal(await commandError('vlog/set', 'dbg info'), 'cannot specify multiple levels');
  assert.equal(await commandError('vlog/set', 'file:off console'), 'cannot specify multiple destinations');
  assert.equal(await commandError('vlog/set', 'vlog:file:dbg,bridge'), 'cannot specify multiple modules');
});

test('the log file gets lines with per-process sequence numbers, and reopen follows logrotate', async () => {
  const file = join(dir, 'test.log');
  const bridge = vlogModule('bridge');
  assert.deepEqual(vlogSetLogFile(file), { error: null });
  bridge.info('first');
  bridge.dbg('hidden at info');
  const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
  assert.equal(lines.length, 2);
  assert.match(lines[0]!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\|00001\|vlog\|INFO\|opened log file .*test\.log$/);
  assert.match(lines[1]!, /\|00002\|bridge\|INFO\|first$/);
  renameSync(file, `${file}.1`);
  await command('vlog/reopen');
  bridge.warn('second');
  assert.match(readFileSync(file, 'utf8'), /\|00003\|vlog\|INFO\|opened log file .*\n.*\|00004\|bridge\|WARN\|second\n$/);
  await command('vlog/close');
  bridge.warn('lost');
  assert.doesNotMatch(readFileSync(file, 'utf8'), /lost/);
});

test('vlog/reopen without a log file is an error; rate-limit commands know modules', async () => {
  assert.equal(await commandError('vlog/reopen'), 'Logging to file not configured');
  assert.equal(await commandError('vlog/disable-rate-limit', 'nosuch'), 'unknown module');
  assert.equal(await command('vlog/disable-rate-limit', 'bridge'), '');
  assert.equal(vlogModule('bridge').rateLimitEnabled, false);
});

test('rate-limited logging drops after the burst and reports the drops later', async () => {
  const file = join(dir, 'rl.log');
  vlogSetLogFile(file);
  clockStop();
  const limit = new VlogRateLimit(60, 2);
  const module = vlogModule('bridge');
  for (let i = 0; i < 5; i++) module.warnRl(limit, `message ${i}`);
  await clockWarp(3000);
  module.warnRl(limit, 'after');
  const text = readFileSync(file, 'utf8');
  assert.match(text, /message 1\n/);
  assert.doesNotMatch(text, /message 2/);
  assert.match(text, /\|bridge\|WARN\|Dropped 3 log messages in last 3 seconds \(most recently, 3 seconds ago\) due to excessive rate\n.*\|bridge\|WARN\|after\n$/);
  await command('vlog/disable-rate-limit');
  for (let i = 0; i < 5; i++) module.warnRl(limit, `unlimited ${i}`);
  assert.match(readFileSync(file, 'utf8'), /unlimited 4\n$/);
});

test('vlogParseOption() applies -v at once, records --log-file and words errors like OVS', () => {
  const options: VlogOptions = { logFile: null };
  assert.ok(vlogParseOption(options, 'verbose', 'bridge:file:warn'));
  assert.equal(vlogModule('bridge').levels[VlogDestination.File], VlogLevel.Warn);
  assert.ok(vlogParseOption(options, 'verbose', undefined));
  assert.equal(vlogModule('bridge').levels[VlogDestination.File], VlogLevel.Dbg);
  assert.throws(() => vlogParseOption(options, 'verbose', 'foo'),
    { name: 'SyntaxError', message: 'processing "foo": no destination, level, or module "foo"' });
  assert.ok(vlogParseOption(options, 'log-file', undefined));
  assert.equal(options.logFile, undefined);
  assert.ok(vlogParseOption(options, 'log-file', 'x.log'));
  assert.equal(options.logFile, 'x.log');
  assert.throws(() => vlogParseOption(options, 'syslog-method', 'x'), { message: "unsupported syslog method 'x'" });
  assert.ok(vlogParseOption(options, 'syslog-method', 'libc'));
  assert.equal(vlogParseOption(options, 'pidfile', undefined), false);
});
