// The match field table: every field of ovs-fields(7) that the flow key layout
// (src/flow/layout.ts) can hold, with its names, width, maskability,
// prerequisites, text format, place in the layout and NXM/OXM header numbers.
// The match text parser (src/flow/parse.ts) reads it; the OpenFlow NXM/OXM
// codec and the set_field/load/move actions (issue #5) are meant to use the
// same table, so lookups by name and by header are offered here.

import * as L from './layout.js';
import type { Match } from './match.js';

/** How a field's value is written in flow text (the "Format" line of ovs-fields(7)). */
export type FieldFormat =
  | 'decimal'
  | 'hex'
  | 'ethernet'
  | 'ipv4'
  | 'ipv6'
  /** OpenFlow 1.0 port number (16 bits) or a reserved port name. */
  | 'ofp-port'
  /** OpenFlow 1.1+ port number (32 bits), stored in the key as its 16-bit form. */
  | 'ofp11-port'
  /** ip_frag names: no, yes, first, later, not_later. */
  | 'frag'
  | 'tcp-flags'
  | 'ct-state'
  | 'tunnel-flags'
  /** packet_type as "(namespace,type)". */
  | 'packet-type';

/**
 * What a match must already say before a field may be matched (the
 * "Prerequisites" line of ovs-fields(7)).
 */
export type Prerequisite =
  | 'none'
  | 'ethernet'
  /** vlan_pcp: a VLAN header must be present. */
  | 'vlan-vid'
  | 'mpls'
  | 'ipv4'
  | 'ipv6'
  /** IPv4 or IPv6. */
  | 'ip-any'
  /** ARP or RARP. */
  | 'arp'
  | 'tcp'
  | 'udp'
  | 'sctp'
  | 'icmpv4'
  | 'icmpv6'
  /** ICMPv6 neighbor solicitation or advertisement. */
  | 'nd'
  | 'nd-solicit'
  | 'nd-advert'
  /** Tracked by conntrack (ct_state +trk) with a matching ethertype. */
  | 'ct'
  /** Network Service Header (Ethertype or packet type 0x894f). */
  | 'nsh';

/**
 * Header classes of NXM and OXM (OpenFlow's "oxm_class"). Experimenter OXMs use
 * class 0xffff and carry an experimenter id after the header.
 */
export const OXM_CLASSES = {
  NXM_OF: { oxmClass: 0x0000 },
  NXM_NX: { oxmClass: 0x0001 },
  OXM_OF: { oxmClass: 0x8000 },
  OXM_OF_PKT_REG: { oxmClass: 0x8001 },
  NXOXM_ET: { oxmClass: 0xffff, experimenter: 0x00002320 },
  ONFOXM_ET: { oxmClass: 0xffff, experimenter: 0x4f4e4600 },
  // Class 0x1000, not an experimenter OXM: real ovs-ofctl encodes nd_reserved
  // as header 0x10000204.
  ERICOXM_OF: { oxmClass: 0x1000 },
  // As ovs-ofctl encodes the NSH fields: experimenter 0x005ad650, not Nicira's.
  NXOXM_NSH: { oxmClass: 0xffff, experimenter: 0x005ad650 },
} as const;

export type OxmClassName = keyof typeof OXM_CLASSES;

/** One NXM or OXM header that carries a field on the wire. */
export interface FieldHeader {
  /** Name as Open vSwitch spells it, e.g. "NXM_OF_ETH_SRC" or "OXM_OF_ETH_SRC". */
  readonly name: string;
  readonly prefix: OxmClassName;
  /** The oxm_field number (7 bits). */
  readonly field: number;
}

export interface MatchField {
  /** Canonical name, the one ovs-fields(7) and error messages use. */
  readonly name: string;
  /** Other names flow text accepts for the same field (e.g. dl_src for eth_src). */
  readonly aliases: readonly string[];
  /** Width in bytes on the wire ("value too large for N-byte field"). */
  readonly bytes: number;
  /**
   * Significant bits (ovs-fields(7) "only the least-significant N bits"):
   * subfields "field[start..end]" must end below this.
   */
  readonly bits: number;
  /** Whether arbitrary bitwise masks are allowed. */
  readonly maskable: boolean;
  readonly prerequisite: Prerequisite;
  readonly format: FieldFormat;
  /** Writable by set_field/load (ovs-fields(7) "Access: read/write"). */
  readonly writable: boolean;
  /** First key word of the field. */
  readonly word: number;
  /**
   * Number of key words. Fields of more than one word store their bytes
   * right-aligned over the words (MACs: HI holds bytes 0-1, LO bytes 2-5).
   */
  readonly words: number;
  /** One-word fields: left shift of the value inside its word. */
  readonly shift: number;
  /** One-word fields: the word bits the field covers, after the shift. */
  readonly wordMask: number;
  /**
   * One-word fields: the word bits an exact match covers, when wider than the
   * field. icmp_type and friends are 8 bits, but an exact match on them
   * matches the whole 16-bit port word, as in Open vSwitch.
   */
  readonly exactMask?: number;
  /** NXM and OXM headers for this field, NXM first. */
  readonly headers: readonly FieldHeader[];
  /** tun_metadataN: N; the location comes from the TLV map, not `word`. */
  readonly tunMetadataIndex?: number;
  /**
   * Legacy fields whose setting touches more than their bits: dl_vlan
   * (0xffff means "no VLAN"), dl_vlan_pcp and vlan_pcp (they also require the
   * VLAN present bit).
   */
  readonly special?: 'dl_vlan' | 'vlan_pcp';
}

interface FieldSpec {
  name: string;
  aliases?: string[];
  bytes: number;
  bits?: number;
  maskable: boolean;
  prerequisite?: Prerequisite;
  format: FieldFormat;
  writable?: boolean;
  word: number;
  words?: number;
  shift?: number;
  wordMask?: number;
  exactMask?: number;
  headers?: Array<[OxmClassName, string, number]>;
  tunMetadataIndex?: number;
  special?: 'dl_vlan' | 'vlan_pcp';
}

function field(spec: FieldSpec): MatchField {
  const bits = spec.bits ?? spec.bytes * 8;
  const words = spec.words ?? 1;
  const shift = spec.shift ?? 0;
  const wordMask =
    spec.wordMask ?? (words === 1 ? (bits >= 32 ? 0xffffffff : ((2 ** bits - 1) * 2 ** shift) >>> 0) : 0xffffffff);
  return {
    name: spec.name,
    aliases: spec.aliases ?? [],
    bytes: spec.bytes,
    bits,
    maskable: spec.maskable,
    prerequisite: spec.prerequisite ?? 'none',
    format: spec.format,
    writable: spec.writable ?? true,
    word: spec.word,
    words,
    shift,
    wordMask,
    ...(spec.exactMask !== undefined ? { exactMask: spec.exactMask } : {}),
    headers: (spec.headers ?? []).map(([prefix, name, f]) => ({ prefix, name, field: f })),
    ...(spec.tunMetadataIndex !== undefined ? { tunMetadataIndex: spec.tunMetadataIndex } : {}),
    ...(spec.special ? { special: spec.special } : {}),
  };
}

function buildFields(): MatchField[] {
  const f: MatchField[] = [];
  const add = (spec: FieldSpec): void => {
    f.push(field(spec));
  };

  // --- Metadata ---
  add({ name: 'in_port', bytes: 2, maskable: false, format: 'ofp-port', word: L.IN_PORT, wordMask: 0xffff,
    headers: [['NXM_OF', 'NXM_OF_IN_PORT', 0]] });
  // OpenFlow 1.1+ form of in_port: 32 bits on the wire, the same key word.
  add({ name: 'in_port_oxm', bytes: 4, maskable: false, format: 'ofp11-port', word: L.IN_PORT, wordMask: 0xffff,
    headers: [['OXM_OF', 'OXM_OF_IN_PORT', 0]] });
  add({ name: 'skb_priority', bytes: 4, maskable: false, format: 'hex', writable: false, word: L.SKB_PRIORITY });
  add({ name: 'pkt_mark', bytes: 4, maskable: true, format: 'hex', word: L.PKT_MARK,
    headers: [['NXM_NX', 'NXM_NX_PKT_MARK', 33]] });
  add({ name: 'actset_output', bytes: 4, maskable: false, format: 'ofp11-port', writable: false,
    word: L.ACTSET_OUTPUT, wordMask: 0xffff,
    headers: [['ONFOXM_ET', 'ONFOXM_ET_ACTSET_OUTPUT', 43], ['OXM_OF', 'OXM_OF_ACTSET_OUTPUT', 43]] });
  add({ name: 'packet_type', bytes: 4, maskable: false, format: 'packet-type', writable: false, word: L.PACKET_TYPE,
    headers: [['OXM_OF', 'OXM_OF_PACKET_TYPE', 44]] });
  add({ name: 'recirc_id', bytes: 4, maskable: false, format: 'hex', writable: false, word: L.RECIRC_ID,
    headers: [['NXM_NX', 'NXM_NX_RECIRC_ID', 36]] });
  add({ name: 'dp_hash', bytes: 4, maskable: true, format: 'hex', writable: false, word: L.DP_HASH,
    headers: [['NXM_NX', 'NXM_NX_DP_HASH', 35]] });
  add({ name: 'conj_id', bytes: 4, maskable: false, format: 'decimal', writable: false, word: L.CONJ_ID,
    headers: [['NXM_NX', 'NXM_NX_CONJ_ID', 37]] });

  // --- Connection tracking ---
  add({ name: 'ct_state', bytes: 4, maskable: true, format: 'ct-state', writable: false, word: L.CT_STATE,
    headers: [['NXM_NX', 'NXM_NX_CT_STATE', 105]] });
  add({ name: 'ct_zone', bytes: 2, maskable: false, format: 'hex', writable: false, word: L.CT_ZONE,
    headers: [['NXM_NX', 'NXM_NX_CT_ZONE', 106]] });
  add({ name: 'ct_mark', bytes: 4, maskable: true, format: 'hex', word: L.CT_MARK,
    headers: [['NXM_NX', 'NXM_NX_CT_MARK', 107]] });
  add({ name: 'ct_label', bytes: 16, maskable: true, format: 'hex', word: L.CT_LABEL, words: 4,
    headers: [['NXM_NX', 'NXM_NX_CT_LABEL', 108]] });
  add({ name: 'ct_nw_proto', bytes: 1, maskable: false, prerequisite: 'ct', format: 'decimal', writable: false,
    word: L.CT_NW_PROTO, headers: [['NXM_NX', 'NXM_NX_CT_NW_PROTO', 119]] });
  add({ name: 'ct_nw_src', bytes: 4, maskable: true, prerequisite: 'ct', format: 'ipv4', writable: false,
    word: L.CT_NW_SRC, headers: [['NXM_NX', 'NXM_NX_CT_NW_SRC', 120]] });
  add({ name: 'ct_nw_dst', bytes: 4, maskable: true, prerequisite: 'ct', format: 'ipv4', writable: false,
    word: L.CT_NW_DST, headers: [['NXM_NX', 'NXM_NX_CT_NW_DST', 121]] });
  add({ name: 'ct_ipv6_src', bytes: 16, maskable: true, prerequisite: 'ct', format: 'ipv6', writable: false,
    word: L.CT_IPV6_SRC, words: 4, headers: [['NXM_NX', 'NXM_NX_CT_IPV6_SRC', 122]] });
  add({ name: 'ct_ipv6_dst', bytes: 16, maskable: true, prerequisite: 'ct', format: 'ipv6', writable: false,
    word: L.CT_IPV6_DST, words: 4, headers: [['NXM_NX', 'NXM_NX_CT_IPV6_DST', 123]] });
  add({ name: 'ct_tp_src', bytes: 2, maskable: true, prerequisite: 'ct', format: 'decimal', writable: false,
    word: L.CT_TP_SRC, headers: [['NXM_NX', 'NXM_NX_CT_TP_SRC', 124]] });
  add({ name: 'ct_tp_dst', bytes: 2, maskable: true, prerequisite: 'ct', format: 'decimal', writable: false,
    word: L.CT_TP_DST, headers: [['NXM_NX', 'NXM_NX_CT_TP_DST', 125]] });

  // --- Tunnel ---
  add({ name: 'tun_id', aliases: ['tunnel_id'], bytes: 8, maskable: true, format: 'hex', word: L.TUN_ID_HI, words: 2,
    headers: [['NXM_NX', 'NXM_NX_TUN_ID', 16], ['OXM_OF', 'OXM_OF_TUNNEL_ID', 38]] });
  add({ name: 'tun_src', bytes: 4, maskable: true, format: 'ipv4', word: L.TUN_IPV4_SRC,
    headers: [['NXM_NX', 'NXM_NX_TUN_IPV4_SRC', 31]] });
  add({ name: 'tun_dst', bytes: 4, maskable: true, format: 'ipv4', word: L.TUN_IPV4_DST,
    headers: [['NXM_NX', 'NXM_NX_TUN_IPV4_DST', 32]] });
  add({ name: 'tun_ipv6_src', bytes: 16, maskable: true, format: 'ipv6', word: L.TUN_IPV6_SRC, words: 4,
    headers: [['NXM_NX', 'NXM_NX_TUN_IPV6_SRC', 109]] });
  add({ name: 'tun_ipv6_dst', bytes: 16, maskable: true, format: 'ipv6', word: L.TUN_IPV6_DST, words: 4,
    headers: [['NXM_NX', 'NXM_NX_TUN_IPV6_DST', 110]] });
  add({ name: 'tun_gbp_id', bytes: 2, maskable: true, format: 'decimal', word: L.TUN_GBP_ID,
    headers: [['NXM_NX', 'NXM_NX_TUN_GBP_ID', 38]] });
  add({ name: 'tun_gbp_flags', bytes: 1, maskable: true, format: 'hex', word: L.TUN_GBP_FLAGS,
    headers: [['NXM_NX', 'NXM_NX_TUN_GBP_FLAGS', 39]] });
  // The ERSPAN fields keep their whole byte(s) in the key: Open vSwitch stores
  // tun_erspan_ver=16 as given, so truncating to the documented bits would differ.
  // Their `bits` still bound subfields, as in Open vSwitch.
  add({ name: 'tun_erspan_ver', bytes: 1, bits: 4, wordMask: 0xff, maskable: true, format: 'decimal',
    word: L.TUN_ERSPAN_VER,
    headers: [['NXOXM_ET', 'NXOXM_ET_ERSPAN_VER', 12]] });
  add({ name: 'tun_erspan_idx', bytes: 4, bits: 20, wordMask: 0xffffffff, maskable: true, format: 'hex',
    word: L.TUN_ERSPAN_IDX,
    headers: [['NXOXM_ET', 'NXOXM_ET_ERSPAN_IDX', 11]] });
  add({ name: 'tun_erspan_dir', bytes: 1, bits: 1, wordMask: 0xff, maskable: true, format: 'decimal',
    word: L.TUN_ERSPAN_DIR,
    headers: [['NXOXM_ET', 'NXOXM_ET_ERSPAN_DIR', 13]] });
  add({ name: 'tun_erspan_hwid', bytes: 1, bits: 6, wordMask: 0xff, maskable: true, format: 'hex',
    word: L.TUN_ERSPAN_HWID,
    headers: [['NXOXM_ET', 'NXOXM_ET_ERSPAN_HWID', 14]] });
  add({ name: 'tun_gtpu_flags', bytes: 1, maskable: true, format: 'hex', writable: false, word: L.TUN_GTPU_FLAGS,
    headers: [['NXOXM_ET', 'NXOXM_ET_GTPU_FLAGS', 15]] });
  add({ name: 'tun_gtpu_msgtype', bytes: 1, maskable: true, format: 'decimal', writable: false,
    word: L.TUN_GTPU_MSGTYPE, headers: [['NXOXM_ET', 'NXOXM_ET_GTPU_MSGTYPE', 16]] });
  add({ name: 'tun_flags', bytes: 2, bits: 1, maskable: true, format: 'tunnel-flags', word: L.TUN_FLAGS,
    // FLOW_TNL_F_OAM is bit 3 in the layout; OpenFlow's tun_flags has OAM as bit 0.
    shift: 3, headers: [['NXM_NX', 'NXM_NX_TUN_FLAGS', 104]] });
  // Internal fields that flows can match but OpenFlow cannot carry.
  add({ name: 'tun_tos', bytes: 1, maskable: false, format: 'decimal', word: L.TUN_TOS });
  add({ name: 'tun_ttl', bytes: 1, maskable: false, format: 'decimal', word: L.TUN_TTL });
  for (let i = 0; i < 64; i++) {
    add({ name: `tun_metadata${i}`, bytes: 124, maskable: true, format: 'hex', word: L.TUN_METADATA,
      words: L.TUN_METADATA_WORDS, tunMetadataIndex: i,
      headers: [['NXM_NX', `NXM_NX_TUN_METADATA${i}`, 40 + i]] });
  }

  // --- Pipeline registers ---
  add({ name: 'metadata', bytes: 8, maskable: true, format: 'hex', word: L.METADATA_HI, words: 2,
    headers: [['OXM_OF', 'OXM_OF_METADATA', 2]] });
  for (let i = 0; i < L.REG_COUNT; i++) {
    add({ name: `reg${i}`, bytes: 4, maskable: true, format: 'hex', word: L.REGS + i,
      headers: [['NXM_NX', `NXM_NX_REG${i}`, i]] });
  }
  for (let i = 0; i < L.REG_COUNT / 2; i++) {
    add({ name: `xreg${i}`, bytes: 8, maskable: true, format: 'hex', word: L.REGS + 2 * i, words: 2,
      headers: [['OXM_OF_PKT_REG', `OXM_OF_PKT_REG${i}`, i]] });
  }
  for (let i = 0; i < L.REG_COUNT / 4; i++) {
    add({ name: `xxreg${i}`, bytes: 16, maskable: true, format: 'hex', word: L.REGS + 4 * i, words: 4,
      headers: [['NXM_NX', `NXM_NX_XXREG${i}`, 111 + i]] });
  }

  // --- Ethernet and VLAN ---
  add({ name: 'eth_src', aliases: ['dl_src'], bytes: 6, maskable: true, prerequisite: 'ethernet', format: 'ethernet',
    word: L.DL_SRC_HI, words: 2, headers: [['NXM_OF', 'NXM_OF_ETH_SRC', 2], ['OXM_OF', 'OXM_OF_ETH_SRC', 4]] });
  add({ name: 'eth_dst', aliases: ['dl_dst'], bytes: 6, maskable: true, prerequisite: 'ethernet', format: 'ethernet',
    word: L.DL_DST_HI, words: 2, headers: [['NXM_OF', 'NXM_OF_ETH_DST', 1], ['OXM_OF', 'OXM_OF_ETH_DST', 3]] });
  add({ name: 'eth_type', aliases: ['dl_type'], bytes: 2, maskable: false, prerequisite: 'ethernet', format: 'hex',
    writable: false, word: L.DL_TYPE, headers: [['NXM_OF', 'NXM_OF_ETH_TYPE', 3], ['OXM_OF', 'OXM_OF_ETH_TYPE', 5]] });
  // The VLAN word is TPID << 16 | TCI; these fields cover parts of the TCI.
  add({ name: 'vlan_tci', bytes: 2, maskable: true, prerequisite: 'ethernet', format: 'hex', word: L.VLAN0,
    headers: [['NXM_OF', 'NXM_OF_VLAN_TCI', 4]] });
  // vlan_vid is 12 bits wide but a whole value also carries the present bit
  // 0x1000 (OFPVID_PRESENT), as in OXM, so its word mask covers 13 bits.
  add({ name: 'vlan_vid', bytes: 2, bits: 12, maskable: true, prerequisite: 'ethernet', format: 'decimal',
    word: L.VLAN0, wordMask: 0x1fff, headers: [['OXM_OF', 'OXM_OF_VLAN_VID', 6]] });
  add({ name: 'vlan_pcp', bytes: 1, bits: 3, maskable: false, prerequisite: 'vlan-vid', format: 'decimal',
    word: L.VLAN0, shift: 13, special: 'vlan_pcp', headers: [['OXM_OF', 'OXM_OF_VLAN_PCP', 7]] });
  // OpenFlow 1.0 names: dl_vlan is the VID alone (0xffff: no VLAN header).
  add({ name: 'dl_vlan', bytes: 2, bits: 12, maskable: false, prerequisite: 'ethernet', format: 'decimal',
    word: L.VLAN0, special: 'dl_vlan' });
  add({ name: 'dl_vlan_pcp', bytes: 1, bits: 3, maskable: false, prerequisite: 'ethernet', format: 'decimal',
    word: L.VLAN0, shift: 13, special: 'vlan_pcp' });

  // --- MPLS (outermost label stack entry: label 20 | tc 3 | bos 1 | ttl 8) ---
  add({ name: 'mpls_label', bytes: 4, bits: 20, maskable: false, prerequisite: 'mpls', format: 'decimal',
    word: L.MPLS_LSE0, shift: 12, headers: [['OXM_OF', 'OXM_OF_MPLS_LABEL', 34]] });
  add({ name: 'mpls_tc', bytes: 1, bits: 3, maskable: false, prerequisite: 'mpls', format: 'decimal',
    word: L.MPLS_LSE0, shift: 9, headers: [['OXM_OF', 'OXM_OF_MPLS_TC', 35]] });
  add({ name: 'mpls_bos', bytes: 1, bits: 1, maskable: false, prerequisite: 'mpls', format: 'decimal', writable: false,
    word: L.MPLS_LSE0, shift: 8, headers: [['OXM_OF', 'OXM_OF_MPLS_BOS', 36]] });
  add({ name: 'mpls_ttl', bytes: 1, maskable: false, prerequisite: 'mpls', format: 'decimal',
    word: L.MPLS_LSE0, headers: [['NXM_NX', 'NXM_NX_MPLS_TTL', 30]] });

  // --- IPv4, IPv6 and shared IP fields ---
  add({ name: 'ip_src', aliases: ['nw_src'], bytes: 4, maskable: true, prerequisite: 'ipv4', format: 'ipv4',
    word: L.NW_SRC, headers: [['NXM_OF', 'NXM_OF_IP_SRC', 7], ['OXM_OF', 'OXM_OF_IPV4_SRC', 11]] });
  add({ name: 'ip_dst', aliases: ['nw_dst'], bytes: 4, maskable: true, prerequisite: 'ipv4', format: 'ipv4',
    word: L.NW_DST, headers: [['NXM_OF', 'NXM_OF_IP_DST', 8], ['OXM_OF', 'OXM_OF_IPV4_DST', 12]] });
  add({ name: 'ipv6_src', bytes: 16, maskable: true, prerequisite: 'ipv6', format: 'ipv6', word: L.IPV6_SRC, words: 4,
    headers: [['NXM_NX', 'NXM_NX_IPV6_SRC', 19], ['OXM_OF', 'OXM_OF_IPV6_SRC', 26]] });
  add({ name: 'ipv6_dst', bytes: 16, maskable: true, prerequisite: 'ipv6', format: 'ipv6', word: L.IPV6_DST, words: 4,
    headers: [['NXM_NX', 'NXM_NX_IPV6_DST', 20], ['OXM_OF', 'OXM_OF_IPV6_DST', 27]] });
  add({ name: 'ipv6_label', bytes: 4, bits: 20, maskable: true, prerequisite: 'ipv6', format: 'hex',
    word: L.IPV6_LABEL, headers: [['NXM_NX', 'NXM_NX_IPV6_LABEL', 27], ['OXM_OF', 'OXM_OF_IPV6_FLABEL', 28]] });
  add({ name: 'nw_proto', aliases: ['ip_proto'], bytes: 1, maskable: false, prerequisite: 'ip-any', format: 'decimal',
    writable: false, word: L.NW_PROTO, headers: [['NXM_OF', 'NXM_OF_IP_PROTO', 6], ['OXM_OF', 'OXM_OF_IP_PROTO', 10]] });
  add({ name: 'nw_ttl', bytes: 1, maskable: false, prerequisite: 'ip-any', format: 'decimal', word: L.NW_TTL,
    headers: [['NXM_NX', 'NXM_NX_IP_TTL', 29]] });
  add({ name: 'ip_frag', aliases: ['nw_frag'], bytes: 1, bits: 2, maskable: true, prerequisite: 'ip-any',
    format: 'frag', writable: false, word: L.NW_FRAG, headers: [['NXM_NX', 'NXM_NX_IP_FRAG', 26]] });
  // nw_tos is the TOS byte with the ECN bits ignored; ip_dscp is the same six
  // bits shifted down; nw_ecn is the low two bits.
  add({ name: 'nw_tos', bytes: 1, maskable: false, prerequisite: 'ip-any', format: 'decimal', word: L.NW_TOS,
    wordMask: 0xfc, headers: [['NXM_OF', 'NXM_OF_IP_TOS', 5]] });
  add({ name: 'ip_dscp', bytes: 1, bits: 6, maskable: false, prerequisite: 'ip-any', format: 'decimal',
    word: L.NW_TOS, shift: 2, headers: [['OXM_OF', 'OXM_OF_IP_DSCP', 8]] });
  add({ name: 'nw_ecn', aliases: ['ip_ecn'], bytes: 1, bits: 2, maskable: false, prerequisite: 'ip-any',
    format: 'decimal', word: L.NW_TOS, headers: [['NXM_NX', 'NXM_NX_IP_ECN', 28], ['OXM_OF', 'OXM_OF_IP_ECN', 9]] });

  // --- ARP (overlaid on the IPv4 words and nw_proto, as in OVS) ---
  // arp_op is 16 bits wide, but the key keeps its low byte (as OVS's nw_proto).
  add({ name: 'arp_op', bytes: 2, wordMask: 0xff, maskable: false, prerequisite: 'arp', format: 'decimal', word: L.NW_PROTO,
    headers: [['NXM_OF', 'NXM_OF_ARP_OP', 15], ['OXM_OF', 'OXM_OF_ARP_OP', 21]] });
  add({ name: 'arp_spa', bytes: 4, maskable: true, prerequisite: 'arp', format: 'ipv4', word: L.NW_SRC,
    headers: [['NXM_OF', 'NXM_OF_ARP_SPA', 16], ['OXM_OF', 'OXM_OF_ARP_SPA', 22]] });
  add({ name: 'arp_tpa', bytes: 4, maskable: true, prerequisite: 'arp', format: 'ipv4', word: L.NW_DST,
    headers: [['NXM_OF', 'NXM_OF_ARP_TPA', 17], ['OXM_OF', 'OXM_OF_ARP_TPA', 23]] });
  add({ name: 'arp_sha', bytes: 6, maskable: true, prerequisite: 'arp', format: 'ethernet', word: L.ARP_SHA_HI,
    words: 2, headers: [['NXM_NX', 'NXM_NX_ARP_SHA', 17], ['OXM_OF', 'OXM_OF_ARP_SHA', 24]] });
  add({ name: 'arp_tha', bytes: 6, maskable: true, prerequisite: 'arp', format: 'ethernet', word: L.ARP_THA_HI,
    words: 2, headers: [['NXM_NX', 'NXM_NX_ARP_THA', 18], ['OXM_OF', 'OXM_OF_ARP_THA', 25]] });

  // --- Transport (ICMP type and code live in the port words, as in OVS) ---
  add({ name: 'tcp_src', aliases: ['tp_src'], bytes: 2, maskable: true, prerequisite: 'tcp', format: 'decimal',
    word: L.TP_SRC, headers: [['NXM_OF', 'NXM_OF_TCP_SRC', 9], ['OXM_OF', 'OXM_OF_TCP_SRC', 13]] });
  add({ name: 'tcp_dst', aliases: ['tp_dst'], bytes: 2, maskable: true, prerequisite: 'tcp', format: 'decimal',
    word: L.TP_DST, headers: [['NXM_OF', 'NXM_OF_TCP_DST', 10], ['OXM_OF', 'OXM_OF_TCP_DST', 14]] });
  add({ name: 'tcp_flags', bytes: 2, bits: 12, maskable: true, prerequisite: 'tcp', format: 'tcp-flags',
    writable: false, word: L.TCP_FLAGS,
    headers: [['NXM_NX', 'NXM_NX_TCP_FLAGS', 34], ['ONFOXM_ET', 'ONFOXM_ET_TCP_FLAGS', 42],
      ['OXM_OF', 'OXM_OF_TCP_FLAGS', 42]] });
  add({ name: 'udp_src', bytes: 2, maskable: true, prerequisite: 'udp', format: 'decimal', word: L.TP_SRC,
    headers: [['NXM_OF', 'NXM_OF_UDP_SRC', 11], ['OXM_OF', 'OXM_OF_UDP_SRC', 15]] });
  add({ name: 'udp_dst', bytes: 2, maskable: true, prerequisite: 'udp', format: 'decimal', word: L.TP_DST,
    headers: [['NXM_OF', 'NXM_OF_UDP_DST', 12], ['OXM_OF', 'OXM_OF_UDP_DST', 16]] });
  add({ name: 'sctp_src', bytes: 2, maskable: true, prerequisite: 'sctp', format: 'decimal', word: L.TP_SRC,
    headers: [['OXM_OF', 'OXM_OF_SCTP_SRC', 17]] });
  add({ name: 'sctp_dst', bytes: 2, maskable: true, prerequisite: 'sctp', format: 'decimal', word: L.TP_DST,
    headers: [['OXM_OF', 'OXM_OF_SCTP_DST', 18]] });
  add({ name: 'icmp_type', bytes: 1, maskable: false, exactMask: 0xffff, prerequisite: 'icmpv4', format: 'decimal',
    word: L.TP_SRC,
    headers: [['NXM_OF', 'NXM_OF_ICMP_TYPE', 13], ['OXM_OF', 'OXM_OF_ICMPV4_TYPE', 19]] });
  add({ name: 'icmp_code', bytes: 1, maskable: false, exactMask: 0xffff, prerequisite: 'icmpv4', format: 'decimal',
    word: L.TP_DST,
    headers: [['NXM_OF', 'NXM_OF_ICMP_CODE', 14], ['OXM_OF', 'OXM_OF_ICMPV4_CODE', 20]] });
  add({ name: 'icmpv6_type', bytes: 1, maskable: false, exactMask: 0xffff, prerequisite: 'icmpv6', format: 'decimal',
    word: L.TP_SRC,
    headers: [['NXM_NX', 'NXM_NX_ICMPV6_TYPE', 21], ['OXM_OF', 'OXM_OF_ICMPV6_TYPE', 29]] });
  add({ name: 'icmpv6_code', bytes: 1, maskable: false, exactMask: 0xffff, prerequisite: 'icmpv6', format: 'decimal',
    word: L.TP_DST,
    headers: [['NXM_NX', 'NXM_NX_ICMPV6_CODE', 22], ['OXM_OF', 'OXM_OF_ICMPV6_CODE', 30]] });

  // --- IPv6 neighbor discovery (link-layer options overlay the ARP words) ---
  add({ name: 'nd_target', bytes: 16, maskable: true, prerequisite: 'nd', format: 'ipv6', word: L.ND_TARGET, words: 4,
    headers: [['NXM_NX', 'NXM_NX_ND_TARGET', 23], ['OXM_OF', 'OXM_OF_IPV6_ND_TARGET', 31]] });
  add({ name: 'nd_sll', bytes: 6, maskable: true, prerequisite: 'nd-solicit', format: 'ethernet',
    word: L.ARP_SHA_HI, words: 2, headers: [['NXM_NX', 'NXM_NX_ND_SLL', 24], ['OXM_OF', 'OXM_OF_IPV6_ND_SLL', 32]] });
  add({ name: 'nd_tll', bytes: 6, maskable: true, prerequisite: 'nd-advert', format: 'ethernet',
    word: L.ARP_THA_HI, words: 2, headers: [['NXM_NX', 'NXM_NX_ND_TLL', 25], ['OXM_OF', 'OXM_OF_IPV6_ND_TLL', 33]] });
  add({ name: 'nd_reserved', bytes: 4, maskable: false, prerequisite: 'nd', format: 'decimal', word: L.ND_RESERVED,
    headers: [['ERICOXM_OF', 'ERICOXM_OF_ICMPV6_ND_RESERVED', 1]] });
  add({ name: 'nd_options_type', bytes: 1, maskable: false, prerequisite: 'nd', format: 'decimal',
    word: L.ND_OPTIONS_TYPE, headers: [['ERICOXM_OF', 'ERICOXM_OF_ICMPV6_ND_OPTIONS_TYPE', 2]] });

  // --- NSH (Network Service Header) ---
  // Open vSwitch checks NSH prerequisites only when it decodes a flow, so the
  // parser accepts these fields anywhere and normalisation leaves them alone.
  // nsh_ttl holds 6 bits and nsh_mdtype 1 or 2 in a packet, but flow text
  // takes any byte (ovs-ofctl then fails to decode its own encoding).
  add({ name: 'nsh_flags', bytes: 1, maskable: true, prerequisite: 'nsh', format: 'decimal', word: L.NSH_FLAGS,
    headers: [['NXOXM_NSH', 'NXOXM_NSH_FLAGS', 1]] });
  add({ name: 'nsh_ttl', bytes: 1, maskable: false, prerequisite: 'nsh', format: 'decimal', word: L.NSH_TTL,
    headers: [['NXOXM_NSH', 'NXOXM_NSH_TTL', 10]] });
  add({ name: 'nsh_mdtype', bytes: 1, maskable: false, prerequisite: 'nsh', format: 'decimal', writable: false,
    word: L.NSH_MDTYPE, headers: [['NXOXM_NSH', 'NXOXM_NSH_MDTYPE', 2]] });
  add({ name: 'nsh_np', bytes: 1, maskable: false, prerequisite: 'nsh', format: 'decimal', writable: false,
    word: L.NSH_NP, headers: [['NXOXM_NSH', 'NXOXM_NSH_NP', 3]] });
  // 32 bits on the wire of which the key keeps 24, as OVS does (0x1000000 matches 0).
  add({ name: 'nsh_spi', aliases: ['nsp'], bytes: 4, bits: 24, maskable: false, prerequisite: 'nsh', format: 'hex',
    word: L.NSH_SPI, headers: [['NXOXM_NSH', 'NXOXM_NSH_SPI', 4]] });
  add({ name: 'nsh_si', aliases: ['nsi'], bytes: 1, maskable: false, prerequisite: 'nsh', format: 'decimal',
    word: L.NSH_SI, headers: [['NXOXM_NSH', 'NXOXM_NSH_SI', 5]] });
  for (let i = 0; i < 4; i++) {
    add({ name: `nsh_c${i + 1}`, aliases: [`nshc${i + 1}`], bytes: 4, maskable: true, prerequisite: 'nsh',
      format: 'hex', word: L.NSH_C + i, headers: [['NXOXM_NSH', `NXOXM_NSH_C${i + 1}`, 6 + i]] });
  }
  return f;
}

/** Every match field, in ovs-fields(7) order within each group. */
export const MATCH_FIELDS: readonly MatchField[] = buildFields();

const byName = new Map<string, MatchField>();
for (const f of MATCH_FIELDS) {
  byName.set(f.name, f);
  for (const alias of f.aliases) byName.set(alias, f);
}

const byHeaderName = new Map<string, MatchField>();
/** Keyed "class:field" or "class:field:experimenter" for experimenter OXMs. */
const byHeaderNumbers = new Map<string, MatchField>();
for (const f of MATCH_FIELDS) {
  for (const h of f.headers) {
    byHeaderName.set(h.name, f);
    const c: { oxmClass: number; experimenter?: number } = OXM_CLASSES[h.prefix];
    const key = c.experimenter === undefined ? `${c.oxmClass}:${h.field}` : `${c.oxmClass}:${h.field}:${c.experimenter}`;
    byHeaderNumbers.set(key, f);
  }
}

/**
 * Looks a field up by a name flow text uses: its canonical name or an alias
 * (tp_src finds tcp_src, whose name error messages then use, as OVS's do).
 */
export function fieldByName(name: string): MatchField | undefined {
  return byName.get(name);
}

/** Looks a field up by its NXM or OXM name, e.g. "NXM_OF_ETH_SRC". */
export function fieldByHeaderName(name: string): MatchField | undefined {
  return byHeaderName.get(name);
}

/**
 * Looks a field up by wire header numbers: class and field, plus the
 * experimenter id for class 0xffff.
 */
export function fieldByHeader(oxmClass: number, oxmField: number, experimenter?: number): MatchField | undefined {
  const key = oxmClass === 0xffff ? `${oxmClass}:${oxmField}:${experimenter}` : `${oxmClass}:${oxmField}`;
  return byHeaderNumbers.get(key);
}

// --- Value names (shared by the parser and the formatter) --------------------

/** Reserved OpenFlow 1.0 port names (matched without regard to case). */
export const OFP_PORT_NAMES: ReadonlyMap<string, number> = new Map([
  ['UNSET', 0xfff7],
  ['IN_PORT', 0xfff8],
  ['TABLE', 0xfff9],
  ['NORMAL', 0xfffa],
  ['FLOOD', 0xfffb],
  ['ALL', 0xfffc],
  ['CONTROLLER', 0xfffd],
  ['LOCAL', 0xfffe],
  ['ANY', 0xffff],
  // NONE is another name for ANY; ovs-ofctl prints ANY.
  ['NONE', 0xffff],
]);

/**
 * A flag set (tcp_flags, ct_state, tun_flags): bit names in bit order, the
 * bits that may be matched, and how error messages name the set.
 */
export interface FlagSet {
  readonly names: ReadonlyArray<readonly [string, number]>;
  /** Bits that may be matched. */
  readonly allowed: number;
  /** Word for "unknown X flag(s)". */
  readonly what: string;
  /** Phrase for "Each X can be specified only once". */
  readonly each: string;
}

export const TCP_FLAGS: FlagSet = {
  names: [
    ['fin', 0x001], ['syn', 0x002], ['rst', 0x004], ['psh', 0x008], ['ack', 0x010], ['urg', 0x020],
    ['ece', 0x040], ['cwr', 0x080], ['ns', 0x100], ['[200]', 0x200], ['[400]', 0x400], ['[800]', 0x800],
  ],
  allowed: 0x0fff,
  what: 'TCP',
  each: 'TCP flag',
};

export const CT_STATE_FLAGS: FlagSet = {
  names: [
    ['new', 0x01], ['est', 0x02], ['rel', 0x04], ['rpl', 0x08],
    ['inv', 0x10], ['trk', 0x20], ['snat', 0x40], ['dnat', 0x80],
  ],
  allowed: 0xff,
  what: 'ct_state',
  each: 'ct_state flag',
};

export const TUNNEL_FLAGS: FlagSet = {
  names: [['oam', 0x1]],
  allowed: 0x1,
  what: 'tunnel',
  each: 'tunnel flag',
};

/** ip_frag names: value and mask over FLOW_NW_FRAG_ANY (1) | FLOW_NW_FRAG_LATER (2). */
export const FRAG_NAMES: ReadonlyMap<string, readonly [number, number]> = new Map([
  ['no', [0, 3]],
  ['yes', [1, 1]],
  ['first', [1, 3]],
  ['later', [3, 3]],
  ['not_later', [0, 2]],
]);

// --- Values in the key -------------------------------------------------------

/**
 * Where each tun_metadataN lives in the option bytes (TUN_METADATA words):
 * byte offset and length, as a TLV mapping table assigns them. Parsing adds
 * an entry for an option the map does not know yet.
 */
export type TunMetadataMap = Map<number, { readonly offset: number; readonly length: number }>;

/** Size of the tunnel option byte area. */
export const TUN_METADATA_BYTES = L.TUN_METADATA_WORDS * 4;

/** Reads big-endian bytes as an unsigned number (up to 4 bytes). */
function bytesToUint(bytes: Uint8Array): number {
  let v = 0;
  for (const b of bytes) v = (v * 256 + b) >>> 0;
  return v;
}

/** Writes `bytes` right-aligned into `size` bytes starting at byte `at` of words. */
function putBytes(words: Uint32Array, at: number, size: number, bytes: Uint8Array): void {
  for (let i = 0; i < size; i++) {
    const b = i - (size - bytes.length) >= 0 ? bytes[i - (size - bytes.length)] : 0;
    const byteIndex = at + i;
    const w = byteIndex >> 2;
    const sh = (3 - (byteIndex & 3)) * 8;
    words[w] = ((words[w] & ~(0xff << sh)) | (b << sh)) >>> 0;
  }
}

function getBytes(words: Uint32Array, at: number, size: number): Uint8Array {
  const out = new Uint8Array(size);
  for (let i = 0; i < size; i++) {
    const byteIndex = at + i;
    out[i] = (words[byteIndex >> 2] >>> ((3 - (byteIndex & 3)) * 8)) & 0xff;
  }
  return out;
}

function tunMetadataPlace(f: MatchField, map?: TunMetadataMap): { at: number; size: number } {
  const loc = map?.get(f.tunMetadataIndex ?? -1);
  if (!loc) throw new RangeError(`${f.name} has no place in the tunnel metadata map`);
  return { at: L.TUN_METADATA * 4 + loc.offset, size: loc.length };
}

/** Byte position and size of a multi-word field (or a tun_metadata option). */
function bytePlace(f: MatchField, map?: TunMetadataMap): { at: number; size: number } {
  if (f.tunMetadataIndex !== undefined) return tunMetadataPlace(f, map);
  const size = f.words * 4;
  return { at: f.word * 4 + size - Math.min(f.bytes, size), size: Math.min(f.bytes, size) };
}

/**
 * Sets `field` to `value` under `mask` in a match (both big-endian, `bytes`
 * long or shorter; shorter values are right-aligned). Bits of the word that
 * belong to other fields (the rest of a VLAN TCI or an MPLS entry) are kept.
 * tun_metadataN needs `tunMetadata` to say where the option lives, and also
 * sets the option's present bit.
 */
export function setFieldMasked(
  match: Match,
  field: MatchField,
  options: { value: Uint8Array; mask: Uint8Array; tunMetadata?: TunMetadataMap },
): void {
  const { value, mask } = options;
  if (field.words === 1 && field.tunMetadataIndex === undefined) {
    const w = field.word;
    const wm = field.wordMask;
    const v = (bytesToUint(value) * 2 ** field.shift) % 2 ** 32;
    const m = (bytesToUint(mask) * 2 ** field.shift) % 2 ** 32;
    if (field.exactMask !== undefined && mask.every((b) => b === 0xff)) {
      const em = field.exactMask;
      match.mask[w] = (match.mask[w] | em) >>> 0;
      match.key[w] = (((match.key[w] & ~em) | (v & wm)) & match.mask[w]) >>> 0;
      return;
    }
    match.mask[w] = ((match.mask[w] & ~wm) | (m & wm)) >>> 0;
    match.key[w] = (((match.key[w] & ~wm) | (v & wm)) & match.mask[w]) >>> 0;
    return;
  }
  const { at, size } = bytePlace(field, options.tunMetadata);
  putBytes(match.key, at, size, value.subarray(Math.max(0, value.length - size)));
  putBytes(match.mask, at, size, mask.subarray(Math.max(0, mask.length - size)));
  const first = at >> 2;
  const last = (at + size - 1) >> 2;
  for (let w = first; w <= last; w++) match.key[w] = (match.key[w] & match.mask[w]) >>> 0;
  if (field.tunMetadataIndex !== undefined) {
    const i = field.tunMetadataIndex;
    const w = i >= 32 ? L.TUN_METADATA_PRESENT_HI : L.TUN_METADATA_PRESENT_LO;
    const bit = (1 << (i & 31)) >>> 0;
    match.mask[w] = (match.mask[w] | bit) >>> 0;
    match.key[w] = (match.key[w] | bit) >>> 0;
  }
}

/**
 * Reads `field` from a match as big-endian value and mask of `field.bytes`
 * bytes (for tun_metadataN, of the option's mapped length).
 */
export function getFieldMasked(
  match: Match,
  field: MatchField,
  options: { tunMetadata?: TunMetadataMap } = {},
): { value: Uint8Array; mask: Uint8Array } {
  if (field.words === 1 && field.tunMetadataIndex === undefined) {
    const toBytes = (word: number): Uint8Array => {
      let v = ((word & field.wordMask) >>> 0) / 2 ** field.shift;
      const out = new Uint8Array(field.bytes);
      for (let i = field.bytes - 1; i >= 0; i--) {
        out[i] = v % 256;
        v = Math.floor(v / 256);
      }
      return out;
    };
    return { value: toBytes(match.key[field.word]), mask: toBytes(match.mask[field.word]) };
  }
  const { at, size } = bytePlace(field, options.tunMetadata);
  return { value: getBytes(match.key, at, size), mask: getBytes(match.mask, at, size) };
}
