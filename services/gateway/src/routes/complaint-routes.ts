import { callUnary } from '@balai/platform';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { callerContext } from '../caller-context.js';
import type { Upstreams } from '../upstreams.js';
import { ProblemSchema, TenantHeader } from './schemas.js';

export const ComplaintSchema = Type.Object(
  {
    id: Type.String(),
    tenantId: Type.String(),
    categoryCode: Type.String(),
    description: Type.String(),
    latitude: Type.Number(),
    longitude: Type.Number(),
    status: Type.String(),
    version: Type.Integer(),
    submittedAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'Complaint' },
);

const SubmitComplaintBody = Type.Object(
  {
    categoryCode: Type.String({ pattern: '^[a-z0-9]+([._-][a-z0-9]+)*$', maxLength: 64, examples: ['roads.pothole'] }),
    description: Type.String({ minLength: 10, maxLength: 4000 }),
    latitude: Type.Number({ minimum: -90, maximum: 90 }),
    longitude: Type.Number({ minimum: -180, maximum: 180 }),
  },
  { additionalProperties: false },
);

export const complaintRoutes: FastifyPluginAsyncTypebox<{ upstreams: Upstreams }> = async (app, { upstreams }) => {
  app.post(
    '/v1/complaints',
    {
      // An officer files on behalf of a citizen at a service counter.
      config: { access: { roles: ['citizen', 'officer'] } },
      schema: {
        summary: 'Submit a complaint',
        tags: ['complaints'],
        headers: TenantHeader,
        body: SubmitComplaintBody,
        response: { 201: ComplaintSchema, '4xx': ProblemSchema, '5xx': ProblemSchema },
      },
    },
    async (request, reply) => {
      const { complaint } = await callUnary(
        upstreams.complaints.submitComplaint.bind(upstreams.complaints),
        request.body,
        callerContext(request),
        upstreams.deadlineMs,
      );
      if (!complaint) throw new Error('complaints service answered without a complaint');
      reply.status(201).header('location', `/v1/complaints/${complaint.id}`);
      return { ...complaint, submittedAt: (complaint.submittedAt ?? new Date(0)).toISOString() };
    },
  );
};
