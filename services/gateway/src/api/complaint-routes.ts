import { complaintsV1 } from '@balai/contracts';
import {
  agencyId,
  boundedText,
  type CallContext,
  citizenReference,
  entityTag,
  expectedVersionOf,
  idempotencyKey,
  point,
  userId,
} from '@balai/platform';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type, { type TProperties } from 'typebox';
import type { Upstreams } from '../clients/upstreams.js';
import { callerContext } from '../domain/caller-context.js';
import { type ComplaintTransitionName, complaintTransitionRoles } from '../domain/complaint-transition-roles.js';
import {
  Address,
  AttributeValueSchema,
  CategoryCode,
  ComplaintSchema,
  ComplaintSummarySchema,
  Description,
  MediaUrl,
  RatingOutcome,
  toComplaintJson,
  toComplaintSummaryJson,
  Visibility,
} from './complaint-schemas.js';
import { complaintExample, submittedComplaintExample } from './openapi-examples.js';
import {
  asSent,
  BodyProblemResponses,
  ETagHeader,
  IfMatchHeader,
  int32Maximum,
  jsonResponse,
  ProblemResponses,
  TenantHeader,
} from './schemas.js';

export { ComplaintSchema } from './complaint-schemas.js';

type ComplaintAnswer = { complaint: complaintsV1.Complaint | undefined };

const SubmitComplaintBody = Type.Object(
  {
    categoryCode: CategoryCode,
    description: Description,
    ...point(),
    attributes: Type.Optional(
      Type.Array(AttributeValueSchema, { maxItems: 20, description: "Answers to the category's attributes" }),
    ),
    address: Type.Optional(Address),
    mediaUrls: Type.Optional(
      Type.Array(MediaUrl, {
        maxItems: 5,
        description: 'https URLs of photos or videos already uploaded',
      }),
    ),
    anonymous: Type.Optional(
      Type.Boolean({ description: 'Hide the reporter from the public; only where the category allows it' }),
    ),
    citizenReference: Type.Optional(
      citizenReference({
        description: "Officers filing on a citizen's behalf: the citizen's user id or a counter reference",
      }),
    ),
  },
  {
    additionalProperties: false,
    examples: [
      {
        categoryCode: 'roads.pothole',
        description: 'Jalan berlubang di depan sekolah dasar',
        latitude: -6.1204,
        longitude: 106.1503,
        attributes: [{ code: 'road_type', values: ['city'] }],
      },
    ],
  },
);

const SubmitHeaders = Type.Object({
  ...TenantHeader.properties,
  'idempotency-key': Type.Optional(
    idempotencyKey({
      description: 'A retry with the same key returns the first complaint (200) instead of filing another (201)',
    }),
  ),
});

/** The complaint just filed, and open complaints of its category nearby the reporter may follow instead. */
const SubmittedComplaintSchema = Type.Object({
  ...ComplaintSchema.properties,
  nearbyOpen: Type.Array(ComplaintSummarySchema, {
    description: 'Open complaints of the same category nearby (public view, nearest first, at most 10)',
  }),
});

/** A complaint's id as the API takes one; the complaints service answers whether it exists. */
const ComplaintId = Type.String({ minLength: 1, maxLength: 100 });
const IdParams = Type.Object({ id: ComplaintId });
const ExpectedVersion = Type.Integer({
  minimum: 1,
  maximum: int32Maximum,
  description:
    'The version last read; a changed complaint is 409 STALE_VERSION with currentVersion. Required unless ' +
    'If-Match names it',
});

const TransitionHeaders = Type.Object({
  ...TenantHeader.properties,
  'if-match': Type.Optional(IfMatchHeader),
});

/** A single complaint's answer: the complaint, and its version as the ETag a write sends back as If-Match. */
function versionedComplaint(description: string) {
  return {
    description,
    headers: { etag: ETagHeader },
    content: { 'application/json': { schema: ComplaintSchema, example: asSent(ComplaintSchema, complaintExample) } },
  };
}
const Reason = boundedText({ min: 3, max: 2000 });

type ComplaintsUpstream = Upstreams['complaints'];

/** One workflow transition as a route: POST /v1/complaints/:id/<path> with its body. */
interface TransitionRoute {
  /** The workflow's name for it, which gives its roles (complaintTransitionRoles). */
  name: ComplaintTransitionName;
  path: string;
  /** The OpenAPI operationId: the client's method name. */
  operationId: string;
  summary: string;
  description: string;
  body: TProperties;
  send(complaints: ComplaintsUpstream, body: Record<string, unknown>, context: CallContext): Promise<ComplaintAnswer>;
}

/** Ties a transition's request message to the gRPC method taking it. */
function transition<Request>(
  route: Omit<TransitionRoute, 'send'> & {
    codec: { fromPartial(object: Record<string, unknown>): Request };
    call(complaints: ComplaintsUpstream, request: Request, context: CallContext): Promise<ComplaintAnswer>;
  },
): TransitionRoute {
  const { codec, call, ...described } = route;
  return { ...described, send: (complaints, body, context) => call(complaints, codec.fromPartial(body), context) };
}

const transitions: TransitionRoute[] = [
  transition({
    name: 'assign',
    path: 'assignment',
    operationId: 'assignComplaint',
    summary: 'Assign the complaint to an agency (and officer)',
    description:
      'Gives the complaint to an agency and, optionally, one of its officers; a submitted complaint goes ' +
      'in_progress. The note is internal.',
    body: {
      agencyId: agencyId(),
      officerId: Type.Optional(userId()),
      note: Type.Optional(boundedText({ max: 2000 }, 'multi', { description: 'Internal' })),
    },
    codec: complaintsV1.AssignComplaintRequest,
    call: (complaints, request, context) => complaints.assignComplaint(request, context),
  }),
  transition({
    name: 'request_reassignment',
    path: 'reassignment-request',
    operationId: 'requestComplaintReassignment',
    summary: 'The assigned officer asks for the complaint to go elsewhere',
    description:
      "The officer it is assigned to says it belongs elsewhere, with a reason; the agency's supervisors " +
      'decide (assign).',
    body: { reason: Reason },
    codec: complaintsV1.RequestReassignmentRequest,
    call: (complaints, request, context) => complaints.requestReassignment(request, context),
  }),
  transition({
    name: 'resolve',
    path: 'resolution',
    operationId: 'resolveComplaint',
    summary: 'Resolve the complaint with a public note',
    description:
      'Ends the work with a public note (partial: only part could be done); the reporter may then rate or ' +
      "reopen it within the tenant's window.",
    body: { note: boundedText({ min: 3, max: 4000 }), partial: Type.Optional(Type.Boolean()) },
    codec: complaintsV1.ResolveComplaintRequest,
    call: (complaints, request, context) => complaints.resolveComplaint(request, context),
  }),
  transition({
    name: 'reject',
    path: 'rejection',
    operationId: 'rejectComplaint',
    summary: 'Reject the complaint with a public reason',
    description:
      "Refuses the complaint with a public reason (not the government's business, not enough to act on); " +
      'the reporter may reopen it within the window.',
    body: { reason: Reason },
    codec: complaintsV1.RejectComplaintRequest,
    call: (complaints, request, context) => complaints.rejectComplaint(request, context),
  }),
  transition({
    name: 'withdraw',
    path: 'withdrawal',
    operationId: 'withdrawComplaint',
    summary: 'The reporter withdraws the complaint before it is assigned',
    description: 'The reporter takes the complaint back while nobody has it yet; it is cancelled.',
    body: {},
    codec: complaintsV1.WithdrawComplaintRequest,
    call: (complaints, request, context) => complaints.withdrawComplaint(request, context),
  }),
  transition({
    name: 'reopen',
    path: 'reopening',
    operationId: 'reopenComplaint',
    summary: 'The reporter reopens a resolved or rejected complaint within the window',
    description:
      'The reporter says the outcome does not hold, with a reason, within the reopen window; work resumes ' +
      'where it stood.',
    body: { reason: Reason },
    codec: complaintsV1.ReopenComplaintRequest,
    call: (complaints, request, context) => complaints.reopenComplaint(request, context),
  }),
  transition({
    name: 'rate',
    path: 'rating',
    operationId: 'rateComplaint',
    summary: 'The reporter rates the outcome, which closes the complaint',
    description: 'The reporter scores the outcome from 1 to 5 and says whether it was fixed, within the reopen window.',
    body: {
      score: Type.Integer({ minimum: 1, maximum: 5 }),
      outcome: RatingOutcome,
    },
    codec: complaintsV1.RateComplaintRequest,
    call: (complaints, request, context) => complaints.rateComplaint(request, context),
  }),
  transition({
    name: 'comment',
    path: 'comments',
    operationId: 'commentOnComplaint',
    summary: 'Comment publicly (reporter, staff) or internally (staff only)',
    description: 'Adds a comment to the timeline: public (the reporter and staff) or internal (staff only).',
    body: {
      text: boundedText({ min: 1, max: 4000 }),
      visibility: Visibility,
    },
    codec: complaintsV1.CommentOnComplaintRequest,
    call: (complaints, request, context) => complaints.commentOnComplaint(request, context),
  }),
  transition({
    name: 'mark_duplicate',
    path: 'duplicate-of',
    operationId: 'markComplaintDuplicate',
    summary: 'Mark the complaint as a duplicate of another one',
    description:
      'Closes the complaint as a duplicate of another open one of the tenant, which lists it among its duplicates.',
    body: { duplicateOfId: ComplaintId },
    codec: complaintsV1.MarkDuplicateRequest,
    call: (complaints, request, context) => complaints.markDuplicate(request, context),
  }),
];

export const complaintRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { complaints } = app.upstreams;

  app.post(
    '/v1/complaints',
    {
      // An officer files on behalf of a citizen at a service counter.
      config: { access: { roles: ['citizen', 'officer'] } },
      schema: {
        operationId: 'submitComplaint',
        summary: 'Submit a complaint',
        description:
          'Files a complaint in the tenant: it goes to the agency of its category, with the category’s SLA. ' +
          'Send an Idempotency-Key to make retries safe: a retry with the same key (and the same body) answers 200 ' +
          'with the complaint the first call created; the same key with another body is 422 IDEMPOTENCY_KEY_REUSED.',
        tags: ['complaints'],
        headers: SubmitHeaders,
        body: SubmitComplaintBody,
        response: {
          201: jsonResponse(
            'The complaint just filed, and open ones nearby',
            SubmittedComplaintSchema,
            submittedComplaintExample,
          ),
          200: jsonResponse(
            'A retry with the same Idempotency-Key: the complaint the first call filed',
            SubmittedComplaintSchema,
            submittedComplaintExample,
          ),
          ...BodyProblemResponses,
        },
      },
    },
    async (request, reply) => {
      const { complaint, created, nearbyOpen } = await complaints.submitComplaint(
        complaintsV1.SubmitComplaintRequest.fromPartial({
          ...request.body,
          idempotencyKey: request.headers['idempotency-key'] ?? '',
        }),
        callerContext(request),
      );
      const body = toComplaintJson(complaint);
      reply.status(created ? 201 : 200).header('location', `/v1/complaints/${body.id}`);
      if (!created) reply.header('idempotent-replayed', 'true');
      reply.header('etag', entityTag(body.version));
      return { ...body, nearbyOpen: nearbyOpen.map(toComplaintSummaryJson) };
    },
  );

  app.get(
    '/v1/complaints/:id',
    {
      // Anyone may follow a complaint; the service decides the view (staff or public).
      config: { access: 'public' },
      schema: {
        operationId: 'getComplaint',
        summary: 'A complaint: the staff view for staff of the tenant, else the public view',
        description:
          'Anyone may follow a complaint. Staff of its tenant see everything; the reporter sees their own identity; ' +
          'everyone else gets the public view, without reporter or internal entries. allowedActions says what the ' +
          'caller may do next.',
        tags: ['complaints'],
        headers: TenantHeader,
        params: IdParams,
        response: { 200: versionedComplaint('The complaint, in the view the caller may see'), ...ProblemResponses },
      },
    },
    async (request, reply) => {
      const { complaint } = await complaints.getComplaint({ complaintId: request.params.id }, callerContext(request));
      const body = toComplaintJson(complaint);
      reply.header('etag', entityTag(body.version));
      return body;
    },
  );

  for (const transition of transitions) {
    app.post(
      `/v1/complaints/:id/${transition.path}`,
      {
        config: { access: { roles: complaintTransitionRoles[transition.name] } },
        schema: {
          operationId: transition.operationId,
          summary: transition.summary,
          description: transition.description,
          tags: ['complaints'],
          headers: TransitionHeaders,
          params: IdParams,
          body: Type.Object(
            { expectedVersion: Type.Optional(ExpectedVersion), ...transition.body },
            { additionalProperties: false },
          ),
          response: { 200: versionedComplaint('The complaint after the step'), ...BodyProblemResponses },
        },
      },
      async (request, reply) => {
        const body = request.body as Record<string, unknown> & { expectedVersion?: number };
        const expectedVersion = expectedVersionOf(request.headers['if-match'], body.expectedVersion);
        const { complaint } = await transition.send(
          complaints,
          { ...body, expectedVersion, complaintId: request.params.id },
          callerContext(request),
        );
        const answer = toComplaintJson(complaint);
        reply.header('etag', entityTag(answer.version));
        return answer;
      },
    );
  }
};
