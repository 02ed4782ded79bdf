// ofp-print: OpenFlow messages as text, exactly as `ovs-ofctl ofp-print HEX`
// prints them (the same text ovs-ofctl snoop/monitor and vswitchd logs use).
// Called by `ovs-ts ofctl ofp-print` and by anything that logs a message;
// decodes with messages.ts and formats matches with src/flow/format.ts.
// Actions print through the `formatActions` option; the default decodes them
// with src/openflow/actions/ and prints them as ovs-ofctl does.

import { formatMatch, formatPort } from '../flow/format.js';
import { decodeActions, formatActions } from './actions/index.js';
import { errorDataIsText } from './errors.js';
import { type FlowModMsg, type OfpMessage, decodeHeader, decodeMessage, identify, OFP_HEADER_SIZE } from './messages.js';
import { OfpError } from './ofp-error.js';
import { formatTableDescReply, formatTableStatus } from './table.js';
import { formatFlowMonitorControl, formatTlvTable } from './nicira.js';
import { formatPortStatsReply, formatQueueStatsReply, formatTableStatsReply } from './stats.js';
import { formatGroupDescReply, formatGroupMod } from './group.js';
import { formatAsyncConfig, formatBundleAdd, formatBundleControl, formatRoleStatus } from './control.js';
import { formatMeterConfigReply, formatMeterFeaturesReply, formatMeterId, formatMeterMod, formatMeterStatsReply } from './meter.js';
import { formatFlowRemoved, formatPacketIn, formatPacketOut } from './packet.js';
import { bitNames, formatFeatures, formatHwAddr, formatPorts, PORT_CONFIG_NAMES } from './port.js';

export interface PrintOptions {
  /** ovs-ofctl's verbosity (default 1). */
  readonly verbosity?: number;
  /**
   * Formats actions (or, with `instructions`, OF1.1+ instructions) given as
   * wire bytes. The default decodes them with src/openflow/actions/ and
   * prints them as ovs-ofctl does ("drop" for none); an OfpError it throws
   * prints as a decode error of the whole message, as in Open vSwitch.
   */
  readonly formatActions?: (bytes: Uint8Array, version: number, instructions: boolean) => string;
}

export function defaultFormatActions(bytes: Uint8Array, version: number, instructions: boolean): string {
  return formatActions(decodeActions(bytes, version, { instructions }));
}

/** OVS's hex dump: offset, 16 bytes with a dash after the eighth, and printable ASCII. */
export function hexDump(bytes: Uint8Array, startOffset = 0): string {
  let out = '';
  for (let at = 0; at < bytes.length; at += 16) {
    const line = bytes.subarray(at, at + 16);
    out += (startOffset + at).toString(16).padStart(8, '0') + '  ';
    for (let j = 0; j < 16; j++) {
      if (j < line.length) out += line[j].toString(16).padStart(2, '0') + (j === 7 ? '-' : ' ');
      else out += '   ';
    }
    out += '|';
    for (let j = 0; j < 16; j++) {
      if (j < line.length) out += line[j] >= 0x20 && line[j] < 0x7f ? String.fromCharCode(line[j]) : '.';
      else out += ' ';
    }
    out += '|\n';
  }
  return out;
}

function hex(n: number): string {
  return `0x${(n >>> 0).toString(16)}`;
}

function hex64(v: readonly [number, number]): string {
  if (v[0] === 0) return hex(v[1]);
  return `0x${v[0].toString(16)}${v[1].toString(16).padStart(8, '0')}`;
}

function dec64(v: readonly [number, number]): string {
  return (BigInt(v[0]) * 4294967296n + BigInt(v[1])).toString();
}

function versionSuffix(version: number): string {
  if (version === 1) return '';
  if (version >= 2 && version <= 6) return ` (OF1.${version - 1})`;
  return ` (OF 0x${version.toString(16).padStart(2, '0')})`;
}

/** Text that OVS prints for a data string: printable bytes as is, others as \ooo. */
function printable(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : `\\${b.toString(8).padStart(3, '0')}`;
  return s;
}

const FLOW_MOD_COMMANDS = ['ADD', 'MOD', 'MOD_STRICT', 'DEL', 'DEL_STRICT'];

function flowModFlagNames(msg: FlowModMsg): string[] {
  const names: string[] = [];
  const f = msg.flags;
  const of10 = msg.form !== 'of11' || msg.version <= 2;
  if (f & 1) names.push('send_flow_rem');
  if (f & 2) names.push('check_overlap');
  if (of10) {
    if (f & 4) names.push('emergency');
  } else {
    if (f & 4) names.push('reset_counts');
    if (f & 8) names.push('no_packet_counts');
    if (f & 16) names.push('no_byte_counts');
  }
  return names;
}

/** OFPFF_* flags of a flow-stats entry (OpenFlow 1.3 numbering) as ovs-ofctl names them. */
function flowStatsFlagNames(flags: number): string[] {
  const names = ['send_flow_rem', 'check_overlap', 'reset_counts', 'no_packet_counts', 'no_byte_counts'];
  return names.filter((_, bit) => (flags & (1 << bit)) !== 0);
}

function formatFlowMod(msg: FlowModMsg, options: PrintOptions): string {
  let s = ' ' + (FLOW_MOD_COMMANDS[msg.command] ?? `cmd:${msg.command}`);
  if (msg.tableId !== 0) s += ` table:${msg.tableId}`;
  const matchText = formatMatch(msg.match, { priority: msg.priority });
  if (matchText !== '') s += ' ' + matchText;
  const cookieMasked = msg.cookieMask[0] !== 0 || msg.cookieMask[1] !== 0;
  if (cookieMasked) {
    const full = msg.cookieMask[0] === 0xffffffff && msg.cookieMask[1] === 0xffffffff;
    s += ` cookie:${hex64(msg.cookie)}${full ? '' : '/' + hex64(msg.cookieMask)}`;
  } else if (msg.cookie[0] !== 0 || msg.cookie[1] !== 0) {
    s += ` cookie:${hex64(msg.cookie)}`;
  }
  if (msg.idleTimeout) s += ` idle:${msg.idleTimeout}`;
  if (msg.hardTimeout) s += ` hard:${msg.hardTimeout}`;
  if (msg.importance) s += ` importance:${msg.importance}`;
  if (msg.bufferId !== 0xffffffff) s += ` buf:${hex(msg.bufferId)}`;
  if (msg.outPort !== 0xffff) s += ` out_port:${formatPort(msg.outPort)}`;
  // TODO(#5): out_group as ovs-ofctl prints it.
  for (const name of flowModFlagNames(msg)) s += ` ${name}`;
  const format = options.formatActions ?? defaultFormatActions;
  s += ` actions=${format(msg.actions, msg.version, msg.form === 'of11')}`;
  return s;
}

const FRAG_NAMES = ['normal', 'drop', 'reassemble', 'nx-match'];
const NX_FLOW_FORMATS: Readonly<Record<number, string>> = { 0: 'openflow10', 2: 'nxm' };
const PACKET_IN_FORMATS: Readonly<Record<number, string>> = { 0: 'standard', 1: 'nxt_packet_in', 2: 'nxt_packet_in2' };
const ROLE_NAMES = ['nochange', 'equal', 'primary', 'secondary'];

/** Group ids as ovs-ofctl prints them: ALL and ANY by name. */
function formatGroupId(id: number): string {
  if (id === 0xfffffffc) return 'ALL';
  if (id === 0xffffffff) return 'ANY';
  return String(id);
}

/** Capability bits in ovs-ofctl's order; bit 3 is STP in OpenFlow 1.0 and GROUP_STATS later. */
function capabilityNames(version: number, caps: number): string {
  const names: Array<[number, string]> = [
    [1, 'FLOW_STATS'], [2, 'TABLE_STATS'], [4, 'PORT_STATS'], [8, version === 1 ? 'STP' : 'GROUP_STATS'],
    [32, 'IP_REASM'], [64, 'QUEUE_STATS'], [128, 'ARP_MATCH_IP'], [256, 'PORT_BLOCKED'], [512, 'BUNDLES'],
  ];
  const out = names.filter(([bit, name]) => caps & bit && !(version >= 3 && name === 'ARP_MATCH_IP') && !(version < 4 && bit === 256) && !(version < 5 && bit === 512));
  return out.length ? out.map(([, n]) => n).join(' ') : '0';
}

/** OpenFlow 1.0 action bits in the order ovs-ofctl lists them. */
function of10ActionNames(actions: number): string {
  const order: Array<[number, string]> = [
    [0, 'output'], [11, 'enqueue'], [1, 'set_vlan_vid'], [2, 'set_vlan_pcp'], [3, 'strip_vlan'], [4, 'mod_dl_src'],
    [5, 'mod_dl_dst'], [6, 'mod_nw_src'], [7, 'mod_nw_dst'], [8, 'mod_nw_tos'], [9, 'mod_tp_src'], [10, 'mod_tp_dst'],
  ];
  const out = order.filter(([bit]) => actions & (1 << bit)).map(([, n]) => n);
  return out.length ? out.join(' ') : '0';
}

/** The body text of a decoded message (after "NAME (xid=...):"). */
function formatBody(msg: OfpMessage, bytes: Uint8Array, options: PrintOptions): string {
  switch (msg.kind) {
    case 'hello': {
      let s = '\n version bitmap: ' + msg.versions.map((v) => `0x${v.toString(16).padStart(2, '0')}`).join(', ') + '\n';
      if (!msg.elementsOk) s += ' unknown data in hello:\n' + hexDump(bytes);
      return s;
    }
    case 'error': {
      let s = ` ${msg.errorName}\n`;
      if (errorDataIsText(msg.errorName)) s += printable(msg.data) + '\n';
      else s += ofpToString(msg.data, { ...options, verbosity: 1 });
      return s;
    }
    case 'echo-request':
    case 'echo-reply':
      return ` ${msg.payload.length} bytes of payload\n` + ((options.verbosity ?? 1) > 0 ? hexDump(msg.payload) : '');
    case 'features-request':
    case 'get-config-request':
    case 'barrier-request':
    case 'barrier-reply':
    case 'desc-request':
      return '\n';
    case 'get-config-reply':
    case 'set-config': {
      let s = ` frags=${FRAG_NAMES[msg.flags & 3]}`;
      if (msg.flags & 4) s += ' invalid_ttl_to_controller';
      return s + ` miss_send_len=${msg.missSendLen}\n`;
    }
    case 'flow-mod':
      return formatFlowMod(msg, options) + '\n';
    case 'nx-set-flow-format':
      return ` format=${NX_FLOW_FORMATS[msg.value] ?? `0x${msg.value.toString(16)}`}\n`;
    case 'nx-set-packet-in-format':
      return ` format=${PACKET_IN_FORMATS[msg.value] ?? msg.value}\n`;
    case 'nx-flow-mod-table-id':
      return ` ${msg.value ? 'enable' : 'disable'}\n`;
    case 'nx-set-controller-id':
      return ` id=${msg.value}\n`;
    case 'role-request':
    case 'role-reply': {
      let s = ` role=${ROLE_NAMES[msg.role]}`;
      if (!msg.nicira && !(msg.generationId[0] === 0xffffffff && msg.generationId[1] === 0xffffffff)) {
        s += ` generation_id=${dec64(msg.generationId)}`;
      }
      return s + '\n';
    }
    case 'desc-reply':
      return `\nManufacturer: ${msg.manufacturer}\nHardware: ${msg.hardware}\nSoftware: ${msg.software}\n` +
        `Serial Num: ${msg.serialNumber}\nDP Description: ${msg.datapath}\n`;
    case 'flow-stats-request':
    case 'aggregate-stats-request': {
      let s = '';
      if (msg.tableId !== 0xff) s += ` table=${msg.tableId}`;
      if (msg.outPort !== 0xffff) s += ` out_port=${formatPort(msg.outPort)}`;
      const m = formatMatch(msg.match);
      if (m !== '') s += ' ' + m;
      return s + '\n';
    }
    case 'packet-in':
      return formatPacketIn(msg, options.verbosity ?? 1);
    case 'packet-out':
      return formatPacketOut(msg, options.verbosity ?? 1, options.formatActions ?? defaultFormatActions);
    case 'flow-removed':
      return formatFlowRemoved(msg);
    case 'features-reply': {
      let s = ` dpid:${msg.datapathId[0].toString(16).padStart(8, '0')}${msg.datapathId[1].toString(16).padStart(8, '0')}\n`;
      s += `n_tables:${msg.nTables}, n_buffers:${msg.nBuffers}\n`;
      if (msg.auxiliaryId) s += `auxiliary_id:${msg.auxiliaryId}\n`;
      s += `capabilities: ${capabilityNames(msg.version, msg.capabilities)}\n`;
      if (msg.version === 1) s += `actions: ${of10ActionNames(msg.actions)}\n`;
      return s + formatPorts(msg.ports);
    }
    case 'port-desc-request':
      return ` port=${formatPort(msg.portNo)}\n`;
    case 'port-desc-reply':
      return '\n' + formatPorts(msg.ports);
    case 'port-status':
      return ` ${['ADD', 'DEL', 'MOD'][msg.reason]}:${formatPorts([msg.port])}`;
    case 'port-mod': {
      let s = ` port: ${formatPort(msg.portNo)}: addr:${formatHwAddr(msg.hwAddr)}\n`;
      s += `     config: ${bitNames(msg.config, (b) => PORT_CONFIG_NAMES[b])}\n`;
      s += `     mask:   ${bitNames(msg.mask, (b) => PORT_CONFIG_NAMES[b])}\n`;
      s += `     advertise: ${msg.advertise ? formatFeatures(msg.advertise) : 'UNCHANGED'}\n`;
      return s;
    }
    case 'stats-request':
      switch (msg.stat) {
        case 4:
          return ` port_no=${formatPort(msg.portNo)}\n`;
        case 5:
          // OpenFlow 1.0 says "every port" with OFPP_ALL; Open vSwitch shows it as ANY.
          return ` port=${formatPort(msg.version === 1 && msg.portNo === 0xfffc ? 0xffff : msg.portNo)} queue=${msg.id === 0xffffffff ? 'ALL' : msg.id}\n`;
        case 6:
        case 7:
          return ` group_id=${formatGroupId(msg.id)}\n`;
        case 9:
        case 10:
          return ` meter=${formatMeterId(msg.id)}\n`;
        default:
          return '\n';
      }
    case 'meter-mod':
      return formatMeterMod(msg);
    case 'role-status':
      return formatRoleStatus(msg);
    case 'port-stats-reply':
      return formatPortStatsReply(msg);
    case 'table-stats-reply':
      return formatTableStatsReply(msg);
    case 'table-status':
      return formatTableStatus(msg);
    case 'table-desc-reply':
      return formatTableDescReply(msg);
    case 'tlv-table-mod':
    case 'tlv-table-request':
    case 'tlv-table-reply':
      return formatTlvTable(msg);
    case 'flow-monitor-cancel':
    case 'flow-monitor-paused':
    case 'flow-monitor-resumed':
      return formatFlowMonitorControl(msg);
    case 'queue-stats-reply':
      return formatQueueStatsReply(msg);
    case 'group-mod':
      return formatGroupMod(msg, options.formatActions ?? defaultFormatActions);
    case 'group-desc-reply':
      return formatGroupDescReply(msg, options.formatActions ?? defaultFormatActions);
    case 'get-async-request':
    case 'get-async-reply':
    case 'set-async':
      return formatAsyncConfig(msg);
    case 'bundle-control':
      return formatBundleControl(msg);
    case 'bundle-add':
      return formatBundleAdd(msg, (inner) => ofpToString(inner, options));
    case 'meter-features-reply':
      return formatMeterFeaturesReply(msg);
    case 'meter-stats-reply':
      return formatMeterStatsReply(msg);
    case 'meter-config-reply':
      return formatMeterConfigReply(msg);
    case 'flow-stats-reply': {
      const format = options.formatActions ?? defaultFormatActions;
      let s = '\n';
      for (const f of msg.flows) {
        s += ` cookie=${hex64(f.cookie)}, duration=${f.durationSec}.${String(Math.floor(f.durationNsec / 1e6)).padStart(3, '0')}s, table=${f.tableId}, `;
        s += `n_packets=${dec64(f.packetCount)}, n_bytes=${dec64(f.byteCount)}, `;
        if (f.idleTimeout) s += `idle_timeout=${f.idleTimeout}, `;
        if (f.hardTimeout) s += `hard_timeout=${f.hardTimeout}, `;
        for (const name of flowStatsFlagNames(f.flags)) s += `${name} `;
        if (f.importance) s += `importance=${f.importance}, `;
        if (f.idleAge > 0) s += `idle_age=${f.idleAge - 1}, `;
        if (f.hardAge > 0 && f.hardAge - 1 !== f.durationSec) s += `hard_age=${f.hardAge - 1}, `;
        const m = formatMatch(f.match, { priority: f.priority });
        s += `${m}${m === '' ? '' : ' '}actions=${format(f.actions, msg.version, !msg.nicira && msg.version > 1)}\n`;
      }
      return s;
    }
    case 'table-mod': {
      const table = msg.tableId === 255 ? 'all' : String(msg.tableId);
      if (msg.version < 5) {
        const miss = ['controller', 'continue', 'drop'][msg.config & 3] ?? 'default';
        return ` table_id=${table}, flow_miss_config=${miss}\n`;
      }
      return ` table_id=${table}, eviction=${msg.config & 4 ? 'on' : 'off'}, vacancy=${msg.config & 8 ? 'on' : 'off'}\n`;
    }
    case 'aggregate-stats-reply':
      return ` packet_count=${dec64(msg.packetCount)} byte_count=${dec64(msg.byteCount)} flow_count=${msg.flowCount}\n`;
  }
}

/**
 * The text `ovs-ofctl ofp-print` prints for `bytes` (one message), newline
 * included.
 */
export function ofpToString(bytes: Uint8Array, options: PrintOptions = {}): string {
  if (bytes.length === 0) return 'OpenFlow message is empty\n';
  if (bytes.length < OFP_HEADER_SIZE) return `OpenFlow packet too short (only ${bytes.length} bytes):\n` + hexDump(bytes);
  const h = decodeHeader(bytes);
  if (h.length > bytes.length) {
    // Open vSwitch names the message first when its header alone says what it is.
    let head = '';
    try {
      head = `${identify(bytes).name}${versionSuffix(h.version)} (xid=${hex(h.xid)}):\n`;
    } catch (error) {
      if (!(error instanceof OfpError)) throw error;
    }
    return `${head}(***truncated to ${bytes.length} bytes from ${h.length}***)\n` + hexDump(bytes);
  }
  if (h.length < bytes.length) {
    return `(***only uses ${h.length} bytes out of ${bytes.length}***)\n` + hexDump(bytes);
  }
  let name: string;
  try {
    name = identify(bytes).name;
  } catch (error) {
    if (!(error instanceof OfpError)) throw error;
    return `***decode error: ${error.errorName}***\n` + hexDump(bytes);
  }
  let msg: OfpMessage;
  const head = `${name}${versionSuffix(h.version)} (xid=${hex(h.xid)}):`;
  try {
    msg = decodeMessage(bytes);
  } catch (error) {
    if (!(error instanceof OfpError)) throw error;
    // Length errors come from Open vSwitch's check of a message's size, made
    // before it prints a name; OFPT_ERROR's come from reading its body.
    if (error.errorName === 'OFPBRC_BAD_LEN' && name !== 'OFPT_ERROR') {
      return `***decode error: ${error.errorName}***\n` + hexDump(bytes);
    }
    return `${head} ***decode error: ${error.errorName}***\n` + hexDump(bytes);
  }
  try {
    return head + formatBody(msg, bytes, options);
  } catch (error) {
    // Actions are decoded only here; Open vSwitch fails the whole message on them.
    if (!(error instanceof OfpError)) throw error;
    return `${head} ***decode error: ${error.errorName}***\n` + hexDump(bytes);
  }
}
