// OpenFlow messages: the header, which message a header and body name (the
// "raw type" of each version, Nicira vendor message or multipart kind), and
// decoders and encoders for the messages built so far. decodeMessage() turns
// bytes into an OfpMessage; encodeMessage() turns one back into the same
// bytes. The connection manager and ofctl call these; print.ts formats them.
// Actions and instructions stay as their wire bytes (`actions`) until the
// action codec (src/openflow/actions/) is joined in.

import { Match } from '../flow/match.js';
import {
  decodeErrorMsg, encodeErrorBody, ERROR_DATA_MAX, NX_VENDOR_ID, OFP10_VERSION, OFP11_VERSION, OFP12_VERSION, OFP13_VERSION,
  OFP14_VERSION, OFP15_VERSION, ONF_VENDOR_ID,
} from './errors.js';
import {
  decodeNxMatch, decodeOf10Match, decodeOfpMatch, encodeNxMatch, encodeOf10Match, encodeOfpMatch, peekMatchType,
  port10To11, port11To10,
} from './match.js';
import { OfpError } from './ofp-error.js';
import { OfpReader, OfpWriter } from './ofpbuf.js';
import { decodePort, encodePort, type OfpPort, portSize } from './port.js';
import {
  decodeFlowRemoved, decodePacketIn, decodePacketIn2, decodePacketOut, encodeFlowRemoved, encodePacketIn, encodePacketOut,
  type FlowRemovedMsg, type PacketInMsg, type PacketOutMsg,
} from './packet.js';

import {
  decodeMeterConfigReply, decodeMeterFeaturesReply, decodeMeterMod, decodeMeterStatsReply, encodeMeterConfigReply,
  encodeMeterFeaturesReply, encodeMeterMod, encodeMeterStatsReply, type MeterConfigReplyMsg, type MeterFeaturesReplyMsg,
  type MeterModMsg, type MeterStatsReplyMsg,
} from './meter.js';

export type { MeterConfigReplyMsg, MeterStatsReplyMsg };

import {
  type AsyncConfigMsg, type BundleAddMsg, type BundleControlMsg, decodeAsyncConfig, decodeBundleAdd,
  decodeBundleControl, decodeRoleStatus, encodeAsyncConfig, encodeBundleAdd, encodeBundleControl, encodeRoleStatus,
  type RoleStatusMsg,
} from './control.js';

import {
  decodeGroupDescReply, decodeGroupMod, encodeGroupDescReply, encodeGroupMod, type GroupDescReplyMsg, type GroupModMsg,
} from './group.js';

export type { GroupDescReplyMsg, GroupModMsg };
import {
  decodePortStatsReply, decodeQueueStatsReply, decodeTableStatsReply, encodePortStatsReply, encodeQueueStatsReply,
  encodeTableStatsReply, type PortStatsReplyMsg, type QueueStatsReplyMsg, type TableStatsReplyMsg,
} from './stats.js';

export type { PortStatsReplyMsg, QueueStatsReplyMsg, TableStatsReplyMsg };
import {
  decodeFlowMonitorControl, decodeTlvTable, encodeFlowMonitorControl, encodeTlvTable, type FlowMonitorControlMsg,
  type TlvTableMsg,
} from './nicira.js';

export type { FlowMonitorControlMsg, TlvTableMsg };
import {
  decodeTableDescReply, decodeTableStatus, encodeTableDescReply, encodeTableStatus, type TableDescReplyMsg,
  type TableStatusMsg,
} from './table.js';

export type { TableDescReplyMsg, TableStatusMsg };
export type { AsyncConfigMsg, BundleAddMsg, BundleControlMsg, RoleStatusMsg };
export type { FlowRemovedMsg, MeterFeaturesReplyMsg, MeterModMsg, PacketInMsg, PacketOutMsg };

export const OFP_HEADER_SIZE = 8;

export interface OfpHeader {
  readonly version: number;
  readonly type: number;
  readonly length: number;
  readonly xid: number;
}

export function decodeHeader(bytes: Uint8Array): OfpHeader {
  const r = new OfpReader(bytes);
  return { version: r.u8(), type: r.u8(), length: r.u16(), xid: r.u32() };
}

/** Names of the message types, shared by OpenFlow 1.0 and 1.1+ where they agree. */
const OFPT10_NAMES: readonly string[] = [
  'OFPT_HELLO', 'OFPT_ERROR', 'OFPT_ECHO_REQUEST', 'OFPT_ECHO_REPLY', 'OFPT_VENDOR', 'OFPT_FEATURES_REQUEST',
  'OFPT_FEATURES_REPLY', 'OFPT_GET_CONFIG_REQUEST', 'OFPT_GET_CONFIG_REPLY', 'OFPT_SET_CONFIG', 'OFPT_PACKET_IN',
  'OFPT_FLOW_REMOVED', 'OFPT_PORT_STATUS', 'OFPT_PACKET_OUT', 'OFPT_FLOW_MOD', 'OFPT_PORT_MOD',
  'OFPT_STATS_REQUEST', 'OFPT_STATS_REPLY', 'OFPT_BARRIER_REQUEST', 'OFPT_BARRIER_REPLY',
  'OFPT_QUEUE_GET_CONFIG_REQUEST', 'OFPT_QUEUE_GET_CONFIG_REPLY',
];
const OFPT11_NAMES: readonly string[] = [
  'OFPT_HELLO', 'OFPT_ERROR', 'OFPT_ECHO_REQUEST', 'OFPT_ECHO_REPLY', 'OFPT_EXPERIMENTER', 'OFPT_FEATURES_REQUEST',
  'OFPT_FEATURES_REPLY', 'OFPT_GET_CONFIG_REQUEST', 'OFPT_GET_CONFIG_REPLY', 'OFPT_SET_CONFIG', 'OFPT_PACKET_IN',
  'OFPT_FLOW_REMOVED', 'OFPT_PORT_STATUS', 'OFPT_PACKET_OUT', 'OFPT_FLOW_MOD', 'OFPT_GROUP_MOD', 'OFPT_PORT_MOD',
  'OFPT_TABLE_MOD', 'OFPT_STATS_REQUEST', 'OFPT_STATS_REPLY', 'OFPT_BARRIER_REQUEST', 'OFPT_BARRIER_REPLY',
  'OFPT_QUEUE_GET_CONFIG_REQUEST', 'OFPT_QUEUE_GET_CONFIG_REPLY', 'OFPT_ROLE_REQUEST', 'OFPT_ROLE_REPLY',
  'OFPT_GET_ASYNC_REQUEST', 'OFPT_GET_ASYNC_REPLY', 'OFPT_SET_ASYNC', 'OFPT_METER_MOD', 'OFPT_ROLE_STATUS',
  'OFPT_TABLE_STATUS', 'OFPT_REQUESTFORWARD', 'OFPT_BUNDLE_CONTROL', 'OFPT_BUNDLE_ADD_MESSAGE',
];
/** The last message type each version defines (OF1.1+ numbering). */
const OFPT11_LAST: Readonly<Record<number, number>> = {
  [OFP11_VERSION]: 23, [OFP12_VERSION]: 25, [OFP13_VERSION]: 29, [OFP14_VERSION]: 34, [OFP15_VERSION]: 34,
};

/** Multipart (stats) kinds; OpenFlow 1.0 has 0-5 (and OVS's 13, port description). */
const OFPST_NAMES: Readonly<Record<number, string>> = {
  0: 'OFPST_DESC', 1: 'OFPST_FLOW', 2: 'OFPST_AGGREGATE', 3: 'OFPST_TABLE', 4: 'OFPST_PORT', 5: 'OFPST_QUEUE',
  6: 'OFPST_GROUP', 7: 'OFPST_GROUP_DESC', 8: 'OFPST_GROUP_FEATURES', 9: 'OFPST_METER', 10: 'OFPST_METER_CONFIG',
  11: 'OFPST_METER_FEATURES', 12: 'OFPST_TABLE_FEATURES', 13: 'OFPST_PORT_DESC', 14: 'OFPST_TABLE_DESC',
  15: 'OFPST_QUEUE_DESC', 16: 'OFPST_FLOW_MONITOR',
};

/** Nicira vendor message subtypes. */
const NXT_NAMES: Readonly<Record<number, string>> = {
  10: 'NXT_ROLE_REQUEST', 11: 'NXT_ROLE_REPLY', 12: 'NXT_SET_FLOW_FORMAT', 13: 'NXT_FLOW_MOD',
  14: 'NXT_FLOW_REMOVED', 15: 'NXT_FLOW_MOD_TABLE_ID', 16: 'NXT_SET_PACKET_IN_FORMAT', 17: 'NXT_PACKET_IN',
  18: 'NXT_FLOW_AGE', 19: 'NXT_SET_ASYNC_CONFIG', 20: 'NXT_SET_CONTROLLER_ID', 21: 'NXT_FLOW_MONITOR_CANCEL',
  22: 'NXT_FLOW_MONITOR_PAUSED', 23: 'NXT_FLOW_MONITOR_RESUMED', 24: 'NXT_TLV_TABLE_MOD',
  25: 'NXT_TLV_TABLE_REQUEST', 26: 'NXT_TLV_TABLE_REPLY', 28: 'NXT_RESUME', 30: 'NXT_PACKET_IN2',
};
/** Nicira messages that only older versions carry: set-flow-format (1.0), flow monitor control (1.0-1.2). */
const NXT_MAX_VERSION: Readonly<Record<number, number>> = {
  12: OFP10_VERSION, 21: OFP12_VERSION, 22: OFP12_VERSION, 23: OFP12_VERSION,
};
const NXST_NAMES: Readonly<Record<number, string>> = { 0: 'NXST_FLOW', 1: 'NXST_AGGREGATE', 2: 'NXST_FLOW_MONITOR' };

/** What a header (and the start of its body) says the message is. */
export interface RawType {
  /** Name as ovs-ofctl prints it: "OFPT_FLOW_MOD", "NXT_FLOW_MOD", "OFPST_FLOW request". */
  readonly name: string;
  /** OFPT_* name of the type field (for multipart: OFPT_STATS_REQUEST/REPLY). */
  readonly ofpt: string;
  /** Nicira subtype, for vendor messages. */
  readonly nxt?: number;
  /** Multipart kind and direction, for stats messages. */
  readonly stat?: number;
  readonly reply?: boolean;
  /** Nicira stats subtype (stat 0xffff). */
  readonly nxst?: number;
  /** Where the message's own body starts (after vendor or multipart headers). */
  readonly bodyOffset: number;
}

function ofptName(version: number, type: number): string | undefined {
  if (version === OFP10_VERSION) return OFPT10_NAMES[type];
  if (type > (OFPT11_LAST[version] ?? 34)) return undefined;
  return OFPT11_NAMES[type];
}

/**
 * Identifies a message. Fails with OFPBRC_BAD_VERSION (an unknown version
 * other than hello's), OFPBRC_BAD_TYPE, OFPBRC_BAD_VENDOR, OFPBRC_BAD_SUBTYPE,
 * OFPBRC_BAD_STAT or OFPBRC_BAD_LEN, as Open vSwitch does before it looks at
 * the body.
 */
export function identify(bytes: Uint8Array): RawType {
  const h = decodeHeader(bytes);
  const r = new OfpReader(bytes, { start: OFP_HEADER_SIZE, end: Math.min(bytes.length, h.length) });
  if (h.type === 0) return { name: 'OFPT_HELLO', ofpt: 'OFPT_HELLO', bodyOffset: 8 };
  if (h.version < OFP10_VERSION || h.version > OFP15_VERSION) {
    throw new OfpError('OFPBRC_BAD_VERSION', `unknown OpenFlow version ${h.version}`);
  }
  const ofpt = ofptName(h.version, h.type);
  if (!ofpt) throw new OfpError('OFPBRC_BAD_TYPE', `unknown OpenFlow message (version ${h.version}, type ${h.type})`);
  if (ofpt === 'OFPT_VENDOR' || ofpt === 'OFPT_EXPERIMENTER') {
    const vendor = r.u32();
    const subtype = r.u32();
    if (vendor === NX_VENDOR_ID) {
      const name = NXT_NAMES[subtype];
      const maxVersion = NXT_MAX_VERSION[subtype] ?? OFP15_VERSION;
      if (!name || h.version > maxVersion) throw new OfpError('OFPBRC_BAD_SUBTYPE', `unknown Nicira subtype ${subtype}`);
      return { name, ofpt, nxt: subtype, bodyOffset: 16 };
    }
    if (vendor === ONF_VENDOR_ID) {
      // The bundle extension of OpenFlow 1.3 (OpenFlow 1.4 made it standard).
      if (h.version === OFP13_VERSION && subtype === 2300) return { name: 'ONFT_BUNDLE_CONTROL', ofpt, bodyOffset: 16 };
      if (h.version === OFP13_VERSION && subtype === 2301) return { name: 'ONFT_BUNDLE_ADD_MESSAGE', ofpt, bodyOffset: 16 };
      throw new OfpError('OFPBRC_BAD_SUBTYPE', `unknown ONF subtype ${subtype}`);
    }
    throw new OfpError('OFPBRC_BAD_VENDOR', `unknown vendor 0x${vendor.toString(16)}`);
  }
  if (ofpt === 'OFPT_STATS_REQUEST' || ofpt === 'OFPT_STATS_REPLY') {
    const reply = ofpt === 'OFPT_STATS_REPLY';
    const stat = r.u16();
    r.u16();
    if (h.version >= OFP11_VERSION) r.skip(4);
    const direction = reply ? 'reply' : 'request';
    if (stat === 0xffff) {
      const vendor = r.u32();
      if (vendor !== NX_VENDOR_ID) throw new OfpError('OFPBRC_BAD_VENDOR', `unknown stats vendor ${vendor}`);
      const subtype = r.u32();
      r.skip(4);
      const name = NXST_NAMES[subtype];
      if (!name) throw new OfpError('OFPBRC_BAD_SUBTYPE', `unknown Nicira stats subtype ${subtype}`);
      return { name: `${name} ${direction}`, ofpt, stat, reply, nxst: subtype, bodyOffset: r.offset };
    }
    const name = OFPST_NAMES[stat];
    const maxStat = h.version === OFP10_VERSION ? 5 : h.version === OFP11_VERSION ? 7 : h.version === OFP12_VERSION ? 8 : h.version === OFP13_VERSION ? 13 : 16;
    if (!name || (stat > maxStat && stat !== 13)) throw new OfpError('OFPBRC_BAD_STAT', `unknown stats type ${stat}`);
    return { name: `${name} ${direction}`, ofpt, stat, reply, bodyOffset: r.offset };
  }
  return { name: ofpt, ofpt, bodyOffset: 8 };
}

// --- Message structures ----------------------------------------------------------

interface Base {
  readonly version: number;
  readonly xid: number;
}

export interface HelloMsg extends Base {
  readonly kind: 'hello';
  /** Versions the sender supports; from the bitmap element, else every version up to the header's. */
  readonly versions: readonly number[];
  /** The hello elements as sent (empty for a plain hello). */
  readonly elements: Uint8Array;
  /** Whether the elements were all understood. */
  readonly elementsOk: boolean;
}

export interface ErrorMessage extends Base {
  readonly kind: 'error';
  readonly errorName: string;
  readonly data: Uint8Array;
}

export interface EchoMsg extends Base {
  readonly kind: 'echo-request' | 'echo-reply';
  readonly payload: Uint8Array;
}

/** Messages that are a header alone. */
export interface EmptyMsg extends Base {
  readonly kind: 'features-request' | 'get-config-request' | 'barrier-request' | 'barrier-reply';
}

export interface SwitchConfigMsg extends Base {
  readonly kind: 'get-config-reply' | 'set-config';
  /** OFPC_FRAG_* (0 normal, 1 drop, 2 reassemble, 3 nx_match) and OFPC_INVALID_TTL_TO_CONTROLLER (4). */
  readonly flags: number;
  readonly missSendLen: number;
}

export type FlowModCommand = 0 | 1 | 2 | 3 | 4;

export interface FlowModMsg extends Base {
  readonly kind: 'flow-mod';
  /** Which wire form: ofp10_flow_mod, ofp11_flow_mod (1.1+) or nx_flow_mod. */
  readonly form: 'of10' | 'of11' | 'nx';
  readonly match: Match;
  /** Cookie (with cookieMask) that selects flows to modify or delete; for an add, the new cookie. */
  readonly cookie: readonly [number, number];
  readonly cookieMask: readonly [number, number];
  /**
   * NXT_FLOW_MOD's cookie field, which for a modify is the cookie to set
   * (all ones: keep). Other forms carry one cookie field, `cookie`.
   */
  readonly newCookie?: readonly [number, number];
  readonly tableId: number;
  /** OFPFC_ADD 0, MODIFY 1, MODIFY_STRICT 2, DELETE 3, DELETE_STRICT 4. */
  readonly command: number;
  readonly idleTimeout: number;
  readonly hardTimeout: number;
  readonly priority: number;
  readonly bufferId: number;
  /** OpenFlow 1.0 port numbering (16 bits). */
  readonly outPort: number;
  readonly outGroup: number;
  readonly flags: number;
  readonly importance: number;
  /** Actions (OF1.0, NXT) or instructions (OF1.1+) as wire bytes. */
  readonly actions: Uint8Array;
}

export interface NxSimpleMsg extends Base {
  readonly kind: 'nx-set-flow-format' | 'nx-flow-mod-table-id' | 'nx-set-packet-in-format' | 'nx-set-controller-id';
  readonly value: number;
}

export interface RoleMsg extends Base {
  readonly kind: 'role-request' | 'role-reply';
  /** Nicira form (NXT_ROLE_*) or OpenFlow 1.2+ form. */
  readonly nicira: boolean;
  /** OFPCR12_ROLE_NOCHANGE 0, EQUAL 1, MASTER 2, SLAVE 3 (Nicira roles are mapped to these). */
  readonly role: number;
  readonly generationId: readonly [number, number];
}

export interface DescRequestMsg extends Base {
  readonly kind: 'desc-request';
}

export interface DescReplyMsg extends Base {
  readonly kind: 'desc-reply';
  readonly manufacturer: string;
  readonly hardware: string;
  readonly software: string;
  readonly serialNumber: string;
  readonly datapath: string;
}

export interface FlowStatsRequestMsg extends Base {
  readonly kind: 'flow-stats-request' | 'aggregate-stats-request';
  readonly nicira: boolean;
  readonly match: Match;
  readonly tableId: number;
  readonly outPort: number;
  readonly outGroup: number;
  readonly cookie: readonly [number, number];
  readonly cookieMask: readonly [number, number];
}

export interface AggregateReplyMsg extends Base {
  readonly kind: 'aggregate-stats-reply';
  readonly nicira: boolean;
  readonly packetCount: readonly [number, number];
  readonly byteCount: readonly [number, number];
  readonly flowCount: number;
}

export interface FeaturesReplyMsg extends Base {
  readonly kind: 'features-reply';
  readonly datapathId: readonly [number, number];
  readonly nBuffers: number;
  readonly nTables: number;
  /** OpenFlow 1.3+: the auxiliary connection id. */
  readonly auxiliaryId: number;
  readonly capabilities: number;
  /** OpenFlow 1.0: supported actions bitmap; 1.1+: the reserved word. */
  readonly actions: number;
  /** OpenFlow 1.0-1.2 list the ports here; 1.3+ use port-desc instead. */
  readonly ports: readonly OfpPort[];
}

export interface PortDescRequestMsg extends Base {
  readonly kind: 'port-desc-request';
  /** OpenFlow 1.5 asks about one port (OFPP_ANY 0xffff for all). */
  readonly portNo: number;
}

export interface PortDescReplyMsg extends Base {
  readonly kind: 'port-desc-reply';
  readonly flags: number;
  readonly ports: readonly OfpPort[];
}

export interface PortStatusMsg extends Base {
  readonly kind: 'port-status';
  /** OFPPR_ADD 0, DELETE 1, MODIFY 2. */
  readonly reason: number;
  readonly port: OfpPort;
}

export interface PortModMsg extends Base {
  readonly kind: 'port-mod';
  readonly portNo: number;
  readonly hwAddr: Uint8Array;
  readonly config: number;
  readonly mask: number;
  /** Features to advertise (OF1.1 numbering); 0 leaves them unchanged. */
  readonly advertise: number;
  /** OpenFlow 1.4+: whether an Ethernet property carried `advertise`. */
  readonly hasAdvertise: boolean;
}

/** One flow of a flow stats reply. */
export interface FlowStats {
  readonly tableId: number;
  readonly durationSec: number;
  readonly durationNsec: number;
  readonly priority: number;
  readonly idleTimeout: number;
  readonly hardTimeout: number;
  /** OFPFF_* flags (OpenFlow 1.3+). */
  readonly flags: number;
  readonly importance: number;
  /** NXST_FLOW only: seconds since last use and since the last modification, plus one (0: unknown). */
  readonly idleAge: number;
  readonly hardAge: number;
  readonly cookie: readonly [number, number];
  readonly packetCount: readonly [number, number];
  readonly byteCount: readonly [number, number];
  readonly match: Match;
  /** Actions (OF1.0, NXST) or instructions (OF1.1+) as wire bytes. */
  readonly actions: Uint8Array;
  /** OpenFlow 1.1: whether the match was OXM rather than the fixed ofp11_match. */
  readonly oxm11?: boolean;
}

export interface FlowStatsReplyMsg extends Base {
  readonly kind: 'flow-stats-reply';
  readonly nicira: boolean;
  /** OFPSF_REPLY_MORE (1) when more replies follow. */
  readonly flags: number;
  readonly flows: readonly FlowStats[];
}

export interface TableModMsg extends Base {
  readonly kind: 'table-mod';
  readonly tableId: number;
  /** OFPTC_* bits: OF1.1-1.2 miss behaviour, OF1.4+ EVICTION (4) and VACANCY_EVENTS (8). */
  readonly config: number;
  /** OF1.4+ properties as wire bytes. */
  readonly properties: Uint8Array;
}

/**
 * A multipart request that names at most a port, a queue, a group or a
 * meter: table (3), port (4), queue (5), group (6), group-desc (7),
 * group-features (8), meter (9), meter-config (10), meter-features (11),
 * table-features without a body (12), table-desc (14).
 */
export interface StatsRequestMsg extends Base {
  readonly kind: 'stats-request';
  readonly stat: number;
  /** 16-bit port number (port and queue requests). */
  readonly portNo: number;
  /** Queue id (OFPQ_ALL 0xffffffff), group id (OFPG_ALL 0xfffffffc) or meter id (OFPM_ALL 0xffffffff). */
  readonly id: number;
}

export type OfpMessage =
  | MeterStatsReplyMsg | MeterConfigReplyMsg
  | TableStatusMsg | TableDescReplyMsg
  | TableStatsReplyMsg
  | TlvTableMsg | FlowMonitorControlMsg
  | PortStatsReplyMsg | QueueStatsReplyMsg
  | GroupModMsg | GroupDescReplyMsg
  | RoleStatusMsg | AsyncConfigMsg | BundleControlMsg | BundleAddMsg
  | MeterModMsg | MeterFeaturesReplyMsg
  | StatsRequestMsg
  | FlowStatsReplyMsg | TableModMsg
  | PacketInMsg | PacketOutMsg | FlowRemovedMsg
  | FeaturesReplyMsg | PortDescRequestMsg | PortDescReplyMsg | PortStatusMsg | PortModMsg
  | HelloMsg | ErrorMessage | EchoMsg | EmptyMsg | SwitchConfigMsg | FlowModMsg | NxSimpleMsg | RoleMsg
  | DescRequestMsg | DescReplyMsg | FlowStatsRequestMsg | AggregateReplyMsg;

// --- Decoding ---------------------------------------------------------------------

const OFPHET_VERSIONBITMAP = 1;

function decodeHello(h: OfpHeader, body: Uint8Array): HelloMsg {
  let versions: number[] | undefined;
  let ok = true;
  const r = new OfpReader(body);
  while (r.remaining > 0 && ok) {
    if (r.remaining < 4) {
      ok = false;
      break;
    }
    const type = r.u16();
    const length = r.u16();
    const padded = (length + 7) & ~7;
    if (length < 4 || padded - 4 > r.remaining) {
      ok = false;
      break;
    }
    if (type !== OFPHET_VERSIONBITMAP || length < 8) {
      ok = false;
      break;
    }
    const words = (length - 4) >> 2;
    const found: number[] = [];
    for (let i = 0; i < words; i++) {
      const word = r.u32();
      for (let bit = 0; bit < 32; bit++) if ((word >>> bit) & 1) found.push(i * 32 + bit);
    }
    r.skip(padded - length);
    versions = found;
  }
  if (!ok || versions === undefined) {
    versions = [];
    for (let v = 1; v <= h.version; v++) versions.push(v);
    if (!ok) return { kind: 'hello', version: h.version, xid: h.xid, versions, elements: body.slice(), elementsOk: false };
  }
  return { kind: 'hello', version: h.version, xid: h.xid, versions, elements: body.slice(), elementsOk: true };
}

/** OF1.0 feature bits as OF1.1 numbers (1.1 inserts 40G, 100G, 1T and OTHER after 10G, four bits). */
function features10To11(f: number): number {
  return (f & 0x7f) | ((f & 0xf80) << 4);
}

function features11To10(f: number): number {
  return (f & 0x7f) | ((f >>> 4) & 0xf80);
}

/** The flags word of a multipart message (OFPSF_REPLY_MORE). */
function statsFlags(bytes: Uint8Array): number {
  return (bytes[10] << 8) | bytes[11];
}

const OFPQ_ALL = 0xffffffff;
const OFPG_ALL = 0xfffffffc;
const OFPM_ALL = 0xffffffff;

function decodeStatsRequest(h: OfpHeader, stat: number, r: OfpReader): StatsRequestMsg {
  const base = { kind: 'stats-request', version: h.version, xid: h.xid, stat } as const;
  const of10 = h.version === OFP10_VERSION;
  switch (stat) {
    case 4: {
      needExact(r, 8);
      const portNo = of10 ? r.u16() : port11To10(r.u32());
      return { ...base, portNo, id: 0 };
    }
    case 5: {
      needExact(r, 8);
      const portNo = of10 ? r.u16() : port11To10(r.u32());
      if (of10) r.skip(2);
      return { ...base, portNo, id: r.u32() };
    }
    case 6:
    case 9:
    case 10:
      needExact(r, 8);
      return { ...base, portNo: 0xffff, id: r.u32() };
    case 7:
      if (h.version >= OFP15_VERSION) {
        needExact(r, 8);
        return { ...base, portNo: 0xffff, id: r.u32() };
      }
      needExact(r, 0);
      return { ...base, portNo: 0xffff, id: OFPG_ALL };
    case 12:
      // TODO(#5): table-features requests that carry tables to set.
      needExact(r, 0);
      return { ...base, portNo: 0xffff, id: 0 };
    default:
      needExact(r, 0);
      return { ...base, portNo: 0xffff, id: 0 };
  }
}

function encodeStatsRequest(msg: StatsRequestMsg, w: OfpWriter): void {
  const of10 = msg.version === OFP10_VERSION;
  startStats(w, msg.version, false, msg.stat, msg.xid);
  switch (msg.stat) {
    case 4:
      if (of10) {
        w.u16(msg.portNo);
        w.zeros(6);
      } else {
        w.u32(port10To11(msg.portNo));
        w.zeros(4);
      }
      break;
    case 5:
      if (of10) {
        w.u16(msg.portNo);
        w.zeros(2);
      } else {
        w.u32(port10To11(msg.portNo));
      }
      w.u32(msg.id);
      break;
    case 6:
    case 9:
    case 10:
      w.u32(msg.id);
      w.zeros(4);
      break;
    case 7:
      if (msg.version >= OFP15_VERSION) {
        w.u32(msg.id);
        w.zeros(4);
      }
      break;
    default:
      break;
  }
}

export { OFPG_ALL, OFPM_ALL, OFPQ_ALL };

function rest(r: OfpReader): Uint8Array {
  return r.bytesView(r.remaining).slice();
}

function decodeFlowStats(version: number, nicira: boolean, outer: OfpReader): FlowStats {
  const length = outer.u16();
  if (length < 4) throw new OfpError('OFPBRC_BAD_LEN', `flow stats length ${length}`);
  const r = outer.sub(length - 2);
  const tableId = r.u8();
  r.skip(1);
  if (nicira) {
    const durationSec = r.u32();
    const durationNsec = r.u32();
    const priority = r.u16();
    const idleTimeout = r.u16();
    const hardTimeout = r.u16();
    const matchLen = r.u16();
    const idleAge = r.u16();
    const hardAge = r.u16();
    const cookie = u64(r);
    const packetCount = u64(r);
    const byteCount = u64(r);
    const match = decodeNxMatch(r.bytesView(matchLen)).match;
    r.skip(((matchLen + 7) & ~7) - matchLen);
    return {
      tableId, durationSec, durationNsec, priority, idleTimeout, hardTimeout, flags: 0, importance: 0, idleAge,
      hardAge, cookie, packetCount, byteCount, match, actions: rest(r),
    };
  }
  if (version === OFP10_VERSION) {
    const match = decodeOf10Match(r);
    const durationSec = r.u32();
    const durationNsec = r.u32();
    const priority = r.u16();
    const idleTimeout = r.u16();
    const hardTimeout = r.u16();
    r.skip(6);
    return {
      tableId, durationSec, durationNsec, priority, idleTimeout, hardTimeout, flags: 0, importance: 0, idleAge: 0,
      hardAge: 0, cookie: u64(r), packetCount: u64(r), byteCount: u64(r), match, actions: rest(r),
    };
  }
  const durationSec = r.u32();
  const durationNsec = r.u32();
  const priority = r.u16();
  const idleTimeout = r.u16();
  const hardTimeout = r.u16();
  const flags = r.u16();
  const importance = r.u16();
  r.skip(2);
  const cookie = u64(r);
  const packetCount = u64(r);
  const byteCount = u64(r);
  const oxm11 = version === OFP11_VERSION && peekMatchType(r) === 1;
  const match = decodeOfpMatch(version, r);
  return {
    ...(oxm11 ? { oxm11 } : {}),
    tableId, durationSec, durationNsec, priority, idleTimeout, hardTimeout,
    flags: version >= OFP13_VERSION ? flags : 0, importance: version >= OFP14_VERSION ? importance : 0,
    idleAge: 0, hardAge: 0, cookie, packetCount, byteCount, match, actions: rest(r),
  };
}

function encodeFlowStats(version: number, nicira: boolean, f: FlowStats, w: OfpWriter): void {
  const start = w.length;
  w.u16(0);
  w.u8(f.tableId);
  w.zeros(1);
  if (nicira) {
    w.u32(f.durationSec);
    w.u32(f.durationNsec);
    w.u16(f.priority);
    w.u16(f.idleTimeout);
    w.u16(f.hardTimeout);
    const lenAt = w.reserve(2);
    w.u16(f.idleAge);
    w.u16(f.hardAge);
    w.u64(f.cookie[0], f.cookie[1]);
    w.u64(f.packetCount[0], f.packetCount[1]);
    w.u64(f.byteCount[0], f.byteCount[1]);
    const matchStart = w.length;
    w.setU16(lenAt, encodeNxMatch(f.match, 0, w));
    w.padTo(8, matchStart);
  } else if (version === OFP10_VERSION) {
    encodeOf10Match(f.match, w);
    w.u32(f.durationSec);
    w.u32(f.durationNsec);
    w.u16(f.priority);
    w.u16(f.idleTimeout);
    w.u16(f.hardTimeout);
    w.zeros(6);
    w.u64(f.cookie[0], f.cookie[1]);
    w.u64(f.packetCount[0], f.packetCount[1]);
    w.u64(f.byteCount[0], f.byteCount[1]);
  } else {
    w.u32(f.durationSec);
    w.u32(f.durationNsec);
    w.u16(f.priority);
    w.u16(f.idleTimeout);
    w.u16(f.hardTimeout);
    w.u16(f.flags);
    w.u16(f.importance);
    w.zeros(2);
    w.u64(f.cookie[0], f.cookie[1]);
    w.u64(f.packetCount[0], f.packetCount[1]);
    w.u64(f.byteCount[0], f.byteCount[1]);
    encodeOfpMatch(f.match, version, w, f.oxm11 ?? false);
  }
  w.put(f.actions);
  w.setU16(start, w.length - start);
}

function u64(r: OfpReader): [number, number] {
  return [r.u32(), r.u32()];
}

function needExact(r: OfpReader, size: number): void {
  if (r.remaining !== size) throw new OfpError('OFPBRC_BAD_LEN', `body is ${r.remaining} bytes, expected ${size}`);
}

function decodeFlowMod10(h: OfpHeader, r: OfpReader): FlowModMsg {
  const match = decodeOf10Match(r);
  const cookie = u64(r);
  const command = r.u16();
  const idleTimeout = r.u16();
  const hardTimeout = r.u16();
  const priority = r.u16();
  const bufferId = r.u32();
  const outPort = r.u16();
  const flags = r.u16();
  const actions = r.bytesView(r.remaining).slice();
  return {
    kind: 'flow-mod', form: 'of10', version: h.version, xid: h.xid, match, cookie, cookieMask: [0, 0],
    tableId: command >>> 8, command: command & 0xff, idleTimeout, hardTimeout, priority, bufferId, outPort,
    outGroup: 0xffffffff, flags, importance: 0, actions,
  };
}

function decodeFlowModNx(h: OfpHeader, r: OfpReader): FlowModMsg {
  const cookie = u64(r);
  const command = r.u16();
  const idleTimeout = r.u16();
  const hardTimeout = r.u16();
  const priority = r.u16();
  const bufferId = r.u32();
  const outPort = r.u16();
  const flags = r.u16();
  const matchLen = r.u16();
  r.skip(6);
  const matchBytes = r.bytesView(matchLen);
  r.skip(((matchLen + 7) & ~7) - matchLen);
  const decoded = decodeNxMatch(matchBytes, { allowCookie: true });
  const actions = r.bytesView(r.remaining).slice();
  return {
    kind: 'flow-mod', form: 'nx', version: h.version, xid: h.xid, match: decoded.match,
    // NXT_FLOW_MOD: the cookie field is the new cookie; NXM_NX_COOKIE selects flows.
    cookie: (command & 0xff) === 0 ? cookie : decoded.cookie ?? [0, 0],
    cookieMask: decoded.cookieMask ?? [0, 0], newCookie: cookie,
    tableId: command >>> 8, command: command & 0xff, idleTimeout, hardTimeout, priority, bufferId, outPort,
    outGroup: 0xffffffff, flags, importance: 0, actions,
  };
}

function decodeFlowMod11(h: OfpHeader, r: OfpReader): FlowModMsg {
  const cookie = u64(r);
  const cookieMask = u64(r);
  const tableId = r.u8();
  const command = r.u8();
  const idleTimeout = r.u16();
  const hardTimeout = r.u16();
  const priority = r.u16();
  const bufferId = r.u32();
  const outPort = port11To10(r.u32());
  const outGroup = r.u32();
  const flags = r.u16();
  const importance = r.u16();
  const match = decodeOfpMatch(h.version, r);
  const actions = r.bytesView(r.remaining).slice();
  return {
    kind: 'flow-mod', form: 'of11', version: h.version, xid: h.xid, match, cookie, cookieMask, tableId, command,
    idleTimeout, hardTimeout, priority, bufferId, outPort, outGroup, flags,
    importance: h.version >= OFP14_VERSION ? importance : 0, actions,
  };
}

function decodeFlowStatsRequest(h: OfpHeader, raw: RawType, r: OfpReader): FlowStatsRequestMsg {
  const kind = raw.stat === 2 || raw.nxst === 1 ? 'aggregate-stats-request' : 'flow-stats-request';
  const base = { kind, version: h.version, xid: h.xid } as const;
  if (raw.nxst !== undefined) {
    const outPort = r.u16();
    const matchLen = r.u16();
    const tableId = r.u8();
    r.skip(3);
    const matchBytes = r.bytesView(matchLen);
    r.skip(((matchLen + 7) & ~7) - matchLen);
    const decoded = decodeNxMatch(matchBytes, { allowCookie: true });
    return {
      ...base, nicira: true, match: decoded.match, tableId, outPort, outGroup: 0xffffffff,
      cookie: decoded.cookie ?? [0, 0], cookieMask: decoded.cookieMask ?? [0, 0],
    };
  }
  if (h.version === OFP10_VERSION) {
    const match = decodeOf10Match(r);
    const tableId = r.u8();
    r.skip(1);
    const outPort = r.u16();
    return { ...base, nicira: false, match, tableId, outPort, outGroup: 0xffffffff, cookie: [0, 0], cookieMask: [0, 0] };
  }
  const tableId = r.u8();
  r.skip(3);
  const outPort = port11To10(r.u32());
  const outGroup = r.u32();
  r.skip(4);
  const cookie = u64(r);
  const cookieMask = u64(r);
  const match = decodeOfpMatch(h.version, r);
  return { ...base, nicira: false, match, tableId, outPort, outGroup, cookie, cookieMask };
}

const DESC_STR_LEN = 256;
const SERIAL_NUM_LEN = 32;

/** OpenFlow 1.0 roles of NXT_ROLE_*: other 0, master 1, slave 2; as OF1.2 roles. */
function nxRoleToRole(role: number): number {
  if (role > 2) throw new OfpError('OFPRRFC_BAD_ROLE', `role ${role}`);
  return role + 1;
}

/**
 * Decodes one whole message. Errors are those Open vSwitch reports for the
 * same bytes: identification errors (see identify()), then OFPBRC_BAD_LEN and
 * match errors from the body. A message type not built yet fails with
 * OFPBRC_BAD_TYPE (TODO(#5)).
 */
export function decodeMessage(bytes: Uint8Array): OfpMessage {
  if (bytes.length < OFP_HEADER_SIZE) throw new OfpError('OFPBRC_BAD_LEN', 'message shorter than its header');
  const h = decodeHeader(bytes);
  if (h.length !== bytes.length) throw new OfpError('OFPBRC_BAD_LEN', `header length ${h.length} of ${bytes.length} bytes`);
  const raw = identify(bytes);
  const r = new OfpReader(bytes, { start: raw.bodyOffset });
  const body = (): Uint8Array => bytes.slice(raw.bodyOffset);
  const base = { version: h.version, xid: h.xid };
  switch (raw.name) {
    case 'OFPT_HELLO':
      return decodeHello(h, body());
    case 'OFPT_ERROR': {
      const e = decodeErrorMsg(h.version, body());
      return { kind: 'error', ...base, errorName: e.errorName, data: e.data };
    }
    case 'OFPT_ECHO_REQUEST':
      return { kind: 'echo-request', ...base, payload: body() };
    case 'OFPT_ECHO_REPLY':
      return { kind: 'echo-reply', ...base, payload: body() };
    case 'OFPT_FEATURES_REQUEST':
      needExact(r, 0);
      return { kind: 'features-request', ...base };
    case 'OFPT_GET_CONFIG_REQUEST':
      needExact(r, 0);
      return { kind: 'get-config-request', ...base };
    case 'OFPT_BARRIER_REQUEST':
      needExact(r, 0);
      return { kind: 'barrier-request', ...base };
    case 'OFPT_BARRIER_REPLY':
      needExact(r, 0);
      return { kind: 'barrier-reply', ...base };
    case 'OFPT_GET_CONFIG_REPLY':
    case 'OFPT_SET_CONFIG': {
      needExact(r, 4);
      const kind = raw.name === 'OFPT_SET_CONFIG' ? 'set-config' : 'get-config-reply';
      return { kind, ...base, flags: r.u16(), missSendLen: r.u16() };
    }
    case 'OFPT_FLOW_MOD':
      if (h.version === OFP10_VERSION) {
        if (r.remaining < 64 || (r.remaining - 64) % 8 !== 0) throw new OfpError('OFPBRC_BAD_LEN', 'flow mod length');
        return decodeFlowMod10(h, r);
      }
      if (r.remaining < 40 || (r.remaining - 40) % 8 !== 0) throw new OfpError('OFPBRC_BAD_LEN', 'flow mod length');
      return decodeFlowMod11(h, r);
    case 'NXT_FLOW_MOD':
      if (r.remaining < 32 || (r.remaining - 32) % 8 !== 0) throw new OfpError('OFPBRC_BAD_LEN', 'flow mod length');
      return decodeFlowModNx(h, r);
    case 'NXT_SET_FLOW_FORMAT':
      needExact(r, 4);
      return { kind: 'nx-set-flow-format', ...base, value: r.u32() };
    case 'NXT_SET_PACKET_IN_FORMAT':
      needExact(r, 4);
      return { kind: 'nx-set-packet-in-format', ...base, value: r.u32() };
    case 'NXT_FLOW_MOD_TABLE_ID': {
      needExact(r, 8);
      const value = r.u8();
      return { kind: 'nx-flow-mod-table-id', ...base, value };
    }
    case 'NXT_SET_CONTROLLER_ID':
      needExact(r, 8);
      r.skip(6);
      return { kind: 'nx-set-controller-id', ...base, value: r.u16() };
    case 'NXT_ROLE_REQUEST':
    case 'NXT_ROLE_REPLY':
      needExact(r, 4);
      return {
        kind: raw.name === 'NXT_ROLE_REQUEST' ? 'role-request' : 'role-reply', ...base, nicira: true,
        role: nxRoleToRole(r.u32()), generationId: [0xffffffff, 0xffffffff],
      };
    case 'OFPT_ROLE_REQUEST':
    case 'OFPT_ROLE_REPLY': {
      needExact(r, 16);
      const role = r.u32();
      r.skip(4);
      if (role > 3) throw new OfpError('OFPRRFC_BAD_ROLE', `role ${role}`);
      return {
        kind: raw.name === 'OFPT_ROLE_REQUEST' ? 'role-request' : 'role-reply', ...base, nicira: false, role,
        generationId: u64(r),
      };
    }
    case 'OFPT_FEATURES_REPLY': {
      const datapathId = u64(r);
      const nBuffers = r.u32();
      const nTables = r.u8();
      const auxiliaryId = r.u8();
      r.skip(2);
      const capabilities = r.u32();
      const actions = r.u32();
      const ports: OfpPort[] = [];
      if (h.version < OFP13_VERSION) {
        const size = portSize(h.version);
        if (r.remaining % size !== 0) throw new OfpError('OFPBRC_BAD_LEN', 'features reply length');
        while (r.remaining > 0) ports.push(decodePort(h.version, r));
      } else {
        needExact(r, 0);
      }
      return {
        kind: 'features-reply', ...base, datapathId, nBuffers, nTables,
        auxiliaryId: h.version >= OFP13_VERSION ? auxiliaryId : 0, capabilities, actions, ports,
      };
    }
    case 'NXT_PACKET_IN2':
      return decodePacketIn2(h.version, h.xid, r);
    case 'OFPT_PACKET_IN':
    case 'NXT_PACKET_IN':
      return decodePacketIn(h.version, h.xid, r, raw.nxt !== undefined);
    case 'OFPT_PACKET_OUT':
      return decodePacketOut(h.version, h.xid, r);
    case 'OFPT_FLOW_REMOVED':
    case 'NXT_FLOW_REMOVED':
      if (h.version >= OFP15_VERSION && raw.nxt === undefined) {
        throw new OfpError('OFPBRC_BAD_TYPE', 'TODO(#5): OpenFlow 1.5 flow-removed');
      }
      return decodeFlowRemoved(h.version, h.xid, r, raw.nxt !== undefined);
    case 'OFPT_PORT_STATUS': {
      if (h.version < OFP14_VERSION) needExact(r, 8 + portSize(h.version));
      const reason = r.u8();
      r.skip(7);
      const port = decodePort(h.version, r);
      if (r.remaining !== 0) throw new OfpError('OFPBRC_BAD_LEN', 'port status length');
      if (reason > 2) throw new OfpError('NXBRC_BAD_REASON', `port status reason ${reason}`);
      return { kind: 'port-status', ...base, reason, port };
    }
    case 'OFPT_PORT_MOD': {
      let portNo: number;
      let hwAddr: Uint8Array;
      if (h.version === OFP10_VERSION) {
        needExact(r, 24);
        portNo = r.u16();
        hwAddr = r.bytesView(6).slice();
      } else {
        if (h.version < OFP14_VERSION) needExact(r, 32);
        portNo = port11To10(r.u32());
        r.skip(4);
        hwAddr = r.bytesView(6).slice();
        r.skip(2);
      }
      const config = r.u32();
      const mask = r.u32();
      let advertise = 0;
      let hasAdvertise = false;
      if (h.version < OFP14_VERSION) {
        advertise = r.u32();
        r.skip(4);
      } else {
        while (r.remaining > 0) {
          const type = r.u16();
          const length = r.u16();
          if (length < 4) throw new OfpError('OFPBPC_BAD_LEN', `port mod property length ${length}`);
          const prop = r.sub(((length + 7) & ~7) - 4, 'OFPBPC_BAD_LEN');
          if (type !== 0) throw new OfpError('OFPBPC_BAD_TYPE', `TODO(#5): port mod property ${type}`);
          if (length !== 8) throw new OfpError('OFPBPC_BAD_LEN', `ethernet property length ${length}`);
          advertise = prop.u32();
          hasAdvertise = true;
        }
      }
      return {
        kind: 'port-mod', ...base, portNo, hwAddr,
        config, mask, advertise: h.version === OFP10_VERSION ? features10To11(advertise) : advertise, hasAdvertise,
      };
    }
    case 'OFPST_PORT_DESC request':
      if (h.version >= OFP15_VERSION) {
        needExact(r, 8);
        const portNo = port11To10(r.u32());
        return { kind: 'port-desc-request', ...base, portNo };
      }
      needExact(r, 0);
      return { kind: 'port-desc-request', ...base, portNo: 0xffff };
    case 'OFPST_PORT_DESC reply': {
      const ports: OfpPort[] = [];
      while (r.remaining > 0) ports.push(decodePort(h.version, r));
      return { kind: 'port-desc-reply', ...base, flags: statsFlags(bytes), ports };
    }
    case 'NXT_TLV_TABLE_MOD':
      return decodeTlvTable('tlv-table-mod', h.version, h.xid, r);
    case 'NXT_TLV_TABLE_REQUEST':
      return decodeTlvTable('tlv-table-request', h.version, h.xid, r);
    case 'NXT_TLV_TABLE_REPLY':
      return decodeTlvTable('tlv-table-reply', h.version, h.xid, r);
    case 'NXT_FLOW_MONITOR_CANCEL':
      return decodeFlowMonitorControl('flow-monitor-cancel', h.version, h.xid, r);
    case 'NXT_FLOW_MONITOR_PAUSED':
      return decodeFlowMonitorControl('flow-monitor-paused', h.version, h.xid, r);
    case 'NXT_FLOW_MONITOR_RESUMED':
      return decodeFlowMonitorControl('flow-monitor-resumed', h.version, h.xid, r);
    case 'NXT_SET_ASYNC_CONFIG':
      return { ...decodeAsyncConfig('set-async', h.version, h.xid, r), nicira: true };
    case 'OFPT_TABLE_STATUS':
      return decodeTableStatus(h.version, h.xid, r);
    case 'OFPST_TABLE_DESC reply':
      return decodeTableDescReply(h.version, h.xid, statsFlags(bytes), r);
    case 'NXT_RESUME':
      return { ...decodePacketIn2(h.version, h.xid, r), resume: true };
    case 'OFPST_TABLE reply':
      if (h.version < OFP13_VERSION) throw new OfpError('OFPBRC_BAD_TYPE', 'TODO(#5): OpenFlow 1.0-1.2 table stats');
      return decodeTableStatsReply(h.version, h.xid, statsFlags(bytes), r);
    case 'OFPST_PORT reply':
      if (h.version >= OFP14_VERSION) throw new OfpError('OFPBRC_BAD_TYPE', 'TODO(#5): OpenFlow 1.4+ port stats');
      return decodePortStatsReply(h.version, h.xid, statsFlags(bytes), r);
    case 'OFPST_QUEUE reply':
      if (h.version >= OFP14_VERSION) throw new OfpError('OFPBRC_BAD_TYPE', 'TODO(#5): OpenFlow 1.4+ queue stats');
      return decodeQueueStatsReply(h.version, h.xid, statsFlags(bytes), r);
    case 'OFPT_GROUP_MOD':
      if (h.version >= OFP15_VERSION) throw new OfpError('OFPBRC_BAD_TYPE', 'TODO(#5): OpenFlow 1.5 group-mod');
      return decodeGroupMod(h.version, h.xid, r);
    case 'OFPST_GROUP_DESC reply':
      if (h.version >= OFP15_VERSION) throw new OfpError('OFPBRC_BAD_TYPE', 'TODO(#5): OpenFlow 1.5 group desc');
      return decodeGroupDescReply(h.version, h.xid, statsFlags(bytes), r);
    case 'OFPT_ROLE_STATUS':
      return decodeRoleStatus(h.version, h.xid, r);
    case 'OFPT_GET_ASYNC_REQUEST':
      return decodeAsyncConfig('get-async-request', h.version, h.xid, r);
    case 'OFPT_GET_ASYNC_REPLY':
      return decodeAsyncConfig('get-async-reply', h.version, h.xid, r);
    case 'OFPT_SET_ASYNC':
      return decodeAsyncConfig('set-async', h.version, h.xid, r);
    case 'OFPT_BUNDLE_CONTROL':
    case 'ONFT_BUNDLE_CONTROL':
      return decodeBundleControl(h.version, h.xid, raw.name.startsWith('ONFT'), r);
    case 'OFPT_BUNDLE_ADD_MESSAGE':
    case 'ONFT_BUNDLE_ADD_MESSAGE':
      return decodeBundleAdd(h.version, h.xid, raw.name.startsWith('ONFT'), r);
    case 'OFPT_METER_MOD':
      return decodeMeterMod(h.version, h.xid, r);
    case 'OFPST_METER reply':
      return decodeMeterStatsReply(h.version, h.xid, statsFlags(bytes), r);
    case 'OFPST_METER_CONFIG reply':
      return decodeMeterConfigReply(h.version, h.xid, statsFlags(bytes), r);
    case 'OFPST_METER_FEATURES reply':
      return decodeMeterFeaturesReply(h.version, h.xid, r);
    case 'OFPST_TABLE request':
    case 'OFPST_PORT request':
    case 'OFPST_QUEUE request':
    case 'OFPST_GROUP request':
    case 'OFPST_GROUP_DESC request':
    case 'OFPST_GROUP_FEATURES request':
    case 'OFPST_METER request':
    case 'OFPST_METER_CONFIG request':
    case 'OFPST_METER_FEATURES request':
    case 'OFPST_TABLE_FEATURES request':
    case 'OFPST_TABLE_DESC request':
      return decodeStatsRequest(h, raw.stat as number, r);
    case 'OFPST_DESC request':
      needExact(r, 0);
      return { kind: 'desc-request', ...base };
    case 'OFPST_DESC reply':
      needExact(r, 4 * DESC_STR_LEN + SERIAL_NUM_LEN);
      return {
        kind: 'desc-reply', ...base, manufacturer: r.fixedString(DESC_STR_LEN), hardware: r.fixedString(DESC_STR_LEN),
        software: r.fixedString(DESC_STR_LEN), serialNumber: r.fixedString(SERIAL_NUM_LEN),
        datapath: r.fixedString(DESC_STR_LEN),
      };
    case 'OFPST_FLOW request':
    case 'OFPST_AGGREGATE request':
    case 'NXST_FLOW request':
    case 'NXST_AGGREGATE request': {
      const msg = decodeFlowStatsRequest(h, raw, r);
      if (r.remaining !== 0) throw new OfpError('OFPBRC_BAD_LEN', 'flow stats request length');
      return msg;
    }
    case 'OFPST_FLOW reply':
    case 'NXST_FLOW reply': {
      if (h.version >= OFP15_VERSION && raw.nxst === undefined) {
        throw new OfpError('OFPBRC_BAD_TYPE', 'TODO(#5): OpenFlow 1.5 flow stats replies');
      }
      const flows: FlowStats[] = [];
      while (r.remaining > 0) flows.push(decodeFlowStats(h.version, raw.nxst !== undefined, r));
      return { kind: 'flow-stats-reply', ...base, nicira: raw.nxst !== undefined, flags: statsFlags(bytes), flows };
    }
    case 'OFPT_TABLE_MOD': {
      const tableId = r.u8();
      r.skip(3);
      const config = r.u32();
      if (h.version < OFP14_VERSION) needExact(r, 0);
      return { kind: 'table-mod', ...base, tableId, config, properties: rest(r) };
    }
    case 'OFPST_AGGREGATE reply':
    case 'NXST_AGGREGATE reply': {
      // TODO(#5): OpenFlow 1.5 replies carry statistics as OXS fields.
      if (h.version >= OFP15_VERSION && raw.nxst === undefined) {
        throw new OfpError('OFPBRC_BAD_TYPE', 'TODO(#5): OpenFlow 1.5 aggregate replies');
      }
      needExact(r, 24);
      const packetCount = u64(r);
      const byteCount = u64(r);
      const flowCount = r.u32();
      r.skip(4);
      return { kind: 'aggregate-stats-reply', ...base, nicira: raw.nxst !== undefined, packetCount, byteCount, flowCount };
    }
    default:
      throw new OfpError('OFPBRC_BAD_TYPE', `TODO(#5): ${raw.name} is not decoded yet`);
  }
}

// --- Encoding ---------------------------------------------------------------------

function startMessage(w: OfpWriter, version: number, type: number, xid: number): void {
  w.u8(version);
  w.u8(type);
  w.u16(0);
  w.u32(xid);
}

function startNx(w: OfpWriter, version: number, subtype: number, xid: number): void {
  startMessage(w, version, 4, xid);
  w.u32(NX_VENDOR_ID);
  w.u32(subtype);
}

function ofptNumber(version: number, name: string): number {
  const table = version === OFP10_VERSION ? OFPT10_NAMES : OFPT11_NAMES;
  const n = table.indexOf(name);
  if (n < 0) throw new RangeError(`${name} does not exist in version ${version}`);
  return n;
}

function startStats(w: OfpWriter, version: number, reply: boolean, stat: number, xid: number, nxst?: number): void {
  startMessage(w, version, ofptNumber(version, reply ? 'OFPT_STATS_REPLY' : 'OFPT_STATS_REQUEST'), xid);
  w.u16(nxst === undefined ? stat : 0xffff);
  w.u16(0);
  if (version >= OFP11_VERSION) w.zeros(4);
  if (nxst !== undefined) {
    w.u32(NX_VENDOR_ID);
    w.u32(nxst);
    w.zeros(4);
  }
}

/** A hello advertising `versions` with a version bitmap element. */
export function helloElementsFor(versions: readonly number[]): Uint8Array {
  const w = new OfpWriter();
  const max = Math.max(...versions);
  const words = (max >> 5) + 1;
  w.u16(OFPHET_VERSIONBITMAP);
  w.u16(4 + 4 * words);
  for (let i = 0; i < words; i++) {
    let word = 0;
    for (const v of versions) if (v >> 5 === i) word |= 1 << (v & 31);
    w.u32(word >>> 0);
  }
  w.padTo(8);
  return w.finish();
}

const ROLE_FROM_OF12 = (role: number): number => Math.max(0, role - 1);

/** Encodes `msg`; decodeMessage(encodeMessage(m)) gives `m` back. */
export function encodeMessage(msg: OfpMessage): Uint8Array {
  const w = new OfpWriter();
  const { version, xid } = msg;
  switch (msg.kind) {
    case 'hello':
      startMessage(w, version, 0, xid);
      w.put(msg.elements);
      break;
    case 'error':
      startMessage(w, version, 1, xid);
      encodeErrorBody(version, msg.errorName, msg.data, w);
      break;
    case 'echo-request':
    case 'echo-reply':
      startMessage(w, version, msg.kind === 'echo-request' ? 2 : 3, xid);
      w.put(msg.payload);
      break;
    case 'features-request':
      startMessage(w, version, 5, xid);
      break;
    case 'get-config-request':
      startMessage(w, version, 7, xid);
      break;
    case 'barrier-request':
    case 'barrier-reply':
      startMessage(w, version, ofptNumber(version, msg.kind === 'barrier-request' ? 'OFPT_BARRIER_REQUEST' : 'OFPT_BARRIER_REPLY'), xid);
      break;
    case 'get-config-reply':
    case 'set-config':
      startMessage(w, version, msg.kind === 'set-config' ? 9 : 8, xid);
      w.u16(msg.flags);
      w.u16(msg.missSendLen);
      break;
    case 'flow-mod':
      encodeFlowMod(msg, w);
      break;
    case 'nx-set-flow-format':
      startNx(w, version, 12, xid);
      w.u32(msg.value);
      break;
    case 'nx-set-packet-in-format':
      startNx(w, version, 16, xid);
      w.u32(msg.value);
      break;
    case 'nx-flow-mod-table-id':
      startNx(w, version, 15, xid);
      w.u8(msg.value);
      w.zeros(7);
      break;
    case 'nx-set-controller-id':
      startNx(w, version, 20, xid);
      w.zeros(6);
      w.u16(msg.value);
      break;
    case 'role-request':
    case 'role-reply':
      if (msg.nicira) {
        startNx(w, version, msg.kind === 'role-request' ? 10 : 11, xid);
        w.u32(ROLE_FROM_OF12(msg.role));
      } else {
        startMessage(w, version, msg.kind === 'role-request' ? 24 : 25, xid);
        w.u32(msg.role);
        w.zeros(4);
        w.u64(msg.generationId[0], msg.generationId[1]);
      }
      break;
    case 'desc-request':
      startStats(w, version, false, 0, xid);
      break;
    case 'stats-request':
      encodeStatsRequest(msg, w);
      break;
    case 'tlv-table-mod':
    case 'tlv-table-request':
    case 'tlv-table-reply':
      startNx(w, version, msg.kind === 'tlv-table-mod' ? 24 : msg.kind === 'tlv-table-request' ? 25 : 26, xid);
      encodeTlvTable(msg, w);
      break;
    case 'flow-monitor-cancel':
    case 'flow-monitor-paused':
    case 'flow-monitor-resumed':
      startNx(w, version, msg.kind === 'flow-monitor-cancel' ? 21 : msg.kind === 'flow-monitor-paused' ? 22 : 23, xid);
      encodeFlowMonitorControl(msg, w);
      break;
    case 'table-status':
      startMessage(w, version, 31, xid);
      encodeTableStatus(msg, w);
      break;
    case 'table-desc-reply':
      startStats(w, version, true, 14, xid);
      w.setU16(10, msg.flags);
      encodeTableDescReply(msg, w);
      break;
    case 'table-stats-reply':
      startStats(w, version, true, 3, xid);
      w.setU16(10, msg.flags);
      encodeTableStatsReply(msg, w);
      break;
    case 'port-stats-reply':
    case 'queue-stats-reply':
      startStats(w, version, true, msg.kind === 'port-stats-reply' ? 4 : 5, xid);
      w.setU16(10, msg.flags);
      if (msg.kind === 'port-stats-reply') encodePortStatsReply(msg, w);
      else encodeQueueStatsReply(msg, w);
      break;
    case 'group-mod':
      startMessage(w, version, 15, xid);
      encodeGroupMod(msg, w);
      break;
    case 'group-desc-reply':
      startStats(w, version, true, 7, xid);
      w.setU16(10, msg.flags);
      encodeGroupDescReply(msg, w);
      break;
    case 'role-status':
      startMessage(w, version, 30, xid);
      encodeRoleStatus(msg, w);
      break;
    case 'get-async-request':
    case 'get-async-reply':
    case 'set-async':
      if (msg.nicira) startNx(w, version, 19, xid);
      else startMessage(w, version, msg.kind === 'get-async-request' ? 26 : msg.kind === 'get-async-reply' ? 27 : 28, xid);
      encodeAsyncConfig(msg, w);
      break;
    case 'bundle-control':
    case 'bundle-add':
      if (msg.onf) {
        startMessage(w, version, 4, xid);
        w.u32(ONF_VENDOR_ID);
        w.u32(msg.kind === 'bundle-control' ? 2300 : 2301);
      } else {
        startMessage(w, version, msg.kind === 'bundle-control' ? 33 : 34, xid);
      }
      if (msg.kind === 'bundle-control') encodeBundleControl(msg, w);
      else encodeBundleAdd(msg, w);
      break;
    case 'meter-mod':
      startMessage(w, version, ofptNumber(version, 'OFPT_METER_MOD'), xid);
      encodeMeterMod(msg, w);
      break;
    case 'meter-stats-reply':
      startStats(w, version, true, 9, xid);
      w.setU16(10, msg.flags);
      encodeMeterStatsReply(msg, w);
      break;
    case 'meter-config-reply':
      startStats(w, version, true, 10, xid);
      w.setU16(10, msg.flags);
      encodeMeterConfigReply(msg, w);
      break;
    case 'meter-features-reply':
      startStats(w, version, true, 11, xid);
      encodeMeterFeaturesReply(msg, w);
      break;
    case 'packet-in':
      if (msg.form === 'nx') startNx(w, version, 17, xid);
      else if (msg.form === 'nx2') startNx(w, version, msg.resume ? 28 : 30, xid);
      else startMessage(w, version, 10, xid);
      encodePacketIn(msg, w);
      break;
    case 'packet-out':
      startMessage(w, version, 13, xid);
      encodePacketOut(msg, w);
      break;
    case 'flow-removed':
      if (msg.form === 'nx') startNx(w, version, 14, xid);
      else startMessage(w, version, 11, xid);
      encodeFlowRemoved(msg, w);
      break;
    case 'features-reply':
      startMessage(w, version, 6, xid);
      w.u64(msg.datapathId[0], msg.datapathId[1]);
      w.u32(msg.nBuffers);
      w.u8(msg.nTables);
      w.u8(msg.auxiliaryId);
      w.zeros(2);
      w.u32(msg.capabilities);
      w.u32(msg.actions);
      if (version < OFP13_VERSION) for (const p of msg.ports) encodePort(version, p, w);
      break;
    case 'port-status':
      startMessage(w, version, 12, xid);
      w.u8(msg.reason);
      w.zeros(7);
      encodePort(version, msg.port, w);
      break;
    case 'port-mod':
      startMessage(w, version, ofptNumber(version, 'OFPT_PORT_MOD'), xid);
      if (version === OFP10_VERSION) {
        w.u16(msg.portNo);
        w.put(msg.hwAddr);
      } else {
        w.u32(port10To11(msg.portNo));
        w.zeros(4);
        w.put(msg.hwAddr);
        w.zeros(2);
      }
      w.u32(msg.config);
      w.u32(msg.mask);
      if (version < OFP14_VERSION) {
        w.u32(version === OFP10_VERSION ? features11To10(msg.advertise) : msg.advertise);
        w.zeros(4);
      } else if (msg.hasAdvertise) {
        w.u16(0);
        w.u16(8);
        w.u32(msg.advertise);
      }
      break;
    case 'port-desc-request':
      startStats(w, version, false, 13, xid);
      if (version >= OFP15_VERSION) {
        w.u32(port10To11(msg.portNo));
        w.zeros(4);
      }
      break;
    case 'port-desc-reply':
      startStats(w, version, true, 13, xid);
      w.setU16(10, msg.flags);
      for (const p of msg.ports) encodePort(version, p, w);
      break;
    case 'desc-reply':
      startStats(w, version, true, 0, xid);
      w.fixedString(msg.manufacturer, DESC_STR_LEN);
      w.fixedString(msg.hardware, DESC_STR_LEN);
      w.fixedString(msg.software, DESC_STR_LEN);
      w.fixedString(msg.serialNumber, SERIAL_NUM_LEN);
      w.fixedString(msg.datapath, DESC_STR_LEN);
      break;
    case 'flow-stats-request':
    case 'aggregate-stats-request':
      encodeFlowStatsRequest(msg, w);
      break;
    case 'flow-stats-reply':
      startStats(w, version, true, 1, xid, msg.nicira ? 0 : undefined);
      w.setU16(10, msg.flags);
      for (const f of msg.flows) encodeFlowStats(version, msg.nicira, f, w);
      break;
    case 'table-mod':
      startMessage(w, version, ofptNumber(version, 'OFPT_TABLE_MOD'), xid);
      w.u8(msg.tableId);
      w.zeros(3);
      w.u32(msg.config);
      w.put(msg.properties);
      break;
    case 'aggregate-stats-reply':
      startStats(w, version, true, 2, xid, msg.nicira ? 1 : undefined);
      w.u64(msg.packetCount[0], msg.packetCount[1]);
      w.u64(msg.byteCount[0], msg.byteCount[1]);
      w.u32(msg.flowCount);
      w.zeros(4);
      break;
  }
  w.setU16(2, w.length);
  return w.finish();
}

function encodeFlowMod(msg: FlowModMsg, w: OfpWriter): void {
  const { version, xid } = msg;
  if (msg.form === 'of10') {
    startMessage(w, version, 14, xid);
    encodeOf10Match(msg.match, w);
    w.u64(msg.cookie[0], msg.cookie[1]);
    w.u16((msg.tableId << 8) | msg.command);
    w.u16(msg.idleTimeout);
    w.u16(msg.hardTimeout);
    w.u16(msg.priority);
    w.u32(msg.bufferId);
    w.u16(msg.outPort);
    w.u16(msg.flags);
    w.put(msg.actions);
    return;
  }
  if (msg.form === 'nx') {
    startNx(w, version, 13, xid);
    const adding = msg.command === 0;
    const field = msg.newCookie ?? (adding ? msg.cookie : [0xffffffff, 0xffffffff]);
    w.u64(field[0], field[1]);
    w.u16((msg.tableId << 8) | msg.command);
    w.u16(msg.idleTimeout);
    w.u16(msg.hardTimeout);
    w.u16(msg.priority);
    w.u32(msg.bufferId);
    w.u16(msg.outPort);
    w.u16(msg.flags);
    const lenAt = w.reserve(2);
    w.zeros(6);
    const start = w.length;
    const size = encodeNxMatch(msg.match, 0, w, adding ? undefined : { cookie: msg.cookie, mask: msg.cookieMask });
    w.setU16(lenAt, size);
    w.padTo(8, start);
    w.put(msg.actions);
    return;
  }
  startMessage(w, version, 14, xid);
  w.u64(msg.cookie[0], msg.cookie[1]);
  w.u64(msg.cookieMask[0], msg.cookieMask[1]);
  w.u8(msg.tableId);
  w.u8(msg.command);
  w.u16(msg.idleTimeout);
  w.u16(msg.hardTimeout);
  w.u16(msg.priority);
  w.u32(msg.bufferId);
  w.u32(port10To11(msg.outPort));
  w.u32(msg.outGroup);
  w.u16(msg.flags);
  w.u16(version >= OFP14_VERSION ? msg.importance : 0);
  encodeOfpMatch(msg.match, version, w);
  w.put(msg.actions);
}

function encodeFlowStatsRequest(msg: FlowStatsRequestMsg, w: OfpWriter): void {
  const aggregate = msg.kind === 'aggregate-stats-request';
  if (msg.nicira) {
    startStats(w, msg.version, false, 0xffff, msg.xid, aggregate ? 1 : 0);
    w.u16(msg.outPort);
    const lenAt = w.reserve(2);
    w.u8(msg.tableId);
    w.zeros(3);
    const start = w.length;
    w.setU16(lenAt, encodeNxMatch(msg.match, 0, w, { cookie: msg.cookie, mask: msg.cookieMask }));
    w.padTo(8, start);
    return;
  }
  startStats(w, msg.version, false, aggregate ? 2 : 1, msg.xid);
  if (msg.version === OFP10_VERSION) {
    encodeOf10Match(msg.match, w);
    w.u8(msg.tableId);
    w.zeros(1);
    w.u16(msg.outPort);
    return;
  }
  w.u8(msg.tableId);
  w.zeros(3);
  w.u32(port10To11(msg.outPort));
  w.u32(msg.outGroup);
  w.zeros(4);
  w.u64(msg.cookie[0], msg.cookie[1]);
  w.u64(msg.cookieMask[0], msg.cookieMask[1]);
  encodeOfpMatch(msg.match, msg.version, w);
}

// --- Error replies -----------------------------------------------------------------

/**
 * The OFPT_ERROR that answers `request` (a whole message or at least its
 * header) with `error`: same version and xid, and the request as data (up
 * to ERROR_DATA_MAX bytes). A request of a version we do not speak is
 * answered in the newest one we do, as Open vSwitch does.
 */
export function encodeErrorReply(error: OfpError, request: Uint8Array): Uint8Array {
  const version = request.length > 0 && request[0] >= OFP10_VERSION && request[0] <= OFP15_VERSION ? request[0] : OFP15_VERSION;
  const xid = request.length >= 8 ? ((request[4] << 24) | (request[5] << 16) | (request[6] << 8) | request[7]) >>> 0 : 0;
  return encodeMessage({
    kind: 'error', version, xid, errorName: error.errorName, data: request.slice(0, ERROR_DATA_MAX),
  });
}

/** An OFPHFC_* error for a failed hello, with an explanation in text. */
export function encodeHelloError(errorName: 'OFPHFC_INCOMPATIBLE' | 'OFPHFC_EPERM', version: number, text: string): Uint8Array {
  return encodeMessage({ kind: 'error', version, xid: 0, errorName, data: new TextEncoder().encode(text) });
}
