import { AppError, type CallContext, type ErrorDetail, tenantIdPattern } from '@balai/platform';
import './complaint-errors.js';

export const eventSource = '/balai/complaints';

/** A category code of the catalogue: "roads.pothole". */
export const categoryCodePattern = /^[a-z0-9]+([._-][a-z0-9]+)*$/;
/** An agency (OPD) id as identity keeps them: "dpupr". */
export const agencyIdPattern = /^[a-z][a-z0-9-]{1,31}$/;

export function isCategoryCode(value: string): boolean {
  return value.length <= 64 && categoryCodePattern.test(value);
}

/** What is wrong with a point given as latitude and longitude, as field details. */
export function pointProblems(latitude: unknown, longitude: unknown): ErrorDetail[] {
  const problems: ErrorDetail[] = [];
  if (typeof latitude !== 'number' || !Number.isFinite(latitude) || Math.abs(latitude) > 90) {
    problems.push({ field: '/latitude', message: 'must be between -90 and 90' });
  }
  if (typeof longitude !== 'number' || !Number.isFinite(longitude) || Math.abs(longitude) > 180) {
    problems.push({ field: '/longitude', message: 'must be between -180 and 180' });
  }
  return problems;
}

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
