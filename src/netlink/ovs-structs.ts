// The fixed structs OVS family messages carry as attribute payloads:
// ovs_dp_stats, ovs_dp_megaflow_stats, ovs_vport_stats, ovs_flow_stats and
// ovs_zone_limit. The datapath writes them into replies, dpif and
// `ovs-ts dpctl` read them back. Counters are Numbers, exact below 2^53,
// written as two 32-bit halves; host order is little-endian.

import { readI32, readU32, readU64Number } from './attr.js';
import type { NlBuffer } from './buffer.js';
import * as O from './openvswitch.js';
import { writeLe32 } from '../packet/bytes.js';

export interface DpStats {
  hit: number;
  missed: number;
  lost: number;
  flows: number;
}

export interface DpMegaflowStats {
  maskHit: number;
  masks: number;
  cacheHit: number;
}

/** struct ovs_vport_stats, in its field order. */
export interface VportStats {
  rxPackets: number;
  txPackets: number;
  rxBytes: number;
  txBytes: number;
  rxErrors: number;
  txErrors: number;
  rxDropped: number;
  txDropped: number;
}

export interface FlowStats {
  packets: number;
  bytes: number;
}

export interface ZoneLimit {
  /** A conntrack zone, or OVS_ZONE_LIMIT_DEFAULT_ZONE (-1). */
  zoneId: number;
  limit: number;
  count: number;
}

function putU64(b: Uint8Array, o: number, value: number): void {
  const lo = value >>> 0;
  const hi = Math.floor(value / 0x100000000) >>> 0;
  b[o] = lo;
  b[o + 1] = lo >>> 8;
  b[o + 2] = lo >>> 16;
  b[o + 3] = lo >>> 24;
  b[o + 4] = hi;
  b[o + 5] = hi >>> 8;
  b[o + 6] = hi >>> 16;
  b[o + 7] = hi >>> 24;
}

/** OVS_DP_ATTR_STATS (or any attribute type) holding struct ovs_dp_stats. */
export function putDpStats(buf: NlBuffer, type: number, stats: DpStats): void {
  const o = buf.putAttrSpace(type, O.OVS_DP_STATS_SIZE);
  const b = buf.bytes;
  putU64(b, o, stats.hit);
  putU64(b, o + 8, stats.missed);
  putU64(b, o + 16, stats.lost);
  putU64(b, o + 24, stats.flows);
}

export function readDpStats(b: Uint8Array, o: number): DpStats {
  return {
    hit: readU64Number(b, o), missed: readU64Number(b, o + 8),
    lost: readU64Number(b, o + 16), flows: readU64Number(b, o + 24),
  };
}

/** struct ovs_dp_megaflow_stats; the pad fields go out as zeros. */
export function putDpMegaflowStats(buf: NlBuffer, type: number, stats: DpMegaflowStats): void {
  const o = buf.putAttrSpace(type, O.OVS_DP_MEGAFLOW_STATS_SIZE);
  const b = buf.bytes;
  putU64(b, o, stats.maskHit);
  writeLe32(b, o + 8, stats.masks);
  putU64(b, o + 16, stats.cacheHit);
}

export function readDpMegaflowStats(b: Uint8Array, o: number): DpMegaflowStats {
  return { maskHit: readU64Number(b, o), masks: readU32(b, o + 8), cacheHit: readU64Number(b, o + 16) };
}

const VPORT_FIELDS = [
  'rxPackets', 'txPackets', 'rxBytes', 'txBytes', 'rxErrors', 'txErrors', 'rxDropped', 'txDropped',
] as const;

export function putVportStats(buf: NlBuffer, type: number, stats: VportStats): void {
  const o = buf.putAttrSpace(type, O.OVS_VPORT_STATS_SIZE);
  const b = buf.bytes;
  for (let i = 0; i < VPORT_FIELDS.length; i++) putU64(b, o + 8 * i, stats[VPORT_FIELDS[i]]);
}

export function readVportStats(b: Uint8Array, o: number): VportStats {
  const stats = {} as VportStats;
  for (let i = 0; i < VPORT_FIELDS.length; i++) stats[VPORT_FIELDS[i]] = readU64Number(b, o + 8 * i);
  return stats;
}

export function putFlowStats(buf: NlBuffer, type: number, stats: FlowStats): void {
  const o = buf.putAttrSpace(type, O.OVS_FLOW_STATS_SIZE);
  putU64(buf.bytes, o, stats.packets);
  putU64(buf.bytes, o + 8, stats.bytes);
}

export function readFlowStats(b: Uint8Array, o: number): FlowStats {
  return { packets: readU64Number(b, o), bytes: readU64Number(b, o + 8) };
}

/** OVS_CT_LIMIT_ATTR_ZONE_LIMIT: packed struct ovs_zone_limit records. */
export function putZoneLimits(buf: NlBuffer, type: number, limits: readonly ZoneLimit[]): void {
  const o = buf.putAttrSpace(type, O.OVS_ZONE_LIMIT_SIZE * limits.length);
  const b = buf.bytes;
  limits.forEach((limit, i) => {
    writeLe32(b, o + 12 * i, limit.zoneId);
    writeLe32(b, o + 12 * i + 4, limit.limit);
    writeLe32(b, o + 12 * i + 8, limit.count);
  });
}

/** The records of a ZONE_LIMIT payload, or undefined when its size is not a whole number of them. */
export function readZoneLimits(b: Uint8Array, o: number, length: number): ZoneLimit[] | undefined {
  if (length % O.OVS_ZONE_LIMIT_SIZE !== 0) return undefined;
  const out: ZoneLimit[] = [];
  for (let p = o; p < o + length; p += O.OVS_ZONE_LIMIT_SIZE) {
    out.push({ zoneId: readI32(b, p), limit: readU32(b, p + 4), count: readU32(b, p + 8) });
  }
  return out;
}
