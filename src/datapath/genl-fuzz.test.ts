// A bounded fuzz run over the datapath's generic netlink side: valid requests
// of every family, mutated (bytes flipped, cut short, lengths and types
// changed), must never throw, must answer with well-formed netlink, and a
// request answered with an error must leave every datapath as it was.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { xorshift32 } from '../lib/random.js';
import { NLM_F_DUMP, NlMsgIter, nlErrorCode, NLMSG_ERROR } from '../netlink/message.js';
import { putOdpActions } from '../netlink/odp-actions.js';
import { putOdpFlowKey, putOdpMask } from '../netlink/odp-key.js';
import { parseOdpActionsText, parseOdpFlow } from '../netlink/odp-text.js';
import * as O from '../netlink/openvswitch.js';
import type { DatapathGenl } from './genl.js';
import { ADMIN, hex, IDS, request, toHex, withDatapath } from './test-support.js';

function flowNew(key: string, actions: string, ufid: boolean): Uint8Array {
  return request(IDS.flow, O.OVS_FLOW_CMD_NEW, (b) => {
    const m = parseOdpFlow(key);
    let n = b.startNested(O.OVS_FLOW_ATTR_KEY);
    putOdpFlowKey(b, m);
    b.endNested(n);
    n = b.startNested(O.OVS_FLOW_ATTR_MASK);
    putOdpMask(b, m);
    b.endNested(n);
    n = b.startNested(O.OVS_FLOW_ATTR_ACTIONS);
    putOdpActions(b, parseOdpActionsText(actions));
    b.endNested(n);
    if (ufid) b.putAttr(O.OVS_FLOW_ATTR_UFID, hex('0102030405060708090a0b0c0d0e0f10'));
  });
}

const SEEDS: Uint8Array[] = [
  flowNew('in_port(1),eth(),eth_type(0x0800),ipv4(proto=6,frag=no),tcp(dst=80)', 'set(ipv4(ttl=3)),clone(2),2', false),
  flowNew('in_port(2),eth(),eth_type(0x8100),vlan(vid=5),encap(eth_type(0x0800),ipv4(frag=no))',
    'pop_vlan,sample(sample=50.0%,actions(1)),check_pkt_len(size=100,gt(1),le(2))', true),
  flowNew('in_port(1),eth()', 'meter(1),userspace(pid=3,userdata(01020304)),recirc(4)', false),
  request(IDS.flow, O.OVS_FLOW_CMD_DEL, (b) => b.putAttr(O.OVS_FLOW_ATTR_UFID, hex('0102030405060708090a0b0c0d0e0f10'))),
  request(IDS.packet, O.OVS_PACKET_CMD_EXECUTE, (b) => {
    b.putAttr(O.OVS_PACKET_ATTR_PACKET, hex('000000000002 000000000001 0800 4500001c00000000401166cf0a0000010a000002 04d2162e0008 0000'));
    const k = b.startNested(O.OVS_PACKET_ATTR_KEY);
    b.putAttrU32(O.OVS_KEY_ATTR_IN_PORT, 1);
    b.endNested(k);
    const a = b.startNested(O.OVS_PACKET_ATTR_ACTIONS);
    putOdpActions(b, parseOdpActionsText('push_vlan(vid=3,pcp=0),2'));
    b.endNested(a);
  }),
  request(IDS.meter, O.OVS_METER_CMD_SET, (b) => {
    b.putAttrU32(O.OVS_METER_ATTR_ID, 1);
    const n = b.startNested(O.OVS_METER_ATTR_BANDS);
    const band = b.startNested(0);
    b.putAttrU32(O.OVS_BAND_ATTR_TYPE, 1);
    b.putAttrU32(O.OVS_BAND_ATTR_RATE, 10);
    b.putAttrU32(O.OVS_BAND_ATTR_BURST, 10);
    b.endNested(band);
    b.endNested(n);
  }),
  request(IDS.ctLimit, O.OVS_CT_LIMIT_CMD_SET, (b) => b.putAttr(1, hex('05000000 0a000000 00000000'))),
  request(IDS.vport, O.OVS_VPORT_CMD_NEW, (b) => {
    b.putAttrString(O.OVS_VPORT_ATTR_NAME, 'vx0');
    b.putAttrU32(O.OVS_VPORT_ATTR_TYPE, O.OVS_VPORT_TYPE_VXLAN);
    b.putAttrU32(O.OVS_VPORT_ATTR_UPCALL_PID, 1);
    b.putAttr(O.OVS_VPORT_ATTR_OPTIONS, hex('0600 0100 b512 0000'));
  }),
  request(IDS.datapath, O.OVS_DP_CMD_SET, (b) => {
    b.putAttrU32(O.OVS_DP_ATTR_USER_FEATURES, O.OVS_DP_F_DISPATCH_UPCALL_PER_CPU);
    b.putAttr(O.OVS_DP_ATTR_PER_CPU_PIDS, hex('01000000'));
  }),
];

/** What a user could observe of the datapath's state (the clock-dependent USED fields masked). */
function snapshot(genl: DatapathGenl): string {
  const out: string[] = [];
  const dumps = [
    request(IDS.datapath, O.OVS_DP_CMD_GET, () => {}, { flags: NLM_F_DUMP }),
    request(IDS.vport, O.OVS_VPORT_CMD_GET, () => {}, { flags: NLM_F_DUMP }),
    request(IDS.flow, O.OVS_FLOW_CMD_GET, () => {}, { flags: NLM_F_DUMP }),
    request(IDS.meter, O.OVS_METER_CMD_GET, () => {}, { flags: NLM_F_DUMP }),
    request(IDS.ctLimit, O.OVS_CT_LIMIT_CMD_GET, () => {}),
  ];
  for (const d of dumps) for (const m of genl.handleRequest(d, ADMIN)) out.push(toHex(m).replace(/0c00050.{17}/g, 'USED'));
  return out.join('\n');
}

function mutate(seed: Uint8Array, next: () => number): Uint8Array {
  const m = Uint8Array.from(seed);
  switch (next() % 4) {
    case 0: // flip a few bytes past the netlink header
      for (let i = 0, n = 1 + (next() % 4); i < n; i++) m[16 + (next() % (m.length - 16))] ^= 1 + (next() % 255);
      return m;
    case 1: { // cut short, keeping nlmsg_len honest
      const len = 16 + (next() % (m.length - 16));
      const cut = m.slice(0, len);
      new DataView(cut.buffer).setUint32(0, len, true);
      return cut;
    }
    case 2: { // an attribute length set to something else
      const at = 24 + 4 * (next() % ((m.length - 24) >> 2));
      new DataView(m.buffer).setUint16(at, next() & 0xffff, true);
      return m;
    }
    default: // another command
      m[16] = next() % 8;
      return m;
  }
}

test('mutated requests of every family never throw, and errors leave the datapath unchanged', () => {
  const next = xorshift32(0x5eed0003);
  let errors = 0;
  for (let i = 0; i < 1500; i++) {
    const genl = withDatapath();
    const message = mutate(SEEDS[i % SEEDS.length], next);
    const before = snapshot(genl);
    const replies = genl.handleRequest(message, ADMIN);
    for (const r of replies) {
      const it = new NlMsgIter(r);
      assert.ok(it.next(), `reply ${i} is netlink`);
      assert.equal(it.end, r.length);
    }
    const first = replies[0];
    if (first !== undefined && first[4] === NLMSG_ERROR && nlErrorCode(first, 0, first.length) !== 0) {
      errors++;
      assert.equal(snapshot(genl), before, `request ${i} failed but changed state: ${toHex(message)}`);
    }
  }
  assert.ok(errors > 300, `${errors} errors: the mutations reach the checks`);
});
