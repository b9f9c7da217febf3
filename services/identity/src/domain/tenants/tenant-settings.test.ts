import { describe, expect, it } from 'vitest';
import { platformDefaultSettings, resolveTenantSettings, validateSettingsOverrides } from './tenant-settings.js';

describe('tenant settings', () => {
  it('should take the platform default when no tenant of the chain set a value', () => {
    expect(resolveTenantSettings([{}, { settings: {} }])).toEqual(platformDefaultSettings);
    expect(resolveTenantSettings([])).toEqual(platformDefaultSettings);
  });

  it("should let the province's value stand for a city that set nothing", () => {
    const resolved = resolveTenantSettings([{ settings: {} }, { settings: { otpTtlMinutes: 15 } }]);
    expect(resolved.otpTtlMinutes).toBe(15);
  });

  it("should let the city's own value win over its province's", () => {
    const resolved = resolveTenantSettings([
      { settings: { otpTtlMinutes: 5, defaultLocale: 'en' } },
      { settings: { otpTtlMinutes: 15, complaintReopenWindowDays: 30 } },
    ]);
    expect(resolved).toEqual({
      ...platformDefaultSettings,
      otpTtlMinutes: 5,
      defaultLocale: 'en',
      complaintReopenWindowDays: 30,
    });
  });

  it('should keep a zero a tenant chose rather than treat it as unset', () => {
    const resolved = resolveTenantSettings([{ settings: { complaintReopenWindowDays: 0 } }]);
    expect(resolved.complaintReopenWindowDays).toBe(0);
  });

  it('should refuse unknown settings, unknown locales and out-of-range or fractional numbers', () => {
    expect(validateSettingsOverrides({ otpTtlMinutes: 10, defaultLocale: 'id-ID' })).toEqual([]);
    const problems = validateSettingsOverrides({
      smsProvider: 'x',
      defaultLocale: 'fr',
      otpTtlMinutes: 0,
      complaintAutoCloseDays: 2.5,
      staffActivationTtlHours: '24',
    });
    expect(problems.map((problem) => problem.field)).toEqual([
      '/smsProvider',
      '/defaultLocale',
      '/otpTtlMinutes',
      '/complaintAutoCloseDays',
      '/staffActivationTtlHours',
    ]);
  });
});
