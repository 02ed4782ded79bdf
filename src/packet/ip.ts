// IP protocol numbers and the IPv4 header: field offsets, fragment bits, ToS
// split and option types. Used by flow extraction, set-field actions, the
// builder and decoder. IPv6 lives in ipv6.ts, transports in tcp.ts and icmp.ts.

// --- IP protocol numbers (IPv4 protocol, IPv6 next header) -------------------

export const IPPROTO_HOPOPTS = 0;
export const IPPROTO_ICMP = 1;
export const IPPROTO_IGMP = 2;
export const IPPROTO_IPIP = 4;
export const IPPROTO_TCP = 6;
export const IPPROTO_UDP = 17;
export const IPPROTO_IPV6 = 41;
export const IPPROTO_ROUTING = 43;
export const IPPROTO_FRAGMENT = 44;
export const IPPROTO_GRE = 47;
export const IPPROTO_ESP = 50;
export const IPPROTO_AH = 51;
export const IPPROTO_ICMPV6 = 58;
export const IPPROTO_NONE = 59;
export const IPPROTO_DSTOPTS = 60;
export const IPPROTO_SCTP = 132;
export const IPPROTO_UDPLITE = 136;

// --- IPv4 header -------------------------------------------------------------

/** Without options; IHL 5. */
export const IPV4_HEADER_SIZE = 20;
export const IPV4_MAX_HEADER_SIZE = 60;
export const IPV4_VERSION = 4;
/** Version in the high nibble, IHL (32-bit words) in the low one. */
export const IPV4_VIHL_OFFSET = 0;
export const IPV4_TOS_OFFSET = 1;
export const IPV4_TOTAL_LENGTH_OFFSET = 2;
export const IPV4_ID_OFFSET = 4;
/** Flags (3 bits) and fragment offset (13 bits, 8-byte units). */
export const IPV4_FRAG_OFFSET = 6;
export const IPV4_TTL_OFFSET = 8;
export const IPV4_PROTO_OFFSET = 9;
export const IPV4_CHECKSUM_OFFSET = 10;
export const IPV4_SRC_OFFSET = 12;
export const IPV4_DST_OFFSET = 16;

export const IP_RF = 0x8000;
export const IP_DF = 0x4000;
export const IP_MF = 0x2000;
export const IP_FRAG_OFF_MASK = 0x1fff;

/** ToS/traffic class byte: DSCP in the high six bits, ECN in the low two. */
export const IP_DSCP_MASK = 0xfc;
export const IP_ECN_MASK = 0x03;
export const IP_ECN_NOT_ECT = 0;
export const IP_ECN_ECT_1 = 1;
export const IP_ECN_ECT_0 = 2;
export const IP_ECN_CE = 3;

export const IPOPT_END = 0;
export const IPOPT_NOOP = 1;
/** Router alert (RFC 2113), carried by IGMP: 94 04 00 00. */
export const IPOPT_RA = 0x94;
