// The generic netlink controller (nlctrl, family id GENL_ID_CTRL): how a
// client turns a family name such as "ovs_datapath" into the family id,
// version and multicast group ids it needs. dpif sends CTRL_CMD_GETFAMILY
// with putGetFamily(); the datapath answers with putFamilyReply(); both sides
// read the answer with parseFamily().

import { EINVAL } from '../lib/errno.js';
import { NlAttrIter, readString, readU16, readU32 } from './attr.js';
import type { NlBuffer } from './buffer.js';
import { GENL_HDRLEN, NLM_F_DUMP, NLM_F_REQUEST, NLMSG_HDRLEN, NLMSG_MIN_TYPE } from './message.js';
import { NlType, Policy } from './policy.js';

export const GENL_NAMSIZ = 16;
export const GENL_ID_CTRL = NLMSG_MIN_TYPE;
/** First id a dynamically registered family gets. */
export const GENL_START_ALLOC = NLMSG_MIN_TYPE + 3;
export const GENL_MAX_ID = 1023;
export const GENL_ADMIN_PERM = 0x01;
export const GENL_CMD_CAP_DO = 0x02;
export const GENL_CMD_CAP_DUMP = 0x04;
export const GENL_CMD_CAP_HASPOL = 0x08;
export const GENL_UNS_ADMIN_PERM = 0x10;
/** nlctrl's own version, as Linux reports it. */
export const CTRL_VERSION = 2;

export const CTRL_CMD_UNSPEC = 0;
export const CTRL_CMD_NEWFAMILY = 1;
export const CTRL_CMD_DELFAMILY = 2;
export const CTRL_CMD_GETFAMILY = 3;
export const CTRL_CMD_NEWOPS = 4;
export const CTRL_CMD_DELOPS = 5;
export const CTRL_CMD_GETOPS = 6;
export const CTRL_CMD_NEWMCAST_GRP = 7;
export const CTRL_CMD_DELMCAST_GRP = 8;
export const CTRL_CMD_GETMCAST_GRP = 9;
export const CTRL_CMD_GETPOLICY = 10;

export const CTRL_ATTR_UNSPEC = 0;
export const CTRL_ATTR_FAMILY_ID = 1;
export const CTRL_ATTR_FAMILY_NAME = 2;
export const CTRL_ATTR_VERSION = 3;
export const CTRL_ATTR_HDRSIZE = 4;
export const CTRL_ATTR_MAXATTR = 5;
export const CTRL_ATTR_OPS = 6;
export const CTRL_ATTR_MCAST_GROUPS = 7;
export const CTRL_ATTR_POLICY = 8;
export const CTRL_ATTR_OP_POLICY = 9;
export const CTRL_ATTR_OP = 10;

export const CTRL_ATTR_OP_UNSPEC = 0;
export const CTRL_ATTR_OP_ID = 1;
export const CTRL_ATTR_OP_FLAGS = 2;

export const CTRL_ATTR_MCAST_GRP_UNSPEC = 0;
export const CTRL_ATTR_MCAST_GRP_NAME = 1;
export const CTRL_ATTR_MCAST_GRP_ID = 2;

export const CTRL_POLICY = new Policy('nlctrl', {
  [CTRL_ATTR_FAMILY_ID]: { type: NlType.U16 },
  [CTRL_ATTR_FAMILY_NAME]: { type: NlType.STRING, maxLength: GENL_NAMSIZ - 1 },
  [CTRL_ATTR_VERSION]: { type: NlType.U32 },
  [CTRL_ATTR_HDRSIZE]: { type: NlType.U32 },
  [CTRL_ATTR_MAXATTR]: { type: NlType.U32 },
  [CTRL_ATTR_OPS]: { type: NlType.NESTED },
  [CTRL_ATTR_MCAST_GROUPS]: { type: NlType.NESTED },
});

/** What nlctrl says about a family. */
export interface GenlFamilyInfo {
  id: number;
  name: string;
  version: number;
  /** Size of the family's own header after genlmsghdr (4: struct ovs_header). */
  hdrSize: number;
  maxAttr: number;
  /** Commands with their GENL_* flags (admin, do, dump). */
  ops: Array<{ id: number; flags: number }>;
  mcastGroups: Array<{ name: string; id: number }>;
}

/** Appends a CTRL_CMD_GETFAMILY request for `name`. */
export function putGetFamily(buf: NlBuffer, name: string, options: { seq: number; pid?: number }): void {
  const start = buf.startMessage(GENL_ID_CTRL, NLM_F_REQUEST, options.seq, options.pid ?? 0);
  buf.putGenlHeader(CTRL_CMD_GETFAMILY, 1);
  buf.putAttrString(CTRL_ATTR_FAMILY_NAME, name);
  buf.endMessage(start);
}

/** Appends a CTRL_CMD_GETFAMILY dump request: one NEWFAMILY per registered family, then NLMSG_DONE. */
export function putDumpFamilies(buf: NlBuffer, options: { seq: number; pid?: number }): void {
  const start = buf.startMessage(GENL_ID_CTRL, NLM_F_REQUEST | NLM_F_DUMP, options.seq, options.pid ?? 0);
  buf.putGenlHeader(CTRL_CMD_GETFAMILY, 1);
  buf.endMessage(start);
}

/** Appends nlctrl's CTRL_CMD_NEWFAMILY answer describing `family`. */
export function putFamilyReply(
  buf: NlBuffer, family: GenlFamilyInfo, options: { seq: number; pid: number; flags?: number },
): void {
  const start = buf.startMessage(GENL_ID_CTRL, options.flags ?? 0, options.seq, options.pid);
  buf.putGenlHeader(CTRL_CMD_NEWFAMILY, CTRL_VERSION);
  buf.putAttrString(CTRL_ATTR_FAMILY_NAME, family.name);
  buf.putAttrU16(CTRL_ATTR_FAMILY_ID, family.id);
  buf.putAttrU32(CTRL_ATTR_VERSION, family.version);
  buf.putAttrU32(CTRL_ATTR_HDRSIZE, family.hdrSize);
  buf.putAttrU32(CTRL_ATTR_MAXATTR, family.maxAttr);
  if (family.ops.length > 0) {
    const ops = buf.startNested(CTRL_ATTR_OPS);
    family.ops.forEach((op, i) => {
      // Array members are numbered from 1.
      const entry = buf.startNested(i + 1);
      buf.putAttrU32(CTRL_ATTR_OP_ID, op.id);
      buf.putAttrU32(CTRL_ATTR_OP_FLAGS, op.flags);
      buf.endNested(entry);
    });
    buf.endNested(ops);
  }
  if (family.mcastGroups.length > 0) {
    const groups = buf.startNested(CTRL_ATTR_MCAST_GROUPS);
    family.mcastGroups.forEach((group, i) => {
      const entry = buf.startNested(i + 1);
      buf.putAttrU32(CTRL_ATTR_MCAST_GRP_ID, group.id);
      buf.putAttrString(CTRL_ATTR_MCAST_GRP_NAME, group.name);
      buf.endNested(entry);
    });
    buf.endNested(groups);
  }
  buf.endMessage(start);
}

/**
 * Reads a CTRL_CMD_NEWFAMILY message (bytes[offset, end) is one whole
 * message). Returns the family, or EINVAL when it is malformed or lacks the
 * id or name.
 */
export function parseFamily(bytes: Uint8Array, offset: number, end: number): GenlFamilyInfo | number {
  const attrs = offset + NLMSG_HDRLEN + GENL_HDRLEN;
  if (attrs > end || end > bytes.length) return EINVAL;
  const family: GenlFamilyInfo = { id: 0, name: '', version: 0, hdrSize: 0, maxAttr: 0, ops: [], mcastGroups: [] };
  let seen = 0;
  const it = new NlAttrIter(bytes, attrs, end);
  while (it.next()) {
    const o = it.offset;
    const len = it.length;
    switch (it.type) {
      case CTRL_ATTR_FAMILY_ID:
        if (len < 2) return EINVAL;
        family.id = readU16(bytes, o);
        seen |= 1;
        break;
      case CTRL_ATTR_FAMILY_NAME:
        family.name = readString(bytes, o, len);
        seen |= 2;
        break;
      case CTRL_ATTR_VERSION:
      case CTRL_ATTR_HDRSIZE:
      case CTRL_ATTR_MAXATTR: {
        if (len < 4) return EINVAL;
        const value = readU32(bytes, o);
        if (it.type === CTRL_ATTR_VERSION) family.version = value;
        else if (it.type === CTRL_ATTR_HDRSIZE) family.hdrSize = value;
        else family.maxAttr = value;
        break;
      }
      case CTRL_ATTR_OPS:
      case CTRL_ATTR_MCAST_GROUPS: {
        const isOps = it.type === CTRL_ATTR_OPS;
        const outer = new NlAttrIter(bytes, o, o + len);
        while (outer.next()) {
          const inner = new NlAttrIter(bytes, outer.offset, outer.offset + outer.length);
          let id = 0;
          let flags = 0;
          let name = '';
          while (inner.next()) {
            if (isOps && inner.type === CTRL_ATTR_OP_ID && inner.length >= 4) id = readU32(bytes, inner.offset);
            else if (isOps && inner.type === CTRL_ATTR_OP_FLAGS && inner.length >= 4) flags = readU32(bytes, inner.offset);
            else if (!isOps && inner.type === CTRL_ATTR_MCAST_GRP_ID && inner.length >= 4) id = readU32(bytes, inner.offset);
            else if (!isOps && inner.type === CTRL_ATTR_MCAST_GRP_NAME) name = readString(bytes, inner.offset, inner.length);
          }
          if (inner.error !== 0) return EINVAL;
          if (isOps) family.ops.push({ id, flags });
          else family.mcastGroups.push({ name, id });
        }
        if (outer.error !== 0) return EINVAL;
        break;
      }
      default:
        break;
    }
  }
  if (it.error !== 0 || seen !== 3) return EINVAL;
  return family;
}
