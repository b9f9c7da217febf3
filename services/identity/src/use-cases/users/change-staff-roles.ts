import { AppError, type CallContext, checkCurrentVersion, checkExpectedVersion } from '@balai/platform';
import { userEvent } from '../../domain/users/user-events.js';
import {
  type AdminChangeDeps,
  type AgencyStore,
  adminTarget,
  commitAdminChange,
  requireTenantAdmin,
} from '../use-case-support.js';
import { validateStaffAssignment } from './staff-roles.js';
import { validateSupervisor } from './staff-supervisor.js';

/** A roles change also checks the agency. */
export type ChangeStaffRolesDeps = AdminChangeDeps & { agencies: Pick<AgencyStore, 'findById'> };

import type { User } from '../../data/users/user-repository.js';

/**
 * A tenant admin replaces a staff member's roles, agency and supervisor (empty: nobody), at the version they last read
 * (a concurrent change is STALE_VERSION, never overwritten). An admin cannot take their own
 * tenant_admin role away: a tenant must not lock itself out by accident.
 */
export async function changeStaffRoles(
  deps: ChangeStaffRolesDeps,
  context: CallContext,
  input: { userId: string; roles: string[]; agencyId: string; expectedVersion: number; supervisorId?: string },
): Promise<User> {
  const { tenantId, actorId } = requireTenantAdmin(context);
  const expectedVersion = checkExpectedVersion(input.expectedVersion, { field: '/version', allowUnset: false });
  const target = await adminTarget(deps, context, tenantId, input.userId);
  if (target.kind !== 'staff') throw new AppError('USER_NOT_FOUND', 'No staff member with this id');
  const { roles, agencyId } = await validateStaffAssignment(deps.agencies, tenantId, input);
  // Only a new supervisor is checked: a roles change must not fail on the one already recorded
  // (deactivated since, say); escalation passes over an inactive supervisor anyway.
  const supervisorId =
    (input.supervisorId ?? '') === (target.supervisorId ?? '')
      ? (target.supervisorId ?? null)
      : await validateSupervisor(deps.users, tenantId, target._id, input.supervisorId);
  if (target._id === actorId && target.roles.includes('tenant_admin') && !roles.includes('tenant_admin')) {
    throw new AppError('FORBIDDEN', 'You cannot remove your own tenant_admin role; ask another admin');
  }
  checkCurrentVersion(target.version, expectedVersion);

  const now = deps.clock();
  return commitAdminChange(deps, {
    target,
    expectedVersion,
    changes: { roles, agencyId, supervisorId },
    event: userEvent('id.balai.identity.user.roles_changed.v1', target, now, context.traceparent, {
      userId: target._id,
      tenantId,
      roles,
      agencyId: agencyId ?? '',
      previousRoles: target.roles,
      previousAgencyId: target.agencyId ?? '',
      actorId,
      changedAt: now,
    }),
    audit: {
      tenantId,
      actorId,
      actorRoles: context.roles,
      action: 'staff.roles_changed',
      targetId: target._id,
      changes: {
        roles: { from: target.roles, to: roles },
        agencyId: { from: target.agencyId, to: agencyId },
        supervisorId: { from: target.supervisorId ?? null, to: supervisorId },
      },
      at: now,
    },
  });
}
