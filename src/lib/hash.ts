// 32-bit hashing over Uint32Array words, in the Murmur3 style that OVS's
// lib/hash.h uses. Everything is Math.imul and shifts so that the flow key
// and its masked variants hash without allocation on the packet fast path.

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;

/** Mixes one 32-bit word into a running hash. */
export function hashAdd(hash: number, word: number): number {
  word = Math.imul(word, C1);
  word = (word << 15) | (word >>> 17);
  word = Math.imul(word, C2);
  hash ^= word;
  hash = (hash << 13) | (hash >>> 19);
  return (Math.imul(hash, 5) + 0xe6546b64) | 0;
}

/** Final avalanche; `finalWord` is conventionally the number of bytes hashed. */
export function hashFinish(hash: number, finalWord: number): number {
  hash ^= finalWord;
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash >>> 0;
}

/** Hash of words[start, end) with a basis (seed). */
export function hashWords(words: Uint32Array, basis: number, start = 0, end = words.length): number {
  let hash = basis | 0;
  for (let i = start; i < end; i++) hash = hashAdd(hash, words[i]);
  return hashFinish(hash, (end - start) * 4);
}

/** Hash of (key & mask) over [start, end): the megaflow hash of a key under a mask. */
export function hashMaskedWords(
  key: Uint32Array, mask: Uint32Array, basis: number, start = 0, end = key.length,
): number {
  let hash = basis | 0;
  for (let i = start; i < end; i++) hash = hashAdd(hash, key[i] & mask[i]);
  return hashFinish(hash, (end - start) * 4);
}

/** Hash of a single 32-bit value. */
export function hashInt(value: number, basis: number): number {
  return hashFinish(hashAdd(basis | 0, value), 4);
}

/** Hash of a string's UTF-16 code units, for tables keyed by names (not the fast path). */
export function hashString(text: string, basis: number): number {
  let hash = basis | 0;
  for (let i = 0; i < text.length; i++) hash = hashAdd(hash, text.charCodeAt(i));
  return hashFinish(hash, text.length * 2);
}
