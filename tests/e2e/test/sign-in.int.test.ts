import type { ResponseBody } from '@balai/client';
import { Browser, readForm, signInWithPassword, testNamespace } from '@balai/testkit';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  apiResource,
  signInNewCitizen,
  signInNewStaff,
  startAnalyticsFor,
  startGatewayFor,
  startIdentityFor,
  type TestIdentity,
  webClient,
} from './helpers.js';

/*
 * OAuth 2 / OIDC as a front-end team meets it: everything through the gateway's public URL,
 * with a standard client library (openid-client) and the hosted login page driven over HTTP.
 */

const ns = testNamespace(import.meta.filename);

let identity: TestIdentity;
let analytics: Awaited<ReturnType<typeof startAnalyticsFor>>;
let gateway: Awaited<ReturnType<typeof startGatewayFor>>;

beforeAll(async () => {
  [identity, analytics] = await Promise.all([startIdentityFor(ns), startAnalyticsFor(ns)]);
  gateway = await startGatewayFor({ analytics: analytics.grpcPort }, identity);
});

afterAll(async () => {
  await gateway?.stop();
  await Promise.all([identity?.service.stop(), analytics?.stop()]);
});

function call(path: string, token: string, init: RequestInit = {}) {
  return fetch(`${gateway.url}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${token}`, ...(init.headers as Record<string, string>) },
  });
}

describe('sign-in through the gateway', () => {
  it('should publish discovery and keys under the gateway URL', async () => {
    const discovery = (await (await fetch(`${identity.issuer}/.well-known/openid-configuration`)).json()) as Record<
      string,
      unknown
    >;
    expect(discovery).toMatchObject({
      issuer: identity.issuer,
      authorization_endpoint: `${identity.issuer}/auth`,
      token_endpoint: `${identity.issuer}/token`,
      jwks_uri: `${identity.issuer}/jwks`,
      code_challenge_methods_supported: ['S256'],
    });
    expect(discovery.grant_types_supported).not.toContain('password');
    const { keys } = (await (await fetch(`${identity.issuer}/jwks`)).json()) as { keys: Array<Record<string, string>> };
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) expect(key).toMatchObject({ kid: expect.any(String), alg: 'ES256' });
  });

  it('should sign a citizen in with code + PKCE and accept the token at the gateway', async () => {
    const { accessToken, signedIn } = await signInNewCitizen(gateway.url, identity);
    expect(decodeProtectedHeader(accessToken)).toMatchObject({ alg: 'ES256', typ: 'at+jwt' });
    expect(decodeJwt(accessToken)).toMatchObject({
      iss: identity.issuer,
      aud: 'balai-api',
      tenant_id: '36.73',
      roles: ['citizen'],
    });
    expect(signedIn.tokens.claims()).toMatchObject({ tenant_id: '36.73', roles: ['citizen'] });
    // The scopes the sign-in granted, in the claim and the response. The testkit asks for
    // offline_access too, which OIDC grants only with prompt=consent; this first-party app gets
    // its refresh token without it (one that ends with the sign-in session).
    expect(String(decodeJwt(accessToken).scope).split(' ').sort()).toEqual(['openid', 'profile']);
    expect(signedIn.tokens.scope?.split(' ').sort()).toEqual(['openid', 'profile']);

    // A citizen may not read staff lists: the token is understood, the role is not enough.
    const staff = await call('/v1/staff', accessToken);
    expect(staff.status).toBe(403);
  });

  it('should refresh with rotation, and revoke the family when an old refresh token comes back', async () => {
    const { signedIn } = await signInNewCitizen(gateway.url, identity);
    const first = signedIn.tokens.refresh_token ?? '';
    const refreshed = await oidc.refreshTokenGrant(signedIn.configuration, first, { resource: apiResource });
    expect(refreshed.refresh_token).not.toBe(first);
    expect(decodeJwt(refreshed.access_token)).toMatchObject({ aud: 'balai-api', roles: ['citizen'] });
    expect(String(decodeJwt(refreshed.access_token).scope).split(' ').sort()).toEqual(['openid', 'profile']);

    await expect(
      oidc.refreshTokenGrant(signedIn.configuration, first, { resource: apiResource }),
    ).rejects.toMatchObject({
      error: 'invalid_grant',
    });
    await expect(
      oidc.refreshTokenGrant(signedIn.configuration, refreshed.refresh_token ?? '', { resource: apiResource }),
    ).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('should give a machine client a client-credentials token that the gateway accepts for its roles', async () => {
    const { clientId, clientSecret } = await identity.service.oidc.registerClient({
      kind: 'machine',
      name: 'Dasbor analis',
      tenantId: '36.73',
      roles: ['analyst'],
    });
    const configuration = await oidc.discovery(
      new URL(identity.issuer),
      clientId,
      undefined,
      oidc.ClientSecretBasic(clientSecret ?? ''),
      { execute: [oidc.allowInsecureRequests] },
    );
    const tokens = await oidc.clientCredentialsGrant(configuration, { resource: apiResource });
    expect(decodeJwt(tokens.access_token)).toMatchObject({ sub: clientId, tenant_id: '36.73', roles: ['analyst'] });

    const summary = await call('/v1/analytics/complaints/summary', tokens.access_token);
    expect(summary.status).toBe(200);
    // A machine client is no user: it has no account to show.
    const me = await call('/v1/me', tokens.access_token);
    expect(me.status).toBe(404);
    expect(await me.json()).toMatchObject({ code: 'USER_NOT_FOUND' });
    expect(await summary.json()).toMatchObject({ tenantId: '36.73' });
    // Its tenant is fixed by the token: naming another one is refused.
    const other = await call('/v1/analytics/complaints/summary', tokens.access_token, {
      headers: { 'x-balai-tenant': '36.71' },
    });
    expect(other.status).toBe(403);
  });

  it('should answer userinfo through the gateway for a token requested without the API resource', async () => {
    const { login } = await signInNewCitizen(gateway.url, identity);
    const configuration = await oidc.discovery(new URL(identity.issuer), webClient.clientId, undefined, oidc.None(), {
      execute: [oidc.allowInsecureRequests],
    });
    // Sign in once more, this time redeeming the code without a resource.
    const { tokens } = await signInWithPassword({
      issuer: identity.issuer,
      ...webClient,
      tenant: '36.73',
      login,
      password: 'kopi tubruk pagi hari',
      scope: 'openid profile phone',
    });
    const sub = tokens.claims()?.sub ?? '';
    const userinfo = await oidc.fetchUserInfo(configuration, tokens.access_token, sub);
    expect(userinfo).toMatchObject({ sub, tenant_id: '36.73', phone_number_verified: true });
  });

  it('should show a citizen their own account at /v1/me, with each contact only under its scope', async () => {
    const { accessToken, login } = await signInNewCitizen(gateway.url, identity);
    const sub = decodeJwt(accessToken).sub;
    const me = await call('/v1/me', accessToken);
    expect(me.status).toBe(200);
    expect(await me.json()).toEqual({
      id: sub,
      kind: 'citizen',
      fullName: 'Warga Uji',
      status: 'active',
      roles: ['citizen'],
      // Signed in without the email and phone scopes.
      email: null,
      emailVerified: false,
      phone: null,
      phoneVerified: true,
      tenant: { id: '36.73', name: 'Kota Serang' },
      agency: null,
      verifiedCitizen: true,
    });

    const { tokens } = await signInWithPassword({
      issuer: identity.issuer,
      ...webClient,
      tenant: '36.73',
      login,
      password: 'kopi tubruk pagi hari',
      scope: 'openid profile phone offline_access',
      resource: apiResource,
    });
    expect(String(decodeJwt(tokens.access_token).scope).split(' ')).toContain('phone');
    expect(await (await call('/v1/me', tokens.access_token)).json()).toMatchObject({
      id: sub,
      phone: `+62${login.slice(1)}`,
    });
  });

  it('should show a staff member their agency at /v1/me', async () => {
    const officer = await signInNewStaff(gateway.url, identity, { roles: ['officer'], agencyId: 'dpupr' });
    const me = await call('/v1/me', officer.accessToken);
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({
      id: officer.userId,
      kind: 'staff',
      roles: ['officer'],
      tenant: { id: '36.73' },
      agency: { id: 'dpupr', shortName: 'Dinas PUPR' },
      verifiedCitizen: false,
    });
  });

  it("should keep a tenant admin inside the tenant: another tenant's staff are not theirs to list", async () => {
    const serang = await signInNewStaff(gateway.url, identity, { tenant: '36.73', roles: ['tenant_admin'] });
    const tangerang = await signInNewStaff(gateway.url, identity, { tenant: '36.71', roles: ['tenant_admin'] });

    const own = await call('/v1/staff', tangerang.accessToken);
    expect(own.status).toBe(200);
    const { items: users } = (await own.json()) as ResponseBody<'/v1/staff', 'get'>;
    expect(users.map((member) => member.id)).toContain(tangerang.userId);
    expect(users.map((member) => member.tenantId)).toEqual(users.map(() => '36.71'));
    expect(users.map((member) => member.id)).not.toContain(serang.userId);

    const crossed = await call('/v1/staff', tangerang.accessToken, { headers: { 'x-balai-tenant': '36.73' } });
    expect(crossed.status).toBe(403);
    expect(await crossed.json()).toMatchObject({ code: 'TENANT_MISMATCH' });
    const deactivation = await call(`/v1/staff/${serang.userId}/deactivation`, tangerang.accessToken, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(deactivation.status).toBe(404);
  });
});

describe('the hosted login page refuses query operators and wrong types', () => {
  async function loginPage(browser: Browser) {
    const configuration = await oidc.discovery(new URL(identity.issuer), webClient.clientId, undefined, oidc.None(), {
      execute: [oidc.allowInsecureRequests],
    });
    const url = oidc.buildAuthorizationUrl(configuration, {
      redirect_uri: webClient.redirectUri,
      scope: 'openid',
      code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()),
      code_challenge_method: 'S256',
    });
    const page = await browser.follow(url);
    const form = readForm(await page.response.text(), page.url);
    if (!form) throw new Error('no login form');
    return form;
  }

  it.each([
    [
      'a form field with an operator',
      (fields: URLSearchParams) => {
        fields.delete('login');
        fields.set('login[$gt]', '');
        return { body: fields.toString(), type: 'application/x-www-form-urlencoded' };
      },
    ],
    [
      'a JSON object in place of the login',
      (fields: URLSearchParams) => ({
        body: JSON.stringify({ ...Object.fromEntries(fields), login: { $gt: '' }, password: { $ne: null } }),
        type: 'application/json',
      }),
    ],
    [
      'a JSON array in place of the password',
      (fields: URLSearchParams) => ({
        body: JSON.stringify({ ...Object.fromEntries(fields), login: 'a@b.id', password: ['x'] }),
        type: 'application/json',
      }),
    ],
  ])('should answer 400 to %s', async (_name, tamper) => {
    const browser = new Browser();
    const form = await loginPage(browser);
    form.fields.set('tenant', '36.73');
    const { body, type } = tamper(form.fields);
    const response = await browser.request(form.action, { method: 'POST', body, headers: { 'content-type': type } });
    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
  });
});
