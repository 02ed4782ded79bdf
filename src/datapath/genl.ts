// The datapath's generic netlink side, in process: requests of the
// ovs_datapath and ovs_vport families go in as bytes, replies come out as
// bytes, as the Linux datapath would answer them on a netlink socket. dpif
// (or a test) calls handleRequest(); this calls the policies of
// netlink/ovs-policy.ts and the registry of datapath.ts.
//
// Replies, as Linux sends them:
// - every failure is one NLMSG_ERROR carrying the errno and the request;
// - NEW, DEL and SET build one notification; it goes to the family's
//   multicast group (takeEvents()) and, with NLM_F_ECHO, to the sender too;
// - GET answers with the object; NLM_F_ACK adds an NLMSG_ERROR 0 after it;
// - a dump (NLM_F_DUMP) answers one NLM_F_MULTI message per object, then
//   NLMSG_DONE. Dumps keep no state: as Linux's callback args, the caller says
//   where to resume. `dumpStart` skips that many objects and `dumpLimit` stops
//   after that many messages; a cut dump has no NLMSG_DONE, and the caller
//   asks again with dumpStart advanced by the messages it got.
//
// TODO(#3): the ovs_flow, ovs_packet, ovs_meter and ovs_ct_limit families (their
// requests get ENOENT, as for an unregistered family), OVS_DP_ATTR_PER_CPU_PIDS
// and vport options.

import { EINVAL, ENODEV, ENOENT, EOPNOTSUPP, EPERM } from '../lib/errno.js';
import { readU32 } from '../netlink/attr.js';
import { NlBuffer } from '../netlink/buffer.js';
import { GENL_START_ALLOC } from '../netlink/genl-ctrl.js';
import {
  NLM_F_ACK, NLM_F_DUMP, NLM_F_ECHO, NLM_F_MULTI, NLM_F_REQUEST, NLMSG_HDRLEN, NlMsgIter, OVS_ATTRS_OFFSET,
  genlCmd, ovsDpIfindex, putNlDone, putNlError, startOvsMessage,
} from '../netlink/message.js';
import * as O from '../netlink/openvswitch.js';
import { OVS_FAMILIES, type OvsFamily } from '../netlink/ovs-policy.js';
import { AttrIndex } from '../netlink/policy.js';
import { putDpMegaflowStats, putDpStats, putVportStats } from '../netlink/ovs-structs.js';
import { type Datapath, DatapathRegistry, type Vport } from './datapath.js';

/** Netlink message types (genl family ids) the families answer to. */
export interface FamilyIds {
  readonly datapath: number;
  readonly vport: number;
}

export const DEFAULT_FAMILY_IDS: FamilyIds = { datapath: GENL_START_ALLOC, vport: GENL_START_ALLOC + 1 };

export interface RequestContext {
  /** Netlink port id of the sender. */
  pid: number;
  /** Whether the sender holds CAP_NET_ADMIN; mutating commands need it. */
  admin: boolean;
  /** Dumps: objects to skip (objects already returned). */
  dumpStart?: number;
  /** Dumps: most messages to return this time. */
  dumpLimit?: number;
}

/** User feature bits a datapath accepts; others are EOPNOTSUPP, as in Linux. */
const KNOWN_USER_FEATURES = O.OVS_DP_F_UNALIGNED | O.OVS_DP_F_VPORT_PIDS
  | O.OVS_DP_F_TC_RECIRC_SHARING | O.OVS_DP_F_DISPATCH_UPCALL_PER_CPU;

const DP_FAMILY = OVS_FAMILIES.find((f) => f.name === O.OVS_DATAPATH_FAMILY)!;
const VPORT_FAMILY = OVS_FAMILIES.find((f) => f.name === O.OVS_VPORT_FAMILY)!;

interface Request {
  readonly bytes: Uint8Array;
  readonly flags: number;
  readonly seq: number;
  readonly cmd: number;
  readonly dpIfindex: number;
  readonly attrs: AttrIndex;
  readonly context: RequestContext;
}

/** One errno, or the messages a handler produced. */
type Outcome = number | { replies: Uint8Array[]; event?: Uint8Array };

export class DatapathGenl {
  readonly registry: DatapathRegistry;
  readonly familyIds: FamilyIds;
  private events: Uint8Array[] = [];

  constructor(options: { registry?: DatapathRegistry; familyIds?: FamilyIds } = {}) {
    this.registry = options.registry ?? new DatapathRegistry();
    this.familyIds = options.familyIds ?? DEFAULT_FAMILY_IDS;
  }

  /** Multicast notifications produced since the last call, oldest first. */
  takeEvents(): Uint8Array[] {
    const events = this.events;
    this.events = [];
    return events;
  }

  /**
   * Answers the first netlink message in `message`. Never throws on bad input;
   * a message that is not a request, or too short for a netlink header, gets
   * no answer (Linux drops it too).
   */
  handleRequest(message: Uint8Array, context: RequestContext): Uint8Array[] {
    const it = new NlMsgIter(message);
    if (!it.next() || (it.flags & NLM_F_REQUEST) === 0) return [];
    const bytes = it.message();
    let family: OvsFamily;
    if (it.type === this.familyIds.datapath) family = DP_FAMILY;
    else if (it.type === this.familyIds.vport) family = VPORT_FAMILY;
    else return [errorMessage(ENOENT, bytes, context.pid)];
    if (bytes.length < OVS_ATTRS_OFFSET) return [errorMessage(EINVAL, bytes, context.pid)];
    const cmd = genlCmd(bytes, 0);
    const dump = (it.flags & NLM_F_DUMP) === NLM_F_DUMP;
    if (!Object.values(family.commands).includes(cmd)) return [errorMessage(EOPNOTSUPP, bytes, context.pid)];
    if (dump && !family.dumpCommands.includes(cmd)) return [errorMessage(EOPNOTSUPP, bytes, context.pid)];
    if (family.adminCommands.includes(cmd) && !context.admin) return [errorMessage(EPERM, bytes, context.pid)];
    const attrs = new AttrIndex(family.policy.maxType);
    const error = family.policy.parseInto(bytes, OVS_ATTRS_OFFSET, bytes.length, attrs);
    if (error !== 0) return [errorMessage(error, bytes, context.pid)];
    const request: Request = {
      bytes, flags: it.flags, seq: it.seq, cmd, dpIfindex: ovsDpIfindex(bytes, 0), attrs, context,
    };
    if (dump) return family === DP_FAMILY ? this.dumpDatapaths(request) : this.dumpVports(request);
    const outcome = family === DP_FAMILY ? this.datapathCommand(request) : this.vportCommand(request);
    if (typeof outcome === 'number') return [errorMessage(outcome, bytes, context.pid)];
    const replies = outcome.replies;
    if (outcome.event) {
      this.events.push(outcome.event);
      if ((it.flags & NLM_F_ECHO) !== 0) replies.push(outcome.event);
    }
    if ((it.flags & NLM_F_ACK) !== 0) replies.push(errorMessage(0, bytes, context.pid));
    return replies;
  }

  // --- ovs_datapath ----------------------------------------------------------

  private datapathCommand(r: Request): Outcome {
    const a = r.attrs;
    if (r.cmd === O.OVS_DP_CMD_NEW) {
      if (!a.has(O.OVS_DP_ATTR_NAME) || !a.has(O.OVS_DP_ATTR_UPCALL_PID)) return EINVAL;
      const error = checkDatapathChange(a);
      if (error !== 0) return error;
      const dp = this.registry.create(a.string(O.OVS_DP_ATTR_NAME), a.u32(O.OVS_DP_ATTR_UPCALL_PID));
      if (typeof dp === 'number') return dp;
      applyDatapathChange(dp, a);
      return { replies: [], event: this.datapathMessage(dp, r, O.OVS_DP_CMD_NEW, 0) };
    }
    const dp = this.lookupDatapath(r);
    if (dp === undefined) return ENODEV;
    switch (r.cmd) {
      case O.OVS_DP_CMD_DEL: {
        const event = this.datapathMessage(dp, r, O.OVS_DP_CMD_DEL, 0);
        this.registry.destroy(dp);
        return { replies: [], event };
      }
      case O.OVS_DP_CMD_SET: {
        const error = checkDatapathChange(a);
        if (error !== 0) return error;
        applyDatapathChange(dp, a);
        if (a.has(O.OVS_DP_ATTR_UPCALL_PID)) {
          dp.upcallPid = a.u32(O.OVS_DP_ATTR_UPCALL_PID);
          dp.ports.get(0)!.upcallPids = [dp.upcallPid];
        }
        return { replies: [], event: this.datapathMessage(dp, r, O.OVS_DP_CMD_SET, 0) };
      }
      default:
        return { replies: [this.datapathMessage(dp, r, O.OVS_DP_CMD_GET, 0)] };
    }
  }

  /** By OVS_DP_ATTR_NAME when present, else by ovs_header.dp_ifindex. */
  private lookupDatapath(r: Request): Datapath | undefined {
    if (r.attrs.has(O.OVS_DP_ATTR_NAME)) return this.registry.byDpName(r.attrs.string(O.OVS_DP_ATTR_NAME));
    return this.registry.byDpIfindex(r.dpIfindex);
  }

  private dumpDatapaths(r: Request): Uint8Array[] {
    return this.dump(r, this.registry.list(), (dp) => this.datapathMessage(dp, r, O.OVS_DP_CMD_GET, NLM_F_MULTI));
  }

  private datapathMessage(dp: Datapath, r: Request, cmd: number, flags: number): Uint8Array {
    const buf = new NlBuffer(256);
    const start = startOvsMessage(buf, {
      family: this.familyIds.datapath, flags, seq: r.seq, pid: r.context.pid,
      cmd, version: O.OVS_DATAPATH_VERSION, dpIfindex: dp.dpIfindex,
    });
    buf.putAttrString(O.OVS_DP_ATTR_NAME, dp.name);
    const table = dp.flowTable.stats();
    putDpStats(buf, O.OVS_DP_ATTR_STATS, { hit: dp.hit, missed: dp.missed, lost: dp.lost, flows: table.flows });
    putDpMegaflowStats(buf, O.OVS_DP_ATTR_MEGAFLOW_STATS, { maskHit: table.maskHits, masks: table.masks, cacheHit: 0 });
    buf.putAttrU32(O.OVS_DP_ATTR_USER_FEATURES, dp.userFeatures);
    buf.putAttrU32(O.OVS_DP_ATTR_MASKS_CACHE_SIZE, dp.masksCacheSize);
    buf.endMessage(start);
    return buf.data().slice();
  }

  // --- ovs_vport -------------------------------------------------------------

  private vportCommand(r: Request): Outcome {
    const a = r.attrs;
    if (a.has(O.OVS_VPORT_ATTR_UPCALL_PID) && a.length(O.OVS_VPORT_ATTR_UPCALL_PID) % 4 !== 0) return EINVAL;
    if (r.cmd === O.OVS_VPORT_CMD_NEW) {
      if (!a.has(O.OVS_VPORT_ATTR_NAME) || !a.has(O.OVS_VPORT_ATTR_TYPE) || !a.has(O.OVS_VPORT_ATTR_UPCALL_PID)) {
        return EINVAL;
      }
      // Linux moves no existing device into a datapath by ifindex.
      if (a.has(O.OVS_VPORT_ATTR_IFINDEX)) return EOPNOTSUPP;
      const dp = this.registry.byDpIfindex(r.dpIfindex);
      if (dp === undefined) return ENODEV;
      const port = this.registry.addPort(dp, {
        name: a.string(O.OVS_VPORT_ATTR_NAME),
        type: a.u32(O.OVS_VPORT_ATTR_TYPE),
        upcallPids: upcallPids(a),
        portNo: a.has(O.OVS_VPORT_ATTR_PORT_NO) ? a.u32(O.OVS_VPORT_ATTR_PORT_NO) : undefined,
      });
      if (typeof port === 'number') return port;
      return { replies: [], event: this.vportMessage(dp, port, r, O.OVS_VPORT_CMD_NEW, 0) };
    }
    const found = this.lookupVport(r);
    if (typeof found === 'number') return found;
    const { dp, port } = found;
    switch (r.cmd) {
      case O.OVS_VPORT_CMD_DEL: {
        // The local port goes only with its datapath.
        if (port.portNo === 0) return EINVAL;
        const event = this.vportMessage(dp, port, r, O.OVS_VPORT_CMD_DEL, 0);
        this.registry.removePort(dp, port);
        return { replies: [], event };
      }
      case O.OVS_VPORT_CMD_SET:
        if (a.has(O.OVS_VPORT_ATTR_TYPE) && a.u32(O.OVS_VPORT_ATTR_TYPE) !== port.type) return EINVAL;
        // Neither internal nor dummy ports take options.
        if (a.has(O.OVS_VPORT_ATTR_OPTIONS)) return EOPNOTSUPP;
        if (a.has(O.OVS_VPORT_ATTR_UPCALL_PID)) port.upcallPids = upcallPids(a);
        return { replies: [], event: this.vportMessage(dp, port, r, O.OVS_VPORT_CMD_SET, 0) };
      default:
        return { replies: [this.vportMessage(dp, port, r, O.OVS_VPORT_CMD_GET, 0)] };
    }
  }

  /**
   * By OVS_VPORT_ATTR_NAME (the header's dp_ifindex, when not 0, must match),
   * else by OVS_VPORT_ATTR_PORT_NO in the header's datapath; ENODEV if none.
   */
  private lookupVport(r: Request): { dp: Datapath; port: Vport } | number {
    const a = r.attrs;
    if (a.has(O.OVS_VPORT_ATTR_NAME)) {
      const found = this.registry.findPort(a.string(O.OVS_VPORT_ATTR_NAME));
      if (found === undefined || (r.dpIfindex !== 0 && r.dpIfindex !== found.dp.dpIfindex)) return ENODEV;
      return found;
    }
    if (!a.has(O.OVS_VPORT_ATTR_PORT_NO)) return EINVAL;
    const dp = this.registry.byDpIfindex(r.dpIfindex);
    const port = dp?.ports.get(a.u32(O.OVS_VPORT_ATTR_PORT_NO));
    return dp !== undefined && port !== undefined ? { dp, port } : ENODEV;
  }

  /** The ports of the header's datapath, by port number. */
  private dumpVports(r: Request): Uint8Array[] {
    const dp = this.registry.byDpIfindex(r.dpIfindex);
    if (dp === undefined) return [errorMessage(ENODEV, r.bytes, r.context.pid)];
    const ports = [...dp.ports.values()].sort((x, y) => x.portNo - y.portNo);
    return this.dump(r, ports, (port) => this.vportMessage(dp, port, r, O.OVS_VPORT_CMD_GET, NLM_F_MULTI));
  }

  private vportMessage(dp: Datapath, port: Vport, r: Request, cmd: number, flags: number): Uint8Array {
    const buf = new NlBuffer(256);
    const start = startOvsMessage(buf, {
      family: this.familyIds.vport, flags, seq: r.seq, pid: r.context.pid,
      cmd, version: O.OVS_VPORT_VERSION, dpIfindex: dp.dpIfindex,
    });
    buf.putAttrU32(O.OVS_VPORT_ATTR_PORT_NO, port.portNo);
    buf.putAttrU32(O.OVS_VPORT_ATTR_TYPE, port.type);
    buf.putAttrString(O.OVS_VPORT_ATTR_NAME, port.name);
    buf.putAttrU32(O.OVS_VPORT_ATTR_IFINDEX, port.ifindex);
    putVportStats(buf, O.OVS_VPORT_ATTR_STATS, port.stats);
    // All the socket ids when the datapath has asked for several, else the first.
    const pids = (dp.userFeatures & O.OVS_DP_F_VPORT_PIDS) !== 0 ? port.upcallPids : port.upcallPids.slice(0, 1);
    const o = buf.putAttrSpace(O.OVS_VPORT_ATTR_UPCALL_PID, pids.length * 4);
    for (let i = 0; i < pids.length; i++) {
      const v = pids[i];
      buf.bytes[o + i * 4] = v;
      buf.bytes[o + i * 4 + 1] = v >>> 8;
      buf.bytes[o + i * 4 + 2] = v >>> 16;
      buf.bytes[o + i * 4 + 3] = v >>> 24;
    }
    buf.endMessage(start);
    return buf.data().slice();
  }

  // --- Dumps -----------------------------------------------------------------

  private dump<T>(r: Request, objects: readonly T[], message: (object: T) => Uint8Array): Uint8Array[] {
    const startAt = Math.max(0, r.context.dumpStart ?? 0);
    const limit = r.context.dumpLimit ?? Infinity;
    const replies: Uint8Array[] = [];
    let i = startAt;
    for (; i < objects.length && replies.length < limit; i++) replies.push(message(objects[i]));
    if (i >= objects.length) {
      const buf = new NlBuffer(32);
      putNlDone(buf, r.seq, r.context.pid);
      replies.push(buf.data().slice());
    }
    return replies;
  }
}

/** The errno a datapath change (NEW or SET) would fail with, before any change. */
function checkDatapathChange(a: AttrIndex): number {
  if ((a.u32(O.OVS_DP_ATTR_USER_FEATURES) & ~KNOWN_USER_FEATURES) !== 0) return EOPNOTSUPP;
  if (a.has(O.OVS_DP_ATTR_MASKS_CACHE_SIZE)) {
    const size = a.u32(O.OVS_DP_ATTR_MASKS_CACHE_SIZE);
    // 0 turns the cache off; otherwise a power of two.
    if ((size & (size - 1)) !== 0) return EINVAL;
  }
  return 0;
}

function applyDatapathChange(dp: Datapath, a: AttrIndex): void {
  if (a.has(O.OVS_DP_ATTR_USER_FEATURES)) dp.userFeatures = a.u32(O.OVS_DP_ATTR_USER_FEATURES);
  if (a.has(O.OVS_DP_ATTR_MASKS_CACHE_SIZE)) dp.masksCacheSize = a.u32(O.OVS_DP_ATTR_MASKS_CACHE_SIZE);
}

function upcallPids(a: AttrIndex): number[] {
  const o = a.offset(O.OVS_VPORT_ATTR_UPCALL_PID);
  const pids: number[] = [];
  for (let i = 0; i < a.length(O.OVS_VPORT_ATTR_UPCALL_PID); i += 4) pids.push(readU32(a.bytes, o + i));
  return pids;
}

/** NLMSG_ERROR addressed, like every reply, to the sender's port id. */
function errorMessage(errno: number, request: Uint8Array, pid: number): Uint8Array {
  const buf = new NlBuffer(request.length + NLMSG_HDRLEN + 4);
  putNlError(buf, errno, request, { pid });
  return buf.data().slice();
}
