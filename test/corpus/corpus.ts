// The parse-pcap corpus: packets.txt (one "NAME HEX" line per packet, written
// by generate.ts) and expected.txt (the flow line real Open vSwitch 3.1 prints
// for each, captured by capture-expected.ts), plus the oracle calls both the
// capture script and the interop test make. See test/corpus/README.md.

import { readFileSync } from 'node:fs';
import { hexToBytes } from '../../src/packet/hex.js';
import type { RealOvs } from '../support/real-ovs.js';

export interface CorpusPacket {
  readonly name: string;
  readonly hex: string;
  readonly data: Uint8Array;
}

/** The source directory of the corpus (this file runs from dist/test/corpus). */
export const CORPUS_DIR = new URL('../../../test/corpus/parse-pcap/', import.meta.url);

export function readCorpus(): CorpusPacket[] {
  const text = readFileSync(new URL('packets.txt', CORPUS_DIR), 'utf8');
  return text.split('\n').filter((line) => line.trim() !== '' && !line.startsWith('#')).map((line) => {
    const [name, hex = ''] = line.trim().split(/\s+/);
    return { name, hex, data: hexToBytes(hex) };
  });
}

export function readExpected(): string[] {
  return readFileSync(new URL('expected.txt', CORPUS_DIR), 'utf8').split('\n').filter((line) => line !== '');
}

/** Ethernet needs 14 bytes: ofproto/trace refuses anything shorter. */
export const MIN_TRACE_SIZE = 14;

/** Creates the bridge every trace runs on: br0 (dummy datapath) with port p1 as OpenFlow port 1. */
export async function addTraceBridge(ovs: RealOvs): Promise<void> {
  await ovs.vsctl('add-br', 'br0', '--', 'set', 'bridge', 'br0', 'datapath-type=dummy',
    '--', 'add-port', 'br0', 'p1', '--', 'set', 'interface', 'p1', 'type=dummy', 'ofport_request=1');
}

/**
 * The text after "Flow: " that real `ovs-appctl ofproto/trace br0 in_port=1
 * HEX` prints for each packet (null for packets shorter than Ethernet), a few
 * traces at a time.
 */
export async function traceFlows(ovs: RealOvs, packets: readonly CorpusPacket[]): Promise<Array<string | null>> {
  const lines: Array<string | null> = new Array(packets.length).fill(null);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < packets.length) {
      const index = next++;
      const packet = packets[index];
      if (packet.data.length < MIN_TRACE_SIZE) continue;
      const out = await ovs.appctl('ofproto/trace', 'br0', 'in_port=1', packet.hex);
      const flow = out.split('\n').find((line) => line.startsWith('Flow: '));
      if (flow === undefined) throw new Error(`${packet.name}: no Flow line in trace output:\n${out}`);
      lines[index] = flow.slice('Flow: '.length);
    }
  };
  await Promise.all([worker(), worker(), worker()]);
  return lines;
}
