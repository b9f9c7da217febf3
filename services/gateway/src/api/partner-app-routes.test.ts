import { AppError } from '@balai/platform';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fakeGrpcClient } from '../clients/upstreams.fixture.js';
import { accessToken, newSigningKey, type SigningKey, testGateway } from './test-gateway.fixture.js';

const { client: identity, calls, answers } = fakeGrpcClient();

let key: SigningKey;
let app: FastifyInstance;
let adminToken: string;

beforeAll(async () => {
  key = await newSigningKey('partner-routes-key');
  app = await testGateway([key], {}, { upstreams: { identity } });
  adminToken = await accessToken(key, { roles: ['tenant_admin'], tenantId: '36.73', subject: 'admin-1' });
});

afterAll(() => app?.close());

beforeEach(() => {
  calls.length = 0;
  answers.clear();
});

const createdAt = new Date('2026-11-29T08:00:00.000Z');
const partnerApp = {
  clientId: 'balai-partner1',
  tenantId: '36.73',
  name: 'Lapor Cepat',
  contactEmail: 'dev@lapor.example',
  createdAt,
  createdBy: 'admin-1',
  revokedAt: undefined,
  revokedBy: '',
};
const partnerAppJson = {
  ...partnerApp,
  createdAt: createdAt.toISOString(),
  revokedAt: null,
  revokedBy: null,
};

function asAdmin(method: 'GET' | 'POST' | 'DELETE', url: string, payload?: unknown) {
  return app.inject({
    method,
    url,
    headers: {
      authorization: `Bearer ${adminToken}`,
      ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(payload === undefined ? {} : { payload: JSON.stringify(payload) }),
  });
}

describe('partner app routes', () => {
  it('should register through identity as the admin of the token’s tenant and answer the api_key uncached', async () => {
    answers.set('registerPartnerApp', { partnerApp, apiKey: 'YmFsYWktcGFydG5lcjE6c2VjcmV0' });
    const response = await asAdmin('POST', '/v1/partner-apps', {
      name: 'Lapor Cepat',
      contactEmail: 'dev@lapor.example',
    });
    expect(response.statusCode).toBe(201);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.json()).toEqual({
      clientId: 'balai-partner1',
      apiKey: 'YmFsYWktcGFydG5lcjE6c2VjcmV0',
      partnerApp: partnerAppJson,
    });
    expect(calls).toEqual([
      {
        method: 'registerPartnerApp',
        request: { name: 'Lapor Cepat', contactEmail: 'dev@lapor.example' },
        context: expect.objectContaining({ tenantId: '36.73', subject: 'admin-1', roles: ['tenant_admin'] }),
      },
    ]);
  });

  it('should refuse a registration with unknown fields before calling identity', async () => {
    const response = await asAdmin('POST', '/v1/partner-apps', { name: 'Lapor Cepat', roles: ['platform_admin'] });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(calls).toEqual([]);
  });

  it('should list partner apps with revoked ones marked', async () => {
    const revokedAt = new Date('2026-11-29T09:00:00.000Z');
    answers.set('listPartnerApps', {
      partnerApps: [partnerApp, { ...partnerApp, clientId: 'balai-old', revokedAt, revokedBy: 'admin-2' }],
    });
    const response = await asAdmin('GET', '/v1/partner-apps');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      items: [
        partnerAppJson,
        { ...partnerAppJson, clientId: 'balai-old', revokedAt: revokedAt.toISOString(), revokedBy: 'admin-2' },
      ],
      nextPageToken: null,
      totalEstimate: 2,
    });
  });

  it('should revoke by client id and answer 404 PARTNER_APP_NOT_FOUND for an app identity does not find', async () => {
    answers.set('revokePartnerApp', { partnerApp: { ...partnerApp, revokedAt: createdAt, revokedBy: 'admin-1' } });
    const revoked = await asAdmin('DELETE', '/v1/partner-apps/balai-partner1');
    expect(revoked.statusCode).toBe(200);
    expect(revoked.json()).toMatchObject({ clientId: 'balai-partner1', revokedAt: createdAt.toISOString() });
    expect(calls[0]).toMatchObject({ method: 'revokePartnerApp', request: { clientId: 'balai-partner1' } });

    answers.set('revokePartnerApp', new AppError('PARTNER_APP_NOT_FOUND'));
    const missing = await asAdmin('DELETE', '/v1/partner-apps/balai-elsewhere');
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ code: 'PARTNER_APP_NOT_FOUND' });
  });

  it('should document the routes with their roles in the OpenAPI document', async () => {
    const response = await app.inject({ method: 'GET', url: '/openapi.json' });
    expect(response.statusCode).toBe(200);
    const paths = response.json().paths;
    expect(paths['/v1/partner-apps'].post.description).toContain('Roles: tenant_admin, platform_admin.');
    expect(paths['/v1/partner-apps'].get).toBeDefined();
    expect(paths['/v1/partner-apps/{clientId}'].delete.responses['200']).toBeDefined();
  });

  it('should refuse a client id that cannot be one before calling identity', async () => {
    const response = await asAdmin('DELETE', '/v1/partner-apps/a%24b');
    expect(response.statusCode).toBe(400);
    expect(calls).toEqual([]);
  });
});
