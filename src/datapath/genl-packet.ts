// The ovs_packet generic netlink family's one request, OVS_PACKET_CMD_EXECUTE:
// userspace hands the datapath a packet, its metadata (as a flow key) and
// actions to run on it, as after an upcall. The MISS and ACTION messages go
// the other way and are built by dp-process.ts. genl.ts dispatches here.

import { EINVAL, ENODEV, ENOMEM, EOPNOTSUPP } from '../lib/errno.js';
import * as L from '../flow/layout.js';
import { parseOdpKey } from '../netlink/odp-key.js';
import * as O from '../netlink/openvswitch.js';
import type { DatapathRegistry } from './datapath.js';
import type { Outcome, Request } from './genl-common.js';
import { parseFlowActions } from './genl-flow.js';

export class PacketFamily {
  private readonly key = new Uint32Array(L.KEY_WORDS);

  constructor(private readonly registry: DatapathRegistry) {}

  /**
   * EXECUTE needs PACKET, KEY and ACTIONS (EINVAL). Of the key only the
   * metadata counts (in_port, priority, mark, recirc id, dp_hash, tunnel,
   * conntrack); headers come from the packet. An in_port naming no port runs
   * as if from the local port, as Linux does. OVS_PACKET_ATTR_PROBE only
   * quiets logs; OVS_PACKET_ATTR_MRU is accepted and unused (no
   * fragmentation here). Replies are only the ACK the flags ask for.
   */
  command(r: Request): Outcome {
    if (r.cmd !== O.OVS_PACKET_CMD_EXECUTE) return EOPNOTSUPP;
    const a = r.attrs;
    if (!a.has(O.OVS_PACKET_ATTR_PACKET) || !a.has(O.OVS_PACKET_ATTR_KEY) || !a.has(O.OVS_PACKET_ATTR_ACTIONS)) {
      return EINVAL;
    }
    const key = this.key;
    const error = parseOdpKey(a.data(O.OVS_PACKET_ATTR_KEY) as Uint8Array, key);
    if (error !== 0) return error;
    const actions = parseFlowActions(a, O.OVS_PACKET_ATTR_ACTIONS, null);
    if (typeof actions === 'number') return actions;
    const dp = this.registry.byDpIfindex(r.dpIfindex);
    if (dp === undefined) return ENODEV;
    if (!dp.ports.has(key[L.IN_PORT])) {
      if (!dp.ports.has(0)) return ENODEV;
      key[L.IN_PORT] = 0;
    }
    const packet = dp.process.pool.get();
    if (packet === null) return ENOMEM;
    if (!packet.setData(a.data(O.OVS_PACKET_ATTR_PACKET) as Uint8Array)) {
      packet.release();
      return ENOMEM;
    }
    // Headers are the packet's; clear what the key's attributes put there.
    key.fill(0, L.PACKET_FIRST);
    dp.process.execute(packet, key, actions);
    return { replies: [] };
  }
}
