import { defineErrors } from '@balai/platform';
import { status as GrpcStatus } from '@grpc/grpc-js';

/** The identity service's own error codes (the platform's come on top). */
export const identityErrors = defineErrors({
  NIK_INVALID: { http: 400, grpc: GrpcStatus.INVALID_ARGUMENT, title: 'The NIK is not valid' },
  PHONE_INVALID: {
    http: 400,
    grpc: GrpcStatus.INVALID_ARGUMENT,
    title: 'The phone number is not a valid mobile number',
  },
});
