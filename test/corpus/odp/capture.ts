// Captures test/corpus/odp/expected.txt and expected-verbose.txt from real
// Open vSwitch 3.1: each line of flows.txt ("KEY ACTIONS") goes through
// `ovs-appctl dpctl/add-flow` on a dummy datapath, then `dpctl/dump-flows`
// (and -m) prints it; lines OVS refuses are kept as "refused". One flow at a
// time, so the dump order never matters.
// Run: npm run build && node dist/test/corpus/odp/capture.js --write

import { readFileSync, writeFileSync } from 'node:fs';
import { startRealOvs, type RealOvs } from '../../support/real-ovs.js';

export const ODP_CORPUS_DIR = new URL('../../../../test/corpus/odp/', import.meta.url);

/** The corpus lines: key text and action text. */
export function readOdpCorpus(): Array<{ key: string; actions: string }> {
  return readFileSync(new URL('flows.txt', ODP_CORPUS_DIR), 'utf8').split('\n').filter((l) => l !== '').map((l) => {
    const space = l.indexOf(' ');
    return { key: l.slice(0, space), actions: l.slice(space + 1) };
  });
}

/**
 * The dump line real OVS prints for one flow, without the dummy datapath's
 * own additions ("dp:ovs, " and ", dp-extra-info:..."), with the UFID
 * replaced by UFID; null when OVS refuses the flow.
 */
export async function liveDump(ovs: RealOvs, flow: { key: string; actions: string }): Promise<[string, string] | null> {
  await ovs.appctl('dpctl/del-flows', 'dummy@dp0');
  try {
    await ovs.appctl('dpctl/add-flow', 'dummy@dp0', flow.key, flow.actions);
  } catch {
    return null;
  }
  const plain = (await ovs.appctl('dpctl/dump-flows', 'dummy@dp0')).split('\n')[1];
  const verbose = (await ovs.appctl('dpctl/dump-flows', '-m', 'dummy@dp0')).split('\n')[1]
    .replace(/^ufid:[0-9a-f-]+/, 'ufid:UFID').replace(', dp:ovs', '').replace(/, dp-extra-info:.*$/, '');
  return [plain, verbose];
}

export async function startOdpOracle(): Promise<RealOvs> {
  const ovs = await startRealOvs();
  await ovs.appctl('dpctl/add-dp', 'dummy@dp0');
  return ovs;
}

async function capture(): Promise<void> {
  const ovs = await startOdpOracle();
  try {
    const plain: string[] = [];
    const verbose: string[] = [];
    for (const flow of readOdpCorpus()) {
      const got = await liveDump(ovs, flow);
      plain.push(got === null ? 'refused' : got[0]);
      verbose.push(got === null ? 'refused' : got[1]);
    }
    writeFileSync(new URL('expected.txt', ODP_CORPUS_DIR), plain.join('\n') + '\n');
    writeFileSync(new URL('expected-verbose.txt', ODP_CORPUS_DIR), verbose.join('\n') + '\n');
    process.stdout.write(`captured ${plain.length} flows\n`);
  } finally {
    await ovs.stop();
  }
}

if (process.argv.includes('--write')) await capture();
