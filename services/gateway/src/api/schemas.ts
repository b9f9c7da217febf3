import { problemContentType } from '@balai/platform';
import Type, { type TSchema } from 'typebox';

export const TenantHeader = Type.Object({
  // Optional in the schema so a missing tenant gets its own code (TENANT_REQUIRED), not a generic one.
  'x-balai-tenant': Type.Optional(Type.String({ description: 'Tenant region code, for example 36.73 (Kota Serang)' })),
});

/** RFC 9457 problem details with the stable `code` member. */
export const ProblemSchema = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    code: Type.String(),
    detail: Type.Optional(Type.String()),
    instance: Type.Optional(Type.String()),
    errors: Type.Optional(Type.Array(Type.Object({ field: Type.Optional(Type.String()), message: Type.String() }))),
  },
  { $id: 'Problem' },
);

/**
 * Protocol buffers' int32, the type of every version and counter the services take: a larger
 * integer in a request is refused here (400) rather than reaching the service's encoder.
 */
export const int32Maximum = 2_147_483_647;

/** What a 429 carries besides its problem: when to try again. */
export const RetryAfterHeader = Type.Integer({
  minimum: 1,
  description: 'Seconds until the limit that was hit lets this caller through again',
});

/**
 * One error answer as documented: problem details, served as application/problem+json (never
 * application/json, which is what the answer's schema alone would have said).
 */
export function problemResponse(description: string, headers?: Record<string, TSchema>) {
  return {
    description,
    ...(headers ? { headers } : {}),
    content: { [problemContentType]: { schema: ProblemSchema } },
  };
}

/** Every route's error answers: problem details with a stable code. */
export const ProblemResponses = {
  400: problemResponse(
    'VALIDATION_FAILED (`errors` names each field), MALFORMED_JSON, MALFORMED_REQUEST (a URL or header that is ' +
      'not well-formed) or TENANT_REQUIRED',
  ),
  429: problemResponse(
    'RATE_LIMITED: too many requests of this kind from this address or caller; try again after Retry-After',
    { 'retry-after': RetryAfterHeader },
  ),
  '4xx': problemResponse(
    'UNAUTHENTICATED (401), FORBIDDEN (403), a *_NOT_FOUND or UNKNOWN_TENANT (404), STALE_VERSION and other ' +
      'conflicts (409), rule refusals (422), HEADERS_TOO_LARGE (431)',
  ),
  '5xx': problemResponse(
    'INTERNAL (500), UPSTREAM_UNAVAILABLE (503), UPSTREAM_TIMEOUT (504); the body never holds internal details',
  ),
};

/** Error answers of a route that reads a JSON body: the above, and 413 and 415. */
export const BodyProblemResponses = {
  ...ProblemResponses,
  413: problemResponse('PAYLOAD_TOO_LARGE: the body is larger than 1 MiB'),
  415: problemResponse('UNSUPPORTED_MEDIA_TYPE: the body is not application/json'),
};
