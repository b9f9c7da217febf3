import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeGrpcClient } from '../clients/upstreams.fixture.js';
import { accessToken, newSigningKey, type SigningKey, testGateway } from './test-gateway.fixture.js';

let key: SigningKey;
let gateway: Awaited<ReturnType<typeof testGateway>>;
const complaints = fakeGrpcClient();

beforeAll(async () => {
  key = await newSigningKey('k1');
  complaints.answers.set('listCategories', { categories: [] });
  gateway = await testGateway([key], {}, { upstreams: { complaints: complaints.client } });
});
afterAll(async () => {
  await gateway?.close();
});

describe('the conventions every answer follows', () => {
  it('should title an error in Indonesian by default, and in English when asked', async () => {
    const indonesian = await gateway.inject({
      method: 'GET',
      url: '/v1/staff',
      headers: { 'accept-language': 'id-ID,id;q=0.9', 'x-balai-tenant': '36.73' },
    });
    expect(indonesian.statusCode).toBe(401);
    expect(indonesian.json()).toMatchObject({ code: 'UNAUTHENTICATED', title: 'Autentikasi diperlukan' });
    expect(indonesian.headers['content-language']).toBe('id');
    expect(indonesian.headers.vary).toMatch(/Accept-Language/);
    const english = await gateway.inject({
      method: 'GET',
      url: '/v1/staff',
      headers: { 'accept-language': 'en', 'x-balai-tenant': '36.73' },
    });
    expect(english.json()).toMatchObject({ title: 'Authentication is required' });
    expect(english.headers['content-language']).toBe('en');
    const byDefault = await gateway.inject({
      method: 'GET',
      url: '/v1/staff',
      headers: { 'x-balai-tenant': '36.73' },
    });
    expect(byDefault.json()).toMatchObject({ title: 'Autentikasi diperlukan' });
    expect(byDefault.headers['content-language']).toBe('id');
  });

  it('should say Content-Language on a successful answer too', async () => {
    const response = await gateway.inject({
      method: 'GET',
      url: '/openapi.json',
      headers: { 'accept-language': 'en-US' },
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-language']).toBe('en');
  });

  it('should point a query string error at the field, and say it is in the query', async () => {
    const response = await gateway.inject({
      method: 'GET',
      url: '/v1/complaint-categories?includeInactive=maybe&x=1',
      headers: { 'x-balai-tenant': '36.73', 'accept-language': 'en' },
    });
    expect(response.statusCode).toBe(400);
    const [error] = response.json().errors;
    expect(error).toMatchObject({ in: 'query' });
    expect(error.field).toMatch(/^\/(includeInactive|x)$/);
  });

  it('should let caches keep a public read for a minute, per tenant, language and origin', async () => {
    const response = await gateway.inject({
      method: 'GET',
      url: '/v1/complaint-categories',
      headers: { 'x-balai-tenant': '36.73' },
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toBe('public, max-age=60');
    const vary = String(response.headers.vary).split(/,\s*/);
    expect(vary).toEqual(expect.arrayContaining(['Accept-Language', 'X-Balai-Tenant', 'Origin']));
    expect(new Set(vary).size).toBe(vary.length);
  });

  it('should keep authenticated answers and errors out of every cache', async () => {
    const signedIn = await gateway.inject({
      method: 'GET',
      url: '/v1/complaint-categories?includeInactive=true',
      headers: {
        'x-balai-tenant': '36.73',
        authorization: `Bearer ${await accessToken(key, { roles: ['tenant_admin'] })}`,
      },
    });
    expect(signedIn.statusCode).toBe(200);
    expect(signedIn.headers['cache-control']).toBe('no-store');
    const error = await gateway.inject({ method: 'GET', url: '/v1/complaint-categories' });
    expect(error.statusCode).toBe(400);
    expect(error.headers['cache-control']).toBe('no-store');
    const private_ = await gateway.inject({ method: 'GET', url: '/v1/complaints/c-1' });
    expect(private_.headers['cache-control']).toBe('no-store');
  });

  it('should answer a wrong method with 405 and Allow, an unknown path with 404, both with the request id', async () => {
    const wrong = await gateway.inject({
      method: 'DELETE',
      url: '/v1/complaint-categories',
      headers: { 'x-request-id': 'req-405' },
    });
    expect(wrong.statusCode).toBe(405);
    expect(wrong.headers.allow).toBe('GET, HEAD, OPTIONS');
    expect(wrong.json()).toMatchObject({ code: 'METHOD_NOT_ALLOWED' });
    expect(wrong.headers['x-request-id']).toBe('req-405');
    const unknown = await gateway.inject({ method: 'GET', url: '/v1/nowhere', headers: { 'x-request-id': 'req-404' } });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ code: 'ROUTE_NOT_FOUND' });
    expect(unknown.headers['x-request-id']).toBe('req-404');
  });

  it('should answer a wrong method on an Open311 resource with 405 and Allow, as an Open311 error', async () => {
    const response = await gateway.inject({ method: 'DELETE', url: '/open311/v2/services.json' });
    expect(response.statusCode).toBe(405);
    expect(response.headers.allow).toBe('GET, HEAD, OPTIONS');
    expect(response.json()).toEqual([{ code: 405, description: expect.stringMatching(/DELETE/) }]);
  });
});
