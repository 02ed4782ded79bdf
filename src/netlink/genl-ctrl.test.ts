import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EINVAL } from '../lib/errno.js';
import { bytesToHex, hexToBytes } from '../packet/hex.js';
import { NlBuffer } from './buffer.js';
import { GENL_ID_CTRL, parseFamily, putFamilyReply, putGetFamily, type GenlFamilyInfo } from './genl-ctrl.js';

test('putGetFamily() encodes CTRL_CMD_GETFAMILY for "ovs_flow" byte for byte', () => {
  const buf = new NlBuffer();
  putGetFamily(buf, 'ovs_flow', { seq: 3, pid: 0 });
  // len 16 + 4 + 4 + 9 (+3 pad) = 36; type 0x10; REQUEST; cmd 3 version 1;
  // FAMILY_NAME (2) "ovs_flow\0".
  assert.equal(bytesToHex(buf.data()), bytesToHex(hexToBytes(`
    24000000 1000 0100 03000000 00000000
    03 01 0000
    0d00 0200 6f76735f666c6f7700 000000`)));
  assert.equal(GENL_ID_CTRL, 0x10);
});

test('putFamilyReply() and parseFamily() round-trip a family with ops and multicast groups', () => {
  const family: GenlFamilyInfo = {
    id: 0x1e, name: 'ovs_datapath', version: 2, hdrSize: 4, maxAttr: 9,
    ops: [{ id: 1, flags: 0x1a }, { id: 3, flags: 0x0e }],
    mcastGroups: [{ name: 'ovs_datapath', id: 7 }],
  };
  const buf = new NlBuffer();
  putFamilyReply(buf, family, { seq: 3, pid: 99 });
  const bytes = buf.data();
  assert.deepEqual(parseFamily(bytes, 0, bytes.length), family);
  assert.equal(parseFamily(bytes, 0, 20), EINVAL);
  const broken = Uint8Array.from(bytes);
  broken[20] = 0xff; // first attribute's length past the end
  assert.equal(parseFamily(broken, 0, broken.length), EINVAL);
});
