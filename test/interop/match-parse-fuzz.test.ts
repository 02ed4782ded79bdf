// Differential fuzzing of the match parser against real `ovs-ofctl
// parse-flow`: matches built at random (fixed seed, so failures reproduce)
// from every field name of the table, protocol shorthands, subfields and
// values of every shape must be accepted or rejected alike, with the same
// message. Complements the hand-written corpus in match-parse.test.ts.

import { execFile } from 'node:child_process';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MATCH_FIELDS } from '../../src/flow/fields.js';
import { parseMatch } from '../../src/flow/parse.js';
import { realOvsMissing } from '../support/real-ovs.js';

const SHORTHANDS = ['ip', 'ipv6', 'tcp', 'udp', 'sctp', 'icmp', 'icmp6', 'arp', 'rarp', 'mpls', 'tcp6', 'udp6'];
const VALUES = [
  '0', '1', '5', '7', '8', '15', '16', '255', '256', '65535', '65536', '4294967295', '4294967296', '0x0', '0x1',
  '0xff', '0x100', '0xffff', '0x10000', '0xffffffff', '0x123456789', '0xffffffffffffffff', '0x10000000000000000',
  '1.2.3.4', '10.0.0.0/8', '1.2.3.4/255.255.0.0', '1.2.3.4/33', '::1', 'fe80::/10', '2001:db8::1/ffff:ffff::',
  '::1/129', '01:02:03:04:05:06', '01:00:00:00:00:00/01:00:00:00:00:00', 'ff:ff:ff:ff:ff:ff/ff:ff:ff:ff:ff:fe',
  '+syn', '-ack', '+syn-ack', 'syn|ack', '+trk', '+trk+new', '-trk', 'new|trk', '+oam', 'oam', 'no', 'yes', 'first',
  'later', 'not_later', 'LOCAL', 'CONTROLLER', 'IN_PORT', 'any', '(0,0x800)', '(1,0x86dd)', '1/1', '1/0', '5/0xff',
  '0x1/0xf', '0x5/0xffff', '1/0xffffffff', '-1', '+1', '010', '08', '',
];

/** Random matches; tun_metadata1..63 are left out (they behave as tun_metadata0). */
function generate(count: number, seed: number): string[] {
  const names = MATCH_FIELDS.flatMap((f) => [f.name, ...f.aliases]).filter((n) => !/^tun_metadata[1-9]/.test(n));
  const random = (n: number): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return (seed >>> 8) % n;
  };
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const parts: string[] = [];
    if (random(2)) parts.push(SHORTHANDS[random(SHORTHANDS.length)]);
    for (let j = 1 + random(2); j > 0; j--) {
      let name = names[random(names.length)];
      if (random(8) === 0) {
        const start = random(40);
        name += random(2) ? `[${start}..${start + random(40)}]` : `[${start}]`;
      }
      parts.push(random(12) === 0 ? name : `${name}=${VALUES[random(VALUES.length)]}`);
    }
    out.push(parts.join(','));
  }
  return out;
}

function ovsError(text: string): Promise<string | null> {
  return new Promise((resolve) => {
    execFile('ovs-ofctl', ['parse-flow', `${text},actions=drop`], { timeout: 10_000 }, (err, _stdout, stderr) => {
      if (!err) return resolve(null);
      const message = /ovs-ofctl: (.*)$/m.exec(stderr)?.[1] ?? stderr.trim();
      // Actions checked against the match after it parsed: acceptance here.
      resolve(message.includes('OFPBAC_MATCH_INCONSISTENT') ? null : message);
    });
  });
}

function ourError(text: string): string | null {
  try {
    parseMatch(`${text},actions=drop`, { onOther: (name) => name === 'actions' });
    return null;
  } catch (e) {
    if (e instanceof SyntaxError) return e.message;
    throw e;
  }
}

const missing = realOvsMissing();

test('parseMatch() agrees with ovs-ofctl on 240 random matches', { skip: missing ?? false }, async () => {
  const cases = generate(240, 20261122);
  const verdicts: Array<string | null> = new Array(cases.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: 3 }, async () => {
      while (next < cases.length) {
        const i = next++;
        verdicts[i] = await ovsError(cases[i]);
      }
    }),
  );
  const failures: string[] = [];
  cases.forEach((text, i) => {
    const ours = ourError(text);
    if (ours !== verdicts[i]) {
      failures.push(`"${text}": ovs-ofctl says ${JSON.stringify(verdicts[i])}, we say ${JSON.stringify(ours)}`);
    }
  });
  assert.deepEqual(failures, []);
  // Both outcomes must be exercised, or the comparison proves little.
  const accepted = verdicts.filter((v) => v === null).length;
  assert.ok(accepted > 20 && accepted < cases.length - 20, `${accepted} of ${cases.length} accepted`);
});
