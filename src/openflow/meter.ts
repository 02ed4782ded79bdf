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

export function formatMeterFeaturesReply(msg: MeterFeaturesReplyMsg): string {
  let s = `\nmax_meter:${msg.maxMeter} max_bands:${msg.maxBands} max_color:${msg.maxColor}\n`;
  const types: string[] = [];
  for (let t = 1; t < 32; t++) if (msg.bandTypes & (1 << t) && BAND_NAMES[t]) types.push(BAND_NAMES[t]);
  s += `band_types: ${types.join(' ')}\n`;
  s += `capabilities: ${bitNames(msg.capabilities, (b) => METER_FLAGS[b])}\n`;
  return s;
}
