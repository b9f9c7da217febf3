import { problemContentType } from '@balai/platform';
import Type, { type TSchema } from 'typebox';
import { Value } from 'typebox/value';

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
    errors: Type.Optional(
      Type.Array(
        Type.Object({
          field: Type.Optional(
            Type.String({
              description:
                'A JSON Pointer into the request part `in` names (`/categoryCode`); empty: the part as a whole',
            }),
          ),
          in: Type.Optional(
            Type.Union([Type.Literal('body'), Type.Literal('query'), Type.Literal('path'), Type.Literal('header')], {
              description: 'The part of the request `field` points into',
            }),
          ),
          message: Type.String({ description: 'What is wrong, in the language of the answer (Content-Language)' }),
        }),
      ),
    ),
    currentVersion: Type.Optional(
      Type.Integer({
        minimum: 0,
        description: 'STALE_VERSION (409): the version the resource is at now; the ETag header names it too',
      }),
    ),
  },
  { $id: 'Problem' },
);

/**
 * The ETag of a versioned resource (docs/api-conventions.md, "Concurrency"): its version as a
 * strong validator, `"v<version>"`. A write takes it back as If-Match.
 */
export const ETagHeader = Type.String({
  pattern: '^"v[1-9][0-9]*"$',
  description: 'The version of the resource as a strong ETag; send it back as If-Match to change it',
  examples: ['"v7"'],
});

/** What a write of a versioned resource takes instead of (or with) the body's expectedVersion. */
export const IfMatchHeader = Type.String({
  maxLength: 100,
  description:
    'The ETag last read, for example "v7": the write is refused with 409 STALE_VERSION when the resource has ' +
    'changed since. An alternative to expectedVersion in the body (one of them is required; both must agree). ' +
    'One strong ETag only: *, a weak tag or a list is 400 INVALID_IF_MATCH.',
  examples: ['"v7"'],
});

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

/**
 * Every list answer's envelope (docs/api-conventions.md, "Lists"): the `items`, and
 * `nextPageToken`, always present: the cursor to send as `pageToken` for the next page, or null
 * when there is none (on the last page, and on every list that is not paged). `totalEstimate`
 * where it costs nothing to know: about how many items the whole list holds.
 */
export function ListEnvelope<T extends TSchema>(item: T) {
  return Type.Object({
    items: Type.Array(item),
    nextPageToken: Type.Union([Type.String(), Type.Null()], {
      description: "The next page's cursor (send it as pageToken); null on the last page",
    }),
    totalEstimate: Type.Optional(
      Type.Integer({
        minimum: 0,
        description: 'About how many items the whole list holds, where that is cheap to know',
      }),
    ),
  });
}

/** A list that is not paged, in the list envelope: all of it, no next page. */
export function wholeList<T>(items: T[]): { items: T[]; nextPageToken: null; totalEstimate: number } {
  return { items, nextPageToken: null, totalEstimate: items.length };
}

/**
 * A JSON answer as documented: its description, its schema (a `$ref` to the component when the
 * schema has an `$id`) and an example. Fastify serializes and types the reply by the same schema.
 */
export function jsonResponse<T extends TSchema>(description: string, schema: T, example?: unknown) {
  return {
    description,
    content: { 'application/json': { schema, ...(example === undefined ? {} : { example: asSent(schema, example) }) } },
  };
}

/** An example as the serializer sends it: without the properties the schema does not name. */
export function asSent(schema: TSchema, example: unknown): unknown {
  return Value.Clean(schema, structuredClone(example));
}

/**
 * A string of a known set, from the one list that defines the set (the OpenAPI document shows it
 * as an enum, generated clients as a union of literals).
 */
export function stringEnum<const Values extends readonly string[]>(
  values: Values,
  options: { description?: string; componentName?: string } = {},
) {
  const { componentName, ...annotations } = options;
  return Type.Unsafe<Values[number]>({
    type: 'string',
    enum: [...values],
    ...annotations,
    ...(componentName ? { [componentNameKey]: componentName } : {}),
  });
}

/**
 * Names a schema as an OpenAPI component without an `$id`: a value set used several times in one
 * answer (a status in a complaint and in its timeline) cannot carry an `$id`, which fastify's
 * serializer takes as two schemas with one name. The document turns it into a `$ref` like an `$id`.
 */
export const componentNameKey = 'x-component-name';
