import { test } from 'node:test';
import assert from 'node:assert/strict';
import { xorshift32 } from './random.js';

test('xorshift32() gives the reference sequence and replays from its seed', () => {
  // Marsaglia's xorshift32 from state 1 starts 270369, 67634689, 2647435461.
  const next = xorshift32(1);
  assert.deepEqual([next(), next(), next()], [270369, 67634689, 2647435461]);
  const a = xorshift32(0xc0ffee);
  const b = xorshift32(0xc0ffee);
  for (let i = 0; i < 100; i++) assert.equal(a(), b());
});
