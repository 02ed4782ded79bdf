// OpenFlow port descriptions (ofp_phy_port of 1.0, ofp11_port of 1.1-1.3,
// ofp14_port with an Ethernet property of 1.4+) as one version-independent
// OfpPort, with decode, encode and the text ovs-ofctl prints for a port.
// Features replies, port-status and port-desc replies carry these
// (messages.ts); ofproto describes its ports with OfpPort.

import { formatEth, formatPort } from '../flow/format.js';
import { OFP10_VERSION, OFP14_VERSION } from './errors.js';
import { port10To11, port11To10 } from './match.js';
import { OfpError } from './ofp-error.js';
import { OfpReader, OfpWriter } from './ofpbuf.js';

export const OFP_MAX_PORT_NAME_LEN = 16;

/**
 * A port. `config` and `state` use the OpenFlow 1.0 bit numbers (which 1.1+
 * share for the bits both have); features use the OpenFlow 1.1 numbers.
 */
export interface OfpPort {
  /** 16-bit port number (1.1+ numbers above 0xffffff00 map to 0xff00 and up). */
  readonly portNo: number;
  readonly hwAddr: Uint8Array;
  readonly name: string;
  readonly config: number;
  readonly state: number;
  readonly curr: number;
  readonly advertised: number;
  readonly supported: number;
  readonly peer: number;
  /** Speeds in kbps (OF1.1+ carry them; OF1.0 derives them from features). */
  readonly currSpeed: number;
  readonly maxSpeed: number;
}

/** OF1.0 feature bits 0-6 are speeds, 7-11 medium and pause; 1.1 inserts 40G, 100G, 1T and OTHER. */
function features10To11(f: number): number {
  return (f & 0x7f) | ((f & 0xf80) << 4);
}

function features11To10(f: number): number {
  return (f & 0x7f) | ((f >>> 4) & 0xf80);
}

const SPEED_BITS_MBPS: ReadonlyArray<readonly [number, number]> = [
  [1 << 9, 1_000_000], [1 << 8, 100_000], [1 << 7, 40_000], [1 << 6, 10_000], [1 << 5, 1_000], [1 << 4, 1_000],
  [1 << 3, 100], [1 << 2, 100], [1 << 1, 10], [1 << 0, 10],
];

/** The speed (kbps) OVS derives from OF1.1 feature bits: the fastest one set. */
function speedFromFeatures(f: number): number {
  for (const [bit, mbps] of SPEED_BITS_MBPS) if (f & bit) return mbps * 1000;
  return 0;
}

export function portSize(version: number): number {
  return version === OFP10_VERSION ? 48 : version < OFP14_VERSION ? 64 : 72;
}

export function decodePort(version: number, r: OfpReader): OfpPort {
  if (version === OFP10_VERSION) {
    const portNo = r.u16();
    const hwAddr = r.bytesView(6).slice();
    const name = r.fixedString(OFP_MAX_PORT_NAME_LEN);
    const config = r.u32();
    const state = r.u32();
    const curr = features10To11(r.u32());
    const advertised = features10To11(r.u32());
    const supported = features10To11(r.u32());
    const peer = features10To11(r.u32());
    return {
      portNo, hwAddr, name, config, state, curr, advertised, supported, peer,
      currSpeed: speedFromFeatures(curr), maxSpeed: speedFromFeatures(supported),
    };
  }
  if (version < OFP14_VERSION) {
    const portNo = port11To10(r.u32());
    r.skip(4);
    const hwAddr = r.bytesView(6).slice();
    r.skip(2);
    const name = r.fixedString(OFP_MAX_PORT_NAME_LEN);
    return {
      portNo, hwAddr, name, config: r.u32(), state: r.u32(), curr: r.u32(), advertised: r.u32(),
      supported: r.u32(), peer: r.u32(), currSpeed: r.u32(), maxSpeed: r.u32(),
    };
  }
  const portNo = port11To10(r.u32());
  const length = r.u16();
  if (length < 40) throw new OfpError('OFPBRC_BAD_LEN', `port length ${length}`);
  const body = r.sub(length - 6);
  body.skip(2);
  const hwAddr = body.bytesView(6).slice();
  body.skip(2);
  const name = body.fixedString(OFP_MAX_PORT_NAME_LEN);
  const config = body.u32();
  const state = body.u32();
  let ethernet = { curr: 0, advertised: 0, supported: 0, peer: 0, currSpeed: 0, maxSpeed: 0 };
  while (body.remaining > 0) {
    const type = body.u16();
    const propLength = body.u16();
    if (propLength < 4) throw new OfpError('OFPBPC_BAD_LEN', `port property length ${propLength}`);
    const prop = body.sub(((propLength + 7) & ~7) - 4, 'OFPBPC_BAD_LEN');
    if (type === 0) {
      if (propLength !== 32) throw new OfpError('OFPBPC_BAD_LEN', `ethernet property length ${propLength}`);
      prop.skip(4);
      ethernet = {
        curr: prop.u32(), advertised: prop.u32(), supported: prop.u32(), peer: prop.u32(), currSpeed: prop.u32(),
        maxSpeed: prop.u32(),
      };
    }
    // TODO(#5): optical and experimenter port properties.
  }
  return { portNo, hwAddr, name, config, state, ...ethernet };
}

export function encodePort(version: number, port: OfpPort, w: OfpWriter): void {
  if (version === OFP10_VERSION) {
    w.u16(port.portNo);
    w.put(port.hwAddr);
    w.fixedString(port.name, OFP_MAX_PORT_NAME_LEN);
    w.u32(port.config);
    w.u32(port.state);
    for (const f of [port.curr, port.advertised, port.supported, port.peer]) w.u32(features11To10(f));
    return;
  }
  if (version < OFP14_VERSION) {
    w.u32(port10To11(port.portNo));
    w.zeros(4);
    w.put(port.hwAddr);
    w.zeros(2);
    w.fixedString(port.name, OFP_MAX_PORT_NAME_LEN);
    for (const v of [port.config, port.state, port.curr, port.advertised, port.supported, port.peer, port.currSpeed, port.maxSpeed]) {
      w.u32(v);
    }
    return;
  }
  w.u32(port10To11(port.portNo));
  w.u16(72);
  w.zeros(2);
  w.put(port.hwAddr);
  w.zeros(2);
  w.fixedString(port.name, OFP_MAX_PORT_NAME_LEN);
  w.u32(port.config);
  w.u32(port.state);
  w.u16(0);
  w.u16(32);
  w.zeros(4);
  for (const v of [port.curr, port.advertised, port.supported, port.peer, port.currSpeed, port.maxSpeed]) w.u32(v);
}

// --- Text ------------------------------------------------------------------------

const CONFIG_NAMES: Readonly<Record<number, string>> = {
  1: 'PORT_DOWN', 2: 'NO_STP', 4: 'NO_RECV', 8: 'NO_RECV_STP', 16: 'NO_FLOOD', 32: 'NO_FWD', 64: 'NO_PACKET_IN',
};
const STATE_NAMES: Readonly<Record<number, string>> = { 1: 'LINK_DOWN', 2: 'BLOCKED', 4: 'LIVE' };
const FEATURE_NAMES: readonly string[] = [
  '10MB-HD', '10MB-FD', '100MB-HD', '100MB-FD', '1GB-HD', '1GB-FD', '10GB-FD', '40GB-FD', '100GB-FD', '1TB-FD',
  'OTHER', 'COPPER', 'FIBER', 'AUTO_NEG', 'AUTO_PAUSE', 'AUTO_PAUSE_ASYM',
];

/** Bit names separated by spaces, "0" for none, unknown bits in hex. */
export function bitNames(bits: number, name: (bit: number) => string | undefined): string {
  if (bits === 0) return '0';
  const out: string[] = [];
  let unknown = 0;
  for (let i = 0; i < 32; i++) {
    const bit = (1 << i) >>> 0;
    if (!(bits & bit)) continue;
    const n = name(bit);
    if (n) out.push(n);
    else unknown |= bit;
  }
  if (unknown) out.push(`0x${(unknown >>> 0).toString(16)}`);
  return out.join(' ');
}

function formatState(state: number): string {
  const stp = state & 0x300;
  const rest = state & ~0x300;
  if (stp) {
    const name = stp === 0x100 ? 'STP_LEARN' : stp === 0x200 ? 'STP_FORWARD' : 'STP_BLOCK';
    // Open vSwitch prints the other state bits right after the STP state, without a space.
    return rest ? `${name}${bitNames(rest, (b) => STATE_NAMES[b])}` : name;
  }
  return bitNames(rest, (b) => STATE_NAMES[b]);
}

function formatFeatures(f: number): string {
  return bitNames(f, (b) => FEATURE_NAMES[31 - Math.clz32(b)]);
}

export function formatHwAddr(addr: Uint8Array): string {
  return formatEth((addr[0] << 8) | addr[1], ((addr[2] << 24) | (addr[3] << 16) | (addr[4] << 8) | addr[5]) >>> 0);
}

/** A port as ovs-ofctl prints it in features replies, port-status and port-desc replies. */
export function formatPhyPort(port: OfpPort): string {
  let s = ` ${formatPort(port.portNo)}(${port.name}): addr:${formatHwAddr(port.hwAddr)}\n`;
  s += `     config:     ${bitNames(port.config, (b) => CONFIG_NAMES[b])}\n`;
  s += `     state:      ${formatState(port.state)}\n`;
  if (port.curr) s += `     current:    ${formatFeatures(port.curr)}\n`;
  if (port.advertised) s += `     advertised: ${formatFeatures(port.advertised)}\n`;
  if (port.supported) s += `     supported:  ${formatFeatures(port.supported)}\n`;
  if (port.peer) s += `     peer:       ${formatFeatures(port.peer)}\n`;
  s += `     speed: ${Math.floor(port.currSpeed / 1000)} Mbps now, ${Math.floor(port.maxSpeed / 1000)} Mbps max\n`;
  return s;
}

/** Ports in the order ovs-ofctl prints them: by port number. */
export function formatPorts(ports: readonly OfpPort[]): string {
  return [...ports].sort((a, b) => a.portNo - b.portNo).map(formatPhyPort).join('');
}

export { CONFIG_NAMES as PORT_CONFIG_NAMES, formatFeatures };
