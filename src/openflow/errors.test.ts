// Tests of the OpenFlow error table and the OFPT_ERROR codec, against numbers
// the OpenFlow specifications and Open vSwitch use.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OfpWriter } from './ofpbuf.js';
import {
  decodeErrorMsg, encodeErrorBody, errorEncoding, ERROR_NAMES, OFP10_VERSION, OFP11_VERSION, OFP12_VERSION,
  OFP13_VERSION, OFP14_VERSION, OFP15_VERSION,
} from './errors.js';
import { OfpError } from './ofp-error.js';

function body(version: number, name: string, data = new Uint8Array()): Uint8Array {
  const w = new OfpWriter();
  encodeErrorBody(version, name, data, w);
  return w.finish();
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

test('errorEncoding() gives flow-mod errors their per-version numbers', () => {
  assert.deepEqual(errorEncoding('OFPFMFC_OVERLAP', OFP10_VERSION), { vendor: 'OF', type: 3, code: 1 });
  assert.deepEqual(errorEncoding('OFPFMFC_OVERLAP', OFP13_VERSION), { vendor: 'OF', type: 5, code: 3 });
  assert.deepEqual(errorEncoding('OFPBMC_BAD_PREREQ', OFP12_VERSION), { vendor: 'OF', type: 4, code: 9 });
  assert.deepEqual(errorEncoding('OFPBFC_BAD_ID', OFP13_VERSION), { vendor: 'ONF', type: 2302, code: 0 });
  assert.equal(errorEncoding('OFPMMFC_UNKNOWN', OFP12_VERSION), undefined);
});

test('encodeErrorBody() writes Nicira errors as vendor errors in OpenFlow 1.0 and experimenter errors in 1.2+', () => {
  assert.equal(hex(body(OFP10_VERSION, 'NXBRC_NXM_INVALID')), 'b0c20000000023200001' + '0100');
  assert.equal(hex(body(OFP13_VERSION, 'NXBRC_NXM_INVALID')), 'ffff000200002320');
  assert.equal(hex(body(OFP13_VERSION, 'OFPBFC_UNKNOWN')), 'ffff08fc4f4e4600');
  assert.equal(hex(body(OFP11_VERSION, 'OFPBRC_BAD_TYPE', Uint8Array.of(1, 2))), '000100010102');
});

test('encodeErrorBody() sends an error a version cannot say as NXBRC_UNENCODABLE_ERROR', () => {
  assert.equal(hex(body(OFP10_VERSION, 'OFPMMFC_BAD_RATE')), 'b0c20000000023200001' + '0209');
});

test('decodeErrorMsg() reads back every name in every version that can say it', () => {
  for (const name of ERROR_NAMES) {
    for (let v = OFP10_VERSION; v <= OFP15_VERSION; v++) {
      if (!errorEncoding(name, v)) continue;
      const decoded = decodeErrorMsg(v, body(v, name, Uint8Array.of(9)));
      // Two names share one number in a few versions; the first listed wins.
      const again = decodeErrorMsg(v, body(v, decoded.errorName, Uint8Array.of(9)));
      assert.equal(again.errorName, decoded.errorName);
      assert.deepEqual([...decoded.data], [9]);
      if (name !== 'OFPBRC_IS_SLAVE' && name !== 'OFPBIC_BAD_EXP_TYPE') assert.equal(decoded.errorName, name, `${name} v${v}`);
    }
  }
});

test('decodeErrorMsg() rejects unknown numbers and short bodies with OFPBRC_BAD_LEN', () => {
  const bad = (v: number, h: string): void => {
    assert.throws(() => decodeErrorMsg(v, Buffer.from(h, 'hex')), (e: unknown) => e instanceof OfpError && e.errorName === 'OFPBRC_BAD_LEN');
  };
  bad(OFP13_VERSION, '0011000d');
  bad(OFP10_VERSION, '0099');
  bad(OFP14_VERSION, 'ffff0002');
  bad(OFP13_VERSION, 'ffff000200001234');
});
