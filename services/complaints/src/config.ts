import { loadConfig, serviceConfigProperties } from '@balai/platform';
import Type, { type Static } from 'typebox';

export const complaintsConfigSchema = Type.Object({
  ...serviceConfigProperties,
  HTTP_PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 7102 }),
  GRPC_PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 7202 }),
  MONGO_DB: Type.String({ default: 'balai_complaints', pattern: '^[A-Za-z0-9_-]{1,63}$' }),
});

export type ComplaintsConfig = Static<typeof complaintsConfigSchema>;

export function loadComplaintsConfig(env?: Record<string, string | undefined>): ComplaintsConfig {
  return loadConfig(complaintsConfigSchema, env);
}
