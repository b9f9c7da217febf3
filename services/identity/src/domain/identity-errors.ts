import { identityErrorCodes } from '@balai/contracts';
import { defineErrors } from '@balai/platform';

/**
 * The identity service's own error codes (the platform's come on top). Codes callers must tell
 * apart live in @balai/contracts, so the gateway registers the very same definitions.
 */
export const identityErrors = defineErrors({ ...identityErrorCodes });
