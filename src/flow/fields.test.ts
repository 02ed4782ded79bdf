// Unit tests of the match field table: names, header lookups, layout places
// and setting/reading values through the table.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  MATCH_FIELDS,
  OXM_CLASSES,
  fieldByHeader,
  fieldByHeaderName,
  fieldByName,
  getFieldMasked,
  setFieldMasked,
  type MatchField,
  type TunMetadataMap,
} from './fields.js';
import * as L from './layout.js';
import { Match } from './match.js';

function must(name: string): MatchField {
  const f = fieldByName(name);
  assert.ok(f, `no field ${name}`);
  return f;
}

test('fieldByName() finds canonical names and aliases, and nothing else', () => {
  assert.equal(must('dl_src').name, 'eth_src');
  assert.equal(must('nw_dst').name, 'ip_dst');
  assert.equal(must('tp_src').name, 'tcp_src');
  assert.equal(must('ip_proto').name, 'nw_proto');
  assert.equal(must('nw_frag').name, 'ip_frag');
  assert.equal(must('ip_ecn').name, 'nw_ecn');
  assert.equal(must('tunnel_id').name, 'tun_id');
  assert.equal(must('dl_type').name, 'eth_type');
  assert.equal(must('nsp').name, 'nsh_spi');
  assert.equal(must('nsi').name, 'nsh_si');
  assert.equal(must('nshc4').name, 'nsh_c4');
  assert.equal(fieldByName('NXM_OF_ETH_SRC'), undefined, 'NXM names are not flow text names');
  assert.equal(fieldByName('reg16'), undefined);
  assert.equal(fieldByName('xreg8'), undefined);
  assert.equal(fieldByName('xxreg4'), undefined);
  assert.equal(fieldByName('tun_metadata64'), undefined);
});

test('every name in the table is unique and every field has the documented register counts', () => {
  const seen = new Set<string>();
  for (const f of MATCH_FIELDS) {
    for (const n of [f.name, ...f.aliases]) {
      assert.ok(!seen.has(n), `duplicate name ${n}`);
      seen.add(n);
    }
  }
  const count = (re: RegExp): number => MATCH_FIELDS.filter((f) => re.test(f.name)).length;
  assert.equal(count(/^reg\d+$/), 16);
  assert.equal(count(/^xreg\d+$/), 8);
  assert.equal(count(/^xxreg\d+$/), 4);
  assert.equal(count(/^tun_metadata\d+$/), 64);
});

test('every field lies inside the key and its word mask fits its bits', () => {
  for (const f of MATCH_FIELDS) {
    assert.ok(f.word >= 0 && f.word + f.words <= L.KEY_WORDS, f.name);
    if (f.words === 1) {
      assert.notEqual(f.wordMask, 0, f.name);
      assert.ok(f.bits <= f.bytes * 8, f.name);
      const widest = f.bytes >= 4 ? 0xffffffff : ((2 ** (f.bytes * 8) - 1) * 2 ** f.shift) >>> 0;
      assert.equal((f.wordMask & ~widest) >>> 0, 0, `${f.name} covers bits beyond its bytes`);
    } else {
      assert.ok(f.bytes <= f.words * 4 || f.tunMetadataIndex !== undefined, f.name);
    }
  }
});

test('fieldByHeader() looks fields up by class, field number and experimenter', () => {
  assert.equal(fieldByHeader(OXM_CLASSES.OXM_OF.oxmClass, 4)?.name, 'eth_src');
  assert.equal(fieldByHeader(OXM_CLASSES.NXM_OF.oxmClass, 2)?.name, 'eth_src');
  assert.equal(fieldByHeader(OXM_CLASSES.NXM_NX.oxmClass, 3)?.name, 'reg3');
  assert.equal(fieldByHeader(OXM_CLASSES.OXM_OF_PKT_REG.oxmClass, 2)?.name, 'xreg2');
  assert.equal(fieldByHeader(0xffff, 42, 0x4f4e4600)?.name, 'tcp_flags');
  assert.equal(fieldByHeader(0xffff, 12, 0x00002320)?.name, 'tun_erspan_ver');
  assert.equal(fieldByHeader(0x1000, 1)?.name, 'nd_reserved');
  assert.equal(fieldByHeader(0xffff, 42, 0x12345678), undefined);
  // NSH fields use their own experimenter id (as ovs-ofctl encodes them), not Nicira's.
  assert.equal(fieldByHeader(0xffff, 1, 0x005ad650)?.name, 'nsh_flags');
  assert.equal(fieldByHeader(0xffff, 10, 0x005ad650)?.name, 'nsh_ttl');
  assert.equal(fieldByHeader(0xffff, 9, 0x005ad650)?.name, 'nsh_c4');
  assert.equal(fieldByHeader(0xffff, 1, 0x00002320), undefined);
  assert.equal(fieldByHeader(OXM_CLASSES.NXM_NX.oxmClass, 40 + 17)?.name, 'tun_metadata17');
  assert.equal(fieldByHeaderName('NXM_OF_VLAN_TCI')?.name, 'vlan_tci');
  assert.equal(fieldByHeaderName('OXM_OF_IPV6_FLABEL')?.name, 'ipv6_label');
});

test('setFieldMasked() places values in the layout as layout.ts describes', () => {
  const m = new Match();
  setFieldMasked(m, must('eth_src'), { value: Uint8Array.of(1, 2, 3, 4, 5, 6), mask: new Uint8Array(6).fill(0xff) });
  assert.equal(m.key[L.DL_SRC_HI], 0x0102);
  assert.equal(m.key[L.DL_SRC_LO], 0x03040506);
  assert.equal(m.mask[L.DL_SRC_HI], 0xffff);
  setFieldMasked(m, must('metadata'), {
    value: Uint8Array.of(0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0),
    mask: new Uint8Array(8).fill(0xff),
  });
  assert.equal(m.key[L.METADATA_HI], 0x12345678);
  assert.equal(m.key[L.METADATA_LO], 0x9abcdef0);
  setFieldMasked(m, must('xxreg1'), { value: Uint8Array.of(7), mask: Uint8Array.of(0xff) });
  assert.equal(m.key[L.REGS + 7], 7, 'xxreg1 ends in reg7');
  assert.equal(m.mask[L.REGS + 7], 0xff);
  assert.equal(m.mask[L.REGS + 4], 0);
});

test('sub-word fields share a word without disturbing each other', () => {
  const m = new Match();
  const one = (n: number, bytes: number): Uint8Array => {
    const out = new Uint8Array(bytes);
    for (let i = bytes - 1; i >= 0; i--, n = Math.floor(n / 256)) out[i] = n % 256;
    return out;
  };
  setFieldMasked(m, must('mpls_label'), { value: one(0xabcde, 4), mask: one(0xffffffff, 4) });
  setFieldMasked(m, must('mpls_tc'), { value: one(5, 1), mask: one(0xff, 1) });
  setFieldMasked(m, must('mpls_bos'), { value: one(1, 1), mask: one(0xff, 1) });
  setFieldMasked(m, must('mpls_ttl'), { value: one(64, 1), mask: one(0xff, 1) });
  assert.equal(m.key[L.MPLS_LSE0], ((0xabcde << 12) | (5 << 9) | (1 << 8) | 64) >>> 0);
  assert.equal(m.mask[L.MPLS_LSE0], 0xffffffff);
  assert.deepEqual(getFieldMasked(m, must('mpls_tc')), { value: one(5, 1), mask: one(7, 1) });
  assert.deepEqual(getFieldMasked(m, must('mpls_label')).value, one(0xabcde, 4));

  const t = new Match();
  setFieldMasked(t, must('ip_dscp'), { value: one(46, 1), mask: one(0xff, 1) });
  setFieldMasked(t, must('nw_ecn'), { value: one(3, 1), mask: one(0xff, 1) });
  assert.equal(t.key[L.NW_TOS], (46 << 2) | 3);
  assert.deepEqual(getFieldMasked(t, must('nw_tos')).value, one(46 << 2, 1));
});

test('getFieldMasked() reads back what setFieldMasked() wrote for every fixed field', () => {
  let seed = 12345;
  const random = (): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed >>> 24;
  };
  for (const f of MATCH_FIELDS) {
    if (f.tunMetadataIndex !== undefined || f.special) continue;
    const value = Uint8Array.from({ length: f.bytes }, random);
    const mask = new Uint8Array(f.bytes).fill(0xff);
    const m = new Match();
    setFieldMasked(m, f, { value, mask });
    const back = getFieldMasked(m, f);
    // What comes back is the value limited to the bits the field keeps.
    const kept = getFieldMasked(m, f).mask;
    const expected = value.map((b, i) => b & kept[i]);
    assert.deepEqual(back.value, expected, f.name);
    for (let w = 0; w < L.KEY_WORDS; w++) assert.equal(m.key[w] & ~m.mask[w], 0, `${f.name} left key bits unmasked`);
  }
});

test('tun_metadata fields go where the TLV map says and set their present bit', () => {
  const map: TunMetadataMap = new Map([[40, { offset: 8, length: 4 }]]);
  const m = new Match();
  setFieldMasked(m, must('tun_metadata40'), {
    value: Uint8Array.of(0xde, 0xad, 0xbe, 0xef),
    mask: Uint8Array.of(0xff, 0xff, 0xff, 0xff),
    tunMetadata: map,
  });
  assert.equal(m.key[L.TUN_METADATA + 2], 0xdeadbeef);
  assert.equal(m.key[L.TUN_METADATA_PRESENT_HI], 1 << 8);
  assert.equal(m.key[L.TUN_METADATA_PRESENT_LO], 0);
  assert.deepEqual(getFieldMasked(m, must('tun_metadata40'), { tunMetadata: map }).value, Uint8Array.of(0xde, 0xad, 0xbe, 0xef));
  assert.throws(() => getFieldMasked(m, must('tun_metadata41'), { tunMetadata: map }), RangeError);
});

test('every NXM/OXM header of the table leads back to its field, and no header is shared', () => {
  const seen = new Set<string>();
  for (const f of MATCH_FIELDS) {
    for (const h of f.headers) {
      const c: { oxmClass: number; experimenter?: number } = OXM_CLASSES[h.prefix];
      const key = `${c.oxmClass}:${h.field}:${c.experimenter}`;
      assert.ok(!seen.has(key), `${h.name} shares its numbers`);
      seen.add(key);
      assert.equal(fieldByHeader(c.oxmClass, h.field, c.experimenter), f, h.name);
      assert.equal(fieldByHeaderName(h.name), f, h.name);
      assert.ok(h.name.startsWith(h.prefix), `${h.name} does not start with ${h.prefix}`);
    }
  }
});
