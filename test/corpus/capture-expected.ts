// Captures test/corpus/parse-pcap/expected.txt from real Open vSwitch 3.1:
// for every packet of packets.txt, the "Flow:" text of `ovs-appctl
// ofproto/trace br0 in_port=1 HEX` on a sandboxed ovs-vswitchd --enable-dummy.
// Packets shorter than 14 bytes cannot be traced; for them the line is what
// real `ovs-ofctl parse-pcap` prints, with its in_port=ANY read as in_port=1.
// Run: npm run build && node dist/test/corpus/capture-expected.js --write

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodePcap } from '../../src/packet/pcap.js';
import { startRealOvs } from '../support/real-ovs.js';
import { addTraceBridge, CORPUS_DIR, MIN_TRACE_SIZE, readCorpus, traceFlows } from './corpus.js';

async function capture(): Promise<void> {
  const packets = readCorpus();
  const ovs = await startRealOvs();
  const scratch = mkdtempSync(join(tmpdir(), 'corpus-'));
  try {
    await addTraceBridge(ovs);
    const lines = await traceFlows(ovs, packets);
    const short = packets.filter((p) => p.data.length < MIN_TRACE_SIZE);
    if (short.length > 0) {
      const file = join(scratch, 'short.pcap');
      writeFileSync(file, encodePcap(short.map((p) => ({ data: p.data, seconds: 0, nanoseconds: 0 })),
        { littleEndian: true }));
      const parsed = (await ovs.run('ovs-ofctl', ['parse-pcap', file])).split('\n').filter((l) => l !== '');
      let s = 0;
      for (let i = 0; i < packets.length; i++) {
        if (lines[i] === null) lines[i] = parsed[s++].replace(/(^|,)in_port=ANY(,|$)/, '$1in_port=1$2');
      }
    }
    writeFileSync(new URL('expected.txt', CORPUS_DIR), lines.join('\n') + '\n');
    process.stdout.write(`captured ${lines.length} flows\n`);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
    await ovs.stop();
  }
}

// `node --test` runs every file under dist/test; only an explicit --write captures.
if (process.argv.includes('--write')) await capture();
