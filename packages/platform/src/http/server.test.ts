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
      errors: [{ field: '/extra', message: 'is not a known field' }],
    });
  });

  it('should not coerce a string into a number', async () => {
    const response = await post('{"name":"a","count":"2"}');
    expect(response.json()).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ field: '/count' }] });
  });

  it('should name a missing field', async () => {
    const response = await post('{"count":2}');
    expect(response.json()).toMatchObject({ errors: [{ field: '/name', message: 'is required' }] });
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
