// A prefix trie over one address field (nw_src, ipv6_dst, tun_id, ...) of
// every classifier rule whose mask on that field is a CIDR prefix. The
// classifier asks it, once per lookup, which prefix lengths of rules agree
// with the packet's address and how many leading address bits that answer
// depends on; a subtable whose prefix length is not among them cannot match,
// and skipping it needs only those bits un-wildcarded (docs/classifier.md).
// Path-compressed binary trie; values are 1, 2 or 4 big-endian words.

/**
 * A node: the prefix of its first `length` bits (the rest zero), how many
 * rules end exactly here, and the subtrees by the next bit.
 */
class TrieNode {
  length: number;
  w0: number;
  w1: number;
  w2: number;
  w3: number;
  /** Rules whose prefix is exactly this node's. */
  count = 0;
  zero: TrieNode | null = null;
  one: TrieNode | null = null;

  constructor(length: number, w0: number, w1: number, w2: number, w3: number) {
    this.length = length;
    this.w0 = w0;
    this.w1 = w1;
    this.w2 = w2;
    this.w3 = w3;
  }
}

function nodeWord(node: TrieNode, index: number): number {
  return index === 0 ? node.w0 : index === 1 ? node.w1 : index === 2 ? node.w2 : node.w3;
}

/** The first `bits` bits of a word set (bits 0..32, most significant first). */
export function prefixMask(bits: number): number {
  return bits <= 0 ? 0 : bits >= 32 ? 0xffffffff : (0xffffffff << (32 - bits)) >>> 0;
}

/** Bit `index` (0 is the most significant bit of word 0) of words at `offset`. */
function bitAt(words: ArrayLike<number>, offset: number, index: number): number {
  return (words[offset + (index >>> 5)] >>> (31 - (index & 31))) & 1;
}

/** First bit in [from, to) where `words` (at `offset`) and the node's prefix differ, or -1. */
function firstDifference(words: ArrayLike<number>, offset: number, node: TrieNode, from: number, to: number): number {
  for (let w = from >>> 5; w <= (to - 1) >>> 5; w++) {
    const base = w << 5;
    const lo = from > base ? from - base : 0;
    const hi = to < base + 32 ? to - base : 32;
    const mask = (prefixMask(hi) & ~prefixMask(lo)) >>> 0;
    const diff = ((words[offset + w] ^ nodeWord(node, w)) & mask) >>> 0;
    if (diff !== 0) return base + Math.clz32(diff);
  }
  return -1;
}

function makeNode(words: ArrayLike<number>, offset: number, length: number, wordCount: number): TrieNode {
  const v = [0, 0, 0, 0];
  for (let i = 0; i < wordCount; i++) v[i] = (words[offset + i] & prefixMask(length - i * 32)) >>> 0;
  return new TrieNode(length, v[0], v[1], v[2], v[3]);
}

export class PrefixTrie {
  /** Words in a value: 1 (IPv4), 2 (tun_id) or 4 (IPv6). */
  readonly wordCount: number;
  readonly bits: number;
  private readonly root = new TrieNode(0, 0, 0, 0, 0);
  /** Prefixes stored (with multiplicity). */
  size = 0;

  /** Result of the last lookup(): bit L set when some stored prefix of length L agrees with the value. */
  readonly matchLengths: Uint32Array;
  /** Result of the last lookup(): every value that agrees on this many leading bits gets the same matchLengths. */
  checkBits = 0;

  constructor(wordCount: number) {
    if (wordCount !== 1 && wordCount !== 2 && wordCount !== 4) throw new RangeError(`trie of ${wordCount} words`);
    this.wordCount = wordCount;
    this.bits = wordCount * 32;
    this.matchLengths = new Uint32Array(wordCount + 1);
  }

  /** Adds one rule's prefix: the first `length` (1..bits) bits of words[offset..]. */
  insert(words: ArrayLike<number>, offset: number, length: number): void {
    if (length < 1 || length > this.bits) throw new RangeError(`prefix length ${length} out of range`);
    this.size++;
    let node = this.root;
    let depth = 0;
    for (;;) {
      if (depth === length) {
        node.count++;
        return;
      }
      const bit = bitAt(words, offset, depth);
      const child = bit ? node.one : node.zero;
      if (child === null) {
        const leaf = makeNode(words, offset, length, this.wordCount);
        leaf.count = 1;
        if (bit) node.one = leaf;
        else node.zero = leaf;
        return;
      }
      const end = child.length < length ? child.length : length;
      const diff = firstDifference(words, offset, child, depth, end);
      if (diff < 0 && child.length <= length) {
        node = child;
        depth = child.length;
        continue;
      }
      // Split the edge to `child` at `at`: the new prefix ends there, or it
      // branches off there.
      const at = diff < 0 ? length : diff;
      const childWords = [child.w0, child.w1, child.w2, child.w3];
      const middle = makeNode(childWords, 0, at, this.wordCount);
      if (bitAt(childWords, 0, at)) middle.one = child;
      else middle.zero = child;
      if (at === length) {
        middle.count = 1;
      } else {
        const leaf = makeNode(words, offset, length, this.wordCount);
        leaf.count = 1;
        if (bitAt(words, offset, at)) middle.one = leaf;
        else middle.zero = leaf;
      }
      if (bit) node.one = middle;
      else node.zero = middle;
      return;
    }
  }

  /** Removes one rule's prefix added by insert(); false when it was not there. */
  remove(words: ArrayLike<number>, offset: number, length: number): boolean {
    const path: TrieNode[] = [this.root];
    let node = this.root;
    let depth = 0;
    while (depth < length) {
      const child = bitAt(words, offset, depth) ? node.one : node.zero;
      if (child === null || child.length > length) return false;
      if (firstDifference(words, offset, child, depth, child.length) >= 0) return false;
      node = child;
      depth = child.length;
      path.push(node);
    }
    if (node === this.root || node.count === 0) return false;
    node.count--;
    this.size--;
    // Prune: a node that ends no prefix needs at least two children to stay.
    for (let i = path.length - 1; i > 0; i--) {
      const n = path[i];
      if (n.count > 0 || (n.zero !== null && n.one !== null)) break;
      const parent = path[i - 1];
      const replacement = n.zero ?? n.one;
      if (parent.zero === n) parent.zero = replacement;
      else parent.one = replacement;
      if (replacement !== null) break;
    }
    return true;
  }

  /**
   * Walks the trie along the value at words[offset..]: fills matchLengths
   * and checkBits. No allocation.
   */
  lookup(words: ArrayLike<number>, offset: number): void {
    const lengths = this.matchLengths;
    lengths.fill(0);
    let node = this.root;
    let depth = 0;
    for (;;) {
      if (depth === this.bits) {
        this.checkBits = depth;
        return;
      }
      const child = bitAt(words, offset, depth) ? node.one : node.zero;
      if (child === null) {
        // Bit `depth` decided only if the other branch exists.
        this.checkBits = node.zero !== null || node.one !== null ? depth + 1 : depth;
        return;
      }
      const diff = firstDifference(words, offset, child, depth + 1, child.length);
      if (diff >= 0) {
        this.checkBits = diff + 1;
        return;
      }
      depth = child.length;
      if (child.count > 0) lengths[depth >>> 5] |= 1 << (depth & 31);
      node = child;
    }
  }

  /** After lookup(): whether a stored prefix of `length` bits agrees with the value. */
  hasLength(length: number): boolean {
    return (this.matchLengths[length >>> 5] & (1 << (length & 31))) !== 0;
  }
}
