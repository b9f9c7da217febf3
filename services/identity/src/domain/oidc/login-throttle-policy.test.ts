import { describe, expect, it } from 'vitest';
import {
  requiredDelaySeconds,
  secondsUntilAllowed,
  type ThrottlePolicy,
  throttleKeys,
} from './login-throttle-policy.js';

const policy: ThrottlePolicy = { freeFailures: 5, maxDelaySeconds: 900 };

describe('requiredDelaySeconds', () => {
  it('should not delay the first free failures', () => {
    for (let failures = 0; failures < 5; failures++) expect(requiredDelaySeconds(failures, policy)).toBe(0);
  });

  it('should double the delay with every failure after the free ones', () => {
    expect([5, 6, 7, 8, 9].map((failures) => requiredDelaySeconds(failures, policy))).toEqual([1, 2, 4, 8, 16]);
  });

  it('should cap the delay at the maximum, even for absurd counts', () => {
    expect(requiredDelaySeconds(15, policy)).toBe(900);
    expect(requiredDelaySeconds(10_000, policy)).toBe(900);
  });
});

describe('secondsUntilAllowed', () => {
  const lastFailureAt = new Date('2026-01-01T00:00:00Z');
  const later = (ms: number) => new Date(lastFailureAt.getTime() + ms);

  it('should allow an attempt when there is no counter', () => {
    expect(secondsUntilAllowed(null, lastFailureAt, policy)).toBe(0);
  });

  it('should make the attempt wait out the delay counted from the last failure, rounded up', () => {
    const state = { failures: 7, lastFailureAt };
    expect(secondsUntilAllowed(state, later(500), policy)).toBe(4);
    expect(secondsUntilAllowed(state, later(3_001), policy)).toBe(1);
    expect(secondsUntilAllowed(state, later(4_000), policy)).toBe(0);
  });
});

describe('throttleKeys', () => {
  it('should count an account by its id, whichever of its identifiers was typed', () => {
    const byEmail = throttleKeys('36.73', 'siti@example.id', 'u-1', '10.0.0.1');
    const byNik = throttleKeys('36.73', '3673011708900001', 'u-1', '10.0.0.1');
    const byPhone = throttleKeys('36.73', '0812-3456-7890', 'u-1', '10.0.0.1');
    expect(new Set([byEmail.account, byNik.account, byPhone.account]).size).toBe(1);
    expect(byEmail.account).not.toBe(throttleKeys('36.73', 'siti@example.id', 'u-2', '10.0.0.1').account);
  });

  it('should count a login no account holds by the login, normalised the way logins are stored', () => {
    const a = throttleKeys('36.73', ' Siti@Example.ID ', null, '10.0.0.1');
    const b = throttleKeys('36.73', 'siti@example.id', null, '10.0.0.2');
    expect(a.account).toBe(b.account);
    expect(throttleKeys('36.73', '0812 3456 7890', null, 'x').account).toBe(
      throttleKeys('36.73', '+6281234567890', null, 'x').account,
    );
    // An unknown login cannot share (and so reset or fill) a known account's counter.
    expect(a.account).not.toBe(throttleKeys('36.73', 'siti@example.id', 'siti@example.id', '10.0.0.1').account);
  });

  it('should key the client address, an IPv6 client by its /64', () => {
    expect(throttleKeys('36.73', 'x@example.id', null, '10.0.0.1').address).toBe('ip:10.0.0.1');
    expect(throttleKeys('36.73', 'x@example.id', null, '::ffff:10.0.0.1').address).toBe('ip:10.0.0.1');
    expect(throttleKeys('36.73', 'x@example.id', null, '2001:db8:1:2:aaaa::1').address).toBe(
      throttleKeys('36.73', 'x@example.id', null, '2001:db8:1:2:bbbb::2').address,
    );
  });

  it('should keep the tenants apart', () => {
    expect(throttleKeys('36', 'x@example.id', null, 'a').account).not.toBe(
      throttleKeys('36.73', 'x@example.id', null, 'a').account,
    );
    expect(throttleKeys('36', 'x@example.id', 'u-1', 'a').account).not.toBe(
      throttleKeys('36.73', 'x@example.id', 'u-1', 'a').account,
    );
  });
});
