import { AppError, type CallContext, newEvent } from '@balai/platform';
import { validateStaffAssignment } from './staff-roles.js';
import { type AccountDeps, eventSource, recordAudit, requireTenantAdmin } from './use-case-support.js';
import type { User } from './user-repository.js';

/**
 * The target of an admin action: a user of the caller's tenant (another tenant's is simply
 * not found), which a tenant admin may touch unless it holds platform_admin.
 */
export async function adminTarget(
  deps: Pick<AccountDeps, 'users'>,
  context: CallContext,
  tenantId: string,
  userId: unknown,
): Promise<User> {
  const target = typeof userId === 'string' && userId !== '' ? await deps.users.findById(tenantId, userId) : null;
  if (!target) throw new AppError('USER_NOT_FOUND');
  if (target.roles.includes('platform_admin') && !context.roles.includes('platform_admin')) {
    throw new AppError('FORBIDDEN', 'Only a platform admin may change a platform admin');
  }
  return target;
}

export function checkExpectedVersion(expected: unknown, allowUnset: boolean): number | null {
  if (allowUnset && (expected === 0 || expected === undefined)) return null;
  if (typeof expected !== 'number' || !Number.isInteger(expected) || expected < 1) {
    throw new AppError('VALIDATION_FAILED', 'The version is not valid', [
      { field: '/version', message: 'must be the version last read (a whole number from 1)' },
    ]);
  }
  return expected;
}

/**
 * A tenant admin replaces a staff member's roles and agency, at the version they last read
 * (a concurrent change is STALE_VERSION, never overwritten). An admin cannot take their own
 * tenant_admin role away: a tenant must not lock itself out by accident.
 */
export async function changeStaffRoles(
  deps: AccountDeps,
  context: CallContext,
  input: { userId: string; roles: string[]; agencyId: string; expectedVersion: number },
): Promise<User> {
  const { tenantId, actorId } = requireTenantAdmin(context);
  const expectedVersion = checkExpectedVersion(input.expectedVersion, false) as number;
  const target = await adminTarget(deps, context, tenantId, input.userId);
  if (target.kind !== 'staff') throw new AppError('USER_NOT_FOUND', 'No staff member with this id');
  const { roles, agencyId } = await validateStaffAssignment(deps.agencies, tenantId, input);
  if (target._id === actorId && target.roles.includes('tenant_admin') && !roles.includes('tenant_admin')) {
    throw new AppError('FORBIDDEN', 'You cannot remove your own tenant_admin role; ask another admin');
  }
  if (target.version !== expectedVersion) throw new AppError('STALE_VERSION');

  const now = deps.clock();
  const event = newEvent({
    type: 'id.balai.identity.user.roles_changed.v1',
    source: eventSource,
    subject: target._id,
    tenantId,
    time: now,
    ...(context.traceparent ? { traceparent: context.traceparent } : {}),
    data: {
      userId: target._id,
      tenantId,
      roles,
      agencyId: agencyId ?? '',
      previousRoles: target.roles,
      previousAgencyId: target.agencyId ?? '',
      actorId,
      changedAt: now,
    },
  });
  const result = await deps.users.update(tenantId, target._id, expectedVersion, { roles, agencyId }, [event]);
  if (result.outcome === 'not_found') throw new AppError('USER_NOT_FOUND');
  if (result.outcome === 'stale') throw new AppError('STALE_VERSION');
  deps.onCommitted();
  await recordAudit(deps, {
    tenantId,
    actorId,
    actorRoles: context.roles,
    action: 'staff.roles_changed',
    targetId: target._id,
    changes: { roles: { from: target.roles, to: roles }, agencyId: { from: target.agencyId, to: agencyId } },
    at: now,
  });
  return result.user;
}
