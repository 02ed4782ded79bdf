// Property tests of the classifier against a linear-scan reference over
// random, real-looking rule sets (L2, IPv4/IPv6 prefixes, 5-tuples,
// registers, conjunctions, versions): lookup() must return what the
// reference returns, and every key that agrees with the looked-up key on the
// bits lookup() reported in its wildcards must get the same rule.
// Each case replays from its seed (src/lib/random.ts).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as L from '../flow/layout.js';
import { Match } from '../flow/match.js';
import { xorshift32 } from '../lib/random.js';
import { Classifier } from './classifier.js';
import { ClsRule, VERSION_NOT_REMOVED, type Conjunction } from './rule.js';

/** The classifier's semantics, spelled out with a scan over every rule. */
class LinearClassifier {
  readonly rules: ClsRule<number>[] = [];

  private best(key: Uint32Array, version: number, clauses: boolean): ClsRule<number> | null {
    let best: ClsRule<number> | null = null;
    for (const r of this.rules) {
      if (!r.isVisibleIn(version) || !r.matchesKey(key) || (r.conjunctions !== null) !== clauses) continue;
      if (best === null || r.priority > best.priority) best = r;
    }
    return best;
  }

  lookup(key: Uint32Array, version: number): ClsRule<number> | null {
    const hard = this.best(key, version, false);
    const floor = hard === null ? -Infinity : hard.priority;
    const soft = this.rules.filter((r) => r.conjunctions !== null && r.isVisibleIn(version) && r.matchesKey(key)
      && r.priority > floor);
    const candidates: [number, number][] = [];
    for (const s of soft) {
      for (const c of s.conjunctions as Conjunction[]) {
        const seen = new Set<number>();
        for (const t of soft) {
          if (t.priority !== s.priority) continue;
          for (const d of t.conjunctions as Conjunction[]) {
            if (d.id === c.id && d.nClauses === c.nClauses) seen.add(d.clause);
          }
        }
        if (seen.size === c.nClauses) candidates.push([s.priority, c.id]);
      }
    }
    candidates.sort((a, b) => b[0] - a[0] || a[1] - b[1]);
    for (const [, id] of candidates) {
      const k = Uint32Array.from(key);
      k[L.CONJ_ID] = id;
      const found = this.best(k, version, false);
      if (found !== null) return found;
    }
    return hard;
  }
}

type Random = () => number;

const pick = <T>(random: Random, list: readonly T[]): T => list[random() % list.length];

/** Field templates: a mask recipe that fills a match from small value pools. */
interface Template {
  (random: Random, m: Match): void;
}

const prefixMaskOf = (bits: number): number => (bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0);
const ADDRESSES = [0x0a000001, 0x0a000002, 0x0a0001fe, 0x0a010203, 0xc0a80001, 0xc0a80101, 0xac100005, 0x08080808];
const PORTS = [22, 53, 80, 443, 8080, 1234];
const MACS: [number, number][] = [[0x0000, 0x00000001], [0x0000, 0x00000002], [0x0a00, 0x27000003], [0xffff, 0xffffffff]];

function ipv4(random: Random, m: Match, word: number, bits: number): void {
  m.setMasked(word, pick(random, ADDRESSES), prefixMaskOf(bits));
}

function makeTemplates(random: Random): Template[] {
  const all: Template[] = [
    (r, m) => m.setMasked(L.IN_PORT, 1 + (r() % 4), 0xffff),
    (r, m) => {
      const [hi, lo] = pick(r, MACS);
      m.setMasked(L.DL_DST_HI, hi, 0xffff);
      m.setMasked(L.DL_DST_LO, lo, 0xffffffff);
    },
    (r, m) => {
      m.setMasked(L.DL_TYPE, 0x0800, 0xffff);
      ipv4(r, m, L.NW_DST, pick(r, [8, 16, 24, 32]));
    },
    (r, m) => {
      m.setMasked(L.DL_TYPE, 0x0800, 0xffff);
      ipv4(r, m, L.NW_SRC, pick(r, [8, 24, 32]));
      ipv4(r, m, L.NW_DST, pick(r, [16, 32]));
    },
    (r, m) => {
      // A 5-tuple.
      m.setMasked(L.DL_TYPE, 0x0800, 0xffff);
      m.setMasked(L.NW_PROTO, pick(r, [6, 17]), 0xff);
      ipv4(r, m, L.NW_SRC, 32);
      ipv4(r, m, L.NW_DST, 32);
      m.setMasked(L.TP_SRC, pick(r, PORTS), 0xffff);
      m.setMasked(L.TP_DST, pick(r, PORTS), 0xffff);
    },
    (r, m) => {
      m.setMasked(L.DL_TYPE, 0x0800, 0xffff);
      m.setMasked(L.NW_PROTO, 6, 0xff);
      m.setMasked(L.TP_DST, pick(r, PORTS), pick(r, [0xffff, 0xff00, 0xfff0]));
    },
    (r, m) => {
      m.setMasked(L.DL_TYPE, 0x86dd, 0xffff);
      const bits = pick(r, [16, 48, 64, 128]);
      const base = pick(r, [[0x20010db8, 0, 0, 1], [0x20010db8, 1, 0, 2], [0xfe800000, 0, 0, 1]]);
      for (let i = 0; i < 4; i++) m.setMasked(L.IPV6_DST + i, base[i], prefixMaskOf(Math.max(0, Math.min(32, bits - 32 * i))));
    },
    (r, m) => m.setMasked(L.REGS, r() % 3, pick(r, [0xffffffff, 0x3])),
    (r, m) => {
      m.setMasked(L.METADATA_LO, r() % 2, 0xffffffff);
      m.setMasked(L.DL_TYPE, pick(r, [0x0800, 0x0806]), 0xffff);
    },
    (r, m) => m.setMasked(L.VLAN0, 0x81000000 | 0x1000 | pick(r, [10, 20]), 0x1fff),
    (r, m) => {
      // An arbitrary (non-prefix) mask on an address: no trie for it.
      m.setMasked(L.DL_TYPE, 0x0800, 0xffff);
      m.setMasked(L.NW_SRC, pick(r, ADDRESSES), 0xff0000ff);
    },
  ];
  // A table uses a random selection of 4 to 11 templates, some combined.
  const chosen: Template[] = [];
  const n = 4 + (random() % (all.length - 3));
  for (let i = 0; i < n; i++) {
    const a = pick(random, all);
    if (random() % 3 === 0) {
      const b = pick(random, all);
      chosen.push((r, m) => {
        a(r, m);
        b(r, m);
      });
    } else {
      chosen.push(a);
    }
  }
  return chosen;
}

/** A conjunction clause's match for dimension `clause`. */
function clauseDimension(random: Random, m: Match, clause: number): void {
  m.setMasked(L.DL_TYPE, 0x0800, 0xffff);
  if (clause === 1) {
    m.setMasked(L.NW_SRC, pick(random, ADDRESSES), 0xffffffff);
  } else if (clause === 2) {
    m.setMasked(L.NW_PROTO, 6, 0xff);
    m.setMasked(L.TP_DST, pick(random, PORTS), 0xffff);
  } else {
    m.setMasked(L.IN_PORT, 1 + (random() % 4), 0xffff);
  }
}

interface Table {
  cls: Classifier<number>;
  ref: LinearClassifier;
  rules: ClsRule<number>[];
}

function buildTable(seed: number, options: { conjunctions: boolean; versions: boolean; prefixFields?: string[] }): Table {
  const random = xorshift32(seed);
  const templates = makeTemplates(random);
  const cls = new Classifier<number>({ prefixFields: options.prefixFields ?? ['nw_src', 'nw_dst', 'ipv6_dst'] });
  const ref = new LinearClassifier();
  const rules: ClsRule<number>[] = [];
  const nRules = 20 + (random() % 150);
  const usedPriorities = new Set<number>();
  if (options.conjunctions && random() % 2 === 0) {
    // An ordinary rule at a clause priority: clauses must beat it, not tie.
    const m = new Match();
    m.setMasked(L.DL_TYPE, 0x0800, 0xffff);
    if (random() % 2 === 0) m.setMasked(L.REGS, random() % 3, 0xffffffff);
    const r = new ClsRule(m, 500, { data: -1 });
    cls.insert(r, 0);
    ref.rules.push(r);
    rules.push(r);
    usedPriorities.add(500);
  }
  for (let i = 0; i < nRules; i++) {
    const m = new Match();
    pick(random, templates)(random, m);
    let conjunctions: Conjunction[] | undefined;
    let priority: number;
    if (options.conjunctions && random() % 4 === 0) {
      // A clause of conjunction 1 or 2 (2 or 3 clauses) at priority 500 or 600.
      // Dimension k of every conjunction is one field: nw_src, tp_dst, in_port.
      const id = 1 + (random() % 2);
      const nClauses = id + 1;
      const clause = 1 + (random() % nClauses);
      conjunctions = [{ id, clause, nClauses }];
      if (clause <= 2 && random() % 3 === 0) conjunctions.push({ id: 3, clause, nClauses: 2 });
      const clauseMatch = new Match();
      clauseDimension(random, clauseMatch, clause);
      if (random() % 4 === 0) clauseMatch.setMasked(L.REGS, random() % 3, 0xffffffff);
      m.key.set(clauseMatch.key);
      m.mask.set(clauseMatch.mask);
      priority = pick(random, [500, 600]);
    } else if (options.conjunctions && random() % 10 === 0) {
      m.setMasked(L.CONJ_ID, 1 + (random() % 3), 0xffffffff);
      do priority = pick(random, [500, 600, 100 + (random() % 800)]); while (usedPriorities.has(priority));
    } else {
      do priority = random() % 1000; while (usedPriorities.has(priority));
    }
    if (conjunctions === undefined) usedPriorities.add(priority);
    const r = new ClsRule(m, priority, { data: i, conjunctions });
    const version = options.versions ? random() % 4 : 0;
    cls.insert(r, version);
    if (options.versions && random() % 4 === 0) cls.removeInVersion(r, version + 1 + (random() % 3));
    ref.rules.push(r);
    rules.push(r);
  }
  return { cls, ref, rules };
}

/** A packet key near the rules: one rule's key with some fields changed. */
function randomKey(random: Random, table: Table): Uint32Array {
  const key = new Uint32Array(L.KEY_WORDS);
  const base = pick(random, table.rules).match;
  key.set(base.key);
  key[L.CONJ_ID] = 0;
  if (random() % 3 === 0) {
    // A TCP packet from the pools of every conjunction dimension.
    const m = new Match();
    for (let clause = 1; clause <= 3; clause++) clauseDimension(random, m, clause);
    for (let w = 0; w < L.KEY_WORDS; w++) if (m.mask[w] !== 0) key[w] = m.key[w];
  }
  // Perturb a few fields: an address, a port, the type, a register.
  const fields = [L.IN_PORT, L.DL_DST_LO, L.DL_TYPE, L.NW_SRC, L.NW_DST, L.NW_PROTO, L.TP_SRC, L.TP_DST, L.REGS,
    L.IPV6_DST, L.IPV6_DST + 3, L.VLAN0, L.METADATA_LO];
  const changes = random() % 4;
  for (let i = 0; i < changes; i++) {
    const w = pick(random, fields);
    switch (random() % 3) {
      case 0: key[w] = random(); break;
      case 1: key[w] ^= 1 << (random() % 32); break;
      default: key[w] = pick(random, table.rules).match.key[w];
    }
  }
  return key;
}

/**
 * `key` with bits outside `wc` changed: taken from another rule's key (the
 * likeliest way to make another rule match), all at random, or a few.
 */
function agreeingKey(random: Random, key: Uint32Array, wc: Uint32Array, table: Table): Uint32Array {
  const k2 = Uint32Array.from(key);
  const mode = random() % 3;
  if (mode === 0) {
    const other = pick(random, table.rules).match.key;
    for (let w = 0; w < L.KEY_WORDS; w++) k2[w] = (key[w] & wc[w]) | (other[w] & ~wc[w]);
  } else if (mode === 1) {
    for (let w = 0; w < L.KEY_WORDS; w++) k2[w] = (key[w] & wc[w]) | (random() & ~wc[w]);
  } else {
    // A few words changed a little: a bit flipped, or a small value (as
    // conj_id, registers and ports take) in the free bits.
    for (let i = 0; i < 4; i++) {
      const w = random() % L.KEY_WORDS;
      const change = random() % 2 === 0 ? 1 << (random() % 32) : (k2[w] ^ (random() % 4));
      k2[w] ^= change & ~wc[w];
    }
    if (random() % 4 === 0) k2[L.CONJ_ID] = (key[L.CONJ_ID] & wc[L.CONJ_ID]) | ((1 + (random() % 3)) & ~wc[L.CONJ_ID]);
  }
  return k2;
}

function describe(r: ClsRule<number> | null): string {
  return r === null ? 'none' : `rule ${r.data} (priority ${r.priority})`;
}

function checkTable(seed: number, options: Parameters<typeof buildTable>[1], keys: number): void {
  const table = buildTable(seed, options);
  const random = xorshift32(seed ^ 0x9e3779b9);
  const wc = new Uint32Array(L.KEY_WORDS);
  for (let i = 0; i < keys; i++) {
    const key = randomKey(random, table);
    const version = options.versions ? random() % 7 : 0;
    wc.fill(0);
    const got = table.cls.lookup(key, version, wc);
    const want = table.ref.lookup(key, version);
    assert.equal(describe(got), describe(want), `seed ${seed} key ${i}: lookup() disagrees with the reference`);
    for (let j = 0; j < 4; j++) {
      const k2 = agreeingKey(random, key, wc, table);
      const again = table.ref.lookup(k2, version);
      assert.equal(describe(again), describe(want),
        `seed ${seed} key ${i}.${j}: a key that agrees on the wildcards gets another rule`);
      assert.equal(table.cls.lookup(k2, version), again, `seed ${seed} key ${i}.${j}: lookup() of the agreeing key`);
    }
  }
}

const SEEDS = Array.from({ length: 60 }, (_, i) => 0x5eed + i * 7919);

test('lookup() agrees with a linear scan, and keys that agree on its wildcards get the same rule', () => {
  for (const seed of SEEDS) checkTable(seed, { conjunctions: false, versions: false }, 150);
});

test('the wildcards property holds without prefix tries and with IPv6 tries', () => {
  for (const seed of SEEDS.slice(0, 20)) checkTable(seed, { conjunctions: false, versions: false, prefixFields: [] }, 100);
  for (const seed of SEEDS.slice(20, 40)) {
    checkTable(seed, { conjunctions: false, versions: false, prefixFields: ['ipv6_dst', 'nw_dst'] }, 100);
  }
});

test('lookup() agrees with a linear scan with versions and conjunctions, wildcards included', () => {
  for (const seed of SEEDS) checkTable(seed, { conjunctions: true, versions: true }, 150);
});

test('removing rules in random order keeps lookup() and its wildcards right', () => {
  for (const seed of SEEDS.slice(0, 20)) {
    const table = buildTable(seed, { conjunctions: true, versions: false });
    const random = xorshift32(seed + 1);
    const order = table.rules.slice().sort(() => (random() & 1) - 0.5);
    const wc = new Uint32Array(L.KEY_WORDS);
    for (let i = 0; i < order.length; i++) {
      assert.ok(table.cls.remove(order[i]));
      table.ref.rules.splice(table.ref.rules.indexOf(order[i]), 1);
      assert.equal(table.cls.count, table.ref.rules.length);
      for (let k = 0; k < 5; k++) {
        const key = randomKey(random, table);
        wc.fill(0);
        const got = table.cls.lookup(key, 0, wc);
        assert.equal(describe(got), describe(table.ref.lookup(key, 0)), `seed ${seed} after ${i + 1} removals`);
        const k2 = agreeingKey(random, key, wc, table);
        assert.equal(describe(table.ref.lookup(k2, 0)), describe(got), `seed ${seed}: wildcards after removals`);
      }
    }
    assert.equal(table.cls.subtableCount, 0);
    assert.ok(table.rules.every((r) => r.removeVersion === VERSION_NOT_REMOVED || r.subtable === null));
  }
});
