// `ovs-ts vswitchd [DATABASE]`: the switch daemon's main, taking
// ovs-vswitchd(8)'s options. It parses the command line, daemonizes, writes
// the pidfile, opens the log, serves the unixctl socket
// ($OVS_RUNDIR/ovs-vswitchd.PID.ctl) with the vlog/coverage/memory/time/exit
// commands, and stops cleanly on `exit` or SIGTERM. The database connection
// and the bridge layer (src/vswitchd/) plug in here in later issues.

import { existsSync, unlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CommandLineError, parseCommandLine, type LongOption } from '../lib/command-line.js';
import { coverageRegisterCommands, coverageStart } from '../lib/coverage.js';
import {
  daemonAtExit, DaemonError, daemonizeComplete, daemonizeStart, daemonParseOption, daemonRunExitHooks,
  daemonSetUp, daemonUsage, DAEMON_LONG_OPTIONS, defaultDaemonOptions, type DaemonOptions,
} from '../lib/daemon.js';
import { daemonRegisterCommands } from '../lib/daemon-unixctl.js';
import { ovsRundir } from '../lib/dirs.js';
import { ENOENT, ovsStrerror } from '../lib/errno.js';
import { ErrnoError, ParseError } from '../lib/errors.js';
import { memoryRegisterCommands, memoryStart } from '../lib/memory.js';
import { UnixctlServer } from '../lib/unixctl.js';
import { OVS_TS_VERSION, versionText } from '../lib/version.js';
import {
  VLOG_LONG_OPTIONS, vlogInit, vlogModule, vlogParseOption, vlogRegisterCommands, vlogSetLogFile, vlogUsage,
  type VlogOptions,
} from '../lib/vlog.js';

const PROGRAM = 'ovs-vswitchd';
const log = vlogModule('vswitchd');

/** What the command line asked for; later layers (bridge, dpif, netdev-dummy) read it. */
export interface VswitchdConfig {
  /** The OVSDB remote, default unix:$OVS_RUNDIR/db.sock. */
  database: string;
  /** --enable-dummy[=override|system]: undefined when absent, '' for plain --enable-dummy. */
  enableDummy: string | undefined;
  disableSystem: boolean;
  disableSystemRoute: boolean;
  /** --dummy-numa=NUMA-LIST for the dummy datapath's fake CPU layout. */
  dummyNuma: string | undefined;
  mlockall: boolean;
  /** --unixctl=SOCKET; undefined for the default, 'none' for no socket. */
  unixctl: string | undefined;
  /** --private-key, --certificate, --ca-cert, --bootstrap-ca-cert, --peer-ca-cert, --ssl-protocols, --ssl-ciphers. */
  ssl: Record<string, string>;
  daemon: DaemonOptions;
}

const SSL_OPTIONS = ['private-key', 'certificate', 'ca-cert', 'bootstrap-ca-cert', 'peer-ca-cert', 'ssl-protocols', 'ssl-ciphers'];

const LONG_OPTIONS: readonly LongOption[] = [
  { name: 'help', argument: 'none' },
  { name: 'version', argument: 'none' },
  { name: 'mlockall', argument: 'none' },
  { name: 'unixctl', argument: 'required' },
  ...DAEMON_LONG_OPTIONS,
  ...VLOG_LONG_OPTIONS,
  ...SSL_OPTIONS.map((name): LongOption => ({ name, argument: 'required' })),
  { name: 'enable-dummy', argument: 'optional' },
  { name: 'disable-system', argument: 'none' },
  { name: 'disable-system-route', argument: 'none' },
  { name: 'dpdk', argument: 'none' },
  { name: 'dummy-numa', argument: 'required' },
];

const SHORT_KEYS = { h: 'help', V: 'version', v: 'verbose', p: 'private-key', c: 'certificate', C: 'ca-cert' };

function usage(): string {
  return `${PROGRAM}: Open vSwitch daemon (ovs-ts)
usage: ${PROGRAM} [OPTIONS] [DATABASE]
where DATABASE is a socket on which ovsdb-server is listening
      (default: "unix:${ovsRundir()}/db.sock").

Active DATABASE connection methods:
  tcp:HOST:PORT           PORT at remote HOST
  ssl:HOST:PORT           SSL PORT at remote HOST
  unix:FILE               Unix domain socket named FILE
PKI configuration (required to use SSL):
  -p, --private-key=FILE  file with private key
  -c, --certificate=FILE  file with certificate for private key
  -C, --ca-cert=FILE      file with peer CA certificate
  --bootstrap-ca-cert=FILE  file with peer CA certificate to read or create
SSL options:
  --ssl-protocols=PROTOS  list of SSL protocols to enable
  --ssl-ciphers=CIPHERS   list of SSL ciphers to enable
${daemonUsage(PROGRAM)}${vlogUsage({ programName: PROGRAM })}
Dummy datapath options:
  --enable-dummy[=override|system]  enable the dummy datapath and netdevs
  --disable-system        do not use the system (kernel) datapath
  --disable-system-route  do not read the system routing table

Other options:
  --unixctl=SOCKET          override default control socket name
  -h, --help                display this help message
  -V, --version             display version information
`;
}

/** A parse failure already reported on stderr; carries the exit code. */
class ExitRequest extends Error {
  constructor(readonly exitCode: number) {
    super(`exit ${exitCode}`);
  }
}

function fail(message: string): never {
  process.stderr.write(`${PROGRAM}: ${message}\n`);
  throw new ExitRequest(1);
}

/**
 * Parses the command line. Logging options take effect as they are met (as
 * in OVS), except --log-file, which is opened by the daemon itself after
 * --detach. Prints --help/--version and throws ExitRequest for those and for errors.
 */
export function parseVswitchdArgs(args: string[]): { config: VswitchdConfig; logFile: string | undefined | null } {
  let parsed;
  try {
    parsed = parseCommandLine(args, { longOptions: LONG_OPTIONS, shortOptions: 'hVv::p:c:C:', shortKeys: SHORT_KEYS });
  } catch (error) {
    if (error instanceof CommandLineError) fail(error.message);
    throw error;
  }
  const config: VswitchdConfig = {
    database: `unix:${ovsRundir()}/db.sock`, enableDummy: undefined, disableSystem: false,
    disableSystemRoute: false, dummyNuma: undefined, mlockall: false, unixctl: undefined, ssl: {},
    daemon: defaultDaemonOptions(),
  };
  const logging: VlogOptions = { logFile: null };
  for (const { key, value } of parsed.options) {
    if (daemonParseOption(config.daemon, key, value)) continue;
    try {
      if (vlogParseOption(logging, key, value)) continue;
    } catch (error) {
      if (error instanceof ParseError) fail(error.message);
      throw error;
    }
    switch (key) {
      case 'help':
        process.stdout.write(usage());
        throw new ExitRequest(0);
      case 'version':
        process.stdout.write(`${versionText(PROGRAM)}\n`);
        throw new ExitRequest(0);
      case 'mlockall': config.mlockall = true; break;
      case 'unixctl': config.unixctl = value; break;
      case 'enable-dummy': config.enableDummy = value ?? ''; break;
      case 'disable-system': config.disableSystem = true; break;
      case 'disable-system-route': config.disableSystemRoute = true; break;
      case 'dummy-numa': config.dummyNuma = value; break;
      case 'dpdk': fail('Using --dpdk to configure DPDK is not supported.'); break;
      default:
        if (SSL_OPTIONS.includes(key)) config.ssl[key] = value!;
    }
  }
  if (config.enableDummy !== undefined && !['', 'override', 'system'].includes(config.enableDummy)) {
    fail(`${config.enableDummy}: unknown dummy level`);
  }
  if (parsed.operands.length > 1) fail('at most one non-option argument accepted; use --help for usage');
  if (parsed.operands.length === 1) config.database = parsed.operands[0]!;
  return { config, logFile: logging.logFile };
}

export async function run(args: string[]): Promise<number> {
  vlogInit({ programName: PROGRAM });
  let config: VswitchdConfig;
  let logFile: string | undefined | null;
  try {
    ({ config, logFile } = parseVswitchdArgs(args));
  } catch (error) {
    if (error instanceof ExitRequest) return error.exitCode;
    throw error;
  }
  const parentExit = await daemonizeStart(config.daemon, { programName: PROGRAM });
  if (parentExit !== null) return parentExit;

  if (logFile !== null) vlogSetLogFile(logFile);
  let server: UnixctlServer | null = null;
  try {
    daemonSetUp(config.daemon, { programName: PROGRAM });
    vlogRegisterCommands();
    coverageRegisterCommands();
    memoryRegisterCommands();
    let finish!: () => void;
    const finished = new Promise<void>((resolve) => { finish = resolve; });
    daemonRegisterCommands({
      onExit: ({ cleanup }) => {
        log.info(`exiting on request${cleanup ? ' (--cleanup)' : ''}`);
        finish();
      },
    });
    if (config.unixctl !== 'none') {
      const path = config.unixctl ?? join(ovsRundir(), `${PROGRAM}.${process.pid}.ctl`);
      try {
        server = await UnixctlServer.create(path, {
          programName: PROGRAM, version: OVS_TS_VERSION, onWarning: (message) => vlogModule('unixctl').warn(message),
        });
      } catch (error) {
        // libuv reports a missing directory as EACCES; say what OVS says.
        const errno = !existsSync(dirname(path)) ? ENOENT : error instanceof ErrnoError ? error.errno : null;
        const reason = errno !== null ? ovsStrerror(errno) : (error as Error).message;
        throw new DaemonError(`${path}: could not initialize control socket (${reason})`);
      }
      const socketPath = server.path;
      daemonAtExit(() => {
        try {
          unlinkSync(socketPath);
        } catch {
          // Already removed by a clean close.
        }
      });
    }
    coverageStart();
    memoryStart();
    log.info(versionText(PROGRAM));
    log.info(`database ${config.database}: not connected by this version`);
    daemonizeComplete(config.daemon);
    await finished;
  } catch (error) {
    if (error instanceof DaemonError) {
      process.stderr.write(`${PROGRAM}: ${error.message}\n`);
      daemonRunExitHooks();
      return 1;
    }
    log.err(`${error instanceof Error ? error.message : String(error)}`);
    daemonRunExitHooks();
    return 1;
  }
  await server?.close();
  daemonRunExitHooks();
  // Clock timers and the closed socket leave nothing behind; exit now rather
  // than waiting for stray handles of later layers.
  process.exit(0);
}
