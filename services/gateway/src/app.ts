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
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { JWTVerifyGetKey } from 'jose';
import type { OpenAPIV3_1 } from 'openapi-types';
import Type from 'typebox';
import { accountRoutes } from './api/account-routes.js';
import { analyticsRoutes } from './api/analytics-routes.js';
import { registerAuthentication } from './api/authentication.js';
import { categoryRoutes } from './api/category-routes.js';
import { complaintListRoutes } from './api/complaint-list-routes.js';
import { complaintRoutes } from './api/complaint-routes.js';
import { registerCors } from './api/cors.js';
import { meRoutes } from './api/me-routes.js';
import { createJurisdictionResolver } from './api/open311/jurisdiction.js';
import { createPartnerKeyAuthenticator } from './api/open311/open311-api-keys.js';
import { open311Routes } from './api/open311/open311-routes.js';
import { registerOpenApi } from './api/openapi.js';
import { partnerAppRoutes } from './api/partner-app-routes.js';
import { permitRoutes } from './api/permit-routes.js';
import { registerLimits } from './api/rate-limits.js';
import { registerResponseConventions } from './api/response-conventions.js';
import { jsonResponse, ProblemResponses } from './api/schemas.js';
import { registerSecurityHeaders } from './api/security-headers.js';
import { staffRoutes } from './api/staff-routes.js';
import { tenantRoutes } from './api/tenant-routes.js';
import { identityKeySet } from './clients/jwks.js';
import { upstreamErrors } from './clients/upstream-errors.js';
import { createUpstreams, type Upstreams } from './clients/upstreams.js';
import { fixedOrigins, webClientOrigins } from './clients/web-client-origins.js';
import {
  corsAllowedOrigins,
  type GatewayConfig,
  loadGatewayConfig,
  open311Jurisdictions,
  openApiServerUrls,
  trustedProxies,
} from './config.js';
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
  registerResponseConventions(app);
  const configuredOrigins = corsAllowedOrigins(config);
  const origins = configuredOrigins
    ? fixedOrigins(configuredOrigins)
    : webClientOrigins({
        upstreams,
        logger: logger.child({ component: 'cors' }),
        refreshMs: config.CORS_ORIGINS_REFRESH_MS,
      });
  app.addHook('onReady', async () => origins.start());
  app.addHook('onClose', async () => origins.stop());
  await registerCors(app, origins);
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
  await registerOpenApi(app, { serverUrls: openApiServerUrls(config), oidcIssuer: config.OIDC_ISSUER });
  // The public port's only probe: /readyz and /metrics are on the ops port (startGateway).
  app.get(
    '/healthz',
    {
      logLevel: 'warn',
      config: { access: 'public' },
      schema: {
        operationId: 'getHealth',
        summary: 'Liveness of the gateway',
        description:
          'Answers while the gateway process serves requests; it asks no service. Readiness (the services behind ' +
          'it) and metrics are on the ops port, not on this API.',
        tags: ['platform'],
        response: {
          200: jsonResponse('The gateway is serving', Type.Object({ status: Type.Literal('ok') }), { status: 'ok' }),
          ...ProblemResponses,
        },
      },
    },
    // Never a cached answer: a probe must see the gateway as it is now.
    async (_request, reply) => reply.header('cache-control', 'no-store').send({ status: 'ok' as const }),
  );
  // OAuth 2 / OIDC is identity's: its endpoints and login pages are served through here, as is.
  const publicUrl = new URL(config.PUBLIC_URL);
  await app.register(proxy, {
    upstream: config.IDENTITY_HTTP_URL,
    prefix: '/oidc',
    rewritePrefix: '/oidc',
    // identity's pages bring their own Content-Security-Policy (and oidc-provider adds the hash of
    // a form_post page's script to it); the API's `default-src 'none'` would break them.
    // identity's provider answers CORS for its own endpoints (token, userinfo, revocation).
    config: { access: 'proxy', cors: false, helmet: { contentSecurityPolicy: false } },
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
  await app.register(meRoutes);
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

export type OpenApiDocument = OpenAPIV3_1.Document;

/**
 * The gateway's OpenAPI document, without a running platform: the app is built over closed
 * service clients and a key set that verifies nothing, and only asked for its document (the lint
 * step and the generated web client read it from here). `publicUrls` are its servers.
 */
export async function openApiDocument(options: { publicUrls?: string[] } = {}): Promise<OpenApiDocument> {
  const config = loadGatewayConfig({
    LOG_LEVEL: 'silent',
    OPENAPI_SERVER_URLS: options.publicUrls?.join(','),
    // Never connected: buildGateway alone holds no rate-limit store.
    MONGO_URL: 'mongodb://127.0.0.1:9/',
    // Fixed, so identity is not asked for its web clients' origins: the document does not name them.
    CORS_ALLOWED_ORIGINS: 'http://127.0.0.1:5173',
  });
  const upstreams = createUpstreams(config);
  upstreams.close();
  const app = await buildGateway(config, upstreams, createLogger({ service: 'gateway', level: 'silent' }), {
    keys: async () => {
      throw new Error('the OpenAPI document is built without verification keys');
    },
  });
  try {
    await app.ready();
    return app.swagger() as OpenApiDocument;
  } finally {
    await app.close();
  }
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
