// Memory usage reports (OVS's lib/memory): `memory/show` prints "key:value"
// pairs that layers contribute through memoryRegister() (handlers, ports,
// rules, idl cells, ...), plus the Node process's own figures. Sorted by key
// and space-separated, as ovs-vswitchd prints them.

import { unixctlCommandRegister } from './unixctl-commands.js';

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
