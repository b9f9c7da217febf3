import { createHash } from 'node:crypto';
import { AppError } from '@balai/platform';
import type { NotificationMessage, NotificationTemplate } from '../../clients/notification-sender.js';
import type { LimitCounterRepository } from '../../data/users/limit-counter-repository.js';
import { addressSubject } from '../../domain/client-address.js';

/** The limits, from config.ts (CONTACT_* and ADDRESS_*). */
export interface AbuseLimitPolicy {
  /** Least time between two messages of one template to one contact. */
  contactIntervalMs: number;
  /** Messages of every template to one contact per day. */
  contactMessagesPerDay: number;
  /** One-time codes issued to one contact per day (each allows 5 guesses). */
  contactCodesPerDay: number;
  /** Codes asked for from one client address per day, whether or not any was issued. */
  addressCodeRequestsPerDay: number;
  /** Failed code checks from one client address per day. */
  addressFailedVerificationsPerDay: number;
}

/** Where a message goes. */
export type Contact = Pick<NotificationMessage, 'channel' | 'to'>;

const dayMs = 86_400_000;

/** The UTC day `now` falls in: a key part and its end. */
function dayOf(now: Date): { key: string; end: Date } {
  const start = Math.floor(now.getTime() / dayMs) * dayMs;
  return { key: new Date(start).toISOString().slice(0, 10), end: new Date(start + dayMs) };
}

/**
 * A contact as the counters know it: normalised (an e-mail address lower-cased, a number as
 * stored, +62…) and hashed, so `limit_counters` holds no address or phone number. Not per tenant:
 * it is one inbox whichever tenant writes to it.
 */
export function contactSubject(contact: Contact): string {
  const value = contact.channel === 'email' ? contact.to.trim().toLowerCase() : contact.to.trim();
  return createHash('sha256').update(`${contact.channel}:${value}`).digest('base64url');
}

/**
 * Issue 11's limits on what anonymous callers can make identity do:
 * - every message to a contact (codes, registration notices) takes one from the contact's budget:
 *   one per template per interval, so many per day, codes also from the day's codes. Over
 *   budget it is not sent (nor is a code made), and the caller's answer does not change: the
 *   budget's state depends on whether the account exists, so it must never show;
 * - per client address, code requests and failed code checks per day. These are counted for
 *   every request, before anything is looked up, so hitting them (TOO_MANY_ATTEMPTS) depends on
 *   the caller's own requests only and tells nothing about accounts. A call that names no address
 *   (not from the gateway, which sets it on every call) is not counted per address.
 */
export class AbuseLimits {
  constructor(
    private readonly repository: Pick<LimitCounterRepository, 'add' | 'startInterval'>,
    private readonly policy: AbuseLimitPolicy,
    private readonly clock: () => Date,
  ) {}

  /**
   * Takes one message of `template` to `contact` from its budget; false when it may not be sent.
   * In order: the template's interval, the day's codes (for a code), the day's messages. A
   * refusal by a later step leaves the earlier ones spent; they only matter to a contact already
   * at a limit.
   */
  async mayMessage(contact: Contact, template: NotificationTemplate, options: { code: boolean }): Promise<boolean> {
    const now = this.clock();
    const subject = contactSubject(contact);
    const intervalEnd = new Date(now.getTime() + this.policy.contactIntervalMs);
    if (!(await this.repository.startInterval(`interval|${template}|${subject}`, now, intervalEnd))) return false;
    const day = dayOf(now);
    if (options.code) {
      const codes = await this.repository.add(`contact-codes|${subject}|${day.key}`, 1, day.end);
      if (codes > this.policy.contactCodesPerDay) return false;
    }
    const messages = await this.repository.add(`contact-messages|${subject}|${day.key}`, 1, day.end);
    return messages <= this.policy.contactMessagesPerDay;
  }

  /**
   * Counts `count` code requests from the client address (TOO_MANY_ATTEMPTS once it is past the
   * day's). Called before anything is looked up, whatever the request turns out to be.
   */
  async requireCodeRequests(address: string | undefined, count: number): Promise<void> {
    if (!address || count <= 0) return;
    const day = dayOf(this.clock());
    const requested = await this.repository.add(`address-codes|${addressSubject(address)}|${day.key}`, count, day.end);
    if (requested > this.policy.addressCodeRequestsPerDay) throw tooManyAttempts();
  }

  /**
   * Runs a code check counted against the client address: refused with TOO_MANY_ATTEMPTS once
   * the address is past the day's failures. The check is counted before it runs (so parallel
   * guesses cannot pass the limit) and given back when it returns, so only checks that throw
   * (VERIFICATION_FAILED and the like) add up.
   */
  async countFailedChecks<T>(address: string | undefined, check: () => Promise<T>): Promise<T> {
    if (!address) return check();
    const day = dayOf(this.clock());
    const key = `address-failures|${addressSubject(address)}|${day.key}`;
    if ((await this.repository.add(key, 1, day.end)) > this.policy.addressFailedVerificationsPerDay) {
      throw tooManyAttempts();
    }
    const result = await check();
    await this.repository.add(key, -1, day.end);
    return result;
  }
}

function tooManyAttempts(): AppError {
  return new AppError('TOO_MANY_ATTEMPTS');
}
