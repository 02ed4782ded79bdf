// ICMP, ICMPv6 (with Neighbor Discovery and MLD) and IGMP message types and
// layout facts. Used by flow extraction (tp_src/tp_dst carry type/code; ND
// target and SLL/TLL), the builder and decoder.

/** Type, code, checksum and 4 bytes whose meaning depends on the type. */
export const ICMP_HEADER_SIZE = 8;
export const ICMP_TYPE_OFFSET = 0;
export const ICMP_CODE_OFFSET = 1;
export const ICMP_CHECKSUM_OFFSET = 2;

// --- ICMPv4 types -------------------------------------------------------------

export const ICMP4_ECHO_REPLY = 0;
export const ICMP4_DST_UNREACH = 3;
export const ICMP4_SOURCE_QUENCH = 4;
export const ICMP4_REDIRECT = 5;
export const ICMP4_ECHO_REQUEST = 8;
export const ICMP4_ROUTER_ADVERT = 9;
export const ICMP4_ROUTER_SOLICIT = 10;
export const ICMP4_TIME_EXCEEDED = 11;
export const ICMP4_PARAM_PROB = 12;
export const ICMP4_TIMESTAMP = 13;
export const ICMP4_TIMESTAMP_REPLY = 14;
/** Destination unreachable codes that tests meet most. */
export const ICMP4_NET_UNREACH = 0;
export const ICMP4_HOST_UNREACH = 1;
export const ICMP4_PROT_UNREACH = 2;
export const ICMP4_PORT_UNREACH = 3;
export const ICMP4_FRAG_NEEDED = 4;

// --- ICMPv6 types ---------------------------------------------------------------

export const ICMP6_DST_UNREACH = 1;
export const ICMP6_PACKET_TOO_BIG = 2;
export const ICMP6_TIME_EXCEEDED = 3;
export const ICMP6_PARAM_PROB = 4;
export const ICMP6_ECHO_REQUEST = 128;
export const ICMP6_ECHO_REPLY = 129;
export const MLD_QUERY = 130;
export const MLD_REPORT = 131;
export const MLD_DONE = 132;
export const ND_ROUTER_SOLICIT = 133;
export const ND_ROUTER_ADVERT = 134;
export const ND_NEIGHBOR_SOLICIT = 135;
export const ND_NEIGHBOR_ADVERT = 136;
export const ND_REDIRECT = 137;
export const MLD2_REPORT = 143;

/** NS and NA: 4 bytes (NA flags / reserved), then the 16-byte target. */
export const ND_TARGET_OFFSET = 8;
/** First byte of an NA's flags word. */
export const ND_NA_FLAG_ROUTER = 0x80;
export const ND_NA_FLAG_SOLICITED = 0x40;
export const ND_NA_FLAG_OVERRIDE = 0x20;

/** ND option: type, length in 8-byte units (including type and length), data. */
export const ND_OPT_SOURCE_LINKADDR = 1;
export const ND_OPT_TARGET_LINKADDR = 2;
export const ND_OPT_PREFIX_INFORMATION = 3;
export const ND_OPT_REDIRECTED_HEADER = 4;
export const ND_OPT_MTU = 5;
export const ND_OPT_UNIT_SIZE = 8;

// --- IGMP -----------------------------------------------------------------------

/** v1/v2 messages: type, max response time (v1: unused), checksum, group. */
export const IGMP_HEADER_SIZE = 8;
export const IGMP_HOST_MEMBERSHIP_QUERY = 0x11;
export const IGMPV1_HOST_MEMBERSHIP_REPORT = 0x12;
export const IGMPV2_HOST_MEMBERSHIP_REPORT = 0x16;
export const IGMP_HOST_LEAVE_MESSAGE = 0x17;
export const IGMPV3_HOST_MEMBERSHIP_REPORT = 0x22;
/** A v3 query is at least 12 bytes; a shorter query is v1 or v2. */
export const IGMPV3_QUERY_HEADER_SIZE = 12;

/** IGMPv3 group record types (RFC 3376 4.2.12). */
export const IGMPV3_MODE_IS_INCLUDE = 1;
export const IGMPV3_MODE_IS_EXCLUDE = 2;
export const IGMPV3_CHANGE_TO_INCLUDE = 3;
export const IGMPV3_CHANGE_TO_EXCLUDE = 4;
export const IGMPV3_ALLOW_NEW_SOURCES = 5;
export const IGMPV3_BLOCK_OLD_SOURCES = 6;
