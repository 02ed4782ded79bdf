// Unit tests for coverage counters and the coverage/show layout of ovs-vswitchd
// (column widths checked against the real daemon's output).

import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { coverageCounter, coverageRegisterCommands, coverageResetForTests, coverageSample, coverageShowText, coverageStart } from './coverage.js';
import { clockResetForTests, clockStop, clockWarp } from './timeval.js';
import { UnixctlCommandError, unixctlCommandLookup } from './unixctl-commands.js';

afterEach(() => {
  coverageResetForTests();
  clockResetForTests();
});

test('coverage/show prints rates over 5 s, a minute and an hour like ovs-vswitchd', () => {
  const reconfigure = coverageCounter('bridge_reconfigure');
  const seq = coverageCounter('seq_change');
  coverageCounter('never_hit_counter');
  reconfigure.inc();
  seq.inc(5222);
  coverageSample();
  seq.inc(3);
  const lines = coverageShowText().split('\n');
  assert.match(lines[0]!, /^Event coverage, avg rate over last: 5 seconds, last minute, last hour, {2}hash=[0-9a-f]{8}:$/);
  assert.equal(lines[1], 'bridge_reconfigure         0.2/sec     0.017/sec        0.0003/sec   total: 1');
  assert.equal(lines[2], 'seq_change               1044.4/sec    87.033/sec        1.4506/sec   total: 5225');
  assert.equal(lines[3], '1 events never hit');
  assert.equal(lines[4], '');
});

test('the hash changes when another counter is hit', () => {
  const first = coverageShowText().split('\n')[0];
  coverageCounter('bridge_reconfigure').inc();
  assert.notEqual(coverageShowText().split('\n')[0], first);
});

test('samples follow the clock, so time/warp ages the 5-second rate', async () => {
  clockStop();
  coverageStart();
  const counter = coverageCounter('bridge_reconfigure');
  counter.inc(10);
  await clockWarp(5000);
  assert.match(coverageShowText(), /bridge_reconfigure +2\.0\/sec +0\.167\/sec/);
  await clockWarp(5000);
  assert.match(coverageShowText(), /bridge_reconfigure +0\.0\/sec +0\.167\/sec +0\.0028\/sec {3}total: 10/);
});

test('coverage/read-counter returns a total or "No such counter"', async () => {
  coverageRegisterCommands();
  coverageCounter('bridge_reconfigure').inc(3);
  const command = unixctlCommandLookup('coverage/read-counter')!;
  assert.equal(await command.handler(['bridge_reconfigure']), '3\n');
  await assert.rejects(async () => command.handler(['nosuch']),
    (error: unknown) => error instanceof UnixctlCommandError && error.message === 'No such counter');
});
