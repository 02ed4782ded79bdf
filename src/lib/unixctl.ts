// The unixctl control channel that `ovs-appctl` talks to: a JSON-RPC server on
// a unix socket running commands from the registry in unixctl-commands.ts, and
// the client `ovs-ts appctl` uses. Daemons (ovs-ts vswitchd, the OVSDB server)
// create one UnixctlServer at start-up. Wire facts are OVS 3.1's (see runCommand).

import type net from 'node:net';
import { EINVAL, EOF, EPROTO, errnoFromName, ovsStrerror } from './errno.js';
import { ErrnoError } from './errors.js';
import {
  createError, createReply, JsonrpcConnection, JsonrpcMessageError, JsonrpcParseError,
  type JsonrpcMessage, type JsonValue,
} from './jsonrpc.js';
import { PassiveStream, resolveUnixPath, streamOpen } from './stream.js';
import {
  unixctlCommandList, unixctlCommandLookup, unixctlCommandRegister, UnixctlCommandError,
} from './unixctl-commands.js';

/** ovs-ts's version (version.ts), re-exported for callers of the server. */
export { OVS_TS_VERSION } from './version.js';

/** Largest request the server reads; appctl requests are a command line. */
export const UNIXCTL_MAX_MESSAGE_SIZE = 4 * 1024 * 1024;

/** OVS ends non-empty reply bodies with a newline, so ovs-appctl prints whole lines. */
function withNewline(body: string): string {
  return body === '' || body.endsWith('\n') ? body : `${body}\n`;
}

/** The `list-commands` text: a header, then each command and its usage, sorted. */
export function formatCommandList(): string {
  let text = 'The available commands are:\n';
  for (const command of unixctlCommandList()) {
    text += `  ${command.name.padEnd(23)} ${command.usage}\n`;
  }
  return text;
}

/**
 * Where a daemon's control socket goes: $OVS_RUNDIR/PROGRAM.PID.ctl by default;
 * a relative --unixctl name is taken relative to the run directory.
 */
export function unixctlSocketPath(path: string | undefined, options: { programName: string }): string {
  if (path === undefined) return resolveUnixPath(`${options.programName}.${process.pid}.ctl`);
  return resolveUnixPath(path.startsWith('punix:') ? path.slice('punix:'.length) : path);
}

/** Hooks for logging what a bad client did; the server itself never logs. */
export interface UnixctlServerOptions {
  readonly programName: string;
  readonly version: string;
  /** Called with OVS-style warnings ("unix#3: received unexpected reply message"). */
  readonly onWarning?: (message: string) => void;
}

/**
 * A listening unixctl server. Registers the built-in commands `list-commands`
 * and `version` in the registry (as OVS does); everything else comes from
 * whoever registered commands there.
 */
export class UnixctlServer {
  /** The socket file. */
  readonly path: string;
  /** Set by create() right after construction. */
  private stream!: PassiveStream;
  private readonly connections = new Set<JsonrpcConnection>();
  private readonly onWarning: (message: string) => void;
  private connectionCount = 0;

  private constructor(path: string, onWarning: (message: string) => void) {
    this.path = path;
    this.onWarning = onWarning;
  }

  /**
   * Listens on `path` (see unixctlSocketPath). Rejects with ErrnoError if the
   * socket cannot be created. Callers implement --unixctl=none by not calling this.
   */
  static async create(path: string | undefined, options: UnixctlServerOptions): Promise<UnixctlServer> {
    const socketPath = unixctlSocketPath(path, options);
    const { programName, version } = options;
    unixctlCommandRegister('list-commands', '', 0, 0, () => formatCommandList());
    unixctlCommandRegister('version', '', 0, 0, () => `${programName} (ovs-ts) ${version}\n`);
    const server = new UnixctlServer(socketPath, options.onWarning ?? (() => {}));
    server.stream = await PassiveStream.open(`punix:${socketPath}`, (socket) => server.accept(socket));
    return server;
  }

  /** Number of clients connected right now. */
  get clientCount(): number {
    return this.connections.size;
  }

  /** Stops listening, drops clients and removes the socket file. */
  async close(): Promise<void> {
    for (const connection of this.connections) connection.close();
    this.connections.clear();
    await this.stream.close();
  }

  private accept(socket: net.Socket): void {
    const name = `unix#${this.connectionCount++}`;
    const connection = new JsonrpcConnection(socket, { name, maxMessageSize: UNIXCTL_MAX_MESSAGE_SIZE });
    this.connections.add(connection);
    // One command at a time per client, in order, as OVS does.
    let queue: Promise<void> = Promise.resolve();
    connection.on('message', (message) => {
      queue = queue.then(() => this.handle(connection, message)).catch((error: unknown) => {
        this.onWarning(`${name}: ${error instanceof Error ? error.message : String(error)}`);
        connection.close();
      });
    });
    connection.on('close', (error) => {
      this.connections.delete(connection);
      // OVS's wording for a client that sent garbage or bad JSON-RPC.
      if (error instanceof JsonrpcParseError) this.onWarning(`${name}: error parsing stream: ${error.message}`);
      else if (error instanceof JsonrpcMessageError) this.onWarning(`${name}: received bad JSON-RPC message: ${error.message}`);
      else if (error) this.onWarning(`${name}: ${error.message}`);
    });
  }

  private async handle(connection: JsonrpcConnection, message: JsonrpcMessage): Promise<void> {
    if (!connection.isOpen) return;
    if (message.type !== 'request') {
      this.onWarning(`${connection.name}: received unexpected ${message.type === 'notify' ? 'notification' : message.type} message`);
      connection.close();
      return;
    }
    const reply = await runCommand(message.method, message.params);
    connection.send('error' in reply
      ? createError(reply.error, message.id)
      : createReply(reply.result, message.id));
  }
}

/**
 * Runs one command from the registry; never throws. As in real OVS 3.1: params
 * must be strings; the checks run in the order unknown command, too few, too
 * many, non-string; reply texts end in a newline unless empty.
 */
async function runCommand(method: string, params: JsonValue[]): Promise<{ result: string } | { error: string }> {
  const command = unixctlCommandLookup(method);
  if (!command) {
    return { error: `"${method}" is not a valid command (use "list-commands" to see a list of valid commands)\n` };
  }
  if (params.length < command.minArgs) {
    return { error: `"${method}" command requires at least ${command.minArgs} arguments\n` };
  }
  if (params.length > command.maxArgs) {
    return { error: `"${method}" command takes at most ${command.maxArgs} arguments\n` };
  }
  if (!params.every((param) => typeof param === 'string')) {
    return { error: `"${method}" command has non-string argument\n` };
  }
  try {
    return { result: withNewline(await command.handler(params as string[])) };
  } catch (error) {
    if (error instanceof UnixctlCommandError) return { error: withNewline(error.message) };
    const text = error instanceof Error ? error.message : String(error);
    return { error: withNewline(`${method}: internal error: ${text}`) };
  }
}

/** A unixctl reply: exactly one of the two is set. */
export interface UnixctlReply {
  readonly result?: string;
  readonly error?: string;
}

/**
 * transact() failed: `errno` is EOF ("End of file") if the daemon hung up,
 * EPROTO for garbage or bad JSON-RPC, EINVAL for a reply whose result or error
 * is not a string, or the socket's errno. `logLines` are the warnings real
 * ovs-appctl logs for the same failure.
 */
export class UnixctlTransactionError extends ErrnoError {
  readonly logLines: ReadonlyArray<{ readonly module: string; readonly text: string }>;
  constructor(errno: number, what: string, logLines: UnixctlTransactionError['logLines'], options?: { cause?: unknown }) {
    super(errno, what, options);
    this.logLines = logLines;
  }
}

/** A connection to a daemon's control socket. */
export class UnixctlClient {
  /** The socket path as connected (absolute). */
  readonly path: string;
  private readonly connection: JsonrpcConnection;

  private constructor(path: string, connection: JsonrpcConnection) {
    this.path = path;
    this.connection = connection;
  }

  /**
   * Connects to a socket path ("unix:" prefix allowed; a relative path is
   * taken relative to the run directory). Rejects with ErrnoError
   * `cannot connect to "PATH" (Connection refused)`.
   */
  static async connect(target: string, options: { timeoutMs?: number } = {}): Promise<UnixctlClient> {
    const path = resolveUnixPath(target.startsWith('unix:') ? target.slice('unix:'.length) : target);
    let socket: net.Socket;
    try {
      socket = await streamOpen(`unix:${path}`, { timeoutMs: options.timeoutMs });
    } catch (error) {
      const errno = error instanceof ErrnoError ? error.errno : EINVAL;
      throw new ErrnoError(errno, `cannot connect to "${path}"`, { cause: error });
    }
    return new UnixctlClient(path, new JsonrpcConnection(socket, { name: `unix:${path}` }));
  }

  /** Sends one command and waits for its reply; rejects with UnixctlTransactionError. */
  transact(command: string, args: string[]): Promise<UnixctlReply> {
    if (typeof command !== 'string' || !Array.isArray(args)) {
      throw new TypeError('transact(command, args): command must be a string and args an array');
    }
    const name = this.connection.name;
    return new Promise<UnixctlReply>((resolve, reject) => {
      const id = this.connection.allocateId();
      const fail = (errno: number, text: string, lines: UnixctlTransactionError['logLines'], cause?: unknown): void => {
        cleanup();
        reject(new UnixctlTransactionError(errno, text, lines, { cause }));
      };
      const onMessage = (message: JsonrpcMessage): void => {
        if ((message.type !== 'reply' && message.type !== 'error') || JSON.stringify(message.id) !== JSON.stringify(id)) {
          return;
        }
        if (message.type === 'error') {
          if (typeof message.error === 'string') {
            cleanup();
            resolve({ error: message.error });
          } else {
            const text = `${name}: unexpected error type in JSON RPC reply: ${jsonType(message.error)}`;
            fail(EINVAL, text, [{ module: 'unixctl', text }]);
          }
        } else if (typeof message.result === 'string') {
          cleanup();
          resolve({ result: message.result });
        } else {
          const text = `${name}: unexpected result type in JSON rpc reply: ${jsonType(message.result)}`;
          fail(EINVAL, text, [{ module: 'unixctl', text }]);
        }
      };
      const onClose = (error: Error | null): void => {
        const lines: Array<{ module: string; text: string }> = [];
        let errno: number;
        if (error === null) {
          errno = EOF;
        } else if (error instanceof JsonrpcParseError) {
          errno = EPROTO;
          lines.push({ module: 'jsonrpc', text: `${name}: error parsing stream: ${error.message}` });
        } else if (error instanceof JsonrpcMessageError) {
          errno = EPROTO;
          lines.push({ module: 'jsonrpc', text: `${name}: received bad JSON-RPC message: ${error.message}` });
        } else {
          errno = error instanceof ErrnoError ? error.errno : errnoFromName((error as NodeJS.ErrnoException).code ?? '') ?? EPROTO;
        }
        lines.push({ module: 'unixctl', text: `error communicating with ${name}: ${ovsStrerror(errno)}` });
        fail(errno, `error communicating with ${name}`, lines, error ?? undefined);
      };
      const cleanup = (): void => {
        this.connection.removeListener('message', onMessage);
        this.connection.removeListener('close', onClose);
      };
      this.connection.on('message', onMessage);
      this.connection.on('close', onClose);
      if (!this.connection.send({ type: 'request', method: command, params: args, id })) onClose(null);
    });
  }

  close(): void {
    this.connection.close();
  }
}

function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value === 'object' ? 'object' : typeof value;
}
