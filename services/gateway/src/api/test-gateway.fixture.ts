import { createLogger, type MongoRateLimitStore, type Role } from '@balai/platform';
import type { FastifyInstance } from 'fastify';
import { createLocalJWKSet, exportJWK, generateKeyPair, type JWK, type JWTPayload, SignJWT } from 'jose';
import { buildGateway } from '../app.js';
import { type FakeServices, fakeUpstreams } from '../clients/upstreams.fixture.js';
import { loadGatewayConfig } from '../config.js';

export const issuer = 'https://balai.test/oidc';
export const audience = 'balai-api';

export interface SigningKey {
  kid: string;
  privateKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
  publicJwk: JWK;
}

export async function newSigningKey(kid: string): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  return { kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' } };
}

export interface TokenClaims {
  roles?: Role[];
  tenantId?: string;
  agencyId?: string;
  subject?: string;
  expiresInSeconds?: number;
  extra?: JWTPayload;
  typ?: string;
  audience?: string;
  issuer?: string;
}

/** An RFC 9068 access token as identity issues them. */
export function accessToken(key: SigningKey, claims: TokenClaims = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({
    client_id: 'balai-web',
    tenant_id: claims.tenantId ?? '36.73',
    roles: claims.roles ?? ['citizen'],
    scope: 'openid',
    ...(claims.agencyId ? { agency_id: claims.agencyId } : {}),
    ...claims.extra,
  })
    .setProtectedHeader({ alg: 'ES256', typ: claims.typ ?? 'at+jwt', kid: key.kid })
    .setIssuer(claims.issuer ?? issuer)
    .setAudience(claims.audience ?? audience)
    .setSubject(claims.subject ?? 'user-1')
    .setJti(crypto.randomUUID())
    .setIssuedAt(now - 10)
    .setExpirationTime(now + (claims.expiresInSeconds ?? 300))
    .sign(key.privateKey);
}

/**
 * The gateway with a local key set holding `keys`, and services that are all down except those
 * `options.upstreams` fakes (see fakeGrpcClient).
 */
export function testGateway(
  keys: SigningKey[],
  env: Record<string, string> = {},
  options: {
    upstreams?: Partial<FakeServices>;
    open311Fetch?: typeof fetch;
    rateLimitStore?: MongoRateLimitStore;
  } = {},
): Promise<FastifyInstance> {
  const config = loadGatewayConfig({
    LOG_LEVEL: 'silent',
    OIDC_ISSUER: issuer,
    OIDC_API_AUDIENCE: audience,
    IDENTITY_HTTP_URL: 'http://127.0.0.1:9',
    // A fixed list, so identity's fake is asked nothing a test did not ask (cors.test.ts clears it).
    CORS_ALLOWED_ORIGINS: 'http://127.0.0.1:5173',
    // Never connected: buildGateway alone holds no store, so nothing is rate-limited here.
    MONGO_URL: 'mongodb://127.0.0.1:9/',
    ...env,
  });
  return buildGateway(config, fakeUpstreams(options.upstreams), createLogger({ service: 'gateway', level: 'silent' }), {
    keys: createLocalJWKSet({ keys: keys.map((key) => key.publicJwk) }),
    ...(options.open311Fetch ? { open311Fetch: options.open311Fetch } : {}),
    ...(options.rateLimitStore ? { rateLimitStore: options.rateLimitStore } : {}),
  });
}
