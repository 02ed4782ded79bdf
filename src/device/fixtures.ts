// Requests and checks the device tests share: OVS family requests built with
// NlBuffer, the errno of an answer, and a snapshot of everything a client
// can observe (the datapath and vport dumps), to show a datapath unchanged.
// Test code only; nothing in src imports it.

import assert from 'node:assert/strict';
import { readI32 } from '../netlink/attr.js';
import { NlBuffer } from '../netlink/buffer.js';
import { NLM_F_ACK, NLM_F_DUMP, NLM_F_REQUEST, NLMSG_ERROR, startOvsMessage } from '../netlink/message.js';
import * as O from '../netlink/openvswitch.js';
import { DEFAULT_FAMILY_IDS } from '../datapath/genl.js';
import type { NlSocket } from './netlink-socket.js';

export const DP = DEFAULT_FAMILY_IDS.datapath;
export const VP = DEFAULT_FAMILY_IDS.vport;
/** dp_ifindex of the first datapath a fresh registry creates. */
export const FIRST_DP_IFINDEX = 100;

export function ovsRequest(
  family: number, cmd: number, attrs: (buf: NlBuffer) => void,
  options: { flags?: number; dpIfindex?: number; seq?: number } = {},
): Uint8Array {
  const buf = new NlBuffer(128);
  const start = startOvsMessage(buf, {
    family, flags: NLM_F_REQUEST | (options.flags ?? 0), seq: options.seq ?? 1, pid: 0, cmd,
    version: 1, dpIfindex: options.dpIfindex ?? 0,
  });
  attrs(buf);
  buf.endMessage(start);
  return buf.data().slice();
}

export function newDpRequest(name: string, options: { upcallPid?: number; flags?: number } = {}): Uint8Array {
  return ovsRequest(DP, O.OVS_DP_CMD_NEW, (b) => {
    b.putAttrString(O.OVS_DP_ATTR_NAME, name);
    b.putAttrU32(O.OVS_DP_ATTR_UPCALL_PID, options.upcallPid ?? 0);
  }, { flags: options.flags ?? NLM_F_ACK });
}

export function newVportRequest(
  name: string, options: { dpIfindex?: number; portNo?: number; upcallPid?: number; flags?: number } = {},
): Uint8Array {
  return ovsRequest(VP, O.OVS_VPORT_CMD_NEW, (b) => {
    b.putAttrString(O.OVS_VPORT_ATTR_NAME, name);
    b.putAttrU32(O.OVS_VPORT_ATTR_TYPE, O.OVS_VPORT_TYPE_NETDEV);
    b.putAttrU32(O.OVS_VPORT_ATTR_UPCALL_PID, options.upcallPid ?? 0);
    if (options.portNo !== undefined) b.putAttrU32(O.OVS_VPORT_ATTR_PORT_NO, options.portNo);
  }, { flags: options.flags ?? NLM_F_ACK, dpIfindex: options.dpIfindex ?? FIRST_DP_IFINDEX });
}

export function dumpDpsRequest(): Uint8Array {
  return ovsRequest(DP, O.OVS_DP_CMD_GET, () => {}, { flags: NLM_F_DUMP });
}

export function dumpVportsRequest(dpIfindex = FIRST_DP_IFINDEX): Uint8Array {
  return ovsRequest(VP, O.OVS_VPORT_CMD_GET, () => {}, { flags: NLM_F_DUMP, dpIfindex });
}

/** The errno an NLMSG_ERROR message carries. */
export function nlErrno(message: Uint8Array): number {
  assert.equal(message[4] | (message[5] << 8), NLMSG_ERROR, 'an NLMSG_ERROR');
  return -readI32(message, 16) | 0;
}

/** Every datapath and every port of the first four, as dumps show them (headers' seq and pid left out). */
export async function snapshot(sock: NlSocket): Promise<string> {
  const out: string[] = [];
  const dps = sock.dump(dumpDpsRequest());
  for await (const m of dps) out.push(Buffer.from(m.subarray(16)).toString('hex'));
  assert.equal(dps.errno, 0);
  for (let ifindex = FIRST_DP_IFINDEX; ifindex < FIRST_DP_IFINDEX + 4; ifindex++) {
    const ports = sock.dump(dumpVportsRequest(ifindex));
    for await (const m of ports) out.push(Buffer.from(m.subarray(16)).toString('hex'));
  }
  return out.join('\n');
}
