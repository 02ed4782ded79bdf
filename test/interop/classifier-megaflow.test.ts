// Interop: megaflow widths. The same one-table rule set goes into real
// ovs-vswitchd (dummy datapath, `ovs-ofctl add-flows`) and into our
// classifier; for each packet, the mask ofproto/trace prints as "Megaflow:"
// is compared with our lookup()'s wildcards plus the fields xlate always
// matches (recirc_id, in_port, dl_type, nw_frag for IP). Ours must never be
// wider than Open vSwitch's; how often they are equal is reported.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Classifier } from '../../src/classifier/classifier.js';
import { ClsRule } from '../../src/classifier/rule.js';
import * as L from '../../src/flow/layout.js';
import { formatFlow, formatMatch } from '../../src/flow/format.js';
import { Match } from '../../src/flow/match.js';
import { parseMatch } from '../../src/flow/parse.js';
import { makePackets, makeTable } from '../../bench/classifier-rules.js';
import { realOvsMissing, startRealOvs } from '../support/real-ovs.js';

const missing = realOvsMissing();

/** Words xlate un-wildcards for every packet, whatever the tables say. */
function xlateAlways(key: Uint32Array, wc: Uint32Array): void {
  wc[L.RECIRC_ID] = 0xffffffff;
  wc[L.IN_PORT] |= 0xffff;
  wc[L.DL_TYPE] |= 0xffff;
  if (key[L.DL_TYPE] === 0x0800 || key[L.DL_TYPE] === 0x86dd) wc[L.NW_FRAG] |= 3;
  // Pipeline state is no part of a datapath flow: xlate drops it.
  for (const w of [L.METADATA_HI, L.METADATA_LO, L.ACTSET_OUTPUT, L.CONJ_ID]) wc[w] = 0;
  for (let i = 0; i < L.REG_COUNT; i++) wc[L.REGS + i] = 0;
}

/**
 * The packet as ofproto/trace flow text. ofproto/trace wants the transport
 * fields by their protocol's names (tcp_src, not tp_src).
 */
function traceText(packet: Uint32Array): string {
  let text = formatFlow(packet).replace(/,vlan_tci1=[^,]*/, '');
  const proto = /^(tcp|udp|sctp|tcp6|udp6|sctp6|icmp|icmp6)\b/.exec(text)?.[1];
  if (proto?.startsWith('icmp')) {
    text = text.replace(/\btp_src=/, 'icmp_type=').replace(/\btp_dst=/, 'icmp_code=');
  } else if (proto !== undefined) {
    const name = proto.replace('6', '');
    text = text.replace(/\btp_src=/, `${name}_src=`).replace(/\btp_dst=/, `${name}_dst=`);
  }
  return text;
}

test('our wildcards are never wider than real Open vSwitch megaflows for the same table', { skip: missing ?? false },
  async (t) => {
    const table = makeTable(1500, 7);
    const packets = makePackets(table, 150, 8);
    const cls = new Classifier<string>();
    for (const r of table) cls.insert(new ClsRule(parseMatch(r.text.replace(/^priority=\d+,?/, '')), r.priority, { data: r.text }));
    const ovs = await startRealOvs();
    try {
      const ports = Array.from({ length: 48 }, (_, i) => [
        '--', 'add-port', 'br0', `p${i + 1}`, '--', 'set', 'interface', `p${i + 1}`, 'type=dummy', `ofport_request=${i + 1}`,
      ]).flat();
      await ovs.vsctl('add-br', 'br0', '--', 'set', 'bridge', 'br0', 'datapath-type=dummy', 'fail-mode=secure', ...ports);
      const file = join(ovs.dir, 'flows.txt');
      writeFileSync(file, table.map((r) => `${r.text},actions=drop`).join('\n') + '\n');
      await ovs.run('ovs-ofctl', ['add-flows', 'br0', file]);
      let equal = 0;
      let narrower = 0;
      const wider: string[] = [];
      /** Fields where our mask has bits that OVS's lacks, and how often. */
      const extraFields = new Map<string, number>();
      for (const packet of packets) {
        // The packet as text, read back, so both sides see the same packet.
        const text = traceText(packet);
        const key = parseMatch(text, { normalize: false }).key;
        const wc = new Uint32Array(L.KEY_WORDS);
        const found = cls.lookup(key, 0, wc);
        xlateAlways(key, wc);
        const out = await ovs.appctl('ofproto/trace', 'br0', text);
        const line = /^Megaflow: (.*)$/m.exec(out)?.[1];
        assert.ok(line !== undefined, `no Megaflow line for ${text}:\n${out}`);
        const theirs = parseMatch(line, { normalize: false }).mask;
        let same = true;
        let missingBits = false;
        for (let w = 0; w < L.KEY_WORDS; w++) {
          if (wc[w] !== theirs[w]) same = false;
          if ((theirs[w] & ~wc[w]) !== 0) missingBits = true;
        }
        if (same) equal++;
        else if (!missingBits) {
          narrower++;
          for (const f of L.KEY_FIELDS) {
            let differs = false;
            for (let w = f.word; w < f.word + f.words; w++) differs ||= wc[w] !== theirs[w];
            if (differs) extraFields.set(f.name, (extraFields.get(f.name) ?? 0) + 1);
          }
        }
        else {
          const ours = new Match(Uint32Array.from(key), wc);
          for (let w = 0; w < L.KEY_WORDS; w++) ours.key[w] &= wc[w];
          wider.push(`${text}\n  rule: ${found?.data ?? 'none'}\n  ovs:  ${line}\n  ours: ${formatMatch(ours)}`);
        }
      }
      t.diagnostic(`${packets.length} packets: ${equal} equal megaflows, ${narrower} narrower (more bits) than OVS, `
        + `${wider.length} wider; fields with extra bits: ${[...extraFields].map(([f, n]) => `${f} ${n}`).join(', ')}`);
      assert.deepEqual(wider, [], 'wildcards wider than real Open vSwitch');
    } finally {
      await ovs.stop();
    }
  });
