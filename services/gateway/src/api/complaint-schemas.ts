import type { complaintsV1 } from '@balai/contracts';
import {
  agencyId,
  attributeCode,
  attributeValueKey,
  boundedText,
  categoryCode,
  categoryGroup,
  httpsUrl,
} from '@balai/platform';
import Type from 'typebox';
import { int32Maximum } from './schemas.js';

const iso = (date: Date | undefined) => (date ?? new Date(0)).toISOString();
const orNull = (value: string) => (value === '' ? null : value);
const NullableString = Type.Union([Type.String(), Type.Null()]);

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
  action: Type.String(),
  at: Type.String({ format: 'date-time' }),
  actorRole: Type.String(),
  actorId: NullableString,
  visibility: Type.Union([Type.Literal('public'), Type.Literal('internal')]),
  fromStatus: NullableString,
  toStatus: Type.String(),
  note: NullableString,
  details: Type.Record(Type.String(), Type.String()),
});

export const ComplaintSchema = Type.Object(
  {
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
    status: Type.String(),
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
      description: 'Resolved or rejected: until when the reporter may reopen it (a resolved one then closes)',
    }),
    resolution: Type.Union([Type.Object({ note: Type.String(), partial: Type.Boolean() }), Type.Null()]),
    rejectionReason: NullableString,
    rating: Type.Union([
      Type.Object({ score: Type.Integer(), outcome: Type.String(), ratedAt: Type.String({ format: 'date-time' }) }),
      Type.Null(),
    ]),
    duplicateOfId: NullableString,
    duplicateIds: Type.Array(Type.String()),
    timeline: Type.Array(TimelineEntrySchema),
  },
  { $id: 'Complaint' },
);

export function toComplaintJson(complaint: complaintsV1.Complaint | undefined) {
  if (!complaint) throw new Error('complaints service answered without a complaint');
  return {
    ...complaint,
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
    rating: complaint.rating ? { ...complaint.rating, ratedAt: iso(complaint.rating.ratedAt) } : null,
    duplicateOfId: orNull(complaint.duplicateOfId),
    timeline: complaint.timeline.map((entry) => ({
      ...entry,
      at: iso(entry.at),
      actorId: orNull(entry.actorId),
      visibility: entry.visibility === 'internal' ? ('internal' as const) : ('public' as const),
      fromStatus: orNull(entry.fromStatus),
      note: orNull(entry.note),
    })),
  };
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
    description: boundedText({ max: 500 }),
    values: Type.Array(
      Type.Object(
        {
          key: attributeValueKey(),
          name: boundedText({ min: 1, max: 100 }),
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
    attributes: rest.attributes.map((attribute) => ({
      ...attribute,
      datatype: attribute.datatype as (typeof datatypes)[number],
    })),
    updatedAt: iso(updatedAt),
  };
}
