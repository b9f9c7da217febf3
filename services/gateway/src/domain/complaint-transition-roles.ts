import type { Role } from '@balai/platform';

const agencyStaff = ['officer', 'supervisor'] as const satisfies readonly Role[];
const reporter = ['citizen', 'officer'] as const satisfies readonly Role[];

/**
 * Who the gateway lets through to each complaint transition, keyed by the complaints workflow's
 * transition names. They are the roles of the workflow's guards (`rolesOf` in the complaints
 * service, which re-checks them with the caller's agency and relation);
 * tests/e2e/test/transition-roles.int.test.ts fails when the two disagree. The order is the one
 * the OpenAPI document shows.
 */
export const complaintTransitionRoles = {
  assign: [...agencyStaff, 'tenant_admin', 'platform_admin'],
  request_reassignment: ['officer'],
  resolve: agencyStaff,
  reject: agencyStaff,
  withdraw: reporter,
  reopen: reporter,
  rate: reporter,
  // Every guard's roles: reporters comment publicly, staff also internally.
  comment: [...reporter, 'supervisor', 'tenant_admin', 'platform_admin'],
  mark_duplicate: agencyStaff,
} as const satisfies Record<string, readonly Role[]>;

export type ComplaintTransitionName = keyof typeof complaintTransitionRoles;

/**
 * Every action a complaint's `allowedActions` may list: the transitions above, in their order.
 * The one list the API's enum and the transition routes are built from.
 */
export const complaintTransitionNames = Object.keys(complaintTransitionRoles) as ComplaintTransitionName[];
