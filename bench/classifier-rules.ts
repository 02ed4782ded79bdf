// A real-looking OpenFlow table for classifier benchmarks and megaflow
// comparisons: L2 learning entries, IPv4 routes of several prefix lengths,
// 5-tuples, port ACLs, IPv6 routes, ARP, VLANs, registers and metadata (16
// masks), each rule both as a Match and as ovs-ofctl text so that real Open
// vSwitch can load the same table. Deterministic from a seed.

import * as L from '../src/flow/layout.js';
import { Match } from '../src/flow/match.js';
import { formatEth, formatIpv4, formatIpv6 } from '../src/flow/format.js';
import { xorshift32 } from '../src/lib/random.js';

export interface TableRule {
  readonly match: Match;
  readonly priority: number;
  /** ovs-ofctl flow text without actions. */
  readonly text: string;
}

type Random = () => number;

/** How a kind of rule is made: its share of the table, priority and fields. */
interface Kind {
  readonly share: number;
  readonly priority: number;
  make(random: Random, m: Match, text: string[]): void;
}

const MAC_BASE = 0x0a0000;

function mac(m: Match, text: string[], hiWord: number, n: number, name: string): void {
  const hi = 0x0200 | (n >>> 24);
  const lo = ((MAC_BASE << 8) | (n & 0xffffff)) >>> 0;
  m.setMasked(hiWord, hi, 0xffff);
  m.setExact(hiWord + 1, lo);
  text.push(`${name}=${formatEth(hi, lo)}`);
}

function prefix(bits: number): number {
  return bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
}

function ipv4(m: Match, text: string[], word: number, value: number, bits: number, name: string): void {
  m.setMasked(word, value, prefix(bits));
  const masked = (value & prefix(bits)) >>> 0;
  text.push(bits === 32 ? `${name}=${formatIpv4(masked)}` : `${name}=${formatIpv4(masked)}/${bits}`);
}

function ipv6(m: Match, text: string[], word: number, value: number[], bits: number, name: string): void {
  const masked: number[] = [];
  for (let i = 0; i < 4; i++) {
    const mk = prefix(Math.max(0, Math.min(32, bits - 32 * i)));
    m.setMasked(word + i, value[i], mk);
    masked.push((value[i] & mk) >>> 0);
  }
  text.push(bits === 128 ? `${name}=${formatIpv6(masked)}` : `${name}=${formatIpv6(masked)}/${bits}`);
}

/** Addresses: 10.0.0.0/8 hosts and routes below 10.x and 172.16/12. */
const host = (random: Random): number => (0x0a000000 | (random() & 0xffffff)) >>> 0;

const KINDS: Kind[] = [
  { share: 20, priority: 100, make: (r, m, t) => {
    m.setMasked(L.IN_PORT, 1 + (r() % 48), 0xffff);
    t.push(`in_port=${m.key[L.IN_PORT]}`);
    mac(m, t, L.DL_DST_HI, r() & 0xffff, 'dl_dst');
  } },
  { share: 5, priority: 110, make: (r, m, t) => {
    const vid = 1 + (r() % 100);
    m.setMasked(L.VLAN0, 0x1000 | vid, 0x1fff);
    t.push(`dl_vlan=${vid}`);
    mac(m, t, L.DL_DST_HI, r() & 0xffff, 'dl_dst');
  } },
  { share: 10, priority: 232, make: (r, m, t) => {
    m.setMasked(L.DL_TYPE, 0x0800, 0xffff);
    t.unshift('ip');
    ipv4(m, t, L.NW_DST, host(r), 24, 'nw_dst');
  } },
  { share: 2, priority: 216, make: (r, m, t) => {
    m.setMasked(L.DL_TYPE, 0x0800, 0xffff);
    t.unshift('ip');
    ipv4(m, t, L.NW_DST, (0xac100000 | (r() & 0xfffff)) >>> 0, 16, 'nw_dst');
  } },
  { share: 10, priority: 240, make: (r, m, t) => {
    m.setMasked(L.DL_TYPE, 0x0800, 0xffff);
    t.unshift('ip');
    ipv4(m, t, L.NW_DST, host(r), 32, 'nw_dst');
  } },
  { share: 0.2, priority: 208, make: (r, m, t) => {
    m.setMasked(L.DL_TYPE, 0x0800, 0xffff);
    t.unshift('ip');
    ipv4(m, t, L.NW_SRC, (r() & 0xff) << 24, 8, 'nw_src');
  } },
  { share: 20, priority: 1000, make: (r, m, t) => {
    m.setMasked(L.DL_TYPE, 0x0800, 0xffff);
    m.setMasked(L.NW_PROTO, 6, 0xff);
    t.unshift('tcp');
    ipv4(m, t, L.NW_SRC, host(r), 32, 'nw_src');
    ipv4(m, t, L.NW_DST, host(r), 32, 'nw_dst');
    m.setMasked(L.TP_SRC, 1024 + (r() % 60000), 0xffff);
    m.setMasked(L.TP_DST, [80, 443, 22, 8080][r() % 4], 0xffff);
    t.push(`tp_src=${m.key[L.TP_SRC]}`, `tp_dst=${m.key[L.TP_DST]}`);
  } },
  { share: 10, priority: 1000, make: (r, m, t) => {
    m.setMasked(L.DL_TYPE, 0x0800, 0xffff);
    m.setMasked(L.NW_PROTO, 17, 0xff);
    t.unshift('udp');
    ipv4(m, t, L.NW_SRC, host(r), 32, 'nw_src');
    ipv4(m, t, L.NW_DST, host(r), 32, 'nw_dst');
    m.setMasked(L.TP_SRC, 1024 + (r() % 60000), 0xffff);
    m.setMasked(L.TP_DST, [53, 123, 4789][r() % 3], 0xffff);
    t.push(`tp_src=${m.key[L.TP_SRC]}`, `tp_dst=${m.key[L.TP_DST]}`);
  } },
  { share: 1, priority: 900, make: (r, m, t) => {
    m.setMasked(L.DL_TYPE, 0x0800, 0xffff);
    m.setMasked(L.NW_PROTO, 6, 0xff);
    t.unshift('tcp');
    m.setMasked(L.TP_DST, 1 + (r() % 1024), 0xffff);
    t.push(`tp_dst=${m.key[L.TP_DST]}`);
  } },
  { share: 0.5, priority: 900, make: (r, m, t) => {
    m.setMasked(L.DL_TYPE, 0x0800, 0xffff);
    m.setMasked(L.NW_PROTO, 17, 0xff);
    t.unshift('udp');
    m.setMasked(L.TP_DST, 1 + (r() % 1024), 0xffff);
    t.push(`tp_dst=${m.key[L.TP_DST]}`);
  } },
  { share: 5, priority: 264, make: (r, m, t) => {
    m.setMasked(L.DL_TYPE, 0x86dd, 0xffff);
    t.unshift('ipv6');
    ipv6(m, t, L.IPV6_DST, [0x20010db8, r() & 0xffff, 0, 0], 64, 'ipv6_dst');
  } },
  { share: 5, priority: 328, make: (r, m, t) => {
    m.setMasked(L.DL_TYPE, 0x86dd, 0xffff);
    t.unshift('ipv6');
    ipv6(m, t, L.IPV6_DST, [0x20010db8, r() & 0xffff, 0, r()], 128, 'ipv6_dst');
  } },
  { share: 5, priority: 300, make: (r, m, t) => {
    m.setMasked(L.REGS, 1 + (r() % 8), 0xffffffff);
    m.setMasked(L.DL_TYPE, 0x0800, 0xffff);
    t.unshift('ip');
    t.push(`reg0=${m.key[L.REGS]}`);
    ipv4(m, t, L.NW_DST, host(r), 24, 'nw_dst');
  } },
  { share: 5, priority: 150, make: (r, m, t) => {
    m.setMasked(L.DL_TYPE, 0x0806, 0xffff);
    t.unshift('arp');
    ipv4(m, t, L.NW_DST, host(r), 32, 'arp_tpa');
  } },
  { share: 1, priority: 50, make: (r, m, t) => {
    m.setMasked(L.METADATA_LO, 1 + (r() % 16), 0xffffffff);
    m.setMasked(L.METADATA_HI, 0, 0xffffffff);
    m.setMasked(L.IN_PORT, 1 + (r() % 48), 0xffff);
    t.push(`metadata=${m.key[L.METADATA_LO]}`, `in_port=${m.key[L.IN_PORT]}`);
  } },
  { share: 1, priority: 950, make: (r, m, t) => {
    m.setMasked(L.DL_TYPE, 0x0800, 0xffff);
    m.setMasked(L.NW_PROTO, 6, 0xff);
    t.unshift('tcp');
    ipv4(m, t, L.NW_DST, host(r), 24, 'nw_dst');
    m.setMasked(L.TP_DST, [80, 443][r() % 2], 0xffff);
    t.push(`tp_dst=${m.key[L.TP_DST]}`);
  } },
];

/**
 * `count` rules over the 16 kinds in proportion to their shares, plus a
 * priority-0 catch-all; duplicates (same match and priority) are skipped.
 */
export function makeTable(count: number, seed = 1): TableRule[] {
  const random = xorshift32(seed);
  const total = KINDS.reduce((s, k) => s + k.share, 0);
  const rules: TableRule[] = [{ match: new Match(), priority: 0, text: 'priority=0' }];
  const seen = new Set<string>();
  for (const kind of KINDS) {
    const n = Math.max(1, Math.round((count - 1) * kind.share / total));
    for (let i = 0, tries = 0; i < n && tries < n * 4; tries++) {
      const m = new Match();
      const text: string[] = [];
      kind.make(random, m, text);
      const line = `priority=${kind.priority},${text.join(',')}`;
      if (seen.has(line)) continue;
      seen.add(line);
      rules.push({ match: m, priority: kind.priority, text: line });
      i++;
    }
  }
  // Kinds with few possible values fall short; 5-tuples fill up the rest.
  while (rules.length < count) {
    const m = new Match();
    const text: string[] = [];
    KINDS[6].make(random, m, text);
    const line = `priority=${KINDS[6].priority},${text.join(',')}`;
    if (seen.has(line)) continue;
    seen.add(line);
    rules.push({ match: m, priority: KINDS[6].priority, text: line });
  }
  return rules.slice(0, count);
}

/**
 * Packet keys for `rules`: most take the fields of a random rule (so they
 * hit it or something near), some are changed so that they miss.
 */
export function makePackets(rules: readonly TableRule[], count: number, seed = 2): Uint32Array[] {
  const random = xorshift32(seed);
  const keys: Uint32Array[] = [];
  for (let i = 0; i < count; i++) {
    const key = new Uint32Array(L.KEY_WORDS);
    const r = rules[1 + (random() % (rules.length - 1))];
    key.set(r.match.key);
    if (key[L.DL_TYPE] === 0) key[L.DL_TYPE] = 0x0800;
    if (key[L.DL_TYPE] === 0x0800 && key[L.NW_PROTO] === 0) key[L.NW_PROTO] = [6, 17, 1][random() % 3];
    if (key[L.IN_PORT] === 0) key[L.IN_PORT] = 1 + (random() % 48);
    if (key[L.NW_DST] === 0 && key[L.DL_TYPE] === 0x0800) key[L.NW_DST] = host(random);
    // A quarter change an address or port so that the exact rule misses.
    switch (random() % 8) {
      case 0: key[L.NW_DST] ^= 1 << (random() % 8); break;
      case 1: key[L.TP_SRC] ^= 1; break;
      default: break;
    }
    keys.push(key);
  }
  return keys;
}
