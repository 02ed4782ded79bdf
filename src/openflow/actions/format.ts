// formatActions(): Ofpacts as the text ovs-ofctl prints after "actions=" in
// dump-flows and ofp-print. Each action prints the way Open vSwitch 3.1 does,
// including the choices that depend on how the action arrived (load versus
// set_field, strip_vlan versus pop_vlan); the corpus in
// test/corpus/openflow-actions holds the real tool's text for each.

import { formatIpv4, formatPort } from '../../flow/format.js';
import {
  altHex, bytesToBigint, formatFieldValue, formatMac, formatSubfield,
} from './subfield.js';
import {
  BUNDLE_ALGORITHMS, CONTROLLER_REASONS, CT_COMMIT, CT_FORCE, HASH_FIELDS, LEARN_DELETE_LEARNED,
  LEARN_SEND_FLOW_REM, MULTIPATH_ALGORITHMS, NAT_DST, NAT_PERSISTENT, NAT_PROTO_HASH, NAT_PROTO_RANDOM, NAT_SRC,
  OFPP, type Learn, type Nat, type Ofpact,
} from './types.js';
import { formatIpv6 } from '../../flow/format.js';

export interface FormatActionsOptions {
  /** Port names to print instead of numbers (ovs-ofctl --names). */
  names?: ReadonlyMap<number, string>;
}

function port(p: number, options: FormatActionsOptions): string {
  return options.names?.get(p) ?? formatPort(p);
}

function hex(v: number): string {
  return altHex(BigInt(v >>> 0));
}

function u64(pair: readonly [number, number]): bigint {
  return (BigInt(pair[0] >>> 0) << 32n) | BigInt(pair[1] >>> 0);
}

/** A load: for a set_field whose mask is one run of at most 64 bits, else null. */
function asLoad(a: Extract<Ofpact, { type: 'set-field' }>): string | null {
  const mask = bytesToBigint(a.mask);
  if (mask === 0n) return null;
  let ofs = 0;
  while (((mask >> BigInt(ofs)) & 1n) === 0n) ofs++;
  const run = mask >> BigInt(ofs);
  if ((run & (run + 1n)) !== 0n) return null;
  const nBits = run.toString(2).length;
  if (nBits > 64) return null;
  const value = (bytesToBigint(a.value) >> BigInt(ofs)) & run;
  return `load:${altHex(value)}->${formatSubfield({ field: a.field, ofs, nBits })}`;
}

function formatIp(addr: Uint8Array): string {
  const w = (i: number): number => ((addr[i]! << 24) | (addr[i + 1]! << 16) | (addr[i + 2]! << 8) | addr[i + 3]!) >>> 0;
  return addr.length === 4 ? formatIpv4(w(0)) : formatIpv6([w(0), w(4), w(8), w(12)]);
}

function formatNat(a: Nat): string {
  if (a.flags === 0 && !a.addrMin && a.portMin === undefined) return 'nat';
  let s = 'nat(';
  if (a.flags & (NAT_SRC | NAT_DST)) {
    s += a.flags & NAT_SRC ? 'src' : 'dst';
    if (a.addrMin || a.portMin !== undefined) {
      s += '=';
      const v6 = a.addrMin?.length === 16;
      const bracket = v6 && a.portMin !== undefined;
      if (a.addrMin) {
        s += bracket ? `[${formatIp(a.addrMin)}]` : formatIp(a.addrMin);
        if (a.addrMax) s += '-' + (bracket ? `[${formatIp(a.addrMax)}]` : formatIp(a.addrMax));
      }
      if (a.portMin !== undefined) {
        s += `:${a.portMin}`;
        if (a.portMax !== undefined) s += `-${a.portMax}`;
      }
    }
    s += ',';
  }
  if (a.flags & NAT_PERSISTENT) s += 'persistent,';
  if (a.flags & NAT_PROTO_HASH) s += 'hash,';
  if (a.flags & NAT_PROTO_RANDOM) s += 'random,';
  return s.replace(/,$/, '') + ')';
}

function immediateText(value: Uint8Array): string {
  return altHex(bytesToBigint(value));
}

function formatLearn(a: Learn): string {
  let s = `learn(table=${a.tableId}`;
  if (a.idleTimeout) s += `,idle_timeout=${a.idleTimeout}`;
  if (a.hardTimeout) s += `,hard_timeout=${a.hardTimeout}`;
  if (a.finIdleTimeout) s += `,fin_idle_timeout=${a.finIdleTimeout}`;
  if (a.finHardTimeout) s += `,fin_hard_timeout=${a.finHardTimeout}`;
  if (a.priority !== 0x8000) s += `,priority=${a.priority}`;
  if (a.flags & LEARN_SEND_FLOW_REM) s += ',send_flow_rem';
  if (a.flags & LEARN_DELETE_LEARNED) s += ',delete_learned';
  const cookie = u64(a.cookie);
  if (cookie !== 0n) s += `,cookie=${altHex(cookie)}`;
  if (a.limit) s += `,limit=${a.limit}`;
  if (a.resultDst) s += `,result_dst=${formatSubfield(a.resultDst)}`;
  for (const spec of a.specs) {
    s += ',';
    if (spec.kind === 'output') {
      s += `output:${formatSubfield(spec.src)}`;
    } else if (spec.kind === 'match') {
      if ('src' in spec) {
        const same = spec.src.field === spec.dst.field && spec.src.ofs === spec.dst.ofs && spec.src.nBits === spec.dst.nBits;
        s += same ? formatSubfield(spec.dst) : `${formatSubfield(spec.dst)}=${formatSubfield(spec.src)}`;
      } else if (spec.dst.ofs === 0 && spec.dst.nBits === spec.dst.field.bits) {
        const f = spec.dst.field;
        const v = bytesToBigint(spec.value);
        const bytes = new Uint8Array(f.bytes);
        for (let i = f.bytes - 1, x = v; i >= 0; i--, x >>= 8n) bytes[i] = Number(x & 0xffn);
        s += `${f.name}=${formatFieldValue(f, bytes)}`;
      } else {
        s += `${formatSubfield(spec.dst)}=${immediateText(spec.value)}`;
      }
    } else if ('src' in spec) {
      s += `load:${formatSubfield(spec.src)}->${formatSubfield(spec.dst)}`;
    } else {
      s += `load:${immediateText(spec.value)}->${formatSubfield(spec.dst)}`;
    }
  }
  return s + ')';
}

const ENCAP_NAMES: ReadonlyMap<number, string> = new Map([
  [0x0000_0000, 'ethernet'], [0x0001_894f, 'nsh'], [0x0001_8847, 'mpls'], [0x0001_8848, 'mpls_mc'],
]);

function formatOne(a: Ofpact, options: FormatActionsOptions): string {
  switch (a.type) {
    case 'output':
      if (a.port < OFPP.MAX) return `output:${port(a.port, options)}`;
      if (a.port === OFPP.CONTROLLER) return `CONTROLLER:${a.maxLen}`;
      return port(a.port, options);
    case 'output-trunc':
      return `output(port=${port(a.port, options)},max_len=${a.maxLen})`;
    case 'output-reg':
      // ovs-ofctl prints no max_len here, whatever the action carries.
      return `output:${formatSubfield(a.src)}`;
    case 'enqueue':
      return `enqueue:${port(a.port, options)}:${a.queue}`;
    case 'controller': {
      if (a.reason === 1 && a.controllerId === 0 && !a.userdata && !a.pause && a.meterId === 0xffffffff) {
        return `CONTROLLER:${a.maxLen}`;
      }
      const parts: string[] = [];
      if (a.reason !== 1) parts.push(`reason=${CONTROLLER_REASONS[a.reason] ?? a.reason}`);
      if (a.maxLen !== 0xffff) parts.push(`max_len=${a.maxLen}`);
      if (a.controllerId !== 0) parts.push(`id=${a.controllerId}`);
      if (a.userdata) parts.push(`userdata=${Array.from(a.userdata, (b) => b.toString(16).padStart(2, '0')).join('.')}`);
      if (a.pause) parts.push('pause');
      if (a.meterId !== 0xffffffff) parts.push(`meter_id=${a.meterId}`);
      return `controller(${parts.join(',')})`;
    }
    case 'bundle': {
      const head = `${HASH_FIELDS[a.fields] ?? a.fields},${a.basis},${BUNDLE_ALGORITHMS[a.algorithm] ?? a.algorithm},ofport`;
      const members = `members:${a.members.map((m) => port(m, options)).join(',')}`;
      return a.dst ? `bundle_load(${head},${formatSubfield(a.dst)},${members})` : `bundle(${head},${members})`;
    }
    case 'set-vlan-vid':
      return `${a.raw === 'set_vlan_vid' ? 'set_vlan_vid' : 'mod_vlan_vid'}:${a.vid}`;
    case 'set-vlan-pcp':
      return `${a.raw === 'set_vlan_pcp' ? 'set_vlan_pcp' : 'mod_vlan_pcp'}:${a.pcp}`;
    case 'strip-vlan':
      return a.raw === 'pop_vlan' ? 'pop_vlan' : 'strip_vlan';
    case 'push-vlan':
      return `push_vlan:${hex(a.ethertype)}`;
    case 'set-eth-src':
      return `mod_dl_src:${formatMac(a.mac)}`;
    case 'set-eth-dst':
      return `mod_dl_dst:${formatMac(a.mac)}`;
    case 'set-ipv4-src':
      return `mod_nw_src:${formatIpv4(a.addr)}`;
    case 'set-ipv4-dst':
      return `mod_nw_dst:${formatIpv4(a.addr)}`;
    case 'set-ip-dscp':
      return `mod_nw_tos:${a.tos}`;
    case 'set-ip-ecn':
      return `mod_nw_ecn:${a.ecn}`;
    case 'set-ip-ttl':
      return `mod_nw_ttl:${a.ttl}`;
    case 'set-l4-src':
      return `mod_tp_src:${a.port}`;
    case 'set-l4-dst':
      return `mod_tp_dst:${a.port}`;
    case 'dec-ttl':
      return a.raw === 'cnt-ids' ? `dec_ttl(${a.controllerIds.join(',')})` : 'dec_ttl';
    case 'set-mpls-label':
      return `set_mpls_label(${a.label})`;
    case 'set-mpls-tc':
      return `set_mpls_tc(${a.tc})`;
    case 'set-mpls-ttl':
      return `set_mpls_ttl(${a.ttl})`;
    case 'dec-mpls-ttl':
      return 'dec_mpls_ttl';
    case 'push-mpls':
      return `push_mpls:${hex(a.ethertype)}`;
    case 'pop-mpls':
      return `pop_mpls:0x${a.ethertype.toString(16).padStart(4, '0')}`;
    case 'set-field': {
      if (a.raw === 'reg-load') {
        const load = asLoad(a);
        if (load) return load;
      }
      if (a.wireMask) return `set_field:${altHex(bytesToBigint(a.value))}/${altHex(bytesToBigint(a.mask))}->${a.field.name}`;
      return `set_field:${formatFieldValue(a.field, a.value, a.mask)}->${a.field.name}`;
    }
    case 'move':
      return `move:${formatSubfield(a.src)}->${formatSubfield(a.dst)}`;
    case 'stack-push':
      return `push:${formatSubfield(a.subfield)}`;
    case 'stack-pop':
      return `pop:${formatSubfield(a.subfield)}`;
    case 'set-tunnel': {
      const v = u64(a.tunId);
      return `${a.raw === 'tunnel64' || v > 0xffffffffn ? 'set_tunnel64' : 'set_tunnel'}:${altHex(v)}`;
    }
    case 'set-queue':
      return `set_queue:${a.queue}`;
    case 'pop-queue':
      return 'pop_queue';
    case 'delete-field':
      return `delete_field:${a.field.name}`;
    case 'resubmit': {
      if (a.inPort !== OFPP.IN_PORT && a.tableId === 0xff && !a.ct) return `resubmit:${port(a.inPort, options)}`;
      let s = 'resubmit(';
      if (a.inPort !== OFPP.IN_PORT) s += port(a.inPort, options);
      s += ',';
      if (a.tableId !== 0xff) s += String(a.tableId);
      if (a.ct) s += ',ct';
      return s + ')';
    }
    case 'group':
      return `group:${a.groupId}`;
    case 'fin-timeout': {
      const parts: string[] = [];
      if (a.idleTimeout) parts.push(`idle_timeout=${a.idleTimeout}`);
      if (a.hardTimeout) parts.push(`hard_timeout=${a.hardTimeout}`);
      return `fin_timeout(${parts.join(',')})`;
    }
    case 'note':
      return `note:${Array.from(a.data, (b) => b.toString(16).padStart(2, '0')).join('.')}`;
    case 'exit':
      return 'exit';
    case 'learn':
      return formatLearn(a);
    case 'conjunction':
      return `conjunction(${a.id},${a.clause + 1}/${a.nClauses})`;
    case 'multipath':
      return `multipath(${HASH_FIELDS[a.fields] ?? a.fields},${a.basis},${MULTIPATH_ALGORITHMS[a.algorithm] ?? a.algorithm},${a.maxLink + 1},${a.arg},${formatSubfield(a.dst)})`;
    case 'sample': {
      let s = `sample(probability=${a.probability},collector_set_id=${a.collectorSetId},obs_domain_id=${a.obsDomainId},obs_point_id=${a.obsPointId}`;
      if (a.samplingPort !== OFPP.NONE) s += `,sampling_port=${port(a.samplingPort, options)}`;
      if (a.direction === 1) s += ',ingress';
      if (a.direction === 2) s += ',egress';
      return s + ')';
    }
    case 'clone':
      return `clone(${formatActions(a.actions, options)})`;
    case 'ct': {
      let s = 'ct(';
      if (a.flags & CT_COMMIT) s += 'commit,';
      if (a.flags & CT_FORCE) s += 'force,';
      if (a.recircTable !== 0xff) s += `table=${a.recircTable},`;
      if (a.zoneSrc) s += `zone=${formatSubfield(a.zoneSrc)},`;
      else if (a.zoneImm) s += `zone=${a.zoneImm},`;
      if (a.alg) s += `alg=${a.alg === 21 ? 'ftp' : a.alg === 69 ? 'tftp' : a.alg},`;
      let rest = a.actions;
      if (rest[0]?.type === 'nat') {
        s += formatNat(rest[0]) + ',';
        rest = rest.slice(1);
      }
      if (rest.length > 0) s += `exec(${rest.map((x) => formatOne(x, options)).join(',')}),`;
      return s.replace(/,$/, '') + ')';
    }
    case 'ct-clear':
      return 'ct_clear';
    case 'nat':
      return formatNat(a);
    case 'check-pkt-larger':
      return `check_pkt_larger(${a.pktLen})->${formatSubfield(a.dst)}`;
    case 'encap': {
      const name = ENCAP_NAMES.get(a.packetType) ?? `packet_type(ns=${a.packetType >>> 16},type=0x${(a.packetType & 0xffff).toString(16)})`;
      if (a.props.length === 0) return `encap(${name})`;
      const props = a.props.map((p) => (p.kind === 'md_type'
        ? `md_type=${p.mdType}`
        : `tlv(${hex(p.tlvClass)},${p.tlvType},${altHex(bytesToBigint(p.value))})`));
      return `encap(${name}(${props.join(',')}))`;
    }
    case 'decap':
      return a.packetType === 0xfffe
        ? 'decap()'
        : `decap(packet_type(ns=${a.packetType >>> 16},type=${hex(a.packetType & 0xffff)}))`;
    case 'dec-nsh-ttl':
      return 'dec_nsh_ttl';
    case 'debug-recirc':
      return 'debug_recirc';
    case 'debug-slow':
      return 'debug_slow';
    case 'meter':
      return `meter:${a.meterId}`;
    case 'clear-actions':
      return 'clear_actions';
    case 'write-actions':
      return `write_actions(${formatActions(a.actions, options)})`;
    case 'write-metadata': {
      const mask = u64(a.mask);
      return `write_metadata:${altHex(u64(a.metadata))}${mask === 0xffffffffffffffffn ? '' : `/${altHex(mask)}`}`;
    }
    case 'goto-table':
      return `goto_table:${a.tableId}`;
  }
}

/** Actions as ovs-ofctl prints them after "actions=" ("drop" for none). */
export function formatActions(actions: readonly Ofpact[], options: FormatActionsOptions = {}): string {
  if (actions.length === 0) return 'drop';
  return actions.map((a) => formatOne(a, options)).join(',');
}
