// parseActions(): the action syntax of ovs-ofctl (ovs-actions(7)), the text
// after "actions=" in a flow, into Ofpacts. Errors are ParseErrors with the
// message real ovs-ofctl 3.1 prints where the corpus
// (test/corpus/openflow-actions) records one. Checks that need the flow's
// match (prerequisites, usable protocols) are in check.ts.

import type { Match } from '../../flow/match.js';
import {
  parseEthernetAddress, parseFieldValue, parseIpv4Address, parseIpv6Address,
} from '../../flow/parse.js';
import { ParseError } from '../../lib/errors.js';
import { OfpError } from '../ofp-error.js';
import { checkActions } from './check.js';
import { bigintToBytes, bytesToBigint, lookupField, parseSubfield, scanSubfield } from './subfield.js';
import {
  BUNDLE_ALGORITHMS, CONTROLLER_REASONS, CT_COMMIT, CT_FORCE, HASH_FIELDS, INSTRUCTION_NAMES, INSTRUCTION_ORDER,
  LEARN_DELETE_LEARNED, LEARN_SEND_FLOW_REM, LEARN_WRITE_RESULT, MULTIPATH_ALGORITHMS, NAT_DST, NAT_PERSISTENT,
  NAT_PROTO_HASH, NAT_PROTO_RANDOM, NAT_SRC, OFPP,
  type EncapProperty, type LearnSpec, type Nat, type Ofpact, type Subfield,
} from './types.js';

export interface ParseActionsOptions {
  /** Port names a switch reported, accepted wherever a port number is. */
  portNames?: ReadonlyMap<string, number>;
  /**
   * False for action lists that cannot hold instructions (group buckets,
   * packet-out): meter, goto_table and the rest are refused as ovs-ofctl
   * refuses them there. Default true (a flow's actions).
   */
  instructions?: boolean;
  /**
   * The flow's match. When given, the actions are checked against it as
   * ovs-ofctl does (checkActions()), which also records what encoding needs
   * from the match (a VLAN present, the IP protocol).
   */
  match?: Match;
}

// --- Tokens ------------------------------------------------------------------

/**
 * Splits "a,b(c,d),e:f" at top-level commas (and white space), as
 * ofputil_parse_key_value does: each item is a key and an optional value,
 * written "key:value", "key=value" or "key(value)".
 */
export function splitKeyValues(text: string): Array<{ key: string; value: string }> {
  const out: Array<{ key: string; value: string }> = [];
  let i = 0;
  const n = text.length;
  const isDelim = (c: string): boolean => c === ',' || c === ' ' || c === '\t' || c === '\r' || c === '\n';
  while (i < n) {
    while (i < n && isDelim(text[i]!)) i++;
    if (i >= n) break;
    const keyStart = i;
    while (i < n && !isDelim(text[i]!) && text[i] !== ':' && text[i] !== '=' && text[i] !== '(') i++;
    const key = text.slice(keyStart, i);
    let value = '';
    if (text[i] === '(') {
      let depth = 1;
      const start = ++i;
      while (i < n && depth > 0) {
        if (text[i] === '(') depth++;
        else if (text[i] === ')') depth--;
        i++;
      }
      if (depth > 0) throw new ParseError(`${text.slice(keyStart)}: unbalanced parentheses`);
      value = text.slice(start, i - 1);
      // check_pkt_larger(N)->DST: the destination follows the parentheses.
      if (text.startsWith('->', i)) {
        const restStart = i;
        while (i < n && !isDelim(text[i]!)) i++;
        value += text.slice(restStart, i);
      }
    } else if (text[i] === ':' || text[i] === '=') {
      const start = ++i;
      let depth = 0;
      while (i < n) {
        const c = text[i]!;
        if (c === '(') depth++;
        else if (c === ')') depth--;
        else if (depth === 0 && isDelim(c)) break;
        i++;
      }
      value = text.slice(start, i);
    }
    out.push({ key, value });
  }
  return out;
}

// --- Numbers and ports ----------------------------------------------------------

/** strtoull with base 0, as ovs-ofctl's str_to_u* read numbers. */
function parseNumber(text: string, bits: number): number | null {
  const t = text.trim();
  let v: bigint;
  if (/^0[xX][0-9a-fA-F]+$/.test(t)) v = BigInt(t);
  else if (/^0[0-7]+$/.test(t)) v = BigInt('0o' + t.slice(1));
  else if (/^[0-9]+$/.test(t)) v = BigInt(t);
  else return null;
  if (v >= 1n << BigInt(bits)) return null;
  return Number(v);
}

/**
 * A number of at most `bits` bits. Errors follow ovs-ofctl: `invalid NAME
 * "TEXT"` where it names the argument, else "invalid numeric format TEXT".
 */
function numberOrThrow(text: string, bits = 32, name?: string): number {
  if (text.trim() === '' && name === undefined) throw new ParseError('missing required numeric argument');
  const v = parseNumber(text, bits);
  if (v === null) throw new ParseError(name ? `invalid ${name} "${text}"` : `invalid numeric format ${text}`);
  return v;
}

/** C's atoi(): leading digits, else 0 (learn() reads its numbers so). */
function atoi(text: string): number {
  const m = /^\s*[-+]?[0-9]+/.exec(text);
  return m ? Number(m[0]) | 0 : 0;
}

function bigNumberOrThrow(text: string): bigint {
  const t = text.trim();
  if (!/^(0[xX][0-9a-fA-F]+|[0-9]+)$/.test(t)) throw new ParseError(`invalid numeric format ${text}`);
  const v = BigInt(t);
  if (v >= 1n << 64n) throw new ParseError(`invalid numeric format ${text}`);
  return v;
}

const RESERVED_PORTS: ReadonlyMap<string, number> = new Map([
  ['IN_PORT', OFPP.IN_PORT], ['TABLE', OFPP.TABLE], ['NORMAL', OFPP.NORMAL], ['FLOOD', OFPP.FLOOD],
  ['ALL', OFPP.ALL], ['CONTROLLER', OFPP.CONTROLLER], ['LOCAL', OFPP.LOCAL], ['ANY', OFPP.NONE],
  ['NONE', OFPP.NONE], ['UNSET', OFPP.UNSET],
]);

/** A port name or number (OpenFlow 1.1 reserved numbers map onto 0xff00 and up); null if neither. */
export function parsePortName(text: string, portNames?: ReadonlyMap<string, number>): number | null {
  const named = RESERVED_PORTS.get(text.toUpperCase()) ?? portNames?.get(text);
  if (named !== undefined) return named;
  if (!/^[0-9]+$/.test(text)) return null;
  const v = Number(text);
  if (v <= 0xffff) return v;
  if (v >= 0xffffff00 && v <= 0xffffffff) return v - 0xffff0000;
  return null;
}

function u32Pair(v: bigint): [number, number] {
  return [Number((v >> 32n) & 0xffffffffn), Number(v & 0xffffffffn)];
}

// --- The parser ------------------------------------------------------------------

interface Context {
  readonly portNames?: ReadonlyMap<string, number>;
  /** Inside write_actions(), clone() or ct(exec()): instructions are not allowed. */
  readonly nested?: 'actions' | 'ct';
  /** The enclosing action, for messages ("clone", "write_actions"). */
  readonly outer?: string;
}

function parseTable(text: string, what: 'goto' | 'learn' | 'ct'): number {
  const v = parseNumber(text, 32);
  if (v === null || v > 255) {
    if (what === 'ct') throw new ParseError(`unknown table ${text}`);
    throw new ParseError(`unknown table "${text}"`);
  }
  return v;
}

function parseOutput(value: string, ctx: Context): Ofpact {
  if (value.includes('port') && value.includes('max_len')) {
    let port = -1;
    let maxLen = 0;
    for (const { key, value: v } of splitKeyValues(value)) {
      if (key === 'port') {
        const p = parsePortName(v, ctx.portNames);
        if (p === null) throw new ParseError(`output to unknown truncate port: ${v}`);
        port = p;
      } else if (key === 'max_len') {
        maxLen = numberOrThrow(v);
      } else {
        throw new ParseError(`invalid key '${key}' in output_trunc argument`);
      }
    }
    return { type: 'output-trunc', port, maxLen };
  }
  if (value.includes('[')) return { type: 'output-reg', src: parseSubfield(value), maxLen: 0xffff };
  const port = parsePortName(value, ctx.portNames);
  if (port === null) throw new ParseError(`${value}: output to unknown port`);
  return { type: 'output', port, maxLen: port === OFPP.CONTROLLER ? 0xffff : 0 };
}

function parseController(value: string): Ofpact {
  const c = { maxLen: 0xffff, controllerId: 0, reason: 1, pause: false, meterId: 0xffffffff } as {
    maxLen: number; controllerId: number; reason: number; pause: boolean; meterId: number; userdata?: Uint8Array;
  };
  if (/^[0-9]/.test(value)) {
    return { type: 'output', port: OFPP.CONTROLLER, maxLen: numberOrThrow(value, 16) };
  }
  for (const { key, value: v } of splitKeyValues(value)) {
    if (key === 'reason') {
      const r = CONTROLLER_REASONS.indexOf(v as (typeof CONTROLLER_REASONS)[number]);
      if (r < 0) throw new ParseError(`unknown reason "${v}"`);
      c.reason = r;
    } else if (key === 'max_len') {
      c.maxLen = numberOrThrow(v, 16, 'max_len');
    } else if (key === 'id') {
      c.controllerId = numberOrThrow(v, 16, 'id');
    } else if (key === 'userdata') {
      c.userdata = parseHexBytes(v, 'userdata');
    } else if (key === 'pause') {
      c.pause = true;
    } else if (key === 'meter_id') {
      c.meterId = numberOrThrow(v, 32, 'meter_id');
    } else {
      throw new ParseError(`unknown key "${key}" parsing controller action`);
    }
  }
  if (c.reason === 1 && c.controllerId === 0 && !c.userdata && !c.pause && c.meterId === 0xffffffff) {
    return { type: 'output', port: OFPP.CONTROLLER, maxLen: c.maxLen };
  }
  return { type: 'controller', ...c };
}

/** Hex bytes, optionally separated by dots ("01.02.03" or "010203"). */
function parseHexBytes(text: string, what: string): Uint8Array {
  const out: number[] = [];
  let i = 0;
  while (i < text.length) {
    if (text[i] === '.') {
      i++;
      continue;
    }
    const pair = text.slice(i, i + 2);
    if (!/^[0-9a-fA-F]{2}$/.test(pair)) {
      throw new ParseError(what === 'note' ? "bad hex digit in `note' argument" : "bad hex digit in `controller' action `userdata'");
    }
    out.push(parseInt(pair, 16));
    i += 2;
  }
  return Uint8Array.from(out);
}

function parseSetField(value: string, ctx: Context): Ofpact {
  const arrow = value.indexOf('->');
  if (arrow < 0) throw new ParseError(`${value}: missing \`->'`);
  const valueText = value.slice(0, arrow);
  const name = value.slice(arrow + 2);
  const field = lookupField(name);
  if (!field) throw new ParseError(`${name} is not a valid OXM field name`);
  // TODO(#5): real ovs-ofctl takes set_field to dl_vlan and dl_vlan_pcp and
  // mis-encodes them (as in_port); we refuse them as fields without a header.
  if (!field.writable || field.headers.length === 0) throw new ParseError(`${field.name} is read-only`);
  if (ctx.nested !== 'ct' && (field.name === 'ct_mark' || field.name === 'ct_label')) {
    throw new ParseError('cannot set CT fields outside of ct action');
  }
  if (field.tunMetadataIndex !== undefined) {
    const [v, m] = valueText.split('/') as [string, string | undefined];
    const big = bigNumberOrHexThrow(v);
    const size = Math.max(1, Math.ceil(big.toString(16).length / 2));
    const valueBytes = bigintToBytes(big, size);
    const mask = m === undefined ? new Uint8Array(size).fill(0xff) : bigintToBytes(bigNumberOrHexThrow(m), size);
    return { type: 'set-field', field, value: valueBytes, mask };
  }
  const parsed = parseFieldValue(field, valueText, { tunMetadata: new Map() });
  // Without "/mask" the whole field is set, even for flag fields whose parser
  // reports only the flag bits.
  const mask = valueText.includes('/') ? parsed.mask : new Uint8Array(field.bytes).fill(0xff);
  return { type: 'set-field', field, value: parsed.value, mask };
}

function bigNumberOrHexThrow(text: string): bigint {
  const t = text.trim();
  if (!/^(0[xX][0-9a-fA-F]+|[0-9]+)$/.test(t)) throw new ParseError(`${text}: bad syntax`);
  return BigInt(t);
}

function fieldMaskFor(sf: Subfield): { value: bigint; mask: bigint } {
  return { value: 0n, mask: ((1n << BigInt(sf.nBits)) - 1n) << BigInt(sf.ofs) };
}

function parseLoad(value: string): Ofpact {
  const arrow = value.indexOf('->');
  if (arrow < 0) throw new ParseError(`${value}: missing \`->'`);
  const src = value.slice(0, arrow);
  const dst = parseSubfield(value.slice(arrow + 2));
  if (!/^\s*(0[xX][0-9a-fA-F]+|[0-9]+)\s*$/.test(src)) throw new ParseError(`${value}: cannot parse integer value`);
  const v = BigInt(src.trim());
  if (v >> BigInt(dst.nBits) !== 0n) {
    throw new ParseError(`${value}: value ${src.toLowerCase().startsWith('0x') ? src : `0x${v.toString(16)}`} does not fit into ${dst.nBits} bits`);
  }
  const { mask } = fieldMaskFor(dst);
  if (dst.field.tunMetadataIndex !== undefined) {
    // Tunnel metadata has no fixed width: the load carries the bytes it covers, masked.
    const size = Math.ceil((dst.ofs + dst.nBits) / 8);
    return {
      type: 'set-field', field: dst.field, raw: 'reg-load2', wireMask: true,
      value: bigintToBytes(v << BigInt(dst.ofs), size), mask: bigintToBytes(mask, size),
    };
  }
  const size = dst.field.bytes;
  return {
    type: 'set-field', field: dst.field, raw: 'reg-load',
    value: bigintToBytes(v << BigInt(dst.ofs), size), mask: bigintToBytes(mask, size),
  };
}

function parseMove(value: string): Ofpact {
  const { sf: src, rest } = scanSubfield(value);
  if (!rest.startsWith('->')) throw new ParseError(`${value}: missing \`->' following source`);
  const dst = parseSubfield(rest.slice(2));
  if (src.nBits !== dst.nBits) {
    throw new ParseError(`${value}: source field is ${src.nBits} bits wide but destination is ${dst.nBits} bits wide`);
  }
  return { type: 'move', src, dst };
}

function parseResubmit(value: string, ctx: Context): Ofpact {
  if (!value.includes(',') && value !== '') {
    const port = parsePortName(value, ctx.portNames);
    if (port === null) throw new ParseError(`${value}: resubmit to unknown port`);
    return { type: 'resubmit', inPort: port, tableId: 0xff, ct: false };
  }
  const [portText = '', tableText = '', ctText] = value.split(',');
  let inPort: number = OFPP.IN_PORT;
  if (portText !== '') {
    const p = parsePortName(portText, ctx.portNames);
    if (p === null) throw new ParseError(`${portText}: resubmit to unknown port`);
    inPort = p;
  }
  let tableId = 0xff;
  if (tableText !== '') {
    const t = parseNumber(tableText, 32);
    if (t === null || t > 255) throw new ParseError(`${tableText}: resubmit to unknown table`);
    tableId = t;
  }
  let ct = false;
  if (ctText !== undefined) {
    if (ctText !== 'ct') throw new ParseError(`${ctText}: unknown parameter`);
    ct = true;
  }
  if (inPort === OFPP.IN_PORT && tableId === 0xff) {
    throw new ParseError('at least one "in_port" or "table" must be specified on resubmit');
  }
  return { type: 'resubmit', inPort, tableId, ct };
}

function parseDecTtl(value: string): Ofpact {
  if (value === '') return { type: 'dec-ttl', controllerIds: [0] };
  const ids = value.split(',').filter((s) => s !== '').map((s) => {
    const m = /^\s*([0-9]+)/.exec(s);
    return m ? Number(m[1]) & 0xffff : 0;
  });
  return { type: 'dec-ttl', controllerIds: ids.length === 0 ? [0] : ids, raw: 'cnt-ids' };
}

function parseLearn(arg: string, ctx: Context): Ofpact {
  const learn = {
    idleTimeout: 0, hardTimeout: 0, priority: 0x8000, cookie: [0, 0] as [number, number], flags: 0, tableId: 1,
    finIdleTimeout: 0, finHardTimeout: 0, limit: 0,
  } as {
    idleTimeout: number; hardTimeout: number; priority: number; cookie: [number, number]; flags: number;
    tableId: number; finIdleTimeout: number; finHardTimeout: number; limit: number; resultDst?: Subfield;
  };
  const specs: LearnSpec[] = [];
  for (const { key, value } of splitKeyValuesLearn(arg)) {
    switch (key) {
      case 'table':
        learn.tableId = parseTable(value, 'learn');
        continue;
      case 'priority':
        learn.priority = atoi(value) & 0xffff;
        continue;
      case 'idle_timeout':
        learn.idleTimeout = atoi(value) & 0xffff;
        continue;
      case 'hard_timeout':
        learn.hardTimeout = atoi(value) & 0xffff;
        continue;
      case 'fin_idle_timeout':
        learn.finIdleTimeout = atoi(value) & 0xffff;
        continue;
      case 'fin_hard_timeout':
        learn.finHardTimeout = atoi(value) & 0xffff;
        continue;
      case 'cookie':
        learn.cookie = u32Pair(bigNumberOrThrow(value));
        continue;
      case 'send_flow_rem':
        learn.flags |= LEARN_SEND_FLOW_REM;
        continue;
      case 'delete_learned':
        learn.flags |= LEARN_DELETE_LEARNED;
        continue;
      case 'limit':
        learn.limit = atoi(value) >>> 0;
        continue;
      case 'result_dst': {
        const sf = parseSubfield(value);
        if (sf.nBits !== 1) throw new ParseError('result_dst in \'learn\' action must be a single bit');
        learn.resultDst = sf;
        learn.flags |= LEARN_WRITE_RESULT;
        continue;
      }
      case 'load': {
        const arrow = value.indexOf('->');
        if (arrow < 0) throw new ParseError(`${value}: missing \`->'`);
        const dst = parseSubfield(value.slice(arrow + 2));
        const srcText = value.slice(0, arrow);
        if (/^[0-9]/.test(srcText)) {
          const v = bigNumberOrThrow(srcText);
          specs.push({ kind: 'load', dst, value: immediateBytes(v, dst.nBits) });
        } else {
          const src = parseSubfield(srcText);
          if (src.nBits !== dst.nBits) {
            throw new ParseError(`${value}: source field is ${src.nBits} bits wide but destination is ${dst.nBits} bits wide`);
          }
          specs.push({ kind: 'load', dst, src });
        }
        continue;
      }
      case 'output':
        specs.push({ kind: 'output', src: parseSubfield(value) });
        continue;
      default:
        break;
    }
    // A match spec: "field", "field[..]", "dst=src" or "field=value".
    const { sf: dst, rest } = (() => {
      try {
        return scanSubfield(key);
      } catch {
        throw new ParseError(`${arg}: unknown keyword ${key}`);
      }
    })();
    if (rest !== '') throw new ParseError(`${arg}: unknown keyword ${key}`);
    if (value === '' && !arg.includes(`${key}=`)) {
      specs.push({ kind: 'match', dst, src: dst });
      continue;
    }
    let src: Subfield | null = null;
    let subfieldError = '';
    try {
      src = parseSubfield(value);
    } catch (e) {
      subfieldError = (e as Error).message;
    }
    if (src) {
      if (src.nBits !== dst.nBits) {
        // The widths come out crossed in ovs-ofctl's message; kept as it prints them.
        throw new ParseError(`${key}=${value}: bit widths of ${key} (${src.nBits}) and ${value} (${dst.nBits}) differ`);
      }
      specs.push({ kind: 'match', dst, src });
      continue;
    }
    let v: bigint;
    try {
      const parsed = parseFieldValue(dst.field, value, { tunMetadata: new Map(), portNames: ctx.portNames });
      v = bytesToBigint(parsed.value);
    } catch (e) {
      throw new ParseError(
        `${arg}: ${key} value ${value} cannot be parsed as a subfield (${subfieldError}) or an immediate value (${(e as Error).message})`,
      );
    }
    if (v >> BigInt(dst.nBits) !== 0n) throw new ParseError(`${arg}: value does not fit into ${dst.nBits} bits`);
    specs.push({ kind: 'match', dst, value: immediateBytes(v, dst.nBits) });
  }
  return { type: 'learn', ...learn, specs };
}

/** learn() items are split like other arguments, but "a=b" keeps "=" inside subfield keys out of the way. */
function splitKeyValuesLearn(text: string): Array<{ key: string; value: string }> {
  const out: Array<{ key: string; value: string }> = [];
  let depth = 0;
  let start = 0;
  const items: string[] = [];
  for (let i = 0; i <= text.length; i++) {
    const c = text[i];
    if (c === '(' || c === '[') depth++;
    else if (c === ')' || c === ']') depth--;
    if (i === text.length || (depth === 0 && c === ',')) {
      const item = text.slice(start, i).trim();
      if (item !== '') items.push(item);
      start = i + 1;
    }
  }
  for (const item of items) {
    const m = /^(load|output):(.*)$/s.exec(item);
    if (m) {
      out.push({ key: m[1]!, value: m[2]! });
      continue;
    }
    const eq = item.indexOf('=');
    if (eq < 0) out.push({ key: item, value: '' });
    else out.push({ key: item.slice(0, eq), value: item.slice(eq + 1) });
  }
  return out;
}

/** An immediate of `nBits` as learn's flow_mod_spec carries it: whole 16-bit units. */
export function immediateBytes(v: bigint, nBits: number): Uint8Array {
  return bigintToBytes(v, Math.ceil(nBits / 16) * 2);
}

function parseHashFields(name: string, arg: string): number {
  const i = HASH_FIELDS.indexOf(name as (typeof HASH_FIELDS)[number]);
  if (i < 0) throw new ParseError(`${arg}: unknown fields \`${name}'`);
  return i;
}

function parseMultipath(arg: string): Ofpact {
  const parts = arg.split(',').map((s) => s.trim());
  if (parts.length < 6) throw new ParseError(`${arg}: not enough arguments to multipath action`);
  const fields = parseHashFields(parts[0]!, arg);
  const basis = numberOrThrow(parts[1]!, 16);
  const algorithm = MULTIPATH_ALGORITHMS.indexOf(parts[2] as (typeof MULTIPATH_ALGORITHMS)[number]);
  if (algorithm < 0) throw new ParseError(`${arg}: unknown algorithm \`${parts[2]}'`);
  const nLinks = Number(parts[3]);
  if (!(nLinks >= 1 && nLinks <= 65536)) {
    throw new ParseError(`${arg}: n_links ${parts[3]} is not in valid range 1 to 65536`);
  }
  const argument = numberOrThrow(parts[4]!);
  const dst = parseSubfield(parts[5]!);
  if (dst.nBits < 16 && nLinks > 2 ** dst.nBits) {
    throw new ParseError(`${arg}: ${dst.nBits}-bit destination field has ${2 ** dst.nBits} possible values, less than specified n_links ${nLinks}`);
  }
  return { type: 'multipath', fields, basis, algorithm, maxLink: nLinks - 1, arg: argument, dst };
}

function parseBundle(arg: string, load: boolean, ctx: Context): Ofpact {
  const parts = arg.split(',').map((s) => s.trim());
  const fields = parseHashFields(parts[0] ?? '', arg);
  const basis = numberOrThrow(parts[1] ?? '', 16);
  const algorithm = BUNDLE_ALGORITHMS.indexOf(parts[2] as (typeof BUNDLE_ALGORITHMS)[number]);
  if (algorithm < 0) throw new ParseError(`${arg}: unknown algorithm \`${parts[2]}'`);
  if (parts[3] !== 'ofport') throw new ParseError(`${arg}: unknown member_type \`${parts[3]}'`);
  let i = 4;
  let dst: Subfield | undefined;
  if (load) dst = parseSubfield(parts[i++] ?? '');
  const membersText = parts[i] ?? '';
  const m = /^(members|slaves):(.*)$/.exec(membersText);
  if (!m) throw new ParseError(`${arg}: missing member delimiter, expected \`members', got \`${parts.slice(i).join(',')}'`);
  const list = [m[2]!, ...parts.slice(i + 1)].filter((s) => s !== '');
  const members = list.map((p) => {
    const port = parsePortName(p, ctx.portNames);
    if (port === null) throw new ParseError(`${p}: bad port number`);
    return port;
  });
  return dst
    ? { type: 'bundle', algorithm, fields, basis, members, dst }
    : { type: 'bundle', algorithm, fields, basis, members };
}

function parseSample(arg: string, ctx: Context): Ofpact {
  const s = {
    probability: 0, collectorSetId: 0, obsDomainId: 0, obsPointId: 0, samplingPort: OFPP.NONE as number, direction: 0,
  };
  for (const { key, value } of splitKeyValues(arg)) {
    if (key === 'probability') {
      const v = parseNumber(value, 16);
      if (v === null) throw new ParseError(`invalid probability "${value}"`);
      if (v === 0) throw new ParseError(`invalid probability value "${value}"`);
      s.probability = v;
    } else if (key === 'collector_set_id') {
      s.collectorSetId = numberOrThrow(value);
    } else if (key === 'obs_domain_id') {
      s.obsDomainId = numberOrThrow(value);
    } else if (key === 'obs_point_id') {
      s.obsPointId = numberOrThrow(value);
    } else if (key === 'sampling_port') {
      const p = parsePortName(value, ctx.portNames);
      if (p === null) throw new ParseError(`${value}: unknown port`);
      s.samplingPort = p;
    } else if (key === 'ingress') {
      s.direction = 1;
    } else if (key === 'egress') {
      s.direction = 2;
    } else {
      throw new ParseError(`invalid key "${key}" in "sample" argument`);
    }
  }
  if (s.probability === 0) throw new ParseError('non-zero "probability" must be specified on sample');
  return { type: 'sample', ...s };
}

function parseNatRange(text: string, nat: { addrMin?: Uint8Array; addrMax?: Uint8Array; portMin?: number; portMax?: number }): void {
  let rest = text;
  const garbage = (): ParseError => {
    const pos = text.length - rest.length + 1;
    return new ParseError(`garbage (${rest.slice(1)}) after nat range "${text}" (pos: ${pos})`);
  };
  const scanAddr = (): Uint8Array | null => {
    if (rest.startsWith('[')) {
      const close = rest.indexOf(']');
      if (close < 0) return null;
      const a = parseIpv6Address(rest.slice(1, close));
      if (!a) return null;
      rest = rest.slice(close + 1);
      return a;
    }
    const v4 = /^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+/.exec(rest);
    if (v4) {
      const a = parseIpv4Address(v4[0]);
      if (!a) return null;
      rest = rest.slice(v4[0].length);
      return a;
    }
    const a = parseIpv6Address(rest);
    if (a) {
      rest = '';
      return a;
    }
    return null;
  };
  const min = scanAddr();
  if (!min) {
    rest = rest.slice(0);
    throw garbage();
  }
  nat.addrMin = min;
  const invalid = (): ParseError => new ParseError(`invalid nat range "${text}"`);
  if (rest.startsWith('-')) {
    rest = rest.slice(1);
    const max = scanAddr();
    if (!max) throw invalid();
    nat.addrMax = max;
  }
  if (rest.startsWith(':')) {
    const m = /^:([0-9]+)(?:-([0-9]+))?/.exec(rest);
    if (!m) throw invalid();
    nat.portMin = Number(m[1]);
    if (m[2] !== undefined) nat.portMax = Number(m[2]);
    rest = rest.slice(m[0].length);
  }
  if (rest !== '') throw garbage();
}

function parseNat(arg: string): Nat {
  let flags = 0;
  const nat: { addrMin?: Uint8Array; addrMax?: Uint8Array; portMin?: number; portMax?: number } = {};
  for (const { key, value } of splitKeyValues(arg)) {
    if (key === 'src' || key === 'dst') {
      if (flags & (NAT_SRC | NAT_DST)) throw new ParseError('May only specify one of "src" or "dst".');
      flags |= key === 'src' ? NAT_SRC : NAT_DST;
      if (value !== '') parseNatRange(value, nat);
    } else if (key === 'persistent') {
      flags |= NAT_PERSISTENT;
    } else if (key === 'hash') {
      flags |= NAT_PROTO_HASH;
    } else if (key === 'random') {
      flags |= NAT_PROTO_RANDOM;
    } else {
      throw new ParseError(`invalid key "${key}" in "nat" argument`);
    }
  }
  if ((flags & NAT_PROTO_HASH) && (flags & NAT_PROTO_RANDOM)) {
    throw new ParseError('Both "hash" and "random" are not allowed.');
  }
  return { type: 'nat', flags, ...nat };
}

const CT_ALGS: ReadonlyMap<string, number> = new Map([['ftp', 21], ['tftp', 69]]);

function parseCt(arg: string, ctx: Context): Ofpact {
  let flags = 0;
  let zoneImm = 0;
  let zoneSrc: Subfield | undefined;
  let recircTable = 0xff;
  let alg = 0;
  const actions: Ofpact[] = [];
  for (const { key, value } of splitKeyValues(arg)) {
    if (key === 'commit') {
      flags |= CT_COMMIT;
    } else if (key === 'force') {
      flags |= CT_FORCE;
    } else if (key === 'table') {
      recircTable = parseTable(value, 'ct');
    } else if (key === 'zone') {
      const v = parseNumber(value, 16);
      if (v !== null) {
        zoneImm = v;
      } else {
        zoneSrc = parseSubfield(value);
      }
    } else if (key === 'alg') {
      const a = CT_ALGS.get(value) ?? parseNumber(value, 16);
      if (a === null) throw new ParseError(`invalid conntrack helper "${value}"`);
      alg = a;
    } else if (key === 'nat') {
      actions.push(parseNat(value));
    } else if (key === 'exec') {
      actions.push(...parseList(value, { ...ctx, nested: 'ct' }));
    } else {
      throw new ParseError(`invalid argument to "ct" action: \`${key}'`);
    }
  }
  if ((flags & CT_FORCE) && !(flags & CT_COMMIT)) {
    throw new ParseError('"force" flag requires "commit" flag.');
  }
  return zoneSrc
    ? { type: 'ct', flags, zoneImm: 0, zoneSrc, recircTable, alg, actions }
    : { type: 'ct', flags, zoneImm, recircTable, alg, actions };
}

const ENCAP_TYPES: ReadonlyMap<string, number> = new Map([
  ['ethernet', 0x0000_0000], ['nsh', 0x0001_894f], ['mpls', 0x0001_8847], ['mpls_mc', 0x0001_8848],
]);

function parseEncap(arg: string): Ofpact {
  // Only the first item counts; ovs-ofctl ignores anything after the header.
  const first = splitKeyValues(arg)[0];
  const packetType = first ? ENCAP_TYPES.get(first.key) : undefined;
  if (!first || packetType === undefined) throw new ParseError('Encap hdr not supported: ');
  const m = [arg, first.key, arg.includes(`${first.key}(`) ? first.value : undefined] as const;
  const props: EncapProperty[] = [];
  if (m[2] !== undefined) {
    for (const { key, value } of splitKeyValues(m[2])) {
      if (m[1] !== 'nsh') throw new ParseError(`Invalid property: ${key}`);
      if (key === 'md_type') {
        const t = numberOrThrow(value, 8);
        if (t !== 1 && t !== 2) throw new ParseError('invalid md_type');
        props.push({ kind: 'md_type', mdType: t });
      } else if (key === 'tlv') {
        const [c, t, v] = value.split(',').map((s) => s.trim());
        const big = bigNumberOrThrow(v ?? '');
        const size = Math.max(1, Math.ceil(big.toString(16).length / 2));
        props.push({ kind: 'tlv', tlvClass: numberOrThrow(c ?? '', 16), tlvType: numberOrThrow(t ?? '', 8),
          value: bigintToBytes(big, size) });
      } else {
        throw new ParseError(`Invalid property: ${key}`);
      }
    }
  }
  return { type: 'encap', packetType, props };
}

function parseDecap(arg: string): Ofpact {
  if (arg.trim() === '') return { type: 'decap', packetType: 0xfffe };
  const m = /^packet_type\(ns=([^,]+),type=([^)]+)\)$/.exec(arg.trim());
  if (!m) throw new ParseError(`Invalid decap argument: ${arg}`);
  return { type: 'decap', packetType: ((numberOrThrow(m[1]!, 16, 'ns') << 16) | numberOrThrow(m[2]!, 16, 'type')) >>> 0 };
}

function parseOne(key: string, value: string, ctx: Context): Ofpact | null {
  const name = key.toLowerCase();
  switch (name) {
    case 'output':
      return parseOutput(value, ctx);
    case 'enqueue': {
      const parts = value.includes(',') ? value.split(',') : value.split(':');
      if (parts.length !== 2) throw new ParseError('"enqueue" syntax is "enqueue:PORT:QUEUE" or "enqueue(PORT,QUEUE)"');
      const port = parsePortName(parts[0]!, ctx.portNames);
      if (port === null) throw new ParseError(`${parts[0]}: enqueue to unknown port`);
      return { type: 'enqueue', port, queue: numberOrThrow(parts[1]!) };
    }
    case 'controller':
      return parseController(value);
    case 'drop':
      return null;
    case 'mod_vlan_vid':
    case 'set_vlan_vid': {
      const vid = numberOrThrow(value, 16, 'VLAN VID');
      if (vid > 0xfff) throw new ParseError(`${value}: not a valid VLAN VID`);
      return name === 'mod_vlan_vid'
        ? { type: 'set-vlan-vid', vid, push: true }
        : { type: 'set-vlan-vid', vid, push: false, raw: 'set_vlan_vid' };
    }
    case 'mod_vlan_pcp':
    case 'set_vlan_pcp': {
      const pcp = numberOrThrow(value, 8, 'VLAN PCP');
      if (pcp > 7) throw new ParseError(`${value}: not a valid VLAN PCP`);
      return name === 'mod_vlan_pcp'
        ? { type: 'set-vlan-pcp', pcp, push: true }
        : { type: 'set-vlan-pcp', pcp, push: false, raw: 'set_vlan_pcp' };
    }
    case 'strip_vlan':
      return { type: 'strip-vlan' };
    case 'pop_vlan':
      return { type: 'strip-vlan', raw: 'pop_vlan' };
    case 'push_vlan': {
      const e = numberOrThrow(value, 16, 'ethertype');
      if (e !== 0x8100 && e !== 0x88a8) throw new ParseError(`${value}: not a valid VLAN ethertype`);
      return { type: 'push-vlan', ethertype: e };
    }
    case 'push_mpls':
      return { type: 'push-mpls', ethertype: numberOrThrow(value, 16) };
    case 'pop_mpls': {
      const e = parseNumber(value, 16);
      if (e === null) throw new ParseError(`invalid pop_mpls "${value}"`);
      return { type: 'pop-mpls', ethertype: e };
    }
    case 'set_mpls_label':
      return { type: 'set-mpls-label', label: numberOrThrow(value) };
    case 'set_mpls_tc':
      return { type: 'set-mpls-tc', tc: numberOrThrow(value, 8) };
    case 'set_mpls_ttl':
      return { type: 'set-mpls-ttl', ttl: numberOrThrow(value, 8) };
    case 'dec_mpls_ttl':
      return { type: 'dec-mpls-ttl' };
    case 'mod_dl_src':
    case 'mod_dl_dst': {
      const mac = parseEthernetAddress(value);
      if (!mac) throw new ParseError(`invalid mac address ${value}`);
      return { type: name === 'mod_dl_src' ? 'set-eth-src' : 'set-eth-dst', mac };
    }
    case 'mod_nw_src':
    case 'mod_nw_dst': {
      const a = parseIpv4Address(value);
      if (!a) throw new ParseError(`${value}: could not convert to IP address`);
      const addr = ((a[0]! << 24) | (a[1]! << 16) | (a[2]! << 8) | a[3]!) >>> 0;
      return { type: name === 'mod_nw_src' ? 'set-ipv4-src' : 'set-ipv4-dst', addr };
    }
    case 'mod_nw_tos': {
      const tos = parseNumber(value, 8);
      if (tos === null || (tos & 3) !== 0) throw new ParseError(`${value}: not a valid TOS`);
      return { type: 'set-ip-dscp', tos };
    }
    case 'mod_nw_ecn': {
      const ecn = parseNumber(value, 8);
      if (ecn === null || ecn > 3) throw new ParseError(`${value}: not a valid ECN`);
      return { type: 'set-ip-ecn', ecn };
    }
    case 'mod_nw_ttl':
      return { type: 'set-ip-ttl', ttl: numberOrThrow(value, 8, 'TTL') };
    case 'mod_tp_src':
      return { type: 'set-l4-src', port: numberOrThrow(value, 16, 'source port') };
    case 'mod_tp_dst':
      return { type: 'set-l4-dst', port: numberOrThrow(value, 16, 'destination port') };
    case 'dec_ttl':
      return parseDecTtl(value);
    case 'set_field':
      return parseSetField(value, ctx);
    case 'load':
      return parseLoad(value);
    case 'move':
      return parseMove(value);
    case 'push':
      return { type: 'stack-push', subfield: parseSubfield(value) };
    case 'pop':
      return { type: 'stack-pop', subfield: parseSubfield(value) };
    case 'set_tunnel':
    case 'set_tunnel64': {
      const v = bigNumberOrThrow(value);
      return name === 'set_tunnel64' || v > 0xffffffffn
        ? { type: 'set-tunnel', tunId: u32Pair(v), raw: 'tunnel64' }
        : { type: 'set-tunnel', tunId: u32Pair(v) };
    }
    case 'set_queue':
      return { type: 'set-queue', queue: numberOrThrow(value) };
    case 'pop_queue':
      return { type: 'pop-queue' };
    case 'delete_field': {
      const field = lookupField(value);
      if (!field) throw new ParseError(`unknown field \`${value}'`);
      return { type: 'delete-field', field };
    }
    case 'resubmit':
      return parseResubmit(value, ctx);
    case 'group':
      return { type: 'group', groupId: numberOrThrow(value) };
    case 'fin_timeout': {
      let idleTimeout = 0;
      let hardTimeout = 0;
      for (const { key: k, value: v } of splitKeyValues(value)) {
        if (k === 'idle_timeout') idleTimeout = numberOrThrow(v, 16, 'idle_timeout');
        else if (k === 'hard_timeout') hardTimeout = numberOrThrow(v, 16, 'hard_timeout');
        else throw new ParseError(`invalid key '${k}' in 'fin_timeout' argument`);
      }
      return { type: 'fin-timeout', idleTimeout, hardTimeout };
    }
    case 'note':
      return { type: 'note', data: parseHexBytes(value, 'note') };
    case 'exit':
      return { type: 'exit' };
    case 'learn':
      return parseLearn(value, ctx);
    case 'conjunction': {
      const m = /^\s*([0-9]+)\s*,\s*([0-9]+)\s*\/\s*([0-9]+)\s*$/.exec(value);
      if (!m) throw new ParseError(`"conjunction" syntax is "conjunction(id,i/n)"`);
      const clause = Number(m[2]);
      const nClauses = Number(m[3]);
      if (nClauses < 2) throw new ParseError('conjunction must have at least 2 clauses');
      if (nClauses > 64) throw new ParseError('conjunction must have at most 64 clauses');
      if (clause < 1) throw new ParseError('clause index must be positive');
      if (clause > nClauses) throw new ParseError('clause index must be less than or equal to number of clauses');
      return { type: 'conjunction', id: Number(m[1]) >>> 0, clause: clause - 1, nClauses };
    }
    case 'multipath':
      return parseMultipath(value);
    case 'bundle':
      return parseBundle(value, false, ctx);
    case 'bundle_load':
      return parseBundle(value, true, ctx);
    case 'sample':
      return parseSample(value, ctx);
    case 'clone':
      return { type: 'clone', actions: parseList(value, { ...ctx, nested: 'actions', outer: 'clone' }) };
    case 'ct':
      return parseCt(value, ctx);
    case 'ct_clear':
      return { type: 'ct-clear' };
    case 'nat':
      if (ctx.nested !== 'ct') throw new ParseError('Cannot have NAT action outside of "ct" action');
      return parseNat(value);
    case 'check_pkt_larger': {
      const m = /^([^)]*?)->(.*)$/s.exec(value);
      if (!m) throw new ParseError(`${value}: missing \`->'`);
      const pktLen = parseNumber(m[1]!, 16);
      if (pktLen === null) throw new ParseError(`invalid (null) "${m[1]}"`);
      const dst = parseSubfield(m[2]!);
      if (dst.nBits !== 1) throw new ParseError('Only 1-bit destination field is allowed');
      return { type: 'check-pkt-larger', pktLen, dst };
    }
    case 'encap':
      return parseEncap(value);
    case 'decap':
      return parseDecap(value);
    case 'dec_nsh_ttl':
      return { type: 'dec-nsh-ttl' };
    case 'debug_recirc':
      return { type: 'debug-recirc' };
    case 'debug_slow':
      return { type: 'debug-slow' };
    case 'meter': {
      // Read as 64 bits and kept as 32, so 2**32 becomes meter 0, which the check refuses.
      const id = parseNumber(value, 64);
      if (id === null) throw new ParseError(value.trim() === '' ? 'missing required numeric argument' : `invalid numeric format ${value}`);
      return { type: 'meter', meterId: Number(BigInt(id) & 0xffffffffn) };
    }
    case 'goto_table':
      return { type: 'goto-table', tableId: parseTable(value, 'goto') };
    case 'write_metadata': {
      const [v, m] = value.split('/') as [string, string | undefined];
      return {
        type: 'write-metadata', metadata: u32Pair(bigNumberOrThrow(v)),
        mask: m === undefined ? [0xffffffff, 0xffffffff] : u32Pair(bigNumberOrThrow(m)),
      };
    }
    case 'write_actions':
      return { type: 'write-actions', actions: parseList(value, { ...ctx, nested: 'actions', outer: 'write_actions' }) };
    case 'clear_actions':
      return { type: 'clear-actions' };
    default: {
      const port = parsePortName(key, ctx.portNames);
      if (port !== null && value === '') return { type: 'output', port, maxLen: port === OFPP.CONTROLLER ? 0xffff : 0 };
      throw new ParseError(`unknown action ${key}`);
    }
  }
}

/** Key, value pairs of an action list into Ofpacts, with the checks that need no match. */
function parseList(text: string, ctx: Context): Ofpact[] {
  const items = splitKeyValues(text);
  const actions: Ofpact[] = [];
  let drop = false;
  for (const { key, value } of items) {
    const a = parseOne(key, value, ctx);
    if (a === null) {
      drop = true;
      continue;
    }
    if (ctx.nested === 'actions' && a.type === 'meter') {
      throw new ParseError(`${ctx.outer} action doesn't support nested action meter`);
    }
    if (ctx.nested && INSTRUCTION_NAMES[a.type] && ctx.nested === 'actions') {
      throw new ParseError(`${INSTRUCTION_NAMES[a.type]} instruction not allowed here`);
    }
    if (ctx.nested === 'ct') {
      const dst = a.type === 'set-field' ? a.field : a.type === 'move' ? a.dst.field : null;
      if (dst && dst.name !== 'ct_mark' && dst.name !== 'ct_label') {
        throw new ParseError(`ct action doesn't support nested modification of ${dst.name}`);
      }
      if (!dst && a.type !== 'nat') throw new ParseError(`ct action doesn't support nested action ${actionName(key)}`);
    }
    actions.push(a);
  }
  if (drop && items.length > 1) {
    throw new ParseError('"drop" must not be accompanied by any other action or instruction');
  }
  return actions;
}

function actionName(key: string): string {
  return key.toLowerCase();
}

/** Instruction ordering and uniqueness, as OpenFlow 1.1+ requires them. */
function verifyInstructions(actions: readonly Ofpact[]): void {
  let last = -1;
  let lastName = '';
  const seen = new Set<string>();
  for (const a of actions) {
    const name = INSTRUCTION_NAMES[a.type] ?? 'apply_actions';
    const index = name === 'apply_actions' ? 1 : INSTRUCTION_ORDER.indexOf(a.type) + (a.type === 'meter' ? 0 : 1);
    if (name !== 'apply_actions' && seen.has(name)) {
      throw new ParseError(`duplicate ${name} instruction not allowed, for OpenFlow 1.1+ compatibility`);
    }
    if (index < last) {
      throw new ParseError(`invalid instruction ordering: ${name} must appear before ${lastName}, for OpenFlow 1.1+ compatibility`);
    }
    if (name !== 'apply_actions') seen.add(name);
    if (index !== last) {
      last = index;
      lastName = name;
    }
  }
}

/** Reads ovs-ofctl action text (what follows "actions=") into Ofpacts. */
export function parseActions(text: string, options: ParseActionsOptions = {}): Ofpact[] {
  const ctx: Context = {
    ...(options.portNames ? { portNames: options.portNames } : {}),
    ...(options.instructions === false ? { nested: 'actions' as const, outer: 'apply_actions' } : {}),
  };
  const actions = parseList(text, ctx);
  verifyInstructions(actions);
  if (options.match) {
    try {
      checkActions(actions, options.match);
    } catch (e) {
      if (e instanceof OfpError) {
        throw new ParseError(`actions are invalid with specified match (${e.errorName})`, { cause: e });
      }
      throw e;
    }
  }
  return actions;
}
