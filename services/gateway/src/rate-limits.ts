import { createHash } from 'node:crypto';
import { ConfigError, type MongoRateLimitStore, RateLimitedError } from '@balai/platform';
import rateLimit, { normalizeIP } from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';

/**
 * Abuse limits, per class of route, counted per client address and per authenticated caller
 * (a user, or a partner app known by its api_key), in windows shared by every gateway instance.
 * They bound what one client can make the platform do: send codes, guess secrets, flood writes.
 * identity adds its own limits on what only it can see (per contact, per account).
 */
export const limitClasses = [
  'sign-in',
  'token',
  'registration',
  'verification',
  'open311-post',
  'writes',
  'reads',
] as const;
export type LimitClass = (typeof limitClasses)[number];

export interface Limit {
  max: number;
  windowMs: number;
}

/** A class's limits: per client address always, per caller where one is known. */
export interface ClassLimits {
  address: Limit;
  caller?: Limit;
}

export type Limits = Record<LimitClass, ClassLimits>;

const minute = 60_000;
const hour = 60 * minute;

/**
 * Defaults sized for real use: a citizen's whole journey stays far below them, a government
 * office behind one NAT address shares the per-address ones, and a script meets them within
 * seconds. RATE_LIMITS overrides any of them (see parseLimits).
 */
export const defaultLimits: Limits = {
  // The hosted login pages and the authorisation endpoint: a sign-in is about five requests.
  'sign-in': { address: { max: 120, windowMs: minute } },
  // Code exchange, refresh, revocation, introspection: a wrong client secret is guessed here.
  token: { address: { max: 60, windowMs: minute } },
  // Each registration sends an e-mail or an SMS.
  registration: { address: { max: 20, windowMs: hour } },
  // Proving a contact, activating an account, asking for a new code.
  verification: { address: { max: 60, windowMs: hour } },
  // Partner apps file their users' reports from their own servers: the partner's limit is the one that binds.
  'open311-post': { address: { max: 120, windowMs: minute }, caller: { max: 60, windowMs: minute } },
  writes: { address: { max: 600, windowMs: minute }, caller: { max: 60, windowMs: minute } },
  reads: { address: { max: 1200, windowMs: minute }, caller: { max: 300, windowMs: minute } },
};

const unitMs: Record<string, number> = { s: 1000, m: minute, h: hour, d: 24 * hour };

/**
 * Reads RATE_LIMITS: comma-separated `<class>.<address|caller>=<max>/<window>`, the window a
 * number and a unit (s, m, h, d), e.g. `token.address=30/1m,reads.caller=600/1m`. Classes and
 * scopes not named keep their defaults; `off` turns the limits off (a test bench, never production).
 */
export function parseLimits(spec: string): Limits | null {
  if (spec.trim() === 'off') return null;
  const limits: Limits = structuredClone(defaultLimits);
  const problems: string[] = [];
  for (const entry of spec.split(',')) {
    if (entry.trim() === '') continue;
    const match = /^\s*([a-z0-9-]+)\.(address|caller)\s*=\s*(\d{1,9})\s*\/\s*(\d{1,6})\s*([smhd])\s*$/.exec(entry);
    const limitClass = match?.[1] as LimitClass | undefined;
    if (!match || !limitClass || !limitClasses.includes(limitClass)) {
      problems.push(
        `RATE_LIMITS: "${entry.trim()}" is not <class>.<address|caller>=<max>/<n><s|m|h|d> with a class of ${limitClasses.join(', ')}`,
      );
      continue;
    }
    const windowMs = Number(match[4]) * (unitMs[match[5] as string] ?? minute);
    if (windowMs <= 0) {
      problems.push(`RATE_LIMITS: "${entry.trim()}" has an empty window`);
      continue;
    }
    limits[limitClass][match[2] as 'address' | 'caller'] = { max: Number(match[3]), windowMs };
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return limits;
}

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

type Limiter = (request: FastifyRequest) => Promise<{ isAllowed: boolean; isExceeded?: boolean; ttl?: number }>;

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
  // It constructs the store from the class it is given; this one hands it the shared instance.
  const sharedStore = function SharedStore() {
    return store;
  };
  await app.register(rateLimit, { global: false, store: sharedStore as never });
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
    }) as unknown as Limiter;
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
