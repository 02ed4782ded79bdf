// Error classes shared by every layer. Following undici, each failure kind is
// one class with a stable `code`; layers add their own (OfpError in openflow,
// OvsdbError in ovsdb). Messages are in sentence case and name the object.

import { errnoName, ovsStrerror } from './errno.js';

/** Base class: `code` is stable and machine-readable, `message` is for people. */
export class OvsError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/**
 * An expected failure carried as an errno (dpif, netdev, netlink, datapath).
 * `code` is the symbolic name, e.g. "EEXIST"; the message follows OVS:
 * "br0: cannot add port p1 (File exists)".
 */
export class ErrnoError extends OvsError {
  readonly errno: number;
  constructor(errno: number, what?: string, options?: { cause?: unknown }) {
    const text = ovsStrerror(errno);
    super(errnoName(errno), what ? `${what} (${text})` : text, options);
    this.errno = errno;
  }
}

/** Unparsable text (a flow, an option, a file): thrown as SyntaxError with a code. */
export class ParseError extends SyntaxError {
  readonly code = 'EPARSE';
}
