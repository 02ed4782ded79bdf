import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  checksumUpdate16,
  checksumUpdate32,
  crc32c,
  internetChecksum,
  ipv4PseudoHeaderSum,
  ipv6PseudoHeaderSum,
  onesComplementSum,
  finishChecksum,
  foldSum,
} from './checksum.js';
import { hexToBytes } from './hex.js';
import { readBe16, writeBe16, writeBe32, readBe32 } from './bytes.js';

// A captured IPv4 header whose checksum field (b861) is correct.
const IPV4_HEADER = hexToBytes('45000073000040004011b861c0a80001c0a800c7');

test('internetChecksum() gives the known checksum of an IPv4 header and 0 over a correct one', () => {
  const copy = IPV4_HEADER.slice();
  writeBe16(copy, 10, 0);
  assert.equal(internetChecksum(copy), 0xb861);
  assert.equal(internetChecksum(IPV4_HEADER), 0);
});

test('internetChecksum() pads an odd last byte with zero (RFC 1071 example words)', () => {
  // RFC 1071 section 3: 00 01 f2 03 f4 f5 f6 f7 sums to ddf2 (checksum 220d).
  assert.equal(internetChecksum(hexToBytes('0001f203f4f5f6f7')), 0x220d);
  assert.equal(internetChecksum(hexToBytes('01')), 0xfeff);
  assert.equal(foldSum(0x1ffff), 1);
  assert.equal(foldSum(0x2fffd), 0xffff);
});

test('ipv4PseudoHeaderSum() makes a known UDP checksum come out right', () => {
  // IPv4/UDP 10.0.0.1:1234 -> 10.0.0.2:5678, payload "hi".
  const packet = hexToBytes('4500001e 00000000 40110000 0a000001 0a000002' + '04d2162e 000a0000' + '6869');
  const pseudo = ipv4PseudoHeaderSum(packet, 0, 17, 10);
  const checksum = finishChecksum(onesComplementSum(packet, 20, 30, pseudo));
  writeBe16(packet, 26, checksum);
  // With the checksum in place the whole sum (pseudo-header included) verifies to zero.
  assert.equal(finishChecksum(onesComplementSum(packet, 20, 30, pseudo)), 0);
  // Independent arithmetic: 0a00+0001+0a00+0002+0011+000a + 04d2+162e+000a+0000+6869.
  let sum = 0x0a00 + 0x0001 + 0x0a00 + 0x0002 + 0x11 + 0x0a + 0x04d2 + 0x162e + 0x000a + 0x6869;
  sum = (sum & 0xffff) + (sum >>> 16);
  assert.equal(checksum, ~sum & 0xffff);
});

test('ipv6PseudoHeaderSum() sums addresses, length and next header', () => {
  const header = new Uint8Array(40);
  header[8 + 15] = 1; // ::1
  header[24 + 15] = 2; // ::2
  assert.equal(ipv6PseudoHeaderSum(header, 0, 58, 0x10008), 1 + 2 + 1 + 8 + 58);
});

test('checksumUpdate16() and checksumUpdate32() agree with recomputation', () => {
  const header = IPV4_HEADER.slice();
  const old = readBe16(header, 10);
  // TTL/protocol word 4011 -> 3f11 (a TTL decrement).
  writeBe16(header, 8, 0x3f11);
  const updated = checksumUpdate16(old, 0x4011, 0x3f11);
  writeBe16(header, 10, 0);
  assert.equal(updated, internetChecksum(header));
  writeBe16(header, 10, updated);
  // Source address c0a80001 -> 0a141e28.
  const oldAddr = readBe32(header, 12);
  writeBe32(header, 12, 0x0a141e28);
  const updated2 = checksumUpdate32(updated, oldAddr, 0x0a141e28);
  writeBe16(header, 10, 0);
  assert.equal(updated2, internetChecksum(header));
});

test('crc32c() gives the standard check value and the RFC 3720 vectors', () => {
  assert.equal(crc32c(new TextEncoder().encode('123456789')), 0xe3069283);
  assert.equal(crc32c(new Uint8Array(32)), 0x8a9136aa);
  assert.equal(crc32c(new Uint8Array(32).fill(0xff)), 0x62a8ab43);
});

test('onesComplementSum() matches a word-by-word sum for every length and start', () => {
  const bytes = new Uint8Array(64).map((_, i) => (i * 37 + 11) & 0xff);
  for (let start = 0; start < 4; start += 2) {
    for (let end = start; end <= bytes.length; end++) {
      let expected = 7;
      for (let i = start; i < end; i += 2) expected += (bytes[i] << 8) | (i + 1 < end ? bytes[i + 1] : 0);
      assert.equal(onesComplementSum(bytes, start, end, 7), expected, `${start}..${end}`);
    }
  }
});

test('crc32c() agrees with a bitwise reference for every length up to 40 and any start', () => {
  const reference = (bytes: Uint8Array, start: number, end: number): number => {
    let crc = 0xffffffff;
    for (let i = start; i < end; i++) {
      crc ^= bytes[i];
      for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
    }
    return ~crc >>> 0;
  };
  const bytes = new Uint8Array(48).map((_, i) => (i * 151 + 7) & 0xff);
  for (let start = 0; start < 5; start++) {
    for (let end = start; end <= start + 40; end++) assert.equal(crc32c(bytes, start, end), reference(bytes, start, end), `${start}..${end}`);
  }
});
