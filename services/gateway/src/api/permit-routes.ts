import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { callerContext } from '../domain/caller-context.js';
import { jsonResponse, ListEnvelope, ProblemResponses, TenantHeader, wholeList } from './schemas.js';

export const permitRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/v1/permit-types',
    {
      config: { access: 'public' },
      schema: {
        operationId: 'listPermitTypes',
        summary: 'Permit types offered by the tenant',
        description: 'The permits a citizen or business can apply for in the tenant. Public.',
        tags: ['permits'],
        headers: TenantHeader,
        response: {
          200: jsonResponse(
            'The permit types',
            ListEnvelope(Type.Object({ code: Type.String(), name: Type.String() })),
            {
              items: [
                { code: 'pbg', name: 'Persetujuan Bangunan Gedung' },
                { code: 'reklame', name: 'Izin Penyelenggaraan Reklame' },
              ],
              nextPageToken: null,
              totalEstimate: 2,
            },
          ),
          ...ProblemResponses,
        },
      },
    },
    async (request) => {
      const { permitTypes } = await app.upstreams.permits.listPermitTypes({}, callerContext(request));
      return wholeList(permitTypes);
    },
  );
};
