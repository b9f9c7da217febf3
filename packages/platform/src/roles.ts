/** Roles held by staff of a tenant, as opposed to citizens and the platform operator. */
export const staffRoles = [
  'officer',
  'supervisor',
  'permit_reviewer',
  'permit_approver',
  'analyst',
  'tenant_admin',
] as const;

/**
 * The platform's roles (ARCHITECTURE.md, "Tenancy and roles"). Tokens carry them in the `roles`
 * claim, the gateway checks them per route, services re-check what they own.
 * `open311_partner` is held only by partner apps' machine clients (client credentials): a
 * third-party app that files complaints through Open311 with its `api_key`.
 */
export const roles = ['citizen', ...staffRoles, 'platform_admin', 'open311_partner'] as const;

export type Role = (typeof roles)[number];

export function isRole(value: string): value is Role {
  return (roles as readonly string[]).includes(value);
}
