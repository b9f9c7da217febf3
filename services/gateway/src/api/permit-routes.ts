import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { callerContext } from '../domain/caller-context.js';
import { ProblemResponses, TenantHeader } from './schemas.js';

export const permitRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/v1/permit-types',
    {
      config: { access: 'public' },
      schema: {
        summary: 'Permit types offered by the tenant',
        tags: ['permits'],
        headers: TenantHeader,
        response: {
          200: Type.Object({ permitTypes: Type.Array(Type.Object({ code: Type.String(), name: Type.String() })) }),
          ...ProblemResponses,
        },
      },
    },
    async (request) => app.upstreams.permits.listPermitTypes({}, callerContext(request)),
  );
};
