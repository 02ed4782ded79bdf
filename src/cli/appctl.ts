// `ovs-ts appctl`: ovs-appctl(8). Finds a daemon's control socket (by pidfile
// name in the run directory, or by socket path), sends one unixctl command and
// prints the reply. Stdout, stderr and exit status follow the real ovs-appctl
// 3.1 (checked side by side in test/interop/appctl.test.ts): 0 on success, 2
// when the daemon answers with an error, 1 for every other failure, and 142
// (128 + SIGALRM, what a shell shows for the real tool) when -T runs out.

import { readFileSync } from 'node:fs';
import { ESRCH, errnoFromName, ovsStrerror } from '../lib/errno.js';
import { ErrnoError, OvsError, ParseError } from '../lib/errors.js';
import { resolveUnixPath } from '../lib/stream.js';
import { UnixctlClient, UnixctlTransactionError, type UnixctlReply } from '../lib/unixctl.js';
import { versionText } from '../lib/version.js';
import {
  VlogDestination, VlogLevel, vlogInit, vlogModule, vlogParseOption, vlogSetLevels, vlogSetLogFile,
  type VlogOptions,
} from '../lib/vlog.js';

const PROGRAM = 'ovs-appctl';
const EXIT_FAILURE = 1;
const EXIT_SERVER_ERROR = 2;
/** 128 + SIGALRM: the status a shell reports for the real ovs-appctl killed by its alarm. */
const EXIT_TIMEOUT = 142;

/** A failure that ends the program with `ovs-appctl: MESSAGE` and exit status 1. */
class AppctlFatal extends OvsError {
  constructor(message: string) {
    super('EAPPCTL', message);
  }
}

// -- logging ----------------------------------------------------------------------

/** Logs a line through vlog, whose console lines match ovs-appctl's own. */
function log(module: string, level: 'WARN' | 'DBG', text: string): void {
  if (level === 'WARN') vlogModule(module).warn(text);
  else vlogModule(module).dbg(text);
}

// -- command line -----------------------------------------------------------------

interface OptionSpec {
  readonly long: string;
  readonly short: string | null;
  readonly argument: 'none' | 'required' | 'optional';
}

const OPTIONS: readonly OptionSpec[] = [
  { long: 'target', short: 't', argument: 'required' },
  { long: 'execute', short: 'e', argument: 'none' },
  { long: 'help', short: 'h', argument: 'none' },
  { long: 'option', short: 'o', argument: 'none' },
  { long: 'version', short: 'V', argument: 'none' },
  { long: 'timeout', short: 'T', argument: 'required' },
  { long: 'verbose', short: 'v', argument: 'optional' },
  { long: 'log-file', short: null, argument: 'optional' },
  { long: 'syslog-method', short: null, argument: 'required' },
  { long: 'syslog-target', short: null, argument: 'required' },
];

interface ParsedArgs {
  target: string | null;
  timeoutSec: number | null;
  logging: VlogOptions;
  command: string[];
}

/** The `--option` listing: each long and short form with its argument, one per line. */
function optionList(): string {
  let text = '';
  for (const option of OPTIONS) {
    const suffix = option.argument === 'required' ? '=ARG' : option.argument === 'optional' ? '=[ARG]' : '';
    text += `--${option.long}${suffix}\n`;
    if (option.short) {
      const shortSuffix = option.argument === 'required' ? 'ARG' : option.argument === 'optional' ? '[ARG]' : '';
      text += `-${option.short} ${shortSuffix}\n`;
    }
  }
  return text;
}

function usage(): string {
  return [
    `${PROGRAM}, sends a command to a running Open vSwitch daemon (ovs-ts)`,
    `usage: ${PROGRAM} [TARGET] COMMAND [ARG...]`,
    'Targets:',
    '  -t, --target=TARGET  pidfile or socket to contact',
    'Common commands:',
    '  list-commands      List the commands the target supports',
    '  version            Print the version of the target',
    '  vlog/list          List the logging levels',
    '  vlog/list-pattern  List the log patterns of each destination',
    '  vlog/set [SPEC]    Change log levels or patterns (see ovs-appctl(8))',
    '  vlog/reopen        Make the target reopen its log file',
    'Other options:',
    '  --timeout=SECS     give up after SECS seconds',
    '  -h, --help         Print this help and exit',
    '  -V, --version      Print the version of ovs-appctl and exit',
    '',
  ].join('\n');
}

type Parsed = { kind: 'run'; args: ParsedArgs } | { kind: 'exit'; status: number };

/**
 * getopt_long with "+": options come first and the first non-option starts
 * the command (so `ovs-appctl vlog/set -x` passes -x to the daemon). Long
 * options may be abbreviated to a unique prefix. Errors use getopt's words.
 */
function parseArgs(argv: string[]): Parsed {
  const parsed: ParsedArgs = { target: null, timeoutSec: null, logging: { logFile: null }, command: [] };
  let i = 0;
  const apply = (option: OptionSpec, value: string | undefined): Parsed | null => {
    switch (option.long) {
      case 'target':
        if (parsed.target !== null) throw new AppctlFatal('-t or --target may be specified only once');
        parsed.target = value!;
        return null;
      case 'timeout': {
        if (!/^\d+$/.test(value!) || Number(value) <= 0 || !Number.isSafeInteger(Number(value))) {
          throw new AppctlFatal(`value ${value} on -T or --timeout is invalid`);
        }
        parsed.timeoutSec = Number(value);
        return null;
      }
      case 'help':
        process.stdout.write(usage());
        return { kind: 'exit', status: 0 };
      case 'option':
        process.stdout.write(optionList());
        return { kind: 'exit', status: 0 };
      case 'version':
        process.stdout.write(`${versionText(PROGRAM)}\n`);
        return { kind: 'exit', status: 0 };
      case 'execute':
        // Accepted for compatibility; it has no effect in ovs-appctl 3.1 either.
        return null;
      default:
        // -v/--verbose, --log-file, --syslog-method, --syslog-target.
        try {
          vlogParseOption(parsed.logging, option.long, value);
        } catch (error) {
          if (error instanceof ParseError) throw new AppctlFatal(error.message);
          throw error;
        }
        return null;
    }
  };
  for (; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      i++;
      break;
    }
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
      const inline = eq < 0 ? undefined : arg.slice(eq + 1);
      const exact = OPTIONS.find((o) => o.long === name);
      const matches = exact ? [exact] : OPTIONS.filter((o) => o.long.startsWith(name));
      if (matches.length === 0) throw new AppctlFatal(`unrecognized option '--${name}'`);
      if (matches.length > 1) {
        throw new AppctlFatal(`option '--${name}' is ambiguous; possibilities: ${matches.map((o) => `'--${o.long}'`).join(' ')}`);
      }
      const option = matches[0];
      let value = inline;
      if (option.argument === 'none' && inline !== undefined) {
        throw new AppctlFatal(`option '--${option.long}' doesn't allow an argument`);
      }
      if (option.argument === 'required' && value === undefined) {
        if (i + 1 >= argv.length) throw new AppctlFatal(`option '--${option.long}' requires an argument`);
        value = argv[++i];
      }
      const result = apply(option, value);
      if (result) return result;
      continue;
    }
    if (arg.startsWith('-') && arg.length > 1) {
      for (let j = 1; j < arg.length; j++) {
        const letter = arg[j];
        const option = OPTIONS.find((o) => o.short === letter);
        if (!option) throw new AppctlFatal(`invalid option -- '${letter}'`);
        let value: string | undefined;
        if (option.argument !== 'none') {
          const rest = arg.slice(j + 1);
          if (rest !== '') {
            value = rest;
          } else if (option.argument === 'required') {
            if (i + 1 >= argv.length) throw new AppctlFatal(`option requires an argument -- '${letter}'`);
            value = argv[++i];
          }
          j = arg.length;
        }
        const result = apply(option, value);
        if (result) return result;
      }
      continue;
    }
    break;
  }
  parsed.command = argv.slice(i);
  if (parsed.command.length === 0) {
    throw new AppctlFatal('at least one non-option argument is required (use --help for help)');
  }
  return { kind: 'run', args: parsed };
}

// -- finding the daemon -------------------------------------------------------------

/** True if a process with this pid exists (EPERM means it does, but is not ours). */
function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The control socket for a target: an absolute name is the socket itself;
 * anything else names a pidfile $OVS_RUNDIR/TARGET.pid, whose pid gives
 * $OVS_RUNDIR/TARGET.PID.ctl.
 */
function socketForTarget(target: string): string {
  if (target.startsWith('/')) return target;
  const pidfile = resolveUnixPath(`${target}.pid`);
  let text: string;
  try {
    text = readFileSync(pidfile, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    const errno = errnoFromName(code);
    const message = errno === undefined ? String((error as Error).message) : ovsStrerror(errno);
    log('daemon_unix', 'WARN', `${pidfile}: open: ${message}`);
    throw new AppctlFatal(`cannot read pidfile "${pidfile}" (${message})`);
  }
  const pid = /^\s*(\d+)\s*$/.exec(text)?.[1];
  // A pidfile whose process is gone is stale, as OVS decides by the file lock.
  if (pid === undefined || Number(pid) <= 0 || !processExists(Number(pid))) {
    throw new AppctlFatal(`cannot read pidfile "${pidfile}" (${ovsStrerror(ESRCH)})`);
  }
  return resolveUnixPath(`${target}.${Number(pid)}.ctl`);
}

// -- main -----------------------------------------------------------------------------

/** What a timeout must close so that the process can exit. */
interface Pending {
  client?: UnixctlClient;
  /** Set when -T ran out: the closed connection is then no error to report. */
  timedOut?: boolean;
}

async function transact(target: string, command: string[], options: { pending: Pending }): Promise<number> {
  const { pending } = options;
  const path = socketForTarget(target);
  let client: UnixctlClient;
  try {
    client = await UnixctlClient.connect(path);
    pending.client = client;
  } catch (error) {
    if (!(error instanceof ErrnoError)) throw error;
    log('unixctl', 'WARN', `failed to connect to ${path}`);
    throw new AppctlFatal(error.message);
  }
  const [method, ...params] = command;
  let reply: UnixctlReply;
  try {
    // What -v shows: OVS's jsonrpc debug lines for the exchange.
    log('jsonrpc', 'DBG', `unix:${path}: send request, method=${JSON.stringify(method)}, params=${JSON.stringify(params)}, id=0`);
    reply = await client.transact(method, params);
  } catch (error) {
    if (!(error instanceof UnixctlTransactionError)) throw error;
    if (pending.timedOut) return EXIT_TIMEOUT;
    for (const line of error.logLines) log(line.module, 'WARN', line.text);
    throw new AppctlFatal(`${target}: transaction error (${ovsStrerror(error.errno)})`);
  } finally {
    client.close();
  }
  if (reply.error !== undefined) {
    log('jsonrpc', 'DBG', `unix:${path}: received error, error=${JSON.stringify(reply.error)}, id=0`);
    process.stderr.write(reply.error);
    process.stderr.write(`${PROGRAM}: ${target}: server returned an error\n`);
    return EXIT_SERVER_ERROR;
  }
  log('jsonrpc', 'DBG', `unix:${path}: received reply, result=${JSON.stringify(reply.result)}, id=0`);
  process.stdout.write(reply.result ?? '');
  return 0;
}

/** Runs `ovs-ts appctl ARGS...`; resolves to the exit status. */
export async function run(args: string[]): Promise<number> {
  let timer: NodeJS.Timeout | undefined;
  // Like ovs-appctl: warnings and worse on the console unless -v says otherwise.
  vlogInit({ programName: PROGRAM });
  vlogSetLevels(undefined, { destination: VlogDestination.Console, level: VlogLevel.Warn });
  try {
    const parsed = parseArgs(args);
    if (parsed.kind === 'exit') return parsed.status;
    const { target, timeoutSec, command, logging } = parsed.args;
    if (logging.logFile !== null) vlogSetLogFile(logging.logFile);
    const pending: Pending = {};
    const work = transact(target ?? 'ovs-vswitchd', command, { pending });
    if (timeoutSec === null) return await work;
    const expired = new Promise<number>((resolve) => {
      timer = setTimeout(() => {
        log('fatal_signal', 'WARN', 'terminating with signal 14 (Alarm clock)');
        pending.timedOut = true;
        pending.client?.close();
        resolve(EXIT_TIMEOUT);
      }, timeoutSec * 1000);
    });
    // The losing side is abandoned: the process exits with the status.
    work.catch(() => {});
    return await Promise.race([work, expired]);
  } catch (error) {
    if (error instanceof AppctlFatal) {
      process.stderr.write(`${PROGRAM}: ${error.message}\n`);
      return EXIT_FAILURE;
    }
    throw error;
  } finally {
    if (timer) clearTimeout(timer);
  }
}
