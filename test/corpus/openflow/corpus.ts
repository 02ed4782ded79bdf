// Reads test/corpus/openflow/messages.txt: OpenFlow messages captured from the
// real ovs-ofctl and ovs-vswitchd (capture.ts), each with the text real
// `ovs-ofctl ofp-print` printed for it. Used by the codec and printer tests.

import { readFileSync } from 'node:fs';

export interface CorpusMessage {
  /** The "# VERSION COMMAND (direction)" line that introduced it. */
  readonly title: string;
  readonly bytes: Uint8Array;
  /** What real ovs-ofctl ofp-print printed, newline included. */
  readonly expected: string;
}

export function readOpenflowCorpus(): CorpusMessage[] {
  const text = readFileSync(new URL('../../../../test/corpus/openflow/messages.txt', import.meta.url), 'utf8');
  const out: CorpusMessage[] = [];
  for (const block of text.split(/\n\n/)) {
    const lines = block.split('\n').filter((l) => l !== '');
    if (lines.length < 2 || !lines[0].startsWith('# ')) continue;
    const expected = lines.slice(2).map((l) => l.slice(2)).join('\n') + '\n';
    out.push({ title: lines[0].slice(2), bytes: Uint8Array.from(Buffer.from(lines[1], 'hex')), expected });
  }
  return out;
}
