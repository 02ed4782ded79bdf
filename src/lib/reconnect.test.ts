import { test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { Reconnect, ReconnectAction, ReconnectState } from './reconnect.js';
import { clockResetForTests, clockStop, clockWarp, timeMsec } from './timeval.js';

beforeEach(() => {
  clockResetForTests();
  clockStop();
});

afterEach(() => {
  clockResetForTests();
});

/** Warps until run() asks for something; returns the action and the time it took. */
async function nextAction(fsm: Reconnect): Promise<{ action: ReconnectAction; afterMs: number }> {
  const start = timeMsec();
  const timeout = fsm.timeoutMs();
  assert.notEqual(timeout, null, 'the machine has a deadline');
  await clockWarp(timeout!);
  const action = fsm.run();
  assert.notEqual(action, null);
  return { action: action!, afterMs: Math.round(timeMsec() - start) };
}

test('a new machine is VOID and asks for nothing until enabled', async () => {
  const fsm = new Reconnect();
  assert.equal(fsm.getState(), ReconnectState.VOID);
  assert.equal(fsm.timeoutMs(), null);
  await clockWarp(60_000);
  assert.equal(fsm.run(), null);
  fsm.enable();
  assert.equal(fsm.getState(), ReconnectState.BACKOFF);
  assert.equal(fsm.run(), ReconnectAction.CONNECT);
});

test('failed attempts back off 1, 2, 4, 8, 8 seconds by default', async () => {
  const fsm = new Reconnect({ name: 'tcp:127.0.0.1:6640' });
  fsm.enable();
  assert.equal(fsm.run(), ReconnectAction.CONNECT);
  const waits: number[] = [];
  for (let i = 0; i < 5; i++) {
    fsm.connectFailed('Connection refused');
    assert.equal(fsm.getState(), ReconnectState.BACKOFF);
    const { action, afterMs } = await nextAction(fsm);
    assert.equal(action, ReconnectAction.CONNECT);
    waits.push(afterMs);
  }
  assert.deepEqual(waits, [1000, 2000, 4000, 8000, 8000]);
  assert.equal(fsm.getStats().attemptedConnections, 5);
  assert.equal(fsm.getStats().lastError, 'Connection refused');
});

test('an attempt that does not complete in time is abandoned', async () => {
  const fsm = new Reconnect();
  fsm.enable();
  fsm.run();
  fsm.connecting();
  assert.equal(fsm.getState(), ReconnectState.CONNECTING);
  await clockWarp(999);
  assert.equal(fsm.run(), null);
  await clockWarp(1);
  assert.equal(fsm.run(), ReconnectAction.DISCONNECT);
});

test('a silent peer gets a probe after the probe interval and is dropped after another', async () => {
  const logs: string[] = [];
  const fsm = new Reconnect({ name: 'unix:db.sock', onLog: (_level, message) => logs.push(message) });
  // As real ovs-vsctl -vreconnect:console:dbg shows, in this order.
  fsm.enable();
  fsm.run();
  fsm.connecting();
  fsm.connected();
  assert.equal(fsm.getState(), ReconnectState.ACTIVE);
  assert.ok(fsm.isConnected());
  await clockWarp(3000);
  fsm.activity();
  // The probe is due 5 s after the last activity, not after the connection.
  await clockWarp(4999);
  assert.equal(fsm.run(), null);
  await clockWarp(1);
  assert.equal(fsm.run(), ReconnectAction.PROBE);
  assert.equal(fsm.getState(), ReconnectState.IDLE);
  await clockWarp(4999);
  assert.equal(fsm.run(), null);
  await clockWarp(1);
  assert.equal(fsm.run(), ReconnectAction.DISCONNECT);
  assert.deepEqual(logs, [
    'unix:db.sock: entering BACKOFF',
    'unix:db.sock: connecting...',
    'unix:db.sock: entering CONNECTING',
    'unix:db.sock: connected',
    'unix:db.sock: entering ACTIVE',
    'unix:db.sock: idle 5 seconds, sending inactivity probe',
    'unix:db.sock: entering IDLE',
    'unix:db.sock: no response to inactivity probe after 5 seconds, disconnecting',
  ]);
});

test('activity while IDLE returns to ACTIVE', async () => {
  const fsm = new Reconnect();
  fsm.enable();
  fsm.connected();
  await clockWarp(5000);
  assert.equal(fsm.run(), ReconnectAction.PROBE);
  fsm.activity();
  assert.equal(fsm.getState(), ReconnectState.ACTIVE);
  assert.equal(fsm.run(), null);
});

test('a probe interval of 0 disables probes; small intervals are raised to 1 s', async () => {
  const fsm = new Reconnect({ probeIntervalMs: 0 });
  fsm.enable();
  fsm.connected();
  assert.equal(fsm.timeoutMs(), null);
  await clockWarp(100_000);
  assert.equal(fsm.run(), null);
  fsm.setProbeInterval(10);
  assert.equal(fsm.getProbeInterval(), 1000);
});

test('after a connection that lasted, the backoff starts again from the minimum', async () => {
  const fsm = new Reconnect();
  fsm.enable();
  fsm.connectFailed('Connection refused');
  await nextAction(fsm);
  fsm.connectFailed('Connection refused');
  await nextAction(fsm);
  fsm.connectFailed('Connection refused');
  assert.equal(fsm.getStats().backoffMs, 4000);
  await nextAction(fsm);
  fsm.connected();
  await clockWarp(4000);
  fsm.activity();
  fsm.disconnected('');
  assert.equal(fsm.getStats().backoffMs, 1000);
  const { afterMs } = await nextAction(fsm);
  assert.equal(afterMs, 1000);
});

test('a connection that drops before it lasted keeps doubling the backoff', async () => {
  const fsm = new Reconnect();
  fsm.enable();
  fsm.connectFailed('Connection refused');
  await nextAction(fsm);
  fsm.connected();
  fsm.disconnected('Connection reset by peer');
  assert.equal(fsm.getStats().backoffMs, 2000);
});

test('custom backoff limits are respected and floored at 1 s', async () => {
  const fsm = new Reconnect({ minBackoffMs: 100, maxBackoffMs: 3000 });
  assert.equal(fsm.getMinBackoff(), 1000);
  assert.equal(fsm.getMaxBackoff(), 3000);
  fsm.enable();
  const waits: number[] = [];
  for (let i = 0; i < 3; i++) {
    fsm.connectFailed('x');
    waits.push((await nextAction(fsm)).afterMs);
  }
  assert.deepEqual(waits, [1000, 2000, 3000]);
});

test('maxTries stops the machine in VOID once used up', async () => {
  const fsm = new Reconnect({ maxTries: 2 });
  fsm.enable();
  fsm.connectFailed('Connection refused');
  assert.equal(fsm.getState(), ReconnectState.BACKOFF);
  await nextAction(fsm);
  fsm.connectFailed('Connection refused');
  assert.equal(fsm.getState(), ReconnectState.VOID);
  assert.equal(fsm.timeoutMs(), null);
});

test('forceReconnect() asks for a disconnection at once', () => {
  const fsm = new Reconnect();
  fsm.enable();
  fsm.connected();
  fsm.forceReconnect();
  assert.equal(fsm.getState(), ReconnectState.RECONNECT);
  assert.equal(fsm.run(), ReconnectAction.DISCONNECT);
});

test('passive mode listens, reconnects at once after a lasting connection', async () => {
  const fsm = new Reconnect({ passive: true });
  fsm.enable();
  assert.equal(fsm.run(), ReconnectAction.CONNECT);
  fsm.listening();
  assert.equal(fsm.getState(), ReconnectState.LISTENING);
  assert.equal(fsm.timeoutMs(), null);
  fsm.connected();
  assert.equal(fsm.getState(), ReconnectState.ACTIVE);
  fsm.disconnected('');
  assert.equal(fsm.getStats().backoffMs, 0);
  assert.equal(fsm.run(), ReconnectAction.CONNECT);
  fsm.listening();
  fsm.listenError('Address already in use');
  assert.equal(fsm.getState(), ReconnectState.BACKOFF);
  assert.equal(fsm.getStats().backoffMs, 1000);
});

test('stats count connections and connected time on the warped clock', async () => {
  const fsm = new Reconnect({ probeIntervalMs: 0 });
  fsm.enable();
  fsm.connected();
  await clockWarp(2500);
  assert.equal(fsm.lastConnectedDurationMs(), 2500);
  fsm.disconnected('');
  await nextAction(fsm);
  fsm.connected();
  await clockWarp(500);
  const stats = fsm.getStats();
  assert.equal(stats.successfulConnections, 2);
  assert.equal(stats.attemptedConnections, 2);
  assert.equal(stats.totalConnectedDurationMs, 3000);
  assert.equal(stats.seqno, 3);
  assert.equal(stats.state, ReconnectState.ACTIVE);
});

test('disable() returns to VOID and a disconnection then changes nothing', () => {
  const fsm = new Reconnect();
  fsm.enable();
  fsm.connected();
  fsm.disable();
  assert.equal(fsm.getState(), ReconnectState.VOID);
  fsm.disconnected('');
  assert.equal(fsm.getState(), ReconnectState.VOID);
  assert.equal(fsm.run(), null);
});
