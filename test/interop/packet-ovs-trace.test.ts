// Interop: real ovs-vswitchd (dummy datapath) parses every sample packet from
// src/packet/samples.ts, given as hex to ofproto/trace, into the flow fields
// the builder was asked for. Checks the builder's wire bytes and hex.ts's
// format against OVS's own flow extraction.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { realOvsMissing, startRealOvs } from '../support/real-ovs.js';
import { buildPacket, type PacketSpec } from '../../src/packet/build.js';
import { decodePacket } from '../../src/packet/decode.js';
import { bytesToHex } from '../../src/packet/hex.js';
import { PACKET_SAMPLES } from '../../src/packet/samples.js';

const missing = realOvsMissing();

/** Fields OVS's "Flow:" line must contain for `spec` (OVS parses one VLAN tag by default). */
function expectedFields(spec: PacketSpec): string[] {
  const fields: string[] = [];
  if (spec.eth) fields.push(`dl_src=${spec.eth.src}`, `dl_dst=${spec.eth.dst}`);
  if ((spec.vlans?.length ?? 0) > 1) return fields;
  if (spec.vlans?.length === 1) fields.push(`dl_vlan=${spec.vlans[0].vid ?? 0}`);
  if (spec.llc && !spec.snap) return [...fields, 'dl_type=0x05ff'];
  if (spec.mpls?.length) return [...fields, `mpls_label=${spec.mpls[0].label ?? 0}`];
  const arp = spec.arp ?? spec.rarp;
  if (arp) fields.push(`arp_spa=${arp.spa}`, `arp_tpa=${arp.tpa}`, `arp_op=${arp.op ?? 1}`, `arp_sha=${arp.sha}`);
  if (spec.ipv4) fields.push(`nw_src=${spec.ipv4.src}`, `nw_dst=${spec.ipv4.dst}`, `nw_ttl=${spec.ipv4.ttl ?? 64}`);
  if (spec.ipv6) fields.push(`ipv6_src=${spec.ipv6.src}`, `ipv6_dst=${spec.ipv6.dst}`);
  const laterFragment =
    (spec.ipv4?.fragmentOffset ?? 0) > 0 || spec.ipv6?.extensions?.some((e) => e.type === 'fragment' && (e.offset ?? 0) > 0);
  if (laterFragment) return [...fields, 'nw_frag=later'];
  // Port defaults (vxlan/geneve pick theirs) come from the decoded bytes.
  const decoded = decodePacket(buildPacket(spec)).spec;
  const ports = decoded.tcp ?? decoded.udp ?? decoded.sctp;
  if (ports) fields.push(`tp_src=${ports.src}`, `tp_dst=${ports.dst}`);
  const icmp = spec.icmp ?? spec.icmpv6;
  if (icmp) fields.push(`icmp_type=${icmp.type},icmp_code=${icmp.code ?? 0}`);
  if (spec.igmp) fields.push('nw_proto=2', `tp_src=${spec.igmp.type}`);
  if (spec.icmpv6?.target && spec.icmpv6.type !== 137) {
    fields.push(`nd_target=${spec.icmpv6.target}`);
    for (const option of spec.icmpv6.options ?? []) {
      if (option.type === 1) fields.push(`nd_sll=${option.mac}`);
      if (option.type === 2) fields.push(`nd_tll=${option.mac}`);
    }
  }
  return fields;
}

test('real ofproto/trace extracts the fields each sample packet was built with', { skip: missing ?? false }, async () => {
  const ovs = await startRealOvs();
  try {
    await ovs.vsctl(
      'add-br', 'br0', '--', 'set', 'bridge', 'br0', 'datapath-type=dummy', 'fail-mode=secure',
      '--', 'add-port', 'br0', 'p1', '--', 'set', 'interface', 'p1', 'type=dummy', 'ofport_request=1',
    );
    for (const sample of PACKET_SAMPLES) {
      const out = await ovs.appctl('ofproto/trace', 'br0', 'in_port=1', bytesToHex(buildPacket(sample.spec)));
      const flow = out.split('\n')[0];
      assert.match(flow, /^Flow: /, sample.name);
      for (const field of expectedFields(sample.spec)) {
        assert.ok(flow.includes(field), `${sample.name}: OVS saw "${flow}", lacking ${field}`);
      }
    }
    // Whitespace between hex pairs is fine for OVS and for hexToBytes alike.
    const spaced = bytesToHex(buildPacket(PACKET_SAMPLES[0].spec)).replace(/(..)/g, '$1 ');
    assert.match(await ovs.appctl('ofproto/trace', 'br0', 'in_port=1', spaced), /^Flow: arp,/);
  } finally {
    await ovs.stop();
  }
});
