// Unit tests of the match text parser: each value format, the VLAN and
// TOS interplay, normalisation, the onOther hook and the error messages that
// ovs-ofctl prints (checked against the real tool in test/interop).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ParseError } from '../lib/errors.js';
import type { TunMetadataMap } from './fields.js';
import * as L from './layout.js';
import { Match } from './match.js';
import { formatMatch } from './format.js';
import { FORMAT_GOLDENS } from './format-goldens.js';
import { normalizeMatch, parseMatch, splitActions } from './parse.js';

/** The words a match sets, as "word=key/mask" in hex, for compact comparisons. */
function words(m: Match): Record<number, string> {
  const out: Record<number, string> = {};
  for (let w = 0; w < L.KEY_WORDS; w++) {
    if (m.mask[w] !== 0) out[w] = `${m.key[w].toString(16)}/${m.mask[w].toString(16)}`;
  }
  return out;
}

function rejects(text: string, message: string): void {
  assert.throws(
    () => parseMatch(text),
    (e: unknown) => e instanceof ParseError && e instanceof SyntaxError && e.message === message,
    `${text} should fail with "${message}"`,
  );
}

test('parseMatch() reads protocol shorthands as Ethertype and IP protocol', () => {
  assert.deepEqual(words(parseMatch('tcp')), { [L.DL_TYPE]: '800/ffff', [L.NW_PROTO]: '6/ff' });
  assert.deepEqual(words(parseMatch('udp6')), { [L.DL_TYPE]: '86dd/ffff', [L.NW_PROTO]: '11/ff' });
  assert.deepEqual(words(parseMatch('icmp6')), { [L.DL_TYPE]: '86dd/ffff', [L.NW_PROTO]: '3a/ff' });
  assert.deepEqual(words(parseMatch('sctp')), { [L.DL_TYPE]: '800/ffff', [L.NW_PROTO]: '84/ff' });
  assert.deepEqual(words(parseMatch('rarp')), { [L.DL_TYPE]: '8035/ffff' });
  assert.deepEqual(words(parseMatch('mplsm')), { [L.DL_TYPE]: '8848/ffff' });
  assert.deepEqual(words(parseMatch('eth')), {});
  assert.ok(parseMatch('ip,tcp').equals(parseMatch('tcp')));
  assert.ok(parseMatch('tcp,udp').equals(parseMatch('udp')));
  assert.ok(parseMatch('ip=1').equals(parseMatch('ip')), 'a shorthand ignores a value');
});

test('parseMatch() separates pairs by commas and white space and takes ":" for "="', () => {
  const expected = parseMatch('tcp,tp_src=80');
  for (const text of ['tcp tp_src=80', 'tcp,,tp_src=80', ' tcp, tp_src=80 ', 'tcp\ttp_src:80', 'tcp,tp_src=81,tp_src=80']) {
    assert.ok(parseMatch(text).equals(expected), text);
  }
});

test('parseMatch() reads numbers like strtoull: hex, octal, signs, 64-bit wrap', () => {
  assert.equal(parseMatch('reg0=0x10').key[L.REGS], 0x10);
  assert.equal(parseMatch('reg0=010').key[L.REGS], 8);
  assert.equal(parseMatch('reg0=+1').key[L.REGS], 1);
  assert.equal(parseMatch('reg0=0x').mask[L.REGS], 0xffffffff);
  assert.equal(parseMatch('reg0=0x').key[L.REGS], 0);
  const all = parseMatch('metadata=-1');
  assert.deepEqual([all.key[L.METADATA_HI], all.key[L.METADATA_LO]], [0xffffffff, 0xffffffff]);
  const wide = parseMatch('xxreg0=0x10000000000000000');
  assert.deepEqual([...wide.key.subarray(L.REGS, L.REGS + 4)], [0, 1, 0, 0]);
  rejects('reg0=080', '080: bad syntax for reg0 value');
  rejects('reg0=1e2', '1e2: bad syntax for reg0 value');
  rejects('reg0=-1', '-1: value too large for 4-byte field reg0');
  rejects('reg0=0x100000000', '0x100000000: value too large for 4-byte field reg0');
  rejects('xxreg0=18446744073709551616', '18446744073709551616: value too large for 16-byte field xxreg0');
  rejects('reg0=1/2/3', '1/2/3: bad syntax for reg0 mask');
  rejects('tcp,tp_src=1/0x10000', '1/0x10000: mask too large for 2-byte field tcp_src');
});

test('parseMatch() takes masks on maskable fields and only all or nothing on the others', () => {
  assert.deepEqual(words(parseMatch('reg3=0x12/0xf0')), { [L.REGS + 3]: '10/f0' });
  assert.deepEqual(words(parseMatch('reg0=1/0')), {});
  assert.deepEqual(words(parseMatch('ct_zone=5/0xffff')), { [L.CT_ZONE]: '5/ffff' });
  assert.deepEqual(words(parseMatch('ct_zone=5/0')), {});
  rejects('ct_zone=5/0xff', '5/0xff: invalid mask for field ct_zone');
  rejects('dl_type=0x800/0xff00', '0x800/0xff00: invalid mask for field eth_type');
  rejects('ip,nw_proto=6/0xf0', '6/0xf0: invalid mask for field nw_proto');
});

test('parseMatch() reads Ethernet addresses and masks', () => {
  const m = parseMatch('dl_src=01:02:03:04:05:06/ff:ff:ff:00:00:00,eth_dst=1:2:3:4:5:6');
  assert.deepEqual(words(m), {
    [L.DL_DST_HI]: '102/ffff',
    [L.DL_DST_LO]: '3040506/ffffffff',
    [L.DL_SRC_HI]: '102/ffff',
    [L.DL_SRC_LO]: '3000000/ff000000',
  });
  rejects('dl_src=01:02:03:04:05', '01:02:03:04:05: invalid Ethernet address');
  rejects('dl_src=01-02-03-04-05-06', '01-02-03-04-05-06: invalid Ethernet address');
  rejects('dl_src=01:02:03:04:05:06/ff:ff', '01:02:03:04:05:06/ff:ff: invalid Ethernet address');
  rejects('dl_src', '0/0: invalid Ethernet address');
});

test('parseMatch() reads IPv4 addresses with prefix and dotted masks', () => {
  assert.deepEqual(words(parseMatch('ip,nw_src=10.1.2.3/8')).constructor, Object);
  assert.equal(parseMatch('ip,nw_src=10.1.2.3/8').key[L.NW_SRC], 0x0a000000);
  assert.equal(parseMatch('ip,nw_src=10.1.2.3/8').mask[L.NW_SRC], 0xff000000);
  assert.equal(parseMatch('ip,nw_dst=1.2.3.4/255.255.0.255').key[L.NW_DST], 0x01020004);
  assert.equal(parseMatch('ip,nw_dst=010.1.2.3').key[L.NW_DST], 0x0a010203, 'leading zeros are decimal');
  assert.equal(parseMatch('ip,nw_dst=1.2.3.4/0').mask[L.NW_DST], 0);
  assert.equal(parseMatch('arp,arp_tpa=1.2.3.4').key[L.NW_DST], 0x01020304);
  rejects('ip,nw_src=1.2.3.4/33', '1.2.3.4/33: IPv4 network prefix bits not between 0 and 32, inclusive');
  rejects('ip,nw_src=1.2.3', '1.2.3: invalid IP address');
  rejects('ip,nw_src=1.2.3.4/8x', '1.2.3.4/8x: invalid IP address');
  rejects('nw_src=', '0/0: invalid IP address');
});

test('parseMatch() reads IPv6 addresses with prefix and full masks', () => {
  const m = parseMatch('ipv6,ipv6_src=2001:db8::1/32,ipv6_dst=::ffff:1.2.3.4');
  assert.deepEqual([...m.key.subarray(L.IPV6_SRC, L.IPV6_SRC + 4)], [0x20010db8, 0, 0, 0]);
  assert.deepEqual([...m.mask.subarray(L.IPV6_SRC, L.IPV6_SRC + 4)], [0xffffffff, 0, 0, 0]);
  assert.deepEqual([...m.key.subarray(L.IPV6_DST, L.IPV6_DST + 4)], [0, 0, 0xffff, 0x01020304]);
  const masked = parseMatch('ipv6,ipv6_src=::1/::ffff');
  assert.deepEqual([...masked.mask.subarray(L.IPV6_SRC, L.IPV6_SRC + 4)], [0, 0, 0, 0xffff]);
  const tun = parseMatch('tun_ipv6_dst=1:2:3:4:5:6:7:8');
  assert.deepEqual([...tun.key.subarray(L.TUN_IPV6_DST, L.TUN_IPV6_DST + 4)], [0x10002, 0x30004, 0x50006, 0x70008]);
  rejects('ipv6,ipv6_src=::1/129', '::1/129: IPv6 network prefix bits not between 0 and 128, inclusive');
  rejects('ipv6,ipv6_src=1::2::3', '1::2::3: invalid IPv6 address');
  rejects('ipv6,ipv6_src=1.2.3.4', '1.2.3.4: invalid IPv6 address');
});

test('parseMatch() reads ports by reserved name, decimal number and OpenFlow 1.1 number', () => {
  assert.equal(parseMatch('in_port=LOCAL').key[L.IN_PORT], 0xfffe);
  assert.equal(parseMatch('in_port=controller').key[L.IN_PORT], 0xfffd);
  assert.equal(parseMatch('in_port=NONE').key[L.IN_PORT], 0xffff);
  assert.equal(parseMatch('in_port=4294967294').key[L.IN_PORT], 0xfffe);
  assert.equal(parseMatch('in_port_oxm=7').key[L.IN_PORT], 7);
  assert.equal(parseMatch('actset_output=IN_PORT').key[L.ACTSET_OUTPUT], 0xfff8);
  assert.equal(parseMatch('in_port=eth0', { portNames: new Map([['eth0', 3]]) }).key[L.IN_PORT], 3);
  rejects('in_port=0x5', '0x5: invalid or unknown port for in_port');
  rejects('in_port=65536', '65536: invalid or unknown port for in_port');
  rejects('in_port=1/1', '1/1: invalid or unknown port for in_port');
  rejects('in_port', '0/0: invalid or unknown port for in_port');
  rejects('in_port_oxm=foo', 'foo: port value out of range for in_port_oxm');
});

test('parseMatch() reads ip_frag names', () => {
  const frag = (name: string): string => words(parseMatch(`ip,nw_frag=${name}`))[L.NW_FRAG];
  assert.equal(frag('no'), '0/3');
  assert.equal(frag('yes'), '1/1');
  assert.equal(frag('first'), '1/3');
  assert.equal(frag('later'), '3/3');
  assert.equal(frag('not_later'), '0/2');
  rejects('ip,ip_frag=maybe', 'maybe: unknown fragment type (valid types are "no", "yes", "first", "later", "not_later"');
});

test('parseMatch() reads flag sets as +/- lists, numbers and |-lists', () => {
  assert.equal(words(parseMatch('tcp,tcp_flags=+syn-ack'))[L.TCP_FLAGS], '2/12');
  assert.equal(words(parseMatch('tcp,tcp_flags=+[200]'))[L.TCP_FLAGS], '200/200');
  assert.equal(words(parseMatch('tcp,tcp_flags=syn|ack'))[L.TCP_FLAGS], '12/fff');
  assert.equal(words(parseMatch('tcp,tcp_flags=0x3/0xfff'))[L.TCP_FLAGS], '3/fff');
  assert.equal(words(parseMatch('ct_state=+trk-inv'))[L.CT_STATE], '20/30');
  assert.equal(words(parseMatch('ct_state=new|trk'))[L.CT_STATE], '21/ff');
  assert.equal(words(parseMatch('ct_state=0x21'))[L.CT_STATE], '21/ff');
  // OAM is FLOW_TNL_F_OAM (8) in the layout.
  assert.equal(words(parseMatch('tun_flags=+oam'))[L.TUN_FLAGS], '8/8');
  assert.equal(words(parseMatch('tun_flags=-oam'))[L.TUN_FLAGS], '0/8');
  rejects('tcp,tcp_flags=+SYN', 'SYN: unknown TCP flag(s)');
  rejects('tcp,tcp_flags=0x1000', '0x1000: unknown TCP flag(s)');
  rejects('tcp,tcp_flags=+syn-syn', 'syn: Each TCP flag can be specified only once');
  rejects('ct_state=0x100', '0x100: unknown ct_state flag(s)');
  rejects('ct_state=+trk+trk', 'trk: Each ct_state flag can be specified only once');
  rejects('tun_flags=0x2', '0x2: unknown tunnel flag(s)');
});

test('parseMatch() reads packet_type as (namespace,type)', () => {
  assert.equal(words(parseMatch('packet_type=(1,0x894f)'))[L.PACKET_TYPE], '1894f/ffffffff');
  assert.equal(words(parseMatch('packet_type=(0, 0x800)'))[L.PACKET_TYPE], '800/ffffffff');
  rejects('packet_type=0', "0: bad syntax for packet type missing '('");
  rejects('packet_type=(a,1)', 'a,1): bad syntax for packet type ns');
  rejects('packet_type=(0,)', '): bad syntax for packet type ns_type');
  rejects('packet_type=(0,0x800', "0x800: bad syntax for packet type missing ')'");
});

test('parseMatch() combines the OpenFlow 1.0 and OXM VLAN fields in one TCI', () => {
  const tci = (text: string): string => words(parseMatch(text))[L.VLAN0];
  assert.equal(tci('dl_vlan=5'), '1005/1fff');
  assert.equal(tci('dl_vlan=0xffff'), '0/ffff', 'no VLAN header');
  assert.equal(tci('dl_vlan=4096'), '1000/1fff', 'only the low 12 bits count');
  assert.equal(tci('dl_vlan=5,dl_vlan_pcp=3'), '7005/ffff');
  assert.equal(tci('dl_vlan=0xffff,dl_vlan_pcp=3'), '7000/ffff');
  assert.equal(tci('dl_vlan_pcp=3,dl_vlan=0xffff'), '0/ffff');
  assert.equal(tci('vlan_vid=0x1005/0x1fff'), '1005/1fff');
  assert.equal(tci('vlan_vid=5'), '5/1fff', 'a VID without the present bit');
  assert.equal(tci('vlan_pcp=3,vlan_vid=5'), '6005/ffff');
  assert.equal(tci('dl_vlan=5,vlan_tci=0x0003/0xf'), '3/f');
  rejects('dl_vlan=65536', '65536: value too large for 2-byte field dl_vlan');
  rejects('vlan_pcp=256', '256: value too large for 1-byte field vlan_pcp');
});

test('parseMatch() places DSCP, ECN, MPLS and ARP sub-fields in their words', () => {
  assert.equal(words(parseMatch('ip,ip_dscp=63,nw_ecn=1'))[L.NW_TOS], 'fd/ff');
  assert.equal(words(parseMatch('ip,nw_tos=3'))[L.NW_TOS], '0/fc', 'nw_tos ignores the ECN bits');
  assert.equal(words(parseMatch('ip,ip_dscp=64'))[L.NW_TOS], '0/fc', 'extra high bits are dropped');
  assert.equal(words(parseMatch('mpls,mpls_label=0x100001,mpls_tc=3'))[L.MPLS_LSE0], '1600/fffffe00');
  assert.equal(words(parseMatch('mpls,mpls_bos=1,mpls_ttl=64'))[L.MPLS_LSE0], '140/1ff');
  assert.equal(words(parseMatch('arp,arp_op=0x1ff'))[L.NW_PROTO], 'ff/ff');
  assert.equal(words(parseMatch('icmp,icmp_type=3,icmp_code=1'))[L.TP_DST], '1/ffff', 'ICMP code matches the whole port word');
});

test('parseMatch() places tun_metadata by the TLV map and extends the map when needed', () => {
  const map: TunMetadataMap = new Map([[1, { offset: 4, length: 8 }]]);
  const m = parseMatch('tun_metadata1=0x1122334455,tun_metadata0=6', { tunMetadata: map });
  assert.equal(m.key[L.TUN_METADATA + 1], 0x11);
  assert.equal(m.key[L.TUN_METADATA + 2], 0x22334455);
  assert.deepEqual(map.get(0), { offset: 12, length: 4 });
  assert.equal(m.key[L.TUN_METADATA + 3], 6);
  assert.equal(m.key[L.TUN_METADATA_PRESENT_LO], 3);
  rejects('tun_metadata0=0x1/0x1,tun_metadata64=1', 'unknown keyword tun_metadata64');
});

test('normalizeMatch() drops fields whose prerequisites are missing, as ovs-ofctl does', () => {
  assert.deepEqual(words(parseMatch('tp_src=80')), {});
  assert.deepEqual(words(parseMatch('ipv6,nw_src=1.2.3.4')), { [L.DL_TYPE]: '86dd/ffff' });
  assert.deepEqual(words(parseMatch('mpls,mpls_label=5,ip')), { [L.DL_TYPE]: '800/ffff' });
  assert.ok(parseMatch('ip,arp_op=1').equals(parseMatch('icmp')), 'arp_op and nw_proto share a word');
  assert.ok(
    parseMatch('icmp6,icmp_type=136,nd_sll=01:02:03:04:05:06').equals(parseMatch('icmp6,icmp_type=136')),
    'nd_sll needs a neighbor solicitation',
  );
  assert.notEqual(words(parseMatch('packet_type=(1,0x800),nw_src=1.2.3.4'))[L.NW_SRC], undefined);
  const kept = parseMatch('tp_src=80', { normalize: false });
  assert.equal(kept.key[L.TP_SRC], 80);
  assert.equal(normalizeMatch(kept), true);
  assert.equal(normalizeMatch(kept), false);
});

test('parseMatch() hands other keywords to onOther, and the actions text whole', () => {
  const seen: Array<[string, string | undefined]> = [];
  const m = parseMatch('priority=5,tcp,check_overlap,tp_dst=22 actions=output:1,mod_vlan_vid:5', {
    onOther: (name, value) => {
      seen.push([name, value]);
    },
  });
  assert.deepEqual(seen, [
    ['priority', '5'],
    ['check_overlap', undefined],
    ['actions', 'output:1,mod_vlan_vid:5'],
  ]);
  assert.ok(m.equals(parseMatch('tcp,tp_dst=22')));
  assert.throws(() => parseMatch('priority=5', { onOther: () => false }), /^SyntaxError: unknown keyword priority$/);
});

test('parseMatch() words unknown keywords as ovs-ofctl does', () => {
  rejects('foo=1', 'unknown keyword foo');
  rejects('foo', 'field foo missing value');
  rejects('tcp,tp_src = 80', 'field  missing value');
  rejects('=80', 'unknown keyword ');
  rejects('priority=5', 'unknown keyword priority');
  rejects('NXM_OF_IN_PORT=1', 'unknown keyword NXM_OF_IN_PORT');
});

test('splitActions() splits where ovs-ofctl does', () => {
  assert.deepEqual(splitActions('tcp,actions=drop'), { match: 'tcp,', actions: 'drop' });
  assert.deepEqual(splitActions('tcp,action=drop'), { match: 'tcp,', actions: 'drop' });
  assert.deepEqual(splitActions('tcpactions=drop'), { match: 'tcp', actions: 'drop' });
  assert.deepEqual(splitActions('tcp,actions = output:1,2'), { match: 'tcp,', actions: ' output:1,2' });
  assert.equal(splitActions('tcp,actions:drop'), null);
  assert.equal(splitActions('tcp'), null);
});

test('parseMatch() sets subfields bit by bit and checks their bounds', () => {
  assert.equal(words(parseMatch('reg0[4..7]=0xf,reg0[0..3]=1'))[L.REGS], 'f1/ff');
  assert.equal(words(parseMatch('reg0[1]=1'))[L.REGS], '2/2');
  assert.equal(words(parseMatch('reg0[]=5'))[L.REGS], '5/ffffffff');
  assert.equal(words(parseMatch('ip,nw_src[24..31]=10'))[L.NW_SRC], 'a000000/ff000000');
  assert.equal(words(parseMatch('metadata[32..63]=0x5'))[L.METADATA_HI], '5/ffffffff');
  assert.equal(words(parseMatch('vlan_vid[0..11]=1'))[L.VLAN0], '1/fff');
  rejects('reg0[0..32]=1', 'reg0[0..32]: ending bit 32 is not valid because field is only 32 bits wide');
  rejects('reg0[3..1]=1', 'reg0[3..1]: starting bit 3 is after ending bit 1');
  rejects('reg0[0..3]=0x1f', 'reg0[0..3]: value 0x1f does not fit into 4 bits');
  rejects('reg0[0..3]=5/3', 'reg0[0..3]: cannot parse integer value: 5/3');
  rejects('reg0[a]=1', 'reg0[a]: syntax error expecting [] or [<bit>] or [<start>..<end>]');
  rejects('reg0[0..3]x=1', 'unexpected input following field syntax');
  rejects('foo[1]=1', "foo[1]: unknown field `foo'");
});

test('parseMatch() fails only with ParseError on random text', () => {
  let seed = 2024;
  const random = (n: number): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return (seed >>> 8) % n;
  };
  const pieces = [
    'tcp', 'ip', 'ipv6', 'reg0', 'tun_metadata3', 'dl_vlan', 'vlan_pcp', 'ct_state', 'tcp_flags', 'packet_type',
    'nw_src', 'ipv6_src', 'dl_src', 'in_port', 'nw_frag', 'tun_flags', 'xxreg1', 'actions', '=', ':', ',', ' ', '/',
    '(', ')', '[', ']', '..', '+', '-', '|', '0x', 'ff', '::', '.', '1', '65535', '99999999999999999999', 'LOCAL',
    'syn', 'trk', 'oam', 'first', '\t', '\u00e9', '%',
  ];
  let accepted = 0;
  for (let i = 0; i < 3000; i++) {
    let text = '';
    for (let j = random(12); j >= 0; j--) text += pieces[random(pieces.length)];
    try {
      const m = parseMatch(text, { onOther: (name) => name === 'actions' });
      accepted++;
      for (let w = 0; w < L.KEY_WORDS; w++) assert.equal(m.key[w] & ~m.mask[w], 0, `${text}: key bits outside the mask`);
    } catch (e) {
      assert.ok(e instanceof ParseError, `${JSON.stringify(text)} threw ${String(e)}`);
    }
  }
  assert.ok(accepted > 100, `only ${accepted} random texts parsed`);
});

test('parseMatch() reads every formatter golden back to a match that prints the same', () => {
  for (const golden of FORMAT_GOLDENS) {
    const parsed = parseMatch(golden.text, { onOther: (name) => name === 'priority' });
    assert.equal(formatMatch(parsed, { priority: golden.priority ?? 32768 }), golden.text);
    assert.equal(formatMatch(parsed), formatMatch(golden.match), golden.text);
  }
});
