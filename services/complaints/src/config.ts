import { loadConfig, serviceConfigProperties } from '@balai/platform';
import Type, { type Static } from 'typebox';

export const complaintsConfigSchema = Type.Object({
  ...serviceConfigProperties,
  HTTP_PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 7102 }),
  GRPC_PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 7202 }),
  MONGO_DB: Type.String({ default: 'balai_complaints', pattern: '^[A-Za-z0-9_-]{1,63}$' }),
  /** Inserts the demo service catalogues (demo-categories.ts) of 36.73 and 36.71 where missing; off in production. */
  SEED_DEMO_DATA: Type.Boolean({ default: false }),
  /**
   * Days after its resolution or rejection within which the reporter may reopen a complaint.
   * One value for every tenant until the complaints service follows identity's tenant settings
   * (`complaintReopenWindowDays`, whose platform default is the same 14).
   */
  COMPLAINT_REOPEN_WINDOW_DAYS: Type.Integer({ minimum: 0, maximum: 365, default: 14 }),
});

export type ComplaintsConfig = Static<typeof complaintsConfigSchema>;

export function loadComplaintsConfig(env?: Record<string, string | undefined>): ComplaintsConfig {
  return loadConfig(complaintsConfigSchema, env);
}
