// OfpError: an OpenFlow failure that goes back to the peer as OFPT_ERROR.
// Everything that judges OpenFlow input (message decoding, action decoding,
// flow-mod checks in ofproto) throws or returns one, named by Open vSwitch's
// symbolic error name ("OFPBAC_BAD_TYPE", "NXBRC_NXM_INVALID"). The mapping
// from a name to the (type, code) pair of each OpenFlow version lives in
// src/openflow/errors.ts, so that the same failure encodes right in every version.

import { OvsError } from '../lib/errors.js';

export class OfpError extends OvsError {
  /**
   * `name` is the error without the OFPERR_ prefix, e.g. "OFPBAC_BAD_OUT_PORT";
   * `message` says what was wrong, for logs and ovs-ofctl's error text.
   */
  constructor(readonly errorName: string, message?: string, options?: { cause?: unknown }) {
    super(errorName, message ?? errorName, options);
  }
}
