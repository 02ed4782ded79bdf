// PacketBatch: up to 32 packets (one datapath burst, OVS's NETDEV_MAX_BURST)
// in a fixed array with a count. Netdevs fill one per receive call, the
// datapath processes and sends it whole. Reused across bursts: a full batch
// refuses more packets (the caller drops and counts); nothing is allocated.

import type { Packet } from './packet.js';

export const PACKET_BATCH_SIZE = 32;

export class PacketBatch {
  /** Slots 0..count-1 hold the packets; the rest are stale and must not be read. */
  readonly packets: Packet[];
  count = 0;

  constructor() {
    this.packets = new Array<Packet>(PACKET_BATCH_SIZE);
  }

  get isFull(): boolean {
    return this.count === PACKET_BATCH_SIZE;
  }

  /** Appends a packet; false when the batch already holds 32. */
  add(packet: Packet): boolean {
    if (this.count === PACKET_BATCH_SIZE) return false;
    this.packets[this.count++] = packet;
    return true;
  }

  /** Empties the batch without releasing the packets (they moved on elsewhere). */
  clear(): void {
    this.count = 0;
  }

  /** Gives every packet back to its pool and empties the batch (a dropped burst). */
  release(): void {
    for (let i = 0; i < this.count; i++) this.packets[i].release();
    this.count = 0;
  }

  /**
   * Keeps only the packets for which keep[i] is nonzero, in order, releasing
   * the others (per-packet drops after a stage). `keep` is indexed like `packets`.
   */
  compact(keep: Uint8Array): void {
    let out = 0;
    for (let i = 0; i < this.count; i++) {
      const packet = this.packets[i];
      if (keep[i] !== 0) this.packets[out++] = packet;
      else packet.release();
    }
    this.count = out;
  }
}
