// Unit tests of shashOrder(): the inputs are the member order a real
// ovsdb-server 3.1 sent in its get_schema reply for Debian's vswitch schema,
// and the expected orders are what the real ovsdb-client list-tables and
// list-columns printed for it.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ovsHashString, shashOrder } from './shash-order.js';

const WIRE_TABLES = [
  'Controller', 'Bridge', 'Queue', 'IPFIX', 'NetFlow', 'Open_vSwitch', 'CT_Zone', 'QoS', 'Datapath', 'SSL', 'Port', 'sFlow',
  'Flow_Sample_Collector_Set', 'CT_Timeout_Policy', 'Mirror', 'Flow_Table', 'Interface', 'AutoAttach', 'Manager',
];
const WIRE_BRIDGE_COLUMNS = [
  'name', 'flood_vlans', 'stp_enable', 'ports', 'auto_attach', 'fail_mode', 'rstp_enable', 'rstp_status', 'flow_tables',
  'netflow', 'datapath_type', 'controller', 'other_config', 'external_ids', 'status', 'ipfix', 'mirrors', 'datapath_id',
  'mcast_snooping_enable', 'protocols', 'sflow', 'datapath_version',
];

test('shashOrder() lists tables as the real ovsdb-client list-tables does', () => {
  assert.deepEqual(shashOrder(shashOrder(WIRE_TABLES)), [
    'Controller', 'Bridge', 'Queue', 'IPFIX', 'NetFlow', 'Open_vSwitch', 'CT_Zone', 'QoS', 'Datapath', 'SSL', 'Port', 'sFlow',
    'Flow_Sample_Collector_Set', 'CT_Timeout_Policy', 'Mirror', 'Flow_Table', 'Interface', 'AutoAttach', 'Manager',
  ]);
});

test('shashOrder() lists columns (with _uuid and _version) as the real ovsdb-client list-columns does', () => {
  assert.deepEqual(shashOrder(['_uuid', '_version', ...shashOrder(WIRE_BRIDGE_COLUMNS)]), [
    'name', 'flood_vlans', 'stp_enable', 'ports', 'auto_attach', 'rstp_enable', '_uuid', 'fail_mode', 'rstp_status',
    'flow_tables', '_version', 'netflow', 'datapath_type', 'controller', 'ipfix', 'status', 'other_config', 'external_ids',
    'mirrors', 'datapath_id', 'mcast_snooping_enable', 'protocols', 'sflow', 'datapath_version',
  ]);
});

test('ovsHashString() depends on every byte, including a tail shorter than 4 bytes', () => {
  const hashes = new Set(['', 'a', 'ab', 'abc', 'abcd', 'abcde', 'é'].map((name) => ovsHashString(name)));
  assert.equal(hashes.size, 7);
  assert.equal(ovsHashString(''), 0);
});
