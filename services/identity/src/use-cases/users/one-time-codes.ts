import { createHmac, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import { oneTimeCodePattern } from '@balai/platform';
import type { CodeSlot, OtpRepository } from '../../data/users/otp-repository.js';

/** Wrong guesses a code survives; the fifth kills it (10^6 codes, so 5 guesses ≈ 1 in 200 000). */
export const maxCodeAttempts = 5;

export function newCode(): string {
  // crypto.randomInt is uniform (no modulo bias) and from the CSPRNG.
  return String(randomInt(0, 1_000_000)).padStart(6, '0');
}

function hashCode(code: string, salt: string): string {
  return createHmac('sha256', Buffer.from(salt, 'base64')).update(code).digest('hex');
}

/**
 * One-time codes for proving a contact or activating an account: 6 digits, stored only as a
 * salted HMAC, one live code per (user, channel, purpose), a few attempts, an expiry.
 */
export class OneTimeCodes {
  constructor(
    private readonly repository: Pick<OtpRepository, 'find' | 'replace' | 'recordAttempt' | 'consume'>,
    private readonly clock: () => Date,
  ) {}

  /**
   * A new code for the slot; the previous one dies. How often a contact may get one is not this
   * class's business: every code goes out through the contact's budget (abuse-limits.ts,
   * `sendCode` in use-case-support.ts), which is asked before a code is made.
   */
  async issue(slot: CodeSlot, ttlMs: number): Promise<string> {
    const now = this.clock();
    const code = newCode();
    const salt = randomBytes(16).toString('base64');
    await this.repository.replace(slot, {
      salt,
      codeHash: hashCode(code, salt),
      issuedAt: now,
      expiresAt: new Date(now.getTime() + ttlMs),
    });
    return code;
  }

  /**
   * True once, for the right code within its lifetime and attempts; every other case is false
   * with no reason given. An attempt is counted before the comparison, so parallel guesses
   * cannot exceed the limit.
   */
  async verify(slot: CodeSlot, code: string): Promise<boolean> {
    if (typeof code !== 'string' || !oneTimeCodePattern.test(code)) return false;
    const stored = await this.repository.find(slot);
    if (!stored) return false;
    if (new Date(stored.expiresAt).getTime() <= this.clock().getTime()) return false;
    if (stored.attempts >= maxCodeAttempts) return false;
    if (!(await this.repository.recordAttempt(slot, stored.attempts))) return false;
    const expected = Buffer.from(stored.codeHash, 'hex');
    const actual = Buffer.from(hashCode(code, stored.salt), 'hex');
    if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) return false;
    return this.repository.consume(slot, stored.attempts + 1);
  }
}
