import { problemContentType } from '@balai/platform';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { int32Maximum } from './schemas.js';
import { newSigningKey, testGateway } from './test-gateway.fixture.js';

/*
 * The OpenAPI document as apps and the contract fuzzer (tests/fuzz) read it: what it promises
 * about errors, formats and numbers must be what the gateway does. The fuzzer finds where they
 * part; these pin down what it found, without a running platform.
 */

interface Operation {
  'x-balai-roles'?: string[];
  security?: unknown[];
  parameters?: Array<{ in: string; name: string; schema: unknown }>;
  requestBody?: { content: Record<string, { schema: unknown }> };
  responses: Record<string, { content?: Record<string, unknown>; headers?: Record<string, unknown> }>;
}

let gateway: FastifyInstance;
let operations: Array<[string, Operation]>;

beforeAll(async () => {
  gateway = await testGateway([await newSigningKey('k1')]);
  const document = (await gateway.inject({ method: 'GET', url: '/openapi.json' })).json() as {
    paths: Record<string, Record<string, Operation>>;
  };
  operations = Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]): [string, Operation] => [
      `${method.toUpperCase()} ${path}`,
      operation,
    ]),
  );
});

afterAll(async () => {
  await gateway?.close();
});

const isOpen311 = (label: string) => label.includes(' /open311/');

/** Every `type: integer` in a schema, with where it is. */
function integers(schema: unknown, where: string): Array<{ where: string; maximum: unknown }> {
  if (Array.isArray(schema)) return schema.flatMap((item, index) => integers(item, `${where}[${index}]`));
  if (schema === null || typeof schema !== 'object') return [];
  const own =
    (schema as { type?: unknown }).type === 'integer'
      ? [{ where, maximum: (schema as { maximum?: unknown }).maximum }]
      : [];
  return [
    ...own,
    ...Object.entries(schema).flatMap(([key, value]) => (key === 'examples' ? [] : integers(value, `${where}/${key}`))),
  ];
}

describe('the OpenAPI document', () => {
  it('should document the API’s error answers as application/problem+json, 429 with Retry-After', () => {
    const api = operations.filter(([label]) => !isOpen311(label));
    expect(api.length).toBeGreaterThan(30);
    for (const [label, operation] of api) {
      for (const status of ['400', '429', '4XX', '5XX']) {
        expect(Object.keys(operation.responses[status]?.content ?? {}), `${label} ${status}`).toEqual([
          problemContentType,
        ]);
      }
      expect(operation.responses['429']?.headers, label).toHaveProperty('retry-after');
      if (operation.requestBody) {
        expect(operation.responses, label).toHaveProperty('413');
        expect(operation.responses, label).toHaveProperty('415');
      }
    }
  });

  it('should document Open311 answers and errors in JSON and XML, as the path’s format gives them', () => {
    const open311 = operations.filter(([label]) => isOpen311(label));
    expect(open311).toHaveLength(8);
    for (const [label, operation] of open311) {
      for (const status of ['200', '400', '403', '404', '429', '4XX', '5XX']) {
        expect(Object.keys(operation.responses[status]?.content ?? {}), `${label} ${status}`).toEqual(
          expect.arrayContaining(['application/json', 'text/xml']),
        );
      }
    }
  });

  it('should describe the Open311 form a partner app posts', () => {
    const [, post] = operations.find(([label]) => label === 'POST /open311/v2/requests.{format}') ?? [];
    const form = post?.requestBody?.content['application/x-www-form-urlencoded']?.schema as {
      required?: string[];
      properties?: Record<string, unknown>;
    };
    expect(form?.required).toEqual(expect.arrayContaining(['api_key', 'service_code', 'lat', 'long', 'description']));
    expect(Object.keys(form?.properties ?? {})).toEqual(expect.arrayContaining(['jurisdiction_id', 'media_url']));
  });

  it('should bound every integer a request carries to what the services’ int32 fields hold', () => {
    const unbounded = operations.flatMap(([label, operation]) =>
      [
        ...(operation.parameters ?? []).flatMap((parameter) =>
          integers(parameter.schema, `${label} ${parameter.in} ${parameter.name}`),
        ),
        ...Object.entries(operation.requestBody?.content ?? {}).flatMap(([mediaType, media]) =>
          integers(media.schema, `${label} body (${mediaType})`),
        ),
      ].filter((integer) => typeof integer.maximum !== 'number' || integer.maximum > int32Maximum),
    );
    expect(unbounded.map((integer) => integer.where)).toEqual([]);
  });

  it('should name the roles of every operation that needs a token, for machines as well as readers', () => {
    const secured = operations.filter(([, operation]) => operation.security !== undefined);
    expect(secured.length).toBeGreaterThan(20);
    for (const [name, operation] of secured) {
      expect(operation['x-balai-roles'], name).toEqual(expect.arrayContaining([expect.any(String)]));
    }
    const staff = operations.find(([name]) => name === 'POST /v1/staff')?.[1];
    expect(staff?.['x-balai-roles']).toEqual(expect.arrayContaining(['tenant_admin']));
  });
});
