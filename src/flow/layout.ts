// The flow key layout: one fixed-layout Uint32Array shared by the datapath
// (megaflow keys and masks) and ofproto (classifier matches, xlate). It covers
// what OVS's `struct flow` covers. A mask is a Uint32Array of the same layout
// whose set bits say which key bits matter.
//
// Rules of the layout:
// - one field per word (or per run of words), so masks, hashing and
//   formatting never need to split a word between two fields;
// - values in host order as unsigned numbers (read them with `>>> 0`); byte
//   strings (addresses) are big-endian word by word: word 0 holds the first
//   four bytes, its most significant byte first;
// - 48-bit MAC addresses take two words: HI holds bytes 0-1 in its low 16
//   bits, LO holds bytes 2-5;
// - 64-bit values take two words, HI then LO;
// - the words that extraction writes (PACKET_FIRST..PACKET_END) sit together so
//   that extraction clears one range and leaves receive metadata alone.
//
// Sections, in order: receive metadata (set by whoever hands the packet over:
// port, tunnel, recirculation, conntrack), packet headers (set by extraction),
// pipeline state (only ofproto writes it), and the tunnel option bytes.

// --- Receive metadata -------------------------------------------------------

/** Input port: a datapath port number in the datapath, an OpenFlow port in ofproto. */
export const IN_PORT = 0;
export const RECIRC_ID = 1;
export const DP_HASH = 2;
/** skb_priority: the QoS queue hint. */
export const SKB_PRIORITY = 3;
export const PKT_MARK = 4;
/** packet_type: namespace << 16 | namespace type (0 << 16 | 0 is Ethernet). */
export const PACKET_TYPE = 5;

/** Conntrack state bits (CS_* of ovs-fields(7)). */
export const CT_STATE = 6;
export const CT_ZONE = 7;
export const CT_MARK = 8;
/** ct_label: 128 bits, most significant word first. */
export const CT_LABEL = 9; // 4 words
export const CT_NW_PROTO = 13;
export const CT_NW_SRC = 14;
export const CT_NW_DST = 15;
export const CT_IPV6_SRC = 16; // 4 words
export const CT_IPV6_DST = 20; // 4 words
export const CT_TP_SRC = 24;
export const CT_TP_DST = 25;

/** tun_id: 64 bits. */
export const TUN_ID_HI = 26;
export const TUN_ID_LO = 27;
export const TUN_IPV4_SRC = 28;
export const TUN_IPV4_DST = 29;
export const TUN_IPV6_SRC = 30; // 4 words
export const TUN_IPV6_DST = 34; // 4 words
/** FLOW_TNL_F_* bits: DONT_FRAGMENT 1, CSUM 2, KEY 4, OAM 8 (OVS's tun_flags uses OAM only). */
export const TUN_FLAGS = 38;
export const TUN_TOS = 39;
export const TUN_TTL = 40;
export const TUN_TP_SRC = 41;
export const TUN_TP_DST = 42;
export const TUN_GBP_ID = 43;
export const TUN_GBP_FLAGS = 44;
export const TUN_ERSPAN_VER = 45;
export const TUN_ERSPAN_IDX = 46;
export const TUN_ERSPAN_DIR = 47;
export const TUN_ERSPAN_HWID = 48;
export const TUN_GTPU_FLAGS = 49;
export const TUN_GTPU_MSGTYPE = 50;
/** Which tun_metadataN options are present: 64 bits, HI holds options 32-63. */
export const TUN_METADATA_PRESENT_HI = 51;
export const TUN_METADATA_PRESENT_LO = 52;

// --- Packet headers (written by extraction) ---------------------------------

export const PACKET_FIRST = 53;

export const DL_DST_HI = 53;
export const DL_DST_LO = 54;
export const DL_SRC_HI = 55;
export const DL_SRC_LO = 56;
/** Ethertype after VLAN and MPLS processing (0x05ff for 802.2 frames without SNAP, as OVS). */
export const DL_TYPE = 57;
/**
 * VLAN headers, outermost first: TPID << 16 | TCI. A present header has the
 * CFI bit (0x1000, OVS's VLAN_CFI "present" marker) set in the TCI, as in OVS.
 */
export const VLAN0 = 58;
export const VLAN1 = 59;
export const VLAN_HEADERS = 2;
/** MPLS label stack entries, outermost first; up to three, as OVS. */
export const MPLS_LSE0 = 60;
export const MPLS_LSE1 = 61;
export const MPLS_LSE2 = 62;
export const MPLS_LABELS = 3;
/** IPv4 source, or ARP sender protocol address. */
export const NW_SRC = 63;
/** IPv4 destination, or ARP target protocol address. */
export const NW_DST = 64;
export const IPV6_SRC = 65; // 4 words
export const IPV6_DST = 69; // 4 words
export const IPV6_LABEL = 73;
/** FLOW_NW_FRAG_* bits: ANY 1 (a fragment), LATER 2 (not the first). */
export const NW_FRAG = 74;
/** The whole IPv4 TOS / IPv6 traffic class byte (DSCP and ECN). */
export const NW_TOS = 75;
export const NW_TTL = 76;
/** IP protocol, or the low 8 bits of the ARP opcode. */
export const NW_PROTO = 77;
/** ARP sender hardware address, or the ND source link-layer address. */
export const ARP_SHA_HI = 78;
export const ARP_SHA_LO = 79;
/** ARP target hardware address, or the ND target link-layer address. */
export const ARP_THA_HI = 80;
export const ARP_THA_LO = 81;
export const ND_TARGET = 82; // 4 words
/** ND reserved word (the flags of an NA). */
export const ND_RESERVED = 86;
/** Type of the first ND option (OVS's nd_options_type). */
export const ND_OPTIONS_TYPE = 87;
/** TCP flags, 12 bits. */
export const TCP_FLAGS = 88;
/** Transport source port, or ICMP/ICMPv6 type. */
export const TP_SRC = 89;
/** Transport destination port, or ICMP/ICMPv6 code. */
export const TP_DST = 90;
export const IGMP_GROUP_IP4 = 91;
/** NSH (Ethernet type 0x894f) base header: the O and U flag bits. */
export const NSH_FLAGS = 92;
export const NSH_TTL = 93;
export const NSH_MDTYPE = 94;
/** NSH next protocol. */
export const NSH_NP = 95;
/** NSH service path identifier (24 bits). */
export const NSH_SPI = 96;
/** NSH service index. */
export const NSH_SI = 97;
/** NSH MD type 1 context headers c1..c4. */
export const NSH_C = 98; // 4 words

export const PACKET_END = 102;

// --- Pipeline state (ofproto only) ------------------------------------------

/** OpenFlow metadata: 64 bits. */
export const METADATA_HI = 102;
export const METADATA_LO = 103;
/** reg0..reg15; xregN is reg(2N):reg(2N+1), xxregN is reg(4N)..reg(4N+3). */
export const REGS = 104; // 16 words
export const REG_COUNT = 16;
export const ACTSET_OUTPUT = 120;
export const CONJ_ID = 121;

// --- Tunnel option bytes ----------------------------------------------------

/** tun_metadata0..63 live in 256 bytes laid out by the TLV mapping table. */
export const TUN_METADATA = 122; // 64 words
export const TUN_METADATA_WORDS = 64;

/** Total words in a key or a mask. */
export const KEY_WORDS = 186;

/** A fresh all-zero key (or mask). Allocate once and reuse on hot paths. */
export function newKey(): Uint32Array {
  return new Uint32Array(KEY_WORDS);
}

/** Named runs of the layout, for debugging and tests that walk every field. */
export const KEY_FIELDS: ReadonlyArray<{ readonly name: string; readonly word: number; readonly words: number }> = [
  { name: 'in_port', word: IN_PORT, words: 1 },
  { name: 'recirc_id', word: RECIRC_ID, words: 1 },
  { name: 'dp_hash', word: DP_HASH, words: 1 },
  { name: 'skb_priority', word: SKB_PRIORITY, words: 1 },
  { name: 'pkt_mark', word: PKT_MARK, words: 1 },
  { name: 'packet_type', word: PACKET_TYPE, words: 1 },
  { name: 'ct_state', word: CT_STATE, words: 1 },
  { name: 'ct_zone', word: CT_ZONE, words: 1 },
  { name: 'ct_mark', word: CT_MARK, words: 1 },
  { name: 'ct_label', word: CT_LABEL, words: 4 },
  { name: 'ct_nw_proto', word: CT_NW_PROTO, words: 1 },
  { name: 'ct_nw_src', word: CT_NW_SRC, words: 1 },
  { name: 'ct_nw_dst', word: CT_NW_DST, words: 1 },
  { name: 'ct_ipv6_src', word: CT_IPV6_SRC, words: 4 },
  { name: 'ct_ipv6_dst', word: CT_IPV6_DST, words: 4 },
  { name: 'ct_tp_src', word: CT_TP_SRC, words: 1 },
  { name: 'ct_tp_dst', word: CT_TP_DST, words: 1 },
  { name: 'tun_id', word: TUN_ID_HI, words: 2 },
  { name: 'tun_src', word: TUN_IPV4_SRC, words: 1 },
  { name: 'tun_dst', word: TUN_IPV4_DST, words: 1 },
  { name: 'tun_ipv6_src', word: TUN_IPV6_SRC, words: 4 },
  { name: 'tun_ipv6_dst', word: TUN_IPV6_DST, words: 4 },
  { name: 'tun_flags', word: TUN_FLAGS, words: 1 },
  { name: 'tun_tos', word: TUN_TOS, words: 1 },
  { name: 'tun_ttl', word: TUN_TTL, words: 1 },
  { name: 'tun_tp_src', word: TUN_TP_SRC, words: 1 },
  { name: 'tun_tp_dst', word: TUN_TP_DST, words: 1 },
  { name: 'tun_gbp_id', word: TUN_GBP_ID, words: 1 },
  { name: 'tun_gbp_flags', word: TUN_GBP_FLAGS, words: 1 },
  { name: 'tun_erspan_ver', word: TUN_ERSPAN_VER, words: 1 },
  { name: 'tun_erspan_idx', word: TUN_ERSPAN_IDX, words: 1 },
  { name: 'tun_erspan_dir', word: TUN_ERSPAN_DIR, words: 1 },
  { name: 'tun_erspan_hwid', word: TUN_ERSPAN_HWID, words: 1 },
  { name: 'tun_gtpu_flags', word: TUN_GTPU_FLAGS, words: 1 },
  { name: 'tun_gtpu_msgtype', word: TUN_GTPU_MSGTYPE, words: 1 },
  { name: 'tun_metadata_present', word: TUN_METADATA_PRESENT_HI, words: 2 },
  { name: 'dl_dst', word: DL_DST_HI, words: 2 },
  { name: 'dl_src', word: DL_SRC_HI, words: 2 },
  { name: 'dl_type', word: DL_TYPE, words: 1 },
  { name: 'vlan0', word: VLAN0, words: 1 },
  { name: 'vlan1', word: VLAN1, words: 1 },
  { name: 'mpls_lse', word: MPLS_LSE0, words: 3 },
  { name: 'nw_src', word: NW_SRC, words: 1 },
  { name: 'nw_dst', word: NW_DST, words: 1 },
  { name: 'ipv6_src', word: IPV6_SRC, words: 4 },
  { name: 'ipv6_dst', word: IPV6_DST, words: 4 },
  { name: 'ipv6_label', word: IPV6_LABEL, words: 1 },
  { name: 'nw_frag', word: NW_FRAG, words: 1 },
  { name: 'nw_tos', word: NW_TOS, words: 1 },
  { name: 'nw_ttl', word: NW_TTL, words: 1 },
  { name: 'nw_proto', word: NW_PROTO, words: 1 },
  { name: 'arp_sha', word: ARP_SHA_HI, words: 2 },
  { name: 'arp_tha', word: ARP_THA_HI, words: 2 },
  { name: 'nd_target', word: ND_TARGET, words: 4 },
  { name: 'nd_reserved', word: ND_RESERVED, words: 1 },
  { name: 'nd_options_type', word: ND_OPTIONS_TYPE, words: 1 },
  { name: 'tcp_flags', word: TCP_FLAGS, words: 1 },
  { name: 'tp_src', word: TP_SRC, words: 1 },
  { name: 'tp_dst', word: TP_DST, words: 1 },
  { name: 'igmp_group_ip4', word: IGMP_GROUP_IP4, words: 1 },
  { name: 'nsh_flags', word: NSH_FLAGS, words: 1 },
  { name: 'nsh_ttl', word: NSH_TTL, words: 1 },
  { name: 'nsh_mdtype', word: NSH_MDTYPE, words: 1 },
  { name: 'nsh_np', word: NSH_NP, words: 1 },
  { name: 'nsh_spi', word: NSH_SPI, words: 1 },
  { name: 'nsh_si', word: NSH_SI, words: 1 },
  { name: 'nsh_c', word: NSH_C, words: 4 },
  { name: 'metadata', word: METADATA_HI, words: 2 },
  { name: 'regs', word: REGS, words: REG_COUNT },
  { name: 'actset_output', word: ACTSET_OUTPUT, words: 1 },
  { name: 'conj_id', word: CONJ_ID, words: 1 },
  { name: 'tun_metadata', word: TUN_METADATA, words: TUN_METADATA_WORDS },
];
