import { AppError, isRole, type Role, tenantIdPattern } from '@balai/platform';
import { type JWTVerifyGetKey, errors as joseErrors, jwtVerify } from 'jose';

/**
 * Who may call a route, declared next to its definition:
 * - `public`: anyone; a bearer token, when sent, must still be valid and then names the caller;
 * - `proxy`: passed through untouched to a service that authenticates itself (the OIDC endpoints);
 * - `{ roles }`: an access token holding at least one of the roles. `tenantParam` names the path
 *   parameter that is the tenant the route acts on, checked like the X-Balai-Tenant header.
 */
export type RouteAccess = 'public' | 'proxy' | { roles: readonly Role[]; tenantParam?: string };

/** The authenticated caller, from a verified access token. */
export interface Caller {
  /** User id, or the client id for a client-credentials token. */
  subject: string;
  clientId: string;
  tenantId: string;
  roles: Role[];
  agencyId?: string;
  scopes: string[];
}

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: RouteAccess;
  }
  interface FastifyRequest {
    caller: Caller | null;
  }
}

export interface AuthenticationOptions {
  /** The token issuer (identity's OIDC provider, as published through the gateway). */
  issuer: string;
  /** The `aud` of access tokens for this API. */
  audience: string;
  /** Resolves a token's signing key: identity's JWKS (clients/jwks.ts), or a local set in tests. */
  keys: JWTVerifyGetKey;
}

/**
 * Checks RFC 9068 access tokens: ES256 only (so `alg: none` and HMAC confusion are refused by
 * construction), `typ: at+jwt` (an ID token is not an access token), issuer, audience, expiry.
 */
export function accessTokenVerifier(options: AuthenticationOptions): (token: string) => Promise<Caller> {
  return async (token) => {
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(token, options.keys, {
        issuer: options.issuer,
        audience: options.audience,
        algorithms: ['ES256'],
        typ: 'at+jwt',
        requiredClaims: ['sub', 'exp', 'iat', 'client_id', 'tenant_id'],
        clockTolerance: 5,
      }));
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired) throw invalidToken('The access token has expired');
      if (error instanceof joseErrors.JOSEError) throw invalidToken('The access token is not valid');
      // The key set could not be fetched: identity is down, which is not the caller's fault.
      throw error;
    }
    const tenantId = payload.tenant_id;
    if (typeof tenantId !== 'string' || !tenantIdPattern.test(tenantId)) {
      throw invalidToken('The access token names no valid tenant');
    }
    const roles = Array.isArray(payload.roles) ? payload.roles.filter((role) => typeof role === 'string') : [];
    const caller: Caller = {
      subject: String(payload.sub),
      clientId: String(payload.client_id),
      tenantId,
      roles: roles.filter(isRole),
      scopes: typeof payload.scope === 'string' ? payload.scope.split(' ').filter(Boolean) : [],
    };
    if (typeof payload.agency_id === 'string' && payload.agency_id !== '') caller.agencyId = payload.agency_id;
    return caller;
  };
}

export function invalidToken(detail: string): AppError {
  return new AppError('UNAUTHENTICATED', detail);
}
