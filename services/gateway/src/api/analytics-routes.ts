import { type ComplaintStatusName, complaintStatuses } from '@balai/contracts';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { callerContext } from '../domain/caller-context.js';
import { jsonResponse, ProblemResponses, stringEnum, TenantHeader } from './schemas.js';

const ComplaintSummarySchema = Type.Object({
  tenantId: Type.String(),
  submittedTotal: Type.Integer(),
  byCategory: Type.Array(Type.Object({ categoryCode: Type.String(), submitted: Type.Integer() })),
  // Complaints by current status, following the lifecycle events.
  byStatus: Type.Array(Type.Object({ status: stringEnum(complaintStatuses), count: Type.Integer() })),
});

export const analyticsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/v1/analytics/complaints/summary',
    {
      config: { access: { roles: ['analyst', 'supervisor', 'tenant_admin', 'platform_admin'] } },
      schema: {
        operationId: 'getComplaintSummary',
        summary: 'Complaint counts of the tenant',
        description:
          'How many complaints the tenant has had, by category and by current status, as the analytics service ' +
          'has counted them from the complaint events (a few seconds behind).',
        tags: ['analytics'],
        headers: TenantHeader,
        response: {
          200: jsonResponse('The counts', ComplaintSummarySchema, {
            tenantId: '36.73',
            submittedTotal: 128,
            byCategory: [
              { categoryCode: 'roads.pothole', submitted: 61 },
              { categoryCode: 'drainage.flooding', submitted: 40 },
              { categoryCode: 'waste.illegal-dumping', submitted: 27 },
            ],
            byStatus: [
              { status: 'submitted', count: 18 },
              { status: 'in_progress', count: 35 },
              { status: 'resolved', count: 22 },
              { status: 'closed', count: 49 },
              { status: 'rejected', count: 4 },
            ],
          }),
          ...ProblemResponses,
        },
      },
    },
    async (request) => {
      const summary = await app.upstreams.analytics.getComplaintSummary({}, callerContext(request));
      // Analytics counts the complaints service's statuses, the only ones its events carry.
      return {
        ...summary,
        byStatus: summary.byStatus.map((entry) => ({ ...entry, status: entry.status as ComplaintStatusName })),
      };
    },
  );
};
