import { vi } from 'vitest';
import type { StoredTenantSettings, TenantDocument } from './tenant.schema.js';
import type { TenantRepository } from './tenant-repository.js';

/**
 * The tenants of a unit test, in memory, kept by TenantRepository's rules: a chain runs from a
 * tenant up its parents, and a tenant's locale is its own field while the other settings are
 * overrides it may set or clear. Every method is a spy.
 */
export function memoryTenants(...seeded: TenantDocument[]) {
  const tenants = new Map<string, TenantDocument>();
  for (const tenant of seeded) tenants.set(tenant._id, structuredClone(tenant));
  const stored = (id: string): TenantDocument | null => {
    const tenant = tenants.get(String(id));
    return tenant ? structuredClone(tenant) : null;
  };

  return {
    list: vi.fn<TenantRepository['list']>(async () =>
      [...tenants.keys()].sort((a, b) => a.localeCompare(b, 'en')).map((id) => stored(id) as TenantDocument),
    ),
    findById: vi.fn<TenantRepository['findById']>(async (id) => stored(id)),
    chainOf: vi.fn<TenantRepository['chainOf']>(async (id) => {
      const chain: TenantDocument[] = [];
      for (
        let next = stored(id);
        next !== null && chain.length < 4;
        next = next.parentId ? stored(next.parentId) : null
      ) {
        chain.push(next);
      }
      return chain;
    }),
    updateSettings: vi.fn<TenantRepository['updateSettings']>(async (tenantId, set, clear) => {
      const tenant = tenants.get(String(tenantId));
      if (!tenant) return false;
      const { defaultLocale, ...overrides } = set;
      if (defaultLocale !== undefined) tenant.defaultLocale = defaultLocale;
      const settings: StoredTenantSettings = { ...tenant.settings };
      for (const [name, value] of Object.entries(overrides) as [keyof StoredTenantSettings, number | undefined][]) {
        if (value !== undefined) settings[name] = value;
      }
      for (const name of clear) if (name !== 'defaultLocale') delete settings[name];
      tenant.settings = settings;
      return true;
    }),
  };
}

export type MemoryTenants = ReturnType<typeof memoryTenants>;
