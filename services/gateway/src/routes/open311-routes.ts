import { AppError, type CallContext, callUnary, isAppError } from '@balai/platform';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import Type from 'typebox';
import { assertCallerMayActIn, requestedTenant } from '../authentication.js';
import { contextInTenant } from '../caller-context.js';
import type { Jurisdiction, JurisdictionResolver } from '../open311/jurisdiction.js';
import { type Open311Locale, toOpen311Service, toOpen311ServiceDefinition } from '../open311/open311-catalogue.js';
import {
  type Open311ErrorResponse,
  open311BadRequest,
  open311ErrorResponse,
  open311NotFound,
} from '../open311/open311-errors.js';
import { GEOREPORT_V2_SPECIFICATION, type Open311Format, open311MediaTypes } from '../open311/open311-model.js';
import {
  type RenderedOpen311,
  renderDiscovery,
  renderErrors,
  renderServiceDefinition,
  renderServices,
} from '../open311/open311-render.js';
import type { Upstreams } from '../upstreams.js';
import { categoryCodePattern } from './complaint-schemas.js';
import '../upstream-errors.js';

/**
 * Open311 GeoReport v2, read-only part: discovery, the service list and service definitions,
 * from the complaints service's catalogue. Registered under `/open311/v2`. Every answer, errors
 * included, is in the format the path names (`.json` or `.xml`): Open311 clients read error
 * arrays, not problem+json.
 */
export interface Open311RouteOptions {
  upstreams: Upstreams;
  jurisdictions: JurisdictionResolver;
  /** The gateway's public base URL; the endpoint published in discovery is under it. */
  publicUrl: string;
  /** Where api keys come from: the OIDC issuer (client credentials). */
  keyService: string;
  contact: string;
}

/** When the Open311 surface this gateway serves last changed; bump it with the routes. */
export const OPEN311_CHANGESET = new Date('2026-11-29T00:00:00+07:00');

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

const FormatParams = Type.Object({ format: Type.String({ description: 'json or xml' }) });
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

export const open311Routes: FastifyPluginAsyncTypebox<Open311RouteOptions> = async (app, options) => {
  const { upstreams, jurisdictions } = options;
  const complaints = upstreams.complaints;

  // Encapsulated: only the Open311 routes answer errors as Open311 error arrays.
  app.setErrorHandler((error, request, reply) => {
    const response = error instanceof Open311Refusal ? error.response : open311ErrorResponse(error);
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
      schema: { summary: 'Open311 GeoReport v2 discovery', tags: ['open311'], params: FormatParams },
    },
    async (request, reply) => {
      const format = formatOf(request.params.format);
      const discovery = {
        changeset: OPEN311_CHANGESET,
        contact: options.contact,
        key_service: options.keyService,
        endpoints: [
          {
            specification: GEOREPORT_V2_SPECIFICATION,
            url: `${options.publicUrl.replace(/\/$/, '')}${prefix}`,
            changeset: OPEN311_CHANGESET,
            type: 'production' as const,
            formats: formats.map((each) => open311MediaTypes[each]),
          },
        ],
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
      },
    },
    async (request, reply) => {
      // Service codes hold dots (roads.pothole): the format is what follows the last one.
      const file = request.params.file;
      const dot = file.lastIndexOf('.');
      const format = formatOf(dot < 0 ? '' : file.slice(dot + 1));
      const code = file.slice(0, dot);
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
};
