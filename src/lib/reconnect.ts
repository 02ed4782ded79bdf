// The reconnection state machine of Open vSwitch (lib/reconnect.h): when to
// connect, how long to back off after a failure (doubling from 1 s to 8 s by
// default), when to send an inactivity probe and when to give up on a silent
// peer. It does no I/O: its owner (JsonrpcSession, later the OpenFlow and
// manager connections) reports events and asks run() what to do next. Time is
// read from timeval.ts, so `time/stop` and `time/warp` drive it.

import { timeMsec } from './timeval.js';

/** Whole milliseconds, as OVS keeps time: deadlines then land exactly on warped times. */
function nowMs(): number {
  return Math.floor(timeMsec());
}

/** The states, named as OVS names them in logs and in `ovs-vsctl list` status. */
export enum ReconnectState {
  /** Not started, or stopped by disable() or by running out of tries. */
  VOID = 'VOID',
  /** Waiting out the backoff interval before the next attempt. */
  BACKOFF = 'BACKOFF',
  /** A connection attempt is in progress. */
  CONNECTING = 'CONNECTING',
  /** Connected, and the peer has been heard from within the probe interval. */
  ACTIVE = 'ACTIVE',
  /** Connected, an inactivity probe has gone out and no reply has come back yet. */
  IDLE = 'IDLE',
  /** Connected, but the owner asked for a fresh connection (forceReconnect). */
  RECONNECT = 'RECONNECT',
  /** Passive mode: listening for the peer to connect. */
  LISTENING = 'LISTENING',
}

/** What run() asks the owner to do now. */
export enum ReconnectAction {
  /** Start connecting (or, in passive mode, start listening). */
  CONNECT = 'CONNECT',
  /** Drop the connection (or the attempt, or the listener) and call disconnected(). */
  DISCONNECT = 'DISCONNECT',
  /** Send an inactivity probe (an "echo" request in JSON-RPC). */
  PROBE = 'PROBE',
}

export const RECONNECT_DEFAULT_MIN_BACKOFF_MS = 1000;
export const RECONNECT_DEFAULT_MAX_BACKOFF_MS = 8000;
export const RECONNECT_DEFAULT_PROBE_INTERVAL_MS = 5000;

export interface ReconnectOptions {
  /** The peer's name, used in log messages ("tcp:127.0.0.1:6640"). */
  name?: string;
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /** 0 disables inactivity probes. */
  probeIntervalMs?: number;
  passive?: boolean;
  /** Connection attempts allowed (counting the first); Infinity by default. */
  maxTries?: number;
  /** Receives log messages with OVS's wording; `level` is the vlog level. */
  onLog?: (level: 'info' | 'warn' | 'dbg', message: string) => void;
}

/** Counters and times for status reporting (OVSDB's Manager/Controller status columns). */
export interface ReconnectStats {
  readonly state: ReconnectState;
  /** Milliseconds spent in the current state. */
  readonly stateElapsedMs: number;
  readonly isConnected: boolean;
  readonly attemptedConnections: number;
  readonly successfulConnections: number;
  /** Clock time of the last connection and disconnection, or null if never. */
  readonly lastConnectedMs: number | null;
  readonly lastDisconnectedMs: number | null;
  /** Milliseconds connected, over all connections including the current one. */
  readonly totalConnectedDurationMs: number;
  readonly backoffMs: number;
  /** Increases each time the connection comes up or goes down. */
  readonly seqno: number;
  /** The error of the last failure, "" if none. */
  readonly lastError: string;
}

function isConnectedState(state: ReconnectState): boolean {
  return state === ReconnectState.ACTIVE || state === ReconnectState.IDLE;
}

/** One peer's reconnection schedule. */
export class Reconnect {
  name: string;
  private minBackoffMs: number;
  private maxBackoffMs: number;
  private probeIntervalMs: number;
  private passive: boolean;
  /** Tries left; Infinity never runs out. */
  private triesLeft: number;
  private readonly onLog: (level: 'info' | 'warn' | 'dbg', message: string) => void;

  private state = ReconnectState.VOID;
  private stateEnteredMs: number;
  /** Current backoff; 0 means "connect at once". */
  private backoffMs = 0;
  private lastActivityMs: number;
  private lastConnectedMs: number | null = null;
  private lastDisconnectedMs: number | null = null;
  private attemptedConnections = 0;
  private successfulConnections = 0;
  private totalConnectedDurationMs = 0;
  private seqno = 0;
  private lastError = '';

  constructor(options: ReconnectOptions = {}) {
    const now = nowMs();
    this.name = options.name ?? 'void';
    this.minBackoffMs = RECONNECT_DEFAULT_MIN_BACKOFF_MS;
    this.maxBackoffMs = RECONNECT_DEFAULT_MAX_BACKOFF_MS;
    this.setBackoff(options.minBackoffMs ?? this.minBackoffMs, options.maxBackoffMs ?? this.maxBackoffMs);
    this.probeIntervalMs = RECONNECT_DEFAULT_PROBE_INTERVAL_MS;
    this.setProbeInterval(options.probeIntervalMs ?? RECONNECT_DEFAULT_PROBE_INTERVAL_MS);
    this.passive = options.passive ?? false;
    this.triesLeft = options.maxTries ?? Infinity;
    this.onLog = options.onLog ?? (() => {});
    this.stateEnteredMs = now;
    this.lastActivityMs = now;
  }

  // -- configuration ------------------------------------------------------

  /**
   * Sets the backoff range. As in OVS, neither end goes below 1 s, a zero
   * maximum means the default 8 s, and a minimum above the maximum raises the maximum.
   */
  setBackoff(minBackoffMs: number, maxBackoffMs: number): void {
    this.minBackoffMs = Math.max(minBackoffMs, 1000);
    this.maxBackoffMs = maxBackoffMs ? Math.max(maxBackoffMs, 1000) : RECONNECT_DEFAULT_MAX_BACKOFF_MS;
    if (this.minBackoffMs > this.maxBackoffMs) this.maxBackoffMs = this.minBackoffMs;
    if (this.state === ReconnectState.BACKOFF && this.backoffMs > this.maxBackoffMs) this.backoffMs = this.maxBackoffMs;
  }

  /** Sets the inactivity probe interval: 0 disables probes, otherwise at least 1 s. */
  setProbeInterval(probeIntervalMs: number): void {
    this.probeIntervalMs = probeIntervalMs ? Math.max(1000, probeIntervalMs) : 0;
  }

  getProbeInterval(): number {
    return this.probeIntervalMs;
  }

  getMinBackoff(): number {
    return this.minBackoffMs;
  }

  getMaxBackoff(): number {
    return this.maxBackoffMs;
  }

  isPassive(): boolean {
    return this.passive;
  }

  /**
   * Switches between active (we connect) and passive (we listen) mode. A
   * pending attempt or listener of the other kind is abandoned for a new one at once.
   */
  setPassive(passive: boolean): void {
    if (this.passive === passive) return;
    this.passive = passive;
    const restart = passive
      ? this.state === ReconnectState.CONNECTING || this.state === ReconnectState.RECONNECT
      : this.state === ReconnectState.LISTENING && this.mayRetry();
    if (restart) {
      this.transition(ReconnectState.BACKOFF);
      this.backoffMs = 0;
    }
  }

  /** Sets how many more connection attempts are allowed (Infinity: no limit). */
  setMaxTries(maxTries: number): void {
    this.triesLeft = maxTries;
  }

  getMaxTries(): number {
    return this.triesLeft;
  }

  // -- events from the owner ----------------------------------------------

  /** Starts the machine: the first attempt is due at once. */
  enable(): void {
    if (this.state === ReconnectState.VOID && this.mayRetry()) {
      this.transition(ReconnectState.BACKOFF);
      this.backoffMs = 0;
    }
  }

  /** Stops the machine; run() asks for nothing until enable(). */
  disable(): void {
    if (this.state !== ReconnectState.VOID) this.transition(ReconnectState.VOID);
  }

  /** Asks for the connection to be dropped and made again (run() says DISCONNECT). */
  forceReconnect(): void {
    if (this.state === ReconnectState.CONNECTING || isConnectedState(this.state)) {
      this.transition(ReconnectState.RECONNECT);
    }
  }

  /** The attempt started (active mode). */
  connecting(): void {
    if (this.state !== ReconnectState.CONNECTING) {
      if (!this.passive) this.onLog('info', `${this.name}: connecting...`);
      this.transition(ReconnectState.CONNECTING);
    }
  }

  /** The listener is up (passive mode). */
  listening(): void {
    if (this.state !== ReconnectState.LISTENING) {
      this.onLog('info', `${this.name}: listening...`);
      this.transition(ReconnectState.LISTENING);
    }
  }

  /** The listener failed (passive mode): counts as a disconnection. */
  listenError(error: string): void {
    if (this.state === ReconnectState.LISTENING) this.disconnected(error);
  }

  /** The connection is up. */
  connected(): void {
    if (!isConnectedState(this.state)) {
      this.connecting();
      this.onLog('info', `${this.name}: connected`);
      this.transition(ReconnectState.ACTIVE);
      this.lastConnectedMs = this.stateEnteredMs;
    }
  }

  /** The attempt failed with `error` (e.g. "Connection refused"). */
  connectFailed(error: string): void {
    this.connecting();
    this.disconnected(error);
  }

  /**
   * The connection or attempt ended; `error` is "" for a clean close (OVS's
   * EOF, logged as "connection closed by peer"). Chooses the next backoff: the
   * minimum again after a connection that lasted, else double the last one.
   */
  disconnected(error: string): void {
    if (this.state === ReconnectState.BACKOFF || this.state === ReconnectState.VOID) return;
    const now = nowMs();
    this.lastError = error;
    const wasConnected = isConnectedState(this.state);
    if (wasConnected) {
      this.lastDisconnectedMs = now;
      if (error === '') this.onLog('info', `${this.name}: connection closed by peer`);
      else this.onLog('warn', `${this.name}: connection dropped (${error})`);
    } else if (this.state === ReconnectState.CONNECTING) {
      if (error === '') this.onLog('info', `${this.name}: connection attempt failed`);
      else this.onLog('info', `${this.name}: connection attempt failed (${error})`);
    } else if (this.state === ReconnectState.LISTENING) {
      this.onLog('warn', `${this.name}: error listening for connections (${error})`);
    }
    if (!this.mayRetry()) {
      this.transition(ReconnectState.VOID);
      return;
    }
    const lasted = wasConnected && this.lastConnectedMs !== null && this.lastActivityMs - this.lastConnectedMs >= this.backoffMs;
    if (wasConnected && (lasted || this.passive)) {
      this.backoffMs = this.passive ? 0 : this.minBackoffMs;
    } else {
      if (this.backoffMs < this.minBackoffMs) this.backoffMs = this.minBackoffMs;
      else if (this.backoffMs < this.maxBackoffMs / 2) this.backoffMs *= 2;
      else this.backoffMs = this.maxBackoffMs;
      if (this.backoffMs > 0) {
        this.onLog('info', `${this.name}: waiting ${this.backoffMs / 1000} seconds before ${this.passive ? 'trying to listen again' : 'reconnect'}`);
      }
    }
    this.transition(ReconnectState.BACKOFF);
  }

  /** Something arrived from the peer: the connection is alive. */
  activity(): void {
    if (this.state !== ReconnectState.ACTIVE) this.transition(ReconnectState.ACTIVE);
    this.lastActivityMs = nowMs();
  }

  // -- asking what to do ----------------------------------------------------

  /** Clock time at which run() will next ask for something, or null if never. */
  deadline(): number | null {
    switch (this.state) {
      case ReconnectState.VOID:
      case ReconnectState.LISTENING:
        return null;
      case ReconnectState.BACKOFF:
        return this.stateEnteredMs + this.backoffMs;
      case ReconnectState.CONNECTING:
        return this.stateEnteredMs + Math.max(1000, this.backoffMs);
      case ReconnectState.ACTIVE:
        return this.probeIntervalMs
          ? Math.max(this.lastActivityMs, this.stateEnteredMs) + this.probeIntervalMs
          : null;
      case ReconnectState.IDLE:
        return this.probeIntervalMs ? this.stateEnteredMs + this.probeIntervalMs : null;
      case ReconnectState.RECONNECT:
        return this.stateEnteredMs;
    }
  }

  /** Milliseconds until run() has something to do (0 if now), or null if never. */
  timeoutMs(): number | null {
    const deadline = this.deadline();
    return deadline === null ? null : Math.max(0, deadline - nowMs());
  }

  /** What the owner must do now, if anything. A PROBE moves the machine to IDLE. */
  run(): ReconnectAction | null {
    const deadline = this.deadline();
    if (deadline === null || nowMs() < deadline) return null;
    switch (this.state) {
      case ReconnectState.BACKOFF:
        return ReconnectAction.CONNECT;
      case ReconnectState.CONNECTING:
        return ReconnectAction.DISCONNECT;
      case ReconnectState.ACTIVE: {
        const idleMs = nowMs() - Math.max(this.lastActivityMs, this.stateEnteredMs);
        this.onLog('dbg', `${this.name}: idle ${Math.floor(idleMs / 1000)} seconds, sending inactivity probe`);
        this.transition(ReconnectState.IDLE);
        return ReconnectAction.PROBE;
      }
      case ReconnectState.IDLE:
        this.onLog('warn', `${this.name}: no response to inactivity probe after ${Math.floor((nowMs() - this.stateEnteredMs) / 1000)} seconds, disconnecting`);
        return ReconnectAction.DISCONNECT;
      case ReconnectState.RECONNECT:
        return ReconnectAction.DISCONNECT;
      default:
        return null;
    }
  }

  // -- queries ----------------------------------------------------------------

  getState(): ReconnectState {
    return this.state;
  }

  isEnabled(): boolean {
    return this.state !== ReconnectState.VOID;
  }

  isConnected(): boolean {
    return isConnectedState(this.state);
  }

  /** Milliseconds connected in the current connection, 0 when not connected. */
  lastConnectedDurationMs(): number {
    return this.isConnected() && this.lastConnectedMs !== null ? nowMs() - this.lastConnectedMs : 0;
  }

  getStats(): ReconnectStats {
    const now = nowMs();
    return {
      state: this.state,
      stateElapsedMs: now - this.stateEnteredMs,
      isConnected: this.isConnected(),
      attemptedConnections: this.attemptedConnections,
      successfulConnections: this.successfulConnections,
      lastConnectedMs: this.lastConnectedMs,
      lastDisconnectedMs: this.lastDisconnectedMs,
      totalConnectedDurationMs: this.totalConnectedDurationMs + this.lastConnectedDurationMs(),
      backoffMs: this.backoffMs,
      seqno: this.seqno,
      lastError: this.lastError,
    };
  }

  // -- internals ----------------------------------------------------------------

  /** Uses up one try; false once none are left. */
  private mayRetry(): boolean {
    if (this.triesLeft <= 0) return false;
    this.triesLeft--;
    return true;
  }

  private transition(next: ReconnectState): void {
    const now = nowMs();
    if (next === ReconnectState.CONNECTING) this.attemptedConnections++;
    const wasConnected = isConnectedState(this.state);
    const willBeConnected = isConnectedState(next);
    if (wasConnected !== willBeConnected) {
      if (wasConnected && this.lastConnectedMs !== null) this.totalConnectedDurationMs += now - this.lastConnectedMs;
      if (willBeConnected) this.successfulConnections++;
      this.seqno++;
    }
    this.state = next;
    this.stateEnteredMs = now;
    this.onLog('dbg', `${this.name}: entering ${next}`);
  }
}
