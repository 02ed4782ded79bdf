// Memory usage reports (OVS's lib/memory): `memory/show` prints "key:value"
// pairs that layers contribute through memoryRegister() (handlers, ports,
// rules, idl cells, ...), plus the Node process's own figures. Sorted by key
// and space-separated, as ovs-vswitchd prints them. memoryStart() also logs
// the peak resident set size after start-up and whenever it grows by half,
// with the usage line, as ovs-vswitchd's log shows.

import { clearClockTimer, setClockTimer, timeMsec, type ClockTimer } from './timeval.js';
import { unixctlCommandRegister } from './unixctl-commands.js';
import { vlogModule } from './vlog.js';

const log = vlogModule('memory');
const CHECK_INTERVAL_MS = 10_000;

/** Adds this layer's counts to `usage` (name -> count); called on each report. */
export type MemoryReporter = (usage: Map<string, number>) => void;

const reporters = new Map<string, MemoryReporter>();

/** Registers (or replaces) the reporter named `name`; names only identify reporters. */
export function memoryRegister(name: string, reporter: MemoryReporter): void {
  reporters.set(name, reporter);
}

export function memoryUnregister(name: string): void {
  reporters.delete(name);
}

/** The process's own figures: resident set and V8 heap, in kB. */
function processUsage(usage: Map<string, number>): void {
  const { rss, heapUsed } = process.memoryUsage();
  usage.set('process-rss-kB', Math.round(rss / 1024));
  usage.set('heap-used-kB', Math.round(heapUsed / 1024));
}

/** Collects every reporter's counts, sorted by key. */
export function memoryUsage(): Map<string, number> {
  const usage = new Map<string, number>();
  for (const reporter of reporters.values()) reporter(usage);
  processUsage(usage);
  return new Map([...usage.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The `memory/show` text: "key:value key:value\n". */
export function memoryShowText(): string {
  return [...memoryUsage()].map(([key, value]) => `${key}:${value}`).join(' ') + '\n';
}

export function memoryRegisterCommands(): void {
  unixctlCommandRegister('memory/show', '', 0, 0, () => memoryShowText());
}

let checkTimer: ClockTimer | null = null;
let startMs = 0;
/** Peak RSS (kB) at the last report, and when; 0 before the first report. */
let reportedPeakKb = 0;
let reportedAtMs = 0;

/** The process's peak resident set size in kB (getrusage's ru_maxrss). */
function peakRssKb(): number {
  return process.resourceUsage().maxRSS;
}

/**
 * One check: the first (10 s after start) logs the peak RSS, later ones log
 * when it grew by 50% or more since the last report; each report is followed
 * by the memory/show line. `peakKb` is for tests.
 */
export function memoryCheck(peakKb = peakRssKb()): void {
  const now = timeMsec();
  if (reportedPeakKb === 0) {
    log.info(`${peakKb} kB peak resident set size after ${((now - startMs) / 1000).toFixed(1)} seconds`);
  } else if (peakKb >= reportedPeakKb * 1.5) {
    const percent = Math.round(((peakKb - reportedPeakKb) * 100) / reportedPeakKb);
    log.info(`peak resident set size grew ${percent}% in last ${((now - reportedAtMs) / 1000).toFixed(1)} seconds, `
      + `from ${reportedPeakKb} kB to ${peakKb} kB`);
  } else {
    return;
  }
  reportedPeakKb = peakKb;
  reportedAtMs = now;
  log.info(memoryShowText().trimEnd());
}

/** Starts the periodic memory checks on the clock of timeval.ts; daemons call this once. */
export function memoryStart(): void {
  if (checkTimer !== null) return;
  startMs = timeMsec();
  const arm = (): void => {
    checkTimer = setClockTimer(() => {
      memoryCheck();
      arm();
    }, CHECK_INTERVAL_MS);
  };
  arm();
}

/** Stops the checks and forgets the last report (tests, daemon shutdown). */
export function memoryStop(): void {
  clearClockTimer(checkTimer);
  checkTimer = null;
  reportedPeakKb = 0;
}
