import { type ErrorDetail, type Field, fieldProblems, locales, tenantSettingFields } from '@balai/platform';

/** Settings every tenant has once resolved. Kept small: each one is read by some rule. */
export interface TenantSettings {
  /** Language of messages to the tenant's citizens and staff. */
  defaultLocale: Locale;
  /** Days after resolution or rejection in which a citizen may reopen a complaint. */
  complaintReopenWindowDays: number;
  /** Days after resolution after which an unrated complaint closes itself. */
  complaintAutoCloseDays: number;
  /** Minutes a contact verification code stays valid. */
  otpTtlMinutes: number;
  /** Hours a staff activation code stays valid (the admin's e-mail may be read a day later). */
  staffActivationTtlHours: number;
}

export { locales };
export type Locale = (typeof locales)[number];

/** What a tenant set itself; an absent key is inherited. */
export type TenantSettingsOverrides = Partial<TenantSettings>;

export const platformDefaultSettings: TenantSettings = {
  defaultLocale: 'id-ID',
  complaintReopenWindowDays: 14,
  complaintAutoCloseDays: 7,
  otpTtlMinutes: 10,
  staffActivationTtlHours: 72,
};

const settingFields: Record<keyof TenantSettings, Field> = tenantSettingFields();

export const settingNames = Object.keys(platformDefaultSettings) as Array<keyof TenantSettings>;

export function isSettingName(name: string): name is keyof TenantSettings {
  return (settingNames as string[]).includes(name);
}

/**
 * Resolves settings along a tenant chain, most specific first (city, then its province): the
 * first tenant that set a value wins, else the platform default.
 */
export function resolveTenantSettings(chain: ReadonlyArray<{ settings?: TenantSettingsOverrides }>): TenantSettings {
  const resolved: Record<string, unknown> = { ...platformDefaultSettings };
  for (const name of settingNames) {
    const owner = chain.find((tenant) => tenant.settings?.[name] !== undefined);
    if (owner) resolved[name] = owner.settings?.[name];
  }
  return resolved as unknown as TenantSettings;
}

/** Checks overrides a caller wants to set, in the order sent; gRPC callers may send anything. */
export function validateSettingsOverrides(overrides: Record<string, unknown>): ErrorDetail[] {
  return Object.entries(overrides).flatMap(([name, value]): ErrorDetail[] => {
    if (value === undefined) return [];
    if (!isSettingName(name)) return [{ field: `/${name}`, message: 'is not a known setting' }];
    return fieldProblems(settingFields[name], value).map((problem) => ({ ...problem, field: `/${name}` }));
  });
}
