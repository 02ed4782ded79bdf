// The ODP text syntax (src/netlink/odp-text.ts) against Open vSwitch 3.1:
// every line of test/corpus/odp/flows.txt must print as real OVS printed it
// after dpctl/add-flow + dump-flows (kept in expected*.txt, and checked live
// when OVS is installed); ours.txt holds lines OVS prints but refuses to
// parse, which must come back unchanged; text -> netlink -> text is stable.

import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ParseError } from '../../src/lib/errors.js';
import { xorshift32 } from '../../src/lib/random.js';
import { Match } from '../../src/flow/match.js';
import { NlBuffer } from '../../src/netlink/buffer.js';
import { parseOdpKey, parseOdpMask, putOdpFlowKey, putOdpMask } from '../../src/netlink/odp-key.js';
import { parseOdpActions, putOdpActions } from '../../src/netlink/odp-actions.js';
import {
  formatOdpActions, formatOdpFlow, formatOdpFlowLine, formatOdpFlowStats, parseOdpActionsText, parseOdpFlow,
  parseOdpFlowLine,
} from '../../src/netlink/odp-text.js';
import { ODP_CORPUS_DIR, liveDump, readOdpCorpus, startOdpOracle } from '../corpus/odp/capture.js';
import { realOvsMissing } from '../support/real-ovs.js';

const missing = realOvsMissing();
const flows = readOdpCorpus();
const lines = (name: string): string[] => readFileSync(new URL(name, ODP_CORPUS_DIR), 'utf8').split('\n').filter((l) => l !== '');
const expected = lines('expected.txt');
const expectedVerbose = lines('expected-verbose.txt');
const ours = lines('ours.txt').map((l) => ({ key: l.slice(0, l.indexOf(' ')), actions: l.slice(l.indexOf(' ') + 1) }));
const NEVER = { packets: 0, bytes: 0, usedSeconds: null };

function ourLines(flow: { key: string; actions: string }): [string, string] {
  const match = parseOdpFlow(flow.key);
  const actions = parseOdpActionsText(flow.actions);
  return [
    formatOdpFlowLine({ match, actions, stats: NEVER }),
    formatOdpFlowLine({ match, actions, stats: NEVER, ufid: 'UFID' }, { verbose: true }),
  ];
}

test('the corpus covers every captured line', () => {
  assert.equal(expected.length, flows.length);
  assert.equal(expectedVerbose.length, flows.length);
  assert.ok(flows.length >= 25);
});

test('parse -> format of each corpus flow equals what OVS 3.1 printed (plain and -m)', () => {
  flows.forEach((flow, i) => {
    const [plain, verbose] = ourLines(flow);
    assert.equal(plain, expected[i], `flows.txt line ${i + 1}`);
    assert.equal(verbose, expectedVerbose[i], `flows.txt line ${i + 1} (-m)`);
  });
});

test('parseOdpFlowLine() reads back every captured dump line, which then prints the same', () => {
  for (const line of expected) assert.equal(formatOdpFlowLine(parseOdpFlowLine(line)), line);
  const zero = 'ufid:00000000-0000-0000-0000-000000000000';
  for (const line of expectedVerbose) {
    const real = line.replace('ufid:UFID', zero);
    assert.equal(formatOdpFlowLine(parseOdpFlowLine(real), { verbose: true }), real);
  }
});

test('what OVS prints but will not parse (push_mpls, pop_mpls, hash, ...) comes back unchanged', () => {
  for (const flow of ours) {
    const text = `${formatOdpFlow(parseOdpFlow(flow.key))} ${formatOdpActions(parseOdpActionsText(flow.actions))}`;
    assert.equal(text, `${flow.key} ${flow.actions}`);
  }
});

test('text -> netlink (odp-key, odp-actions) -> text is stable', () => {
  for (const flow of [...flows, ...ours]) {
    const match = parseOdpFlow(flow.key);
    const kb = new NlBuffer();
    const mb = new NlBuffer();
    putOdpFlowKey(kb, match);
    putOdpMask(mb, match);
    const back = new Match();
    assert.equal(parseOdpKey(kb.data(), back.key, { userspace: true }), 0, flow.key);
    assert.equal(parseOdpMask(mb.data(), back.mask, { userspace: true }), 0, flow.key);
    // packet_type and nd_ext are userspace-only: odp-key leaves them out of netlink.
    for (const w of [5, 86, 87]) {
      back.key[w] = match.key[w];
      back.mask[w] = match.mask[w];
    }
    assert.equal(formatOdpFlow(back, { verbose: true }), formatOdpFlow(match, { verbose: true }), flow.key);
    assert.equal(formatOdpFlow(back), formatOdpFlow(match), flow.key);

    const ab = new NlBuffer();
    putOdpActions(ab, parseOdpActionsText(flow.actions));
    const actions = parseOdpActions(ab.data());
    assert.ok(Array.isArray(actions), flow.actions);
    assert.equal(formatOdpActions(actions), formatOdpActions(parseOdpActionsText(flow.actions)));
  }
});

test('formatOdpFlowStats() prints used times and TCP flags', () => {
  assert.equal(formatOdpFlowStats(NEVER), 'packets:0, bytes:0, used:never');
  assert.equal(formatOdpFlowStats({ packets: 3, bytes: 180, usedSeconds: 1.5, tcpFlags: 0x12 }),
    'packets:3, bytes:180, used:1.500s, flags:S.');
  assert.equal(formatOdpFlowStats({ packets: 1, bytes: 54, usedSeconds: 0.25, tcpFlags: 0x1ff }),
    'packets:1, bytes:54, used:0.250s, flags:SFPRU.ECN');
});

test('parse errors name what is wrong', () => {
  assert.throws(() => parseOdpFlow('in_port(1),eth(src=zz)'), ParseError);
  assert.throws(() => parseOdpFlow('in_port(1),bogus(1)'), /bogus: unknown datapath key attribute/);
  assert.throws(() => parseOdpFlow('in_port(1),in_port(2)'), /given twice/);
  assert.throws(() => parseOdpActionsText('push_mpls(label=1)'), /eth_type missing/);
  assert.throws(() => parseOdpActionsText('1,(2'), ParseError);
});

test('random mutations of corpus text only ever throw ParseError', () => {
  const random = xorshift32(0x0d9);
  const alphabet = '(),=/:.+-|0123456789abcdefx_ ';
  const texts = [...[...flows, ...ours].flatMap((f) => [f.key, f.actions]), ...expected.slice(0, 5)];
  let parsed = 0;
  for (let i = 0; i < 20000; i++) {
    let t = texts[random() % texts.length];
    for (let n = 1 + (random() % 3); n > 0; n--) {
      const at = random() % (t.length + 1);
      const op = random() % 3;
      const c = alphabet[random() % alphabet.length];
      t = op === 0 ? t.slice(0, at) + c + t.slice(at) : op === 1 ? t.slice(0, at) + t.slice(at + 1) : t.slice(0, at) + c + t.slice(at + 1);
    }
    for (const parse of [parseOdpFlow, parseOdpActionsText, parseOdpFlowLine]) {
      try {
        const out = parse(t);
        parsed++;
        // Whatever parses must format and parse back to the same text.
        if (out instanceof Match) assert.equal(formatOdpFlow(parseOdpFlow(formatOdpFlow(out))), formatOdpFlow(out));
        else if (Array.isArray(out)) {
          assert.equal(formatOdpActions(parseOdpActionsText(formatOdpActions(out))), formatOdpActions(out));
        } else assert.equal(formatOdpFlowLine(parseOdpFlowLine(formatOdpFlowLine(out))), formatOdpFlowLine(out));
      } catch (error) {
        if (!(error instanceof ParseError)) throw new Error(`${t}: ${String(error)}`, { cause: error });
      }
    }
  }
  assert.ok(parsed > 1000, `only ${parsed} mutations parsed`);
});

test('live OVS 3.1 dpctl/add-flow + dump-flows prints what we print', { skip: missing ?? false }, async () => {
  const ovs = await startOdpOracle();
  try {
    let compared = 0;
    for (const flow of flows) {
      const live = await liveDump(ovs, flow);
      assert.notEqual(live, null, `OVS refused ${flow.key} ${flow.actions}`);
      assert.deepEqual(ourLines(flow), live);
      compared++;
    }
    assert.equal(compared, flows.length);
  } finally {
    await ovs.stop();
  }
});

test('a flow ofproto installed for a real packet (stats, flags, packet_type) prints as OVS prints it', { skip: missing ?? false }, async () => {
  const ovs = await startOdpOracle();
  try {
    await ovs.vsctl('add-br', 'br0', '--', 'set', 'bridge', 'br0', 'datapath_type=dummy', '--', 'add-port', 'br0', 'p1',
      '--', 'set', 'interface', 'p1', 'type=dummy', 'ofport_request=1');
    await ovs.run('ovs-ofctl', ['add-flow', 'br0', 'tcp,actions=drop']);
    // The first packet goes up as a miss and installs the flow; the second counts.
    for (let i = 0; i < 2; i++) {
      await ovs.appctl('netdev-dummy/receive', 'p1', 'in_port(1),eth(src=00:00:00:00:00:01,dst=00:00:00:00:00:02),'
        + 'eth_type(0x0800),ipv4(src=1.1.1.1,dst=2.2.2.2,proto=6,tos=0,ttl=64,frag=no),tcp(src=1,dst=2),tcp_flags(0x1ff)');
    }
    let line = '';
    for (let i = 0; i < 50 && !line.includes('packets:1'); i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      line = (await ovs.appctl('dpctl/dump-flows', 'dummy@ovs-dummy')).split('\n')[1] ?? '';
    }
    assert.match(line, /packets:1, bytes:54, used:[0-9.]+s, flags:SFPRU\.ECN, actions:drop$/);
    assert.equal(formatOdpFlowLine(parseOdpFlowLine(line)), line);
  } finally {
    await ovs.stop();
  }
});
