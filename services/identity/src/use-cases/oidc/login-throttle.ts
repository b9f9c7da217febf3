import type { LoginThrottleRepository } from '../../data/oidc/login-throttle-repository.js';
import {
  secondsUntilAllowed,
  type ThrottleKeys,
  type ThrottlePolicy,
} from '../../domain/oidc/login-throttle-policy.js';

/**
 * Slows down password guessing per account and per client address. A throttled attempt is
 * refused before the password is checked, so it costs the attacker time and us no hashing.
 */
export class LoginThrottle {
  constructor(
    private readonly repository: Pick<LoginThrottleRepository, 'find' | 'recordFailure' | 'reset'>,
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
