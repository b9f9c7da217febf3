import { createHash } from 'node:crypto';
import { decodePartnerApiKey } from '@balai/contracts';
import { AppError } from '@balai/platform';
import type { Caller } from '../../domain/access-token.js';

/**
 * Open311 api_keys. A partner app is an OIDC machine client of identity holding the role
 * `open311_partner`; its api_key is `base64url("<client_id>:<client_secret>")` (decoded by
 * `decodePartnerApiKey` of @balai/contracts, which identity's encoder pairs with). The gateway
 * exchanges the key for an access token with the client-credentials grant at identity's token
 * endpoint (as the app itself would through /oidc) and checks that token with its own verifier,
 * so the partner's tenant and roles come from identity, never from the form. Outcomes are
 * cached by sha256(api_key): a valid key until shortly before its token expires, an invalid one
 * briefly, so a client retrying a bad key does not hammer identity.
 */

/** What a key stands for: the partner's caller, from its verified token. */
export type PartnerAuthentication = { ok: true; partner: Caller } | { ok: false };

export interface PartnerKeyAuthenticator {
  /** null-free: invalid keys are `{ ok: false }`; identity being unreachable throws. */
  authenticate(apiKey: string): Promise<PartnerAuthentication>;
}

export interface PartnerKeyOptions {
  /** Identity's token endpoint, reached directly (IDENTITY_HTTP_URL/oidc/token). */
  tokenEndpoint: string;
  /** The gateway's public URL: sent as X-Forwarded-Proto/Host, as the /oidc proxy does, so the issuer is right. */
  publicUrl: string;
  /** The RFC 8707 resource of this API (urn:balai:api). */
  resource: string;
  /** The gateway's access-token verifier (authentication.ts). */
  verify: (token: string) => Promise<Caller>;
  timeoutMs: number;
  fetch?: typeof fetch;
  now?: () => number;
  /** Cache bound; the oldest entry goes first. */
  maxEntries?: number;
  /** How long before its token's expiry a key is exchanged again. */
  renewBeforeMs?: number;
  /** How long an invalid key is remembered as invalid. */
  invalidTtlMs?: number;
}

export const partnerRole = 'open311_partner';

/** The encoding RFC 6749 §2.3.1 prescribes for client_secret_basic. */
function basicCredentials(clientId: string, clientSecret: string): string {
  const encode = (value: string) => encodeURIComponent(value).replace(/%20/g, '+');
  return Buffer.from(`${encode(clientId)}:${encode(clientSecret)}`).toString('base64');
}

/** The token endpoint's refusals that mean "this key is not good", per RFC 6749 §5.2 / RFC 8707. */
const keyRefusals = new Set([
  'invalid_client',
  'invalid_grant',
  'unauthorized_client',
  'invalid_target',
  'invalid_scope',
]);

interface CacheEntry {
  outcome: Promise<PartnerAuthentication>;
  /** Epoch ms; Infinity while the exchange is in flight. */
  expiresAt: number;
}

export function createPartnerKeyAuthenticator(options: PartnerKeyOptions): PartnerKeyAuthenticator {
  const fetchImpl = options.fetch ?? fetch;
  const now = options.now ?? Date.now;
  const maxEntries = options.maxEntries ?? 1000;
  const renewBeforeMs = options.renewBeforeMs ?? 30_000;
  const invalidTtlMs = options.invalidTtlMs ?? 30_000;
  const publicUrl = new URL(options.publicUrl);
  const cache = new Map<string, CacheEntry>();

  function remember(key: string, entry: CacheEntry) {
    cache.delete(key);
    cache.set(key, entry);
    while (cache.size > maxEntries) {
      const oldest = cache.keys().next().value;
      if (oldest === undefined) break;
      cache.delete(oldest);
    }
  }

  async function exchange(apiKey: string): Promise<{ outcome: PartnerAuthentication; ttlMs: number }> {
    const credentials = decodePartnerApiKey(apiKey);
    if (!credentials) return { outcome: { ok: false }, ttlMs: invalidTtlMs };
    let response: Response;
    try {
      response = await fetchImpl(options.tokenEndpoint, {
        method: 'POST',
        headers: {
          authorization: `Basic ${basicCredentials(credentials.clientId, credentials.clientSecret)}`,
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
          'x-forwarded-proto': publicUrl.protocol.replace(':', ''),
          'x-forwarded-host': publicUrl.host,
        },
        // `balai`, the API scope every machine client is registered with: the token then says so in `scope`.
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          resource: options.resource,
          scope: 'balai',
        }).toString(),
        signal: AbortSignal.timeout(options.timeoutMs),
      });
    } catch {
      throw new AppError('UPSTREAM_UNAVAILABLE', 'The identity service is unavailable');
    }
    const body = (await response.json().catch(() => null)) as Record<string, unknown> | null;
    if (response.status === 400 || response.status === 401) {
      if (typeof body?.error === 'string' && keyRefusals.has(body.error)) {
        return { outcome: { ok: false }, ttlMs: invalidTtlMs };
      }
      throw new Error(`identity refused the client-credentials exchange: ${String(body?.error)}`);
    }
    if (!response.ok || typeof body?.access_token !== 'string') {
      throw new AppError('UPSTREAM_UNAVAILABLE', 'The identity service is unavailable');
    }
    // A token our own verifier refuses is a configuration fault (issuer, audience), not the key's.
    let partner: Caller;
    try {
      partner = await options.verify(body.access_token);
    } catch (error) {
      throw new Error(`the gateway refuses identity's client-credentials token: ${(error as Error).message}`);
    }
    if (!partner.roles.includes(partnerRole)) return { outcome: { ok: false }, ttlMs: invalidTtlMs };
    const expiresIn = typeof body.expires_in === 'number' ? body.expires_in * 1000 : 0;
    return { outcome: { ok: true, partner }, ttlMs: Math.max(0, expiresIn - renewBeforeMs) };
  }

  return {
    authenticate(apiKey) {
      const key = createHash('sha256').update(apiKey).digest('base64url');
      const cached = cache.get(key);
      if (cached && cached.expiresAt > now()) return cached.outcome;
      const entry: CacheEntry = { outcome: Promise.resolve({ ok: false }), expiresAt: Number.POSITIVE_INFINITY };
      entry.outcome = exchange(apiKey).then(
        ({ outcome, ttlMs }) => {
          if (ttlMs > 0) entry.expiresAt = now() + ttlMs;
          else if (cache.get(key) === entry) cache.delete(key);
          return outcome;
        },
        (error: unknown) => {
          // Outages are not remembered: the next request tries again.
          if (cache.get(key) === entry) cache.delete(key);
          throw error;
        },
      );
      remember(key, entry);
      return entry.outcome;
    },
  };
}
