// A prefix trie over one address field (nw_src, ipv6_dst, tun_id, ...) of
// the classifier rules whose mask there is a CIDR prefix. Once per lookup
// the classifier asks which prefix lengths agree with the packet's address
// and how many leading bits decide that; a subtable whose length is missing
// is skipped with only those bits un-wildcarded. Path-compressed binary
// trie over 1, 2 or 4 big-endian words (docs/classifier.md).

// Nodes live in one Int32Array, STRIDE words each, so that a step of the
// walk reads one cache line (objects would box the 32-bit prefix words).
const STRIDE = 8;
/** Prefix length of the node (bits from the root). */
const LENGTH = 0;
/** Rules whose prefix is exactly this node's. */
const COUNT = 1;
/** Child node indexes by the next bit (0: none; node 0 is the root, never a child). */
const ZERO = 2;
const ONE = 3;
/** The prefix, big-endian words, zero past LENGTH bits. */
const WORDS = 4;

/** The first `bits` bits of a word set (bits 0..32, most significant first). */
export function prefixMask(bits: number): number {
  return bits <= 0 ? 0 : bits >= 32 ? 0xffffffff : (0xffffffff << (32 - bits)) >>> 0;
}

/** Bit `index` (0 is the most significant bit of word 0) of words at `offset`. */
function bitAt(words: ArrayLike<number>, offset: number, index: number): number {
  return (words[offset + (index >>> 5)] >>> (31 - (index & 31))) & 1;
}

export class PrefixTrie {
  /** Words in a value: 1 (IPv4), 2 (tun_id) or 4 (IPv6). */
  readonly wordCount: number;
  readonly bits: number;
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

  private nodes = new Int32Array(STRIDE * 16);
  /** Nodes handed out (node 0 is the root). */
  private nodeCount = 1;
  private readonly freeNodes: number[] = [];

  private allocate(): number {
    let n = this.freeNodes.pop();
    if (n === undefined) {
      n = this.nodeCount++;
      if (n * STRIDE >= this.nodes.length) {
        const grown = new Int32Array(this.nodes.length * 2);
        grown.set(this.nodes);
        this.nodes = grown;
      }
    }
    this.nodes.fill(0, n * STRIDE, n * STRIDE + STRIDE);
    return n;
  }

  /** A new node holding the first `length` bits of words[offset..]. */
  private makeNode(words: ArrayLike<number>, offset: number, length: number): number {
    const n = this.allocate();
    const base = n * STRIDE;
    this.nodes[base + LENGTH] = length;
    for (let i = 0; i < this.wordCount; i++) this.nodes[base + WORDS + i] = words[offset + i] & prefixMask(length - i * 32);
    return n;
  }

  private child(node: number, bit: number): number {
    return this.nodes[node * STRIDE + (bit ? ONE : ZERO)];
  }

  private setChild(node: number, bit: number, child: number): void {
    this.nodes[node * STRIDE + (bit ? ONE : ZERO)] = child;
  }

  /** First bit in [from, to) where words[offset..] and the node's prefix differ, or -1. */
  private firstDifference(words: ArrayLike<number>, offset: number, node: number, from: number, to: number): number {
    const base = node * STRIDE + WORDS;
    for (let w = from >>> 5; w <= (to - 1) >>> 5; w++) {
      const first = w << 5;
      const lo = from > first ? from - first : 0;
      const hi = to < first + 32 ? to - first : 32;
      const mask = prefixMask(hi) & ~prefixMask(lo);
      const diff = (words[offset + w] ^ this.nodes[base + w]) & mask;
      if (diff !== 0) return first + Math.clz32(diff);
    }
    return -1;
  }

  /** Adds one rule's prefix: the first `length` (1..bits) bits of words[offset..]. */
  insert(words: ArrayLike<number>, offset: number, length: number): void {
    if (length < 1 || length > this.bits) throw new RangeError(`prefix length ${length} out of range`);
    this.size++;
    const nodes = (): Int32Array => this.nodes; // allocate() may replace the array
    let node = 0;
    let depth = 0;
    for (;;) {
      if (depth === length) {
        nodes()[node * STRIDE + COUNT]++;
        return;
      }
      const bit = bitAt(words, offset, depth);
      const child = this.child(node, bit);
      if (child === 0) {
        const leaf = this.makeNode(words, offset, length);
        nodes()[leaf * STRIDE + COUNT] = 1;
        this.setChild(node, bit, leaf);
        return;
      }
      const childLength = nodes()[child * STRIDE + LENGTH];
      const end = childLength < length ? childLength : length;
      const diff = this.firstDifference(words, offset, child, depth, end);
      if (diff < 0 && childLength <= length) {
        node = child;
        depth = childLength;
        continue;
      }
      // Split the edge to `child` at `at`: the new prefix ends there, or it
      // branches off there.
      const at = diff < 0 ? length : diff;
      const childWords = nodes().slice(child * STRIDE + WORDS, child * STRIDE + WORDS + 4);
      const middle = this.makeNode(childWords, 0, at);
      this.setChild(middle, bitAt(childWords, 0, at), child);
      if (at === length) {
        nodes()[middle * STRIDE + COUNT] = 1;
      } else {
        const leaf = this.makeNode(words, offset, length);
        nodes()[leaf * STRIDE + COUNT] = 1;
        this.setChild(middle, bitAt(words, offset, at), leaf);
      }
      this.setChild(node, bit, middle);
      return;
    }
  }

  /** Removes one rule's prefix added by insert(); false when it was not there. */
  remove(words: ArrayLike<number>, offset: number, length: number): boolean {
    const nodes = this.nodes;
    const path: number[] = [0];
    let node = 0;
    let depth = 0;
    while (depth < length) {
      const child = this.child(node, bitAt(words, offset, depth));
      if (child === 0) return false;
      const childLength = nodes[child * STRIDE + LENGTH];
      if (childLength > length || this.firstDifference(words, offset, child, depth, childLength) >= 0) return false;
      node = child;
      depth = childLength;
      path.push(node);
    }
    if (node === 0 || nodes[node * STRIDE + COUNT] === 0) return false;
    nodes[node * STRIDE + COUNT]--;
    this.size--;
    // Prune: a node that ends no prefix needs two children to stay.
    for (let i = path.length - 1; i > 0; i--) {
      const n = path[i];
      const zero = nodes[n * STRIDE + ZERO];
      const one = nodes[n * STRIDE + ONE];
      if (nodes[n * STRIDE + COUNT] > 0 || (zero !== 0 && one !== 0)) break;
      const parent = path[i - 1];
      const replacement = zero !== 0 ? zero : one;
      if (nodes[parent * STRIDE + ZERO] === n) nodes[parent * STRIDE + ZERO] = replacement;
      else nodes[parent * STRIDE + ONE] = replacement;
      this.freeNodes.push(n);
      if (replacement !== 0) break;
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
    const nodes = this.nodes;
    let node = 0;
    let depth = 0;
    for (;;) {
      if (depth === this.bits) {
        this.checkBits = depth;
        return;
      }
      const base = node * STRIDE;
      const child = nodes[base + ((words[offset + (depth >>> 5)] >>> (31 - (depth & 31))) & 1 ? ONE : ZERO)];
      if (child === 0) {
        // Bit `depth` decided only if the other branch exists.
        this.checkBits = nodes[base + ZERO] !== 0 || nodes[base + ONE] !== 0 ? depth + 1 : depth;
        return;
      }
      const childLength = nodes[child * STRIDE + LENGTH];
      const diff = this.firstDifference(words, offset, child, depth + 1, childLength);
      if (diff >= 0) {
        this.checkBits = diff + 1;
        return;
      }
      depth = childLength;
      if (nodes[child * STRIDE + COUNT] > 0) lengths[depth >>> 5] |= 1 << (depth & 31);
      node = child;
    }
  }

  /** After lookup(): whether a stored prefix of `length` bits agrees with the value. */
  hasLength(length: number): boolean {
    return (this.matchLengths[length >>> 5] & (1 << (length & 31))) !== 0;
  }
}
