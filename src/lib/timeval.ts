// The one clock of the process. Every timer in ovs-ts (reconnect backoff, probe
// intervals, flow idle timeouts, MAC aging, revalidation) reads time and arms
// timers here, so that the unixctl commands `time/stop` and `time/warp` move
// all of them at once, as in Open vSwitch's lib/timeval.c.
//
// Time is milliseconds since an arbitrary start (monotonic) plus a warp offset.
// While stopped, monotonic time stands still; warping adds to the offset and
// fires whatever timers fall due, in deadline order.

import { performance } from 'node:perf_hooks';

/** A timer armed on the clock; pass it to clearClockTimer() to disarm. */
export interface ClockTimer {
  readonly deadlineMs: number;
}

interface TimerEntry extends ClockTimer {
  deadlineMs: number;
  callback: () => void;
  /** The real timer that fires this entry while the clock runs; null while stopped. */
  handle: NodeJS.Timeout | null;
  armed: boolean;
}

let warpOffsetMs = 0;
let stoppedAtMs: number | null = null;
const timers = new Set<TimerEntry>();

// Whole milliseconds, as OVS's time_msec(): with fractions, a timer armed at
// now + 5000 could miss a `time/warp 5000` by one rounding step.
function realMs(): number {
  return Math.floor(performance.now());
}

/** Monotonic milliseconds, affected by time/stop and time/warp. */
export function timeMsec(): number {
  return (stoppedAtMs ?? realMs()) + warpOffsetMs;
}

/** Wall-clock milliseconds since the epoch, shifted by the same warp as timeMsec(). */
export function timeWallMsec(): number {
  const stoppedFor = stoppedAtMs === null ? 0 : realMs() - stoppedAtMs;
  return Date.now() - stoppedFor + warpOffsetMs;
}

/** True between time/stop and the next resume. */
export function clockIsStopped(): boolean {
  return stoppedAtMs !== null;
}

function armReal(entry: TimerEntry): void {
  if (entry.handle) clearTimeout(entry.handle);
  entry.handle = null;
  if (stoppedAtMs !== null) return;
  const delay = Math.max(0, entry.deadlineMs - timeMsec());
  entry.handle = setTimeout(() => fire(entry), delay);
  entry.handle.unref?.();
}

function fire(entry: TimerEntry): void {
  if (!entry.armed) return;
  entry.armed = false;
  if (entry.handle) clearTimeout(entry.handle);
  entry.handle = null;
  timers.delete(entry);
  entry.callback();
}

/**
 * Calls `callback` once the clock reaches now + delayMs. The real timer is
 * unref'd: a clock timer alone does not keep the process alive.
 */
export function setClockTimer(callback: () => void, delayMs: number): ClockTimer {
  const entry: TimerEntry = {
    deadlineMs: timeMsec() + Math.max(0, delayMs), callback, handle: null, armed: true,
  };
  timers.add(entry);
  armReal(entry);
  return entry;
}

/** Disarms a timer; harmless if it already fired. */
export function clearClockTimer(timer: ClockTimer | null | undefined): void {
  if (!timer) return;
  const entry = timer as TimerEntry;
  entry.armed = false;
  if (entry.handle) clearTimeout(entry.handle);
  entry.handle = null;
  timers.delete(entry);
}

/** time/stop: freezes monotonic time; timers fire only when warped past. */
export function clockStop(): void {
  if (stoppedAtMs !== null) return;
  stoppedAtMs = realMs();
  for (const entry of timers) armReal(entry);
}

/** Lets time run again from where it stood (the stopped interval is skipped). */
export function clockResume(): void {
  if (stoppedAtMs === null) return;
  warpOffsetMs -= realMs() - stoppedAtMs;
  stoppedAtMs = null;
  for (const entry of timers) armReal(entry);
}

/**
 * time/warp: advances the clock by `totalMs` in steps of `stepMs`, firing the
 * timers due at each step in deadline order (a callback may arm new timers,
 * which fire in the same warp if they fall due). Resolves after each step has
 * let pending I/O callbacks run, as OVS runs its main loop between steps.
 */
export async function clockWarp(totalMs: number, stepMs = totalMs): Promise<void> {
  if (!(totalMs >= 0) || !(stepMs > 0)) {
    if (totalMs === 0) return;
    throw new RangeError(`time/warp: bad interval ${totalMs} step ${stepMs}`);
  }
  let remaining = totalMs;
  while (remaining > 0) {
    const step = Math.min(stepMs, remaining);
    warpOffsetMs += step;
    remaining -= step;
    fireDue();
    await new Promise<void>((resolve) => setImmediate(resolve));
    fireDue();
  }
  for (const entry of timers) armReal(entry);
}

function fireDue(): void {
  for (;;) {
    const now = timeMsec();
    let next: TimerEntry | null = null;
    for (const entry of timers) {
      if (entry.deadlineMs <= now && (next === null || entry.deadlineMs < next.deadlineMs)) next = entry;
    }
    if (next === null) return;
    fire(next);
  }
}

/** Resets the clock to real time with no warp and no timers (tests only). */
export function clockResetForTests(): void {
  for (const entry of [...timers]) clearClockTimer(entry);
  warpOffsetMs = 0;
  stoppedAtMs = null;
}
