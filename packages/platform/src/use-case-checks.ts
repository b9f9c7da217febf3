import { AppError, staleVersion } from './errors.js';
import { type CallContext, tenantIdPattern } from './grpc/context.js';

/**
 * The tenant a call is for, from its context (never from a request body); TENANT_REQUIRED when
 * the caller sent none or not a region code.
 */
export function requireTenant(context: CallContext): string {
  if (!tenantIdPattern.test(context.tenantId)) throw new AppError('TENANT_REQUIRED');
  return context.tenantId;
}

/**
 * The version a caller last read, for an optimistic write: a whole number from 1, else
 * VALIDATION_FAILED naming `field`. With `allowUnset`, 0 or nothing means "no check" (null):
 * proto3 cannot tell an unset number from 0.
 */
export function checkExpectedVersion(expected: unknown, options: { field: string; allowUnset: true }): number | null;
export function checkExpectedVersion(expected: unknown, options?: { field?: string; allowUnset?: false }): number;
export function checkExpectedVersion(
  expected: unknown,
  { field = '/expectedVersion', allowUnset = false }: { field?: string; allowUnset?: boolean } = {},
): number | null {
  if (allowUnset && (expected === 0 || expected === undefined)) return null;
  if (typeof expected !== 'number' || !Number.isInteger(expected) || expected < 1) {
    throw new AppError('VALIDATION_FAILED', 'The version is not valid', [
      { field, message: 'must be the version last read (a whole number from 1)' },
    ]);
  }
  return expected;
}

/**
 * The optimistic check itself: the resource is still at the version the caller read, else
 * STALE_VERSION carrying the version it is at now. `expected` null (allowUnset above) is no check.
 */
export function checkCurrentVersion(current: number, expected: number | null): void {
  if (expected !== null && current !== expected) throw staleVersion(current);
}
