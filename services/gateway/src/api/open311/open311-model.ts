/**
 * The resources of Open311 GeoReport v2 (https://wiki.open311.org/GeoReport_v2/) as the gateway
 * holds them before rendering: datetimes are `Date`s (rendered in the tenant's time zone by
 * open311-render.ts), absent optional fields are `null` or left out (rendered as JSON `null` and
 * as an empty XML element, as the specification's examples do). The wire shapes themselves are
 * the project's JSON Schemas in packages/testkit/open311-schemas (checked by the unit tests).
 */

/** The two formats of every GeoReport v2 endpoint (`/services.json`, `/services.xml`, ...). */
export type Open311Format = 'json' | 'xml';

/** The specification's identifier, as published in discovery. */
export const GEOREPORT_V2_SPECIFICATION = 'http://wiki.open311.org/GeoReport_v2';

/** Media types listed in discovery's `formats`. */
export const open311MediaTypes = { json: 'application/json', xml: 'text/xml' } as const satisfies Record<
  Open311Format,
  string
>;

/** The formats every Open311 answer comes in. */
export const open311Formats = Object.keys(open311MediaTypes) as Open311Format[];

/** `GET discovery.{format}`: where the API lives and who runs it. */
export interface Open311Discovery {
  /** When this document last changed. */
  changeset: Date;
  /** Human contact: who to ask about the API (an e-mail address, a phone number, a URL). */
  contact: string;
  /** How to get an api_key (a URL or instructions). */
  key_service: string;
  endpoints: Open311Endpoint[];
}

export interface Open311Endpoint {
  /** The specification the endpoint implements, e.g. GEOREPORT_V2_SPECIFICATION. */
  specification: string;
  /** Base URL; clients append `/services.json` and so on. */
  url: string;
  changeset: Date;
  type: 'production' | 'test';
  /** Media types served, e.g. ['text/xml', 'application/json']. */
  formats: string[];
}

/** `GET services.{format}`: one service (request type) of the jurisdiction. */
export interface Open311Service {
  service_code: string;
  service_name: string;
  description?: string | null;
  /** Whether the service has attributes, to be fetched from `services/{service_code}.{format}`. */
  metadata: boolean;
  /** realtime: requests are created in the system of record at once; batch: later; blackbox: no status kept. */
  type: 'realtime' | 'batch' | 'blackbox';
  /** Comma-separated keywords. */
  keywords?: string | null;
  /** The category the service is grouped under, e.g. "sanitation". */
  group?: string | null;
}

export const open311Datatypes = ['string', 'number', 'datetime', 'text', 'singlevaluelist', 'multivaluelist'] as const;
export type Open311Datatype = (typeof open311Datatypes)[number];

/** `GET services/{service_code}.{format}`: the attributes (extra form fields) of a service. */
export interface Open311ServiceDefinition {
  service_code: string;
  attributes: Open311Attribute[];
}

export interface Open311Attribute {
  /** false: the attribute only informs the user (its description), no input is taken. */
  variable: boolean;
  code: string;
  datatype: Open311Datatype;
  required: boolean;
  datatype_description?: string | null;
  /** Presentation order, 1 first. */
  order?: number | null;
  description?: string | null;
  /** The options of a singlevaluelist or multivaluelist; not rendered for other datatypes. */
  values?: Open311AttributeValue[];
}

export interface Open311AttributeValue {
  key: string;
  name: string;
}

export type Open311Status = 'open' | 'closed';

/** `GET requests.{format}` and `GET requests/{service_request_id}.{format}`: one service request. */
export interface Open311ServiceRequest {
  service_request_id: string;
  status: Open311Status;
  status_notes?: string | null;
  service_name?: string | null;
  service_code: string;
  description?: string | null;
  agency_responsible?: string | null;
  service_notice?: string | null;
  requested_datetime: Date;
  /** For a closed request, when it was closed. */
  updated_datetime?: Date | null;
  expected_datetime?: Date | null;
  address?: string | null;
  address_id?: string | null;
  zipcode?: string | null;
  lat?: number | null;
  long?: number | null;
  media_url?: string | null;
}

/**
 * `POST requests.{format}`: one element, holding either the request's id or, when the request is
 * created later (service type batch), a token to resolve with `GET tokens/{token}.{format}`.
 */
export type Open311CreatedRequest =
  | { service_request_id: string; token?: undefined; service_notice?: string | null; account_id?: string | null }
  | { token: string; service_request_id?: undefined; service_notice?: string | null; account_id?: string | null };

/** `GET tokens/{token}.{format}`: the request a token became (no id yet while it is pending). */
export interface Open311TokenResolution {
  token: string;
  service_request_id?: string | null;
}

/** One element of an error response; `code` is the HTTP status of the response. */
export interface Open311Error {
  code: number;
  description: string;
}

/**
 * `GET servicerequestupdates.{format}`: the service request updates extension, as FixMyStreet's
 * Open311 client reads it (perllib/Open311/GetServiceRequestUpdates.pm; XML root
 * `<service_requests_updates>`, elements `<request_update>`). Fields, in order: update_id,
 * service_request_id, status, updated_datetime, description, media_url; FixMyStreet's optional
 * `external_status_code` is rendered when present. FixMyStreet lower-cases the status and reads
 * `_` as a space, so its extended states are sent in this form.
 */
export const open311UpdateStatuses = [
  'open',
  'closed',
  'fixed',
  'in_progress',
  'action_scheduled',
  'investigating',
  'duplicate',
  'not_councils_responsibility',
  'no_further_action',
  'internal_referral',
] as const;
export type Open311UpdateStatus = (typeof open311UpdateStatuses)[number];

export interface Open311ServiceRequestUpdate {
  update_id: string;
  service_request_id: string;
  status: Open311UpdateStatus;
  updated_datetime: Date;
  description?: string | null;
  media_url?: string | null;
  /** The system of record's own status code (FixMyStreet maps it to response templates). */
  external_status_code?: string | null;
}

/** What a parser returns: the typed value, or the Open311 errors to answer with. */
export type Open311Result<T> = { ok: true; value: T } | { ok: false; errors: Open311Error[] };
