import { describe, expect, it } from 'vitest';
import { memoryLimitCounters } from '../../data/users/limit-counter-repository.fixture.js';
import { type AbuseLimitPolicy, AbuseLimits, type Contact, contactSubject } from './abuse-limits.js';

const policy: AbuseLimitPolicy = {
  contactIntervalMs: 60_000,
  contactMessagesPerDay: 10,
  contactCodesPerDay: 5,
  addressCodeRequestsPerDay: 30,
  addressFailedVerificationsPerDay: 100,
};

function setup(start = new Date('2026-11-29T08:00:00Z')) {
  let now = start;
  const memory = memoryLimitCounters();
  const limits = new AbuseLimits(memory.repository, policy, () => now);
  return { limits, memory, advance: (ms: number) => (now = new Date(now.getTime() + ms)) };
}

const siti: Contact = { channel: 'email', to: 'siti@example.id' };
const minute = 60_000;
const code = { code: true };
const notice = { code: false };

describe('AbuseLimits.mayMessage', () => {
  it('should allow one message of a template per contact per interval, and another template alongside', async () => {
    const { limits, advance } = setup();
    expect(await limits.mayMessage(siti, 'registration-attempt', notice)).toBe(true);
    for (let i = 0; i < 19; i += 1) expect(await limits.mayMessage(siti, 'registration-attempt', notice)).toBe(false);
    expect(await limits.mayMessage(siti, 'verification-code', code)).toBe(true);
    advance(minute - 1);
    expect(await limits.mayMessage(siti, 'registration-attempt', notice)).toBe(false);
    advance(1);
    expect(await limits.mayMessage(siti, 'registration-attempt', notice)).toBe(true);
  });

  it('should count one contact however its address is written, and another contact apart', async () => {
    const { limits } = setup();
    expect(await limits.mayMessage(siti, 'registration-attempt', notice)).toBe(true);
    expect(await limits.mayMessage({ channel: 'email', to: ' SITI@Example.ID ' }, 'registration-attempt', notice)).toBe(
      false,
    );
    expect(await limits.mayMessage({ channel: 'email', to: 'budi@example.id' }, 'registration-attempt', notice)).toBe(
      true,
    );
    expect(await limits.mayMessage({ channel: 'sms', to: '+6281234567890' }, 'registration-attempt', notice)).toBe(
      true,
    );
  });

  it('should stop codes to a contact at the day’s codes, and start again the next UTC day', async () => {
    const { limits, advance } = setup(new Date('2026-11-29T08:00:00Z'));
    const allowed: boolean[] = [];
    for (let i = 0; i < 8; i += 1) {
      allowed.push(await limits.mayMessage(siti, 'verification-code', code));
      advance(minute);
    }
    expect(allowed).toEqual([true, true, true, true, true, false, false, false]);
    advance(16 * 60 * minute); // 00:08 UTC the next day
    expect(await limits.mayMessage(siti, 'verification-code', code)).toBe(true);
  });

  it('should stop every message to a contact at the day’s messages, codes and notices together', async () => {
    const { limits, advance } = setup();
    let sent = 0;
    for (let i = 0; i < 20; i += 1) {
      if (await limits.mayMessage(siti, 'registration-attempt', notice)) sent += 1;
      if (await limits.mayMessage(siti, 'verification-code', code)) sent += 1;
      advance(minute);
    }
    expect(sent).toBe(policy.contactMessagesPerDay);
  });

  it('should keep the contact out of the counter keys', async () => {
    const { limits, memory } = setup();
    await limits.mayMessage(siti, 'verification-code', code);
    const keys = [...memory.counters.keys()].join(' ');
    expect(keys).not.toContain('siti');
    expect(keys).toContain(contactSubject(siti));
  });
});

describe('AbuseLimits.requireCodeRequests', () => {
  it('should refuse an address past its day’s code requests, and count each address apart', async () => {
    const { limits } = setup();
    for (let i = 0; i < 15; i += 1) await limits.requireCodeRequests('203.0.113.7', 2);
    await expect(limits.requireCodeRequests('203.0.113.7', 1)).rejects.toMatchObject({ code: 'TOO_MANY_ATTEMPTS' });
    await expect(limits.requireCodeRequests('::ffff:203.0.113.7', 1)).rejects.toMatchObject({
      code: 'TOO_MANY_ATTEMPTS',
    });
    await expect(limits.requireCodeRequests('203.0.113.8', 1)).resolves.toBeUndefined();
  });

  it('should count an IPv6 client by its /64', async () => {
    const { limits } = setup();
    for (let i = 0; i < 30; i += 1) await limits.requireCodeRequests(`2001:db8:7:8::${i.toString(16)}`, 1);
    await expect(limits.requireCodeRequests('2001:db8:7:8:ffff::1', 1)).rejects.toMatchObject({
      code: 'TOO_MANY_ATTEMPTS',
    });
    await expect(limits.requireCodeRequests('2001:db8:7:9::1', 1)).resolves.toBeUndefined();
  });

  it('should not count a call without a client address', async () => {
    const { limits, memory } = setup();
    for (let i = 0; i < 40; i += 1) await limits.requireCodeRequests(undefined, 1);
    expect(memory.counters.size).toBe(0);
  });
});

describe('AbuseLimits.countFailedChecks', () => {
  const fail = async (): Promise<never> => {
    throw new Error('VERIFICATION_FAILED');
  };

  it('should refuse an address past its day’s failed checks without running the check', async () => {
    const { limits } = setup();
    for (let i = 0; i < policy.addressFailedVerificationsPerDay; i += 1) {
      await expect(limits.countFailedChecks('203.0.113.7', fail)).rejects.toThrow('VERIFICATION_FAILED');
    }
    let ran = false;
    await expect(
      limits.countFailedChecks('203.0.113.7', async () => {
        ran = true;
      }),
    ).rejects.toMatchObject({ code: 'TOO_MANY_ATTEMPTS' });
    expect(ran).toBe(false);
    expect(await limits.countFailedChecks('203.0.113.8', async () => 'ok')).toBe('ok');
  });

  it('should not count checks that succeed', async () => {
    const { limits } = setup();
    for (let i = 0; i < policy.addressFailedVerificationsPerDay + 5; i += 1) {
      expect(await limits.countFailedChecks('203.0.113.7', async () => i)).toBe(i);
    }
    await expect(limits.countFailedChecks('203.0.113.7', fail)).rejects.toThrow('VERIFICATION_FAILED');
  });

  it('should count checks running in parallel before they finish', async () => {
    const { limits } = setup();
    let release = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const checks = Array.from({ length: policy.addressFailedVerificationsPerDay + 10 }, () =>
      limits.countFailedChecks('203.0.113.7', async () => {
        await gate;
        throw new Error('VERIFICATION_FAILED');
      }),
    );
    release();
    const outcomes = await Promise.allSettled(checks);
    const refused = outcomes.filter(
      (outcome) => outcome.status === 'rejected' && (outcome.reason as { code?: string }).code === 'TOO_MANY_ATTEMPTS',
    );
    expect(refused).toHaveLength(10);
  });
});
