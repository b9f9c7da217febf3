import { ConfigError, loadConfig, serviceConfigProperties } from '@balai/platform';
import Type, { type Static } from 'typebox';
import { trustedProxiesProblem } from './api/trusted-proxies.js';

export const identityConfigSchema = Type.Object({
  ...serviceConfigProperties,
  HTTP_PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 7101 }),
  GRPC_PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 7201 }),
  MONGO_DB: Type.String({ default: 'balai_identity', pattern: '^[A-Za-z0-9_-]{1,63}$' }),
  /** Upserts the demo tenants at start; off in production. */
  SEED_DEMO_DATA: Type.Boolean({ default: false }),
  /**
   * With SEED_DEMO_DATA, also seeds the demo accounts (demo-accounts.ts) with this password.
   * `./balai up` generates one per checkout into .data/; there is no default.
   */
  DEMO_PASSWORD: Type.Optional(Type.String({ minLength: 12 })),
  /**
   * How account messages (verification and activation codes) are delivered. `log` writes them,
   * codes included, to the log: development only. `none` drops them (accounts then cannot be
   * verified); the default until a real e-mail/SMS sender exists, so codes are never logged by accident.
   */
  NOTIFICATION_SENDER: Type.Union([Type.Literal('none'), Type.Literal('log')], { default: 'none' }),
  /**
   * The OIDC issuer: identity's provider as published through the gateway, which proxies the
   * issuer's path (default /oidc) to the same path on identity's HTTP port. Needs a path, so the
   * provider never shadows the probes at the root.
   */
  OIDC_ISSUER: Type.String({ default: 'http://127.0.0.1:8080/oidc', pattern: '^https?://[^/?#]+/[^?#]*[^/?#]$' }),
  /** The `aud` of access tokens for the Balai API (what the gateway checks). */
  OIDC_API_AUDIENCE: Type.String({ default: 'balai-api', minLength: 1 }),
  /** The RFC 8707 resource indicator of the Balai API (an absolute URI, as the RFC requires); the default resource. */
  OIDC_API_RESOURCE: Type.String({ default: 'urn:balai:api', pattern: '^[A-Za-z][A-Za-z0-9+.-]*:[^#\\s]+$' }),
  /**
   * Lifetime of API access tokens. Tests shorten it (a browser test goes through several
   * refreshes); below 10 s the gateway's 5 s clock leeway would be half of it.
   */
  ACCESS_TOKEN_TTL_SECONDS: Type.Integer({ minimum: 10, maximum: 3600, default: 300 }),
  ID_TOKEN_TTL_SECONDS: Type.Integer({ minimum: 30, maximum: 86_400, default: 3600 }),
  REFRESH_TOKEN_TTL_SECONDS: Type.Integer({ minimum: 60, default: 30 * 86_400 }),
  /** Age at which the signing key (and the cookie key) is replaced by a new one. */
  SIGNING_KEY_ROTATION_DAYS: Type.Integer({ minimum: 1, maximum: 365, default: 30 }),
  /** How long a new key is published before it signs, so every instance and the gateway's JWKS cache know it. */
  SIGNING_KEY_PUBLISH_AHEAD_SECONDS: Type.Integer({ minimum: 0, default: 600 }),
  /** How often keys are re-read (rotation without restart) and expired OIDC records purged. */
  OIDC_MAINTENANCE_INTERVAL_MS: Type.Integer({ minimum: 100, default: 60_000 }),
  /** Failed logins of one account allowed before each further attempt must wait (doubling). */
  LOGIN_THROTTLE_ACCOUNT_FREE_FAILURES: Type.Integer({ minimum: 1, default: 5 }),
  /** Failed logins from one client address before it must wait; higher, since carrier NAT shares addresses. */
  LOGIN_THROTTLE_ADDRESS_FREE_FAILURES: Type.Integer({ minimum: 1, default: 20 }),
  LOGIN_THROTTLE_MAX_DELAY_SECONDS: Type.Integer({ minimum: 1, default: 900 }),
  /*
   * Abuse limits (abuse-limits.ts). A contact is an e-mail address or +62 number, counted across
   * tenants (it is one inbox whichever tenant writes); a day is a UTC calendar day.
   */
  /** Least time between two messages of one kind (code, registration notice) to one contact. */
  CONTACT_MESSAGE_INTERVAL_SECONDS: Type.Integer({ minimum: 1, default: 60 }),
  /** Messages of every kind one contact gets per day; more are dropped silently (the answer does not change). */
  CONTACT_MESSAGES_PER_DAY: Type.Integer({ minimum: 1, default: 10 }),
  /** One-time codes issued to one contact per day: with 5 guesses per code, at most 5× this many guesses. */
  CONTACT_CODES_PER_DAY: Type.Integer({ minimum: 1, default: 5 }),
  /**
   * Codes one client address may ask for per day (a registration asks one per contact given, a
   * resend one); beyond, TOO_MANY_ATTEMPTS. Higher than per contact: carrier NAT shares addresses.
   */
  ADDRESS_CODE_REQUESTS_PER_DAY: Type.Integer({ minimum: 1, default: 30 }),
  /** Wrong or refused codes (verification, activation) one client address may send per day; beyond, TOO_MANY_ATTEMPTS. */
  ADDRESS_FAILED_VERIFICATIONS_PER_DAY: Type.Integer({ minimum: 1, default: 100 }),
  /**
   * Peers whose X-Forwarded-For/-Proto/-Host identity's HTTP port believes: comma-separated
   * addresses, CIDRs (`10.0.0.0/8`) or `loopback`, `linklocal`, `uniquelocal`. Anyone else's are
   * removed. The default is the gateway beside it; in Kubernetes, the pod network (the gateway's
   * pods). `none`: nobody's (identity reached directly).
   */
  TRUSTED_PROXIES: Type.String({ default: '127.0.0.1,::1' }),
});

export type IdentityConfig = Static<typeof identityConfigSchema>;

export function loadIdentityConfig(env?: Record<string, string | undefined>): IdentityConfig {
  const config = loadConfig(identityConfigSchema, env);
  const problem = trustedProxiesProblem(config.TRUSTED_PROXIES);
  if (problem) throw new ConfigError([`TRUSTED_PROXIES: ${problem} (given ${JSON.stringify(config.TRUSTED_PROXIES)})`]);
  return config;
}
