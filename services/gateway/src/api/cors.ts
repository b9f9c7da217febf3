import cors from '@fastify/cors';
import type { FastifyInstance } from 'fastify';
import type { AllowedOrigins } from '../clients/web-client-origins.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** false: this route answers CORS itself (the /oidc proxy, whose provider does). */
    cors?: false;
  }
}

/** Every method a route of the API answers. */
export const corsAllowedMethods = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'];

/** The request headers the API reads; a browser app may send each of them. */
export const corsAllowedHeaders = [
  'Authorization',
  'Content-Type',
  'If-Match',
  'Idempotency-Key',
  'X-Request-Id',
  'Accept-Language',
  'X-Balai-Tenant',
];

/** The answer headers a browser app may read besides the CORS-safelisted ones. */
export const corsExposedHeaders = ['Location', 'ETag', 'X-Request-Id', 'Content-Language', 'Retry-After', 'Allow'];

/** How long a browser may reuse a preflight answer. */
const preflightMaxAgeSeconds = 600;

/**
 * CORS (@fastify/cors) for browser apps on other origins: the origins `origins` allows get the
 * answer's Access-Control-* headers, and their preflights are answered 204 with the methods and
 * headers above. Never with credentials: the API is called with bearer tokens, never cookies.
 * An origin not allowed gets no CORS header at all (its browser then refuses to read the
 * answer), and an OPTIONS that is no preflight is answered by the platform (204 and Allow).
 * Routes with `config.cors === false` (the /oidc proxy: identity's provider answers CORS for its
 * own endpoints) are left alone, so no header is sent twice.
 */
export async function registerCors(app: FastifyInstance, origins: AllowedOrigins): Promise<void> {
  await app.register(cors, {
    delegator: (request, callback) => {
      const origin = request.headers.origin;
      const isPreflight =
        request.method === 'OPTIONS' && request.headers['access-control-request-method'] !== undefined;
      callback(null, {
        origin: typeof origin === 'string' && origins.allows(origin) ? origin : false,
        methods: corsAllowedMethods,
        allowedHeaders: corsAllowedHeaders,
        exposedHeaders: corsExposedHeaders,
        credentials: false,
        maxAge: preflightMaxAgeSeconds,
        preflight: isPreflight,
        strictPreflight: false,
      });
    },
  });
}
