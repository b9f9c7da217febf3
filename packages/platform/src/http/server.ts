import { randomUUID } from 'node:crypto';
import { context } from '@opentelemetry/api';
import { getRPCMetadata, RPCType } from '@opentelemetry/core';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import { AppError, type ErrorDetail, isAppError } from '../errors.js';
import type { Logger } from '../logger.js';
import { problemContentType, toProblem } from './problem.js';

function compiler(coerceTypes: false | 'array'): Ajv {
  // Unknown fields are refused, never silently dropped: a typo must not lose data.
  const ajv = new Ajv({ allErrors: true, removeAdditional: false, useDefaults: true, coerceTypes, strict: false });
  addFormats.default(ajv);
  return ajv;
}

/**
 * A fastify instance with the platform's conventions: request ids, strict JSON bodies (no type
 * coercion, no unknown fields), and every error answered as problem+json with a stable code.
 */
export function createHttpServer(options: { logger: Logger; bodyLimit?: number }): FastifyInstance {
  const app = Fastify({
    loggerInstance: options.logger,
    bodyLimit: options.bodyLimit ?? 1024 * 1024,
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
    const problem = toProblem(appError, request.url);
    if (problem.status >= 500) request.log.error({ err: error }, 'request failed');
    reply.status(problem.status).type(problemContentType).send(problem);
  });

  app.setNotFoundHandler((request, reply) => {
    reply
      .status(404)
      .type(problemContentType)
      .send(toProblem(new AppError('ROUTE_NOT_FOUND'), request.url));
  });
  return app;
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
