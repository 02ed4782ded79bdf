// Unit tests of the actions codec: what each entry point gives for chosen
// inputs, beside the corpus comparison with real ovs-ofctl (corpus.test.ts).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Match } from '../../flow/match.js';
import { parseMatch } from '../../flow/parse.js';
import { ParseError } from '../../lib/errors.js';
import { OfpError } from '../ofp-error.js';
import { checkActions, formatProtocols } from './check.js';
import { decodeActions } from './decode.js';
import { encodeActions } from './encode.js';
import { formatActions } from './format.js';
import { parseActions } from './parse.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const bytes = (h: string): Uint8Array => Uint8Array.from(Buffer.from(h.replace(/\s+/g, ''), 'hex'));

test('parseActions() reads learn() with every option', () => {
  const text = 'learn(table=3,idle_timeout=10,hard_timeout=20,fin_idle_timeout=5,fin_hard_timeout=6,priority=7,'
    + 'send_flow_rem,delete_learned,cookie=0x1234567890,limit=9,result_dst=reg5[3],'
    + 'NXM_OF_VLAN_TCI[0..11],NXM_OF_ETH_DST[]=NXM_OF_ETH_SRC[],eth_type=0x800,reg1[4..7]=0xa,'
    + 'load:NXM_NX_REG0[]->NXM_NX_REG2[],load:0x3->reg3[0..1],output:NXM_OF_IN_PORT[])';
  const [learn] = parseActions(text);
  assert.ok(learn?.type === 'learn');
  assert.equal(learn.tableId, 3);
  assert.equal(learn.idleTimeout, 10);
  assert.equal(learn.hardTimeout, 20);
  assert.equal(learn.finIdleTimeout, 5);
  assert.equal(learn.finHardTimeout, 6);
  assert.equal(learn.priority, 7);
  assert.equal(learn.flags, 1 | 2 | 4);
  assert.deepEqual(learn.cookie, [0x12, 0x34567890]);
  assert.equal(learn.limit, 9);
  assert.equal(learn.resultDst?.field.name, 'reg5');
  assert.equal(learn.resultDst?.ofs, 3);
  assert.deepEqual(learn.specs.map((s) => s.kind), ['match', 'match', 'match', 'match', 'load', 'load', 'output']);
  assert.equal(formatActions([learn]),
    'learn(table=3,idle_timeout=10,hard_timeout=20,fin_idle_timeout=5,fin_hard_timeout=6,priority=7,send_flow_rem,'
    + 'delete_learned,cookie=0x1234567890,limit=9,result_dst=NXM_NX_REG5[3],NXM_OF_VLAN_TCI[0..11],'
    + 'NXM_OF_ETH_DST[]=NXM_OF_ETH_SRC[],eth_type=0x800,NXM_NX_REG1[4..7]=0xa,load:NXM_NX_REG0[]->NXM_NX_REG2[],'
    + 'load:0x3->NXM_NX_REG3[0..1],output:NXM_OF_IN_PORT[])');
  // A limit and result_dst need NXAST_LEARN2 (subtype 45); the round trip is exact.
  const wire = encodeActions([learn], 1);
  assert.equal(hex(wire.subarray(8, 10)), '002d');
  assert.deepEqual(encodeActions(decodeActions(wire, 1), 1), wire);
});

test('parseActions() rejects bad text with ovs-ofctl\'s messages', () => {
  assert.throws(() => parseActions('bogus'), (e) => e instanceof ParseError && e.message === 'unknown action bogus');
  assert.throws(() => parseActions('drop,output:1'), /"drop" must not be accompanied by any other action or instruction/);
  assert.throws(() => parseActions('goto_table:1,output:2'),
    /invalid instruction ordering: apply_actions must appear before goto_table, for OpenFlow 1.1\+ compatibility/);
  assert.throws(() => parseActions('load:0x10->reg0[0..3]'), /0x10->reg0\[0..3\]: value 0x10 does not fit into 4 bits/);
  assert.throws(() => parseActions('ct(commit)', { match: new Match() }),
    /actions are invalid with specified match \(OFPBAC_MATCH_INCONSISTENT\)/);
});

test('decodeActions() names each failure as Open vSwitch does', () => {
  const cases: Array<[number, string, string, boolean?]> = [
    [1, '00c8000800000000', 'OFPBAC_BAD_TYPE'],
    [1, '0000001000010000', 'OFPBAC_BAD_LEN'],
    [1, '0000000800010000 0000', 'OFPBRC_BAD_LEN'],
    [1, '00000008ff050000', 'OFPBAC_BAD_OUT_PORT'],
    [1, 'ffff001000001234 0001000000000000', 'OFPBAC_BAD_VENDOR'],
    [1, 'ffff001000002320 03e7000000000000', 'OFPBAC_BAD_VENDOR_TYPE'],
    [4, '0004001800000000 0019001080 00fe04 00000001 00000000', 'OFPBAC_BAD_SET_LEN', true],
    [1, 'ffff001800002320 0007001f 00ff0004 0000000000000001', 'OFPBAC_BAD_SET_TYPE'],
    [4, '0009000800000000', 'OFPBIC_UNKNOWN_INST', true],
    [4, '0001000801000000 0001000802000000', 'OFPBIC_DUP_INST', true],
    [4, 'ffff000800002320', 'OFPBIC_BAD_EXPERIMENTER', true],
  ];
  for (const [version, h, name, instructions] of cases) {
    assert.throws(() => decodeActions(bytes(h), version, { instructions: instructions ?? false }),
      (e) => e instanceof OfpError && e.errorName === name, `${h} should fail with ${name}`);
  }
});

test('encodeActions() orders OpenFlow 1.3 instructions and emulates them in OpenFlow 1.0', () => {
  const actions = parseActions('meter:2,output:1,write_actions(output:3),write_metadata:0x5/0xff,goto_table:4');
  const of13 = encodeActions(actions, 4, { instructions: true });
  const types: number[] = [];
  for (let i = 0; i < of13.length; i += (of13[i + 2]! << 8) | of13[i + 3]!) types.push((of13[i]! << 8) | of13[i + 1]!);
  assert.deepEqual(types, [6, 4, 3, 2, 1]); // meter, apply, write_actions, write_metadata, goto_table
  assert.equal(formatActions(decodeActions(of13, 4, { instructions: true })),
    'meter:2,output:1,write_actions(output:3),write_metadata:0x5/0xff,goto_table:4');
  // OpenFlow 1.0 has no meters or action sets; goto_table becomes resubmit,
  // which then follows write_metadata, so (as with real ovs-ofctl) the bytes
  // do not decode.
  assert.equal(formatActions(decodeActions(encodeActions(parseActions('output:1,goto_table:4'), 1), 1)),
    'output:1,resubmit(,4)');
  assert.throws(() => decodeActions(encodeActions(actions, 1), 1),
    (e) => e instanceof OfpError && e.errorName === 'OFPBAC_UNSUPPORTED_ORDER');
});

test('checkActions() reports the usable protocols ovs-ofctl prints', () => {
  const usable = (flow: string, actions: string): string => {
    const match = parseMatch(flow);
    return formatProtocols(checkActions(parseActions(actions), match).usable);
  };
  assert.equal(usable('', 'output:1'), 'any');
  assert.equal(usable('', 'push_vlan:0x8100'), 'OXM,OpenFlow11');
  assert.equal(usable('', 'strip_vlan'), 'OpenFlow10,NXM');
  assert.equal(usable('', 'set_field:1->reg0'), 'NXM,OXM');
  assert.equal(usable('', 'meter:1'), 'OXM-OpenFlow13,OXM-OpenFlow14,OXM-OpenFlow15');
  assert.equal(usable('ip', 'dec_ttl'), 'any');
  assert.equal(usable('', 'dec_ttl'), 'OpenFlow10,NXM');
});

test('mod_vlan_vid pushes a VLAN in OpenFlow 1.3 only when the match has none', () => {
  const plain = parseActions('mod_vlan_vid:5', { match: parseMatch('') });
  assert.equal(formatActions(decodeActions(encodeActions(plain, 4, { instructions: true }), 4, { instructions: true })),
    'push_vlan:0x8100,set_field:4101->vlan_vid');
  const tagged = parseActions('mod_vlan_vid:5', { match: parseMatch('dl_vlan=7') });
  assert.equal(formatActions(decodeActions(encodeActions(tagged, 4, { instructions: true }), 4, { instructions: true })),
    'set_field:4101->vlan_vid');
});

test('formatActions() prints port names when given them', () => {
  const names = new Map([[1, 'p1'], [2, 'eth0']]);
  assert.equal(formatActions(parseActions('output:1,enqueue:2:3,resubmit:1'), { names }),
    'output:p1,enqueue:eth0:3,resubmit:p1');
  assert.deepEqual(parseActions('output:p1', { portNames: new Map([['p1', 1]]) }), [{ type: 'output', port: 1, maxLen: 0 }]);
  assert.equal(formatActions([]), 'drop');
});

test('checkActions() with a version refuses what the match makes inconsistent there', () => {
  const pop = parseActions('pop_vlan');
  assert.doesNotThrow(() => checkActions(pop, new Match(), { version: 1 }));
  assert.throws(() => checkActions(pop, new Match(), { version: 4 }),
    (e) => e instanceof OfpError && e.errorName === 'OFPBAC_MATCH_INCONSISTENT');
  assert.doesNotThrow(() => checkActions(pop, parseMatch('dl_vlan=5'), { version: 4 }));
  assert.throws(() => checkActions(parseActions('output:65535'), new Match()),
    (e) => e instanceof OfpError && e.errorName === 'OFPBAC_BAD_OUT_PORT');
});

test('parseActions() without instructions refuses them, as in group buckets and packet-outs', () => {
  assert.throws(() => parseActions('output:1,goto_table:2', { instructions: false }), /goto_table instruction not allowed here/);
  assert.throws(() => parseActions('write_actions(output:1)', { instructions: false }), /write_actions instruction not allowed here/);
  assert.deepEqual(parseActions('output:1', { instructions: false }), [{ type: 'output', port: 1, maxLen: 0 }]);
});
