// Stream names as Open vSwitch spells them ("unix:PATH", "tcp:HOST:PORT",
// "punix:PATH", "ptcp:PORT[:IP]") turned into connected Node sockets and
// listeners. JSON-RPC (jsonrpc.ts), unixctl (unixctl.ts) and the OVSDB server
// and IDL open their connections here. TLS ("ssl:", "pssl:") is a later issue:
// those names are recognised and refused with TlsNotSupportedError.

import net from 'node:net';
import { existsSync, lstatSync, unlinkSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import {
  EADDRINUSE, EAFNOSUPPORT, EINVAL, ENOPROTOOPT, ETIMEDOUT, EIO, errnoFromName,
} from './errno.js';
import { ovsRundir } from './dirs.js';
import { ErrnoError, OvsError } from './errors.js';

/** A relative unix socket name is taken relative to the run directory, as OVS does. */
export function resolveUnixPath(path: string): string {
  return isAbsolute(path) ? path : resolve(ovsRundir(), path);
}

/** ssl: and pssl: streams: recognised, but TLS is not in ovs-ts yet (a later issue). */
export class TlsNotSupportedError extends OvsError {
  /** The errno real OVS reports when TLS cannot be used (ENOPROTOOPT). */
  readonly errno = ENOPROTOOPT;
  constructor(name: string) {
    super('ETLSUNSUPPORTED', `${name}: TLS streams are not supported by ovs-ts yet (Protocol not available)`);
  }
}

export type ActiveStreamTarget =
  | { readonly kind: 'unix'; readonly path: string }
  | { readonly kind: 'tcp'; readonly host: string; readonly port: number };

export type PassiveStreamTarget =
  | { readonly kind: 'punix'; readonly path: string }
  | { readonly kind: 'ptcp'; readonly host: string; readonly port: number };

function parsePort(text: string, name: string): number {
  if (!/^\d+$/.test(text) || Number(text) > 65535) {
    throw new ErrnoError(EINVAL, `${name}: bad port number "${text}"`);
  }
  return Number(text);
}

/** Splits "HOST:PORT", "[V6]:PORT", "HOST" or "[V6]" into host and optional port text. */
function splitHostPort(text: string, name: string): { host: string; port: string | undefined } {
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close < 0) throw new ErrnoError(EINVAL, `${name}: missing "]" in IPv6 address`);
    const host = text.slice(1, close);
    const rest = text.slice(close + 1);
    if (rest === '') return { host, port: undefined };
    if (!rest.startsWith(':')) throw new ErrnoError(EINVAL, `${name}: bad address "${text}"`);
    return { host, port: rest.slice(1) };
  }
  const colon = text.indexOf(':');
  if (colon < 0) return { host: text, port: undefined };
  if (text.indexOf(':', colon + 1) >= 0) {
    throw new ErrnoError(EINVAL, `${name}: IPv6 addresses must be in brackets`);
  }
  return { host: text.slice(0, colon), port: text.slice(colon + 1) };
}

function schemeOf(name: string): string {
  const colon = name.indexOf(':');
  return colon < 0 ? '' : name.slice(0, colon);
}

/**
 * Parses an active stream name. `defaultPort` fills in "tcp:HOST" (OVSDB uses
 * 6640, OpenFlow 6653); without one the port is required. Throws ErrnoError
 * (EAFNOSUPPORT for an unknown scheme, as OVS), TlsNotSupportedError for ssl:.
 */
export function parseActiveStream(name: string, options: { defaultPort?: number } = {}): ActiveStreamTarget {
  const scheme = schemeOf(name);
  const rest = name.slice(scheme.length + 1);
  switch (scheme) {
    case 'unix':
      if (rest === '') throw new ErrnoError(EINVAL, `${name}: missing socket path`);
      return { kind: 'unix', path: resolveUnixPath(rest) };
    case 'tcp': {
      const { host, port } = splitHostPort(rest, name);
      if (host === '') throw new ErrnoError(EINVAL, `${name}: missing host`);
      if (port === undefined || port === '') {
        if (options.defaultPort === undefined) throw new ErrnoError(EINVAL, `${name}: missing port number`);
        return { kind: 'tcp', host, port: options.defaultPort };
      }
      return { kind: 'tcp', host, port: parsePort(port, name) };
    }
    case 'ssl':
      throw new TlsNotSupportedError(name);
    default:
      throw new ErrnoError(EAFNOSUPPORT, `${name}: unknown stream type`);
  }
}

/** Parses a passive stream name ("punix:PATH", "ptcp:PORT[:IP]"); ptcp binds 0.0.0.0 by default. */
export function parsePassiveStream(name: string, options: { defaultPort?: number } = {}): PassiveStreamTarget {
  const scheme = schemeOf(name);
  const rest = name.slice(scheme.length + 1);
  switch (scheme) {
    case 'punix':
      if (rest === '') throw new ErrnoError(EINVAL, `${name}: missing socket path`);
      return { kind: 'punix', path: resolveUnixPath(rest) };
    case 'ptcp': {
      // PORT comes first, then an optional IP (which may be a bracketed IPv6 address).
      const colon = rest.indexOf(':');
      const portText = colon < 0 ? rest : rest.slice(0, colon);
      let host = colon < 0 ? '0.0.0.0' : rest.slice(colon + 1);
      if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
      if (host === '') host = '0.0.0.0';
      if (portText === '') {
        if (options.defaultPort === undefined) throw new ErrnoError(EINVAL, `${name}: missing port number`);
        return { kind: 'ptcp', host, port: options.defaultPort };
      }
      return { kind: 'ptcp', host, port: parsePort(portText, name) };
    }
    case 'pssl':
      throw new TlsNotSupportedError(name);
    default:
      throw new ErrnoError(EAFNOSUPPORT, `${name}: unknown stream type`);
  }
}

/** True if `name` looks like a passive stream name (OVS's pstream_verify_name by prefix). */
export function isPassiveStreamName(name: string): boolean {
  return ['punix', 'ptcp', 'pssl'].includes(schemeOf(name));
}

/** Maps a Node system error to ErrnoError so callers see one error shape. */
export function toErrnoError(error: unknown, what: string): ErrnoError {
  if (error instanceof ErrnoError) return error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const errno = (code && errnoFromName(code)) || EIO;
  return new ErrnoError(errno, what, { cause: error });
}

/**
 * Connects to an active stream. Resolves to a connected socket; rejects with
 * ErrnoError: `failed to connect to "NAME" (Connection refused)` and
 * ETIMEDOUT after `timeoutMs` (no limit by default).
 */
export async function streamOpen(
  name: string,
  options: { defaultPort?: number; timeoutMs?: number } = {},
): Promise<net.Socket> {
  const target = parseActiveStream(name, options);
  const what = `failed to connect to "${name}"`;
  return new Promise<net.Socket>((resolvePromise, reject) => {
    const socket = target.kind === 'unix'
      ? net.createConnection({ path: target.path })
      : net.createConnection({ host: target.host, port: target.port });
    let timer: NodeJS.Timeout | undefined;
    const finish = (error: unknown): void => {
      if (timer) clearTimeout(timer);
      socket.removeListener('connect', onConnect);
      socket.removeListener('error', finish);
      if (error === undefined) {
        resolvePromise(socket);
      } else {
        socket.destroy();
        reject(toErrnoError(error, what));
      }
    };
    const onConnect = (): void => finish(undefined);
    socket.once('connect', onConnect);
    socket.once('error', finish);
    if (options.timeoutMs !== undefined && options.timeoutMs > 0) {
      timer = setTimeout(() => finish(new ErrnoError(ETIMEDOUT, what)), options.timeoutMs);
    }
  });
}

/**
 * A listening passive stream. For punix the socket file is created on open
 * (a stale file from a dead process is removed first) and removed on close.
 */
export class PassiveStream {
  readonly name: string;
  readonly target: PassiveStreamTarget;
  readonly server: net.Server;
  private closed = false;

  private constructor(name: string, target: PassiveStreamTarget, server: net.Server) {
    this.name = name;
    this.target = target;
    this.server = server;
  }

  /** Starts listening; `onConnection` receives each accepted socket. */
  static async open(
    name: string,
    onConnection: (socket: net.Socket) => void,
    options: { defaultPort?: number } = {},
  ): Promise<PassiveStream> {
    const target = parsePassiveStream(name, options);
    if (target.kind === 'punix') await removeStaleSocket(target.path);
    const server = net.createServer(onConnection);
    await new Promise<void>((resolvePromise, reject) => {
      server.once('error', (error) => reject(toErrnoError(error, `${name}: listen failed`)));
      const onListening = (): void => resolvePromise();
      if (target.kind === 'punix') server.listen(target.path, onListening);
      else server.listen(target.port, target.host, onListening);
    });
    server.on('error', () => { /* after listen, errors surface per connection */ });
    return new PassiveStream(name, target, server);
  }

  /** The bound TCP port (useful after "ptcp:0"), or undefined for punix. */
  get port(): number | undefined {
    const address = this.server.address();
    return typeof address === 'object' && address !== null ? address.port : undefined;
  }

  /** The socket file of a punix stream. */
  get path(): string | undefined {
    return this.target.kind === 'punix' ? this.target.path : undefined;
  }

  /** Stops listening and removes the socket file; accepted sockets stay open. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // Unlink first: Node only unlinks on close for sockets it created itself,
    // and another process must not find a dead socket file meanwhile.
    if (this.target.kind === 'punix') {
      try {
        unlinkSync(this.target.path);
      } catch {
        // already gone
      }
    }
    await new Promise<void>((resolvePromise) => this.server.close(() => resolvePromise()));
  }
}

/**
 * Removes a socket file nobody listens on any more (a crashed daemon's). A live
 * listener makes this fail with EADDRINUSE rather than steal its name.
 */
async function removeStaleSocket(path: string): Promise<void> {
  if (!existsSync(path)) return;
  if (!lstatSync(path).isSocket()) return;
  const live = await new Promise<boolean>((resolvePromise) => {
    const probe = net.createConnection({ path });
    probe.once('connect', () => { probe.destroy(); resolvePromise(true); });
    probe.once('error', (error: NodeJS.ErrnoException) => resolvePromise(error.code !== 'ECONNREFUSED' && error.code !== 'ENOENT'));
  });
  if (live) throw new ErrnoError(EADDRINUSE, `punix:${path}: socket in use`);
  try {
    unlinkSync(path);
  } catch {
    // raced with someone else's cleanup
  }
}
