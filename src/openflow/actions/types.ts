// Ofpact: one OpenFlow action or instruction, independent of wire version.
// The parser (parse.ts) and the decoder (decode.ts) produce these; the
// formatter (format.ts) and the encoder (encode.ts) consume them. Where Open
// vSwitch remembers which wire form an action came in (its "raw" type) so it
// can send it back the same way and print it the same way, the variant keeps
// a `raw` hint too; parsed actions leave it out and get the default form.

import type { MatchField } from '../../flow/fields.js';

/** Bits `ofs` .. `ofs + nBits - 1` of a field (bit 0 is its least significant). */
export interface Subfield {
  readonly field: MatchField;
  readonly ofs: number;
  readonly nBits: number;
}

/** Reserved OpenFlow 1.0 port numbers (the 16-bit form every Ofpact uses). */
export const OFPP = {
  MAX: 0xff00,
  UNSET: 0xfff7,
  IN_PORT: 0xfff8,
  TABLE: 0xfff9,
  NORMAL: 0xfffa,
  FLOOD: 0xfffb,
  ALL: 0xfffc,
  CONTROLLER: 0xfffd,
  LOCAL: 0xfffe,
  NONE: 0xffff,
} as const;

/** Reasons of the controller action (ofp_packet_in_reason). */
export const CONTROLLER_REASONS = ['no_match', 'action', 'invalid_ttl', 'action_set', 'group', 'packet_out'] as const;

/** multipath and bundle hash fields (nx_hash_fields), by wire number. */
export const HASH_FIELDS = [
  'eth_src', 'symmetric_l4', 'symmetric_l3l4', 'symmetric_l3l4+udp', 'nw_src', 'nw_dst', 'symmetric_l3',
] as const;

/** multipath algorithms (nx_mp_algorithm), by wire number. */
export const MULTIPATH_ALGORITHMS = ['modulo_n', 'hash_threshold', 'hrw', 'iter_hash'] as const;

/** bundle algorithms (nx_bd_algorithm), by wire number. */
export const BUNDLE_ALGORITHMS = ['active_backup', 'hrw'] as const;

/** ct flags (NX_CT_F_*). */
export const CT_COMMIT = 1;
export const CT_FORCE = 2;

/** nat flags (NX_NAT_F_*). */
export const NAT_SRC = 1;
export const NAT_DST = 2;
export const NAT_PERSISTENT = 4;
export const NAT_PROTO_HASH = 8;
export const NAT_PROTO_RANDOM = 16;

/** learn flags (NX_LEARN_F_*). */
export const LEARN_SEND_FLOW_REM = 1;
export const LEARN_DELETE_LEARNED = 2;
export const LEARN_WRITE_RESULT = 4;

/** One flow_mod_spec of learn: what the learned flow matches, loads or outputs. */
export type LearnSpec =
  | { readonly kind: 'match'; readonly dst: Subfield; readonly src: Subfield }
  | { readonly kind: 'match'; readonly dst: Subfield; readonly value: Uint8Array }
  | { readonly kind: 'load'; readonly dst: Subfield; readonly src: Subfield }
  | { readonly kind: 'load'; readonly dst: Subfield; readonly value: Uint8Array }
  | { readonly kind: 'output'; readonly src: Subfield };

export interface Learn {
  readonly type: 'learn';
  readonly idleTimeout: number;
  readonly hardTimeout: number;
  readonly priority: number;
  /** The learned flows' cookie as [high, low] 32-bit halves. */
  readonly cookie: readonly [number, number];
  readonly flags: number;
  readonly tableId: number;
  readonly finIdleTimeout: number;
  readonly finHardTimeout: number;
  /** 0: no limit. A limit or result_dst needs NXAST_LEARN2. */
  readonly limit: number;
  readonly resultDst?: Subfield;
  readonly specs: readonly LearnSpec[];
}

/** nat(): an address range and a port range, each optional. */
export interface Nat {
  readonly type: 'nat';
  readonly flags: number;
  /** 4 (IPv4) or 16 (IPv6) bytes each, when given. */
  readonly addrMin?: Uint8Array;
  readonly addrMax?: Uint8Array;
  readonly portMin?: number;
  readonly portMax?: number;
}

/** One property of encap(): NSH metadata type or one NSH metadata TLV. */
export type EncapProperty =
  | { readonly kind: 'md_type'; readonly mdType: number }
  | { readonly kind: 'tlv'; readonly tlvClass: number; readonly tlvType: number; readonly value: Uint8Array };

export type Ofpact =
  // --- Output ---
  /** Output to a port; `maxLen` matters only for CONTROLLER. */
  | { readonly type: 'output'; readonly port: number; readonly maxLen: number }
  /** output(port=N,max_len=M): truncate to M bytes (NXAST_OUTPUT_TRUNC). */
  | { readonly type: 'output-trunc'; readonly port: number; readonly maxLen: number }
  | { readonly type: 'output-reg'; readonly src: Subfield; readonly maxLen: number; readonly raw?: 'output-reg2' }
  | { readonly type: 'enqueue'; readonly port: number; readonly queue: number }
  | {
      readonly type: 'controller';
      readonly maxLen: number;
      readonly controllerId: number;
      /** Index into CONTROLLER_REASONS. */
      readonly reason: number;
      readonly userdata?: Uint8Array;
      readonly pause: boolean;
      /** 0xffffffff: no meter. */
      readonly meterId: number;
      readonly raw?: 'controller2';
    }
  | { readonly type: 'bundle'; readonly algorithm: number; readonly fields: number; readonly basis: number;
      readonly members: readonly number[]; readonly dst?: Subfield }
  // --- Header changes ---
  /**
   * mod_vlan_vid / set_vlan_vid. `push`: push a VLAN header first when the
   * packet has none (mod_vlan_vid). `flowHasVlan`: set by checkActions() from
   * the match; with it an OpenFlow 1.1+ encoding needs no push_vlan.
   */
  | { readonly type: 'set-vlan-vid'; readonly vid: number; readonly push: boolean; flowHasVlan?: boolean;
      readonly raw?: 'set_vlan_vid' }
  | { readonly type: 'set-vlan-pcp'; readonly pcp: number; readonly push: boolean; flowHasVlan?: boolean;
      readonly raw?: 'set_vlan_pcp' }
  /** strip_vlan / pop_vlan; `raw` decides the printed name. */
  | { readonly type: 'strip-vlan'; readonly raw?: 'pop_vlan' }
  | { readonly type: 'push-vlan'; readonly ethertype: number }
  | { readonly type: 'set-eth-src'; readonly mac: Uint8Array }
  | { readonly type: 'set-eth-dst'; readonly mac: Uint8Array }
  /** Host-order IPv4 address. */
  | { readonly type: 'set-ipv4-src'; readonly addr: number }
  | { readonly type: 'set-ipv4-dst'; readonly addr: number }
  /** mod_nw_tos: the TOS byte with the ECN bits clear. */
  | { readonly type: 'set-ip-dscp'; readonly tos: number }
  | { readonly type: 'set-ip-ecn'; readonly ecn: number }
  | { readonly type: 'set-ip-ttl'; readonly ttl: number }
  /**
   * mod_tp_src / mod_tp_dst. `ipProto`: the match's IP protocol, set by
   * checkActions(); OpenFlow 1.2+ needs it to pick tcp_src, udp_src or sctp_src.
   */
  | { readonly type: 'set-l4-src'; readonly port: number; ipProto?: number }
  | { readonly type: 'set-l4-dst'; readonly port: number; ipProto?: number }
  | { readonly type: 'dec-ttl'; readonly controllerIds: readonly number[]; readonly raw?: 'cnt-ids' }
  | { readonly type: 'set-mpls-label'; readonly label: number }
  | { readonly type: 'set-mpls-tc'; readonly tc: number }
  | { readonly type: 'set-mpls-ttl'; readonly ttl: number }
  | { readonly type: 'dec-mpls-ttl' }
  | { readonly type: 'push-mpls'; readonly ethertype: number }
  | { readonly type: 'pop-mpls'; readonly ethertype: number }
  /**
   * set_field and load: `value` and `mask` are `field.bytes` long (for
   * tun_metadataN, as long as given). raw 'reg-load' prints as load:, and
   * keeps NXAST_REG_LOAD on the wire before OpenFlow 1.5.
   */
  | { readonly type: 'set-field'; readonly field: MatchField; readonly value: Uint8Array; readonly mask: Uint8Array;
      readonly raw?: 'reg-load' | 'reg-load2';
      /** Send (and print) the mask even when it is all ones: a load into part of a tun_metadataN. */
      readonly wireMask?: boolean;
      /** vlan_tci only: whether the match has a VLAN (set by checkActions(); OpenFlow 1.1 needs it). */
      flowHasVlan?: boolean }
  | { readonly type: 'move'; readonly src: Subfield; readonly dst: Subfield }
  | { readonly type: 'stack-push'; readonly subfield: Subfield }
  | { readonly type: 'stack-pop'; readonly subfield: Subfield }
  | { readonly type: 'set-tunnel'; readonly tunId: readonly [number, number]; readonly raw?: 'tunnel64' }
  | { readonly type: 'set-queue'; readonly queue: number }
  | { readonly type: 'pop-queue' }
  | { readonly type: 'delete-field'; readonly field: MatchField }
  // --- Metadata and pipeline ---
  | { readonly type: 'resubmit'; readonly inPort: number; readonly tableId: number; readonly ct: boolean;
      readonly raw?: 'resubmit' }
  | { readonly type: 'group'; readonly groupId: number }
  | { readonly type: 'fin-timeout'; readonly idleTimeout: number; readonly hardTimeout: number }
  | { readonly type: 'note'; readonly data: Uint8Array }
  | { readonly type: 'exit' }
  | Learn
  | { readonly type: 'conjunction'; readonly id: number; readonly clause: number; readonly nClauses: number }
  | { readonly type: 'multipath'; readonly fields: number; readonly basis: number; readonly algorithm: number;
      readonly maxLink: number; readonly arg: number; readonly dst: Subfield }
  | {
      readonly type: 'sample';
      readonly probability: number;
      readonly collectorSetId: number;
      readonly obsDomainId: number;
      readonly obsPointId: number;
      /** OFPP.NONE: none. */
      readonly samplingPort: number;
      /** 0 default, 1 ingress, 2 egress. */
      readonly direction: number;
    }
  | { readonly type: 'clone'; readonly actions: readonly Ofpact[] }
  // --- Connection tracking ---
  | {
      readonly type: 'ct';
      readonly flags: number;
      /** The zone: an immediate value or a 16-bit subfield. */
      readonly zoneImm: number;
      readonly zoneSrc?: Subfield;
      /** 0xff: do not recirculate. */
      readonly recircTable: number;
      readonly alg: number;
      /** set_field/load of ct_mark and ct_label, and nat. */
      readonly actions: readonly Ofpact[];
    }
  | { readonly type: 'ct-clear' }
  | Nat
  | { readonly type: 'check-pkt-larger'; readonly pktLen: number; readonly dst: Subfield }
  // --- Encapsulation ---
  /** packetType: (namespace << 16) | type. */
  | { readonly type: 'encap'; readonly packetType: number; readonly props: readonly EncapProperty[] }
  | { readonly type: 'decap'; readonly packetType: number }
  | { readonly type: 'dec-nsh-ttl' }
  | { readonly type: 'debug-recirc' }
  | { readonly type: 'debug-slow' }
  // --- Instructions (OpenFlow 1.1+; emulated or dropped in 1.0) ---
  | { readonly type: 'meter'; readonly meterId: number }
  | { readonly type: 'clear-actions' }
  | { readonly type: 'write-actions'; readonly actions: readonly Ofpact[] }
  | { readonly type: 'write-metadata'; readonly metadata: readonly [number, number]; readonly mask: readonly [number, number] }
  | { readonly type: 'goto-table'; readonly tableId: number };

export type OfpactType = Ofpact['type'];

/** Instruction kinds in the order OpenFlow 1.1+ requires them. */
export const INSTRUCTION_ORDER: readonly OfpactType[] = [
  'meter', 'clear-actions', 'write-actions', 'write-metadata', 'goto-table',
];

/** Instruction names as ovs-ofctl's ordering errors spell them. */
export const INSTRUCTION_NAMES: Partial<Record<OfpactType, string>> = {
  meter: 'meter',
  'clear-actions': 'clear_actions',
  'write-actions': 'write_actions',
  'write-metadata': 'write_metadata',
  'goto-table': 'goto_table',
};
