// Starts a sandboxed OVSDB server, either the real ovsdb-server or
// `ovs-ts ovsdb-server`, the same way (a database made by the real
// `ovsdb-tool create`, --detach, --pidfile, a punix remote, its own
// OVS_RUNDIR/OVS_LOGDIR/OVS_DBDIR), so that interop tests can give both the
// same clients and compare what the clients print. Also a raw JSON-RPC client.

import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { OVS_TS_BIN } from './run-tool.js';

const execFileAsync = promisify(execFile);

export type ServerKind = 'real' | 'ours';

export interface SandboxServer {
  readonly kind: ServerKind;
  readonly dir: string;
  readonly env: NodeJS.ProcessEnv;
  /** The database file. */
  readonly dbPath: string;
  /** The socket path the server listens on. */
  readonly sockPath: string;
  /** "unix:SOCK", what clients connect to. */
  readonly remote: string;
  /** Runs a tool in the sandbox; resolves to stdout, rejects on a non-zero status. */
  run(tool: string, args: string[], options?: { timeoutMs?: number }): Promise<string>;
  /** The server's pid (from its pidfile). */
  pid(): number;
  /** Stops the server (SIGTERM) and removes the sandbox unless `keep`. */
  stop(options?: { keep?: boolean }): Promise<void>;
}

export interface StartOptions {
  /** Extra server arguments (e.g. more --remote). */
  extraArgs?: string[];
  /** Commands run with ovs-vsctl --no-wait before returning ("init"...). */
  init?: boolean;
  /** An existing database file to serve instead of a fresh one. */
  dbPath?: string;
}

/** Starts one server on a fresh database created from `schemaPath`. */
export async function startServer(kind: ServerKind, schemaPath: string, options: StartOptions = {}): Promise<SandboxServer> {
  const dir = mkdtempSync(join(tmpdir(), `ovsdb-${kind}-`));
  const env: NodeJS.ProcessEnv = { ...process.env, OVS_RUNDIR: dir, OVS_LOGDIR: dir, OVS_DBDIR: dir, OVS_SYSCONFDIR: dir };
  const run = async (tool: string, args: string[], runOptions: { timeoutMs?: number } = {}): Promise<string> => {
    const { stdout } = await execFileAsync(tool, args, { env, cwd: dir, timeout: runOptions.timeoutMs ?? 30_000 });
    return stdout;
  };
  const dbPath = options.dbPath ?? join(dir, 'conf.db');
  if (!options.dbPath) await run('ovsdb-tool', ['create', dbPath, schemaPath]);
  const sockPath = join(dir, 'db.sock');
  const args = ['--detach', '--no-chdir', '--pidfile', '--log-file', `--remote=punix:${sockPath}`, ...(options.extraArgs ?? []), dbPath];
  if (kind === 'real') await run('ovsdb-server', args);
  else await run(process.execPath, [OVS_TS_BIN, 'ovsdb-server', ...args]);
  const pidfile = join(dir, 'ovsdb-server.pid');
  const pid = (): number => Number(readFileSync(pidfile, 'utf8').trim());
  const stop = async (stopOptions: { keep?: boolean } = {}): Promise<void> => {
    if (existsSync(pidfile)) {
      let target = 0;
      try {
        target = pid();
        process.kill(target, 'SIGTERM');
      } catch {
        target = 0;
      }
      for (let i = 0; target && i < 200; i++) {
        try {
          process.kill(target, 0);
        } catch {
          break;
        }
        await new Promise((r) => setTimeout(r, 10));
      }
    }
    if (!stopOptions.keep) rmSync(dir, { recursive: true, force: true });
  };
  const server: SandboxServer = { kind, dir, env, dbPath, sockPath, remote: `unix:${sockPath}`, run, pid, stop };
  if (options.init) await run('ovs-vsctl', ['--no-wait', 'init']);
  return server;
}

/** A started background client (ovsdb-client monitor/lock with --detach): its output file and pid. */
export interface BackgroundClient {
  readonly output: () => string;
  readonly ctlPath: () => string;
  stop(): Promise<string>;
}

/**
 * Runs `ovsdb-client --detach ARGS` in the sandbox with stdout to a file:
 * resolves once it has printed its first answer (the initial monitor contents
 * or the lock reply), as --detach promises.
 */
export async function startBackgroundClient(server: SandboxServer, name: string, args: string[]): Promise<BackgroundClient> {
  const outPath = join(server.dir, `${name}.out`);
  const pidPath = join(server.dir, `${name}.pid`);
  const { openSync, closeSync } = await import('node:fs');
  const fd = openSync(outPath, 'w');
  await new Promise<void>((resolve, reject) => {
    const child = spawn('ovsdb-client', ['--detach', '--no-chdir', `--pidfile=${pidPath}`, ...args],
      { env: server.env, cwd: server.dir, stdio: ['ignore', fd, 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => { stderr += String(chunk); });
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`ovsdb-client ${args.join(' ')}: exit ${code}: ${stderr}`))));
  });
  closeSync(fd);
  const pid = Number(readFileSync(pidPath, 'utf8').trim());
  return {
    output: () => readFileSync(outPath, 'utf8'),
    ctlPath: () => join(server.dir, `ovsdb-client.${pid}.ctl`),
    stop: async () => {
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        // Already gone.
      }
      for (let i = 0; i < 200; i++) {
        try {
          process.kill(pid, 0);
        } catch {
          break;
        }
        await new Promise((r) => setTimeout(r, 10));
      }
      return readFileSync(outPath, 'utf8');
    },
  };
}

/**
 * A raw JSON-RPC connection for tests: sends text exactly as given and keeps
 * every message received, in order.
 */
export class RawClient {
  readonly messages: unknown[] = [];
  closed = false;
  private buffer = '';
  private constructor(private readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buffer += String(chunk);
      this.split();
    });
    socket.on('close', () => { this.closed = true; });
    socket.on('error', () => { this.closed = true; });
  }

  static connect(path: string): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = net.createConnection(path);
      socket.once('connect', () => resolve(new RawClient(socket)));
      socket.once('error', reject);
    });
  }

  /** Splits complete top-level JSON objects off the buffer. */
  private split(): void {
    let depth = 0;
    let inString = false;
    let escaped = false;
    let start = 0;
    for (let i = 0; i < this.buffer.length; i++) {
      const c = this.buffer[i];
      if (inString) {
        if (escaped) escaped = false;
        else if (c === '\\') escaped = true;
        else if (c === '"') inString = false;
      } else if (c === '"') {
        inString = true;
      } else if (c === '{' || c === '[') {
        depth++;
      } else if (c === '}' || c === ']') {
        depth--;
        if (depth === 0) {
          this.messages.push(JSON.parse(this.buffer.slice(start, i + 1)));
          start = i + 1;
        }
      }
    }
    this.buffer = this.buffer.slice(start);
  }

  send(text: string | object): void {
    this.socket.write(typeof text === 'string' ? text : JSON.stringify(text));
  }

  /** Waits until a message satisfies `predicate` (default: a reply with this id); rejects after `timeoutMs`. */
  async waitFor(predicate: (message: Record<string, unknown>) => boolean, timeoutMs = 5000): Promise<Record<string, unknown>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.find((m) => predicate(m as Record<string, unknown>));
      if (found) return found as Record<string, unknown>;
      if (this.closed) throw new Error('connection closed');
      if (Date.now() > deadline) throw new Error(`timed out; got ${JSON.stringify(this.messages)}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  /** Sends a request and waits for its reply. */
  async request(method: string, params: unknown[], id: unknown): Promise<Record<string, unknown>> {
    this.send({ method, params, id });
    return this.waitFor((m) => JSON.stringify(m.id) === JSON.stringify(id) && m.method === undefined);
  }

  /** Resolves once the server closes the connection; rejects after `timeoutMs`. */
  async waitClosed(timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed) {
      if (Date.now() > deadline) throw new Error('connection still open');
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  close(): void {
    this.socket.destroy();
  }
}

/** Replaces every UUID by "<uuid>", so outputs of two servers compare equal when only UUIDs differ. */
export function maskUuids(text: string): string {
  return text.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<uuid>');
}
