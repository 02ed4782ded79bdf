// Compares the actions codec with real ovs-ofctl 3.1 over the corpus in
// test/corpus/openflow-actions (flows.txt, errors.txt and the captured
// expected.json): parse, usable protocols, encode, decode, format and the
// byte-exact round trip, per flow and OpenFlow version.
// src/openflow/actions/corpus.test.ts asserts on the result; run directly
// (node dist/test/corpus/openflow-actions/compare.js) it prints each mismatch.

import { readExpected, readExpectedWire, type CapturedVersion, type CapturedWire } from './capture.js';
import { Match } from '../../../src/flow/match.js';
import { parseMatch, splitActions } from '../../../src/flow/parse.js';
import { OfpError } from '../../../src/openflow/ofp-error.js';
import { checkActions, formatProtocols, protocolsOfVersion, PROTOCOL, PROTOCOLS_ANY } from '../../../src/openflow/actions/check.js';
import { MATCH_FIELDS } from '../../../src/flow/fields.js';
import { decodeActions } from '../../../src/openflow/actions/decode.js';
import { encodeActions } from '../../../src/openflow/actions/encode.js';
import { formatActions } from '../../../src/openflow/actions/format.js';
import { parseActions } from '../../../src/openflow/actions/parse.js';

/** Fields an OpenFlow 1.0 match holds, and those OpenFlow 1.1's adds. */
const OF10_MATCH = new Set(['in_port', 'eth_src', 'eth_dst', 'eth_type', 'vlan_tci', 'vlan_vid', 'vlan_pcp', 'dl_vlan',
  'dl_vlan_pcp', 'ip_src', 'ip_dst', 'nw_proto', 'nw_tos', 'ip_dscp', 'tcp_src', 'tcp_dst', 'udp_src', 'udp_dst',
  'icmp_type', 'icmp_code', 'arp_op', 'arp_spa', 'arp_tpa']);
const OF11_MATCH = new Set(['metadata', 'mpls_label', 'mpls_tc', 'sctp_src', 'sctp_dst']);

/**
 * Roughly which protocols can carry a match (the corpus matches are simple):
 * the flow_mod codec owns the exact answer; this only keeps the usable
 * protocols of the corpus comparable.
 */
function matchProtocols(match: Match): number {
  let usable = PROTOCOLS_ANY;
  for (const f of MATCH_FIELDS) {
    let used = false;
    for (let w = f.word; w < f.word + f.words; w++) if (((match.mask[w] ?? 0) & (f.words === 1 ? f.wordMask : 0xffffffff)) !== 0) used = true;
    if (!used || f.tunMetadataIndex !== undefined) continue;
    if (OF10_MATCH.has(f.name)) continue;
    usable &= OF11_MATCH.has(f.name) ? ~PROTOCOL.OF10 : ~(PROTOCOL.OF10 | PROTOCOL.OF11);
  }
  return usable;
}

export interface Mismatch {
  readonly flow: string;
  readonly version: number;
  readonly what: string;
  readonly expected: string;
  readonly actual: string;
}

function hex(b: Uint8Array): string {
  return Buffer.from(b).toString('hex');
}

function errorText(e: unknown): string {
  return e instanceof Error ? `${e.constructor.name}: ${e.message}` : String(e);
}

/** Checks one flow line against what real ovs-ofctl did for one version. */
export function checkCorpusEntry(flow: string, version: number, expected: CapturedVersion): Mismatch[] {
  const out: Mismatch[] = [];
  const miss = (what: string, exp: string, act: string): void => {
    out.push({ flow, version, what, expected: exp, actual: act });
  };
  const split = splitActions(flow)!;
  let parsed;
  let usable = 0;
  let match: Match;
  try {
    match = parseMatch(split.match);
    parsed = parseActions(split.actions, { match });
    usable = checkActions(parsed, match).usable & matchProtocols(match);
  } catch (e) {
    if ('error' in expected) {
      const message = (e as Error).message.trimEnd();
      if (message !== expected.error.trimEnd()) miss('error message', expected.error, message);
    } else {
      miss('parse', 'accepted', errorText(e));
    }
    return out;
  }
  const usableText = formatProtocols(usable);
  if ((usable & protocolsOfVersion(version)) === 0) {
    if (!('error' in expected)) miss('usable', expected.usable, usableText);
    else if (expected.error !== 'no usable protocol') miss('error message', expected.error, 'no usable protocol');
    return out;
  }
  if ('error' in expected) {
    miss('parse', `error: ${expected.error}`, 'accepted');
    return out;
  }
  if (usableText !== expected.usable) miss('usable', expected.usable, usableText);
  let bytes: Uint8Array;
  try {
    bytes = encodeActions(parsed, version, { instructions: true });
  } catch (e) {
    miss('encode', expected.hex, errorText(e));
    return out;
  }
  if (hex(bytes) !== expected.hex) miss('encode', expected.hex, hex(bytes));
  const wire = Uint8Array.from(Buffer.from(expected.hex, 'hex'));
  let decoded;
  try {
    decoded = decodeActions(wire, version, { instructions: true });
    // ofp-print judges decoded actions against the flow_mod's match, as a switch does.
    checkActions(decoded, match, { version });
  } catch (e) {
    if (expected.decodeError === undefined) miss('decode', expected.text, errorText(e));
    else if (!(e instanceof OfpError) || e.errorName !== expected.decodeError) miss('decode error', expected.decodeError, errorText(e));
    return out;
  }
  if (expected.decodeError !== undefined) {
    miss('decode error', expected.decodeError, 'decoded');
    return out;
  }
  const text = formatActions(decoded);
  if (text !== expected.text) miss('format', expected.text, text);
  let again: Uint8Array;
  try {
    again = encodeActions(decoded, version, { instructions: true });
  } catch (e) {
    miss('re-encode', expected.hex, errorText(e));
    return out;
  }
  if (hex(again) !== expected.hex) miss('re-encode', expected.hex, hex(again));
  return out;
}

/**
 * Crafted bytes: decode (then check against an empty match, as ofp-print
 * does) must fail with the OfpError real ovs-ofctl named, or print the same.
 */
export function checkWireEntry(w: CapturedWire): Mismatch[] {
  const out: Mismatch[] = [];
  const flow = `wire ${w.hex}`;
  let result: string;
  let isError = false;
  try {
    const decoded = decodeActions(Uint8Array.from(Buffer.from(w.hex, 'hex')), w.version, { instructions: true });
    checkActions(decoded, new Match(), { version: w.version });
    result = formatActions(decoded);
  } catch (e) {
    if (!(e instanceof OfpError)) {
      out.push({ flow, version: w.version, what: 'decode threw a non-OfpError', expected: '', actual: errorText(e) });
      return out;
    }
    result = e.errorName;
    isError = true;
  }
  const expected = 'error' in w.result ? w.result.error : w.result.text;
  if (result !== expected || isError !== 'error' in w.result) {
    out.push({ flow, version: w.version, what: 'wire', expected, actual: result });
  }
  return out;
}

export function checkCorpus(): { checked: number; mismatches: Mismatch[] } {
  const mismatches: Mismatch[] = [];
  let checked = 0;
  for (const w of readExpectedWire()) {
    checked++;
    mismatches.push(...checkWireEntry(w));
  }
  for (const entry of readExpected()) {
    for (const [v, expected] of Object.entries(entry.versions)) {
      checked++;
      mismatches.push(...checkCorpusEntry(entry.flow, Number(v), expected));
    }
  }
  return { checked, mismatches };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { checked, mismatches } = checkCorpus();
  for (const m of mismatches) {
    console.log(`${m.flow} [v${m.version}] ${m.what}\n   want ${m.expected}\n   got  ${m.actual}`);
  }
  console.log(`${checked} checked, ${mismatches.length} mismatches`);
}
