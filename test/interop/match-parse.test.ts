// Interop test of the match parser against real `ovs-ofctl parse-flow`: every
// line of test/corpus/match/fields.txt must be accepted or rejected by
// parseMatch() exactly when ovs-ofctl accepts or rejects it (errors with the
// same message), and parsing ovs-ofctl's normalised printout must give the same
// Match as parsing the line. Skips (visibly) where Open vSwitch is missing.

import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseMatch } from '../../src/flow/parse.js';
import { realOvsMissing } from '../support/real-ovs.js';

const corpusPath = join(import.meta.dirname, '..', '..', '..', 'test', 'corpus', 'match', 'fields.txt');

interface CorpusLine {
  readonly text: string;
  readonly lineNumber: number;
  /** Why the printed form cannot be compared, when it cannot. */
  readonly noRoundTrip?: string;
}

function readCorpus(): CorpusLine[] {
  const lines: CorpusLine[] = [];
  readFileSync(corpusPath, 'utf8').split('\n').forEach((raw, i) => {
    if (/^\s*(#|$)/.test(raw)) return;
    const hash = raw.indexOf(' #');
    const text = hash < 0 ? raw : raw.slice(0, hash);
    const comment = hash < 0 ? '' : raw.slice(hash + 2).trim();
    const noRoundTrip = /^no-roundtrip:/.test(comment) ? comment : undefined;
    lines.push({ text, lineNumber: i + 1, ...(noRoundTrip ? { noRoundTrip } : {}) });
  });
  return lines;
}

interface OvsVerdict {
  /** The error after "ovs-ofctl: ", or null when the match was accepted. */
  readonly error: string | null;
  /** The match as ovs-ofctl printed it, when it could decode its own encoding. */
  readonly printed: string | null;
}

function ovsParse(text: string): Promise<OvsVerdict> {
  return new Promise((resolve) => {
    execFile('ovs-ofctl', ['parse-flow', `${text},actions=drop`], { timeout: 10_000 }, (err, stdout, stderr) => {
      const printed = /FLOW_MOD \(xid=0x1\): ADD (.*)actions=drop/.exec(stdout)?.[1].trim() ?? null;
      if (!err) return resolve({ error: null, printed });
      const message = /ovs-ofctl: (.*)$/m.exec(stderr)?.[1] ?? stderr.trim();
      // A consistency check of actions against the match, done after the
      // match parsed: for the match parser this is acceptance.
      if (message.includes('OFPBAC_MATCH_INCONSISTENT')) return resolve({ error: null, printed: null });
      resolve({ error: message, printed: null });
    });
  });
}

/**
 * Parses the very text given to ovs-ofctl, actions included, so that the
 * split between match and actions is checked too.
 */
function ourParse(text: string): { error: string | null; match?: ReturnType<typeof parseMatch> } {
  try {
    return { error: null, match: parseMatch(`${text},actions=drop`, { onOther: (name) => name === 'actions' }) };
  } catch (e) {
    if (e instanceof SyntaxError) return { error: e.message };
    throw e;
  }
}

const missing = realOvsMissing();

test('parseMatch() accepts and rejects the corpus as ovs-ofctl parse-flow does', { skip: missing ?? false }, async () => {
  const corpus = readCorpus();
  const verdicts: OvsVerdict[] = new Array(corpus.length);
  // A few ovs-ofctl processes at a time: the machine is shared.
  let next = 0;
  await Promise.all(
    Array.from({ length: 3 }, async () => {
      while (next < corpus.length) {
        const i = next++;
        verdicts[i] = await ovsParse(corpus[i].text);
      }
    }),
  );
  const failures: string[] = [];
  let compared = 0;
  corpus.forEach((line, i) => {
    const where = `line ${line.lineNumber} "${line.text}"`;
    const ovs = verdicts[i];
    const ours = ourParse(line.text);
    if (ovs.error !== ours.error) {
      failures.push(`${where}: ovs-ofctl says ${JSON.stringify(ovs.error)}, we say ${JSON.stringify(ours.error)}`);
      return;
    }
    if (ours.match && ovs.printed !== null && !line.noRoundTrip) {
      const again = ourParse(ovs.printed);
      compared++;
      if (!again.match || !again.match.equals(ours.match)) {
        failures.push(`${where}: ovs-ofctl prints "${ovs.printed}", which parses to a different match`);
      }
    }
  });
  assert.deepEqual(failures, []);
  assert.ok(compared > corpus.length / 3, `only ${compared} printed matches compared`);
});

