import { AppError, type CallContext, requireTenant, staffRoles } from '@balai/platform';
import { maxUsersPerRead, type User } from '../../data/users/user-repository.js';
import { requireTenantAdmin, type UserStore } from '../use-case-support.js';

function isStaffCaller(context: CallContext): boolean {
  return context.roles.some((role) => (staffRoles as readonly string[]).includes(role) || role === 'platform_admin');
}

/** Staff of the tenant read other users; anyone reads themselves. */
function requireReader(context: CallContext, userId?: string): string {
  const tenantId = requireTenant(context);
  if (!context.subject) throw new AppError('UNAUTHENTICATED');
  if (isStaffCaller(context) || (userId !== undefined && context.subject === userId)) return tenantId;
  throw new AppError('FORBIDDEN', "Only the tenant's staff may read other users");
}

function requireId(value: unknown, field: string): string {
  if (typeof value !== 'string' || value === '' || value.length > 64) {
    throw new AppError('VALIDATION_FAILED', 'The id is not valid', [{ field, message: 'must be a user id' }]);
  }
  return value;
}

export async function getUser(
  deps: { users: Pick<UserStore, 'findById'> },
  context: CallContext,
  userId: string,
): Promise<User> {
  const id = requireId(userId, '/userId');
  const tenantId = requireReader(context, id);
  const user = await deps.users.findById(tenantId, id);
  if (!user) throw new AppError('USER_NOT_FOUND');
  return user;
}

export async function getUsers(
  deps: { users: Pick<UserStore, 'findManyByIds'> },
  context: CallContext,
  userIds: string[],
): Promise<User[]> {
  const tenantId = requireReader(context);
  if (!Array.isArray(userIds) || userIds.length > maxUsersPerRead) {
    throw new AppError('VALIDATION_FAILED', `Ask for at most ${maxUsersPerRead} users at a time`);
  }
  return deps.users.findManyByIds(
    tenantId,
    userIds.map((id, i) => requireId(id, `/userIds/${i}`)),
  );
}

/** The tenant's staff, optionally of one agency (tenant admin, platform admin). */
export async function listStaff(
  deps: { users: Pick<UserStore, 'listStaff'> },
  context: CallContext,
  input: { agencyId: string },
): Promise<User[]> {
  const { tenantId } = requireTenantAdmin(context);
  const agencyId = typeof input.agencyId === 'string' && input.agencyId !== '' ? input.agencyId : undefined;
  return deps.users.listStaff(tenantId, agencyId);
}

/** Active officers and supervisors of an agency, for assignment and escalation (any staff caller). */
export async function listAgencyOfficers(
  deps: { users: Pick<UserStore, 'listStaff'> },
  context: CallContext,
  input: { agencyId: string },
): Promise<User[]> {
  const tenantId = requireReader(context);
  if (typeof input.agencyId !== 'string' || input.agencyId === '') {
    throw new AppError('VALIDATION_FAILED', 'Name the agency', [{ field: '/agencyId', message: 'is required' }]);
  }
  const staff = await deps.users.listStaff(tenantId, input.agencyId);
  return staff.filter(
    (user) => user.status === 'active' && (user.roles.includes('officer') || user.roles.includes('supervisor')),
  );
}

export type VerifiedCitizenReason = '' | 'unknown_user' | 'not_a_citizen' | 'pending' | 'deactivated';

/**
 * Whether a user of the tenant is an active citizen with a proven contact; permits asks
 * before accepting an application. Asked by the citizen themselves (through a service acting
 * for them) or by staff.
 */
export async function checkVerifiedCitizen(
  deps: { users: Pick<UserStore, 'findById'> },
  context: CallContext,
  input: { userId: string },
): Promise<{ verified: boolean; reason: VerifiedCitizenReason }> {
  const id = requireId(input.userId, '/userId');
  const tenantId = requireReader(context, id);
  const user = await deps.users.findById(tenantId, id);
  if (!user) return { verified: false, reason: 'unknown_user' };
  if (user.kind !== 'citizen') return { verified: false, reason: 'not_a_citizen' };
  if (user.status === 'deactivated') return { verified: false, reason: 'deactivated' };
  if (user.status !== 'active' || !(user.emailVerified || user.phoneVerified)) {
    return { verified: false, reason: 'pending' };
  }
  return { verified: true, reason: '' };
}
