// The order in which Open vSwitch iterates a string-keyed hash table (its
// "shash": a chained hash map keyed by a Murmur3 hash of the name, grown as
// it fills). ovsdb-client lists tables and columns, and ovsdb-tool show-log
// prints rows and columns, in that order, so printing the same text means
// visiting names in the same order. Depends only on the names and the order
// they were inserted in.

import { hashAdd, hashFinish } from '../../lib/hash.js';

/** Open vSwitch's hash_string(name, 0): Murmur3 over the UTF-8 bytes, 4 at a time, little-endian. */
export function ovsHashString(name: string, basis = 0): number {
  const bytes = Buffer.from(name, 'utf8');
  let hash = basis | 0;
  let i = 0;
  for (; i + 4 <= bytes.length; i += 4) hash = hashAdd(hash, bytes.readUInt32LE(i));
  if (i < bytes.length) {
    let tail = 0;
    for (let j = 0; i + j < bytes.length; j++) tail |= bytes[i + j] << (8 * j);
    hash = hashAdd(hash, tail);
  }
  return hashFinish(hash, bytes.length);
}

/** The bucket mask a table grows to for `capacity` entries. */
function calcMask(capacity: number): number {
  let mask = Math.floor(capacity / 2);
  mask |= mask >>> 1;
  mask |= mask >>> 2;
  mask |= mask >>> 4;
  mask |= mask >>> 8;
  mask |= mask >>> 16;
  mask |= (mask & 1) << 1;
  return mask;
}

/** The names in the order an shash built by inserting them in this order iterates them. */
export function shashOrder(names: readonly string[]): string[] {
  let mask = 0;
  let buckets: { name: string; hash: number }[][] = [[]];
  let count = 0;
  for (const name of names) {
    const node = { name, hash: ovsHashString(name) };
    buckets[node.hash & mask].unshift(node);
    count++;
    if (Math.floor(count / 2) > mask) {
      const newMask = calcMask(count);
      if (newMask > mask) {
        const resized: { name: string; hash: number }[][] = Array.from({ length: newMask + 1 }, () => []);
        for (const bucket of buckets) for (const moved of bucket) resized[moved.hash & newMask].unshift(moved);
        buckets = resized;
        mask = newMask;
      }
    }
  }
  return buckets.flatMap((bucket) => bucket.map((node) => node.name));
}
