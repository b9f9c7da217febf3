import type { ResponseBody } from '@balai/client';
import { loadIdentityConfig, startIdentity } from '@balai/identity';
import { loadPermitsConfig, startPermits } from '@balai/permits';
import { testNamespace } from '@balai/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serviceEnv, startGatewayFor } from './helpers.js';

const ns = testNamespace(import.meta.filename);

let identity: Awaited<ReturnType<typeof startIdentity>>;
let permits: Awaited<ReturnType<typeof startPermits>>;
let gateway: Awaited<ReturnType<typeof startGatewayFor>>;

beforeAll(async () => {
  [identity, permits] = await Promise.all([
    startIdentity(loadIdentityConfig({ ...serviceEnv(ns, 'identity'), SEED_DEMO_DATA: 'true' })),
    startPermits(loadPermitsConfig({ ...serviceEnv(ns, 'permits'), SEED_DEMO_DATA: 'true' })),
  ]);
  gateway = await startGatewayFor({ identity: identity.grpcPort, permits: permits.grpcPort });
});

afterAll(async () => {
  await gateway?.stop();
  await Promise.all([identity?.stop(), permits?.stop()]);
});

describe('the API called from a browser app on another origin', () => {
  // The demo web client's origin: allowed because identity has that client registered (seeded),
  // with no CORS_ALLOWED_ORIGINS configured.
  const app = 'http://127.0.0.1:5173';

  const preflight = (origin: string, url: string) =>
    fetch(`${gateway.url}${url}`, {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': 'GET',
        'access-control-request-headers': 'x-balai-tenant, accept-language, authorization',
        'x-request-id': 'e2e-preflight',
      },
    });

  it("should answer a preflight from a registered web client's origin", async () => {
    // The gateway asks identity for the web clients' origins once it is ready: wait for the list.
    await expect
      .poll(async () => (await preflight(app, '/v1/permit-types')).headers.get('access-control-allow-origin'))
      .toBe(app);
    const response = await preflight(app, '/v1/permit-types');
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-methods')).toContain('PATCH');
    expect(response.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('x-balai-tenant');
    expect(response.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('if-match');
    expect(response.headers.get('access-control-allow-credentials')).toBeNull();
    expect(response.headers.get('x-request-id')).toBe('e2e-preflight');
  });

  it('should let that origin read a public list, in its language, with the headers it needs', async () => {
    const response = await fetch(`${gateway.url}/v1/permit-types`, {
      headers: { origin: app, 'x-balai-tenant': '36.73', 'accept-language': 'en-US,en;q=0.9' },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe(app);
    expect(response.headers.get('access-control-expose-headers')).toMatch(/ETag.*X-Request-Id/);
    expect(response.headers.get('content-language')).toBe('en');
    expect(response.headers.get('cache-control')).toBe('public, max-age=60');
    expect(response.headers.get('vary')).toMatch(/Accept-Language.*X-Balai-Tenant.*Origin|Origin.*Accept-Language/);
    const openapi = await fetch(`${gateway.url}/openapi.json`, { headers: { origin: app } });
    expect(openapi.headers.get('access-control-allow-origin')).toBe(app);
  });

  it('should give any other origin no CORS header', async () => {
    const response = await preflight('https://evil.example', '/v1/permit-types');
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    const read = await fetch(`${gateway.url}/v1/tenants`, { headers: { origin: 'https://evil.example' } });
    expect(read.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('should answer a wrong method with 405 and Allow, titled in Indonesian unless English is asked for', async () => {
    const indonesian = await fetch(`${gateway.url}/v1/tenants`, {
      method: 'DELETE',
      headers: { 'x-request-id': 'e2e-405' },
    });
    expect(indonesian.status).toBe(405);
    expect(indonesian.headers.get('allow')).toBe('GET, HEAD, OPTIONS');
    expect(indonesian.headers.get('content-language')).toBe('id');
    expect(indonesian.headers.get('x-request-id')).toBe('e2e-405');
    expect(await indonesian.json()).toMatchObject({
      code: 'METHOD_NOT_ALLOWED',
      title: 'Metode tidak diizinkan untuk rute ini',
    });
    const english = await fetch(`${gateway.url}/v1/tenants`, {
      method: 'DELETE',
      headers: { 'accept-language': 'en' },
    });
    expect(await english.json()).toMatchObject({ title: 'Method not allowed' });
    expect(english.headers.get('content-language')).toBe('en');
    const options = await fetch(`${gateway.url}/v1/tenants`, { method: 'OPTIONS' });
    expect(options.status).toBe(204);
    expect(options.headers.get('allow')).toBe('GET, HEAD, OPTIONS');
  });
});

describe('tenants and permit types through the gateway', () => {
  it('should list the demo tenants, the province before its cities', async () => {
    const response = await fetch(`${gateway.url}/v1/tenants`);
    expect(response.status).toBe(200);
    const { items: tenants } = (await response.json()) as ResponseBody<'/v1/tenants', 'get'>;
    expect(tenants.map((tenant) => tenant.id)).toEqual(['36', '36.71', '36.73']);
    expect(tenants[0]).toEqual({ id: '36', name: 'Provinsi Banten', parentId: null, defaultLocale: 'id-ID' });
    expect(tenants[2]).toMatchObject({ id: '36.73', name: 'Kota Serang', parentId: '36' });
  });

  it("should list only the caller tenant's permit types", async () => {
    const serang = await fetch(`${gateway.url}/v1/permit-types`, { headers: { 'x-balai-tenant': '36.73' } });
    expect(serang.status).toBe(200);
    const { items: permitTypes } = (await serang.json()) as ResponseBody<'/v1/permit-types', 'get'>;
    expect(permitTypes.map((type) => type.code)).toEqual(['pbg', 'reklame', 'slf']);

    const tangerang = await fetch(`${gateway.url}/v1/permit-types`, { headers: { 'x-balai-tenant': '36.71' } });
    expect(await tangerang.json()).toEqual({ items: [], nextPageToken: null, totalEstimate: 0 });
  });

  it('should answer 503 problem+json when a service behind the gateway is down', async () => {
    await permits.stop();
    const response = await fetch(`${gateway.url}/v1/permit-types`, { headers: { 'x-balai-tenant': '36.73' } });
    expect(response.status).toBe(503);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await response.json()).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', status: 503 });
  });
});
