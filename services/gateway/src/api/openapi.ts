import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import swagger from '@fastify/swagger';
import type { FastifyInstance, FastifySchema } from 'fastify';
import Type from 'typebox';
import { componentNameKey, jsonResponse, ProblemResponses } from './schemas.js';

/**
 * The OpenAPI document (/openapi.json) and its docs page (/docs). Each route describes itself in
 * its schema (docs/gateway.md, "OpenAPI"): operationId, summary, description, tags, and a described
 * response per status. What every route shares is added here, in one place: the security
 * requirement and roles from the route's declared access, and named component schemas for
 * every TypeBox schema with an `$id`.
 */

/** The document's tags, in the order the docs page shows them; an operation names only these. */
export const apiTags = [
  { name: 'complaints', description: 'Complaints (pengaduan): filing, following, the officer inbox, the workflow' },
  { name: 'complaint categories', description: "The tenant's service catalogue: what a complaint can be about" },
  { name: 'accounts', description: 'Citizen registration, contact verification, staff account activation' },
  { name: 'agencies', description: "The tenant's agencies (OPD, organisasi perangkat daerah)" },
  { name: 'staff', description: "The tenant's staff: officers, supervisors, analysts and admins" },
  { name: 'tenants', description: 'Tenants (provinces, cities, regencies) and their settings' },
  { name: 'permits', description: 'Permit types offered by a tenant' },
  { name: 'analytics', description: 'Counts and figures of a tenant' },
  { name: 'partner-apps', description: 'Third-party apps that file complaints through Open311 with an api_key' },
  {
    name: 'open311',
    description:
      'Open311 GeoReport v2 (and FixMyStreet’s updates extension): every answer, errors included, in the format ' +
      'the path names, JSON or XML',
  },
  { name: 'platform', description: 'The API’s own description, its docs page and its liveness probe' },
] as const;

export type ApiTag = (typeof apiTags)[number]['name'];

/** The security schemes operations name. */
export const securitySchemes = {
  bearerAuth: 'bearerAuth',
  open311ApiKey: 'open311ApiKey',
} as const;

export interface OpenApiOptions {
  /** The servers the document names, first the one clients should use. */
  serverUrls: string[];
  /** The OIDC issuer whose discovery document says how to get an access token. */
  oidcIssuer: string;
}

type Responses = Record<string, unknown>;

/**
 * A response given as a bare schema, in the content form (`application/json`), as every other
 * response is: one shape for the document to name components in and to describe.
 */
function inContentForm(responses: Responses | undefined): Responses | undefined {
  if (!responses) return responses;
  return Object.fromEntries(
    Object.entries(responses).map(([status, response]) => {
      const isContentForm = typeof response === 'object' && response !== null && 'content' in response;
      if (isContentForm) return [status, response];
      // The schema stays whole (it may be a named component used elsewhere); its description also
      // describes the response.
      const { description } = response as { description?: string };
      return [
        status,
        { ...(description ? { description } : {}), content: { 'application/json': { schema: response } } },
      ];
    }),
  );
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

/**
 * `node` with every schema that has an `$id` (or a componentNameKey) replaced by a `$ref` to the
 * component of that name, collected into `components` (the plugin's own resolver names only some
 * of them, as `def-N`). Two different schemas of one name would make one of them lie: it throws.
 */
function referenceComponents(
  node: unknown,
  components: Map<string, string>,
  schemas: Record<string, unknown>,
): unknown {
  if (Array.isArray(node)) return node.map((item) => referenceComponents(item, components, schemas));
  if (!isObject(node)) return node;
  const { $id, [componentNameKey]: componentName, ...rest } = node;
  const replaced = Object.fromEntries(
    Object.entries(rest).map(([key, value]) => [key, referenceComponents(value, components, schemas)]),
  );
  const name = typeof $id === 'string' ? $id : typeof componentName === 'string' ? componentName : undefined;
  if (name === undefined) return replaced;
  const serialized = JSON.stringify(replaced);
  const known = components.get(name);
  if (known !== undefined && known !== serialized) throw new Error(`two different schemas are named ${name}`);
  components.set(name, serialized);
  schemas[name] = replaced;
  return { $ref: `#/components/schemas/${name}` };
}

export async function registerOpenApi(app: FastifyInstance, options: OpenApiOptions): Promise<void> {
  // Filled as the routes are described, emitted with the document (transformObject).
  const components = new Map<string, string>();
  const componentSchemas: Record<string, unknown> = {};
  const named = (schema: unknown) => referenceComponents(schema, components, componentSchemas);
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Balai API',
        version: '0.1.0',
        summary: 'Public services of Indonesian local governments: complaints, permits, accounts',
        description:
          'Public API of the Balai platform. Errors are RFC 9457 problem details (`application/problem+json`) ' +
          'with a stable `code`. A signed-in caller sends an OIDC access token as `Authorization: Bearer`; ' +
          'the tenant (a region code such as 36.73, Kota Serang) comes from the token or the `X-Balai-Tenant` ' +
          'header. Interactive docs: `/docs`.',
        contact: { name: 'Balai platform operators' },
      },
      servers: options.serverUrls.map((url) => ({ url })),
      tags: apiTags.map((tag) => ({ ...tag })),
      components: {
        securitySchemes: {
          [securitySchemes.bearerAuth]: {
            type: 'http',
            scheme: 'bearer',
            bearerFormat: 'JWT',
            description:
              "An RFC 9068 access token from Balai's OIDC provider (authorization code with PKCE for apps, " +
              `client credentials for partner apps); its discovery document: ${options.oidcIssuer}/.well-known/` +
              'openid-configuration',
          },
          [securitySchemes.open311ApiKey]: {
            type: 'apiKey',
            in: 'query',
            name: 'api_key',
            description:
              'A partner app’s Open311 api_key (POST /v1/partner-apps issues one). GeoReport v2 sends it as the ' +
              '`api_key` field of the form that files a service request; the request’s body documents it.',
          },
        },
      },
    },
    // Components keep the names their TypeBox schemas carry as `$id` (Complaint, Problem, ...).
    refResolver: {
      buildLocalReference: (json, _baseUri, _fragment, index) =>
        typeof json.$id === 'string' ? json.$id : `schema-${index}`,
    },
    transformObject: (documentObject) => {
      if (!('openapiObject' in documentObject)) return documentObject.swaggerObject;
      const { openapiObject } = documentObject;
      const all = { ...openapiObject.components?.schemas, ...componentSchemas };
      const schemas = Object.fromEntries(Object.entries(all).sort(([a], [b]) => a.localeCompare(b)));
      // The document the plugin has just built for this call: completed in place.
      openapiObject.components = { ...openapiObject.components, schemas } as typeof openapiObject.components;
      return openapiObject;
    },
    transform: ({ schema, route }) => {
      const access = route.config?.access;
      if (access === 'proxy') return { schema: { ...schema, hide: true }, url: route.url };
      const documented: FastifySchema = {
        ...schema,
        ...(schema?.body ? { body: named(schema.body) } : {}),
        ...(schema?.response ? { response: named(inContentForm(schema.response as Responses)) } : {}),
      };
      // A public route says so (`security: []`) unless it names its own scheme (Open311's api_key).
      if (typeof access !== 'object') return { schema: { security: [], ...documented }, url: route.url };
      const roles = `Roles: ${access.roles.join(', ')}.`;
      return {
        schema: {
          ...documented,
          security: [{ [securitySchemes.bearerAuth]: [] }],
          // Machine-readable for clients and the contract fuzzer's hooks (tests/fuzz/hooks.py).
          'x-balai-roles': access.roles,
          description: [schema?.description, roles].filter(Boolean).join(' '),
        },
        url: route.url,
      };
    },
  });

  app.get(
    '/openapi.json',
    {
      config: { access: 'public' },
      schema: {
        operationId: 'getOpenApiDocument',
        summary: 'This API’s OpenAPI 3.1 document',
        description:
          'What /docs shows and what clients are generated from (packages/client). The servers it names come from ' +
          'the gateway’s OPENAPI_SERVER_URLS.',
        tags: ['platform'],
        response: {
          200: jsonResponse(
            'The OpenAPI document',
            Type.Object(
              { openapi: Type.String(), info: Type.Object({}, { additionalProperties: true }) },
              { additionalProperties: true, description: 'An OpenAPI 3.1 document' },
            ),
            { openapi: '3.1.0', info: { title: 'Balai API', version: '0.1.0' }, paths: {} },
          ),
          ...ProblemResponses,
        },
      },
    },
    async () => app.swagger(),
  );
  await registerDocsPage(app, options);
}

const swaggerUiRoot = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));

/** The docs page's files, all served from here: the page loads nothing from elsewhere. */
const docsAssets = {
  'swagger-ui.css': { file: join(swaggerUiRoot, 'swagger-ui.css'), type: 'text/css; charset=utf-8' },
  'swagger-ui-bundle.js': {
    file: join(swaggerUiRoot, 'swagger-ui-bundle.js'),
    type: 'text/javascript; charset=utf-8',
  },
  'favicon-32x32.png': { file: join(swaggerUiRoot, 'favicon-32x32.png'), type: 'image/png' },
} as const;

type DocsAsset = keyof typeof docsAssets;

// Not an inline script: the page's Content-Security-Policy allows scripts from this origin only.
const docsInitializer = `window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({
    url: '/openapi.json',
    dom_id: '#balai-api-docs',
    deepLinking: true,
    // Swagger UI would otherwise send the document to validator.swagger.io.
    validatorUrl: null,
    persistAuthorization: false,
    displayOperationId: true,
    tryItOutEnabled: false,
  });
});
`;

const docsPage = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Balai API</title>
<link rel="stylesheet" href="/docs/assets/swagger-ui.css">
<link rel="icon" type="image/png" href="/docs/assets/favicon-32x32.png">
</head>
<body>
<div id="balai-api-docs"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/docs/assets/docs-initializer.js"></script>
</body>
</html>
`;

/**
 * /docs: Swagger UI from the swagger-ui-dist package, its files served by the gateway. Its own
 * Content-Security-Policy: the API's `default-src 'none'` would keep the page from running; this
 * one allows this origin's scripts and styles, and calls to the API's servers (Try it out).
 */
async function registerDocsPage(app: FastifyInstance, options: OpenApiOptions): Promise<void> {
  const origins = [...new Set(options.serverUrls.map((url) => new URL(url).origin))];
  const contentSecurityPolicy = {
    useDefaults: false,
    directives: {
      defaultSrc: ["'none'"],
      scriptSrc: ["'self'"],
      // Swagger UI sets styles through the DOM, which a policy without 'unsafe-inline' allows.
      styleSrc: ["'self'"],
      imgSrc: ["'self'", 'data:'],
      fontSrc: ["'self'"],
      connectSrc: ["'self'", ...origins],
      baseUri: ["'none'"],
      formAction: ["'none'"],
      frameAncestors: ["'none'"],
    },
  };
  const assets = new Map<string, Buffer | string>([['docs-initializer.js', docsInitializer]]);
  for (const [name, asset] of Object.entries(docsAssets)) assets.set(name, await readFile(asset.file));
  const typeOf = (name: string) =>
    name === 'docs-initializer.js' ? 'text/javascript; charset=utf-8' : docsAssets[name as DocsAsset].type;

  app.get(
    '/docs',
    {
      config: { access: 'public', helmet: { contentSecurityPolicy } },
      schema: {
        operationId: 'getApiDocsPage',
        summary: 'Interactive API docs (Swagger UI)',
        description: 'An HTML page that renders /openapi.json; every file it loads is served by the gateway.',
        tags: ['platform'],
        response: {
          200: {
            description: 'The docs page',
            content: { 'text/html': { schema: Type.String(), example: '<!DOCTYPE html>…' } },
          },
          ...ProblemResponses,
        },
      },
    },
    async (_request, reply) =>
      reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(docsPage),
  );

  app.get(
    '/docs/assets/:file',
    {
      config: { access: 'public', helmet: { contentSecurityPolicy } },
      schema: {
        operationId: 'getApiDocsAsset',
        summary: 'A script, style or image of the docs page',
        description: 'The files of /docs, from the swagger-ui-dist package the gateway ships with.',
        tags: ['platform'],
        params: Type.Object({
          file: Type.Union([...assets.keys()].map((name) => Type.Literal(name))),
        }),
        response: {
          200: {
            description: 'The file',
            content: {
              'text/javascript': { schema: Type.String(), example: "window.addEventListener('load', …);" },
              'text/css': { schema: Type.String(), example: '.swagger-ui { … }' },
              'image/png': { schema: Type.String({ contentMediaType: 'image/png' }) },
            },
          },
          ...ProblemResponses,
        },
      },
    },
    async (request, reply) => {
      const { file } = request.params as { file: string };
      return reply.type(typeOf(file)).header('cache-control', 'public, max-age=3600').send(assets.get(file));
    },
  );
}
