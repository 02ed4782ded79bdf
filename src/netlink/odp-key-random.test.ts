import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as L from '../flow/layout.js';
import { Match } from '../flow/match.js';
import { NlBuffer } from './buffer.js';
import { parseOdpKey, parseOdpMask, putOdpFlowKey, putOdpKey, putOdpMask } from './odp-key.js';
import { xorshift32 } from '../lib/random.js';

// Property: any key the layout can express for the datapath decodes back to
// itself, and any megaflow's mask does too. Keys are drawn at random (seeded,
// bounded) from protocol templates, with every field at its full width.

function randomKey(next: () => number): Uint32Array {
  const k = L.newKey();
  const bits = (n: number): number => (n >= 32 ? next() : next() & ((1 << n) - 1)) >>> 0;
  const maybe = (): boolean => (next() & 1) === 1;
  k[L.IN_PORT] = bits(32);
  if (maybe()) k[L.SKB_PRIORITY] = bits(32);
  if (maybe()) k[L.PKT_MARK] = bits(32);
  if (maybe()) k[L.RECIRC_ID] = bits(32);
  if (maybe()) k[L.DP_HASH] = bits(32);
  if (maybe()) {
    k[L.CT_STATE] = bits(8);
    k[L.CT_ZONE] = bits(16);
    k[L.CT_MARK] = bits(32);
    for (let i = 0; i < 4; i++) k[L.CT_LABEL + i] = bits(32);
  }
  if (maybe()) {
    if (maybe()) k[L.TUN_IPV4_DST] = bits(32) | 1;
    else for (let i = 0; i < 4; i++) k[L.TUN_IPV6_DST + i] = bits(32) | 1;
    if (maybe()) k[L.TUN_IPV4_SRC] = bits(32);
    if (maybe()) for (let i = 0; i < 4; i++) k[L.TUN_IPV6_SRC + i] = bits(32);
    k[L.TUN_ID_HI] = maybe() ? bits(32) : 0;
    k[L.TUN_ID_LO] = bits(32);
    k[L.TUN_FLAGS] = bits(4) | (k[L.TUN_ID_HI] !== 0 || k[L.TUN_ID_LO] !== 0 ? 4 : 0);
    k[L.TUN_TOS] = bits(8);
    k[L.TUN_TTL] = bits(8);
    k[L.TUN_TP_SRC] = bits(16);
    k[L.TUN_TP_DST] = bits(16);
    if (maybe()) {
      k[L.TUN_GBP_ID] = bits(16);
      k[L.TUN_GBP_FLAGS] = bits(8);
    }
    const erspan = next() % 3;
    if (erspan === 1) {
      k[L.TUN_ERSPAN_VER] = 1;
      k[L.TUN_ERSPAN_IDX] = bits(20);
    } else if (erspan === 2) {
      k[L.TUN_ERSPAN_VER] = 2;
      k[L.TUN_ERSPAN_HWID] = bits(6);
      k[L.TUN_ERSPAN_DIR] = bits(1);
    }
  }
  k[L.DL_SRC_HI] = bits(16);
  k[L.DL_SRC_LO] = bits(32);
  k[L.DL_DST_HI] = bits(16);
  k[L.DL_DST_LO] = bits(32);
  const vlans = next() % 3;
  for (let i = 0; i < vlans; i++) {
    k[L.VLAN0 + i] = (((maybe() ? 0x8100 : 0x88a8) << 16) | 0x1000 | bits(16)) >>> 0;
  }
  const template = next() % 11;
  const ip = (v6: boolean, proto: number): void => {
    k[L.DL_TYPE] = v6 ? 0x86dd : 0x0800;
    if (v6) {
      for (let i = 0; i < 4; i++) {
        k[L.IPV6_SRC + i] = bits(32);
        k[L.IPV6_DST + i] = bits(32);
      }
      k[L.IPV6_LABEL] = bits(20);
    } else {
      k[L.NW_SRC] = bits(32);
      k[L.NW_DST] = bits(32);
    }
    k[L.NW_PROTO] = proto;
    k[L.NW_TOS] = bits(8);
    k[L.NW_TTL] = bits(8);
    k[L.NW_FRAG] = [0, 1, 3][next() % 3];
    if (k[L.CT_STATE] !== 0 && maybe()) {
      k[L.CT_NW_PROTO] = bits(8) | 1;
      k[L.CT_TP_SRC] = bits(16);
      k[L.CT_TP_DST] = bits(16);
      for (let i = 0; i < (v6 ? 4 : 1); i++) {
        k[(v6 ? L.CT_IPV6_SRC : L.CT_NW_SRC) + i] = bits(32);
        k[(v6 ? L.CT_IPV6_DST : L.CT_NW_DST) + i] = bits(32);
      }
    }
    if ((k[L.NW_FRAG] & 2) !== 0) return;
    if (proto === 6 || proto === 17 || proto === 132) {
      k[L.TP_SRC] = bits(16);
      k[L.TP_DST] = bits(16);
      if (proto === 6) k[L.TCP_FLAGS] = bits(12);
    } else if (proto === 1 || proto === 58) {
      k[L.TP_SRC] = proto === 58 && maybe() ? 135 + (next() & 1) : bits(8);
      k[L.TP_DST] = proto === 58 && (k[L.TP_SRC] === 135 || k[L.TP_SRC] === 136) && maybe() ? 0 : bits(8);
      if (proto === 58 && k[L.TP_DST] === 0 && (k[L.TP_SRC] === 135 || k[L.TP_SRC] === 136)) {
        for (let i = 0; i < 4; i++) k[L.ND_TARGET + i] = bits(32);
        k[L.ARP_SHA_HI] = bits(16);
        k[L.ARP_SHA_LO] = bits(32);
        k[L.ARP_THA_HI] = bits(16);
        k[L.ARP_THA_LO] = bits(32);
      }
    }
  };
  switch (template) {
    case 0: ip(false, 6); break;
    case 1: ip(false, 17); break;
    case 2: ip(false, 132); break;
    case 3: ip(false, 1); break;
    case 4: ip(true, 6); break;
    case 5: ip(true, 58); break;
    case 6: ip(false, bits(8) === 6 ? 7 : 47); break;
    case 7:
      k[L.DL_TYPE] = maybe() ? 0x0806 : 0x8035;
      k[L.NW_SRC] = bits(32);
      k[L.NW_DST] = bits(32);
      k[L.NW_PROTO] = bits(8);
      k[L.ARP_SHA_HI] = bits(16);
      k[L.ARP_SHA_LO] = bits(32);
      k[L.ARP_THA_HI] = bits(16);
      k[L.ARP_THA_LO] = bits(32);
      break;
    case 8: {
      k[L.DL_TYPE] = maybe() ? 0x8847 : 0x8848;
      const count = 1 + (next() % 3);
      for (let i = 0; i < count; i++) k[L.MPLS_LSE0 + i] = bits(32) & ~0x100;
      if (count < 3 || maybe()) k[L.MPLS_LSE0 + count - 1] |= 0x100;
      break;
    }
    case 9: k[L.DL_TYPE] = 0x05ff; break;
    default: k[L.DL_TYPE] = 0x0600 + (bits(16) % 0x1000); break;
  }
  return k;
}

test('random keys from every protocol template decode back to themselves (seeded, 600 keys)', () => {
  const next = xorshift32(0x5eed);
  const buf = new NlBuffer();
  const back = L.newKey();
  for (let i = 0; i < 600; i++) {
    const key = randomKey(next);
    buf.reset();
    putOdpKey(buf, key);
    assert.equal(buf.error, 0);
    assert.equal(parseOdpKey(buf.data(), back, { checkProtocols: true }), 0, `key ${i}`);
    assert.deepEqual(back, key, `key ${i}`);
  }
});

/** Words that decide which attributes a key has: kept exact so key and mask share one shape. */
const STRUCTURAL = [
  L.DL_TYPE, L.NW_PROTO, L.NW_FRAG, L.TP_SRC, L.TP_DST, L.VLAN0, L.VLAN1, L.MPLS_LSE0, L.MPLS_LSE1,
  L.MPLS_LSE2, L.TUN_FLAGS, L.TUN_ERSPAN_VER, L.PACKET_TYPE, L.TUN_IPV4_DST, L.TUN_IPV4_SRC, L.TUN_ID_HI,
  L.TUN_ID_LO, L.TUN_IPV6_DST, L.TUN_IPV6_DST + 1, L.TUN_IPV6_DST + 2, L.TUN_IPV6_DST + 3, L.TUN_IPV6_SRC,
  L.TUN_IPV6_SRC + 1, L.TUN_IPV6_SRC + 2, L.TUN_IPV6_SRC + 3, L.CT_NW_PROTO,
];

test('random megaflows (a key under a random mask) round-trip key and mask (seeded, 300 flows)', () => {
  const next = xorshift32(0xbeef);
  const buf = new NlBuffer();
  const key = L.newKey();
  const mask = L.newKey();
  const widths = L.newKey();
  for (let i = 0; i < 300; i++) {
    const flow = randomKey(next);
    // The bits each word carries for this flow's shape: encode an all-ones mask and read it back.
    buf.reset();
    putOdpMask(buf, new Match(flow, new Uint32Array(L.KEY_WORDS).fill(0xffffffff)));
    assert.equal(parseOdpMask(buf.data(), widths), 0);
    const match = new Match();
    for (let w = 0; w < L.KEY_WORDS; w++) {
      const random = (next() & 3) !== 0 ? 0xffffffff : next();
      match.setMasked(w, flow[w], (random & widths[w]) >>> 0);
    }
    for (const w of STRUCTURAL) match.setMasked(w, flow[w], widths[w]);
    buf.reset();
    putOdpFlowKey(buf, match);
    assert.equal(parseOdpKey(buf.data(), key), 0, `flow ${i} key`);
    buf.reset();
    putOdpMask(buf, match);
    assert.equal(parseOdpMask(buf.data(), mask), 0, `flow ${i} mask`);
    assert.deepEqual(mask, match.mask, `flow ${i} mask`);
    // The key agrees under the mask (the tunnel key flag, say, travels as the presence of the id).
    for (let w = 0; w < L.KEY_WORDS; w++) {
      assert.equal((key[w] & match.mask[w]) >>> 0, match.key[w], `flow ${i} key word ${w}`);
    }
  }
});
