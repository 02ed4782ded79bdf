// Captures test/corpus/openflow/messages.txt: real OpenFlow bytes that the
// real ovs-ofctl sends and the real ovs-vswitchd (--enable-dummy sandbox)
// answers, recorded by a proxy (test/support/ofp-proxy.ts), each with the
// text real `ovs-ofctl ofp-print` gives for it. The printer's differential
// test reads this file. Run (needs Open vSwitch 3.1):
//   npm run build && node dist/test/corpus/openflow/capture.js --write   (--dry-run: capture, write nothing)

import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startOfpProxy } from '../../support/ofp-proxy.js';
import { startRealOvs } from '../../support/real-ovs.js';

const VERSIONS = ['OpenFlow10', 'OpenFlow11', 'OpenFlow12', 'OpenFlow13', 'OpenFlow14', 'OpenFlow15'];

/** ovs-ofctl commands run once per version (the bridge is br0). */
const COMMANDS: string[][] = [
  ['show'],
  ['dump-desc'],
  ['get-frags'],
  ['add-flow', 'priority=100,ip,nw_src=10.0.0.0/8,actions=drop'],
  ['add-flow', 'table=0,priority=7,in_port=1,dl_src=00:01:02:03:04:05,dl_vlan=10,tcp,tp_dst=80,idle_timeout=5,cookie=0x12,actions=drop'],
  ['add-flow', 'arp,arp_op=1,arp_spa=192.168.0.1,actions=drop'],
  ['add-flow', 'ipv6,ipv6_src=2001:db8::1/64,udp,udp_src=53,actions=drop'],
  ['add-flow', 'reg0=5,tun_id=0x99,pkt_mark=0x10/0xff,actions=drop'],
  ['add-flow', 'icmp,icmp_type=8,nw_tos=16,nw_ttl=7,actions=drop'],
  ['mod-flows', 'ip,actions=drop'],
  ['del-flows', 'tcp'],
  ['del-flows', '--strict', 'priority=100,ip,nw_src=10.0.0.0/8'],
  ['dump-flows'],
  ['dump-aggregate'],
  ['dump-tables'],
  ['dump-ports'],
  ['dump-ports-desc'],
  ['mod-port', 'br0', 'no-flood'],
  ['add-flow', 'priority=5,hard_timeout=9,importance=3,send_flow_rem,check_overlap,reset_counts,no_packet_counts,no_byte_counts,tcp6,ipv6_dst=::1,tcp_flags=+syn-ack,actions=drop'],
  ['add-flow', 'table=3,vlan_tci=0x1000/0x1000,dl_dst=01:00:00:00:00:00/01:00:00:00:00:00,ct_state=+trk,ct_zone=5,metadata=0x5/0xff,actions=drop'],
  ['add-flow', 'mpls,mpls_label=5,mpls_tc=2,mpls_bos=1,actions=drop'],
  ['add-flow', 'icmp6,icmpv6_type=135,nd_target=fe80::1,nd_sll=00:11:22:33:44:55,actions=drop'],
  ['add-flow', 'ip,ip_frag=later,nw_ecn=2,ip_dscp=10,actions=drop'],
  ['add-flow', 'sctp,sctp_src=9,sctp_dst=10,tun_src=1.1.1.1,tun_dst=2.2.2.2,actions=drop'],
  ['add-flow', 'dl_vlan=0xffff,dl_type=0x88cc,actions=drop'],
  ['add-flow', 'dl_vlan_pcp=3,udp,nw_dst=1.2.3.4,udp_dst=1,actions=drop'],
  ['mod-flows', '--strict', 'priority=5,cookie=0x10/0xff,tcp,actions=drop'],
  ['del-flows', 'out_port=1,cookie=0x5/0xf,ip'],
  ['del-flows', 'table=3,out_port=LOCAL,in_port=2'],
  ['dump-flows', 'table=3,ip'],
  ['dump-flows', 'cookie=0x10/0xff,out_port=1'],
  ['dump-aggregate', 'tcp'],
  ['dump-table-features'],
  ['dump-group-features'],
  ['dump-groups'],
  ['dump-meters'],
  ['meter-features'],
  ['queue-stats'],
  ['add-group', 'group_id=1,type=all,bucket=actions=drop'],
  ['add-meter', 'meter=1,kbps,band=type=drop,rate=100'],
  ['mod-table', '0', 'evict'],
  ['get-frags'],
  ['set-frags', 'drop'],
];

function ofpPrint(hex: string): string {
  return execFileSync('ovs-ofctl', ['ofp-print', hex], { encoding: 'utf8' });
}

async function capture(): Promise<void> {
  const ovs = await startRealOvs();
  const lines: string[] = [];
  const seen = new Set<string>();
  try {
    await ovs.vsctl('add-br', 'br0', '--', 'set', 'bridge', 'br0', 'datapath-type=dummy',
      'protocols=OpenFlow10,OpenFlow11,OpenFlow12,OpenFlow13,OpenFlow14,OpenFlow15');
    await ovs.vsctl('add-port', 'br0', 'p1', '--', 'set', 'interface', 'p1', 'type=dummy', 'ofport_request=1');
    for (const version of VERSIONS) {
      for (const command of COMMANDS) {
        const listen = join(ovs.dir, 'proxy.sock');
        const proxy = await startOfpProxy(listen, join(ovs.dir, 'br0.mgmt'));
        try {
          const [name, ...rest] = command;
          await ovs.run('ovs-ofctl', ['-O', version, name, `unix:${listen}`, ...rest]).catch(() => '');
        } finally {
          await proxy.close();
        }
        for (const m of proxy.messages) {
          const hex = Buffer.from(m.bytes).toString('hex');
          if (seen.has(hex)) continue;
          seen.add(hex);
          const text = ofpPrint(hex);
          lines.push(`# ${version} ${command.join(' ')} (${m.direction})`, hex, ...text.replace(/\n$/, '').split('\n').map((l) => `| ${l}`), '');
        }
      }
    }
  } finally {
    await ovs.stop();
  }
  if (process.argv.includes('--write')) {
    writeFileSync(new URL('../../../../test/corpus/openflow/messages.txt', import.meta.url), lines.join('\n'));
  }
  process.stdout.write(`captured ${seen.size} messages\n`);
}

// `node --test dist/` loads every file; capture only when asked to.
if (process.argv.includes('--write') || process.argv.includes('--dry-run')) await capture();
