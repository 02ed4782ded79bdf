// Unit tests for the exit and time/* commands, with the replies and errors
// of ovs-vswitchd 3.1.

import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { daemonRegisterCommands } from './daemon-unixctl.js';
import { clockIsStopped, clockResetForTests, setClockTimer, timeMsec } from './timeval.js';
import { UnixctlCommandError, unixctlCommandLookup } from './unixctl-commands.js';

let exits: boolean[] = [];
daemonRegisterCommands({ onExit: ({ cleanup }) => exits.push(cleanup) });

afterEach(() => {
  clockResetForTests();
  exits = [];
});

function run(name: string, ...args: string[]): Promise<string> {
  return Promise.resolve(unixctlCommandLookup(name)!.handler(args));
}

test('time/stop stops the clock and time/warp moves it, firing timers', async () => {
  assert.equal(await run('time/stop'), '');
  assert.ok(clockIsStopped());
  const t0 = timeMsec();
  let fired = 0;
  setClockTimer(() => fired++, 2500);
  assert.equal(await run('time/warp', '1000'), 'warped\n');
  assert.equal(timeMsec(), t0 + 1000);
  assert.equal(fired, 0);
  assert.equal(await run('time/warp', '6000', '1000'), 'warped\n');
  assert.equal(timeMsec(), t0 + 7000);
  assert.equal(fired, 1);
});

test('time/warp rejects bad intervals with "invalid MSECS"', async () => {
  for (const args of [['abc'], ['-5'], ['0'], ['10', '0'], ['10', 'x']]) {
    await assert.rejects(run('time/warp', ...args),
      (error: unknown) => error instanceof UnixctlCommandError && error.message === 'invalid MSECS');
  }
});

test('exit replies at once and calls onExit after, with --cleanup noted', async () => {
  assert.equal(await run('exit'), '');
  assert.equal(await run('exit', '--cleanup'), '');
  assert.deepEqual(exits, []);
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.deepEqual(exits, [false, true]);
});
