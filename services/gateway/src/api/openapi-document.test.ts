import { problemContentType } from '@balai/platform';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApiDocument } from '../app.js';
import { routeAccessTable } from './authentication.js';
import { apiTags } from './openapi.js';
import { int32Maximum } from './schemas.js';
import { newSigningKey, testGateway } from './test-gateway.fixture.js';

/*
 * The OpenAPI document as apps and the contract fuzzer (tests/fuzz) read it: what it promises
 * about errors, formats and numbers must be what the gateway does. The fuzzer finds where they
 * part; these pin down what it found, without a running platform.
 */

interface Operation {
  operationId?: string;
  summary?: string;
  description?: string;
  tags?: string[];
  'x-balai-roles'?: string[];
  security?: unknown[];
  parameters?: Array<{ in: string; name: string; schema: unknown }>;
  requestBody?: { content: Record<string, { schema: unknown }> };
  responses: Record<
    string,
    { description?: string; content?: Record<string, { schema?: unknown }>; headers?: Record<string, unknown> }
  >;
}

interface Document {
  tags?: Array<{ name: string; description?: string }>;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas?: Record<string, unknown>; securitySchemes?: Record<string, unknown> };
}

let gateway: FastifyInstance;
let document: Document;
let operations: Array<[string, Operation]>;

beforeAll(async () => {
  gateway = await testGateway([await newSigningKey('k1')]);
  document = (await gateway.inject({ method: 'GET', url: '/openapi.json' })).json() as Document;
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

/** A route's URL as the document writes its path: `/v1/complaints/:id` is `/v1/complaints/{id}`. */
const documentPath = (url: string) => url.replace(/:(\w+)/g, '{$1}');

/** Every route the gateway serves and the document must describe: all but the OIDC proxy and HEAD/OPTIONS. */
function servedRoutes(): Array<{ method: string; url: string }> {
  return routeAccessTable(gateway).filter(
    (route) => route.access !== 'proxy' && route.method !== 'HEAD' && route.method !== 'OPTIONS',
  );
}

/** What an operation lacks to be understood from the document alone. */
function gaps(operation: Operation | undefined): string[] {
  if (!operation) return ['no operation'];
  const declaredTags = new Set<string>(apiTags.map((tag) => tag.name));
  return [
    ...(/^[a-z][A-Za-z0-9]*$/.test(operation.operationId ?? '') ? [] : ['an operationId in camelCase']),
    ...(operation.summary ? [] : ['a summary']),
    ...(operation.description ? [] : ['a description']),
    ...((operation.tags ?? []).length > 0 && (operation.tags ?? []).every((tag) => declaredTags.has(tag))
      ? []
      : ['tags declared at the top level']),
    ...Object.entries(operation.responses).flatMap(([status, response]) => [
      ...(response.description && response.description !== 'Default Response'
        ? []
        : [`a description of response ${status}`]),
      ...(Object.values(response.content ?? {}).length > 0 &&
      Object.values(response.content ?? {}).every((media) => media.schema !== undefined)
        ? []
        : [`a schema of response ${status}`]),
    ]),
    ...(operation.responses['200'] || operation.responses['201'] || operation.responses['202']
      ? []
      : ['a success response']),
  ];
}

describe('the OpenAPI document', () => {
  it('should describe every route the gateway serves, with an operationId, a summary, a description, tags and described responses', () => {
    const routes = servedRoutes();
    expect(routes.length).toBeGreaterThan(40);
    const missing = routes.flatMap(({ method, url }) => {
      const lacks = gaps(document.paths[documentPath(url)]?.[method.toLowerCase()]);
      return lacks.length > 0 ? [`${method} ${url} lacks ${lacks.join(', ')}`] : [];
    });
    expect(missing).toEqual([]);
  });

  it('should give every operation its own operationId and every operation an example', () => {
    const ids = operations.map(([, operation]) => operation.operationId);
    expect(ids.filter((id, index) => ids.indexOf(id) !== index)).toEqual([]);
    const withoutExample = operations
      .filter(([, operation]) => {
        const media = [
          ...Object.values(operation.requestBody?.content ?? {}),
          ...Object.values(operation.responses).flatMap((response) => Object.values(response.content ?? {})),
        ] as Array<{ example?: unknown; examples?: unknown }>;
        return !media.some((entry) => entry.example !== undefined || entry.examples !== undefined);
      })
      .map(([label]) => label);
    expect(withoutExample).toEqual([]);
  });

  it('should reference the named schemas instead of copying them, problem details among them', () => {
    expect(Object.keys(document.components.schemas ?? {})).toEqual(
      expect.arrayContaining(['Problem', 'Complaint', 'ComplaintCategory']),
    );
    expect(Object.keys(document.components.schemas ?? {}).filter((name) => /^def-\d+$/.test(name))).toEqual([]);
    for (const [label, operation] of operations.filter(([label]) => !isOpen311(label))) {
      expect(operation.responses['4XX']?.content?.[problemContentType]?.schema, label).toEqual({
        $ref: '#/components/schemas/Problem',
      });
    }
  });

  it('should mark public operations as needing no credentials and name the schemes the others need', () => {
    expect(Object.keys(document.components.securitySchemes ?? {})).toEqual(
      expect.arrayContaining(['bearerAuth', 'open311ApiKey']),
    );
    const categories = document.paths['/v1/complaint-categories']?.get;
    expect(categories?.security).toEqual([]);
    expect(document.paths['/v1/staff']?.post?.security).toEqual([{ bearerAuth: [] }]);
    expect(document.paths['/open311/v2/requests.{format}']?.post?.security).toEqual([{ open311ApiKey: [] }]);
  });

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
    const secured = operations.filter(([, operation]) =>
      (operation.security ?? []).some((requirement) => Object.hasOwn(requirement as object, 'bearerAuth')),
    );
    expect(secured.length).toBeGreaterThan(20);
    for (const [name, operation] of secured) {
      expect(operation['x-balai-roles'], name).toEqual(expect.arrayContaining([expect.any(String)]));
    }
    const staff = operations.find(([name]) => name === 'POST /v1/staff')?.[1];
    expect(staff?.['x-balai-roles']).toEqual(expect.arrayContaining(['tenant_admin']));
  });
});

describe('openApiDocument', () => {
  it('should build the document without a running platform, with the servers asked for', async () => {
    const built = await openApiDocument({ publicUrls: ['https://api.serangkota.go.id'] });
    expect(built.servers).toEqual([{ url: 'https://api.serangkota.go.id' }]);
    expect(Object.keys(built.paths ?? {})).toEqual(Object.keys(document.paths));
  });
});

describe('the docs page', () => {
  it('should answer HTML whose every script, style and image the gateway serves itself', async () => {
    const page = await gateway.inject({ method: 'GET', url: '/docs' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    const references = [...page.body.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1] ?? '');
    expect(references.length).toBeGreaterThanOrEqual(3);
    expect(references.filter((reference) => !reference.startsWith('/'))).toEqual([]);
    for (const reference of references) {
      const asset = await gateway.inject({ method: 'GET', url: reference });
      expect(asset.statusCode, reference).toBe(200);
      expect(asset.body.length, reference).toBeGreaterThan(0);
    }
    const initializer = await gateway.inject({ method: 'GET', url: '/docs/assets/docs-initializer.js' });
    expect(initializer.body).toContain("url: '/openapi.json'");
  });

  it('should let the page run this origin’s scripts and styles and nothing from elsewhere', async () => {
    const page = await gateway.inject({ method: 'GET', url: '/docs' });
    const policy = String(page.headers['content-security-policy']);
    expect(policy).toContain("default-src 'none'");
    expect(policy).toContain("script-src 'self'");
    expect(policy).not.toMatch(/script-src[^;]*(https?:|'unsafe-inline'|\*)/);
    expect(policy).toContain("style-src 'self'");
    expect(policy).not.toMatch(/style-src[^;]*(https?:|'unsafe-inline'|\*)/);
    // The API's own answers keep the strict policy.
    const api = await gateway.inject({ method: 'GET', url: '/openapi.json' });
    expect(api.headers['content-security-policy']).toContain("default-src 'none'");
    expect(api.headers['content-security-policy']).not.toContain('script-src');
  });

  it('should not answer a file the page does not use', async () => {
    const response = await gateway.inject({ method: 'GET', url: '/docs/assets/index.html' });
    expect(response.statusCode).toBe(400);
  });
});
