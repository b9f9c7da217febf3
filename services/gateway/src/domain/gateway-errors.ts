import { defineErrors, type ErrorKind } from '@balai/platform';
import { status as GrpcStatus } from '@grpc/grpc-js';

/** The gateway's own error codes (the platform's come on top), registered as it starts (app.ts). */
export const gatewayErrors = defineErrors({
  TENANT_MISMATCH: {
    http: 403,
    grpc: GrpcStatus.PERMISSION_DENIED,
    title: "The request names a tenant other than the caller's",
    titleIndonesian: 'Permintaan menyebut tenant selain tenant milik pemanggil',
  },
});

declare module '@balai/platform' {
  interface ErrorCodes extends Record<keyof typeof gatewayErrors, ErrorKind> {}
}
