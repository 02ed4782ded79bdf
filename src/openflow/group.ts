// Groups (OpenFlow 1.1-1.4): group-mod and the group description reply,
// buckets with their actions kept as wire bytes; decode, encode and the
// ofp-print text. ofproto's group table takes GroupModMsg.
// TODO(#5): OpenFlow 1.5 groups and NXT_GROUP_MOD (bucket ids, properties).

import { formatPort } from '../flow/format.js';
import { port10To11, port11To10 } from './match.js';
import { OfpError } from './ofp-error.js';
import { OfpReader, OfpWriter } from './ofpbuf.js';

export interface Bucket {
  readonly weight: number;
  /** 16-bit port number (OFPP_ANY 0xffff: none). */
  readonly watchPort: number;
  /** OFPG_ANY 0xffffffff: none. */
  readonly watchGroup: number;
  readonly actions: Uint8Array;
}

export interface GroupModMsg {
  readonly kind: 'group-mod';
  readonly version: number;
  readonly xid: number;
  /** OFPGC_ADD 0, MODIFY 1, DELETE 2. */
  readonly command: number;
  /** OFPGT_ALL 0, SELECT 1, INDIRECT 2, FF 3. */
  readonly type: number;
  readonly groupId: number;
  readonly buckets: readonly Bucket[];
}

export interface GroupDesc {
  readonly type: number;
  readonly groupId: number;
  readonly buckets: readonly Bucket[];
}

export interface GroupDescReplyMsg {
  readonly kind: 'group-desc-reply';
  readonly version: number;
  readonly xid: number;
  readonly flags: number;
  readonly groups: readonly GroupDesc[];
}

function decodeBuckets(r: OfpReader): Bucket[] {
  const buckets: Bucket[] = [];
  while (r.remaining > 0) {
    const length = r.u16();
    if (length < 16 || length % 8 !== 0) throw new OfpError('OFPGMFC_BAD_BUCKET', `bucket length ${length}`);
    const b = r.sub(length - 2, 'OFPGMFC_BAD_BUCKET');
    const weight = b.u16();
    const watchPort = port11To10(b.u32());
    const watchGroup = b.u32();
    b.skip(4);
    buckets.push({ weight, watchPort, watchGroup, actions: b.bytesView(b.remaining).slice() });
  }
  return buckets;
}

function encodeBuckets(buckets: readonly Bucket[], w: OfpWriter): void {
  for (const b of buckets) {
    w.u16(16 + b.actions.length);
    w.u16(b.weight);
    w.u32(port10To11(b.watchPort));
    w.u32(b.watchGroup);
    w.zeros(4);
    w.put(b.actions);
  }
}

export function decodeGroupMod(version: number, xid: number, r: OfpReader): GroupModMsg {
  const command = r.u16();
  const type = r.u8();
  r.skip(1);
  const groupId = r.u32();
  return { kind: 'group-mod', version, xid, command, type, groupId, buckets: decodeBuckets(r) };
}

export function encodeGroupMod(msg: GroupModMsg, w: OfpWriter): void {
  w.u16(msg.command);
  w.u8(msg.type);
  w.zeros(1);
  w.u32(msg.groupId);
  encodeBuckets(msg.buckets, w);
}

export function decodeGroupDescReply(version: number, xid: number, flags: number, r: OfpReader): GroupDescReplyMsg {
  const groups: GroupDesc[] = [];
  while (r.remaining > 0) {
    const length = r.u16();
    if (length < 8) throw new OfpError('OFPBRC_BAD_LEN', `group desc length ${length}`);
    const g = r.sub(length - 2);
    const type = g.u8();
    g.skip(1);
    const groupId = g.u32();
    groups.push({ type, groupId, buckets: decodeBuckets(g) });
  }
  return { kind: 'group-desc-reply', version, xid, flags, groups };
}

export function encodeGroupDescReply(msg: GroupDescReplyMsg, w: OfpWriter): void {
  for (const g of msg.groups) {
    const start = w.length;
    w.u16(0);
    w.u8(g.type);
    w.zeros(1);
    w.u32(g.groupId);
    encodeBuckets(g.buckets, w);
    w.setU16(start, w.length - start);
  }
}

const GROUP_TYPES = ['all', 'select', 'indirect', 'ff'];

export type ActionFormatter = (bytes: Uint8Array, version: number, instructions: boolean) => string;

/** "group_id=1,type=all,bucket=actions=..." as ovs-ofctl prints a group. */
export function formatGroup(version: number, g: GroupDesc, formatActions: ActionFormatter): string {
  let s = `group_id=${g.groupId},type=${GROUP_TYPES[g.type] ?? g.type}`;
  for (const b of g.buckets) {
    s += ',bucket=';
    if (g.type === 1) s += `weight:${b.weight},`;
    if (b.watchPort !== 0xffff) s += `watch_port:${formatPort(b.watchPort)},`;
    if (b.watchGroup !== 0xffffffff) s += `watch_group:${b.watchGroup},`;
    s += `actions=${formatActions(b.actions, version, false)}`;
  }
  return s;
}

export function formatGroupMod(msg: GroupModMsg, formatActions: ActionFormatter): string {
  const command = ['ADD', 'MOD', 'DEL'][msg.command] ?? `cmd:${msg.command}`;
  return `\n ${command} ${formatGroup(msg.version, msg, formatActions)}\n`;
}

export function formatGroupDescReply(msg: GroupDescReplyMsg, formatActions: ActionFormatter): string {
  return '\n' + msg.groups.map((g) => ` ${formatGroup(msg.version, g, formatActions)}\n`).join('');
}
