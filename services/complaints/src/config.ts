import { ConfigError, loadConfig, serviceConfigProperties } from '@balai/platform';
import Type, { type Static } from 'typebox';

export const complaintsConfigSchema = Type.Object({
  ...serviceConfigProperties,
  HTTP_PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 7102 }),
  GRPC_PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 7202 }),
  MONGO_DB: Type.String({ default: 'balai_complaints', pattern: '^[A-Za-z0-9_-]{1,63}$' }),
  /** Inserts the demo service catalogues (demo-categories.ts) of 36.73 and 36.71 where missing; off in production. */
  SEED_DEMO_DATA: Type.Boolean({ default: false }),
  /** identity's gRPC API: agencies, staff and their supervisors, tenant settings (the reopen window). */
  IDENTITY_GRPC_TARGET: Type.String({ default: '127.0.0.1:7201', pattern: '^[^\\s:]+:\\d{1,5}$' }),
  /** Deadline for each call to identity. */
  IDENTITY_GRPC_DEADLINE_MS: Type.Integer({ minimum: 50, default: 5000 }),
  /**
   * Fractions of the category SLA, counted from submission, at which a complaint still open
   * escalates one level each: "0.8,1.2,2" is levels 1, 2 and 3 at 80 %, 120 % and 200 %.
   */
  COMPLAINT_ESCALATION_FRACTIONS: Type.String({
    default: '0.8,1.2,2',
    pattern: '^\\s*[0-9.]+(\\s*,\\s*[0-9.]+)*\\s*$',
  }),
  /** How often the SLA scheduler sweeps for escalations and auto-closes; 0 disables it on this instance. */
  SLA_SCHEDULER_INTERVAL_MS: Type.Integer({ minimum: 0, default: 30_000 }),
  /** Nearby-duplicate suggestions: open complaints of the same category within this many meters. */
  DUPLICATE_RADIUS_METERS: Type.Integer({ minimum: 10, maximum: 5000, default: 150 }),
  /** ... and submitted within this many days. */
  DUPLICATE_MAX_AGE_DAYS: Type.Integer({ minimum: 1, maximum: 365, default: 30 }),
});

export type ComplaintsConfig = Static<typeof complaintsConfigSchema>;

export function loadComplaintsConfig(env?: Record<string, string | undefined>): ComplaintsConfig {
  const config = loadConfig(complaintsConfigSchema, env);
  escalationFractions(config);
  return config;
}

/**
 * The escalation fractions, ascending and above 0; ConfigError naming the variable otherwise,
 * so the process refuses to start on a malformed list.
 */
export function escalationFractions(config: Pick<ComplaintsConfig, 'COMPLAINT_ESCALATION_FRACTIONS'>): number[] {
  const fractions = config.COMPLAINT_ESCALATION_FRACTIONS.split(',').map((part) => Number(part.trim()));
  const ascending = fractions.every((value, i) => i === 0 || value > (fractions[i - 1] as number));
  if (fractions.length === 0 || !fractions.every((value) => Number.isFinite(value) && value > 0) || !ascending) {
    throw new ConfigError([
      `COMPLAINT_ESCALATION_FRACTIONS: must be fractions of the SLA above 0 in ascending order, such as 0.8,1.2,2 (got "${config.COMPLAINT_ESCALATION_FRACTIONS}")`,
    ]);
  }
  return fractions;
}
