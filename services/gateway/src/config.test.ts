import { describe, expect, it } from 'vitest';
import {
  corsAllowedOrigins,
  loadGatewayConfig as loadWithEnv,
  open311Jurisdictions,
  openApiServerUrls,
} from './config.js';
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

describe('CORS_ALLOWED_ORIGINS', () => {
  it('should read exact origins, and none when empty (the web clients decide)', () => {
    const config = loadGatewayConfig({ CORS_ALLOWED_ORIGINS: 'https://lapor.serangkota.go.id, http://127.0.0.1:5173' });
    expect(corsAllowedOrigins(config)).toEqual(['https://lapor.serangkota.go.id', 'http://127.0.0.1:5173']);
    expect(corsAllowedOrigins(loadGatewayConfig({}))).toBeUndefined();
  });

  it.each(['https://app.example.go.id/', 'https://app.example.go.id/callback', '*', 'app.example.go.id', 'ftp://x.id'])(
    'should refuse to start with %j, naming the variable',
    (value) => {
      expect(() => loadGatewayConfig({ CORS_ALLOWED_ORIGINS: value })).toThrow(/CORS_ALLOWED_ORIGINS/);
    },
  );
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

describe('OPENAPI_SERVER_URLS', () => {
  it('should name the servers given, in their order, and PUBLIC_URL when none is', () => {
    const config = loadGatewayConfig({
      OPENAPI_SERVER_URLS: 'https://api.serangkota.go.id, https://api-uji.serangkota.go.id',
    });
    expect(openApiServerUrls(config)).toEqual(['https://api.serangkota.go.id', 'https://api-uji.serangkota.go.id']);
    expect(openApiServerUrls(loadGatewayConfig({ PUBLIC_URL: 'https://balai.example.id' }))).toEqual([
      'https://balai.example.id',
    ]);
  });

  it.each(['api.serangkota.go.id', 'ftp://api.serangkota.go.id', 'https://a b'])(
    'should refuse to start with OPENAPI_SERVER_URLS=%s',
    (value) => {
      expect(() => loadGatewayConfig({ OPENAPI_SERVER_URLS: value })).toThrow(/OPENAPI_SERVER_URLS/);
    },
  );
});
