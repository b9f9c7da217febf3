import { AppError, type CallContext, tenantIdPattern } from '@balai/platform';
import './complaint-errors.js';

export const eventSource = '/balai/complaints';

export function requireTenant(context: CallContext): string {
  if (!tenantIdPattern.test(context.tenantId)) throw new AppError('TENANT_REQUIRED');
  return context.tenantId;
}

/** Roles that see the staff view of a complaint and may write internal comments. */
export const staffViewRoles = ['officer', 'supervisor', 'tenant_admin', 'platform_admin'] as const;

export function isStaff(context: CallContext): boolean {
  return context.roles.some((role) => (staffViewRoles as readonly string[]).includes(role));
}

/** The version a caller last read: a whole number from 1, else VALIDATION_FAILED. */
export function checkExpectedVersion(expected: unknown): number {
  if (typeof expected !== 'number' || !Number.isInteger(expected) || expected < 1) {
    throw new AppError('VALIDATION_FAILED', 'The version is not valid', [
      { field: '/expectedVersion', message: 'must be the version last read (a whole number from 1)' },
    ]);
  }
  return expected;
}
