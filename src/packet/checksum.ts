// Checksums: the Internet checksum (RFC 1071) over byte ranges, IPv4/IPv6
// pseudo-header sums, incremental updates (RFC 1624) for set-field actions,
// and CRC32c for SCTP. Called by the datapath, flow tests, builder and decoder.
// Sums are plain numbers: 16-bit words added without folding stay exact far
// beyond any packet size, so folding happens once at the end. Hot-path
// functions take positional arguments (no options object to allocate per call).

import { readBe16 } from './bytes.js';
import { IPV4_SRC_OFFSET } from './ip.js';
import { IPV6_SRC_OFFSET } from './ipv6.js';

/**
 * Adds the bytes [start, end) as big-endian 16-bit words to `sum` (an odd last
 * byte is padded with zero). `start` must be at an even distance from the
 * start of the checksummed data. The result is unfolded: pass it to
 * finishChecksum() or on to further sums.
 */
export function onesComplementSum(bytes: Uint8Array, start: number, end: number, sum = 0): number {
  // High and low bytes of the words summed apart, 8 bytes a round: about a
  // third faster than word by word, and both stay small integers for any frame.
  let high = 0;
  let low = 0;
  let i = start;
  const stop = end - 7;
  for (; i < stop; i += 8) {
    high += bytes[i] + bytes[i + 2] + bytes[i + 4] + bytes[i + 6];
    low += bytes[i + 1] + bytes[i + 3] + bytes[i + 5] + bytes[i + 7];
  }
  for (; i + 1 < end; i += 2) {
    high += bytes[i];
    low += bytes[i + 1];
  }
  if (i < end) high += bytes[i];
  return sum + high * 256 + low;
}

/** Folds a sum to 16 bits (end-around carry), without complementing it. */
export function foldSum(sum: number): number {
  while (sum > 0xffff) sum = (sum & 0xffff) + Math.floor(sum / 0x10000);
  return sum;
}

/** The checksum field value for an unfolded sum: the complement of the folded sum. */
export function finishChecksum(sum: number): number {
  return ~foldSum(sum) & 0xffff;
}

/** The Internet checksum of [start, end); 0 when data that includes its own checksum is correct. */
export function internetChecksum(bytes: Uint8Array, start = 0, end = bytes.length): number {
  return finishChecksum(onesComplementSum(bytes, start, end));
}

/** Pseudo-header sum of the IPv4 header at `l3Offset`: addresses, protocol, transport length. */
export function ipv4PseudoHeaderSum(bytes: Uint8Array, l3Offset: number, proto: number, l4Size: number): number {
  const a = l3Offset + IPV4_SRC_OFFSET;
  return (
    readBe16(bytes, a) + readBe16(bytes, a + 2) + readBe16(bytes, a + 4) + readBe16(bytes, a + 6) + proto + l4Size
  );
}

/**
 * Pseudo-header sum of the IPv6 header at `l3Offset`: addresses as they stand
 * in the header (a routing header's final destination is the caller's business),
 * upper-layer length and next header.
 */
export function ipv6PseudoHeaderSum(bytes: Uint8Array, l3Offset: number, nextHeader: number, l4Size: number): number {
  const a = l3Offset + IPV6_SRC_OFFSET;
  let sum = onesComplementSum(bytes, a, a + 32);
  sum += Math.floor(l4Size / 0x10000) + (l4Size & 0xffff) + nextHeader;
  return sum;
}

/** RFC 1624 eqn. 3: the new checksum after a 16-bit field changed from `oldValue` to `newValue`. */
export function checksumUpdate16(checksum: number, oldValue: number, newValue: number): number {
  const sum = (~checksum & 0xffff) + (~oldValue & 0xffff) + (newValue & 0xffff);
  return ~foldSum(sum) & 0xffff;
}

/** RFC 1624 for a 32-bit field (an IPv4 address, say): both halves at once. */
export function checksumUpdate32(checksum: number, oldValue: number, newValue: number): number {
  const sum =
    (~checksum & 0xffff) +
    (~(oldValue >>> 16) & 0xffff) +
    (~oldValue & 0xffff) +
    (newValue >>> 16) +
    (newValue & 0xffff);
  return ~foldSum(sum) & 0xffff;
}

// CRC32c (Castagnoli, reflected polynomial 0x82f63b78), slicing by 8: table k
// advances a byte's contribution by k more bytes, so eight bytes cost eight
// lookups and one dependency chain instead of eight (about twice as fast here).
const CRC32C_TABLES = new Uint32Array(8 * 256);
for (let n = 0; n < 256; n++) {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
  CRC32C_TABLES[n] = c >>> 0;
}
for (let n = 0; n < 256; n++) {
  for (let t = 1; t < 8; t++) {
    const previous = CRC32C_TABLES[(t - 1) * 256 + n];
    CRC32C_TABLES[t * 256 + n] = (previous >>> 8) ^ CRC32C_TABLES[previous & 0xff];
  }
}

/** CRC32c of [start, end) with the usual all-ones start and final inversion. */
export function crc32c(bytes: Uint8Array, start = 0, end = bytes.length): number {
  const T = CRC32C_TABLES;
  let crc = 0xffffffff;
  let i = start;
  for (const stop = end - 7; i < stop; i += 8) {
    const low = crc ^ (bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24));
    crc =
      T[7 * 256 + (low & 0xff)] ^
      T[6 * 256 + ((low >>> 8) & 0xff)] ^
      T[5 * 256 + ((low >>> 16) & 0xff)] ^
      T[4 * 256 + (low >>> 24)] ^
      T[3 * 256 + bytes[i + 4]] ^
      T[2 * 256 + bytes[i + 5]] ^
      T[256 + bytes[i + 6]] ^
      T[bytes[i + 7]];
  }
  for (; i < end; i++) crc = T[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
  return ~crc >>> 0;
}

/**
 * Fills in the SCTP checksum of the packet at [l4Offset, end): zeroes the
 * field, computes CRC32c over the whole SCTP packet and stores it in the byte
 * order SCTP uses (least significant byte first).
 */
export function setSctpChecksum(bytes: Uint8Array, l4Offset: number, end: number): void {
  const at = l4Offset + 8;
  bytes[at] = bytes[at + 1] = bytes[at + 2] = bytes[at + 3] = 0;
  const crc = crc32c(bytes, l4Offset, end);
  bytes[at] = crc;
  bytes[at + 1] = crc >>> 8;
  bytes[at + 2] = crc >>> 16;
  bytes[at + 3] = crc >>> 24;
}
