// Controller-facing control messages: role status (OpenFlow 1.4+), get/set
// async configuration (OpenFlow 1.3 masks) and bundles (OpenFlow 1.4+ and
// the ONF extension for 1.3): decode, encode and ofp-print text. The
// connection manager uses these to keep per-controller state; messages.ts
// dispatches here.

import { OfpError } from './ofp-error.js';
import { OfpReader, OfpWriter } from './ofpbuf.js';

export interface RoleStatusMsg {
  readonly kind: 'role-status';
  readonly version: number;
  readonly xid: number;
  /** OFPCR_ROLE_*: 1 equal, 2 master, 3 slave. */
  readonly role: number;
  /** OFPCRR_MASTER_REQUEST 0, CONFIG 1, EXPERIMENTER 2. */
  readonly reason: number;
  readonly generationId: readonly [number, number];
  /** Properties as wire bytes. */
  readonly properties: Uint8Array;
}

/**
 * OpenFlow 1.3 async configuration: for packet-in, port-status and
 * flow-removed, a mask of reasons for the master/equal role and one for
 * the slave role.
 */
export interface AsyncConfigMsg {
  readonly kind: 'get-async-request' | 'get-async-reply' | 'set-async';
  readonly version: number;
  readonly xid: number;
  readonly packetIn: readonly [number, number];
  readonly portStatus: readonly [number, number];
  readonly flowRemoved: readonly [number, number];
  /** NXT_SET_ASYNC_CONFIG, the same masks as a Nicira message (any version). */
  readonly nicira?: boolean;
}

export interface BundleControlMsg {
  readonly kind: 'bundle-control';
  readonly version: number;
  readonly xid: number;
  /** The ONF extension of OpenFlow 1.3 rather than OpenFlow 1.4's message. */
  readonly onf: boolean;
  readonly bundleId: number;
  /** OFPBCT_OPEN_REQUEST 0 ... DISCARD_REPLY 7. */
  readonly type: number;
  /** OFPBF_ATOMIC 1, ORDERED 2. */
  readonly flags: number;
  readonly properties: Uint8Array;
}

export interface BundleAddMsg {
  readonly kind: 'bundle-add';
  readonly version: number;
  readonly xid: number;
  readonly onf: boolean;
  readonly bundleId: number;
  readonly flags: number;
  /** The whole inner message. */
  readonly message: Uint8Array;
  readonly properties: Uint8Array;
}

export function decodeRoleStatus(version: number, xid: number, r: OfpReader): RoleStatusMsg {
  const role = r.u32();
  const reason = r.u8();
  r.skip(3);
  const generationId: [number, number] = [r.u32(), r.u32()];
  return { kind: 'role-status', version, xid, role, reason, generationId, properties: r.bytesView(r.remaining).slice() };
}

export function encodeRoleStatus(msg: RoleStatusMsg, w: OfpWriter): void {
  w.u32(msg.role);
  w.u8(msg.reason);
  w.zeros(3);
  w.u64(msg.generationId[0], msg.generationId[1]);
  w.put(msg.properties);
}

export function decodeAsyncConfig(
  kind: AsyncConfigMsg['kind'], version: number, xid: number, r: OfpReader,
): AsyncConfigMsg {
  if (kind === 'get-async-request') {
    if (r.remaining !== 0) throw new OfpError('OFPBRC_BAD_LEN', 'get-async request length');
    return { kind, version, xid, packetIn: [0, 0], portStatus: [0, 0], flowRemoved: [0, 0] };
  }
  // TODO(#5): OpenFlow 1.4+ async configuration properties.
  if (r.remaining !== 24) throw new OfpError('OFPBRC_BAD_LEN', 'async config length');
  return {
    kind, version, xid, packetIn: [r.u32(), r.u32()], portStatus: [r.u32(), r.u32()], flowRemoved: [r.u32(), r.u32()],
  };
}

export function encodeAsyncConfig(msg: AsyncConfigMsg, w: OfpWriter): void {
  if (msg.kind === 'get-async-request') return;
  for (const pair of [msg.packetIn, msg.portStatus, msg.flowRemoved]) {
    w.u32(pair[0]);
    w.u32(pair[1]);
  }
}

export function decodeBundleControl(version: number, xid: number, onf: boolean, r: OfpReader): BundleControlMsg {
  const bundleId = r.u32();
  const type = r.u16();
  const flags = r.u16();
  return { kind: 'bundle-control', version, xid, onf, bundleId, type, flags, properties: r.bytesView(r.remaining).slice() };
}

export function encodeBundleControl(msg: BundleControlMsg, w: OfpWriter): void {
  w.u32(msg.bundleId);
  w.u16(msg.type);
  w.u16(msg.flags);
  w.put(msg.properties);
}

/** Messages a bundle may carry (OFPBFC_MSG_UNSUP otherwise), by OpenFlow 1.1+ type. */
const BUNDLABLE_TYPES = new Set([13, 14, 15, 16]);

export function decodeBundleAdd(version: number, xid: number, onf: boolean, r: OfpReader): BundleAddMsg {
  const bundleId = r.u32();
  r.skip(2);
  const flags = r.u16();
  if (r.remaining < 8) throw new OfpError('OFPBFC_MSG_BAD_LEN', 'bundled message truncated');
  const at = r.offset;
  const innerLength = (r.bytes[at + 2] << 8) | r.bytes[at + 3];
  if (innerLength < 8 || innerLength > r.remaining) throw new OfpError('OFPBFC_MSG_BAD_LEN', `bundled message length ${innerLength}`);
  const message = r.bytesView(innerLength).slice();
  // Checked in Open vSwitch's order: xid, version, then whether it may be bundled.
  const innerXid = ((message[4] << 24) | (message[5] << 16) | (message[6] << 8) | message[7]) >>> 0;
  if (innerXid !== xid) throw new OfpError('OFPBFC_MSG_BAD_XID', 'bundled message with another xid');
  if (message[0] !== version) throw new OfpError('OFPBFC_BAD_VERSION', 'bundled message of another version');
  if (!BUNDLABLE_TYPES.has(message[1])) throw new OfpError('OFPBFC_MSG_UNSUP', `message type ${message[1]} in a bundle`);
  return { kind: 'bundle-add', version, xid, onf, bundleId, flags, message, properties: r.bytesView(r.remaining).slice() };
}

export function encodeBundleAdd(msg: BundleAddMsg, w: OfpWriter): void {
  w.u32(msg.bundleId);
  w.zeros(2);
  w.u16(msg.flags);
  w.put(msg.message);
  w.put(msg.properties);
}

// --- Text ------------------------------------------------------------------------

const ROLE_NAMES = ['nochange', 'equal', 'primary', 'secondary'];
const ROLE_REASONS = ['primary_request', 'configuration_changed', 'experimenter_data_changed'];

export function formatRoleStatus(msg: RoleStatusMsg): string {
  let s = ` role=${ROLE_NAMES[msg.role] ?? msg.role}`;
  if (!(msg.generationId[0] === 0xffffffff && msg.generationId[1] === 0xffffffff)) {
    s += ` generation_id=${(BigInt(msg.generationId[0]) * 4294967296n + BigInt(msg.generationId[1])).toString()}`;
  }
  return s + ` reason=${ROLE_REASONS[msg.reason] ?? msg.reason}\n`;
}

const PACKET_IN_REASONS = ['no_match', 'action', 'invalid_ttl', 'action_set', 'group', 'packet_out'];
const PORT_STATUS_REASONS = ['add', 'delete', 'modify'];
const FLOW_REMOVED_REASONS = ['idle', 'hard', 'delete', 'group_delete', 'meter_delete', 'eviction'];

function reasonList(mask: number, names: readonly string[]): string {
  const out: string[] = [];
  for (let i = 0; i < 32; i++) if (mask & (1 << i)) out.push(names[i] ?? `${i}`);
  return out.length ? out.join(' ') : '(off)';
}

export function formatAsyncConfig(msg: AsyncConfigMsg): string {
  if (msg.kind === 'get-async-request') return '\n';
  let s = '\n';
  for (const [i, role] of [[0, 'primary'], [1, 'secondary']] as const) {
    if (i === 1) s += '\n';
    s += ` ${role}:\n`;
    s += `       PACKET_IN: ${reasonList(msg.packetIn[i], PACKET_IN_REASONS)}\n`;
    s += `     PORT_STATUS: ${reasonList(msg.portStatus[i], PORT_STATUS_REASONS)}\n`;
    s += `    FLOW_REMOVED: ${reasonList(msg.flowRemoved[i], FLOW_REMOVED_REASONS)}\n`;
    s += '     ROLE_STATUS: (off)\n    TABLE_STATUS: (off)\n  REQUESTFORWARD: (off)\n';
  }
  return s;
}

const BUNDLE_TYPES = [
  'OPEN_REQUEST', 'OPEN_REPLY', 'CLOSE_REQUEST', 'CLOSE_REPLY', 'COMMIT_REQUEST', 'COMMIT_REPLY', 'DISCARD_REQUEST',
  'DISCARD_REPLY',
];

function bundleFlags(flags: number): string {
  const names: string[] = [];
  if (flags & 1) names.push('atomic');
  if (flags & 2) names.push('ordered');
  return names.length ? names.join(' ') : '0';
}

export function formatBundleControl(msg: BundleControlMsg): string {
  return `\n bundle_id=0x${msg.bundleId.toString(16)} type=${BUNDLE_TYPES[msg.type] ?? msg.type} flags=${bundleFlags(msg.flags)}\n`;
}

export function formatBundleAdd(msg: BundleAddMsg, printInner: (bytes: Uint8Array) => string): string {
  return `\n bundle_id=0x${msg.bundleId.toString(16)} flags=${bundleFlags(msg.flags)}\n` + printInner(msg.message);
}
