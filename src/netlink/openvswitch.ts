// The numbers of Linux's include/uapi/linux/openvswitch.h: the six OVS generic
// netlink families, their commands and every attribute enum, struct sizes and
// flag bits. The datapath, dpif and the ODP codecs all take their numbers from
// here, so the bytes we exchange are the bytes the Linux datapath exchanges.
// The enum blocks at the end are generated from the installed header (one
// constant per enumerator, `X_MAX` for each `__X_MAX - 1`); do not renumber.

// --- Families ----------------------------------------------------------------

export const OVS_DATAPATH_FAMILY = 'ovs_datapath';
export const OVS_DATAPATH_MCGROUP = 'ovs_datapath';
export const OVS_DATAPATH_VERSION = 2;
/** Requests with a genl version below this lose their user features on an EEXIST. */
export const OVS_DP_VER_FEATURES = 2;

export const OVS_VPORT_FAMILY = 'ovs_vport';
export const OVS_VPORT_MCGROUP = 'ovs_vport';
export const OVS_VPORT_VERSION = 1;

export const OVS_FLOW_FAMILY = 'ovs_flow';
export const OVS_FLOW_MCGROUP = 'ovs_flow';
export const OVS_FLOW_VERSION = 1;

/** The packet family has no multicast group: upcalls go to one socket id each. */
export const OVS_PACKET_FAMILY = 'ovs_packet';
export const OVS_PACKET_VERSION = 1;

export const OVS_METER_FAMILY = 'ovs_meter';
export const OVS_METER_MCGROUP = 'ovs_meter';
export const OVS_METER_VERSION = 1;

export const OVS_CT_LIMIT_FAMILY = 'ovs_ct_limit';
export const OVS_CT_LIMIT_MCGROUP = 'ovs_ct_limit';
export const OVS_CT_LIMIT_VERSION = 1;

// --- Datapath features and constants ---------------------------------------

/** Userspace accepts unaligned netlink attributes in upcalls. */
export const OVS_DP_F_UNALIGNED = 1 << 0;
/** OVS_VPORT_ATTR_UPCALL_PID may hold several socket ids. */
export const OVS_DP_F_VPORT_PIDS = 1 << 1;
export const OVS_DP_F_TC_RECIRC_SHARING = 1 << 2;
export const OVS_DP_F_DISPATCH_UPCALL_PER_CPU = 1 << 3;

/** The datapath's own internal port, created with it. */
export const OVSP_LOCAL = 0;

export const OVS_UFID_F_OMIT_KEY = 1 << 0;
export const OVS_UFID_F_OMIT_MASK = 1 << 1;
export const OVS_UFID_F_OMIT_ACTIONS = 1 << 2;

// Conntrack state bits (OVS_KEY_ATTR_CT_STATE); the same values as ct_state's CS_* bits.
export const OVS_CS_F_NEW = 0x01;
export const OVS_CS_F_ESTABLISHED = 0x02;
export const OVS_CS_F_RELATED = 0x04;
export const OVS_CS_F_REPLY_DIR = 0x08;
export const OVS_CS_F_INVALID = 0x10;
export const OVS_CS_F_TRACKED = 0x20;
export const OVS_CS_F_SRC_NAT = 0x40;
export const OVS_CS_F_DST_NAT = 0x80;
export const OVS_CS_F_NAT_MASK = OVS_CS_F_SRC_NAT | OVS_CS_F_DST_NAT;

export const OVS_CT_LABELS_LEN = 16;
export const OVS_MPLS_L3_TUNNEL_FLAG_MASK = 1 << 0;
/** ovs_zone_limit.zone_id meaning "every zone without its own limit". */
export const OVS_ZONE_LIMIT_DEFAULT_ZONE = -1;
export const NSH_MD1_CONTEXT_SIZE = 4;

/**
 * OVS_ACTION_ATTR_DROP (u32 drop reason) came with Linux 6.4, after the
 * installed header; its number follows OVS_ACTION_ATTR_DEC_TTL.
 */
export const OVS_ACTION_ATTR_DROP = 24;

// --- Struct sizes (sizeof, with the padding the C ABI adds) ------------------

/** 4 x u64: n_hit, n_missed, n_lost, n_flows. */
export const OVS_DP_STATS_SIZE = 32;
/** u64 n_mask_hit, u32 n_masks, u32 pad0, u64 n_cache_hit, u64 pad1. */
export const OVS_DP_MEGAFLOW_STATS_SIZE = 32;
/** 8 x u64: rx/tx packets, bytes, errors, dropped. */
export const OVS_VPORT_STATS_SIZE = 64;
/** u64 n_packets, u64 n_bytes. */
export const OVS_FLOW_STATS_SIZE = 16;
/** eth_src[6], eth_dst[6]: source first. */
export const OVS_KEY_ETHERNET_SIZE = 12;
export const OVS_KEY_MPLS_SIZE = 4;
/** be32 src, be32 dst, u8 proto, tos, ttl, frag. */
export const OVS_KEY_IPV4_SIZE = 12;
/** be32 src[4], be32 dst[4], be32 label, u8 proto, tclass, hlimit, frag. */
export const OVS_KEY_IPV6_SIZE = 40;
export const OVS_KEY_IPV6_EXTHDRS_SIZE = 2;
export const OVS_KEY_TCP_SIZE = 4;
export const OVS_KEY_UDP_SIZE = 4;
export const OVS_KEY_SCTP_SIZE = 4;
export const OVS_KEY_ICMP_SIZE = 2;
export const OVS_KEY_ICMPV6_SIZE = 2;
/** be32 sip, be32 tip, be16 op, sha[6], tha[6], 2 bytes of tail padding. */
export const OVS_KEY_ARP_SIZE = 24;
/** be32 target[4], sll[6], tll[6]. */
export const OVS_KEY_ND_SIZE = 28;
/** be32 nd_reserved, u8 nd_options_type, 3 bytes padding (userspace's type 30). */
export const OVS_KEY_ND_EXTENSIONS_SIZE = 8;
export const OVS_KEY_CT_LABELS_SIZE = 16;
/** be32 src, be32 dst, be16 src_port, be16 dst_port, u8 proto, 3 bytes padding. */
export const OVS_KEY_CT_TUPLE_IPV4_SIZE = 16;
/** be32 src[4], be32 dst[4], be16 src_port, be16 dst_port, u8 proto, 3 bytes padding. */
export const OVS_KEY_CT_TUPLE_IPV6_SIZE = 40;
/** u8 flags, ttl, mdtype, np, be32 path_hdr. */
export const OVS_NSH_KEY_BASE_SIZE = 8;
export const OVS_NSH_KEY_MD1_SIZE = 16;
export const OVS_ACTION_TRUNC_SIZE = 4;
/** be32 lse, be16 ethertype, 2 bytes padding. */
export const OVS_ACTION_PUSH_MPLS_SIZE = 8;
/** be32 lse, be16 ethertype, u16 tun_flags. */
export const OVS_ACTION_ADD_MPLS_SIZE = 8;
/** be16 tpid, be16 tci. */
export const OVS_ACTION_PUSH_VLAN_SIZE = 4;
/** u32 hash_alg, u32 hash_basis. */
export const OVS_ACTION_HASH_SIZE = 8;
export const OVS_ACTION_PUSH_ETH_SIZE = 12;
/** int zone_id, u32 limit, u32 count. */
export const OVS_ZONE_LIMIT_SIZE = 12;
/**
 * struct erspan_metadata: int version (host order), then an 8-byte union of
 * the v1 be32 index and the v2 struct erspan_md2 (be32 timestamp, be16 sgt,
 * two bytes of bit fields).
 */
export const ERSPAN_METADATA_SIZE = 12;
/** Names of vports and datapaths are at most IFNAMSIZ - 1 bytes. */
export const IFNAMSIZ = 16;

// enum ovs_datapath_cmd
export const OVS_DP_CMD_UNSPEC = 0;
export const OVS_DP_CMD_NEW = 1;
export const OVS_DP_CMD_DEL = 2;
export const OVS_DP_CMD_GET = 3;
export const OVS_DP_CMD_SET = 4;

// enum ovs_datapath_attr
export const OVS_DP_ATTR_UNSPEC = 0;
export const OVS_DP_ATTR_NAME = 1;
export const OVS_DP_ATTR_UPCALL_PID = 2;
export const OVS_DP_ATTR_STATS = 3;
export const OVS_DP_ATTR_MEGAFLOW_STATS = 4;
export const OVS_DP_ATTR_USER_FEATURES = 5;
export const OVS_DP_ATTR_PAD = 6;
export const OVS_DP_ATTR_MASKS_CACHE_SIZE = 7;
export const OVS_DP_ATTR_PER_CPU_PIDS = 8;
export const OVS_DP_ATTR_IFINDEX = 9;
export const OVS_DP_ATTR_MAX = 9;

// enum ovs_packet_cmd
export const OVS_PACKET_CMD_UNSPEC = 0;
export const OVS_PACKET_CMD_MISS = 1;
export const OVS_PACKET_CMD_ACTION = 2;
export const OVS_PACKET_CMD_EXECUTE = 3;

// enum ovs_packet_attr
export const OVS_PACKET_ATTR_UNSPEC = 0;
export const OVS_PACKET_ATTR_PACKET = 1;
export const OVS_PACKET_ATTR_KEY = 2;
export const OVS_PACKET_ATTR_ACTIONS = 3;
export const OVS_PACKET_ATTR_USERDATA = 4;
export const OVS_PACKET_ATTR_EGRESS_TUN_KEY = 5;
export const OVS_PACKET_ATTR_UNUSED1 = 6;
export const OVS_PACKET_ATTR_UNUSED2 = 7;
export const OVS_PACKET_ATTR_PROBE = 8;
export const OVS_PACKET_ATTR_MRU = 9;
export const OVS_PACKET_ATTR_LEN = 10;
export const OVS_PACKET_ATTR_HASH = 11;
export const OVS_PACKET_ATTR_MAX = 11;

// enum ovs_vport_cmd
export const OVS_VPORT_CMD_UNSPEC = 0;
export const OVS_VPORT_CMD_NEW = 1;
export const OVS_VPORT_CMD_DEL = 2;
export const OVS_VPORT_CMD_GET = 3;
export const OVS_VPORT_CMD_SET = 4;

// enum ovs_vport_type
export const OVS_VPORT_TYPE_UNSPEC = 0;
export const OVS_VPORT_TYPE_NETDEV = 1;
export const OVS_VPORT_TYPE_INTERNAL = 2;
export const OVS_VPORT_TYPE_GRE = 3;
export const OVS_VPORT_TYPE_VXLAN = 4;
export const OVS_VPORT_TYPE_GENEVE = 5;
export const OVS_VPORT_TYPE_MAX = 5;

// enum ovs_vport_attr
export const OVS_VPORT_ATTR_UNSPEC = 0;
export const OVS_VPORT_ATTR_PORT_NO = 1;
export const OVS_VPORT_ATTR_TYPE = 2;
export const OVS_VPORT_ATTR_NAME = 3;
export const OVS_VPORT_ATTR_OPTIONS = 4;
export const OVS_VPORT_ATTR_UPCALL_PID = 5;
export const OVS_VPORT_ATTR_STATS = 6;
export const OVS_VPORT_ATTR_PAD = 7;
export const OVS_VPORT_ATTR_IFINDEX = 8;
export const OVS_VPORT_ATTR_NETNSID = 9;
export const OVS_VPORT_ATTR_MAX = 9;

// enum (anonymous)
export const OVS_VXLAN_EXT_UNSPEC = 0;
export const OVS_VXLAN_EXT_GBP = 1;
export const OVS_VXLAN_EXT_MAX = 1;

// enum (anonymous)
export const OVS_TUNNEL_ATTR_UNSPEC = 0;
export const OVS_TUNNEL_ATTR_DST_PORT = 1;
export const OVS_TUNNEL_ATTR_EXTENSION = 2;
export const OVS_TUNNEL_ATTR_MAX = 2;

// enum ovs_flow_cmd
export const OVS_FLOW_CMD_UNSPEC = 0;
export const OVS_FLOW_CMD_NEW = 1;
export const OVS_FLOW_CMD_DEL = 2;
export const OVS_FLOW_CMD_GET = 3;
export const OVS_FLOW_CMD_SET = 4;

// enum ovs_key_attr
export const OVS_KEY_ATTR_UNSPEC = 0;
export const OVS_KEY_ATTR_ENCAP = 1;
export const OVS_KEY_ATTR_PRIORITY = 2;
export const OVS_KEY_ATTR_IN_PORT = 3;
export const OVS_KEY_ATTR_ETHERNET = 4;
export const OVS_KEY_ATTR_VLAN = 5;
export const OVS_KEY_ATTR_ETHERTYPE = 6;
export const OVS_KEY_ATTR_IPV4 = 7;
export const OVS_KEY_ATTR_IPV6 = 8;
export const OVS_KEY_ATTR_TCP = 9;
export const OVS_KEY_ATTR_UDP = 10;
export const OVS_KEY_ATTR_ICMP = 11;
export const OVS_KEY_ATTR_ICMPV6 = 12;
export const OVS_KEY_ATTR_ARP = 13;
export const OVS_KEY_ATTR_ND = 14;
export const OVS_KEY_ATTR_SKB_MARK = 15;
export const OVS_KEY_ATTR_TUNNEL = 16;
export const OVS_KEY_ATTR_SCTP = 17;
export const OVS_KEY_ATTR_TCP_FLAGS = 18;
export const OVS_KEY_ATTR_DP_HASH = 19;
export const OVS_KEY_ATTR_RECIRC_ID = 20;
export const OVS_KEY_ATTR_MPLS = 21;
export const OVS_KEY_ATTR_CT_STATE = 22;
export const OVS_KEY_ATTR_CT_ZONE = 23;
export const OVS_KEY_ATTR_CT_MARK = 24;
export const OVS_KEY_ATTR_CT_LABELS = 25;
export const OVS_KEY_ATTR_CT_ORIG_TUPLE_IPV4 = 26;
export const OVS_KEY_ATTR_CT_ORIG_TUPLE_IPV6 = 27;
export const OVS_KEY_ATTR_NSH = 28;
export const OVS_KEY_ATTR_PACKET_TYPE = 29;
export const OVS_KEY_ATTR_ND_EXTENSIONS = 30;
export const OVS_KEY_ATTR_TUNNEL_INFO = 31;
export const OVS_KEY_ATTR_IPV6_EXTHDRS = 32;
export const OVS_KEY_ATTR_MAX = 32;

// enum ovs_tunnel_key_attr
export const OVS_TUNNEL_KEY_ATTR_ID = 0;
export const OVS_TUNNEL_KEY_ATTR_IPV4_SRC = 1;
export const OVS_TUNNEL_KEY_ATTR_IPV4_DST = 2;
export const OVS_TUNNEL_KEY_ATTR_TOS = 3;
export const OVS_TUNNEL_KEY_ATTR_TTL = 4;
export const OVS_TUNNEL_KEY_ATTR_DONT_FRAGMENT = 5;
export const OVS_TUNNEL_KEY_ATTR_CSUM = 6;
export const OVS_TUNNEL_KEY_ATTR_OAM = 7;
export const OVS_TUNNEL_KEY_ATTR_GENEVE_OPTS = 8;
export const OVS_TUNNEL_KEY_ATTR_TP_SRC = 9;
export const OVS_TUNNEL_KEY_ATTR_TP_DST = 10;
export const OVS_TUNNEL_KEY_ATTR_VXLAN_OPTS = 11;
export const OVS_TUNNEL_KEY_ATTR_IPV6_SRC = 12;
export const OVS_TUNNEL_KEY_ATTR_IPV6_DST = 13;
export const OVS_TUNNEL_KEY_ATTR_PAD = 14;
export const OVS_TUNNEL_KEY_ATTR_ERSPAN_OPTS = 15;
export const OVS_TUNNEL_KEY_ATTR_IPV4_INFO_BRIDGE = 16;
export const OVS_TUNNEL_KEY_ATTR_MAX = 16;

// enum ovs_frag_type
export const OVS_FRAG_TYPE_NONE = 0;
export const OVS_FRAG_TYPE_FIRST = 1;
export const OVS_FRAG_TYPE_LATER = 2;
export const OVS_FRAG_TYPE_MAX = 2;

// enum ovs_nsh_key_attr
export const OVS_NSH_KEY_ATTR_UNSPEC = 0;
export const OVS_NSH_KEY_ATTR_BASE = 1;
export const OVS_NSH_KEY_ATTR_MD1 = 2;
export const OVS_NSH_KEY_ATTR_MD2 = 3;
export const OVS_NSH_KEY_ATTR_MAX = 3;

// enum ovs_flow_attr
export const OVS_FLOW_ATTR_UNSPEC = 0;
export const OVS_FLOW_ATTR_KEY = 1;
export const OVS_FLOW_ATTR_ACTIONS = 2;
export const OVS_FLOW_ATTR_STATS = 3;
export const OVS_FLOW_ATTR_TCP_FLAGS = 4;
export const OVS_FLOW_ATTR_USED = 5;
export const OVS_FLOW_ATTR_CLEAR = 6;
export const OVS_FLOW_ATTR_MASK = 7;
export const OVS_FLOW_ATTR_PROBE = 8;
export const OVS_FLOW_ATTR_UFID = 9;
export const OVS_FLOW_ATTR_UFID_FLAGS = 10;
export const OVS_FLOW_ATTR_PAD = 11;
export const OVS_FLOW_ATTR_MAX = 11;

// enum ovs_sample_attr
export const OVS_SAMPLE_ATTR_UNSPEC = 0;
export const OVS_SAMPLE_ATTR_PROBABILITY = 1;
export const OVS_SAMPLE_ATTR_ACTIONS = 2;
export const OVS_SAMPLE_ATTR_MAX = 2;

// enum ovs_userspace_attr
export const OVS_USERSPACE_ATTR_UNSPEC = 0;
export const OVS_USERSPACE_ATTR_PID = 1;
export const OVS_USERSPACE_ATTR_USERDATA = 2;
export const OVS_USERSPACE_ATTR_EGRESS_TUN_PORT = 3;
export const OVS_USERSPACE_ATTR_ACTIONS = 4;
export const OVS_USERSPACE_ATTR_MAX = 4;

// enum ovs_hash_alg
export const OVS_HASH_ALG_L4 = 0;

// enum ovs_ct_attr
export const OVS_CT_ATTR_UNSPEC = 0;
export const OVS_CT_ATTR_COMMIT = 1;
export const OVS_CT_ATTR_ZONE = 2;
export const OVS_CT_ATTR_MARK = 3;
export const OVS_CT_ATTR_LABELS = 4;
export const OVS_CT_ATTR_HELPER = 5;
export const OVS_CT_ATTR_NAT = 6;
export const OVS_CT_ATTR_FORCE_COMMIT = 7;
export const OVS_CT_ATTR_EVENTMASK = 8;
export const OVS_CT_ATTR_TIMEOUT = 9;
export const OVS_CT_ATTR_MAX = 9;

// enum ovs_nat_attr
export const OVS_NAT_ATTR_UNSPEC = 0;
export const OVS_NAT_ATTR_SRC = 1;
export const OVS_NAT_ATTR_DST = 2;
export const OVS_NAT_ATTR_IP_MIN = 3;
export const OVS_NAT_ATTR_IP_MAX = 4;
export const OVS_NAT_ATTR_PROTO_MIN = 5;
export const OVS_NAT_ATTR_PROTO_MAX = 6;
export const OVS_NAT_ATTR_PERSISTENT = 7;
export const OVS_NAT_ATTR_PROTO_HASH = 8;
export const OVS_NAT_ATTR_PROTO_RANDOM = 9;
export const OVS_NAT_ATTR_MAX = 9;

// enum ovs_check_pkt_len_attr
export const OVS_CHECK_PKT_LEN_ATTR_UNSPEC = 0;
export const OVS_CHECK_PKT_LEN_ATTR_PKT_LEN = 1;
export const OVS_CHECK_PKT_LEN_ATTR_ACTIONS_IF_GREATER = 2;
export const OVS_CHECK_PKT_LEN_ATTR_ACTIONS_IF_LESS_EQUAL = 3;
export const OVS_CHECK_PKT_LEN_ATTR_MAX = 3;

// enum ovs_action_attr
export const OVS_ACTION_ATTR_UNSPEC = 0;
export const OVS_ACTION_ATTR_OUTPUT = 1;
export const OVS_ACTION_ATTR_USERSPACE = 2;
export const OVS_ACTION_ATTR_SET = 3;
export const OVS_ACTION_ATTR_PUSH_VLAN = 4;
export const OVS_ACTION_ATTR_POP_VLAN = 5;
export const OVS_ACTION_ATTR_SAMPLE = 6;
export const OVS_ACTION_ATTR_RECIRC = 7;
export const OVS_ACTION_ATTR_HASH = 8;
export const OVS_ACTION_ATTR_PUSH_MPLS = 9;
export const OVS_ACTION_ATTR_POP_MPLS = 10;
export const OVS_ACTION_ATTR_SET_MASKED = 11;
export const OVS_ACTION_ATTR_CT = 12;
export const OVS_ACTION_ATTR_TRUNC = 13;
export const OVS_ACTION_ATTR_PUSH_ETH = 14;
export const OVS_ACTION_ATTR_POP_ETH = 15;
export const OVS_ACTION_ATTR_CT_CLEAR = 16;
export const OVS_ACTION_ATTR_PUSH_NSH = 17;
export const OVS_ACTION_ATTR_POP_NSH = 18;
export const OVS_ACTION_ATTR_METER = 19;
export const OVS_ACTION_ATTR_CLONE = 20;
export const OVS_ACTION_ATTR_CHECK_PKT_LEN = 21;
export const OVS_ACTION_ATTR_ADD_MPLS = 22;
export const OVS_ACTION_ATTR_DEC_TTL = 23;
export const OVS_ACTION_ATTR_MAX = 23;

// enum ovs_meter_cmd
export const OVS_METER_CMD_UNSPEC = 0;
export const OVS_METER_CMD_FEATURES = 1;
export const OVS_METER_CMD_SET = 2;
export const OVS_METER_CMD_DEL = 3;
export const OVS_METER_CMD_GET = 4;

// enum ovs_meter_attr
export const OVS_METER_ATTR_UNSPEC = 0;
export const OVS_METER_ATTR_ID = 1;
export const OVS_METER_ATTR_KBPS = 2;
export const OVS_METER_ATTR_STATS = 3;
export const OVS_METER_ATTR_BANDS = 4;
export const OVS_METER_ATTR_USED = 5;
export const OVS_METER_ATTR_CLEAR = 6;
export const OVS_METER_ATTR_MAX_METERS = 7;
export const OVS_METER_ATTR_MAX_BANDS = 8;
export const OVS_METER_ATTR_PAD = 9;
export const OVS_METER_ATTR_MAX = 9;

// enum ovs_band_attr
export const OVS_BAND_ATTR_UNSPEC = 0;
export const OVS_BAND_ATTR_TYPE = 1;
export const OVS_BAND_ATTR_RATE = 2;
export const OVS_BAND_ATTR_BURST = 3;
export const OVS_BAND_ATTR_STATS = 4;
export const OVS_BAND_ATTR_MAX = 4;

// enum ovs_meter_band_type
export const OVS_METER_BAND_TYPE_UNSPEC = 0;
export const OVS_METER_BAND_TYPE_DROP = 1;
export const OVS_METER_BAND_TYPE_MAX = 1;

// enum ovs_ct_limit_cmd
export const OVS_CT_LIMIT_CMD_UNSPEC = 0;
export const OVS_CT_LIMIT_CMD_SET = 1;
export const OVS_CT_LIMIT_CMD_DEL = 2;
export const OVS_CT_LIMIT_CMD_GET = 3;

// enum ovs_ct_limit_attr
export const OVS_CT_LIMIT_ATTR_UNSPEC = 0;
export const OVS_CT_LIMIT_ATTR_ZONE_LIMIT = 1;
export const OVS_CT_LIMIT_ATTR_MAX = 1;

// enum ovs_dec_ttl_attr
export const OVS_DEC_TTL_ATTR_UNSPEC = 0;
export const OVS_DEC_TTL_ATTR_ACTION = 1;
export const OVS_DEC_TTL_ATTR_MAX = 1;
