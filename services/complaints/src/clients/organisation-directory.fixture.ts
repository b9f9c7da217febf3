import { vi } from 'vitest';
import type { DirectoryUser, OrganisationDirectory } from './organisation-directory.js';

/** A staff member of the directory with the fields a test does not care about filled in. */
export function aStaffMember(id: string, overrides: Partial<DirectoryUser> = {}): DirectoryUser {
  return { id, active: true, roles: ['officer'], agencyId: 'dpupr', supervisorId: '', ...overrides };
}

/**
 * An in-memory OrganisationDirectory (our own adapter over identity) for unit tests. Tenant
 * 36.73 by default: agencies dpupr and dlh; officer-1 of dpupr reports to supervisor-1, who
 * reports to head-1; officer-9 is of dlh; a 14-day reopen window. Each method is a spy.
 */
export function aDirectory(
  options: { users?: DirectoryUser[]; agencies?: string[]; reopenWindowDays?: number; tenantId?: string } = {},
) {
  const tenantId = options.tenantId ?? '36.73';
  const users = new Map(
    (
      options.users ?? [
        aStaffMember('officer-1', { supervisorId: 'supervisor-1' }),
        aStaffMember('supervisor-1', { roles: ['supervisor'], supervisorId: 'head-1' }),
        aStaffMember('head-1', { roles: ['supervisor'] }),
        aStaffMember('officer-9', { agencyId: 'dlh' }),
      ]
    ).map((user) => [user.id, user]),
  );
  const agencies = options.agencies ?? ['dpupr', 'dlh'];
  const directory = {
    users,
    findUser: vi.fn(async (tenant: string, id: string) => (tenant === tenantId ? (users.get(id) ?? null) : null)),
    agencyIds: vi.fn(async (tenant: string) => (tenant === tenantId ? [...agencies] : [])),
    agencyOfficers: vi.fn(async (tenant: string, agencyId: string) =>
      tenant === tenantId
        ? [...users.values()].filter(
            (user) =>
              user.active &&
              user.agencyId === agencyId &&
              (user.roles.includes('officer') || user.roles.includes('supervisor')),
          )
        : [],
    ),
    reopenWindowDays: vi.fn(async () => options.reopenWindowDays ?? 14),
  } satisfies OrganisationDirectory & { users: Map<string, DirectoryUser> };
  return directory;
}
