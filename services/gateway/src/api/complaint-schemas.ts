import {
  type ComplaintRatingOutcome,
  type ComplaintStatusName,
  type ComplaintTimelineAction,
  complaintRatingOutcomes,
  complaintStatuses,
  type complaintsV1,
  complaintTimelineActions,
  complaintVisibilities,
} from '@balai/contracts';
import {
  agencyId,
  attributeCode,
  attributeValueKey,
  boundedText,
  categoryCode,
  categoryGroup,
  httpsUrl,
  type Role,
  roles,
} from '@balai/platform';
import Type, { type TSchema } from 'typebox';
import { type ComplaintTransitionName, complaintTransitionNames } from '../domain/complaint-transition-roles.js';
import { int32Maximum, stringEnum } from './schemas.js';

const iso = (date: Date | undefined) => (date ?? new Date(0)).toISOString();
const orNull = (value: string) => (value === '' ? null : value);
const NullableString = Type.Union([Type.String(), Type.Null()]);

export const ComplaintStatus = stringEnum(complaintStatuses, {
  description: "The complaint's state in its workflow",
  componentName: 'ComplaintStatus',
});
const NullableStatus = Type.Union([ComplaintStatus, Type.Null()]);
export const RatingOutcome = stringEnum(complaintRatingOutcomes, {
  description: "The reporter's verdict; not_fixed reopens the complaint",
  componentName: 'RatingOutcome',
});
export const Visibility = stringEnum(complaintVisibilities, {
  description: 'public: everyone following the complaint; internal: its staff only',
  componentName: 'Visibility',
});

/**
 * A media URL: complaints also refuses private, loopback, link-local and internal hosts and
 * stores the URL parser's form (services/complaints media-url.ts).
 */
export const MediaUrl = httpsUrl({
  description: 'https URL of a photo or video already uploaded, on a public host; stored normalised',
  examples: ['https://media.example.id/foto/1.jpg'],
});

export const CategoryCode = categoryCode({ examples: ['roads.pothole'] });

/** A complaint's description and address as complaints bounds them, whichever API files it. */
export const descriptionLength = { min: 10, max: 4000 };
export const Description = boundedText(descriptionLength);
export const addressLength = 300;
export const Address = boundedText({ max: addressLength });

/** One answer to a category's attribute: any datatype fits in it (complaints bounds each further). */
export const attributeAnswerLength = 4000;
export const AttributeAnswer = boundedText({ max: attributeAnswerLength });

export const AttributeValueSchema = Type.Object(
  {
    code: attributeCode(),
    values: Type.Array(AttributeAnswer, { minItems: 1, maxItems: 50 }),
  },
  { additionalProperties: false },
);

const TimelineEntrySchema = Type.Object({
  id: Type.String(),
  action: stringEnum(complaintTimelineActions, {
    description: 'submit, a workflow transition, duplicate_linked, or the scheduler’s escalate and auto_close',
    componentName: 'TimelineAction',
  }),
  at: Type.String({ format: 'date-time' }),
  actorRole: stringEnum([...roles, 'system'], { description: 'The role the actor acted in; system for the scheduler' }),
  actorId: NullableString,
  visibility: Visibility,
  fromStatus: NullableStatus,
  toStatus: ComplaintStatus,
  note: NullableString,
  details: Type.Record(Type.String(), Type.String()),
});

/** What a caller may do next on a complaint: the names of the transitions (their routes' names). */
export const ComplaintActionSchema = Type.Unsafe<ComplaintTransitionName>(
  // Unsafe gives the union its static type (a mapped array of literals is a list to TypeBox's types).
  Type.Union(
    complaintTransitionNames.map((name) => Type.Literal(name)),
    { description: 'A complaint workflow transition; each has its route under /v1/complaints/{id}/' },
  ),
);

/** A complaint in a list (inbox, mine, search, nearby): everything but its timeline. */
const complaintSummaryFields = {
  id: Type.String(),
  tenantId: Type.String(),
  categoryCode: Type.String(),
  categoryVersion: Type.Integer(),
  description: Type.String(),
  latitude: Type.Number(),
  longitude: Type.Number(),
  address: NullableString,
  mediaUrls: Type.Array(Type.String()),
  attributes: Type.Array(AttributeValueSchema),
  anonymous: Type.Boolean(),
  status: ComplaintStatus,
  version: Type.Integer(),
  view: Type.Union([Type.Literal('staff'), Type.Literal('public')], {
    description: 'staff: everything; public: no reporter identity (unless yours), no internal entries',
  }),
  reporterId: NullableString,
  filedByOfficerId: NullableString,
  citizenReference: NullableString,
  reporterContact: Type.Union(
    [
      Type.Object({
        email: NullableString,
        firstName: NullableString,
        lastName: NullableString,
        phone: NullableString,
        deviceId: NullableString,
        accountId: NullableString,
      }),
      Type.Null(),
    ],
    { description: 'Staff view only: how to reach whoever reported it through a partner app (Open311)' },
  ),
  agencyId: Type.String(),
  assignedOfficerId: NullableString,
  submittedAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
  slaDueAt: Type.String({ format: 'date-time' }),
  overdue: Type.Boolean(),
  escalationLevel: Type.Integer({
    description: 'Escalation levels reached (0: none), at set fractions of the SLA counted from submission',
  }),
  nextEscalationAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], {
    description: 'Staff view only: when the next escalation level falls due; null after the last',
  }),
  reopenableUntil: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], {
    description:
      'Until when the reporter may reopen (or rate) it; a resolved one then closes. Only while that is still ' +
      'possible: null unless resolved or rejected and within the window',
  }),
  resolution: Type.Union([Type.Object({ note: Type.String(), partial: Type.Boolean() }), Type.Null()]),
  rejectionReason: NullableString,
  rating: Type.Union([
    Type.Object({ score: Type.Integer(), outcome: RatingOutcome, ratedAt: Type.String({ format: 'date-time' }) }),
    Type.Null(),
  ]),
  duplicateOfId: NullableString,
  duplicateIds: Type.Array(Type.String()),
  allowedActions: Type.Array(ComplaintActionSchema, {
    description:
      'The transitions the caller of this request may take now, decided by the rule that enforces them ' +
      '(state, role, relation to the complaint, reopen window); each is POST /v1/complaints/{id}/<route>. An ' +
      'action not listed is refused (403 or 409/422); one listed may still be 409 when the version is stale.',
  }),
};

export const ComplaintSummarySchema = Type.Object(complaintSummaryFields, { $id: 'ComplaintSummary' });

/** One complaint as GET /v1/complaints/{id} and every transition answer it: the summary and its timeline. */
export const ComplaintSchema = Type.Object(
  { ...complaintSummaryFields, timeline: Type.Array(TimelineEntrySchema) },
  { $id: 'Complaint' },
);

/** A complaint's names of actions as the API lists them: only names it knows (a newer service's are left out). */
function knownActions(names: readonly string[]): ComplaintTransitionName[] {
  return names.filter((name): name is ComplaintTransitionName =>
    (complaintTransitionNames as readonly string[]).includes(name),
  );
}

/** A complaint as a list shows it: no timeline (read the complaint for it). */
export function toComplaintSummaryJson(complaint: complaintsV1.Complaint | undefined) {
  const { timeline: _timeline, ...summary } = toComplaintJson(complaint);
  return summary;
}

export function toComplaintJson(complaint: complaintsV1.Complaint | undefined) {
  if (!complaint) throw new Error('complaints service answered without a complaint');
  return {
    ...complaint,
    allowedActions: knownActions(complaint.allowedActions),
    // The complaints service stores only values of these sets (its schema checks them on write).
    status: complaint.status as ComplaintStatusName,
    view: complaint.view === 'staff' ? ('staff' as const) : ('public' as const),
    address: orNull(complaint.address),
    reporterId: orNull(complaint.reporterId),
    filedByOfficerId: orNull(complaint.filedByOfficerId),
    citizenReference: orNull(complaint.citizenReference),
    reporterContact: complaint.reporterContact
      ? {
          email: orNull(complaint.reporterContact.email),
          firstName: orNull(complaint.reporterContact.firstName),
          lastName: orNull(complaint.reporterContact.lastName),
          phone: orNull(complaint.reporterContact.phone),
          deviceId: orNull(complaint.reporterContact.deviceId),
          accountId: orNull(complaint.reporterContact.accountId),
        }
      : null,
    assignedOfficerId: orNull(complaint.assignedOfficerId),
    submittedAt: iso(complaint.submittedAt),
    updatedAt: iso(complaint.updatedAt),
    slaDueAt: iso(complaint.slaDueAt),
    nextEscalationAt: complaint.nextEscalationAt ? iso(complaint.nextEscalationAt) : null,
    reopenableUntil: complaint.reopenableUntil ? iso(complaint.reopenableUntil) : null,
    resolution:
      complaint.status === 'resolved' || complaint.resolutionNote !== ''
        ? { note: complaint.resolutionNote, partial: complaint.resolutionPartial }
        : null,
    rejectionReason: orNull(complaint.rejectionReason),
    rating: complaint.rating
      ? {
          ...complaint.rating,
          outcome: complaint.rating.outcome as ComplaintRatingOutcome,
          ratedAt: iso(complaint.rating.ratedAt),
        }
      : null,
    duplicateOfId: orNull(complaint.duplicateOfId),
    timeline: complaint.timeline.map((entry) => ({
      ...entry,
      at: iso(entry.at),
      action: entry.action as ComplaintTimelineAction,
      actorRole: entry.actorRole as Role | 'system',
      actorId: orNull(entry.actorId),
      visibility: entry.visibility === 'internal' ? ('internal' as const) : ('public' as const),
      fromStatus: orNull(entry.fromStatus) as ComplaintStatusName | null,
      toStatus: entry.toStatus as ComplaintStatusName,
      note: orNull(entry.note),
    })),
  };
}

/** A text in Indonesian (`id`, the default locale) and English (`en`), as a category's `names` are. */
function localised<Text extends TSchema>(text: Text, description: string) {
  return Type.Object({ id: text, en: text }, { additionalProperties: false, description });
}

const datatypes = ['string', 'number', 'datetime', 'text', 'singlevaluelist', 'multivaluelist'] as const;

const CategoryAttributeSchema = Type.Object(
  {
    code: attributeCode(),
    datatype: Type.Union([
      Type.Literal('string'),
      Type.Literal('number'),
      Type.Literal('datetime'),
      Type.Literal('text'),
      Type.Literal('singlevaluelist'),
      Type.Literal('multivaluelist'),
    ]),
    required: Type.Boolean(),
    order: Type.Integer({ minimum: 0, maximum: 1000 }),
    labels: localised(boundedText({ max: 500 }), 'The question as the reporter reads it'),
    values: Type.Array(
      Type.Object(
        {
          key: attributeValueKey(),
          names: localised(boundedText({ min: 1, max: 100 }), "The choice's name"),
        },
        { additionalProperties: false },
      ),
      { maxItems: 50 },
    ),
  },
  { additionalProperties: false },
);

const categoryFields = {
  names: Type.Object(
    { id: boundedText({ min: 2, max: 100 }), en: boundedText({ min: 2, max: 100 }) },
    { additionalProperties: false },
  ),
  group: categoryGroup(),
  keywords: Type.Array(boundedText({ min: 2, max: 40 }), { maxItems: 30 }),
  agencyId: agencyId({ description: 'Agency (OPD) id, for example dpupr' }),
  slaHours: Type.Integer({ minimum: 1, maximum: 8760 }),
  anonymousAllowed: Type.Boolean(),
  attributes: Type.Array(CategoryAttributeSchema, { maxItems: 20 }),
  active: Type.Boolean(),
};

export const CategorySchema = Type.Object(
  {
    code: Type.String(),
    tenantId: Type.String(),
    ...categoryFields,
    version: Type.Integer(),
    updatedAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'ComplaintCategory' },
);

export const CategoryBody = Type.Object(
  {
    ...categoryFields,
    active: Type.Optional(Type.Boolean({ default: true })),
    expectedVersion: Type.Integer({
      minimum: 0,
      // The gRPC field is an int32: a larger number cannot be sent on at all.
      maximum: int32Maximum,
      description: '0 creates the category; otherwise the version last read',
    }),
  },
  { additionalProperties: false },
);

export function toCategoryJson(category: complaintsV1.Category | undefined) {
  if (!category) throw new Error('complaints service answered without a category');
  const { nameId, nameEn, updatedAt, ...rest } = category;
  return {
    ...rest,
    names: { id: nameId, en: nameEn },
    attributes: rest.attributes.map(({ labelId, labelEn, ...attribute }) => ({
      ...attribute,
      datatype: attribute.datatype as (typeof datatypes)[number],
      labels: { id: labelId, en: labelEn },
      values: attribute.values.map((option) => ({ key: option.key, names: { id: option.nameId, en: option.nameEn } })),
    })),
    updatedAt: iso(updatedAt),
  };
}
