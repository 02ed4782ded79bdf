// Unit tests of the classifier: priorities, staged lookup and prefix tries
// (through the wildcards they leave), versions and bundles, conjunctions,
// iteration, exact finds, replacement and the overlap check.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as L from '../flow/layout.js';
import { Match } from '../flow/match.js';
import { parseMatch } from '../flow/parse.js';
import { Classifier } from './classifier.js';
import { ClsRule, type Conjunction } from './rule.js';

function rule(text: string, priority: number, conjunctions?: Conjunction[]): ClsRule<string> {
  return new ClsRule(parseMatch(text), priority, { data: `${text} @${priority}`, conjunctions });
}

/** A packet key with the fields `text` gives (everything else zero). */
function packet(text: string): Uint32Array {
  return parseMatch(text, { normalize: false }).key;
}

/** The words a wildcards mask sets, as "word:mask" in hex. */
function setWords(wc: Uint32Array): string[] {
  const out: string[] = [];
  for (let w = 0; w < L.KEY_WORDS; w++) if (wc[w] !== 0) out.push(`${w}:${wc[w].toString(16)}`);
  return out;
}

function lookupWc(cls: Classifier<string>, key: Uint32Array, version = 0): [string | null, string[]] {
  const wc = new Uint32Array(L.KEY_WORDS);
  const r = cls.lookup(key, version, wc);
  return [r === null ? null : r.data, setWords(wc)];
}

test('lookup() returns the highest-priority rule that matches', () => {
  const cls = new Classifier<string>();
  cls.insert(rule('ip', 10));
  cls.insert(rule('tcp,tp_dst=80', 20));
  cls.insert(rule('tcp,nw_src=10.0.0.0/8', 30));
  cls.insert(rule('', 0));
  assert.equal(cls.lookup(packet('tcp,nw_src=10.1.1.1,tp_dst=80'), 0)?.data, 'tcp,nw_src=10.0.0.0/8 @30');
  assert.equal(cls.lookup(packet('tcp,nw_src=11.1.1.1,tp_dst=80'), 0)?.data, 'tcp,tp_dst=80 @20');
  assert.equal(cls.lookup(packet('udp,nw_src=11.1.1.1,tp_dst=80'), 0)?.data, 'ip @10');
  assert.equal(cls.lookup(packet('arp'), 0)?.data, ' @0');
  assert.equal(cls.count, 4);
  assert.equal(cls.subtableCount, 4);
});

test('rules with the same match and different priorities: the highest wins until it is removed', () => {
  const cls = new Classifier<string>();
  const low = rule('tcp,tp_dst=22', 5);
  const high = rule('tcp,tp_dst=22', 50);
  const middle = rule('tcp,tp_dst=22', 20);
  cls.insert(low);
  cls.insert(high);
  cls.insert(middle);
  assert.equal(cls.subtableCount, 1);
  const key = packet('tcp,tp_dst=22');
  assert.equal(cls.lookup(key, 0), high);
  assert.ok(cls.remove(high));
  assert.equal(cls.lookup(key, 0), middle);
  assert.ok(cls.remove(middle));
  assert.equal(cls.lookup(key, 0), low);
  assert.equal(cls.remove(middle), false);
  assert.equal(cls.count, 1);
});

test('removing the rule that gave a subtable its priority lets a lower subtable win again', () => {
  const cls = new Classifier<string>();
  const top = rule('ip,nw_dst=10.0.0.1', 100);
  const other = rule('ip,nw_dst=10.0.0.2', 1);
  cls.insert(top);
  cls.insert(other);
  cls.insert(rule('ip,nw_src=1.2.3.4', 50));
  const key = packet('ip,nw_src=1.2.3.4,nw_dst=10.0.0.1');
  assert.equal(cls.lookup(key, 0), top);
  cls.remove(top);
  assert.equal(cls.lookup(key, 0)?.data, 'ip,nw_src=1.2.3.4 @50');
  key[L.NW_DST] = 0x0a000002;
  assert.equal(cls.lookup(key, 0)?.data, 'ip,nw_src=1.2.3.4 @50');
  key[L.NW_SRC] = 0;
  assert.equal(cls.lookup(key, 0), other);
});

test('lookup() un-wildcards only the stages it examined', () => {
  const cls = new Classifier<string>({ prefixFields: ['none'] });
  cls.insert(rule('in_port=1,tcp,nw_src=10.0.0.1,tp_dst=80', 10));
  // Metadata stage misses: only in_port looked at.
  assert.deepEqual(lookupWc(cls, packet('in_port=2,tcp,nw_src=10.0.0.1,tp_dst=80')),
    [null, [`${L.IN_PORT}:ffff`]]);
  // L2 misses (an ARP packet): in_port and dl_type.
  assert.deepEqual(lookupWc(cls, packet('in_port=1,arp')), [null, [`${L.IN_PORT}:ffff`, `${L.DL_TYPE}:ffff`]]);
  // L3 misses: no transport port yet.
  assert.deepEqual(lookupWc(cls, packet('in_port=1,tcp,nw_src=10.0.0.2,tp_dst=80')),
    [null, [`${L.IN_PORT}:ffff`, `${L.DL_TYPE}:ffff`, `${L.NW_SRC}:ffffffff`, `${L.NW_PROTO}:ff`]]);
  // L4 decides: everything the rule matches.
  const all = [`${L.IN_PORT}:ffff`, `${L.DL_TYPE}:ffff`, `${L.NW_SRC}:ffffffff`, `${L.NW_PROTO}:ff`,
    `${L.TP_DST}:ffff`];
  assert.deepEqual(lookupWc(cls, packet('in_port=1,tcp,nw_src=10.0.0.1,tp_dst=81')), [null, all]);
  assert.deepEqual(lookupWc(cls, packet('in_port=1,tcp,nw_src=10.0.0.1,tp_dst=80')),
    ['in_port=1,tcp,nw_src=10.0.0.1,tp_dst=80 @10', all]);
});

test('lookup() looks at nothing below a match of higher priority than every other subtable', () => {
  const cls = new Classifier<string>();
  cls.insert(rule('in_port=1', 100));
  cls.insert(rule('tcp,tp_dst=80', 50));
  assert.deepEqual(lookupWc(cls, packet('in_port=1,tcp,tp_dst=80')), ['in_port=1 @100', [`${L.IN_PORT}:ffff`]]);
});

test('a prefix trie un-wildcards only the address bits that rule a subtable out', () => {
  const withTrie = new Classifier<string>({ prefixFields: ['nw_dst'] });
  const without = new Classifier<string>({ prefixFields: [] });
  for (const cls of [withTrie, without]) {
    cls.insert(rule('ip,nw_dst=10.1.2.0/24', 10));
    cls.insert(rule('ip', 0));
  }
  const key = packet('ip,nw_dst=192.168.0.1');
  // 192.x differs from 10.x in the first bit already.
  assert.deepEqual(lookupWc(withTrie, key), ['ip @0', [`${L.DL_TYPE}:ffff`, `${L.NW_DST}:80000000`]]);
  assert.deepEqual(lookupWc(without, key), ['ip @0', [`${L.DL_TYPE}:ffff`, `${L.NW_DST}:ffffff00`]]);
  // 10.1.3.1 agrees with the /24 on 23 bits: 24 decide.
  assert.deepEqual(lookupWc(withTrie, packet('ip,nw_dst=10.1.3.1')),
    ['ip @0', [`${L.DL_TYPE}:ffff`, `${L.NW_DST}:ffffff00`]]);
  // Inside the prefix the rule matches.
  assert.equal(lookupWc(withTrie, packet('ip,nw_dst=10.1.2.77'))[0], 'ip,nw_dst=10.1.2.0/24 @10');
});

test('a prefix trie never un-wildcards more bits than the subtable prefix', () => {
  const cls = new Classifier<string>({ prefixFields: ['nw_src'] });
  cls.insert(rule('ip,nw_src=10.0.0.0/8', 10));
  cls.insert(rule('ip,nw_src=10.1.2.3', 5));
  cls.insert(rule('ip', 0));
  // 11.1.2.3 is ruled out for the /8 by 8 bits; for the /32 the trie walk
  // stops where 11 leaves 10 (bit 8).
  const [found, wc] = lookupWc(cls, packet('ip,nw_src=11.1.2.3'));
  assert.equal(found, 'ip @0');
  assert.deepEqual(wc, [`${L.DL_TYPE}:ffff`, `${L.NW_SRC}:ff000000`]);
});

test('prefix tries work on IPv6 addresses when configured', () => {
  const cls = new Classifier<string>({ prefixFields: ['ipv6_dst'] });
  cls.insert(rule('ipv6,ipv6_dst=2001:db8::/32', 10));
  cls.insert(rule('ipv6', 0));
  const [found, wc] = lookupWc(cls, packet('ipv6,ipv6_dst=2001:db9::1'));
  assert.equal(found, 'ipv6 @0');
  assert.deepEqual(wc, [`${L.DL_TYPE}:ffff`, `${L.IPV6_DST}:ffffffff`]);
  const [found2, wc2] = lookupWc(cls, packet('ipv6,ipv6_dst=fe80::1'));
  assert.equal(found2, 'ipv6 @0');
  assert.deepEqual(wc2, [`${L.DL_TYPE}:ffff`, `${L.IPV6_DST}:80000000`]);
  assert.equal(cls.lookup(packet('ipv6,ipv6_dst=2001:db8::5'), 0)?.data, 'ipv6,ipv6_dst=2001:db8::/32 @10');
});

test('setPrefixFields() rebuilds the tries and refuses unknown or too many fields', () => {
  const cls = new Classifier<string>({ prefixFields: [] });
  cls.insert(rule('ip,nw_dst=10.1.2.0/24', 10));
  cls.insert(rule('ip', 0));
  const key = packet('ip,nw_dst=192.168.0.1');
  assert.deepEqual(lookupWc(cls, key)[1], [`${L.DL_TYPE}:ffff`, `${L.NW_DST}:ffffff00`]);
  cls.setPrefixFields(['ip_dst']);
  assert.deepEqual(cls.prefixFields, ['ip_dst']);
  assert.deepEqual(lookupWc(cls, key)[1], [`${L.DL_TYPE}:ffff`, `${L.NW_DST}:80000000`]);
  assert.throws(() => cls.setPrefixFields(['tp_dst']), /tp_dst: not a field that can have a prefix trie/);
  assert.throws(() => cls.setPrefixFields(['nw_src', 'nw_dst', 'ipv6_src', 'ipv6_dst']), /at most 3/);
  assert.throws(() => cls.setPrefixFields(['nw_src', 'ip_src']), /given twice/);
  assert.deepEqual(new Classifier().prefixFields, ['ip_dst', 'ip_src']);
});

test('a rule is visible in the versions [addVersion, removeVersion) and purge() removes it later', () => {
  const cls = new Classifier<string>();
  const r = rule('tcp', 10);
  cls.insert(r, 5);
  const key = packet('tcp');
  assert.equal(cls.lookup(key, 4), null);
  assert.equal(cls.lookup(key, 5), r);
  cls.removeInVersion(r, 8);
  assert.equal(cls.lookup(key, 7), r);
  assert.equal(cls.lookup(key, 8), null);
  assert.deepEqual(cls.purge(7), []);
  assert.equal(cls.count, 1);
  assert.deepEqual(cls.purge(8), [r]);
  assert.equal(cls.count, 0);
  assert.equal(cls.subtableCount, 0);
});

test('a bundle of adds and deletes becomes visible in one version, and an aborted one leaves no trace', () => {
  const cls = new Classifier<string>();
  const oldA = rule('tcp,tp_dst=80', 10);
  const oldB = rule('tcp,tp_dst=443', 10);
  cls.insert(oldA, 1);
  cls.insert(oldB, 1);
  // Bundle for version 2: replace tp_dst=80 by a new rule with the same
  // match, delete 443, add 22.
  const newA = rule('tcp,tp_dst=80', 10);
  const newC = rule('tcp,tp_dst=22', 10);
  cls.insert(newA, 2);
  cls.removeInVersion(oldA, 2);
  cls.removeInVersion(oldB, 2);
  cls.insert(newC, 2);
  const k80 = packet('tcp,tp_dst=80');
  const k443 = packet('tcp,tp_dst=443');
  const k22 = packet('tcp,tp_dst=22');
  assert.deepEqual([cls.lookup(k80, 1), cls.lookup(k443, 1), cls.lookup(k22, 1)], [oldA, oldB, null]);
  assert.deepEqual([cls.lookup(k80, 2), cls.lookup(k443, 2), cls.lookup(k22, 2)], [newA, null, newC]);
  assert.equal(cls.findExactly(parseMatch('tcp,tp_dst=80'), 10, 1), oldA);
  assert.equal(cls.findExactly(parseMatch('tcp,tp_dst=80'), 10, 2), newA);
  assert.deepEqual(cls.purge(2), [oldA, oldB]);
  assert.equal(cls.count, 2);
  // An aborted bundle for version 3.
  const newD = rule('udp', 10);
  cls.insert(newD, 3);
  cls.removeInVersion(newA, 3);
  cls.remove(newD);
  cls.restoreVisibility(newA);
  assert.equal(cls.lookup(k80, 3), newA);
  assert.deepEqual(cls.purge(100), []);
  assert.equal(cls.count, 2);
});

test('replace() swaps the rule with the same match and priority and returns it', () => {
  const cls = new Classifier<string>();
  const a = rule('ip,nw_src=1.1.1.1', 7);
  cls.insert(a);
  const b = rule('ip,nw_src=1.1.1.1', 7);
  assert.equal(cls.replace(b), a);
  assert.equal(cls.count, 1);
  assert.equal(cls.lookup(packet('ip,nw_src=1.1.1.1'), 0), b);
  assert.equal(cls.replace(rule('ip,nw_src=1.1.1.1', 8)), null);
  assert.equal(cls.count, 2);
  assert.throws(() => cls.insert(b), /already in a classifier/);
});

// The example of ovs-fields(7): ip_src in {1,4,6,7} and ip_dst in {2,5,7,8}.
function conjunctionTable(): Classifier<string> {
  const cls = new Classifier<string>();
  cls.insert(rule('conj_id=1234', 100));
  for (const src of [1, 4, 6, 7]) cls.insert(rule(`ip,ip_src=10.0.0.${src}`, 100, [{ id: 1234, clause: 1, nClauses: 2 }]));
  for (const dst of [2, 5, 7, 8]) cls.insert(rule(`ip,ip_dst=10.0.0.${dst}`, 100, [{ id: 1234, clause: 2, nClauses: 2 }]));
  cls.insert(rule('ip', 1));
  return cls;
}

test('a packet that matches one clause of every dimension gets the conj_id rule', () => {
  const cls = conjunctionTable();
  const key = packet('ip,ip_src=10.0.0.4,ip_dst=10.0.0.8');
  assert.equal(cls.lookup(key, 0)?.data, 'conj_id=1234 @100');
  assert.equal(key[L.CONJ_ID], 0, 'conj_id is restored');
  assert.equal(cls.lookup(packet('ip,ip_src=10.0.0.4,ip_dst=10.0.0.9'), 0)?.data, 'ip @1');
  assert.equal(cls.lookup(packet('ip,ip_src=10.0.0.3,ip_dst=10.0.0.8'), 0)?.data, 'ip @1');
});

test('a satisfied conjunction without a conj_id rule falls back to the next match', () => {
  const cls = new Classifier<string>();
  cls.insert(rule('ip,ip_src=10.0.0.1', 100, [{ id: 7, clause: 1, nClauses: 2 }, { id: 8, clause: 1, nClauses: 2 }]));
  cls.insert(rule('ip,ip_dst=10.0.0.2', 100, [{ id: 7, clause: 2, nClauses: 2 }]));
  cls.insert(rule('tcp', 100, [{ id: 8, clause: 2, nClauses: 2 }]));
  // The second lookup (with conj_id set) finds any ordinary rule that
  // matches, so the fallback here is one that only conj_id 0 matches.
  cls.insert(rule('conj_id=0,ip', 1));
  const key = packet('tcp,ip_src=10.0.0.1,ip_dst=10.0.0.2');
  assert.equal(cls.lookup(key, 0)?.data, 'conj_id=0,ip @1');
  cls.insert(rule('conj_id=8', 100));
  assert.equal(cls.lookup(key, 0)?.data, 'conj_id=8 @100');
  // conj_id 7 comes first (lower id at the same priority) once it has a rule.
  cls.insert(rule('conj_id=7', 100));
  assert.equal(cls.lookup(key, 0)?.data, 'conj_id=7 @100');
  // A clause rule made ordinary is a plain match again.
  const clause = cls.rules({ target: parseMatch('tcp'), strict: true })[0];
  cls.setConjunctions(clause, null);
  assert.equal(cls.lookup(key, 0)?.data, 'tcp @100');
});

test('clause rules ask for 2 to 64 clauses with 1 <= k <= n', () => {
  assert.throws(() => rule('ip', 1, [{ id: 1, clause: 1, nClauses: 1 }]), /1 clauses/);
  assert.throws(() => rule('ip', 1, [{ id: 1, clause: 3, nClauses: 2 }]), /clause 3 of 2/);
  assert.throws(() => rule('ip', 1, []), /at least one/);
  const cls = new Classifier<string>();
  for (let k = 1; k <= 64; k++) cls.insert(rule(`reg0=${k}`, 5, [{ id: 9, clause: k, nClauses: 64 }]));
  cls.insert(rule('conj_id=9', 5));
  const key = new Uint32Array(L.KEY_WORDS);
  key[L.REGS] = 3;
  assert.equal(cls.lookup(key, 0), null, 'one clause of 64 is not enough');
});

test('rules() selects loosely, strictly, by priority and by version', () => {
  const cls = new Classifier<string>();
  const a = rule('tcp,tp_dst=80', 10);
  const b = rule('tcp,tp_dst=80,nw_src=10.0.0.1', 20);
  const c = rule('tcp', 30);
  const d = rule('udp,tp_dst=80', 10);
  for (const r of [a, b, c, d]) cls.insert(r);
  const e = rule('tcp,tp_dst=80', 11);
  cls.insert(e, 4);
  assert.deepEqual(cls.rules().map((r) => r.priority), [30, 20, 11, 10, 10]);
  assert.deepEqual(cls.rules({ target: parseMatch('tcp,tp_dst=80') }), [b, e, a]);
  assert.deepEqual(cls.rules({ target: parseMatch('tcp,tp_dst=80'), version: 3 }), [b, a]);
  assert.deepEqual(cls.rules({ target: parseMatch('tcp,tp_dst=80'), strict: true }).sort((x, y) => x.priority - y.priority),
    [a, e]);
  assert.deepEqual(cls.rules({ target: parseMatch('tcp,tp_dst=80'), strict: true, priority: 10 }), [a]);
  assert.deepEqual(cls.rules({ priority: 10 }).sort((x, y) => (x.data < y.data ? -1 : 1)), [a, d]);
  assert.deepEqual(cls.rules({ target: new Match() }).length, 5);
  // Removing while walking a snapshot is safe.
  for (const r of cls.rules()) cls.remove(r);
  assert.equal(cls.count, 0);
});

test('findExactly() wants the same match and priority', () => {
  const cls = new Classifier<string>();
  const a = rule('tcp,tp_dst=80', 10);
  cls.insert(a);
  assert.equal(cls.findExactly(parseMatch('tcp,tp_dst=80'), 10), a);
  assert.equal(cls.findExactly(parseMatch('tcp,tp_dst=80'), 11), null);
  assert.equal(cls.findExactly(parseMatch('tcp,tp_dst=81'), 10), null);
  assert.equal(cls.findExactly(parseMatch('tcp'), 10), null);
  assert.ok(a.match.equals(parseMatch('tcp,tp_dst=80')));
});

test('findOverlap() finds a same-priority rule that some packet could match too', () => {
  const cls = new Classifier<string>();
  const a = rule('tcp,tp_dst=80', 10);
  cls.insert(a);
  cls.insert(rule('udp', 10));
  assert.equal(cls.findOverlap(parseMatch('tcp,nw_src=10.0.0.1'), 10, 0), a);
  assert.equal(cls.findOverlap(parseMatch('tcp,tp_dst=81'), 10, 0), null);
  assert.equal(cls.findOverlap(parseMatch('tcp,nw_src=10.0.0.1'), 11, 0), null);
  assert.equal(cls.findOverlap(parseMatch('tcp,tp_dst=80'), 10, 0), a, 'an identical rule overlaps');
  assert.equal(cls.findOverlap(parseMatch('arp'), 10, 0), null);
  cls.removeInVersion(a, 3);
  assert.equal(cls.findOverlap(parseMatch('tcp'), 10, 3), null);
});

test('conjunction clauses count only above the best ordinary match, not at its priority', () => {
  const cls = new Classifier<string>();
  cls.insert(rule('ip,ip_src=10.0.0.1', 100, [{ id: 1, clause: 1, nClauses: 2 }]));
  cls.insert(rule('ip,ip_dst=10.0.0.2', 100, [{ id: 1, clause: 2, nClauses: 2 }]));
  cls.insert(rule('conj_id=1', 200));
  const ordinary = rule('ip', 100);
  cls.insert(ordinary);
  const key = packet('ip,ip_src=10.0.0.1,ip_dst=10.0.0.2');
  assert.equal(cls.lookup(key, 0), ordinary);
  cls.remove(ordinary);
  assert.equal(cls.lookup(key, 0)?.data, 'conj_id=1 @200');
});
