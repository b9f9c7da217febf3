import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessToken, newSigningKey, type SigningKey, testGateway } from './test-gateway.fixture.js';

let key: SigningKey;

beforeAll(async () => {
  key = await newSigningKey('k1');
});

describe('the public port', () => {
  let gateway: Awaited<ReturnType<typeof testGateway>>;
  beforeAll(async () => {
    gateway = await testGateway([key]);
  });
  afterAll(async () => {
    await gateway?.close();
  });

  it('should answer /healthz and nothing else of the ops endpoints', async () => {
    expect((await gateway.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    for (const url of ['/metrics', '/readyz']) {
      const response = await gateway.inject({ method: 'GET', url });
      expect(response.statusCode, url).toBe(404);
      expect(response.body).not.toContain('process_');
    }
  });

  it.each([
    ['a signed-in answer', 'GET', '/openapi.json', true, 'no-store'],
    ['an error', 'GET', '/v1/complaints/c-1', false, 'no-store'],
    ['an unknown route', 'GET', '/nowhere', false, 'no-store'],
    // A public read, the same for everyone (response-conventions.ts).
    ['Open311 XML', 'GET', '/open311/v2/discovery.xml', false, 'public, max-age=60'],
  ])(
    'should send nosniff, the right Cache-Control, no-referrer and a CSP that renders nothing on %s',
    async (_what, method, url, signedIn, cacheControl) => {
      const headers = signedIn ? { authorization: `Bearer ${await accessToken(key)}` } : {};
      const response = await gateway.inject({ method: method as 'GET', url, headers });
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(response.headers['cache-control']).toBe(cacheControl);
      expect(response.headers['referrer-policy']).toBe('no-referrer');
      expect(response.headers['content-security-policy']).toContain("default-src 'none'");
      expect(response.headers['x-frame-options']).toBe('DENY');
      // Served over http here: HSTS would be ignored at best, and wrong to promise.
      expect(response.headers['strict-transport-security']).toBeUndefined();
    },
  );

  it('should refuse an OIDC body over the cap before passing anything on', async () => {
    const response = await gateway.inject({
      method: 'POST',
      url: '/oidc/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: `grant_type=client_credentials&padding=${'x'.repeat(70 * 1024)}`,
    });
    expect(response.statusCode).toBe(413);
    expect(response.json()).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
  });
});

describe('the public port behind https', () => {
  it('should send Strict-Transport-Security', async () => {
    const gateway = await testGateway([key], {
      PUBLIC_URL: 'https://api.serangkota.go.id',
      HSTS_MAX_AGE_SECONDS: '600',
    });
    try {
      const response = await gateway.inject({ method: 'GET', url: '/healthz' });
      expect(response.headers['strict-transport-security']).toBe('max-age=600; includeSubDomains');
    } finally {
      await gateway.close();
    }
  });
});
