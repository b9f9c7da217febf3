import { callUnary } from '@balai/platform';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { callerContext } from '../caller-context.js';
import type { Upstreams } from '../upstreams.js';
import { ProblemResponses, TenantHeader } from './schemas.js';

export const permitRoutes: FastifyPluginAsyncTypebox<{ upstreams: Upstreams }> = async (app, { upstreams }) => {
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
    async (request) =>
      callUnary(
        upstreams.permits.listPermitTypes.bind(upstreams.permits),
        {},
        callerContext(request),
        upstreams.deadlineMs,
      ),
  );
};
