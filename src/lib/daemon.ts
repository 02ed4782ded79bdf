// Daemon life cycle shared by ovs-ts daemons (vswitchd, later the OVSDB
// server): the options of OVS's daemon(3) (--detach, --no-chdir, --pidfile,
// --overwrite-pidfile, --monitor, --user), pidfile creation with the
// "already running" check, and clean-up hooks run on exit, SIGTERM and SIGINT.
//
// --detach re-spawns this process in a new session. The parent relays the
// child's stderr and exits only when the child reports ready (pidfile and
// control socket in place) or dies, as OVS's daemonize does, so a script can
// use the daemon as soon as the command returns. Pidfiles are fcntl-locked
// like OVS's (see LOCK_WRAPPER).

import { spawn } from 'node:child_process';
import { closeSync, existsSync, readFileSync, renameSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { constants as osConstants, userInfo } from 'node:os';
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

/*
 * OVS clients (ovs-appctl -t NAME, ovs-ctl) trust a pidfile only while the
 * daemon holds a POSIX write lock (fcntl F_SETLK) on it; an unlocked pidfile
 * reads as "No such process". Node cannot take fcntl locks, but such a lock
 * survives exec: so the daemon is started through a tiny perl wrapper (perl is
 * essential on Debian) that checks for a live holder, locks and writes the
 * pidfile, then execs node with the same pid. OVS_TS_PIDFILE_FD names the
 * locked descriptor, which node keeps open until it exits. The struct flock
 * layout in the script is Linux's on 64-bit machines (x86_64, aarch64).
 */
const LOCK_WRAPPER = `
use strict; use warnings; use Fcntl qw(:DEFAULT F_GETLK F_SETLK F_WRLCK F_UNLCK F_GETFD F_SETFD FD_CLOEXEC SEEK_SET);
my ($program, $path, $overwrite, @command) = @ARGV;
sub fail { print STDERR "$program: $_[0]\n"; exit 1; }
my $layout = 's s x4 q q l x4';
if (!$overwrite && open(my $old, '<', $path)) {
  my $probe = pack($layout, F_WRLCK, SEEK_SET, 0, 0, 0);
  if (fcntl($old, F_GETLK, $probe)) {
    my ($type, $pid) = (unpack($layout, $probe))[0, 4];
    fail("$path: already running as pid $pid, aborting") if $type != F_UNLCK;
  }
  close($old);
}
sysopen(my $fh, "$path.tmp", O_RDWR | O_CREAT | O_TRUNC, 0644) or fail("$path.tmp: create failed ($!)");
fcntl($fh, F_SETLK, pack($layout, F_WRLCK, SEEK_SET, 0, 0, 0)) or fail("$path.tmp: fcntl: $!");
syswrite($fh, "$$\n") or fail("$path.tmp: write failed ($!)");
rename("$path.tmp", $path) or fail(qq{failed to rename "$path.tmp" to "$path" ($!)});
my $flags = fcntl($fh, F_GETFD, 0);
fcntl($fh, F_SETFD, $flags & ~FD_CLOEXEC);
$ENV{OVS_TS_PIDFILE_FD} = fileno($fh);
exec { $command[0] } @command or fail("exec $command[0] failed ($!)");
`;

const PIDFILE_FD_ENV = 'OVS_TS_PIDFILE_FD';

/** Read once at start-up, then removed from the environment so our children don't inherit it. */
const inherited = {
  detachedChild: process.env[DETACHED_CHILD_ENV] !== undefined,
  pidfileFd: process.env[PIDFILE_FD_ENV] === undefined ? null : Number(process.env[PIDFILE_FD_ENV]),
};
delete process.env[DETACHED_CHILD_ENV];
delete process.env[PIDFILE_FD_ENV];

/** True in the child that --detach spawned. */
export function isDetachedChild(): boolean {
  return inherited.detachedChild;
}

function perlAvailable(): boolean {
  return existsSync('/usr/bin/perl');
}

/**
 * Starts the daemon process when it must be a new one: with --detach (in a
 * new session; the parent relays the child's stderr and resolves to 0 once
 * the child is ready, or to its exit code if it dies first), or with
 * --pidfile in the foreground (the pidfile lock must be taken before node
 * starts; the parent forwards signals and resolves to the child's exit code).
 * Resolves to null when this process is the daemon.
 */
export async function daemonizeStart(options: DaemonOptions, context: { programName: string }): Promise<number | null> {
  if (inherited.detachedChild || inherited.pidfileFd !== null) return null;
  const wrap = options.pidfile !== undefined && perlAvailable();
  if (!options.detach && !wrap) return null;
  const nodeCommand = [process.execPath, ...process.execArgv, ...process.argv.slice(1)];
  const command = wrap
    ? ['/usr/bin/perl', '-e', LOCK_WRAPPER, context.programName, pidfileName(options.pidfile!, context),
      options.overwritePidfile ? '1' : '', ...nodeCommand]
    : nodeCommand;
  if (!options.detach) return runForeground(command);
  const child = spawn(command[0]!, command.slice(1), {
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
    env: { ...process.env, [DETACHED_CHILD_ENV]: String(READY_FD) },
  });
  return new Promise<number>((resolve) => {
    let ready = false;
    const readyPipe = child.stdio[READY_FD] as NodeJS.ReadableStream & { destroy(): void };
    const stderr = child.stderr!;
    stderr.on('data', (chunk: Buffer) => process.stderr.write(chunk));
    readyPipe.on('data', () => {
      if (ready) return;
      ready = true;
      stderr.removeAllListeners('data');
      stderr.destroy();
      readyPipe.destroy();
      child.unref();
      resolve(0);
    });
    child.on('exit', (code, signal) => {
      if (!ready) resolve(code ?? (signal ? 1 : 0));
    });
    child.on('error', (error) => {
      process.stderr.write(`${context.programName}: ${error.message}\n`);
      resolve(1);
    });
  });
}

function runForeground(command: string[]): Promise<number> {
  const child = spawn(command[0]!, command.slice(1), { stdio: 'inherit' });
  const forward = (signal: NodeJS.Signals): void => {
    child.kill(signal);
  };
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(signal, forward);
  return new Promise<number>((resolve) => {
    child.on('exit', (code, signal) => {
      for (const name of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.off(name, forward);
      resolve(code ?? 128 + (signal ? (osConstants.signals[signal] ?? 0) : 0));
    });
    child.on('error', () => resolve(1));
  });
}

/**
 * In the daemon: applies --user, makes sure the pidfile is in place (written
 * and locked by the wrapper, or written here without a lock when perl is
 * missing, refusing a live pid unless --overwrite-pidfile) and arranges its
 * removal at exit. Throws DaemonError with OVS's wording. Returns the
 * pidfile path, if any.
 */
export function daemonSetUp(options: DaemonOptions, context: { programName: string }): string | null {
  if (options.user !== undefined) switchUser(options.user);
  if (options.monitor) {
    log.info('--monitor: this daemon is not restarted after a crash in ovs-ts');
  }
  if (options.pidfile === undefined) return null;
  const path = pidfileName(options.pidfile, context);
  if (inherited.pidfileFd === null) {
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
    log.warn(`${path}: not locked (perl is missing), so OVS tools may not trust it`);
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
