import { AppError } from '@balai/platform';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fakeGrpcClient } from '../clients/upstreams.fixture.js';
import { accessToken, newSigningKey, type SigningKey, testGateway } from './test-gateway.fixture.js';

let key: SigningKey;
let app: FastifyInstance;
const identity = fakeGrpcClient();

beforeAll(async () => {
  key = await newSigningKey('me-key');
  app = await testGateway([key], {}, { upstreams: { identity: identity.client } });
});

afterAll(() => app?.close());

beforeEach(() => {
  identity.calls.length = 0;
  identity.answers.clear();
});

async function get(url: string, token: string | null, headers: Record<string, string> = {}) {
  return app.inject({
    method: 'GET',
    url,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
  });
}

const officerUser = {
  id: 'u-andi',
  tenantId: '36.73',
  kind: 'staff',
  fullName: 'Andi Pratama',
  roles: ['officer'],
  agencyId: 'dpupr',
  supervisorId: 'u-boss',
  status: 'active',
  emailVerified: true,
  phoneVerified: false,
  version: 2,
  createdAt: new Date('2026-11-29T08:00:00Z'),
  updatedAt: new Date('2026-11-29T09:00:00Z'),
};

const currentOfficer = {
  user: officerUser,
  email: 'andi@serangkota.go.id',
  phone: '+6281234567890',
  tenant: { id: '36.73', name: 'Kota Serang', parentId: '36', defaultLocale: 'id-ID' },
  agency: { id: 'dpupr', tenantId: '36.73', name: 'Dinas Pekerjaan Umum', shortName: 'Dinas PUPR' },
  verifiedCitizen: false,
};

describe('GET /v1/me', () => {
  it("should answer the caller's profile, tenant and agency, asking identity as the token's subject", async () => {
    identity.answers.set('getCurrentUser', currentOfficer);
    const token = await accessToken(key, {
      roles: ['officer'],
      subject: 'u-andi',
      agencyId: 'dpupr',
      extra: { scope: 'openid profile email phone' },
    });
    const response = await get('/v1/me', token);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      id: 'u-andi',
      kind: 'staff',
      fullName: 'Andi Pratama',
      status: 'active',
      roles: ['officer'],
      email: 'andi@serangkota.go.id',
      emailVerified: true,
      phone: '+6281234567890',
      phoneVerified: false,
      tenant: { id: '36.73', name: 'Kota Serang' },
      agency: { id: 'dpupr', name: 'Dinas Pekerjaan Umum', shortName: 'Dinas PUPR' },
      verifiedCitizen: false,
    });
    expect(identity.calls).toEqual([
      {
        method: 'getCurrentUser',
        request: {},
        context: expect.objectContaining({ tenantId: '36.73', subject: 'u-andi', roles: ['officer'] }),
      },
    ]);
  });

  it('should show a contact only when the token holds its scope', async () => {
    identity.answers.set('getCurrentUser', currentOfficer);
    const emailOnly = await accessToken(key, { roles: ['officer'], extra: { scope: 'openid email' } });
    expect((await get('/v1/me', emailOnly)).json()).toMatchObject({ email: 'andi@serangkota.go.id', phone: null });
    const neither = await accessToken(key, { roles: ['officer'], extra: { scope: 'openid profile offline_access' } });
    expect((await get('/v1/me', neither)).json()).toMatchObject({ email: null, phone: null });
  });

  it('should show a citizen no agency, and whether they are verified', async () => {
    identity.answers.set('getCurrentUser', {
      ...currentOfficer,
      user: { ...officerUser, kind: 'citizen', roles: ['citizen'], agencyId: '', supervisorId: '' },
      email: '',
      agency: undefined,
      verifiedCitizen: true,
    });
    const token = await accessToken(key, { roles: ['citizen'], extra: { scope: 'openid email phone' } });
    expect((await get('/v1/me', token)).json()).toMatchObject({
      kind: 'citizen',
      email: null,
      phone: '+6281234567890',
      agency: null,
      verifiedCitizen: true,
    });
  });

  it('should look a platform admin up in their own tenant, whatever tenant the request names', async () => {
    identity.answers.set('getCurrentUser', currentOfficer);
    const token = await accessToken(key, { roles: ['platform_admin'], tenantId: '36', subject: 'u-root' });
    await get('/v1/me', token, { 'x-balai-tenant': '36.73' });
    expect(identity.calls[0]?.context).toMatchObject({ tenantId: '36', subject: 'u-root' });
  });

  it("should answer 401 without a token, and identity's USER_NOT_FOUND for a machine client as 404", async () => {
    expect((await get('/v1/me', null)).statusCode).toBe(401);
    identity.answers.set('getCurrentUser', new AppError('USER_NOT_FOUND', 'not a user'));
    const machine = await accessToken(key, { roles: ['open311_partner'], subject: 'balai-partner' });
    const response = await get('/v1/me', machine);
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ code: 'USER_NOT_FOUND' });
  });
});

describe('GET /v1/agencies/:agencyId/officers', () => {
  const officers = [
    { ...officerUser },
    { ...officerUser, id: 'u-citra', fullName: 'Citra', roles: ['supervisor', 'permit_reviewer'] },
  ];

  it('should page the agency officers with names and roles only, passing the caller and the page', async () => {
    identity.answers.set('listAgencyOfficers', { users: officers, nextPageToken: 'next-1' });
    const token = await accessToken(key, { roles: ['supervisor'], agencyId: 'dpupr', subject: 'u-boss' });
    const response = await get('/v1/agencies/dpupr/officers?pageSize=2', token);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      items: [
        { id: 'u-andi', fullName: 'Andi Pratama', roles: ['officer'] },
        { id: 'u-citra', fullName: 'Citra', roles: ['supervisor', 'permit_reviewer'] },
      ],
      nextPageToken: 'next-1',
    });
    expect(identity.calls).toEqual([
      {
        method: 'listAgencyOfficers',
        request: { agencyId: 'dpupr', pageSize: 2, pageToken: '' },
        context: expect.objectContaining({ tenantId: '36.73', subject: 'u-boss', agencyId: 'dpupr' }),
      },
    ]);
  });

  it('should answer a null nextPageToken on the last page, and ask 50 by default', async () => {
    identity.answers.set('listAgencyOfficers', { users: officers.slice(0, 1), nextPageToken: '' });
    const token = await accessToken(key, { roles: ['tenant_admin'] });
    const response = await get('/v1/agencies/dlh/officers?pageToken=abc_-1', token);
    expect(response.json()).toEqual({
      items: [{ id: 'u-andi', fullName: 'Andi Pratama', roles: ['officer'] }],
      nextPageToken: null,
    });
    expect(identity.calls[0]?.request).toEqual({ agencyId: 'dlh', pageSize: 50, pageToken: 'abc_-1' });
  });

  it("should answer identity's refusal of another agency as 403", async () => {
    identity.answers.set('listAgencyOfficers', new AppError('FORBIDDEN', 'own agency only'));
    const token = await accessToken(key, { roles: ['supervisor'], agencyId: 'dlh' });
    const response = await get('/v1/agencies/dpupr/officers', token);
    expect(response.statusCode).toBe(403);
    expect(response.json()).toMatchObject({ code: 'FORBIDDEN' });
  });

  it('should refuse a bad page size or page token with 400 before asking identity', async () => {
    const token = await accessToken(key, { roles: ['supervisor'], agencyId: 'dpupr' });
    for (const query of ['pageSize=0', 'pageSize=101', 'pageToken=%24gt', 'limit=5']) {
      const response = await get(`/v1/agencies/dpupr/officers?${query}`, token);
      expect(response.statusCode, query).toBe(400);
    }
    expect(identity.calls).toEqual([]);
  });
});
