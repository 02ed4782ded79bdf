// OpenFlow actions and instructions: the one import for the rest of ovs-ts.
// Ofpact is the version-independent form; parseActions/formatActions are the
// ovs-ofctl text syntax; encodeActions/decodeActions the wire codec of each
// OpenFlow version; checkActions the check against a flow's match.

export type { Ofpact, OfpactType, Subfield, LearnSpec, Learn, Nat, EncapProperty } from './types.js';
export { OFPP } from './types.js';
export { parseActions, type ParseActionsOptions } from './parse.js';
export { formatActions, type FormatActionsOptions } from './format.js';
export { encodeActions, type EncodeActionsOptions } from './encode.js';
export { decodeActions, type DecodeActionsOptions } from './decode.js';
export { checkActions, formatProtocols, protocolsOfVersion, PROTOCOL, PROTOCOLS_ANY, type CheckResult } from './check.js';
export { NX_VENDOR_ID, ONF_VENDOR_ID, NXAST, OFPAT10, OFPAT11, OFPIT } from './encode.js';
export { splitKeyValues, parsePortName } from './parse.js';
