import type { Logger, ServiceRuntime } from '@balai/platform';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { IdentityConfig } from '../../config.js';
import { LoginThrottleRepository } from '../../data/oidc/login-throttle-repository.js';
import { OAuthClientRepository } from '../../data/oidc/oauth-client-repository.js';
import { oidcModels } from '../../data/oidc/oidc.schema.js';
import { OidcPayloadRepository, oidcAdapterFactory } from '../../data/oidc/oidc-adapter.js';
import { SigningKeyRepository } from '../../data/oidc/signing-key-repository.js';
import type { PasswordHasher } from '../../domain/users/password-hasher.js';
import type { AccountDirectory, TenantChoices } from '../../use-cases/oidc/account-directory.js';
import {
  balaiWebClient,
  type ClientRegistration,
  clientMetadataFor,
  listWebClientOrigins,
  type RegisteredClient,
  registerClient,
  registerPartnerClient,
} from '../../use-cases/oidc/client-registration.js';
import { KeyRing } from '../../use-cases/oidc/key-ring.js';
import { LoginThrottle } from '../../use-cases/oidc/login-throttle.js';
import type { PartnerAppClients } from '../../use-cases/partner-apps/partner-apps.js';
import type { TrustedProxies } from '../trusted-proxies.js';
import { registerInteractionRoutes } from './interaction-routes.js';
import { OidcProviders } from './oidc-providers.js';
import { createProvider, issuerPath } from './provider-configuration.js';

export interface OidcDependencies {
  accounts: AccountDirectory;
  tenants: TenantChoices;
  hasher: PasswordHasher;
  /** TRUSTED_PROXIES: whose forwarding headers the login page and the provider believe. */
  proxies: TrustedProxies;
  clock?: () => Date;
}

export interface OidcService {
  /** Mounts the provider and the login pages on the service's HTTP server. */
  registerRoutes(app: FastifyInstance): void;
  /** Registers an OAuth client at runtime (see client-registration.ts). */
  registerClient(registration: ClientRegistration): Promise<RegisteredClient>;
  /** Rotates keys and rebuilds the provider if due, and purges expired records (the timer does this too). */
  maintain(): Promise<void>;
  /** Partner apps (Open311 machine clients) for identity's RegisterPartnerApp/List/Revoke. */
  partnerApps: PartnerAppClients;
  /** The origins of the browser clients' redirect URIs (ListWebClientOrigins). */
  webClientOrigins(): Promise<string[]>;
}

/**
 * Identity's OAuth 2 / OpenID Connect provider (oidc-provider): keys and records in identity's
 * MongoDB, hosted login and consent pages, login throttling, and a maintenance timer that
 * rotates keys without a restart and purges what expired (FerretDB has no TTL indexes).
 */
export async function startOidc(
  runtime: ServiceRuntime,
  config: IdentityConfig,
  deps: OidcDependencies,
): Promise<OidcService> {
  const { mongo } = runtime;
  const logger: Logger = runtime.logger.child({ component: 'oidc' });
  const clock = deps.clock ?? (() => new Date());
  const models = oidcModels(mongo);
  for (const model of Object.values(models)) {
    await model.createCollection();
    await model.syncIndexes();
  }
  const payloads = new OidcPayloadRepository(models.payloads, clock);
  const clients = new OAuthClientRepository(models.clients, clock);
  const throttleRepository = new LoginThrottleRepository(models.loginThrottle);
  const throttle = new LoginThrottle(
    throttleRepository,
    {
      account: {
        freeFailures: config.LOGIN_THROTTLE_ACCOUNT_FREE_FAILURES,
        maxDelaySeconds: config.LOGIN_THROTTLE_MAX_DELAY_SECONDS,
      },
      address: {
        freeFailures: config.LOGIN_THROTTLE_ADDRESS_FREE_FAILURES,
        maxDelaySeconds: config.LOGIN_THROTTLE_MAX_DELAY_SECONDS,
      },
    },
    clock,
  );

  const rotateAfterMs = config.SIGNING_KEY_ROTATION_DAYS * 86_400_000;
  const publishAheadMs = config.SIGNING_KEY_PUBLISH_AHEAD_SECONDS * 1000;
  const clockSkewMs = 60_000;
  const keyRing = new KeyRing(
    new SigningKeyRepository(models.signingKeys),
    {
      // A retired signing key outlives every JWT it signed (access and ID tokens).
      jws: {
        rotateAfterMs,
        publishAheadMs,
        retireAfterMs: Math.max(config.ACCESS_TOKEN_TTL_SECONDS, config.ID_TOKEN_TTL_SECONDS) * 1000 + clockSkewMs,
      },
      // A retired cookie key outlives the sessions it signed (14 days): no one is logged out by a rotation.
      cookie: { rotateAfterMs, publishAheadMs, retireAfterMs: 14 * 86_400_000 },
    },
    logger,
    clock,
  );

  const settings = {
    issuer: config.OIDC_ISSUER,
    apiResource: config.OIDC_API_RESOURCE,
    apiAudience: config.OIDC_API_AUDIENCE,
    accessTokenTtlSeconds: config.ACCESS_TOKEN_TTL_SECONDS,
    idTokenTtlSeconds: config.ID_TOKEN_TTL_SECONDS,
    refreshTokenTtlSeconds: config.REFRESH_TOKEN_TTL_SECONDS,
    trustForwardedHeaders: deps.proxies.any,
  };
  const adapter = oidcAdapterFactory(payloads, clients);
  const providers = await OidcProviders.start(
    keyRing,
    (keys) => createProvider({ settings, keys, adapter, accounts: deps.accounts, logger }),
    logger,
  );

  if (config.SEED_DEMO_DATA) {
    await clients.upsert(clientMetadataFor(balaiWebClient).metadata);
    logger.info({ clientId: balaiWebClient.clientId }, 'demo OAuth client seeded');
  }

  const maintain = async () => {
    await providers.refresh();
    const purged = await payloads.purgeExpired();
    const throttles = await throttleRepository.purgeExpired(clock());
    if (purged + throttles > 0) logger.debug({ purged, throttles }, 'expired OIDC records purged');
  };
  let running: Promise<void> | undefined;
  const timer = setInterval(() => {
    // One pass at a time: a slow database must not pile passes up.
    running ??= maintain()
      .catch((error: unknown) =>
        logger.warn({ code: 'OIDC_MAINTENANCE_FAILED', error: (error as Error).name }, 'OIDC maintenance failed'),
      )
      .finally(() => {
        running = undefined;
      });
  }, config.OIDC_MAINTENANCE_INTERVAL_MS);
  timer.unref();
  runtime.lifecycle.onStop('oidc maintenance', async () => {
    clearInterval(timer);
    await running;
  });

  const path = issuerPath(config.OIDC_ISSUER);
  return {
    registerRoutes(app) {
      app.register(async (scope) => {
        registerInteractionRoutes(scope, {
          path,
          providers,
          accounts: deps.accounts,
          tenants: deps.tenants,
          hasher: deps.hasher,
          throttle,
          proxies: deps.proxies,
        });
      });
      app.register(async (scope) => {
        // oidc-provider reads request bodies itself: this scope must leave the stream unread.
        scope.removeAllContentTypeParsers();
        scope.addContentTypeParser('*', (_request, _payload, done) => done(null));
        const forward = async (request: FastifyRequest, reply: FastifyReply) => {
          reply.hijack();
          const raw = request.raw as typeof request.raw & { originalUrl?: string };
          // Mounted like express's app.use(path, ...): oidc-provider derives its mount path from originalUrl.
          raw.originalUrl = raw.url;
          raw.url = raw.url?.slice(path.length) || '/';
          providers.current().handle(raw, reply.raw);
        };
        // No request log here: provider URLs may carry id_token_hint or login_hint (tokens, personal data).
        scope.all(path, { logLevel: 'warn' }, forward);
        scope.all(`${path}/*`, { logLevel: 'warn' }, forward);
      });
    },
    registerClient: (registration) => registerClient(clients, registration),
    maintain,
    partnerApps: {
      register: (partner) => registerPartnerClient(clients, partner),
      list: (tenantId) => clients.listPartnerApps(tenantId),
      revoke: (tenantId, clientId, revokedBy) => clients.revokePartnerApp(tenantId, clientId, revokedBy),
    },
    webClientOrigins: () => listWebClientOrigins(clients),
  };
}
