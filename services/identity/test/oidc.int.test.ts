import { type Connection, connectMongo, createLogger } from '@balai/platform';
import { Browser, freePort, infrastructureEndpoints, testNamespace } from '@balai/testkit';
import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginNameModel, type UserDocument, userModel } from '../src/data/users/user.schema.js';
import { UserRepository } from '../src/data/users/user-repository.js';
import { PasswordHasher } from '../src/domain/users/password-hasher.js';
import { loadIdentityConfig, startIdentity } from '../src/index.js';

/*
 * The provider end to end, over HTTP, as a browser and an app would use it: issuer = identity's
 * own HTTP URL (the gateway's proxying is exercised by the X-Forwarded-* test). The accounts
 * are real users in identity's user repository, stored directly (registration has its own tests).
 */

const ns = testNamespace(import.meta.filename);
const redirectUri = 'http://127.0.0.1:5173/callback';
const password = 'Rahasia-Sekali-2026';
let identity: Awaited<ReturnType<typeof startIdentity>>;
let issuer: string;
let config: oidc.Configuration;

function formField(html: string, name: string): string {
  const match = new RegExp(`name="${name}" value="([^"]*)"`).exec(html);
  if (!match?.[1]) throw new Error(`no ${name} field`);
  return match[1];
}

function formAction(html: string): string {
  const match = /<form method="post" action="([^"]+)"/.exec(html);
  if (!match?.[1]) throw new Error('no form');
  return new URL(match[1], issuer).href;
}

async function startAuthorization(browser: Browser, extra: Record<string, string> = {}) {
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    scope: 'openid profile email phone',
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    ...extra,
  });
  const { response, url: landed } = await browser.follow(url.href);
  return { verifier, state, response, landed };
}

/** Signs in through the hosted page and returns the callback URL with the code. */
async function signIn(browser: Browser, login = 'siti@example.id', extra: Record<string, string> = {}) {
  const started = await startAuthorization(browser, { tenant: '36.73', ...extra });
  const html = await started.response.text();
  const posted = await browser.postForm(formAction(html), {
    csrf: formField(html, 'csrf'),
    tenant: '36.73',
    login,
    password,
  });
  expect(posted.status).toBe(303);
  const location = posted.headers.get('location');
  if (!location) throw new Error('no redirect after login');
  const { url } = await browser.follow(new URL(location, issuer).href);
  return { callback: new URL(url), verifier: started.verifier, state: started.state };
}

/** The API's resource indicator: token requests name it to get the API's JWT access token. */
const api = { resource: 'urn:balai:api' };

async function codeFlow(browser = new Browser(), parameters: Record<string, string> = api) {
  const { callback, verifier, state } = await signIn(browser);
  const tokens = await oidc.authorizationCodeGrant(
    config,
    callback,
    { pkceCodeVerifier: verifier, expectedState: state },
    parameters,
  );
  return { tokens, browser };
}

let connection: Connection;

function user(
  fields: Partial<Omit<UserDocument, 'outbox'>> & Pick<UserDocument, '_id' | 'fullName'>,
): Omit<UserDocument, 'outbox'> {
  const now = new Date();
  return {
    tenantId: '36.73',
    kind: 'citizen',
    nik: null,
    email: null,
    phone: null,
    emailVerified: false,
    phoneVerified: false,
    status: 'active',
    roles: ['citizen'],
    agencyId: null,
    supervisorId: null,
    passwordHash: null,
    version: 1,
    createdAt: now,
    updatedAt: now,
    ...fields,
  };
}

beforeAll(async () => {
  const { kafkaBrokers, mongoUrl } = infrastructureEndpoints();
  const port = await freePort();
  issuer = `http://127.0.0.1:${port}/oidc`;
  identity = await startIdentity(
    loadIdentityConfig({
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn',
      HTTP_PORT: String(port),
      GRPC_PORT: '0',
      MONGO_URL: mongoUrl,
      MONGO_DB: ns.database('identity'),
      KAFKA_BROKERS: kafkaBrokers,
      KAFKA_TOPIC_PREFIX: ns.topicPrefix,
      SEED_DEMO_DATA: 'true',
      OIDC_ISSUER: issuer,
      OIDC_MAINTENANCE_INTERVAL_MS: '500',
    }),
  );
  connection = await connectMongo({
    url: mongoUrl,
    dbName: ns.database('identity'),
    logger: createLogger({ service: 'identity-test', level: 'silent' }),
  });
  const users = new UserRepository(userModel(connection), loginNameModel(connection));
  const passwordHash = await new PasswordHasher().hash(password);
  const siti = user({
    _id: 'user-siti',
    kind: 'staff',
    fullName: 'Siti Rahmawati',
    email: 'siti@example.id',
    emailVerified: true,
    roles: ['officer'],
    agencyId: 'dinas-pupr',
    passwordHash,
  });
  const budi = user({ _id: 'user-budi', fullName: 'Budi', email: 'budi@example.id', passwordHash });
  const wati = user({
    _id: 'user-wati',
    fullName: 'Wati',
    email: 'wati@example.id',
    nik: '3673015708950002',
    phone: '+6281255556666',
    passwordHash,
  });
  for (const account of [siti, budi, wati]) expect(await users.insert(account, [])).toEqual({ inserted: true });
  config = await oidc.discovery(new URL(issuer), 'balai-web', undefined, oidc.None(), {
    execute: [oidc.allowInsecureRequests],
  });
});

afterAll(async () => {
  await connection?.close();
  await identity?.stop();
});

describe('discovery and keys', () => {
  it('should publish endpoints under the issuer and ES256 keys with key ids', async () => {
    const metadata = config.serverMetadata();
    expect(metadata.issuer).toBe(issuer);
    expect(metadata.token_endpoint).toBe(`${issuer}/token`);
    expect(metadata.authorization_endpoint).toBe(`${issuer}/auth`);
    expect(metadata.jwks_uri).toBe(`${issuer}/jwks`);
    expect(metadata.code_challenge_methods_supported).toEqual(['S256']);
    expect(metadata.grant_types_supported).not.toContain('password');
    const jwks = (await (await fetch(`${issuer}/jwks`)).json()) as { keys: Record<string, unknown>[] };
    expect(jwks.keys.length).toBeGreaterThan(0);
    for (const key of jwks.keys) {
      expect(key).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
      expect(key.kid).toEqual(expect.any(String));
      expect(key.d).toBeUndefined();
    }
  });

  it("should build endpoint URLs from the gateway's X-Forwarded-* headers", async () => {
    const response = await fetch(`${issuer}/.well-known/openid-configuration`, {
      headers: {
        'x-forwarded-proto': 'https',
        'x-forwarded-host': 'balai.example.go.id',
        'x-forwarded-for': '203.0.113.9',
      },
    });
    const metadata = (await response.json()) as Record<string, string>;
    expect(metadata.token_endpoint).toBe('https://balai.example.go.id/oidc/token');
    expect(metadata.jwks_uri).toBe('https://balai.example.go.id/oidc/jwks');
  });
});

describe('authorization code with PKCE', () => {
  it('should show a localised, framing-proof login page with the requested tenant preselected', async () => {
    const browser = new Browser();
    const { response, landed } = await startAuthorization(browser, { tenant: '36.73', ui_locales: 'en' });
    expect(landed).toMatch(new RegExp(`^${issuer}/interaction/[\\w-]+$`));
    expect(response.status).toBe(200);
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await response.text();
    expect(html).toContain('<html lang="en">');
    expect(response.headers.get('content-language')).toBe('en');
    expect(html).toContain('<option value="36.73" selected>');
    const indonesianPage = await browser.request(`${landed}?lang=id`);
    expect(indonesianPage.headers.get('content-language')).toBe('id');
    const indonesian = await indonesianPage.text();
    expect(indonesian).toContain('Kata sandi');
  });

  it('should refuse an authorization request without a PKCE challenge', async () => {
    const url = new URL(`${issuer}/auth`);
    url.search = new URLSearchParams({
      client_id: 'balai-web',
      response_type: 'code',
      scope: 'openid',
      redirect_uri: redirectUri,
    }).toString();
    const response = await fetch(url, { redirect: 'manual' });
    const location = new URL(response.headers.get('location') ?? '', issuer);
    expect(location.origin + location.pathname).toBe(redirectUri);
    expect(location.searchParams.get('error')).toBe('invalid_request');
  });

  it('should issue an RFC 9068 access token for the API with the tenant and roles', async () => {
    const { tokens } = await codeFlow();
    const header = decodeProtectedHeader(tokens.access_token);
    expect(header).toMatchObject({ typ: 'at+jwt', alg: 'ES256' });
    const keys = createRemoteJWKSet(new URL(`${issuer}/jwks`));
    const { payload } = await jwtVerify(tokens.access_token, keys, {
      issuer,
      audience: 'balai-api',
      typ: 'at+jwt',
      algorithms: ['ES256'],
    });
    expect(payload).toMatchObject({
      sub: 'user-siti',
      client_id: 'balai-web',
      tenant_id: '36.73',
      roles: ['officer'],
      agency_id: 'dinas-pupr',
    });
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(300);
    // The scopes of the sign-in, in the claim (RFC 9068) and in the token response alike.
    expect(String(payload.scope).split(' ').sort()).toEqual(['email', 'openid', 'phone', 'profile']);
    expect(tokens.scope?.split(' ').sort()).toEqual(['email', 'openid', 'phone', 'profile']);
    expect(tokens.refresh_token).toEqual(expect.any(String));
    const idToken = tokens.claims();
    expect(idToken).toMatchObject({ sub: 'user-siti', tenant_id: '36.73', roles: ['officer'], name: 'Siti Rahmawati' });
  });

  it('should answer userinfo for the token requested without a resource, and refuse it the API token', async () => {
    const { tokens } = await codeFlow(new Browser(), {});
    expect(tokens.access_token.split('.')).toHaveLength(1);
    const userinfo = await fetch(`${issuer}/me`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect(userinfo.status).toBe(200);
    expect(await userinfo.json()).toMatchObject({ sub: 'user-siti', tenant_id: '36.73', name: 'Siti Rahmawati' });

    const { tokens: apiTokens } = await codeFlow();
    const refused = await fetch(`${issuer}/me`, { headers: { authorization: `Bearer ${apiTokens.access_token}` } });
    expect(refused.status).toBe(401);
  });

  it('should sign in again from the session cookie without showing the login page', async () => {
    const { browser } = await codeFlow();
    const { url } = await startAuthorization(browser).then((started) => ({ url: started.landed }));
    expect(url.startsWith(redirectUri)).toBe(true);
    expect(new URL(url).searchParams.get('code')).toEqual(expect.any(String));
  });
});

describe('refresh tokens', () => {
  it('should rotate the refresh token on every use', async () => {
    const { tokens } = await codeFlow();
    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token ?? '', api);
    expect(refreshed.refresh_token).toEqual(expect.any(String));
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
    expect(decodeJwt(refreshed.access_token)).toMatchObject({ tenant_id: '36.73', aud: 'balai-api' });
    expect(String(decodeJwt(refreshed.access_token).scope).split(' ').sort()).toEqual([
      'email',
      'openid',
      'phone',
      'profile',
    ]);
  });

  it('should revoke the whole family when a used refresh token comes back', async () => {
    const { tokens } = await codeFlow();
    const first = tokens.refresh_token ?? '';
    const second = (await oidc.refreshTokenGrant(config, first, api)).refresh_token ?? '';
    await expect(oidc.refreshTokenGrant(config, first, api)).rejects.toMatchObject({ error: 'invalid_grant' });
    await expect(oidc.refreshTokenGrant(config, second, api)).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('should refuse a revoked refresh token', async () => {
    const { tokens } = await codeFlow();
    await oidc.tokenRevocation(config, tokens.refresh_token ?? '', { token_type_hint: 'refresh_token' });
    await expect(oidc.refreshTokenGrant(config, tokens.refresh_token ?? '', api)).rejects.toMatchObject({
      error: 'invalid_grant',
    });
  });
});

describe('machine clients', () => {
  it('should issue client-credentials tokens carrying the client’s tenant and roles', async () => {
    const registered = await identity.oidc.registerClient({
      kind: 'machine',
      name: 'Dasbor Analis',
      tenantId: '36',
      roles: ['analyst'],
    });
    expect(registered.clientSecret).toEqual(expect.any(String));
    const machine = await oidc.discovery(
      new URL(issuer),
      registered.clientId,
      undefined,
      oidc.ClientSecretBasic(registered.clientSecret ?? ''),
      { execute: [oidc.allowInsecureRequests] },
    );
    const tokens = await oidc.clientCredentialsGrant(machine, { scope: 'balai' });
    const keys = createRemoteJWKSet(new URL(`${issuer}/jwks`));
    const { payload, protectedHeader } = await jwtVerify(tokens.access_token, keys, { issuer, audience: 'balai-api' });
    expect(protectedHeader.typ).toBe('at+jwt');
    expect(payload).toMatchObject({
      sub: registered.clientId,
      client_id: registered.clientId,
      tenant_id: '36',
      roles: ['analyst'],
      scope: 'balai',
    });

    const wrongSecret = await oidc.discovery(
      new URL(issuer),
      registered.clientId,
      undefined,
      oidc.ClientSecretBasic('nope'),
      {
        execute: [oidc.allowInsecureRequests],
      },
    );
    // A wrong secret is a 401 with a WWW-Authenticate challenge (invalid_client).
    await expect(oidc.clientCredentialsGrant(wrongSecret, {})).rejects.toMatchObject({ status: 401 });
  });

  it('should not support the password grant', async () => {
    const response = await fetch(`${issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'password',
        client_id: 'balai-web',
        username: 'siti@example.id',
        password,
      }),
    });
    const body = await response.json();
    expect(body, JSON.stringify(body)).toMatchObject({ error: 'unsupported_grant_type' });
    expect(response.status).toBe(400);
  });
});

describe('login throttling', () => {
  it('should answer 429 after repeated wrong passwords, without checking the password', async () => {
    const browser = new Browser();
    const { response } = await startAuthorization(browser, { tenant: '36.73' });
    const html = await response.text();
    const action = formAction(html);
    const csrf = formField(html, 'csrf');
    const statuses: number[] = [];
    let throttled: Response | undefined;
    for (let attempt = 0; attempt < 9 && !throttled; attempt++) {
      const posted = await browser.postForm(action, {
        csrf,
        tenant: '36.73',
        login: 'budi@example.id',
        password: 'salah',
      });
      statuses.push(posted.status);
      if (posted.status === 429) throttled = posted;
    }
    expect(statuses.slice(0, 5)).toEqual([400, 400, 400, 400, 400]);
    expect(throttled?.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(await throttled?.text()).toContain('Terlalu banyak percobaan');
    // Even the right password is refused while throttled.
    const right = await browser.postForm(action, { csrf, tenant: '36.73', login: 'budi@example.id', password });
    expect(right.status).toBe(429);
  });

  it('should give the same answer for an unknown login and a wrong password', async () => {
    const browser = new Browser();
    const { response } = await startAuthorization(browser, { tenant: '36.73' });
    const html = await response.text();
    const unknown = await browser.postForm(formAction(html), {
      csrf: formField(html, 'csrf'),
      tenant: '36.73',
      login: 'nobody@example.id',
      password,
    });
    expect(unknown.status).toBe(400);
    expect(await unknown.text()).toContain('Login atau kata sandi salah.');
  });

  it('should count failed logins with the e-mail, NIK and phone of one account on one counter', async () => {
    const browser = new Browser();
    const { response } = await startAuthorization(browser, { tenant: '36.73' });
    const html = await response.text();
    const action = formAction(html);
    const csrf = formField(html, 'csrf');
    const attempt = async (login: string) =>
      (await browser.postForm(action, { csrf, tenant: '36.73', login, password: 'salah' })).status;
    const statuses: number[] = [];
    for (const login of [
      'wati@example.id',
      '3673015708950002',
      '0812-5555-6666',
      'WATI@example.id',
      '+6281255556666',
    ]) {
      statuses.push(await attempt(login));
    }
    expect(statuses).toEqual([400, 400, 400, 400, 400]);
    const throttle = connection.db?.collection<{ _id: string; failures: number }>('login_throttle');
    expect(await throttle?.findOne({ _id: 'account:36.73:id:user-wati' })).toMatchObject({ failures: 5 });
    // Five failures of the account however typed: the next attempt, by any identifier, waits.
    expect(await attempt('3673015708950002')).toBe(429);
  });

  it("should key a trusted proxy's client by the address it forwards", async () => {
    const browser = new Browser();
    const { response } = await startAuthorization(browser, { tenant: '36.73' });
    const html = await response.text();
    const posted = await browser.request(formAction(html), {
      method: 'POST',
      // This test's loopback address is a trusted proxy by default (TRUSTED_PROXIES=127.0.0.1,::1).
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': 'forged, 198.51.100.23' },
      body: new URLSearchParams({
        csrf: formField(html, 'csrf'),
        tenant: '36.73',
        login: 'tamu@example.id',
        password: 'salah',
      }).toString(),
    });
    expect(posted.status).toBe(400);
    const throttle = connection.db?.collection<{ _id: string; failures: number }>('login_throttle');
    expect(await throttle?.findOne({ _id: 'ip:198.51.100.23' })).toMatchObject({ failures: 1 });
    expect(await throttle?.countDocuments({ _id: 'ip:forged' })).toBe(0);
  });

  it('should refuse a login form without the interaction’s CSRF token', async () => {
    const browser = new Browser();
    const { response } = await startAuthorization(browser, { tenant: '36.73' });
    const html = await response.text();
    const posted = await browser.postForm(formAction(html), {
      csrf: 'forged',
      tenant: '36.73',
      login: 'siti@example.id',
      password,
    });
    expect(posted.status).toBe(400);
  });
});
