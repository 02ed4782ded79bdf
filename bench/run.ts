// The benchmark runner behind `npm run bench`: imports every
// `bench/*.bench.js` module next to it, runs the benchmarks each one exports
// and prints one table. A module exports `benchmarks: Benchmark[]`; a
// benchmark may name a `baseline` in the same module, and its ratio to that
// baseline is printed, since ratios measured side by side are the figure on a
// shared machine, not absolute times. A module may also export `notes()`:
// figures that are not times (memory), printed under the table.
// `node dist/bench/run.js [FILTER]` runs only the benchmarks whose
// "module/name" contains FILTER.

import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export interface Benchmark {
  readonly name: string;
  /** Operations (packets, flows, ...) done by one call of run(). */
  readonly opsPerRun: number;
  /** Does opsPerRun operations; returns a value that depends on the work, so it cannot be optimised away. */
  run?(): number;
  /** The same for work that waits on another thread or process; used when run() is absent. */
  runAsync?(): Promise<number>;
  /** Name of another benchmark of the same module to compare with. */
  readonly baseline?: string;
  /**
   * A figure measured elsewhere (real Open vSwitch on the same work), in ns
   * per operation, or a reason why it is absent.
   */
  external?(): Promise<ExternalResult>;
}

/**
 * Real Open vSwitch on the same work: `nsPerOp` is its figure; `oursNsPerOp`,
 * when given, is ovs-ts measured the same way (say, both as whole commands),
 * and the ratio is taken against it rather than against run().
 */
export type ExternalResult =
  | { label: string; nsPerOp: number; oursLabel?: string; oursNsPerOp?: number }
  | { label: string; skipped: string };

export interface BenchResult {
  readonly name: string;
  readonly nsPerOp: number;
  readonly samples: number;
}

let sink = 0;

/** Median ns per operation over a few samples of about `sampleMs` each, after a warm-up. */
export function measure(bench: Benchmark, sampleMs = 150, samples = 5): BenchResult {
  if (bench.run === undefined) throw new TypeError(`benchmark ${bench.name} has no run()`);
  let runs = 1;
  const warmUntil = performance.now() + sampleMs;
  while (performance.now() < warmUntil) sink ^= bench.run();
  // Size a sample so that it lasts about sampleMs.
  for (;;) {
    const start = performance.now();
    for (let i = 0; i < runs; i++) sink ^= bench.run();
    const elapsed = performance.now() - start;
    if (elapsed >= sampleMs / 4) {
      runs = Math.max(1, Math.round((runs * sampleMs) / elapsed));
      break;
    }
    runs *= 4;
  }
  const figures: number[] = [];
  for (let s = 0; s < samples; s++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < runs; i++) sink ^= bench.run();
    const elapsedNs = Number(process.hrtime.bigint() - start);
    figures.push(elapsedNs / (runs * bench.opsPerRun));
  }
  figures.sort((a, b) => a - b);
  return { name: bench.name, nsPerOp: figures[Math.floor(figures.length / 2)], samples };
}

/** measure() for benchmarks with runAsync(). */
export async function measureAsync(bench: Benchmark, sampleMs = 150, samples = 5): Promise<BenchResult> {
  if (bench.runAsync === undefined) throw new TypeError(`benchmark ${bench.name} has no runAsync()`);
  let runs = 1;
  const warmUntil = performance.now() + sampleMs;
  while (performance.now() < warmUntil) sink ^= await bench.runAsync();
  for (;;) {
    const start = performance.now();
    for (let i = 0; i < runs; i++) sink ^= await bench.runAsync();
    const elapsed = performance.now() - start;
    if (elapsed >= sampleMs / 4) {
      runs = Math.max(1, Math.round((runs * sampleMs) / elapsed));
      break;
    }
    runs *= 4;
  }
  const figures: number[] = [];
  for (let s = 0; s < samples; s++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < runs; i++) sink ^= await bench.runAsync();
    const elapsedNs = Number(process.hrtime.bigint() - start);
    figures.push(elapsedNs / (runs * bench.opsPerRun));
  }
  figures.sort((a, b) => a - b);
  return { name: bench.name, nsPerOp: figures[Math.floor(figures.length / 2)], samples };
}

function formatTable(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  '))
    .join('\n');
}

export async function main(args: string[]): Promise<number> {
  const filter = args[0] ?? '';
  const here = dirname(fileURLToPath(import.meta.url));
  const modules = readdirSync(here).filter((f) => f.endsWith('.bench.js')).sort();
  const rows: string[][] = [['benchmark', 'ns/op', 'Mops/s', 'ratio', 'baseline']];
  const notes: string[] = [];
  for (const file of modules) {
    const moduleName = file.replace(/\.bench\.js$/, '');
    const loaded = (await import(pathToFileURL(join(here, file)).href)) as {
      benchmarks?: Benchmark[];
      notes?: () => Promise<string[]>;
    };
    if (loaded.notes && moduleName.includes(filter.split('/')[0])) notes.push(...await loaded.notes());
    const results = new Map<string, number>();
    for (const bench of loaded.benchmarks ?? []) {
      const fullName = `${moduleName}/${bench.name}`;
      if (!fullName.includes(filter)) continue;
      const result = bench.run === undefined ? await measureAsync(bench) : measure(bench);
      results.set(bench.name, result.nsPerOp);
      const base = bench.baseline === undefined ? undefined : results.get(bench.baseline);
      rows.push([fullName, result.nsPerOp.toFixed(1), (1000 / result.nsPerOp).toFixed(2),
        base === undefined ? '' : `${(result.nsPerOp / base).toFixed(2)}x`, bench.baseline ?? '']);
      if (bench.external) {
        const outside = await bench.external();
        if ('skipped' in outside) {
          rows.push([`  ${outside.label}`, '-', '-', '', `skipped: ${outside.skipped}`]);
        } else {
          const ours = outside.oursNsPerOp ?? result.nsPerOp;
          if (outside.oursNsPerOp !== undefined) {
            rows.push([`  ${outside.oursLabel ?? 'ovs-ts, measured the same way'}`, ours.toFixed(1),
              (1000 / ours).toFixed(2), `${(ours / outside.nsPerOp).toFixed(2)}x`, `  ${outside.label}`]);
          }
          rows.push([`  ${outside.label}`, outside.nsPerOp.toFixed(1), (1000 / outside.nsPerOp).toFixed(2), '', '']);
        }
      }
    }
  }
  process.stdout.write(formatTable(rows) + '\n');
  for (const note of notes) process.stdout.write(note + '\n');
  return sink === 0.5 ? 1 : 0; // keeps `sink` observable
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2));
}
