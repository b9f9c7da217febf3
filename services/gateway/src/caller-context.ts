import { AppError, type CallContext, currentTraceparent, tenantIdPattern } from '@balai/platform';
import type { FastifyRequest } from 'fastify';

/**
 * Builds the caller context passed to services. Until the identity issue brings tokens, the
 * tenant comes from the X-Balai-Tenant header; the services still re-check it.
 */
export function callerContext(request: FastifyRequest): CallContext {
  const tenant = request.headers['x-balai-tenant'];
  if (typeof tenant !== 'string' || tenant === '')
    throw new AppError('TENANT_REQUIRED', 'Send the X-Balai-Tenant header');
  if (!tenantIdPattern.test(tenant))
    throw new AppError('TENANT_REQUIRED', 'X-Balai-Tenant must be a region code such as 36.73');
  const context: CallContext = { tenantId: tenant, requestId: request.id, roles: [] };
  // The request's span when telemetry runs; else the caller's own traceparent, passed on as is.
  const traceparent = currentTraceparent() ?? request.headers.traceparent;
  if (typeof traceparent === 'string') context.traceparent = traceparent;
  return context;
}
