// encodeActions(): Ofpacts into OpenFlow action (and instruction) bytes for
// one wire version, choosing the encoding Open vSwitch 3.1 chooses: the
// standard action of that version where there is one, a set_field where the
// version has no dedicated action, a Nicira extension (NXAST_*) otherwise.
// Instructions are wrapped as OpenFlow 1.1+ instructions, or emulated
// (goto_table as resubmit, write_metadata as NXAST_WRITE_METADATA) or left
// out (write_actions, clear_actions) in OpenFlow 1.0, as ovs-ofctl does.

import { fieldByName, type MatchField } from '../../flow/fields.js';
import { OfpWriter } from '../ofpbuf.js';
import { bytesToBigint, nxmHeaderOf, oxmHeaderOf, putHeader, putNxmHeader } from './subfield.js';
import { OFPP, type Learn, type Nat, type Ofpact, type Subfield } from './types.js';

export const NX_VENDOR_ID = 0x00002320;
export const ONF_VENDOR_ID = 0x4f4e4600;

/** Nicira action subtypes (NXAST_*). */
export const NXAST = {
  RESUBMIT: 1, SET_TUNNEL: 2, SET_QUEUE: 4, POP_QUEUE: 5, REG_MOVE: 6, REG_LOAD: 7, NOTE: 8, SET_TUNNEL64: 9,
  MULTIPATH: 10, BUNDLE: 12, BUNDLE_LOAD: 13, RESUBMIT_TABLE: 14, OUTPUT_REG: 15, LEARN: 16, EXIT: 17,
  DEC_TTL: 18, FIN_TIMEOUT: 19, CONTROLLER: 20, DEC_TTL_CNT_IDS: 21, WRITE_METADATA: 22, PUSH_MPLS: 23,
  POP_MPLS: 24, SET_MPLS_TTL: 25, DEC_MPLS_TTL: 26, STACK_PUSH: 27, STACK_POP: 28, SAMPLE: 29,
  SET_MPLS_LABEL: 30, SET_MPLS_TC: 31, OUTPUT_REG2: 32, REG_LOAD2: 33, CONJUNCTION: 34, CT: 35, NAT: 36,
  CONTROLLER2: 37, SAMPLE2: 38, OUTPUT_TRUNC: 39, GROUP: 40, SAMPLE3: 41, CLONE: 42, CT_CLEAR: 43,
  RESUBMIT_TABLE_CT: 44, LEARN2: 45, ENCAP: 46, DECAP: 47, DEC_NSH_TTL: 48, CHECK_PKT_LARGER: 49,
  DELETE_FIELD: 50, DEBUG_SLOW: 0xfe, DEBUG_RECIRC: 0xff,
} as const;

/** OpenFlow 1.0 action types. */
export const OFPAT10 = {
  OUTPUT: 0, SET_VLAN_VID: 1, SET_VLAN_PCP: 2, STRIP_VLAN: 3, SET_DL_SRC: 4, SET_DL_DST: 5, SET_NW_SRC: 6,
  SET_NW_DST: 7, SET_NW_TOS: 8, SET_TP_SRC: 9, SET_TP_DST: 10, ENQUEUE: 11, VENDOR: 0xffff,
} as const;

/** OpenFlow 1.1+ action types. */
export const OFPAT11 = {
  OUTPUT: 0, SET_VLAN_VID: 1, SET_VLAN_PCP: 2, SET_DL_SRC: 3, SET_DL_DST: 4, SET_NW_SRC: 5, SET_NW_DST: 6,
  SET_NW_TOS: 7, SET_NW_ECN: 8, SET_TP_SRC: 9, SET_TP_DST: 10, COPY_TTL_OUT: 11, COPY_TTL_IN: 12,
  SET_MPLS_LABEL: 13, SET_MPLS_TC: 14, SET_MPLS_TTL: 15, DEC_MPLS_TTL: 16, PUSH_VLAN: 17, POP_VLAN: 18,
  PUSH_MPLS: 19, POP_MPLS: 20, SET_QUEUE: 21, GROUP: 22, SET_NW_TTL: 23, DEC_NW_TTL: 24, SET_FIELD: 25,
  PUSH_PBB: 26, POP_PBB: 27, COPY_FIELD: 28, METER: 29, EXPERIMENTER: 0xffff,
} as const;

/** OpenFlow 1.1+ instruction types. */
export const OFPIT = {
  GOTO_TABLE: 1, WRITE_METADATA: 2, WRITE_ACTIONS: 3, APPLY_ACTIONS: 4, CLEAR_ACTIONS: 5, METER: 6,
  STAT_TRIGGER: 7, EXPERIMENTER: 0xffff,
} as const;

export interface EncodeActionsOptions {
  /** Encode instructions (a flow_mod's body) rather than a bare action list. */
  instructions?: boolean;
}

// --- Helpers -------------------------------------------------------------------

/** Starts an action: type and a length patched by end(). */
function begin(w: OfpWriter, type: number): number {
  const start = w.length;
  w.u16(type);
  w.u16(0);
  return start;
}

/** Pads the action at `start` to a multiple of 8 (at least `min`) and sets its length. */
function end(w: OfpWriter, start: number, min = 8): void {
  if (w.length - start < min) w.zeros(min - (w.length - start));
  w.padTo(8, start);
  w.setU16(start + 2, w.length - start);
}

function nx(w: OfpWriter, subtype: number): number {
  const start = begin(w, 0xffff);
  w.u32(NX_VENDOR_ID);
  w.u16(subtype);
  return start;
}

function ofsNbits(sf: Subfield): number {
  return (sf.ofs << 6) | (sf.nBits - 1);
}

function port32(port: number): number {
  return port >= OFPP.MAX ? (port + 0xffff0000) >>> 0 : port;
}

function u64(w: OfpWriter, pair: readonly [number, number]): void {
  w.u32(pair[0] >>> 0);
  w.u32(pair[1] >>> 0);
}

function simpleNx(w: OfpWriter, subtype: number): void {
  const s = nx(w, subtype);
  end(w, s, 16);
}

function nxU8(w: OfpWriter, subtype: number, v: number): void {
  const s = nx(w, subtype);
  w.u8(v);
  end(w, s, 16);
}

function nxU16(w: OfpWriter, subtype: number, v: number): void {
  const s = nx(w, subtype);
  w.u16(v);
  end(w, s, 16);
}

function nxU32(w: OfpWriter, subtype: number, v: number): void {
  const s = nx(w, subtype);
  w.u16(0);
  w.u32(v >>> 0);
  end(w, s, 16);
}

function stdU8(w: OfpWriter, type: number, v: number): void {
  const s = begin(w, type);
  w.u8(v);
  end(w, s);
}

function stdU16(w: OfpWriter, type: number, v: number): void {
  const s = begin(w, type);
  w.u16(v);
  end(w, s);
}

function stdU32(w: OfpWriter, type: number, v: number): void {
  const s = begin(w, type);
  w.u32(v >>> 0);
  end(w, s);
}

function field(name: string): MatchField {
  const f = fieldByName(name);
  if (!f) throw new RangeError(`no field ${name}`);
  return f;
}

function bytesOf(v: bigint, size: number): Uint8Array {
  const out = new Uint8Array(size);
  for (let i = size - 1; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

function allOnes(mask: Uint8Array): boolean {
  return mask.every((b) => b === 0xff);
}

// --- set_field ------------------------------------------------------------------

/** OFPAT_SET_FIELD (OpenFlow 1.2+) with an OXM TLV; masked only from OpenFlow 1.5. */
function setFieldOxm(w: OfpWriter, f: MatchField, value: Uint8Array, mask: Uint8Array, version: number, wireMask?: boolean): void {
  const s = begin(w, OFPAT11.SET_FIELD);
  putOxmEntry(w, f, value, mask, version, wireMask);
  end(w, s);
}

function putOxmEntry(w: OfpWriter, f: MatchField, value: Uint8Array, mask: Uint8Array, version: number, wireMask?: boolean): void {
  const h = oxmHeaderOf(f, version);
  if (!h) throw new RangeError(`${f.name} cannot be set over OpenFlow`);
  const masked = wireMask === true || !allOnes(mask);
  putHeader(w, h, { length: masked ? value.length * 2 : value.length, hasMask: masked });
  w.put(value);
  if (masked) w.put(mask);
}

/** NXAST_REG_LOAD for each run of mask bits (64 bits at most each), or one NXAST_REG_LOAD2. */
function setFieldNxast(
  w: OfpWriter, f: MatchField, value: Uint8Array, mask: Uint8Array, version: number, raw?: string, wireMask?: boolean,
): void {
  const h = nxmHeaderOf(f);
  if (raw === 'reg-load2' || f.tunMetadataIndex !== undefined || !h || h.experimenter !== undefined) {
    const s = nx(w, 33);
    putOxmEntry(w, f, value, mask, version, wireMask);
    end(w, s, 16);
    return;
  }
  const v = bytesToBigint(value);
  const m = bytesToBigint(mask);
  // Only the field's own bits are loaded (20 of ipv6_label's 32).
  const bits = Math.min(value.length * 8, f.bits);
  let ofs = 0;
  while (ofs < bits) {
    if (((m >> BigInt(ofs)) & 1n) === 0n) {
      ofs++;
      continue;
    }
    let n = 0;
    while (ofs + n < bits && n < 64 && ((m >> BigInt(ofs + n)) & 1n) === 1n) n++;
    const s = nx(w, NXAST.REG_LOAD);
    w.u16((ofs << 6) | (n - 1));
    putNxmHeader(w, f);
    const chunk = (v >> BigInt(ofs)) & ((1n << BigInt(n)) - 1n);
    w.u32(Number(chunk >> 32n));
    w.u32(Number(chunk & 0xffffffffn));
    end(w, s, 24);
    ofs += n;
  }
}

/** set_field as OpenFlow 1.0 and 1.1 carry it: a legacy action where one exists. */
function setFieldLegacy(
  w: OfpWriter, f: MatchField, value: Uint8Array, mask: Uint8Array, version: number, flowHasVlan?: boolean,
): boolean {
  const v = Number(bytesToBigint(value.length <= 6 ? value : value.subarray(0, 6)));
  const v10 = version === 1;
  switch (f.name) {
    case 'vlan_tci':
      // The whole TCI (Open vSwitch ignores the mask here): a VLAN's VID and
      // PCP when the present bit is set, else no VLAN at all.
      if (v & 0x1000) {
        if (!v10 && !flowHasVlan) stdU16(w, OFPAT11.PUSH_VLAN, 0x8100);
        stdU16(w, OFPAT10.SET_VLAN_VID, v & 0xfff);
        stdU8(w, OFPAT10.SET_VLAN_PCP, v >>> 13);
      } else {
        simpleStd(w, v10 ? OFPAT10.STRIP_VLAN : OFPAT11.POP_VLAN);
      }
      return true;
    case 'vlan_vid':
      stdU16(w, OFPAT10.SET_VLAN_VID, v & 0xfff);
      return true;
    case 'vlan_pcp':
      stdU8(w, OFPAT10.SET_VLAN_PCP, v & 7);
      return true;
    case 'eth_src':
    case 'eth_dst': {
      const s = begin(w, f.name === 'eth_src' ? (v10 ? OFPAT10.SET_DL_SRC : OFPAT11.SET_DL_SRC) : v10 ? OFPAT10.SET_DL_DST : OFPAT11.SET_DL_DST);
      w.put(value);
      end(w, s, 16);
      return true;
    }
    case 'ip_src':
      stdU32(w, v10 ? OFPAT10.SET_NW_SRC : OFPAT11.SET_NW_SRC, v);
      return true;
    case 'ip_dst':
      stdU32(w, v10 ? OFPAT10.SET_NW_DST : OFPAT11.SET_NW_DST, v);
      return true;
    case 'ip_dscp':
      stdU8(w, v10 ? OFPAT10.SET_NW_TOS : OFPAT11.SET_NW_TOS, (v << 2) & 0xfc);
      return true;
    case 'nw_tos':
      stdU8(w, v10 ? OFPAT10.SET_NW_TOS : OFPAT11.SET_NW_TOS, v & 0xfc);
      return true;
    case 'nw_ecn':
      if (v10) return false;
      stdU8(w, OFPAT11.SET_NW_ECN, v & 3);
      return true;
    case 'tcp_src':
    case 'udp_src':
      stdU16(w, OFPAT10.SET_TP_SRC, v);
      return true;
    case 'tcp_dst':
    case 'udp_dst':
      stdU16(w, OFPAT10.SET_TP_DST, v);
      return true;
    default:
      void mask;
      return false;
  }
}

function encodeSetField(w: OfpWriter, a: Extract<Ofpact, { type: 'set-field' }>, version: number): void {
  if (version >= 6) setFieldOxm(w, a.field, a.value, a.mask, version, a.wireMask);
  else if (a.raw === 'reg-load' || a.raw === 'reg-load2') setFieldNxast(w, a.field, a.value, a.mask, version, a.raw, a.wireMask);
  else if (version < 3) {
    if (!setFieldLegacy(w, a.field, a.value, a.mask, version, a.flowHasVlan)) setFieldNxast(w, a.field, a.value, a.mask, version);
  } else if (allOnes(a.mask)) setFieldOxm(w, a.field, a.value, a.mask, version);
  else setFieldNxast(w, a.field, a.value, a.mask, version);
}

/** A whole-field set for legacy actions that became set_field in OpenFlow 1.2. */
function setWhole(w: OfpWriter, name: string, v: bigint, version: number): void {
  const f = field(name);
  setFieldOxm(w, f, bytesOf(v, f.bytes), new Uint8Array(f.bytes).fill(0xff), version);
}

function regLoad(w: OfpWriter, name: string, v: number): void {
  const f = field(name);
  const s = nx(w, NXAST.REG_LOAD);
  w.u16(f.bits - 1);
  putNxmHeader(w, f);
  w.u32(0);
  w.u32(v >>> 0);
  end(w, s, 24);
}

// --- Larger actions ---------------------------------------------------------------

function encodeLearn(w: OfpWriter, a: Learn): void {
  const learn2 = a.limit !== 0 || a.resultDst !== undefined;
  const s = nx(w, learn2 ? NXAST.LEARN2 : NXAST.LEARN);
  w.u16(a.idleTimeout);
  w.u16(a.hardTimeout);
  w.u16(a.priority);
  u64(w, a.cookie);
  w.u16(a.flags);
  w.u8(a.tableId);
  w.u8(0);
  w.u16(a.finIdleTimeout);
  w.u16(a.finHardTimeout);
  if (learn2) {
    w.u32(a.limit >>> 0);
    w.u16(a.resultDst?.ofs ?? 0);
    w.u16(0);
    if (a.resultDst) putNxmHeader(w, a.resultDst.field);
  }
  for (const spec of a.specs) {
    const n = spec.kind === 'output' ? spec.src.nBits : spec.dst.nBits;
    const immediate = spec.kind !== 'output' && 'value' in spec;
    const dstType = spec.kind === 'match' ? 0 : spec.kind === 'load' ? 0x0800 : 0x1000;
    w.u16((immediate ? 0x2000 : 0) | dstType | n);
    if (spec.kind === 'output') {
      putNxmHeader(w, spec.src.field);
      w.u16(spec.src.ofs);
      continue;
    }
    if ('value' in spec) {
      w.put(spec.value);
    } else {
      putNxmHeader(w, spec.src.field);
      w.u16(spec.src.ofs);
    }
    putNxmHeader(w, spec.dst.field);
    w.u16(spec.dst.ofs);
  }
  end(w, s, 16);
}

function encodeNat(w: OfpWriter, a: Nat): void {
  const s = nx(w, NXAST.NAT);
  w.u16(0);
  w.u16(a.flags);
  let present = 0;
  const v6 = a.addrMin?.length === 16;
  if (a.addrMin) present |= v6 ? 4 : 1;
  if (a.addrMax) present |= v6 ? 8 : 2;
  if (a.portMin !== undefined) present |= 16;
  if (a.portMax !== undefined) present |= 32;
  w.u16(present);
  if (a.addrMin) w.put(a.addrMin);
  if (a.addrMax) w.put(a.addrMax);
  if (a.portMin !== undefined) w.u16(a.portMin);
  if (a.portMax !== undefined) w.u16(a.portMax);
  end(w, s, 16);
}

function encodeController(w: OfpWriter, a: Extract<Ofpact, { type: 'controller' }>): void {
  if (!a.userdata && !a.pause && a.meterId === 0xffffffff && a.raw !== 'controller2') {
    const s = nx(w, NXAST.CONTROLLER);
    w.u16(a.maxLen);
    w.u16(a.controllerId);
    w.u8(a.reason);
    end(w, s, 16);
    return;
  }
  const s = nx(w, NXAST.CONTROLLER2);
  w.zeros(6);
  const prop = (type: number, body: () => void): void => {
    const p = w.length;
    w.u16(type);
    w.u16(0);
    body();
    w.setU16(p + 2, w.length - p);
    w.padTo(8, p);
  };
  // 16-bit properties carry two bytes of padding inside their length.
  if (a.maxLen !== 0xffff) prop(0, () => w.u32(a.maxLen << 16));
  if (a.controllerId !== 0) prop(1, () => w.u32(a.controllerId << 16));
  if (a.reason !== 1) prop(2, () => w.u8(a.reason));
  if (a.userdata) prop(3, () => w.put(a.userdata!));
  if (a.pause) prop(4, () => undefined);
  if (a.meterId !== 0xffffffff) prop(5, () => w.u32(a.meterId));
  end(w, s, 16);
}

// --- One action -------------------------------------------------------------------

function encodeOne(w: OfpWriter, a: Ofpact, version: number): void {
  const v10 = version === 1;
  switch (a.type) {
    case 'output': {
      if (v10) {
        const s = begin(w, OFPAT10.OUTPUT);
        w.u16(a.port);
        w.u16(a.maxLen);
        end(w, s);
      } else {
        const s = begin(w, OFPAT11.OUTPUT);
        w.u32(port32(a.port));
        w.u16(a.maxLen);
        end(w, s, 16);
      }
      return;
    }
    case 'output-trunc': {
      const s = nx(w, NXAST.OUTPUT_TRUNC);
      w.u16(a.port);
      w.u32(a.maxLen >>> 0);
      end(w, s, 16);
      return;
    }
    case 'output-reg': {
      if (a.raw === 'output-reg2') {
        const s = nx(w, NXAST.OUTPUT_REG2);
        w.u16(ofsNbits(a.src));
        w.u16(a.maxLen);
        putNxmHeader(w, a.src.field);
        end(w, s, 24);
        return;
      }
      const s = nx(w, NXAST.OUTPUT_REG);
      w.u16(ofsNbits(a.src));
      putNxmHeader(w, a.src.field);
      w.u16(a.maxLen);
      end(w, s, 24);
      return;
    }
    case 'enqueue': {
      if (v10) {
        const s = begin(w, OFPAT10.ENQUEUE);
        w.u16(a.port);
        w.zeros(6);
        w.u32(a.queue >>> 0);
        end(w, s, 16);
      } else {
        stdU32(w, OFPAT11.SET_QUEUE, a.queue);
        encodeOne(w, { type: 'output', port: a.port, maxLen: 0xffff }, version);
        simpleNx(w, NXAST.POP_QUEUE);
      }
      return;
    }
    case 'controller':
      encodeController(w, a);
      return;
    case 'bundle': {
      const s = nx(w, a.dst ? NXAST.BUNDLE_LOAD : NXAST.BUNDLE);
      w.u16(a.algorithm);
      w.u16(a.fields);
      w.u16(a.basis);
      w.u32(0x00000002); // member type: NXM_OF_IN_PORT (OpenFlow ports)
      w.u16(a.members.length);
      w.u16(a.dst ? ofsNbits(a.dst) : 0);
      if (a.dst) putNxmHeader(w, a.dst.field);
      else w.u32(0);
      w.u32(0);
      for (const m of a.members) w.u16(m);
      end(w, s, 16);
      return;
    }
    case 'set-vlan-vid':
    case 'set-vlan-pcp': {
      const vid = a.type === 'set-vlan-vid';
      if (v10) {
        if (vid) stdU16(w, OFPAT10.SET_VLAN_VID, a.vid);
        else stdU8(w, OFPAT10.SET_VLAN_PCP, a.pcp);
        return;
      }
      if (a.push && !a.flowHasVlan) stdU16(w, OFPAT11.PUSH_VLAN, 0x8100);
      if (version === 2) {
        if (vid) stdU16(w, OFPAT11.SET_VLAN_VID, a.vid);
        else stdU8(w, OFPAT11.SET_VLAN_PCP, a.pcp);
      } else if (vid) {
        setWhole(w, 'vlan_vid', BigInt(a.vid | 0x1000), version);
      } else {
        setWhole(w, 'vlan_pcp', BigInt(a.pcp), version);
      }
      return;
    }
    case 'strip-vlan':
      simpleStd(w, v10 ? OFPAT10.STRIP_VLAN : OFPAT11.POP_VLAN);
      return;
    case 'push-vlan':
      if (!v10) stdU16(w, OFPAT11.PUSH_VLAN, a.ethertype);
      return;
    case 'set-eth-src':
    case 'set-eth-dst': {
      const src = a.type === 'set-eth-src';
      if (version >= 3) {
        setWhole(w, src ? 'eth_src' : 'eth_dst', bytesToBigint(a.mac), version);
        return;
      }
      const s = begin(w, src ? (v10 ? OFPAT10.SET_DL_SRC : OFPAT11.SET_DL_SRC) : v10 ? OFPAT10.SET_DL_DST : OFPAT11.SET_DL_DST);
      w.put(a.mac);
      end(w, s, 16);
      return;
    }
    case 'set-ipv4-src':
    case 'set-ipv4-dst': {
      const src = a.type === 'set-ipv4-src';
      if (version >= 3) setWhole(w, src ? 'ip_src' : 'ip_dst', BigInt(a.addr >>> 0), version);
      else stdU32(w, src ? (v10 ? OFPAT10.SET_NW_SRC : OFPAT11.SET_NW_SRC) : v10 ? OFPAT10.SET_NW_DST : OFPAT11.SET_NW_DST, a.addr);
      return;
    }
    case 'set-ip-dscp':
      if (version >= 3) setWhole(w, 'ip_dscp', BigInt(a.tos >> 2), version);
      else stdU8(w, v10 ? OFPAT10.SET_NW_TOS : OFPAT11.SET_NW_TOS, a.tos);
      return;
    case 'set-ip-ecn':
      if (version >= 3) setWhole(w, 'nw_ecn', BigInt(a.ecn), version);
      else if (version === 2) stdU8(w, OFPAT11.SET_NW_ECN, a.ecn);
      else regLoad(w, 'nw_ecn', a.ecn);
      return;
    case 'set-ip-ttl':
      if (v10) regLoad(w, 'nw_ttl', a.ttl);
      else stdU8(w, OFPAT11.SET_NW_TTL, a.ttl);
      return;
    case 'set-l4-src':
    case 'set-l4-dst': {
      const src = a.type === 'set-l4-src';
      if (version >= 3) {
        const proto = a.ipProto === 17 ? 'udp' : a.ipProto === 132 ? 'sctp' : 'tcp';
        setWhole(w, `${proto}_${src ? 'src' : 'dst'}`, BigInt(a.port), version);
      } else {
        stdU16(w, src ? OFPAT10.SET_TP_SRC : OFPAT10.SET_TP_DST, a.port);
      }
      return;
    }
    case 'dec-ttl': {
      if (a.raw === 'cnt-ids' || a.controllerIds.length !== 1 || a.controllerIds[0] !== 0) {
        const s = nx(w, NXAST.DEC_TTL_CNT_IDS);
        w.u16(a.controllerIds.length);
        w.zeros(4);
        for (const id of a.controllerIds) w.u16(id);
        end(w, s, 16);
      } else if (v10) {
        simpleNx(w, NXAST.DEC_TTL);
      } else {
        simpleStd(w, OFPAT11.DEC_NW_TTL);
      }
      return;
    }
    case 'set-mpls-label':
      if (v10) nxU32(w, NXAST.SET_MPLS_LABEL, a.label);
      else if (version === 2) stdU32(w, OFPAT11.SET_MPLS_LABEL, a.label);
      else setWhole(w, 'mpls_label', BigInt(a.label), version);
      return;
    case 'set-mpls-tc':
      if (v10) nxU8(w, NXAST.SET_MPLS_TC, a.tc);
      else if (version === 2) stdU8(w, OFPAT11.SET_MPLS_TC, a.tc);
      else setWhole(w, 'mpls_tc', BigInt(a.tc), version);
      return;
    case 'set-mpls-ttl':
      if (v10) nxU8(w, NXAST.SET_MPLS_TTL, a.ttl);
      else stdU8(w, OFPAT11.SET_MPLS_TTL, a.ttl);
      return;
    case 'dec-mpls-ttl':
      if (v10) simpleNx(w, NXAST.DEC_MPLS_TTL);
      else simpleStd(w, OFPAT11.DEC_MPLS_TTL);
      return;
    case 'push-mpls':
      if (v10) nxU16(w, NXAST.PUSH_MPLS, a.ethertype);
      else stdU16(w, OFPAT11.PUSH_MPLS, a.ethertype);
      return;
    case 'pop-mpls':
      if (v10) nxU16(w, NXAST.POP_MPLS, a.ethertype);
      else stdU16(w, OFPAT11.POP_MPLS, a.ethertype);
      return;
    case 'set-field':
      encodeSetField(w, a, version);
      return;
    case 'move': {
      if (version >= 6) {
        const s = begin(w, OFPAT11.COPY_FIELD);
        w.u16(a.src.nBits);
        w.u16(a.src.ofs);
        w.u16(a.dst.ofs);
        w.u16(0);
        putWholeHeader(w, a.src.field, version);
        putWholeHeader(w, a.dst.field, version);
        end(w, s);
        return;
      }
      const s = nx(w, NXAST.REG_MOVE);
      w.u16(a.src.nBits);
      w.u16(a.src.ofs);
      w.u16(a.dst.ofs);
      putNxmHeader(w, a.src.field);
      putNxmHeader(w, a.dst.field);
      end(w, s, 24);
      return;
    }
    case 'stack-push':
    case 'stack-pop': {
      const s = nx(w, a.type === 'stack-push' ? NXAST.STACK_PUSH : NXAST.STACK_POP);
      w.u16(a.subfield.ofs);
      putNxmHeader(w, a.subfield.field);
      w.u16(a.subfield.nBits);
      end(w, s, 24);
      return;
    }
    case 'set-tunnel': {
      if (version >= 3) {
        setWhole(w, 'tun_id', (BigInt(a.tunId[0] >>> 0) << 32n) | BigInt(a.tunId[1] >>> 0), version);
      } else if (a.raw === 'tunnel64' || a.tunId[0] !== 0) {
        const s = nx(w, NXAST.SET_TUNNEL64);
        w.zeros(6);
        u64(w, a.tunId);
        end(w, s, 24);
      } else {
        nxU32(w, NXAST.SET_TUNNEL, a.tunId[1]);
      }
      return;
    }
    case 'set-queue':
      if (v10) nxU32(w, NXAST.SET_QUEUE, a.queue);
      else stdU32(w, OFPAT11.SET_QUEUE, a.queue);
      return;
    case 'pop-queue':
      simpleNx(w, NXAST.POP_QUEUE);
      return;
    case 'delete-field': {
      const s = nx(w, NXAST.DELETE_FIELD);
      putNxmHeader(w, a.field);
      end(w, s, 24);
      return;
    }
    case 'resubmit': {
      if (a.raw === 'resubmit' && a.tableId === 0xff && !a.ct) {
        nxU16(w, NXAST.RESUBMIT, a.inPort);
        return;
      }
      const s = nx(w, a.ct ? NXAST.RESUBMIT_TABLE_CT : NXAST.RESUBMIT_TABLE);
      w.u16(a.inPort);
      w.u8(a.tableId);
      end(w, s, 16);
      return;
    }
    case 'group':
      if (v10) nxU32(w, NXAST.GROUP, a.groupId);
      else stdU32(w, OFPAT11.GROUP, a.groupId);
      return;
    case 'fin-timeout': {
      const s = nx(w, NXAST.FIN_TIMEOUT);
      w.u16(a.idleTimeout);
      w.u16(a.hardTimeout);
      end(w, s, 16);
      return;
    }
    case 'note': {
      const s = nx(w, NXAST.NOTE);
      w.put(a.data);
      end(w, s, 16);
      return;
    }
    case 'exit':
      simpleNx(w, NXAST.EXIT);
      return;
    case 'learn':
      encodeLearn(w, a);
      return;
    case 'conjunction': {
      const s = nx(w, NXAST.CONJUNCTION);
      w.u8(a.clause);
      w.u8(a.nClauses);
      w.u32(a.id >>> 0);
      end(w, s, 16);
      return;
    }
    case 'multipath': {
      const s = nx(w, NXAST.MULTIPATH);
      w.u16(a.fields);
      w.u16(a.basis);
      w.u16(0);
      w.u16(a.algorithm);
      w.u16(a.maxLink);
      w.u32(a.arg >>> 0);
      w.u16(0);
      w.u16(ofsNbits(a.dst));
      putNxmHeader(w, a.dst.field);
      end(w, s, 32);
      return;
    }
    case 'sample': {
      const subtype = a.direction !== 0 ? NXAST.SAMPLE3 : a.samplingPort !== OFPP.NONE ? NXAST.SAMPLE2 : NXAST.SAMPLE;
      const s = nx(w, subtype);
      w.u16(a.probability);
      w.u32(a.collectorSetId >>> 0);
      w.u32(a.obsDomainId >>> 0);
      w.u32(a.obsPointId >>> 0);
      if (subtype !== NXAST.SAMPLE) {
        w.u16(a.samplingPort);
        w.u8(a.direction);
      }
      end(w, s, subtype === NXAST.SAMPLE ? 24 : 32);
      return;
    }
    case 'clone': {
      const s = nx(w, NXAST.CLONE);
      w.zeros(6);
      for (const inner of a.actions) encodeOne(w, inner, version);
      end(w, s, 16);
      return;
    }
    case 'ct': {
      const s = nx(w, NXAST.CT);
      w.u16(a.flags);
      if (a.zoneSrc) {
        putNxmHeader(w, a.zoneSrc.field);
        w.u16(ofsNbits(a.zoneSrc));
      } else {
        w.u32(0);
        w.u16(a.zoneImm);
      }
      w.u8(a.recircTable);
      w.zeros(3);
      w.u16(a.alg);
      for (const inner of a.actions) encodeOne(w, inner, version);
      end(w, s, 24);
      return;
    }
    case 'ct-clear':
      simpleNx(w, NXAST.CT_CLEAR);
      return;
    case 'nat':
      encodeNat(w, a);
      return;
    case 'check-pkt-larger': {
      const s = nx(w, NXAST.CHECK_PKT_LARGER);
      w.u16(a.pktLen);
      w.u16(a.dst.ofs);
      putNxmHeader(w, a.dst.field);
      end(w, s, 24);
      return;
    }
    case 'encap': {
      const s = nx(w, NXAST.ENCAP);
      w.u16(0);
      w.u32(a.packetType >>> 0);
      for (const p of a.props) {
        const start = w.length;
        w.u16(0x0004);
        if (p.kind === 'md_type') {
          w.u8(1);
          w.u8(5);
          w.u8(p.mdType);
          w.padTo(8, start);
        } else {
          w.u8(2);
          w.u8(0);
          w.u16(p.tlvClass);
          w.u8(p.tlvType);
          w.u8(p.value.length);
          w.put(p.value);
          w.padTo(8, start);
          w.setU16(start + 2, (2 << 8) | (w.length - start));
        }
      }
      end(w, s, 16);
      return;
    }
    case 'decap': {
      const s = nx(w, NXAST.DECAP);
      w.u16(0);
      w.u32(a.packetType >>> 0);
      end(w, s, 16);
      return;
    }
    case 'dec-nsh-ttl':
      simpleNx(w, NXAST.DEC_NSH_TTL);
      return;
    case 'debug-recirc':
      simpleNx(w, NXAST.DEBUG_RECIRC);
      return;
    case 'debug-slow':
      simpleNx(w, NXAST.DEBUG_SLOW);
      return;
    case 'meter':
      if (version >= 6) stdU32(w, OFPAT11.METER, a.meterId);
      return;
    case 'goto-table':
      if (v10) encodeOne(w, { type: 'resubmit', inPort: OFPP.IN_PORT, tableId: a.tableId, ct: false }, version);
      return;
    case 'write-metadata':
      if (v10) {
        const s = nx(w, NXAST.WRITE_METADATA);
        w.zeros(6);
        u64(w, a.metadata);
        u64(w, a.mask);
        end(w, s, 32);
      }
      return;
    case 'write-actions':
    case 'clear-actions':
      return;
  }
}

function simpleStd(w: OfpWriter, type: number): void {
  const s = begin(w, type);
  end(w, s);
}

/** copy_field names each field by its full-width OXM header. */
function putWholeHeader(w: OfpWriter, f: MatchField, version: number): void {
  const h = oxmHeaderOf(f, version);
  if (!h) throw new RangeError(`${f.name} has no OXM header`);
  putHeader(w, h, { length: f.tunMetadataIndex !== undefined ? 124 : f.bytes });
}

function encodeList(w: OfpWriter, actions: readonly Ofpact[], version: number): void {
  for (const a of actions) encodeOne(w, a, version);
}

/**
 * Actions into wire bytes for `version` (1 = OpenFlow 1.0 ... 6 = 1.5). With
 * `instructions`, OpenFlow 1.1+ output is a list of instructions, the plain
 * actions going into one apply_actions.
 */
export function encodeActions(
  actions: readonly Ofpact[],
  version: number,
  options: EncodeActionsOptions = {},
): Uint8Array {
  const w = new OfpWriter();
  if (version === 1 || !options.instructions) {
    encodeList(w, actions, version);
    return w.finish();
  }
  const find = <T extends Ofpact['type']>(type: T): Extract<Ofpact, { type: T }> | undefined =>
    actions.find((a) => a.type === type) as Extract<Ofpact, { type: T }> | undefined;
  const meter = find('meter');
  const apply = actions.filter((a) => !['meter', 'clear-actions', 'write-actions', 'write-metadata', 'goto-table'].includes(a.type));
  if (meter && version >= 3 && version <= 5) {
    const s = begin(w, OFPIT.METER);
    w.u32(meter.meterId >>> 0);
    end(w, s);
  }
  const applied = meter && version >= 6 ? [meter, ...apply] : apply;
  if (applied.length > 0) {
    const s = begin(w, OFPIT.APPLY_ACTIONS);
    w.zeros(4);
    encodeList(w, applied, version);
    w.setU16(s + 2, w.length - s);
  }
  if (find('clear-actions')) {
    const s = begin(w, OFPIT.CLEAR_ACTIONS);
    end(w, s);
  }
  const write = find('write-actions');
  if (write && write.actions.length > 0) {
    const s = begin(w, OFPIT.WRITE_ACTIONS);
    w.zeros(4);
    encodeList(w, write.actions, version);
    w.setU16(s + 2, w.length - s);
  }
  const md = find('write-metadata');
  if (md) {
    const s = begin(w, OFPIT.WRITE_METADATA);
    w.zeros(4);
    u64(w, md.metadata);
    u64(w, md.mask);
    end(w, s);
  }
  const goto = find('goto-table');
  if (goto) {
    const s = begin(w, OFPIT.GOTO_TABLE);
    w.u8(goto.tableId);
    end(w, s);
  }
  return w.finish();
}
