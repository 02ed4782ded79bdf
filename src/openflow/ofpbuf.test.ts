import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OfpError } from './ofp-error.js';
import { OfpReader, OfpWriter } from './ofpbuf.js';

test('OfpWriter writes big-endian fields and pads; OfpReader reads them back', () => {
  const w = new OfpWriter(2);
  w.u8(4);
  w.u16(0x0102);
  w.u32(0xdeadbeef);
  w.fixedString('br0', 8);
  w.padTo(8);
  const bytes = w.finish();
  assert.equal(bytes.length, 16);
  assert.deepEqual([...bytes.subarray(0, 7)], [4, 1, 2, 0xde, 0xad, 0xbe, 0xef]);
  const r = new OfpReader(bytes);
  assert.equal(r.u8(), 4);
  assert.equal(r.u16(), 0x0102);
  assert.equal(r.u32(), 0xdeadbeef);
  assert.equal(r.fixedString(8), 'br0');
  assert.equal(r.remaining, 1);
});

test('OfpReader throws the named OfpError when input is short', () => {
  const r = new OfpReader(Uint8Array.of(1, 2, 3), { truncated: 'OFPBAC_BAD_LEN' });
  r.u16();
  assert.throws(() => r.u16(), (e: unknown) => e instanceof OfpError && e.errorName === 'OFPBAC_BAD_LEN');
  const sub = new OfpReader(Uint8Array.of(1, 2, 3, 4)).sub(2);
  assert.equal(sub.u16(), 0x0102);
  assert.throws(() => sub.u8(), OfpError);
});

test('OfpWriter.u8() and put() keep bytes written while the buffer grows', () => {
  const w = new OfpWriter(4);
  for (let i = 0; i < 300; i++) {
    w.u8(i & 0xff);
    w.put(Uint8Array.of(0xaa));
  }
  const out = w.finish();
  assert.equal(out.length, 600);
  for (let i = 0; i < 300; i++) {
    assert.equal(out[2 * i], i & 0xff);
    assert.equal(out[2 * i + 1], 0xaa);
  }
});
