import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { anonymousContext } from '../domain/caller-context.js';
import { jsonResponse, ListEnvelope, ProblemResponses, wholeList } from './schemas.js';

const TenantSchema = Type.Object({
  id: Type.String({ description: 'Region code, for example 36.73' }),
  name: Type.String(),
  parentId: Type.Union([Type.String(), Type.Null()]),
  defaultLocale: Type.String(),
});

/** Tenants are public: an app lists them to let a citizen pick their city. */
export const tenantRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/v1/tenants',
    {
      config: { access: 'public' },
      schema: {
        operationId: 'listTenants',
        summary: 'List tenants (provinces, cities, regencies)',
        description:
          'Every tenant of the platform, each a region by its Kemendagri code, with the province it belongs to: ' +
          'an app lists them so a citizen can pick their city. Public.',
        tags: ['tenants'],
        response: {
          200: jsonResponse('The tenants', ListEnvelope(TenantSchema), {
            items: [
              { id: '36', name: 'Provinsi Banten', parentId: null, defaultLocale: 'id' },
              { id: '36.73', name: 'Kota Serang', parentId: '36', defaultLocale: 'id' },
            ],
            nextPageToken: null,
            totalEstimate: 2,
          }),
          ...ProblemResponses,
        },
      },
    },
    async (request) => {
      const { tenants } = await app.upstreams.identity.listTenants({}, anonymousContext(request));
      return wholeList(tenants.map((tenant) => ({ ...tenant, parentId: tenant.parentId || null })));
    },
  );
};
