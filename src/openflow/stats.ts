// Port and queue statistics replies (OpenFlow 1.0-1.3): decode, encode and
// ofp-print text. Counters are 64-bit values kept as [high, low] halves;
// all ones means "not available" and prints as "?".
// TODO(#5): OpenFlow 1.4+ forms with properties.

import { formatPort } from '../flow/format.js';
import { OFP10_VERSION, OFP13_VERSION } from './errors.js';
import { port10To11, port11To10 } from './match.js';
import { OfpError } from './ofp-error.js';
import { OfpReader, OfpWriter } from './ofpbuf.js';

type U64 = readonly [number, number];

export interface PortStats {
  readonly portNo: number;
  /** rx_packets, tx_packets, rx_bytes, tx_bytes, rx_dropped, tx_dropped, rx_errors, tx_errors, rx_frame_err, rx_over_err, rx_crc_err, collisions. */
  readonly counters: readonly U64[];
  /** OpenFlow 1.3+ (all ones: unknown). */
  readonly durationSec: number;
  readonly durationNsec: number;
}

export interface PortStatsReplyMsg {
  readonly kind: 'port-stats-reply';
  readonly version: number;
  readonly xid: number;
  readonly flags: number;
  readonly ports: readonly PortStats[];
}

export interface QueueStats {
  readonly portNo: number;
  readonly queueId: number;
  readonly txBytes: U64;
  readonly txPackets: U64;
  readonly txErrors: U64;
  readonly durationSec: number;
  readonly durationNsec: number;
}

export interface QueueStatsReplyMsg {
  readonly kind: 'queue-stats-reply';
  readonly version: number;
  readonly xid: number;
  readonly flags: number;
  readonly queues: readonly QueueStats[];
}

function u64(r: OfpReader): [number, number] {
  return [r.u32(), r.u32()];
}

function portStatsSize(version: number): number {
  return version >= OFP13_VERSION ? 112 : 104;
}

export function decodePortStatsReply(version: number, xid: number, flags: number, r: OfpReader): PortStatsReplyMsg {
  const size = portStatsSize(version);
  if (r.remaining % size !== 0) throw new OfpError('OFPBRC_BAD_LEN', 'port stats length');
  const ports: PortStats[] = [];
  while (r.remaining > 0) {
    const portNo = version === OFP10_VERSION ? r.u16() : port11To10(r.u32());
    r.skip(version === OFP10_VERSION ? 6 : 4);
    const counters: U64[] = [];
    for (let i = 0; i < 12; i++) counters.push(u64(r));
    const durationSec = version >= OFP13_VERSION ? r.u32() : 0xffffffff;
    const durationNsec = version >= OFP13_VERSION ? r.u32() : 0xffffffff;
    ports.push({ portNo, counters, durationSec, durationNsec });
  }
  return { kind: 'port-stats-reply', version, xid, flags, ports };
}

export function encodePortStatsReply(msg: PortStatsReplyMsg, w: OfpWriter): void {
  for (const p of msg.ports) {
    if (msg.version === OFP10_VERSION) {
      w.u16(p.portNo);
      w.zeros(6);
    } else {
      w.u32(port10To11(p.portNo));
      w.zeros(4);
    }
    for (const c of p.counters) w.u64(c[0], c[1]);
    if (msg.version >= OFP13_VERSION) {
      w.u32(p.durationSec);
      w.u32(p.durationNsec);
    }
  }
}

export function decodeQueueStatsReply(version: number, xid: number, flags: number, r: OfpReader): QueueStatsReplyMsg {
  const size = version >= OFP13_VERSION ? 40 : 32;
  if (r.remaining % size !== 0) throw new OfpError('OFPBRC_BAD_LEN', 'queue stats length');
  const queues: QueueStats[] = [];
  while (r.remaining > 0) {
    let portNo: number;
    if (version === OFP10_VERSION) {
      portNo = r.u16();
      r.skip(2);
    } else {
      portNo = port11To10(r.u32());
    }
    const queueId = r.u32();
    const txBytes = u64(r);
    const txPackets = u64(r);
    const txErrors = u64(r);
    const durationSec = version >= OFP13_VERSION ? r.u32() : 0xffffffff;
    const durationNsec = version >= OFP13_VERSION ? r.u32() : 0xffffffff;
    queues.push({ portNo, queueId, txBytes, txPackets, txErrors, durationSec, durationNsec });
  }
  return { kind: 'queue-stats-reply', version, xid, flags, queues };
}

export function encodeQueueStatsReply(msg: QueueStatsReplyMsg, w: OfpWriter): void {
  for (const q of msg.queues) {
    if (msg.version === OFP10_VERSION) {
      w.u16(q.portNo);
      w.zeros(2);
    } else {
      w.u32(port10To11(q.portNo));
    }
    w.u32(q.queueId);
    for (const c of [q.txBytes, q.txPackets, q.txErrors]) w.u64(c[0], c[1]);
    if (msg.version >= OFP13_VERSION) {
      w.u32(q.durationSec);
      w.u32(q.durationNsec);
    }
  }
}

// --- Text ------------------------------------------------------------------------

function counter(v: U64): string {
  if (v[0] === 0xffffffff && v[1] === 0xffffffff) return '?';
  return (BigInt(v[0]) * 4294967296n + BigInt(v[1])).toString();
}

function duration(sec: number, nsec: number): string {
  if (sec === 0xffffffff) return '?';
  return `${sec}${nsec > 0 ? '.' + String(nsec).padStart(9, '0').replace(/0+$/, '') : ''}s`;
}

export function formatPortStatsReply(msg: PortStatsReplyMsg): string {
  let s = ` ${msg.ports.length} ports\n`;
  for (const p of msg.ports) {
    const c = p.counters.map(counter);
    const name = formatPort(p.portNo);
    s += `  port ${/^\d$/.test(name) ? ' ' + name : name}: rx pkts=${c[0]}, bytes=${c[2]}, drop=${c[4]}, errs=${c[6]}, `;
    s += `frame=${c[8]}, over=${c[9]}, crc=${c[10]}\n`;
    s += `           tx pkts=${c[1]}, bytes=${c[3]}, drop=${c[5]}, errs=${c[7]}, coll=${c[11]}\n`;
    if (msg.version >= OFP13_VERSION && p.durationSec !== 0xffffffff) s += `           duration=${duration(p.durationSec, p.durationNsec)}\n`;
  }
  return s;
}

export function formatQueueStatsReply(msg: QueueStatsReplyMsg): string {
  let s = ` ${msg.queues.length} queues\n`;
  for (const q of msg.queues) {
    s += `  port ${formatPort(q.portNo)} queue ${q.queueId === 0xffffffff ? 'ALL' : q.queueId}: `;
    s += `bytes=${counter(q.txBytes)}, pkts=${counter(q.txPackets)}, errors=${counter(q.txErrors)}, `;
    s += `duration=${duration(q.durationSec, q.durationNsec)}\n`;
  }
  return s;
}

/** One table of an OpenFlow 1.3+ table statistics reply. */
export interface TableStats {
  readonly tableId: number;
  readonly activeCount: number;
  readonly lookupCount: U64;
  readonly matchedCount: U64;
}

export interface TableStatsReplyMsg {
  readonly kind: 'table-stats-reply';
  readonly version: number;
  readonly xid: number;
  readonly flags: number;
  readonly tables: readonly TableStats[];
}

/** OpenFlow 1.3+ table statistics (24 bytes a table). TODO(#5): the 1.0-1.2 forms with table features. */
export function decodeTableStatsReply(version: number, xid: number, flags: number, r: OfpReader): TableStatsReplyMsg {
  if (r.remaining % 24 !== 0) throw new OfpError('OFPBRC_BAD_LEN', 'table stats length');
  const tables: TableStats[] = [];
  while (r.remaining > 0) {
    const tableId = r.u8();
    r.skip(3);
    tables.push({ tableId, activeCount: r.u32(), lookupCount: u64(r), matchedCount: u64(r) });
  }
  return { kind: 'table-stats-reply', version, xid, flags, tables };
}

export function encodeTableStatsReply(msg: TableStatsReplyMsg, w: OfpWriter): void {
  for (const t of msg.tables) {
    w.u8(t.tableId);
    w.zeros(3);
    w.u32(t.activeCount);
    w.u64(t.lookupCount[0], t.lookupCount[1]);
    w.u64(t.matchedCount[0], t.matchedCount[1]);
  }
}

function sameTableStats(a: TableStats, b: TableStats): boolean {
  return a.activeCount === b.activeCount && a.lookupCount[0] === b.lookupCount[0] && a.lookupCount[1] === b.lookupCount[1] &&
    a.matchedCount[0] === b.matchedCount[0] && a.matchedCount[1] === b.matchedCount[1];
}

/**
 * Tables as ovs-ofctl prints them: each table's counters, except that a
 * run of tables equal to the one before is printed once as "ditto".
 */
export function formatTableStatsReply(msg: TableStatsReplyMsg): string {
  const parts: string[] = [];
  const t = msg.tables;
  for (let i = 0; i < t.length; i++) {
    if (i > 0 && sameTableStats(t[i], t[i - 1])) {
      let j = i;
      while (j + 1 < t.length && sameTableStats(t[j + 1], t[i - 1])) j++;
      parts.push(j === i ? `  table ${t[i].tableId}: ditto\n` : `  tables ${t[i].tableId}...${t[j].tableId}: ditto\n`);
      i = j;
      continue;
    }
    parts.push(`  table ${t[i].tableId}:\n    active=${t[i].activeCount}, lookup=${counter(t[i].lookupCount)}, matched=${counter(t[i].matchedCount)}\n`);
  }
  return '\n' + parts.join('\n');
}
