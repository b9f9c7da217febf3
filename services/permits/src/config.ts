import { loadConfig, serviceConfigProperties } from '@balai/platform';
import Type, { type Static } from 'typebox';

export const permitsConfigSchema = Type.Object({
  ...serviceConfigProperties,
  HTTP_PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 7103 }),
  GRPC_PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 7203 }),
  MONGO_DB: Type.String({ default: 'balai_permits', pattern: '^[A-Za-z0-9_-]{1,63}$' }),
  /** Upserts the demo permit types at start; off in production. */
  SEED_DEMO_DATA: Type.Boolean({ default: false }),
});

export type PermitsConfig = Static<typeof permitsConfigSchema>;

export function loadPermitsConfig(env?: Record<string, string | undefined>): PermitsConfig {
  return loadConfig(permitsConfigSchema, env);
}
