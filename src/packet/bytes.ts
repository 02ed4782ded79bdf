// Big-endian field access on Uint8Array for the hot path (flow extraction,
// datapath actions, checksums). Plain byte arithmetic: no DataView object,
// no Buffer.read*, no bounds checks; callers have already checked lengths.
// Arguments are positional (no options object) so that a call allocates nothing.

/** The unsigned 16-bit big-endian value at `offset`. */
export function readBe16(bytes: Uint8Array, offset: number): number {
  return (bytes[offset] << 8) | bytes[offset + 1];
}

/** The unsigned 32-bit big-endian value at `offset`. */
export function readBe32(bytes: Uint8Array, offset: number): number {
  return ((bytes[offset] << 24) | (bytes[offset + 1] << 16) | (bytes[offset + 2] << 8) | bytes[offset + 3]) >>> 0;
}

/** Stores the low 16 bits of `value` big-endian at `offset`. */
export function writeBe16(bytes: Uint8Array, offset: number, value: number): void {
  bytes[offset] = value >>> 8;
  bytes[offset + 1] = value;
}

/** Stores the low 32 bits of `value` big-endian at `offset`. */
export function writeBe32(bytes: Uint8Array, offset: number, value: number): void {
  bytes[offset] = value >>> 24;
  bytes[offset + 1] = value >>> 16;
  bytes[offset + 2] = value >>> 8;
  bytes[offset + 3] = value;
}

/**
 * Stores the low 32 bits of `value` little-endian at `offset`: netlink's host
 * byte order on the little-endian machines Node.js runs on here.
 */
export function writeLe32(bytes: Uint8Array, offset: number, value: number): void {
  bytes[offset] = value;
  bytes[offset + 1] = value >>> 8;
  bytes[offset + 2] = value >>> 16;
  bytes[offset + 3] = value >>> 24;
}
