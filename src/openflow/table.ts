// Table descriptions (OpenFlow 1.4+): eviction and vacancy configuration with
// their properties, as the table status message and the table description
// reply carry them; decode, encode and ofp-print text.

import { OfpError } from './ofp-error.js';
import { OfpReader, OfpWriter } from './ofpbuf.js';

export interface TableDesc {
  readonly tableId: number;
  /** OFPTC_EVICTION 4, OFPTC_VACANCY_EVENTS 8. */
  readonly config: number;
  /** OFPTMPEF_OTHER 1, IMPORTANCE 2, LIFETIME 4; undefined without an eviction property. */
  readonly evictionFlags?: number;
  /** Vacancy thresholds and current vacancy (percent); undefined without a vacancy property. */
  readonly vacancy?: { readonly down: number; readonly up: number; readonly current: number };
}

export interface TableStatusMsg {
  readonly kind: 'table-status';
  readonly version: number;
  readonly xid: number;
  /** OFPTR_VACANCY_DOWN 3, OFPTR_VACANCY_UP 4. */
  readonly reason: number;
  readonly table: TableDesc;
}

export interface TableDescReplyMsg {
  readonly kind: 'table-desc-reply';
  readonly version: number;
  readonly xid: number;
  readonly flags: number;
  readonly tables: readonly TableDesc[];
}

const OFPTMPT_EVICTION = 2;
const OFPTMPT_VACANCY = 3;

export function decodeTableDesc(r: OfpReader): TableDesc {
  const length = r.u16();
  if (length < 8 || length - 2 > r.remaining) throw new OfpError('OFPBRC_BAD_LEN', `table description length ${length}`);
  const t = r.sub(length - 2);
  const tableId = t.u8();
  t.skip(1);
  const config = t.u32();
  let evictionFlags: number | undefined;
  let vacancy: TableDesc['vacancy'];
  while (t.remaining > 0) {
    const type = t.u16();
    const propLength = t.u16();
    if (propLength < 4) throw new OfpError('OFPBPC_BAD_LEN', `table property length ${propLength}`);
    const p = t.sub(propLength - 4, 'OFPBPC_BAD_LEN');
    t.skip(Math.min(t.remaining, ((propLength + 7) & ~7) - propLength));
    if (type === OFPTMPT_EVICTION) {
      if (propLength !== 8) throw new OfpError('OFPBPC_BAD_LEN', 'eviction property length');
      evictionFlags = p.u32();
    } else if (type === OFPTMPT_VACANCY) {
      if (propLength !== 8) throw new OfpError('OFPBPC_BAD_LEN', 'vacancy property length');
      vacancy = { down: p.u8(), up: p.u8(), current: p.u8() };
    } else {
      throw new OfpError('OFPBPC_BAD_TYPE', `TODO(#5): table property ${type}`);
    }
  }
  return { tableId, config, ...(evictionFlags !== undefined ? { evictionFlags } : {}), ...(vacancy ? { vacancy } : {}) };
}

export function encodeTableDesc(t: TableDesc, w: OfpWriter): void {
  const start = w.length;
  w.u16(0);
  w.u8(t.tableId);
  w.zeros(1);
  w.u32(t.config);
  if (t.evictionFlags !== undefined) {
    w.u16(OFPTMPT_EVICTION);
    w.u16(8);
    w.u32(t.evictionFlags);
  }
  if (t.vacancy) {
    w.u16(OFPTMPT_VACANCY);
    w.u16(8);
    w.u8(t.vacancy.down);
    w.u8(t.vacancy.up);
    w.u8(t.vacancy.current);
    w.zeros(1);
  }
  w.setU16(start, w.length - start);
}

export function decodeTableStatus(version: number, xid: number, r: OfpReader): TableStatusMsg {
  const reason = r.u8();
  r.skip(7);
  const table = decodeTableDesc(r);
  if (r.remaining !== 0) throw new OfpError('OFPBRC_BAD_LEN', 'table status length');
  return { kind: 'table-status', version, xid, reason, table };
}

export function encodeTableStatus(msg: TableStatusMsg, w: OfpWriter): void {
  w.u8(msg.reason);
  w.zeros(7);
  encodeTableDesc(msg.table, w);
}

export function decodeTableDescReply(version: number, xid: number, flags: number, r: OfpReader): TableDescReplyMsg {
  const tables: TableDesc[] = [];
  while (r.remaining > 0) tables.push(decodeTableDesc(r));
  return { kind: 'table-desc-reply', version, xid, flags, tables };
}

export function encodeTableDescReply(msg: TableDescReplyMsg, w: OfpWriter): void {
  for (const t of msg.tables) encodeTableDesc(t, w);
}

// --- Text ------------------------------------------------------------------------

function evictionFlagNames(flags: number | undefined): string {
  if (flags === undefined) return '(default)';
  const names: string[] = [];
  if (flags & 1) names.push('OTHER');
  if (flags & 2) names.push('IMPORTANCE');
  if (flags & 4) names.push('LIFETIME');
  return names.join('|');
}

export function formatTableDesc(t: TableDesc): string {
  let s = `  table ${t.tableId}:\n`;
  s += `   eviction=${t.config & 4 ? 'on' : 'off'} eviction_flags=${evictionFlagNames(t.evictionFlags)}\n`;
  if (t.config & 8) {
    const v = t.vacancy ?? { down: 0, up: 0, current: 0 };
    s += `   vacancy=on vacancy_down=${v.down}% vacancy_up=${v.up}% vacancy=${v.current}%\n`;
  } else {
    s += '   vacancy=off\n';
  }
  return s;
}

const TABLE_STATUS_REASONS: Readonly<Record<number, string>> = { 3: 'VACANCY_DOWN', 4: 'VACANCY_UP' };

export function formatTableStatus(msg: TableStatusMsg): string {
  return ` reason=${TABLE_STATUS_REASONS[msg.reason] ?? msg.reason}\ntable_desc:-\n${formatTableDesc(msg.table)}`;
}

export function formatTableDescReply(msg: TableDescReplyMsg): string {
  return '\n' + msg.tables.map(formatTableDesc).join('\n');
}
