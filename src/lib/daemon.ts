// Daemon life cycle shared by ovs-ts daemons (vswitchd, later the OVSDB
// server): the options of OVS's daemon(3) (--detach, --no-chdir, --pidfile,
// --overwrite-pidfile, --monitor, --user), pidfile creation with the
// "already running" check, and clean-up hooks run on exit, SIGTERM and SIGINT.
//
// --detach re-spawns this process in a new session. The parent relays the
// child's stderr and exits only when the child reports ready (pidfile and
// control socket in place) or dies, as OVS's daemonize does, so a script can
// use the daemon as soon as the command returns.

import { spawn } from 'node:child_process';
import { closeSync, readFileSync, renameSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { userInfo } from 'node:os';
import { absFileName, ovsRundir } from './dirs.js';
import { OvsError } from './errors.js';
import type { LongOption } from './command-line.js';
import { vlogDisableConsole, vlogModule } from './vlog.js';

const log = vlogModule('daemon_unix');
const fatalLog = vlogModule('fatal_signal');

/** Set in the re-spawned child; its value is the fd of the readiness pipe. */
const DETACHED_CHILD_ENV = 'OVS_TS_DETACHED_CHILD';
const READY_FD = 3;

/** A daemon start-up failure; the message is what OVS prints after "PROGRAM: ". */
export class DaemonError extends OvsError {
  constructor(message: string) {
    super('EDAEMON', message);
  }
}

export interface DaemonOptions {
  detach: boolean;
  noChdir: boolean;
  /** undefined: no pidfile; '' : the default name; otherwise the name given. */
  pidfile: string | undefined;
  overwritePidfile: boolean;
  monitor: boolean;
  /** "user[:group]" from --user. */
  user: string | undefined;
}

export function defaultDaemonOptions(): DaemonOptions {
  return {
    detach: false, noChdir: false, pidfile: undefined, overwritePidfile: false, monitor: false, user: undefined,
  };
}

/** The daemon options for parseCommandLine(). */
export const DAEMON_LONG_OPTIONS: readonly LongOption[] = [
  { name: 'detach', argument: 'none' },
  { name: 'no-chdir', argument: 'none' },
  { name: 'pidfile', argument: 'optional' },
  { name: 'overwrite-pidfile', argument: 'none' },
  { name: 'monitor', argument: 'none' },
  { name: 'user', argument: 'required' },
  { name: 'no-self-confinement', argument: 'none' },
];

/** Applies one parsed daemon option; false if `key` is not a daemon option. */
export function daemonParseOption(options: DaemonOptions, key: string, value: string | undefined): boolean {
  switch (key) {
    case 'detach': options.detach = true; return true;
    case 'no-chdir': options.noChdir = true; return true;
    case 'pidfile': options.pidfile = value ?? ''; return true;
    case 'overwrite-pidfile': options.overwritePidfile = true; return true;
    case 'monitor': options.monitor = true; return true;
    case 'user': options.user = value; return true;
    // OVS relaxes its AppArmor/SELinux confinement with this; Node has none to relax.
    case 'no-self-confinement': return true;
    default: return false;
  }
}

/** The --help lines for the daemon options. */
export function daemonUsage(programName: string): string {
  return `\nDaemon options:
  --detach                run in background as daemon
  --monitor               creates a process to monitor this daemon
  --user=username[:group] changes the effective daemon user:group
  --no-chdir              do not chdir to '/'
  --pidfile[=FILE]        create pidfile (default: ${ovsRundir()}/${programName}.pid)
  --overwrite-pidfile     with --pidfile, start even if already running
`;
}

/** The pidfile path for the --pidfile value (relative names live in the run directory). */
export function pidfileName(value: string, options: { programName: string }): string {
  return absFileName(value === '' ? `${options.programName}.pid` : value, ovsRundir());
}

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The pid a pidfile names if that process is alive (and not us), else null.
 * Clients (appctl) use the same file to find a daemon's control socket.
 */
export function readPidfile(path: string): number | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return null;
  }
  const pid = Number(text.trim());
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return null;
  return processIsAlive(pid) ? pid : null;
}

// ---- Exit hooks and fatal signals ------------------------------------------------------

const exitHooks: Array<() => void> = [];
let exitHooksRan = false;
let signalsInstalled = false;

/** Runs `hook` (synchronous) once when the process exits, normally or by SIGTERM/SIGINT/SIGHUP. */
export function daemonAtExit(hook: () => void): void {
  exitHooks.push(hook);
  if (!signalsInstalled) installSignalHandlers();
}

/** Runs the exit hooks now, newest first (before a clean exit). */
export function daemonRunExitHooks(): void {
  if (exitHooksRan) return;
  exitHooksRan = true;
  for (const hook of exitHooks.reverse()) {
    try {
      hook();
    } catch {
      // Clean-up is best effort: one failing hook must not keep the others from running.
    }
  }
}

const SIGNAL_TEXT: Record<string, [number, string]> = {
  SIGTERM: [15, 'Terminated'], SIGINT: [2, 'Interrupt'], SIGHUP: [1, 'Hangup'],
};

function installSignalHandlers(): void {
  signalsInstalled = true;
  process.on('exit', daemonRunExitHooks);
  for (const signal of Object.keys(SIGNAL_TEXT) as NodeJS.Signals[]) {
    process.on(signal, () => {
      const [number, text] = SIGNAL_TEXT[signal]!;
      fatalLog.warn(`terminating with signal ${number} (${text})`);
      daemonRunExitHooks();
      // Die by the signal, as OVS does, so the parent sees how we ended.
      process.removeAllListeners(signal);
      process.kill(process.pid, signal);
    });
  }
}

// ---- Start-up ------------------------------------------------------------------

/** True in the child that --detach spawned. */
export function isDetachedChild(): boolean {
  return process.env[DETACHED_CHILD_ENV] !== undefined;
}

/**
 * With --detach in the original process: spawns the daemon, relays its stderr
 * and resolves to the exit code the parent should exit with (0 once the child
 * is ready). Otherwise resolves to null: this process is the daemon.
 */
export async function daemonizeStart(options: DaemonOptions): Promise<number | null> {
  if (!options.detach || isDetachedChild()) return null;
  const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
    env: { ...process.env, [DETACHED_CHILD_ENV]: String(READY_FD) },
  });
  return new Promise<number>((resolve) => {
    let ready = false;
    const readyPipe = child.stdio[READY_FD] as NodeJS.ReadableStream;
    child.stderr!.on('data', (chunk: Buffer) => process.stderr.write(chunk));
    readyPipe.on('data', () => {
      if (ready) return;
      ready = true;
      child.stderr!.removeAllListeners('data');
      (child.stderr as unknown as { destroy(): void }).destroy();
      (readyPipe as unknown as { destroy(): void }).destroy();
      child.unref();
      resolve(0);
    });
    child.on('exit', (code, signal) => {
      if (!ready) resolve(code ?? (signal ? 1 : 0));
    });
    child.on('error', (error) => {
      process.stderr.write(`${error.message}\n`);
      resolve(1);
    });
  });
}

/**
 * In the daemon: applies --user, writes the pidfile (refusing to start when it
 * names a live process, unless --overwrite-pidfile) and arranges its removal.
 * Throws DaemonError with OVS's wording. Returns the pidfile path, if any.
 */
export function daemonSetUp(options: DaemonOptions, context: { programName: string }): string | null {
  if (options.user !== undefined) switchUser(options.user);
  if (options.monitor) {
    log.info('--monitor: this daemon is not restarted after a crash in ovs-ts');
  }
  if (options.pidfile === undefined) return null;
  const path = pidfileName(options.pidfile, context);
  if (!options.overwritePidfile) {
    const pid = readPidfile(path);
    if (pid !== null) throw new DaemonError(`${path}: already running as pid ${pid}, aborting`);
  }
  const temp = `${path}.tmp`;
  try {
    writeFileSync(temp, `${process.pid}\n`);
    renameSync(temp, path);
  } catch (error) {
    throw new DaemonError(`${path}: create failed (${(error as Error).message})`);
  }
  daemonAtExit(() => {
    // Only remove the file if it is still ours (an --overwrite-pidfile successor may own it).
    try {
      if (readFileSync(path, 'utf8').trim() === String(process.pid)) unlinkSync(path);
    } catch {
      // Already gone.
    }
  });
  return path;
}

function switchUser(spec: string): void {
  const [user, group] = spec.split(':');
  if (!user) throw new DaemonError(`${spec}: bad --user option`);
  const current = userInfo();
  if (user === current.username && group === undefined) return;
  if (process.getuid?.() !== 0 || !process.setuid || !process.setgid) {
    throw new DaemonError(`--user=${spec}: changing user requires running as root`);
  }
  try {
    if (group !== undefined) process.setgid(group);
    process.setuid(user);
  } catch {
    throw new DaemonError(`user ${user} not found, aborting.`);
  }
}

/**
 * Start-up is complete: the parent of a --detach may exit now. The daemon
 * stops logging to the console (nobody reads it) and, unless --no-chdir,
 * moves to "/" so it holds no directory busy.
 */
export function daemonizeComplete(options: DaemonOptions): void {
  if (!isDetachedChild()) return;
  if (!options.noChdir) process.chdir('/');
  vlogDisableConsole();
  // stderr leads to the parent, which exits now; later writes must not kill us.
  process.stderr.on('error', () => {});
  process.stdout.on('error', () => {});
  try {
    writeSync(READY_FD, 'ready\n');
    closeSync(READY_FD);
  } catch {
    // The parent died first; nothing waits for us.
  }
}
