import { describe, expect, it } from 'vitest';
import { createJurisdictionResolver } from './jurisdiction.js';

const resolver = createJurisdictionResolver({
  jurisdictions: { 'serangkota.go.id': '36.73', 'Open311.SerangKota.go.id.': '36.73', 'cilegon.go.id': '36.72' },
});

describe('jurisdiction resolver', () => {
  it('should map configured host names, in any case and with a trailing dot', () => {
    expect(resolver.resolve('serangkota.go.id')).toEqual({
      ok: true,
      value: { tenantId: '36.73', jurisdictionId: 'serangkota.go.id' },
    });
    expect(resolver.resolve(' SERANGKOTA.go.id. ')).toMatchObject({ ok: true, value: { tenantId: '36.73' } });
    expect(resolver.resolve('open311.serangkota.go.id')).toMatchObject({ ok: true, value: { tenantId: '36.73' } });
  });

  it('should accept a region code as the jurisdiction_id, publishing its host name when there is one', () => {
    expect(resolver.resolve('36.73')).toEqual({
      ok: true,
      value: { tenantId: '36.73', jurisdictionId: 'serangkota.go.id' },
    });
    expect(resolver.resolve('32.73')).toEqual({ ok: true, value: { tenantId: '32.73', jurisdictionId: '32.73' } });
    expect(resolver.jurisdictionIdFor('36.72')).toBe('cilegon.go.id');
    expect(resolver.jurisdictionIdFor('32.73')).toBe('32.73');
  });

  it('should answer 404 for an unknown jurisdiction_id and 400 for a missing one', () => {
    expect(resolver.resolve('bandung.go.id')).toEqual({
      ok: false,
      errors: [{ code: 404, description: 'jurisdiction_id provided was not found' }],
    });
    expect(resolver.resolve(undefined)).toEqual({
      ok: false,
      errors: [{ code: 400, description: 'jurisdiction_id is required' }],
    });
    expect(resolver.resolve('  ')).toMatchObject({ ok: false, errors: [{ code: 400 }] });
    expect(resolver.resolve('x'.repeat(300))).toMatchObject({ ok: false, errors: [{ code: 400 }] });
  });

  it('should fall back to the tenant named otherwise when no jurisdiction_id is sent', () => {
    expect(resolver.resolve(undefined, '36.73')).toMatchObject({ ok: true, value: { tenantId: '36.73' } });
    expect(resolver.resolve('', 'not-a-tenant')).toMatchObject({ ok: false, errors: [{ code: 400 }] });
    expect(resolver.resolve('cilegon.go.id', '36.73')).toMatchObject({ ok: true, value: { tenantId: '36.72' } });
  });

  it('should refuse region codes of tenants that do not exist when the set is known', () => {
    const strict = createJurisdictionResolver({ jurisdictions: {}, knownTenantIds: new Set(['36.73']) });
    expect(strict.resolve('36.73')).toMatchObject({ ok: true });
    expect(strict.resolve('36.74')).toMatchObject({ ok: false, errors: [{ code: 404 }] });
    expect(strict.resolve(undefined, '36.74')).toMatchObject({ ok: false, errors: [{ code: 400 }] });
  });

  it('should refuse a malformed configuration at start-up', () => {
    expect(() => createJurisdictionResolver({ jurisdictions: { 'not a host': '36.73' } })).toThrow(/not a host name/);
    expect(() => createJurisdictionResolver({ jurisdictions: { '36.73': '36.73' } })).toThrow(/not a host name/);
    expect(() => createJurisdictionResolver({ jurisdictions: { 'serangkota.go.id': 'serang' } })).toThrow(
      /not a region code/,
    );
    expect(() =>
      createJurisdictionResolver({ jurisdictions: { 'serangkota.go.id': '36.73', 'SERANGKOTA.go.id': '36.72' } }),
    ).toThrow(/configured twice/);
  });
});
