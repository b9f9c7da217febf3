import type { ResponseBody } from '@balai/client';
import { loadIdentityConfig, type NotificationMessage, startIdentity } from '@balai/identity';
import { testNamespace } from '@balai/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serviceEnv, startGatewayFor } from './helpers.js';

const ns = testNamespace(import.meta.filename);
const messages: NotificationMessage[] = [];

let identity: Awaited<ReturnType<typeof startIdentity>>;
let gateway: Awaited<ReturnType<typeof startGatewayFor>>;

beforeAll(async () => {
  identity = await startIdentity(loadIdentityConfig({ ...serviceEnv(ns, 'identity'), SEED_DEMO_DATA: 'true' }), {
    notificationSender: { send: async (message) => void messages.push(message) },
  });
  gateway = await startGatewayFor({ identity: identity.grpcPort });
});

afterAll(async () => {
  await gateway?.stop();
  await identity?.stop();
});

function post(path: string, body: unknown) {
  return fetch(`${gateway.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-balai-tenant': '36.73' },
    body: JSON.stringify(body),
  });
}

describe('citizen registration through the gateway', () => {
  const registration = {
    nik: '3673011708900001',
    fullName: 'Siti Rahmawati',
    phone: '0812 3456 7890',
    password: 'kopi tubruk pagi hari',
  };

  it('should register, verify with the code sent by SMS, and answer a repeat the same way', async () => {
    const first = await post('/v1/citizens/registrations', registration);
    expect(first.status).toBe(202);
    const firstBody = await first.json();
    const code = messages.find((message) => message.template === 'verification-code')?.params.code;
    const verified = await post('/v1/accounts/verification', { login: '+6281234567890', code });
    expect(await verified.json()).toEqual({ channel: 'sms', status: 'active' });

    const repeat = await post('/v1/citizens/registrations', registration);
    expect(repeat.status).toBe(202);
    expect(await repeat.json()).toEqual(firstBody);
    expect(messages.at(-1)).toMatchObject({ template: 'registration-attempt', to: '+6281234567890' });
  });

  it('should refuse a query operator in place of the NIK with 400 VALIDATION_FAILED', async () => {
    const response = await post('/v1/citizens/registrations', { ...registration, nik: { $gt: '' } });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  it('should list the demo agencies of the tenant to anyone', async () => {
    const response = await fetch(`${gateway.url}/v1/agencies`, { headers: { 'x-balai-tenant': '36.73' } });
    const { items: agencies } = (await response.json()) as ResponseBody<'/v1/agencies', 'get'>;
    expect(agencies.map((agency) => agency.id)).toContain('dpupr');
  });
});
