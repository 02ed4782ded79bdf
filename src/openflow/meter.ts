// Meters (OpenFlow 1.3+): meter-mod with its bands, and the meter features
// reply: decode, encode and ofp-print text. messages.ts dispatches here;
// ofproto's meter table takes MeterModMsg.

import { OfpError } from './ofp-error.js';
import { OfpReader, OfpWriter } from './ofpbuf.js';
import { bitNames } from './port.js';

/** OFPMBT_DROP 1, OFPMBT_DSCP_REMARK 2, OFPMBT_EXPERIMENTER 0xffff. */
export interface MeterBand {
  readonly type: number;
  readonly rate: number;
  readonly burstSize: number;
  /** DSCP remark: how much to raise the drop precedence. */
  readonly precLevel: number;
  /** Experimenter bands: the experimenter id. */
  readonly experimenter: number;
}

export interface MeterModMsg {
  readonly kind: 'meter-mod';
  readonly version: number;
  readonly xid: number;
  /** OFPMC_ADD 0, MODIFY 1, DELETE 2. */
  readonly command: number;
  /** OFPMF_KBPS 1, PKTPS 2, BURST 4, STATS 8. */
  readonly flags: number;
  readonly meterId: number;
  readonly bands: readonly MeterBand[];
}

export interface MeterFeaturesReplyMsg {
  readonly kind: 'meter-features-reply';
  readonly version: number;
  readonly xid: number;
  readonly maxMeter: number;
  /** Bitmap of 1 << OFPMBT_*. */
  readonly bandTypes: number;
  readonly capabilities: number;
  readonly maxBands: number;
  readonly maxColor: number;
}

export interface MeterStats {
  readonly meterId: number;
  readonly flowCount: number;
  readonly packetInCount: readonly [number, number];
  readonly byteInCount: readonly [number, number];
  readonly durationSec: number;
  readonly durationNsec: number;
  /** Per band: packets and bytes. */
  readonly bands: ReadonlyArray<{ readonly packetCount: readonly [number, number]; readonly byteCount: readonly [number, number] }>;
}

export interface MeterStatsReplyMsg {
  readonly kind: 'meter-stats-reply';
  readonly version: number;
  readonly xid: number;
  readonly flags: number;
  readonly meters: readonly MeterStats[];
}

export interface MeterConfig {
  readonly flags: number;
  readonly meterId: number;
  readonly bands: readonly MeterBand[];
}

export interface MeterConfigReplyMsg {
  readonly kind: 'meter-config-reply';
  readonly version: number;
  readonly xid: number;
  readonly flags: number;
  readonly meters: readonly MeterConfig[];
}

function u64(r: OfpReader): [number, number] {
  return [r.u32(), r.u32()];
}

export function decodeMeterStatsReply(version: number, xid: number, flags: number, r: OfpReader): MeterStatsReplyMsg {
  const meters: MeterStats[] = [];
  while (r.remaining > 0) {
    const meterId = r.u32();
    const length = r.u16();
    if (length < 40 || (length - 40) % 16 !== 0) throw new OfpError('OFPBRC_BAD_LEN', `meter stats length ${length}`);
    const m = r.sub(length - 6);
    m.skip(6);
    const flowCount = m.u32();
    const packetInCount = u64(m);
    const byteInCount = u64(m);
    const durationSec = m.u32();
    const durationNsec = m.u32();
    const bands: Array<{ packetCount: [number, number]; byteCount: [number, number] }> = [];
    while (m.remaining > 0) bands.push({ packetCount: u64(m), byteCount: u64(m) });
    meters.push({ meterId, flowCount, packetInCount, byteInCount, durationSec, durationNsec, bands });
  }
  return { kind: 'meter-stats-reply', version, xid, flags, meters };
}

export function encodeMeterStatsReply(msg: MeterStatsReplyMsg, w: OfpWriter): void {
  for (const m of msg.meters) {
    w.u32(m.meterId);
    w.u16(40 + 16 * m.bands.length);
    w.zeros(6);
    w.u32(m.flowCount);
    w.u64(m.packetInCount[0], m.packetInCount[1]);
    w.u64(m.byteInCount[0], m.byteInCount[1]);
    w.u32(m.durationSec);
    w.u32(m.durationNsec);
    for (const b of m.bands) {
      w.u64(b.packetCount[0], b.packetCount[1]);
      w.u64(b.byteCount[0], b.byteCount[1]);
    }
  }
}

export function decodeMeterConfigReply(version: number, xid: number, flags: number, r: OfpReader): MeterConfigReplyMsg {
  const meters: MeterConfig[] = [];
  while (r.remaining > 0) {
    const length = r.u16();
    if (length < 8) throw new OfpError('OFPBRC_BAD_LEN', `meter config length ${length}`);
    const m = r.sub(length - 2);
    const meterFlags = m.u16();
    const meterId = m.u32();
    meters.push({ flags: meterFlags, meterId, bands: decodeMeterMod(version, xid, concatHead(m)).bands });
  }
  return { kind: 'meter-config-reply', version, xid, flags, meters };
}

/** A reader over "command, flags, meter id" zeros followed by `m`'s bands, to reuse the band decoder. */
function concatHead(m: OfpReader): OfpReader {
  const bands = m.bytesView(m.remaining);
  const bytes = new Uint8Array(8 + bands.length);
  bytes.set(bands, 8);
  return new OfpReader(bytes);
}

export function encodeMeterConfigReply(msg: MeterConfigReplyMsg, w: OfpWriter): void {
  for (const m of msg.meters) {
    const start = w.length;
    w.u16(0);
    w.u16(m.flags);
    w.u32(m.meterId);
    const bands = new OfpWriter();
    encodeMeterMod({ kind: 'meter-mod', version: msg.version, xid: 0, command: 0, flags: 0, meterId: 0, bands: m.bands }, bands);
    w.put(bands.finish().subarray(8));
    w.setU16(start, w.length - start);
  }
}

export function decodeMeterMod(version: number, xid: number, r: OfpReader): MeterModMsg {
  const command = r.u16();
  const flags = r.u16();
  const meterId = r.u32();
  const bands: MeterBand[] = [];
  while (r.remaining > 0) {
    const type = r.u16();
    const length = r.u16();
    if (length !== 16) throw new OfpError('OFPMMFC_BAD_BAND', `meter band length ${length}`);
    const rate = r.u32();
    const burstSize = r.u32();
    let precLevel = 0;
    let experimenter = 0;
    if (type === 2) {
      precLevel = r.u8();
      r.skip(3);
    } else if (type === 0xffff) {
      experimenter = r.u32();
    } else if (type === 1) {
      r.skip(4);
    } else {
      throw new OfpError('OFPMMFC_BAD_BAND', `meter band type ${type}`);
    }
    bands.push({ type, rate, burstSize, precLevel, experimenter });
  }
  return { kind: 'meter-mod', version, xid, command, flags, meterId, bands };
}

export function encodeMeterMod(msg: MeterModMsg, w: OfpWriter): void {
  w.u16(msg.command);
  w.u16(msg.flags);
  w.u32(msg.meterId);
  for (const b of msg.bands) {
    w.u16(b.type);
    w.u16(16);
    w.u32(b.rate);
    w.u32(b.burstSize);
    if (b.type === 2) {
      w.u8(b.precLevel);
      w.zeros(3);
    } else if (b.type === 0xffff) {
      w.u32(b.experimenter);
    } else {
      w.zeros(4);
    }
  }
}

export function decodeMeterFeaturesReply(version: number, xid: number, r: OfpReader): MeterFeaturesReplyMsg {
  if (r.remaining !== 16) throw new OfpError('OFPBRC_BAD_LEN', 'meter features length');
  const maxMeter = r.u32();
  const bandTypes = r.u32();
  const capabilities = r.u32();
  const maxBands = r.u8();
  const maxColor = r.u8();
  r.skip(2);
  return { kind: 'meter-features-reply', version, xid, maxMeter, bandTypes, capabilities, maxBands, maxColor };
}

export function encodeMeterFeaturesReply(msg: MeterFeaturesReplyMsg, w: OfpWriter): void {
  w.u32(msg.maxMeter);
  w.u32(msg.bandTypes);
  w.u32(msg.capabilities);
  w.u8(msg.maxBands);
  w.u8(msg.maxColor);
  w.zeros(2);
}

const METER_FLAGS: Readonly<Record<number, string>> = { 1: 'kbps', 2: 'pktps', 4: 'burst', 8: 'stats' };
const BAND_NAMES: Readonly<Record<number, string>> = { 1: 'drop', 2: 'dscp_remark' };

/** Meter ids as ovs-ofctl prints them (the reserved ones by name). */
export function formatMeterId(id: number): string {
  if (id === 0xffffffff) return 'all';
  if (id === 0xfffffffe) return 'controller';
  if (id === 0xfffffffd) return 'slowpath';
  return String(id);
}

export function formatMeterMod(msg: MeterModMsg): string {
  let s = ` ${['ADD', 'MOD', 'DEL'][msg.command] ?? `cmd:${msg.command}`} meter=${formatMeterId(msg.meterId)}`;
  for (let bit = 1; bit <= 8; bit <<= 1) if (msg.flags & bit) s += ` ${METER_FLAGS[bit]}`;
  s += ' bands=\n';
  for (const b of msg.bands) {
    s += `type=${BAND_NAMES[b.type] ?? 'experimenter'} rate=${b.rate}`;
    if (msg.flags & 4) s += ` burst_size=${b.burstSize}`;
    if (b.type === 2) s += ` prec_level=${b.precLevel}`;
    s += '\n';
  }
  return s;
}

function dec64(v: readonly [number, number]): string {
  return (BigInt(v[0]) * 4294967296n + BigInt(v[1])).toString();
}

function duration(sec: number, nsec: number): string {
  return `${sec}${nsec > 0 ? '.' + String(nsec).padStart(9, '0').replace(/0+$/, '') : ''}s`;
}

export function formatMeterStatsReply(msg: MeterStatsReplyMsg): string {
  // Meters are separated by blank lines.
  return '\n' + msg.meters.map((m) => {
    let s = `meter:${formatMeterId(m.meterId)} flow_count:${m.flowCount} packet_in_count:${dec64(m.packetInCount)} `;
    s += `byte_in_count:${dec64(m.byteInCount)} duration:${duration(m.durationSec, m.durationNsec)} bands:\n`;
    m.bands.forEach((b, i) => {
      s += `${i}: packet_count:${dec64(b.packetCount)} byte_count:${dec64(b.byteCount)}\n`;
    });
    return s;
  }).join('\n');
}

export function formatMeterConfigReply(msg: MeterConfigReplyMsg): string {
  // A meter's text is a meter-mod's without the command; meters are separated by blank lines.
  return '\n' + msg.meters.map((m) => formatMeterMod({
    kind: 'meter-mod', version: msg.version, xid: 0, command: 0, flags: m.flags, meterId: m.meterId, bands: m.bands,
  }).replace(/^ ADD /, '')).join('\n');
}

export function formatMeterFeaturesReply(msg: MeterFeaturesReplyMsg): string {
  let s = `\nmax_meter:${msg.maxMeter} max_bands:${msg.maxBands} max_color:${msg.maxColor}\n`;
  const types: string[] = [];
  for (let t = 1; t < 32; t++) if (msg.bandTypes & (1 << t) && BAND_NAMES[t]) types.push(BAND_NAMES[t]);
  s += `band_types: ${types.join(' ')}\n`;
  s += `capabilities: ${bitNames(msg.capabilities, (b) => METER_FLAGS[b])}\n`;
  return s;
}
