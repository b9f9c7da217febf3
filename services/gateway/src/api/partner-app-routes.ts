import type { identityV1 } from '@balai/contracts';
import { boundedText, clientId } from '@balai/platform';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { callerContext } from '../domain/caller-context.js';
import { Email } from './account-schemas.js';
import {
  BodyProblemResponses,
  jsonResponse,
  ListEnvelope,
  ProblemResponses,
  TenantHeader,
  wholeList,
} from './schemas.js';

const admins = { roles: ['tenant_admin', 'platform_admin'] } as const;

const PartnerAppSchema = Type.Object(
  {
    clientId: Type.String({ description: "The OAuth client_id; the `sub` of the app's access tokens" }),
    tenantId: Type.String(),
    name: Type.String(),
    contactEmail: Type.Union([Type.String(), Type.Null()]),
    createdAt: Type.String({ format: 'date-time' }),
    createdBy: Type.String({ description: 'The admin who registered it' }),
    revokedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    revokedBy: Type.Union([Type.String(), Type.Null()]),
  },
  { $id: 'PartnerApp' },
);

const partnerAppExample = {
  clientId: 'balai-4fQx1c9Zk2LmN0aB',
  tenantId: '36.73',
  name: 'Lapor Cepat',
  contactEmail: 'dev@laporcepat.id',
  createdAt: '2026-11-20T03:00:00.000Z',
  createdBy: '5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9',
  revokedAt: null,
  revokedBy: null,
};

function toPartnerApp(app: identityV1.PartnerApp | undefined) {
  if (!app) throw new Error('identity answered without a partner app');
  return {
    clientId: app.clientId,
    tenantId: app.tenantId,
    name: app.name,
    contactEmail: app.contactEmail || null,
    createdAt: (app.createdAt ?? new Date(0)).toISOString(),
    createdBy: app.createdBy,
    revokedAt: app.revokedAt ? app.revokedAt.toISOString() : null,
    revokedBy: app.revokedBy || null,
  };
}

/** Partner apps: third-party apps that file complaints through Open311 with an api_key. */
export const partnerAppRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { identity } = app.upstreams;

  app.post(
    '/v1/partner-apps',
    {
      config: { access: admins },
      schema: {
        operationId: 'createPartnerApp',
        summary: 'Register a partner app (Open311)',
        description:
          'Registers a third-party app of the tenant and answers its Open311 `api_key` ' +
          '(base64url of "<clientId>:<clientSecret>") once: it cannot be shown again, only revoked. ' +
          "The app's access tokens carry the role open311_partner and the tenant.",
        tags: ['partner-apps'],
        headers: TenantHeader,
        body: Type.Object(
          {
            name: boundedText({ min: 3, max: 100 }, 'single', { examples: ['Lapor Cepat'] }),
            contactEmail: Type.Optional(Email),
          },
          { additionalProperties: false },
        ),
        response: {
          201: jsonResponse(
            'The app, and its api_key: the only time it is shown',
            Type.Object({
              clientId: Type.String(),
              apiKey: Type.String({ description: 'Shown once; keep it secret' }),
              partnerApp: PartnerAppSchema,
            }),
            {
              clientId: partnerAppExample.clientId,
              apiKey: 'YmFsYWktNGZReDFjOVprMkxtTjBhQjpzM2NyM3QtZXhhbXBsZQ',
              partnerApp: partnerAppExample,
            },
          ),
          ...BodyProblemResponses,
        },
      },
    },
    async (request, reply) => {
      const { partnerApp, apiKey } = await identity.registerPartnerApp(
        { name: request.body.name, contactEmail: request.body.contactEmail ?? '' },
        callerContext(request),
      );
      const registered = toPartnerApp(partnerApp);
      // The answer holds a credential: no cache on the way may keep it.
      reply.status(201).header('cache-control', 'no-store');
      return { clientId: registered.clientId, apiKey, partnerApp: registered };
    },
  );

  app.get(
    '/v1/partner-apps',
    {
      config: { access: admins },
      schema: {
        operationId: 'listPartnerApps',
        summary: "The tenant's partner apps",
        description: 'Revoked ones included (with revokedAt). Never an api_key or a secret.',
        tags: ['partner-apps'],
        headers: TenantHeader,
        response: {
          200: jsonResponse('The partner apps', ListEnvelope(PartnerAppSchema), {
            items: [partnerAppExample],
            nextPageToken: null,
            totalEstimate: 1,
          }),
          ...ProblemResponses,
        },
      },
    },
    async (request) => {
      const { partnerApps } = await identity.listPartnerApps({}, callerContext(request));
      return wholeList(partnerApps.map(toPartnerApp));
    },
  );

  app.delete(
    '/v1/partner-apps/:clientId',
    {
      config: { access: admins },
      schema: {
        operationId: 'revokePartnerApp',
        summary: 'Revoke a partner app',
        description:
          'Its token requests fail from now on (invalid_client), so its api_key stops working within ' +
          'one access-token lifetime (5 minutes): tokens already issued stay valid until they expire. ' +
          'Revoking a revoked app answers the same. Another tenant’s app is 404 PARTNER_APP_NOT_FOUND.',
        tags: ['partner-apps'],
        headers: TenantHeader,
        params: Type.Object({ clientId: clientId({ examples: ['balai-4fQx1c9Zk2LmN0aB'] }) }),
        response: {
          200: jsonResponse('The app, revoked', PartnerAppSchema, {
            ...partnerAppExample,
            revokedAt: '2026-12-01T08:00:00.000Z',
            revokedBy: partnerAppExample.createdBy,
          }),
          ...ProblemResponses,
        },
      },
    },
    async (request) => {
      const { partnerApp } = await identity.revokePartnerApp(
        { clientId: request.params.clientId },
        callerContext(request),
      );
      return toPartnerApp(partnerApp);
    },
  );
};
