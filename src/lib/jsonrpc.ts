// JSON-RPC 1.0 as Open vSwitch speaks it (RFC 7047 section 4): JSON objects
// written back to back on a byte stream, no delimiter. JsonSplitter finds each
// object's end incrementally; JsonrpcConnection sends and receives messages on
// one socket and matches replies to requests; jsonrpc-session.ts adds
// reconnection and probes. Callers: unixctl, the OVSDB server and IDL.

import { EventEmitter } from 'node:events';
import type { Duplex } from 'node:stream';
import { EMSGSIZE, ENOTCONN, EOF, ovsStrerror } from './errno.js';
import { ErrnoError, OvsError } from './errors.js';

// ---------------------------------------------------------------------------
// Errors

/** The byte stream is not a sequence of JSON objects (garbage, bad UTF-8, bad JSON). */
export class JsonrpcParseError extends OvsError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('EJSONRPCPARSE', message, options);
  }
}

/** Well-formed JSON that is not a valid JSON-RPC message; messages follow OVS's log texts. */
export class JsonrpcMessageError extends OvsError {
  constructor(message: string) {
    super('EJSONRPCMSG', message);
  }
}

/** The peer answered a request with an error reply; `error` is its JSON "error" member. */
export class JsonrpcRemoteError extends OvsError {
  readonly error: unknown;
  constructor(method: string, error: unknown) {
    super('EJSONRPCREMOTE', `${method}: peer returned error ${typeof error === 'string' ? error : JSON.stringify(error)}`);
    this.error = error;
  }
}

// ---------------------------------------------------------------------------
// Messages

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export type JsonrpcMessage =
  | { readonly type: 'request'; readonly method: string; readonly params: JsonValue[]; readonly id: JsonValue }
  | { readonly type: 'notify'; readonly method: string; readonly params: JsonValue[] }
  | { readonly type: 'reply'; readonly result: JsonValue; readonly id: JsonValue }
  | { readonly type: 'error'; readonly error: JsonValue; readonly id: JsonValue };

export function createRequest(method: string, params: JsonValue[], id: JsonValue): JsonrpcMessage {
  return { type: 'request', method, params, id };
}

export function createNotify(method: string, params: JsonValue[]): JsonrpcMessage {
  return { type: 'notify', method, params };
}

export function createReply(result: JsonValue, id: JsonValue): JsonrpcMessage {
  return { type: 'reply', result, id };
}

export function createError(error: JsonValue, id: JsonValue): JsonrpcMessage {
  return { type: 'error', error, id };
}

/**
 * The wire text of a message, members in the order real OVS 3.1 writes them:
 *   request       {"id":ID,"method":M,"params":[...]}
 *   notification  {"id":null,"method":M,"params":[...]}
 *   reply         {"id":ID,"result":R,"error":null}
 *   error         {"id":ID,"error":E}        (OVS 3.1 leaves out "result")
 */
export function jsonrpcMessageToString(message: JsonrpcMessage): string {
  switch (message.type) {
    case 'request':
      return `{"id":${JSON.stringify(message.id)},"method":${JSON.stringify(message.method)},"params":${JSON.stringify(message.params)}}`;
    case 'notify':
      return `{"id":null,"method":${JSON.stringify(message.method)},"params":${JSON.stringify(message.params)}}`;
    case 'reply':
      return `{"id":${JSON.stringify(message.id)},"result":${JSON.stringify(message.result)},"error":null}`;
    case 'error':
      return `{"id":${JSON.stringify(message.id)},"error":${JSON.stringify(message.error)}}`;
  }
}

const MEMBERS = new Set(['method', 'params', 'result', 'error', 'id']);

/**
 * Classifies a parsed JSON value as a JSON-RPC message, or throws
 * JsonrpcMessageError with the reason OVS logs ("message is not a JSON object",
 * `message has unexpected member "extra"`, `request must have "params"`, ...).
 */
export function jsonrpcMessageFromJson(json: unknown): JsonrpcMessage {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new JsonrpcMessageError('message is not a JSON object');
  }
  const object = json as Record<string, JsonValue>;
  for (const key of Object.keys(object)) {
    if (!MEMBERS.has(key)) throw new JsonrpcMessageError(`message has unexpected member "${key}"`);
  }
  const has = (key: string): boolean => Object.prototype.hasOwnProperty.call(object, key);
  const id = has('id') ? object.id : null;
  if (has('method')) {
    const method = object.method;
    if (typeof method !== 'string') throw new JsonrpcMessageError('"method" must be JSON string');
    if (!has('params')) throw new JsonrpcMessageError('request must have "params"');
    const params = object.params;
    if (!Array.isArray(params)) throw new JsonrpcMessageError('"params" must be JSON array');
    if (has('result')) throw new JsonrpcMessageError('request must not have "result"');
    if (has('error')) throw new JsonrpcMessageError('request must not have "error"');
    return id === null ? { type: 'notify', method, params } : { type: 'request', method, params, id };
  }
  if (has('params')) throw new JsonrpcMessageError('reply must not have "params"');
  if (!has('id') || id === null) throw new JsonrpcMessageError('reply must have "id"');
  const error = has('error') ? object.error : null;
  if (error !== null) return { type: 'error', error, id };
  if (!has('result')) throw new JsonrpcMessageError('reply must have "result"');
  return { type: 'reply', result: object.result, id };
}

// ---------------------------------------------------------------------------
// Framing

/** Default largest message accepted: OVSDB transactions and dumps can be big. */
export const DEFAULT_MAX_MESSAGE_SIZE = 64 * 1024 * 1024;

const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

function isWhitespace(byte: number): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}

/**
 * Finds where each top-level JSON object (or array) ends in a byte stream by
 * tracking nesting outside strings, then decodes and parses it whole. Working
 * on bytes makes a UTF-8 character split across chunks harmless. A value that
 * is not an object or array at top level, invalid UTF-8, invalid JSON or a
 * message over `maxMessageSize` bytes throws; the caller must then drop the
 * stream, since the splitter cannot find the next message boundary.
 */
export class JsonSplitter {
  readonly maxMessageSize: number;
  private depth = 0;
  private inString = false;
  private escaped = false;
  /** Bytes of the incomplete message from earlier chunks. */
  private pending: Buffer[] = [];
  private pendingSize = 0;
  private failed = false;
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });

  constructor(options: { maxMessageSize?: number } = {}) {
    this.maxMessageSize = options.maxMessageSize ?? DEFAULT_MAX_MESSAGE_SIZE;
  }

  /** True while part of a message has arrived but not its end. */
  get inMessage(): boolean {
    return this.depth > 0;
  }

  /**
   * Feeds bytes; returns each complete value parsed from them, in order. On
   * failure the values before the bad one have already gone to `onValue`
   * (when given) so that a peer's good requests before garbage are served.
   */
  push(chunk: Uint8Array, onValue?: (value: unknown) => void): unknown[] {
    if (this.failed) throw new JsonrpcParseError('stream already failed to parse');
    try {
      return this.scan(chunk, onValue);
    } catch (error) {
      this.failed = true;
      this.pending = [];
      throw error;
    }
  }

  private scan(chunk: Uint8Array, onValue: ((value: unknown) => void) | undefined): unknown[] {
    const values: unknown[] = [];
    let start = this.depth > 0 ? 0 : -1;
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i];
      if (this.depth === 0) {
        if (isWhitespace(byte)) continue;
        if (byte !== OPEN_BRACE && byte !== OPEN_BRACKET) {
          throw new JsonrpcParseError(`syntax error: unexpected ${describeByte(byte)} outside a JSON object`);
        }
        this.depth = 1;
        start = i;
        continue;
      }
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (byte === BACKSLASH) this.escaped = true;
        else if (byte === QUOTE) this.inString = false;
        continue;
      }
      if (byte === QUOTE) {
        this.inString = true;
      } else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) {
        this.depth++;
      } else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
        this.depth--;
        if (this.depth === 0) {
          const value = this.complete(chunk.subarray(start, i + 1));
          if (onValue) onValue(value);
          else values.push(value);
          start = -1;
        }
      }
    }
    if (this.depth > 0) {
      const tail = chunk.subarray(start);
      this.checkSize(tail.length);
      // Copy: the caller may reuse its chunk.
      this.pending.push(Buffer.from(tail));
      this.pendingSize += tail.length;
    }
    return values;
  }

  private checkSize(extra: number): void {
    if (this.pendingSize + extra > this.maxMessageSize) {
      throw new ErrnoError(EMSGSIZE, `JSON-RPC message exceeds ${this.maxMessageSize} bytes`);
    }
  }

  private complete(last: Uint8Array): unknown {
    this.checkSize(last.length);
    let bytes: Uint8Array = last;
    if (this.pending.length > 0) {
      this.pending.push(Buffer.from(last));
      bytes = Buffer.concat(this.pending, this.pendingSize + last.length);
      this.pending = [];
      this.pendingSize = 0;
    }
    let text: string;
    try {
      text = this.decoder.decode(bytes);
    } catch (error) {
      throw new JsonrpcParseError('message is not valid UTF-8', { cause: error });
    }
    try {
      return JSON.parse(text);
    } catch (error) {
      throw new JsonrpcParseError(`syntax error: ${(error as Error).message}`, { cause: error });
    }
  }
}

function describeByte(byte: number): string {
  return byte >= 0x21 && byte < 0x7f ? `'${String.fromCharCode(byte)}'` : `byte 0x${byte.toString(16).padStart(2, '0')}`;
}

// ---------------------------------------------------------------------------
// Connection

interface PendingRequest {
  readonly method: string;
  readonly resolve: (result: JsonValue) => void;
  readonly reject: (error: Error) => void;
}

export interface JsonrpcConnectionEvents {
  /** Every received message, replies included (after a pending request() is settled). */
  message: [message: JsonrpcMessage];
  /** Once, when the connection is gone: `error` is null for a clean close or EOF. */
  close: [error: Error | null];
}

/**
 * One JSON-RPC connection over a connected byte stream. It never emits
 * 'error': a receive failure (garbage, bad message, socket error) closes the
 * connection and is passed to 'close'; pending requests reject with it.
 */
export class JsonrpcConnection extends EventEmitter<JsonrpcConnectionEvents> {
  /** The peer's name for logs, e.g. "unix#3" or "tcp:127.0.0.1:6640". */
  readonly name: string;
  private readonly socket: Duplex;
  private readonly splitter: JsonSplitter;
  private readonly pending = new Map<string, PendingRequest>();
  private nextId = 0;
  private closedWith: Error | null | undefined = undefined;
  private readonly answerEcho: boolean;
  /** Messages received and sent, for inactivity probes. */
  receivedCount = 0;
  sentCount = 0;

  constructor(socket: Duplex, options: { name?: string; maxMessageSize?: number; answerEcho?: boolean } = {}) {
    super();
    this.socket = socket;
    this.name = options.name ?? 'jsonrpc';
    this.answerEcho = options.answerEcho ?? false;
    this.splitter = new JsonSplitter({ maxMessageSize: options.maxMessageSize });
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('end', () => this.shutdown(null));
    socket.on('close', () => this.shutdown(null));
    socket.on('error', (error: NodeJS.ErrnoException) => this.shutdown(error));
  }

  /** True until the connection closes. */
  get isOpen(): boolean {
    return this.closedWith === undefined;
  }

  /** Bytes queued for sending and not yet taken by the kernel (OVS's backlog). */
  get backlogSize(): number {
    return (this.socket as Duplex & { writableLength?: number }).writableLength ?? 0;
  }

  /** Sends a message; returns false (and sends nothing) once closed. */
  send(message: JsonrpcMessage): boolean {
    if (!this.isOpen) return false;
    this.sentCount++;
    this.socket.write(jsonrpcMessageToString(message));
    return true;
  }

  /** The next request id: integers from 0, as OVS numbers them. */
  allocateId(): number {
    return this.nextId++;
  }

  /**
   * Sends a request and resolves to the reply's result. Rejects with
   * JsonrpcRemoteError for an error reply, or with the close reason
   * (ErrnoError ENOTCONN) if the connection goes away first.
   */
  request(method: string, params: JsonValue[]): Promise<JsonValue> {
    if (!this.isOpen) return Promise.reject(this.closedError());
    const id = this.allocateId();
    return new Promise<JsonValue>((resolve, reject) => {
      this.pending.set(JSON.stringify(id), { method, resolve, reject });
      this.send(createRequest(method, params, id));
    });
  }

  notify(method: string, params: JsonValue[]): boolean {
    return this.send(createNotify(method, params));
  }

  /** Closes the connection after flushing what was sent. */
  close(): void {
    if (!this.isOpen) return;
    // Flush, then close both directions: a half-open socket would wait on the peer forever.
    this.socket.end(() => this.socket.destroy());
    this.shutdown(null);
  }

  private closedError(): Error {
    return new ErrnoError(ENOTCONN, `${this.name}: connection closed`, { cause: this.closedWith ?? undefined });
  }

  private onData(chunk: Buffer): void {
    if (!this.isOpen) return;
    try {
      this.splitter.push(chunk, (value) => {
        if (!this.isOpen) return;
        let message: JsonrpcMessage;
        try {
          message = jsonrpcMessageFromJson(value);
        } catch (error) {
          this.abort(error as Error);
          return;
        }
        this.receivedCount++;
        this.dispatch(message);
      });
    } catch (error) {
      // Messages before the garbage were delivered; the stream cannot resync.
      this.abort(error as Error);
    }
  }

  private dispatch(message: JsonrpcMessage): void {
    if (message.type === 'reply' || message.type === 'error') {
      const key = JSON.stringify(message.id);
      const waiter = this.pending.get(key);
      if (waiter) {
        this.pending.delete(key);
        if (message.type === 'reply') waiter.resolve(message.result);
        else waiter.reject(new JsonrpcRemoteError(waiter.method, message.error));
      }
    } else if (message.type === 'request' && message.method === 'echo' && this.answerEcho) {
      this.send(createReply(message.params, message.id));
      return;
    }
    this.emit('message', message);
  }

  /** Drops the connection because of a receive failure. */
  private abort(error: Error): void {
    this.socket.destroy();
    this.shutdown(error);
  }

  private shutdown(error: Error | null): void {
    if (!this.isOpen) return;
    this.closedWith = error;
    if (error) this.socket.destroy();
    const reason = this.closedError();
    for (const waiter of this.pending.values()) waiter.reject(reason);
    this.pending.clear();
    this.emit('close', error);
  }
}

/** OVS's text for a close reason, e.g. "End of file" or "Connection reset by peer". */
export function describeCloseReason(error: Error | null): string {
  if (error === null) return ovsStrerror(EOF);
  return error.message;
}
