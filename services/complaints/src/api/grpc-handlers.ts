import type { complaintsV1 } from '@balai/contracts';
import { type CallContext, type Logger, unaryHandler } from '@balai/platform';
import type { AttributeDatatype } from '../data/category.schema.js';
import type { Category } from '../data/category-repository.js';
import type { Complaint } from '../data/complaint-repository.js';
import { type ComplaintView, viewFor } from '../domain/complaint-views.js';
import { type CategoryDeps, getCategory, listCategories, upsertCategory } from '../use-cases/categories.js';
import {
  type FindNearbyDeps,
  findNearbyComplaints,
  getComplaint,
  type ListComplaintsDeps,
  listComplaints,
} from '../use-cases/complaint-queries.js';
import {
  assignComplaint,
  commentOnComplaint,
  markDuplicate,
  rateComplaint,
  rejectComplaint,
  reopenComplaint,
  requestReassignment,
  resolveComplaint,
  type TransitionDeps,
  withdrawComplaint,
} from '../use-cases/complaint-transitions.js';
import { type SubmitComplaintDeps, submitComplaint } from '../use-cases/submit-complaint.js';

export type ComplaintsDeps = SubmitComplaintDeps & TransitionDeps & CategoryDeps & ListComplaintsDeps & FindNearbyDeps;

function toComplaintMessage(view: ComplaintView): complaintsV1.Complaint {
  const { complaint } = view;
  return {
    id: complaint._id,
    tenantId: complaint.tenantId,
    categoryCode: complaint.categoryCode,
    description: complaint.description,
    latitude: complaint.location.latitude,
    longitude: complaint.location.longitude,
    status: complaint.status,
    version: complaint.version,
    submittedAt: complaint.submittedAt,
    view: view.kind,
    reporterId: complaint.reporterId ?? '',
    anonymous: Boolean(complaint.anonymous),
    address: complaint.address ?? '',
    mediaUrls: [...(complaint.mediaUrls ?? [])],
    attributes: (complaint.attributes ?? []).map((entry) => ({ code: entry.code, values: [...entry.values] })),
    agencyId: complaint.agencyId ?? '',
    assignedOfficerId: complaint.assignedOfficerId ?? '',
    slaDueAt: complaint.slaDueAt,
    overdue: view.overdue,
    updatedAt: complaint.updatedAt ?? complaint.submittedAt,
    timeline: (complaint.timeline ?? []).map((entry) => ({
      id: entry.id,
      action: entry.action,
      at: entry.at,
      actorRole: entry.actorRole,
      actorId: entry.actorId,
      visibility: entry.visibility,
      fromStatus: entry.fromStatus,
      toStatus: entry.toStatus,
      note: entry.note,
      details: { ...entry.details },
    })),
    resolutionNote: complaint.resolution?.note ?? '',
    resolutionPartial: complaint.resolution?.partial ?? false,
    rejectionReason: complaint.rejection?.reason ?? '',
    rating: complaint.rating
      ? { score: complaint.rating.score, outcome: complaint.rating.outcome, ratedAt: complaint.rating.at }
      : undefined,
    duplicateOfId: complaint.duplicateOfId ?? '',
    duplicateIds: [...(complaint.duplicateIds ?? [])],
    filedByOfficerId: complaint.filedByOfficerId ?? '',
    citizenReference: complaint.citizenReference ?? '',
    categoryVersion: complaint.categoryVersion ?? 0,
    escalationLevel: complaint.escalationLevel ?? 0,
    nextEscalationAt: view.kind === 'staff' ? (complaint.nextEscalationAt ?? undefined) : undefined,
    reopenableUntil: view.reopenableUntil ?? undefined,
    reporterContact: view.kind === 'staff' && complaint.reporterContact ? { ...complaint.reporterContact } : undefined,
    allowedActions: [...view.allowedActions],
  };
}

function toCategoryMessage(category: Category): complaintsV1.Category {
  return {
    code: category.code,
    tenantId: category.tenantId,
    nameId: category.names.id,
    nameEn: category.names.en,
    group: category.group,
    keywords: [...category.keywords],
    agencyId: category.agencyId,
    slaHours: category.slaHours,
    anonymousAllowed: category.anonymousAllowed,
    attributes: category.attributes.map(({ labels, ...attribute }) => ({
      ...attribute,
      labelId: labels.id,
      labelEn: labels.en,
      values: attribute.values.map((option) => ({ key: option.key, nameId: option.names.id, nameEn: option.names.en })),
    })),
    active: category.active,
    version: category.version,
    updatedAt: category.updatedAt,
  };
}

/** Thin gRPC entry points: decode, call the use case, encode. The caller context comes from metadata. */
export function complaintsGrpcHandlers(logger: Logger, deps: ComplaintsDeps): complaintsV1.ComplaintsServiceServer {
  const answer = (complaint: Complaint, context: CallContext) => ({
    complaint: toComplaintMessage(viewFor(complaint, context, deps.clock())),
  });
  /** A workflow step: the use case takes the request as it is, the answer is the caller's view. */
  const transition = <Req>(step: (deps: ComplaintsDeps, context: CallContext, request: Req) => Promise<Complaint>) =>
    unaryHandler(logger, async (request: Req, context) => answer(await step(deps, context, request), context));
  // Suggestions for whoever just filed: the complaint is committed by now, so a failed lookup
  // must not fail the call (a client without an idempotency key would file it again).
  const nearbyOpenFor = async (complaint: Complaint, context: CallContext) => {
    try {
      const nearby = await findNearbyComplaints(
        deps,
        context,
        { categoryCode: complaint.categoryCode, ...complaint.location },
        complaint._id,
      );
      return nearby.map(({ view }) => toComplaintMessage(view));
    } catch (error) {
      logger.warn({ err: error, requestId: context.requestId }, 'nearby complaints lookup failed after submit');
      return [];
    }
  };
  return {
    submitComplaint: unaryHandler(logger, async (request: complaintsV1.SubmitComplaintRequest, context) => {
      const { complaint, created } = await submitComplaint(deps, context, request);
      return { ...answer(complaint, context), created, nearbyOpen: await nearbyOpenFor(complaint, context) };
    }),
    getComplaint: unaryHandler(logger, async (request: complaintsV1.GetComplaintRequest, context) => ({
      complaint: toComplaintMessage(await getComplaint(deps, context, request.complaintId)),
    })),
    assignComplaint: transition(assignComplaint),
    requestReassignment: transition(requestReassignment),
    resolveComplaint: transition(resolveComplaint),
    rejectComplaint: transition(rejectComplaint),
    withdrawComplaint: transition(withdrawComplaint),
    reopenComplaint: transition(reopenComplaint),
    rateComplaint: transition(rateComplaint),
    commentOnComplaint: transition(commentOnComplaint),
    markDuplicate: transition(markDuplicate),
    listComplaints: unaryHandler(logger, async (request: complaintsV1.ListComplaintsRequest, context) => {
      const { views, nextPageToken } = await listComplaints(deps, context, request);
      return { complaints: views.map(toComplaintMessage), nextPageToken };
    }),
    findNearbyComplaints: unaryHandler(logger, async (request: complaintsV1.FindNearbyComplaintsRequest, context) => ({
      complaints: (await findNearbyComplaints(deps, context, request)).map(({ view, distanceMeters }) => ({
        complaint: toComplaintMessage(view),
        distanceMeters,
      })),
    })),
    listCategories: unaryHandler(logger, async (request: complaintsV1.ListCategoriesRequest, context) => ({
      categories: (await listCategories(deps, context, request)).map(toCategoryMessage),
    })),
    getCategory: unaryHandler(logger, async (request: complaintsV1.GetCategoryRequest, context) => ({
      category: toCategoryMessage(await getCategory(deps, context, request.code)),
    })),
    upsertCategory: unaryHandler(logger, async (request: complaintsV1.UpsertCategoryRequest, context) => {
      const given = request.category;
      const { category, created } = await upsertCategory(deps, context, {
        code: request.code,
        expectedVersion: request.expectedVersion,
        category: {
          names: { id: given?.nameId ?? '', en: given?.nameEn ?? '' },
          group: given?.group ?? '',
          keywords: given?.keywords ?? [],
          agencyId: given?.agencyId ?? '',
          slaHours: given?.slaHours ?? 0,
          anonymousAllowed: given?.anonymousAllowed ?? false,
          attributes: (given?.attributes ?? []).map(({ labelId, labelEn, ...attribute }) => ({
            ...attribute,
            datatype: attribute.datatype as AttributeDatatype,
            labels: { id: labelId, en: labelEn },
            values: attribute.values.map((option) => ({
              key: option.key,
              names: { id: option.nameId, en: option.nameEn },
            })),
          })),
          active: given?.active ?? true,
        },
      });
      return { category: toCategoryMessage(category), created };
    }),
  };
}
