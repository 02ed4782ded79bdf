// The ovs_packet generic netlink family's one request, OVS_PACKET_CMD_EXECUTE:
// userspace hands the datapath a packet, its metadata (as a flow key) and
// actions to run on it, as after an upcall. The MISS and ACTION messages go
// the other way and are built by dp-process.ts. genl.ts dispatches here.

import { EINVAL, ENODEV, ENOMEM, EOPNOTSUPP } from '../lib/errno.js';
import { flowExtract } from '../flow/extract.js';
import * as L from '../flow/layout.js';
import { NlAttrIter } from '../netlink/attr.js';
import { NlBuffer } from '../netlink/buffer.js';
import { parseOdpKey } from '../netlink/odp-key.js';
import { ATTR_LEN_NESTED, ATTR_LEN_VARIABLE, KEY_ATTR_LENGTHS } from '../netlink/ovs-policy.js';
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
   * conntrack); headers come from the packet, and the actions are checked
   * against them as a flow's are against its key. An in_port naming no port runs
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
    const metadata = metadataAttrs(a.data(O.OVS_PACKET_ATTR_KEY) as Uint8Array);
    if (typeof metadata === 'number') return metadata;
    const error = parseOdpKey(metadata, key);
    if (error !== 0) return error;
    // Headers from the packet, so that the actions are checked against it, as Linux checks them.
    const frame = a.data(O.OVS_PACKET_ATTR_PACKET) as Uint8Array;
    flowExtract(frame, 0, frame.length, key, { vlanLimit: 2 });
    const actions = parseFlowActions(a, O.OVS_PACKET_ATTR_ACTIONS, key);
    if (typeof actions === 'number') return actions;
    const dp = this.registry.byDpIfindex(r.dpIfindex);
    if (dp === undefined) return ENODEV;
    if (!dp.ports.has(key[L.IN_PORT])) {
      if (!dp.ports.has(0)) return ENODEV;
      key[L.IN_PORT] = 0;
    }
    const packet = dp.process.pool.get();
    if (packet === null) return ENOMEM;
    if (!packet.setData(frame)) {
      packet.release();
      return ENOMEM;
    }
    dp.process.execute(packet, key, actions);
    return { replies: [] };
  }
}

/** Key attributes EXECUTE takes from the request: the packet's metadata. */
const METADATA_TYPES = new Set([
  O.OVS_KEY_ATTR_RECIRC_ID, O.OVS_KEY_ATTR_DP_HASH, O.OVS_KEY_ATTR_PRIORITY, O.OVS_KEY_ATTR_TUNNEL,
  O.OVS_KEY_ATTR_IN_PORT, O.OVS_KEY_ATTR_SKB_MARK, O.OVS_KEY_ATTR_CT_STATE, O.OVS_KEY_ATTR_CT_ZONE,
  O.OVS_KEY_ATTR_CT_MARK, O.OVS_KEY_ATTR_CT_LABELS, O.OVS_KEY_ATTR_CT_ORIG_TUPLE_IPV4, O.OVS_KEY_ATTR_CT_ORIG_TUPLE_IPV6,
]);

/**
 * The metadata attributes of an EXECUTE key, plus an empty Ethernet header
 * for the key codec (the headers come from the packet). Like Linux's
 * parse_flow_nlattrs, every attribute must be a known type of the right
 * size and appear once (EINVAL). TODO(#3) layer-3 packets (a key with
 * ETHERTYPE and no ETHERNET) run as Ethernet frames for now.
 */
function metadataAttrs(attrs: Uint8Array): Uint8Array | number {
  const buf = new NlBuffer(256);
  const seen = new Set<number>();
  const it = new NlAttrIter(attrs, 0, attrs.length);
  while (it.next()) {
    const type = it.type;
    if (type > O.OVS_KEY_ATTR_MAX || seen.has(type)) return EINVAL;
    seen.add(type);
    const want = KEY_ATTR_LENGTHS[type];
    const len = it.length;
    if (want >= 0 ? len !== want : want === ATTR_LEN_VARIABLE ? (len & 3) !== 0 : want !== ATTR_LEN_NESTED) return EINVAL;
    if (METADATA_TYPES.has(type)) buf.putAttr(type, attrs.subarray(it.offset, it.offset + len));
  }
  if (it.error !== 0) return EINVAL;
  buf.putAttrSpace(O.OVS_KEY_ATTR_ETHERNET, O.OVS_KEY_ETHERNET_SIZE);
  return buf.data();
}
