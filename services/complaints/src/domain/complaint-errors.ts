import { complaintErrorCodes } from '@balai/contracts';
import { defineErrors } from '@balai/platform';

/**
 * The complaints service's own error codes (the platform's come on top). They live in
 * @balai/contracts so the gateway registers the very same definitions.
 */
export const complaintErrors = defineErrors({ ...complaintErrorCodes });
