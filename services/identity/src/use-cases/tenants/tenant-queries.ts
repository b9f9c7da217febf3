import { AppError, tenantIdPattern } from '@balai/platform';
import type { TenantDocument } from '../../data/tenants/tenant.schema.js';
import type { TenantSettings, TenantSettingsOverrides } from '../../domain/tenants/tenant-settings.js';
import { settingsLayerOf, type TenantStore, tenantWithSettings } from '../use-case-support.js';

export interface TenantSettingsView {
  tenantId: string;
  settings: TenantSettings;
  /** What the tenant set itself (its locale included); the rest is inherited. */
  overrides: TenantSettingsOverrides;
}

/** Every tenant, parents before children; public, the login page and apps offer them. */
export async function listTenants(deps: { tenants: Pick<TenantStore, 'list'> }): Promise<TenantDocument[]> {
  return deps.tenants.list();
}

/** One tenant; UNKNOWN_TENANT when it does not exist. */
export async function getTenant(deps: { tenants: Pick<TenantStore, 'findById'> }, id: string): Promise<TenantDocument> {
  const tenant = await deps.tenants.findById(id);
  if (!tenant) throw new AppError('UNKNOWN_TENANT', `No tenant ${id}`);
  return tenant;
}

/** A tenant's settings as resolved along its chain, and what it set itself. */
export async function settingsViewOf(
  deps: { tenants: Pick<TenantStore, 'chainOf'> },
  tenantId: string,
): Promise<TenantSettingsView> {
  const { tenant, settings } = await tenantWithSettings(deps.tenants, tenantId);
  return { tenantId, settings, overrides: settingsLayerOf(tenant).settings };
}

/** Any tenant's settings: they are public (apps show the reopen window, the code lifetime). */
export async function getTenantSettings(
  deps: { tenants: Pick<TenantStore, 'chainOf'> },
  tenantId: string,
): Promise<TenantSettingsView> {
  if (typeof tenantId !== 'string' || !tenantIdPattern.test(tenantId)) throw new AppError('TENANT_REQUIRED');
  return settingsViewOf(deps, tenantId);
}
