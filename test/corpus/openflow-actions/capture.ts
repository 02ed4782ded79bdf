// Captures test/corpus/openflow-actions/expected.json from real Open vSwitch
// 3.1: every line of flows.txt and errors.txt goes through `ovs-ofctl -mmmmm
// -O OpenFlow1X parse-flow` for each OpenFlow version. ovs-ofctl encodes the
// same flow_mod it would send for add-flow and prints it back (ofp-print, the
// printer dump-flows uses) with a hex dump; we keep the usable protocols, the
// printed actions, the action (or instruction) bytes, or the error message.
// Run: npm run build && node dist/test/corpus/openflow-actions/capture.js --write

import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

export const ACTIONS_CORPUS_DIR = new URL('../../../../test/corpus/openflow-actions/', import.meta.url);

/** What real ovs-ofctl did with one flow line for one version. */
export type CapturedVersion =
  /**
   * `decodeError`: real ovs-ofctl encoded the actions but could not decode
   * its own bytes (e.g. debug_recirc), printing this OfpError name instead.
   */
  | { usable: string; text: string; hex: string; decodeError?: string }
  /** `warning`: what ovs-ofctl logged before failing, without the log prefix. */
  | { error: string; warning?: string };

export interface CapturedFlow {
  readonly flow: string;
  /** Keyed by the wire version byte, "1" (OpenFlow 1.0) to "6" (1.5). */
  readonly versions: Record<string, CapturedVersion>;
}

export const VERSION_NAMES: Record<number, string> = {
  1: 'OpenFlow10', 2: 'OpenFlow11', 3: 'OpenFlow12', 4: 'OpenFlow13', 5: 'OpenFlow14', 6: 'OpenFlow15',
};

/** The lines of a corpus file, without comments and blank lines. */
export function readCorpusLines(file: string): string[] {
  return readFileSync(new URL(file, ACTIONS_CORPUS_DIR), 'utf8').split('\n').filter((l) => l !== '' && !l.startsWith('#'));
}

export function readExpected(): CapturedFlow[] {
  return JSON.parse(readFileSync(new URL('expected.json', ACTIONS_CORPUS_DIR), 'utf8')) as CapturedFlow[];
}

function hexDumpBytes(lines: string[]): Uint8Array {
  const out: number[] = [];
  for (const line of lines) {
    const m = /^[0-9a-f]{8} {2}(.{47})/.exec(line);
    if (!m) continue;
    for (const h of m[1]!.replace('-', ' ').trim().split(/\s+/)) if (/^[0-9a-f]{2}$/.test(h)) out.push(parseInt(h, 16));
  }
  return Uint8Array.from(out);
}

/**
 * The action (OpenFlow 1.0) or instruction (1.1+) bytes of a flow_mod:
 * OFPT_FLOW_MOD of each version, or OpenFlow 1.0's NXT_FLOW_MOD.
 */
export function flowModActions(msg: Uint8Array): Uint8Array {
  const version = msg[0]!;
  const u16 = (o: number): number => (msg[o]! << 8) | msg[o + 1]!;
  if (version === 1) {
    if (msg[1] === 4) {
      // NXT_FLOW_MOD: 16-byte header, 32 bytes of fields, then the NXM match.
      const matchLen = u16(40);
      return msg.slice(48 + Math.ceil(matchLen / 8) * 8);
    }
    return msg.slice(72);
  }
  if (version === 2) return msg.slice(48 + 88);
  const matchLen = u16(50);
  return msg.slice(48 + Math.ceil(matchLen / 8) * 8);
}

export async function captureFlow(flow: string): Promise<CapturedFlow> {
  const versions: Record<string, CapturedVersion> = {};
  for (const [v, name] of Object.entries(VERSION_NAMES)) {
    try {
      const { stdout } = await execFileAsync('ovs-ofctl', ['-mmmmm', '-O', name, 'parse-flow', flow], { timeout: 10_000 });
      const lines = stdout.split('\n');
      const usable = (lines.find((l) => l.startsWith('usable protocols: ')) ?? '').slice(18);
      const printed = lines.find((l) => l.includes('OFPT_FLOW_MOD') || l.includes('NXT_FLOW_MOD')) ?? '';
      const at = printed.indexOf(' actions=');
      const text = at < 0 ? '' : printed.slice(at + 9);
      const hex = Buffer.from(flowModActions(hexDumpBytes(lines))).toString('hex');
      const failed = /\*\*\*decode error: (\w+)\*\*\*/.exec(printed);
      versions[v] = failed ? { usable, text, hex, decodeError: failed[1]! } : { usable, text, hex };
    } catch (e) {
      const err = e as { stderr?: string; stdout?: string };
      const lines = (err.stderr ?? '').trim().split('\n');
      const message = (lines.find((l) => l.startsWith('ovs-ofctl: ')) ?? lines[lines.length - 1]!).replace(/^ovs-ofctl: /, '');
      const logged = lines.filter((l) => /^\d{4}-\d\d-\d\dT/.test(l)).map((l) => l.replace(/^[^|]*\|[^|]*\|[^|]*\|[^|]*\|/, ''));
      versions[v] = logged.length > 0 ? { error: message, warning: logged.join('\n') } : { error: message };
    }
  }
  return { flow, versions };
}

/** What real ovs-ofctl ofp-print made of crafted bytes: an OfpError name or the printed actions. */
export interface CapturedWire {
  readonly version: number;
  readonly hex: string;
  readonly result: { error: string } | { text: string };
}

/** "VERSION HEX" lines of wire.txt, white space removed from the hex. */
export function readWireLines(): Array<{ version: number; hex: string }> {
  return readCorpusLines('wire.txt').map((l) => {
    const [v, ...rest] = l.trim().split(/\s+/);
    return { version: Number(v), hex: rest.join('').toLowerCase() };
  });
}

export function readExpectedWire(): CapturedWire[] {
  return JSON.parse(readFileSync(new URL('expected-wire.json', ACTIONS_CORPUS_DIR), 'utf8')) as CapturedWire[];
}

const emptyFlowMods = new Map<number, Uint8Array>();

/** A flow_mod without actions, as real ovs-ofctl encodes "actions=drop" for `version`. */
async function emptyFlowMod(version: number): Promise<Uint8Array> {
  let msg = emptyFlowMods.get(version);
  if (!msg) {
    const { stdout } = await execFileAsync('ovs-ofctl', ['-mmmmm', '-O', VERSION_NAMES[version]!, 'parse-flow', 'actions=drop']);
    msg = hexDumpBytes(stdout.split('\n'));
    emptyFlowMods.set(version, msg);
  }
  return msg;
}

export async function captureWire(version: number, hex: string): Promise<CapturedWire> {
  const prefix = await emptyFlowMod(version);
  const body = Buffer.from(hex, 'hex');
  const msg = Buffer.concat([prefix, body]);
  msg.writeUInt16BE(msg.length, 2);
  const { stdout } = await execFileAsync('ovs-ofctl', ['ofp-print', msg.toString('hex')], { timeout: 10_000 });
  const failed = /\*\*\*decode error: (\w+)\*\*\*/.exec(stdout);
  if (failed) return { version, hex, result: { error: failed[1]! } };
  const line = stdout.split('\n')[0]!;
  const at = line.indexOf(' actions=');
  return { version, hex, result: { text: at < 0 ? `unexpected: ${line}` : line.slice(at + 9) } };
}

async function main(): Promise<void> {
  const flows = [...readCorpusLines('flows.txt'), ...readCorpusLines('errors.txt')];
  const out: CapturedFlow[] = [];
  for (const flow of flows) out.push(await captureFlow(flow));
  const json = '[\n' + out.map((f) => JSON.stringify(f)).join(',\n') + '\n]\n';
  const wire: CapturedWire[] = [];
  for (const { version, hex } of readWireLines()) wire.push(await captureWire(version, hex));
  const wireJson = '[\n' + wire.map((w) => JSON.stringify(w)).join(',\n') + '\n]\n';
  if (process.argv.includes('--write')) {
    writeFileSync(new URL('expected.json', ACTIONS_CORPUS_DIR), json);
    writeFileSync(new URL('expected-wire.json', ACTIONS_CORPUS_DIR), wireJson);
  } else {
    process.stdout.write(json + wireJson);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
