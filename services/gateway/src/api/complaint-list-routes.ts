import { complaintsV1 } from '@balai/contracts';
import { AppError, categoryCodePattern, filterId, filterIdPattern, isAppError, point, roles } from '@balai/platform';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import Type from 'typebox';
import { callerContext } from '../domain/caller-context.js';
import { CategoryCode, ComplaintStatus, ComplaintSummarySchema, toComplaintSummaryJson } from './complaint-schemas.js';
import { complaintSummaryExample, publicComplaintSummaryExample } from './openapi-examples.js';
import { jsonResponse, ListEnvelope, ProblemResponses, TenantHeader, wholeList } from './schemas.js';

const commaListed = ['status', 'category'] as const;

/**
 * A list filter is the parameter repeated (OpenAPI's form style, as generated clients send it) or
 * a comma list; the comma lists are split before validation, so each value is checked on its own
 * and the document can give the items their enum.
 */
function splitCommaLists(request: FastifyRequest): Promise<void> {
  const query = request.query as Record<string, unknown>;
  for (const name of commaListed) {
    const value = query[name];
    if (value === undefined) continue;
    const values = Array.isArray(value) ? value : [value];
    query[name] = values
      .flatMap((item) => (typeof item === 'string' ? item.split(',') : [item]))
      .filter((item) => item !== '');
  }
  return Promise.resolve();
}

const ListQuery = Type.Object(
  {
    status: Type.Optional(
      Type.Array(ComplaintStatus, {
        maxItems: 50,
        description: 'Any of these statuses: the parameter repeated, or a comma list',
      }),
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
      Type.Array(Type.String({ pattern: categoryCodePattern.source }), {
        maxItems: 50,
        description: 'Any of these category codes: the parameter repeated, or a comma list',
      }),
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
  },
  { additionalProperties: false },
);

// Summaries: a list never carries timelines (GET /v1/complaints/{id} has the complaint's).
const ComplaintPage = ListEnvelope(ComplaintSummarySchema);

const NearbyQuery = Type.Object(
  {
    categoryCode: CategoryCode,
    ...point(),
  },
  { additionalProperties: false },
);

const NearbyAnswer = ListEnvelope(Type.Object({ distanceMeters: Type.Number(), complaint: ComplaintSummarySchema }));

/** The service's names for the list filters, as this route calls them, so 400 details name the query parameter. */
const queryNames: Record<string, string> = {
  '/statuses': '/status',
  '/categoryCodes': '/category',
  '/overdueOnly': '/overdue',
};

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
      preValidation: splitCommaLists,
      schema: {
        operationId: 'listComplaints',
        summary: 'List complaints: the officer inbox, your own complaints (mine=true) or the public search',
        description:
          'Filters combine with AND, always within the tenant of the access token. Staff of the tenant (officer, ' +
          'supervisor, tenant admin, platform admin) get the staff view and may filter by assignee; everyone else ' +
          'gets the public view, and assignee is 403. Pages follow nextPageToken (cursor) until it is null.',
        tags: ['complaints'],
        headers: TenantHeader,
        querystring: ListQuery,
        response: {
          200: jsonResponse('One page of complaints, in the order asked for', ComplaintPage, {
            items: [complaintSummaryExample],
            nextPageToken: 'eyJkdWUiOiIyMDI2LTEyLTAzVDAyOjE1OjAwWiJ9',
          }),
          ...ProblemResponses,
        },
      },
    },
    async (request) => {
      const query = request.query;
      const listRequest = complaintsV1.ListComplaintsRequest.fromPartial({
        statuses: query.status ?? [],
        agencyId: query.agencyId ?? '',
        assignee: query.assignee ?? '',
        overdueOnly: query.overdue ?? false,
        categoryCodes: query.category ?? [],
        mine: query.mine ?? false,
        order: query.order ?? '',
        pageSize: query.pageSize ?? 0,
        pageToken: query.pageToken ?? '',
        submittedFrom: optionalDate(query.submittedFrom),
        submittedBefore: optionalDate(query.submittedBefore),
        updatedFrom: optionalDate(query.updatedFrom),
        updatedBefore: optionalDate(query.updatedBefore),
      });
      try {
        const answer = await complaints.listComplaints(listRequest, callerContext(request));
        return {
          items: answer.complaints.map(toComplaintSummaryJson),
          nextPageToken: answer.nextPageToken === '' ? null : answer.nextPageToken,
        };
      } catch (error) {
        if (!isAppError(error) || error.code !== 'VALIDATION_FAILED') throw error;
        throw new AppError(
          error.code,
          error.message,
          // Every filter the service checks came from the query string.
          error.details.map((detail) => ({
            ...detail,
            field: queryNames[detail.field ?? ''] ?? detail.field,
            in: 'query' as const,
          })),
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
        operationId: 'listNearbyComplaints',
        summary: 'Open complaints of a category near a point, nearest first (at most 10, public view)',
        description:
          'Suggestions to follow instead of filing a duplicate: open complaints of the category within the ' +
          "service's radius (DUPLICATE_RADIUS_METERS, default 150 m) submitted within DUPLICATE_MAX_AGE_DAYS " +
          '(default 30).',
        tags: ['complaints'],
        headers: TenantHeader,
        querystring: NearbyQuery,
        response: {
          200: jsonResponse('The open complaints nearby, nearest first', NearbyAnswer, {
            items: [{ distanceMeters: 42.5, complaint: publicComplaintSummaryExample }],
            nextPageToken: null,
          }),
          ...ProblemResponses,
        },
      },
    },
    async (request) => {
      const answer = await complaints.findNearbyComplaints(
        complaintsV1.FindNearbyComplaintsRequest.fromPartial(request.query),
        callerContext(request),
      );
      return wholeList(
        answer.complaints.map((entry) => ({
          distanceMeters: entry.distanceMeters,
          complaint: toComplaintSummaryJson(entry.complaint),
        })),
      );
    },
  );
};
