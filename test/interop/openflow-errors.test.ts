// Differential test of OpenFlow error handling: bad messages sent to a real
// ovs-vswitchd (--enable-dummy sandbox) over its br0.mgmt socket must be
// answered with the OFPT_ERROR that our decoder names for the same bytes,
// and our error reply must carry the same numbers as the switch's.

import assert from 'node:assert/strict';
import { createConnection, type Socket } from 'node:net';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { decodeMessage, encodeErrorReply, encodeMessage, helloElementsFor } from '../../src/openflow/messages.js';
import { OfpError } from '../../src/openflow/ofp-error.js';
import { realOvsMissing, startRealOvs, type RealOvs } from '../support/real-ovs.js';

const missing = realOvsMissing();
let ovs: RealOvs | undefined;

before(async () => {
  if (missing) return;
  ovs = await startRealOvs();
  await ovs.vsctl('add-br', 'br0', '--', 'set', 'bridge', 'br0', 'datapath-type=dummy',
    'protocols=OpenFlow10,OpenFlow11,OpenFlow12,OpenFlow13,OpenFlow14,OpenFlow15');
});

after(async () => {
  await ovs?.stop();
});

/** A connection that has said hello in `version` and reads whole messages. */
class Connection {
  private pending = Buffer.alloc(0);
  private waiters: Array<(m: Uint8Array) => void> = [];
  private readonly queue: Uint8Array[] = [];
  constructor(private readonly socket: Socket) {
    socket.on('data', (chunk) => {
      this.pending = Buffer.concat([this.pending, chunk]);
      while (this.pending.length >= 8 && this.pending.length >= this.pending.readUInt16BE(2)) {
        const length = this.pending.readUInt16BE(2);
        const msg = new Uint8Array(this.pending.subarray(0, length));
        this.pending = this.pending.subarray(length);
        const waiter = this.waiters.shift();
        if (waiter) waiter(msg);
        else this.queue.push(msg);
      }
    });
  }
  static async open(path: string, version: number): Promise<Connection> {
    const socket = createConnection(path);
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    const c = new Connection(socket);
    socket.write(encodeMessage({ kind: 'hello', version, xid: 1, versions: [], elements: helloElementsFor([version]), elementsOk: true }));
    const hello = await c.next();
    assert.equal(hello[1], 0, 'the switch says hello first');
    return c;
  }
  next(): Promise<Uint8Array> {
    const queued = this.queue.shift();
    if (queued) return Promise.resolve(queued);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no reply within 5 s')), 5000);
      this.waiters.push((m) => {
        clearTimeout(timer);
        resolve(m);
      });
    });
  }
  send(bytes: Uint8Array): void {
    this.socket.write(bytes);
  }
  close(): void {
    this.socket.destroy();
  }
}

function ourError(bytes: Uint8Array): OfpError {
  try {
    decodeMessage(bytes);
  } catch (error) {
    if (error instanceof OfpError) return error;
    throw error;
  }
  throw new Error(`we accept ${Buffer.from(bytes).toString('hex')}`);
}

const hex = (h: string): Uint8Array => Uint8Array.from(Buffer.from(h, 'hex'));

/** OF1.3 flow-mod with the given OXM entries. */
function flowMod13(entries: string, xid: number): Uint8Array {
  const matchLen = 4 + entries.length / 2;
  const padded = (matchLen + 7) & ~7;
  const fixed = '000000000000000000000000000000000000000000008000ffffffffffffffffffffffff00000000';
  const body = fixed + '0001' + matchLen.toString(16).padStart(4, '0') + entries + '00'.repeat(padded - matchLen);
  return hex('040e' + (8 + body.length / 2).toString(16).padStart(4, '0') + xid.toString(16).padStart(8, '0') + body);
}

const CASES: ReadonlyArray<readonly [string, Uint8Array]> = [
  ['an unknown message type', hex('0463000800000101')],
  ['an unknown vendor', hex('04040010000001020000123400000063')],
  ['an unknown Nicira subtype', hex('04040010000001030000232000000063')],
  ['an unknown multipart type', hex('041200100000010400630000' + '00000000')],
  ['a barrier request with a body', hex('0414000c0000010500000000')],
  ['tcp_dst without ip_proto', flowMod13('80001c020050', 0x106)],
  ['eth_type twice', flowMod13('80000a02080080000a020800', 0x107)],
  ['an unknown OXM field', flowMod13('80007e020050', 0x108)],
  ['a partial mask on eth_type', flowMod13('80000b040800ff00', 0x109)],
  ['an OXM entry that runs past the match', flowMod13('8000080c0102030405', 0x10d)],
  ['an OXM entry of the wrong size', flowMod13('8000080701020304050607', 0x10a)],
  ['an IPv4 source with bits outside its mask', flowMod13('80000a020800800017080a000001ff000000', 0x10b)],
  ['vlan_pcp without a VLAN', flowMod13('80000e0103', 0x10c)],
  // OpenFlow 1.0: Nicira errors travel as vendor errors.
  ['an NXT_FLOW_MOD with tcp_dst and no ip_proto', nxFlowMod('0000140201bb', 0x201)],
  ['an NXT_FLOW_MOD matching an unmapped tun_metadata23', nxFlowMod('00017e0201bb', 0x202)],
  ['an NXT_FLOW_MOD with an unknown NXM field', nxFlowMod('0001fe0201bb', 0x203)],
  ['an OpenFlow 1.0 unknown type', hex('0199000800000203')],
  ['an OpenFlow 1.2 tcp_dst without ip_proto', (() => {
    const b = flowMod13('80001c020050', 0x301);
    b[0] = 3;
    return b;
  })()],
];

/** OF1.0 NXT_FLOW_MOD (add, priority 0x8000) with the given NXM entries. */
function nxFlowMod(entries: string, xid: number): Uint8Array {
  const matchLen = entries.length / 2;
  const padded = (matchLen + 7) & ~7;
  const body = '000023200000000d' + '0000000000000000' + '0000' + '0000' + '0000' + '8000' + 'ffffffff' + 'ffff' + '0000' +
    matchLen.toString(16).padStart(4, '0') + '000000000000' + entries + '00'.repeat(padded - matchLen);
  return hex('0104' + (8 + body.length / 2).toString(16).padStart(4, '0') + xid.toString(16).padStart(8, '0') + body);
}

for (const [what, bytes] of CASES) {
  // Fix the length field of hand-written messages.
  new DataView(bytes.buffer, bytes.byteOffset).setUint16(2, bytes.length);
  test(`a real ovs-vswitchd answers ${what} with the error we decode it to`, { skip: missing ?? false }, async () => {
    const c = await Connection.open(join(ovs!.dir, 'br0.mgmt'), bytes[0] === 0x99 ? 1 : bytes[0]);
    try {
      c.send(bytes);
      const reply = await c.next();
      const theirs = (() => {
        try {
          return decodeMessage(reply);
        } catch (error) {
          throw new Error(`cannot decode the switch's reply ${Buffer.from(reply).toString('hex')}`, { cause: error });
        }
      })();
      assert.equal(theirs.kind, 'error');
      const ours = ourError(bytes);
      if (theirs.kind === 'error') assert.equal(ours.errorName, theirs.errorName, Buffer.from(bytes).toString('hex'));
      // Our reply to the same message has the switch's numbers, version and xid.
      const mine = encodeErrorReply(ours, bytes);
      // Our whole reply equals the switch's: version, xid, numbers (vendor
      // and experimenter forms included) and the offending bytes.
      assert.equal(Buffer.from(mine).toString('hex'), Buffer.from(reply).toString('hex'));
    } finally {
      c.close();
    }
  });
}
