import { loadConfig, serviceConfigProperties } from '@balai/platform';
import Type, { type Static } from 'typebox';

const grpcTarget = (port: number) => Type.String({ default: `127.0.0.1:${port}`, pattern: '^[^\\s:]+:\\d{1,5}$' });

export const gatewayConfigSchema = Type.Object({
  LOG_LEVEL: serviceConfigProperties.LOG_LEVEL,
  HOST: serviceConfigProperties.HOST,
  HTTP_PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 8080 }),
  IDENTITY_GRPC_TARGET: grpcTarget(7201),
  COMPLAINTS_GRPC_TARGET: grpcTarget(7202),
  PERMITS_GRPC_TARGET: grpcTarget(7203),
  ANALYTICS_GRPC_TARGET: grpcTarget(7205),
  /** Deadline for each gRPC call the gateway makes. */
  GRPC_DEADLINE_MS: Type.Integer({ minimum: 50, default: 5000 }),
  /** Public base URL, used in Location headers and the OpenAPI document. */
  PUBLIC_URL: Type.String({ default: 'http://127.0.0.1:8080', pattern: '^https?://' }),
  /** Identity's HTTP base URL: the OIDC endpoints are proxied there and its JWKS read from there. */
  IDENTITY_HTTP_URL: Type.String({ default: 'http://127.0.0.1:7101', pattern: '^https?://' }),
  /** The issuer access tokens must name: identity's OIDC provider as published through the gateway. */
  OIDC_ISSUER: Type.String({ default: 'http://127.0.0.1:8080/oidc', pattern: '^https?://' }),
  /** The audience access tokens for this API carry. */
  OIDC_API_AUDIENCE: Type.String({ default: 'balai-api', minLength: 1 }),
  /** Least time between two JWKS fetches triggered by unknown key ids. */
  JWKS_COOLDOWN_MS: Type.Integer({ minimum: 0, default: 30_000 }),
  /** How long a fetched JWKS is trusted before it is fetched again. */
  JWKS_CACHE_MAX_AGE_MS: Type.Integer({ minimum: 1000, default: 600_000 }),
});

export type GatewayConfig = Static<typeof gatewayConfigSchema>;

export function loadGatewayConfig(env?: Record<string, string | undefined>): GatewayConfig {
  return loadConfig(gatewayConfigSchema, env);
}
