// A JSON-RPC connection that survives its peer (OVS's jsonrpc_session): it
// connects to an active stream name, or listens on a passive one, reconnects
// with backoff after failures, sends "echo" inactivity probes and answers the
// peer's. reconnect.ts decides when; this file does the I/O with stream.ts and
// jsonrpc.ts. Callers: the OVSDB IDL, the OVSDB server's outgoing remotes.

import { EventEmitter } from 'node:events';
import type net from 'node:net';
import { ENOTCONN, EPROTO, ETIMEDOUT, errnoFromName, ovsStrerror } from './errno.js';
import { ErrnoError } from './errors.js';
import {
  createRequest, JsonrpcConnection, JsonrpcMessageError, JsonrpcParseError, type JsonrpcMessage, type JsonValue,
} from './jsonrpc.js';
import {
  Reconnect, ReconnectAction, ReconnectState, type ReconnectOptions, type ReconnectStats,
} from './reconnect.js';
import {
  isPassiveStreamName, parseActiveStream, parsePassiveStream, PassiveStream, streamOpen,
} from './stream.js';
import { clearClockTimer, setClockTimer, timeMsec, type ClockTimer } from './timeval.js';

/** The id of our own inactivity probes, so that their replies are recognised and eaten. */
const PROBE_ID = 'echo';

export interface JsonrpcSessionOptions {
  /** false: one connection attempt only (OVS's retry=false); true by default. */
  retry?: boolean;
  probeIntervalMs?: number;
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /** Port for "tcp:HOST" / "ptcp:" names that omit it (OVSDB: 6640). */
  defaultPort?: number;
  maxMessageSize?: number;
  onLog?: ReconnectOptions['onLog'];
}

export interface JsonrpcSessionEvents {
  /** A message from the peer (echo requests and our probe replies are handled internally). */
  message: [message: JsonrpcMessage];
  /** A connection came up (after each reconnection too). */
  connected: [];
  /** The connection went down; `error` null for a clean close by the peer. */
  disconnected: [error: Error | null];
}

/**
 * A reconnecting JSON-RPC session. Never emits 'error'. Messages sent while
 * disconnected are dropped (send() returns false), as in OVS: the owner
 * resends its state on 'connected'.
 */
export class JsonrpcSession extends EventEmitter<JsonrpcSessionEvents> {
  readonly name: string;
  private readonly fsm: Reconnect;
  private readonly options: JsonrpcSessionOptions;
  private connection: JsonrpcConnection | null = null;
  private listener: PassiveStream | null = null;
  /** Bumped to disown an attempt that the state machine abandoned. */
  private attempt = 0;
  private timer: ClockTimer | null = null;
  private closed = false;

  private constructor(name: string, options: JsonrpcSessionOptions) {
    super();
    this.name = name;
    this.options = options;
    this.fsm = new Reconnect({
      name,
      passive: isPassiveStreamName(name),
      maxTries: options.retry === false ? 1 : Infinity,
      probeIntervalMs: options.probeIntervalMs,
      minBackoffMs: options.minBackoffMs,
      maxBackoffMs: options.maxBackoffMs,
      onLog: options.onLog,
    });
  }

  /**
   * Starts a session on `name` ("tcp:...", "unix:...", "ptcp:...", "punix:...").
   * Throws synchronously for a name that cannot work (ErrnoError EAFNOSUPPORT,
   * TlsNotSupportedError); connection failures are retried, not thrown.
   */
  static open(name: string, options: JsonrpcSessionOptions = {}): JsonrpcSession {
    // Parse now so that a bad name fails here rather than on every retry.
    if (isPassiveStreamName(name)) parsePassiveStream(name, options);
    else parseActiveStream(name, options);
    const session = new JsonrpcSession(name, options);
    session.fsm.enable();
    session.step();
    return session;
  }

  isConnected(): boolean {
    return this.connection !== null && this.fsm.isConnected();
  }

  /** True while connected or still trying (false after retry=false gave up, or close()). */
  isAlive(): boolean {
    return !this.closed && (this.connection !== null || this.fsm.isEnabled());
  }

  /** Sends on the current connection; false (dropped) if there is none. */
  send(message: JsonrpcMessage): boolean {
    return this.connection !== null && this.connection.send(message);
  }

  /**
   * Sends a request on the current connection and resolves to its result.
   * Rejects with ErrnoError ENOTCONN when not connected or if the connection
   * drops before the reply, and with JsonrpcRemoteError for an error reply.
   */
  request(method: string, params: JsonValue[]): Promise<JsonValue> {
    if (!this.connection) return Promise.reject(new ErrnoError(ENOTCONN, `${this.name}: not connected`));
    return this.connection.request(method, params);
  }

  /** Drops the connection and connects again at once. */
  forceReconnect(): void {
    this.fsm.forceReconnect();
    this.step();
  }

  setProbeInterval(probeIntervalMs: number): void {
    this.fsm.setProbeInterval(probeIntervalMs);
    this.step();
  }

  setBackoff(minBackoffMs: number, maxBackoffMs: number): void {
    this.fsm.setBackoff(minBackoffMs, maxBackoffMs);
    this.step();
  }

  /** Changes each time the session connects or disconnects. */
  getSeqno(): number {
    return this.fsm.getStats().seqno;
  }

  getStats(): ReconnectStats {
    return this.fsm.getStats();
  }

  /** Closes the connection and stops reconnecting. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.attempt++;
    clearClockTimer(this.timer);
    this.timer = null;
    this.fsm.disable();
    this.dropConnection();
    const listener = this.listener;
    this.listener = null;
    await listener?.close();
  }

  // -- the loop: ask the state machine, act, re-arm the timer ---------------------

  private step(): void {
    if (this.closed) return;
    for (;;) {
      const action = this.fsm.run();
      if (action === null) break;
      if (action === ReconnectAction.CONNECT) {
        this.startConnecting();
      } else if (action === ReconnectAction.DISCONNECT) {
        this.abandon();
      } else {
        this.connection?.send(createRequest('echo', [], PROBE_ID));
        break;
      }
    }
    clearClockTimer(this.timer);
    this.timer = null;
    // Aim at the machine's whole-millisecond deadline, not at now + timeoutMs():
    // the clock has fractions, and a warp by exactly the timeout must reach it.
    const deadline = this.fsm.deadline();
    if (deadline !== null) {
      this.timer = setClockTimer(() => { this.timer = null; this.step(); }, deadline - timeMsec());
    }
  }

  private startConnecting(): void {
    const attempt = ++this.attempt;
    if (this.fsm.isPassive()) {
      // CONNECTING until the listener is up: opening it is asynchronous here.
      this.fsm.connecting();
      this.startListening(attempt);
      return;
    }
    this.fsm.connecting();
    streamOpen(this.name, { defaultPort: this.options.defaultPort }).then(
      (socket) => {
        if (attempt !== this.attempt || this.closed) {
          socket.destroy();
          return;
        }
        this.adopt(socket);
      },
      (error: unknown) => {
        if (attempt !== this.attempt || this.closed) return;
        this.fsm.connectFailed(error instanceof ErrnoError ? ovsStrerror(error.errno) : String(error));
        this.step();
      },
    );
  }

  private startListening(attempt: number): void {
    if (this.listener) {
      this.fsm.listening();
      return;
    }
    PassiveStream.open(this.name, (socket) => {
      if (this.closed) {
        socket.destroy();
        return;
      }
      // A new peer replaces the current one, as in OVS.
      if (this.connection) this.dropConnection();
      this.adopt(socket);
    }, { defaultPort: this.options.defaultPort }).then(
      async (listener) => {
        if (attempt !== this.attempt || this.closed) {
          await listener.close();
          return;
        }
        this.listener = listener;
        this.fsm.listening();
        this.step();
      },
      (error: unknown) => {
        if (attempt !== this.attempt || this.closed) return;
        this.fsm.listening();
        this.fsm.listenError(error instanceof ErrnoError ? ovsStrerror(error.errno) : String(error));
        this.step();
      },
    );
  }

  private adopt(socket: net.Socket): void {
    const connection = new JsonrpcConnection(socket, {
      name: this.name, maxMessageSize: this.options.maxMessageSize, answerEcho: true,
    });
    this.connection = connection;
    connection.on('message', (message) => {
      if (this.connection !== connection) return;
      this.fsm.activity();
      this.step();
      if (message.type === 'reply' && message.id === PROBE_ID) return;
      if (message.type === 'request' && message.method === 'echo') return;
      this.emit('message', message);
    });
    connection.on('close', (error) => {
      if (this.connection !== connection) return;
      this.connection = null;
      this.fsm.disconnected(error ? closeReasonText(error) : '');
      this.emit('disconnected', error);
      this.step();
    });
    this.fsm.connected();
    this.emit('connected');
    this.step();
  }

  /**
   * The state machine gave up: on an attempt that took too long, on a peer
   * that did not answer a probe, or on a connection forceReconnect() condemned.
   */
  private abandon(): void {
    const wasConnected = this.connection !== null;
    const timedOut = this.fsm.getState() === ReconnectState.CONNECTING
      || this.fsm.getState() === ReconnectState.IDLE;
    this.attempt++;
    this.dropConnection();
    this.fsm.disconnected(timedOut ? ovsStrerror(ETIMEDOUT) : '');
    if (wasConnected) {
      this.emit('disconnected', timedOut ? new ErrnoError(ETIMEDOUT, `${this.name}: no response to inactivity probe`) : null);
    }
  }

  private dropConnection(): void {
    const connection = this.connection;
    if (!connection) return;
    this.connection = null;
    connection.removeAllListeners('close');
    connection.close();
  }
}

/** The errno text OVS logs for a dropped connection: "Protocol error" for garbage, else the socket's. */
function closeReasonText(error: Error): string {
  if (error instanceof JsonrpcParseError || error instanceof JsonrpcMessageError) return ovsStrerror(EPROTO);
  if (error instanceof ErrnoError) return ovsStrerror(error.errno);
  const errno = errnoFromName((error as NodeJS.ErrnoException).code ?? '');
  return errno === undefined ? error.message : ovsStrerror(errno);
}
