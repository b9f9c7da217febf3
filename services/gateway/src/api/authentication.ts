import { AppError } from '@balai/platform';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  type AuthenticationOptions,
  accessTokenVerifier,
  type Caller,
  invalidToken,
  type RouteAccess,
} from '../domain/access-token.js';
import { assertCallerMayActIn, requestedTenant } from '../domain/caller-context.js';

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

function bearerToken(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (header === undefined) return null;
  const match = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/i.exec(header);
  if (!match?.[1]) throw invalidToken('Send the access token as "Authorization: Bearer <token>"');
  return match[1];
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
