// The datapath's packet path around the ActionExecutor of actions.ts: bursts
// received on a vport (counted and recorded in the port's pcap), output to
// vports (queued per port, sent once per burst, counted, recorded), MISS and
// userspace-action upcalls encoded as Linux encodes them and queued on the
// UpcallQueues that DatapathGenl exposes, and OVS_PACKET_CMD_EXECUTE. One per
// Datapath; the meter table of meter.ts answers the meter action.

import { ENODEV } from '../lib/errno.js';
import { hashAdd, hashFinish } from '../lib/hash.js';
import * as L from '../flow/layout.js';
import { NlBuffer } from '../netlink/buffer.js';
import { startOvsMessage } from '../netlink/message.js';
import { putOdpActions } from '../netlink/odp-actions.js';
import * as O from '../netlink/openvswitch.js';
import { PacketBatch } from '../packet/batch.js';
import type { Packet } from '../packet/packet.js';
import { PacketPool } from '../packet/pool.js';
import {
  ActionExecutor, type CompiledActions, type DatapathPorts, type UpcallSink, type UserspaceAction,
} from './actions.js';
import type { Datapath, Vport } from './datapath.js';
import type { UpcallQueues } from './upcall-queue.js';
import { putUpcallKey } from './upcall-key.js';

/** Packets in a datapath's pool: bursts in flight plus copies for clone, sample and recirculation. */
export const DATAPATH_POOL_PACKETS = 1024;
/** Largest upcall message we build before the packet: key, userdata, actions (grows when needed). */
const UPCALL_BUFFER_SIZE = 4096;
/** OVS_PACKET_ATTR_HASH high bits: the hash is a software one, over L4 fields. */
const PACKET_HASH_SW_BIT_HI = 1;
const PACKET_HASH_L4_BIT_HI = 2;

export class DatapathProcess implements DatapathPorts, UpcallSink {
  readonly pool: PacketPool;
  readonly executor: ActionExecutor;
  /** A batch for single-frame receives (receiveFrame()). */
  readonly scratchBatch = new PacketBatch();
  private readonly dp: Datapath;
  private readonly upcalls: UpcallQueues;
  private readonly packetFamily: number;
  /** Ports by number, for output without a Map lookup per packet. */
  private portsByNo: (Vport | undefined)[] = [];
  /** Ports with packets in their txBatch. */
  private readonly pending: Vport[] = [];
  private readonly buf = new NlBuffer(UPCALL_BUFFER_SIZE);

  constructor(dp: Datapath, options: { upcalls: UpcallQueues; packetFamily: number; poolPackets?: number }) {
    this.dp = dp;
    this.upcalls = options.upcalls;
    this.packetFamily = options.packetFamily;
    this.pool = new PacketPool({ count: options.poolPackets ?? DATAPATH_POOL_PACKETS });
    this.executor = new ActionExecutor({ table: dp.flowTable, ports: this, upcalls: this, pool: this.pool, meters: dp.meters });
  }

  portAdded(port: Vport): void {
    this.portsByNo[port.portNo] = port;
  }

  portRemoved(port: Vport): void {
    port.txBatch.release();
    if (this.portsByNo[port.portNo] === port) this.portsByNo[port.portNo] = undefined;
    const i = this.pending.indexOf(port);
    if (i >= 0) this.pending.splice(i, 1);
  }

  // --- Receive ------------------------------------------------------------------

  /** A burst received on `portNo`; see Datapath.receive(). */
  receive(portNo: number, batch: PacketBatch): number {
    const port = this.portsByNo[portNo];
    if (port === undefined) {
      batch.release();
      return ENODEV;
    }
    const stats = port.stats;
    const pcap = port.rxPcap;
    for (let i = 0; i < batch.count; i++) {
      const p = batch.packets[i];
      stats.rxPackets++;
      stats.rxBytes += p.size;
      if (pcap !== null) pcap.write(p.data());
    }
    this.executor.receive(batch, portNo);
    return 0;
  }

  /**
   * OVS_PACKET_CMD_EXECUTE: runs `actions` on `packet` whose key (metadata
   * from the request, headers extracted here) is `key`. Consumes the packet.
   */
  execute(packet: Packet, key: Uint32Array, actions: CompiledActions): void {
    this.executor.extract(packet, key);
    for (let w = 0; w < L.PACKET_FIRST; w++) packet.metadata[w] = key[w];
    packet.inPort = key[L.IN_PORT];
    this.executor.execute(packet, key, actions);
    this.flush();
  }

  // --- DatapathPorts -------------------------------------------------------------

  send(portNo: number, packet: Packet): void {
    const port = this.portsByNo[portNo];
    // Output to a port that does not exist drops the packet, as in Linux.
    if (port === undefined) {
      packet.release();
      return;
    }
    const batch = port.txBatch;
    if (batch.count === 0) this.pending.push(port);
    else if (batch.isFull) this.transmit(port);
    batch.add(packet);
  }

  flush(): void {
    const pending = this.pending;
    for (let i = 0; i < pending.length; i++) this.transmit(pending[i]);
    pending.length = 0;
  }

  private transmit(port: Vport): void {
    const batch = port.txBatch;
    const stats = port.stats;
    const pcap = port.txPcap;
    const listener = port.onTransmit;
    const stream = port.stream;
    for (let i = 0; i < batch.count; i++) {
      const p = batch.packets[i];
      stats.txPackets++;
      stats.txBytes += p.size;
      if (pcap !== null) pcap.write(p.data());
      if (listener !== null) listener(port, p);
      if (stream !== null) stream.send(p.data());
    }
    batch.release();
  }

  // --- UpcallSink -----------------------------------------------------------------

  miss(packet: Packet, key: Uint32Array): void {
    const dp = this.dp;
    let pid = 0;
    const hash = flowHash(key);
    if ((dp.userFeatures & O.OVS_DP_F_DISPATCH_UPCALL_PER_CPU) !== 0 && dp.perCpuPids.length > 0) {
      // One "CPU" here: the first per-CPU socket, as Linux picks the receiving CPU's.
      pid = dp.perCpuPids[0];
    } else {
      const port = this.portsByNo[key[L.IN_PORT]];
      const pids = port?.upcallPids;
      if (pids !== undefined && pids.length > 0) pid = pids.length === 1 ? pids[0] : pids[hash % pids.length];
    }
    this.upcall(O.OVS_PACKET_CMD_MISS, pid, packet, key, hash, null, null, 0);
  }

  userspace(packet: Packet, key: Uint32Array, action: UserspaceAction, actions: CompiledActions, maxLength: number): void {
    this.upcall(O.OVS_PACKET_CMD_ACTION, action.pid, packet, key, flowHash(key), action.userdata,
      action.withActions ? actions : null, maxLength);
  }

  /**
   * Builds and queues one upcall, attributes in Linux's order: KEY, USERDATA,
   * ACTIONS, LEN (the length before a trunc cut it), HASH, PACKET. No
   * listener (pid 0) or a full queue counts as lost.
   */
  private upcall(
    cmd: number, pid: number, packet: Packet, key: Uint32Array, hash: number,
    userdata: Uint8Array | null, actions: CompiledActions | null, maxLength: number,
  ): void {
    if (pid === 0) {
      this.dp.lost++;
      return;
    }
    const buf = this.buf;
    buf.reset();
    const start = startOvsMessage(buf, {
      family: this.packetFamily, flags: 0, seq: 0, pid: 0, cmd, version: O.OVS_PACKET_VERSION, dpIfindex: this.dp.dpIfindex,
    });
    const nest = buf.startNested(O.OVS_PACKET_ATTR_KEY);
    putUpcallKey(buf, key);
    buf.endNested(nest);
    if (userdata !== null) buf.putAttr(O.OVS_PACKET_ATTR_USERDATA, userdata);
    if (actions !== null) {
      const a = buf.startNested(O.OVS_PACKET_ATTR_ACTIONS);
      putOdpActions(buf, actions.source);
      buf.endNested(a);
    }
    let size = packet.size;
    if (maxLength !== 0 && size > maxLength) {
      buf.putAttrU32(O.OVS_PACKET_ATTR_LEN, size);
      size = maxLength;
    }
    const proto = key[L.NW_PROTO];
    const l4 = proto === 6 || proto === 17 || proto === 132;
    buf.putAttrU64(O.OVS_PACKET_ATTR_HASH, PACKET_HASH_SW_BIT_HI | (l4 ? PACKET_HASH_L4_BIT_HI : 0), hash);
    const o = buf.putAttrSpace(O.OVS_PACKET_ATTR_PACKET, size);
    const out = buf.bytes;
    const slot = packet.slot;
    const from = packet.start;
    // A loop beats set(subarray()) for small frames: no view object.
    if (size <= 256) for (let i = 0; i < size; i++) out[o + i] = slot[from + i];
    else out.set(slot.subarray(from, from + size), o);
    buf.endMessage(start);
    if (buf.error !== 0 || !this.upcalls.enqueue(pid, out.slice(0, buf.size))) this.dp.lost++;
  }
}

/** The flow hash that picks one of several upcall pids: addresses, protocol and ports. */
function flowHash(key: Uint32Array): number {
  let h = hashAdd(0, key[L.NW_SRC]);
  h = hashAdd(h, key[L.NW_DST]);
  for (let w = 0; w < 4; w++) h = hashAdd(hashAdd(h, key[L.IPV6_SRC + w]), key[L.IPV6_DST + w]);
  h = hashAdd(h, key[L.NW_PROTO]);
  h = hashAdd(h, ((key[L.TP_SRC] << 16) | key[L.TP_DST]) >>> 0);
  return hashFinish(h, 48) >>> 0;
}
