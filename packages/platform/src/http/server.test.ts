import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { pino } from 'pino';
import Type from 'typebox';
import { describe, expect, it } from 'vitest';
import { AppError } from '../errors.js';
import { createHttpServer } from './server.js';

function app() {
  const server = createHttpServer({ logger: pino({ level: 'silent' }) });
  server.post(
    '/things',
    {
      schema: {
        body: Type.Object(
          { name: Type.String({ minLength: 1 }), count: Type.Integer() },
          { additionalProperties: false },
        ),
      },
    },
    async (request) => request.body,
  );
  server.get('/conflict', async () => {
    throw new AppError('STALE_VERSION', 'Complaint c-1 is at version 3');
  });
  server.get('/boom', async () => {
    throw new Error('secret internals');
  });
  return server;
}

const post = (body: string, contentType = 'application/json') =>
  app().inject({ method: 'POST', url: '/things', headers: { 'content-type': contentType }, payload: body });

describe('createHttpServer', () => {
  it('should accept a valid body unchanged', async () => {
    const response = await post('{"name":"a","count":2}');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ name: 'a', count: 2 });
  });

  it('should refuse an unknown field instead of dropping it', async () => {
    const response = await post('{"name":"a","count":2,"extra":true}');
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({
      code: 'VALIDATION_FAILED',
      errors: [{ field: '/extra', in: 'body', message: 'bukan field yang dikenal' }],
    });
  });

  it('should not coerce a string into a number', async () => {
    const response = await post('{"name":"a","count":"2"}');
    expect(response.json()).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ field: '/count' }] });
  });

  it('should name a missing field', async () => {
    const response = await post('{"count":2}');
    expect(response.json()).toMatchObject({ errors: [{ field: '/name', in: 'body', message: 'wajib diisi' }] });
  });

  it('should answer malformed JSON with MALFORMED_JSON', async () => {
    const response = await post('{"name":');
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.json()).toMatchObject({ code: 'MALFORMED_JSON', status: 400 });
  });

  it('should refuse a prototype-poisoning body', async () => {
    const response = await post('{"name":"a","count":1,"__proto__":{"admin":true}}');
    expect(response.statusCode).toBe(400);
  });

  it('should answer an unsupported content type with 415', async () => {
    const response = await post('name=a', 'text/csv');
    expect(response.statusCode).toBe(415);
    expect(response.json()).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE' });
  });

  it('should map a domain error to its status and keep its message', async () => {
    const response = await app().inject({ method: 'GET', url: '/conflict' });
    expect(response.statusCode).toBe(409);
    expect(response.json()).toMatchObject({ code: 'STALE_VERSION', detail: 'Complaint c-1 is at version 3' });
  });

  it('should answer an unexpected error with a bare 500', async () => {
    const response = await app().inject({ method: 'GET', url: '/boom' });
    expect(response.statusCode).toBe(500);
    expect(response.body).not.toContain('secret');
  });

  it('should answer an unknown route with problem+json and echo the request id', async () => {
    const response = await app().inject({ method: 'GET', url: '/nope', headers: { 'x-request-id': 'req-42' } });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ code: 'ROUTE_NOT_FOUND' });
    expect(response.headers['x-request-id']).toBe('req-42');
  });

  it('should answer a wrong method on a known path with 405 and the methods it allows', async () => {
    const response = await app().inject({ method: 'DELETE', url: '/things?x=1', headers: { 'x-request-id': 'req-7' } });
    expect(response.statusCode).toBe(405);
    expect(response.headers.allow).toBe('POST, OPTIONS');
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.json()).toMatchObject({ code: 'METHOD_NOT_ALLOWED', status: 405 });
    expect(response.headers['x-request-id']).toBe('req-7');
  });

  it('should allow every method of the routes a path matches, parametric and static alike', async () => {
    const server = app();
    server.put('/things/:id', async () => ({}));
    server.get('/things/special', async () => ({}));
    const response = await server.inject({ method: 'PATCH', url: '/things/special' });
    expect(response.statusCode).toBe(405);
    expect(response.headers.allow).toBe('GET, HEAD, PUT, OPTIONS');
  });

  it('should answer OPTIONS on a known path with 204 and Allow, and on an unknown one with 404', async () => {
    const server = app();
    const known = await server.inject({ method: 'OPTIONS', url: '/conflict', headers: { 'x-request-id': 'req-9' } });
    expect(known.statusCode).toBe(204);
    expect(known.headers.allow).toBe('GET, HEAD, OPTIONS');
    expect(known.body).toBe('');
    expect(known.headers['x-request-id']).toBe('req-9');
    const unknown = await server.inject({ method: 'OPTIONS', url: '/nope' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ code: 'ROUTE_NOT_FOUND' });
  });

  it('should title errors in the language Accept-Language asks for, Indonesian by default', async () => {
    const server = app();
    const asked = (acceptLanguage?: string) =>
      server.inject({
        method: 'GET',
        url: '/nope',
        headers: acceptLanguage === undefined ? {} : { 'accept-language': acceptLanguage },
      });
    const indonesian = await asked('id-ID,id;q=0.9,en;q=0.5');
    expect(indonesian.json()).toMatchObject({ title: 'Rute tidak ditemukan' });
    expect(indonesian.headers['content-language']).toBe('id');
    expect(indonesian.headers.vary).toBe('Accept-Language');
    const english = await asked('en-GB,en;q=0.8');
    expect(english.json()).toMatchObject({ title: 'No such route' });
    expect(english.headers['content-language']).toBe('en');
    const byDefault = await asked();
    expect(byDefault.json()).toMatchObject({ title: 'Rute tidak ditemukan' });
    expect(byDefault.headers['content-language']).toBe('id');
    const neither = await asked('fr-FR');
    expect(neither.headers['content-language']).toBe('id');
  });

  it("should write the validator's messages in the language asked for", async () => {
    const server = app();
    const send = (acceptLanguage: string) =>
      server.inject({
        method: 'POST',
        url: '/things',
        headers: { 'content-type': 'application/json', 'accept-language': acceptLanguage },
        payload: '{"name":"a","count":"2"}',
      });
    expect((await send('en')).json()).toMatchObject({
      title: 'The request is not valid',
      detail: 'The body is not valid',
      errors: [{ field: '/count', in: 'body', message: 'must be integer' }],
    });
    expect((await send('id')).json()).toMatchObject({
      title: 'Permintaan tidak valid',
      detail: 'Isi permintaan tidak valid',
      errors: [{ field: '/count', in: 'body', message: 'harus berupa integer' }],
    });
  });

  it('should point a query string error into the query, as a JSON Pointer', async () => {
    const server = app();
    server.get(
      '/search',
      { schema: { querystring: Type.Object({ size: Type.Integer() }, { additionalProperties: false }) } },
      async () => ({}),
    );
    const missing = await server.inject({ method: 'GET', url: '/search', headers: { 'accept-language': 'en' } });
    expect(missing.json()).toMatchObject({
      detail: 'The query string is not valid',
      errors: [{ field: '/size', in: 'query', message: 'is required' }],
    });
    const wrong = await server.inject({ method: 'GET', url: '/search?size=x', headers: { 'accept-language': 'en' } });
    expect(wrong.json()).toMatchObject({ errors: [{ field: '/size', in: 'query' }] });
  });
});

describe('createHttpServer on the wire', () => {
  it('should answer a header with a NUL byte with problem+json, and keep serving', async () => {
    const server = app();
    await server.listen({ host: '127.0.0.1', port: 0 });
    try {
      const { port } = server.server.address() as AddressInfo;
      const raw = await new Promise<string>((resolve, reject) => {
        const socket = connect(port, '127.0.0.1', () => {
          socket.write('GET /conflict HTTP/1.1\r\nHost: x\r\nX-Probe: a\u0000b\r\n\r\n');
        });
        let received = '';
        socket.on('data', (chunk) => {
          received += chunk.toString('latin1');
        });
        socket.on('close', () => resolve(received));
        socket.on('error', reject);
      });
      expect(raw).toMatch(/^HTTP\/1.1 400 Bad Request/);
      expect(raw).toContain('Content-Type: application/problem+json');
      expect(JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4))).toMatchObject({
        status: 400,
        code: 'MALFORMED_REQUEST',
      });
      const after = await fetch(`http://127.0.0.1:${port}/conflict`);
      expect(after.status).toBe(409);
    } finally {
      await server.close();
    }
  });

  it('should answer an over-long path parameter and a bad percent-encoding with problem+json', async () => {
    const server = app();
    server.get('/things/:id', async () => ({}));
    const long = await server.inject({ method: 'GET', url: `/things/${'x'.repeat(300)}` });
    expect(long.statusCode).toBe(400);
    expect(long.headers['content-type']).toContain('application/problem+json');
    expect(long.json()).toMatchObject({ code: 'VALIDATION_FAILED' });
    const bad = await server.inject({ method: 'GET', url: '/things/%E0%A4%A' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'MALFORMED_REQUEST' });
  });
});
