// The in-process datapath's state: a registry of datapaths (name, dp_ifindex,
// user features, upcall pid, counters, ports, one flow table) and the vport
// type registry. The generic netlink handlers in genl.ts are the only writers;
// they validate a whole request first, so every method here either succeeds or
// changes nothing and returns an errno.

import { EAFNOSUPPORT, EBUSY, EEXIST, EFBIG, EINVAL } from '../lib/errno.js';
import * as O from '../netlink/openvswitch.js';
import type { VportStats } from '../netlink/ovs-structs.js';
import { FlowTable } from './flow-table.js';

/** A vport type: the number OVS_VPORT_ATTR_TYPE carries and a name for logs. */
export interface VportClass {
  readonly type: number;
  readonly name: string;
}

/**
 * Vport types by OVS_VPORT_TYPE_* number. `dummy` answers to the netdev type:
 * a port with no device behind it, for tests and the in-process datapath.
 */
const VPORT_CLASSES = new Map<number, VportClass>();

/** Registers a vport type; a type number registered twice is a programmer error. */
export function registerVportClass(cls: VportClass): void {
  if (VPORT_CLASSES.has(cls.type)) throw new RangeError(`vport type ${cls.type} already registered`);
  VPORT_CLASSES.set(cls.type, cls);
}

export function vportClass(type: number): VportClass | undefined {
  return VPORT_CLASSES.get(type);
}

registerVportClass({ type: O.OVS_VPORT_TYPE_INTERNAL, name: 'internal' });
registerVportClass({ type: O.OVS_VPORT_TYPE_NETDEV, name: 'dummy' });

/** Highest port number (Linux's DP_MAX_PORTS - 1). */
export const MAX_PORT_NO = 0xffff;
/** OVS_DP_ATTR_MASKS_CACHE_SIZE Linux reports by default. */
export const DEFAULT_MASKS_CACHE_SIZE = 256;

export interface Vport {
  readonly portNo: number;
  readonly type: number;
  readonly name: string;
  readonly ifindex: number;
  /** Netlink socket ids upcalls from this port go to (0: none). */
  upcallPids: number[];
  readonly stats: VportStats;
}

export class Datapath {
  readonly name: string;
  /** The ifindex of its local port, which names the datapath in ovs_header. */
  readonly dpIfindex: number;
  userFeatures = 0;
  masksCacheSize = DEFAULT_MASKS_CACHE_SIZE;
  upcallPid: number;
  /** Packets that found a flow, missed (went up as upcalls), were lost (upcall queue full). */
  hit = 0;
  missed = 0;
  lost = 0;
  readonly ports = new Map<number, Vport>();
  readonly portsByName = new Map<string, Vport>();
  readonly flowTable = new FlowTable<unknown>();

  constructor(name: string, dpIfindex: number, upcallPid: number) {
    this.name = name;
    this.dpIfindex = dpIfindex;
    this.upcallPid = upcallPid;
  }

  /** The lowest free port number above 0, or -1 when all are used. */
  freePortNo(): number {
    for (let n = 1; n <= MAX_PORT_NO; n++) if (!this.ports.has(n)) return n;
    return -1;
  }
}

/** Every datapath in this process, by name and by dp_ifindex. */
export class DatapathRegistry {
  private readonly byName = new Map<string, Datapath>();
  private readonly byIfindex = new Map<number, Datapath>();
  /** Names of every port of every datapath: netdev names are one namespace. */
  private readonly portNames = new Set<string>();
  private nextIfindex: number;

  constructor(options: { firstIfindex?: number } = {}) {
    this.nextIfindex = options.firstIfindex ?? 100;
  }

  /** Datapaths in creation order (the dump order). */
  list(): Datapath[] {
    return [...this.byName.values()];
  }

  byDpName(name: string): Datapath | undefined {
    return this.byName.get(name);
  }

  byDpIfindex(ifindex: number): Datapath | undefined {
    return this.byIfindex.get(ifindex);
  }

  /** Creates a datapath and its local port 0 (internal, named after it); EEXIST for a taken name. */
  create(name: string, upcallPid: number): Datapath | number {
    if (name.length === 0) return EINVAL;
    if (this.byName.has(name) || this.portNames.has(name)) return EEXIST;
    const dp = new Datapath(name, this.nextIfindex++, upcallPid);
    this.byName.set(name, dp);
    this.byIfindex.set(dp.dpIfindex, dp);
    this.attach(dp, 0, O.OVS_VPORT_TYPE_INTERNAL, name, dp.dpIfindex, [upcallPid]);
    return dp;
  }

  destroy(dp: Datapath): void {
    for (const port of dp.ports.values()) this.portNames.delete(port.name);
    dp.flowTable.flush();
    this.byName.delete(dp.name);
    this.byIfindex.delete(dp.dpIfindex);
  }

  /**
   * Adds a port. `portNo` undefined picks the lowest free number. EAFNOSUPPORT
   * for an unknown type, EEXIST for a taken name, EBUSY for a used number,
   * EFBIG when no number is left or the number is too large.
   */
  addPort(dp: Datapath, spec: { name: string; type: number; upcallPids: number[]; portNo?: number }): Vport | number {
    if (!VPORT_CLASSES.has(spec.type)) return EAFNOSUPPORT;
    if (spec.name.length === 0) return EINVAL;
    if (this.portNames.has(spec.name)) return EEXIST;
    let portNo = spec.portNo;
    if (portNo === undefined) {
      portNo = dp.freePortNo();
      if (portNo < 0) return EFBIG;
    } else if (portNo > MAX_PORT_NO) {
      return EFBIG;
    } else if (dp.ports.has(portNo)) {
      return EBUSY;
    }
    return this.attach(dp, portNo, spec.type, spec.name, this.nextIfindex++, spec.upcallPids);
  }

  /** Removes a non-local port; the local port goes only with its datapath. */
  removePort(dp: Datapath, port: Vport): void {
    dp.ports.delete(port.portNo);
    dp.portsByName.delete(port.name);
    this.portNames.delete(port.name);
  }

  /** The datapath holding a port of that name, with the port. */
  findPort(name: string): { dp: Datapath; port: Vport } | undefined {
    if (!this.portNames.has(name)) return undefined;
    for (const dp of this.byName.values()) {
      const port = dp.portsByName.get(name);
      if (port) return { dp, port };
    }
    return undefined;
  }

  private attach(dp: Datapath, portNo: number, type: number, name: string, ifindex: number, upcallPids: number[]): Vport {
    const port: Vport = {
      portNo, type, name, ifindex, upcallPids,
      stats: { rxPackets: 0, txPackets: 0, rxBytes: 0, txBytes: 0, rxErrors: 0, txErrors: 0, rxDropped: 0, txDropped: 0 },
    };
    dp.ports.set(portNo, port);
    dp.portsByName.set(name, port);
    this.portNames.add(name);
    return port;
  }
}
