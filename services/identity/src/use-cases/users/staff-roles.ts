import { AppError, type ErrorDetail, type Role, staffRoles } from '@balai/platform';
import type { AgencyRepository } from '../../data/agencies/agency-repository.js';

/** Roles whose holders work inside one agency (OPD), so they must belong to one. */
const agencyRoles: readonly Role[] = ['officer', 'supervisor', 'permit_reviewer', 'permit_approver'];

/**
 * Checks roles and agency for a staff member: a non-empty subset of the staff roles (so
 * nobody grants platform_admin or citizen through here), no duplicates, and an agency of the
 * tenant when a role needs one. Returns the roles in canonical order and the agency or null.
 */
export async function validateStaffAssignment(
  agencies: Pick<AgencyRepository, 'findById'>,
  tenantId: string,
  input: { roles: unknown; agencyId: unknown },
): Promise<{ roles: Role[]; agencyId: string | null }> {
  const problems: ErrorDetail[] = [];
  const given = Array.isArray(input.roles) ? input.roles : [];
  if (given.length === 0) problems.push({ field: '/roles', message: 'give at least one role' });
  for (const role of given) {
    if (typeof role !== 'string' || !(staffRoles as readonly string[]).includes(role)) {
      problems.push({ field: '/roles', message: `${String(role)} is not a staff role (${staffRoles.join(', ')})` });
    }
  }
  if (new Set(given).size !== given.length) problems.push({ field: '/roles', message: 'must not repeat a role' });
  const agencyId = typeof input.agencyId === 'string' && input.agencyId !== '' ? input.agencyId : null;
  if (input.agencyId !== undefined && typeof input.agencyId !== 'string') {
    problems.push({ field: '/agencyId', message: 'must be a string' });
  }
  const needsAgency = given.some((role) => agencyRoles.includes(role as Role));
  if (needsAgency && agencyId === null) {
    problems.push({ field: '/agencyId', message: `is required for ${agencyRoles.join(', ')}` });
  }
  if (problems.length > 0) throw new AppError('VALIDATION_FAILED', 'The roles are not valid', problems);
  if (agencyId !== null && !(await agencies.findById(tenantId, agencyId))) {
    throw new AppError('AGENCY_NOT_FOUND', `No agency ${agencyId} in tenant ${tenantId}`, [
      { field: '/agencyId', message: 'is not an agency of this tenant' },
    ]);
  }
  const roles = staffRoles.filter((role) => given.includes(role));
  return { roles, agencyId };
}
