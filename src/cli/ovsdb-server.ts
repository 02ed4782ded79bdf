// `ovs-ts ovsdb-server [DATABASE]...`: the OVSDB server daemon with
// ovsdb-server(1)'s options (--remote, daemon, logging and --unixctl), serving
// standalone database files (default $OVS_DBDIR/conf.db) through
// src/ovsdb/server/. Its unixctl socket ($OVS_RUNDIR/ovsdb-server.PID.ctl)
// answers exit, ovsdb-server/compact, add-remote, remove-remote, list-remotes
// and list-dbs, so `ovs-appctl -t ovsdb-server` works as with the real one.

import { existsSync, unlinkSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { CommandLineError, parseCommandLine, type LongOption } from '../lib/command-line.js';
import { coverageRegisterCommands, coverageStart } from '../lib/coverage.js';
import {
  daemonAtExit, DaemonError, daemonizeComplete, daemonizeStart, daemonParseOption, daemonRunExitHooks,
  daemonSetUp, daemonUsage, DAEMON_LONG_OPTIONS, defaultDaemonOptions, type DaemonOptions,
} from '../lib/daemon.js';
import { daemonRegisterCommands } from '../lib/daemon-unixctl.js';
import { ensureDefaultDaemonDirs, ovsDbdir, ovsRundir } from '../lib/dirs.js';
import { ENOENT, errnoFromName, ovsStrerror } from '../lib/errno.js';
import { ErrnoError, ParseError } from '../lib/errors.js';
import { memoryRegisterCommands, memoryStart } from '../lib/memory.js';
import { UnixctlServer } from '../lib/unixctl.js';
import { UnixctlCommandError, unixctlCommandRegister } from '../lib/unixctl-commands.js';
import { OVS_TS_VERSION, versionText } from '../lib/version.js';
import {
  VLOG_LONG_OPTIONS, vlogInit, vlogModule, vlogParseOption, vlogRegisterCommands, vlogSetLogFile, vlogUsage,
  type VlogOptions,
} from '../lib/vlog.js';
import { OvsdbError } from '../ovsdb/error.js';
import { OvsdbServer } from '../ovsdb/server/server.js';

const PROGRAM = 'ovsdb-server';
const log = vlogModule('ovsdb_server');

export interface OvsdbServerConfig {
  databases: string[];
  remotes: string[];
  /** --unixctl=SOCKET; undefined for the default, 'none' for no socket. */
  unixctl: string | undefined;
  daemon: DaemonOptions;
}

const SSL_OPTIONS = ['private-key', 'certificate', 'ca-cert', 'bootstrap-ca-cert', 'peer-ca-cert', 'ssl-protocols', 'ssl-ciphers'];

const LONG_OPTIONS: readonly LongOption[] = [
  { name: 'help', argument: 'none' },
  { name: 'version', argument: 'none' },
  { name: 'remote', argument: 'required' },
  { name: 'unixctl', argument: 'required' },
  { name: 'run', argument: 'required' },
  { name: 'no-dbs', argument: 'none' },
  { name: 'disable-file-column-diff', argument: 'none' },
  ...DAEMON_LONG_OPTIONS,
  ...VLOG_LONG_OPTIONS,
  ...SSL_OPTIONS.map((name): LongOption => ({ name, argument: 'required' })),
  { name: 'sync-from', argument: 'required' },
  { name: 'sync-exclude-tables', argument: 'required' },
  { name: 'active', argument: 'none' },
];

const SHORT_KEYS = { h: 'help', V: 'version', v: 'verbose', p: 'private-key', c: 'certificate', C: 'ca-cert' };

function usage(): string {
  return `${PROGRAM}: Open vSwitch database server (ovs-ts)
usage: ${PROGRAM} [OPTIONS] [DATABASE...]
where each DATABASE is a database file in ovsdb format.
The default DATABASE, if none is given, is
${ovsDbdir()}/conf.db.

Active (outgoing) remotes:
  tcp:HOST:PORT           PORT at remote HOST
  unix:FILE               Unix domain socket named FILE
Passive (listening) remotes:
  ptcp:PORT[:IP]          listen to TCP PORT on IP
  punix:FILE              listen on Unix domain socket FILE
  db:DB,TABLE,COLUMN      read remotes from COLUMN of every row of TABLE in DB
${daemonUsage(PROGRAM)}${vlogUsage({ programName: PROGRAM })}
Other options:
  --remote=REMOTE         connect or listen to REMOTE
  --unixctl=SOCKET        override default control socket name
  -h, --help              display this help message
  -V, --version           display version information
`;
}

class ExitRequest extends Error {
  constructor(readonly exitCode: number) {
    super(`exit ${exitCode}`);
  }
}

function fail(message: string): never {
  process.stderr.write(`${PROGRAM}: ${message}\n`);
  throw new ExitRequest(1);
}

/** Parses the command line; prints --help/--version and throws ExitRequest for those and for errors. */
export function parseOvsdbServerArgs(args: string[]): { config: OvsdbServerConfig; logFile: string | undefined | null } {
  let parsed;
  try {
    parsed = parseCommandLine(args, { longOptions: LONG_OPTIONS, shortOptions: 'hVv::p:c:C:', shortKeys: SHORT_KEYS });
  } catch (error) {
    if (error instanceof CommandLineError) fail(error.message);
    throw error;
  }
  const config: OvsdbServerConfig = { databases: [], remotes: [], unixctl: undefined, daemon: defaultDaemonOptions() };
  const logging: VlogOptions = { logFile: null };
  let noDbs = false;
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
      case 'remote': config.remotes.push(value!); break;
      case 'unixctl': config.unixctl = value; break;
      case 'no-dbs': noDbs = true; break;
      case 'run': fail('--run is not supported by ovs-ts'); break;
      case 'sync-from': case 'sync-exclude-tables': case 'active':
        fail(`--${key}: replication is not supported by ovs-ts`); break;
      default:
        // SSL options and --disable-file-column-diff: accepted, no effect (no TLS yet).
        break;
    }
  }
  config.databases = parsed.operands.map((path) => resolve(path));
  if (config.databases.length === 0 && !noDbs) config.databases.push(join(ovsDbdir(), 'conf.db'));
  return { config, logFile: logging.logFile };
}

/**
 * A storage error's message with the system error worded as Open vSwitch
 * words it: "open failed (No such file or directory)", not Node's
 * "(ENOENT: no such file or directory, open '...')".
 */
function withOvsErrnoText(error: OvsdbError): string {
  const errno = errnoFromName((error.cause as NodeJS.ErrnoException | undefined)?.code ?? '');
  if (errno === undefined) return error.message;
  return error.message.replace(/\((E[A-Z]+): [^)]*\)$/, `(${ovsStrerror(errno)})`);
}

function registerServerCommands(server: OvsdbServer): void {
  unixctlCommandRegister('ovsdb-server/list-dbs', '', 0, 0, () => server.databaseNames().map((name) => `${name}\n`).join(''));
  unixctlCommandRegister('ovsdb-server/list-remotes', '', 0, 0, () => server.listRemotes().map((name) => `${name}\n`).join(''));
  unixctlCommandRegister('ovsdb-server/add-remote', 'REMOTE', 1, 1, async (args) => {
    try {
      await server.addRemote(args[0]!);
    } catch (error) {
      if (error instanceof OvsdbError) throw new UnixctlCommandError(error.details ?? error.error);
      throw error;
    }
    return '';
  });
  unixctlCommandRegister('ovsdb-server/remove-remote', 'REMOTE', 1, 1, async (args) => {
    if (!(await server.removeRemote(args[0]!))) throw new UnixctlCommandError('no such remote');
    return '';
  });
  unixctlCommandRegister('ovsdb-server/compact', '', 0, 1, async (args) => {
    try {
      await server.compact(args[0]);
    } catch (error) {
      if (error instanceof OvsdbError) throw new UnixctlCommandError(error.details ?? error.error);
      throw error;
    }
    return '';
  });
}

export async function run(args: string[]): Promise<number> {
  vlogInit({ programName: PROGRAM });
  let config: OvsdbServerConfig;
  let logFile: string | undefined | null;
  try {
    ({ config, logFile } = parseOvsdbServerArgs(args));
  } catch (error) {
    if (error instanceof ExitRequest) return error.exitCode;
    throw error;
  }
  ensureDefaultDaemonDirs();
  const parentExit = await daemonizeStart(config.daemon, { programName: PROGRAM });
  if (parentExit !== null) return parentExit;

  if (logFile !== null) vlogSetLogFile(logFile);
  const server = new OvsdbServer();
  let unixctl: UnixctlServer | null = null;
  try {
    for (const path of config.databases) {
      try {
        await server.addDatabaseFile(path);
      } catch (error) {
        if (error instanceof OvsdbError) throw new DaemonError(withOvsErrnoText(error));
        throw error;
      }
    }
    daemonSetUp(config.daemon, { programName: PROGRAM });
    vlogRegisterCommands();
    coverageRegisterCommands();
    memoryRegisterCommands();
    registerServerCommands(server);
    let finish!: () => void;
    const finished = new Promise<void>((resolvePromise) => { finish = resolvePromise; });
    daemonRegisterCommands({
      onExit: () => {
        log.info('exiting on request');
        finish();
      },
    });
    for (const remote of config.remotes) {
      try {
        await server.addRemote(remote);
      } catch (error) {
        if (error instanceof OvsdbError) throw new DaemonError(error.details ?? error.message);
        throw error;
      }
    }
    if (config.unixctl !== 'none') {
      const path = config.unixctl ?? join(ovsRundir(), `${PROGRAM}.${process.pid}.ctl`);
      try {
        unixctl = await UnixctlServer.create(path, {
          programName: PROGRAM, version: OVS_TS_VERSION, onWarning: (message) => vlogModule('unixctl').warn(message),
        });
      } catch (error) {
        const errno = !existsSync(dirname(path)) ? ENOENT : error instanceof ErrnoError ? error.errno : null;
        const reason = errno !== null ? ovsStrerror(errno) : (error as Error).message;
        throw new DaemonError(`${path}: could not initialize control socket (${reason})`);
      }
      const socketPath = unixctl.path;
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
    daemonizeComplete(config.daemon);
    await finished;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (error instanceof DaemonError) process.stderr.write(`${PROGRAM}: ${message}\n`);
    else log.err(message);
    await server.close().catch(() => undefined);
    daemonRunExitHooks();
    return 1;
  }
  await server.close();
  await unixctl?.close();
  daemonRunExitHooks();
  process.exit(0);
}
