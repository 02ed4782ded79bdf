// Interop test of `ovs-ts ofctl parse-pcap` against real Open vSwitch 3.1.
// Always: our output for the corpus equals test/corpus/parse-pcap/expected.txt
// (captured from real OVS). With the real tools installed: every corpus
// packet is traced on a live ovs-vswitchd --enable-dummy and our line must
// equal its "Flow:" line now, and real `ovs-ofctl parse-pcap` must agree with
// ours on the whole pcap (in_port=ANY, no VLAN limit). Also the error cases.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { run } from '../../src/cli/ofctl.js';
import { flowExtract } from '../../src/flow/extract.js';
import * as L from '../../src/flow/layout.js';
import { encodePcap, readPcapFile } from '../../src/packet/pcap.js';
import { realOvsMissing, startRealOvs, type RealOvs } from '../support/real-ovs.js';
import { addTraceBridge, CORPUS_DIR, readCorpus, readExpected, traceFlows, type CorpusPacket } from '../corpus/corpus.js';

const execFileAsync = promisify(execFile);
const missing = realOvsMissing();
const packets = readCorpus();
let scratch = '';
let corpusPcap = '';
let ovs: RealOvs | undefined;

before(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'parse-pcap-'));
  corpusPcap = join(scratch, 'corpus.pcap');
  writeFileSync(corpusPcap, encodePcap(packets.map((p, i) => ({ data: p.data, seconds: i, nanoseconds: 0 }))));
  if (missing === null) {
    ovs = await startRealOvs();
    await addTraceBridge(ovs);
  }
});

after(async () => {
  await ovs?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

async function ofctl(...args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const status = await run(args, { out: (t) => { stdout += t; }, err: (t) => { stderr += t; } });
  return { status, stdout, stderr };
}

/** Asserts line-by-line equality, naming each differing packet with its hex. */
function assertSameFlows(actual: string[], expected: Array<string | null>, corpus: readonly CorpusPacket[]): void {
  assert.equal(actual.length, corpus.length, 'one line per packet');
  const problems: string[] = [];
  for (let i = 0; i < corpus.length; i++) {
    if (expected[i] === null || actual[i] === expected[i]) continue;
    problems.push(`${corpus[i].name} (${corpus[i].hex})\n  real OVS: ${expected[i]}\n  ovs-ts:   ${actual[i]}`);
  }
  assert.equal(problems.length, 0, `${problems.length} packets differ:\n${problems.join('\n')}`);
}

test('the kept corpus.pcap holds the packets of packets.txt', () => {
  const kept = readPcapFile(fileURLToPath(new URL('corpus.pcap', CORPUS_DIR)));
  assert.equal(kept.records.length, packets.length);
  kept.records.forEach((record, i) => assert.deepEqual(record.data, packets[i].data, packets[i].name));
});

test('parse-pcap prints the kept real-OVS flow line of every corpus packet', async () => {
  const { status, stdout, stderr } = await ofctl('parse-pcap', '--in-port=1', corpusPcap);
  assert.equal(stderr, '');
  assert.equal(status, 0);
  const expected = readExpected();
  assert.equal(expected.length, packets.length, 'expected.txt has one line per packet of packets.txt');
  assertSameFlows(stdout.split('\n').slice(0, -1), expected, packets);
});

test('parse-pcap equals the Flow line of ofproto/trace on a live real ovs-vswitchd', { skip: missing ?? false }, async () => {
  const traced = await traceFlows(ovs as RealOvs, packets);
  assert.ok(traced.filter((t) => t !== null).length > 150);
  const { stdout } = await ofctl('parse-pcap', '--in-port=1', corpusPcap);
  assertSameFlows(stdout.split('\n').slice(0, -1), traced, packets);
});

test('parse-pcap --vlan-limit=0 equals real ovs-ofctl parse-pcap', { skip: missing ?? false }, async () => {
  const real = await (ovs as RealOvs).run('ovs-ofctl', ['parse-pcap', corpusPcap]);
  const { stdout } = await ofctl('parse-pcap', '--vlan-limit=0', corpusPcap);
  assertSameFlows(stdout.split('\n').slice(0, -1), real.split('\n').slice(0, -1), packets);
});

test('the ND fields the Flow line leaves out (nd_reserved, nd_options_type) match real OVS', { skip: missing ?? false }, async () => {
  const real = ovs as RealOvs;
  // One rule per value our extraction finds; tracing each ND packet on the
  // real bridge must hit the rule that carries our values.
  const key = L.newKey();
  const nd = packets.filter((p) => {
    flowExtract(p.data, 0, p.data.length, key, { vlanLimit: 1 });
    return key[L.DL_TYPE] === 0x86dd && key[L.NW_PROTO] === 58 && key[L.NW_FRAG] === 0 && key[L.TP_DST] === 0
      && (key[L.TP_SRC] === 135 || key[L.TP_SRC] === 136);
  }).map((p) => {
    flowExtract(p.data, 0, p.data.length, key, { vlanLimit: 1 });
    const rule = `icmp6,icmp_type=${key[L.TP_SRC]},icmp_code=0,nd_reserved=${key[L.ND_RESERVED]},`
      + `nd_options_type=${key[L.ND_OPTIONS_TYPE]}`;
    return { packet: p, rule };
  });
  assert.ok(nd.length >= 20);
  const rules = [...new Set(nd.map((n) => n.rule))];
  const file = join(real.dir, 'nd.flows');
  writeFileSync(file, rules.map((r, i) => `priority=${100 + i},${r},actions=drop`).join('\n') + '\n');
  await real.run('ovs-ofctl', ['del-flows', 'br0']);
  await real.run('ovs-ofctl', ['add-flows', 'br0', file]);
  const problems: string[] = [];
  for (const { packet, rule } of nd) {
    const trace = await real.appctl('ofproto/trace', 'br0', 'in_port=1', packet.hex);
    const hit = trace.split('\n').find((l) => /^ 0\. /.test(l)) ?? '(no table 0 line)';
    if (!hit.includes(`${rule}, priority`)) problems.push(`${packet.name}: ours ${rule}\n  real hit: ${hit.trim()}`);
  }
  await real.run('ovs-ofctl', ['del-flows', 'br0']);
  assert.deepEqual(problems, []);
});

test('the ovs-ts command runs parse-pcap over several files', async () => {
  const bin = fileURLToPath(new URL('../../../bin/ovs-ts', import.meta.url));
  const one = join(scratch, 'one.pcap');
  writeFileSync(one, encodePcap([{ data: packets[packets.length - 1].data, seconds: 0, nanoseconds: 0 }]));
  const { stdout } = await execFileAsync(process.execPath, [bin, 'ofctl', 'parse-pcap', '--in-port=LOCAL', one, one]);
  const lines = stdout.split('\n').slice(0, -1);
  assert.equal(lines.length, 2);
  assert.match(lines[0], /^icmp6,in_port=LOCAL,/);
  assert.equal(lines[0], lines[1]);
});

test('parse-pcap reports a malformed or missing pcap in one line and fails', async () => {
  const bad = join(scratch, 'bad.pcap');
  writeFileSync(bad, Uint8Array.from([0xde, 0xad, 0xbe, 0xef, 0, 0, 0, 0]));
  let result = await ofctl('parse-pcap', bad);
  assert.equal(result.status, 1);
  assert.equal(result.stdout, '');
  assert.equal(result.stderr.split('\n').length, 2, result.stderr);
  assert.match(result.stderr, /^ovs-ts ofctl: .*bad\.pcap: /);

  const cut = join(scratch, 'cut.pcap');
  const whole = encodePcap([{ data: packets[0].data, seconds: 0, nanoseconds: 0 },
    { data: packets[20].data, seconds: 0, nanoseconds: 0 }]);
  writeFileSync(cut, whole.subarray(0, whole.length - 3));
  result = await ofctl('parse-pcap', cut);
  assert.equal(result.status, 1);
  assert.match(result.stderr, /^ovs-ts ofctl: .*cut\.pcap: .*\n$/);

  result = await ofctl('parse-pcap', join(scratch, 'absent.pcap'));
  assert.equal(result.status, 1);
  assert.match(result.stderr, /^ovs-ts ofctl: .*absent\.pcap: open failed \(No such file or directory\)\n$/);

  result = await ofctl('parse-pcap');
  assert.equal(result.status, 1);
  assert.match(result.stderr, /requires at least 1 arguments/);
  result = await ofctl('parse-pcap', '--in-port=x', corpusPcap);
  assert.equal(result.status, 1);
  assert.match(result.stderr, /x: invalid port number/);
});
