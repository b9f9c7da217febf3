import { addressSubject } from '../client-address.js';
import { parseLogin } from '../users/login-identifier.js';

/** After `freeFailures` failed logins, each further attempt waits 2^(failures − free) s, at most `maxDelaySeconds`. */
export interface ThrottlePolicy {
  freeFailures: number;
  maxDelaySeconds: number;
}

/** Seconds an attempt must wait after the last of `failures` failed logins. */
export function requiredDelaySeconds(failures: number, policy: ThrottlePolicy): number {
  if (failures < policy.freeFailures) return 0;
  // The exponent is capped so the power never overflows before the cap applies.
  return Math.min(2 ** Math.min(failures - policy.freeFailures, 30), policy.maxDelaySeconds);
}

/** Whole seconds until the next attempt is allowed (0: allowed now). */
export function secondsUntilAllowed(
  state: { failures: number; lastFailureAt: Date } | null,
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
