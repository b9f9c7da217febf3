import { AppError, type CallContext, checkCurrentVersion, checkExpectedVersion } from '@balai/platform';
import type { User } from '../../data/users/user-repository.js';
import { userEvent } from '../../domain/users/user-events.js';
import { type AdminChangeDeps, adminTarget, commitAdminChange, requireTenantAdmin } from '../use-case-support.js';

/**
 * A tenant admin deactivates a user (staff or citizen) of their tenant: the account can no
 * longer sign in, its login names stay reserved. Deactivating yourself is refused (a tenant
 * must not lose its admin by a slip); deactivating a deactivated user changes nothing.
 * `expectedVersion` 0 skips the version check.
 */
export async function deactivateUser(
  deps: AdminChangeDeps,
  context: CallContext,
  input: { userId: string; expectedVersion: number },
): Promise<User> {
  const { tenantId, actorId } = requireTenantAdmin(context);
  const expectedVersion = checkExpectedVersion(input.expectedVersion, { field: '/version', allowUnset: true });
  const target = await adminTarget(deps, context, tenantId, input.userId);
  if (target._id === actorId) throw new AppError('FORBIDDEN', 'You cannot deactivate your own account');
  checkCurrentVersion(target.version, expectedVersion);
  if (target.status === 'deactivated') return target;

  const now = deps.clock();
  return commitAdminChange(deps, {
    target,
    expectedVersion: target.version,
    changes: { status: 'deactivated' },
    event: userEvent('id.balai.identity.user.deactivated.v1', target, now, context.traceparent, {
      userId: target._id,
      tenantId,
      kind: target.kind,
      actorId,
      deactivatedAt: now,
    }),
    audit: {
      tenantId,
      actorId,
      actorRoles: context.roles,
      action: 'user.deactivated',
      targetId: target._id,
      changes: { status: { from: target.status, to: 'deactivated' } },
      at: now,
    },
  });
}
