import { describe, expect, it } from 'vitest';
import { loadGatewayConfig as loadWithEnv, open311Jurisdictions } from './config.js';
import { defaultLimits, parseLimits } from './domain/abuse-limits.js';

const loadGatewayConfig = (env: Record<string, string>) => loadWithEnv({ MONGO_URL: 'mongodb://127.0.0.1:9/', ...env });

describe('gateway configuration', () => {
  it('should read OPEN311_JURISDICTIONS as host names and their tenants', () => {
    const config = loadGatewayConfig({ OPEN311_JURISDICTIONS: 'serangkota.go.id=36.73, tangerangkota.go.id = 36.71' });
    expect(open311Jurisdictions(config)).toEqual({ 'serangkota.go.id': '36.73', 'tangerangkota.go.id': '36.71' });
    expect(open311Jurisdictions(loadGatewayConfig({}))).toEqual({});
  });

  it.each([
    ['serangkota.go.id', /not of the form/],
    ['serangkota.go.id=36.73=x', /not of the form/],
    ['serangkota.go.id=serang', /not a region code/],
    ['not a host=36.73', /not a host name/],
    ['serangkota.go.id=36.73,serangkota.go.id=36.72', /configured twice/],
  ])('should refuse to start with OPEN311_JURISDICTIONS=%s', (value, message) => {
    expect(() => loadGatewayConfig({ OPEN311_JURISDICTIONS: value })).toThrow(/OPEN311_JURISDICTIONS/);
    expect(() => loadGatewayConfig({ OPEN311_JURISDICTIONS: value })).toThrow(message);
  });
});

describe('RATE_LIMITS', () => {
  it('should override the named limits and keep the defaults of the others', () => {
    const limits = parseLimits('token.address=30/1m, registration.address = 5/2h,reads.caller=1000/10s');
    expect(limits?.token.address).toEqual({ max: 30, windowMs: 60_000 });
    expect(limits?.registration.address).toEqual({ max: 5, windowMs: 2 * 3_600_000 });
    expect(limits?.reads.caller).toEqual({ max: 1000, windowMs: 10_000 });
    expect(limits?.writes).toEqual(defaultLimits.writes);
    expect(parseLimits('')).toEqual(defaultLimits);
    expect(parseLimits('off')).toBeNull();
  });

  it.each(['token=30/1m', 'tokens.address=30/1m', 'token.address=30', 'token.address=30/1y', 'token.address=-1/1m'])(
    'should refuse %j at start, naming the variable',
    (value) => {
      expect(() => loadGatewayConfig({ RATE_LIMITS: value })).toThrow(/RATE_LIMITS/);
    },
  );
});
