// OpenFlow error numbers: which (type, code) each OfpError name has in each
// OpenFlow version, including Nicira (NX) and ONF extension errors, and the
// OFPT_ERROR message codec. ofproto and the connection manager encode errors
// through encodeErrorMsg(); the printer (print.ts) uses decodeErrorMsg().
// The table states facts of the OpenFlow specifications and of the numbers
// Open vSwitch uses on the wire; its notation is our own (see SPECS).

import { OfpError } from './ofp-error.js';
import { OfpReader, OfpWriter } from './ofpbuf.js';

/** Wire versions: 0x01 is OpenFlow 1.0 ... 0x06 is OpenFlow 1.5. */
export const OFP10_VERSION = 0x01;
export const OFP11_VERSION = 0x02;
export const OFP12_VERSION = 0x03;
export const OFP13_VERSION = 0x04;
export const OFP14_VERSION = 0x05;
export const OFP15_VERSION = 0x06;

export const NX_VENDOR_ID = 0x00002320;
export const ONF_VENDOR_ID = 0x4f4e4600;

/** OFPT_ERROR type for Nicira errors in OpenFlow 1.0 and 1.1 (then a nx_vendor_error). */
const NXET_VENDOR = 0xb0c2;
/** OFPET_EXPERIMENTER (OpenFlow 1.2+): code is the exp_type, then an experimenter id. */
const OFPET12_EXPERIMENTER = 0xffff;

/**
 * One encoding of an error: `vendor` "OF" for standard errors (type and
 * code), "NX"/"ONF" for extension errors (OF1.0-1.1 NX errors have a type
 * and code inside a vendor error; OF1.2+ ones have only an exp_type, kept
 * in `type`).
 */
interface ErrorEncoding {
  readonly vendor: 'OF' | 'NX' | 'ONF';
  readonly minVersion: number;
  readonly maxVersion: number;
  readonly type: number;
  readonly code: number;
}

/**
 * Each name with its encodings. Notation: "OF1.0+:1,9" is standard type 1
 * code 9 from OpenFlow 1.0 on; "OF1.0-1.1:..." a range; "NX1.2+:2" a Nicira
 * experimenter error with exp_type 2; "NX1.0:1,512" a Nicira vendor error in
 * OpenFlow 1.0 with type 1 code 512. The first name listed for a (type,
 * code) wins when decoding a number shared by two names.
 */
const SPECS: ReadonlyArray<readonly [string, string]> = [
  ['OFPHFC_INCOMPATIBLE', 'OF1.0+:0,0'],
  ['OFPHFC_EPERM', 'OF1.0+:0,1'],
  ['OFPBRC_BAD_VERSION', 'OF1.0+:1,0'],
  ['OFPBRC_BAD_TYPE', 'OF1.0+:1,1'],
  ['OFPBRC_BAD_STAT', 'OF1.0+:1,2'],
  ['OFPBRC_BAD_VENDOR', 'OF1.0+:1,3'],
  ['OFPBRC_BAD_SUBTYPE', 'OF1.0+:1,4'],
  ['OFPBRC_EPERM', 'OF1.0+:1,5'],
  ['OFPBRC_BAD_LEN', 'OF1.0+:1,6'],
  ['OFPBRC_BUFFER_EMPTY', 'OF1.0+:1,7'],
  ['OFPBRC_BUFFER_UNKNOWN', 'OF1.0+:1,8'],
  ['OFPBRC_BAD_TABLE_ID', 'NX1.0:1,512 OF1.1+:1,9'],
  ['OFPBRC_IS_SLAVE', 'OF1.0-1.1:1,5 OF1.2+:1,10'],
  ['OFPBRC_BAD_PORT', 'NX1.0-1.1:1,514 OF1.2+:1,11'],
  ['OFPBRC_BAD_PACKET', 'OF1.2+:1,12'],
  ['OFPBRC_MULTIPART_BUFFER_OVERFLOW', 'OF1.3+:1,13'],
  ['NXBRC_NXM_INVALID', 'NX1.0-1.1:1,256 NX1.2+:2'],
  ['NXBRC_NXM_BAD_TYPE', 'NX1.0-1.1:1,257 NX1.2+:3'],
  ['NXBRC_MUST_BE_ZERO', 'NX1.0-1.1:1,515 NX1.2+:4'],
  ['NXBRC_BAD_REASON', 'NX1.0-1.1:1,516 NX1.2+:5'],
  ['NXBRC_FM_BAD_EVENT', 'NX1.0-1.1:1,520 NX1.2+:9'],
  ['NXBRC_UNENCODABLE_ERROR', 'NX1.0-1.1:1,521 NX1.2+:10'],
  ['OFPBAC_BAD_TYPE', 'OF1.0+:2,0'],
  ['OFPBAC_BAD_LEN', 'OF1.0+:2,1'],
  ['OFPBAC_BAD_VENDOR', 'OF1.0+:2,2'],
  ['OFPBAC_BAD_VENDOR_TYPE', 'OF1.0+:2,3'],
  ['OFPBAC_BAD_OUT_PORT', 'OF1.0+:2,4'],
  ['OFPBAC_BAD_ARGUMENT', 'OF1.0+:2,5'],
  ['OFPBAC_EPERM', 'OF1.0+:2,6'],
  ['OFPBAC_TOO_MANY', 'OF1.0+:2,7'],
  ['OFPBAC_BAD_QUEUE', 'OF1.0+:2,8'],
  ['OFPBAC_BAD_OUT_GROUP', 'OF1.1+:2,9'],
  ['OFPBAC_MATCH_INCONSISTENT', 'NX1.0:1,522 OF1.1+:2,10'],
  ['OFPBAC_UNSUPPORTED_ORDER', 'OF1.1+:2,11'],
  ['OFPBAC_BAD_TAG', 'OF1.1+:2,12'],
  ['OFPBAC_BAD_SET_TYPE', 'NX1.0-1.1:1,523 OF1.2+:2,13'],
  ['OFPBAC_BAD_SET_LEN', 'NX1.0-1.1:1,524 OF1.2+:2,14'],
  ['OFPBAC_BAD_SET_ARGUMENT', 'NX1.0-1.1:1,525 OF1.2+:2,15'],
  ['OFPBAC_BAD_SET_MASK', 'ONF1.3-1.4:4250 OF1.5+:2,16'],
  ['NXBAC_MUST_BE_ZERO', 'NX1.0-1.1:2,256 NX1.2+:11'],
  ['NXBAC_BAD_CONJUNCTION', 'NX1.0-1.1:2,526 NX1.2+:15'],
  ['OFPBIC_UNKNOWN_INST', 'OF1.1+:3,0'],
  ['OFPBIC_UNSUP_INST', 'NX1.0:2,257 OF1.1+:3,1'],
  ['OFPBIC_BAD_TABLE_ID', 'OF1.1+:3,2'],
  ['OFPBIC_UNSUP_METADATA', 'OF1.1+:3,3'],
  ['OFPBIC_UNSUP_METADATA_MASK', 'OF1.1+:3,4'],
  ['OFPBIC_BAD_EXPERIMENTER', 'OF1.1+:3,5'],
  ['OFPBIC_BAD_EXP_TYPE', 'OF1.1:3,5 OF1.2+:3,6'],
  ['OFPBIC_BAD_LEN', 'OF1.2+:3,7'],
  ['OFPBIC_EPERM', 'OF1.2+:3,8'],
  ['OFPBIC_DUP_INST', 'NX1.1:3,256 ONF1.2-1.3:2600 OF1.4+:3,9'],
  ['OFPBMC_BAD_TYPE', 'OF1.1+:4,0'],
  ['OFPBMC_BAD_LEN', 'OF1.1+:4,1'],
  ['OFPBMC_BAD_TAG', 'OF1.1+:4,2'],
  ['OFPBMC_BAD_DL_ADDR_MASK', 'OF1.1+:4,3'],
  ['OFPBMC_BAD_NW_ADDR_MASK', 'OF1.1+:4,4'],
  ['OFPBMC_BAD_WILDCARDS', 'NX1.0:1,262 OF1.1+:4,5'],
  ['OFPBMC_BAD_FIELD', 'NX1.0:0,263 OF1.1+:4,6'],
  ['OFPBMC_BAD_VALUE', 'NX1.0:1,258 OF1.1+:4,7'],
  ['OFPBMC_BAD_MASK', 'NX1.0-1.1:1,259 OF1.2+:4,8'],
  ['OFPBMC_BAD_PREREQ', 'NX1.0-1.1:1,260 OF1.2+:4,9'],
  ['OFPBMC_DUP_FIELD', 'NX1.0-1.1:1,261 OF1.2+:4,10'],
  ['OFPBMC_EPERM', 'OF1.2+:4,11'],
  ['OFPFMFC_UNKNOWN', 'OF1.1+:5,0'],
  ['OFPFMFC_TABLE_FULL', 'OF1.0:3,0 OF1.1+:5,1'],
  ['OFPFMFC_BAD_TABLE_ID', 'OF1.1+:5,2'],
  ['OFPFMFC_OVERLAP', 'OF1.0:3,1 OF1.1+:5,3'],
  ['OFPFMFC_EPERM', 'OF1.0:3,2 OF1.1+:5,4'],
  ['OFPFMFC_BAD_TIMEOUT', 'OF1.1+:5,5'],
  ['OFPFMFC_BAD_EMERG_TIMEOUT', 'OF1.0:3,3'],
  ['OFPFMFC_BAD_COMMAND', 'OF1.0:3,4 OF1.1+:5,6'],
  ['OFPFMFC_BAD_FLAGS', 'NX1.0:3,258 NX1.1:5,258 OF1.2+:5,7'],
  ['OFPFMFC_UNSUPPORTED', 'OF1.0:3,5'],
  ['NXFMFC_HARDWARE', 'NX1.0-1.1:5,256 NX1.2+:12'],
  ['NXFMFC_BAD_TABLE_ID', 'NX1.0-1.1:5,257 NX1.2+:13'],
  ['OFPGMFC_GROUP_EXISTS', 'OF1.1+:6,0'],
  ['OFPGMFC_INVALID_GROUP', 'OF1.1+:6,1'],
  ['OFPGMFC_WEIGHT_UNSUPPORTED', 'OF1.1+:6,2'],
  ['OFPGMFC_OUT_OF_GROUPS', 'OF1.1+:6,3'],
  ['OFPGMFC_OUT_OF_BUCKETS', 'OF1.1+:6,4'],
  ['OFPGMFC_CHAINING_UNSUPPORTED', 'OF1.1+:6,5'],
  ['OFPGMFC_WATCH_UNSUPPORTED', 'OF1.1+:6,6'],
  ['OFPGMFC_LOOP', 'OF1.1+:6,7'],
  ['OFPGMFC_UNKNOWN_GROUP', 'OF1.1+:6,8'],
  ['OFPGMFC_CHAINED_GROUP', 'OF1.2+:6,9'],
  ['OFPGMFC_BAD_TYPE', 'OF1.2+:6,10'],
  ['OFPGMFC_BAD_COMMAND', 'OF1.2+:6,11'],
  ['OFPGMFC_BAD_BUCKET', 'OF1.2+:6,12'],
  ['OFPGMFC_BAD_WATCH', 'OF1.2+:6,13'],
  ['OFPGMFC_EPERM', 'OF1.2+:6,14'],
  ['OFPGMFC_UNKNOWN_BUCKET', 'OF1.5+:6,15'],
  ['OFPGMFC_BUCKET_EXISTS', 'OF1.5+:6,16'],
  ['OFPPMFC_BAD_PORT', 'OF1.0:4,0 OF1.1+:7,0'],
  ['OFPPMFC_BAD_HW_ADDR', 'OF1.0:4,1 OF1.1+:7,1'],
  ['OFPPMFC_BAD_CONFIG', 'OF1.1+:7,2'],
  ['OFPPMFC_BAD_ADVERTISE', 'OF1.1+:7,3'],
  ['OFPPMFC_EPERM', 'OF1.2+:7,4'],
  ['OFPTMFC_BAD_TABLE', 'OF1.1+:8,0'],
  ['OFPTMFC_BAD_CONFIG', 'OF1.1+:8,1'],
  ['OFPTMFC_EPERM', 'OF1.2+:8,2'],
  ['OFPQOFC_BAD_PORT', 'OF1.0:5,0 OF1.1+:9,0'],
  ['OFPQOFC_BAD_QUEUE', 'OF1.0:5,1 OF1.1+:9,1'],
  ['OFPQOFC_EPERM', 'OF1.0:5,2 OF1.1+:9,2'],
  ['NXQOFC_QUEUE_ERROR', 'NX1.4+:23'],
  ['OFPSCFC_BAD_FLAGS', 'OF1.1+:10,0'],
  ['OFPSCFC_BAD_LEN', 'OF1.1+:10,1'],
  ['OFPSCFC_EPERM', 'OF1.2+:10,2'],
  ['OFPRRFC_STALE', 'OF1.2+:11,0'],
  ['OFPRRFC_UNSUP', 'OF1.2+:11,1'],
  ['OFPRRFC_BAD_ROLE', 'NX1.0-1.1:1,513 OF1.2+:11,2'],
  ['OFPMMFC_UNKNOWN', 'OF1.3+:12,0'],
  ['OFPMMFC_METER_EXISTS', 'OF1.3+:12,1'],
  ['OFPMMFC_INVALID_METER', 'OF1.3+:12,2'],
  ['OFPMMFC_UNKNOWN_METER', 'OF1.3+:12,3'],
  ['OFPMMFC_BAD_COMMAND', 'OF1.3+:12,4'],
  ['OFPMMFC_BAD_FLAGS', 'OF1.3+:12,5'],
  ['OFPMMFC_BAD_RATE', 'OF1.3+:12,6'],
  ['OFPMMFC_BAD_BURST', 'OF1.3+:12,7'],
  ['OFPMMFC_BAD_BAND', 'OF1.3+:12,8'],
  ['OFPMMFC_BAD_BAND_VALUE', 'OF1.3+:12,9'],
  ['OFPMMFC_OUT_OF_METERS', 'OF1.3+:12,10'],
  ['OFPMMFC_OUT_OF_BANDS', 'OF1.3+:12,11'],
  ['OFPTFFC_BAD_TABLE', 'OF1.3+:13,0'],
  ['OFPTFFC_BAD_METADATA', 'OF1.3+:13,1'],
  ['OFPTFFC_EPERM', 'OF1.3+:13,5'],
  ['OFPBPC_BAD_TYPE', 'NX1.0-1.1:13,2 NX1.2:25 OF1.3:13,2 OF1.4+:14,0'],
  ['OFPBPC_BAD_LEN', 'NX1.0-1.1:13,3 NX1.2:26 OF1.3:13,3 OF1.4+:14,1'],
  ['OFPBPC_BAD_VALUE', 'NX1.0-1.1:13,4 NX1.2:27 OF1.3:13,4 OF1.4+:14,2'],
  ['OFPBPC_TOO_MANY', 'NX1.0-1.1:14,3 NX1.2:28 ONF1.3:4443 OF1.4+:14,3'],
  ['OFPBPC_DUP_TYPE', 'NX1.0-1.1:14,4 NX1.2:29 ONF1.3:4444 OF1.4+:14,4'],
  ['OFPBPC_BAD_EXPERIMENTER', 'NX1.0-1.1:14,5 NX1.2:30 ONF1.3:4445 OF1.4+:14,5'],
  ['OFPBPC_BAD_EXP_TYPE', 'NX1.0-1.1:14,6 NX1.2:31 ONF1.3:4446 OF1.4+:14,6'],
  ['OFPBPC_BAD_EXP_VALUE', 'NX1.0-1.1:14,7 NX1.2:32 ONF1.3:4447 OF1.4+:14,7'],
  ['OFPBPC_EPERM', 'NX1.0-1.1:14,8 NX1.2:33 ONF1.3:4448 OF1.4+:14,8'],
  ['OFPACFC_INVALID', 'OF1.4+:15,0'],
  ['OFPACFC_UNSUPPORTED', 'OF1.4+:15,1'],
  ['OFPACFC_EPERM', 'OF1.4+:15,2'],
  ['OFPBFC_UNKNOWN', 'ONF1.3:2300 OF1.4+:17,0'],
  ['OFPBFC_EPERM', 'ONF1.3:2301 OF1.4+:17,1'],
  ['OFPBFC_BAD_ID', 'ONF1.3:2302 OF1.4+:17,2'],
  ['OFPBFC_BUNDLE_EXIST', 'ONF1.3:2303 OF1.4+:17,3'],
  ['OFPBFC_BUNDLE_CLOSED', 'ONF1.3:2304 OF1.4+:17,4'],
  ['OFPBFC_OUT_OF_BUNDLES', 'ONF1.3:2305 OF1.4+:17,5'],
  ['OFPBFC_BAD_TYPE', 'ONF1.3:2306 OF1.4+:17,6'],
  ['OFPBFC_BAD_FLAGS', 'ONF1.3:2307 OF1.4+:17,7'],
  ['OFPBFC_MSG_BAD_LEN', 'ONF1.3:2308 OF1.4+:17,8'],
  ['OFPBFC_MSG_BAD_XID', 'ONF1.3:2309 OF1.4+:17,9'],
  ['OFPBFC_MSG_UNSUP', 'ONF1.3:2310 OF1.4+:17,10'],
  ['OFPBFC_MSG_CONFLICT', 'ONF1.3:2311 OF1.4+:17,11'],
  ['OFPBFC_MSG_TOO_MANY', 'ONF1.3:2312 OF1.4+:17,12'],
  ['OFPBFC_MSG_FAILED', 'ONF1.3:2313 OF1.4+:17,13'],
  ['OFPBFC_TIMEOUT', 'ONF1.3:2314 OF1.4+:17,14'],
  ['OFPBFC_BUNDLE_IN_PROGRESS', 'ONF1.3:2315 OF1.4+:17,15'],
  ['OFPBFC_BAD_VERSION', 'NX1.4-1.5:22'],
  ['OFPMOFC_UNKNOWN', 'OF1.4+:16,0'],
  ['OFPMOFC_MONITOR_EXISTS', 'NX1.0-1.1:1,517 NX1.2-1.3:6 OF1.4+:16,1'],
  ['OFPMOFC_INVALID_MONITOR', 'OF1.4+:16,2'],
  ['OFPMOFC_UNKNOWN_MONITOR', 'NX1.0-1.1:1,519 NX1.2-1.3:8 OF1.4+:16,3'],
  ['OFPMOFC_BAD_COMMAND', 'OF1.4+:16,4'],
  ['OFPMOFC_BAD_FLAGS', 'NX1.0-1.1:1,518 NX1.2-1.3:7 OF1.4+:16,5'],
  ['OFPMOFC_BAD_TABLE_ID', 'OF1.4+:16,6'],
  ['OFPMOFC_BAD_OUT', 'OF1.4+:16,7'],
  ['NXTTMFC_BAD_COMMAND', 'NX1.0-1.1:1,527 NX1.2+:16'],
  ['NXTTMFC_BAD_OPT_LEN', 'NX1.0-1.1:1,528 NX1.2+:17'],
  ['NXTTMFC_BAD_FIELD_IDX', 'NX1.0-1.1:1,529 NX1.2+:18'],
  ['NXTTMFC_TABLE_FULL', 'NX1.0-1.1:1,530 NX1.2+:19'],
  ['NXTTMFC_ALREADY_MAPPED', 'NX1.0-1.1:1,531 NX1.2+:20'],
  ['NXTTMFC_DUP_ENTRY', 'NX1.0-1.1:1,532 NX1.2+:21'],
  ['NXR_NOT_SUPPORTED', 'NX1.0-1.1:1,533 NX1.2+:34'],
  ['NXR_STALE', 'NX1.0-1.1:1,534 NX1.2+:35'],
  ['NXST_NOT_CONFIGURED', 'NX1.0-1.1:1,535 NX1.2+:36'],
  ['NXFMFC_INVALID_TLV_FIELD', 'NX1.0-1.1:1,536 NX1.2+:37'],
  ['NXTTMFC_INVALID_TLV_DEL', 'NX1.0-1.1:1,537 NX1.2+:38'],
  ['NXBAC_BAD_HEADER_TYPE', 'NX1.2+:39'],
  ['NXBAC_UNKNOWN_ED_PROP', 'NX1.2+:40'],
  ['NXBAC_BAD_ED_PROP', 'NX1.2+:41'],
  ['NXBAC_CT_DATAPATH_SUPPORT', 'NX1.2+:42'],
  ['NXBMC_CT_DATAPATH_SUPPORT', 'NX1.2+:43'],
  ['NXTFFC_DUP_TABLE', 'NX1.2+:44'],
];

/** The newest wire version the table covers (OpenFlow 1.5). */
const MAX_VERSION = OFP15_VERSION;

function parseVersion(text: string): number {
  const [major, minor] = text.split('.').map(Number);
  if (major !== 1 || minor === undefined || minor > 5) throw new RangeError(`bad version ${text}`);
  return minor + 1;
}

function parseSpec(spec: string): ErrorEncoding[] {
  return spec.split(' ').map((part) => {
    const m = /^(OF|NX|ONF)(\d\.\d)(\+|-\d\.\d)?:(\d+)(?:,(\d+))?$/.exec(part);
    if (!m) throw new RangeError(`bad error spec ${part}`);
    const minVersion = parseVersion(m[2]);
    const maxVersion = m[3] === '+' ? MAX_VERSION : m[3] ? parseVersion(m[3].slice(1)) : minVersion;
    return {
      vendor: m[1] as 'OF' | 'NX' | 'ONF',
      minVersion,
      maxVersion,
      type: Number(m[4]),
      code: m[5] === undefined ? 0 : Number(m[5]),
    };
  });
}

const ENCODINGS = new Map<string, ErrorEncoding[]>();
/** "version:vendor:type:code" to name; the first name listed wins. */
const BY_NUMBERS = new Map<string, string>();
for (const [name, spec] of SPECS) {
  const encodings = parseSpec(spec);
  ENCODINGS.set(name, encodings);
  for (const e of encodings) {
    for (let v = e.minVersion; v <= e.maxVersion; v++) {
      const key = `${v}:${e.vendor}:${e.type}:${e.code}`;
      if (!BY_NUMBERS.has(key)) BY_NUMBERS.set(key, name);
    }
  }
}

/** Every error name the table knows, in table order. */
export const ERROR_NAMES: readonly string[] = SPECS.map(([name]) => name);

export function isErrorName(name: string): boolean {
  return ENCODINGS.has(name);
}

/** Where `name` sits in `version`: its encoding, or undefined when that version cannot say it. */
export function errorEncoding(
  name: string,
  version: number,
): { vendor: 'OF' | 'NX' | 'ONF'; type: number; code: number } | undefined {
  const e = ENCODINGS.get(name)?.find((x) => version >= x.minVersion && version <= x.maxVersion);
  return e ? { vendor: e.vendor, type: e.type, code: e.code } : undefined;
}

/** The name of a standard (type, code) in `version`, or undefined. */
export function errorFromNumbers(
  version: number,
  vendor: 'OF' | 'NX' | 'ONF',
  type: number,
  code = 0,
): string | undefined {
  return BY_NUMBERS.get(`${version}:${vendor}:${type}:${code}`);
}

/** A decoded OFPT_ERROR. */
export interface ErrorMsg {
  /** The error's name, e.g. "OFPBRC_BAD_TYPE". */
  readonly errorName: string;
  /**
   * What followed the error numbers: the start of the offending message, or
   * for OFPHFC_* errors an explanation in text.
   */
  readonly data: Uint8Array;
}

/**
 * Reads the body of an OFPT_ERROR (what follows the 8-byte header) of
 * `version`. An error whose numbers this table does not know, or a body too
 * short for its numbers, fails with OFPBRC_BAD_LEN, as Open vSwitch reports
 * both.
 */
export function decodeErrorMsg(version: number, body: Uint8Array): ErrorMsg {
  const r = new OfpReader(body);
  const type = r.u16();
  const code = r.u16();
  let name: string | undefined;
  if (type === NXET_VENDOR && version <= OFP11_VERSION) {
    if (code !== 0) throw new OfpError('OFPBRC_BAD_LEN', `unknown Nicira vendor error code ${code}`);
    const vendor = r.u32();
    const nxType = r.u16();
    const nxCode = r.u16();
    if (vendor === NX_VENDOR_ID) name = errorFromNumbers(version, 'NX', nxType, nxCode);
  } else if (type === OFPET12_EXPERIMENTER && version >= OFP12_VERSION) {
    const experimenter = r.u32();
    if (experimenter === NX_VENDOR_ID) name = errorFromNumbers(version, 'NX', code);
    else if (experimenter === ONF_VENDOR_ID) name = errorFromNumbers(version, 'ONF', code);
  } else {
    name = errorFromNumbers(version, 'OF', type, code);
  }
  if (name === undefined) throw new OfpError('OFPBRC_BAD_LEN', `unknown error type ${type} code ${code}`);
  return { errorName: name, data: body.slice(r.offset) };
}

/**
 * Writes the body of an OFPT_ERROR for `errorName` in `version`, followed
 * by `data`. An error that `version` cannot express goes out as
 * NXBRC_UNENCODABLE_ERROR, as Open vSwitch sends it.
 */
export function encodeErrorBody(version: number, errorName: string, data: Uint8Array, w: OfpWriter): void {
  if (!ENCODINGS.has(errorName)) throw new RangeError(`unknown OpenFlow error ${errorName}`);
  const e = errorEncoding(errorName, version) ?? errorEncoding('NXBRC_UNENCODABLE_ERROR', version);
  if (!e) throw new RangeError(`${errorName} cannot be encoded in version ${version}`);
  if (e.vendor === 'OF') {
    w.u16(e.type);
    w.u16(e.code);
  } else if (version <= OFP11_VERSION) {
    w.u16(NXET_VENDOR);
    w.u16(0);
    w.u32(e.vendor === 'NX' ? NX_VENDOR_ID : ONF_VENDOR_ID);
    w.u16(e.type);
    w.u16(e.code);
  } else {
    w.u16(OFPET12_EXPERIMENTER);
    w.u16(e.type);
    w.u32(e.vendor === 'NX' ? NX_VENDOR_ID : ONF_VENDOR_ID);
  }
  w.put(data);
}

/**
 * How much of an offending message goes back in an error reply: Open
 * vSwitch sends all of it (OpenFlow asks for at least 64 bytes), as much as
 * fits in one message.
 */
export const ERROR_DATA_MAX = 0xffff - 12;

/** Whether an error's data is text (hello failures) rather than a message. */
export function errorDataIsText(errorName: string): boolean {
  return errorName === 'OFPHFC_INCOMPATIBLE' || errorName === 'OFPHFC_EPERM';
}
