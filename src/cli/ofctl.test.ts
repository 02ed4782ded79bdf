// Tests of the `ovs-ts ofctl` command table and of parse-pcap's handling of
// bad input: usage errors, and fuzzed pcap files (truncated, bit-flipped) that
// must end in either flow lines or exactly one error line, never an exception.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from './ofctl.js';
import { xorshift32 } from '../lib/random.js';

async function ofctl(...args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const status = await run(args, { out: (t) => { stdout += t; }, err: (t) => { stderr += t; } });
  return { status, stdout, stderr };
}

test('ofctl --help lists parse-pcap and an unknown command fails', async () => {
  const help = await ofctl('--help');
  assert.equal(help.status, 0);
  assert.match(help.stdout, /parse-pcap \[--in-port=PORT\]/);
  const unknown = await ofctl('frobnicate');
  assert.equal(unknown.status, 1);
  assert.equal(unknown.stderr, "ovs-ts ofctl: unknown command 'frobnicate'; use --help for help\n");
});

test('parse-pcap rejects unknown options and bad values in one line', async () => {
  for (const [args, message] of [
    [['--color=yes', 'x.pcap'], "unrecognized option '--color=yes'"],
    [['--in-port', 'x.pcap'], "option '--in-port' requires an argument"],
    [['--vlan-limit=two', 'x.pcap'], 'two: invalid vlan-limit'],
    [['--in-port=99999999999', 'x.pcap'], '99999999999: invalid port number'],
  ] as const) {
    const result = await ofctl('parse-pcap', ...args);
    assert.equal(result.status, 1, args.join(' '));
    assert.equal(result.stderr, `ovs-ts ofctl: ${message}\n`);
  }
});

test('parse-pcap on fuzzed pcap files prints flows or one error line, never throws', async () => {
  const corpus = readFileSync(new URL('../../../test/corpus/parse-pcap/corpus.pcap', import.meta.url));
  const dir = mkdtempSync(join(tmpdir(), 'ofctl-fuzz-'));
  const next = xorshift32(0xc0ffee);
  let failures = 0;
  try {
    for (let round = 0; round < 150; round++) {
      const bytes = Uint8Array.from(corpus.subarray(0, next() % (corpus.length + 1)));
      const flips = next() % 6;
      for (let f = 0; f < flips && bytes.length > 0; f++) bytes[next() % Math.min(bytes.length, 200)] = next() & 0xff;
      const file = join(dir, `fuzz-${round}.pcap`);
      writeFileSync(file, bytes);
      const result = await ofctl('parse-pcap', '--in-port=1', file);
      if (result.status === 0) {
        assert.equal(result.stderr, '');
      } else {
        failures++;
        assert.equal(result.status, 1);
        assert.match(result.stderr, /^ovs-ts ofctl: [^\n]*fuzz-\d+\.pcap[^\n]*\n$/);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  assert.ok(failures > 10, 'some fuzzed files are malformed');
});

test('ofctl ofp-print prints a message given in hex, spaces allowed, as ovs-ofctl does', async () => {
  const hello = await ofctl('ofp-print', '01 00 00 08 00 00 00 01');
  assert.equal(hello.status, 0);
  assert.equal(hello.stdout, 'OFPT_HELLO (xid=0x1):\n version bitmap: 0x01\n');
  const echo = await ofctl('ofp-print', '0102000a000000010102', '0');
  assert.equal(echo.stdout, 'OFPT_ECHO_REQUEST (xid=0x1): 2 bytes of payload\n');
  const bad = await ofctl('ofp-print', 'zz');
  assert.equal(bad.status, 1);
  assert.equal(bad.stderr, 'ovs-ts ofctl: trailing garbage following hex bytes\n');
});
