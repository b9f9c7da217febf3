import { createHash } from 'node:crypto';
import { type MongoRateLimitStore, RateLimitedError } from '@balai/platform';
import rateLimit, { type FastifyRateLimitStore, normalizeIP } from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { type LimitClass, type Limits, limitClasses } from '../domain/abuse-limits.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route's limit class, where its method alone does not say it (reads and writes). */
    limit?: LimitClass;
  }
  interface FastifyRequest {
    /**
     * Counts the request against a caller the route itself authenticated (a partner app by its
     * api_key); answers 429 past the class's caller limit. A no-op when limits are off.
     */
    limitCaller(callerId: string): Promise<void>;
  }
}

/** The class of a request: the route's declared one, the OIDC endpoints by path, else by method. */
export function limitClassOf(request: FastifyRequest): LimitClass | null {
  const declared = request.routeOptions.config?.limit;
  if (declared) return declared;
  // Probes are for load balancers and orchestrators, which must never be refused.
  if (request.routeOptions.url === '/healthz') return null;
  const path = request.url.split('?', 1)[0] ?? '';
  if (path.startsWith('/oidc/')) return /^\/oidc\/token(\/|$)/.test(path) ? 'token' : 'sign-in';
  return request.method === 'GET' || request.method === 'HEAD' || request.method === 'OPTIONS' ? 'reads' : 'writes';
}

type Limiter = ReturnType<FastifyInstance['createRateLimit']>;

/**
 * Registers the limits on the gateway and returns the hook that counts authenticated callers:
 * the per-address count runs on every request before authentication (so invalid tokens count
 * too); add the returned hook after authentication. Without limits (tests of routes alone) only
 * the no-op `limitCaller` is added.
 */
export async function registerLimits(
  app: FastifyInstance,
  options: { limits: Limits | null; store?: MongoRateLimitStore },
): Promise<{ countCallers(app: FastifyInstance): void }> {
  const { limits, store } = options;
  if (!limits || !store) {
    app.decorateRequest('limitCaller', async () => {});
    return { countCallers: () => {} };
  }
  // The plugin's own hooks stay off (global: false): the class and the key are the gateway's.
  // It constructs the store from the class it is given; this one counts in the shared instance.
  const shared: MongoRateLimitStore = store;
  class SharedStore implements FastifyRateLimitStore {
    incr: FastifyRateLimitStore['incr'] = (key, callback, timeWindow) => shared.incr(key, callback, timeWindow);
    read: FastifyRateLimitStore['incr'] = (key, callback, timeWindow) => shared.read(key, callback, timeWindow);
    child = () => this;
  }
  await app.register(rateLimit, { global: false, store: SharedStore });
  const callerKeys = new WeakMap<FastifyRequest, string>();
  const limiter = (limitClass: LimitClass, scope: 'address' | 'caller'): Limiter | undefined => {
    const limit = limits[limitClass][scope];
    if (!limit) return undefined;
    const key =
      scope === 'address'
        ? (request: FastifyRequest) => normalizeIP(request.ip)
        : (request: FastifyRequest) => callerKeys.get(request) ?? '';
    return app.createRateLimit({
      max: limit.max,
      timeWindow: limit.windowMs,
      keyGenerator: (request: FastifyRequest) => `${limitClass}:${scope}:${key(request)}`,
    });
  };
  const limiters = new Map(
    limitClasses.map((limitClass) => [
      limitClass,
      { address: limiter(limitClass, 'address'), caller: limiter(limitClass, 'caller') },
    ]),
  );

  const enforce = async (request: FastifyRequest, scope: 'address' | 'caller') => {
    const limitClass = limitClassOf(request);
    const check = limitClass ? limiters.get(limitClass)?.[scope] : undefined;
    if (!check) return;
    let result: Awaited<ReturnType<Limiter>>;
    try {
      result = await check(request);
    } catch (error) {
      // The store is unreachable: serve rather than refuse everyone, and say limits are not held.
      request.log.warn({ err: error }, 'rate limit not checked (store unavailable)');
      return;
    }
    if (result.isAllowed || !result.isExceeded) return;
    throw new RateLimitedError(Math.ceil((result.ttl ?? 1000) / 1000));
  };

  app.addHook('onRequest', async (request) => enforce(request, 'address'));
  app.decorateRequest('limitCaller', async function (this: FastifyRequest, callerId: string) {
    // Hashed: a subject or an api_key is no business of the limits' collection.
    callerKeys.set(this, createHash('sha256').update(callerId).digest('base64url').slice(0, 22));
    await enforce(this, 'caller');
  });
  return {
    countCallers(authenticated) {
      authenticated.addHook('onRequest', async (request) => {
        if (request.caller) await request.limitCaller(`${request.caller.clientId}/${request.caller.subject}`);
      });
    },
  };
}
