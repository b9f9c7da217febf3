import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { callerContext } from '../domain/caller-context.js';
import { ProblemResponses, TenantHeader } from './schemas.js';

const ComplaintSummarySchema = Type.Object({
  tenantId: Type.String(),
  submittedTotal: Type.Integer(),
  byCategory: Type.Array(Type.Object({ categoryCode: Type.String(), submitted: Type.Integer() })),
  // Complaints by current status, following the lifecycle events.
  byStatus: Type.Array(Type.Object({ status: Type.String(), count: Type.Integer() })),
});

export const analyticsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/v1/analytics/complaints/summary',
    {
      config: { access: { roles: ['analyst', 'supervisor', 'tenant_admin', 'platform_admin'] } },
      schema: {
        summary: 'Complaint counts of the tenant',
        tags: ['analytics'],
        headers: TenantHeader,
        response: { 200: ComplaintSummarySchema, ...ProblemResponses },
      },
    },
    async (request) => app.upstreams.analytics.getComplaintSummary({}, callerContext(request)),
  );
};
