// The ovs_ct_limit generic netlink family: per-zone conntrack limits stored
// and reported as Linux does (per network namespace, so shared by every
// datapath here). Requests carry packed struct ovs_zone_limit records inside
// OVS_CT_LIMIT_ATTR_ZONE_LIMIT; zone -1 is the default limit; records of
// zones outside 0-65535 are skipped, as Linux skips them with a log line.
// Counts are 0 until connection tracking exists. TODO(#3) enforce the limits.

import { EINVAL } from '../lib/errno.js';
import { NlBuffer } from '../netlink/buffer.js';
import { startOvsMessage } from '../netlink/message.js';
import * as O from '../netlink/openvswitch.js';
import { putZoneLimits, readZoneLimits, type ZoneLimit } from '../netlink/ovs-structs.js';
import type { DatapathRegistry } from './datapath.js';
import type { Outcome, Request } from './genl-common.js';

const MAX_ZONE = 0xffff;

export class CtLimitFamily {
  constructor(private readonly registry: DatapathRegistry, private readonly familyId: number) {}

  command(r: Request): Outcome {
    const a = r.attrs;
    const reg = this.registry;
    const data = a.data(O.OVS_CT_LIMIT_ATTR_ZONE_LIMIT);
    // Whole records only; trailing bytes are ignored, as Linux ignores them.
    const records = data === undefined ? undefined
      : readZoneLimits(data, 0, data.length - (data.length % O.OVS_ZONE_LIMIT_SIZE)) as ZoneLimit[];
    const buf = new NlBuffer(128);
    const start = startOvsMessage(buf, {
      family: this.familyId, flags: 0, seq: r.seq, pid: r.context.pid, cmd: r.cmd,
      version: O.OVS_CT_LIMIT_VERSION, dpIfindex: r.dpIfindex,
    });
    switch (r.cmd) {
      case O.OVS_CT_LIMIT_CMD_SET:
        if (records === undefined) return EINVAL;
        for (const z of records) {
          if (z.zoneId === O.OVS_ZONE_LIMIT_DEFAULT_ZONE) reg.ctDefaultLimit = z.limit;
          else if (z.zoneId >= 0 && z.zoneId <= MAX_ZONE) reg.ctLimits.set(z.zoneId, z.limit);
        }
        break;
      case O.OVS_CT_LIMIT_CMD_DEL:
        if (records === undefined) return EINVAL;
        for (const z of records) {
          if (z.zoneId === O.OVS_ZONE_LIMIT_DEFAULT_ZONE) reg.ctDefaultLimit = 0;
          else if (z.zoneId >= 0 && z.zoneId <= MAX_ZONE) reg.ctLimits.delete(z.zoneId);
        }
        break;
      default: {
        const out: ZoneLimit[] = [];
        if (records !== undefined) {
          for (const z of records) {
            if (z.zoneId === O.OVS_ZONE_LIMIT_DEFAULT_ZONE) out.push({ zoneId: -1, limit: reg.ctDefaultLimit, count: 0 });
            else if (z.zoneId >= 0 && z.zoneId <= MAX_ZONE) {
              out.push({ zoneId: z.zoneId, limit: reg.ctLimits.get(z.zoneId) ?? reg.ctDefaultLimit, count: 0 });
            }
          }
        } else {
          out.push({ zoneId: -1, limit: reg.ctDefaultLimit, count: 0 });
          for (const zone of [...reg.ctLimits.keys()].sort((x, y) => x - y)) {
            out.push({ zoneId: zone, limit: reg.ctLimits.get(zone) as number, count: 0 });
          }
        }
        putZoneLimits(buf, O.OVS_CT_LIMIT_ATTR_ZONE_LIMIT, out);
      }
    }
    buf.endMessage(start);
    return { replies: [buf.data().slice()] };
  }
}
