// Open vSwitch's logging (vlog): named modules, each with a level per
// destination (console = stderr, syslog, file), OVS's line patterns and
// per-process sequence numbers, token-bucket rate limits, the -v/--verbose and
// --log-file options and the vlog/* unixctl commands. Every layer logs through
// vlogModule('name'); daemons call vlogInit() and vlogRegisterCommands().
//
// File writes are synchronous appends on a raw fd, so a crash loses nothing.
// Syslog lines go out over UDP when --syslog-target or --syslog-method=udp:
// names a target; Node has no datagram unix sockets, so /dev/log is not used.

import { closeSync, openSync, writeSync } from 'node:fs';
import { createSocket, type Socket } from 'node:dgram';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import type { LongOption } from './command-line.js';
import { ovsLogdir } from './dirs.js';
import { ParseError } from './errors.js';
import { timeMsec, timeWallMsec } from './timeval.js';
import { UnixctlCommandError, unixctlCommandRegister } from './unixctl-commands.js';

/** Levels, most severe first; a destination at level L shows messages of level <= L. */
export const enum VlogLevel {
  Off = 0,
  Emer = 1,
  Err = 2,
  Warn = 3,
  Info = 4,
  Dbg = 5,
}

const LEVEL_NAMES = ['off', 'emer', 'err', 'warn', 'info', 'dbg'] as const;
/** Syslog severities for emer, err, warn, info, dbg (RFC 5424). */
const SYSLOG_SEVERITY = [0, 0, 3, 4, 6, 7];

export const enum VlogDestination {
  Console = 0,
  Syslog = 1,
  File = 2,
}

const DESTINATION_NAMES = ['console', 'syslog', 'file'] as const;
const N_DESTINATIONS = 3;

const SYSLOG_FACILITIES = [
  'kern', 'user', 'mail', 'daemon', 'auth', 'syslog', 'lpr', 'news', 'uucp', 'clock', 'authpriv',
  'ftp', 'ntp', 'audit', 'alert', 'clock2', 'local0', 'local1', 'local2', 'local3', 'local4',
  'local5', 'local6', 'local7',
];

/** The level name as OVS writes it in lines and tables: "INFO", "DBG". */
export function vlogLevelName(level: VlogLevel): string {
  return LEVEL_NAMES[level]!.toUpperCase();
}

/** Parses "info", "WARN", ... (case-insensitive); undefined if not a level. */
export function vlogLevelFromName(name: string): VlogLevel | undefined {
  const index = (LEVEL_NAMES as readonly string[]).indexOf(name.toLowerCase());
  return index < 0 ? undefined : index as VlogLevel;
}

function destinationFromName(name: string): VlogDestination | undefined {
  const index = (DESTINATION_NAMES as readonly string[]).indexOf(name.toLowerCase());
  return index < 0 ? undefined : index as VlogDestination;
}

/**
 * A token bucket limiting how often one call site logs: `ratePerMinute`
 * messages per minute on average, up to `burst` at once. Drops are counted and
 * reported with the next message that passes.
 */
export class VlogRateLimit {
  readonly ratePerMinute: number;
  readonly burst: number;
  private tokens: number;
  private lastFillMs: number;
  /** Drops since the last message that passed, and when the first and last happened. */
  private droppedCount = 0;
  private firstDroppedMs = 0;
  private lastDroppedMs = 0;

  constructor(ratePerMinute = 5, burst = 20) {
    if (!(ratePerMinute > 0 && burst >= 1)) throw new RangeError(`bad rate limit ${ratePerMinute}/min burst ${burst}`);
    this.ratePerMinute = ratePerMinute;
    this.burst = burst;
    this.tokens = burst;
    this.lastFillMs = timeMsec();
  }

  /** Takes one token; false means drop (and the drop is counted). */
  take(): boolean {
    const now = timeMsec();
    const elapsed = now - this.lastFillMs;
    if (elapsed > 0) {
      this.tokens = Math.min(this.burst, this.tokens + (elapsed * this.ratePerMinute) / 60_000);
      this.lastFillMs = now;
    }
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return true;
    }
    if (this.droppedCount === 0) this.firstDroppedMs = now;
    this.lastDroppedMs = now;
    this.droppedCount++;
    return false;
  }

  /** The "Dropped N log messages..." text owed before the next message, once. */
  takeDroppedReport(): string | null {
    if (this.droppedCount === 0) return null;
    // Whole seconds of the clock, as OVS counts them (time_now()).
    const seconds = (ms: number): number => Math.floor(ms / 1000);
    const now = seconds(timeMsec());
    const text = `Dropped ${this.droppedCount} log messages in last ${now - seconds(this.firstDroppedMs)} seconds `
      + `(most recently, ${now - seconds(this.lastDroppedMs)} seconds ago) due to excessive rate`;
    this.droppedCount = 0;
    return text;
  }
}

/** One logging module: what `vlog/list` shows one row for. */
export class VlogModule {
  readonly name: string;
  /** Level per destination, indexed by VlogDestination. */
  readonly levels = new Uint8Array(N_DESTINATIONS);
  /** The highest of `levels`, checked first so disabled calls cost one compare. */
  minLevel: VlogLevel = VlogLevel.Info;
  rateLimitEnabled = true;

  constructor(name: string) {
    this.name = name;
    for (let d = 0; d < N_DESTINATIONS; d++) this.levels[d] = defaultLevels[d]!;
    this.updateMinLevel();
  }

  updateMinLevel(): void {
    let max = 0;
    for (let d = 0; d < N_DESTINATIONS; d++) {
      const level = this.levels[d]!;
      if (level > max && destinationUsable(d)) max = level;
    }
    this.minLevel = max;
  }

  isEnabled(level: VlogLevel): boolean {
    return level <= this.minLevel;
  }

  log(level: VlogLevel, message: string): void {
    if (level <= this.minLevel) emit(this, level, message);
  }

  /** Logs unless `limit` is out of tokens (rate limiting can be disabled per module). */
  logRateLimited(limit: VlogRateLimit, level: VlogLevel, message: string): void {
    if (level > this.minLevel) return;
    if (this.rateLimitEnabled) {
      if (!limit.take()) return;
      const dropped = limit.takeDroppedReport();
      if (dropped !== null) emit(this, level, dropped);
    }
    emit(this, level, message);
  }

  emer(message: string): void { this.log(VlogLevel.Emer, message); }
  err(message: string): void { this.log(VlogLevel.Err, message); }
  warn(message: string): void { this.log(VlogLevel.Warn, message); }
  info(message: string): void { this.log(VlogLevel.Info, message); }
  dbg(message: string): void { this.log(VlogLevel.Dbg, message); }
  errRl(limit: VlogRateLimit, message: string): void { this.logRateLimited(limit, VlogLevel.Err, message); }
  warnRl(limit: VlogRateLimit, message: string): void { this.logRateLimited(limit, VlogLevel.Warn, message); }
  infoRl(limit: VlogRateLimit, message: string): void { this.logRateLimited(limit, VlogLevel.Info, message); }
  dbgRl(limit: VlogRateLimit, message: string): void { this.logRateLimited(limit, VlogLevel.Dbg, message); }
}

// ---- Process-wide state -------------------------------------------------------

const DEFAULT_PATTERNS = [
  '%D{%Y-%m-%dT%H:%M:%SZ}|%05N|%c%T|%p|%m',
  'ovs|%05N|%c%T|%p|%m',
  '%D{%Y-%m-%dT%H:%M:%S.###Z}|%05N|%c%T|%p|%m',
];
const SYSLOG_PREFIX = '<%B> %D{%h %e %T} %E %A:';

const defaultLevels = [VlogLevel.Info, VlogLevel.Info, VlogLevel.Info];
const modules = new Map<string, VlogModule>();
const patterns = [...DEFAULT_PATTERNS];
const compiledPatterns: PatternPart[][] = DEFAULT_PATTERNS.map((pattern) => compilePattern(pattern));
const compiledSyslogPrefix = compilePattern(SYSLOG_PREFIX);

let programName = 'ovs-ts';
let sequence = 0;
const startWallMs = Date.now();
let syslogFacility = 3; // daemon
let consoleFd: number | null = 2;
let logFileName: string | null = null;
let logFd: number | null = null;
let syslogSocket: Socket | null = null;
let syslogTarget: { host: string; port: number } | null = null;

/** Whether a destination can take messages now (no file open means nothing to write). */
function destinationUsable(destination: number): boolean {
  if (destination === VlogDestination.File) return logFd !== null;
  if (destination === VlogDestination.Console) return consoleFd !== null;
  return syslogTarget !== null;
}

function updateAllMinLevels(): void {
  for (const module of modules.values()) module.updateMinLevel();
}

/** The module named `name`, created on first use (module names are OVS's: "bridge", "ofproto_dpif"). */
export function vlogModule(name: string): VlogModule {
  let module = modules.get(name);
  if (!module) {
    module = new VlogModule(name);
    modules.set(name, module);
  }
  return module;
}

/** `Vlog.module('bridge')` reads like OVS's VLOG_DEFINE_THIS_MODULE. */
export const Vlog = { module: vlogModule };

const vlogSelf = vlogModule('vlog');

/** Sets the name used by %A and in default file names (the daemon's program name). */
export function vlogInit(options: { programName: string }): void {
  programName = options.programName;
}

// ---- Patterns ------------------------------------------------------------------

interface PatternPart {
  /** A literal run of text, or the escape letter. */
  readonly literal?: string;
  readonly escape?: string;
  readonly leftJustify?: boolean;
  readonly zeroPad?: boolean;
  readonly width?: number;
  /** The {...} argument of %d and %D. */
  readonly argument?: string;
}

function compilePattern(pattern: string): PatternPart[] {
  const parts: PatternPart[] = [];
  let literal = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch !== '%' || i + 1 >= pattern.length) {
      literal += ch;
      continue;
    }
    let j = i + 1;
    let leftJustify = false;
    let zeroPad = false;
    if (pattern[j] === '-') { leftJustify = true; j++; }
    if (pattern[j] === '0') { zeroPad = true; j++; }
    let width = 0;
    while (j < pattern.length && pattern[j]! >= '0' && pattern[j]! <= '9') width = width * 10 + Number(pattern[j++]);
    const escape = pattern[j];
    if (escape === undefined) { literal += pattern.slice(i); break; }
    if (escape === '%') { literal += '%'; i = j; continue; }
    let argument: string | undefined;
    if ((escape === 'd' || escape === 'D') && pattern[j + 1] === '{') {
      const close = pattern.indexOf('}', j + 2);
      if (close >= 0) {
        argument = pattern.slice(j + 2, close);
        j = close;
      }
    }
    if (literal) parts.push({ literal });
    literal = '';
    parts.push({ escape, leftJustify, zeroPad, width, argument });
    i = j;
  }
  if (literal) parts.push({ literal });
  return parts;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** strftime for the conversions OVS patterns use; "###" stands for milliseconds. */
function formatTime(format: string, wallMs: number, utc: boolean): string {
  const date = new Date(wallMs);
  const year = utc ? date.getUTCFullYear() : date.getFullYear();
  const month = utc ? date.getUTCMonth() : date.getMonth();
  const day = utc ? date.getUTCDate() : date.getDate();
  const hours = utc ? date.getUTCHours() : date.getHours();
  const minutes = utc ? date.getUTCMinutes() : date.getMinutes();
  const seconds = utc ? date.getUTCSeconds() : date.getSeconds();
  const weekday = utc ? date.getUTCDay() : date.getDay();
  let out = '';
  for (let i = 0; i < format.length; i++) {
    const ch = format[i]!;
    if (ch === '#' && format.startsWith('###', i)) {
      out += String(((wallMs % 1000) + 1000) % 1000).padStart(3, '0');
      i += 2;
      continue;
    }
    if (ch !== '%' || i + 1 >= format.length) { out += ch; continue; }
    const c = format[++i];
    switch (c) {
      case 'Y': out += String(year); break;
      case 'y': out += pad2(year % 100); break;
      case 'm': out += pad2(month + 1); break;
      case 'd': out += pad2(day); break;
      case 'e': out += String(day).padStart(2, ' '); break;
      case 'H': out += pad2(hours); break;
      case 'M': out += pad2(minutes); break;
      case 'S': out += pad2(seconds); break;
      case 'T': out += `${pad2(hours)}:${pad2(minutes)}:${pad2(seconds)}`; break;
      case 'F': out += `${year}-${pad2(month + 1)}-${pad2(day)}`; break;
      case 'b': case 'h': out += MONTHS[month]; break;
      case 'a': out += DAYS[weekday]; break;
      case 's': out += String(Math.floor(wallMs / 1000)); break;
      case 'Z': out += utc ? 'UTC' : ''; break;
      case '%': out += '%'; break;
      default: out += `%${c}`;
    }
  }
  return out;
}

interface LineContext {
  readonly module: VlogModule;
  readonly level: VlogLevel;
  readonly message: string;
  readonly sequence: number;
  readonly wallMs: number;
}

function expandPattern(parts: PatternPart[], ctx: LineContext): string {
  let out = '';
  for (const part of parts) {
    if (part.literal !== undefined) { out += part.literal; continue; }
    let text: string;
    switch (part.escape) {
      case 'A': text = programName; break;
      case 'B': text = String(syslogFacility * 8 + SYSLOG_SEVERITY[ctx.level]!); break;
      case 'c': text = ctx.module.name; break;
      case 'd': text = formatTime(part.argument ?? '%Y-%m-%d %H:%M:%S.###', ctx.wallMs, false); break;
      case 'D': text = formatTime(part.argument ?? '%Y-%m-%d %H:%M:%S.###', ctx.wallMs, true); break;
      case 'E': text = hostname(); break;
      case 'm': text = ctx.message; break;
      case 'N': text = String(ctx.sequence); break;
      case 'n': text = '\n'; break;
      case 'p': text = vlogLevelName(ctx.level); break;
      case 'P': text = String(process.pid); break;
      case 'r': text = String(ctx.wallMs - startWallMs); break;
      case 't': text = 'main'; break;
      // Node runs the main thread only; %T names a thread other than main.
      case 'T': text = ''; break;
      default: text = `%${part.escape}`;
    }
    if (part.width && text.length < part.width) {
      text = part.leftJustify ? text.padEnd(part.width) : text.padStart(part.width, part.zeroPad ? '0' : ' ');
    }
    out += text;
  }
  return out;
}

/** Formats one line as destination `destination` would show it (tests and vlog/list-pattern checks). */
export function vlogFormatLine(
  destination: VlogDestination,
  line: { module: string; level: VlogLevel; message: string; sequence: number; wallMs: number },
): string {
  return expandPattern(compiledPatterns[destination]!, { ...line, module: vlogModule(line.module) });
}

function emit(module: VlogModule, level: VlogLevel, message: string): void {
  const ctx: LineContext = { module, level, message, sequence: ++sequence, wallMs: Math.floor(timeWallMsec()) };
  if (consoleFd !== null && level <= module.levels[VlogDestination.Console]!) {
    writeQuietly(consoleFd, expandPattern(compiledPatterns[VlogDestination.Console]!, ctx) + '\n');
  }
  if (syslogTarget !== null && level <= module.levels[VlogDestination.Syslog]!) {
    const line = expandPattern(compiledSyslogPrefix, ctx) + ' '
      + expandPattern(compiledPatterns[VlogDestination.Syslog]!, ctx);
    sendSyslog(line);
  }
  if (logFd !== null && level <= module.levels[VlogDestination.File]!) {
    writeQuietly(logFd, expandPattern(compiledPatterns[VlogDestination.File]!, ctx) + '\n');
  }
}

function writeQuietly(fd: number, text: string): void {
  try {
    writeSync(fd, text);
  } catch {
    // A closed stderr (detached daemon) or a full disk must not stop the daemon.
  }
}

function sendSyslog(line: string): void {
  if (syslogTarget === null) return;
  if (syslogSocket === null) {
    syslogSocket = createSocket(syslogTarget.host.includes(':') ? 'udp6' : 'udp4');
    syslogSocket.on('error', () => {});
    syslogSocket.unref();
  }
  syslogSocket.send(line, syslogTarget.port, syslogTarget.host);
}

// ---- Configuration -----------------------------------------------------------------

/**
 * Applies one spec as -v/--verbose and vlog/set take it: words separated by
 * spaces, commas or colons naming at most one module, one destination and one
 * level ("ANY" for all; missing module or destination means all, missing level
 * means dbg); or "PATTERN:DESTINATION:PATTERN"; or "FACILITY:NAME".
 * Throws ParseError with OVS's message.
 */
export function vlogSetLevelsFromString(spec: string): void {
  const lower = spec.toLowerCase();
  if (lower.startsWith('pattern:')) {
    const rest = spec.slice('pattern:'.length);
    const colon = rest.indexOf(':');
    const destinationName = colon < 0 ? rest : rest.slice(0, colon);
    const pattern = colon < 0 ? '' : rest.slice(colon + 1);
    if (destinationName.toLowerCase() === 'any') {
      for (let d = 0; d < N_DESTINATIONS; d++) vlogSetPattern(d, pattern);
      return;
    }
    const destination = destinationFromName(destinationName);
    if (destination === undefined) throw new ParseError(`unknown destination "${destinationName}"`);
    vlogSetPattern(destination, pattern);
    return;
  }
  if (lower.startsWith('facility:')) {
    const name = spec.slice('facility:'.length);
    const facility = SYSLOG_FACILITIES.indexOf(name.toLowerCase());
    if (facility < 0) throw new ParseError(`unknown facility "${name}"`);
    syslogFacility = facility;
    return;
  }
  let module: VlogModule | undefined;
  let destination: VlogDestination | undefined;
  let level: VlogLevel | undefined;
  for (const word of spec.split(/[ ,:\t]+/)) {
    if (word === '' || word.toLowerCase() === 'any') continue;
    const asDestination = destinationFromName(word);
    if (asDestination !== undefined) {
      if (destination !== undefined) throw new ParseError('cannot specify multiple destinations');
      destination = asDestination;
      continue;
    }
    const asLevel = vlogLevelFromName(word);
    if (asLevel !== undefined) {
      if (level !== undefined) throw new ParseError('cannot specify multiple levels');
      level = asLevel;
      continue;
    }
    const asModule = modules.get(word);
    if (asModule !== undefined) {
      if (module !== undefined) throw new ParseError('cannot specify multiple modules');
      module = asModule;
      continue;
    }
    throw new ParseError(`no destination, level, or module "${word}"`);
  }
  vlogSetLevels(module?.name, { destination, level: level ?? VlogLevel.Dbg });
}

/**
 * Sets the level of one module (undefined: every module, and the default for
 * modules created later) at one destination (undefined: all).
 */
export function vlogSetLevels(
  moduleName: string | undefined, options: { destination?: VlogDestination; level: VlogLevel },
): void {
  const targets = moduleName === undefined ? [...modules.values()] : [vlogModule(moduleName)];
  for (let d = 0; d < N_DESTINATIONS; d++) {
    if (options.destination !== undefined && options.destination !== d) continue;
    for (const module of targets) module.levels[d] = options.level;
    if (moduleName === undefined) defaultLevels[d] = options.level;
  }
  updateAllMinLevels();
}

export function vlogSetPattern(destination: VlogDestination, pattern: string): void {
  patterns[destination] = pattern;
  compiledPatterns[destination] = compilePattern(pattern);
}

/** -v with no argument: every module at dbg everywhere ("set maximum verbosity level"). */
export function vlogSetVerbosity(spec: string | undefined): void {
  if (spec === undefined || spec === '') {
    vlogSetLevels(undefined, { level: VlogLevel.Dbg });
    return;
  }
  vlogSetLevelsFromString(spec);
}

/** Stops console output (a detached daemon's stderr leads nowhere); vlog/set can't revive it. */
export function vlogDisableConsole(): void {
  vlogSetLevels(undefined, { destination: VlogDestination.Console, level: VlogLevel.Off });
  consoleFd = null;
  updateAllMinLevels();
}

/** --syslog-target=HOST:PORT (and --syslog-method=udp:HOST:PORT): syslog lines go there over UDP. */
export function vlogSetSyslogTarget(target: string): void {
  const colon = target.lastIndexOf(':');
  const port = Number(target.slice(colon + 1));
  if (colon <= 0 || !Number.isInteger(port) || port <= 0 || port > 65535) {
    throw new ParseError(`${target}: port must be specified`);
  }
  syslogTarget = { host: target.slice(0, colon).replace(/^\[|\]$/g, ''), port };
  updateAllMinLevels();
}

/** The log file's name, or null when not logging to a file. */
export function vlogLogFileName(): string | null {
  return logFileName;
}

/**
 * --log-file[=FILE]: starts logging to FILE (default $OVS_LOGDIR/PROGRAM.log;
 * relative names are made absolute now, so a later chdir does not move the
 * file). Logs "opened log file NAME". Returns the open error's text, or null.
 */
export function vlogSetLogFile(fileName: string | undefined): { error: string | null } {
  const name = fileName === undefined || fileName === ''
    ? resolve(ovsLogdir(), `${programName}.log`) : resolve(fileName);
  let fd: number;
  try {
    fd = openSync(name, 'a', 0o640);
  } catch (error) {
    const text = error instanceof Error ? error.message : String(error);
    vlogSelf.warn(`failed to open ${name} for logging: ${text}`);
    return { error: text };
  }
  if (logFd !== null) closeSync(logFd);
  logFd = fd;
  logFileName = name;
  updateAllMinLevels();
  vlogSelf.info(`opened log file ${name}`);
  return { error: null };
}

/** vlog/reopen: opens the configured log file again (after logrotate moved it). */
export function vlogReopenLogFile(): { error: string | null } {
  if (logFileName === null) return { error: null };
  return vlogSetLogFile(logFileName);
}

/** vlog/close: stops writing the file until vlog/reopen. */
export function vlogCloseLogFile(): void {
  if (logFd !== null) closeSync(logFd);
  logFd = null;
  updateAllMinLevels();
}

// ---- Command-line options ------------------------------------------------------------

/** The logging options every OVS program takes, for parseCommandLine(); -v is the short twin of --verbose. */
export const VLOG_LONG_OPTIONS: readonly LongOption[] = [
  { name: 'verbose', argument: 'optional' },
  { name: 'log-file', argument: 'optional' },
  { name: 'syslog-method', argument: 'required' },
  { name: 'syslog-target', argument: 'required' },
];

/** What the logging options asked for that takes effect later. */
export interface VlogOptions {
  /** --log-file: null when absent, undefined for the default name. */
  logFile: string | undefined | null;
}

/**
 * Applies one parsed logging option: -v/--verbose, --syslog-method and
 * --syslog-target take effect now (as in OVS); --log-file is recorded in
 * `options`, because a daemon opens its log only after --detach. Returns
 * false if `key` is not a logging option; throws ParseError with the text
 * OVS prints after "PROGRAM: ".
 */
export function vlogParseOption(options: VlogOptions, key: string, value: string | undefined): boolean {
  switch (key) {
    case 'verbose':
      try {
        vlogSetVerbosity(value);
      } catch (error) {
        if (error instanceof ParseError) throw new ParseError(`processing "${value}": ${error.message}`);
        throw error;
      }
      return true;
    case 'log-file':
      options.logFile = value;
      return true;
    case 'syslog-method':
      // libc and unix: mean the local syslog daemon, which Node cannot reach (see above).
      if (value === 'libc' || value!.startsWith('unix:')) return true;
      if (!value!.startsWith('udp:')) throw new ParseError(`unsupported syslog method '${value}'`);
      setSyslogTargetOrLog(value!.slice('udp:'.length));
      return true;
    case 'syslog-target':
      setSyslogTargetOrLog(value!);
      return true;
    default:
      return false;
  }
}

/** A bad syslog target is logged and ignored, not fatal, as in OVS. */
function setSyslogTargetOrLog(target: string): void {
  try {
    vlogSetSyslogTarget(target);
  } catch (error) {
    if (!(error instanceof ParseError)) throw error;
    vlogModule('socket_util').err(error.message);
  }
}

/** The --help lines for the logging options. */
export function vlogUsage(options: { programName: string }): string {
  return `
Logging options:
  -vSPEC, --verbose=SPEC   set logging levels
  -v, --verbose            set maximum verbosity level
  --log-file[=FILE]        enable logging to specified FILE
                           (default: ${ovsLogdir()}/${options.programName}.log)
  --syslog-method=(libc|unix:file|udp:ip:port)
                           specify how to send messages to syslog daemon
  --syslog-target=HOST:PORT  also send syslog msgs to HOST:PORT via UDP
`;
}

// ---- Reports and commands --------------------------------------------------------

/** The `vlog/list` table. */
export function vlogListText(): string {
  let text = '                 console    syslog    file\n'
    + '                 -------    ------    ------\n';
  const names = [...modules.keys()].sort();
  for (const name of names) {
    const module = modules.get(name)!;
    text += `${name.padEnd(16)} ${vlogLevelName(module.levels[0]!).padStart(5)}`
      + ` ${vlogLevelName(module.levels[1]!).padStart(10)} ${vlogLevelName(module.levels[2]!).padStart(10)}\n`;
  }
  return text;
}

/** The `vlog/list-pattern` table. */
export function vlogListPatternText(): string {
  const row = (name: string, prefix: string, pattern: string): string =>
    `${name.padEnd(8)} ${prefix.padEnd(33)} ${pattern}\n`;
  return row('', 'prefix', 'format') + row('', '------', '------')
    + row('SYSLOG', SYSLOG_PREFIX, patterns[VlogDestination.Syslog]!)
    + row('CONSOLE', 'none', patterns[VlogDestination.Console]!)
    + row('FILE', 'none', patterns[VlogDestination.File]!);
}

function setRateLimit(args: string[], enable: boolean): string {
  if (args.length === 0) {
    for (const module of modules.values()) module.rateLimitEnabled = enable;
    return '';
  }
  for (const name of args) {
    const module = modules.get(name);
    if (!module) throw new UnixctlCommandError('unknown module');
    module.rateLimitEnabled = enable;
  }
  return '';
}

/** Registers vlog/set, vlog/list, vlog/list-pattern, vlog/reopen, vlog/close and the rate-limit switches. */
export function vlogRegisterCommands(): void {
  unixctlCommandRegister('vlog/set', '{spec | PATTERN:destination:pattern}', 0, Number.MAX_SAFE_INTEGER, (args) => {
    try {
      if (args.length === 0) vlogSetVerbosity(undefined);
      for (const arg of args) vlogSetLevelsFromString(arg);
    } catch (error) {
      if (error instanceof ParseError) throw new UnixctlCommandError(error.message);
      throw error;
    }
    return '';
  });
  unixctlCommandRegister('vlog/list', '', 0, 0, () => vlogListText());
  unixctlCommandRegister('vlog/list-pattern', '', 0, 0, () => vlogListPatternText());
  unixctlCommandRegister('vlog/enable-rate-limit', '[module]...', 0, Number.MAX_SAFE_INTEGER, (args) => setRateLimit(args, true));
  unixctlCommandRegister('vlog/disable-rate-limit', '[module]...', 0, Number.MAX_SAFE_INTEGER, (args) => setRateLimit(args, false));
  unixctlCommandRegister('vlog/reopen', '', 0, 0, () => {
    if (logFileName === null) throw new UnixctlCommandError('Logging to file not configured');
    const { error } = vlogReopenLogFile();
    if (error !== null) throw new UnixctlCommandError(`could not reopen log file "${logFileName}": ${error}`);
    return '';
  });
  unixctlCommandRegister('vlog/close', '', 0, 0, () => {
    vlogCloseLogFile();
    return '';
  });
}

/** Restores defaults and forgets the log file (tests only; modules stay registered). */
export function vlogResetForTests(): void {
  vlogCloseLogFile();
  logFileName = null;
  consoleFd = 2;
  syslogTarget = null;
  defaultLevels.splice(0, 3, VlogLevel.Info, VlogLevel.Info, VlogLevel.Info);
  for (const module of modules.values()) {
    module.levels.set(defaultLevels);
    module.rateLimitEnabled = true;
  }
  for (let d = 0; d < N_DESTINATIONS; d++) vlogSetPattern(d, DEFAULT_PATTERNS[d]!);
  updateAllMinLevels();
  sequence = 0;
}

/** Redirects console output to `fd` (tests capture it through a file). */
export function vlogSetConsoleFdForTests(fd: number | null): void {
  consoleFd = fd;
  updateAllMinLevels();
}
