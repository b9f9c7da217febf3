import Type, { type Static, type TObject } from 'typebox';
import Value from 'typebox/value';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Loads one validated configuration object from environment variables. Schema keys are the
 * variable names; defaults and number/boolean conversion come from the schema. This is the only
 * place that reads process.env (house rule 4).
 */
export function loadConfig<T extends TObject>(
  schema: T,
  env: Record<string, string | undefined> = process.env,
): Static<T> {
  const raw: Record<string, unknown> = {};
  for (const key of Object.keys(schema.properties)) {
    const value = env[key];
    if (value !== undefined && value !== '') raw[key] = value;
  }
  const withDefaults = Value.Default(schema, raw);
  const converted = Value.Convert(schema, withDefaults);
  if (!Value.Check(schema, converted)) {
    const problems = Value.Errors(schema, converted).flatMap((error) => {
      if (error.keyword === 'required') {
        const { requiredProperties } = error.params as { requiredProperties: string[] };
        return requiredProperties.map((name) => `${name}: is required (missing)`);
      }
      const name = error.instancePath.replace(/^\//, '') || '(root)';
      const given = name in raw ? ` (given ${JSON.stringify(raw[name])})` : ' (missing)';
      return [`${name}: ${error.message}${given}`];
    });
    throw new ConfigError(problems);
  }
  return converted as Static<T>;
}

/** Variables every service reads; a service's own schema spreads these in. */
export const serviceConfigProperties = {
  LOG_LEVEL: Type.Union(
    ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((level) => Type.Literal(level)),
    { default: 'info' },
  ),
  /** Interface to listen on; 0.0.0.0 in containers. */
  HOST: Type.String({ default: '127.0.0.1' }),
  /** Ops HTTP port: /healthz, /readyz. */
  HTTP_PORT: Type.Integer({ minimum: 0, maximum: 65535 }),
  GRPC_PORT: Type.Integer({ minimum: 0, maximum: 65535 }),
  MONGO_URL: Type.String({ pattern: '^mongodb(\\+srv)?://' }),
  MONGO_DB: Type.String({ pattern: '^[A-Za-z0-9_-]{1,63}$' }),
  KAFKA_BROKERS: Type.String({ pattern: '^[^,\\s]+(,[^,\\s]+)*$' }),
  /** Prefix for every topic name; lets tests and shared clusters keep streams apart. */
  KAFKA_TOPIC_PREFIX: Type.String({ default: '', pattern: '^[A-Za-z0-9._-]*$' }),
  /** Upper bound for topic replication; capped to the number of brokers in the cluster. */
  KAFKA_REPLICATION_FACTOR: Type.Integer({ minimum: 1, default: 3 }),
  OUTBOX_POLL_INTERVAL_MS: Type.Integer({ minimum: 10, default: 1000 }),
};
