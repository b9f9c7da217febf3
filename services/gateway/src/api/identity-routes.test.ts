import { AppError } from '@balai/platform';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fakeGrpcClient } from '../clients/upstreams.fixture.js';
import { accessToken, newSigningKey, type SigningKey, testGateway } from './test-gateway.fixture.js';

let key: SigningKey;
let app: FastifyInstance;
const identity = fakeGrpcClient();

beforeAll(async () => {
  key = await newSigningKey('routes-key');
  app = await testGateway([key], {}, { upstreams: { identity: identity.client } });
});

afterAll(() => app?.close());

beforeEach(() => {
  identity.calls.length = 0;
  identity.answers.clear();
});

const registration = {
  nik: '3673011708900001',
  fullName: 'Siti Rahmawati',
  email: 'siti@example.id',
  password: 'kopi tubruk pagi hari',
};

function post(url: string, payload: unknown, headers: Record<string, string> = { 'x-balai-tenant': '36.73' }) {
  return app.inject({
    method: 'POST',
    url,
    headers: { 'content-type': 'application/json', ...headers },
    payload: JSON.stringify(payload),
  });
}

describe('account routes', () => {
  it('should pass a registration to identity with the tenant of the header, and answer 202', async () => {
    identity.answers.set('registerCitizen', { channels: ['email'] });
    const response = await post('/v1/citizens/registrations', registration);
    expect(response.statusCode).toBe(202);
    expect(response.json()).toEqual({ channels: ['email'] });
    expect(identity.calls).toEqual([
      {
        method: 'registerCitizen',
        request: { ...registration, phone: '' },
        context: expect.objectContaining({ tenantId: '36.73', roles: [] }),
      },
    ]);
  });

  it('should refuse operator objects, wrong types and unknown fields with 400 before calling identity', async () => {
    for (const body of [
      { ...registration, nik: { $gt: '' } },
      { ...registration, nik: 3673011708900001 },
      { ...registration, tenantId: '36.71' },
      { ...registration, password: 'pendek' },
      { ...registration, fullName: '<script>' },
    ]) {
      const response = await post('/v1/citizens/registrations', body);
      expect(response.statusCode, JSON.stringify(body)).toBe(400);
      expect(response.json()).toMatchObject({ code: 'VALIDATION_FAILED' });
    }
    const verification = await post('/v1/accounts/verification', { login: { $ne: null }, code: '123456' });
    expect(verification.json()).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
    expect(identity.calls).toEqual([]);
  });

  it('should serve an OpenAPI document that lists the account and staff routes', async () => {
    const response = await app.inject({ method: 'GET', url: '/openapi.json' });
    expect(response.statusCode).toBe(200);
    const paths = Object.keys(response.json().paths);
    expect(paths).toEqual(
      expect.arrayContaining(['/v1/citizens/registrations', '/v1/staff/{id}', '/v1/tenants/{tenantId}/settings']),
    );
  });

  it("should answer identity's VERIFICATION_FAILED as a 400 problem with its code", async () => {
    identity.answers.set('verifyContact', new AppError('VERIFICATION_FAILED', 'The code is wrong'));
    const response = await post('/v1/accounts/verification', { login: 'siti@example.id', code: '123456' });
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.json()).toMatchObject({ code: 'VERIFICATION_FAILED' });
  });

  it('should require the tenant header on public account routes', async () => {
    const response = await post('/v1/accounts/verification/resend', { login: 'siti@example.id' }, {});
    expect(response.json()).toMatchObject({ status: 400, code: 'TENANT_REQUIRED' });
  });
});

describe('staff routes', () => {
  const staffUser = {
    id: 'u-2',
    tenantId: '36.73',
    kind: 'staff',
    fullName: 'Andi',
    roles: ['officer'],
    agencyId: 'dpupr',
    supervisorId: 'u-boss',
    status: 'active',
    emailVerified: true,
    phoneVerified: false,
    version: 4,
    createdAt: new Date('2026-11-29T08:00:00Z'),
    updatedAt: new Date('2026-11-29T09:00:00Z'),
  };

  it("should pass a role change with the admin's context and the version, and show no contact data", async () => {
    identity.answers.set('getUser', { user: staffUser });
    identity.answers.set('changeStaffRoles', { user: staffUser });
    const token = await accessToken(key, { roles: ['tenant_admin'], tenantId: '36.73', subject: 'u-admin' });
    const response = await app.inject({
      method: 'PATCH',
      url: '/v1/staff/u-2',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      payload: { roles: ['officer'], agencyId: 'dpupr', version: 3 },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      ...staffUser,
      createdAt: '2026-11-29T08:00:00.000Z',
      updatedAt: '2026-11-29T09:00:00.000Z',
    });
    // No supervisorId in the body: the current one is kept, not cleared.
    expect(identity.calls.map((call) => call.method)).toEqual(['getUser', 'changeStaffRoles']);
    expect(identity.calls[1]).toMatchObject({
      request: { userId: 'u-2', roles: ['officer'], agencyId: 'dpupr', expectedVersion: 3, supervisorId: 'u-boss' },
      context: { tenantId: '36.73', subject: 'u-admin', roles: ['tenant_admin'] },
    });
  });

  it('should set or clear the supervisor when the body names one or null', async () => {
    identity.answers.set('changeStaffRoles', { user: { ...staffUser, supervisorId: '' } });
    const token = await accessToken(key, { roles: ['tenant_admin'], tenantId: '36.73', subject: 'u-admin' });
    for (const supervisorId of ['demo-36.73-supervisor', null]) {
      const response = await app.inject({
        method: 'PATCH',
        url: '/v1/staff/u-2',
        headers: { authorization: `Bearer ${token}` },
        payload: { roles: ['officer'], agencyId: 'dpupr', supervisorId, version: 3 },
      });
      expect(response.statusCode).toBe(200);
      expect(response.json().supervisorId).toBeNull();
    }
    expect(
      identity.calls.map((call) => [call.method, (call.request as { supervisorId: string }).supervisorId]),
    ).toEqual([
      ['changeStaffRoles', 'demo-36.73-supervisor'],
      ['changeStaffRoles', ''],
    ]);
  });

  it('should answer a stale version with 409 STALE_VERSION', async () => {
    identity.answers.set('changeStaffRoles', new AppError('STALE_VERSION'));
    const token = await accessToken(key, { roles: ['tenant_admin'], tenantId: '36.73', subject: 'u-admin' });
    const response = await app.inject({
      method: 'PATCH',
      url: '/v1/staff/u-2',
      headers: { authorization: `Bearer ${token}` },
      payload: { roles: ['officer'], agencyId: null, version: 3 },
    });
    expect(response.json()).toMatchObject({ status: 409, code: 'STALE_VERSION' });
  });

  it('should refuse granting platform_admin in the body, before identity is asked', async () => {
    const token = await accessToken(key, { roles: ['tenant_admin'], tenantId: '36.73', subject: 'u-admin' });
    const response = await app.inject({
      method: 'POST',
      url: '/v1/staff',
      headers: { authorization: `Bearer ${token}` },
      payload: { fullName: 'Rina', email: 'rina@example.id', roles: ['platform_admin'] },
    });
    expect(response.json()).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
    expect(identity.calls).toEqual([]);
  });

  it("should turn PATCH settings into values to set and nulls to clear, for the path's tenant", async () => {
    identity.answers.set('updateTenantSettings', {
      tenantId: '36.73',
      settings: {
        defaultLocale: 'id-ID',
        complaintReopenWindowDays: 14,
        complaintAutoCloseDays: 7,
        otpTtlMinutes: 5,
        staffActivationTtlHours: 72,
      },
      overrides: { defaultLocale: 'id-ID', otpTtlMinutes: 5 },
    });
    const token = await accessToken(key, { roles: ['tenant_admin'], tenantId: '36.73', subject: 'u-admin' });
    const response = await app.inject({
      method: 'PATCH',
      url: '/v1/tenants/36.73/settings',
      headers: { authorization: `Bearer ${token}` },
      payload: { otpTtlMinutes: 5, complaintReopenWindowDays: null },
    });
    expect(response.statusCode).toBe(200);
    expect(identity.calls[0]).toMatchObject({
      request: { set: { otpTtlMinutes: 5 }, clear: ['complaintReopenWindowDays'] },
      context: { tenantId: '36.73' },
    });
    const other = await app.inject({
      method: 'PATCH',
      url: '/v1/tenants/36.71/settings',
      headers: { authorization: `Bearer ${token}` },
      payload: { otpTtlMinutes: 5 },
    });
    expect(other.statusCode).toBe(403);
  });
});
