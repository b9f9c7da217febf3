import { defineErrors } from '@balai/platform';
import { status as GrpcStatus } from '@grpc/grpc-js';

/** The gateway's own error codes (the platform's come on top). */
export const gatewayErrors = defineErrors({
  TENANT_MISMATCH: {
    http: 403,
    grpc: GrpcStatus.PERMISSION_DENIED,
    title: "The request names a tenant other than the caller's",
  },
});
