// Link-layer constants: Ethernet II and 802.3 framing, LLC/SNAP, 802.1Q/802.1ad
// VLAN tags, MPLS label stack entries and ARP/RARP. Used by flow extraction,
// datapath push/pop actions, the packet builder and decoder. Values are wire facts.

export const ETH_ADDR_SIZE = 6;
/** Destination, source and type (or 802.3 length). */
export const ETH_HEADER_SIZE = 14;
export const ETH_DST_OFFSET = 0;
export const ETH_SRC_OFFSET = 6;
export const ETH_TYPE_OFFSET = 12;
/** Smallest frame without FCS that a NIC puts on the wire (padding fills up to it). */
export const ETH_MIN_FRAME_SIZE = 60;

/** A type field below this is an 802.3 length, not an Ethernet type. */
export const ETH_TYPE_MIN = 0x0600;
/** dl_type OVS reports for an 802.3 frame without SNAP. */
export const FLOW_DL_TYPE_NONE = 0x05ff;

export const ETH_TYPE_IP = 0x0800;
export const ETH_TYPE_ARP = 0x0806;
export const ETH_TYPE_TEB = 0x6558;
export const ETH_TYPE_RARP = 0x8035;
export const ETH_TYPE_VLAN_8021Q = 0x8100;
export const ETH_TYPE_IPV6 = 0x86dd;
export const ETH_TYPE_LACP = 0x8809;
export const ETH_TYPE_MPLS = 0x8847;
export const ETH_TYPE_MPLS_MCAST = 0x8848;
export const ETH_TYPE_VLAN_8021AD = 0x88a8;
export const ETH_TYPE_LLDP = 0x88cc;
export const ETH_TYPE_NSH = 0x894f;
export const ETH_TYPE_ERSPAN1 = 0x88be;
export const ETH_TYPE_ERSPAN2 = 0x22eb;
/** The 802.1Q-in-Q TPID some older switches use for the outer tag. */
export const ETH_TYPE_VLAN_QINQ1 = 0x9100;

// --- 802.1Q / 802.1ad tags: TPID then TCI (PCP:3 DEI:1 VID:12) ----------------

export const VLAN_HEADER_SIZE = 4;
export const VLAN_VID_MASK = 0x0fff;
export const VLAN_DEI = 0x1000;
export const VLAN_PCP_MASK = 0xe000;
export const VLAN_PCP_SHIFT = 13;

// --- 802.2 LLC and SNAP ----------------------------------------------------

export const LLC_HEADER_SIZE = 3;
export const SNAP_HEADER_SIZE = 5;
export const LLC_DSAP_SNAP = 0xaa;
export const LLC_SSAP_SNAP = 0xaa;
/** Unnumbered information: the only control value SNAP uses. */
export const LLC_CNTL_SNAP = 0x03;
export const LLC_DSAP_STP = 0x42;

// --- MPLS label stack entry: LABEL:20 TC:3 BOS:1 TTL:8 ------------------------

export const MPLS_HEADER_SIZE = 4;
export const MPLS_LABEL_MASK = 0xfffff000;
export const MPLS_LABEL_SHIFT = 12;
export const MPLS_TC_MASK = 0x00000e00;
export const MPLS_TC_SHIFT = 9;
export const MPLS_BOS_MASK = 0x00000100;
export const MPLS_BOS_SHIFT = 8;
export const MPLS_TTL_MASK = 0x000000ff;

// --- ARP and RARP over Ethernet/IPv4 ----------------------------------------

export const ARP_ETH_HEADER_SIZE = 28;
export const ARP_HTYPE_ETHERNET = 1;
export const ARP_OP_REQUEST = 1;
export const ARP_OP_REPLY = 2;
export const ARP_OP_RARP_REQUEST = 3;
export const ARP_OP_RARP_REPLY = 4;
export const ARP_HTYPE_OFFSET = 0;
export const ARP_PTYPE_OFFSET = 2;
export const ARP_HLEN_OFFSET = 4;
export const ARP_PLEN_OFFSET = 5;
export const ARP_OP_OFFSET = 6;
export const ARP_SHA_OFFSET = 8;
export const ARP_SPA_OFFSET = 14;
export const ARP_THA_OFFSET = 18;
export const ARP_TPA_OFFSET = 24;
