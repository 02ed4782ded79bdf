// Attribute policies: what each attribute of a message may be (type, length,
// value range, mandatory, nested sub-policy), checked in one pass that also
// indexes where each attribute sits. The datapath's family handlers validate
// every request with these before touching state, and dpif checks replies
// the same way. Outside input never throws here: the answer is an errno.

import { EINVAL, ERANGE } from '../lib/errno.js';
import {
  NLA_F_NESTED, NlAttrIter, readBe16, readBe32, readString, readU16, readU32, readU64Big, readU64Number,
} from './attr.js';

/** Attribute kinds (Linux's NLA_* policy types, OVS's NL_A_*). */
export const NlType = {
  /** Any bytes (NLA_UNSPEC / NLA_BINARY); bound it with minLength/maxLength. */
  BINARY: 0,
  U8: 1,
  U16: 2,
  U32: 3,
  U64: 4,
  BE16: 5,
  BE32: 6,
  BE64: 7,
  /** NUL-terminated text (NLA_NUL_STRING); maxLength excludes the NUL. */
  STRING: 8,
  /** No payload: presence is the value. */
  FLAG: 9,
  /** A run of attributes, checked against `nested` when given. */
  NESTED: 10,
} as const;
export type NlType = (typeof NlType)[keyof typeof NlType];

const FIXED_SIZE = [-1, 1, 2, 4, 8, 2, 4, 8, -1, 0, -1];

/** Linux refuses policies nested deeper than this; so do we. */
export const MAX_NESTING_DEPTH = 10;

export interface AttrPolicy {
  readonly type: NlType;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly mandatory?: boolean;
  /** Sub-policy that a NESTED attribute's contents must satisfy. */
  readonly nested?: Policy;
  /** Value range for integer kinds (checked on the low 32 bits for 64-bit kinds). */
  readonly min?: number;
  readonly max?: number;
}

// Rules, as Linux validates the OVS families (liberal validation, the mode
// their genl ops ask for):
// - a payload shorter than its type needs (or than minLength), longer than
//   maxLength, a flag with a payload, or a nest of 1-3 bytes is ERANGE;
//   a fixed-size integer longer than its size is accepted, as Linux only
//   warns about it (readers use the leading bytes);
// - a string must hold a NUL within its first maxLength + 1 bytes, else EINVAL;
// - a nest is empty or a well-formed run of attributes, else EINVAL (Linux
//   would only warn about trailing garbage; we refuse it);
// - an integer outside [min, max] is ERANGE;
// - NLA_F_NESTED on an attribute the policy does not nest is EINVAL;
// - types the policy does not know are skipped (older or newer peers), and a
//   repeated attribute wins over its predecessor, as in Linux;
// - a missing mandatory attribute is EINVAL;
// - nests deeper than MAX_NESTING_DEPTH are EINVAL.

/** A compiled policy: flat arrays indexed by attribute type, built once at load. */
export class Policy {
  readonly name: string;
  /** Highest attribute type the policy knows. */
  readonly maxType: number;
  readonly entries: ReadonlyArray<AttrPolicy | undefined>;
  private readonly kinds: Int8Array;
  private readonly minLengths: Int32Array;
  private readonly maxLengths: Int32Array;
  private readonly mandatory: readonly number[];

  constructor(name: string, entries: Readonly<Record<number, AttrPolicy>>) {
    this.name = name;
    let maxType = 0;
    for (const key of Object.keys(entries)) maxType = Math.max(maxType, Number(key));
    this.maxType = maxType;
    const list: (AttrPolicy | undefined)[] = new Array(maxType + 1).fill(undefined);
    this.kinds = new Int8Array(maxType + 1).fill(-1);
    this.minLengths = new Int32Array(maxType + 1);
    this.maxLengths = new Int32Array(maxType + 1);
    const mandatory: number[] = [];
    for (const [key, entry] of Object.entries(entries)) {
      const type = Number(key);
      if (!Number.isInteger(type) || type < 0 || type > 0x3fff) throw new RangeError(`${name}: bad attribute type ${key}`);
      list[type] = entry;
      this.kinds[type] = entry.type;
      const fixed = FIXED_SIZE[entry.type];
      this.minLengths[type] = entry.minLength ?? (fixed >= 0 ? fixed : 0);
      this.maxLengths[type] = entry.maxLength ?? (entry.type === NlType.FLAG ? 0 : 0xffff);
      if (entry.mandatory) mandatory.push(type);
    }
    this.entries = list;
    this.mandatory = mandatory;
  }

  /**
   * Checks the attributes in bytes[start, end) and records their payload
   * offsets in `index` (absolute offsets into `bytes`). Returns 0 or an errno.
   * This is the allocation-free form for hot paths; parsePolicy() wraps it.
   */
  parseInto(bytes: Uint8Array, start: number, end: number, index: AttrIndex): number {
    index.clear(bytes);
    const error = this.check(bytes, start, end, index, 0);
    if (error !== 0) return error;
    const mandatory = this.mandatory;
    for (let i = 0; i < mandatory.length; i++) {
      if (index.offsets[mandatory[i]] < 0) return EINVAL;
    }
    return 0;
  }

  /** Validates bytes[start, end) without indexing (nested contents). */
  validate(bytes: Uint8Array, start: number, end: number, depth: number): number {
    if (depth > MAX_NESTING_DEPTH) return EINVAL;
    const error = this.check(bytes, start, end, null, depth);
    if (error !== 0 || this.mandatory.length === 0) return error;
    // Mandatory attributes inside a nest: one more walk, only for the policies that have any.
    for (const type of this.mandatory) {
      let found = false;
      const it = ITERS[depth].reset(bytes, start, end);
      while (it.next()) if (it.type === type) found = true;
      if (!found) return EINVAL;
    }
    return 0;
  }

  private check(bytes: Uint8Array, start: number, end: number, index: AttrIndex | null, depth: number): number {
    const it = ITERS[depth].reset(bytes, start, end);
    const maxType = this.maxType;
    while (it.next()) {
      const type = it.type;
      if (type > maxType) continue;
      const kind = this.kinds[type];
      if (kind < 0) continue;
      const o = it.offset;
      const len = it.length;
      if ((it.flags & NLA_F_NESTED) !== 0 && kind !== NlType.NESTED) return EINVAL;
      if (kind === NlType.STRING) {
        if (len === 0) return EINVAL;
        const limit = o + Math.min(len, this.maxLengths[type] + 1);
        let nul = o;
        while (nul < limit && bytes[nul] !== 0) nul++;
        if (nul === limit) return EINVAL;
      } else if (len < this.minLengths[type] || len > this.maxLengths[type]) {
        return ERANGE;
      } else if (kind === NlType.NESTED && len > 0 && len < 4) {
        return ERANGE;
      }
      if (kind === NlType.NESTED && len > 0) {
        const sub = this.entries[type]!.nested;
        const error = sub
          ? sub.validate(bytes, o, o + len, depth + 1)
          : validateAttrs(bytes, o, o + len);
        if (error !== 0) return error;
      } else if (kind >= NlType.U8 && kind <= NlType.BE64) {
        const entry = this.entries[type]!;
        if (entry.min !== undefined || entry.max !== undefined) {
          const value = readInt(bytes, o, kind);
          if ((entry.min !== undefined && value < entry.min) || (entry.max !== undefined && value > entry.max)) {
            return ERANGE;
          }
        }
      }
      if (index !== null) {
        index.offsets[type] = o;
        index.lengths[type] = len;
      }
    }
    return it.error;
  }
}

// One iterator per nesting level, so checking a message allocates nothing.
const ITERS: NlAttrIter[] = [];
for (let i = 0; i <= MAX_NESTING_DEPTH + 1; i++) ITERS.push(new NlAttrIter());

function readInt(b: Uint8Array, o: number, kind: number): number {
  switch (kind) {
    case NlType.U8: return b[o];
    case NlType.U16: return readU16(b, o);
    case NlType.U32: return readU32(b, o);
    case NlType.U64: return readU32(b, o);
    case NlType.BE16: return readBe16(b, o);
    case NlType.BE32: return readBe32(b, o);
    default: return readBe32(b, o + 4);
  }
}

/** 0 when bytes[start, end) is a well-formed run of attributes, else EINVAL. */
export function validateAttrs(bytes: Uint8Array, start: number, end: number): number {
  const it = new NlAttrIter(bytes, start, end);
  while (it.next());
  return it.error;
}

/**
 * Where each attribute of a parsed message sits: payload offset and length
 * per type, -1 when absent. Reused across messages by Policy.parseInto().
 * Typed getters read in place; they assume the policy checked the length.
 */
export class AttrIndex {
  bytes: Uint8Array = new Uint8Array(0);
  readonly offsets: Int32Array;
  readonly lengths: Int32Array;

  constructor(maxType: number) {
    this.offsets = new Int32Array(maxType + 1).fill(-1);
    this.lengths = new Int32Array(maxType + 1);
  }

  clear(bytes: Uint8Array): void {
    this.bytes = bytes;
    this.offsets.fill(-1);
  }

  has(type: number): boolean {
    return type < this.offsets.length && this.offsets[type] >= 0;
  }

  offset(type: number): number {
    return type < this.offsets.length ? this.offsets[type] : -1;
  }

  length(type: number): number {
    return this.has(type) ? this.lengths[type] : 0;
  }

  u8(type: number, absent = 0): number {
    return this.has(type) ? this.bytes[this.offsets[type]] : absent;
  }

  u16(type: number, absent = 0): number {
    return this.has(type) ? readU16(this.bytes, this.offsets[type]) : absent;
  }

  u32(type: number, absent = 0): number {
    return this.has(type) ? readU32(this.bytes, this.offsets[type]) : absent;
  }

  /** A u64 as a Number (exact below 2^53). */
  u64(type: number, absent = 0): number {
    return this.has(type) ? readU64Number(this.bytes, this.offsets[type]) : absent;
  }

  u64Big(type: number, absent = 0n): bigint {
    return this.has(type) ? readU64Big(this.bytes, this.offsets[type]) : absent;
  }

  be16(type: number, absent = 0): number {
    return this.has(type) ? readBe16(this.bytes, this.offsets[type]) : absent;
  }

  be32(type: number, absent = 0): number {
    return this.has(type) ? readBe32(this.bytes, this.offsets[type]) : absent;
  }

  string(type: number, absent = ''): string {
    return this.has(type) ? readString(this.bytes, this.offsets[type], this.lengths[type]) : absent;
  }

  /** The payload as a view (no copy), or undefined. */
  data(type: number): Uint8Array | undefined {
    if (!this.has(type)) return undefined;
    const o = this.offsets[type];
    return this.bytes.subarray(o, o + this.lengths[type]);
  }
}

/**
 * Checks `attrs` (exactly a run of attributes) against `policy`. Returns the
 * index, or an errno number. `into` reuses an index (sized for the policy).
 */
export function parsePolicy(attrs: Uint8Array, policy: Policy, options?: { into?: AttrIndex }): AttrIndex | number {
  const index = options?.into ?? new AttrIndex(policy.maxType);
  if (index.offsets.length <= policy.maxType) throw new RangeError(`${policy.name}: index too small for the policy`);
  const error = policy.parseInto(attrs, 0, attrs.length, index);
  return error === 0 ? index : error;
}
