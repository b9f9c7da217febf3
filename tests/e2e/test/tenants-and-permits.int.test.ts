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

describe('tenants and permit types through the gateway', () => {
  it('should list the demo tenants, the province before its cities', async () => {
    const response = await fetch(`${gateway.url}/v1/tenants`);
    expect(response.status).toBe(200);
    const { tenants } = (await response.json()) as { tenants: Array<{ id: string; parentId: string | null }> };
    expect(tenants.map((tenant) => tenant.id)).toEqual(['36', '36.71', '36.73']);
    expect(tenants[0]).toEqual({ id: '36', name: 'Provinsi Banten', parentId: null, defaultLocale: 'id-ID' });
    expect(tenants[2]).toMatchObject({ id: '36.73', name: 'Kota Serang', parentId: '36' });
  });

  it("should list only the caller tenant's permit types", async () => {
    const serang = await fetch(`${gateway.url}/v1/permit-types`, { headers: { 'x-balai-tenant': '36.73' } });
    expect(serang.status).toBe(200);
    const { permitTypes } = (await serang.json()) as { permitTypes: Array<{ code: string }> };
    expect(permitTypes.map((type) => type.code)).toEqual(['pbg', 'reklame', 'slf']);

    const tangerang = await fetch(`${gateway.url}/v1/permit-types`, { headers: { 'x-balai-tenant': '36.71' } });
    expect(await tangerang.json()).toEqual({ permitTypes: [] });
  });

  it('should answer 503 problem+json when a service behind the gateway is down', async () => {
    await permits.stop();
    const response = await fetch(`${gateway.url}/v1/permit-types`, { headers: { 'x-balai-tenant': '36.73' } });
    expect(response.status).toBe(503);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await response.json()).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', status: 503 });
  });
});
