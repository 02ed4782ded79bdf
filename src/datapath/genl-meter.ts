// The ovs_meter generic netlink family, as Linux answers it: FEATURES (how
// many meters and bands, which band types), SET (create or replace; the reply
// carries the replaced meter's statistics), GET, DEL (of a missing meter:
// an empty reply, not an error) and dumps. Replies go to the sender only;
// the family has no notifications in Linux. Meters live in meter.ts.

import { EBUSY, EINVAL, ENODEV, ENOENT } from '../lib/errno.js';
import { timeMsec } from '../lib/timeval.js';
import { NlAttrIter, readU64Number } from '../netlink/attr.js';
import { NlBuffer } from '../netlink/buffer.js';
import { NLM_F_MULTI, startOvsMessage } from '../netlink/message.js';
import * as O from '../netlink/openvswitch.js';
import { BAND_POLICY } from '../netlink/ovs-policy.js';
import { putFlowStats } from '../netlink/ovs-structs.js';
import { AttrIndex } from '../netlink/policy.js';
import type { DatapathRegistry } from './datapath.js';
import { dumpObjects, type Outcome, type Request } from './genl-common.js';
import { MAX_BANDS, MAX_METERS, Meter, type MeterBandSpec } from './meter.js';

export class MeterFamily {
  constructor(private readonly registry: DatapathRegistry, private readonly familyId: number) {}

  command(r: Request): Outcome {
    const a = r.attrs;
    if (r.cmd === O.OVS_METER_CMD_FEATURES) {
      if (this.registry.byDpIfindex(r.dpIfindex) === undefined) return ENODEV;
      const buf = this.start(r, O.OVS_METER_CMD_FEATURES, 0);
      buf.putAttrU32(O.OVS_METER_ATTR_MAX_METERS, MAX_METERS);
      buf.putAttrU32(O.OVS_METER_ATTR_MAX_BANDS, MAX_BANDS);
      const bands = buf.startNested(O.OVS_METER_ATTR_BANDS);
      const band = buf.startNested(O.OVS_BAND_ATTR_UNSPEC);
      buf.putAttrU32(O.OVS_BAND_ATTR_TYPE, O.OVS_METER_BAND_TYPE_DROP);
      buf.endNested(band);
      buf.endNested(bands);
      return { replies: [finish(buf)] };
    }
    if (!a.has(O.OVS_METER_ATTR_ID)) return EINVAL;
    const id = a.u32(O.OVS_METER_ATTR_ID);
    let spec: MeterBandSpec[] = [];
    if (r.cmd === O.OVS_METER_CMD_SET) {
      const bands = parseBands(a);
      if (typeof bands === 'number') return bands;
      spec = bands;
    }
    const dp = this.registry.byDpIfindex(r.dpIfindex);
    if (dp === undefined) return ENODEV;
    const meters = dp.meters;
    const old = meters.get(id);
    switch (r.cmd) {
      case O.OVS_METER_CMD_SET: {
        if (old === undefined && meters.size >= MAX_METERS) return EBUSY;
        const keepStats = !a.has(O.OVS_METER_ATTR_CLEAR);
        const stats = a.data(O.OVS_METER_ATTR_STATS);
        meters.set(new Meter(id, {
          kbps: a.has(O.OVS_METER_ATTR_KBPS), keepStats, bands: spec, nowMs: timeMsec(),
          packets: keepStats && stats ? readU64Number(stats, 0) : 0, bytes: keepStats && stats ? readU64Number(stats, 8) : 0,
        }));
        const buf = this.start(r, O.OVS_METER_CMD_SET, 0);
        buf.putAttrU32(O.OVS_METER_ATTR_ID, id);
        if (old !== undefined && old.keepStats) putMeterStats(buf, old);
        return { replies: [finish(buf)] };
      }
      case O.OVS_METER_CMD_DEL: {
        const buf = this.start(r, O.OVS_METER_CMD_DEL, 0);
        if (old !== undefined) {
          putMeterStats(buf, old);
          meters.delete(id);
        }
        return { replies: [finish(buf)] };
      }
      default: {
        if (old === undefined) return ENOENT;
        const buf = this.start(r, O.OVS_METER_CMD_GET, 0);
        putMeterStats(buf, old);
        return { replies: [finish(buf)] };
      }
    }
  }

  /** Every meter of the header's datapath, by id, each as GET answers it. */
  dump(r: Request): Uint8Array[] | number {
    const dp = this.registry.byDpIfindex(r.dpIfindex);
    if (dp === undefined) return ENODEV;
    return dumpObjects(r, dp.meters.list(), (meter) => {
      const buf = this.start(r, O.OVS_METER_CMD_GET, NLM_F_MULTI);
      putMeterStats(buf, meter);
      return finish(buf);
    });
  }

  /** A reply's headers; the ovs_header echoes the request's, as Linux copies it. */
  private start(r: Request, cmd: number, flags: number): NlBuffer & { messageStart: number } {
    const buf = new NlBuffer(256) as NlBuffer & { messageStart: number };
    buf.messageStart = startOvsMessage(buf, {
      family: this.familyId, flags, seq: r.seq, pid: r.context.pid, cmd, version: O.OVS_METER_VERSION, dpIfindex: r.dpIfindex,
    });
    return buf;
  }
}

function finish(buf: NlBuffer & { messageStart: number }): Uint8Array {
  buf.endMessage(buf.messageStart);
  return buf.data().slice();
}

/** ID, STATS, USED and BANDS (each band's STATS), as Linux reports a meter. */
function putMeterStats(buf: NlBuffer, meter: Meter): void {
  buf.putAttrU32(O.OVS_METER_ATTR_ID, meter.id);
  putFlowStats(buf, O.OVS_METER_ATTR_STATS, { packets: meter.packets, bytes: meter.bytes });
  buf.putAttrU64(O.OVS_METER_ATTR_USED, Math.floor(meter.usedMs / 0x100000000), meter.usedMs >>> 0);
  const bands = buf.startNested(O.OVS_METER_ATTR_BANDS);
  for (const band of meter.bands) {
    const nest = buf.startNested(O.OVS_BAND_ATTR_UNSPEC);
    putFlowStats(buf, O.OVS_BAND_ATTR_STATS, { packets: band.packets, bytes: band.bytes });
    buf.endNested(nest);
  }
  buf.endNested(bands);
}

/**
 * OVS_METER_ATTR_BANDS: at most MAX_BANDS bands, each with TYPE, RATE (not
 * 0) and BURST; EINVAL otherwise, or without BANDS at all.
 */
function parseBands(a: AttrIndex): MeterBandSpec[] | number {
  const bands = a.data(O.OVS_METER_ATTR_BANDS);
  if (bands === undefined) return EINVAL;
  const out: MeterBandSpec[] = [];
  const it = new NlAttrIter(bands, 0, bands.length);
  const index = new AttrIndex(BAND_POLICY.maxType);
  while (it.next()) {
    if (out.length >= MAX_BANDS) return EINVAL;
    const error = BAND_POLICY.parseInto(bands, it.offset, it.offset + it.length, index);
    if (error !== 0) return error;
    if (!index.has(O.OVS_BAND_ATTR_TYPE) || !index.has(O.OVS_BAND_ATTR_RATE) || !index.has(O.OVS_BAND_ATTR_BURST)) {
      return EINVAL;
    }
    const rate = index.u32(O.OVS_BAND_ATTR_RATE);
    if (rate === 0) return EINVAL;
    out.push({ type: index.u32(O.OVS_BAND_ATTR_TYPE), rate, burst: index.u32(O.OVS_BAND_ATTR_BURST) });
  }
  return it.error !== 0 ? it.error : out;
}
