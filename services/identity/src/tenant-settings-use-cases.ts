import { AppError, type CallContext, tenantIdPattern } from '@balai/platform';
import {
  isSettingName,
  settingNames,
  type TenantSettings,
  type TenantSettingsOverrides,
  validateSettingsOverrides,
} from './tenant-settings.js';
import {
  type AccountDeps,
  recordAudit,
  requireTenantAdmin,
  settingsLayerOf,
  tenantWithSettings,
} from './use-case-support.js';

export interface TenantSettingsView {
  tenantId: string;
  settings: TenantSettings;
  /** What the tenant set itself (its locale included); the rest is inherited. */
  overrides: TenantSettingsOverrides;
}

async function viewOf(deps: Pick<AccountDeps, 'tenants'>, tenantId: string): Promise<TenantSettingsView> {
  const { tenant, settings } = await tenantWithSettings(deps.tenants, tenantId);
  return { tenantId, settings, overrides: settingsLayerOf(tenant).settings };
}

/** Any tenant's settings: they are public (apps show the reopen window, the code lifetime). */
export async function getTenantSettings(
  deps: Pick<AccountDeps, 'tenants'>,
  tenantId: string,
): Promise<TenantSettingsView> {
  if (typeof tenantId !== 'string' || !tenantIdPattern.test(tenantId)) throw new AppError('TENANT_REQUIRED');
  return viewOf(deps, tenantId);
}

/** A tenant admin sets or clears their tenant's own settings (the tenant is the caller's). */
export async function updateTenantSettings(
  deps: AccountDeps,
  context: CallContext,
  input: { set: Record<string, unknown>; clear: string[] },
): Promise<TenantSettingsView> {
  const { tenantId, actorId } = requireTenantAdmin(context);
  const set = Object.fromEntries(Object.entries(input.set ?? {}).filter(([, value]) => value !== undefined));
  const problems = validateSettingsOverrides(set);
  const clear = Array.isArray(input.clear) ? input.clear : [];
  for (const name of clear) {
    if (typeof name !== 'string' || !isSettingName(name)) {
      problems.push({
        field: '/clear',
        message: `${String(name)} is not a known setting (${settingNames.join(', ')})`,
      });
    } else if (name === 'defaultLocale') {
      problems.push({ field: '/clear', message: 'defaultLocale cannot be cleared: every tenant names its language' });
    } else if (name in set) {
      problems.push({ field: '/clear', message: `${name} cannot be set and cleared at once` });
    }
  }
  if (problems.length > 0) throw new AppError('VALIDATION_FAILED', 'The settings are not valid', problems);
  const before = await viewOf(deps, tenantId);
  const names = clear.filter(isSettingName);
  if (!(await deps.tenants.updateSettings(tenantId, set as Partial<TenantSettings>, names))) {
    throw new AppError('UNKNOWN_TENANT');
  }
  const after = await viewOf(deps, tenantId);
  await recordAudit(deps, {
    tenantId,
    actorId,
    actorRoles: context.roles,
    action: 'tenant.settings_changed',
    targetId: tenantId,
    changes: { from: before.overrides, to: after.overrides },
    at: deps.clock(),
  });
  return after;
}
