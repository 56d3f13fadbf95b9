import { defaultClusterNetworks } from '@signalbox/shared';
import { describe, expect, it } from 'vitest';
import { networkMatcher } from './networks.js';

describe('networkMatcher', () => {
  const inCluster = networkMatcher(defaultClusterNetworks);

  it.each([
    ['10.96.0.10', true],
    ['10.255.255.255', true],
    ['100.64.0.1', true],
    ['100.127.255.254', true],
    ['172.16.0.1', true],
    ['172.31.255.255', true],
    ['192.168.1.1', true],
    ['fd00::1', true],
    ['fdff:ffff::1', true],
    ['::ffff:10.1.2.3', true],
    ['11.0.0.1', false],
    ['100.128.0.1', false],
    ['172.32.0.1', false],
    ['192.169.0.1', false],
    ['8.8.8.8', false],
    ['127.0.0.1', false],
    ['fe80::1', false],
    ['2001:db8::1', false],
    ['::1', false],
  ])('Linkerd’s default cluster networks: %s → %s', (ip, expected) => {
    expect(inCluster(ip)).toBe(expected);
  });

  it('matches exactly the prefixes given, IPv4 and IPv6', () => {
    const m = networkMatcher(['127.0.0.0/8', '10.200.0.0/24', '2001:db8:1::/48']);
    expect([m('127.1.2.3'), m('10.200.0.254'), m('10.200.1.1'), m('2001:db8:1:ffff::1'), m('2001:db8:2::1'), m('192.168.0.1')]).toEqual([
      true, true, false, true, false, false,
    ]);
  });

  it('matches nothing when no network is given', () => {
    expect(networkMatcher([])('10.0.0.1')).toBe(false);
  });
});
