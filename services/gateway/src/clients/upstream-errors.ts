import { complaintErrorCodes, identityErrorCodes } from '@balai/contracts';
import { defineErrors } from '@balai/platform';

/**
 * Error codes the services behind the gateway answer with, so they keep their HTTP status
 * here instead of becoming 500s. The very definitions the services register (from contracts).
 */
export const upstreamErrors = defineErrors({ ...identityErrorCodes, ...complaintErrorCodes });
