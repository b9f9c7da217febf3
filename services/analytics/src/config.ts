import { loadConfig, serviceConfigProperties } from '@balai/platform';
import Type, { type Static } from 'typebox';

export const analyticsConfigSchema = Type.Object({
  ...serviceConfigProperties,
  HTTP_PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 7105 }),
  GRPC_PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 7205 }),
  MONGO_DB: Type.String({ default: 'balai_analytics', pattern: '^[A-Za-z0-9_-]{1,63}$' }),
  /** Consumer group; one per read-model builder. */
  KAFKA_GROUP_ID: Type.String({ default: 'balai.analytics', pattern: '^[A-Za-z0-9._-]+$' }),
});

export type AnalyticsConfig = Static<typeof analyticsConfigSchema>;

export function loadAnalyticsConfig(env?: Record<string, string | undefined>): AnalyticsConfig {
  return loadConfig(analyticsConfigSchema, env);
}
