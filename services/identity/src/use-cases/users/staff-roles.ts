import { AppError, agencyId, fieldProblems, oneOf, type Role, refuseProblems, staffRoles } from '@balai/platform';
import Type from 'typebox';
import { Value } from 'typebox/value';
import type { AgencyRepository } from '../../data/agencies/agency-repository.js';
import { givenText } from '../use-case-support.js';

/** Roles whose holders work inside one agency (OPD), so they must belong to one. */
const agencyRoles: readonly Role[] = ['officer', 'supervisor', 'permit_reviewer', 'permit_approver'];

/** A non-empty set of staff roles: nobody grants platform_admin or citizen through here. */
const staffRoleSet = Type.Array(oneOf(staffRoles), { minItems: 1, uniqueItems: true });

/** A staff member's roles and agency; '' agency (proto3's default) is none. */
export const StaffAssignmentSchema = Type.Object({
  // The set's own rule, answered in the use case's words where the set as a whole is wrong.
  roles: Type.Refine(
    staffRoleSet,
    (roles: unknown) => Value.Check(staffRoleSet, roles),
    (roles: unknown) =>
      Array.isArray(roles) && roles.length > 0 ? 'must not repeat a role' : 'give at least one role',
  ),
  agencyId: Type.Optional(agencyId()),
});

/**
 * Checks roles and agency for a staff member (StaffAssignmentSchema), and that a role working
 * inside an agency has one of the tenant's. Returns the roles in canonical order and the agency
 * or null.
 */
export async function validateStaffAssignment(
  agencies: Pick<AgencyRepository, 'findById'>,
  tenantId: string,
  input: { roles: unknown; agencyId: unknown },
): Promise<{ roles: Role[]; agencyId: string | null }> {
  const assignment = { roles: input.roles, agencyId: givenText(input.agencyId) };
  const problems = fieldProblems(StaffAssignmentSchema, assignment);
  const given = Array.isArray(input.roles) ? input.roles : [];
  if (assignment.agencyId === undefined && given.some((role) => agencyRoles.includes(role))) {
    problems.push({ field: '/agencyId', message: `is required for ${agencyRoles.join(', ')}` });
  }
  refuseProblems(problems, 'The roles are not valid');
  const agency = typeof assignment.agencyId === 'string' ? assignment.agencyId : null;
  if (agency !== null && !(await agencies.findById(tenantId, agency))) {
    throw new AppError('AGENCY_NOT_FOUND', `No agency ${agency} in tenant ${tenantId}`, [
      { field: '/agencyId', message: 'is not an agency of this tenant' },
    ]);
  }
  const roles = staffRoles.filter((role) => given.includes(role));
  return { roles, agencyId: agency };
}
