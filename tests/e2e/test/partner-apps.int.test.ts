import type { ResponseBody } from '@balai/client';
import { decodePartnerApiKey } from '@balai/contracts';
import { testNamespace } from '@balai/testkit';
import { decodeJwt } from 'jose';
import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiStack, apiResource, signInNewStaff, startApiStack } from './helpers.js';

/*
 * A tenant admin onboards an Open311 partner app through the gateway, the app turns its api_key
 * into an access token at the gateway's /oidc/token (client credentials, as the gateway's
 * Open311 routes do), and stops getting tokens once the admin revokes it.
 */

const ns = testNamespace(import.meta.filename);
let stack: ApiStack;
let serangAdmin: string;
let tangerangAdmin: string;

beforeAll(async () => {
  stack = await startApiStack(ns);
  [serangAdmin, tangerangAdmin] = await Promise.all([
    signInNewStaff(stack.gateway.url, stack.identity, { roles: ['tenant_admin'] }).then((s) => s.accessToken),
    signInNewStaff(stack.gateway.url, stack.identity, { tenant: '36.71', roles: ['tenant_admin'] }).then(
      (s) => s.accessToken,
    ),
  ]);
});

afterAll(async () => {
  await stack?.stop();
});

function call(path: string, token: string, init: { method?: string; body?: unknown } = {}) {
  return fetch(`${stack.gateway.url}${path}`, {
    method: init.method ?? 'GET',
    headers: {
      authorization: `Bearer ${token}`,
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
}

/** The partner's client-credentials grant through the gateway, with the pair from its api_key. */
async function partnerToken(apiKey: string): Promise<string> {
  const pair = decodePartnerApiKey(apiKey);
  if (!pair) throw new Error('not an api_key');
  const configuration = await oidc.discovery(
    new URL(stack.identity.issuer),
    pair.clientId,
    undefined,
    oidc.ClientSecretBasic(pair.clientSecret),
    { execute: [oidc.allowInsecureRequests] },
  );
  const tokens = await oidc.clientCredentialsGrant(configuration, { resource: apiResource });
  return tokens.access_token;
}

describe('partner apps through the gateway', () => {
  it('should register a partner app whose api_key gets open311_partner tokens until the admin revokes it', async () => {
    const registered = await call('/v1/partner-apps', serangAdmin, {
      method: 'POST',
      body: { name: 'Lapor Cepat', contactEmail: 'dev@lapor.example' },
    });
    expect(registered.status).toBe(201);
    expect(registered.headers.get('cache-control')).toBe('no-store');
    const { clientId, apiKey, partnerApp } = (await registered.json()) as ResponseBody<'/v1/partner-apps', 'post'>;
    expect(partnerApp).toMatchObject({ clientId, tenantId: '36.73', name: 'Lapor Cepat', revokedAt: null });
    expect(decodePartnerApiKey(apiKey)?.clientId).toBe(clientId);

    const token = await partnerToken(apiKey);
    expect(decodeJwt(token)).toMatchObject({
      sub: clientId,
      client_id: clientId,
      tenant_id: '36.73',
      roles: ['open311_partner'],
    });
    // The partner's token is accepted by the gateway but manages nothing.
    expect((await call('/v1/partner-apps', token)).status).toBe(403);

    const listed = await call('/v1/partner-apps', serangAdmin);
    expect(listed.status).toBe(200);
    const listText = await listed.text();
    expect(JSON.parse(listText).items).toEqual(
      expect.arrayContaining([expect.objectContaining({ clientId, revokedAt: null })]),
    );
    expect(listText).not.toContain(apiKey);
    expect(listText).not.toContain(decodePartnerApiKey(apiKey)?.clientSecret);

    // Another tenant's admin neither sees nor revokes it.
    const elsewhere = await call('/v1/partner-apps', tangerangAdmin);
    expect(JSON.stringify(await elsewhere.json())).not.toContain(clientId);
    const foreignRevoke = await call(`/v1/partner-apps/${clientId}`, tangerangAdmin, { method: 'DELETE' });
    expect(foreignRevoke.status).toBe(404);
    expect(await foreignRevoke.json()).toMatchObject({ code: 'PARTNER_APP_NOT_FOUND' });
    await expect(partnerToken(apiKey)).resolves.toEqual(expect.any(String));

    const revoked = await call(`/v1/partner-apps/${clientId}`, serangAdmin, { method: 'DELETE' });
    expect(revoked.status).toBe(200);
    expect(await revoked.json()).toMatchObject({ clientId, revokedAt: expect.any(String) });
    // 401 with a Basic challenge naming invalid_client: the client no longer exists for the provider.
    await expect(partnerToken(apiKey)).rejects.toMatchObject({
      status: 401,
      cause: [{ scheme: 'basic', parameters: { error: 'invalid_client' } }],
    });
  });
});
