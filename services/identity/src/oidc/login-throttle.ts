import { addressSubject } from '../client-address.js';
import { parseLogin } from '../login-identifier.js';
import type { LoginThrottleDocument, LoginThrottleModel } from './oidc.schema.js';

/** After `freeFailures` failed logins, each further attempt waits 2^(failures − free) s, at most `maxDelaySeconds`. */
export interface ThrottlePolicy {
  freeFailures: number;
  maxDelaySeconds: number;
}

/** A counter untouched for this long starts from zero again (and is purged). */
const throttleMemoryMs = 24 * 60 * 60 * 1000;

/** Seconds an attempt must wait after the last of `failures` failed logins. */
export function requiredDelaySeconds(failures: number, policy: ThrottlePolicy): number {
  if (failures < policy.freeFailures) return 0;
  // The exponent is capped so the power never overflows before the cap applies.
  return Math.min(2 ** Math.min(failures - policy.freeFailures, 30), policy.maxDelaySeconds);
}

/** Whole seconds until the next attempt is allowed (0: allowed now). */
export function secondsUntilAllowed(
  state: Pick<LoginThrottleDocument, 'failures' | 'lastFailureAt'> | null,
  now: Date,
  policy: ThrottlePolicy,
): number {
  if (!state) return 0;
  const allowedAt = state.lastFailureAt.getTime() + requiredDelaySeconds(state.failures, policy) * 1000;
  return Math.max(0, Math.ceil((allowedAt - now.getTime()) / 1000));
}

export interface ThrottleKeys {
  account: string;
  address: string;
}

/**
 * Keys of the two counters. The account's is its id, whichever identifier (e-mail, phone, NIK)
 * was typed, so each does not bring its own free failures; a login no account holds gets a
 * counter of its own (normalised the way logins are stored), throttled by the same policy, so an
 * unknown login costs what a known one does. The address is counted as abuse limits count it
 * (an IPv6 client by its /64).
 */
export function throttleKeys(tenantId: string, login: string, accountId: string | null, address: string): ThrottleKeys {
  const parsed = parseLogin(login);
  const normalised = parsed ? `${parsed.kind}:${parsed.value}` : login.trim().toLowerCase();
  const account = accountId ? `account:${tenantId}:id:${accountId}` : `account:${tenantId}:login:${normalised}`;
  return { account, address: `ip:${addressSubject(address)}` };
}

/** The only code that touches `login_throttle`. */
export class LoginThrottleRepository {
  constructor(private readonly model: LoginThrottleModel) {}

  async find(id: string, now: Date): Promise<LoginThrottleDocument | null> {
    const document = await this.model.findById(String(id)).lean<LoginThrottleDocument>().exec();
    return document && document.expiresAt > now ? document : null;
  }

  async recordFailure(id: string, now: Date): Promise<void> {
    const expiresAt = new Date(now.getTime() + throttleMemoryMs);
    const current = await this.find(id, now);
    // A stale counter is restarted rather than incremented (no TTL index removes it for us).
    const update = current
      ? { $inc: { failures: 1 }, $set: { lastFailureAt: now, expiresAt } }
      : { $set: { failures: 1, lastFailureAt: now, expiresAt } };
    await this.model.updateOne({ _id: String(id) }, update, { upsert: true }).exec();
  }

  async reset(id: string): Promise<void> {
    await this.model.deleteOne({ _id: String(id) }).exec();
  }

  async purgeExpired(now: Date): Promise<number> {
    return (await this.model.deleteMany({ expiresAt: { $lte: now } }).exec()).deletedCount;
  }
}

/**
 * Slows down password guessing per account and per client address. A throttled attempt is
 * refused before the password is checked, so it costs the attacker time and us no hashing.
 */
export class LoginThrottle {
  constructor(
    private readonly repository: LoginThrottleRepository,
    private readonly policies: { account: ThrottlePolicy; address: ThrottlePolicy },
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /** Seconds to wait before this attempt is allowed; 0 when it may go ahead. */
  async secondsToWait(keys: ThrottleKeys): Promise<number> {
    const now = this.clock();
    const [account, address] = await Promise.all([
      this.repository.find(keys.account, now),
      this.repository.find(keys.address, now),
    ]);
    return Math.max(
      secondsUntilAllowed(account, now, this.policies.account),
      secondsUntilAllowed(address, now, this.policies.address),
    );
  }

  async recordFailure(keys: ThrottleKeys): Promise<void> {
    const now = this.clock();
    await Promise.all([
      this.repository.recordFailure(keys.account, now),
      this.repository.recordFailure(keys.address, now),
    ]);
  }

  /** A successful login clears the account's counter; the address keeps its own (one success does not vouch for a NAT). */
  async recordSuccess(keys: ThrottleKeys): Promise<void> {
    await this.repository.reset(keys.account);
  }
}
