import { createServer, type Server } from 'node:http';
import { createLogger } from '@balai/platform';
import type { FastifyInstance } from 'fastify';
import { base64url, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildGateway } from '../app.js';
import { fakeUpstreams } from '../clients/upstreams.fixture.js';
import { loadGatewayConfig } from '../config.js';
import { accessToken, audience, issuer, newSigningKey, type SigningKey, testGateway } from './test-gateway.fixture.js';

let key: SigningKey;
let app: FastifyInstance;

beforeAll(async () => {
  key = await newSigningKey('current');
  app = await testGateway([key]);
});

afterAll(() => app?.close());

/** A route only citizens and officers may call; 503 means the gateway let the call through. */
function submitComplaint(token: string | null, headers: Record<string, string> = {}) {
  return app.inject({
    method: 'POST',
    url: '/v1/complaints',
    headers: {
      'content-type': 'application/json',
      ...(token === null ? {} : { authorization: `Bearer ${token}` }),
      ...headers,
    },
    payload: { categoryCode: 'roads.pothole', description: 'Jalan berlubang besar', latitude: -6.1, longitude: 106.1 },
  });
}

function parts(token: string): [string, string, string] {
  const [header, payload, signature] = token.split('.');
  return [header ?? '', payload ?? '', signature ?? ''];
}

const encode = (value: unknown) => base64url.encode(JSON.stringify(value));

describe('access tokens at the gateway', () => {
  it('should let a valid citizen token through to the service', async () => {
    const response = await submitComplaint(await accessToken(key));
    expect(response.statusCode).toBe(503);
  });

  it('should refuse a request without a token with 401 and a Bearer challenge', async () => {
    const response = await submitComplaint(null);
    expect(response.statusCode).toBe(401);
    expect(response.headers['www-authenticate']).toBe('Bearer');
    expect(response.json()).toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('should refuse an unsigned token (alg none)', async () => {
    const [, payload] = parts(await accessToken(key));
    const response = await submitComplaint(`${encode({ alg: 'none', typ: 'at+jwt', kid: key.kid })}.${payload}.`);
    expect(response.statusCode).toBe(401);
    expect(response.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
  });

  it('should refuse a token signed with another key under the same key id', async () => {
    const intruder = { ...(await newSigningKey(key.kid)), publicJwk: key.publicJwk };
    expect((await submitComplaint(await accessToken(intruder))).statusCode).toBe(401);
  });

  it('should refuse an HMAC token keyed with the public key (algorithm confusion)', async () => {
    const secret = new TextEncoder().encode(JSON.stringify(key.publicJwk));
    const token = await new SignJWT({ client_id: 'x', tenant_id: '36.73', roles: ['tenant_admin'] })
      .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt', kid: key.kid })
      .setIssuer(issuer)
      .setAudience(audience)
      .setSubject('attacker')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(secret);
    expect((await submitComplaint(token)).statusCode).toBe(401);
  });

  it('should refuse an expired token and say so', async () => {
    const response = await submitComplaint(await accessToken(key, { expiresInSeconds: -60 }));
    expect(response.statusCode).toBe(401);
    expect(response.json()).toMatchObject({ code: 'UNAUTHENTICATED', detail: 'The access token has expired' });
  });

  it('should refuse a token whose payload was changed after signing', async () => {
    const [header, payload, signature] = parts(await accessToken(key, { roles: ['citizen'] }));
    const claims = JSON.parse(new TextDecoder().decode(base64url.decode(payload)));
    const forged = `${header}.${encode({ ...claims, roles: ['platform_admin'] })}.${signature}`;
    expect((await submitComplaint(forged)).statusCode).toBe(401);
  });

  it('should refuse a token of another tenant', async () => {
    const token = await accessToken(key, { tenantId: '36.71' });
    const response = await submitComplaint(token, { 'x-balai-tenant': '36.73' });
    expect(response.statusCode).toBe(403);
    expect(response.json()).toMatchObject({ code: 'TENANT_MISMATCH' });
  });

  it("should refuse an admin changing another tenant's settings named in the path", async () => {
    const token = await accessToken(key, { tenantId: '36.71', roles: ['tenant_admin'] });
    const response = await app.inject({
      method: 'PATCH',
      url: '/v1/tenants/36.73/settings',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      payload: {},
    });
    expect(response.statusCode).toBe(403);
    expect(response.json()).toMatchObject({ code: 'TENANT_MISMATCH' });
  });

  it('should let a platform admin name any tenant', async () => {
    const token = await accessToken(key, { tenantId: '36', roles: ['platform_admin'] });
    const response = await app.inject({
      method: 'GET',
      url: '/v1/analytics/complaints/summary',
      headers: { authorization: `Bearer ${token}`, 'x-balai-tenant': '36.71' },
    });
    expect(response.statusCode).toBe(503);
  });

  it.each([
    ['an ID token (typ JWT)', { typ: 'JWT' }],
    ['another audience', { audience: 'other-api' }],
    ['another issuer', { issuer: 'https://evil.example/oidc' }],
    ['no tenant', { tenantId: 'Banten' }],
  ])('should refuse %s', async (_name, claims) => {
    expect((await submitComplaint(await accessToken(key, claims))).statusCode).toBe(401);
  });

  it('should refuse a malformed Authorization header', async () => {
    const response = await app.inject({
      method: 'GET',
      url: '/v1/tenants',
      headers: { authorization: 'Basic dXNlcjpwYXNz' },
    });
    expect(response.statusCode).toBe(401);
  });

  it('should refuse a role the token does not hold, before reading the body', async () => {
    const response = await app.inject({
      method: 'GET',
      url: '/v1/analytics/complaints/summary',
      headers: { authorization: `Bearer ${await accessToken(key, { roles: ['citizen'] })}` },
    });
    expect(response.statusCode).toBe(403);
    expect(response.json()).toMatchObject({ code: 'FORBIDDEN' });
  });
});

describe("identity's key set at the gateway", () => {
  let jwksServer: Server;
  let published: SigningKey[];
  let fetches = 0;
  let gateway: FastifyInstance;

  beforeAll(async () => {
    published = [await newSigningKey('key-1')];
    jwksServer = createServer((_request, response) => {
      fetches += 1;
      response.setHeader('content-type', 'application/jwk-set+json');
      response.end(JSON.stringify({ keys: published.map((k) => k.publicJwk) }));
    });
    await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
    const address = jwksServer.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const config = loadGatewayConfig({
      LOG_LEVEL: 'silent',
      OIDC_ISSUER: issuer,
      IDENTITY_HTTP_URL: `http://127.0.0.1:${port}`,
      JWKS_COOLDOWN_MS: '0',
      MONGO_URL: 'mongodb://127.0.0.1:9/',
    });
    gateway = await buildGateway(config, fakeUpstreams(), createLogger({ service: 'gateway', level: 'silent' }));
  });

  afterAll(async () => {
    await gateway?.close();
    jwksServer?.close();
  });

  const call = (token: string) =>
    gateway.inject({
      method: 'GET',
      url: '/v1/analytics/complaints/summary',
      headers: { authorization: `Bearer ${token}` },
    });

  it('should cache the key set and fetch it again only for an unknown key id', async () => {
    const first = published[0] as SigningKey;
    expect((await call(await accessToken(first, { roles: ['analyst'] }))).statusCode).toBe(503);
    expect((await call(await accessToken(first, { roles: ['analyst'] }))).statusCode).toBe(503);
    expect(fetches).toBe(1);

    // Identity rotates: the new key is published and signs; the gateway picks it up on first sight.
    const rotated = await newSigningKey('key-2');
    published = [rotated, first];
    expect((await call(await accessToken(rotated, { roles: ['analyst'] }))).statusCode).toBe(503);
    expect(fetches).toBe(2);
    // Tokens of the old key stay valid while it is published.
    expect((await call(await accessToken(first, { roles: ['analyst'] }))).statusCode).toBe(503);
    expect(fetches).toBe(2);

    // A key id identity never published is refused after one more look.
    const unknown = await newSigningKey('key-never-published');
    expect((await call(await accessToken(unknown, { roles: ['analyst'] }))).statusCode).toBe(401);
  });
});
