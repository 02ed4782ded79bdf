// Typed access to the Open_vSwitch schema on top of an IDL replica: each
// table lists only the columns vsctl and the bridge read, with the TypeScript
// type its values decode to (scalars, optional values, sets, string maps).
// Decoding follows the schema at run time, so the declarations here are the
// only copy; tables and columns not listed stay reachable as raw datums.

import type { Datum } from '../data.js';
import type { ColumnType } from '../schema.js';
import type { Idl, IdlRow } from './idl.js';

/** How a column decodes: "x" one value, "x?" zero or one, "x[]" a set, "map" a string-to-string map. */
type Kind = 'string' | 'string?' | 'string[]' | 'integer' | 'integer?' | 'integer[]' | 'boolean' | 'boolean?'
  | 'real?' | 'uuid?' | 'uuid[]' | 'map';

type Decoded<K extends Kind> =
  K extends 'string' ? string : K extends 'string?' ? string | undefined : K extends 'string[]' ? string[]
    : K extends 'integer' ? number : K extends 'integer?' ? number | undefined : K extends 'integer[]' ? number[]
      : K extends 'boolean' ? boolean : K extends 'boolean?' ? boolean | undefined
        : K extends 'real?' ? number | undefined
          : K extends 'uuid?' ? string | undefined : K extends 'uuid[]' ? string[]
            : Map<string, string>;

/** The tables and columns given types here (the schema has more). */
export interface VswitchSchema {
  Open_vSwitch: {
    bridges: 'uuid[]'; manager_options: 'uuid[]'; ssl: 'uuid?'; next_cfg: 'integer'; cur_cfg: 'integer';
    ovs_version: 'string?'; db_version: 'string?'; system_type: 'string?'; system_version: 'string?';
    datapath_types: 'string[]'; iface_types: 'string[]'; external_ids: 'map'; other_config: 'map';
  };
  Bridge: {
    name: 'string'; ports: 'uuid[]'; controller: 'uuid[]'; mirrors: 'uuid[]'; netflow: 'uuid?'; sflow: 'uuid?';
    ipfix: 'uuid?'; fail_mode: 'string?'; datapath_type: 'string'; datapath_id: 'string?'; protocols: 'string[]';
    stp_enable: 'boolean'; rstp_enable: 'boolean'; mcast_snooping_enable: 'boolean'; flood_vlans: 'integer[]';
    external_ids: 'map'; other_config: 'map'; status: 'map';
  };
  Port: {
    name: 'string'; interfaces: 'uuid[]'; tag: 'integer?'; trunks: 'integer[]'; vlan_mode: 'string?';
    fake_bridge: 'boolean'; bond_mode: 'string?'; lacp: 'string?'; qos: 'uuid?'; mac: 'string?';
    bond_fake_iface: 'boolean'; external_ids: 'map'; other_config: 'map';
  };
  Interface: {
    name: 'string'; type: 'string'; options: 'map'; ofport: 'integer?'; ofport_request: 'integer?';
    mtu: 'integer?'; mtu_request: 'integer?'; mac_in_use: 'string?'; mac: 'string?'; admin_state: 'string?';
    link_state: 'string?'; error: 'string?'; ingress_policing_rate: 'integer'; ingress_policing_burst: 'integer';
    external_ids: 'map'; other_config: 'map'; status: 'map';
  };
  Controller: {
    target: 'string'; is_connected: 'boolean'; role: 'string?'; connection_mode: 'string?';
    max_backoff: 'integer?'; inactivity_probe: 'integer?'; external_ids: 'map'; other_config: 'map';
  };
  Manager: {
    target: 'string'; is_connected: 'boolean'; inactivity_probe: 'integer?'; max_backoff: 'integer?';
    connection_mode: 'string?'; external_ids: 'map'; other_config: 'map';
  };
  Mirror: {
    name: 'string'; select_all: 'boolean'; select_src_port: 'uuid[]'; select_dst_port: 'uuid[]';
    select_vlan: 'integer[]'; output_port: 'uuid?'; output_vlan: 'integer?'; external_ids: 'map';
  };
  NetFlow: { targets: 'string[]'; engine_id: 'integer?'; engine_type: 'integer?'; active_timeout: 'integer'; external_ids: 'map' };
  sFlow: { targets: 'string[]'; agent: 'string?'; header: 'integer?'; polling: 'integer?'; sampling: 'integer?'; external_ids: 'map' };
  QoS: { type: 'string'; other_config: 'map'; external_ids: 'map' };
  SSL: { private_key: 'string'; certificate: 'string'; ca_cert: 'string'; bootstrap_ca_cert: 'boolean'; external_ids: 'map' };
}

export type VswitchTable = keyof VswitchSchema;

/** A row with its listed columns decoded. */
export type VswitchRow<T extends VswitchTable> = { readonly uuid: string } & {
  readonly [C in keyof VswitchSchema[T]]: VswitchSchema[T][C] extends Kind ? Decoded<VswitchSchema[T][C]> : never;
};

/** Decodes one datum by its column type (see Kind). */
export function decodeDatum(datum: Datum, type: ColumnType): unknown {
  if (type.value) {
    // QoS.queues maps integers to UUIDs; keys and values keep their atom types.
    return new Map(datum.keys.map((key, i) => [key, datum.values?.[i]]));
  }
  if (type.max === 1) return datum.keys[0];
  return [...datum.keys];
}

/** Decodes every replicated column of an IDL row. */
export function decodeRow<T extends VswitchTable>(idl: Idl, row: IdlRow): VswitchRow<T> {
  const schema = idl.tableSchema(row.table);
  const decoded: Record<string, unknown> = { uuid: row.uuid };
  for (const [column, datum] of row.columns) {
    const type = schema.columns.get(column)?.type;
    if (type) decoded[column] = decodeDatum(datum, type);
  }
  return decoded as VswitchRow<T>;
}

/** All rows of `table`, decoded. */
export function vswitchRows<T extends VswitchTable>(idl: Idl, table: T): VswitchRow<T>[] {
  return idl.rows(table).map((row) => decodeRow<T>(idl, row));
}

/** One row by UUID, decoded, or undefined. */
export function vswitchRow<T extends VswitchTable>(idl: Idl, table: T, uuid: string): VswitchRow<T> | undefined {
  const row = idl.row(table, uuid);
  return row && decodeRow<T>(idl, row);
}
