// Benchmarks of the classifier (src/classifier) on a real-looking table of
// 100,000 rules over 16 masks (bench/classifier-rules.ts): lookups per
// second with and without the wildcards record xlate needs, insertion rate,
// and, as notes, heap per 100,000 rules beside what real ovs-vswitchd grows
// by when `ovs-ofctl add-flows` loads the same table (its whole rule state,
// not only its classifier), and how long that load takes.

import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { promisify } from 'node:util';
import { runInNewContext } from 'node:vm';
import { Classifier } from '../src/classifier/classifier.js';
import { ClsRule } from '../src/classifier/rule.js';
import { KEY_WORDS } from '../src/flow/layout.js';
import { realOvsMissing, startRealOvs } from '../test/support/real-ovs.js';
import { makePackets, makeTable, type TableRule } from './classifier-rules.js';
import type { Benchmark } from './run.js';

const RULES = 100_000;
const BURST = 64;

let table: TableRule[] | undefined;
function getTable(): TableRule[] {
  table ??= makeTable(RULES);
  return table;
}

function build(rules: readonly TableRule[], prefixFields?: string[]): Classifier<number> {
  const cls = new Classifier<number>(prefixFields ? { prefixFields } : {});
  for (let i = 0; i < rules.length; i++) cls.insert(new ClsRule(rules[i].match, rules[i].priority, { data: i }));
  return cls;
}

function lookupBench(name: string, options: { wildcards: boolean; prefixFields?: string[]; baseline?: string }): Benchmark {
  let cls: Classifier<number> | undefined;
  let keys: Uint32Array[] = [];
  const wc = new Uint32Array(KEY_WORDS);
  let next = 0;
  return {
    name, opsPerRun: BURST, baseline: options.baseline,
    run(): number {
      if (cls === undefined) {
        cls = build(getTable(), options.prefixFields);
        keys = makePackets(getTable(), 4096);
      }
      let check = 0;
      for (let i = 0; i < BURST; i++) {
        const key = keys[next];
        next = (next + 1) & 4095;
        let r;
        if (options.wildcards) {
          wc.fill(0);
          r = cls.lookup(key, 0, wc);
          check += wc[0];
        } else {
          r = cls.lookup(key, 0);
        }
        check += r === null ? 0 : r.priority;
      }
      return check;
    },
  };
}

function insertBench(): Benchmark {
  const count = 10_000;
  return {
    name: 'insert 10,000 rules (of the 100,000-rule mix)', opsPerRun: count,
    run(): number {
      const rules = getTable();
      const cls = new Classifier<number>();
      const start = (Math.random() * (rules.length - count)) | 0;
      for (let i = start; i < start + count; i++) cls.insert(new ClsRule(rules[i].match, rules[i].priority, { data: i }));
      return cls.count;
    },
  };
}

export const benchmarks: Benchmark[] = [
  lookupBench('lookup, 100,000 rules, 16 masks', { wildcards: false }),
  lookupBench('lookup + wildcards', { wildcards: true, baseline: 'lookup, 100,000 rules, 16 masks' }),
  lookupBench('lookup + wildcards, no prefix tries', {
    wildcards: true, prefixFields: [], baseline: 'lookup + wildcards',
  }),
  insertBench(),
];

function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

function heapSize(): number {
  collectGarbage();
  collectGarbage();
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
}

/** Heap used by the classifier of 100,000 rules, the rules' matches not counted. */
function ourMemory(): { bytes: number; insertMs: number } {
  const rules = getTable();
  const before = heapSize();
  const start = performance.now();
  const cls = build(rules);
  const insertMs = performance.now() - start;
  const bytes = heapSize() - before;
  if (cls.count !== rules.length) throw new Error('lost rules');
  return { bytes, insertMs };
}

function rssOf(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : NaN;
}

/** ovs-vswitchd's RSS growth and time for `ovs-ofctl add-flows` of the same table. */
async function realOvsMemory(): Promise<string> {
  const missing = realOvsMissing();
  if (missing) return `real ovs-vswitchd: skipped (${missing})`;
  const ovs = await startRealOvs();
  try {
    await ovs.vsctl('add-br', 'br0', '--', 'set', 'bridge', 'br0', 'datapath-type=dummy');
    const file = join(ovs.dir, 'flows.txt');
    writeFileSync(file, getTable().map((r) => `${r.text},actions=drop`).join('\n') + '\n');
    const pid = Number(readFileSync(join(ovs.dir, 'ovs-vswitchd.pid'), 'utf8').trim());
    const before = rssOf(pid);
    const start = performance.now();
    // Longer than ovs.run()'s 30 s: on a busy machine the load takes a while.
    await promisify(execFile)('ovs-ofctl', ['add-flows', 'br0', file], { env: ovs.env, timeout: 300_000 });
    const ms = performance.now() - start;
    const after = rssOf(pid);
    const flows = (await ovs.run('ovs-ofctl', ['dump-aggregate', 'br0'])).match(/flow_count=(\d+)/)?.[1];
    return `real ovs-vswitchd: ${((after - before) / 2 ** 20).toFixed(1)} MB RSS growth for ${flows} flows, `
      + `ovs-ofctl add-flows took ${(ms / 1000).toFixed(2)} s`;
  } catch (error) {
    return `real ovs-vswitchd: failed (${(error as Error).message.split('\n')[0]})`;
  } finally {
    await ovs.stop();
  }
}

export async function notes(): Promise<string[]> {
  const ours = ourMemory();
  return [
    `classifier: ${(ours.bytes / 2 ** 20).toFixed(1)} MB heap for ${getTable().length} rules `
      + `(${Math.round(ours.bytes / getTable().length)} bytes per rule), built in ${ours.insertMs.toFixed(0)} ms`,
    await realOvsMemory(),
  ];
}
