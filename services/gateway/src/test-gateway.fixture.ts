import {
  AppError,
  contextFromMetadata,
  createLogger,
  type MongoRateLimitStore,
  type Role,
  toGrpcStatus,
} from '@balai/platform';
import { type Metadata, status } from '@grpc/grpc-js';
import type { FastifyInstance } from 'fastify';
import { createLocalJWKSet, exportJWK, generateKeyPair, type JWK, type JWTPayload, SignJWT } from 'jose';
import { buildGateway } from './app.js';
import { loadGatewayConfig } from './config.js';
import type { Upstreams } from './upstreams.js';

export const issuer = 'https://balai.test/oidc';
export const audience = 'balai-api';

/**
 * A service's gRPC client as a fake: records each call with its caller context and answers what
 * the test set for the method (an AppError answers as its gRPC status; nothing set answers {}).
 */
export function fakeGrpcClient() {
  const calls: Array<{ method: string; request: unknown; context: ReturnType<typeof contextFromMetadata> }> = [];
  const answers = new Map<string, unknown>();
  const client = new Proxy(
    {},
    {
      get: (_target, method: string) =>
        method === 'getChannel'
          ? () => ({ getConnectivityState: () => 0 })
          : (request: unknown, metadata: Metadata, _options: unknown, callback: (e: unknown, r?: unknown) => void) => {
              calls.push({ method, request, context: contextFromMetadata(metadata) });
              const answer = answers.get(method);
              if (answer instanceof AppError) callback(Object.assign(new Error(answer.message), toGrpcStatus(answer)));
              else callback(null, answer ?? {});
            },
    },
  );
  return { client, calls, answers };
}

/** Upstreams whose every call fails as UNAVAILABLE: a request that reaches one was let through. */
export function unavailableUpstreams(): Upstreams {
  const client = new Proxy(
    {},
    {
      get: (_target, name) =>
        name === 'getChannel'
          ? () => ({ getConnectivityState: () => 0 })
          : (...args: unknown[]) => {
              const callback = args.at(-1) as (error: Error) => void;
              callback(Object.assign(new Error('service down'), { code: status.UNAVAILABLE, details: 'down' }));
            },
    },
  );
  return {
    identity: client,
    complaints: client,
    permits: client,
    analytics: client,
    deadlineMs: 1000,
    close() {},
  } as unknown as Upstreams;
}

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
 * `options.upstreams` gives (fakes of our own gRPC clients).
 */
export function testGateway(
  keys: SigningKey[],
  env: Record<string, string> = {},
  options: { upstreams?: Partial<Upstreams>; open311Fetch?: typeof fetch; rateLimitStore?: MongoRateLimitStore } = {},
): Promise<FastifyInstance> {
  const config = loadGatewayConfig({
    LOG_LEVEL: 'silent',
    OIDC_ISSUER: issuer,
    OIDC_API_AUDIENCE: audience,
    IDENTITY_HTTP_URL: 'http://127.0.0.1:9',
    // Never connected: buildGateway alone holds no store, so nothing is rate-limited here.
    MONGO_URL: 'mongodb://127.0.0.1:9/',
    ...env,
  });
  const upstreams = { ...unavailableUpstreams(), ...options.upstreams } as Upstreams;
  return buildGateway(config, upstreams, createLogger({ service: 'gateway', level: 'silent' }), {
    keys: createLocalJWKSet({ keys: keys.map((key) => key.publicJwk) }),
    ...(options.open311Fetch ? { open311Fetch: options.open311Fetch } : {}),
    ...(options.rateLimitStore ? { rateLimitStore: options.rateLimitStore } : {}),
  });
}
