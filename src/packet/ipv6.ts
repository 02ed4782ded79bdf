// The IPv6 header and its extension headers: offsets, sizes and the next-header
// values flow extraction walks over. Used by flow extraction, set-field
// actions, the builder and decoder; protocol numbers come from ip.ts.

export { IPPROTO_HOPOPTS, IPPROTO_ROUTING, IPPROTO_FRAGMENT, IPPROTO_ESP, IPPROTO_AH, IPPROTO_NONE, IPPROTO_DSTOPTS } from './ip.js';

export const IPV6_HEADER_SIZE = 40;
export const IPV6_ADDR_SIZE = 16;
export const IPV6_VERSION = 6;
/** Version:4 traffic class:8 flow label:20. */
export const IPV6_VTC_FLOW_OFFSET = 0;
export const IPV6_PAYLOAD_LENGTH_OFFSET = 4;
export const IPV6_NEXT_HEADER_OFFSET = 6;
export const IPV6_HOP_LIMIT_OFFSET = 7;
export const IPV6_SRC_OFFSET = 8;
export const IPV6_DST_OFFSET = 24;
export const IPV6_LABEL_MASK = 0x000fffff;
export const IPV6_TCLASS_SHIFT = 20;

// --- Extension headers ---------------------------------------------------------

/**
 * Hop-by-hop, routing and destination options: next header, length in 8-byte
 * units not counting the first 8, then data. AH counts its length in 4-byte
 * units minus 2.
 */
export const IPV6_EXT_HEADER_MIN_SIZE = 8;
/** Next header, reserved, offset:13 res:2 M:1, identification:32. */
export const IPV6_FRAG_HEADER_SIZE = 8;
/** Mask over the 16-bit offset word: offset in 8-byte units, already shifted. */
export const IPV6_FRAG_OFF_MASK = 0xfff8;
export const IPV6_FRAG_MORE = 0x0001;
/** AH: next header, payload length, reserved:16, SPI:32, sequence:32, then the ICV. */
export const IPV6_AH_FIXED_SIZE = 12;

/** Option types inside hop-by-hop and destination options. */
export const IPV6_OPT_PAD1 = 0;
export const IPV6_OPT_PADN = 1;
export const IPV6_OPT_ROUTER_ALERT = 5;
