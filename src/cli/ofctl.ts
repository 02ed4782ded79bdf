// `ovs-ts ofctl`: the ovs-ofctl work-alike. Each command is one entry of the
// COMMANDS table (name, argument count, usage line, handler), so that later
// commands (dump-flows, add-flow, ...) slot in beside the first ones. Called
// by src/cli/main.ts; uses src/flow (extract, format) and src/packet (pcap).
//
// parse-pcap prints, for every packet of every pcap file, the flow that Open
// vSwitch extracts from it: the same text `ovs-appctl ofproto/trace BRIDGE
// in_port=N PACKET` prints after "Flow: " with ovs-vswitchd's default
// vlan-limit of 1. Without --in-port the input port is OFPP_NONE, printed
// "in_port=ANY", as real `ovs-ofctl parse-pcap` prints it.

import { flowExtract } from '../flow/extract.js';
import { formatFlow, formatPort } from '../flow/format.js';
import { IN_PORT, newKey } from '../flow/layout.js';
import { ofpToString } from '../openflow/print.js';
import { LINKTYPE_ETHERNET, PcapError, readPcapFile } from '../packet/pcap.js';

/** A command-line mistake or unusable input: printed as one line, exit status 1. */
class UsageError extends Error {}

export interface Output {
  out(text: string): void;
  err(text: string): void;
}

interface OfctlCommand {
  readonly usage: string;
  readonly minArgs: number;
  readonly maxArgs: number;
  run(args: string[], io: Output): Promise<number>;
}

/** OpenFlow's "no port" (OFPP_NONE), which ovs-ofctl prints as ANY. */
const OFPP_NONE = 0xffff;
const PORT_NAMES: Record<string, number> = {
  IN_PORT: 0xfff8, TABLE: 0xfff9, NORMAL: 0xfffa, FLOOD: 0xfffb, ALL: 0xfffc, CONTROLLER: 0xfffd,
  LOCAL: 0xfffe, ANY: 0xffff, NONE: 0xffff,
};

function parsePort(text: string): number {
  const named = PORT_NAMES[text.toUpperCase()];
  if (named !== undefined) return named;
  if (!/^\d+$/.test(text) || Number(text) > 0xffffffff) throw new UsageError(`${text}: invalid port number`);
  return Number(text);
}

/** Splits `--name=value` options (anywhere) from operands. */
function splitOptions(args: string[], allowed: readonly string[]): { options: Map<string, string>; operands: string[] } {
  const options = new Map<string, string>();
  const operands: string[] = [];
  for (const arg of args) {
    if (!arg.startsWith('--') || arg === '--') {
      operands.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
    if (!allowed.includes(name)) throw new UsageError(`unrecognized option '${arg}'`);
    if (eq < 0) throw new UsageError(`option '--${name}' requires an argument`);
    options.set(name, arg.slice(eq + 1));
  }
  return { options, operands };
}

async function parsePcapCommand(args: string[], io: Output): Promise<number> {
  const { options, operands } = splitOptions(args, ['in-port', 'vlan-limit']);
  const inPort = options.has('in-port') ? parsePort(options.get('in-port') as string) : OFPP_NONE;
  const vlanText = options.get('vlan-limit') ?? '1';
  if (!/^\d+$/.test(vlanText)) throw new UsageError(`${vlanText}: invalid vlan-limit`);
  // vlan-limit as in other_config: 0 means as many as extraction supports.
  const vlanLimit = Number(vlanText);
  const key = newKey();
  const extractOptions = { vlanLimit };
  for (const file of operands) {
    let pcap;
    try {
      pcap = readPcapFile(file);
    } catch (error) {
      if (error instanceof PcapError) throw new UsageError(error.message);
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== undefined) throw new UsageError(`${file}: open failed (${describeErrno(error as Error)})`);
      throw error;
    }
    if (pcap.linktype !== LINKTYPE_ETHERNET) {
      throw new UsageError(`${file}: link type ${pcap.linktype} is not Ethernet (1)`);
    }
    // Written in chunks: a large capture never sits in memory as text.
    let chunk = '';
    for (const record of pcap.records) {
      key[IN_PORT] = inPort;
      flowExtract(record.data, 0, record.data.length, key, extractOptions);
      chunk += formatFlow(key) + '\n';
      if (chunk.length >= 65536) {
        io.out(chunk);
        chunk = '';
      }
    }
    if (chunk !== '') io.out(chunk);
  }
  return 0;
}

/** "No such file or directory" from a Node file system error. */
function describeErrno(error: Error): string {
  const match = /^[A-Z]+: ([^,]+),/.exec(error.message);
  const text = match ? match[1] : error.message;
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Parses hex bytes as ovs-ofctl does: pairs of hex digits, spaces allowed between bytes. */
function parseHexBytes(text: string): Uint8Array {
  const bytes: number[] = [];
  let i = 0;
  while (i < text.length) {
    if (text[i] === ' ' || text[i] === '\t' || text[i] === '\n') {
      i++;
      continue;
    }
    const pair = text.slice(i, i + 2);
    if (!/^[0-9a-fA-F]{2}$/.test(pair)) throw new UsageError('trailing garbage following hex bytes');
    bytes.push(parseInt(pair, 16));
    i += 2;
  }
  return Uint8Array.from(bytes);
}

async function ofpPrintCommand(args: string[], io: Output): Promise<number> {
  const [hexText, verbosityText] = args;
  const verbosity = verbosityText === undefined ? 1 : Number(verbosityText);
  if (!Number.isInteger(verbosity)) throw new UsageError(`${verbosityText}: invalid verbosity`);
  io.out(ofpToString(parseHexBytes(hexText), { verbosity }));
  return 0;
}

const COMMANDS: Record<string, OfctlCommand> = {
  'ofp-print': {
    usage: 'ofp-print HEX [VERBOSITY]  print OpenFlow message HEX as ovs-ofctl ofp-print does',
    minArgs: 1,
    maxArgs: 2,
    run: ofpPrintCommand,
  },
  'parse-pcap': {
    usage: 'parse-pcap [--in-port=PORT] [--vlan-limit=N] PCAP...  print the flow of each packet in PCAP',
    minArgs: 1,
    maxArgs: Infinity,
    run: parsePcapCommand,
  },
};

function usage(): string {
  return [
    'ovs-ts ofctl: OpenFlow switch management utility',
    'usage: ovs-ts ofctl COMMAND [ARG...]',
    '',
    ...Object.keys(COMMANDS).sort().map((name) => `  ${COMMANDS[name].usage}`),
    '',
    `  parse-pcap prints the flow as "ovs-appctl ofproto/trace" prints it after "Flow: "; the input port is`,
    `  ${formatPort(OFPP_NONE)} unless --in-port is given, and --vlan-limit (default 1, 0 for no limit) works`,
    '  like other_config:vlan-limit.',
  ].join('\n');
}

const STDIO: Output = {
  out: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(text),
};

/** Runs `ovs-ts ofctl ARGS`; resolves to the exit status. */
export async function run(args: string[], io: Output = STDIO): Promise<number> {
  const [name, ...rest] = args;
  if (name === undefined || name === '--help' || name === '-h') {
    io.out(usage() + '\n');
    return name === undefined ? 1 : 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.err(`ovs-ts ofctl: unknown command '${name}'; use --help for help\n`);
    return 1;
  }
  const operandCount = rest.filter((a) => !a.startsWith('--')).length;
  if (operandCount < command.minArgs) {
    io.err(`ovs-ts ofctl: '${name}' command requires at least ${command.minArgs} arguments\n`);
    return 1;
  }
  if (operandCount > command.maxArgs) {
    io.err(`ovs-ts ofctl: '${name}' command takes at most ${command.maxArgs} arguments\n`);
    return 1;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`ovs-ts ofctl: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}
