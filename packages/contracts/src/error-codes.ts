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
} as const satisfies Record<string, { http: number; grpc: GrpcStatus; title: string; retryable?: boolean }>;
