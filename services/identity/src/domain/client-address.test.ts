import { describe, expect, it } from 'vitest';
import { addressSubject, plainAddress } from './client-address.js';

describe('plainAddress', () => {
  it('should write an IPv4-mapped IPv6 address as IPv4 and leave others alone', () => {
    expect(plainAddress('::ffff:10.1.2.3')).toBe('10.1.2.3');
    expect(plainAddress('::FFFF:10.1.2.3')).toBe('10.1.2.3');
    expect(plainAddress('10.1.2.3')).toBe('10.1.2.3');
    expect(plainAddress('2001:db8::1')).toBe('2001:db8::1');
  });
});

describe('addressSubject', () => {
  it('should keep an IPv4 address whole', () => {
    expect(addressSubject('203.0.113.7')).toBe('203.0.113.7');
    expect(addressSubject('::ffff:203.0.113.7')).toBe('203.0.113.7');
  });

  it('should count an IPv6 address by its /64, however it is written', () => {
    expect(addressSubject('2001:db8:1:2:3:4:5:6')).toBe('2001:db8:1:2::/64');
    expect(addressSubject('2001:0DB8:0001:0002::9')).toBe('2001:db8:1:2::/64');
    expect(addressSubject('2001:db8::1')).toBe('2001:db8::/64');
    expect(addressSubject('::1')).toBe('::/64');
    expect(addressSubject('fe80::1%eth0')).toBe('fe80::/64');
  });

  it('should keep what is not an address as written', () => {
    expect(addressSubject('unknown')).toBe('unknown');
  });
});
