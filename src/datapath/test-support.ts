// Helpers the datapath's tests share: building OVS family requests, reading
// answers (errno, attributes), hex. Test code only; no test runs from here.

import assert from 'node:assert/strict';
import { NlAttrIter } from '../netlink/attr.js';
import { NlBuffer } from '../netlink/buffer.js';
import { NLM_F_DUMP, NLM_F_REQUEST, OVS_ATTRS_OFFSET, startOvsMessage } from '../netlink/message.js';
import * as O from '../netlink/openvswitch.js';
import { DatapathGenl, DEFAULT_FAMILY_IDS } from './genl.js';

export const IDS = DEFAULT_FAMILY_IDS;
export const ADMIN = { pid: 77, admin: true };

export function hex(text: string): Uint8Array {
  return Uint8Array.from(Buffer.from(text.replace(/\s+/g, ''), 'hex'));
}

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

/** An OVS family request built with NlBuffer. */
export function request(
  family: number, cmd: number, attrs: (buf: NlBuffer) => void,
  options: { flags?: number; dpIfindex?: number; seq?: number } = {},
): Uint8Array {
  const buf = new NlBuffer(256);
  const start = startOvsMessage(buf, {
    family, flags: NLM_F_REQUEST | (options.flags ?? 0), seq: options.seq ?? 1, pid: 77, cmd,
    version: 1, dpIfindex: options.dpIfindex ?? 100,
  });
  attrs(buf);
  buf.endMessage(start);
  return buf.data().slice();
}

/** The errno of a one-message NLMSG_ERROR answer (0 for an ACK). */
export function errnoOf(replies: Uint8Array[]): number {
  assert.equal(replies.length, 1, 'one answer');
  assert.equal(replies[0][4], 2, 'an NLMSG_ERROR');
  return -new DataView(replies[0].buffer, replies[0].byteOffset).getInt32(16, true) | 0;
}

/** The top-level attributes of an OVS family message, by type (the last of each type). */
export function attrsOf(message: Uint8Array): Map<number, Uint8Array> {
  const out = new Map<number, Uint8Array>();
  const it = new NlAttrIter(message, OVS_ATTRS_OFFSET, message.length);
  while (it.next()) out.set(it.type, message.slice(it.offset, it.offset + it.length));
  return out;
}

/** A DatapathGenl with datapath "dp0" (dp_ifindex 100, upcall pid 9) and dummy ports p1 (1) and p2 (2), upcall pid 5. */
export function withDatapath(): DatapathGenl {
  const genl = new DatapathGenl();
  const dp = request(IDS.datapath, O.OVS_DP_CMD_NEW, (b) => {
    b.putAttrString(O.OVS_DP_ATTR_NAME, 'dp0');
    b.putAttrU32(O.OVS_DP_ATTR_UPCALL_PID, 9);
  }, { dpIfindex: 0 });
  assert.equal(genl.handleRequest(dp, ADMIN).length, 0);
  for (const [name, portNo] of [['p1', 1], ['p2', 2]] as const) {
    const port = request(IDS.vport, O.OVS_VPORT_CMD_NEW, (b) => {
      b.putAttrString(O.OVS_VPORT_ATTR_NAME, name);
      b.putAttrU32(O.OVS_VPORT_ATTR_TYPE, O.OVS_VPORT_TYPE_NETDEV);
      b.putAttrU32(O.OVS_VPORT_ATTR_UPCALL_PID, 5);
      b.putAttrU32(O.OVS_VPORT_ATTR_PORT_NO, portNo);
    });
    assert.equal(genl.handleRequest(port, ADMIN).length, 0);
  }
  genl.takeEvents();
  return genl;
}

/** Every flow of dp0 as a dump shows it, one hex string per message. */
export function flowSnapshot(genl: DatapathGenl): string {
  return genl.handleRequest(request(IDS.flow, O.OVS_FLOW_CMD_GET, () => {}, { flags: NLM_F_DUMP }), ADMIN)
    .map(toHex).join('\n');
}
