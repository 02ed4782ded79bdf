// The datapath's generic netlink side, in process: requests of the six OVS
// families go in as bytes and replies come out as bytes, as the Linux datapath
// answers them on a netlink socket. dpif (or a test) calls handleRequest();
// this checks policy and admin rights, answers ovs_datapath and ovs_vport,
// and hands the rest to genl-flow/-packet/-meter/-ct-limit.ts. Upcalls wait
// in `upcalls`, one queue per socket id.

import { EINVAL, ENODEV, ENOENT, EOPNOTSUPP, EPERM } from '../lib/errno.js';
import { NlAttrIter, readU32 } from '../netlink/attr.js';
import { NlBuffer } from '../netlink/buffer.js';
import {
  NLM_F_ACK, NLM_F_DUMP, NLM_F_ECHO, NLM_F_MULTI, NLM_F_REQUEST, NlMsgIter, OVS_ATTRS_OFFSET,
  genlCmd, ovsDpIfindex, startOvsMessage,
} from '../netlink/message.js';
import * as O from '../netlink/openvswitch.js';
import { OVS_FAMILIES, VPORT_TUNNEL_OPTIONS_POLICY, type OvsFamily } from '../netlink/ovs-policy.js';
import { AttrIndex } from '../netlink/policy.js';
import { putDpMegaflowStats, putDpStats, putVportStats } from '../netlink/ovs-structs.js';
import { type Datapath, DatapathRegistry, type TunnelOptions, type Vport, vportClass } from './datapath.js';
import {
  DEFAULT_FAMILY_IDS, dumpObjects, errorMessage, type FamilyIds, type Outcome, type Request, type RequestContext,
} from './genl-common.js';
import { CtLimitFamily } from './genl-ct-limit.js';
import { FlowFamily } from './genl-flow.js';
import { MeterFamily } from './genl-meter.js';
import { PacketFamily } from './genl-packet.js';
import type { UpcallQueues } from './upcall-queue.js';

export { DEFAULT_FAMILY_IDS, type FamilyIds, type RequestContext } from './genl-common.js';

// Replies, as Linux sends them:
// - every failure is one NLMSG_ERROR carrying the errno and the request;
// - NEW, DEL and SET of datapaths, vports and flows build one notification;
//   it goes to the family's multicast group (takeEvents()) and, with
//   NLM_F_ECHO, to the sender too;
// - GET answers with the object; NLM_F_ACK adds an NLMSG_ERROR 0 after it;
// - a dump (NLM_F_DUMP) answers one NLM_F_MULTI message per object, then
//   NLMSG_DONE. Dumps keep no state: as Linux's callback args, the caller says
//   where to resume. `dumpStart` skips that many objects and `dumpLimit` stops
//   after that many messages; a cut dump has no NLMSG_DONE, and the caller
//   asks again with dumpStart advanced by the messages it got.

/** User feature bits a datapath accepts; others are EOPNOTSUPP, as in Linux. */
const KNOWN_USER_FEATURES = O.OVS_DP_F_UNALIGNED | O.OVS_DP_F_VPORT_PIDS
  | O.OVS_DP_F_TC_RECIRC_SHARING | O.OVS_DP_F_DISPATCH_UPCALL_PER_CPU;

const DP_FAMILY = OVS_FAMILIES.find((f) => f.name === O.OVS_DATAPATH_FAMILY)!;
const VPORT_FAMILY = OVS_FAMILIES.find((f) => f.name === O.OVS_VPORT_FAMILY)!;
const FLOW_FAMILY = OVS_FAMILIES.find((f) => f.name === O.OVS_FLOW_FAMILY)!;
const PACKET_FAMILY = OVS_FAMILIES.find((f) => f.name === O.OVS_PACKET_FAMILY)!;
const METER_FAMILY = OVS_FAMILIES.find((f) => f.name === O.OVS_METER_FAMILY)!;
const CT_LIMIT_FAMILY = OVS_FAMILIES.find((f) => f.name === O.OVS_CT_LIMIT_FAMILY)!;

export class DatapathGenl {
  readonly registry: DatapathRegistry;
  readonly familyIds: FamilyIds;
  /** Upcall queues, one per netlink socket id: the pseudo device takes MISS and ACTION messages from here. */
  readonly upcalls: UpcallQueues;
  private events: Uint8Array[] = [];
  private readonly flows: FlowFamily;
  private readonly packets: PacketFamily;
  private readonly meters: MeterFamily;
  private readonly ctLimits: CtLimitFamily;
  /** One parsed-attribute index per family, reused across requests. */
  private readonly indexes = new Map<OvsFamily, AttrIndex>();

  constructor(options: { registry?: DatapathRegistry; familyIds?: Partial<FamilyIds>; upcalls?: UpcallQueues } = {}) {
    this.familyIds = { ...DEFAULT_FAMILY_IDS, ...options.familyIds };
    this.registry = options.registry
      ?? new DatapathRegistry({ upcalls: options.upcalls, packetFamily: this.familyIds.packet });
    this.upcalls = this.registry.upcalls;
    this.flows = new FlowFamily(this.registry, this.familyIds.flow);
    this.packets = new PacketFamily(this.registry);
    this.meters = new MeterFamily(this.registry, this.familyIds.meter);
    this.ctLimits = new CtLimitFamily(this.registry, this.familyIds.ctLimit);
  }

  /** Multicast notifications produced since the last call, oldest first. */
  takeEvents(): Uint8Array[] {
    const events = this.events;
    this.events = [];
    return events;
  }

  private familyOf(type: number): OvsFamily | undefined {
    const ids = this.familyIds;
    switch (type) {
      case ids.datapath: return DP_FAMILY;
      case ids.vport: return VPORT_FAMILY;
      case ids.flow: return FLOW_FAMILY;
      case ids.packet: return PACKET_FAMILY;
      case ids.meter: return METER_FAMILY;
      case ids.ctLimit: return CT_LIMIT_FAMILY;
      default: return undefined;
    }
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
    const family = this.familyOf(it.type);
    if (family === undefined) return [errorMessage(ENOENT, bytes, context.pid)];
    if (bytes.length < OVS_ATTRS_OFFSET) return [errorMessage(EINVAL, bytes, context.pid)];
    const cmd = genlCmd(bytes, 0);
    const dump = (it.flags & NLM_F_DUMP) === NLM_F_DUMP;
    if (!Object.values(family.commands).includes(cmd)) return [errorMessage(EOPNOTSUPP, bytes, context.pid)];
    if (dump && !family.dumpCommands.includes(cmd)) return [errorMessage(EOPNOTSUPP, bytes, context.pid)];
    if (family.adminCommands.includes(cmd) && !context.admin) return [errorMessage(EPERM, bytes, context.pid)];
    let attrs = this.indexes.get(family);
    if (attrs === undefined) {
      attrs = new AttrIndex(family.policy.maxType);
      this.indexes.set(family, attrs);
    }
    const error = family.policy.parseInto(bytes, OVS_ATTRS_OFFSET, bytes.length, attrs);
    if (error !== 0) return [errorMessage(error, bytes, context.pid)];
    const request: Request = {
      bytes, flags: it.flags, seq: it.seq, cmd, dpIfindex: ovsDpIfindex(bytes, 0), attrs, context,
    };
    if (dump) {
      const replies = this.dumpFamily(family, request);
      return typeof replies === 'number' ? [errorMessage(replies, bytes, context.pid)] : replies;
    }
    const outcome = this.command(family, request);
    if (typeof outcome === 'number') return [errorMessage(outcome, bytes, context.pid)];
    const replies = outcome.replies;
    if (outcome.event) {
      this.events.push(outcome.event);
      if ((it.flags & NLM_F_ECHO) !== 0) replies.push(outcome.event);
    }
    if ((it.flags & NLM_F_ACK) !== 0) replies.push(errorMessage(0, bytes, context.pid));
    return replies;
  }

  private command(family: OvsFamily, r: Request): Outcome {
    switch (family) {
      case DP_FAMILY: return this.datapathCommand(r);
      case VPORT_FAMILY: return this.vportCommand(r);
      case FLOW_FAMILY: return this.flows.command(r);
      case PACKET_FAMILY: return this.packets.command(r);
      case METER_FAMILY: return this.meters.command(r);
      default: return this.ctLimits.command(r);
    }
  }

  private dumpFamily(family: OvsFamily, r: Request): Uint8Array[] | number {
    switch (family) {
      case DP_FAMILY: return this.dumpDatapaths(r);
      case VPORT_FAMILY: return this.dumpVports(r);
      case FLOW_FAMILY: return this.flows.dump(r);
      default: return this.meters.dump(r);
    }
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
    return dumpObjects(r, this.registry.list(), (dp) => this.datapathMessage(dp, r, O.OVS_DP_CMD_GET, NLM_F_MULTI));
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
    if ((dp.userFeatures & O.OVS_DP_F_DISPATCH_UPCALL_PER_CPU) !== 0 && dp.perCpuPids.length > 0) {
      putU32Array(buf, O.OVS_DP_ATTR_PER_CPU_PIDS, dp.perCpuPids);
    }
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
      const tunnel = tunnelOptions(a.u32(O.OVS_VPORT_ATTR_TYPE), a);
      if (typeof tunnel === 'number') return tunnel;
      const port = this.registry.addPort(dp, {
        name: a.string(O.OVS_VPORT_ATTR_NAME),
        type: a.u32(O.OVS_VPORT_ATTR_TYPE),
        upcallPids: upcallPids(a),
        portNo: a.has(O.OVS_VPORT_ATTR_PORT_NO) ? a.u32(O.OVS_VPORT_ATTR_PORT_NO) : undefined,
      });
      if (typeof port === 'number') return port;
      if (tunnel !== undefined) port.tunnel = tunnel;
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
        // No vport type of Linux's changes options after creation.
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
  private dumpVports(r: Request): Uint8Array[] | number {
    const dp = this.registry.byDpIfindex(r.dpIfindex);
    if (dp === undefined) return ENODEV;
    const ports = [...dp.ports.values()].sort((x, y) => x.portNo - y.portNo);
    return dumpObjects(r, ports, (port) => this.vportMessage(dp, port, r, O.OVS_VPORT_CMD_GET, NLM_F_MULTI));
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
    putU32Array(buf, O.OVS_VPORT_ATTR_UPCALL_PID, pids);
    if (port.tunnel !== null && port.type !== O.OVS_VPORT_TYPE_GRE) {
      // VXLAN and Geneve report their UDP port (and VXLAN its extensions); GRE has no options.
      const options = buf.startNested(O.OVS_VPORT_ATTR_OPTIONS);
      buf.putAttrU16(O.OVS_TUNNEL_ATTR_DST_PORT, port.tunnel.dstPort);
      if ((port.tunnel.extensions & (1 << O.OVS_VXLAN_EXT_GBP)) !== 0) {
        const exts = buf.startNested(O.OVS_TUNNEL_ATTR_EXTENSION);
        buf.putFlag(O.OVS_VXLAN_EXT_GBP);
        buf.endNested(exts);
      }
      buf.endNested(options);
    }
    buf.endMessage(start);
    return buf.data().slice();
  }
}

/** The errno a datapath change (NEW or SET) would fail with, before any change. */
function checkDatapathChange(a: AttrIndex): number {
  if ((a.u32(O.OVS_DP_ATTR_USER_FEATURES) & ~KNOWN_USER_FEATURES) !== 0) return EOPNOTSUPP;
  if (a.has(O.OVS_DP_ATTR_PER_CPU_PIDS) && a.length(O.OVS_DP_ATTR_PER_CPU_PIDS) % 4 !== 0) return EINVAL;
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
  // Per-CPU upcall sockets count only once the datapath dispatches per CPU, as in Linux.
  if ((dp.userFeatures & O.OVS_DP_F_DISPATCH_UPCALL_PER_CPU) !== 0 && a.has(O.OVS_DP_ATTR_PER_CPU_PIDS)) {
    dp.perCpuPids = u32Array(a, O.OVS_DP_ATTR_PER_CPU_PIDS);
  }
}

/**
 * The tunnel options of a new vxlan, geneve or gre port: VXLAN and Geneve
 * need OVS_TUNNEL_ATTR_DST_PORT (EINVAL without); VXLAN takes the GBP
 * extension; GRE takes nothing. Undefined for non-tunnel types.
 */
function tunnelOptions(type: number, a: AttrIndex): TunnelOptions | number | undefined {
  if (vportClass(type)?.tunnel !== true) return undefined;
  if (type === O.OVS_VPORT_TYPE_GRE) return { dstPort: 0, extensions: 0 };
  const options = a.data(O.OVS_VPORT_ATTR_OPTIONS);
  if (options === undefined) return EINVAL;
  const index = new AttrIndex(VPORT_TUNNEL_OPTIONS_POLICY.maxType);
  const error = VPORT_TUNNEL_OPTIONS_POLICY.parseInto(options, 0, options.length, index);
  if (error !== 0) return EINVAL;
  if (!index.has(O.OVS_TUNNEL_ATTR_DST_PORT) || index.length(O.OVS_TUNNEL_ATTR_DST_PORT) !== 2) return EINVAL;
  let extensions = 0;
  const exts = index.data(O.OVS_TUNNEL_ATTR_EXTENSION);
  if (exts !== undefined && type === O.OVS_VPORT_TYPE_VXLAN) {
    const it = new NlAttrIter(exts, 0, exts.length);
    while (it.next()) if (it.type === O.OVS_VXLAN_EXT_GBP) extensions |= 1 << O.OVS_VXLAN_EXT_GBP;
    if (it.error !== 0) return EINVAL;
  }
  return { dstPort: index.u16(O.OVS_TUNNEL_ATTR_DST_PORT), extensions };
}

function u32Array(a: AttrIndex, type: number): number[] {
  const o = a.offset(type);
  const out: number[] = [];
  for (let i = 0; i < a.length(type); i += 4) out.push(readU32(a.bytes, o + i));
  return out;
}

function putU32Array(buf: NlBuffer, type: number, values: readonly number[]): void {
  const o = buf.putAttrSpace(type, values.length * 4);
  const b = buf.bytes;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    b[o + i * 4] = v;
    b[o + i * 4 + 1] = v >>> 8;
    b[o + i * 4 + 2] = v >>> 16;
    b[o + i * 4 + 3] = v >>> 24;
  }
}

function upcallPids(a: AttrIndex): number[] {
  return u32Array(a, O.OVS_VPORT_ATTR_UPCALL_PID);
}
