import { complaintsV1 } from '@balai/contracts';
import { AppError, type CallContext, callUnary, isAppError, RateLimitedError } from '@balai/platform';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import Type from 'typebox';
import { assertCallerMayActIn, requestedTenant } from '../authentication.js';
import { contextInTenant } from '../caller-context.js';
import type { Jurisdiction, JurisdictionResolver } from '../open311/jurisdiction.js';
import type { PartnerKeyAuthenticator } from '../open311/open311-api-keys.js';
import { type Open311Locale, toOpen311Service, toOpen311ServiceDefinition } from '../open311/open311-catalogue.js';
import {
  type Open311ErrorResponse,
  open311BadRequest,
  open311ErrorResponse,
  open311NotFound,
} from '../open311/open311-errors.js';
import {
  GEOREPORT_V2_SPECIFICATION,
  type Open311Error,
  type Open311Format,
  type Open311Result,
  open311MediaTypes,
} from '../open311/open311-model.js';
import {
  type RenderedOpen311,
  renderCreatedRequests,
  renderDiscovery,
  renderErrors,
  renderServiceDefinition,
  renderServiceRequests,
  renderServiceRequestUpdates,
  renderServices,
  renderTokenResolutions,
} from '../open311/open311-render.js';
import {
  type Open311RequestSearch,
  parseCreateRequestForm,
  parseRequestSearchQuery,
  parseUpdatesQuery,
} from '../open311/open311-request-parsing.js';
import {
  complaintStatusesFor,
  type Open311Names,
  submitRefusalErrors,
  toOpen311ServiceRequest,
  toOpen311ServiceRequestUpdates,
  toSubmitComplaintRequest,
} from '../open311/open311-requests.js';
import type { Upstreams } from '../upstreams.js';
import { categoryCodePattern, idempotencyKeyPattern } from './complaint-schemas.js';
import {
  Open311Answers,
  Open311Body,
  Open311BodyErrorResponses,
  Open311ErrorResponses,
  Open311SearchQuery,
  Open311UpdatesQuery,
} from './open311-schemas.js';
import '../upstream-errors.js';

/**
 * Open311 GeoReport v2 under `/open311/v2`: discovery, services and service definitions (the
 * complaints catalogue), service requests (complaints: public search and read, creation by
 * partner apps with an api_key), tokens, and FixMyStreet's service request updates extension.
 * Every answer, errors included, is in the format the path names (`.json` or `.xml`): Open311
 * clients read error arrays, not problem+json.
 */
export interface Open311RouteOptions {
  upstreams: Upstreams;
  jurisdictions: JurisdictionResolver;
  /** The gateway's public base URL; the endpoint published in discovery is under it. */
  publicUrl: string;
  /** Where api keys come from: the OIDC issuer (client credentials). */
  keyService: string;
  contact: string;
  /** Turns a partner app's api_key into its caller (identity's client credentials). */
  partnerKeys: PartnerKeyAuthenticator;
}

/** FixMyStreet's Open311 extension (GET servicerequestupdates), published in discovery. */
export const FIXMYSTREET_UPDATES_SPECIFICATION =
  'https://github.com/mysociety/fixmystreet/wiki/Open311-FMS---Proposed-differences-to-Open311';

/** When the Open311 surface this gateway serves last changed; bump it with the routes. */
export const OPEN311_CHANGESET = new Date('2026-11-29T16:00:00+07:00');

const prefix = '/open311/v2';
const formats = Object.keys(open311MediaTypes) as Open311Format[];

function isFormat(value: string | undefined): value is Open311Format {
  return (formats as Array<string | undefined>).includes(value);
}

/** The format an error is answered in: the path's, else JSON (the path named none we serve). */
function requestedFormat(request: FastifyRequest): Open311Format {
  const path = request.url.split('?')[0] ?? '';
  return /\.xml$/i.test(path) ? 'xml' : 'json';
}

function send(reply: FastifyReply, rendered: RenderedOpen311, status = 200): FastifyReply {
  return reply.status(status).type(rendered.contentType).send(rendered.body);
}

function sendErrors(reply: FastifyReply, format: Open311Format, response: Open311ErrorResponse): FastifyReply {
  return send(reply, renderErrors(response.errors, format), response.status);
}

/** Thrown inside a handler to answer with Open311 errors already decided (400, 404). */
class Open311Refusal extends Error {
  constructor(readonly response: Open311ErrorResponse) {
    super(response.errors.map((error) => error.description).join('; '));
  }
}

/** Without a jurisdiction_id, the tenant named by X-Balai-Tenant, else by the caller's token. */
function jurisdictionOf(request: FastifyRequest, resolver: JurisdictionResolver, given: string | undefined) {
  const result = resolver.resolve(given, requestedTenant(request) ?? request.caller?.tenantId);
  if (!result.ok) throw new Open311Refusal({ status: result.errors[0]?.code ?? 400, errors: result.errors });
  return result.value;
}

/**
 * The upstream call's context: the jurisdiction's tenant. An authenticated caller of another
 * tenant is refused, as the authentication hook refuses a mismatching X-Balai-Tenant.
 */
function open311CallContext(request: FastifyRequest, jurisdiction: Jurisdiction): CallContext {
  if (request.caller) assertCallerMayActIn(request.caller, jurisdiction.tenantId);
  return contextInTenant(request, jurisdiction.tenantId);
}

function formatOf(value: string): Open311Format {
  if (!isFormat(value)) throw new Open311Refusal(open311NotFound(`Unknown format "${value}"; use .json or .xml`));
  return value;
}

// Not an enum: any other format is the Open311 404 ("Unknown format"), not a validation 400.
const FormatParams = Type.Object({
  format: Type.String({ description: 'json or xml (any other is 404)', examples: ['json', 'xml'] }),
});
const ServiceQuery = Type.Object({
  jurisdiction_id: Type.Optional(
    Type.String({ maxLength: 300, description: 'A configured host name, or the region code (36.73)' }),
  ),
  locale: Type.Optional(
    Type.String({ maxLength: 16, description: 'Extension: "en" for English names; Indonesian otherwise' }),
  ),
});

function localeOf(value: string | undefined): Open311Locale {
  if (value === undefined || value === '' || value === 'id') return 'id';
  if (value === 'en') return 'en';
  throw new Open311Refusal(open311BadRequest(['locale must be id or en']));
}

/** A path's last segment `{name}.{format}`; names may hold dots (roads.pothole, ids). */
function splitFile(file: string): { name: string; format: Open311Format } {
  const dot = file.lastIndexOf('.');
  return { name: dot < 0 ? file : file.slice(0, dot), format: formatOf(dot < 0 ? '' : file.slice(dot + 1)) };
}

function orRefuse<T>(result: Open311Result<T>): T {
  if (!result.ok) throw new Open311Refusal({ status: result.errors[0]?.code ?? 400, errors: result.errors });
  return result.value;
}

function refuse(status: number, description: string): never {
  throw new Open311Refusal({ status, errors: [{ code: status, description } satisfies Open311Error] });
}

/** Complaint ids as GET requests/{id} and tokens/{token} accept them (the search's own check). */
const serviceRequestIdPattern = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;
/** ListComplaints' largest page. */
const upstreamPageSize = 100;
/** servicerequestupdates reads at most this many complaints (10 upstream pages). */
const updatesComplaintLimit = 1000;

/**
 * The form of POST requests: application/x-www-form-urlencoded as the specification sends it,
 * or a flat JSON object with the same names (values strings, numbers or booleans; lists only
 * for `attribute[code][]`). Nothing nested is read.
 */
function formOf(body: unknown): URLSearchParams {
  if (typeof body === 'string') return new URLSearchParams(body);
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    refuse(400, 'Send the request as application/x-www-form-urlencoded');
  }
  const form = new URLSearchParams();
  const scalar = (value: unknown) => ['string', 'number', 'boolean'].includes(typeof value);
  for (const [name, value] of Object.entries(body as Record<string, unknown>)) {
    if (scalar(value)) form.append(name, String(value));
    else if (Array.isArray(value) && name.endsWith('[]') && value.every(scalar)) {
      for (const item of value) form.append(name, String(item));
    } else refuse(400, `${name.slice(0, 64)} must be a plain value`);
  }
  return form;
}

/**
 * One Open311 page (1-based `page` of `pageSize`, up to 1000) from ListComplaints, whose pages
 * hold at most 100: one call when the page fits, else the upstream pages covering it.
 */
async function pageOfComplaints(
  list: (request: Partial<complaintsV1.ListComplaintsRequest>) => Promise<complaintsV1.ListComplaintsResponse>,
  filter: Partial<complaintsV1.ListComplaintsRequest>,
  page: number,
  pageSize: number,
): Promise<complaintsV1.Complaint[]> {
  if (pageSize <= upstreamPageSize) return (await list({ ...filter, page, pageSize })).complaints;
  const first = (page - 1) * pageSize;
  const last = first + pageSize;
  const firstUpstream = Math.floor(first / upstreamPageSize);
  const collected: complaintsV1.Complaint[] = [];
  for (let upstream = firstUpstream; upstream * upstreamPageSize < last; upstream += 1) {
    const answer = await list({ ...filter, page: upstream + 1, pageSize: upstreamPageSize });
    collected.push(...answer.complaints);
    if (answer.complaints.length < upstreamPageSize || answer.nextPageToken === '') break;
  }
  const offset = first - firstUpstream * upstreamPageSize;
  return collected.slice(offset, offset + pageSize);
}

/** The ListComplaints filter of a GET requests search. */
function listFilterOf(search: Open311RequestSearch): Partial<complaintsV1.ListComplaintsRequest> {
  if (search.kind === 'ids') return { complaintIds: search.serviceRequestIds, order: 'newest' };
  return {
    categoryCodes: search.serviceCodes,
    statuses: complaintStatusesFor(search.statuses),
    submittedFrom: search.start,
    // The search's end is inclusive, ListComplaints' bound is not.
    submittedBefore: new Date(search.end.getTime() + 1),
    order: 'newest',
  };
}

/** A full ListComplaintsRequest: the defaults of every field the filter leaves out. */
function complaintsV1ListRequest(
  filter: Partial<complaintsV1.ListComplaintsRequest>,
): complaintsV1.ListComplaintsRequest {
  return complaintsV1.ListComplaintsRequest.fromPartial(filter);
}

export const open311Routes: FastifyPluginAsyncTypebox<Open311RouteOptions> = async (app, options) => {
  const { upstreams, jurisdictions } = options;
  const complaints = upstreams.complaints;

  // Encapsulated: only the Open311 routes answer errors as Open311 error arrays.
  app.setErrorHandler((error, request, reply) => {
    const response = error instanceof Open311Refusal ? error.response : open311ErrorResponse(error);
    if (error instanceof RateLimitedError) reply.header('retry-after', String(error.retryAfterSeconds));
    if (response.status >= 500) request.log.error({ err: error }, 'request failed');
    return sendErrors(reply, requestedFormat(request), response);
  });
  app.setNotFoundHandler((request, reply) =>
    sendErrors(reply, requestedFormat(request), open311NotFound('No such Open311 resource')),
  );

  app.get(
    '/discovery.:format',
    {
      config: { access: 'public' },
      schema: {
        summary: 'Open311 GeoReport v2 discovery',
        tags: ['open311'],
        params: FormatParams,
        response: { 200: Open311Answers.discovery, ...Open311ErrorResponses },
      },
    },
    async (request, reply) => {
      const format = formatOf(request.params.format);
      const discovery = {
        changeset: OPEN311_CHANGESET,
        contact: options.contact,
        key_service: options.keyService,
        // One base URL; the second entry tells clients it also serves the updates extension.
        endpoints: [GEOREPORT_V2_SPECIFICATION, FIXMYSTREET_UPDATES_SPECIFICATION].map((specification) => ({
          specification,
          url: `${options.publicUrl.replace(/\/$/, '')}${prefix}`,
          changeset: OPEN311_CHANGESET,
          type: 'production' as const,
          formats: formats.map((each) => open311MediaTypes[each]),
        })),
      };
      return send(reply, renderDiscovery(discovery, format));
    },
  );

  app.get(
    '/services.:format',
    {
      config: { access: 'public' },
      schema: {
        summary: "Open311 GeoReport v2: the jurisdiction's services (complaint categories)",
        tags: ['open311'],
        params: FormatParams,
        querystring: ServiceQuery,
        response: { 200: Open311Answers.services, ...Open311ErrorResponses },
      },
    },
    async (request, reply) => {
      const format = formatOf(request.params.format);
      const locale = localeOf(request.query.locale);
      const jurisdiction = jurisdictionOf(request, jurisdictions, request.query.jurisdiction_id);
      const { categories } = await callUnary(
        complaints.listCategories.bind(complaints),
        { includeInactive: false },
        open311CallContext(request, jurisdiction),
        upstreams.deadlineMs,
      );
      return send(
        reply,
        renderServices(
          categories.map((category) => toOpen311Service(category, locale)),
          format,
        ),
      );
    },
  );

  app.get(
    '/services/:file',
    {
      config: { access: 'public' },
      schema: {
        summary: 'Open311 GeoReport v2: a service definition (the attributes of a complaint category)',
        tags: ['open311'],
        params: Type.Object({ file: Type.String({ description: '{service_code}.json or {service_code}.xml' }) }),
        querystring: ServiceQuery,
        response: { 200: Open311Answers.serviceDefinition, ...Open311ErrorResponses },
      },
    },
    async (request, reply) => {
      const { name: code, format } = splitFile(request.params.file);
      const notFound = open311NotFound('service_code provided was not found');
      if (code.length > 64 || !categoryCodePattern.test(code)) throw new Open311Refusal(notFound);
      const jurisdiction = jurisdictionOf(request, jurisdictions, request.query.jurisdiction_id);
      try {
        const { category } = await callUnary(
          complaints.getCategory.bind(complaints),
          { code },
          open311CallContext(request, jurisdiction),
          upstreams.deadlineMs,
        );
        if (!category) throw new AppError('INTERNAL', 'complaints answered without a category');
        return send(reply, renderServiceDefinition(toOpen311ServiceDefinition(category), format));
      } catch (error) {
        if (isAppError(error) && error.code === 'CATEGORY_NOT_FOUND') throw new Open311Refusal(notFound);
        throw error;
      }
    },
  );

  // ---- Service requests --------------------------------------------------------------------------

  const serviceRequestNotFound = () => refuse(404, 'service_request_id provided was not found');

  /**
   * Service and agency names for the jurisdiction (inactive categories have none). Agency names
   * are identity's; without identity the agency id stands in, rather than failing a public read.
   */
  async function namesFor(request: FastifyRequest, context: CallContext, locale: Open311Locale): Promise<Open311Names> {
    const identity = upstreams.identity;
    const [{ categories }, agencies] = await Promise.all([
      callUnary(complaints.listCategories.bind(complaints), { includeInactive: false }, context, upstreams.deadlineMs),
      callUnary(identity.listAgencies.bind(identity), {}, context, upstreams.deadlineMs).then(
        (answer) => answer.agencies,
        (error: unknown) => {
          request.log.warn({ err: error }, 'agency names unavailable for Open311; answering agency ids');
          return [];
        },
      ),
    ]);
    return {
      services: new Map(categories.map((category) => [category.code, toOpen311Service(category, locale).service_name])),
      agencies: new Map(agencies.map((agency) => [agency.id, agency.name])),
    };
  }

  /** GetComplaint in the public view; an unknown or malformed id is the Open311 404. */
  async function publicComplaint(context: CallContext, id: string): Promise<complaintsV1.Complaint> {
    if (!serviceRequestIdPattern.test(id)) serviceRequestNotFound();
    try {
      const { complaint } = await callUnary(
        complaints.getComplaint.bind(complaints),
        { complaintId: id },
        context,
        upstreams.deadlineMs,
      );
      if (!complaint) throw new AppError('INTERNAL', 'complaints answered without a complaint');
      return complaint;
    } catch (error) {
      if (isAppError(error) && error.code === 'COMPLAINT_NOT_FOUND') serviceRequestNotFound();
      throw error;
    }
  }

  /** Anonymous reads: the public view, whoever asks (a staff token changes nothing here). */
  function publicCallContext(request: FastifyRequest, jurisdiction: Jurisdiction): CallContext {
    if (request.caller) assertCallerMayActIn(request.caller, jurisdiction.tenantId);
    return contextInTenant(request, jurisdiction.tenantId, null);
  }

  // Form bodies reach the handler as the raw string; parseCreateRequestForm reads it.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) =>
    done(null, body),
  );

  app.post(
    '/requests.:format',
    {
      // Public at the token layer: the api_key travels in the form and is checked below.
      config: { access: 'public', limit: 'open311-post' },
      // The body schema documents the form; parseCreateRequestForm reads and checks it (Open311
      // errors naming each field), so a schema violation is left to it rather than refused here.
      attachValidation: true,
      schema: {
        summary: 'Open311 GeoReport v2: a partner app files a service request (a complaint) with its api_key',
        tags: ['open311'],
        params: FormatParams,
        headers: Type.Object({
          'idempotency-key': Type.Optional(
            Type.String({ description: 'A retry with the same key returns the service request first created' }),
          ),
        }),
        body: Open311Body,
        response: { 200: Open311Answers.created, ...Open311BodyErrorResponses },
      },
    },
    async (request, reply) => {
      const format = formatOf(request.params.format);
      const form = orRefuse(parseCreateRequestForm(formOf(request.body)));
      const submission = orRefuse(toSubmitComplaintRequest(form, undefined));
      const idempotencyKey = request.headers['idempotency-key'];
      if (idempotencyKey !== undefined && !idempotencyKeyPattern.test(idempotencyKey)) {
        refuse(400, 'Idempotency-Key must be 1 to 200 visible ASCII characters');
      }
      if (form.apiKey === null) refuse(403, 'api_key is required');
      const authentication = await options.partnerKeys.authenticate(form.apiKey);
      if (!authentication.ok) refuse(403, 'Invalid api_key');
      const { partner } = authentication;
      await request.limitCaller(partner.clientId);
      // Without a jurisdiction_id the key's own tenant; with one, it must be the key's.
      const jurisdiction = orRefuse(jurisdictions.resolve(form.jurisdictionId ?? undefined, partner.tenantId));
      if (jurisdiction.tenantId !== partner.tenantId) {
        refuse(403, `The api_key is not valid for jurisdiction_id ${jurisdiction.jurisdictionId}`);
      }
      let answer: complaintsV1.SubmitComplaintResponse;
      try {
        answer = await callUnary(
          complaints.submitComplaint.bind(complaints),
          { ...submission, idempotencyKey: idempotencyKey ?? '' },
          // The partner's own caller context: its client id as the reporter, its roles.
          contextInTenant(request, jurisdiction.tenantId, partner),
          upstreams.deadlineMs,
        );
      } catch (error) {
        const errors = submitRefusalErrors(error);
        if (errors) throw new Open311Refusal({ status: 400, errors });
        throw error;
      }
      if (!answer.complaint) throw new AppError('INTERNAL', 'complaints answered without a complaint');
      // Created at once (every service is realtime): the id itself, never a token.
      return send(
        reply,
        renderCreatedRequests(
          [{ service_request_id: answer.complaint.id, service_notice: null, account_id: form.accountId }],
          format,
        ),
      );
    },
  );

  app.get(
    '/requests.:format',
    {
      config: { access: 'public' },
      schema: {
        summary: 'Open311 GeoReport v2: search service requests (public view of complaints)',
        description:
          'service_request_id (comma list; overrides the rest), service_code (comma list), start_date, end_date ' +
          '(W3C; at most 90 days, the last 90 by default), status (open, closed), page and page_size (1-1000, ' +
          'default 1000), jurisdiction_id, locale.',
        tags: ['open311'],
        params: FormatParams,
        querystring: Open311SearchQuery,
        response: { 200: Open311Answers.requests, ...Open311ErrorResponses },
      },
    },
    async (request, reply) => {
      const format = formatOf(request.params.format);
      const query = request.query as Record<string, unknown>;
      const search = orRefuse(parseRequestSearchQuery(query));
      const locale = localeOf(typeof query.locale === 'string' ? query.locale : undefined);
      const jurisdiction = jurisdictionOf(request, jurisdictions, search.jurisdictionId ?? undefined);
      const context = publicCallContext(request, jurisdiction);
      const list = (filter: Partial<complaintsV1.ListComplaintsRequest>) =>
        callUnary(
          complaints.listComplaints.bind(complaints),
          complaintsV1ListRequest(filter),
          context,
          upstreams.deadlineMs,
        );
      const [names, found] = await Promise.all([
        namesFor(request, context, locale),
        search.kind === 'ids'
          ? pageOfComplaints(list, listFilterOf(search), 1, search.serviceRequestIds.length)
          : pageOfComplaints(list, listFilterOf(search), search.page, search.pageSize),
      ]);
      return send(
        reply,
        renderServiceRequests(
          found.map((complaint) => toOpen311ServiceRequest(complaint, names)),
          format,
        ),
      );
    },
  );

  app.get(
    '/requests/:file',
    {
      config: { access: 'public' },
      schema: {
        summary: 'Open311 GeoReport v2: one service request (a list of one)',
        tags: ['open311'],
        params: Type.Object({ file: Type.String({ description: '{service_request_id}.json or .xml' }) }),
        querystring: ServiceQuery,
        response: { 200: Open311Answers.requests, ...Open311ErrorResponses },
      },
    },
    async (request, reply) => {
      const { name: id, format } = splitFile(request.params.file);
      const locale = localeOf(request.query.locale);
      const jurisdiction = jurisdictionOf(request, jurisdictions, request.query.jurisdiction_id);
      const context = publicCallContext(request, jurisdiction);
      const [complaint, names] = await Promise.all([publicComplaint(context, id), namesFor(request, context, locale)]);
      return send(reply, renderServiceRequests([toOpen311ServiceRequest(complaint, names)], format));
    },
  );

  app.get(
    '/tokens/:file',
    {
      config: { access: 'public' },
      schema: {
        summary: 'Open311 GeoReport v2: the service request a token stands for',
        description:
          'Requests are created at once, so POST requests answers the service_request_id and no token; a ' +
          "service request's token is its id, and this answers it for clients that ask anyway.",
        tags: ['open311'],
        params: Type.Object({ file: Type.String({ description: '{token}.json or .xml' }) }),
        querystring: ServiceQuery,
        response: { 200: Open311Answers.token, ...Open311ErrorResponses },
      },
    },
    async (request, reply) => {
      const { name: token, format } = splitFile(request.params.file);
      const jurisdiction = jurisdictionOf(request, jurisdictions, request.query.jurisdiction_id);
      try {
        const complaint = await publicComplaint(publicCallContext(request, jurisdiction), token);
        return send(reply, renderTokenResolutions([{ token, service_request_id: complaint.id }], format));
      } catch (error) {
        if (error instanceof Open311Refusal && error.response.status === 404)
          refuse(404, 'token provided was not found');
        throw error;
      }
    },
  );

  app.get(
    '/servicerequestupdates.:format',
    {
      config: { access: 'public' },
      schema: {
        summary: "Open311 (FixMyStreet's extension): public updates of service requests in a window",
        description:
          'start_date, end_date (W3C; the 24 hours before end_date or now by default; at most 90 days), ' +
          'jurisdiction_id; api_key accepted and not needed.',
        tags: ['open311'],
        params: FormatParams,
        querystring: Open311UpdatesQuery,
        response: { 200: Open311Answers.updates, ...Open311ErrorResponses },
      },
    },
    async (request, reply) => {
      const format = formatOf(request.params.format);
      const window = orRefuse(parseUpdatesQuery(request.query));
      const jurisdiction = jurisdictionOf(request, jurisdictions, window.jurisdictionId ?? undefined);
      const context = publicCallContext(request, jurisdiction);
      // Every complaint changed since start_date: one changed again after end_date still holds
      // the entries of the window, which are picked by their own time below.
      const changed: complaintsV1.Complaint[] = [];
      let pageToken = '';
      do {
        const answer = await callUnary(
          complaints.listComplaints.bind(complaints),
          complaintsV1ListRequest({
            updatedFrom: window.start,
            order: 'updated',
            includeTimeline: true,
            pageSize: upstreamPageSize,
            pageToken,
          }),
          context,
          upstreams.deadlineMs,
        );
        changed.push(...answer.complaints);
        pageToken = answer.nextPageToken;
        if (pageToken !== '' && changed.length >= updatesComplaintLimit) {
          refuse(
            400,
            `More than ${updatesComplaintLimit} service requests changed since start_date; ask for a later start_date`,
          );
        }
      } while (pageToken !== '');
      const updates = toOpen311ServiceRequestUpdates(changed, {
        from: window.start,
        before: new Date(window.end.getTime() + 1),
      });
      return send(reply, renderServiceRequestUpdates(updates, format));
    },
  );
};
