import { identityErrorCodes } from '@balai/contracts';
import { defineErrors, type ErrorKind } from '@balai/platform';

/**
 * The identity service's own error codes (the platform's come on top), registered as the service
 * starts (app.ts). Codes callers must tell apart live in @balai/contracts, so the gateway
 * registers the very same definitions.
 */
export const identityErrors = defineErrors({ ...identityErrorCodes });

declare module '@balai/platform' {
  interface ErrorCodes extends Record<keyof typeof identityErrors, ErrorKind> {}
}
