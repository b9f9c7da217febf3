import { AppError, isRole, type Role, tenantIdPattern } from '@balai/platform';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { type JWTVerifyGetKey, errors as joseErrors, jwtVerify } from 'jose';
import './gateway-errors.js';

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
  /** Resolves a token's signing key: identity's JWKS (see jwks.ts), or a local set in tests. */
  keys: JWTVerifyGetKey;
}

export interface RouteAccessEntry {
  method: string;
  url: string;
  access: RouteAccess;
}

const routeTables = new WeakMap<FastifyInstance, RouteAccessEntry[]>();

/** Every route of the app with its declared access, for the authorisation matrix test. */
export function routeAccessTable(app: FastifyInstance): RouteAccessEntry[] {
  return routeTables.get(app) ?? [];
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

function invalidToken(detail: string): AppError {
  return new AppError('UNAUTHENTICATED', detail);
}

function bearerToken(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (header === undefined) return null;
  const match = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/i.exec(header);
  if (!match?.[1]) throw invalidToken('Send the access token as "Authorization: Bearer <token>"');
  return match[1];
}

/** The tenant a request names: the route's tenant parameter, else the X-Balai-Tenant header. */
export function requestedTenant(request: FastifyRequest): string | undefined {
  const access = request.routeOptions.config.access;
  const param = typeof access === 'object' ? access.tenantParam : undefined;
  const fromPath = param ? (request.params as Record<string, unknown>)[param] : undefined;
  const value = typeof fromPath === 'string' ? fromPath : request.headers['x-balai-tenant'];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * Authenticates every request before its body is parsed or validated, so a refused caller
 * learns nothing about the route's input. A route without a declared access fails the start-up:
 * access is decided where the route is defined, and a forgotten declaration cannot mean "open".
 */
export function registerAuthentication(app: FastifyInstance, options: AuthenticationOptions): void {
  const verify = accessTokenVerifier(options);
  const table: RouteAccessEntry[] = [];
  routeTables.set(app, table);
  app.decorateRequest('caller', null);

  app.addHook('onRoute', (route) => {
    const access = route.config?.access;
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    if (!access) throw new Error(`route ${methods.join(',')} ${route.url} declares no access`);
    for (const method of methods) table.push({ method, url: route.url, access });
  });

  app.addHook('onRequest', async (request, reply) => {
    const access = request.routeOptions.config.access;
    // Unmatched URLs (404) and proxied OIDC endpoints carry no API token to check.
    if (access === undefined || access === 'proxy') return;
    try {
      const token = bearerToken(request);
      request.caller = token === null ? null : await verify(token);
    } catch (error) {
      if (error instanceof AppError) reply.header('www-authenticate', 'Bearer error="invalid_token"');
      throw error;
    }
    const caller = request.caller;
    if (access === 'public') {
      if (caller) checkTenant(request, caller);
      return;
    }
    if (!caller) {
      reply.header('www-authenticate', 'Bearer');
      throw new AppError('UNAUTHENTICATED', 'This route needs an access token');
    }
    if (!caller.roles.some((role) => access.roles.includes(role))) {
      throw new AppError('FORBIDDEN', `This route needs one of the roles ${access.roles.join(', ')}`);
    }
    checkTenant(request, caller);
  });
}

function checkTenant(request: FastifyRequest, caller: Caller): void {
  assertCallerMayActIn(caller, requestedTenant(request));
}

/**
 * Tenant isolation fails closed: only a platform admin acts on a tenant other than the token's.
 * Also for tenants a route decides itself (an Open311 jurisdiction).
 */
export function assertCallerMayActIn(caller: Caller, tenantId: string | undefined): void {
  if (tenantId === undefined || tenantId === caller.tenantId) return;
  if (caller.roles.includes('platform_admin')) return;
  throw new AppError('TENANT_MISMATCH', `The access token is for tenant ${caller.tenantId}`);
}
