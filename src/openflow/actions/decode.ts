// decodeActions(): OpenFlow action (and instruction) bytes of one wire
// version into Ofpacts. This reads input from the outside, so every length is
// checked and every failure is an OfpError named as Open vSwitch names it
// (OFPBAC_BAD_LEN, OFPBAC_BAD_TYPE, OFPBAC_BAD_VENDOR_TYPE, OFPBAC_BAD_OUT_PORT,
// OFPBAC_BAD_SET_TYPE, OFPBIC_UNKNOWN_INST, ...); nothing else is thrown.

import type { MatchField } from '../../flow/fields.js';
import { OfpError } from '../ofp-error.js';
import { OfpReader } from '../ofpbuf.js';
import { NXAST, NX_VENDOR_ID, OFPAT10, OFPAT11, OFPIT, ONF_VENDOR_ID } from './encode.js';
import { checkSubfield, readHeader } from './subfield.js';
import {
  INSTRUCTION_ORDER, OFPP, type EncapProperty, type Learn, type LearnSpec, type Nat, type Ofpact, type Subfield,
} from './types.js';

export interface DecodeActionsOptions {
  /** The bytes are OpenFlow 1.1+ instructions (a flow_mod's body), not an action list. */
  instructions?: boolean;
}

const BAD_LEN = 'OFPBAC_BAD_LEN';

function bad(code: string, message: string): never {
  throw new OfpError(code, message);
}

/** OpenFlow 1.1+ port numbers into the 16-bit form (reserved 0xffffff00+ onto 0xff00+). */
function port16(p: number): number {
  if (p < OFPP.MAX) return p;
  if (p >= 0xffffff00) return p - 0xffff0000;
  return bad('OFPBAC_BAD_OUT_PORT', `port ${p} is out of range`);
}

function checkOutputPort(p: number): number {
  switch (p) {
    case OFPP.IN_PORT:
    case OFPP.TABLE:
    case OFPP.NORMAL:
    case OFPP.FLOOD:
    case OFPP.ALL:
    case OFPP.CONTROLLER:
    case OFPP.LOCAL:
      return p;
    default:
      if (p < OFPP.MAX) return p;
      return bad('OFPBAC_BAD_OUT_PORT', `output to invalid port ${p}`);
  }
}

function u64(r: OfpReader): [number, number] {
  return [r.u32(), r.u32()];
}

function subfieldAt(r: OfpReader, ofsNbits: number): Subfield {
  const h = readHeader(r, 'OFPBAC_BAD_SET_TYPE');
  return checkSubfield({ field: h.field, ofs: ofsNbits >>> 6, nBits: (ofsNbits & 0x3f) + 1 });
}

/** A field header; one Open vSwitch does not know is OFPBAC_BAD_SET_TYPE for most actions. */
function fieldOf(r: OfpReader, error = 'OFPBAC_BAD_SET_TYPE'): MatchField {
  return readHeader(r, error).field;
}

function fullMask(size: number): Uint8Array {
  return new Uint8Array(size).fill(0xff);
}

/** An OXM TLV (set_field, reg_load2): the field, its value and mask. */
function readOxmEntry(
  r: OfpReader, mayMask: boolean, unknown = 'OFPBAC_BAD_SET_LEN',
): { field: MatchField; value: Uint8Array; mask: Uint8Array; wireMask?: boolean } {
  // Real ovs-ofctl reports a header it does not know as a bad length.
  const h = readHeader(r, unknown);
  const size = h.hasMask ? h.length / 2 : h.length;
  const expected = h.field.tunMetadataIndex !== undefined ? size : h.field.bytes;
  if (!Number.isInteger(size) || size !== expected || size === 0 || (h.field.tunMetadataIndex !== undefined && size > 124)) {
    bad('OFPBAC_BAD_SET_LEN', `${h.field.name}: bad length ${h.length}`);
  }
  if (h.hasMask && !mayMask) bad('OFPBAC_BAD_SET_MASK', 'set_field may not be masked here');
  const value = r.bytesView(size).slice();
  const mask = h.hasMask ? r.bytesView(size).slice() : fullMask(size);
  if (h.hasMask && value.some((b, i) => (b & ~mask[i]!) !== 0)) {
    bad('OFPBMC_BAD_WILDCARDS', `${h.field.name}: value has bits outside its mask`);
  }
  if (!h.field.writable) bad('OFPBAC_BAD_SET_ARGUMENT', `${h.field.name} is read-only`);
  // An all-ones mask sent anyway (a load into tun_metadataN) goes back out the same way.
  return h.hasMask && mask.every((b) => b === 0xff) ? { field: h.field, value, mask, wireMask: true } : { field: h.field, value, mask };
}

function bytesOf(v: bigint, size: number): Uint8Array {
  const out = new Uint8Array(size);
  for (let i = size - 1; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

// --- Nicira extensions -------------------------------------------------------------

/** Exact lengths of fixed-size Nicira actions; others give their minimum as a negative number. */
const NX_LENGTHS: Readonly<Record<number, number>> = {
  [NXAST.RESUBMIT]: 16, [NXAST.SET_TUNNEL]: 16, [NXAST.SET_QUEUE]: 16, [NXAST.POP_QUEUE]: 16,
  [NXAST.REG_MOVE]: -24, [NXAST.REG_LOAD]: 24, [NXAST.NOTE]: -16, [NXAST.SET_TUNNEL64]: 24,
  [NXAST.MULTIPATH]: 32, [NXAST.BUNDLE]: -32, [NXAST.BUNDLE_LOAD]: -32, [NXAST.RESUBMIT_TABLE]: 16,
  [NXAST.OUTPUT_REG]: 24, [NXAST.LEARN]: -32, [NXAST.EXIT]: 16, [NXAST.DEC_TTL]: 16, [NXAST.FIN_TIMEOUT]: 16,
  [NXAST.CONTROLLER]: 16, [NXAST.DEC_TTL_CNT_IDS]: -16, [NXAST.WRITE_METADATA]: 32, [NXAST.PUSH_MPLS]: 16,
  [NXAST.POP_MPLS]: 16, [NXAST.SET_MPLS_TTL]: 16, [NXAST.DEC_MPLS_TTL]: 16, [NXAST.STACK_PUSH]: 24,
  [NXAST.STACK_POP]: 24, [NXAST.SAMPLE]: 24, [NXAST.SET_MPLS_LABEL]: 16, [NXAST.SET_MPLS_TC]: 16,
  [NXAST.OUTPUT_REG2]: -24, [NXAST.REG_LOAD2]: -16, [NXAST.CONJUNCTION]: 16, [NXAST.CT]: -24, [NXAST.NAT]: -16,
  [NXAST.CONTROLLER2]: -16, [NXAST.SAMPLE2]: 32, [NXAST.OUTPUT_TRUNC]: 16, [NXAST.GROUP]: 16, [NXAST.SAMPLE3]: 32,
  [NXAST.CLONE]: -16, [NXAST.CT_CLEAR]: 16, [NXAST.RESUBMIT_TABLE_CT]: 16, [NXAST.LEARN2]: -40,
  [NXAST.ENCAP]: -16, [NXAST.DECAP]: 16, [NXAST.DEC_NSH_TTL]: 16, [NXAST.CHECK_PKT_LARGER]: 24,
  [NXAST.DELETE_FIELD]: -16,
};

/** Nicira actions that stand in for standard OpenFlow 1.1+ actions, so only OpenFlow 1.0 takes them. */
const OF10_ONLY: ReadonlySet<number> = new Set([
  NXAST.SET_QUEUE, NXAST.DEC_TTL, NXAST.PUSH_MPLS, NXAST.POP_MPLS, NXAST.SET_MPLS_TTL, NXAST.DEC_MPLS_TTL,
  NXAST.SET_MPLS_LABEL, NXAST.SET_MPLS_TC, NXAST.GROUP,
]);

function decodeLearn(r: OfpReader, learn2: boolean): Learn {
  const idleTimeout = r.u16();
  const hardTimeout = r.u16();
  const priority = r.u16();
  const cookie = u64(r);
  const flags = r.u16();
  const tableId = r.u8();
  r.skip(1);
  const finIdleTimeout = r.u16();
  const finHardTimeout = r.u16();
  if (flags & ~7) bad('OFPBAC_BAD_ARGUMENT', 'learn: unknown flags');
  if (tableId === 0xff) bad('OFPBAC_BAD_ARGUMENT', 'learn: table 255');
  let limit = 0;
  let resultDst: Subfield | undefined;
  if (learn2) {
    limit = r.u32();
    const ofs = r.u16();
    r.skip(2);
    if (flags & 4) {
      const f = fieldOf(r);
      resultDst = checkSubfield({ field: f, ofs, nBits: 1 });
    }
  } else if (flags & 4) {
    bad('OFPBAC_BAD_ARGUMENT', 'learn: write_result needs learn2');
  }
  const specs: LearnSpec[] = [];
  while (r.remaining >= 2) {
    const header = r.u16();
    if (header === 0) break;
    const nBits = header & 0x7ff;
    const immediate = (header & 0x2000) !== 0;
    const dstType = (header >>> 11) & 3;
    if (header & 0xc000 || dstType === 3 || nBits === 0) bad('OFPBAC_BAD_ARGUMENT', 'learn: bad flow_mod_spec');
    if (dstType === 2) {
      if (immediate) bad('OFPBAC_BAD_ARGUMENT', 'learn: output from an immediate');
      const f = fieldOf(r);
      specs.push({ kind: 'output', src: checkSubfield({ field: f, ofs: r.u16(), nBits }) });
      continue;
    }
    let src: Subfield | undefined;
    let value: Uint8Array | undefined;
    if (immediate) {
      value = r.bytesView(Math.ceil(nBits / 16) * 2).slice();
    } else {
      const f = fieldOf(r);
      src = checkSubfield({ field: f, ofs: r.u16(), nBits });
    }
    const df = fieldOf(r);
    const dst = checkSubfield({ field: df, ofs: r.u16(), nBits });
    if (dstType === 0) specs.push(src ? { kind: 'match', dst, src } : { kind: 'match', dst, value: value! });
    else specs.push(src ? { kind: 'load', dst, src } : { kind: 'load', dst, value: value! });
  }
  for (let i = r.offset; i < r.end; i++) if (r.bytes[i] !== 0) bad('OFPBAC_BAD_ARGUMENT', 'learn: garbage after specs');
  const base = {
    type: 'learn' as const, idleTimeout, hardTimeout, priority, cookie: cookie as readonly [number, number], flags,
    tableId, finIdleTimeout, finHardTimeout, limit, specs,
  };
  return resultDst ? { ...base, resultDst } : base;
}

function decodeNat(r: OfpReader): Nat {
  r.skip(2);
  const flags = r.u16();
  const present = r.u16();
  if (present & ~0x3f || ((present & 3) && (present & 12))) bad('OFPBAC_BAD_ARGUMENT', 'nat: bad range');
  const nat: { addrMin?: Uint8Array; addrMax?: Uint8Array; portMin?: number; portMax?: number } = {};
  if (present & 1) nat.addrMin = r.bytesView(4).slice();
  if (present & 2) nat.addrMax = r.bytesView(4).slice();
  if (present & 4) nat.addrMin = r.bytesView(16).slice();
  if (present & 8) nat.addrMax = r.bytesView(16).slice();
  if (present & 16) nat.portMin = r.u16();
  if (present & 32) nat.portMax = r.u16();
  if ((flags & 3) === 3) bad('OFPBAC_BAD_ARGUMENT', 'nat: both src and dst');
  return { type: 'nat', flags, ...nat };
}

function decodeNx(r: OfpReader, subtype: number, length: number, version: number): Ofpact {
  const fixed = NX_LENGTHS[subtype];
  if (fixed === undefined) bad('OFPBAC_BAD_VENDOR_TYPE', `unknown Nicira action ${subtype}`);
  if ((fixed > 0 && length !== fixed) || (fixed < 0 && length < -fixed)) bad(BAD_LEN, `Nicira action ${subtype}: bad length ${length}`);
  if (version < 4 && (subtype === NXAST.ENCAP || subtype === NXAST.DECAP || subtype === NXAST.DEC_NSH_TTL)) {
    bad('OFPBAC_BAD_VENDOR_TYPE', `Nicira action ${subtype} needs OpenFlow 1.1+`);
  }
  if (version !== 1 && OF10_ONLY.has(subtype)) bad('OFPBAC_BAD_VENDOR_TYPE', `Nicira action ${subtype} is OpenFlow 1.0 only`);
  switch (subtype) {
    case NXAST.RESUBMIT:
      return { type: 'resubmit', inPort: r.u16(), tableId: 0xff, ct: false, raw: 'resubmit' };
    case NXAST.RESUBMIT_TABLE:
    case NXAST.RESUBMIT_TABLE_CT: {
      const inPort = r.u16();
      const tableId = r.u8();
      if (r.u8() !== 0 || r.u16() !== 0) bad('OFPBAC_BAD_ARGUMENT', 'resubmit: nonzero padding');
      return { type: 'resubmit', inPort, tableId, ct: subtype === NXAST.RESUBMIT_TABLE_CT };
    }
    case NXAST.SET_TUNNEL:
      r.skip(2);
      return { type: 'set-tunnel', tunId: [0, r.u32()] };
    case NXAST.SET_TUNNEL64:
      r.skip(6);
      return { type: 'set-tunnel', tunId: u64(r), raw: 'tunnel64' };
    case NXAST.SET_QUEUE:
      r.skip(2);
      return { type: 'set-queue', queue: r.u32() };
    case NXAST.POP_QUEUE:
      return { type: 'pop-queue' };
    case NXAST.REG_MOVE: {
      const nBits = r.u16();
      const srcOfs = r.u16();
      const dstOfs = r.u16();
      const src = fieldOf(r);
      const dst = fieldOf(r);
      if (nBits === 0) bad('OFPBAC_BAD_ARGUMENT', 'move: zero bits');
      const move: Ofpact = {
        type: 'move',
        src: checkSubfield({ field: src, ofs: srcOfs, nBits }),
        dst: checkSubfield({ field: dst, ofs: dstOfs, nBits }),
      };
      if (!dst.writable) bad('OFPBAC_BAD_SET_ARGUMENT', `move: ${dst.name} is read-only`);
      return move;
    }
    case NXAST.REG_LOAD: {
      const ofsNbits = r.u16();
      const f = fieldOf(r, 'OFPBAC_BAD_SET_TYPE');
      const value = (BigInt(r.u32()) << 32n) | BigInt(r.u32());
      const sf = checkSubfield({ field: f, ofs: ofsNbits >>> 6, nBits: (ofsNbits & 0x3f) + 1 });
      if (!f.writable) bad('OFPBAC_BAD_SET_ARGUMENT', `load: ${f.name} is read-only`);
      if (sf.nBits < 64 && value >> BigInt(sf.nBits) !== 0n) bad('OFPBAC_BAD_ARGUMENT', 'load: value does not fit');
      const size = f.tunMetadataIndex !== undefined ? Math.ceil((sf.ofs + sf.nBits) / 8) : f.bytes;
      const mask = ((1n << BigInt(sf.nBits)) - 1n) << BigInt(sf.ofs);
      return { type: 'set-field', field: f, value: bytesOf(value << BigInt(sf.ofs), size), mask: bytesOf(mask, size), raw: 'reg-load' };
    }
    case NXAST.REG_LOAD2: {
      const e = readOxmEntry(r, true, 'OFPBAC_BAD_SET_TYPE');
      for (let i = r.offset; i < r.end; i++) if (r.bytes[i] !== 0) bad('OFPBAC_BAD_SET_ARGUMENT', 'reg_load2: trailing bytes');
      return { type: 'set-field', ...e, raw: 'reg-load2' };
    }
    case NXAST.NOTE:
      return { type: 'note', data: r.bytesView(r.remaining).slice() };
    case NXAST.MULTIPATH: {
      const fields = r.u16();
      const basis = r.u16();
      r.skip(2);
      const algorithm = r.u16();
      const maxLink = r.u16();
      const arg = r.u32();
      r.skip(2);
      const dst = subfieldAt(r, r.u16());
      if (fields > 6) bad('OFPBAC_BAD_ARGUMENT', 'multipath: unknown fields');
      if (algorithm > 3) bad('OFPBAC_BAD_ARGUMENT', 'multipath: unknown algorithm');
      return { type: 'multipath', fields, basis, algorithm, maxLink, arg, dst };
    }
    case NXAST.BUNDLE:
    case NXAST.BUNDLE_LOAD: {
      const algorithm = r.u16();
      const fields = r.u16();
      const basis = r.u16();
      const memberType = r.u32();
      const n = r.u16();
      const ofsNbits = r.u16();
      const dstHeader = r.u32();
      r.skip(4);
      if (algorithm > 1 || fields > 6 || memberType !== 2) bad('OFPBAC_BAD_ARGUMENT', 'bundle: bad arguments');
      if (n * 2 > r.remaining) bad(BAD_LEN, 'bundle: too many members');
      const members: number[] = [];
      for (let i = 0; i < n; i++) members.push(r.u16());
      if (subtype === NXAST.BUNDLE) {
        if (ofsNbits !== 0 || dstHeader !== 0) bad('OFPBAC_BAD_ARGUMENT', 'bundle: nonzero destination');
        return { type: 'bundle', algorithm, fields, basis, members };
      }
      const back = new OfpReader(Uint8Array.of(dstHeader >>> 24, dstHeader >>> 16, dstHeader >>> 8, dstHeader), { truncated: 'OFPBAC_BAD_ARGUMENT' });
      const dst = subfieldAt(back, ofsNbits);
      return { type: 'bundle', algorithm, fields, basis, members, dst };
    }
    case NXAST.OUTPUT_REG: {
      const ofsNbits = r.u16();
      const src = subfieldAt(r, ofsNbits);
      const maxLen = r.u16();
      return { type: 'output-reg', src, maxLen };
    }
    case NXAST.OUTPUT_REG2: {
      const ofsNbits = r.u16();
      const maxLen = r.u16();
      const src = subfieldAt(r, ofsNbits);
      return { type: 'output-reg', src, maxLen, raw: 'output-reg2' };
    }
    case NXAST.LEARN:
    case NXAST.LEARN2:
      return decodeLearn(r, subtype === NXAST.LEARN2);
    case NXAST.EXIT:
      return { type: 'exit' };
    case NXAST.DEC_TTL:
      return { type: 'dec-ttl', controllerIds: [0] };
    case NXAST.DEC_TTL_CNT_IDS: {
      const n = r.u16();
      r.skip(4);
      if (n * 2 > r.remaining) bad(BAD_LEN, 'dec_ttl: too many controller ids');
      const ids: number[] = [];
      for (let i = 0; i < n; i++) ids.push(r.u16());
      return { type: 'dec-ttl', controllerIds: ids, raw: 'cnt-ids' };
    }
    case NXAST.FIN_TIMEOUT:
      return { type: 'fin-timeout', idleTimeout: r.u16(), hardTimeout: r.u16() };
    case NXAST.CONTROLLER: {
      const maxLen = r.u16();
      const controllerId = r.u16();
      const reason = r.u8();
      return { type: 'controller', maxLen, controllerId, reason, pause: false, meterId: 0xffffffff };
    }
    case NXAST.CONTROLLER2: {
      r.skip(6);
      const c = { maxLen: 0xffff, controllerId: 0, reason: 1, pause: false, meterId: 0xffffffff } as {
        maxLen: number; controllerId: number; reason: number; pause: boolean; meterId: number; userdata?: Uint8Array;
      };
      while (r.remaining > 0) {
        if (r.remaining < 4) bad('OFPBPC_BAD_LEN', 'controller2: truncated property');
        const type = r.u16();
        const len = r.u16();
        if (len < 4 || len - 4 > r.remaining) bad('OFPBPC_BAD_LEN', 'controller2: bad property length');
        const p = r.sub(len - 4, 'OFPBPC_BAD_LEN');
        r.skip(Math.min(r.remaining, (8 - (len % 8)) % 8));
        switch (type) {
          case 0: c.maxLen = p.u16(); break;
          case 1: c.controllerId = p.u16(); break;
          case 2: c.reason = p.u8(); break;
          case 3: c.userdata = p.bytesView(p.remaining).slice(); break;
          case 4: c.pause = true; break;
          case 5: c.meterId = p.u32(); break;
          default: bad('OFPBPC_BAD_TYPE', `controller2: unknown property ${type}`);
        }
      }
      return { type: 'controller', ...c, raw: 'controller2' };
    }
    case NXAST.WRITE_METADATA:
      r.skip(6);
      return { type: 'write-metadata', metadata: u64(r), mask: u64(r) };
    case NXAST.PUSH_MPLS: {
      const ethertype = r.u16();
      if (ethertype !== 0x8847 && ethertype !== 0x8848) bad('OFPBAC_BAD_ARGUMENT', 'push_mpls: bad ethertype');
      return { type: 'push-mpls', ethertype };
    }
    case NXAST.POP_MPLS:
      return { type: 'pop-mpls', ethertype: r.u16() };
    case NXAST.SET_MPLS_TTL:
      return { type: 'set-mpls-ttl', ttl: r.u8() };
    case NXAST.DEC_MPLS_TTL:
      return { type: 'dec-mpls-ttl' };
    case NXAST.SET_MPLS_LABEL:
      r.skip(2);
      return { type: 'set-mpls-label', label: r.u32() };
    case NXAST.SET_MPLS_TC:
      return { type: 'set-mpls-tc', tc: r.u8() };
    case NXAST.STACK_PUSH:
    case NXAST.STACK_POP: {
      const ofs = r.u16();
      const f = fieldOf(r);
      const nBits = r.u16();
      const subfield = checkSubfield({ field: f, ofs, nBits });
      return subtype === NXAST.STACK_PUSH ? { type: 'stack-push', subfield } : { type: 'stack-pop', subfield };
    }
    case NXAST.SAMPLE:
    case NXAST.SAMPLE2:
    case NXAST.SAMPLE3: {
      const probability = r.u16();
      const collectorSetId = r.u32();
      const obsDomainId = r.u32();
      const obsPointId = r.u32();
      let samplingPort: number = OFPP.NONE;
      let direction = 0;
      if (subtype !== NXAST.SAMPLE) {
        samplingPort = r.u16();
        direction = r.u8();
        if (subtype === NXAST.SAMPLE3 && direction > 2) bad('OFPBAC_BAD_ARGUMENT', 'sample: bad direction');
        if (subtype === NXAST.SAMPLE2) direction = 0;
      }
      if (probability === 0) bad('OFPBAC_BAD_ARGUMENT', 'sample: zero probability');
      return { type: 'sample', probability, collectorSetId, obsDomainId, obsPointId, samplingPort, direction };
    }
    case NXAST.CONJUNCTION: {
      const clause = r.u8();
      const nClauses = r.u8();
      const id = r.u32();
      if (nClauses < 2 || nClauses > 64 || clause >= nClauses) bad('NXBAC_BAD_CONJUNCTION', 'conjunction: bad clause');
      return { type: 'conjunction', id, clause, nClauses };
    }
    case NXAST.CT: {
      const flags = r.u16();
      const zoneHeader = r.u32();
      const zone = r.u16();
      const recircTable = r.u8();
      r.skip(3);
      const alg = r.u16();
      const actions = decodeList(r.sub(r.remaining), version, 'ct');
      for (const a of actions) {
        const dst = a.type === 'set-field' ? a.field : a.type === 'move' ? a.dst.field : null;
        if (a.type !== 'nat' && !(dst && (dst.name === 'ct_mark' || dst.name === 'ct_label'))) {
          bad('OFPBAC_BAD_ARGUMENT', `ct: nested ${a.type} not allowed`);
        }
      }
      if (zoneHeader !== 0) {
        const back = new OfpReader(Uint8Array.of(zoneHeader >>> 24, zoneHeader >>> 16, zoneHeader >>> 8, zoneHeader), { truncated: 'OFPBAC_BAD_ARGUMENT' });
        const zoneSrc = subfieldAt(back, zone);
        return { type: 'ct', flags, zoneImm: 0, zoneSrc, recircTable, alg, actions };
      }
      return { type: 'ct', flags, zoneImm: zone, recircTable, alg, actions };
    }
    case NXAST.NAT:
      return decodeNat(r);
    case NXAST.OUTPUT_TRUNC: {
      const port = r.u16();
      const maxLen = r.u32();
      if (port === OFPP.CONTROLLER || port === OFPP.TABLE || port === OFPP.NONE || (port >= OFPP.MAX && port < OFPP.IN_PORT)) {
        bad('OFPBAC_BAD_OUT_PORT', `output_trunc to port ${port}`);
      }
      return { type: 'output-trunc', port, maxLen };
    }
    case NXAST.GROUP:
      r.skip(2);
      return { type: 'group', groupId: r.u32() };
    case NXAST.CLONE:
      r.skip(6);
      return { type: 'clone', actions: decodeList(r.sub(r.remaining), version, 'clone') };
    case NXAST.CT_CLEAR:
      return { type: 'ct-clear' };
    case NXAST.ENCAP: {
      r.skip(2);
      const packetType = r.u32();
      const props: EncapProperty[] = [];
      while (r.remaining > 0) {
        if (r.remaining < 4) bad('OFPBAC_BAD_LEN', 'encap: truncated property');
        const cls = r.u16();
        const type = r.u8();
        const len = r.u8();
        if (cls !== 4) bad('NXBAC_UNKNOWN_ED_PROP', `encap: unknown property class ${cls}`);
        if (len < 4 || len - 4 > r.remaining) bad('OFPBAC_BAD_ARGUMENT', 'encap: bad property');
        const p = r.sub(len - 4, 'OFPBAC_BAD_ARGUMENT');
        r.skip(Math.min(r.remaining, (8 - (len % 8)) % 8));
        if (type === 1) {
          props.push({ kind: 'md_type', mdType: p.u8() });
        } else if (type === 2) {
          const tlvClass = p.u16();
          const tlvType = p.u8();
          const tlvLen = p.u8();
          props.push({ kind: 'tlv', tlvClass, tlvType, value: p.bytesView(tlvLen).slice() });
        } else {
          bad('NXBAC_UNKNOWN_ED_PROP', `encap: unknown property ${type}`);
        }
      }
      return { type: 'encap', packetType, props };
    }
    case NXAST.DECAP:
      r.skip(2);
      return { type: 'decap', packetType: r.u32() };
    case NXAST.DEC_NSH_TTL:
      return { type: 'dec-nsh-ttl' };
    case NXAST.CHECK_PKT_LARGER: {
      const pktLen = r.u16();
      const ofs = r.u16();
      const f = fieldOf(r, 'OFPBMC_BAD_FIELD');
      return { type: 'check-pkt-larger', pktLen, dst: checkSubfield({ field: f, ofs, nBits: 1 }) };
    }
    case NXAST.DELETE_FIELD: {
      const f = fieldOf(r);
      return { type: 'delete-field', field: f };
    }
    default:
      return bad('OFPBAC_BAD_VENDOR_TYPE', `unknown Nicira action ${subtype}`);
  }
}

// --- Standard actions ---------------------------------------------------------------

function expectLength(length: number, want: number, what: string): void {
  if (length !== want) bad(BAD_LEN, `${what}: length ${length}, expected ${want}`);
}

function decodeOf10(r: OfpReader, type: number, length: number): Ofpact {
  switch (type) {
    case OFPAT10.OUTPUT: {
      expectLength(length, 8, 'output');
      const port = checkOutputPort(r.u16());
      return { type: 'output', port, maxLen: r.u16() };
    }
    case OFPAT10.SET_VLAN_VID: {
      expectLength(length, 8, 'set_vlan_vid');
      const vid = r.u16();
      if (vid & ~0xfff) bad('OFPBAC_BAD_ARGUMENT', 'set_vlan_vid: bad VID');
      return { type: 'set-vlan-vid', vid, push: true };
    }
    case OFPAT10.SET_VLAN_PCP: {
      expectLength(length, 8, 'set_vlan_pcp');
      const pcp = r.u8();
      if (pcp & ~7) bad('OFPBAC_BAD_ARGUMENT', 'set_vlan_pcp: bad PCP');
      return { type: 'set-vlan-pcp', pcp, push: true };
    }
    case OFPAT10.STRIP_VLAN:
      expectLength(length, 8, 'strip_vlan');
      return { type: 'strip-vlan' };
    case OFPAT10.SET_DL_SRC:
    case OFPAT10.SET_DL_DST:
      expectLength(length, 16, 'set_dl');
      return { type: type === OFPAT10.SET_DL_SRC ? 'set-eth-src' : 'set-eth-dst', mac: r.bytesView(6).slice() };
    case OFPAT10.SET_NW_SRC:
    case OFPAT10.SET_NW_DST:
      expectLength(length, 8, 'set_nw');
      return { type: type === OFPAT10.SET_NW_SRC ? 'set-ipv4-src' : 'set-ipv4-dst', addr: r.u32() };
    case OFPAT10.SET_NW_TOS: {
      expectLength(length, 8, 'set_nw_tos');
      const tos = r.u8();
      if (tos & 3) bad('OFPBAC_BAD_ARGUMENT', 'set_nw_tos: ECN bits set');
      return { type: 'set-ip-dscp', tos };
    }
    case OFPAT10.SET_TP_SRC:
    case OFPAT10.SET_TP_DST:
      expectLength(length, 8, 'set_tp');
      return { type: type === OFPAT10.SET_TP_SRC ? 'set-l4-src' : 'set-l4-dst', port: r.u16() };
    case OFPAT10.ENQUEUE: {
      expectLength(length, 16, 'enqueue');
      const port = r.u16();
      r.skip(6);
      if (port >= OFPP.MAX && port !== OFPP.IN_PORT && port !== OFPP.LOCAL) bad('OFPBAC_BAD_OUT_PORT', `enqueue to port ${port}`);
      return { type: 'enqueue', port, queue: r.u32() };
    }
    default:
      return bad('OFPBAC_BAD_TYPE', `unknown OpenFlow 1.0 action type ${type}`);
  }
}

function decodeOf11(r: OfpReader, type: number, length: number, version: number): Ofpact {
  // OpenFlow 1.1's header-setting actions (set_vlan_vid ... set_mpls_tc) are
  // still decoded in later versions, as Open vSwitch does; checkActions()
  // then judges them against the match.
  switch (type) {
    case OFPAT11.OUTPUT: {
      expectLength(length, 16, 'output');
      const port = checkOutputPort(port16(r.u32()));
      return { type: 'output', port, maxLen: r.u16() };
    }
    case OFPAT11.SET_VLAN_VID: {
      expectLength(length, 8, 'set_vlan_vid');
      const vid = r.u16();
      if (vid & ~0xfff) bad('OFPBAC_BAD_ARGUMENT', 'set_vlan_vid: bad VID');
      return { type: 'set-vlan-vid', vid, push: false, raw: 'set_vlan_vid' };
    }
    case OFPAT11.SET_VLAN_PCP: {
      expectLength(length, 8, 'set_vlan_pcp');
      const pcp = r.u8();
      if (pcp & ~7) bad('OFPBAC_BAD_ARGUMENT', 'set_vlan_pcp: bad PCP');
      return { type: 'set-vlan-pcp', pcp, push: false, raw: 'set_vlan_pcp' };
    }
    case OFPAT11.SET_DL_SRC:
    case OFPAT11.SET_DL_DST:
      expectLength(length, 16, 'set_dl');
      return { type: type === OFPAT11.SET_DL_SRC ? 'set-eth-src' : 'set-eth-dst', mac: r.bytesView(6).slice() };
    case OFPAT11.SET_NW_SRC:
    case OFPAT11.SET_NW_DST:
      expectLength(length, 8, 'set_nw');
      return { type: type === OFPAT11.SET_NW_SRC ? 'set-ipv4-src' : 'set-ipv4-dst', addr: r.u32() };
    case OFPAT11.SET_NW_TOS: {
      expectLength(length, 8, 'set_nw_tos');
      const tos = r.u8();
      if (tos & 3) bad('OFPBAC_BAD_ARGUMENT', 'set_nw_tos: ECN bits set');
      return { type: 'set-ip-dscp', tos };
    }
    case OFPAT11.SET_NW_ECN: {
      expectLength(length, 8, 'set_nw_ecn');
      const ecn = r.u8();
      if (ecn & ~3) bad('OFPBAC_BAD_ARGUMENT', 'set_nw_ecn: bad ECN');
      return { type: 'set-ip-ecn', ecn };
    }
    case OFPAT11.SET_TP_SRC:
    case OFPAT11.SET_TP_DST:
      expectLength(length, 8, 'set_tp');
      return { type: type === OFPAT11.SET_TP_SRC ? 'set-l4-src' : 'set-l4-dst', port: r.u16() };
    case OFPAT11.SET_MPLS_LABEL:
      expectLength(length, 8, 'set_mpls_label');
      return { type: 'set-mpls-label', label: r.u32() };
    case OFPAT11.SET_MPLS_TC:
      expectLength(length, 8, 'set_mpls_tc');
      return { type: 'set-mpls-tc', tc: r.u8() };
    case OFPAT11.SET_MPLS_TTL:
      expectLength(length, 8, 'set_mpls_ttl');
      return { type: 'set-mpls-ttl', ttl: r.u8() };
    case OFPAT11.DEC_MPLS_TTL:
      expectLength(length, 8, 'dec_mpls_ttl');
      return { type: 'dec-mpls-ttl' };
    case OFPAT11.PUSH_VLAN: {
      expectLength(length, 8, 'push_vlan');
      const ethertype = r.u16();
      if (ethertype !== 0x8100 && ethertype !== 0x88a8) bad('OFPBAC_BAD_ARGUMENT', 'push_vlan: bad ethertype');
      return { type: 'push-vlan', ethertype };
    }
    case OFPAT11.POP_VLAN:
      expectLength(length, 8, 'pop_vlan');
      return { type: 'strip-vlan', raw: 'pop_vlan' };
    case OFPAT11.PUSH_MPLS: {
      expectLength(length, 8, 'push_mpls');
      const ethertype = r.u16();
      if (ethertype !== 0x8847 && ethertype !== 0x8848) bad('OFPBAC_BAD_ARGUMENT', 'push_mpls: bad ethertype');
      return { type: 'push-mpls', ethertype };
    }
    case OFPAT11.POP_MPLS:
      expectLength(length, 8, 'pop_mpls');
      return { type: 'pop-mpls', ethertype: r.u16() };
    case OFPAT11.SET_QUEUE:
      expectLength(length, 8, 'set_queue');
      return { type: 'set-queue', queue: r.u32() };
    case OFPAT11.GROUP:
      expectLength(length, 8, 'group');
      return { type: 'group', groupId: r.u32() };
    case OFPAT11.SET_NW_TTL:
      expectLength(length, 8, 'set_nw_ttl');
      return { type: 'set-ip-ttl', ttl: r.u8() };
    case OFPAT11.DEC_NW_TTL:
      expectLength(length, 8, 'dec_nw_ttl');
      return { type: 'dec-ttl', controllerIds: [0] };
    case OFPAT11.SET_FIELD: {
      if (version < 3) bad('OFPBAC_BAD_TYPE', 'set_field needs OpenFlow 1.2+');
      const e = readOxmEntry(r, version >= 6);
      for (let i = r.offset; i < r.end; i++) if (r.bytes[i] !== 0) bad('OFPBAC_BAD_SET_ARGUMENT', 'set_field: trailing bytes');
      return { type: 'set-field', ...e };
    }
    case OFPAT11.COPY_FIELD: {
      if (version < 6) bad('OFPBAC_BAD_TYPE', 'copy_field needs OpenFlow 1.5');
      // The OXM headers are read as a match's are: running short is OFPBMC_BAD_LEN.
      return decodeCopyField(new OfpReader(r.bytes, { start: r.offset, end: r.end, truncated: 'OFPBMC_BAD_LEN' }));
    }
    case OFPAT11.METER:
      if (version < 6) bad('OFPBAC_BAD_TYPE', 'meter action needs OpenFlow 1.5');
      expectLength(length, 8, 'meter');
      return { type: 'meter', meterId: r.u32() };
    default:
      return bad('OFPBAC_BAD_TYPE', `unknown OpenFlow action type ${type}`);
  }
}

/** OpenFlow 1.5 copy_field and ONF's copy_field extension for 1.3: n_bits, offsets, two OXM headers. */
function decodeCopyField(r: OfpReader): Ofpact {
  const nBits = r.u16();
  const srcOfs = r.u16();
  const dstOfs = r.u16();
  r.skip(2);
  const src = readHeader(r, 'OFPBAC_BAD_ARGUMENT');
  const dst = readHeader(r, 'OFPBAC_BAD_ARGUMENT');
  if (src.hasMask || dst.hasMask || nBits === 0) bad('OFPBAC_BAD_ARGUMENT', 'copy_field: bad arguments');
  if (!dst.field.writable) bad('OFPBAC_BAD_SET_ARGUMENT', `copy_field: ${dst.field.name} is read-only`);
  return {
    type: 'move',
    src: checkSubfield({ field: src.field, ofs: srcOfs, nBits }),
    dst: checkSubfield({ field: dst.field, ofs: dstOfs, nBits }),
  };
}

function decodeOne(r: OfpReader, version: number): Ofpact {
  const start = r.offset;
  if (r.remaining < 8) bad(BAD_LEN, `action truncated: ${r.remaining} bytes left`);
  const type = r.u16();
  const length = r.u16();
  // Like Open vSwitch, name an unknown vendor before judging the length.
  const vendor = type === 0xffff ? r.u32() : 0;
  if (type === 0xffff && vendor !== NX_VENDOR_ID && !(vendor === ONF_VENDOR_ID && version >= 4 && version <= 5)) {
    bad('OFPBAC_BAD_VENDOR', `unknown action vendor 0x${vendor.toString(16)}`);
  }
  if (length < 8 || length % 8 !== 0 || length > r.end - start) bad(BAD_LEN, `action length ${length}`);
  const body = new OfpReader(r.bytes, { start: start + 8, end: start + length, truncated: BAD_LEN });
  r.offset = start + length;
  if (type === 0xffff) {
    if (vendor === NX_VENDOR_ID) {
      if (length < 16) bad(BAD_LEN, 'Nicira action too short');
      return decodeNx(body, body.u16(), length, version);
    }
    if (vendor === ONF_VENDOR_ID && version >= 4 && version <= 5) {
      if (length < 24) bad(BAD_LEN, 'ONF action too short');
      const subtype = body.u16();
      if (subtype !== 3200) bad('OFPBAC_BAD_VENDOR_TYPE', `unknown ONF action ${subtype}`);
      body.skip(2);
      return decodeCopyField(body);
    }
    return bad('OFPBAC_BAD_VENDOR', `unknown action vendor 0x${vendor.toString(16)}`);
  }
  body.offset = start + 4;
  return version === 1 ? decodeOf10(body, type, length) : decodeOf11(body, type, length, version);
}

/** What an action set (write_actions) may hold. */
const ACTION_SET_TYPES: ReadonlySet<Ofpact['type']> = new Set<Ofpact['type']>([
  'output', 'group', 'set-queue', 'enqueue', 'push-vlan', 'strip-vlan', 'push-mpls', 'pop-mpls', 'dec-ttl',
  'dec-mpls-ttl', 'set-field', 'move', 'set-vlan-vid', 'set-vlan-pcp', 'set-eth-src', 'set-eth-dst', 'set-ipv4-src',
  'set-ipv4-dst', 'set-ip-dscp', 'set-ip-ecn', 'set-ip-ttl', 'set-l4-src', 'set-l4-dst', 'set-mpls-label',
  'set-mpls-tc', 'set-mpls-ttl', 'set-tunnel', 'output-trunc', 'resubmit', 'ct-clear',
]);

function decodeList(r: OfpReader, version: number, context?: 'ct' | 'clone' | 'write'): Ofpact[] {
  const out: Ofpact[] = [];
  if ((r.end - r.offset) % 8 !== 0) bad('OFPBRC_BAD_LEN', `actions length ${r.end - r.offset} is not a multiple of 8`);
  while (r.remaining > 0) {
    const a = decodeOne(r, version);
    if (context === 'write' && !ACTION_SET_TYPES.has(a.type)) bad('OFPBAC_BAD_TYPE', `${a.type} not allowed in an action set`);
    if (context === 'ct' && a.type === 'ct') bad('OFPBAC_BAD_ARGUMENT', 'ct inside ct');
    if (context && (a.type === 'write-metadata' || a.type === 'goto-table' || a.type === 'meter' && version < 6)) {
      bad('OFPBAC_BAD_ARGUMENT', `${a.type} not allowed inside ${context}`);
    }
    out.push(a);
  }
  return out;
}

/** OpenFlow 1.1+ instructions, collected and returned in the order OpenFlow requires. */
function decodeInstructions(bytes: Uint8Array, version: number): Ofpact[] {
  if (bytes.length % 8 !== 0) bad('OFPBRC_BAD_LEN', `instructions length ${bytes.length} is not a multiple of 8`);
  const r = new OfpReader(bytes, { truncated: 'OFPBIC_BAD_LEN' });
  const seen = new Map<number, OfpReader>();
  while (r.remaining > 0) {
    if (r.remaining < 8) bad('OFPBIC_BAD_LEN', 'instruction truncated');
    const start = r.offset;
    const type = r.u16();
    const length = r.u16();
    if (length < 8 || length % 8 !== 0 || length > r.remaining + 4) bad('OFPBIC_BAD_LEN', `instruction length ${length}`);
    r.offset = start + length;
    if (type === OFPIT.EXPERIMENTER) bad('OFPBIC_BAD_EXPERIMENTER', 'experimenter instruction');
    if (type < OFPIT.GOTO_TABLE || type > OFPIT.METER || (type === OFPIT.METER && version < 3)) {
      bad('OFPBIC_UNKNOWN_INST', `unknown instruction ${type}`);
    }
    if (seen.has(type)) bad('OFPBIC_DUP_INST', `duplicate instruction ${type}`);
    seen.set(type, new OfpReader(bytes, { start: start + 4, end: start + length, truncated: 'OFPBIC_BAD_LEN' }));
  }
  const out: Ofpact[] = [];
  const meter = seen.get(OFPIT.METER);
  if (meter) {
    if (meter.remaining !== 4) bad('OFPBIC_BAD_LEN', 'meter instruction length');
    out.push({ type: 'meter', meterId: meter.u32() });
  }
  const apply = seen.get(OFPIT.APPLY_ACTIONS);
  if (apply) {
    apply.skip(4);
    out.push(...decodeList(apply, version));
  }
  const clear = seen.get(OFPIT.CLEAR_ACTIONS);
  if (clear) {
    if (clear.remaining !== 4) bad('OFPBIC_BAD_LEN', 'clear_actions instruction length');
    out.push({ type: 'clear-actions' });
  }
  const write = seen.get(OFPIT.WRITE_ACTIONS);
  if (write) {
    write.skip(4);
    out.push({ type: 'write-actions', actions: decodeList(write, version, 'write') });
  }
  const md = seen.get(OFPIT.WRITE_METADATA);
  if (md) {
    if (md.remaining !== 20) bad('OFPBIC_BAD_LEN', 'write_metadata instruction length');
    md.skip(4);
    out.push({ type: 'write-metadata', metadata: u64(md), mask: u64(md) });
  }
  const goto = seen.get(OFPIT.GOTO_TABLE);
  if (goto) {
    if (goto.remaining !== 4) bad('OFPBIC_BAD_LEN', 'goto_table instruction length');
    const tableId = goto.u8();
    out.push({ type: 'goto-table', tableId });
  }
  return out;
}

/** Instruction-like actions must come in OpenFlow 1.1's order even in an OpenFlow 1.0 action list. */
function verifyOrder(actions: readonly Ofpact[]): void {
  let last = 0;
  for (const a of actions) {
    const i = INSTRUCTION_ORDER.indexOf(a.type);
    const rank = i < 0 ? 1 : a.type === 'meter' ? 0 : i + 1;
    if (rank < last) bad('OFPBAC_UNSUPPORTED_ORDER', `${a.type} out of order`);
    last = rank;
  }
}

/**
 * Wire bytes of `version` (1 = OpenFlow 1.0 ... 6 = 1.5) into Ofpacts. With
 * `instructions` (OpenFlow 1.1+), the bytes are instructions. Throws only
 * OfpError.
 */
export function decodeActions(bytes: Uint8Array, version: number, options: DecodeActionsOptions = {}): Ofpact[] {
  if (version < 1 || version > 6) throw new OfpError('OFPBRC_BAD_VERSION', `unsupported OpenFlow version ${version}`);
  const actions = options.instructions && version >= 2
    ? decodeInstructions(bytes, version)
    : decodeList(new OfpReader(bytes, { truncated: BAD_LEN }), version);
  verifyOrder(actions);
  return actions;
}
