import { afterEach, describe, expect, it } from 'vitest';
import { createBalaiClient } from './client.js';
import { BalaiApiError, ok } from './errors.js';
import { memoryTokenStorage, TokenManager } from './token-manager.js';

/** Requests as the fake gateway received them. */
const received: Request[] = [];
let managers: TokenManager[] = [];

afterEach(() => {
  received.length = 0;
  for (const manager of managers) manager.close();
  managers = [];
});

const problem = (status: number, code: string, extra: object = {}) =>
  new Response(JSON.stringify({ type: 'about:blank', title: 'Refused', status, code, ...extra }), {
    status,
    headers: { 'content-type': 'application/problem+json', 'x-request-id': 'req-1' },
  });

/** A gateway that accepts only `validToken`, and a token endpoint that hands out the next one. */
function fakeGateway(validToken: string): typeof globalThis.fetch {
  return async (input, init) => {
    const request = new Request(input, init);
    received.push(request.clone());
    if (request.url.endsWith('/oidc/token')) {
      return Response.json({ access_token: validToken, refresh_token: 'refresh-2', expires_in: 300 });
    }
    if (request.headers.get('authorization') !== `Bearer ${validToken}`) return problem(401, 'UNAUTHENTICATED');
    if (request.method === 'POST') return Response.json({ echoed: await request.json() }, { status: 201 });
    return Response.json({ items: [], nextPageToken: null });
  };
}

describe('createBalaiClient', () => {
  it('should send the tenant, the language and the bearer token with every call', async () => {
    const client = createBalaiClient({
      baseUrl: 'https://api.balai.test/',
      tenant: '36.73',
      language: 'en',
      auth: 'token-1',
      fetch: fakeGateway('token-1'),
    });
    const { response } = await client.GET('/v1/complaints', { params: { query: { mine: true } } });
    expect(response.status).toBe(200);
    const [request] = received;
    expect(request?.url).toBe('https://api.balai.test/v1/complaints?mine=true');
    expect(request?.headers.get('x-balai-tenant')).toBe('36.73');
    expect(request?.headers.get('accept-language')).toBe('en');
    expect(request?.headers.get('authorization')).toBe('Bearer token-1');
  });

  it('should refresh after a 401 and send the same request again, body included', async () => {
    const storage = memoryTokenStorage();
    const fetch = fakeGateway('token-2');
    const manager = new TokenManager({
      tokenEndpoint: 'https://api.balai.test/oidc/token',
      clientId: 'balai-web',
      storage,
      fetch,
      name: `test-${crypto.randomUUID()}`,
    });
    managers.push(manager);
    await manager.signedIn({ access_token: 'token-1', refresh_token: 'refresh-1', expires_in: 300 });
    const client = createBalaiClient({ baseUrl: 'https://api.balai.test', auth: manager, fetch });

    const body = {
      categoryCode: 'roads.pothole',
      description: 'Lubang besar di jalan',
      latitude: -6.1,
      longitude: 106.15,
    };
    const { data, response } = await client.POST('/v1/complaints', { body });

    expect(response.status).toBe(201);
    expect(data).toEqual({ echoed: body });
    expect(received.map((request) => `${request.method} ${new URL(request.url).pathname}`)).toEqual([
      'POST /v1/complaints',
      'POST /oidc/token',
      'POST /v1/complaints',
    ]);
    expect(await storage.load()).toMatchObject({ accessToken: 'token-2', refreshToken: 'refresh-2' });
  });

  it('should give the problem details as a typed error, or throw them from ok()', async () => {
    const client = createBalaiClient({
      baseUrl: 'https://api.balai.test',
      fetch: async () =>
        problem(400, 'VALIDATION_FAILED', { errors: [{ field: '/query/pageSize', message: 'too large' }] }),
    });
    const { data, error } = await client.GET('/v1/complaint-categories');
    expect(data).toBeUndefined();
    expect(error).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });

    const thrown = await ok(client.GET('/v1/complaint-categories')).catch((caught: unknown) => caught);
    expect(thrown).toBeInstanceOf(BalaiApiError);
    expect(thrown).toMatchObject({
      status: 400,
      code: 'VALIDATION_FAILED',
      errors: [{ field: '/query/pageSize', message: 'too large' }],
      requestId: 'req-1',
    });
  });

  it('should turn an answer that is not problem+json into a BalaiApiError with its status', async () => {
    const client = createBalaiClient({
      baseUrl: 'https://api.balai.test',
      fetch: async () => new Response('<html>Bad gateway</html>', { status: 502, statusText: 'Bad Gateway' }),
    });
    await expect(ok(client.GET('/v1/complaint-categories'))).rejects.toMatchObject({
      status: 502,
      code: 'UNEXPECTED_RESPONSE',
    });
  });
});
