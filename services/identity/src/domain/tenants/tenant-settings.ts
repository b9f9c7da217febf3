import type { ErrorDetail } from '@balai/platform';

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

export const locales = ['id-ID', 'en'] as const;
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

/** Bounds per numeric setting; a value outside them is refused, not clamped. */
const numericBounds: Record<Exclude<keyof TenantSettings, 'defaultLocale'>, [number, number]> = {
  complaintReopenWindowDays: [0, 365],
  complaintAutoCloseDays: [1, 90],
  otpTtlMinutes: [2, 60],
  staffActivationTtlHours: [1, 336],
};

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

/** Checks overrides a caller wants to set; gRPC callers may send anything. */
export function validateSettingsOverrides(overrides: Record<string, unknown>): ErrorDetail[] {
  const problems: ErrorDetail[] = [];
  for (const [name, value] of Object.entries(overrides)) {
    if (value === undefined) continue;
    if (!isSettingName(name)) {
      problems.push({ field: `/${name}`, message: 'is not a known setting' });
    } else if (name === 'defaultLocale') {
      if (!(locales as readonly unknown[]).includes(value)) {
        problems.push({ field: `/${name}`, message: `must be one of ${locales.join(', ')}` });
      }
    } else {
      const [min, max] = numericBounds[name];
      if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
        problems.push({ field: `/${name}`, message: `must be a whole number from ${min} to ${max}` });
      }
    }
  }
  return problems;
}
