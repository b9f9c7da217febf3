import { ConfigError, loadConfig, serviceConfigProperties } from '@balai/platform';
import Type, { type Static } from 'typebox';
import { createJurisdictionResolver } from './api/open311/jurisdiction.js';
import { parseLimits } from './domain/abuse-limits.js';

const grpcTarget = (port: number) => Type.String({ default: `127.0.0.1:${port}`, pattern: '^[^\\s:]+:\\d{1,5}$' });

export const gatewayConfigSchema = Type.Object({
  LOG_LEVEL: serviceConfigProperties.LOG_LEVEL,
  HOST: serviceConfigProperties.HOST,
  /** The public API port. */
  HTTP_PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 8080 }),
  /** The ops port, for the platform's eyes only: /metrics, /healthz, /readyz (the public port answers /healthz alone). */
  OPS_HTTP_PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 7104 }),
  /**
   * The database of the gateway's only state: the rate-limit windows every gateway instance
   * shares. Nothing else is stored.
   */
  MONGO_URL: serviceConfigProperties.MONGO_URL,
  MONGO_DB: Type.String({ default: 'balai_gateway', pattern: '^[A-Za-z0-9_-]{1,63}$' }),
  /**
   * Proxy addresses or CIDRs in front of the gateway (a load balancer, an ingress) whose
   * X-Forwarded-For is believed, comma-separated. Empty: the client address is the TCP peer's.
   */
  TRUSTED_PROXIES: Type.String({ default: '', pattern: '^[0-9A-Fa-f.:/, ]*$' }),
  /**
   * Overrides of the abuse limits (domain/abuse-limits.ts): `<class>.<address|caller>=<max>/<n><s|m|h|d>`,
   * comma-separated, e.g. `token.address=30/1m`; `off` only on a test bench.
   */
  RATE_LIMITS: Type.String({ default: '' }),
  /** Strict-Transport-Security max-age, sent when PUBLIC_URL is https (0: never). */
  HSTS_MAX_AGE_SECONDS: Type.Integer({ minimum: 0, default: 31_536_000 }),
  /** Largest body passed on to identity's OIDC endpoints (forms of a few hundred bytes). */
  OIDC_BODY_LIMIT_BYTES: Type.Integer({ minimum: 1024, default: 64 * 1024 }),
  IDENTITY_GRPC_TARGET: grpcTarget(7201),
  COMPLAINTS_GRPC_TARGET: grpcTarget(7202),
  PERMITS_GRPC_TARGET: grpcTarget(7203),
  ANALYTICS_GRPC_TARGET: grpcTarget(7205),
  /** Deadline for each gRPC call the gateway makes. */
  GRPC_DEADLINE_MS: Type.Integer({ minimum: 50, default: 5000 }),
  /** Public base URL, used in Location headers and the OpenAPI document. */
  PUBLIC_URL: Type.String({ default: 'http://127.0.0.1:8080', pattern: '^https?://' }),
  /**
   * The API's base URLs the OpenAPI document names as its servers, comma-separated, first the one
   * clients should use (e.g. production, then staging). Empty: PUBLIC_URL alone.
   */
  OPENAPI_SERVER_URLS: Type.String({ default: '', pattern: '^(\\s*https?://[^,\\s]+\\s*(,|$))*$' }),
  /**
   * The browser origins that may call the API (CORS), comma-separated exact origins such as
   * `https://lapor.serangkota.go.id,http://127.0.0.1:5173`. Empty: the origins of the redirect
   * URIs of the browser clients registered with identity, asked every CORS_ORIGINS_REFRESH_MS.
   */
  CORS_ALLOWED_ORIGINS: Type.String({ default: '' }),
  /** How often the default CORS origins are asked of identity again. */
  CORS_ORIGINS_REFRESH_MS: Type.Integer({ minimum: 1000, default: 60_000 }),
  /** Identity's HTTP base URL: the OIDC endpoints are proxied there and its JWKS read from there. */
  IDENTITY_HTTP_URL: Type.String({ default: 'http://127.0.0.1:7101', pattern: '^https?://' }),
  /** The issuer access tokens must name: identity's OIDC provider as published through the gateway. */
  OIDC_ISSUER: Type.String({ default: 'http://127.0.0.1:8080/oidc', pattern: '^https?://' }),
  /** The audience access tokens for this API carry. */
  OIDC_API_AUDIENCE: Type.String({ default: 'balai-api', minLength: 1 }),
  /** The RFC 8707 resource the gateway names when it exchanges an Open311 api_key (client credentials). */
  OIDC_API_RESOURCE: Type.String({ default: 'urn:balai:api', pattern: '^[A-Za-z][A-Za-z0-9+.-]*:[^#\\s]+$' }),
  /** Least time between two JWKS fetches triggered by unknown key ids. */
  JWKS_COOLDOWN_MS: Type.Integer({ minimum: 0, default: 30_000 }),
  /** How long a fetched JWKS is trusted before it is fetched again. */
  JWKS_CACHE_MAX_AGE_MS: Type.Integer({ minimum: 1000, default: 600_000 }),
  /**
   * Open311 jurisdiction_ids that are host names, and their tenants:
   * `serangkota.go.id=36.73,tangerangkota.go.id=36.71`. Region codes are accepted without it.
   */
  OPEN311_JURISDICTIONS: Type.String({ default: '' }),
  /** Who to ask about the Open311 API, published in its discovery document. */
  OPEN311_CONTACT: Type.String({ default: 'Balai platform operators', minLength: 1 }),
});

export type GatewayConfig = Static<typeof gatewayConfigSchema>;

export function loadGatewayConfig(env?: Record<string, string | undefined>): GatewayConfig {
  const config = loadConfig(gatewayConfigSchema, env);
  open311Jurisdictions(config);
  parseLimits(config.RATE_LIMITS);
  corsAllowedOrigins(config);
  return config;
}

/**
 * CORS_ALLOWED_ORIGINS as a list, each entry checked to be an origin as a browser sends it
 * (scheme, host and a port other than the default; no path, no trailing slash); undefined when
 * it is empty (the registered web clients' origins apply).
 */
export function corsAllowedOrigins(config: Pick<GatewayConfig, 'CORS_ALLOWED_ORIGINS'>): string[] | undefined {
  const origins = config.CORS_ALLOWED_ORIGINS.split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  for (const origin of origins) {
    const url = URL.parse(origin);
    if (!url || !['http:', 'https:'].includes(url.protocol) || url.origin !== origin) {
      throw new ConfigError([`CORS_ALLOWED_ORIGINS: "${origin}" is not an origin such as https://app.example.go.id`]);
    }
  }
  return origins.length > 0 ? origins : undefined;
}

/** The OpenAPI document's server URLs: OPENAPI_SERVER_URLS, or PUBLIC_URL when it is empty. */
export function openApiServerUrls(config: Pick<GatewayConfig, 'OPENAPI_SERVER_URLS' | 'PUBLIC_URL'>): string[] {
  const urls = config.OPENAPI_SERVER_URLS.split(',')
    .map((url) => url.trim())
    .filter(Boolean);
  return urls.length > 0 ? urls : [config.PUBLIC_URL];
}

/** TRUSTED_PROXIES as a list. */
export function trustedProxies(config: Pick<GatewayConfig, 'TRUSTED_PROXIES'>): string[] {
  return config.TRUSTED_PROXIES.split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
}

/** OPEN311_JURISDICTIONS as a map, checked as the jurisdiction resolver checks it. */
export function open311Jurisdictions(config: Pick<GatewayConfig, 'OPEN311_JURISDICTIONS'>): Record<string, string> {
  const jurisdictions: Record<string, string> = {};
  const fail = (problem: string) => new ConfigError([`OPEN311_JURISDICTIONS: ${problem}`]);
  for (const entry of config.OPEN311_JURISDICTIONS.split(',')) {
    if (entry.trim() === '') continue;
    const [host, tenantId, ...rest] = entry.split('=').map((part) => part.trim());
    if (!host || !tenantId || rest.length > 0) throw fail(`"${entry}" is not of the form host.name=36.73`);
    if (host in jurisdictions) throw fail(`jurisdiction id "${host}" is configured twice`);
    jurisdictions[host] = tenantId;
  }
  try {
    createJurisdictionResolver({ jurisdictions });
  } catch (error) {
    throw fail((error as Error).message);
  }
  return jurisdictions;
}
