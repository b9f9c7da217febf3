import { complaintErrorCodes } from '@balai/contracts';
import { defineErrors, type ErrorKind } from '@balai/platform';

/**
 * The complaints service's own error codes (the platform's come on top), registered as the
 * service starts (app.ts). They live in @balai/contracts so the gateway registers the very same
 * definitions.
 */
export const complaintErrors = defineErrors({ ...complaintErrorCodes });

declare module '@balai/platform' {
  interface ErrorCodes extends Record<keyof typeof complaintErrors, ErrorKind> {}
}
