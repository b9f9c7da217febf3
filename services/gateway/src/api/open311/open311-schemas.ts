import { point, problemContentType } from '@balai/platform';
import Type, { type TSchema } from 'typebox';
import { AttributeAnswer, Description } from '../complaint-schemas.js';
import { ProblemSchema, RetryAfterHeader, stringEnum } from '../schemas.js';
import { type Open311Example, open311Examples } from './open311-examples.js';
import { open311Datatypes, open311UpdateStatuses } from './open311-model.js';
import { attributeCodeSource, createRequestLimits, parameterText } from './open311-request-parsing.js';

/**
 * The OpenAPI description of Open311 GeoReport v2 (`/open311/v2`): what its routes take and
 * answer, in JSON and XML. Documentation only: the routes render their bodies themselves
 * (`open311-render.ts`) and read their input with `open311-request-parsing.ts`,
 * which answer Open311 error arrays, so nothing here is used to validate or serialise. The JSON
 * shapes are those of the project's schemas of the specification (packages/testkit/open311-schemas).
 */

const xmlMediaType = 'text/xml';

/** An XML answer: the same document as the JSON one, in the specification's XML form. */
const XmlDocument = Type.String({
  description: 'The same answer in GeoReport v2\'s XML form (UTF-8, `<?xml version="1.0" encoding="UTF-8"?>`)',
});

/** A 200 in both formats: the path's `.json` or `.xml` says which one is sent. */
function open311Answer(description: string, json: TSchema, example: Open311Example) {
  return {
    description: `${description}; \`.json\` answers application/json, \`.xml\` text/xml`,
    content: {
      'application/json': { schema: json, example: example.json },
      [xmlMediaType]: { schema: XmlDocument, example: example.xml },
    },
  };
}

const Identifier = Type.String({ minLength: 1 });
const Datetime = Type.String({
  format: 'date-time',
  description: "W3C datetime in the tenant's zone, e.g. 2026-11-29T13:05:00+07:00",
});
const NullableText = Type.Union([Type.String(), Type.Null()]);
const NullableDatetime = Type.Union([Datetime, Type.Null()]);

export const Open311ErrorList = Type.Array(
  Type.Object({
    code: Type.Integer({ description: 'The HTTP status of the answer' }),
    description: Type.String({ minLength: 1 }),
  }),
  { minItems: 1, description: 'GeoReport v2 errors: `[{code, description}]`, in XML `<errors><error>`' },
);

function open311Error(description: string, options: { headers?: Record<string, TSchema>; problem?: string } = {}) {
  return {
    description: options.problem ? `${description}. ${options.problem}` : description,
    ...(options.headers ? { headers: options.headers } : {}),
    content: {
      'application/json': { schema: Open311ErrorList, example: open311Examples.errors.json },
      [xmlMediaType]: { schema: XmlDocument, example: open311Examples.errors.xml },
      ...(options.problem ? { [problemContentType]: { schema: ProblemSchema } } : {}),
    },
  };
}

/** What every Open311 route may answer besides its 200: Open311 errors in the path's format. */
export const Open311ErrorResponses = {
  400: open311Error('A parameter is not valid; one error per problem, naming the parameter', {
    problem:
      'A URL the gateway cannot route at all (bad percent-encoding, a path segment over 100 characters) is ' +
      'refused before the Open311 routes see it, as application/problem+json',
  }),
  403: open311Error("api_key is missing or not valid, or names another tenant's jurisdiction"),
  404: open311Error(
    'Unknown jurisdiction_id, service_code, service_request_id or token, or a format other than json/xml',
  ),
  429: open311Error('Too many requests from this address or partner; try again after Retry-After', {
    headers: { 'retry-after': RetryAfterHeader },
  }),
  '4xx': open311Error('Any other refusal, with its HTTP status as the code'),
  '5xx': open311Error('503 when a service behind the gateway cannot be reached, 504 when it does not answer in time'),
};

/** POST requests also reads a body: 413 when it is too large, 415 when it is neither form nor JSON. */
export const Open311BodyErrorResponses = {
  ...Open311ErrorResponses,
  413: open311Error('The body is larger than 1 MiB'),
  415: open311Error('The body is neither application/x-www-form-urlencoded nor application/json'),
};

export const Open311Format = Type.Union([Type.Literal('json'), Type.Literal('xml')], {
  description: 'json or xml: the format of the answer, errors included',
});

/** `{name}.{format}` path segments: a service code, request id or token, then the format. */
export const Open311File = (what: string) =>
  Type.String({
    pattern: '^[^/]+\\.(json|xml)$',
    description: `${what}.json or ${what}.xml (an unknown one is 404)`,
    examples: ['roads.pothole.json'],
  });

/** A query parameter the route reads itself: one value, or the parameter repeated (a list, or a 400). */
const QueryValue = (description: string) => Type.Union([Type.String(), Type.Array(Type.String())], { description });

export const Open311SearchQuery = Type.Object({
  jurisdiction_id: Type.Optional(QueryValue('A configured host name, or the region code (36.73)')),
  service_request_id: Type.Optional(
    QueryValue('Comma list of at most 100 ids (or the parameter repeated); overrides every other filter'),
  ),
  service_code: Type.Optional(QueryValue('Comma list of at most 50 service codes (or repeated)')),
  status: Type.Optional(QueryValue('open, closed, or both comma-separated')),
  start_date: Type.Optional(QueryValue('W3C datetime; requested_datetime at or after it')),
  end_date: Type.Optional(QueryValue('W3C datetime; at most 90 days after start_date')),
  page: Type.Optional(QueryValue('1 to 10000, default 1')),
  page_size: Type.Optional(QueryValue('1 to 1000, default 1000')),
  locale: Type.Optional(QueryValue('Extension: "en" for English service names; Indonesian otherwise')),
});

export const Open311UpdatesQuery = Type.Object({
  jurisdiction_id: Type.Optional(QueryValue('A configured host name, or the region code (36.73)')),
  start_date: Type.Optional(QueryValue('W3C datetime; default 24 hours before end_date')),
  end_date: Type.Optional(QueryValue('W3C datetime; default now, at most 90 days after start_date')),
  api_key: Type.Optional(QueryValue('Accepted and not needed')),
});

const { latitude, longitude } = point({
  latitude: { description: 'WGS84 latitude, required with long in Balai' },
  longitude: { description: 'WGS84 longitude' },
});

/**
 * The form of POST requests, as a partner app sends it (application/x-www-form-urlencoded), or
 * the same names as a flat JSON object. Read and checked by `parseCreateRequestForm`, with the
 * same fields.
 */
export const Open311RequestForm = Type.Object(
  {
    api_key: parameterText('api_key', {
      description: 'The partner app\'s key: base64url("<client_id>:<client_secret>")',
    }),
    jurisdiction_id: Type.Optional(parameterText('jurisdiction_id', { description: "Default: the api_key's tenant" })),
    service_code: parameterText('service_code', {
      description: 'A service_code of GET services',
      examples: ['roads.pothole'],
    }),
    lat: latitude,
    long: longitude,
    address_string: Type.Optional(parameterText('address_string', { description: 'Kept as the address' })),
    address_id: Type.Optional(parameterText('address_id', { description: 'Accepted and not kept' })),
    email: Type.Optional(parameterText('email')),
    device_id: Type.Optional(parameterText('device_id')),
    account_id: Type.Optional(parameterText('account_id')),
    first_name: Type.Optional(parameterText('first_name')),
    last_name: Type.Optional(parameterText('last_name')),
    phone: Type.Optional(parameterText('phone')),
    description: Description,
    media_url: Type.Optional(parameterText('media_url', { description: 'https URL of a photo already uploaded' })),
  },
  {
    patternProperties: {
      [`^attribute\\[${attributeCodeSource}\\]$`]: AttributeAnswer,
      [`^attribute\\[${attributeCodeSource}\\]\\[\\]$`]: Type.Array(AttributeAnswer, {
        maxItems: createRequestLimits.valuesPerAttribute,
      }),
    },
    description:
      "attribute[code] (attribute[code][] for a multivaluelist) answer the service's attributes; other names are ignored",
    examples: [
      {
        api_key: 'bGFwb3ItY2VwYXQ6c2VjcmV0',
        service_code: 'roads.pothole',
        lat: -6.1103,
        long: 106.1631,
        description: 'Lubang besar di depan Pasar Rau, berbahaya bagi pengendara motor',
        'attribute[road_type]': 'city',
      },
    ],
  },
);

export const Open311Body = {
  content: {
    'application/x-www-form-urlencoded': { schema: Open311RequestForm },
    'application/json': { schema: Open311RequestForm },
  },
};

// ---- Answers -----------------------------------------------------------------------------------

const DiscoverySchema = Type.Object({
  changeset: Type.String({ minLength: 1 }),
  contact: Type.String({ minLength: 1 }),
  key_service: Type.String({ minLength: 1 }),
  endpoints: Type.Array(
    Type.Object({
      specification: Type.String({ minLength: 1 }),
      url: Type.String({ format: 'uri' }),
      changeset: Type.String({ minLength: 1 }),
      type: Type.Union([Type.Literal('production'), Type.Literal('test')]),
      formats: Type.Array(Type.String(), { minItems: 1 }),
    }),
    { minItems: 1 },
  ),
});

const ServiceSchema = Type.Object({
  service_code: Identifier,
  service_name: Type.String({ minLength: 1 }),
  description: NullableText,
  metadata: Type.Boolean(),
  type: Type.Union([Type.Literal('realtime'), Type.Literal('batch'), Type.Literal('blackbox')]),
  keywords: NullableText,
  group: NullableText,
});

const ServiceDefinitionSchema = Type.Object({
  service_code: Identifier,
  attributes: Type.Array(
    Type.Object({
      variable: Type.Boolean(),
      code: Identifier,
      datatype: stringEnum(open311Datatypes),
      required: Type.Boolean(),
      datatype_description: NullableText,
      order: Type.Union([Type.Integer({ minimum: 1 }), Type.Null()]),
      description: NullableText,
      values: Type.Optional(Type.Array(Type.Object({ key: Identifier, name: Type.String({ minLength: 1 }) }))),
    }),
  ),
});

const ServiceRequestSchema = Type.Object({
  service_request_id: Identifier,
  status: Type.Union([Type.Literal('open'), Type.Literal('closed')]),
  status_notes: Type.Optional(NullableText),
  service_name: NullableText,
  service_code: Identifier,
  description: Type.Union([Type.String({ maxLength: 4000 }), Type.Null()]),
  agency_responsible: Type.Optional(NullableText),
  service_notice: Type.Optional(NullableText),
  requested_datetime: Datetime,
  updated_datetime: NullableDatetime,
  expected_datetime: Type.Optional(NullableDatetime),
  address: NullableText,
  address_id: NullableText,
  zipcode: NullableText,
  lat: Type.Union([Type.Number({ minimum: -90, maximum: 90 }), Type.Null()]),
  long: Type.Union([Type.Number({ minimum: -180, maximum: 180 }), Type.Null()]),
  media_url: NullableText,
});

const CreatedRequestSchema = Type.Object({
  service_request_id: Identifier,
  service_notice: Type.Optional(NullableText),
  account_id: Type.Optional(NullableText),
});

const TokenSchema = Type.Object({ service_request_id: Type.Optional(Identifier), token: Identifier });

const ServiceRequestUpdateSchema = Type.Object({
  update_id: Identifier,
  service_request_id: Identifier,
  status: stringEnum(open311UpdateStatuses, { description: "FixMyStreet's states, `_` read as a space" }),
  updated_datetime: Datetime,
  description: NullableText,
  media_url: NullableText,
  external_status_code: Type.Optional(NullableText),
});

export const Open311Answers = {
  discovery: open311Answer('Where the API is and who runs it', DiscoverySchema, open311Examples.discovery),
  services: open311Answer(
    "The jurisdiction's services (complaint categories)",
    Type.Array(ServiceSchema),
    open311Examples.services,
  ),
  serviceDefinition: open311Answer(
    "A service's attributes",
    ServiceDefinitionSchema,
    open311Examples.serviceDefinition,
  ),
  created: open311Answer(
    'The request just created (at once: an id, never a token)',
    Type.Array(CreatedRequestSchema, { minItems: 1, maxItems: 1 }),
    open311Examples.created,
  ),
  requests: open311Answer(
    'Service requests, newest first (public view)',
    Type.Array(ServiceRequestSchema),
    open311Examples.requests,
  ),
  token: open311Answer(
    'The request a token stands for (its id)',
    Type.Array(TokenSchema, { minItems: 1 }),
    open311Examples.token,
  ),
  updates: open311Answer(
    'Public updates of service requests, oldest first',
    Type.Array(ServiceRequestUpdateSchema),
    open311Examples.updates,
  ),
};
