import { Metadata } from '@grpc/grpc-js';
import { AppError } from '../errors.js';
import type { Role } from '../roles.js';
import { currentTraceparent } from '../telemetry/tracing.js';

/**
 * Who is calling and for which tenant, carried in gRPC metadata from the gateway to the
 * services. Services take the tenant from here only, never from a request body.
 */
export interface CallContext {
  tenantId: string;
  requestId: string;
  /** The user (or, for client credentials, the client) the gateway authenticated. */
  subject?: string;
  /** The agency (OPD) of a staff caller. */
  agencyId?: string;
  roles: string[];
  /**
   * The end user's network address as the gateway saw it (its trusted proxies taken into
   * account), for limits per client address. Absent on calls that did not come from a user.
   */
  clientAddress?: string;
  traceparent?: string;
}

/** A tenant id: a region code such as "36" (province), "36.73" (city), down to a village. */
export const tenantIdPattern = /^\d{2}(\.\d{2}){0,2}(\.\d{4})?$/;

const keys = {
  tenant: 'x-balai-tenant',
  subject: 'x-balai-subject',
  agency: 'x-balai-agency',
  roles: 'x-balai-roles',
  requestId: 'x-request-id',
  clientAddress: 'x-balai-client-address',
  traceparent: 'traceparent',
} as const;

/** What an ordinary (non-binary) metadata value may hold; grpc-js throws on anything else. */
const legalMetadataValue = /^[ -~]*$/;
/** W3C trace context: version-traceid-parentid-flags. */
const traceparentPattern = /^[\da-f]{2}-[\da-f]{32}-[\da-f]{16}-[\da-f]{2}$/;

export function contextToMetadata(context: CallContext): Metadata {
  const metadata = new Metadata();
  // The gateway checked the tenant and request id already; a value that still could not travel
  // is left out (the service then refuses the call), rather than failing inside grpc-js.
  const set = (key: string, value: string | undefined) => {
    if (value && legalMetadataValue.test(value)) metadata.set(key, value);
  };
  set(keys.tenant, context.tenantId);
  set(keys.requestId, context.requestId);
  set(keys.subject, context.subject);
  set(keys.agency, context.agencyId);
  if (context.roles.length > 0) set(keys.roles, context.roles.join(','));
  set(keys.clientAddress, context.clientAddress);
  // With telemetry running, the gRPC instrumentation replaces this with the client span's context.
  if (context.traceparent && traceparentPattern.test(context.traceparent)) set(keys.traceparent, context.traceparent);
  return metadata;
}

function first(metadata: Metadata, key: string): string | undefined {
  const value = metadata.get(key)[0];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Reads the caller context; a call without a tenant gets an empty tenant, which use cases refuse. */
export function contextFromMetadata(metadata: Metadata): CallContext {
  const roles = first(metadata, keys.roles);
  const context: CallContext = {
    tenantId: first(metadata, keys.tenant) ?? '',
    requestId: first(metadata, keys.requestId) ?? '',
    roles: roles ? roles.split(',') : [],
  };
  const subject = first(metadata, keys.subject);
  if (subject) context.subject = subject;
  const agencyId = first(metadata, keys.agency);
  if (agencyId) context.agencyId = agencyId;
  const clientAddress = first(metadata, keys.clientAddress);
  if (clientAddress) context.clientAddress = clientAddress;
  // The call's own span when telemetry runs (so what it writes joins the trace), else the caller's.
  const traceparent = currentTraceparent() ?? first(metadata, keys.traceparent);
  if (traceparent) context.traceparent = traceparent;
  return context;
}

/**
 * A service's own check of the caller's roles (the gateway checked its route table first):
 * an anonymous call is UNAUTHENTICATED, a call without one of `allowed` is FORBIDDEN.
 */
export function requireRole(context: CallContext, allowed: readonly Role[]): void {
  if (!context.subject) throw new AppError('UNAUTHENTICATED');
  if (!context.roles.some((role) => (allowed as readonly string[]).includes(role))) {
    throw new AppError('FORBIDDEN', `Needs one of the roles ${allowed.join(', ')}`);
  }
}
