import {
  boundedText,
  contactEmail,
  type ErrorDetail,
  fieldProblems,
  httpsUrl,
  point,
  type TextLines,
} from '@balai/platform';
import Type from 'typebox';
import { AttributeAnswer, attributeAnswerLength, descriptionLength } from '../complaint-schemas.js';
import { DEFAULT_OPEN311_TIME_ZONE, parseOpen311Datetime } from './open311-datetime.js';
import type { Open311Error, Open311Result, Open311Status } from './open311-model.js';

/**
 * Input of the GeoReport v2 endpoints, read without trusting its shape: form bodies and query
 * strings are flat name=value pairs here, never nested objects, so a key such as
 * `service_code[$ne]`, `attribute[a][b]` or `__proto__` can at most be an ignored name, and every
 * value the routes get is a plain string, number or Date. Problems come back as Open311 400
 * errors, one per problem; whether a service_code exists (404) is for the caller to decide.
 */

// ---- POST requests.{format} --------------------------------------------------------------------

/** A service request to create, as `POST requests.{format}` sends it. */
export interface Open311NewRequest {
  apiKey: string | null;
  jurisdictionId: string | null;
  serviceCode: string;
  /** WGS84; both or neither. */
  lat: number | null;
  long: number | null;
  addressString: string | null;
  addressId: string | null;
  email: string | null;
  deviceId: string | null;
  accountId: string | null;
  firstName: string | null;
  lastName: string | null;
  phone: string | null;
  description: string | null;
  mediaUrl: string | null;
  /**
   * `attribute[code]=value` as a string, `attribute[code][]=v1&attribute[code][]=v2`
   * (multivaluelist) as a list. Checking them against the service definition is the caller's.
   */
  attributes: ReadonlyMap<string, string | readonly string[]>;
}

/** Bounds on what one form may carry: far above any real client, far below harm. */
export const createRequestLimits = {
  parameters: 200,
  attributes: 50,
  valuesPerAttribute: 50,
} as const;

type Field = Exclude<keyof Open311NewRequest, 'attributes' | 'lat' | 'long'>;

/** The form's scalar parameters: the name each is read into, its longest value, and whether it may span lines. */
const scalarParameters = {
  api_key: { field: 'apiKey', maxLength: 256 },
  jurisdiction_id: { field: 'jurisdictionId', maxLength: 253 },
  service_code: { field: 'serviceCode', maxLength: 100 },
  address_string: { field: 'addressString', maxLength: 500 },
  address_id: { field: 'addressId', maxLength: 100 },
  email: { field: 'email', maxLength: 254 },
  device_id: { field: 'deviceId', maxLength: 200 },
  account_id: { field: 'accountId', maxLength: 200 },
  first_name: { field: 'firstName', maxLength: 100 },
  last_name: { field: 'lastName', maxLength: 100 },
  phone: { field: 'phone', maxLength: 32 },
  description: { field: 'description', maxLength: descriptionLength.max, lines: 'multi' },
  media_url: { field: 'mediaUrl', maxLength: 2048 },
} as const satisfies Record<string, { field: Field; maxLength: number; lines?: TextLines }>;

export type ScalarParameter = keyof typeof scalarParameters;
const scalarNames = Object.keys(scalarParameters) as ScalarParameter[];

function isScalarParameter(name: string): name is ScalarParameter {
  return Object.hasOwn(scalarParameters, name);
}

/**
 * A scalar parameter as free text (the platform's text rule) of its longest value; `options`
 * document it (open311-schemas.ts).
 */
export function parameterText(name: ScalarParameter, options?: Parameters<typeof boundedText>[2]) {
  const parameter: { maxLength: number; lines?: TextLines } = scalarParameters[name];
  return boundedText({ max: parameter.maxLength }, parameter.lines ?? 'single', options);
}

/** Every scalar parameter sent, as text. */
const FormText = Type.Object(Object.fromEntries(scalarNames.map((name) => [name, Type.Optional(parameterText(name))])));

/** lat and long as the platform's point, by the form's names. */
const { latitude, longitude } = point();
const FormPoint = Type.Object({ lat: latitude, long: longitude });

/** What some parameters must be besides text. The phone's shape is Open311's own: any digits a partner app has. */
const FormShapes = Type.Object({
  email: Type.Optional(contactEmail()),
  phone: Type.Optional(Type.String({ pattern: '^\\+?[0-9 ()-]{4,31}$' })),
  media_url: Type.Optional(httpsUrl()),
});

/**
 * Attribute codes as services define them (letters, digits, `_`, `.`, `-`): never `$gt`, never
 * a path. Looser than Balai's own codes, as partner apps of other Open311 servers send them.
 */
export const attributeCodeSource = '[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}';
/** `attribute[code]` or `attribute[code][]`; the code itself is checked separately. */
const attributeKey = /^attribute\[([^[\]]*)\](\[\])?$/;
const attributeCode = new RegExp(`^${attributeCodeSource}$`);
/** Kept in a Map here, but refused anyway: a later `Object.fromEntries` must not meet them. */
const reservedCodes = new Set(['__proto__', 'constructor', 'prototype']);
/** Decimal degrees as partner apps write them: no exponent, no hex, no thousands separators. */
const decimalDegrees = /^-?\d{1,3}(\.\d{1,15})?$/;

function badRequest(description: string): Open311Error {
  return { code: 400, description };
}

/**
 * A text parameter's problem in Open311's words: "contains control characters" for the controls
 * Open311 has always refused itself. The platform's other refusals are said in its words, as
 * complaints said them when it was the one to refuse: unpaired surrogates and non-characters,
 * and a carriage return that ends no line in multi-line text (where the form keeps line breaks).
 */
function textError(name: string, problem: ErrorDetail, text: { maxLength: number; lines?: TextLines }): Open311Error {
  const loneCarriageReturn = text.lines === 'multi' && problem.message.endsWith('(found U+000D)');
  if (problem.message.startsWith('must not contain control characters') && !loneCarriageReturn) {
    return badRequest(`${name} contains control characters`);
  }
  if (problem.message.startsWith('must not contain')) return badRequest(`${name} ${problem.message}`);
  return badRequest(`${name} is longer than ${text.maxLength} characters`);
}

function attributeValueError(code: string, value: string): Open311Error | null {
  const [problem] = fieldProblems(AttributeAnswer, value);
  return problem
    ? textError(`attribute[${code}]`, problem, { maxLength: attributeAnswerLength, lines: 'multi' })
    : null;
}

const coordinateErrors = {
  lat: 'lat must be a WGS84 decimal degree between -90 and 90',
  long: 'long must be a WGS84 decimal degree between -180 and 180',
};

/**
 * A shape problem in Open311's words. media_url's is the platform's own (httpsUrl says what to
 * fix); complaints also refuses private and internal hosts, and its refusal comes back naming
 * media_url.
 */
const shapeErrors = {
  email: () => 'email is not valid',
  phone: () => 'phone is not valid',
  media_url: (problem: string) => `media_url ${problem}`,
};

/**
 * Reads the body of `POST requests.{format}` (application/x-www-form-urlencoded, given raw or as
 * URLSearchParams). Empty values count as absent, as form clients send every field. A scalar sent
 * twice is refused rather than guessed; unknown parameters are ignored, as the specification
 * lets servers do.
 */
export function parseCreateRequestForm(body: string | URLSearchParams): Open311Result<Open311NewRequest> {
  const params = typeof body === 'string' ? new URLSearchParams(body) : body;
  const problems: Open311Error[] = [];
  const scalars = new Map<string, string>();
  const attributes = new Map<string, string | string[]>();
  let count = 0;

  for (const [key, rawValue] of params) {
    count += 1;
    if (count > createRequestLimits.parameters) {
      return { ok: false, errors: [badRequest(`The form has more than ${createRequestLimits.parameters} parameters`)] };
    }
    const value = rawValue.trim();
    const attribute = attributeKey.exec(key);
    if (attribute) {
      const code = attribute[1] ?? '';
      const isList = attribute[2] !== undefined;
      if (!attributeCode.test(code) || reservedCodes.has(code)) {
        problems.push(badRequest(`attribute code "${code.slice(0, 64)}" is not valid`));
        continue;
      }
      const valueError = attributeValueError(code, value);
      if (valueError) problems.push(valueError);
      const existing = attributes.get(code);
      if (isList) {
        if (typeof existing === 'string') {
          problems.push(badRequest(`attribute[${code}] is sent both as one value and as a list`));
        } else if (existing) {
          if (existing.length >= createRequestLimits.valuesPerAttribute) {
            problems.push(
              badRequest(`attribute[${code}] has more than ${createRequestLimits.valuesPerAttribute} values`),
            );
          } else if (value !== '') existing.push(value);
        } else {
          if (attributes.size >= createRequestLimits.attributes) {
            problems.push(badRequest(`The form has more than ${createRequestLimits.attributes} attributes`));
            continue;
          }
          attributes.set(code, value === '' ? [] : [value]);
        }
      } else if (existing !== undefined) {
        problems.push(badRequest(`attribute[${code}] is sent more than once; use attribute[${code}][] for a list`));
      } else if (attributes.size >= createRequestLimits.attributes) {
        problems.push(badRequest(`The form has more than ${createRequestLimits.attributes} attributes`));
      } else if (value !== '') {
        attributes.set(code, value);
      }
      continue;
    }
    if (key !== 'lat' && key !== 'long' && !isScalarParameter(key)) continue;
    if (scalars.has(key)) {
      problems.push(badRequest(`${key} is sent more than once`));
      continue;
    }
    scalars.set(key, value);
  }

  const result: Omit<Open311NewRequest, 'attributes'> = {
    apiKey: null,
    jurisdictionId: null,
    serviceCode: '',
    lat: null,
    long: null,
    addressString: null,
    addressId: null,
    email: null,
    deviceId: null,
    accountId: null,
    firstName: null,
    lastName: null,
    phone: null,
    description: null,
    mediaUrl: null,
  };
  const given: Partial<Record<ScalarParameter, string>> = {};
  for (const name of scalarNames) {
    const value = scalars.get(name);
    if (value === undefined || value === '') continue;
    given[name] = value;
    result[scalarParameters[name].field] = value;
  }
  const textProblems = new Map(fieldProblems(FormText, given).map((problem) => [problem.field, problem]));
  for (const name of scalarNames) {
    const problem = textProblems.get(`/${name}`);
    if (problem) problems.push(textError(name, problem, scalarParameters[name]));
  }

  if (result.serviceCode === '') problems.push(badRequest('service_code is required'));
  const lat = scalars.get('lat') || undefined;
  const long = scalars.get('long') || undefined;
  if ((lat === undefined) !== (long === undefined)) {
    problems.push(badRequest('lat and long must be sent together'));
  } else if (lat !== undefined && long !== undefined) {
    const degrees = (value: string) => (decimalDegrees.test(value) ? Number(value) : Number.NaN);
    const coordinates = { lat: degrees(lat), long: degrees(long) };
    const refused = new Set(fieldProblems(FormPoint, coordinates).map((problem) => problem.field));
    for (const name of ['lat', 'long'] as const) {
      if (refused.has(`/${name}`)) problems.push(badRequest(coordinateErrors[name]));
      else result[name] = coordinates[name];
    }
  }
  if (lat === undefined && long === undefined && result.addressString === null && result.addressId === null) {
    problems.push(badRequest('A location is required: lat and long, address_string or address_id'));
  }
  // A media_url that is too long or holds refused characters has been answered as text already.
  const shapes = {
    email: given.email,
    phone: given.phone,
    media_url: textProblems.has('/media_url') ? undefined : given.media_url,
  };
  const shapeProblems = new Map(fieldProblems(FormShapes, shapes).map((problem) => [problem.field, problem.message]));
  for (const name of ['email', 'phone', 'media_url'] as const) {
    const problem = shapeProblems.get(`/${name}`);
    if (problem !== undefined) problems.push(badRequest(shapeErrors[name](problem)));
  }

  if (problems.length > 0) return { ok: false, errors: problems };
  return { ok: true, value: { ...result, attributes } };
}

// ---- GET requests.{format} ---------------------------------------------------------------------

/** `GET requests.{format}`: either named requests, or a filtered, paged search. */
export type Open311RequestSearch =
  | {
      kind: 'ids';
      jurisdictionId: string | null;
      /** service_request_id "overrides all other arguments" (specification). */
      serviceRequestIds: string[];
    }
  | {
      kind: 'filter';
      jurisdictionId: string | null;
      /** Empty: every service. */
      serviceCodes: string[];
      /** Bounds on requested_datetime, inclusive. */
      start: Date;
      end: Date;
      /** Empty: every status. */
      statuses: Open311Status[];
      /** 1-based. */
      page: number;
      pageSize: number;
    };

export interface RequestSearchOptions {
  /** The clock, for the default window. */
  now?: Date;
  /** Zone of date-only start_date/end_date; default Asia/Jakarta. */
  timeZone?: string;
  /** Default 1000: the specification's "first 1000 requests returned". */
  defaultPageSize?: number;
  /** Default 1000. */
  maxPageSize?: number;
}

export const requestSearchLimits = {
  /** The specification's window: the default span, and the longest start_date..end_date. */
  windowDays: 90,
  serviceRequestIds: 100,
  serviceCodes: 50,
  maxPage: 10_000,
  pageSize: 1000,
} as const;

const dayMs = 86_400_000;
/** A complaint id as Open311 reads one from a query or a path: never an operator, never a path. */
const serviceRequestId = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;

export function isServiceRequestId(value: string): boolean {
  return serviceRequestId.test(value);
}
const serviceCode = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/;
const positiveInteger = /^[0-9]{1,7}$/;

/**
 * A query parameter as fastify hands it over: a string, or a list when repeated. Anything else
 * (an object from some other parser) is refused, never read.
 */
function queryValues(query: Record<string, unknown>, name: string, problems: Open311Error[]): string[] | undefined {
  if (!Object.hasOwn(query, name)) return undefined;
  const raw = query[name];
  if (typeof raw === 'string') return [raw];
  if (Array.isArray(raw) && raw.every((item) => typeof item === 'string')) return raw as string[];
  problems.push(badRequest(`${name} must be a plain value`));
  return undefined;
}

function single(query: Record<string, unknown>, name: string, problems: Open311Error[]): string | undefined {
  const values = queryValues(query, name, problems);
  if (values === undefined) return undefined;
  if (values.length !== 1) {
    problems.push(badRequest(`${name} is sent more than once`));
    return undefined;
  }
  const value = (values[0] ?? '').trim();
  return value === '' ? undefined : value;
}

/** Comma-separated and/or repeated, as the specification allows for service_request_id and status. */
function list(query: Record<string, unknown>, name: string, problems: Open311Error[]): string[] {
  const values = queryValues(query, name, problems) ?? [];
  return [
    ...new Set(
      values
        .flatMap((value) => value.split(','))
        .map((value) => value.trim())
        .filter(Boolean),
    ),
  ];
}

function integer(
  query: Record<string, unknown>,
  name: string,
  bounds: { min: number; max: number; fallback: number },
  problems: Open311Error[],
): number {
  const value = single(query, name, problems);
  if (value === undefined) return bounds.fallback;
  const number = positiveInteger.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(number) || number < bounds.min || number > bounds.max) {
    problems.push(badRequest(`${name} must be a whole number from ${bounds.min} to ${bounds.max}`));
    return bounds.fallback;
  }
  return number;
}

function date(
  query: Record<string, unknown>,
  name: string,
  timeZone: string,
  problems: Open311Error[],
): Date | undefined {
  const value = single(query, name, problems);
  if (value === undefined) return undefined;
  const parsed = parseOpen311Datetime(value, timeZone);
  if (parsed === null) {
    problems.push(badRequest(`${name} must be a W3C datetime such as 2026-11-29T13:05:00+07:00`));
    return undefined;
  }
  return parsed;
}

/**
 * Reads the query of `GET requests.{format}`. Without dates the window is the last 90 days; with
 * one date it is the 90 days after start_date or before end_date; both may not span more than
 * 90 days. page/page_size are the common paging extension.
 */
export function parseRequestSearchQuery(
  query: unknown,
  options: RequestSearchOptions = {},
): Open311Result<Open311RequestSearch> {
  if (query === null || typeof query !== 'object') return { ok: false, errors: [badRequest('The query is not valid')] };
  const params = query as Record<string, unknown>;
  const problems: Open311Error[] = [];
  const timeZone = options.timeZone ?? DEFAULT_OPEN311_TIME_ZONE;
  const jurisdictionId = single(params, 'jurisdiction_id', problems) ?? null;

  const ids = list(params, 'service_request_id', problems);
  if (ids.length > 0) {
    if (ids.length > requestSearchLimits.serviceRequestIds) {
      problems.push(badRequest(`At most ${requestSearchLimits.serviceRequestIds} service_request_id values`));
    }
    for (const id of ids) {
      if (!isServiceRequestId(id)) problems.push(badRequest(`service_request_id "${id.slice(0, 64)}" is not valid`));
    }
    if (problems.length > 0) return { ok: false, errors: problems };
    return { ok: true, value: { kind: 'ids', jurisdictionId, serviceRequestIds: ids } };
  }

  const serviceCodes = list(params, 'service_code', problems);
  if (serviceCodes.length > requestSearchLimits.serviceCodes) {
    problems.push(badRequest(`At most ${requestSearchLimits.serviceCodes} service_code values`));
  }
  for (const code of serviceCodes) {
    if (!serviceCode.test(code)) problems.push(badRequest(`service_code "${code.slice(0, 100)}" is not valid`));
  }

  const statuses: Open311Status[] = [];
  for (const status of list(params, 'status', problems)) {
    if (status === 'open' || status === 'closed') statuses.push(status);
    else problems.push(badRequest('status must be open, closed or both, comma-separated'));
  }

  const window = requestSearchLimits.windowDays * dayMs;
  const startDate = date(params, 'start_date', timeZone, problems);
  const endDate = date(params, 'end_date', timeZone, problems);
  const now = options.now ?? new Date();
  let start: Date;
  let end: Date;
  if (startDate && endDate) {
    start = startDate;
    end = endDate;
    if (end < start) problems.push(badRequest('end_date is before start_date'));
    else if (end.getTime() - start.getTime() > window) {
      problems.push(
        badRequest(`start_date and end_date may not span more than ${requestSearchLimits.windowDays} days`),
      );
    }
  } else if (startDate) {
    start = startDate;
    end = new Date(startDate.getTime() + window);
  } else if (endDate) {
    end = endDate;
    start = new Date(endDate.getTime() - window);
  } else {
    end = now;
    start = new Date(now.getTime() - window);
  }

  const maxPageSize = options.maxPageSize ?? requestSearchLimits.pageSize;
  const page = integer(params, 'page', { min: 1, max: requestSearchLimits.maxPage, fallback: 1 }, problems);
  const pageSize = integer(
    params,
    'page_size',
    { min: 1, max: maxPageSize, fallback: Math.min(options.defaultPageSize ?? maxPageSize, maxPageSize) },
    problems,
  );

  if (problems.length > 0) return { ok: false, errors: problems };
  return {
    ok: true,
    value: {
      kind: 'filter',
      jurisdictionId,
      serviceCodes,
      start,
      end,
      statuses: [...new Set(statuses)],
      page,
      pageSize,
    },
  };
}

// ---- GET servicerequestupdates.{format} --------------------------------------------------------

/** `GET servicerequestupdates.{format}` (FixMyStreet's extension): updates in [start, end). */
export interface Open311UpdatesQuery {
  jurisdictionId: string | null;
  start: Date;
  end: Date;
}

export const updatesQueryLimits = {
  /** Without dates: the last day, which is what a client polling for news needs. */
  defaultWindowHours: 24,
  /** The longest start_date..end_date, as for requests. */
  windowDays: 90,
} as const;

/**
 * Reads the query of `GET servicerequestupdates.{format}`: start_date and end_date bound when
 * the updates happened (default: the 24 hours before end_date, or now), at most 90 days apart.
 * api_key is accepted and not needed: updates are public.
 */
export function parseUpdatesQuery(
  query: unknown,
  options: { now?: Date; timeZone?: string } = {},
): Open311Result<Open311UpdatesQuery> {
  if (query === null || typeof query !== 'object') return { ok: false, errors: [badRequest('The query is not valid')] };
  const params = query as Record<string, unknown>;
  const problems: Open311Error[] = [];
  const timeZone = options.timeZone ?? DEFAULT_OPEN311_TIME_ZONE;
  const jurisdictionId = single(params, 'jurisdiction_id', problems) ?? null;
  const startDate = date(params, 'start_date', timeZone, problems);
  const endDate = date(params, 'end_date', timeZone, problems);
  const end = endDate ?? options.now ?? new Date();
  const start = startDate ?? new Date(end.getTime() - updatesQueryLimits.defaultWindowHours * 3_600_000);
  if (end < start) problems.push(badRequest('end_date is before start_date'));
  else if (end.getTime() - start.getTime() > updatesQueryLimits.windowDays * dayMs) {
    problems.push(badRequest(`start_date and end_date may not span more than ${updatesQueryLimits.windowDays} days`));
  }
  if (problems.length > 0) return { ok: false, errors: problems };
  return { ok: true, value: { jurisdictionId, start, end } };
}
