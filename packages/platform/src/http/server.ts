import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { context } from '@opentelemetry/api';
import { getRPCMetadata, RPCType } from '@opentelemetry/core';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { AppError, type ErrorDetail, isAppError, RateLimitedError } from '../errors.js';
import type { Logger } from '../logger.js';
import { problemContentType, toProblem } from './problem.js';

function compiler(coerceTypes: false | 'array'): Ajv {
  // Unknown fields are refused, never silently dropped: a typo must not lose data. The first
  // error only (allErrors off): with all of them, one body of 200,000 bad items cost seconds of
  // CPU and its answer listed them all, as Ajv's own security notes warn for untrusted input.
  const ajv = new Ajv({ allErrors: false, removeAdditional: false, useDefaults: true, coerceTypes, strict: false });
  addFormats.default(ajv);
  return ajv;
}

/**
 * A fastify instance with the platform's conventions: request ids, strict JSON bodies (no type
 * coercion, no unknown fields), and every error answered as problem+json with a stable code.
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
          ? new AppError('VALIDATION_FAILED', 'A path parameter is too long', [
              { field: '/params', message: 'is longer than 100 characters' },
            ])
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
  app.setSchemaErrorFormatter((errors, dataVar) => {
    const details: ErrorDetail[] = errors.map((error) => {
      const missing = (error.params as { missingProperty?: string }).missingProperty;
      const extra = (error.params as { additionalProperty?: string }).additionalProperty;
      const base = error.instancePath || (dataVar === 'body' ? '' : `/${dataVar}`);
      if (missing) return { field: `${base}/${missing}`, message: 'is required' };
      if (extra) return { field: `${base}/${extra}`, message: 'is not a known field' };
      return { field: base || '/', message: error.message ?? 'is not valid' };
    });
    return new AppError('VALIDATION_FAILED', `The ${dataVar} is not valid`, details);
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
    reply
      .status(404)
      .type(problemContentType)
      .send(toProblem(new AppError('ROUTE_NOT_FOUND'), request.url));
  });
  return app;
}

function sendProblem(request: FastifyRequest, reply: FastifyReply, error: AppError): void {
  const problem = toProblem(error, request.url);
  if (error instanceof RateLimitedError) reply.header('retry-after', String(Math.max(1, error.retryAfterSeconds)));
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
