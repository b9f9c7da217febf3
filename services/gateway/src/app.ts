import {
  AppError,
  createHttpServer,
  createLogger,
  Lifecycle,
  type Logger,
  registerHealthRoutes,
} from '@balai/platform';
import proxy from '@fastify/http-proxy';
import swagger from '@fastify/swagger';
import { connectivityState } from '@grpc/grpc-js';
import type { FastifyInstance } from 'fastify';
import type { JWTVerifyGetKey } from 'jose';
import { accessTokenVerifier, registerAuthentication } from './authentication.js';
import { type GatewayConfig, open311Jurisdictions } from './config.js';
import { identityKeySet } from './jwks.js';
import { createJurisdictionResolver } from './open311/jurisdiction.js';
import { createPartnerKeyAuthenticator } from './open311/open311-api-keys.js';
import { accountRoutes } from './routes/account-routes.js';
import { analyticsRoutes } from './routes/analytics-routes.js';
import { categoryRoutes } from './routes/category-routes.js';
import { complaintListRoutes } from './routes/complaint-list-routes.js';
import { complaintRoutes } from './routes/complaint-routes.js';
import { open311Routes } from './routes/open311-routes.js';
import { partnerAppRoutes } from './routes/partner-app-routes.js';
import { permitRoutes } from './routes/permit-routes.js';
import { ProblemSchema } from './routes/schemas.js';
import { staffRoutes } from './routes/staff-routes.js';
import { tenantRoutes } from './routes/tenant-routes.js';
import { createUpstreams, type Upstreams } from './upstreams.js';

/** Builds the gateway app (no listening); tests call inject() on it, with their own signing keys. */
export async function buildGateway(
  config: GatewayConfig,
  upstreams: Upstreams,
  logger: Logger,
  options: {
    keys?: JWTVerifyGetKey;
    /** Tests: stands in for identity's token endpoint when Open311 api_keys are exchanged. */
    open311Fetch?: typeof fetch;
  } = {},
): Promise<FastifyInstance> {
  const app = createHttpServer({ logger });
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
          description: [schema?.description, roles].filter(Boolean).join(' '),
        },
        url: route.url,
      };
    },
  });
  app.addSchema(ProblemSchema);
  registerHealthRoutes(
    app,
    {
      upstreams: async () =>
        [upstreams.identity, upstreams.complaints, upstreams.permits, upstreams.analytics].every(
          (client) => client.getChannel().getConnectivityState(true) !== connectivityState.TRANSIENT_FAILURE,
        ),
    },
    { access: 'public' },
  );
  app.get('/openapi.json', { schema: { hide: true }, config: { access: 'public' } }, async () => app.swagger());
  // OAuth 2 / OIDC is identity's: its endpoints and login pages are served through here, as is.
  const publicUrl = new URL(config.PUBLIC_URL);
  await app.register(proxy, {
    upstream: config.IDENTITY_HTTP_URL,
    prefix: '/oidc',
    rewritePrefix: '/oidc',
    config: { access: 'proxy' },
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
  await app.register(complaintRoutes, { upstreams });
  await app.register(complaintListRoutes, { upstreams });
  await app.register(categoryRoutes, { upstreams });
  await app.register(analyticsRoutes, { upstreams });
  await app.register(tenantRoutes, { upstreams });
  await app.register(permitRoutes, { upstreams });
  await app.register(accountRoutes, { upstreams });
  await app.register(staffRoutes, { upstreams });
  await app.register(partnerAppRoutes, { upstreams });
  await app.register(open311Routes, {
    prefix: '/open311/v2',
    upstreams,
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
  url: string;
  stop(): Promise<void>;
}

export async function startGateway(config: GatewayConfig, options: { logger?: Logger } = {}): Promise<RunningGateway> {
  const logger = options.logger ?? createLogger({ service: 'gateway', level: config.LOG_LEVEL });
  const lifecycle = new Lifecycle(logger);
  const upstreams = createUpstreams(config);
  lifecycle.onStop('grpc clients', () => upstreams.close());
  try {
    const app = await buildGateway(config, upstreams, logger);
    await app.listen({ host: config.HOST, port: config.HTTP_PORT });
    lifecycle.onStop('http server', () => app.close());
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.HTTP_PORT;
    logger.info({ httpPort: port }, 'gateway service started');
    return { port, url: `http://${config.HOST}:${port}`, stop: () => lifecycle.shutdown() };
  } catch (error) {
    await lifecycle.shutdown('start-up failed');
    throw error;
  }
}
