// Smaller Nicira extension messages: the TLV mapping table (NXT_TLV_TABLE_MOD,
// _REQUEST, _REPLY, which tell the switch where tun_metadataN options live),
// flow monitor control (NXT_FLOW_MONITOR_CANCEL, _PAUSED, _RESUMED) and
// NXT_SET_ASYNC_CONFIG; decode, encode and ofp-print text.

import { OfpError } from './ofp-error.js';
import { OfpReader, OfpWriter } from './ofpbuf.js';

/** One TLV mapping: a Geneve option (class, type, length) to tun_metadata<index>. */
export interface TlvMap {
  readonly optionClass: number;
  readonly optionType: number;
  readonly optionLength: number;
  readonly index: number;
}

export interface TlvTableMsg {
  readonly kind: 'tlv-table-mod' | 'tlv-table-request' | 'tlv-table-reply';
  readonly version: number;
  readonly xid: number;
  /** Mod: NXTTMC_ADD 0, DELETE 1, CLEAR 2. */
  readonly command: number;
  /** Reply: the switch's limits. */
  readonly maxOptionSpace: number;
  readonly maxFields: number;
  readonly maps: readonly TlvMap[];
}

export interface FlowMonitorControlMsg {
  readonly kind: 'flow-monitor-cancel' | 'flow-monitor-paused' | 'flow-monitor-resumed';
  readonly version: number;
  readonly xid: number;
  /** Cancel: the monitor id. */
  readonly id: number;
}

function decodeMaps(r: OfpReader): TlvMap[] {
  if (r.remaining % 8 !== 0) throw new OfpError('OFPBRC_BAD_LEN', 'TLV map length');
  const maps: TlvMap[] = [];
  while (r.remaining > 0) {
    const optionClass = r.u16();
    const optionType = r.u8();
    const optionLength = r.u8();
    const index = r.u16();
    r.skip(2);
    maps.push({ optionClass, optionType, optionLength, index });
  }
  return maps;
}

function encodeMaps(maps: readonly TlvMap[], w: OfpWriter): void {
  for (const m of maps) {
    w.u16(m.optionClass);
    w.u8(m.optionType);
    w.u8(m.optionLength);
    w.u16(m.index);
    w.zeros(2);
  }
}

export function decodeTlvTable(kind: TlvTableMsg['kind'], version: number, xid: number, r: OfpReader): TlvTableMsg {
  const base = { kind, version, xid };
  if (kind === 'tlv-table-request') {
    if (r.remaining !== 0) throw new OfpError('OFPBRC_BAD_LEN', 'TLV table request length');
    return { ...base, command: 0, maxOptionSpace: 0, maxFields: 0, maps: [] };
  }
  if (kind === 'tlv-table-mod') {
    const command = r.u16();
    r.skip(6);
    return { ...base, command, maxOptionSpace: 0, maxFields: 0, maps: decodeMaps(r) };
  }
  const maxOptionSpace = r.u32();
  const maxFields = r.u16();
  r.skip(10);
  return { ...base, command: 0, maxOptionSpace, maxFields, maps: decodeMaps(r) };
}

export function encodeTlvTable(msg: TlvTableMsg, w: OfpWriter): void {
  if (msg.kind === 'tlv-table-request') return;
  if (msg.kind === 'tlv-table-mod') {
    w.u16(msg.command);
    w.zeros(6);
  } else {
    w.u32(msg.maxOptionSpace);
    w.u16(msg.maxFields);
    w.zeros(10);
  }
  encodeMaps(msg.maps, w);
}

export function decodeFlowMonitorControl(
  kind: FlowMonitorControlMsg['kind'], version: number, xid: number, r: OfpReader,
): FlowMonitorControlMsg {
  if (kind === 'flow-monitor-cancel') {
    if (r.remaining !== 4) throw new OfpError('OFPBRC_BAD_LEN', 'flow monitor cancel length');
    return { kind, version, xid, id: r.u32() };
  }
  if (r.remaining !== 0) throw new OfpError('OFPBRC_BAD_LEN', 'flow monitor pause length');
  return { kind, version, xid, id: 0 };
}

export function encodeFlowMonitorControl(msg: FlowMonitorControlMsg, w: OfpWriter): void {
  if (msg.kind === 'flow-monitor-cancel') w.u32(msg.id);
}

// --- Text ------------------------------------------------------------------------

/** C's "%#Nx": hex with 0x (none for zero), right-aligned in N columns. */
function altHex(v: number, width: number): string {
  return (v === 0 ? '0' : `0x${v.toString(16)}`).padStart(width);
}

function formatMaps(maps: readonly TlvMap[]): string {
  let s = '  class  type  length  match field\n ------  ----  ------  --------------\n';
  for (const m of maps) {
    s += ` ${altHex(m.optionClass, 6)}  ${altHex(m.optionType, 4)}  ${String(m.optionLength).padStart(6)}  tun_metadata${m.index}\n`;
  }
  return s;
}

export function formatTlvTable(msg: TlvTableMsg): string {
  if (msg.kind === 'tlv-table-request') return '\n';
  if (msg.kind === 'tlv-table-mod') {
    const command = ['ADD', 'DEL', 'CLEAR'][msg.command] ?? `cmd:${msg.command}`;
    if (msg.command === 2) return `\n ${command}\n`;
    return `\n ${command} mapping table:\n${formatMaps(msg.maps)}`;
  }
  const allocated = msg.maps.reduce((sum, m) => sum + m.optionLength, 0);
  return `\n max option space=${msg.maxOptionSpace} max fields=${msg.maxFields}\n allocated option space=${allocated}\n\n mapping table:\n${formatMaps(msg.maps)}`;
}

export function formatFlowMonitorControl(msg: FlowMonitorControlMsg): string {
  return msg.kind === 'flow-monitor-cancel' ? ` id=${msg.id}\n` : '\n';
}
