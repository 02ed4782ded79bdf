// The flow key of an upcall (OVS_PACKET_ATTR_KEY of MISS and ACTION) as the
// Linux datapath writes it: recirc_id, dp_hash, skb_priority, the tunnel when
// the packet has one, in_port, skb_mark and the four conntrack attributes
// always, even when zero; then the headers. The netlink codec's putOdpKey()
// leaves zero metadata out (as OVS's userspace does), so dp-process.ts builds
// the metadata here and takes the rest from putOdpKey().

import * as L from '../flow/layout.js';
import { NlAttrIter } from '../netlink/attr.js';
import { NlBuffer } from '../netlink/buffer.js';
import { putOdpKey, putOdpTunnel } from '../netlink/odp-key.js';
import * as O from '../netlink/openvswitch.js';
import { writeLe32 } from '../packet/bytes.js';

/** Per OVS_KEY_ATTR_* type: 1 for those written here rather than copied from putOdpKey(). */
const WRITTEN_HERE = new Uint8Array(O.OVS_KEY_ATTR_MAX + 1);
for (const type of [
  O.OVS_KEY_ATTR_RECIRC_ID, O.OVS_KEY_ATTR_DP_HASH, O.OVS_KEY_ATTR_PRIORITY, O.OVS_KEY_ATTR_TUNNEL,
  O.OVS_KEY_ATTR_IN_PORT, O.OVS_KEY_ATTR_SKB_MARK, O.OVS_KEY_ATTR_CT_STATE, O.OVS_KEY_ATTR_CT_ZONE,
  O.OVS_KEY_ATTR_CT_MARK, O.OVS_KEY_ATTR_CT_LABELS,
]) WRITTEN_HERE[type] = 1;

const scratch = new NlBuffer(1024);
const iter = new NlAttrIter();

/** Appends the key attributes of `key` (the caller opens and closes the nest). */
export function putUpcallKey(buf: NlBuffer, key: Uint32Array): void {
  buf.putAttrU32(O.OVS_KEY_ATTR_RECIRC_ID, key[L.RECIRC_ID]);
  buf.putAttrU32(O.OVS_KEY_ATTR_DP_HASH, key[L.DP_HASH]);
  buf.putAttrU32(O.OVS_KEY_ATTR_PRIORITY, key[L.SKB_PRIORITY]);
  if ((key[L.TUN_IPV4_DST] | key[L.TUN_IPV6_DST] | key[L.TUN_IPV6_DST + 1] | key[L.TUN_IPV6_DST + 2]
    | key[L.TUN_IPV6_DST + 3]) !== 0) {
    putOdpTunnel(buf, O.OVS_KEY_ATTR_TUNNEL, key);
  }
  buf.putAttrU32(O.OVS_KEY_ATTR_IN_PORT, key[L.IN_PORT]);
  buf.putAttrU32(O.OVS_KEY_ATTR_SKB_MARK, key[L.PKT_MARK]);
  buf.putAttrU32(O.OVS_KEY_ATTR_CT_STATE, key[L.CT_STATE]);
  buf.putAttrU16(O.OVS_KEY_ATTR_CT_ZONE, key[L.CT_ZONE]);
  buf.putAttrU32(O.OVS_KEY_ATTR_CT_MARK, key[L.CT_MARK]);
  // Four native-order words, least significant first (the layout keeps the most significant first).
  const o = buf.putAttrSpace(O.OVS_KEY_ATTR_CT_LABELS, O.OVS_KEY_CT_LABELS_SIZE);
  for (let i = 0; i < 4; i++) writeLe32(buf.bytes, o + 4 * i, key[L.CT_LABEL + 3 - i]);
  scratch.reset();
  putOdpKey(scratch, key);
  const bytes = scratch.bytes;
  const it = iter.reset(bytes, 0, scratch.size);
  while (it.next()) {
    if (it.type <= O.OVS_KEY_ATTR_MAX && WRITTEN_HERE[it.type] === 1) continue;
    const start = it.offset - 4;
    const size = (it.length + 4 + 3) & ~3;
    const at = buf.reserve(size);
    const out = buf.bytes;
    for (let i = 0; i < size; i++) out[at + i] = bytes[start + i];
  }
}
