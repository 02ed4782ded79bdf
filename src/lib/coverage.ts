// Coverage counters (OVS's lib/coverage): named event counters that any layer
// bumps on its hot path (a plain number add), and the `coverage/show` and
// `coverage/read-counter` reports. Rates come from samples taken every 5
// seconds on the clock of timeval.ts, so time/warp moves them too: the last
// 5 seconds, the last minute (12 samples) and the last hour (60 minutes).

import { hashString } from './hash.js';
import { clearClockTimer, setClockTimer, type ClockTimer } from './timeval.js';
import { UnixctlCommandError, unixctlCommandRegister } from './unixctl-commands.js';

const SAMPLE_INTERVAL_MS = 5000;
const SAMPLES_PER_MINUTE = 12;
const MINUTES_PER_HOUR = 60;

export class CoverageCounter {
  readonly name: string;
  /** Events since the process started. */
  count = 0;
  /** `count` at the last sample. */
  sampledCount = 0;
  /** Events per 5-second sample over the last minute (a ring). */
  readonly minuteSamples = new Float64Array(SAMPLES_PER_MINUTE);
  /** Events per minute over the last hour (a ring; the current minute accumulates). */
  readonly hourSamples = new Float64Array(MINUTES_PER_HOUR);

  constructor(name: string) {
    this.name = name;
  }

  inc(n = 1): void {
    this.count += n;
  }
}

/** Counters in registration order, which is the order coverage/show prints. */
const counters: CoverageCounter[] = [];
const byName = new Map<string, CoverageCounter>();
let sampleIndex = 0;
let sampleTimer: ClockTimer | null = null;

/** The counter named `name`, created on first use (names are OVS's where OVS has one). */
export function coverageCounter(name: string): CoverageCounter {
  let counter = byName.get(name);
  if (!counter) {
    counter = new CoverageCounter(name);
    counters.push(counter);
    byName.set(name, counter);
  }
  return counter;
}

/** Takes one 5-second sample of every counter (called by the timer; exported for tests). */
export function coverageSample(): void {
  const minuteSlot = sampleIndex % SAMPLES_PER_MINUTE;
  const hourSlot = Math.floor(sampleIndex / SAMPLES_PER_MINUTE) % MINUTES_PER_HOUR;
  const newMinute = minuteSlot === 0;
  for (const counter of counters) {
    const delta = counter.count - counter.sampledCount;
    counter.sampledCount = counter.count;
    counter.minuteSamples[minuteSlot] = delta;
    if (newMinute) counter.hourSamples[hourSlot] = 0;
    counter.hourSamples[hourSlot]! += delta;
  }
  sampleIndex++;
}

/** Starts sampling every 5 seconds of clock time; daemons call this once. */
export function coverageStart(): void {
  if (sampleTimer !== null) return;
  const arm = (): void => {
    sampleTimer = setClockTimer(() => {
      coverageSample();
      arm();
    }, SAMPLE_INTERVAL_MS);
  };
  arm();
}

export function coverageStop(): void {
  clearClockTimer(sampleTimer);
  sampleTimer = null;
}

function sum(values: Float64Array): number {
  let total = 0;
  for (const value of values) total += value;
  return total;
}

/** The `coverage/show` report. */
export function coverageShowText(): string {
  const hit = counters.filter((counter) => counter.count > 0);
  // The hash identifies which counters have been hit, so two reports can be
  // compared at a glance.
  let hash = 0;
  for (const counter of hit) hash = hashString(counter.name, hash);
  let text = `Event coverage, avg rate over last: 5 seconds, last minute, last hour,  hash=${(hash >>> 0).toString(16).padStart(8, '0')}:\n`;
  const lastSlot = (sampleIndex + SAMPLES_PER_MINUTE - 1) % SAMPLES_PER_MINUTE;
  for (const counter of hit) {
    const fiveSeconds = sampleIndex === 0 ? 0 : counter.minuteSamples[lastSlot]! / 5;
    const minute = sum(counter.minuteSamples) / 60;
    const hour = sum(counter.hourSamples) / 3600;
    text += `${counter.name.padEnd(24)} ${fiveSeconds.toFixed(1).padStart(5)}/sec ${minute.toFixed(3).padStart(9)}/sec`
      + ` ${hour.toFixed(4).padStart(13)}/sec   total: ${counter.count}\n`;
  }
  text += `${counters.length - hit.length} events never hit\n`;
  return text;
}

/** Registers coverage/show and coverage/read-counter. */
export function coverageRegisterCommands(): void {
  unixctlCommandRegister('coverage/show', '', 0, 0, () => coverageShowText());
  unixctlCommandRegister('coverage/read-counter', 'COUNTER', 1, 1, ([name]) => {
    const counter = byName.get(name!);
    if (!counter) throw new UnixctlCommandError('No such counter');
    return `${counter.count}\n`;
  });
}

/** Zeroes every counter and its history (tests only). */
export function coverageResetForTests(): void {
  coverageStop();
  for (const counter of counters) {
    counter.count = 0;
    counter.sampledCount = 0;
    counter.minuteSamples.fill(0);
    counter.hourSamples.fill(0);
  }
  sampleIndex = 0;
}
