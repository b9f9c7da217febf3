import { AppError, type CallContext, currentTraceparent, tenantIdPattern } from '@balai/platform';
import type { FastifyRequest } from 'fastify';
import type { Caller } from './access-token.js';

/** The tenant a request names: the route's tenant parameter, else the X-Balai-Tenant header. */
export function requestedTenant(request: FastifyRequest): string | undefined {
  const access = request.routeOptions.config.access;
  const param = typeof access === 'object' ? access.tenantParam : undefined;
  const fromPath = param ? (request.params as Record<string, unknown>)[param] : undefined;
  const value = typeof fromPath === 'string' ? fromPath : request.headers['x-balai-tenant'];
  return typeof value === 'string' && value !== '' ? value : undefined;
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

/**
 * The caller context passed to services as gRPC metadata. An authenticated caller acts in its
 * token's tenant (a platform admin in the tenant the request names); an anonymous caller of a
 * public route names the tenant in X-Balai-Tenant. Services re-check what they own.
 */
export function callerContext(request: FastifyRequest): CallContext {
  const caller = request.caller;
  const named = requestedTenant(request);
  const tenantId = caller && !(caller.roles.includes('platform_admin') && named) ? caller.tenantId : named;
  if (tenantId === undefined) throw new AppError('TENANT_REQUIRED', 'Send the X-Balai-Tenant header');
  if (!tenantIdPattern.test(tenantId)) {
    throw new AppError('TENANT_REQUIRED', 'X-Balai-Tenant must be a region code such as 36.73');
  }
  return contextInTenant(request, tenantId);
}

/**
 * The caller context for a tenant already decided (by the token, a header or a jurisdiction).
 * The caller is the request's own unless given: a partner app known by its api_key, or `null`
 * for a public read that must not carry the caller's identity.
 */
export function contextInTenant(
  request: FastifyRequest,
  tenantId: string,
  caller: Caller | null | undefined = request.caller,
): CallContext {
  const context: CallContext = { tenantId, requestId: request.id, roles: caller ? [...caller.roles] : [] };
  if (caller) context.subject = caller.subject;
  if (caller?.agencyId) context.agencyId = caller.agencyId;
  // Behind the gateway's trusted proxies (TRUSTED_PROXIES), fastify has resolved X-Forwarded-For.
  context.clientAddress = request.ip;
  // The request's span when telemetry runs; else the caller's own traceparent, passed on as is.
  const traceparent = currentTraceparent() ?? request.headers.traceparent;
  if (typeof traceparent === 'string') context.traceparent = traceparent;
  return context;
}

/**
 * For reads that are the same for everyone and name their tenant in the request itself (the
 * tenant list, a tenant's settings): no tenant scope and no caller travel with the call.
 */
export function anonymousContext(request: FastifyRequest): CallContext {
  return { tenantId: '', requestId: request.id, roles: [] };
}
