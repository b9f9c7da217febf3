import { isAppError } from '@balai/platform';
import type { Open311Error, Open311Result } from './open311-model.js';

/**
 * The platform's problem codes as Open311 error responses. GeoReport v2 errors are a list of
 * `{code, description}` whose code is the HTTP status: 400 for invalid input, 403 for an invalid
 * api_key, 404 for an unknown jurisdiction_id, service_code or service_request_id. 5xx answers
 * never carry the internal message.
 */
export interface Open311ErrorResponse {
  status: number;
  errors: Open311Error[];
}

/** Statuses and wording per code, where GeoReport v2 says more than the platform's own table. */
const open311Statuses: Record<string, { status: number; description?: string }> = {
  VALIDATION_FAILED: { status: 400 },
  // The specification knows one credential, the api_key, and answers 403 when it is not valid.
  UNAUTHENTICATED: { status: 403, description: 'Invalid or missing api_key or access token' },
  FORBIDDEN: { status: 403 },
  TENANT_MISMATCH: { status: 403 },
  NOT_FOUND: { status: 404 },
  TENANT_REQUIRED: { status: 400, description: 'jurisdiction_id is required' },
  UNKNOWN_TENANT: { status: 404, description: 'jurisdiction_id provided was not found' },
  STALE_VERSION: { status: 409 },
  UPSTREAM_UNAVAILABLE: { status: 503, description: 'The service is temporarily unavailable; try again later' },
  UPSTREAM_TIMEOUT: { status: 504, description: 'The service did not answer in time; try again later' },
  INTERNAL: { status: 500, description: 'Internal error' },
};

function errors(status: number, descriptions: string[]): Open311ErrorResponse {
  return { status, errors: descriptions.map((description) => ({ code: status, description })) };
}

/**
 * Maps anything a route may throw: an AppError by its code (service-specific codes such as
 * COMPLAINT_NOT_FOUND keep the status they are registered with), a fastify client error (body too
 * large, bad content type) by its status, and anything else to 500.
 */
export function open311ErrorResponse(error: unknown): Open311ErrorResponse {
  if (isAppError(error)) {
    const known = open311Statuses[error.code];
    const status = known?.status ?? error.kind.http;
    if (status >= 500) return errors(status, [known?.description ?? 'Internal error']);
    const details = error.details.map((detail) =>
      detail.field ? `${detail.field}: ${detail.message}` : detail.message,
    );
    if (details.length > 0) return errors(status, details);
    return errors(status, [known?.description ?? error.message]);
  }
  const statusCode = (error as { statusCode?: unknown } | null)?.statusCode;
  if (typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500) {
    return errors(statusCode, [(error as Error).message || 'The request is not valid']);
  }
  return errors(500, ['Internal error']);
}

/** A 400 with one error per problem found in the request. */
export function open311BadRequest(descriptions: string[]): Open311ErrorResponse {
  return errors(400, descriptions);
}

/** The 404 for an unknown service_code, service_request_id or token, naming which one. */
export function open311NotFound(description: string): Open311ErrorResponse {
  return errors(404, [description]);
}

/**
 * Thrown where the Open311 answer is already decided (400, 403, 404): the routes' error handler
 * sends its errors as they are, instead of mapping them as an AppError.
 */
export class Open311Refusal extends Error {
  constructor(readonly response: Open311ErrorResponse) {
    super(response.errors.map((error) => error.description).join('; '));
  }
}

/** Refuses with one error whose code is the answer's status, as GeoReport v2 has it. */
export function refuse(status: number, description: string): never {
  throw new Open311Refusal(errors(status, [description]));
}

/** The value of a parse or look-up, or its errors as the answer (the first one's status). */
export function orRefuse<T>(result: Open311Result<T>): T {
  if (!result.ok) throw new Open311Refusal({ status: result.errors[0]?.code ?? 400, errors: result.errors });
  return result.value;
}

/** GeoReport v2's 404 for a service_code that names no service, malformed or unknown. */
export function serviceCodeNotFound(): Open311Refusal {
  return new Open311Refusal(open311NotFound('service_code provided was not found'));
}
