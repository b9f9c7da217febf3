import { appendVary } from '@balai/platform';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** How long a shared or browser cache may keep a public read (a catalogue, the tenants, the document). */
export const publicReadMaxAgeSeconds = 60;

/**
 * Whether an answer is a public read: a successful GET (or HEAD) of a route open to anyone
 * (`config.access === 'public'`), asked without credentials, so the same for every caller of a
 * tenant and language. A signed-in caller's answer may hold more (an admin sees inactive
 * categories) and is never shared.
 */
export function isPublicRead(request: FastifyRequest, reply: FastifyReply): boolean {
  return (
    (request.method === 'GET' || request.method === 'HEAD') &&
    request.routeOptions.config?.access === 'public' &&
    request.headers.authorization === undefined &&
    reply.statusCode < 300
  );
}

/**
 * Headers every answer of the public port carries, whatever route (or none) answered:
 * - `Content-Language`: the language the answer is written in (Accept-Language negotiated,
 *   Indonesian by default), unless the answer named its own (identity's pages through /oidc);
 *   with `Vary: Accept-Language`, since errors (and localised fields) depend on it;
 * - on public reads, `Vary` also names the tenant header and Origin: a cache keeps one answer
 *   per tenant, language and (for CORS) calling origin.
 * Cache-Control itself is set with the other security headers (security-headers.ts).
 */
export function registerResponseConventions(app: FastifyInstance): void {
  app.addHook('onSend', async (request, reply) => {
    if (!reply.hasHeader('content-language')) reply.header('content-language', request.language);
    appendVary(reply, 'Accept-Language');
    if (isPublicRead(request, reply)) appendVary(reply, 'X-Balai-Tenant', 'Origin');
  });
}
