import { AppError, type CallContext, currentTraceparent, tenantIdPattern } from '@balai/platform';
import type { FastifyRequest } from 'fastify';
import { type Caller, requestedTenant } from './authentication.js';

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
