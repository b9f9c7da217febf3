import { randomUUID } from 'node:crypto';
import {
  AppError,
  blanksLeftOut,
  boundedText,
  type CallContext,
  categoryCode,
  citizenReference,
  contactEmail,
  type ErrorDetail,
  fieldProblems,
  httpsUrl,
  idempotencyKey,
  newEvent,
  normaliseText,
  point,
  refuseProblems,
  requireRole,
  requireTenant,
  singleSpaced,
  withMessage,
} from '@balai/platform';
import Type from 'typebox';
import type { CategoryRepository } from '../data/category-repository.js';
import type { ReporterContact, TimelineEntry } from '../data/complaint.schema.js';
import type { Complaint, ComplaintRepository } from '../data/complaint-repository.js';
import { type AttributeValue, validateAttributeValues } from '../domain/category-attributes.js';
import { defaultEscalationFractions, escalationDueAt } from '../domain/complaint-escalation.js';
import { geohashOf } from '../domain/complaint-geohash.js';
import { complaintIdForKey, submissionFingerprint } from '../domain/complaint-id.js';
import { checkMediaUrl } from '../domain/media-url.js';
import { eventSource } from './use-case-support.js';

export interface SubmitComplaintInput {
  categoryCode: string;
  description: string;
  latitude: number;
  longitude: number;
  attributes?: AttributeValue[];
  address?: string;
  /** https URLs of photos or videos already uploaded, at most 5; stored normalised (media-url.ts). */
  mediaUrls?: string[];
  /** Hide the reporter from the public; only where the category allows it. */
  anonymous?: boolean;
  /** The client's Idempotency-Key; a retry with the same key returns the first complaint. */
  idempotencyKey?: string;
  /** Officers only, filing at a counter: the citizen's user id or a counter reference. */
  citizenReference?: string;
  /** Partner apps only (Open311): how to reach the person who reported it. Staff view only. */
  reporterContact?: Partial<ReporterContact> | undefined;
}

export interface SubmitComplaintDeps {
  repository: Pick<ComplaintRepository, 'insert' | 'findById'>;
  categories: Pick<CategoryRepository, 'findByCode'>;
  clock: () => Date;
  newId?: () => string;
  /** Wakes the outbox relay after the write. */
  onCommitted: () => void;
  /** Fractions of the SLA at which escalation levels fall due (config COMPLAINT_ESCALATION_FRACTIONS). */
  escalationFractions?: readonly number[];
}

export const maxMediaUrls = 5;

/** A media URL complaints stores: an https URL by shape, on a public host (media-url.ts). */
const mediaUrl = Type.Refine(
  httpsUrl(),
  (value: unknown) => checkMediaUrl(value).problem === undefined,
  (value: unknown) => checkMediaUrl(value).problem ?? 'must be an https URL',
);

/** What any gRPC caller may send; the gateway checks the same fields, other callers may not. */
const SubmitComplaintInputSchema = Type.Object({
  categoryCode: categoryCode(),
  description: boundedText({ min: 10, max: 4000 }),
  ...point(),
  address: Type.Optional(boundedText({ max: 300 })),
  mediaUrls: Type.Optional(withMessage(Type.Array(mediaUrl, { maxItems: maxMediaUrls }), `at most ${maxMediaUrls}`)),
  idempotencyKey: Type.Optional(idempotencyKey()),
  citizenReference: Type.Optional(citizenReference()),
});

/**
 * A contact field of at most `max` characters once trimmed (the gateway's Open311 limits), on one
 * line: a line break in a name or phone number is a control character too.
 */
const contactText = (max: number) => Type.Optional(boundedText({ max }, 'single'));
/** The contact as a partner sent it: characters as sent, lengths once trimmed. */
const GivenContactSchema = Type.Object({
  reporterContact: Type.Object({
    email: contactText(254),
    firstName: contactText(100),
    lastName: contactText(100),
    phone: contactText(32),
    deviceId: contactText(200),
    accountId: contactText(200),
  }),
});
/** The e-mail address once trimmed, when there is one. */
const ContactEmailSchema = Type.Object({ reporterContact: Type.Object({ email: contactEmail() }) });

/** The contact trimmed, absent fields '' ; null when nothing was given. */
function normaliseContact(contact: Partial<ReporterContact> | undefined): ReporterContact | null {
  if (!contact) return null;
  const trimmed = (field: keyof ReporterContact) => String(contact[field] ?? '').trim();
  // In GivenContactSchema's order: the contact is part of the idempotency fingerprint (JSON).
  const normalised: ReporterContact = {
    email: trimmed('email'),
    firstName: trimmed('firstName'),
    lastName: trimmed('lastName'),
    phone: trimmed('phone'),
    deviceId: trimmed('deviceId'),
    accountId: trimmed('accountId'),
  };
  return Object.values(normalised).some((value) => value !== '') ? normalised : null;
}

function contactProblems(given: Partial<ReporterContact> | undefined, contact: ReporterContact | null): ErrorDetail[] {
  if (!contact) return [];
  return [
    ...fieldProblems(GivenContactSchema, { reporterContact: given }),
    ...(contact.email === '' ? [] : fieldProblems(ContactEmailSchema, { reporterContact: { email: contact.email } })),
  ];
}

/**
 * The submission as stored and fingerprinted, once its schema found nothing wrong: trimmed,
 * LF line endings, media URLs in the URL parser's form, defaults filled.
 */
function normalise(input: SubmitComplaintInput) {
  return {
    categoryCode: input.categoryCode,
    description: normaliseText(input.description),
    latitude: input.latitude,
    longitude: input.longitude,
    attributes: (input.attributes ?? []).map((entry) => ({
      code: String(entry.code),
      values: entry.values.map(String),
    })),
    address: singleSpaced(input.address ?? ''),
    mediaUrls: (input.mediaUrls ?? []).map((url) => checkMediaUrl(url).url as string),
    anonymous: Boolean(input.anonymous),
    citizenReference: input.citizenReference ?? '',
  };
}

/** Where a newly filed complaint's workflow starts: not yet assigned, no outcome, no links. */
export function filedState() {
  return {
    status: 'submitted',
    version: 1,
    assignedOfficerId: '',
    assignedAt: null,
    resolution: null,
    rejection: null,
    rating: null,
    duplicateOfId: '',
    duplicateIds: [],
    escalationLevel: 0,
    reopenableUntil: null,
  } satisfies Partial<Complaint>;
}

/**
 * Files a complaint for the caller's tenant in a category of its catalogue. The complaint, its
 * first timeline entry and its `submitted` event are written in one document, so the event can
 * never be lost or published without the complaint. With an idempotency key the id derives
 * from (tenant, reporter, key): a retry finds the first complaint and returns it (`created`
 * false); the same key with a different submission is IDEMPOTENCY_KEY_REUSED.
 */
export async function submitComplaint(
  deps: SubmitComplaintDeps,
  context: CallContext,
  input: SubmitComplaintInput,
): Promise<{ complaint: Complaint; created: boolean }> {
  const tenantId = requireTenant(context);
  // A citizen files their own; an officer files on a citizen's behalf at a service counter; a
  // partner app (Open311) files what its users report, with their contact details.
  requireRole(context, ['citizen', 'officer', 'open311_partner']);
  const reporterId = context.subject as string;
  const problems = fieldProblems(SubmitComplaintInputSchema, blanksLeftOut(input));
  const filer = context.roles.includes('citizen')
    ? 'citizen'
    : context.roles.includes('officer')
      ? 'officer'
      : 'open311_partner';
  const onBehalf = filer === 'officer';
  const reporterContact = normaliseContact(input.reporterContact);
  if (filer === 'open311_partner') problems.push(...contactProblems(input.reporterContact, reporterContact));
  else if (reporterContact) {
    problems.push({ field: '/reporterContact', message: 'only a partner app passes a reporter contact' });
  }
  if (onBehalf && !input.citizenReference) {
    problems.push({ field: '/citizenReference', message: "an officer files on a citizen's behalf: name the citizen" });
  }
  if (!onBehalf && input.citizenReference) {
    problems.push({ field: '/citizenReference', message: 'only an officer filing on behalf names a citizen' });
  }
  refuseProblems(problems, 'The complaint is not valid');

  const submission = normalise(input);
  // The contact counts for telling a retry from a reused key, only when there is one (older
  // fingerprints, without it, stay valid).
  const requestHash = input.idempotencyKey
    ? submissionFingerprint(reporterContact ? { ...submission, reporterContact } : submission)
    : '';
  const id = input.idempotencyKey
    ? complaintIdForKey(tenantId, reporterId, input.idempotencyKey)
    : (deps.newId ?? randomUUID)();
  const replay = async () => {
    const first = await deps.repository.findById(tenantId, id);
    if (!first) return null;
    if (first.requestHash !== requestHash) throw new AppError('IDEMPOTENCY_KEY_REUSED');
    return { complaint: first, created: false };
  };
  if (input.idempotencyKey) {
    const earlier = await replay();
    if (earlier) return earlier;
  }

  const category = await deps.categories.findByCode(tenantId, submission.categoryCode);
  if (!category?.active) {
    throw new AppError('VALIDATION_FAILED', 'The complaint is not valid', [
      { field: '/categoryCode', message: "is not in the tenant's service catalogue" },
    ]);
  }
  const attributes = validateAttributeValues(category.attributes, submission.attributes);
  if (submission.anonymous && !category.anonymousAllowed) {
    attributes.problems.push({ field: '/anonymous', message: 'this category does not take anonymous complaints' });
  }
  if (attributes.problems.length > 0) {
    throw new AppError('VALIDATION_FAILED', 'The complaint is not valid', attributes.problems);
  }

  const submittedAt = deps.clock();
  const slaDueAt = new Date(submittedAt.getTime() + category.slaHours * 3_600_000);
  const actorRole = filer;
  const entry: TimelineEntry = {
    id: randomUUID(),
    action: 'submit',
    at: submittedAt,
    actorRole,
    actorId: reporterId,
    visibility: 'public',
    fromStatus: '',
    toStatus: 'submitted',
    note: '',
    details: { agencyId: category.agencyId },
  };
  const complaint: Complaint = {
    _id: id,
    tenantId,
    categoryCode: category.code,
    categoryVersion: category.version,
    agencyId: category.agencyId,
    description: submission.description,
    location: { latitude: submission.latitude, longitude: submission.longitude },
    geohash: geohashOf(submission.latitude, submission.longitude),
    address: submission.address,
    mediaUrls: submission.mediaUrls,
    attributes: attributes.values,
    anonymous: submission.anonymous,
    reporterId,
    filedByOfficerId: onBehalf ? reporterId : '',
    citizenReference: submission.citizenReference,
    // Personal data: kept in this document only, never in the event below or a public view.
    reporterContact,
    requestHash,
    submittedAt,
    updatedAt: submittedAt,
    slaDueAt,
    nextEscalationAt: escalationDueAt(
      { submittedAt, slaDueAt },
      deps.escalationFractions ?? defaultEscalationFractions,
      1,
    ),
    ...filedState(),
    timeline: [entry],
  };
  const event = newEvent({
    type: 'id.balai.complaints.complaint.submitted.v1',
    source: eventSource,
    subject: id,
    tenantId,
    time: submittedAt,
    ...(context.traceparent ? { traceparent: context.traceparent } : {}),
    data: {
      complaintId: id,
      tenantId,
      categoryCode: category.code,
      submittedAt,
      agencyId: category.agencyId,
      slaDueAt,
      filedOnBehalf: onBehalf,
      anonymous: submission.anonymous,
    },
  });
  if (!(await deps.repository.insert({ ...complaint, outbox: [event] }))) {
    // A concurrent retry with the same key won the insert.
    const earlier = input.idempotencyKey ? await replay() : null;
    if (!earlier) throw new AppError('INTERNAL', 'complaint id clash');
    return earlier;
  }
  deps.onCommitted();
  return { complaint, created: true };
}
