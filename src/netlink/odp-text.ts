// The ODP text syntax: datapath flows as `ovs-dpctl dump-flows` prints them
// and `dpctl/add-flow` takes them. Keys go text <-> OVS_KEY_ATTR_* bytes (key
// and mask lists) and reach a Match through odp-key.ts, so text and netlink
// share one notion of which attributes a flow has; actions go text <->
// OdpAction[] (odp-actions.ts). dpctl and tests call it; never the hot path.
// Unlike OVS 3.1 the parser takes back everything the formatter prints.

import { ParseError } from '../lib/errors.js';
import { formatIpv4 as ip4Text, formatIpv6 as ip6Text, formatMac, parseIpv4, parseIpv6, parseMac } from '../packet/addr.js';
import { Match } from '../flow/match.js';
import * as L from '../flow/layout.js';
import { writeBe32 } from '../packet/bytes.js';
import { NlAttrIter, readBe16, readBe32, readU16, readU32 } from './attr.js';
import { NlBuffer } from './buffer.js';
import { parseOdpKey, parseOdpMask, putOdpFlowKey, putOdpMask } from './odp-key.js';
import type { CtNat, OdpAction } from './odp-actions.js';
import * as O from './openvswitch.js';

// --- Small text helpers ------------------------------------------------------

/** Splits at commas outside parentheses. */
function splitTop(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '(') depth++;
    else if (c === ')') {
      if (--depth < 0) throw new ParseError(`${text}: unbalanced parentheses`);
    } else if (c === ',' && depth === 0) {
      out.push(text.slice(start, i));
      start = i + 1;
    }
  }
  if (depth !== 0) throw new ParseError(`${text}: unbalanced parentheses`);
  out.push(text.slice(start));
  return out.map((s) => s.trim()).filter((s) => s !== '');
}

/** "name(args)" to its parts; "name" alone has args null. */
function call(text: string): { name: string; args: string | null } {
  const open = text.indexOf('(');
  if (open < 0) return { name: text, args: null };
  if (!text.endsWith(')')) throw new ParseError(`${text}: expected ')' at the end`);
  return { name: text.slice(0, open).trim(), args: text.slice(open + 1, -1) };
}

/** "key=value" pairs of an argument list, in order. */
function pairs(args: string): Array<[string, string]> {
  return splitTop(args).map((item) => {
    const eq = item.indexOf('=');
    const paren = item.indexOf('(');
    if (eq < 0 || (paren >= 0 && paren < eq)) return [call(item).name, item];
    return [item.slice(0, eq), item.slice(eq + 1)];
  });
}

function num(text: string, max: number, what: string): number {
  const t = text.trim();
  if (!/^(0[xX][0-9a-fA-F]+|[0-9]+)$/.test(t)) throw new ParseError(`${what}: ${text}: invalid number`);
  const v = Number(t);
  if (!(v <= max)) throw new ParseError(`${what}: ${text}: out of range (at most ${max})`);
  return v;
}

const hex = (v: number): string => (v === 0 ? '0' : '0x' + (v >>> 0).toString(16));

// --- Field descriptors ---------------------------------------------------------
//
// Each struct-valued key attribute is a list of fields at byte offsets of its
// openvswitch.h struct, in the order OVS prints them. Kinds: dec (decimal
// value, hex mask), hex, ip4, ip6, mac, frag (OVS_FRAG_TYPE_* as no/first/later).

type Kind = 'dec' | 'hex' | 'ip4' | 'ip6' | 'mac' | 'frag';
interface Field { readonly name: string; readonly off: number; readonly size: number; readonly kind: Kind }
const f = (name: string, off: number, size: number, kind: Kind): Field => ({ name, off, size, kind });

const STRUCTS: ReadonlyMap<number, { readonly name: string; readonly size: number; readonly fields: readonly Field[] }> = new Map([
  [O.OVS_KEY_ATTR_ETHERNET, { name: 'eth', size: 12, fields: [f('src', 0, 6, 'mac'), f('dst', 6, 6, 'mac')] }],
  [O.OVS_KEY_ATTR_IPV4, {
    name: 'ipv4', size: 12, fields: [f('src', 0, 4, 'ip4'), f('dst', 4, 4, 'ip4'), f('proto', 8, 1, 'dec'),
      f('tos', 9, 1, 'hex'), f('ttl', 10, 1, 'dec'), f('frag', 11, 1, 'frag')],
  }],
  [O.OVS_KEY_ATTR_IPV6, {
    name: 'ipv6', size: 40, fields: [f('src', 0, 16, 'ip6'), f('dst', 16, 16, 'ip6'), f('label', 32, 4, 'hex'),
      f('proto', 36, 1, 'dec'), f('tclass', 37, 1, 'hex'), f('hlimit', 38, 1, 'dec'), f('frag', 39, 1, 'frag')],
  }],
  [O.OVS_KEY_ATTR_TCP, { name: 'tcp', size: 4, fields: [f('src', 0, 2, 'dec'), f('dst', 2, 2, 'dec')] }],
  [O.OVS_KEY_ATTR_UDP, { name: 'udp', size: 4, fields: [f('src', 0, 2, 'dec'), f('dst', 2, 2, 'dec')] }],
  [O.OVS_KEY_ATTR_SCTP, { name: 'sctp', size: 4, fields: [f('src', 0, 2, 'dec'), f('dst', 2, 2, 'dec')] }],
  [O.OVS_KEY_ATTR_ICMP, { name: 'icmp', size: 2, fields: [f('type', 0, 1, 'dec'), f('code', 1, 1, 'dec')] }],
  [O.OVS_KEY_ATTR_ICMPV6, { name: 'icmpv6', size: 2, fields: [f('type', 0, 1, 'dec'), f('code', 1, 1, 'dec')] }],
  [O.OVS_KEY_ATTR_ARP, {
    name: 'arp', size: 24, fields: [f('sip', 0, 4, 'ip4'), f('tip', 4, 4, 'ip4'), f('op', 8, 2, 'dec'),
      f('sha', 10, 6, 'mac'), f('tha', 16, 6, 'mac')],
  }],
  [O.OVS_KEY_ATTR_ND, {
    name: 'nd', size: 28, fields: [f('target', 0, 16, 'ip6'), f('sll', 16, 6, 'mac'), f('tll', 22, 6, 'mac')],
  }],
  [O.OVS_KEY_ATTR_ND_EXTENSIONS, {
    name: 'nd_ext', size: 8, fields: [f('nd_reserved', 0, 4, 'hex'), f('nd_options_type', 4, 1, 'dec')],
  }],
  [O.OVS_KEY_ATTR_CT_ORIG_TUPLE_IPV4, {
    name: 'ct_tuple4', size: 16, fields: [f('src', 0, 4, 'ip4'), f('dst', 4, 4, 'ip4'), f('proto', 12, 1, 'dec'),
      f('tp_src', 8, 2, 'dec'), f('tp_dst', 10, 2, 'dec')],
  }],
  [O.OVS_KEY_ATTR_CT_ORIG_TUPLE_IPV6, {
    name: 'ct_tuple6', size: 40, fields: [f('src', 0, 16, 'ip6'), f('dst', 16, 16, 'ip6'), f('proto', 36, 1, 'dec'),
      f('tp_src', 32, 2, 'dec'), f('tp_dst', 34, 2, 'dec')],
  }],
]);

/** Single-number metadata attributes: name, byte size (host order), decimal or hex. */
const SCALARS: ReadonlyMap<number, { readonly name: string; readonly size: 2 | 4; readonly decimal: boolean }> = new Map([
  [O.OVS_KEY_ATTR_PRIORITY, { name: 'skb_priority', size: 4, decimal: false }],
  [O.OVS_KEY_ATTR_SKB_MARK, { name: 'skb_mark', size: 4, decimal: false }],
  [O.OVS_KEY_ATTR_CT_ZONE, { name: 'ct_zone', size: 2, decimal: false }],
  [O.OVS_KEY_ATTR_CT_MARK, { name: 'ct_mark', size: 4, decimal: false }],
  [O.OVS_KEY_ATTR_RECIRC_ID, { name: 'recirc_id', size: 4, decimal: false }],
  [O.OVS_KEY_ATTR_DP_HASH, { name: 'dp_hash', size: 4, decimal: false }],
  [O.OVS_KEY_ATTR_IN_PORT, { name: 'in_port', size: 4, decimal: true }],
]);

const NAME_TO_TYPE = new Map<string, number>();
for (const [t, s] of STRUCTS) NAME_TO_TYPE.set(s.name, t);
for (const [t, s] of SCALARS) NAME_TO_TYPE.set(s.name, t);

function readField(b: Uint8Array, o: number, fd: Field): number {
  return fd.size === 1 ? b[o + fd.off] : fd.size === 2 ? readBe16(b, o + fd.off) : readBe32(b, o + fd.off);
}

function isZero(b: Uint8Array, o: number, n: number): boolean {
  for (let i = 0; i < n; i++) if (b[o + i] !== 0) return false;
  return true;
}

function isOnes(b: Uint8Array, o: number, n: number): boolean {
  for (let i = 0; i < n; i++) if (b[o + i] !== 0xff) return false;
  return true;
}

const FRAG_NAMES = ['no', 'first', 'later'];

function fieldValueText(b: Uint8Array, o: number, fd: Field, isMask: boolean): string {
  switch (fd.kind) {
    case 'mac': return formatMac(b, o + fd.off);
    case 'ip4': return ip4Text(b, o + fd.off);
    case 'ip6': return ip6Text(b, o + fd.off);
    case 'frag': {
      const v = b[o + fd.off];
      return !isMask && v < 3 ? FRAG_NAMES[v] : hex(v);
    }
    case 'dec': return isMask ? hex(readField(b, o, fd)) : String(readField(b, o, fd));
    case 'hex': return hex(readField(b, o, fd));
  }
}

/**
 * "a=V,b=V/M": fields whose mask is not zero (all of them when verbose), the
 * mask only where it is not exact. `mask` null means exact.
 */
function formatFields(fields: readonly Field[], k: Uint8Array, ko: number, m: Uint8Array | null, mo: number, verbose: boolean): string {
  const out: string[] = [];
  for (const fd of fields) {
    const zero = m !== null && isZero(m, mo + fd.off, fd.size);
    if (zero && !verbose) continue;
    // ARP's 16-bit op is 8 bits in the layout: a mask of 0x00ff is exact.
    const exact = m === null || isOnes(m, mo + fd.off, fd.size)
      || (fd.name === 'op' && m[mo + fd.off + 1] === 0xff && m[mo + fd.off] === 0);
    let text = `${fd.name}=${fieldValueText(k, ko, fd, false)}`;
    if (!exact) text += '/' + fieldValueText(m, mo, fd, true);
    out.push(text);
  }
  return out.join(',');
}

function writeField(b: Uint8Array, o: number, fd: Field, text: string, isMask: boolean): void {
  const at = o + fd.off;
  switch (fd.kind) {
    case 'mac': b.set(parseMac(text), at); return;
    case 'ip4': b.set(parseIpv4(text), at); return;
    case 'ip6': b.set(parseIpv6(text), at); return;
    case 'frag': {
      const i = isMask ? -1 : FRAG_NAMES.indexOf(text);
      if (i >= 0) b[at] = i;
      else b[at] = num(text, 0xff, fd.name);
      return;
    }
    default: {
      const v = num(text, fd.size === 4 ? 0xffffffff : (1 << (8 * fd.size)) - 1, fd.name);
      for (let i = 0; i < fd.size; i++) b[at + i] = v / 2 ** (8 * (fd.size - 1 - i)) & 0xff;
    }
  }
}

/**
 * Parses "a=V[/M],..." into struct bytes; a field not named is wildcarded, one
 * without a mask is exact. Returns whether every field was given exactly.
 */
function parseFields(name: string, fields: readonly Field[], args: string, k: Uint8Array, m: Uint8Array): boolean {
  const seen = new Set<string>();
  let allExact = true;
  for (const [key, value] of pairs(args)) {
    const fd = fields.find((x) => x.name === key);
    if (fd === undefined) throw new ParseError(`${name}: unknown field ${key}`);
    if (seen.has(key)) throw new ParseError(`${name}: ${key} given twice`);
    seen.add(key);
    const slash = value.indexOf('/');
    writeField(k, 0, fd, slash < 0 ? value : value.slice(0, slash), false);
    if (slash < 0) {
      m.fill(0xff, fd.off, fd.off + fd.size);
    } else {
      allExact = false;
      writeField(m, 0, fd, value.slice(slash + 1), true);
    }
  }
  if (seen.size !== fields.length) allExact = false;
  return allExact;
}

// --- Flag sets -----------------------------------------------------------------

const CT_STATE_NAMES: ReadonlyArray<[string, number]> = [
  ['new', 0x01], ['est', 0x02], ['rel', 0x04], ['rpl', 0x08], ['inv', 0x10], ['trk', 0x20], ['snat', 0x40], ['dnat', 0x80],
];
const TCP_FLAG_NAMES: ReadonlyArray<[string, number]> = [
  ['fin', 0x001], ['syn', 0x002], ['rst', 0x004], ['psh', 0x008], ['ack', 0x010], ['urg', 0x020], ['ece', 0x040],
  ['cwr', 0x080], ['ns', 0x100],
];

/** "+a-b" for the bits under the mask; "a|b" when the mask is `full` (null: never). */
function formatFlags(names: ReadonlyArray<[string, number]>, value: number, mask: number, full: number | null): string {
  if (full !== null && (mask & full) === full && (value & ~full) === 0) {
    const on = names.filter(([, bit]) => (value & bit) !== 0).map(([n]) => n);
    return on.length === 0 ? '0' : on.join('|');
  }
  let out = '';
  let known = 0;
  for (const [n, bit] of names) {
    known |= bit;
    if ((mask & bit) !== 0) out += ((value & bit) !== 0 ? '+' : '-') + n;
  }
  if ((mask & ~known) !== 0 || out === '') return `${hex(value)}/${hex(mask)}`;
  return out;
}

function parseFlags(what: string, names: ReadonlyArray<[string, number]>, text: string, full: number): [number, number] {
  const t = text.trim();
  if (/^(0x[0-9a-fA-F]+|[0-9]+)(\/(0x[0-9a-fA-F]+|[0-9]+))?$/.test(t)) {
    const [v, m] = t.split('/');
    const mask = m === undefined ? full : num(m, full, what);
    return [num(v, full, what) & mask, mask];
  }
  if (t === '0') return [0, full];
  if (t[0] !== '+' && t[0] !== '-') {
    let value = 0;
    for (const part of t.split('|')) {
      const hit = names.find(([n]) => n === part);
      if (hit === undefined) throw new ParseError(`${what}: unknown flag ${part}`);
      value |= hit[1];
    }
    return [value, full];
  }
  let value = 0;
  let mask = 0;
  const re = /([+-])([a-z]+)/gy;
  let match: RegExpExecArray | null;
  let used = 0;
  while ((match = re.exec(t)) !== null) {
    const hit = names.find(([n]) => n === match![2]);
    if (hit === undefined) throw new ParseError(`${what}: unknown flag ${match[2]}`);
    mask |= hit[1];
    if (match[1] === '+') value |= hit[1];
    used = re.lastIndex;
  }
  if (used !== t.length) throw new ParseError(`${what}: ${text}: invalid flags`);
  return [value, mask];
}

// --- Tunnel ----------------------------------------------------------------------

// FLOW_TNL_F_* text names, as OVS prints them in tunnel(...flags(...)).
const TNL_FLAGS: ReadonlyArray<[string, number]> = [
  ['df', O.OVS_TUNNEL_KEY_ATTR_DONT_FRAGMENT], ['csum', O.OVS_TUNNEL_KEY_ATTR_CSUM], ['key', O.OVS_TUNNEL_KEY_ATTR_ID],
  ['oam', O.OVS_TUNNEL_KEY_ATTR_OAM],
];

const TUN_SCALARS: ReadonlyArray<{ name: string; type: number; size: number; kind: Kind }> = [
  { name: 'tun_id', type: O.OVS_TUNNEL_KEY_ATTR_ID, size: 8, kind: 'hex' },
  { name: 'src', type: O.OVS_TUNNEL_KEY_ATTR_IPV4_SRC, size: 4, kind: 'ip4' },
  { name: 'dst', type: O.OVS_TUNNEL_KEY_ATTR_IPV4_DST, size: 4, kind: 'ip4' },
  { name: 'ipv6_src', type: O.OVS_TUNNEL_KEY_ATTR_IPV6_SRC, size: 16, kind: 'ip6' },
  { name: 'ipv6_dst', type: O.OVS_TUNNEL_KEY_ATTR_IPV6_DST, size: 16, kind: 'ip6' },
  { name: 'tos', type: O.OVS_TUNNEL_KEY_ATTR_TOS, size: 1, kind: 'hex' },
  { name: 'ttl', type: O.OVS_TUNNEL_KEY_ATTR_TTL, size: 1, kind: 'dec' },
  { name: 'tp_src', type: O.OVS_TUNNEL_KEY_ATTR_TP_SRC, size: 2, kind: 'dec' },
  { name: 'tp_dst', type: O.OVS_TUNNEL_KEY_ATTR_TP_DST, size: 2, kind: 'dec' },
];

/** Attributes of a nest by type: offset and length, -1 when absent. */
function index(b: Uint8Array, start: number, end: number, max: number): Array<[number, number]> {
  const out: Array<[number, number]> = new Array(max + 1).fill(null).map(() => [-1, 0]);
  const it = new NlAttrIter(b, start, end);
  while (it.next()) if (it.type <= max) out[it.type] = [it.offset, it.length];
  return out;
}

function tunScalarText(b: Uint8Array, o: number, s: { size: number; kind: Kind }, isMask: boolean): string {
  if (s.size === 8) {
    const hi = readBe32(b, o);
    const lo = readBe32(b, o + 4);
    if (hi === 0) return hex(lo);
    return '0x' + hi.toString(16) + lo.toString(16).padStart(8, '0');
  }
  return fieldValueText(b, o, f('', 0, s.size, s.kind), isMask);
}

/** tunnel(...) from the tunnel nest of a key and (when not null) of a mask. */
function formatTunnel(k: Uint8Array, ks: number, ke: number, m: Uint8Array | null, ms: number, me: number, isSet: boolean): string {
  const ka = index(k, ks, ke, O.OVS_TUNNEL_KEY_ATTR_MAX);
  const ma = m === null ? null : index(m, ms, me, O.OVS_TUNNEL_KEY_ATTR_MAX);
  const out: string[] = [];
  for (const s of TUN_SCALARS) {
    const [ko] = ka[s.type];
    if (ko < 0) continue;
    let text = `${s.name}=${tunScalarText(k, ko, s, false)}`;
    if (ma !== null && m !== null) {
      const [mo] = ma[s.type];
      if (mo < 0 || isZero(m, mo, s.size)) continue;
      if (!isOnes(m, mo, s.size)) text += '/' + tunScalarText(m, mo, s, true);
    }
    out.push(text);
  }
  const [vo, vl] = ka[O.OVS_TUNNEL_KEY_ATTR_VXLAN_OPTS];
  if (vo >= 0) {
    const gbp = findU32(k, vo, vo + vl, O.OVS_VXLAN_EXT_GBP);
    if (gbp >= 0) {
      let text = `vxlan(gbp(id=${gbp & 0xffff},flags=${hex((gbp >>> 16) & 0xff)}`;
      const mv = ma !== null && m !== null && ma[O.OVS_TUNNEL_KEY_ATTR_VXLAN_OPTS][0] >= 0
        ? findU32(m, ma[O.OVS_TUNNEL_KEY_ATTR_VXLAN_OPTS][0], ma[O.OVS_TUNNEL_KEY_ATTR_VXLAN_OPTS][0]
          + ma[O.OVS_TUNNEL_KEY_ATTR_VXLAN_OPTS][1], O.OVS_VXLAN_EXT_GBP)
        : -1;
      if (mv >= 0 && (mv & 0xffffff) !== 0xffffff) {
        text = `vxlan(gbp(id=${gbp & 0xffff}/${hex(mv & 0xffff)},flags=${hex((gbp >>> 16) & 0xff)}/${hex((mv >>> 16) & 0xff)}`;
      }
      out.push(text + '))');
    }
  }
  const [eo] = ka[O.OVS_TUNNEL_KEY_ATTR_ERSPAN_OPTS];
  if (eo >= 0) out.push(formatErspan(k, eo, ma !== null && m !== null ? ma[O.OVS_TUNNEL_KEY_ATTR_ERSPAN_OPTS][0] : -2, m));
  // Flags: in a set action, the names of those present; in a match, +/- for
  // those the mask covers (OVS always covers df, csum and key).
  const flags: string[] = [];
  for (const [name, type] of TNL_FLAGS) {
    const on = ka[type][0] >= 0;
    if (isSet || m === null) {
      if (on) flags.push(name);
    } else if ((type !== O.OVS_TUNNEL_KEY_ATTR_OAM && type !== O.OVS_TUNNEL_KEY_ATTR_ID) || on
      || (ma !== null && ma[type][0] >= 0)) {
      flags.push((on ? '+' : '-') + name);
    }
  }
  if (isSet || m === null) out.push(`flags(${flags.join('|')})`);
  else out.push(`flags(${flags.join('')})`);
  return `tunnel(${out.join(',')})`;
}

/**
 * erspan(ver=1,idx=..) or erspan(ver=2,dir=..,hwid=..) from struct
 * erspan_metadata: version (host order), then v1's big-endian index or v2's
 * bit fields (byte 10 low 2 bits: hwid high bits; byte 11: hwid low 4 bits
 * in the high nibble, dir in bit 3). mo -2: exact; -1: wildcarded.
 */
function formatErspan(k: Uint8Array, ko: number, mo: number, m: Uint8Array | null): string {
  const ver = readU32(k, ko);
  const mb = mo >= 0 && m !== null ? m : null;
  const part = (name: string, v: number, mv: number, full: number, hexValue: boolean): string => {
    const vt = hexValue ? hex(v) : String(v);
    return mv === full ? `${name}=${vt}` : `${name}=${vt}/${hex(mv)}`;
  };
  const maskOf = (get: (b: Uint8Array, o: number) => number, full: number): number => (mo === -2 ? full : mb === null ? 0 : get(mb, mo));
  const parts = [part('ver', ver, maskOf((b, o) => readU32(b, o), 0xffffffff), 0xffffffff, false)];
  if (ver === 1) {
    parts.push(part('idx', readBe32(k, ko + 4), maskOf((b, o) => readBe32(b, o + 4), 0xffffffff), 0xffffffff, true));
  } else {
    const dir = (b: Uint8Array, o: number): number => (b[o + 11] >>> 3) & 1;
    const hwid = (b: Uint8Array, o: number): number => ((b[o + 10] & 3) << 4) | (b[o + 11] >>> 4);
    parts.push(part('dir', dir(k, ko), maskOf(dir, 1), 1, false));
    parts.push(part('hwid', hwid(k, ko), maskOf(hwid, 0x3f), 0x3f, true));
  }
  return `erspan(${parts.join(',')})`;
}

/** struct erspan_metadata bytes for parsed erspan(...) fields. */
function erspanBytes(ver: number, idx: number, dir: number, hwid: number): Uint8Array {
  const b = new Uint8Array(O.ERSPAN_METADATA_SIZE);
  b[0] = ver; b[1] = ver >>> 8; b[2] = ver >>> 16; b[3] = ver >>> 24;
  if (ver === 1) {
    b[4] = idx >>> 24; b[5] = idx >>> 16; b[6] = idx >>> 8; b[7] = idx;
  } else {
    b[10] = (hwid >>> 4) & 3;
    b[11] = ((hwid & 0xf) << 4) | ((dir & 1) << 3);
  }
  return b;
}

function findU32(b: Uint8Array, start: number, end: number, type: number): number {
  const it = new NlAttrIter(b, start, end);
  while (it.next()) if (it.type === type && it.length === 4) return readU32(b, it.offset);
  return -1;
}

/** Parses tunnel(...) arguments into key and mask nests (mask null for a set action). */
function parseTunnel(args: string, kb: NlBuffer, mb: NlBuffer | null): void {
  const kn = kb.startNested(O.OVS_KEY_ATTR_TUNNEL);
  const mn = mb?.startNested(O.OVS_KEY_ATTR_TUNNEL);
  let flagsKey = 0;
  let flagsMask = 0;
  let idGiven = false;
  const entries = pairs(args);
  for (const [name, value] of entries) {
    const s = TUN_SCALARS.find((x) => x.name === name);
    if (s !== undefined) {
      const slash = value.indexOf('/');
      const kv = tunBytes(s, slash < 0 ? value : value.slice(0, slash), false);
      const mv = slash < 0 ? new Uint8Array(s.size).fill(0xff) : tunBytes(s, value.slice(slash + 1), true);
      if (s.type === O.OVS_TUNNEL_KEY_ATTR_ID) idGiven = true;
      kb.putAttr(s.type, kv);
      mb?.putAttr(s.type, mv);
      continue;
    }
    const c = call(value);
    if (name === 'vxlan' && c.args !== null) {
      const g = call(c.args);
      if (g.name !== 'gbp' || g.args === null) throw new ParseError(`tunnel: ${value}: expected vxlan(gbp(...))`);
      let id = 0; let idMask = 0xffff; let fl = 0; let flMask = 0xff;
      for (const [gk, gv] of pairs(g.args)) {
        const [v, m] = gv.split('/');
        if (gk === 'id') { id = num(v, 0xffff, 'gbp id'); if (m !== undefined) idMask = num(m, 0xffff, 'gbp id'); }
        else if (gk === 'flags') { fl = num(v, 0xff, 'gbp flags'); if (m !== undefined) flMask = num(m, 0xff, 'gbp flags'); }
        else throw new ParseError(`tunnel: gbp: unknown field ${gk}`);
      }
      let n = kb.startNested(O.OVS_TUNNEL_KEY_ATTR_VXLAN_OPTS);
      kb.putAttrU32(O.OVS_VXLAN_EXT_GBP, ((fl << 16) | id) >>> 0);
      kb.endNested(n);
      if (mb) {
        n = mb.startNested(O.OVS_TUNNEL_KEY_ATTR_VXLAN_OPTS);
        mb.putAttrU32(O.OVS_VXLAN_EXT_GBP, ((flMask << 16) | idMask) >>> 0);
        mb.endNested(n);
      }
      continue;
    }
    if (name === 'erspan' && c.args !== null) {
      const v: Record<string, [number, number]> = { ver: [0, 0xffffffff], idx: [0, 0xffffffff], dir: [0, 1], hwid: [0, 0x3f] };
      const limits: Record<string, number> = { ver: 2, idx: 0xfffff, dir: 1, hwid: 0x3f };
      for (const [ek, ev] of pairs(c.args)) {
        if (!(ek in v)) throw new ParseError(`tunnel: erspan: unknown field ${ek}`);
        const [x, xm] = ev.split('/');
        v[ek] = [num(x, limits[ek], `erspan ${ek}`), xm === undefined ? v[ek][1] : num(xm, 0xffffffff, `erspan ${ek}`)];
      }
      const ver = v.ver[0];
      if (ver !== 1 && ver !== 2) throw new ParseError('tunnel: erspan: ver must be 1 or 2');
      kb.putAttr(O.OVS_TUNNEL_KEY_ATTR_ERSPAN_OPTS, erspanBytes(ver, v.idx[0], v.dir[0], v.hwid[0]));
      const mask = erspanBytes(ver, v.idx[1], v.dir[1], v.hwid[1]);
      const vm = v.ver[1];
      mask[0] = vm; mask[1] = vm >>> 8; mask[2] = vm >>> 16; mask[3] = vm >>> 24;
      mb?.putAttr(O.OVS_TUNNEL_KEY_ATTR_ERSPAN_OPTS, mask);
      continue;
    }
    if (name === 'flags' && c.args !== null) {
      const [v, m] = c.args === '' ? [0, 0] : parseFlags('tunnel flags', TNL_FLAGS.map(([n], i) => [n, 1 << i]), c.args, 0);
      flagsKey = v;
      flagsMask = mb === null ? v : (c.args.startsWith('+') || c.args.startsWith('-') ? m : v);
      continue;
    }
    if (name === 'geneve') {
      // TODO(#3): Geneve options need their raw TLVs, which the flow layout
      // keeps only through ofproto's TLV mapping table.
      throw new ParseError('tunnel: geneve(...) options are not supported yet');
    }
    throw new ParseError(`tunnel: unknown field ${name}`);
  }
  // Flags: present attributes are set; "key" is the presence of tun_id.
  for (let i = 0; i < TNL_FLAGS.length; i++) {
    const type = TNL_FLAGS[i][1];
    if (type === O.OVS_TUNNEL_KEY_ATTR_ID) {
      if ((flagsKey & (1 << i)) !== 0 && !idGiven) {
        kb.putAttr(type, new Uint8Array(8));
        mb?.putAttr(type, new Uint8Array(8).fill(0xff));
      }
      continue;
    }
    if ((flagsKey & (1 << i)) !== 0) kb.putFlag(type);
    if (mb && (flagsMask & (1 << i)) !== 0) mb.putFlag(type);
  }
  kb.endNested(kn);
  if (mb && mn !== undefined) mb.endNested(mn);
}

function tunBytes(s: { size: number; kind: Kind; name: string }, text: string, isMask: boolean): Uint8Array {
  if (s.size === 8) {
    const t = text.trim();
    if (!/^(0x[0-9a-fA-F]{1,16}|[0-9]+)$/.test(t)) throw new ParseError(`${s.name}: ${text}: invalid number`);
    let v = BigInt(t);
    if (v >= 1n << 64n) throw new ParseError(`${s.name}: ${text}: out of range`);
    const out = new Uint8Array(8);
    for (let i = 7; i >= 0; i--) { out[i] = Number(v & 0xffn); v >>= 8n; }
    return out;
  }
  const out = new Uint8Array(s.size);
  writeField(out, 0, f(s.name, 0, s.size, s.kind), text, isMask);
  return out;
}

// --- Keys: text -> attributes -----------------------------------------------------

/**
 * Parses the key part of a datapath flow ("in_port(1),eth(...),...") into a
 * Match. Unlike a classifier match, the key keeps the bits the text gives
 * under a partial mask (10.0.0.1/255.255.255.0 stays 10.0.0.1), because a
 * datapath flow's key is the packet's and dump-flows prints it unmasked.
 */
export function parseOdpFlow(text: string): Match {
  const kb = new NlBuffer(512);
  const mb = new NlBuffer(512);
  parseKeyLevel(text, kb, mb, 0);
  const match = new Match();
  const k = kb.data();
  const m = mb.data();
  // checkProtocols: a tcp() under proto=17 (say) is refused, not dropped.
  let error = parseOdpKey(k, match.key, { userspace: true, checkProtocols: true });
  if (error !== 0) throw new ParseError(`${text}: not a valid datapath flow key (errno ${error})`);
  error = parseOdpMask(m, match.mask, { userspace: true });
  if (error !== 0) throw new ParseError(`${text}: not a valid datapath flow mask (errno ${error})`);
  const pt = match.key[L.PACKET_TYPE];
  if (pt !== 0 && (pt >>> 16 !== 1 || (pt & 0xffff) !== match.key[L.DL_TYPE])) {
    throw new ParseError(`${text}: packet_type must be (ns=1,id=ETH_TYPE) of the flow's eth_type`);
  }
  return match;
}

/** Raw key and mask attribute bytes of a flow's text, before any layout check. */
export function parseOdpFlowAttrs(text: string): { key: Uint8Array; mask: Uint8Array } {
  const kb = new NlBuffer(512);
  const mb = new NlBuffer(512);
  parseKeyLevel(text, kb, mb, 0);
  return { key: kb.data().slice(), mask: mb.data().slice() };
}

function parseKeyLevel(text: string, kb: NlBuffer, mb: NlBuffer, level: number): void {
  const seen = new Set<string>();
  for (const item of splitTop(text)) {
    const { name, args } = call(item);
    if (args === null) throw new ParseError(`${item}: expected ${name}(...)`);
    if (seen.has(name)) throw new ParseError(`${name}: given twice`);
    seen.add(name);
    parseKeyAttr(name, args, kb, mb, level);
  }
}

function parseKeyAttr(name: string, args: string, kb: NlBuffer, mb: NlBuffer, level: number): void {
  const type = NAME_TO_TYPE.get(name);
  const scalar = type === undefined ? undefined : SCALARS.get(type);
  if (scalar !== undefined && type !== undefined) {
    const [v, m] = args.split('/');
    const max = scalar.size === 2 ? 0xffff : 0xffffffff;
    const mask = m === undefined ? max : num(m, max, name);
    const value = num(v, max, name);
    if (scalar.size === 2) { kb.putAttrU16(type, value); mb.putAttrU16(type, mask); } else { kb.putAttrU32(type, value); mb.putAttrU32(type, mask); }
    return;
  }
  const st = type === undefined ? undefined : STRUCTS.get(type);
  if (st !== undefined && type !== undefined) {
    const k = new Uint8Array(st.size);
    const m = new Uint8Array(st.size);
    parseFields(name, st.fields, args, k, m);
    kb.putAttr(type, k);
    mb.putAttr(type, m);
    return;
  }
  switch (name) {
    case 'eth_type': {
      const [v, m] = args.split('/');
      const mask = m === undefined ? 0xffff : num(m, 0xffff, name);
      kb.putAttrBe16(O.OVS_KEY_ATTR_ETHERTYPE, num(v, 0xffff, name) & mask);
      mb.putAttrBe16(O.OVS_KEY_ATTR_ETHERTYPE, mask);
      return;
    }
    case 'ct_state': {
      const [v, m] = parseFlags(name, CT_STATE_NAMES, args, 0xff);
      kb.putAttrU32(O.OVS_KEY_ATTR_CT_STATE, v);
      mb.putAttrU32(O.OVS_KEY_ATTR_CT_STATE, m);
      return;
    }
    case 'tcp_flags': {
      const [v, m] = parseFlags(name, TCP_FLAG_NAMES, args, 0xfff);
      kb.putAttrBe16(O.OVS_KEY_ATTR_TCP_FLAGS, v);
      mb.putAttrBe16(O.OVS_KEY_ATTR_TCP_FLAGS, m === 0xfff ? 0xffff : m);
      return;
    }
    case 'ct_label': {
      const [v, m] = args.split('/');
      const value = label128(v);
      const mask = m === undefined ? new Uint8Array(16).fill(0xff) : label128(m);
      kb.putAttr(O.OVS_KEY_ATTR_CT_LABELS, value);
      mb.putAttr(O.OVS_KEY_ATTR_CT_LABELS, mask);
      return;
    }
    case 'packet_type': {
      let ns = 0; let nsMask = 0xffff; let id = 0; let idMask = 0xffff;
      for (const [pk, pv] of pairs(args)) {
        const [v, m] = pv.split('/');
        if (pk === 'ns') { ns = num(v, 0xffff, 'packet_type ns'); if (m !== undefined) nsMask = num(m, 0xffff, 'ns'); }
        else if (pk === 'id') { id = num(v, 0xffff, 'packet_type id'); if (m !== undefined) idMask = num(m, 0xffff, 'id'); }
        else throw new ParseError(`packet_type: unknown field ${pk}`);
      }
      kb.putAttrBe32(O.OVS_KEY_ATTR_PACKET_TYPE, ((ns << 16) | id) >>> 0);
      mb.putAttrBe32(O.OVS_KEY_ATTR_PACKET_TYPE, ((nsMask << 16) | idMask) >>> 0);
      return;
    }
    case 'vlan': {
      let vid = 0; let vidMask = 0xfff; let pcp = 0; let pcpMask = 7; let cfi = 1; let cfiMask = 1;
      for (const [vk, vv] of pairs(args)) {
        const [v, m] = vv.split('/');
        if (vk === 'vid') { vid = num(v, 0xfff, 'vid'); if (m !== undefined) vidMask = num(m, 0xfff, 'vid'); }
        else if (vk === 'pcp') { pcp = num(v, 7, 'pcp'); if (m !== undefined) pcpMask = num(m, 7, 'pcp'); }
        else if (vk === 'cfi') { cfi = num(v, 1, 'cfi'); if (m !== undefined) cfiMask = num(m, 1, 'cfi'); }
        else throw new ParseError(`vlan: unknown field ${vk}`);
      }
      const tciMask = (pcpMask << 13) | (cfiMask << 12) | vidMask;
      kb.putAttrBe16(O.OVS_KEY_ATTR_VLAN, (pcp << 13) | (cfi << 12) | vid);
      mb.putAttrBe16(O.OVS_KEY_ATTR_VLAN, tciMask);
      return;
    }
    case 'encap': {
      if (level >= 2) throw new ParseError('encap: nested too deep');
      const kn = kb.startNested(O.OVS_KEY_ATTR_ENCAP);
      const mn = mb.startNested(O.OVS_KEY_ATTR_ENCAP);
      parseKeyLevel(args, kb, mb, level + 1);
      kb.endNested(kn);
      mb.endNested(mn);
      return;
    }
    case 'mpls': {
      let lse = 0; let mask = 0;
      const parts: Array<[string, number, number]> = [['label', 12, 0xfffff], ['tc', 9, 7], ['ttl', 0, 0xff], ['bos', 8, 1]];
      for (const [mk, mv] of pairs(args)) {
        const p = parts.find(([n]) => n === mk);
        if (p === undefined) throw new ParseError(`mpls: unknown field ${mk}`);
        const [v, m] = mv.split('/');
        const fm = m === undefined ? p[2] : num(m, p[2], mk);
        lse += num(v, p[2], mk) * 2 ** p[1];
        mask |= fm * 2 ** p[1];
      }
      kb.putAttrBe32(O.OVS_KEY_ATTR_MPLS, lse >>> 0);
      mb.putAttrBe32(O.OVS_KEY_ATTR_MPLS, mask >>> 0);
      return;
    }
    case 'tunnel': parseTunnel(args, kb, mb); return;
    default: throw new ParseError(`${name}: unknown datapath key attribute`);
  }
}

function label128(text: string): Uint8Array {
  const t = text.trim();
  if (!/^(0x)?[0-9a-fA-F]{1,32}$/.test(t)) throw new ParseError(`ct_label: ${text}: invalid 128-bit value`);
  const digits = (t.startsWith('0x') ? t.slice(2) : t).padStart(32, '0');
  // The kernel's four native-order u32 words, least significant first.
  const out = new Uint8Array(16);
  for (let w = 0; w < 4; w++) {
    const v = parseInt(digits.slice(32 - 8 * (w + 1), 32 - 8 * w), 16);
    out[4 * w] = v; out[4 * w + 1] = v >>> 8; out[4 * w + 2] = v >>> 16; out[4 * w + 3] = v >>> 24;
  }
  return out;
}

function label128Text(b: Uint8Array, o: number): string {
  let digits = '';
  for (let w = 3; w >= 0; w--) digits += readU32(b, o + 4 * w).toString(16).padStart(8, '0');
  digits = digits.replace(/^0+/, '');
  return digits === '' ? '0' : '0x' + digits;
}

// --- Keys: attributes -> text -------------------------------------------------------

export interface OdpFormatOptions {
  /** The -m form: fully wildcarded fields print as value/0 and metadata always appears. */
  readonly verbose?: boolean;
}

/** The key part of a datapath flow as ovs-dpctl prints it. */
export function formatOdpFlow(match: Match, options: OdpFormatOptions = {}): string {
  const kb = new NlBuffer(512);
  const mb = new NlBuffer(512);
  putOdpFlowKey(kb, match);
  putOdpMask(mb, match);
  // packet_type is userspace-only, so odp-key.ts leaves it out; the text has it.
  const pt = match.key[L.PACKET_TYPE];
  if (pt !== 0 || match.mask[L.PACKET_TYPE] !== 0) {
    kb.putAttrBe32(O.OVS_KEY_ATTR_PACKET_TYPE, pt);
    mb.putAttrBe32(O.OVS_KEY_ATTR_PACKET_TYPE, match.mask[L.PACKET_TYPE]);
  }
  // So is nd_ext; it follows nd, the last attribute of a neighbor discovery key.
  if ((match.mask[L.ND_RESERVED] | match.mask[L.ND_OPTIONS_TYPE]) !== 0) {
    for (const [buf, v] of [[kb, match.key], [mb, match.mask]] as const) {
      const o = buf.putAttrSpace(O.OVS_KEY_ATTR_ND_EXTENSIONS, O.OVS_KEY_ND_EXTENSIONS_SIZE);
      writeBe32(buf.bytes, o, v[L.ND_RESERVED]);
      buf.bytes[o + 4] = v[L.ND_OPTIONS_TYPE];
    }
  }
  return formatOdpFlowAttrs(kb.data(), mb.data(), options);
}

// Metadata the -m form always prints, as value/0 when absent, in OVS's order.
const VERBOSE_METADATA = [
  O.OVS_KEY_ATTR_PRIORITY, O.OVS_KEY_ATTR_TUNNEL, O.OVS_KEY_ATTR_SKB_MARK, O.OVS_KEY_ATTR_CT_STATE, O.OVS_KEY_ATTR_CT_ZONE,
  O.OVS_KEY_ATTR_CT_MARK, O.OVS_KEY_ATTR_CT_LABELS, O.OVS_KEY_ATTR_CT_ORIG_TUPLE_IPV4, O.OVS_KEY_ATTR_CT_ORIG_TUPLE_IPV6,
  O.OVS_KEY_ATTR_RECIRC_ID, O.OVS_KEY_ATTR_DP_HASH, O.OVS_KEY_ATTR_IN_PORT, O.OVS_KEY_ATTR_PACKET_TYPE,
];
const ALWAYS_VERBOSE = new Set([
  O.OVS_KEY_ATTR_PRIORITY, O.OVS_KEY_ATTR_SKB_MARK, O.OVS_KEY_ATTR_CT_STATE, O.OVS_KEY_ATTR_CT_ZONE,
  O.OVS_KEY_ATTR_CT_MARK, O.OVS_KEY_ATTR_CT_LABELS, O.OVS_KEY_ATTR_RECIRC_ID, O.OVS_KEY_ATTR_DP_HASH,
  O.OVS_KEY_ATTR_PACKET_TYPE,
]);

/** Formats key and mask attribute lists (OVS_FLOW_ATTR_KEY and _MASK payloads). */
export function formatOdpFlowAttrs(key: Uint8Array, mask: Uint8Array | null, options: OdpFormatOptions = {}): string {
  return formatLevel(key, 0, key.length, mask, 0, mask?.length ?? 0, options.verbose === true, 0);
}

/** Set per formatLevel() walk at level 0: whether the mask has packet_type bits. */
let packetTypeMatched = false;

function formatLevel(k: Uint8Array, ks: number, ke: number, m: Uint8Array | null, ms: number, me: number, verbose: boolean, level: number): string {
  const ka = index(k, ks, ke, O.OVS_KEY_ATTR_MAX);
  const ma = m === null ? null : index(m, ms, me, O.OVS_KEY_ATTR_MAX);
  if (level === 0) {
    const [pmo] = ma === null ? [-1] : ma[O.OVS_KEY_ATTR_PACKET_TYPE];
    packetTypeMatched = m !== null && pmo >= 0 && !isZero(m, pmo, 4);
  }
  const out: string[] = [];
  const order: number[] = [];
  if (level === 0) order.push(...VERBOSE_METADATA);
  const it = new NlAttrIter(k, ks, ke);
  while (it.next()) if (!order.includes(it.type)) order.push(it.type);
  for (const type of order) {
    if (type > O.OVS_KEY_ATTR_MAX) continue;
    const [ko, kl] = ka[type];
    if (ko < 0) {
      if (verbose && level === 0 && ALWAYS_VERBOSE.has(type) && (type !== O.OVS_KEY_ATTR_PACKET_TYPE || ka[O.OVS_KEY_ATTR_ETHERNET][0] >= 0)) {
        out.push(zeroText(type));
      }
      continue;
    }
    let mo = -1; let ml = 0;
    if (ma !== null) [mo, ml] = ma[type];
    const text = formatKeyAttr(type, k, ko, kl, m === null ? null : m, mo, ml, verbose, level);
    if (text !== null) out.push(text);
  }
  return out.join(',');
}

function zeroText(type: number): string {
  if (type === O.OVS_KEY_ATTR_PACKET_TYPE) return 'packet_type(ns=0/0,id=0/0)';
  if (type === O.OVS_KEY_ATTR_CT_LABELS) return 'ct_label(0/0)';
  if (type === O.OVS_KEY_ATTR_CT_STATE) return 'ct_state(0/0)';
  return `${SCALARS.get(type)!.name}(0/0)`;
}

/** One attribute; null when the non-verbose form leaves it out. mo < 0: no mask attribute (wildcarded) unless m is null (exact). */
function formatKeyAttr(type: number, k: Uint8Array, ko: number, kl: number, m: Uint8Array | null, mo: number, ml: number,
  verbose: boolean, level: number): string | null {
  // Without a mask attribute the field is wildcarded: use an all-zero mask.
  let mb: Uint8Array | null = m;
  let mOff = mo;
  if (m !== null && mo < 0) { mb = new Uint8Array(Math.max(kl, 1)); mOff = 0; }
  const maskZero = mb !== null && isZero(mb, mOff, kl);
  const scalar = SCALARS.get(type);
  if (scalar !== undefined) {
    const v = scalar.size === 2 ? readU16(k, ko) : readU32(k, ko);
    const full = scalar.size === 2 ? 0xffff : 0xffffffff;
    const mv = mb === null ? full : scalar.size === 2 ? readU16(mb, mOff) : readU32(mb, mOff);
    if (maskZero && !verbose && type !== O.OVS_KEY_ATTR_IN_PORT) return null;
    const vt = scalar.decimal ? String(v) : hex(v);
    return mv === full ? `${scalar.name}(${vt})` : `${scalar.name}(${vt}/${hex(mv)})`;
  }
  const st = STRUCTS.get(type);
  if (st !== undefined) {
    // eth() stays as a marker of an Ethernet packet unless packet_type says so.
    if (maskZero && !verbose && (type !== O.OVS_KEY_ATTR_ETHERNET || packetTypeMatched)) return null;
    if (kl !== st.size) return `${st.name}(<bad length ${kl}>)`;
    return `${st.name}(${formatFields(st.fields, k, ko, mb, mOff, verbose)})`;
  }
  switch (type) {
    case O.OVS_KEY_ATTR_ETHERTYPE: {
      const v = readBe16(k, ko);
      const mv = mb === null ? 0xffff : readBe16(mb, mOff);
      const vt = '0x' + v.toString(16).padStart(4, '0');
      return mv === 0xffff ? `eth_type(${vt})` : `eth_type(${vt}/${hex(mv)})`;
    }
    case O.OVS_KEY_ATTR_CT_STATE: {
      if (maskZero && !verbose) return null;
      const v = readU32(k, ko);
      const mv = mb === null ? 0xffffffff : readU32(mb, mOff);
      if (verbose) return mv === 0xffffffff ? `ct_state(${hex(v)})` : `ct_state(${hex(v)}/${hex(mv)})`;
      // Always +/- (OVS never uses the "a|b" form for ct_state in a match).
      return `ct_state(${formatFlags(CT_STATE_NAMES, v, mv, null)})`;
    }
    case O.OVS_KEY_ATTR_TCP_FLAGS: {
      // Left out when unmatched even with -m: OVS keeps tcp_flags out of a
      // megaflow's key unless its mask covers some flag.
      if (maskZero) return null;
      const v = readBe16(k, ko);
      const mv = mb === null ? 0xffff : readBe16(mb, mOff);
      return `tcp_flags(${formatFlags(TCP_FLAG_NAMES, v, mv === 0xffff ? 0xfff : mv, 0xfff)})`;
    }
    case O.OVS_KEY_ATTR_CT_LABELS: {
      if (maskZero && !verbose) return null;
      const vt = label128Text(k, ko);
      if (mb === null || isOnes(mb, mOff, 16)) return `ct_label(${vt})`;
      return `ct_label(${vt}/${label128Text(mb, mOff)})`;
    }
    case O.OVS_KEY_ATTR_PACKET_TYPE: {
      const v = readBe32(k, ko);
      const mv = mb === null ? 0xffffffff : readBe32(mb, mOff);
      if (mv === 0 && !verbose) return null;
      const part = (name: string, x: number, xm: number): string => (xm === 0xffff ? `${name}=${name === 'ns' ? x : hex(x)}` : `${name}=${name === 'ns' ? x : hex(x)}/${hex(xm)}`);
      return `packet_type(${part('ns', v >>> 16, mv >>> 16)},${part('id', v & 0xffff, mv & 0xffff)})`;
    }
    case O.OVS_KEY_ATTR_VLAN: {
      const tci = readBe16(k, ko);
      const tm = mb === null ? 0xffff : readBe16(mb, mOff);
      const parts: string[] = [];
      const add = (name: string, v: number, fm: number, full: number): void => {
        if (fm === 0 && !verbose) return;
        parts.push(fm === full ? `${name}=${v}` : `${name}=${v}/${hex(fm)}`);
      };
      add('vid', tci & 0xfff, tm & 0xfff, 0xfff);
      add('pcp', tci >>> 13, tm >>> 13, 7);
      if ((tci & 0x1000) === 0 || (tm & 0x1000) === 0) add('cfi', (tci >>> 12) & 1, (tm >>> 12) & 1, 1);
      return `vlan(${parts.join(',')})`;
    }
    case O.OVS_KEY_ATTR_ENCAP:
      return `encap(${formatLevel(k, ko, ko + kl, mb, mOff, mOff + (mo < 0 ? 0 : ml), verbose, level + 1)})`;
    case O.OVS_KEY_ATTR_MPLS: {
      if (kl < 4) return 'mpls()';
      const lse = readBe32(k, ko);
      const lm = mb === null || ml < 4 ? (mb === null ? 0xffffffff : 0) : readBe32(mb, mOff);
      const parts: string[] = [];
      for (const [name, shift, width] of [['label', 12, 0xfffff], ['tc', 9, 7], ['ttl', 0, 0xff], ['bos', 8, 1]] as const) {
        const v = Math.floor(lse / 2 ** shift) & width;
        const fm = Math.floor(lm / 2 ** shift) & width;
        if (fm === 0 && !verbose) continue;
        parts.push(fm === width ? `${name}=${v}` : `${name}=${v}/${hex(fm)}`);
      }
      return `mpls(${parts.join(',')})`;
    }
    case O.OVS_KEY_ATTR_TUNNEL:
      return formatTunnel(k, ko, ko + kl, mb, mOff, mOff + (mo < 0 ? 0 : ml), false);
    default: {
      let hexText = '';
      for (let i = 0; i < kl; i++) hexText += k[ko + i].toString(16).padStart(2, '0');
      return `key${type}(${hexText})`;
    }
  }
}

// --- Actions ----------------------------------------------------------------------------

/** An action list as ovs-dpctl prints it; the empty list is "drop". */
export function formatOdpActions(actions: readonly OdpAction[]): string {
  if (actions.length === 0) return 'drop';
  return actions.map(formatAction).join(',');
}

function bytesHex(b: Uint8Array): string {
  let s = '';
  for (const x of b) s += x.toString(16).padStart(2, '0');
  return s;
}

function lseText(lse: number): string {
  return `label=${lse >>> 12},tc=${(lse >>> 9) & 7},ttl=${lse & 0xff},bos=${(lse >>> 8) & 1}`;
}

function formatAction(a: OdpAction): string {
  switch (a.type) {
    case 'output': return String(a.port);
    case 'drop': return 'drop';
    case 'userspace': {
      let s = `userspace(pid=${a.pid}`;
      if (a.userdata) s += `,userdata(${bytesHex(a.userdata)})`;
      if (a.actions) s += ',actions';
      if (a.egressTunPort !== undefined) s += `,tunnel_out_port=${a.egressTunPort}`;
      return s + ')';
    }
    case 'set': return `set(${formatSetAttr(a.attr, a.data, null)})`;
    case 'set_masked': return `set(${formatSetAttr(a.attr, a.value, a.mask)})`;
    case 'push_vlan': {
      let s = 'push_vlan(';
      if (a.tpid !== 0x8100) s += `tpid=${hex(a.tpid)},`;
      s += `vid=${a.tci & 0xfff},pcp=${a.tci >>> 13}`;
      if ((a.tci & 0x1000) === 0) s += ',cfi=0';
      return s + ')';
    }
    case 'pop_vlan': return 'pop_vlan';
    case 'sample':
      return `sample(sample=${(a.probability / 0xffffffff * 100).toFixed(1)}%,actions(${formatOdpActions(a.actions)}))`;
    case 'recirc': return `recirc(${hex(a.id)})`;
    case 'hash': return a.alg === 1 ? `hash(sym_l4(${a.basis}))` : a.alg === 0 ? `hash(l4(${a.basis}))` : `hash(alg${a.alg}(${a.basis}))`;
    case 'push_mpls': return `push_mpls(${lseText(a.lse)},eth_type=${hex(a.ethertype)})`;
    case 'pop_mpls': return `pop_mpls(eth_type=${hex(a.ethertype)})`;
    case 'add_mpls': return `add_mpls(${lseText(a.lse)},eth_type=${hex(a.ethertype)},tunnel_flags=${hex(a.tunFlags)})`;
    case 'ct': return formatCt(a);
    case 'ct_clear': return 'ct_clear';
    case 'trunc': return `trunc(${a.maxLen})`;
    case 'push_eth': return `push_eth(src=${formatMac(a.src)},dst=${formatMac(a.dst)})`;
    case 'pop_eth': return 'pop_eth';
    case 'pop_nsh': return 'pop_nsh';
    case 'push_nsh': return `push_nsh(raw=${bytesHex(a.data)})`;
    case 'meter': return `meter(${a.id})`;
    case 'clone': return `clone(${formatOdpActions(a.actions)})`;
    case 'check_pkt_len':
      return `check_pkt_len(size=${a.pktLen},gt(${formatOdpActions(a.ifGreater)}),le(${formatOdpActions(a.ifLessEqual)}))`;
    case 'dec_ttl': return `dec_ttl(le_1(${formatOdpActions(a.actions)}))`;
  }
}

function formatSetAttr(type: number, value: Uint8Array, mask: Uint8Array | null): string {
  if (type === O.OVS_KEY_ATTR_TUNNEL) return formatTunnel(value, 0, value.length, null, 0, 0, true);
  // A set is exact; a masked set prints the fields its mask covers.
  const text = formatKeyAttr(type, value, 0, value.length, mask, 0, mask?.length ?? 0, false, 1);
  return text ?? `${STRUCTS.get(type)?.name ?? SCALARS.get(type)?.name ?? `key${type}`}()`;
}

function formatCt(a: Extract<OdpAction, { type: 'ct' }>): string {
  const parts: string[] = [];
  if (a.commit) parts.push('commit');
  if (a.forceCommit) parts.push('force_commit');
  if (a.zone !== undefined) parts.push(`zone=${a.zone}`);
  if (a.mark) parts.push(a.mark.mask === 0xffffffff ? `mark=${hex(a.mark.value)}` : `mark=${hex(a.mark.value)}/${hex(a.mark.mask)}`);
  if (a.labels) {
    const v = label128Text(a.labels.value, 0);
    parts.push(isOnes(a.labels.mask, 0, 16) ? `label=${v}` : `label=${v}/${label128Text(a.labels.mask, 0)}`);
  }
  if (a.helper !== undefined) parts.push(`helper=${a.helper}`);
  if (a.timeout !== undefined) parts.push(`timeout=${a.timeout}`);
  if (a.nat) parts.push(formatNat(a.nat));
  return parts.length === 0 ? 'ct' : `ct(${parts.join(',')})`;
}

function ipText(b: Uint8Array): string {
  return b.length === 4 ? ip4Text(b) : `[${ip6Text(b)}]`;
}

function formatNat(n: CtNat): string {
  if (n.kind === undefined) return 'nat';
  let s = `nat(${n.kind}`;
  if (n.ipMin) {
    s += '=' + ipText(n.ipMin);
    if (n.ipMax) s += '-' + ipText(n.ipMax);
    if (n.protoMin !== undefined) {
      s += `:${n.protoMin}`;
      if (n.protoMax !== undefined) s += `-${n.protoMax}`;
    }
  }
  if (n.persistent) s += ',persistent';
  if (n.protoHash) s += ',hash';
  if (n.protoRandom) s += ',random';
  return s + ')';
}

/** Parses an action list ("1,set(...),drop"); "drop" alone is the empty list. */
export function parseOdpActionsText(text: string): OdpAction[] {
  const items = splitTop(text);
  if (items.length === 1 && items[0] === 'drop') return [];
  return items.map(parseAction);
}

function need(name: string, args: string | null): string {
  if (args === null) throw new ParseError(`${name}: expected ${name}(...)`);
  return args;
}

function parseLse(name: string, args: string): { lse: number; ethertype: number } {
  let label = 0; let tc = 0; let ttl = 0; let bos = 0; let ethertype = -1;
  for (const [k, v] of pairs(args)) {
    if (k === 'label') label = num(v, 0xfffff, 'label');
    else if (k === 'tc') tc = num(v, 7, 'tc');
    else if (k === 'ttl') ttl = num(v, 0xff, 'ttl');
    else if (k === 'bos') bos = num(v, 1, 'bos');
    else if (k === 'eth_type') ethertype = num(v, 0xffff, 'eth_type');
    else throw new ParseError(`${name}: unknown field ${k}`);
  }
  if (ethertype < 0) throw new ParseError(`${name}: eth_type missing`);
  return { lse: ((label << 12) | (tc << 9) | (bos << 8) | ttl) >>> 0, ethertype };
}

function parseAction(item: string): OdpAction {
  if (/^[0-9]+$/.test(item)) return { type: 'output', port: num(item, 0xffffffff, 'output') };
  const { name, args } = call(item);
  switch (name) {
    case 'drop': return { type: 'drop', reason: 0 };
    case 'pop_vlan': case 'pop_eth': case 'ct_clear': case 'pop_nsh':
      if (args !== null) throw new ParseError(`${name}: takes no arguments`);
      return { type: name };
    case 'output': return { type: 'output', port: num(need(name, args), 0xffffffff, name) };
    case 'recirc': return { type: 'recirc', id: num(need(name, args), 0xffffffff, name) };
    case 'trunc': return { type: 'trunc', maxLen: num(need(name, args), 0xffffffff, name) };
    case 'meter': return { type: 'meter', id: num(need(name, args), 0xffffffff, name) };
    case 'userspace': {
      let pid = -1; let userdata: Uint8Array | undefined; let actions = false; let egress: number | undefined;
      for (const [k, v] of pairs(need(name, args))) {
        if (k === 'pid') pid = num(v, 0xffffffff, 'pid');
        else if (k === 'userdata') {
          const h = need(k, call(v).args);
          if (!/^([0-9a-fA-F]{2})*$/.test(h)) throw new ParseError(`userdata: ${h}: invalid hex`);
          userdata = Uint8Array.from(h.match(/../g) ?? [], (x) => parseInt(x, 16));
        } else if (k === 'actions' && v === 'actions') actions = true;
        else if (k === 'tunnel_out_port') egress = num(v, 0xffffffff, k);
        else throw new ParseError(`userspace: unknown field ${k}`);
      }
      if (pid < 0) throw new ParseError('userspace: pid missing');
      const a: { type: 'userspace'; pid: number; userdata?: Uint8Array; egressTunPort?: number; actions?: boolean } = { type: 'userspace', pid };
      if (userdata) a.userdata = userdata;
      if (actions) a.actions = true;
      if (egress !== undefined) a.egressTunPort = egress;
      return a;
    }
    case 'push_vlan': {
      let tpid = 0x8100; let vid = 0; let pcp = 0; let cfi = 1;
      for (const [k, v] of pairs(need(name, args))) {
        if (k === 'tpid') tpid = num(v, 0xffff, k);
        else if (k === 'vid') vid = num(v, 0xfff, k);
        else if (k === 'pcp') pcp = num(v, 7, k);
        else if (k === 'cfi') cfi = num(v, 1, k);
        else throw new ParseError(`push_vlan: unknown field ${k}`);
      }
      return { type: 'push_vlan', tpid, tci: (pcp << 13) | (cfi << 12) | vid };
    }
    case 'push_mpls': return { type: 'push_mpls', ...parseLse(name, need(name, args)) };
    case 'pop_mpls': {
      const [[k, v]] = pairs(need(name, args));
      if (k !== 'eth_type') throw new ParseError('pop_mpls: expected eth_type=');
      return { type: 'pop_mpls', ethertype: num(v, 0xffff, k) };
    }
    case 'hash': {
      const inner = call(need(name, args));
      const alg = inner.name === 'l4' ? 0 : inner.name === 'sym_l4' ? 1 : -1;
      if (alg < 0) throw new ParseError(`hash: unknown algorithm ${inner.name}`);
      return { type: 'hash', alg, basis: num(need(inner.name, inner.args), 0xffffffff, 'hash basis') };
    }
    case 'sample': {
      let probability = -1; let actions: OdpAction[] | null = null;
      for (const [k, v] of pairs(need(name, args))) {
        if (k === 'sample') {
          const m = /^([0-9]+(?:\.[0-9]*)?)%$/.exec(v);
          if (m === null || Number(m[1]) > 100) throw new ParseError(`sample: ${v}: invalid probability`);
          probability = Math.round(Number(m[1]) / 100 * 0xffffffff);
        } else if (k === 'actions') actions = parseNestedList(need(k, call(v).args));
        else throw new ParseError(`sample: unknown field ${k}`);
      }
      if (probability < 0 || actions === null) throw new ParseError('sample: needs sample= and actions(...)');
      return { type: 'sample', probability, actions };
    }
    case 'clone': return { type: 'clone', actions: parseNestedList(need(name, args)) };
    case 'dec_ttl': {
      const inner = call(need(name, args));
      if (inner.name !== 'le_1') throw new ParseError('dec_ttl: expected le_1(...)');
      return { type: 'dec_ttl', actions: parseNestedList(need(inner.name, inner.args)) };
    }
    case 'check_pkt_len': {
      let size = -1; let gt: OdpAction[] | null = null; let le: OdpAction[] | null = null;
      for (const [k, v] of pairs(need(name, args))) {
        if (k === 'size') size = num(v, 0xffff, k);
        else if (k === 'gt') gt = parseNestedList(need(k, call(v).args));
        else if (k === 'le') le = parseNestedList(need(k, call(v).args));
        else throw new ParseError(`check_pkt_len: unknown field ${k}`);
      }
      if (size < 0 || gt === null || le === null) throw new ParseError('check_pkt_len: needs size=, gt(...) and le(...)');
      return { type: 'check_pkt_len', pktLen: size, ifGreater: gt, ifLessEqual: le };
    }
    case 'push_eth': {
      let src: Uint8Array | null = null; let dst: Uint8Array | null = null;
      for (const [k, v] of pairs(need(name, args))) {
        if (k === 'src') src = parseMac(v);
        else if (k === 'dst') dst = parseMac(v);
        else throw new ParseError(`push_eth: unknown field ${k}`);
      }
      return { type: 'push_eth', src: src ?? new Uint8Array(6), dst: dst ?? new Uint8Array(6) };
    }
    case 'set': return parseSet(need(name, args));
    case 'ct': return parseCt(args ?? '');
    default: throw new ParseError(`${item}: unknown datapath action`);
  }
}

function parseNestedList(text: string): OdpAction[] {
  return text.trim() === '' ? [] : parseOdpActionsText(text);
}

function parseSet(text: string): OdpAction {
  const { name, args } = call(text);
  if (args === null) throw new ParseError(`set(${text}): expected set(field(...))`);
  const kb = new NlBuffer(256);
  const mb = new NlBuffer(256);
  if (name === 'tunnel') {
    parseTunnel(args, kb, null);
    const nest = kb.data();
    return { type: 'set', attr: O.OVS_KEY_ATTR_TUNNEL, data: nest.slice(4, (nest[0] | (nest[1] << 8))) };
  }
  if (name === 'encap' || name === 'vlan') throw new ParseError(`set(${name}): not settable`);
  parseKeyAttr(name, args, kb, mb, 1);
  const k = kb.data();
  const m = mb.data();
  const len = (k[0] | (k[1] << 8)) - 4;
  const type = k[2] | (k[3] << 8);
  const value = k.slice(4, 4 + len);
  const mask = m.slice(4, 4 + len);
  // Every field given exactly is a plain set; anything less is a masked one.
  if (isOnes(mask, 0, len)) return { type: 'set', attr: type, data: value };
  return { type: 'set_masked', attr: type, value, mask };
}

function natAddr(text: string): Uint8Array {
  const t = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  return t.includes(':') ? parseIpv6(t) : parseIpv4(t);
}

function parseCt(args: string): OdpAction {
  const ct: {
    type: 'ct'; commit?: boolean; forceCommit?: boolean; zone?: number; mark?: { value: number; mask: number };
    labels?: { value: Uint8Array; mask: Uint8Array }; helper?: string; timeout?: string; nat?: CtNat;
  } = { type: 'ct' };
  for (const [k, v] of pairs(args)) {
    if (k === 'commit' && v === 'commit') ct.commit = true;
    else if (k === 'force_commit' && v === 'force_commit') ct.forceCommit = true;
    else if (k === 'zone') ct.zone = num(v, 0xffff, k);
    else if (k === 'mark') {
      const [x, m] = v.split('/');
      ct.mark = { value: num(x, 0xffffffff, k), mask: m === undefined ? 0xffffffff : num(m, 0xffffffff, k) };
    } else if (k === 'label') {
      const [x, m] = v.split('/');
      ct.labels = { value: label128(x), mask: m === undefined ? new Uint8Array(16).fill(0xff) : label128(m) };
    } else if (k === 'helper') {
      if (!/^[A-Za-z0-9_-]{1,15}$/.test(v)) throw new ParseError(`ct: helper ${v}: invalid name`);
      ct.helper = v;
    } else if (k === 'timeout') {
      if (!/^[A-Za-z0-9_-]{1,31}$/.test(v)) throw new ParseError(`ct: timeout ${v}: invalid name`);
      ct.timeout = v;
    } else if (k === 'nat') ct.nat = parseNat(v);
    else throw new ParseError(`ct: unknown field ${k}`);
  }
  return ct;
}

function parseNat(text: string): CtNat {
  const c = call(text);
  if (c.args === null) {
    if (c.name !== 'nat') throw new ParseError(`ct: ${text}: expected nat`);
    return {};
  }
  const nat: {
    kind?: 'src' | 'dst'; ipMin?: Uint8Array; ipMax?: Uint8Array; protoMin?: number; protoMax?: number;
    persistent?: boolean; protoHash?: boolean; protoRandom?: boolean;
  } = {};
  for (const item of splitTop(c.args)) {
    if (item === 'persistent') { nat.persistent = true; continue; }
    if (item === 'hash') { nat.protoHash = true; continue; }
    if (item === 'random') { nat.protoRandom = true; continue; }
    const m = /^(src|dst)(?:=(\[[^\]]+\]|[0-9.]+)(?:-(\[[^\]]+\]|[0-9.]+))?(?::([0-9]+)(?:-([0-9]+))?)?)?$/.exec(item);
    if (m === null || nat.kind !== undefined) throw new ParseError(`ct: nat: ${item}: invalid`);
    nat.kind = m[1] as 'src' | 'dst';
    if (m[2] !== undefined) nat.ipMin = natAddr(m[2]);
    if (m[3] !== undefined) nat.ipMax = natAddr(m[3]);
    if (m[4] !== undefined) nat.protoMin = num(m[4], 0xffff, 'nat port');
    if (m[5] !== undefined) nat.protoMax = num(m[5], 0xffff, 'nat port');
  }
  return nat;
}

// --- Dump lines ---------------------------------------------------------------------------

export interface OdpFlowStats {
  readonly packets: number;
  readonly bytes: number;
  /** Seconds since the flow was last used, or null for never. */
  readonly usedSeconds: number | null;
  /** TCP flags seen (OR of the packets' flags), 0 for none. */
  readonly tcpFlags?: number;
}

// TCP flag letters in the order the stats line prints them (SYN first).
const STAT_FLAGS: ReadonlyArray<[string, number]> = [
  ['S', 0x002], ['F', 0x001], ['P', 0x008], ['R', 0x004], ['U', 0x020], ['.', 0x010], ['E', 0x040], ['C', 0x080],
  ['N', 0x100],
];

/** "packets:N, bytes:N, used:never|N.NNNs[, flags:...]". */
export function formatOdpFlowStats(stats: OdpFlowStats): string {
  let s = `packets:${stats.packets}, bytes:${stats.bytes}, used:`;
  s += stats.usedSeconds === null ? 'never' : `${stats.usedSeconds.toFixed(3)}s`;
  const flags = stats.tcpFlags ?? 0;
  if (flags !== 0) {
    let letters = '';
    for (const [letter, bit] of STAT_FLAGS) if ((flags & bit) !== 0) letters += letter;
    s += `, flags:${letters}`;
  }
  return s;
}

/** One line of dpctl/dump-flows: [ufid:U, ]KEY, STATS, actions:ACTIONS. */
export function formatOdpFlowLine(flow: {
  readonly match: Match; readonly actions: readonly OdpAction[]; readonly stats: OdpFlowStats; readonly ufid?: string;
}, options: OdpFormatOptions = {}): string {
  const prefix = options.verbose === true && flow.ufid !== undefined ? `ufid:${flow.ufid}, ` : '';
  return `${prefix}${formatOdpFlow(flow.match, options)}, ${formatOdpFlowStats(flow.stats)}, actions:${formatOdpActions(flow.actions)}`;
}

const LINE = /^(?:ufid:([0-9a-f-]+), )?(.*?), packets:([0-9]+), bytes:([0-9]+), used:(never|[0-9]+(?:\.[0-9]+)?s)(?:, flags:([SFPRU.ECN]+))?(?:, dp:[^,]*)?, actions:(.*?)(?:, dp-extra-info:.*)?$/;

/**
 * Parses one line of dpctl/dump-flows (plain or -m, with the userspace
 * datapath's "dp:" and "dp-extra-info:" parts ignored) back into its parts.
 */
export function parseOdpFlowLine(line: string): {
  ufid?: string; match: Match; stats: OdpFlowStats; actions: OdpAction[];
} {
  const m = LINE.exec(line.trim());
  if (m === null) throw new ParseError(`${line}: not a dump-flows line`);
  let tcpFlags = 0;
  for (const c of m[6] ?? '') tcpFlags |= STAT_FLAGS.find(([letter]) => letter === c)![1];
  const stats: OdpFlowStats = {
    packets: Number(m[3]), bytes: Number(m[4]),
    usedSeconds: m[5] === 'never' ? null : Number(m[5].slice(0, -1)), tcpFlags,
  };
  const out: { ufid?: string; match: Match; stats: OdpFlowStats; actions: OdpAction[] } = {
    match: parseOdpFlow(m[2]), stats, actions: parseOdpActionsText(m[7]),
  };
  if (m[1] !== undefined) out.ufid = m[1];
  return out;
}
