import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  timeMsec, setClockTimer, clearClockTimer, clockStop, clockResume, clockWarp, clockResetForTests,
} from './timeval.js';

test('clockStop() freezes time and clockWarp() advances it', async () => {
  clockResetForTests();
  clockStop();
  const t0 = timeMsec();
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(timeMsec(), t0);
  await clockWarp(1000, 100);
  assert.equal(timeMsec(), t0 + 1000);
  clockResume();
  clockResetForTests();
});

test('timers fire in deadline order during a warp, and not before', async () => {
  clockResetForTests();
  clockStop();
  const fired: string[] = [];
  setClockTimer(() => fired.push('b'), 500);
  setClockTimer(() => fired.push('a'), 200);
  const cancelled = setClockTimer(() => fired.push('x'), 300);
  clearClockTimer(cancelled);
  await clockWarp(100);
  assert.deepEqual(fired, []);
  await clockWarp(1000, 1000);
  assert.deepEqual(fired, ['a', 'b']);
  clockResetForTests();
});

test('a running clock fires timers in real time', async () => {
  clockResetForTests();
  const fired = await new Promise<boolean>((resolve) => {
    const keepAlive = setTimeout(() => resolve(false), 2000);
    setClockTimer(() => { clearTimeout(keepAlive); resolve(true); }, 10);
  });
  assert.ok(fired);
  clockResetForTests();
});
