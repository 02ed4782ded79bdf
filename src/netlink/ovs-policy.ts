// Policies of the six OVS families and the attribute length tables of flow
// keys, as the Linux datapath enforces them, plus one descriptor per family
// (name, version, multicast group, commands, which commands need admin
// rights). The datapath's genl dispatcher validates requests with these; dpif
// uses the same tables on replies. Numbers come from openvswitch.ts.

import * as O from './openvswitch.js';
import { NlType, Policy } from './policy.js';

const ETH_HLEN = 14;
/** Largest OVS_DP_ATTR_MASKS_CACHE_SIZE: a 32 KiB per-CPU area of 8-byte entries. */
export const MAX_MASKS_CACHE_SIZE = (32 * 1024) / 8;
/** Longest unique flow id userspace sends (a 128-bit UFID). */
export const MAX_UFID_LENGTH = 16;

export const DATAPATH_POLICY = new Policy('ovs_datapath', {
  [O.OVS_DP_ATTR_NAME]: { type: NlType.STRING, maxLength: O.IFNAMSIZ - 1 },
  [O.OVS_DP_ATTR_UPCALL_PID]: { type: NlType.U32 },
  [O.OVS_DP_ATTR_USER_FEATURES]: { type: NlType.U32 },
  // Entries of the per-CPU mask cache: 32 KiB of 8-byte entries at most.
  [O.OVS_DP_ATTR_MASKS_CACHE_SIZE]: { type: NlType.U32, max: MAX_MASKS_CACHE_SIZE },
  // An array of u32 socket ids, one per CPU.
  [O.OVS_DP_ATTR_PER_CPU_PIDS]: { type: NlType.BINARY, minLength: 4 },
  [O.OVS_DP_ATTR_IFINDEX]: { type: NlType.U32 },
});

export const VPORT_POLICY = new Policy('ovs_vport', {
  [O.OVS_VPORT_ATTR_NAME]: { type: NlType.STRING, maxLength: O.IFNAMSIZ - 1 },
  [O.OVS_VPORT_ATTR_STATS]: { type: NlType.BINARY, minLength: O.OVS_VPORT_STATS_SIZE, maxLength: O.OVS_VPORT_STATS_SIZE },
  [O.OVS_VPORT_ATTR_PORT_NO]: { type: NlType.U32 },
  [O.OVS_VPORT_ATTR_TYPE]: { type: NlType.U32 },
  // One u32 socket id, or several with OVS_DP_F_VPORT_PIDS.
  [O.OVS_VPORT_ATTR_UPCALL_PID]: { type: NlType.BINARY, minLength: 4 },
  [O.OVS_VPORT_ATTR_OPTIONS]: { type: NlType.NESTED },
  [O.OVS_VPORT_ATTR_IFINDEX]: { type: NlType.U32 },
  [O.OVS_VPORT_ATTR_NETNSID]: { type: NlType.U32 },
});

/** Tunnel vport options (OVS_VPORT_ATTR_OPTIONS of vxlan, geneve, gre). */
export const VPORT_TUNNEL_OPTIONS_POLICY = new Policy('ovs_tunnel_options', {
  [O.OVS_TUNNEL_ATTR_DST_PORT]: { type: NlType.U16 },
  [O.OVS_TUNNEL_ATTR_EXTENSION]: { type: NlType.NESTED },
});

export const FLOW_POLICY = new Policy('ovs_flow', {
  [O.OVS_FLOW_ATTR_KEY]: { type: NlType.NESTED },
  [O.OVS_FLOW_ATTR_MASK]: { type: NlType.NESTED },
  [O.OVS_FLOW_ATTR_ACTIONS]: { type: NlType.NESTED },
  [O.OVS_FLOW_ATTR_CLEAR]: { type: NlType.FLAG },
  [O.OVS_FLOW_ATTR_PROBE]: { type: NlType.FLAG },
  [O.OVS_FLOW_ATTR_UFID]: { type: NlType.BINARY, minLength: 1, maxLength: MAX_UFID_LENGTH },
  [O.OVS_FLOW_ATTR_UFID_FLAGS]: { type: NlType.U32 },
  // Kernel-to-user attributes, checked when dpif parses replies.
  [O.OVS_FLOW_ATTR_STATS]: { type: NlType.BINARY, minLength: O.OVS_FLOW_STATS_SIZE, maxLength: O.OVS_FLOW_STATS_SIZE },
  [O.OVS_FLOW_ATTR_TCP_FLAGS]: { type: NlType.U8 },
  [O.OVS_FLOW_ATTR_USED]: { type: NlType.U64 },
});

export const PACKET_POLICY = new Policy('ovs_packet', {
  [O.OVS_PACKET_ATTR_PACKET]: { type: NlType.BINARY, minLength: ETH_HLEN },
  [O.OVS_PACKET_ATTR_KEY]: { type: NlType.NESTED },
  [O.OVS_PACKET_ATTR_ACTIONS]: { type: NlType.NESTED },
  [O.OVS_PACKET_ATTR_USERDATA]: { type: NlType.BINARY },
  [O.OVS_PACKET_ATTR_EGRESS_TUN_KEY]: { type: NlType.NESTED },
  [O.OVS_PACKET_ATTR_PROBE]: { type: NlType.FLAG },
  [O.OVS_PACKET_ATTR_MRU]: { type: NlType.U16 },
  [O.OVS_PACKET_ATTR_LEN]: { type: NlType.U32 },
  [O.OVS_PACKET_ATTR_HASH]: { type: NlType.U64 },
});

export const BAND_POLICY = new Policy('ovs_band', {
  [O.OVS_BAND_ATTR_TYPE]: { type: NlType.U32 },
  [O.OVS_BAND_ATTR_RATE]: { type: NlType.U32 },
  [O.OVS_BAND_ATTR_BURST]: { type: NlType.U32 },
  [O.OVS_BAND_ATTR_STATS]: { type: NlType.BINARY, minLength: O.OVS_FLOW_STATS_SIZE, maxLength: O.OVS_FLOW_STATS_SIZE },
});

/** OVS_METER_ATTR_BANDS holds one nested band per attribute (type OVS_BAND_ATTR_UNSPEC). */
export const BANDS_POLICY = new Policy('ovs_meter_bands', {
  [O.OVS_BAND_ATTR_UNSPEC]: { type: NlType.NESTED, nested: BAND_POLICY },
});

export const METER_POLICY = new Policy('ovs_meter', {
  [O.OVS_METER_ATTR_ID]: { type: NlType.U32 },
  [O.OVS_METER_ATTR_KBPS]: { type: NlType.FLAG },
  [O.OVS_METER_ATTR_STATS]: { type: NlType.BINARY, minLength: O.OVS_FLOW_STATS_SIZE, maxLength: O.OVS_FLOW_STATS_SIZE },
  [O.OVS_METER_ATTR_BANDS]: { type: NlType.NESTED, nested: BANDS_POLICY },
  [O.OVS_METER_ATTR_USED]: { type: NlType.U64 },
  [O.OVS_METER_ATTR_CLEAR]: { type: NlType.FLAG },
  [O.OVS_METER_ATTR_MAX_METERS]: { type: NlType.U32 },
  [O.OVS_METER_ATTR_MAX_BANDS]: { type: NlType.U32 },
});

export const CT_LIMIT_POLICY = new Policy('ovs_ct_limit', {
  // Packed struct ovs_zone_limit records rather than attributes, despite the
  // kernel calling it a nest; the handler checks the record size.
  [O.OVS_CT_LIMIT_ATTR_ZONE_LIMIT]: { type: NlType.BINARY },
});

// --- Flow keys -------------------------------------------------------------

/** Length of a variable-size key attribute in the tables below. */
export const ATTR_LEN_VARIABLE = -1;
/** A nested key attribute. */
export const ATTR_LEN_NESTED = -2;
/** A type the Linux datapath refuses (userspace-only or kernel-internal). */
export const ATTR_LEN_INVALID = -3;

/** Payload length of each OVS_KEY_ATTR_*, as the kernel requires it. */
export const KEY_ATTR_LENGTHS: Int32Array = (() => {
  const t = new Int32Array(O.OVS_KEY_ATTR_MAX + 1).fill(ATTR_LEN_INVALID);
  t[O.OVS_KEY_ATTR_ENCAP] = ATTR_LEN_NESTED;
  t[O.OVS_KEY_ATTR_PRIORITY] = 4;
  t[O.OVS_KEY_ATTR_IN_PORT] = 4;
  t[O.OVS_KEY_ATTR_ETHERNET] = O.OVS_KEY_ETHERNET_SIZE;
  t[O.OVS_KEY_ATTR_VLAN] = 2;
  t[O.OVS_KEY_ATTR_ETHERTYPE] = 2;
  t[O.OVS_KEY_ATTR_IPV4] = O.OVS_KEY_IPV4_SIZE;
  t[O.OVS_KEY_ATTR_IPV6] = O.OVS_KEY_IPV6_SIZE;
  t[O.OVS_KEY_ATTR_TCP] = O.OVS_KEY_TCP_SIZE;
  t[O.OVS_KEY_ATTR_UDP] = O.OVS_KEY_UDP_SIZE;
  t[O.OVS_KEY_ATTR_ICMP] = O.OVS_KEY_ICMP_SIZE;
  t[O.OVS_KEY_ATTR_ICMPV6] = O.OVS_KEY_ICMPV6_SIZE;
  t[O.OVS_KEY_ATTR_ARP] = O.OVS_KEY_ARP_SIZE;
  t[O.OVS_KEY_ATTR_ND] = O.OVS_KEY_ND_SIZE;
  t[O.OVS_KEY_ATTR_SKB_MARK] = 4;
  t[O.OVS_KEY_ATTR_TUNNEL] = ATTR_LEN_NESTED;
  t[O.OVS_KEY_ATTR_SCTP] = O.OVS_KEY_SCTP_SIZE;
  t[O.OVS_KEY_ATTR_TCP_FLAGS] = 2;
  t[O.OVS_KEY_ATTR_DP_HASH] = 4;
  t[O.OVS_KEY_ATTR_RECIRC_ID] = 4;
  // A whole number of 4-byte label stack entries.
  t[O.OVS_KEY_ATTR_MPLS] = ATTR_LEN_VARIABLE;
  t[O.OVS_KEY_ATTR_CT_STATE] = 4;
  t[O.OVS_KEY_ATTR_CT_ZONE] = 2;
  t[O.OVS_KEY_ATTR_CT_MARK] = 4;
  t[O.OVS_KEY_ATTR_CT_LABELS] = O.OVS_KEY_CT_LABELS_SIZE;
  t[O.OVS_KEY_ATTR_CT_ORIG_TUPLE_IPV4] = O.OVS_KEY_CT_TUPLE_IPV4_SIZE;
  t[O.OVS_KEY_ATTR_CT_ORIG_TUPLE_IPV6] = O.OVS_KEY_CT_TUPLE_IPV6_SIZE;
  t[O.OVS_KEY_ATTR_NSH] = ATTR_LEN_NESTED;
  t[O.OVS_KEY_ATTR_IPV6_EXTHDRS] = O.OVS_KEY_IPV6_EXTHDRS_SIZE;
  // PACKET_TYPE (29), ND_EXTENSIONS (30) and TUNNEL_INFO (31) stay invalid:
  // the header reserves the first two for userspace and the third for the kernel.
  return t;
})();

/** The userspace-only key types, for decoders that accept userspace's extended keys. */
export const KEY_ATTR_LENGTHS_USERSPACE: Int32Array = (() => {
  const t = Int32Array.from(KEY_ATTR_LENGTHS);
  t[O.OVS_KEY_ATTR_PACKET_TYPE] = 4;
  t[O.OVS_KEY_ATTR_ND_EXTENSIONS] = O.OVS_KEY_ND_EXTENSIONS_SIZE;
  return t;
})();

/** Payload length of each OVS_TUNNEL_KEY_ATTR_*. */
export const TUNNEL_KEY_ATTR_LENGTHS: Int32Array = (() => {
  const t = new Int32Array(O.OVS_TUNNEL_KEY_ATTR_MAX + 1).fill(ATTR_LEN_INVALID);
  t[O.OVS_TUNNEL_KEY_ATTR_ID] = 8;
  t[O.OVS_TUNNEL_KEY_ATTR_IPV4_SRC] = 4;
  t[O.OVS_TUNNEL_KEY_ATTR_IPV4_DST] = 4;
  t[O.OVS_TUNNEL_KEY_ATTR_TOS] = 1;
  t[O.OVS_TUNNEL_KEY_ATTR_TTL] = 1;
  t[O.OVS_TUNNEL_KEY_ATTR_DONT_FRAGMENT] = 0;
  t[O.OVS_TUNNEL_KEY_ATTR_CSUM] = 0;
  t[O.OVS_TUNNEL_KEY_ATTR_OAM] = 0;
  // Geneve TLVs, a multiple of 4 bytes.
  t[O.OVS_TUNNEL_KEY_ATTR_GENEVE_OPTS] = ATTR_LEN_VARIABLE;
  t[O.OVS_TUNNEL_KEY_ATTR_TP_SRC] = 2;
  t[O.OVS_TUNNEL_KEY_ATTR_TP_DST] = 2;
  t[O.OVS_TUNNEL_KEY_ATTR_VXLAN_OPTS] = ATTR_LEN_NESTED;
  t[O.OVS_TUNNEL_KEY_ATTR_IPV6_SRC] = 16;
  t[O.OVS_TUNNEL_KEY_ATTR_IPV6_DST] = 16;
  t[O.OVS_TUNNEL_KEY_ATTR_ERSPAN_OPTS] = O.ERSPAN_METADATA_SIZE;
  t[O.OVS_TUNNEL_KEY_ATTR_IPV4_INFO_BRIDGE] = 0;
  return t;
})();

// --- Actions -------------------------------------------------------------------

/** Payload length of each OVS_ACTION_ATTR_* (up to DROP), as the kernel requires it. */
export const ACTION_ATTR_LENGTHS: Int32Array = (() => {
  // Those not listed below are nests: userspace, set, sample, set_masked, ct,
  // push_nsh, clone, check_pkt_len and dec_ttl.
  const t = new Int32Array(O.OVS_ACTION_ATTR_DROP + 1).fill(ATTR_LEN_NESTED);
  t[O.OVS_ACTION_ATTR_UNSPEC] = ATTR_LEN_INVALID;
  t[O.OVS_ACTION_ATTR_OUTPUT] = 4;
  t[O.OVS_ACTION_ATTR_PUSH_VLAN] = O.OVS_ACTION_PUSH_VLAN_SIZE;
  t[O.OVS_ACTION_ATTR_POP_VLAN] = 0;
  t[O.OVS_ACTION_ATTR_RECIRC] = 4;
  t[O.OVS_ACTION_ATTR_HASH] = O.OVS_ACTION_HASH_SIZE;
  t[O.OVS_ACTION_ATTR_PUSH_MPLS] = O.OVS_ACTION_PUSH_MPLS_SIZE;
  t[O.OVS_ACTION_ATTR_POP_MPLS] = 2;
  t[O.OVS_ACTION_ATTR_TRUNC] = O.OVS_ACTION_TRUNC_SIZE;
  t[O.OVS_ACTION_ATTR_PUSH_ETH] = O.OVS_ACTION_PUSH_ETH_SIZE;
  t[O.OVS_ACTION_ATTR_POP_ETH] = 0;
  t[O.OVS_ACTION_ATTR_CT_CLEAR] = 0;
  t[O.OVS_ACTION_ATTR_POP_NSH] = 0;
  t[O.OVS_ACTION_ATTR_METER] = 4;
  t[O.OVS_ACTION_ATTR_ADD_MPLS] = O.OVS_ACTION_ADD_MPLS_SIZE;
  t[O.OVS_ACTION_ATTR_DROP] = 4;
  return t;
})();

// --- Family descriptors -----------------------------------------------------

export interface OvsFamily {
  readonly name: string;
  readonly version: number;
  /** Multicast group for notifications; the packet family has none. */
  readonly mcgroup: string | undefined;
  /** Highest attribute type (CTRL_ATTR_MAXATTR). */
  readonly maxAttr: number;
  /** Commands by their header name without the family prefix ("NEW", "GET"). */
  readonly commands: Readonly<Record<string, number>>;
  /** Commands that need CAP_NET_ADMIN (GENL_UNS_ADMIN_PERM); reads do not. */
  readonly adminCommands: readonly number[];
  /** Commands that also answer dumps (NLM_F_DUMP). */
  readonly dumpCommands: readonly number[];
  readonly policy: Policy;
}

export const OVS_FAMILIES: readonly OvsFamily[] = [
  {
    name: O.OVS_DATAPATH_FAMILY, version: O.OVS_DATAPATH_VERSION, mcgroup: O.OVS_DATAPATH_MCGROUP,
    maxAttr: O.OVS_DP_ATTR_MAX,
    commands: { NEW: O.OVS_DP_CMD_NEW, DEL: O.OVS_DP_CMD_DEL, GET: O.OVS_DP_CMD_GET, SET: O.OVS_DP_CMD_SET },
    adminCommands: [O.OVS_DP_CMD_NEW, O.OVS_DP_CMD_DEL, O.OVS_DP_CMD_SET],
    dumpCommands: [O.OVS_DP_CMD_GET],
    policy: DATAPATH_POLICY,
  },
  {
    name: O.OVS_VPORT_FAMILY, version: O.OVS_VPORT_VERSION, mcgroup: O.OVS_VPORT_MCGROUP,
    maxAttr: O.OVS_VPORT_ATTR_MAX,
    commands: { NEW: O.OVS_VPORT_CMD_NEW, DEL: O.OVS_VPORT_CMD_DEL, GET: O.OVS_VPORT_CMD_GET, SET: O.OVS_VPORT_CMD_SET },
    adminCommands: [O.OVS_VPORT_CMD_NEW, O.OVS_VPORT_CMD_DEL, O.OVS_VPORT_CMD_SET],
    dumpCommands: [O.OVS_VPORT_CMD_GET],
    policy: VPORT_POLICY,
  },
  {
    name: O.OVS_FLOW_FAMILY, version: O.OVS_FLOW_VERSION, mcgroup: O.OVS_FLOW_MCGROUP,
    maxAttr: O.OVS_FLOW_ATTR_MAX,
    commands: { NEW: O.OVS_FLOW_CMD_NEW, DEL: O.OVS_FLOW_CMD_DEL, GET: O.OVS_FLOW_CMD_GET, SET: O.OVS_FLOW_CMD_SET },
    adminCommands: [O.OVS_FLOW_CMD_NEW, O.OVS_FLOW_CMD_DEL, O.OVS_FLOW_CMD_SET],
    dumpCommands: [O.OVS_FLOW_CMD_GET],
    policy: FLOW_POLICY,
  },
  {
    name: O.OVS_PACKET_FAMILY, version: O.OVS_PACKET_VERSION, mcgroup: undefined,
    maxAttr: O.OVS_PACKET_ATTR_MAX,
    commands: { MISS: O.OVS_PACKET_CMD_MISS, ACTION: O.OVS_PACKET_CMD_ACTION, EXECUTE: O.OVS_PACKET_CMD_EXECUTE },
    adminCommands: [O.OVS_PACKET_CMD_EXECUTE],
    dumpCommands: [],
    policy: PACKET_POLICY,
  },
  {
    name: O.OVS_METER_FAMILY, version: O.OVS_METER_VERSION, mcgroup: O.OVS_METER_MCGROUP,
    maxAttr: O.OVS_METER_ATTR_MAX,
    commands: { FEATURES: O.OVS_METER_CMD_FEATURES, SET: O.OVS_METER_CMD_SET, DEL: O.OVS_METER_CMD_DEL, GET: O.OVS_METER_CMD_GET },
    adminCommands: [O.OVS_METER_CMD_SET, O.OVS_METER_CMD_DEL],
    dumpCommands: [O.OVS_METER_CMD_GET],
    policy: METER_POLICY,
  },
  {
    name: O.OVS_CT_LIMIT_FAMILY, version: O.OVS_CT_LIMIT_VERSION, mcgroup: O.OVS_CT_LIMIT_MCGROUP,
    maxAttr: O.OVS_CT_LIMIT_ATTR_MAX,
    commands: { SET: O.OVS_CT_LIMIT_CMD_SET, DEL: O.OVS_CT_LIMIT_CMD_DEL, GET: O.OVS_CT_LIMIT_CMD_GET },
    adminCommands: [O.OVS_CT_LIMIT_CMD_SET, O.OVS_CT_LIMIT_CMD_DEL],
    dumpCommands: [],
    policy: CT_LIMIT_POLICY,
  },
];

/** The descriptor of a family by name, or undefined. */
export function ovsFamily(name: string): OvsFamily | undefined {
  return OVS_FAMILIES.find((family) => family.name === name);
}
