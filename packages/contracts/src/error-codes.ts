import { status as GrpcStatus } from '@grpc/grpc-js';

/**
 * Error codes a service sends over gRPC that its callers must tell apart, as data: the service
 * registers them (`defineErrors` of @balai/platform) and so does the gateway, which would
 * otherwise answer an unknown code with a 500. Same shape as the platform's `ErrorKind`.
 * A code, once published, keeps its meaning: it is part of the API contract like a field.
 */
export const identityErrorCodes = {
  NIK_INVALID: { http: 400, grpc: GrpcStatus.INVALID_ARGUMENT, title: 'The NIK is not valid' },
  PHONE_INVALID: {
    http: 400,
    grpc: GrpcStatus.INVALID_ARGUMENT,
    title: 'The phone number is not a valid mobile number',
  },
  PASSWORD_REJECTED: {
    http: 400,
    grpc: GrpcStatus.INVALID_ARGUMENT,
    title: 'The password does not meet the password policy',
  },
  /** Wrong, expired, used-up or unknown code, or unknown contact: one answer, so nothing is revealed. */
  VERIFICATION_FAILED: {
    http: 400,
    grpc: GrpcStatus.INVALID_ARGUMENT,
    title: 'The code is not valid for this contact',
  },
  USER_NOT_FOUND: { http: 404, grpc: GrpcStatus.NOT_FOUND, title: 'The user does not exist' },
  AGENCY_NOT_FOUND: { http: 404, grpc: GrpcStatus.NOT_FOUND, title: 'The agency does not exist in this tenant' },
  AGENCY_EXISTS: { http: 409, grpc: GrpcStatus.ALREADY_EXISTS, title: 'The tenant already has an agency with this id' },
  LOGIN_TAKEN: {
    http: 409,
    grpc: GrpcStatus.ALREADY_EXISTS,
    title: 'The e-mail address or phone number is already used in this tenant',
  },
  /** The supervisor named is unknown, not staff, or not active in the tenant. */
  SUPERVISOR_NOT_ELIGIBLE: {
    http: 422,
    grpc: GrpcStatus.FAILED_PRECONDITION,
    title: 'The supervisor is not an active staff member of this tenant',
  },
  /** The reports-to chain would loop back to the staff member (themself included). */
  SUPERVISOR_CYCLE: {
    http: 409,
    grpc: GrpcStatus.FAILED_PRECONDITION,
    title: 'The supervisor chain would form a cycle',
  },
  /** Unknown client_id, another tenant's app, or a machine client that is not a partner app. */
  PARTNER_APP_NOT_FOUND: { http: 404, grpc: GrpcStatus.NOT_FOUND, title: 'The partner app does not exist' },
  /**
   * The caller's network address has used up its day's code requests (registration, resend) or
   * failed code checks (verification, activation). Counted per address for every such request,
   * whether or not the account exists, so it tells nothing about accounts. Not retryable today.
   */
  TOO_MANY_ATTEMPTS: {
    http: 429,
    grpc: GrpcStatus.RESOURCE_EXHAUSTED,
    title: 'Too many code requests or failed codes from this network address today; try again tomorrow',
  },
} as const satisfies Record<string, { http: number; grpc: GrpcStatus; title: string; retryable?: boolean }>;

/** Codes of the complaints service that callers must tell apart (see identityErrorCodes). */
export const complaintErrorCodes = {
  COMPLAINT_NOT_FOUND: { http: 404, grpc: GrpcStatus.NOT_FOUND, title: 'The complaint does not exist' },
  CATEGORY_NOT_FOUND: {
    http: 404,
    grpc: GrpcStatus.NOT_FOUND,
    title: "The category is not in the tenant's service catalogue",
  },
  CATEGORY_EXISTS: {
    http: 409,
    grpc: GrpcStatus.ALREADY_EXISTS,
    title: 'The tenant already has a category with this code',
  },
  /** The complaint's state does not allow this transition (a duplicate takes none). */
  TRANSITION_NOT_ALLOWED: {
    http: 409,
    grpc: GrpcStatus.FAILED_PRECONDITION,
    title: 'The complaint cannot take this step in its current state',
  },
  REOPEN_WINDOW_EXPIRED: {
    http: 409,
    grpc: GrpcStatus.FAILED_PRECONDITION,
    title: 'The complaint can no longer be reopened',
  },
  /** An Idempotency-Key sent again with a different complaint (IETF httpapi-idempotency-key: 422). */
  IDEMPOTENCY_KEY_REUSED: {
    http: 422,
    grpc: GrpcStatus.FAILED_PRECONDITION,
    title: 'The idempotency key was already used for a different complaint',
  },
} as const satisfies Record<string, { http: number; grpc: GrpcStatus; title: string; retryable?: boolean }>;
