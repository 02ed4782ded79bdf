// Text forms of link and network addresses: MAC "aa:bb:cc:dd:ee:ff", IPv4
// dotted quad and IPv6 as inet_ntop prints it (what OVS prints). Not for the
// hot path: used by the builder, decoder, tests and text formatters.

import { ParseError } from '../lib/errors.js';

/** Parses "aa:bb:cc:dd:ee:ff" (also with '-' separators) into 6 bytes. */
export function parseMac(text: string): Uint8Array {
  const parts = text.split(/[:-]/);
  const bytes = new Uint8Array(6);
  if (parts.length !== 6) throw new ParseError(`${text}: invalid Ethernet address`);
  for (let i = 0; i < 6; i++) {
    if (!/^[0-9a-fA-F]{1,2}$/.test(parts[i])) throw new ParseError(`${text}: invalid Ethernet address`);
    bytes[i] = parseInt(parts[i], 16);
  }
  return bytes;
}

/** "aa:bb:cc:dd:ee:ff" for the 6 bytes at `offset`. */
export function formatMac(bytes: Uint8Array, offset = 0): string {
  const out: string[] = [];
  for (let i = 0; i < 6; i++) out.push(bytes[offset + i].toString(16).padStart(2, '0'));
  return out.join(':');
}

/** Parses a dotted quad into 4 bytes. */
export function parseIpv4(text: string): Uint8Array {
  const parts = text.split('.');
  const bytes = new Uint8Array(4);
  if (parts.length !== 4) throw new ParseError(`${text}: invalid IPv4 address`);
  for (let i = 0; i < 4; i++) {
    if (!/^[0-9]{1,3}$/.test(parts[i]) || Number(parts[i]) > 255) {
      throw new ParseError(`${text}: invalid IPv4 address`);
    }
    bytes[i] = Number(parts[i]);
  }
  return bytes;
}

/** Dotted quad for the 4 bytes at `offset`. */
export function formatIpv4(bytes: Uint8Array, offset = 0): string {
  return `${bytes[offset]}.${bytes[offset + 1]}.${bytes[offset + 2]}.${bytes[offset + 3]}`;
}

/** Parses IPv6 text ("2001:db8::1", "::ffff:10.0.0.1") into 16 bytes. */
export function parseIpv6(text: string): Uint8Array {
  const fail = (): never => {
    throw new ParseError(`${text}: invalid IPv6 address`);
  };
  const bytes = new Uint8Array(16);
  const halves = text.split('::');
  if (halves.length > 2) fail();
  const groupsOf = (part: string, allowTail: boolean): number[] => {
    if (part === '') return [];
    const out: number[] = [];
    const items = part.split(':');
    for (let i = 0; i < items.length; i++) {
      const item = items[i];
      if (allowTail && i === items.length - 1 && item.includes('.')) {
        const v4 = parseIpv4(item);
        out.push((v4[0] << 8) | v4[1], (v4[2] << 8) | v4[3]);
      } else if (/^[0-9a-fA-F]{1,4}$/.test(item)) {
        out.push(parseInt(item, 16));
      } else {
        fail();
      }
    }
    return out;
  };
  const head = groupsOf(halves[0], halves.length === 1);
  const tail = halves.length === 2 ? groupsOf(halves[1], true) : [];
  if (halves.length === 1 ? head.length !== 8 : head.length + tail.length > 7) fail();
  const groups = [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
  for (let i = 0; i < 8; i++) {
    bytes[2 * i] = groups[i] >>> 8;
    bytes[2 * i + 1] = groups[i] & 0xff;
  }
  return bytes;
}

/**
 * IPv6 text as glibc's inet_ntop writes it: lower case, the longest run of two
 * or more zero groups (the first on a tie) as "::", and a dotted tail for
 * IPv4-compatible and IPv4-mapped addresses.
 */
export function formatIpv6(bytes: Uint8Array, offset = 0): string {
  const groups: number[] = [];
  for (let i = 0; i < 8; i++) groups.push((bytes[offset + 2 * i] << 8) | bytes[offset + 2 * i + 1]);
  let bestBase = -1;
  let bestLength = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestBase = i;
      bestLength = j - i;
    }
    i = j;
  }
  if (bestLength < 2) bestBase = -1;
  let out = '';
  for (let i = 0; i < 8; i++) {
    if (bestBase !== -1 && i >= bestBase && i < bestBase + bestLength) {
      if (i === bestBase) out += ':';
      continue;
    }
    if (i !== 0) out += ':';
    if (i === 6 && bestBase === 0 && (bestLength === 6 || (bestLength === 5 && groups[5] === 0xffff))) {
      out += formatIpv4(bytes, offset + 12);
      break;
    }
    out += groups[i].toString(16);
  }
  if (bestBase !== -1 && bestBase + bestLength === 8) out += ':';
  return out;
}
