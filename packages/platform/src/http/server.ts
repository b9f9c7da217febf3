import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { context } from '@opentelemetry/api';
import { getRPCMetadata, RPCType } from '@opentelemetry/core';
import { Ajv, type ErrorObject } from 'ajv';
import addFormats from 'ajv-formats';
import localizeIndonesianModule from 'ajv-i18n/localize/id/index.js';
import type { Localize } from 'ajv-i18n/localize/types.js';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { append as appendVaryField } from 'vary';
import {
  AppError,
  type ErrorDetail,
  type ErrorText,
  isAppError,
  LocalisedAppError,
  RateLimitedError,
  type RequestPart,
} from '../errors.js';
import type { Logger } from '../logger.js';
import { entityTag } from './entity-tag.js';
import { defaultLanguage, type Language, negotiateLanguage } from './language.js';
import { problemContentType, toProblem } from './problem.js';
import { RouteMethods } from './route-methods.js';

// The module is CommonJS (`module.exports = localize`), which its types call a default export.
const localizeIndonesian = localizeIndonesianModule as unknown as Localize;

declare module 'fastify' {
  interface FastifyRequest {
    /** The language the answer is written in, by Accept-Language (Indonesian by default). */
    readonly language: Language;
    /** The methods this request's path answers (fastify found no route for its method); none for an unknown path. */
    allowedMethods(): string[];
  }
}

function compiler(coerceTypes: false | 'array'): Ajv {
  // Unknown fields are refused, never silently dropped: a typo must not lose data. The first
  // error only (allErrors off): with all of them, one body of 200,000 bad items cost seconds of
  // CPU and its answer listed them all, as Ajv's own security notes warn for untrusted input.
  const ajv = new Ajv({ allErrors: false, removeAdditional: false, useDefaults: true, coerceTypes, strict: false });
  addFormats.default(ajv);
  return ajv;
}

/**
 * A fastify instance with the platform's conventions (docs/api-conventions.md): request ids,
 * strict JSON bodies (no type coercion, no unknown fields), every error answered as problem+json
 * with a stable code, titled in the language Accept-Language asks for (Indonesian by default),
 * field errors as JSON Pointers into the request part they are in, and a known path asked with
 * another method answered 405 with `Allow` (OPTIONS: 204 with `Allow`).
 */
export function createHttpServer(options: {
  logger: Logger;
  bodyLimit?: number;
  /** Proxy addresses or CIDRs whose X-Forwarded-For is believed; none by default. */
  trustProxy?: string[];
}): FastifyInstance {
  const app = Fastify({
    loggerInstance: options.logger,
    bodyLimit: options.bodyLimit ?? 1024 * 1024,
    // Behind a load balancer or ingress: whose X-Forwarded-For to believe (fastify's trustProxy).
    ...(options.trustProxy ? { trustProxy: options.trustProxy } : {}),
    // A malformed URL or an over-long path parameter is answered before routing; as problem+json too.
    frameworkErrors: (error, request, reply) => {
      const appError =
        error.code === 'FST_ERR_MAX_PARAM_LENGTH'
          ? new LocalisedAppError('VALIDATION_FAILED', {
              en: {
                message: 'A path parameter is too long',
                details: [{ field: '', in: 'path', message: 'is longer than 100 characters' }],
              },
              id: {
                message: 'Sebuah parameter jalur terlalu panjang',
                details: [{ field: '', in: 'path', message: 'lebih panjang dari 100 karakter' }],
              },
            })
          : error.code === 'FST_ERR_BAD_URL'
            ? new AppError('MALFORMED_REQUEST', 'The URL is not valid (bad percent-encoding)')
            : new AppError('INTERNAL');
      sendProblem(request, reply, appError);
    },
    clientErrorHandler: answerClientError,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[\w.-]{1,128}$/.test(given) ? given : randomUUID();
    },
  }) as unknown as FastifyInstance;

  const bodyAjv = compiler(false);
  const otherAjv = compiler('array');
  app.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'body' ? bodyAjv : otherAjv).compile(schema));
  app.setSchemaErrorFormatter((errors, dataVar) => schemaError(errors as ErrorObject[], dataVar));

  const routes = new RouteMethods();
  app.addHook('onRoute', (route) => routes.add(route.method, route.url ?? route.path));
  app.decorateRequest('allowedMethods', function allowedMethods(this: FastifyRequest) {
    return routes.allowed(this.url.split('?', 1)[0] ?? '/');
  });
  app.decorateRequest('language', {
    getter(this: FastifyRequest) {
      return negotiateLanguage(this.headers['accept-language']);
    },
  });

  app.addHook('onRequest', async (request) => {
    // Names the route (not the raw URL) on the HTTP span and its request-duration metric.
    const metadata = getRPCMetadata(context.active());
    if (metadata?.type === RPCType.HTTP && request.routeOptions.url) metadata.route = request.routeOptions.url;
  });

  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  app.setErrorHandler((error: FastifyError | AppError, request, reply) => {
    const appError = isAppError(error) ? error : fromFastifyError(error);
    if (appError.kind.http >= 500) request.log.error({ err: error }, 'request failed');
    sendProblem(request, reply, appError);
  });

  app.setNotFoundHandler((request, reply) => {
    if (answerUnroutedMethod(request, reply)) return;
    sendProblem(request, reply, new AppError('ROUTE_NOT_FOUND'));
  });
  return app;
}

/**
 * For a request no route took: OPTIONS on a known path is answered 204 with `Allow`, and
 * another method a 405 with `Allow` (true: answered). Unknown paths are left to the caller's own
 * not-found answer (a 404). A scope with its own error format (Open311's) calls this first too.
 */
export function answerUnroutedMethod(
  request: FastifyRequest,
  reply: FastifyReply,
  sendError: (error: AppError) => unknown = (error) => sendProblem(request, reply, error),
): boolean {
  const allowed = request.allowedMethods();
  if (allowed.length === 0) return false;
  reply.header('allow', allowed.join(', '));
  if (request.method === 'OPTIONS') {
    reply.status(204).send();
  } else {
    sendError(
      new LocalisedAppError('METHOD_NOT_ALLOWED', {
        en: { message: `${request.method} is not allowed here; Allow names the methods that are` },
        id: { message: `${request.method} tidak diizinkan di sini; Allow menyebut metode yang diizinkan` },
      }),
    );
  }
  return true;
}

/** Adds names to a response's Vary header, each once (RFC 9110 §12.5.5). */
export function appendVary(reply: FastifyReply, ...fields: string[]): void {
  const current = reply.getHeader('vary');
  reply.header('vary', appendVaryField(typeof current === 'string' ? current : '', fields));
}

const partNames: Record<string, RequestPart> = {
  body: 'body',
  querystring: 'query',
  params: 'path',
  headers: 'header',
};

const partMessages: Record<RequestPart, Record<Language, string>> = {
  body: { en: 'The body is not valid', id: 'Isi permintaan tidak valid' },
  query: { en: 'The query string is not valid', id: 'Parameter kueri tidak valid' },
  path: { en: 'The path parameters are not valid', id: 'Parameter jalur tidak valid' },
  header: { en: 'The headers are not valid', id: 'Header permintaan tidak valid' },
};

/**
 * A request its route's schema refused, with each failure as a JSON Pointer into the part it
 * is in (`{ field: '/categoryCode', in: 'query' }`), in English and Indonesian (ajv-i18n).
 */
function schemaError(errors: ErrorObject[], dataVar: string): AppError {
  const part = partNames[dataVar] ?? 'body';
  const inLanguage = (language: Language): ErrorText => {
    const failures = errors.map((error) => ({ ...error }));
    if (language === 'id') localizeIndonesian(failures);
    return {
      message: partMessages[part][language],
      details: failures.map((failure) => schemaErrorDetail(failure, part, language)),
    };
  };
  return new LocalisedAppError('VALIDATION_FAILED', { en: inLanguage('en'), id: inLanguage('id') });
}

function schemaErrorDetail(failure: ErrorObject, part: RequestPart, language: Language): ErrorDetail {
  const missing = (failure.params as { missingProperty?: string }).missingProperty;
  const extra = (failure.params as { additionalProperty?: string }).additionalProperty;
  const base = failure.instancePath;
  if (missing) {
    return {
      field: `${base}/${pointerToken(missing)}`,
      in: part,
      message: language === 'id' ? 'wajib diisi' : 'is required',
    };
  }
  if (extra) {
    return {
      field: `${base}/${pointerToken(extra)}`,
      in: part,
      message: language === 'id' ? 'bukan field yang dikenal' : 'is not a known field',
    };
  }
  return { field: base, in: part, message: failure.message ?? (language === 'id' ? 'tidak valid' : 'is not valid') };
}

/** A property name as one JSON Pointer reference token (RFC 6901 §3). */
function pointerToken(name: string): string {
  return name.replaceAll('~', '~0').replaceAll('/', '~1');
}

export function sendProblem(request: FastifyRequest, reply: FastifyReply, error: AppError): void {
  const problem = toProblem(error, request.url, request.language);
  reply.header('content-language', request.language);
  appendVary(reply, 'Accept-Language');
  if (error instanceof RateLimitedError) reply.header('retry-after', String(Math.max(1, error.retryAfterSeconds)));
  // A 409 names the version it is at now in the header a client reads on every answer, too.
  if (problem.currentVersion !== undefined) reply.header('etag', entityTag(problem.currentVersion));
  reply.status(problem.status).header('x-content-type-options', 'nosniff').type(problemContentType).send(problem);
}

/**
 * Requests Node's HTTP parser refuses (a NUL or other control character in a header, headers too
 * large, a request that never finished) get problem+json like every other error, not Node's bare
 * text; the connection is closed afterwards, since its framing can no longer be trusted.
 */
function answerClientError(this: FastifyInstance, error: NodeJS.ErrnoException, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const code =
    error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? 'REQUEST_TIMEOUT'
      : error.code === 'HPE_HEADER_OVERFLOW'
        ? 'HEADERS_TOO_LARGE'
        : 'MALFORMED_REQUEST';
  const problem = toProblem(new AppError(code));
  const body = JSON.stringify(problem);
  this.log.debug({ err: error }, 'malformed request refused');
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${problem.status} ${STATUS_CODES[problem.status]}\r\n` +
        `Content-Type: ${problemContentType}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        // Before its headers could be read: in the default language.
        `Content-Language: ${defaultLanguage}\r\n` +
        `X-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}

function fromFastifyError(error: FastifyError): AppError {
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new AppError('MALFORMED_JSON', error.message);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError('UNSUPPORTED_MEDIA_TYPE');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError('PAYLOAD_TOO_LARGE');
  }
  // The JSON parser's SyntaxError, and prototype-poisoning refusals, come as 400s.
  if (error.statusCode === 400) return new AppError('MALFORMED_JSON', error.message);
  if (error.statusCode === 405) return new AppError('METHOD_NOT_ALLOWED');
  return new AppError('INTERNAL');
}
