import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeGrpcClient } from '../clients/upstreams.fixture.js';
import { newSigningKey, type SigningKey, testGateway } from './test-gateway.fixture.js';

const app = 'http://127.0.0.1:5173';
const stranger = 'https://evil.example';

let key: SigningKey;
beforeAll(async () => {
  key = await newSigningKey('k1');
});

const preflight = (origin: string, url = '/v1/complaint-categories', method = 'PATCH') => ({
  method: 'OPTIONS' as const,
  url,
  headers: {
    origin,
    'access-control-request-method': method,
    'access-control-request-headers': 'authorization, if-match, x-balai-tenant',
    'x-request-id': 'req-cors-1',
  },
});

describe('CORS with CORS_ALLOWED_ORIGINS', () => {
  let gateway: Awaited<ReturnType<typeof testGateway>>;
  beforeAll(async () => {
    gateway = await testGateway([key], { CORS_ALLOWED_ORIGINS: `${app},https://lapor.serangkota.go.id` });
    await gateway.ready();
  });
  afterAll(async () => {
    await gateway?.close();
  });

  it('should answer a preflight from an allowed origin with the methods and headers the API uses', async () => {
    const response = await gateway.inject(preflight(app));
    expect(response.statusCode).toBe(204);
    expect(response.headers['access-control-allow-origin']).toBe(app);
    const methods = String(response.headers['access-control-allow-methods']).split(/,\s*/);
    expect(methods).toEqual(expect.arrayContaining(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']));
    const headers = String(response.headers['access-control-allow-headers']).toLowerCase().split(/,\s*/);
    expect(headers).toEqual(
      expect.arrayContaining([
        'authorization',
        'content-type',
        'if-match',
        'idempotency-key',
        'x-request-id',
        'accept-language',
        'x-balai-tenant',
      ]),
    );
    expect(response.headers['access-control-allow-credentials']).toBeUndefined();
    expect(response.headers['access-control-max-age']).toBe('600');
    expect(response.headers['x-request-id']).toBe('req-cors-1');
    expect(response.headers.vary).toMatch(/Origin/);
  });

  it('should let an allowed origin read a public answer and the headers clients need', async () => {
    const response = await gateway.inject({ method: 'GET', url: '/openapi.json', headers: { origin: app } });
    expect(response.statusCode).toBe(200);
    expect(response.headers['access-control-allow-origin']).toBe(app);
    const exposed = String(response.headers['access-control-expose-headers']).split(/,\s*/);
    expect(exposed).toEqual(
      expect.arrayContaining(['Location', 'ETag', 'X-Request-Id', 'Content-Language', 'Retry-After']),
    );
    expect(response.headers['access-control-allow-credentials']).toBeUndefined();
  });

  it('should give an origin it does not allow no CORS header, preflight or not', async () => {
    const refused = await gateway.inject(preflight(stranger));
    expect(refused.headers['access-control-allow-origin']).toBeUndefined();
    expect(refused.headers['access-control-allow-methods']).toBeUndefined();
    // Answered as any OPTIONS is: the browser then refuses the call itself.
    expect(refused.statusCode).toBe(204);
    const read = await gateway.inject({ method: 'GET', url: '/openapi.json', headers: { origin: stranger } });
    expect(read.headers['access-control-allow-origin']).toBeUndefined();
    // An origin that only differs in scheme or port is another origin.
    const lookalike = await gateway.inject(preflight('http://127.0.0.1:5174'));
    expect(lookalike.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('should answer an OPTIONS that is no preflight with Allow, and the CORS headers of an allowed origin', async () => {
    const response = await gateway.inject({
      method: 'OPTIONS',
      url: '/v1/complaint-categories',
      headers: { origin: app },
    });
    expect(response.statusCode).toBe(204);
    expect(response.headers.allow).toBe('GET, HEAD, OPTIONS');
    expect(response.headers['access-control-allow-origin']).toBe(app);
    expect(response.headers['access-control-allow-methods']).toBeUndefined();
  });

  it("should leave the /oidc endpoints' CORS to identity's provider", async () => {
    // identity is unreachable here: whatever answers, the gateway adds no CORS header of its own.
    const response = await gateway.inject(preflight(app, '/oidc/token', 'POST'));
    expect(response.headers['access-control-allow-origin']).toBeUndefined();
    expect(response.headers['access-control-allow-methods']).toBeUndefined();
  });
});

describe('CORS by the registered web clients', () => {
  it('should allow the origins identity names, once the gateway is ready', async () => {
    const identity = fakeGrpcClient();
    identity.answers.set('listWebClientOrigins', { origins: [app] });
    const gateway = await testGateway(
      [key],
      { CORS_ALLOWED_ORIGINS: '' },
      { upstreams: { identity: identity.client } },
    );
    try {
      await gateway.ready();
      await expect
        .poll(async () => (await gateway.inject(preflight(app))).headers['access-control-allow-origin'])
        .toBe(app);
      expect((await gateway.inject(preflight(stranger))).headers['access-control-allow-origin']).toBeUndefined();
      expect(identity.calls.some((call) => call.method === 'listWebClientOrigins')).toBe(true);
    } finally {
      await gateway.close();
    }
  });

  it('should allow no origin while identity has not answered', async () => {
    const gateway = await testGateway([key], { CORS_ALLOWED_ORIGINS: '' });
    try {
      await gateway.ready();
      const response = await gateway.inject(preflight(app));
      expect(response.headers['access-control-allow-origin']).toBeUndefined();
    } finally {
      await gateway.close();
    }
  });
});
