import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UpcallQueues } from './upcall-queue.js';

const msg = (n: number): Uint8Array => Uint8Array.of(n);

test('UpcallQueues keeps order per socket and refuses past the limit', () => {
  const queues = new UpcallQueues(2);
  assert.equal(queues.enqueue(7, msg(1)), true);
  assert.equal(queues.enqueue(7, msg(2)), true);
  assert.equal(queues.enqueue(7, msg(3)), false);
  assert.equal(queues.enqueue(8, msg(4)), true);
  assert.deepEqual(queues.take(7, 10).map((m) => m[0]), [1, 2]);
  assert.equal(queues.size(7), 0);
  assert.equal(queues.size(8), 1);
});

test('UpcallQueues signals arrival only when a queue becomes non-empty', () => {
  const queues = new UpcallQueues();
  const signalled: number[] = [];
  queues.onArrival = (pid) => signalled.push(pid);
  queues.enqueue(3, msg(1));
  queues.enqueue(3, msg(2));
  queues.take(3, 1);
  queues.enqueue(3, msg(3));
  queues.take(3, 5);
  queues.enqueue(3, msg(4));
  assert.deepEqual(signalled, [3, 3]);
  queues.drop(3);
  assert.equal(queues.size(3), 0);
});
