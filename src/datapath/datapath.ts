// The in-process datapath's state: a registry of datapaths (name, dp_ifindex,
// user features, upcall pid, counters, ports, one flow table, meters, the
// packet path of dp-process.ts) and the vport type registry. The generic
// netlink handlers in genl.ts are the only writers of configuration; they
// validate a whole request first, so every method here either succeeds or
// changes nothing and returns an errno. Packets enter with Datapath.receive()
// or DatapathRegistry.injectPacket() (netdev-dummy/receive).

import { EAFNOSUPPORT, EBUSY, EEXIST, EFBIG, EINVAL, EIO, ENODEV, ENOMEM, errnoFromName } from '../lib/errno.js';
import * as O from '../netlink/openvswitch.js';
import type { VportStats } from '../netlink/ovs-structs.js';
import { PacketBatch } from '../packet/batch.js';
import type { Packet } from '../packet/packet.js';
import { ErrnoError } from '../lib/errors.js';
import { PcapWriter } from '../packet/pcap.js';
import type { CompiledActions } from './actions.js';
import { DatapathProcess } from './dp-process.js';
import { DummyStream } from './dummy-stream.js';
import { FlowTable } from './flow-table.js';
import { DEFAULT_FAMILY_IDS } from './genl-common.js';
import { MeterTable } from './meter.js';
import { UpcallQueues } from './upcall-queue.js';

/** A vport type: the number OVS_VPORT_ATTR_TYPE carries and a name for logs. */
export interface VportClass {
  readonly type: number;
  readonly name: string;
  /** A tunnel type: OVS_VPORT_ATTR_OPTIONS holds OVS_TUNNEL_ATTR_* (the wire comes in a later issue). */
  readonly tunnel?: boolean;
  /** UDP destination port a tunnel uses when OVS_TUNNEL_ATTR_DST_PORT is absent (0: not UDP). */
  readonly defaultDstPort?: number;
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
// Tunnel types: configuration only. TODO(#3) the wire (UDP sockets, GRE) in a later issue.
registerVportClass({ type: O.OVS_VPORT_TYPE_GRE, name: 'gre', tunnel: true, defaultDstPort: 0 });
registerVportClass({ type: O.OVS_VPORT_TYPE_VXLAN, name: 'vxlan', tunnel: true, defaultDstPort: 4789 });
registerVportClass({ type: O.OVS_VPORT_TYPE_GENEVE, name: 'geneve', tunnel: true, defaultDstPort: 6081 });

/** Options a dummy port takes (netdev-dummy's). */
const DUMMY_OPTIONS = new Set(['pcap', 'rxq_pcap', 'tx_pcap', 'stream', 'pstream']);

/** Highest port number (Linux's DP_MAX_PORTS - 1). */
export const MAX_PORT_NO = 0xffff;
/** OVS_DP_ATTR_MASKS_CACHE_SIZE Linux reports by default. */
export const DEFAULT_MASKS_CACHE_SIZE = 256;

/** Tunnel configuration of a tunnel vport (OVS_VPORT_ATTR_OPTIONS). */
export interface TunnelOptions {
  /** OVS_TUNNEL_ATTR_DST_PORT, host order; 0 for GRE. */
  readonly dstPort: number;
  /** OVS_VXLAN_EXT_* bits from OVS_TUNNEL_ATTR_EXTENSION (VXLAN only). */
  readonly extensions: number;
}

/**
 * Called with each packet a port transmits. The packet stays the datapath's:
 * read it (packet.data(), or slot/start/size without allocating) during the
 * call only.
 */
export type TransmitListener = (port: Vport, packet: Packet) => void;

export class Vport {
  readonly portNo: number;
  readonly type: number;
  readonly name: string;
  readonly ifindex: number;
  /** Netlink socket ids upcalls from this port go to (0: none). */
  upcallPids: number[];
  readonly stats: VportStats = {
    rxPackets: 0, txPackets: 0, rxBytes: 0, txBytes: 0, rxErrors: 0, txErrors: 0, rxDropped: 0, txDropped: 0,
  };
  /** Tunnel ports only. */
  tunnel: TunnelOptions | null = null;
  /** Packets output to this port, sent at the end of the burst. */
  readonly txBatch = new PacketBatch();
  /** Dummy ports: where received (rxPcap) and transmitted (txPcap) packets are recorded; one file may serve both. */
  rxPcap: PcapWriter | null = null;
  txPcap: PcapWriter | null = null;
  /** Receives what the port transmits (the netdev's wire); null drops after counting. */
  onTransmit: TransmitListener | null = null;
  /** Dummy ports with `stream` or `pstream`: the socket to the peer port. */
  stream: DummyStream | null = null;

  constructor(portNo: number, type: number, name: string, ifindex: number, upcallPids: number[]) {
    this.portNo = portNo;
    this.type = type;
    this.name = name;
    this.ifindex = ifindex;
    this.upcallPids = upcallPids;
  }

  /** Closes the port's pcap files and stream (the port goes away). */
  closePcaps(): void {
    this.stream?.close();
    this.stream = null;
    this.rxPcap?.close();
    if (this.txPcap !== this.rxPcap) this.txPcap?.close();
    this.rxPcap = null;
    this.txPcap = null;
  }
}

export class Datapath {
  readonly name: string;
  /** The ifindex of its local port, which names the datapath in ovs_header. */
  readonly dpIfindex: number;
  userFeatures = 0;
  masksCacheSize = DEFAULT_MASKS_CACHE_SIZE;
  upcallPid: number;
  /** OVS_DP_ATTR_PER_CPU_PIDS: with OVS_DP_F_DISPATCH_UPCALL_PER_CPU, misses go to these rather than to the port's. */
  perCpuPids: number[] = [];
  /** Upcalls that could not be queued: no listener (pid 0) or the socket's queue full. */
  lost = 0;
  readonly ports = new Map<number, Vport>();
  readonly portsByName = new Map<string, Vport>();
  readonly flowTable = new FlowTable<CompiledActions>();
  readonly meters = new MeterTable();
  /** The packet path: vport output, upcalls, action execution. */
  readonly process: DatapathProcess;

  constructor(name: string, dpIfindex: number, upcallPid: number, options: { upcalls: UpcallQueues; packetFamily: number }) {
    this.name = name;
    this.dpIfindex = dpIfindex;
    this.upcallPid = upcallPid;
    this.process = new DatapathProcess(this, options);
  }

  /** Lookups that found a flow (packets and recirculations), as Linux's n_hit. */
  get hit(): number {
    return this.flowTable.stats().hits;
  }

  /** Lookups that found none and went up as MISS upcalls (or were lost), as Linux's n_missed. */
  get missed(): number {
    return this.flowTable.stats().missed;
  }

  /**
   * Runs a burst received on port `portNo` through the datapath (the fast
   * path): counts it on the port, records it in the port's pcap, looks up,
   * executes, upcalls. Consumes the batch's packets. ENODEV for no such port.
   */
  receive(portNo: number, batch: PacketBatch): number {
    return this.process.receive(portNo, batch);
  }

  /** Receives one frame (copied into a pooled packet) on port `portNo`; ENODEV, or ENOMEM when the pool is dry. */
  receiveFrame(portNo: number, frame: Uint8Array): number {
    if (!this.ports.has(portNo)) return ENODEV;
    const packet: Packet | null = this.process.pool.get();
    if (packet === null) return ENOMEM;
    if (!packet.setData(frame)) {
      packet.release();
      return ENOMEM;
    }
    const batch = this.process.scratchBatch;
    batch.clear();
    batch.add(packet);
    return this.process.receive(portNo, batch);
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
  /** The upcall queues every datapath here delivers to (DatapathGenl.upcalls). */
  readonly upcalls: UpcallQueues;
  /** The genl id of ovs_packet, which upcall messages carry. */
  readonly packetFamily: number;
  /**
   * Conntrack limits per zone (ovs_ct_limit), shared by all datapaths as
   * Linux keeps them per network namespace. TODO(#3) enforced once
   * connection tracking exists; until then every count is 0.
   */
  readonly ctLimits = new Map<number, number>();
  /** The limit of zones without their own (OVS_ZONE_LIMIT_DEFAULT_ZONE); 0 is unlimited. */
  ctDefaultLimit = 0;

  constructor(options: { firstIfindex?: number; upcalls?: UpcallQueues; packetFamily?: number } = {}) {
    this.nextIfindex = options.firstIfindex ?? 100;
    this.upcalls = options.upcalls ?? new UpcallQueues();
    this.packetFamily = options.packetFamily ?? DEFAULT_FAMILY_IDS.packet;
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
    const dp = new Datapath(name, this.nextIfindex++, upcallPid, { upcalls: this.upcalls, packetFamily: this.packetFamily });
    this.byName.set(name, dp);
    this.byIfindex.set(dp.dpIfindex, dp);
    this.attach(dp, 0, O.OVS_VPORT_TYPE_INTERNAL, name, dp.dpIfindex, [upcallPid]);
    return dp;
  }

  destroy(dp: Datapath): void {
    for (const port of dp.ports.values()) {
      this.portNames.delete(port.name);
      port.closePcaps();
      dp.process.portRemoved(port);
    }
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
    port.closePcaps();
    dp.process.portRemoved(port);
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

  /**
   * Receives `frame` on the port named `name`, in whichever datapath holds it
   * (netdev-dummy/receive). 0, ENODEV for no such port, ENOMEM when the
   * datapath's packet pool is dry.
   */
  injectPacket(name: string, frame: Uint8Array): number {
    const found = this.findPort(name);
    if (found === undefined) return ENODEV;
    return found.dp.receiveFrame(found.port.portNo, frame);
  }

  /**
   * Applies netdev-dummy options to the dummy port `name`, as
   * `ovs-vsctl set Interface p1 options:pcap=FILE` does in Open vSwitch:
   * `pcap` records received and sent packets in one file, `rxq_pcap` the
   * received ones, `tx_pcap` the sent ones; an empty value stops recording.
   * Files are created or truncated. `stream` and `pstream` join the port to
   * another over a socket (dummy-stream.ts; `port.stream.ready` says when it
   * listens or first connected). 0, ENODEV (no such port), EINVAL (not a
   * dummy port, an option it does not know, a stream name that does not
   * parse), or the errno of opening a file. Options not given are unset.
   */
  setDummyOptions(name: string, options: Readonly<Record<string, string>>): number {
    const found = this.findPort(name);
    if (found === undefined) return ENODEV;
    const { port } = found;
    if (port.type !== O.OVS_VPORT_TYPE_NETDEV) return EINVAL;
    for (const option of Object.keys(options)) if (!DUMMY_OPTIONS.has(option)) return EINVAL;
    const open = (path: string | undefined): PcapWriter | null | number => {
      if (path === undefined || path === '') return null;
      try {
        return PcapWriter.open(path);
      } catch (error) {
        return errnoFromName((error as NodeJS.ErrnoException).code ?? '') ?? EIO;
      }
    };
    let rx: PcapWriter | null | number;
    let tx: PcapWriter | null | number;
    if (options.pcap !== undefined && options.pcap !== '') {
      rx = open(options.pcap);
      tx = rx;
    } else {
      rx = open(options.rxq_pcap);
      tx = typeof rx === 'number' ? null : open(options.tx_pcap);
    }
    if (typeof rx === 'number' || typeof tx === 'number') {
      if (rx !== null && typeof rx !== 'number') rx.close();
      return typeof rx === 'number' ? rx : tx as number;
    }
    let stream: DummyStream | null = null;
    if ((options.stream ?? '') !== '' || (options.pstream ?? '') !== '') {
      const { dp } = found;
      try {
        stream = new DummyStream(
          (options.pstream ?? '') !== '' ? { pstream: options.pstream } : { stream: options.stream },
          (frames) => { for (const frame of frames) dp.receiveFrame(port.portNo, frame); },
        );
      } catch (error) {
        rx?.close();
        if (tx !== rx) tx?.close();
        return error instanceof ErrnoError ? error.errno : EINVAL;
      }
    }
    port.closePcaps();
    port.rxPcap = rx;
    port.txPcap = tx;
    port.stream = stream;
    return 0;
  }

  private attach(dp: Datapath, portNo: number, type: number, name: string, ifindex: number, upcallPids: number[]): Vport {
    const port = new Vport(portNo, type, name, ifindex, upcallPids);
    const cls = VPORT_CLASSES.get(type);
    if (cls?.tunnel === true) port.tunnel = { dstPort: cls.defaultDstPort ?? 0, extensions: 0 };
    dp.ports.set(portNo, port);
    dp.process.portAdded(port);
    dp.portsByName.set(name, port);
    this.portNames.add(name);
    return port;
  }
}
