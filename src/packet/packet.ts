// Packet: a slot of a pooled ArrayBuffer holding one frame with headroom in
// front (so tunnel encapsulation and VLAN/MPLS pushes never copy the payload)
// and tailroom behind. The datapath, netdevs and flow extraction use it; pools
// (pool.ts) hand packets out and batches (batch.ts) carry bursts of them.
//
// Hot-path code reads the frame straight from `slot`: the data occupies
// slot[start] .. slot[start + size - 1], and layer offsets count from `start`
// (like OVS's dp_packet offsets count from its data pointer). Nothing here
// allocates after construction or throws on the packet path: operations that
// lack room return false and leave the packet unchanged.

/** Headroom for Ethernet + 2 VLAN tags + IPv6 + UDP + Geneve with 252 bytes of options (330), rounded up. */
export const PACKET_DEFAULT_HEADROOM = 384;
/** Room for an MTU 1500 frame with VLAN tags, and then some. */
export const PACKET_DEFAULT_DATA_SIZE = 2048;
/**
 * 32-bit words of receive metadata per packet. The flow layer lays them out
 * (its receive-metadata words: recirc id, dp_hash, skb priority, mark,
 * conntrack and tunnel fields); the packet layer only keeps and copies them.
 */
export const PACKET_METADATA_WORDS = 64;

export interface PacketOwner {
  put(packet: Packet): void;
}

export class Packet {
  /** The whole slot: headroom, data, tailroom. A view into the pool's ArrayBuffer. */
  readonly slot: Uint8Array;
  /** Receive metadata, laid out by the flow layer; copied with the packet. */
  readonly metadata: Uint32Array;
  /** The pool this packet returns to, or null for a standalone packet. */
  readonly owner: PacketOwner | null;
  /** Headroom that reset() restores. */
  readonly defaultHeadroom: number;
  /** Index of the first data byte in `slot`. */
  start: number;
  /** Data bytes. */
  size: number;
  /** Layer offsets from `start`; -1 when unknown. l2_5 is the first MPLS label stack entry. */
  l2Offset = -1;
  l2_5Offset = -1;
  l3Offset = -1;
  l4Offset = -1;
  /** Datapath port the packet arrived on; -1 when none. */
  inPort = -1;
  /** True while the packet sits in its pool's freelist (catches double puts). */
  free = false;

  constructor(slot: Uint8Array, metadata: Uint32Array, owner: PacketOwner | null, headroom: number) {
    if (headroom > slot.length) throw new RangeError(`packet headroom ${headroom} exceeds slot size ${slot.length}`);
    this.slot = slot;
    this.metadata = metadata;
    this.owner = owner;
    this.defaultHeadroom = headroom;
    this.start = headroom;
    this.size = 0;
  }

  /** A packet with its own buffer holding a copy of `bytes` (tests, tools; not the hot path). */
  static fromBytes(bytes: Uint8Array, options: { headroom?: number; tailroom?: number } = {}): Packet {
    const headroom = options.headroom ?? PACKET_DEFAULT_HEADROOM;
    const slot = new Uint8Array(headroom + bytes.length + (options.tailroom ?? 64));
    const packet = new Packet(slot, new Uint32Array(PACKET_METADATA_WORDS), null, headroom);
    packet.setData(bytes);
    return packet;
  }

  /** Bytes free in front of the data. */
  get headroom(): number {
    return this.start;
  }

  /** Bytes free behind the data. */
  get tailroom(): number {
    return this.slot.length - this.start - this.size;
  }

  /** Index in `slot` one past the last data byte. */
  get end(): number {
    return this.start + this.size;
  }

  /** A view of the data (allocates a view object: not for per-packet hot code). */
  data(): Uint8Array {
    return this.slot.subarray(this.start, this.start + this.size);
  }

  /** Forgets data, offsets, port and metadata; the data start returns to the default headroom. */
  reset(): void {
    this.start = this.defaultHeadroom;
    this.size = 0;
    this.l2Offset = this.l2_5Offset = this.l3Offset = this.l4Offset = -1;
    this.inPort = -1;
    this.metadata.fill(0);
  }

  /** Replaces the data with bytes[start, end) at the default headroom; false if it does not fit. */
  setData(bytes: Uint8Array, start = 0, end = bytes.length): boolean {
    const length = end - start;
    if (this.defaultHeadroom + length > this.slot.length) return false;
    this.slot.set(bytes.subarray(start, end), this.defaultHeadroom);
    this.start = this.defaultHeadroom;
    this.size = length;
    this.l2Offset = this.l2_5Offset = this.l3Offset = this.l4Offset = -1;
    return true;
  }

  /**
   * Grows the data at the front by `length` uninitialized bytes (a new outer
   * header). Known layer offsets move with their bytes. False without headroom.
   */
  push(length: number): boolean {
    if (length > this.start) return false;
    this.start -= length;
    this.size += length;
    if (this.l2Offset >= 0) this.l2Offset += length;
    if (this.l2_5Offset >= 0) this.l2_5Offset += length;
    if (this.l3Offset >= 0) this.l3Offset += length;
    if (this.l4Offset >= 0) this.l4Offset += length;
    return true;
  }

  /**
   * Removes `length` bytes from the front (decapsulation). Offsets move with
   * their bytes; a layer that was pulled off becomes unknown. False if the
   * data is shorter.
   */
  pull(length: number): boolean {
    if (length > this.size) return false;
    this.start += length;
    this.size -= length;
    this.l2Offset = this.l2Offset >= length ? this.l2Offset - length : -1;
    this.l2_5Offset = this.l2_5Offset >= length ? this.l2_5Offset - length : -1;
    this.l3Offset = this.l3Offset >= length ? this.l3Offset - length : -1;
    this.l4Offset = this.l4Offset >= length ? this.l4Offset - length : -1;
    return true;
  }

  /** Grows the data at the tail by `length` uninitialized bytes; false without tailroom. */
  put(length: number): boolean {
    if (length > this.tailroom) return false;
    this.size += length;
    return true;
  }

  /** Removes `length` bytes from the tail; false if the data is shorter. */
  trim(length: number): boolean {
    if (length > this.size) return false;
    this.size -= length;
    return true;
  }

  /**
   * Makes this packet a copy of `other`: data (at the same headroom when it
   * fits, else at the default one), offsets, port and metadata. False if the
   * data does not fit this slot.
   */
  copyFrom(other: Packet): boolean {
    let start = other.start;
    if (start + other.size > this.slot.length) start = this.defaultHeadroom;
    if (start + other.size > this.slot.length) return false;
    this.slot.set(other.slot.subarray(other.start, other.start + other.size), start);
    this.start = start;
    this.size = other.size;
    this.l2Offset = other.l2Offset;
    this.l2_5Offset = other.l2_5Offset;
    this.l3Offset = other.l3Offset;
    this.l4Offset = other.l4Offset;
    this.inPort = other.inPort;
    this.metadata.set(other.metadata);
    return true;
  }

  /** Gives the packet back to its pool (a no-op for a standalone packet). */
  release(): void {
    if (this.owner) this.owner.put(this);
  }
}
