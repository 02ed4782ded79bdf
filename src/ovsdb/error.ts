// OvsdbError: an OVSDB failure carried with its RFC 7047 `error` tag
// ("syntax error", "constraint violation", ...), the `details` text the real
// ovsdb-server writes, and for parse failures the offending JSON as `syntax`.
// Thrown by schema, data, condition, mutation and transaction parsing; the
// transaction layer turns it into the error object of a "transact" reply.

import { OvsError } from '../lib/errors.js';
import { jsonToString, type Json } from './json.js';

export class OvsdbError extends OvsError {
  /** The RFC 7047 error tag, e.g. "referential integrity violation". */
  readonly error: string;
  /** Human-readable explanation, worded like Open vSwitch's. */
  readonly details: string | undefined;
  /** The JSON text that failed to parse, for syntax-type errors. */
  readonly syntax: string | undefined;

  constructor(error: string, details?: string, options: { syntax?: Json; cause?: unknown } = {}) {
    super(error, details === undefined ? error : `${error}: ${details}`, { cause: options.cause });
    this.error = error;
    this.details = details;
    this.syntax = options.syntax === undefined ? undefined : jsonToString(options.syntax);
  }

  /** The error object as it appears in a transaction result or JSON-RPC error. */
  toJson(): { [key: string]: Json } {
    const json: { [key: string]: Json } = { error: this.error };
    if (this.details !== undefined) json.details = this.details;
    if (this.syntax !== undefined) json.syntax = this.syntax;
    return json;
  }
}

/** Shorthand for the most common failure: a "syntax error" with the JSON that caused it. */
export function syntaxError(syntax: Json | undefined, details: string): OvsdbError {
  return new OvsdbError('syntax error', details, syntax === undefined ? {} : { syntax });
}
