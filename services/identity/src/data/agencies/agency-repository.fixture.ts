import { vi } from 'vitest';
import type { Agency, AgencyRepository } from './agency-repository.js';

/**
 * A tenant's agencies for a unit test, in memory, kept by AgencyRepository's rules: an id is
 * unique within its tenant, and every read is scoped to the tenant. Every method is a spy.
 */
export function memoryAgencies(...seeded: Agency[]) {
  const agencies = new Map<string, Agency>();
  const keyOf = (tenantId: string, agencyId: string) => `${tenantId}|${agencyId}`;
  for (const agency of seeded) agencies.set(keyOf(agency.tenantId, agency.id), { ...agency });

  return {
    insert: vi.fn<AgencyRepository['insert']>(async (agency) => {
      const key = keyOf(agency.tenantId, agency.id);
      if (agencies.has(key)) return false;
      agencies.set(key, { ...agency });
      return true;
    }),
    findById: vi.fn<AgencyRepository['findById']>(async (tenantId, agencyId) => {
      const agency = agencies.get(keyOf(tenantId, agencyId));
      return agency ? { ...agency } : null;
    }),
    list: vi.fn<AgencyRepository['list']>(async (tenantId) =>
      [...agencies.values()]
        .filter((agency) => agency.tenantId === tenantId)
        .sort((a, b) => a.id.localeCompare(b.id))
        .map((agency) => ({ ...agency })),
    ),
  };
}

export type MemoryAgencies = ReturnType<typeof memoryAgencies>;
