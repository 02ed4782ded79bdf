// Packet-carrying and flow-lifetime messages: packet-in (OpenFlow 1.0, 1.1,
// 1.2, 1.3+ and NXT_PACKET_IN), packet-out (1.0, 1.1+) and flow-removed
// (1.0, 1.1+, NXT_FLOW_REMOVED): decode, encode and their ofp-print text.
// messages.ts dispatches to these; the connection manager sends packet-ins
// and flow-removeds and receives packet-outs through them.

import { flowExtract, LAYER_COUNT, LAYER_L4 } from '../flow/extract.js';
import { formatFlow, formatMatch, formatPort } from '../flow/format.js';
import { IN_PORT, newKey, NW_FRAG, NW_PROTO } from '../flow/layout.js';
import { Match } from '../flow/match.js';
import { OFP10_VERSION, OFP11_VERSION, OFP12_VERSION, OFP13_VERSION, OFP15_VERSION } from './errors.js';
import {
  decodeNxMatch, decodeOf10Match, decodeOfpMatch, encodeNxMatch, encodeOf10Match, encodeOfpMatch, port10To11,
  port11To10,
} from './match.js';
import { OfpError } from './ofp-error.js';
import { OfpReader, OfpWriter } from './ofpbuf.js';

export interface PacketInMsg {
  readonly kind: 'packet-in';
  readonly version: number;
  readonly xid: number;
  /** 'of10', 'of11', 'of12' (1.2), 'of13' (1.3+), 'nx' (NXT_PACKET_IN) or 'nx2' (NXT_PACKET_IN2). */
  readonly form: 'of10' | 'of11' | 'of12' | 'of13' | 'nx' | 'nx2';
  readonly bufferId: number;
  readonly totalLen: number;
  /** OFPR_NO_MATCH 0, ACTION 1, INVALID_TTL 2; 1.4+: ACTION_SET 3, GROUP 4, PACKET_OUT 5. */
  readonly reason: number;
  readonly tableId: number;
  readonly cookie: readonly [number, number];
  /** Metadata of the packet (in_port, registers, tunnel) as a match. */
  readonly match: Match;
  /** OF1.1 in_phy_port. */
  readonly inPhyPort: number;
  readonly data: Uint8Array;
  /** NXT_PACKET_IN2: the controller action's userdata, and the continuation (for NXT_RESUME). */
  readonly userdata?: Uint8Array;
  readonly continuation?: Uint8Array;
  /** NXT_PACKET_IN2: whether a cookie property was (or is to be) sent; other forms always have a cookie field or never. */
  readonly cookiePresent?: boolean;
  /** NXT_RESUME: the same properties, sent by a controller to continue a paused pipeline. */
  readonly resume?: boolean;
}

export interface PacketOutMsg {
  readonly kind: 'packet-out';
  readonly version: number;
  readonly xid: number;
  readonly bufferId: number;
  /** 16-bit port number. */
  readonly inPort: number;
  /** OpenFlow 1.5: the packet's metadata as a match (in_port included; `inPort` mirrors it). */
  readonly match?: Match;
  readonly actions: Uint8Array;
  readonly data: Uint8Array;
}

export interface FlowRemovedMsg {
  readonly kind: 'flow-removed';
  readonly version: number;
  readonly xid: number;
  readonly form: 'of10' | 'of11' | 'nx';
  readonly match: Match;
  readonly cookie: readonly [number, number];
  readonly priority: number;
  /** OFPRR_IDLE_TIMEOUT 0, HARD_TIMEOUT 1, DELETE 2, GROUP_DELETE 3, METER_DELETE 4, EVICTION 5. */
  readonly reason: number;
  readonly tableId: number;
  readonly durationSec: number;
  readonly durationNsec: number;
  readonly idleTimeout: number;
  readonly hardTimeout: number;
  readonly packetCount: readonly [number, number];
  readonly byteCount: readonly [number, number];
}

function u64(r: OfpReader): [number, number] {
  return [r.u32(), r.u32()];
}

/** Decodes a packet-in body (after the header, or after the Nicira header for NXT_PACKET_IN). */
export function decodePacketIn(version: number, xid: number, r: OfpReader, nicira: boolean): PacketInMsg {
  const base = { kind: 'packet-in', version, xid } as const;
  if (nicira) {
    const bufferId = r.u32();
    const totalLen = r.u16();
    const reason = r.u8();
    const tableId = r.u8();
    const cookie = u64(r);
    const matchLen = r.u16();
    r.skip(6);
    const match = decodeNxMatch(r.bytesView(matchLen)).match;
    r.skip(((matchLen + 7) & ~7) - matchLen);
    r.skip(2);
    return { ...base, form: 'nx', bufferId, totalLen, reason, tableId, cookie, match, inPhyPort: 0, data: rest(r) };
  }
  if (version === OFP10_VERSION) {
    const bufferId = r.u32();
    const totalLen = r.u16();
    const inPort = r.u16();
    const reason = r.u8();
    r.skip(1);
    const match = matchWithInPort(inPort);
    return { ...base, form: 'of10', bufferId, totalLen, reason, tableId: 0, cookie: [0, 0], match, inPhyPort: 0, data: rest(r) };
  }
  if (version === OFP11_VERSION) {
    const bufferId = r.u32();
    const inPort = port11To10(r.u32());
    const inPhyPort = r.u32();
    const totalLen = r.u16();
    const reason = r.u8();
    const tableId = r.u8();
    const match = matchWithInPort(inPort);
    return { ...base, form: 'of11', bufferId, totalLen, reason, tableId, cookie: [0, 0], match, inPhyPort, data: rest(r) };
  }
  const bufferId = r.u32();
  const totalLen = r.u16();
  const reason = r.u8();
  const tableId = r.u8();
  const cookie: [number, number] = version >= OFP13_VERSION ? u64(r) : [0, 0];
  const match = decodeOfpMatch(version, r);
  r.skip(2);
  const form = version === OFP12_VERSION ? 'of12' : 'of13';
  return { ...base, form, bufferId, totalLen, reason, tableId, cookie, match, inPhyPort: 0, data: rest(r) };
}

function rest(r: OfpReader): Uint8Array {
  return r.bytesView(r.remaining).slice();
}

function matchWithInPort(inPort: number): Match {
  const m = new Match();
  m.setMasked(IN_PORT, inPort, 0xffff);
  return m;
}

// NXT_PACKET_IN2 property types.
const NXPINT_PACKET = 0;
const NXPINT_FULL_LEN = 1;
const NXPINT_BUFFER_ID = 2;
const NXPINT_TABLE_ID = 3;
const NXPINT_COOKIE = 4;
const NXPINT_REASON = 5;
const NXPINT_METADATA = 6;
const NXPINT_USERDATA = 7;
const NXPINT_CONTINUATION = 8;

/**
 * NXT_PACKET_IN2: every field is a property (type, length, value, padding
 * to 8 bytes), so Open vSwitch can add more; unknown properties fail with
 * OFPBPC_BAD_TYPE as in Open vSwitch.
 */
export function decodePacketIn2(version: number, xid: number, r: OfpReader): PacketInMsg {
  let data: Uint8Array | undefined;
  let totalLen: number | undefined;
  let bufferId = 0xffffffff;
  let tableId = 0;
  let cookie: [number, number] = [0, 0];
  let cookiePresent = false;
  let reason = 0;
  let match = new Match();
  let userdata: Uint8Array | undefined;
  let continuation: Uint8Array | undefined;
  while (r.remaining > 0) {
    const type = r.u16();
    const length = r.u16();
    if (length < 4) throw new OfpError('OFPBPC_BAD_LEN', `property length ${length}`);
    const p = r.sub(length - 4, 'OFPBPC_BAD_LEN');
    r.skip(Math.min(r.remaining, ((length + 7) & ~7) - length));
    const exact = (size: number): void => {
      if (p.remaining !== size) throw new OfpError('OFPBPC_BAD_LEN', `property ${type} length ${length}`);
    };
    switch (type) {
      case NXPINT_PACKET:
        data = p.bytesView(p.remaining).slice();
        break;
      case NXPINT_FULL_LEN:
        exact(4);
        totalLen = p.u32();
        break;
      case NXPINT_BUFFER_ID:
        exact(4);
        bufferId = p.u32();
        break;
      case NXPINT_TABLE_ID:
        exact(1);
        tableId = p.u8();
        break;
      case NXPINT_COOKIE:
        p.skip(4);
        exact(8);
        cookie = u64(p);
        cookiePresent = true;
        break;
      case NXPINT_REASON:
        exact(1);
        reason = p.u8();
        break;
      case NXPINT_METADATA:
        match = decodeNxMatch(p.bytesView(p.remaining)).match;
        break;
      case NXPINT_USERDATA:
        userdata = p.bytesView(p.remaining).slice();
        break;
      case NXPINT_CONTINUATION:
        continuation = p.bytesView(p.remaining).slice();
        break;
      default:
        throw new OfpError('OFPBPC_BAD_TYPE', `NXT_PACKET_IN2 property ${type}`);
    }
  }
  if (!data) throw new OfpError('OFPBRC_BAD_LEN', 'NXT_PACKET_IN2 without a packet');
  return {
    kind: 'packet-in', version, xid, form: 'nx2', bufferId, totalLen: totalLen ?? data.length, reason, tableId, cookie,
    match, inPhyPort: 0, data, cookiePresent, ...(userdata ? { userdata } : {}), ...(continuation ? { continuation } : {}),
  };
}

function putProperty(w: OfpWriter, type: number, write: () => void): void {
  const start = w.length;
  w.u16(type);
  w.u16(0);
  write();
  w.setU16(start + 2, w.length - start);
  w.padTo(8, start);
}

function encodePacketIn2(msg: PacketInMsg, w: OfpWriter): void {
  putProperty(w, NXPINT_PACKET, () => w.put(msg.data));
  if (msg.totalLen !== msg.data.length) putProperty(w, NXPINT_FULL_LEN, () => w.u32(msg.totalLen));
  if (msg.bufferId !== 0xffffffff) putProperty(w, NXPINT_BUFFER_ID, () => w.u32(msg.bufferId));
  if (msg.tableId !== 0) putProperty(w, NXPINT_TABLE_ID, () => w.u8(msg.tableId));
  if (msg.cookiePresent ?? (msg.cookie[0] !== 0 || msg.cookie[1] !== 0)) {
    putProperty(w, NXPINT_COOKIE, () => {
      w.zeros(4);
      w.u64(msg.cookie[0], msg.cookie[1]);
    });
  }
  if (msg.reason !== 0) putProperty(w, NXPINT_REASON, () => w.u8(msg.reason));
  putProperty(w, NXPINT_METADATA, () => encodeNxMatch(msg.match, 0, w));
  const userdata = msg.userdata;
  if (userdata) putProperty(w, NXPINT_USERDATA, () => w.put(userdata));
  const continuation = msg.continuation;
  if (continuation) putProperty(w, NXPINT_CONTINUATION, () => w.put(continuation));
}

export function encodePacketIn(msg: PacketInMsg, w: OfpWriter): void {
  const inPort = msg.match.key[IN_PORT] & 0xffff;
  switch (msg.form) {
    case 'nx2':
      // The packet is one of the properties.
      encodePacketIn2(msg, w);
      return;
    case 'nx': {
      w.u32(msg.bufferId);
      w.u16(msg.totalLen);
      w.u8(msg.reason);
      w.u8(msg.tableId);
      w.u64(msg.cookie[0], msg.cookie[1]);
      const lenAt = w.reserve(2);
      w.zeros(6);
      const start = w.length;
      w.setU16(lenAt, encodeNxMatch(msg.match, 0, w));
      w.padTo(8, start);
      w.zeros(2);
      break;
    }
    case 'of10':
      w.u32(msg.bufferId);
      w.u16(msg.totalLen);
      w.u16(inPort);
      w.u8(msg.reason);
      w.zeros(1);
      break;
    case 'of11':
      w.u32(msg.bufferId);
      w.u32(port10To11(inPort));
      w.u32(msg.inPhyPort);
      w.u16(msg.totalLen);
      w.u8(msg.reason);
      w.u8(msg.tableId);
      break;
    default:
      w.u32(msg.bufferId);
      w.u16(msg.totalLen);
      w.u8(msg.reason);
      w.u8(msg.tableId);
      if (msg.form === 'of13') w.u64(msg.cookie[0], msg.cookie[1]);
      encodeOfpMatch(msg.match, msg.version, w);
      w.zeros(2);
  }
  w.put(msg.data);
}

export function decodePacketOut(version: number, xid: number, r: OfpReader): PacketOutMsg {
  const bufferId = r.u32();
  let inPort: number;
  let actionsLen: number;
  if (version === OFP10_VERSION) {
    inPort = r.u16();
    actionsLen = r.u16();
  } else if (version >= OFP15_VERSION) {
    actionsLen = r.u16();
    r.skip(2);
    const match = decodeOfpMatch(version, r);
    if (actionsLen % 8 !== 0) throw new OfpError('OFPBRC_BAD_LEN', `actions_len ${actionsLen}`);
    const actions = r.bytesView(actionsLen).slice();
    inPort = (match.mask[IN_PORT] & 0xffff) !== 0 ? match.key[IN_PORT] & 0xffff : 0xffff;
    return { kind: 'packet-out', version, xid, bufferId, inPort, match, actions, data: rest(r) };
  } else {
    inPort = port11To10(r.u32());
    actionsLen = r.u16();
    r.skip(6);
  }
  if (actionsLen % 8 !== 0) throw new OfpError('OFPBRC_BAD_LEN', `actions_len ${actionsLen}`);
  const actions = r.bytesView(actionsLen).slice();
  return { kind: 'packet-out', version, xid, bufferId, inPort, actions, data: rest(r) };
}

export function encodePacketOut(msg: PacketOutMsg, w: OfpWriter): void {
  w.u32(msg.bufferId);
  if (msg.version === OFP10_VERSION) {
    w.u16(msg.inPort);
    w.u16(msg.actions.length);
  } else if (msg.version >= OFP15_VERSION) {
    w.u16(msg.actions.length);
    w.zeros(2);
    let match = msg.match;
    if (!match) {
      match = new Match();
      match.setMasked(IN_PORT, msg.inPort, 0xffff);
    }
    encodeOfpMatch(match, msg.version, w);
  } else {
    w.u32(port10To11(msg.inPort));
    w.u16(msg.actions.length);
    w.zeros(6);
  }
  w.put(msg.actions);
  w.put(msg.data);
}

export function decodeFlowRemoved(version: number, xid: number, r: OfpReader, nicira: boolean): FlowRemovedMsg {
  const base = { kind: 'flow-removed', version, xid } as const;
  if (nicira) {
    const cookie = u64(r);
    const priority = r.u16();
    const reason = r.u8();
    const tableId = r.u8();
    const durationSec = r.u32();
    const durationNsec = r.u32();
    const idleTimeout = r.u16();
    const matchLen = r.u16();
    const packetCount = u64(r);
    const byteCount = u64(r);
    const match = decodeNxMatch(r.bytesView(matchLen)).match;
    r.skip(((matchLen + 7) & ~7) - matchLen);
    return {
      ...base, form: 'nx', match, cookie, priority, reason, tableId: tableId === 0 ? 0 : tableId - 1, durationSec,
      durationNsec, idleTimeout, hardTimeout: 0, packetCount, byteCount,
    };
  }
  if (version === OFP10_VERSION) {
    const match = decodeOf10Match(r);
    const cookie = u64(r);
    const priority = r.u16();
    const reason = r.u8();
    r.skip(1);
    const durationSec = r.u32();
    const durationNsec = r.u32();
    const idleTimeout = r.u16();
    r.skip(2);
    return {
      ...base, form: 'of10', match, cookie, priority, reason, tableId: 0, durationSec, durationNsec, idleTimeout,
      hardTimeout: 0, packetCount: u64(r), byteCount: u64(r),
    };
  }
  // TODO(#5): OpenFlow 1.5 flow-removed (OXS statistics).
  const cookie = u64(r);
  const priority = r.u16();
  const reason = r.u8();
  const tableId = r.u8();
  const durationSec = r.u32();
  const durationNsec = r.u32();
  const idleTimeout = r.u16();
  const hardTimeout = r.u16();
  const packetCount = u64(r);
  const byteCount = u64(r);
  const match = decodeOfpMatch(version, r);
  return {
    ...base, form: 'of11', match, cookie, priority, reason, tableId, durationSec, durationNsec, idleTimeout,
    hardTimeout, packetCount, byteCount,
  };
}

export function encodeFlowRemoved(msg: FlowRemovedMsg, w: OfpWriter): void {
  if (msg.form === 'nx') {
    w.u64(msg.cookie[0], msg.cookie[1]);
    w.u16(msg.priority);
    w.u8(msg.reason);
    w.u8(msg.tableId + 1);
    w.u32(msg.durationSec);
    w.u32(msg.durationNsec);
    w.u16(msg.idleTimeout);
    const lenAt = w.reserve(2);
    w.u64(msg.packetCount[0], msg.packetCount[1]);
    w.u64(msg.byteCount[0], msg.byteCount[1]);
    const start = w.length;
    w.setU16(lenAt, encodeNxMatch(msg.match, 0, w));
    w.padTo(8, start);
    return;
  }
  if (msg.form === 'of10') {
    encodeOf10Match(msg.match, w);
    w.u64(msg.cookie[0], msg.cookie[1]);
    w.u16(msg.priority);
    w.u8(msg.reason);
    w.zeros(1);
    w.u32(msg.durationSec);
    w.u32(msg.durationNsec);
    w.u16(msg.idleTimeout);
    w.zeros(2);
    w.u64(msg.packetCount[0], msg.packetCount[1]);
    w.u64(msg.byteCount[0], msg.byteCount[1]);
    return;
  }
  w.u64(msg.cookie[0], msg.cookie[1]);
  w.u16(msg.priority);
  w.u8(msg.reason);
  w.u8(msg.tableId);
  w.u32(msg.durationSec);
  w.u32(msg.durationNsec);
  w.u16(msg.idleTimeout);
  w.u16(msg.hardTimeout);
  w.u64(msg.packetCount[0], msg.packetCount[1]);
  w.u64(msg.byteCount[0], msg.byteCount[1]);
  encodeOfpMatch(msg.match, msg.version, w);
}

// --- Text ------------------------------------------------------------------------

const PACKET_IN_REASONS = ['no_match', 'action', 'invalid_ttl', 'action_set', 'group', 'packet_out'];

/** The flow of a packet as ofp-print shows it, with the TCP/UDP checksum. */
export function formatPacket(data: Uint8Array, verbosity: number): string {
  const key = newKey();
  key[IN_PORT] = 0;
  const layers = new Int32Array(LAYER_COUNT);
  flowExtract(data, 0, data.length, key, { vlanLimit: 1, layers });
  let s = formatFlow(key);
  const l4 = layers[LAYER_L4];
  const later = (key[NW_FRAG] & 2) !== 0;
  if (l4 >= 0 && !later) {
    const proto = key[NW_PROTO] & 0xff;
    const hex16 = (at: number): string => ((data[at] << 8) | data[at + 1]).toString(16).padStart(4, '0');
    if (proto === 6 && l4 + 18 <= data.length) s += ` tcp_csum:${hex16(l4 + 16)}`;
    else if (proto === 17 && l4 + 8 <= data.length) s += ` udp_csum:${hex16(l4 + 6)}`;
  }
  s += '\n';
  if (verbosity > 2) s += plainHexDump(data);
  return s;
}

/** The hex dump without ASCII that ofp-print appends to packets at verbosity 3 and up. */
function plainHexDump(bytes: Uint8Array): string {
  let out = '';
  for (let at = 0; at < bytes.length; at += 16) {
    const line = bytes.subarray(at, at + 16);
    let text = at.toString(16).padStart(8, '0') + ' ';
    for (let j = 0; j < line.length; j++) text += (j === 8 ? '-' : ' ') + line[j].toString(16).padStart(2, '0');
    out += text + '\n';
  }
  return out;
}

function hex64(v: readonly [number, number]): string {
  if (v[0] === 0) return `0x${v[1].toString(16)}`;
  return `0x${v[0].toString(16)}${v[1].toString(16).padStart(8, '0')}`;
}

export function formatPacketIn(msg: PacketInMsg, verbosity: number): string {
  let s = ' ';
  if (msg.tableId !== 0) s += `table_id=${msg.tableId} `;
  // Forms without a cookie field leave it out; the others show it even when zero.
  const hasCookie = msg.form === 'of13' || msg.form === 'nx' ||
    (msg.form === 'nx2' && (msg.cookiePresent ?? (msg.cookie[0] !== 0 || msg.cookie[1] !== 0)));
  if (hasCookie) s += `cookie=${hex64(msg.cookie)} `;
  s += `total_len=${msg.totalLen} ${formatMatch(msg.match)} (via ${PACKET_IN_REASONS[msg.reason] ?? msg.reason})`;
  s += ` data_len=${msg.data.length}`;
  s += msg.bufferId === 0xffffffff ? ' (unbuffered)' : ` buffer=0x${msg.bufferId.toString(16).padStart(8, '0')}`;
  if (msg.totalLen !== msg.data.length) s += ' (***total_len != data_len***)';
  s += '\n';
  if (verbosity > 0) s += formatPacket(msg.data, verbosity);
  return s;
}

const FLOW_REMOVED_REASONS = ['idle', 'hard', 'delete', 'group_delete', 'meter_delete', 'eviction'];

function formatDuration(sec: number, nsec: number): string {
  let s = `${sec}`;
  // Nanoseconds as nine digits without the trailing zeros.
  if (nsec > 0) s += '.' + String(nsec).padStart(9, '0').replace(/0+$/, '');
  return s + 's';
}

function dec64(v: readonly [number, number]): string {
  return (BigInt(v[0]) * 4294967296n + BigInt(v[1])).toString();
}

export function formatFlowRemoved(msg: FlowRemovedMsg): string {
  let s = ' ' + formatMatch(msg.match, { priority: msg.priority });
  s += ` reason=${FLOW_REMOVED_REASONS[msg.reason] ?? msg.reason}`;
  if (msg.tableId !== 0) s += ` table_id=${msg.tableId}`;
  if (msg.cookie[0] !== 0 || msg.cookie[1] !== 0) s += ` cookie:${hex64(msg.cookie)}`;
  s += ` duration${formatDuration(msg.durationSec, msg.durationNsec)}`;
  if (msg.idleTimeout) s += ` idle${msg.idleTimeout}`;
  if (msg.hardTimeout) s += ` hard${msg.hardTimeout}`;
  s += ` pkts${dec64(msg.packetCount)} bytes${dec64(msg.byteCount)}\n`;
  return s;
}

export function formatPacketOut(
  msg: PacketOutMsg, verbosity: number, formatActions: (bytes: Uint8Array, version: number, instructions: boolean) => string,
): string {
  const where = msg.match ? formatMatch(msg.match) : `in_port=${formatPort(msg.inPort)}`;
  let s = ` ${where} actions=${formatActions(msg.actions, msg.version, false)}`;
  s += msg.bufferId === 0xffffffff ? ` data_len=${msg.data.length}\n` : ` buffer=0x${msg.bufferId.toString(16).padStart(8, '0')}\n`;
  if (msg.bufferId === 0xffffffff && verbosity > 0 && msg.data.length > 0) s += formatPacket(msg.data, verbosity);
  return s;
}

