import { AppError, type CallContext, requireTenant, staffRoles } from '@balai/platform';
import type { Agency } from '../../data/agencies/agency-repository.js';
import type { TenantDocument } from '../../data/tenants/tenant.schema.js';
import { compareStaffOrder, maxUsersPerRead, type User } from '../../data/users/user-repository.js';
import { type AgencyStore, requireTenantAdmin, type TenantStore, type UserStore } from '../use-case-support.js';

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

/** Callers who may list any agency's officers; everyone else only their own agency's. */
const tenantWideRoles = ['tenant_admin', 'platform_admin', 'analyst'] as const;

/** Most officers one page holds; a page size of 0 (the services' own reads) means all of them. */
export const maxOfficersPerPage = 100;

interface OfficerPosition {
  fullName: string;
  _id: string;
}

function badPageToken(): AppError {
  return new AppError('VALIDATION_FAILED', 'The page token is not valid', [
    { field: '/pageToken', message: 'must be a page token this list returned' },
  ]);
}

/**
 * An opaque cursor: base64url JSON of the agency and the last officer's sort key. Not signed: a
 * forged one only moves where the caller's own, tenant- and agency-scoped list resumes.
 */
function encodeOfficerPageToken(agencyId: string, last: OfficerPosition): string {
  return Buffer.from(JSON.stringify([agencyId, last.fullName, last._id]), 'utf8').toString('base64url');
}

function decodeOfficerPageToken(token: string, agencyId: string): OfficerPosition {
  let payload: unknown;
  try {
    if (token.length > 1024 || !/^[A-Za-z0-9_-]+$/.test(token)) throw new Error('not base64url');
    payload = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw badPageToken();
  }
  if (!Array.isArray(payload) || payload.length !== 3 || !payload.every((part) => typeof part === 'string')) {
    throw badPageToken();
  }
  const [tokenAgency, fullName, id] = payload as [string, string, string];
  if (tokenAgency !== agencyId) {
    throw new AppError('VALIDATION_FAILED', 'The page token is not valid', [
      { field: '/pageToken', message: 'belongs to the list of another agency' },
    ]);
  }
  return { fullName, _id: id };
}

/**
 * Active officers and supervisors of an agency, by name: who a complaint of the agency may be
 * assigned to (complaints' checkAssignee accepts exactly these) and whom it escalates to. Staff
 * bound to an agency see their own agency's colleagues only; tenant-wide roles any agency's.
 */
export async function listAgencyOfficers(
  deps: { users: Pick<UserStore, 'listStaff'>; agencies: Pick<AgencyStore, 'findById'> },
  context: CallContext,
  input: { agencyId: string; pageSize?: number; pageToken?: string },
): Promise<{ users: User[]; nextPageToken: string }> {
  const tenantId = requireReader(context);
  if (typeof input.agencyId !== 'string' || input.agencyId === '') {
    throw new AppError('VALIDATION_FAILED', 'Name the agency', [{ field: '/agencyId', message: 'is required' }]);
  }
  const tenantWide = context.roles.some((role) => (tenantWideRoles as readonly string[]).includes(role));
  if (!tenantWide && context.agencyId !== input.agencyId) {
    throw new AppError('FORBIDDEN', "Staff of an agency may list their own agency's officers only");
  }
  const pageSize = input.pageSize ?? 0;
  if (!Number.isInteger(pageSize) || pageSize < 0 || pageSize > maxOfficersPerPage) {
    throw new AppError('VALIDATION_FAILED', 'The page size is not valid', [
      { field: '/pageSize', message: `must be 1 to ${maxOfficersPerPage}` },
    ]);
  }
  const pageToken = typeof input.pageToken === 'string' ? input.pageToken : '';
  const after = pageToken === '' ? null : decodeOfficerPageToken(pageToken, input.agencyId);
  // An agency's staff are tens, not thousands: read them all, then page in memory.
  const officers = (await deps.users.listStaff(tenantId, input.agencyId)).filter(
    (user) =>
      user.status === 'active' &&
      (user.roles.includes('officer') || user.roles.includes('supervisor')) &&
      (after === null || compareStaffOrder(user, after) > 0),
  );
  // Nobody: tell an agency without officers from an id that names no agency (a tenant admin's typo).
  if (officers.length === 0 && after === null && !(await deps.agencies.findById(tenantId, input.agencyId))) {
    throw new AppError('AGENCY_NOT_FOUND', `The tenant has no agency ${input.agencyId}`);
  }
  if (pageSize === 0 || officers.length <= pageSize) return { users: officers, nextPageToken: '' };
  const page = officers.slice(0, pageSize);
  const last = page[page.length - 1] as User;
  return { users: page, nextPageToken: encodeOfficerPageToken(input.agencyId, last) };
}

/** The caller's own account, with what identity holds of their contacts, tenant and agency. */
export interface CurrentUser {
  user: User;
  tenant: TenantDocument;
  agency: Agency | null;
  verifiedCitizen: boolean;
}

/**
 * The caller themself: the subject of the context, in its tenant. A subject that is no user of
 * the tenant (a machine client's token) is USER_NOT_FOUND.
 */
export async function getCurrentUser(
  deps: {
    users: Pick<UserStore, 'findById'>;
    tenants: Pick<TenantStore, 'findById'>;
    agencies: Pick<AgencyStore, 'findById'>;
  },
  context: CallContext,
): Promise<CurrentUser> {
  const tenantId = requireTenant(context);
  if (!context.subject) throw new AppError('UNAUTHENTICATED');
  const user = await deps.users.findById(tenantId, context.subject);
  if (!user) throw new AppError('USER_NOT_FOUND', 'The caller is not a user of this tenant (a machine client?)');
  const tenant = await deps.tenants.findById(tenantId);
  if (!tenant) throw new AppError('UNKNOWN_TENANT', `No tenant ${tenantId}`);
  const agency = user.agencyId ? await deps.agencies.findById(tenantId, user.agencyId) : null;
  return { user, tenant, agency, verifiedCitizen: verificationOf(user).verified };
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
  return verificationOf(user);
}

function verificationOf(user: User): { verified: boolean; reason: VerifiedCitizenReason } {
  if (user.kind !== 'citizen') return { verified: false, reason: 'not_a_citizen' };
  if (user.status === 'deactivated') return { verified: false, reason: 'deactivated' };
  if (user.status !== 'active' || !(user.emailVerified || user.phoneVerified)) {
    return { verified: false, reason: 'pending' };
  }
  return { verified: true, reason: '' };
}
