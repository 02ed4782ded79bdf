import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatIpv4, formatIpv6, formatMac, parseIpv4, parseIpv6, parseMac } from './addr.js';

test('parseMac() and formatMac() round-trip', () => {
  assert.equal(formatMac(parseMac('0A:0b:00:ff:1:2')), '0a:0b:00:ff:01:02');
  assert.throws(() => parseMac('0a:0b:00:ff:01'), SyntaxError);
  assert.throws(() => parseMac('0a:0b:00:ff:01:zz'), SyntaxError);
});

test('parseIpv4() rejects out-of-range octets', () => {
  assert.equal(formatIpv4(parseIpv4('192.168.0.255')), '192.168.0.255');
  assert.throws(() => parseIpv4('1.2.3.256'), SyntaxError);
  assert.throws(() => parseIpv4('1.2.3'), SyntaxError);
});

test('formatIpv6() compresses like inet_ntop', () => {
  const cases: Array<[string, string]> = [
    ['2001:0db8:0:0:0:0:0:1', '2001:db8::1'],
    ['::', '::'],
    ['::1', '::1'],
    ['fe80::', 'fe80::'],
    ['1:0:0:2:0:0:0:3', '1:0:0:2::3'],
    ['1:0:2:0:3:0:4:0', '1:0:2:0:3:0:4:0'],
    ['::ffff:10.0.0.1', '::ffff:10.0.0.1'],
    ['::1.2.3.4', '::1.2.3.4'],
    ['ff02::1:ff00:1', 'ff02::1:ff00:1'],
  ];
  for (const [input, expected] of cases) assert.equal(formatIpv6(parseIpv6(input)), expected, input);
});

test('parseIpv6() rejects malformed text', () => {
  for (const bad of ['1::2::3', '1:2:3:4:5:6:7', '12345::', 'g::', '1:2:3:4:5:6:7:8:9', ':::']) {
    assert.throws(() => parseIpv6(bad), SyntaxError, bad);
  }
});
