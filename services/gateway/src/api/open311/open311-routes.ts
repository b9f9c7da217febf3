import { answerUnroutedMethod, type CallContext, isCategoryCode, RateLimitedError } from '@balai/platform';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import Type from 'typebox';
import { assertCallerMayActIn, contextInTenant, requestedTenant } from '../../domain/caller-context.js';
import { securitySchemes } from '../openapi.js';
import type { Jurisdiction, JurisdictionResolver } from './jurisdiction.js';
import type { PartnerKeyAuthenticator } from './open311-api-keys.js';
import type { Open311Locale } from './open311-catalogue.js';
import {
  type Open311ErrorResponse,
  Open311Refusal,
  open311BadRequest,
  open311ErrorResponse,
  open311NotFound,
  orRefuse,
  refuse,
  serviceCodeNotFound,
} from './open311-errors.js';
import { type Open311Format, open311Formats } from './open311-model.js';
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
} from './open311-render.js';
import {
  type Open311NewRequest,
  parseCreateRequestForm,
  parseRequestSearchQuery,
  parseUpdatesQuery,
} from './open311-request-parsing.js';
import { toSubmitComplaintRequest } from './open311-requests.js';
import {
  Open311Answers,
  Open311Body,
  Open311BodyErrorResponses,
  Open311ErrorResponses,
  Open311SearchQuery,
  Open311UpdatesQuery,
} from './open311-schemas.js';
import { createOpen311Service } from './open311-service.js';

/**
 * Open311 GeoReport v2 under `/open311/v2`: discovery, services and service definitions (the
 * complaints catalogue), service requests (complaints: public search and read, creation by
 * partner apps with an api_key), tokens, and FixMyStreet's service request updates extension.
 * Every answer, errors included, is in the format the path names (`.json` or `.xml`): Open311
 * clients read error arrays, not problem+json. The routes read the request, decide the caller
 * context and render; what is asked of the services is open311-service.ts.
 */
export interface Open311RouteOptions {
  jurisdictions: JurisdictionResolver;
  /** The gateway's public base URL; the endpoint published in discovery is under it. */
  publicUrl: string;
  /** Where api keys come from: the OIDC issuer (client credentials). */
  keyService: string;
  contact: string;
  /** Turns a partner app's api_key into its caller (identity's client credentials). */
  partnerKeys: PartnerKeyAuthenticator;
}

const prefix = '/open311/v2';

function isFormat(value: string | undefined): value is Open311Format {
  return (open311Formats as Array<string | undefined>).includes(value);
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

/** Without a jurisdiction_id, the tenant named by X-Balai-Tenant, else by the caller's token. */
function jurisdictionOf(request: FastifyRequest, resolver: JurisdictionResolver, given: string | undefined) {
  return orRefuse(resolver.resolve(given, requestedTenant(request) ?? request.caller?.tenantId));
}

/**
 * The upstream call's context: the jurisdiction's tenant. An authenticated caller of another
 * tenant is refused, as the authentication hook refuses a mismatching X-Balai-Tenant.
 */
function open311CallContext(request: FastifyRequest, jurisdiction: Jurisdiction): CallContext {
  if (request.caller) assertCallerMayActIn(request.caller, jurisdiction.tenantId);
  return contextInTenant(request, jurisdiction.tenantId);
}

/** Anonymous reads: the public view, whoever asks (a staff token changes nothing here). */
function publicCallContext(request: FastifyRequest, jurisdiction: Jurisdiction): CallContext {
  if (request.caller) assertCallerMayActIn(request.caller, jurisdiction.tenantId);
  return contextInTenant(request, jurisdiction.tenantId, null);
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

/** A malformed service_code names no service: the same 404 as an unknown one, asked of nobody. */
function serviceCodeOf(name: string): string {
  if (!isCategoryCode(name)) throw serviceCodeNotFound();
  return name;
}

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

export const open311Routes: FastifyPluginAsyncTypebox<Open311RouteOptions> = async (app, options) => {
  const { jurisdictions } = options;
  const open311 = createOpen311Service(app.upstreams, {
    endpointUrl: `${options.publicUrl.replace(/\/$/, '')}${prefix}`,
    keyService: options.keyService,
    contact: options.contact,
    log: app.log,
  });

  /**
   * A partner app's caller context, from the api_key in its form: the key's own tenant without
   * a jurisdiction_id; with one, it must be the key's. Limits count per partner from here on.
   */
  async function partnerCallContext(request: FastifyRequest, form: Open311NewRequest): Promise<CallContext> {
    if (form.apiKey === null) refuse(403, 'api_key is required');
    const authentication = await options.partnerKeys.authenticate(form.apiKey);
    if (!authentication.ok) refuse(403, 'Invalid api_key');
    const { partner } = authentication;
    await request.limitCaller(partner.clientId);
    const jurisdiction = orRefuse(jurisdictions.resolve(form.jurisdictionId ?? undefined, partner.tenantId));
    if (jurisdiction.tenantId !== partner.tenantId) {
      refuse(403, `The api_key is not valid for jurisdiction_id ${jurisdiction.jurisdictionId}`);
    }
    // The partner's own caller context: its client id as the reporter, its roles.
    return contextInTenant(request, jurisdiction.tenantId, partner);
  }

  // Encapsulated: only the Open311 routes answer errors as Open311 error arrays.
  app.setErrorHandler((error, request, reply) => {
    const response = error instanceof Open311Refusal ? error.response : open311ErrorResponse(error);
    if (error instanceof RateLimitedError) reply.header('retry-after', String(error.retryAfterSeconds));
    if (response.status >= 500) request.log.error({ err: error }, 'request failed');
    return sendErrors(reply, requestedFormat(request), response);
  });
  app.setNotFoundHandler((request, reply) => {
    const format = requestedFormat(request);
    // A known resource asked with another method: 405 with Allow, as an Open311 error array.
    if (answerUnroutedMethod(request, reply, (error) => sendErrors(reply, format, open311ErrorResponse(error)))) return;
    return sendErrors(reply, format, open311NotFound('No such Open311 resource'));
  });

  app.get(
    '/discovery.:format',
    {
      config: { access: 'public' },
      schema: {
        operationId: 'getOpen311Discovery',
        summary: 'Open311 GeoReport v2 discovery',
        description:
          'Where the GeoReport v2 endpoint is, which formats it answers, where partner apps get an api_key and ' +
          'whom to ask.',
        tags: ['open311'],
        params: FormatParams,
        response: { 200: Open311Answers.discovery, ...Open311ErrorResponses },
      },
    },
    async (request, reply) => {
      const format = formatOf(request.params.format);
      return send(reply, renderDiscovery(open311.discovery(), format));
    },
  );

  app.get(
    '/services.:format',
    {
      config: { access: 'public' },
      schema: {
        operationId: 'listOpen311Services',
        summary: "Open311 GeoReport v2: the jurisdiction's services (complaint categories)",
        description:
          'The active complaint categories of the jurisdiction as GeoReport v2 services, all realtime; metadata is ' +
          'true for those with attributes. Names in Indonesian, or English with locale=en.',
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
      const services = await open311.services(open311CallContext(request, jurisdiction), locale);
      return send(reply, renderServices(services, format));
    },
  );

  app.get(
    '/services/:file',
    {
      config: { access: 'public' },
      schema: {
        operationId: 'getOpen311ServiceDefinition',
        summary: 'Open311 GeoReport v2: a service definition (the attributes of a complaint category)',
        description:
          'The questions a service request of this service answers (attribute[code] in the form), with each ' +
          "list's values.",
        tags: ['open311'],
        params: Type.Object({ file: Type.String({ description: '{service_code}.json or {service_code}.xml' }) }),
        querystring: ServiceQuery,
        response: { 200: Open311Answers.serviceDefinition, ...Open311ErrorResponses },
      },
    },
    async (request, reply) => {
      const { name, format } = splitFile(request.params.file);
      const code = serviceCodeOf(name);
      const jurisdiction = jurisdictionOf(request, jurisdictions, request.query.jurisdiction_id);
      const definition = await open311.serviceDefinition(
        open311CallContext(request, jurisdiction),
        code,
        localeOf(request.query.locale),
      );
      return send(reply, renderServiceDefinition(definition, format));
    },
  );

  // ---- Service requests --------------------------------------------------------------------------

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
        operationId: 'createOpen311ServiceRequest',
        summary: 'Open311 GeoReport v2: a partner app files a service request (a complaint) with its api_key',
        description:
          'Files a complaint on behalf of the partner app’s user, at once: the answer holds the service_request_id ' +
          '(never a token). The api_key is a field of the form; without a valid one the answer is 403. Send an ' +
          'Idempotency-Key header to make retries safe.',
        security: [{ [securitySchemes.open311ApiKey]: [] }],
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
      const submission = orRefuse(toSubmitComplaintRequest(form, request.headers['idempotency-key']));
      const context = await partnerCallContext(request, form);
      const serviceRequestId = await open311.submitRequest(context, submission);
      // Created at once (every service is realtime): the id itself, never a token.
      return send(
        reply,
        renderCreatedRequests(
          [{ service_request_id: serviceRequestId, service_notice: null, account_id: form.accountId }],
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
        operationId: 'searchOpen311ServiceRequests',
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
      const requests = await open311.searchRequests(publicCallContext(request, jurisdiction), search, locale);
      return send(reply, renderServiceRequests(requests, format));
    },
  );

  app.get(
    '/requests/:file',
    {
      config: { access: 'public' },
      schema: {
        operationId: 'getOpen311ServiceRequest',
        summary: 'Open311 GeoReport v2: one service request (a list of one)',
        description: 'A complaint in its public view, as GeoReport v2 answers one: an array holding it.',
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
      const found = await open311.request(publicCallContext(request, jurisdiction), id, locale);
      return send(reply, renderServiceRequests([found], format));
    },
  );

  app.get(
    '/tokens/:file',
    {
      config: { access: 'public' },
      schema: {
        operationId: 'getOpen311ServiceRequestByToken',
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
      const resolution = await open311.token(publicCallContext(request, jurisdiction), token);
      return send(reply, renderTokenResolutions([resolution], format));
    },
  );

  app.get(
    '/servicerequestupdates.:format',
    {
      config: { access: 'public' },
      schema: {
        operationId: 'listOpen311ServiceRequestUpdates',
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
      const updates = await open311.updates(publicCallContext(request, jurisdiction), window);
      return send(reply, renderServiceRequestUpdates(updates, format));
    },
  );
};
