import { complaintErrorCodes, identityErrorCodes } from '@balai/contracts';
import { defineErrors, type ErrorKind } from '@balai/platform';

/**
 * Error codes the services behind the gateway answer with, registered as the gateway starts
 * (app.ts) so they keep their HTTP status here instead of becoming 500s. The very definitions
 * the services register (from contracts).
 */
export const upstreamErrors = defineErrors({ ...identityErrorCodes, ...complaintErrorCodes });

declare module '@balai/platform' {
  interface ErrorCodes extends Record<keyof typeof upstreamErrors, ErrorKind> {}
}
