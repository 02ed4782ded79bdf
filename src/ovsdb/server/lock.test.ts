// Unit tests of LockManager: queue order, steal, and who is told what.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LockManager, type LockHolder } from './lock.js';

class Holder implements LockHolder {
  readonly told: string[] = [];
  notifyLock(method: 'locked' | 'stolen', name: string): void {
    this.told.push(`${method} ${name}`);
  }
}

test('lock() gives the lock to the first session and queues the others', () => {
  const locks = new LockManager();
  const [a, b] = [new Holder(), new Holder()];
  assert.equal(locks.lock('L', a), true);
  assert.equal(locks.lock('L', b), false);
  assert.equal(locks.isOwner('L', a), true);
  assert.equal(locks.isOwner('L', b), false);
  locks.unlock('L', a);
  assert.equal(locks.isOwner('L', b), true);
  assert.deepEqual(b.told, ['locked L']);
});

test('steal() tells the owner "stolen" and keeps it queued for later', () => {
  const locks = new LockManager();
  const [a, b] = [new Holder(), new Holder()];
  locks.lock('L', a);
  locks.steal('L', b);
  assert.deepEqual(a.told, ['stolen L']);
  assert.equal(locks.isOwner('L', b), true);
  locks.unlock('L', b);
  assert.deepEqual(a.told, ['stolen L', 'locked L']);
});

test('unlock() of a waiter tells the unchanged owner "locked" again, as ovsdb-server 3.1 does', () => {
  const locks = new LockManager();
  const [a, b] = [new Holder(), new Holder()];
  locks.lock('L', a);
  locks.lock('L', b);
  locks.unlock('L', b);
  assert.deepEqual(a.told, ['locked L']);
});

test('release() drops every lock of a closing session', () => {
  const locks = new LockManager();
  const [a, b] = [new Holder(), new Holder()];
  locks.lock('L', a);
  locks.lock('M', a);
  locks.lock('M', b);
  locks.release(a);
  assert.deepEqual(locks.names(), ['M']);
  assert.equal(locks.isOwner('M', b), true);
  assert.equal(locks.isQueued('L', a), false);
});
