// Deterministic pseudo-random numbers (Marsaglia's xorshift32) for fuzz tests
// and anything else that must replay from a seed: a failing iteration
// reproduces from its seed alone. Not for cryptography.

/** A generator of unsigned 32-bit values from `seed` (0 is taken as 1). */
export function xorshift32(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return state >>> 0;
  };
}
