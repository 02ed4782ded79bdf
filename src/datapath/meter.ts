// The datapath's meter table: meters set by the ovs_meter family (genl-meter.ts)
// and consulted by the meter action (actions.ts, through DatapathMeters).
// Token buckets as Linux keeps them: a band's bucket fills at `rate` (kbps
// or packets per second) per millisecond elapsed, up to (burst + rate) * 1000
// units (bits, or 1/1000 packets); a packet that finds a drop band's bucket
// short is dropped, and the band and meter count it. Only drop bands exist.

import type { DatapathMeters } from './actions.js';

/** Meters a datapath holds (Linux's DP_METER_NUM_MAX). */
export const MAX_METERS = 1 << 20;
/** Bands per meter (Linux's DP_MAX_BANDS). */
export const MAX_BANDS = 1;

export interface MeterBandSpec {
  readonly type: number;
  /** kbps, or packets per second (meter not in kbps). */
  readonly rate: number;
  /** kilobits, or packets. */
  readonly burst: number;
}

export class MeterBand {
  readonly type: number;
  readonly rate: number;
  readonly burst: number;
  /** Tokens, in bits (kbps meters) or 1/1000 packets. */
  bucket: number;
  /** Packets and bytes that exceeded this band. */
  packets = 0;
  bytes = 0;

  constructor(spec: MeterBandSpec) {
    this.type = spec.type;
    this.rate = spec.rate;
    this.burst = spec.burst;
    this.bucket = (spec.burst + spec.rate) * 1000;
  }
}

export class Meter {
  readonly id: number;
  readonly kbps: boolean;
  /** False when set with OVS_METER_ATTR_CLEAR: a replacing SET reports no statistics of this meter. */
  readonly keepStats: boolean;
  readonly bands: MeterBand[];
  /** Milliseconds (timeMsec()) of the last packet, or of creation. */
  usedMs: number;
  packets: number;
  bytes: number;
  /** Milliseconds that fill the largest bucket from empty: longer gaps count as this long. */
  readonly maxDeltaMs: number;

  constructor(id: number, options: {
    kbps: boolean; keepStats: boolean; bands: readonly MeterBandSpec[]; nowMs: number; packets?: number; bytes?: number;
  }) {
    this.id = id;
    this.kbps = options.kbps;
    this.keepStats = options.keepStats;
    this.bands = options.bands.map((b) => new MeterBand(b));
    this.usedMs = options.nowMs;
    this.packets = options.packets ?? 0;
    this.bytes = options.bytes ?? 0;
    let maxDelta = 0;
    for (const band of this.bands) maxDelta = Math.max(maxDelta, Math.floor(band.bucket / band.rate));
    this.maxDeltaMs = maxDelta;
  }

  /** Credits one packet of `size` bytes at `nowMs`; true when a drop band says drop. */
  apply(size: number, nowMs: number): boolean {
    let delta = nowMs - this.usedMs;
    if (delta < 0) delta = 0;
    if (delta > this.maxDeltaMs) delta = this.maxDeltaMs;
    this.usedMs = nowMs;
    this.packets++;
    this.bytes += size;
    const cost = this.kbps ? size * 8 : 1000;
    let exceeded = -1;
    let exceededRate = 0;
    const bands = this.bands;
    for (let i = 0; i < bands.length; i++) {
      const band = bands[i];
      const max = (band.burst + band.rate) * 1000;
      band.bucket += delta * band.rate;
      if (band.bucket > max) band.bucket = max;
      if (band.bucket >= cost) band.bucket -= cost;
      else if (band.rate > exceededRate) {
        exceededRate = band.rate;
        exceeded = i;
      }
    }
    if (exceeded < 0) return false;
    const band = bands[exceeded];
    band.packets++;
    band.bytes += size;
    return band.type === 1; // OVS_METER_BAND_TYPE_DROP
  }
}

export class MeterTable implements DatapathMeters {
  private readonly meters = new Map<number, Meter>();

  get(id: number): Meter | undefined {
    return this.meters.get(id);
  }

  get size(): number {
    return this.meters.size;
  }

  /** Adds or replaces; returns the meter it replaced. */
  set(meter: Meter): Meter | undefined {
    const old = this.meters.get(meter.id);
    this.meters.set(meter.id, meter);
    return old;
  }

  delete(id: number): Meter | undefined {
    const old = this.meters.get(id);
    this.meters.delete(id);
    return old;
  }

  /** Meters by id, ascending (the dump order). */
  list(): Meter[] {
    return [...this.meters.values()].sort((a, b) => a.id - b.id);
  }

  /** The meter action: a missing meter drops nothing, as in Linux. */
  drops(id: number, size: number, nowMs: number): boolean {
    const meter = this.meters.get(id);
    return meter !== undefined && meter.apply(size, nowMs);
  }
}
