import createClient, { type Client, type Middleware } from 'openapi-fetch';
import type { paths } from './gen/api.js';

/** Where the client gets the caller's access token; a TokenManager is one. */
export interface AccessTokenSource {
  /** The token to send now, refreshed first when it is about to expire; null when signed out. */
  accessToken(): Promise<string | null>;
  /**
   * Called when the API refused `rejected` with 401: refreshes unless someone already did, and
   * returns the token to retry with (null: do not retry).
   */
  refreshAfterRejection?(rejected: string): Promise<string | null>;
}

export interface BalaiClientOptions {
  /** The gateway's public URL, e.g. https://api.balai.example (no trailing /v1). */
  baseUrl: string;
  /**
   * The tenant (region code, e.g. 36.73), sent as X-Balai-Tenant. Anonymous callers need it; a
   * signed-in caller's tenant comes from the token (naming another one is refused).
   */
  tenant?: string;
  /** Sent as Accept-Language: id-ID (the default) or en; problem titles and details follow it. */
  language?: string;
  /** A fixed bearer token, or a source that refreshes (TokenManager). */
  auth?: string | AccessTokenSource;
  /** For tests and runtimes without a global fetch. */
  fetch?: typeof globalThis.fetch;
}

export type BalaiClient = Client<paths>;

/**
 * The typed client: `client.GET('/v1/complaints/{id}', { params: { path: { id } } })` resolves to
 * `{ data, error, response }`, where `data` is the success body and `error` the problem details
 * (narrow with `if (error)`), or use `ok(...)` to get the body or a thrown BalaiApiError.
 */
export function createBalaiClient(options: BalaiClientOptions): BalaiClient {
  const client = createClient<paths>({
    baseUrl: options.baseUrl.replace(/\/+$/, ''),
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  client.use(contextHeaders(options));
  if (options.auth !== undefined) client.use(bearerToken(options.auth, options.fetch));
  return client;
}

function contextHeaders(options: Pick<BalaiClientOptions, 'tenant' | 'language'>): Middleware {
  return {
    onRequest({ request }) {
      if (options.tenant && !request.headers.has('x-balai-tenant')) {
        request.headers.set('x-balai-tenant', options.tenant);
      }
      if (options.language && !request.headers.has('accept-language')) {
        request.headers.set('accept-language', options.language);
      }
      return request;
    },
  };
}

/**
 * Adds the bearer token; on a 401 for a token a source can refresh, retries once with the new
 * one. The retry needs the request as it was before fetch read its body, hence the copies.
 */
function bearerToken(auth: string | AccessTokenSource, customFetch?: typeof globalThis.fetch): Middleware {
  const source: AccessTokenSource = typeof auth === 'string' ? { accessToken: async () => auth } : auth;
  const sent = new WeakMap<Request, { token: string; copy: Request | null }>();
  return {
    async onRequest({ request }) {
      const token = await source.accessToken();
      if (!token) return request;
      request.headers.set('authorization', `Bearer ${token}`);
      sent.set(request, { token, copy: source.refreshAfterRejection ? request.clone() : null });
      return request;
    },
    async onResponse({ request, response }) {
      const attempt = sent.get(request);
      if (response.status !== 401 || !attempt?.copy || !source.refreshAfterRejection) return response;
      const token = await source.refreshAfterRejection(attempt.token);
      if (!token || token === attempt.token) return response;
      const retry = attempt.copy;
      retry.headers.set('authorization', `Bearer ${token}`);
      return (customFetch ?? globalThis.fetch)(retry);
    },
  };
}
