import {
  AppError,
  connectMongo,
  createHttpServer,
  createLogger,
  Lifecycle,
  type Logger,
  type MongoRateLimitStore,
  registerErrors,
  registerHealthRoutes,
  startRateLimitStore,
} from '@balai/platform';
import proxy from '@fastify/http-proxy';
import swagger from '@fastify/swagger';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { JWTVerifyGetKey } from 'jose';
import { accountRoutes } from './api/account-routes.js';
import { analyticsRoutes } from './api/analytics-routes.js';
import { registerAuthentication } from './api/authentication.js';
import { categoryRoutes } from './api/category-routes.js';
import { complaintListRoutes } from './api/complaint-list-routes.js';
import { complaintRoutes } from './api/complaint-routes.js';
import { createJurisdictionResolver } from './api/open311/jurisdiction.js';
import { createPartnerKeyAuthenticator } from './api/open311/open311-api-keys.js';
import { open311Routes } from './api/open311/open311-routes.js';
import { partnerAppRoutes } from './api/partner-app-routes.js';
import { permitRoutes } from './api/permit-routes.js';
import { registerLimits } from './api/rate-limits.js';
import { ProblemSchema } from './api/schemas.js';
import { registerSecurityHeaders } from './api/security-headers.js';
import { staffRoutes } from './api/staff-routes.js';
import { tenantRoutes } from './api/tenant-routes.js';
import { identityKeySet } from './clients/jwks.js';
import { upstreamErrors } from './clients/upstream-errors.js';
import { createUpstreams, type Upstreams } from './clients/upstreams.js';
import { type GatewayConfig, open311Jurisdictions, trustedProxies } from './config.js';
import { parseLimits } from './domain/abuse-limits.js';
import { accessTokenVerifier } from './domain/access-token.js';
import { gatewayErrors } from './domain/gateway-errors.js';

/** Builds the gateway app (no listening); tests call inject() on it, with their own signing keys. */
export async function buildGateway(
  config: GatewayConfig,
  upstreams: Upstreams,
  logger: Logger,
  options: {
    keys?: JWTVerifyGetKey;
    /** Tests: stands in for identity's token endpoint when Open311 api_keys are exchanged. */
    open311Fetch?: typeof fetch;
    /** Where the abuse limits count; without it (tests of routes alone) nothing is limited. */
    rateLimitStore?: MongoRateLimitStore;
  } = {},
): Promise<FastifyInstance> {
  registerErrors(gatewayErrors, upstreamErrors);
  const app = createHttpServer({ logger, trustProxy: trustedProxies(config) });
  app.decorate('upstreams', upstreams);
  await registerSecurityHeaders(app, {
    hstsMaxAgeSeconds: config.PUBLIC_URL.startsWith('https:') ? config.HSTS_MAX_AGE_SECONDS : 0,
  });
  const limits = await registerLimits(app, { limits: parseLimits(config.RATE_LIMITS), store: options.rateLimitStore });
  const authentication = {
    issuer: config.OIDC_ISSUER,
    audience: config.OIDC_API_AUDIENCE,
    keys:
      options.keys ??
      identityKeySet({
        jwksUrl: `${config.IDENTITY_HTTP_URL}/oidc/jwks`,
        cooldownMs: config.JWKS_COOLDOWN_MS,
        cacheMaxAgeMs: config.JWKS_CACHE_MAX_AGE_MS,
      }),
  };
  registerAuthentication(app, authentication);
  limits.countCallers(app);
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Balai API',
        version: '0.1.0',
        description: 'Public API of the Balai platform. Errors are RFC 9457 problem+json with a stable `code`.',
      },
      servers: [{ url: config.PUBLIC_URL }],
      components: {
        securitySchemes: {
          oidc: { type: 'openIdConnect', openIdConnectUrl: `${config.OIDC_ISSUER}/.well-known/openid-configuration` },
        },
      },
    },
    transform: ({ schema, route }) => {
      // Each route's declared roles, shown where front-end teams read the API.
      const access = route.config?.access;
      if (access === 'proxy') return { schema: { ...schema, hide: true }, url: route.url };
      if (typeof access !== 'object') return { schema, url: route.url };
      const roles = `Roles: ${access.roles.join(', ')}.`;
      return {
        schema: {
          ...schema,
          security: [{ oidc: [] }],
          // Machine-readable for clients and the contract fuzzer's hooks (tests/fuzz/hooks.py).
          'x-balai-roles': access.roles,
          description: [schema?.description, roles].filter(Boolean).join(' '),
        },
        url: route.url,
      };
    },
  });
  app.addSchema(ProblemSchema);
  // The public port's only probe: /readyz and /metrics are on the ops port (startGateway).
  app.get('/healthz', { logLevel: 'warn', config: { access: 'public' }, schema: { hide: true } }, async () => ({
    status: 'ok',
  }));
  app.get('/openapi.json', { schema: { hide: true }, config: { access: 'public' } }, async () => app.swagger());
  // OAuth 2 / OIDC is identity's: its endpoints and login pages are served through here, as is.
  const publicUrl = new URL(config.PUBLIC_URL);
  await app.register(proxy, {
    upstream: config.IDENTITY_HTTP_URL,
    prefix: '/oidc',
    rewritePrefix: '/oidc',
    // identity's pages bring their own Content-Security-Policy (and oidc-provider adds the hash of
    // a form_post page's script to it); the API's `default-src 'none'` would break them.
    config: { access: 'proxy', helmet: { contentSecurityPolicy: false } },
    // identity's forms are a few hundred bytes; nothing larger is passed on (the proxy streams
    // bodies, so fastify's own body limit never sees them).
    preHandler: async (request) => capProxiedBody(request, config.OIDC_BODY_LIMIT_BYTES),
    // No request log: these URLs may carry login_hint or id_token_hint (personal data, tokens).
    logLevel: 'warn',
    replyOptions: {
      rewriteRequestHeaders: (request, headers) => ({
        ...headers,
        'x-forwarded-for': request.ip,
        'x-forwarded-proto': publicUrl.protocol.replace(':', ''),
        'x-forwarded-host': publicUrl.host,
      }),
      // Identity down or unreachable: the same problem+json as for a failed gRPC call.
      onError: (reply, { error }) => {
        reply.log.warn({ err: error }, 'identity HTTP unreachable');
        reply.send(new AppError('UPSTREAM_UNAVAILABLE', 'The identity service is unavailable'));
      },
    },
  });
  await app.register(complaintRoutes);
  await app.register(complaintListRoutes);
  await app.register(categoryRoutes);
  await app.register(analyticsRoutes);
  await app.register(tenantRoutes);
  await app.register(permitRoutes);
  await app.register(accountRoutes);
  await app.register(staffRoutes);
  await app.register(partnerAppRoutes);
  await app.register(open311Routes, {
    prefix: '/open311/v2',
    jurisdictions: createJurisdictionResolver({ jurisdictions: open311Jurisdictions(config) }),
    publicUrl: config.PUBLIC_URL,
    keyService: config.OIDC_ISSUER,
    contact: config.OPEN311_CONTACT,
    // Straight to identity (not through our own /oidc proxy), with the proxy's forwarded headers.
    partnerKeys: createPartnerKeyAuthenticator({
      tokenEndpoint: `${config.IDENTITY_HTTP_URL}/oidc/token`,
      publicUrl: config.PUBLIC_URL,
      resource: config.OIDC_API_RESOURCE,
      verify: accessTokenVerifier(authentication),
      timeoutMs: config.GRPC_DEADLINE_MS,
      ...(options.open311Fetch ? { fetch: options.open311Fetch } : {}),
    }),
  });
  return app;
}

export interface RunningGateway {
  port: number;
  /** /metrics, /healthz and /readyz. */
  opsPort: number;
  url: string;
  stop(): Promise<void>;
}

export async function startGateway(config: GatewayConfig, options: { logger?: Logger } = {}): Promise<RunningGateway> {
  const logger = options.logger ?? createLogger({ service: 'gateway', level: config.LOG_LEVEL });
  const lifecycle = new Lifecycle(logger);
  const upstreams = createUpstreams(config);
  lifecycle.onStop('grpc clients', () => upstreams.close());
  try {
    const mongo = await connectMongo({ url: config.MONGO_URL, dbName: config.MONGO_DB, logger });
    lifecycle.onStop('mongodb', () => mongo.close());
    if (!mongo.db) throw new Error('MongoDB connection has no database');
    const limitStore = startRateLimitStore(mongo.db, { logger });
    lifecycle.onStop('rate-limit pruning', () => limitStore.stop());
    const app = await buildGateway(config, upstreams, logger, { rateLimitStore: limitStore.store });
    await app.listen({ host: config.HOST, port: config.HTTP_PORT });
    lifecycle.onStop('http server', () => app.close());
    const ops = createHttpServer({ logger: logger.child({ component: 'ops-http' }) });
    // Not the rate-limit store: without it the limits are not held, but every request is still served.
    registerHealthRoutes(ops, {
      upstreams: async () => upstreams.reachable(),
    });
    await ops.listen({ host: config.HOST, port: config.OPS_HTTP_PORT });
    lifecycle.onStop('ops http', () => ops.close());
    const port = boundPort(app, config.HTTP_PORT);
    const opsPort = boundPort(ops, config.OPS_HTTP_PORT);
    logger.info({ httpPort: port, opsPort }, 'gateway service started');
    return { port, opsPort, url: `http://${config.HOST}:${port}`, stop: () => lifecycle.shutdown() };
  } catch (error) {
    await lifecycle.shutdown('start-up failed');
    throw error;
  }
}

function boundPort(app: FastifyInstance, configured: number): number {
  const address = app.server.address();
  return typeof address === 'object' && address ? address.port : configured;
}

/**
 * Refuses a proxied body over `limit` bytes before a byte of it is read: by its Content-Length,
 * and a body without one (chunked) is refused outright, since OIDC clients always send one.
 */
function capProxiedBody(request: FastifyRequest, limit: number): void {
  const length = request.headers['content-length'];
  if (length === undefined) {
    if (request.headers['transfer-encoding'] !== undefined) throw new AppError('LENGTH_REQUIRED');
    return;
  }
  if (!/^\d+$/.test(length) || Number(length) > limit) throw new AppError('PAYLOAD_TOO_LARGE');
}
