import { loadConfig, serviceConfigProperties } from '@balai/platform';
import Type, { type Static } from 'typebox';

export const identityConfigSchema = Type.Object({
  ...serviceConfigProperties,
  HTTP_PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 7101 }),
  GRPC_PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 7201 }),
  MONGO_DB: Type.String({ default: 'balai_identity', pattern: '^[A-Za-z0-9_-]{1,63}$' }),
  /** Upserts the demo tenants at start; off in production. */
  SEED_DEMO_DATA: Type.Boolean({ default: false }),
});

export type IdentityConfig = Static<typeof identityConfigSchema>;

export function loadIdentityConfig(env?: Record<string, string | undefined>): IdentityConfig {
  return loadConfig(identityConfigSchema, env);
}
