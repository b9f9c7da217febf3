import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { anonymousContext } from '../domain/caller-context.js';
import { ProblemResponses } from './schemas.js';

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
        summary: 'List tenants (provinces, cities, regencies)',
        tags: ['tenants'],
        response: { 200: Type.Object({ tenants: Type.Array(TenantSchema) }), ...ProblemResponses },
      },
    },
    async (request) => {
      const { tenants } = await app.upstreams.identity.listTenants({}, anonymousContext(request));
      return { tenants: tenants.map((tenant) => ({ ...tenant, parentId: tenant.parentId || null })) };
    },
  );
};
