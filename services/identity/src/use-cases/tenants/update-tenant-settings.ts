import { AppError, type CallContext, refuseProblems } from '@balai/platform';
import {
  isSettingName,
  settingNames,
  type TenantSettings,
  validateSettingsOverrides,
} from '../../domain/tenants/tenant-settings.js';
import {
  type AccountDeps,
  type AuditDeps,
  recordAudit,
  requireTenantAdmin,
  type TenantStore,
} from '../use-case-support.js';
import { settingsViewOf, type TenantSettingsView } from './tenant-queries.js';

/** What changing settings needs: the tenant's chain before and after, and its own settings' write. */
export type UpdateTenantSettingsDeps = AuditDeps &
  Pick<AccountDeps, 'clock'> & {
    tenants: Pick<TenantStore, 'chainOf' | 'updateSettings'>;
  };

/** A tenant admin sets or clears their tenant's own settings (the tenant is the caller's). */
export async function updateTenantSettings(
  deps: UpdateTenantSettingsDeps,
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
  refuseProblems(problems, 'The settings are not valid');
  const before = await settingsViewOf(deps, tenantId);
  const names = clear.filter(isSettingName);
  if (!(await deps.tenants.updateSettings(tenantId, set as Partial<TenantSettings>, names))) {
    throw new AppError('UNKNOWN_TENANT');
  }
  const after = await settingsViewOf(deps, tenantId);
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
