import { XMLBuilder } from 'fast-xml-parser';
import { DEFAULT_OPEN311_TIME_ZONE, formatOpen311Datetime } from './open311-datetime.js';
import type {
  Open311Attribute,
  Open311CreatedRequest,
  Open311Discovery,
  Open311Error,
  Open311Format,
  Open311Service,
  Open311ServiceDefinition,
  Open311ServiceRequest,
  Open311ServiceRequestUpdate,
  Open311TokenResolution,
} from './open311-model.js';

/**
 * Open311 GeoReport v2 bodies in JSON and XML. JSON follows the project's schemas of the
 * specification (packages/testkit/open311-schemas): an absent field of a service, service
 * definition or request is `null`, as in the specification's examples; an absent field of a POST
 * response or token answer is left out, which those schemas allow as well. XML uses the
 * specification's element names, an absent field being an empty element (`<status_notes/>`).
 */

export interface Open311RenderOptions {
  /** IANA zone in which datetimes are written (the tenant's); default Asia/Jakarta. */
  timeZone?: string;
}

/** A body ready to send: `reply.type(rendered.contentType).send(rendered.body)`. */
export interface RenderedOpen311 {
  contentType: string;
  body: string;
}

export const open311ContentTypes = {
  json: 'application/json; charset=utf-8',
  xml: 'text/xml; charset=utf-8',
} as const satisfies Record<Open311Format, string>;

type Scalar = string | number | boolean | null;
type JsonObject = { [key: string]: Scalar | JsonObject | Scalar[] | JsonObject[] };

// ---- JSON shapes -------------------------------------------------------------------------------

function datetime(value: Date | null | undefined, timeZone: string): string | null {
  return value ? formatOpen311Datetime(value, timeZone) : null;
}

function zoneOf(options: Open311RenderOptions): string {
  return options.timeZone ?? DEFAULT_OPEN311_TIME_ZONE;
}

export function discoveryJson(discovery: Open311Discovery, options: Open311RenderOptions = {}): JsonObject {
  const timeZone = zoneOf(options);
  return {
    changeset: formatOpen311Datetime(discovery.changeset, timeZone),
    contact: discovery.contact,
    key_service: discovery.key_service,
    endpoints: discovery.endpoints.map((endpoint) => ({
      specification: endpoint.specification,
      url: endpoint.url,
      changeset: formatOpen311Datetime(endpoint.changeset, timeZone),
      type: endpoint.type,
      formats: [...endpoint.formats],
    })),
  };
}

export function serviceJson(service: Open311Service): JsonObject {
  return {
    service_code: service.service_code,
    service_name: service.service_name,
    description: service.description ?? null,
    metadata: service.metadata,
    type: service.type,
    keywords: service.keywords ?? null,
    group: service.group ?? null,
  };
}

function isListDatatype(attribute: Open311Attribute): boolean {
  return attribute.datatype === 'singlevaluelist' || attribute.datatype === 'multivaluelist';
}

export function serviceDefinitionJson(definition: Open311ServiceDefinition): JsonObject {
  return {
    service_code: definition.service_code,
    attributes: definition.attributes.map((attribute) => {
      const json: JsonObject = {
        variable: attribute.variable,
        code: attribute.code,
        datatype: attribute.datatype,
        required: attribute.required,
        datatype_description: attribute.datatype_description ?? null,
        order: attribute.order ?? null,
        description: attribute.description ?? null,
      };
      // The specification: values are "only used for singlevaluelist or multivaluelist".
      if (isListDatatype(attribute)) {
        json.values = (attribute.values ?? []).map((value) => ({ key: value.key, name: value.name }));
      }
      return json;
    }),
  };
}

export function serviceRequestJson(request: Open311ServiceRequest, options: Open311RenderOptions = {}): JsonObject {
  const timeZone = zoneOf(options);
  return {
    service_request_id: request.service_request_id,
    status: request.status,
    status_notes: request.status_notes ?? null,
    service_name: request.service_name ?? null,
    service_code: request.service_code,
    description: request.description ?? null,
    agency_responsible: request.agency_responsible ?? null,
    service_notice: request.service_notice ?? null,
    requested_datetime: formatOpen311Datetime(request.requested_datetime, timeZone),
    updated_datetime: datetime(request.updated_datetime, timeZone),
    expected_datetime: datetime(request.expected_datetime, timeZone),
    address: request.address ?? null,
    address_id: request.address_id ?? null,
    zipcode: request.zipcode ?? null,
    lat: request.lat ?? null,
    long: request.long ?? null,
    media_url: request.media_url ?? null,
  };
}

/** A created request: absent fields are left out rather than null (both are valid GeoReport v2). */
export function createdRequestJson(created: Open311CreatedRequest): JsonObject {
  const json: JsonObject = {};
  if (created.service_request_id !== undefined) json.service_request_id = created.service_request_id;
  else json.token = created.token;
  if (created.service_notice != null) json.service_notice = created.service_notice;
  if (created.account_id != null) json.account_id = created.account_id;
  return json;
}

export function tokenResolutionJson(resolution: Open311TokenResolution): JsonObject {
  const json: JsonObject = {};
  if (resolution.service_request_id != null) json.service_request_id = resolution.service_request_id;
  json.token = resolution.token;
  return json;
}

export function errorJson(error: Open311Error): JsonObject {
  return { code: error.code, description: error.description };
}

export function serviceRequestUpdateJson(
  update: Open311ServiceRequestUpdate,
  options: Open311RenderOptions = {},
): JsonObject {
  const json: JsonObject = {
    update_id: update.update_id,
    service_request_id: update.service_request_id,
    status: update.status,
    updated_datetime: formatOpen311Datetime(update.updated_datetime, zoneOf(options)),
    description: update.description ?? null,
    media_url: update.media_url ?? null,
  };
  if (update.external_status_code != null) json.external_status_code = update.external_status_code;
  return json;
}

// ---- XML ---------------------------------------------------------------------------------------

// Element names are fixed here, never taken from data; text is escaped by the builder.
const xmlBuilder = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  suppressEmptyNode: true,
  processEntities: true,
  format: false,
});

/**
 * Characters XML 1.0 cannot carry at all, even escaped (C0 controls other than tab, newline and
 * carriage return; lone surrogates; U+FFFE/U+FFFF). One in a complaint text would make the whole
 * document unreadable for every client, so it is dropped.
 */
const notXmlChar = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

type XmlValue = string | XmlValue[] | { [element: string]: XmlValue };

function xmlText(value: Scalar): string {
  if (value === null) return '';
  return typeof value === 'string' ? value.replace(notXmlChar, '') : String(value);
}

/** The JSON shape in XML form: arrays become repeated `item` elements under their own element. */
function toXml(json: JsonObject, arrayItems: Record<string, string>): { [element: string]: XmlValue } {
  const out: { [element: string]: XmlValue } = {};
  for (const [key, value] of Object.entries(json)) {
    if (Array.isArray(value)) {
      const item = arrayItems[key];
      if (!item) throw new Error(`no XML element name for the items of ${key}`);
      const items = (value as (Scalar | JsonObject)[]).map((entry) =>
        entry !== null && typeof entry === 'object' ? toXml(entry, arrayItems) : xmlText(entry),
      );
      out[key] = items.length === 0 ? '' : { [item]: items };
    } else if (value !== null && typeof value === 'object') {
      out[key] = toXml(value, arrayItems);
    } else {
      out[key] = xmlText(value);
    }
  }
  return out;
}

/** `<root><item>…</item>…</root>` with the XML declaration. */
function xmlDocument(root: string, item: string, entries: { [element: string]: XmlValue }[]): string {
  const body = entries.length === 0 ? '' : { [item]: entries };
  return xmlBuilder.build({ '?xml': { '@_version': '1.0', '@_encoding': 'UTF-8' }, [root]: body }) as string;
}

function xmlSingle(root: string, entry: { [element: string]: XmlValue }): string {
  return xmlBuilder.build({ '?xml': { '@_version': '1.0', '@_encoding': 'UTF-8' }, [root]: entry }) as string;
}

function rendered(format: Open311Format, body: string): RenderedOpen311 {
  return { contentType: open311ContentTypes[format], body };
}

function renderList(
  format: Open311Format,
  jsons: JsonObject[],
  xml: { root: string; item: string; arrays?: Record<string, string> },
): RenderedOpen311 {
  if (format === 'json') return rendered(format, JSON.stringify(jsons));
  return rendered(
    format,
    xmlDocument(
      xml.root,
      xml.item,
      jsons.map((json) => toXml(json, xml.arrays ?? {})),
    ),
  );
}

// ---- Renderers the routes call -----------------------------------------------------------------

/** `discovery.{format}`: `<discovery>…<endpoints><endpoint>…<formats><format>`. */
export function renderDiscovery(
  discovery: Open311Discovery,
  format: Open311Format,
  options: Open311RenderOptions = {},
): RenderedOpen311 {
  const json = discoveryJson(discovery, options);
  if (format === 'json') return rendered(format, JSON.stringify(json));
  return rendered(format, xmlSingle('discovery', toXml(json, { endpoints: 'endpoint', formats: 'format' })));
}

/** `services.{format}`: `[…]` or `<services><service>…`. */
export function renderServices(services: Open311Service[], format: Open311Format): RenderedOpen311 {
  return renderList(format, services.map(serviceJson), { root: 'services', item: 'service' });
}

/** `services/{code}.{format}`: `{…}` or `<service_definition>…<attributes><attribute>…<values><value>`. */
export function renderServiceDefinition(definition: Open311ServiceDefinition, format: Open311Format): RenderedOpen311 {
  const json = serviceDefinitionJson(definition);
  if (format === 'json') return rendered(format, JSON.stringify(json));
  return rendered(format, xmlSingle('service_definition', toXml(json, { attributes: 'attribute', values: 'value' })));
}

/** `requests.{format}` and `requests/{id}.{format}` (a list of one): `[…]` or `<service_requests><request>…`. */
export function renderServiceRequests(
  requests: Open311ServiceRequest[],
  format: Open311Format,
  options: Open311RenderOptions = {},
): RenderedOpen311 {
  return renderList(
    format,
    requests.map((request) => serviceRequestJson(request, options)),
    { root: 'service_requests', item: 'request' },
  );
}

/** POST `requests.{format}`: `[{service_request_id|token, service_notice, account_id}]`. */
export function renderCreatedRequests(created: Open311CreatedRequest[], format: Open311Format): RenderedOpen311 {
  if (format === 'json') return rendered(format, JSON.stringify(created.map(createdRequestJson)));
  // XML keeps every element of the specification's example, empty when absent.
  const entries = created.map((entry) => {
    const xml: { [element: string]: XmlValue } =
      entry.service_request_id !== undefined
        ? { service_request_id: xmlText(entry.service_request_id) }
        : { token: xmlText(entry.token) };
    xml.service_notice = xmlText(entry.service_notice ?? null);
    xml.account_id = xmlText(entry.account_id ?? null);
    return xml;
  });
  return rendered(format, xmlDocument('service_requests', 'request', entries));
}

/** `tokens/{token}.{format}`: `[{service_request_id, token}]` or `<service_requests><request>…`. */
export function renderTokenResolutions(resolutions: Open311TokenResolution[], format: Open311Format): RenderedOpen311 {
  if (format === 'json') return rendered(format, JSON.stringify(resolutions.map(tokenResolutionJson)));
  const entries = resolutions.map((resolution) => ({
    service_request_id: xmlText(resolution.service_request_id ?? null),
    token: xmlText(resolution.token),
  }));
  return rendered(format, xmlDocument('service_requests', 'request', entries));
}

/** Any error response: `[{code, description}]` or `<errors><error><code/><description/></error></errors>`. */
export function renderErrors(errors: Open311Error[], format: Open311Format): RenderedOpen311 {
  return renderList(format, errors.map(errorJson), { root: 'errors', item: 'error' });
}

/** `servicerequestupdates.{format}`: `[…]` or `<service_requests_updates><request_update>…`. */
export function renderServiceRequestUpdates(
  updates: Open311ServiceRequestUpdate[],
  format: Open311Format,
  options: Open311RenderOptions = {},
): RenderedOpen311 {
  return renderList(
    format,
    updates.map((update) => serviceRequestUpdateJson(update, options)),
    { root: 'service_requests_updates', item: 'request_update' },
  );
}
