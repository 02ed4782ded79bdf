// PacketPool: a fixed number of packets carved out of one ArrayBuffer, handed
// out and taken back through a freelist (Snabb's packet freelist). Netdevs and
// the datapath take packets from it per burst; nothing is allocated after
// construction. Running dry is an expected outcome, not an error: get()
// returns null and counts it, and the caller drops and counts too.

import { Packet, PACKET_DEFAULT_DATA_SIZE, PACKET_DEFAULT_HEADROOM, PACKET_METADATA_WORDS } from './packet.js';

export interface PacketPoolOptions {
  /** Number of packets. */
  count: number;
  /** Headroom in front of received data (default 384). */
  headroom?: number;
  /** Largest frame (data bytes past the headroom); default 2048. */
  dataSize?: number;
}

export class PacketPool {
  readonly capacity: number;
  readonly headroom: number;
  readonly dataSize: number;
  /** One ArrayBuffer for all slots, so packets stay close together in memory. */
  readonly buffer: ArrayBuffer;
  /** get() calls that found the freelist empty. */
  exhaustedCount = 0;
  private readonly freelist: Packet[];
  private freeCount: number;

  constructor(options: PacketPoolOptions) {
    const { count } = options;
    this.headroom = options.headroom ?? PACKET_DEFAULT_HEADROOM;
    this.dataSize = options.dataSize ?? PACKET_DEFAULT_DATA_SIZE;
    if (!Number.isInteger(count) || count < 1) throw new RangeError(`packet pool count must be a positive integer, not ${count}`);
    if (this.headroom < 0 || this.dataSize < 1) throw new RangeError('packet pool headroom and data size must be positive');
    // Slots start on 64-byte boundaries (cache lines) for the data that follows the headroom.
    const slotSize = Math.ceil((this.headroom + this.dataSize) / 64) * 64;
    this.capacity = count;
    this.buffer = new ArrayBuffer(slotSize * count);
    const metadata = new Uint32Array(PACKET_METADATA_WORDS * count);
    this.freelist = new Array<Packet>(count);
    for (let i = 0; i < count; i++) {
      const slot = new Uint8Array(this.buffer, i * slotSize, slotSize);
      const md = metadata.subarray(i * PACKET_METADATA_WORDS, (i + 1) * PACKET_METADATA_WORDS);
      const packet = new Packet(slot, md, this, this.headroom);
      packet.free = true;
      this.freelist[i] = packet;
    }
    this.freeCount = count;
  }

  /** Packets in the freelist right now. */
  get available(): number {
    return this.freeCount;
  }

  /** A reset packet, or null (and exhaustedCount + 1) when none is free. */
  get(): Packet | null {
    if (this.freeCount === 0) {
      this.exhaustedCount++;
      return null;
    }
    const packet = this.freelist[--this.freeCount];
    packet.free = false;
    packet.reset();
    return packet;
  }

  /**
   * Takes a packet back. Putting a packet twice or into another pool is a
   * programmer error (TypeError): it would hand one slot to two users.
   */
  put(packet: Packet): void {
    if (packet.owner !== this) throw new TypeError('packet returned to a pool that does not own it');
    if (packet.free) throw new TypeError('packet returned to its pool twice');
    packet.free = true;
    this.freelist[this.freeCount++] = packet;
  }

  /** A copy of `packet` from this pool (data, offsets, port, metadata), or null when the pool is dry or it does not fit. */
  clone(packet: Packet): Packet | null {
    const copy = this.get();
    if (copy === null) return null;
    if (!copy.copyFrom(packet)) {
      this.put(copy);
      return null;
    }
    return copy;
  }
}
