import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';
import { isPublicRead, publicReadMaxAgeSeconds } from './response-conventions.js';

/**
 * Security headers on every answer of the public port (helmet), for an API read by browsers:
 * - `X-Content-Type-Options: nosniff` everywhere, JSON, problem+json and Open311's XML alike;
 * - `Content-Security-Policy: default-src 'none'` and `X-Frame-Options: DENY`: an API answer
 *   is never a page to render or frame (identity's own login pages send their own, which the
 *   proxy passes through in place of these);
 * - `Referrer-Policy: no-referrer`;
 * - `Strict-Transport-Security` only when the public URL is https;
 * - `Cache-Control: no-store` unless a route set its own: answers carry personal data (a
 *   complaint's text and place, an account) that no shared or browser cache may keep; public
 *   reads alone (response-conventions.ts) are `public, max-age=60`, the same for everyone.
 * Cross-origin isolation headers are left to the apps: the API is meant to be read from other origins.
 */
export async function registerSecurityHeaders(app: FastifyInstance, options: { hstsMaxAgeSeconds: number }) {
  await app.register(helmet, {
    contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    strictTransportSecurity:
      options.hstsMaxAgeSeconds > 0 ? { maxAge: options.hstsMaxAgeSeconds, includeSubDomains: true } : false,
    crossOriginResourcePolicy: false,
    crossOriginOpenerPolicy: false,
    crossOriginEmbedderPolicy: false,
    originAgentCluster: false,
  });
  app.addHook('onSend', async (request, reply) => {
    if (reply.hasHeader('cache-control')) return;
    reply.header(
      'cache-control',
      isPublicRead(request, reply) ? `public, max-age=${publicReadMaxAgeSeconds}` : 'no-store',
    );
  });
}
