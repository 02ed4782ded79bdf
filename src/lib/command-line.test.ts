// Unit tests for the getopt_long-style parser: the messages are GNU getopt's,
// as printed by the real ovs-vswitchd (checked by hand against OVS 3.1).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CommandLineError, parseCommandLine, type CommandLineSpec } from './command-line.js';

const SPEC: CommandLineSpec = {
  longOptions: [
    { name: 'detach', argument: 'none' },
    { name: 'disable-system', argument: 'none' },
    { name: 'disable-system-route', argument: 'none' },
    { name: 'pidfile', argument: 'optional' },
    { name: 'unixctl', argument: 'required' },
    { name: 'verbose', argument: 'optional' },
    { name: 'help', argument: 'none' },
  ],
  shortOptions: 'hVv::p:',
  shortKeys: { h: 'help', v: 'verbose' },
};

function parseError(args: string[]): string {
  try {
    parseCommandLine(args, SPEC);
  } catch (error) {
    assert.ok(error instanceof CommandLineError);
    return error.message;
  }
  assert.fail(`no error for ${args.join(' ')}`);
}

test('parseCommandLine() reads long options in their three argument styles', () => {
  const parsed = parseCommandLine(['--detach', '--pidfile', '--unixctl', 'a.ctl', '--pidfile=x.pid', '--unixctl=b'], SPEC);
  assert.deepEqual(parsed.options, [
    { key: 'detach', value: undefined },
    { key: 'pidfile', value: undefined },
    { key: 'unixctl', value: 'a.ctl' },
    { key: 'pidfile', value: 'x.pid' },
    { key: 'unixctl', value: 'b' },
  ]);
});

test('parseCommandLine() takes an optional argument only after =', () => {
  const parsed = parseCommandLine(['--pidfile', 'db.sock'], SPEC);
  assert.deepEqual(parsed.options, [{ key: 'pidfile', value: undefined }]);
  assert.deepEqual(parsed.operands, ['db.sock']);
});

test('parseCommandLine() accepts unambiguous prefixes and exact names that prefix others', () => {
  const parsed = parseCommandLine(['--det', '--pidf', '--disable-system', '--disable-system-r'], SPEC);
  assert.deepEqual(parsed.options.map((option) => option.key), ['detach', 'pidfile', 'disable-system', 'disable-system-route']);
});

test('parseCommandLine() reports errors with getopt_long wording', () => {
  assert.equal(parseError(['--foo']), "unrecognized option '--foo'");
  assert.equal(parseError(['--foo=1']), "unrecognized option '--foo=1'");
  assert.equal(parseError(['--d']),
    "option '--d' is ambiguous; possibilities: '--detach' '--disable-system' '--disable-system-route'");
  assert.equal(parseError(['--unixctl']), "option '--unixctl' requires an argument");
  assert.equal(parseError(['--detach=1']), "option '--detach' doesn't allow an argument");
  assert.equal(parseError(['-x']), "invalid option -- 'x'");
  assert.equal(parseError(['-p']), "option requires an argument -- 'p'");
});

test('parseCommandLine() handles bundled and attached short options', () => {
  const parsed = parseCommandLine(['-hV', '-vvlog:file:dbg', '-v', '-p', 'key.pem', '-pother'], SPEC);
  assert.deepEqual(parsed.options, [
    { key: 'help', value: undefined },
    { key: 'V', value: undefined },
    { key: 'verbose', value: 'vlog:file:dbg' },
    { key: 'verbose', value: undefined },
    { key: 'p', value: 'key.pem' },
    { key: 'p', value: 'other' },
  ]);
});

test('parseCommandLine() permutes operands and stops at --', () => {
  const parsed = parseCommandLine(['a', '--detach', 'b', '--', '--pidfile', '-h'], SPEC);
  assert.deepEqual(parsed.options, [{ key: 'detach', value: undefined }]);
  assert.deepEqual(parsed.operands, ['a', 'b', '--pidfile', '-h']);
  assert.deepEqual(parseCommandLine(['-'], SPEC).operands, ['-']);
});
