import { complaintsV1 } from '@balai/contracts';
import { AppError, categoryCodePattern, filterId, filterIdPattern, isAppError, point, roles } from '@balai/platform';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { callerContext } from '../domain/caller-context.js';
import { CategoryCode, ComplaintSchema, toComplaintJson } from './complaint-schemas.js';
import { ProblemResponses, TenantHeader } from './schemas.js';

const CommaList = (pattern: string, description: string) =>
  Type.Array(Type.String({ pattern: `^${pattern}(,${pattern})*$`, maxLength: 2000 }), { maxItems: 50, description });

const ListQuery = Type.Object(
  {
    status: Type.Optional(
      CommaList(
        '[a-z_]{1,32}',
        'Any of these statuses (submitted, in_progress, resolved, closed, rejected, duplicate, cancelled): ' +
          'a comma list, or the parameter repeated',
      ),
    ),
    agencyId: Type.Optional(filterId({ description: 'The responsible agency' })),
    assignee: Type.Optional(
      Type.String({
        pattern: `^(me|none|${filterIdPattern.source.slice(1, -1)})$`,
        description: 'Staff only (else 403): an officer id, "me" or "none" (not assigned to an officer)',
      }),
    ),
    overdue: Type.Optional(Type.Boolean({ description: 'Only open complaints past their SLA deadline' })),
    category: Type.Optional(
      CommaList(
        categoryCodePattern.source.slice(1, -1),
        'Any of these category codes: a comma list, or the parameter repeated',
      ),
    ),
    mine: Type.Optional(Type.Boolean({ description: "Only the caller's own complaints (as reporter)" })),
    order: Type.Optional(
      Type.Union([Type.Literal('due'), Type.Literal('newest'), Type.Literal('updated')], {
        description:
          'due: SLA deadline first (default); newest: submitted, newest first; updated: last changed, oldest ' +
          'first (for syncing). Ties break on the id, so the order is stable.',
      }),
    ),
    pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, description: 'Default 20' })),
    pageToken: Type.Optional(
      Type.String({
        pattern: '^[A-Za-z0-9_-]{1,1024}$',
        description: 'The nextPageToken of the previous page, with the same filters and order (else 400)',
      }),
    ),
    submittedFrom: Type.Optional(Type.String({ format: 'date-time', description: 'Submitted at or after' })),
    submittedBefore: Type.Optional(Type.String({ format: 'date-time', description: 'Submitted before' })),
    updatedFrom: Type.Optional(Type.String({ format: 'date-time', description: 'Last changed at or after' })),
    updatedBefore: Type.Optional(Type.String({ format: 'date-time', description: 'Last changed before' })),
    includeTimeline: Type.Optional(Type.Boolean({ description: "Include each complaint's timeline" })),
  },
  { additionalProperties: false },
);

const ComplaintPage = Type.Object({
  items: Type.Array(ComplaintSchema),
  nextPageToken: Type.Union([Type.String(), Type.Null()], { description: 'null on the last page' }),
});

const NearbyQuery = Type.Object(
  {
    categoryCode: CategoryCode,
    ...point(),
  },
  { additionalProperties: false },
);

const NearbyAnswer = Type.Object({
  items: Type.Array(Type.Object({ distanceMeters: Type.Number(), complaint: ComplaintSchema })),
});

/** The service's names for the list filters, as this route calls them, so 400 details name the query parameter. */
const queryNames: Record<string, string> = {
  '/statuses': '/status',
  '/categoryCodes': '/category',
  '/overdueOnly': '/overdue',
};

function splitList(values: string[] | undefined): string[] {
  return (values ?? []).flatMap((value) => value.split(',')).filter((value) => value !== '');
}

const optionalDate = (value: string | undefined) => (value === undefined ? undefined : new Date(value));

/** The officer inbox, a citizen's own complaints and the public search; nearby open complaints. */
export const complaintListRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { complaints } = app.upstreams;

  app.get(
    '/v1/complaints',
    {
      // Any signed-in caller: staff of the tenant get the staff view and every filter (the inbox),
      // everyone else the public view (`mine` for their own). The service decides per caller.
      config: { access: { roles: [...roles] } },
      schema: {
        summary: 'List complaints: the officer inbox, your own complaints (mine=true) or the public search',
        description:
          'Filters combine with AND, always within the tenant of the access token. Staff of the tenant (officer, ' +
          'supervisor, tenant admin, platform admin) get the staff view and may filter by assignee; everyone else ' +
          'gets the public view, and assignee is 403. Pages follow nextPageToken (cursor) until it is null.',
        tags: ['complaints'],
        headers: TenantHeader,
        querystring: ListQuery,
        response: { 200: ComplaintPage, ...ProblemResponses },
      },
    },
    async (request) => {
      const query = request.query;
      const listRequest = complaintsV1.ListComplaintsRequest.fromPartial({
        statuses: splitList(query.status),
        agencyId: query.agencyId ?? '',
        assignee: query.assignee ?? '',
        overdueOnly: query.overdue ?? false,
        categoryCodes: splitList(query.category),
        mine: query.mine ?? false,
        order: query.order ?? '',
        pageSize: query.pageSize ?? 0,
        pageToken: query.pageToken ?? '',
        submittedFrom: optionalDate(query.submittedFrom),
        submittedBefore: optionalDate(query.submittedBefore),
        updatedFrom: optionalDate(query.updatedFrom),
        updatedBefore: optionalDate(query.updatedBefore),
        includeTimeline: query.includeTimeline ?? false,
      });
      try {
        const answer = await complaints.listComplaints(listRequest, callerContext(request));
        return {
          items: answer.complaints.map(toComplaintJson),
          nextPageToken: answer.nextPageToken === '' ? null : answer.nextPageToken,
        };
      } catch (error) {
        if (!isAppError(error) || error.code !== 'VALIDATION_FAILED') throw error;
        throw new AppError(
          error.code,
          error.message,
          error.details.map((detail) => ({ ...detail, field: queryNames[detail.field ?? ''] ?? detail.field })),
        );
      }
    },
  );

  app.get(
    '/v1/complaints/nearby',
    {
      // As public as the complaints it returns (the public view): a citizen checks before filing.
      config: { access: 'public' },
      schema: {
        summary: 'Open complaints of a category near a point, nearest first (at most 10, public view)',
        description:
          'Suggestions to follow instead of filing a duplicate: open complaints of the category within the ' +
          "service's radius (DUPLICATE_RADIUS_METERS, default 150 m) submitted within DUPLICATE_MAX_AGE_DAYS " +
          '(default 30).',
        tags: ['complaints'],
        headers: TenantHeader,
        querystring: NearbyQuery,
        response: { 200: NearbyAnswer, ...ProblemResponses },
      },
    },
    async (request) => {
      const answer = await complaints.findNearbyComplaints(
        complaintsV1.FindNearbyComplaintsRequest.fromPartial(request.query),
        callerContext(request),
      );
      return {
        items: answer.complaints.map((entry) => ({
          distanceMeters: entry.distanceMeters,
          complaint: toComplaintJson(entry.complaint),
        })),
      };
    },
  );
};
