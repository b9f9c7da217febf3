import { createRemoteJWKSet, type JWTVerifyGetKey } from 'jose';

/**
 * Identity's published keys, fetched from its JWKS endpoint and cached. A token with a key id
 * not in the cache makes jose fetch the set again (at most once per cooldown), which is how a
 * rotated-in key is picked up without a restart.
 */
export function identityKeySet(options: {
  jwksUrl: string;
  cooldownMs: number;
  cacheMaxAgeMs: number;
}): JWTVerifyGetKey {
  return createRemoteJWKSet(new URL(options.jwksUrl), {
    cooldownDuration: options.cooldownMs,
    cacheMaxAge: options.cacheMaxAgeMs,
    timeoutDuration: 5000,
  });
}
