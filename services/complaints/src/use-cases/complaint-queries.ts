import { createHash } from 'node:crypto';
import {
  AppError,
  blanksLeftOut,
  type CallContext,
  categoryCode,
  checkFields,
  type ErrorDetail,
  fieldProblems,
  filterIdPattern,
  isCategoryCode,
  point,
  refuseProblems,
  requireTenant,
  withMessage,
} from '@balai/platform';
import Type from 'typebox';
import { complaintStatuses } from '../data/complaint.schema.js';
import {
  type ComplaintListFilter,
  type ComplaintOrder,
  complaintOrders,
  emptyListFilter,
  type SortPosition,
  sortKeyOf,
} from '../data/complaint-list-query.js';
import type { Complaint, ComplaintRepository } from '../data/complaint-repository.js';
import { coveringCells, haversineMeters } from '../domain/complaint-geohash.js';
import { type ComplaintView, isStaff, viewFor } from '../domain/complaint-views.js';
import { allowedActionsFor } from '../domain/complaint-workflow.js';

/** GetComplaint: one complaint of the caller's tenant, in the view the caller may see. */
export async function getComplaint(
  deps: { repository: Pick<ComplaintRepository, 'findById'>; clock: () => Date },
  context: CallContext,
  complaintId: string,
): Promise<ComplaintView> {
  const tenantId = requireTenant(context);
  const complaint =
    typeof complaintId === 'string' && complaintId !== ''
      ? await deps.repository.findById(tenantId, complaintId)
      : null;
  if (!complaint) throw new AppError('COMPLAINT_NOT_FOUND');
  return viewFor(complaint, context, deps.clock());
}

/** What a caller may ask of ListComplaints (the gRPC request fits it). */
export interface ListComplaintsInput {
  statuses?: string[];
  agencyId?: string;
  /** Staff only: an officer id, "me" or "none". */
  assignee?: string;
  overdueOnly?: boolean;
  categoryCodes?: string[];
  complaintIds?: string[];
  submittedFrom?: Date | undefined;
  submittedBefore?: Date | undefined;
  updatedFrom?: Date | undefined;
  updatedBefore?: Date | undefined;
  mine?: boolean;
  /** "due" (default), "newest" or "updated". */
  order?: string;
  /** 1 to 100; 20 when 0 or absent. */
  pageSize?: number;
  pageToken?: string;
  /** 1-based page number instead of a cursor (Open311); not with pageToken. */
  page?: number;
  includeTimeline?: boolean;
}

export interface ListComplaintsDeps {
  repository: Pick<ComplaintRepository, 'list'>;
  clock: () => Date;
}

export const defaultPageSize = 20;
export const maxPageSize = 100;
export const maxComplaintIds = 100;
/** Offset paging reads and drops every earlier item; past this many, callers must use the cursor. */
export const maxPageOffset = 10_000;
const maxListValues = 50;

function isChecked<T extends string>(allowed: readonly T[], value: string): value is T {
  return (allowed as readonly string[]).includes(value);
}

/** Distinct and sorted, so the same set of values always gives the same page-token fingerprint. */
function distinct(values: string[] | undefined): string[] {
  return [...new Set((values ?? []).map(String))].sort();
}

const isFilterId = (value: string) => filterIdPattern.test(value);

/** A filter of several values, one field: at most `max` distinct ones, each `isValue`. */
function valueList(isValue: (value: string) => boolean, max: number, message: string) {
  return Type.Refine(
    Type.Array(Type.String()),
    (values: unknown) => Array.isArray(values) && distinct(values).length <= max && values.every(isValue),
    () => message,
  );
}

/** The filters a caller may ask ListComplaints for by shape; blank ones are left out. */
const ListFilterInputSchema = Type.Object({
  statuses: Type.Optional(
    valueList(
      (status) => isChecked(complaintStatuses, status),
      complaintStatuses.length,
      `must each be one of ${complaintStatuses.join(', ')}`,
    ),
  ),
  agencyId: Type.Optional(withMessage(Type.String({ pattern: filterIdPattern.source }), 'must be an agency id')),
  assignee: Type.Optional(
    withMessage(Type.String({ pattern: filterIdPattern.source }), 'must be an officer id, "me" or "none"'),
  ),
  categoryCodes: Type.Optional(
    valueList(isCategoryCode, maxListValues, `must be at most ${maxListValues} category codes`),
  ),
  complaintIds: Type.Optional(
    valueList(isFilterId, maxComplaintIds, `must be at most ${maxComplaintIds} complaint ids`),
  ),
});

const FindNearbyInputSchema = Type.Object({ categoryCode: categoryCode(), ...point() });

/** The filter fingerprint a page token carries: a token is only valid for the query it came from. */
export function queryFingerprint(tenantId: string, filter: ComplaintListFilter, order: ComplaintOrder): string {
  // overdueAt is "now" and moves between pages: only whether it is set belongs to the query.
  const stable = { ...filter, overdueAt: filter.overdueAt !== null };
  return createHash('sha256')
    .update(JSON.stringify([tenantId, order, stable]))
    .digest('base64url')
    .slice(0, 22);
}

interface PageTokenPayload {
  /** Sort key, epoch milliseconds. */
  k: number;
  /** Last item's id. */
  i: string;
  /** Query fingerprint. */
  f: string;
}

/**
 * An opaque cursor: base64url JSON of the last item's sort key and id and the query's
 * fingerprint. Not signed: a forged token only moves where the caller's own, tenant-scoped
 * query resumes.
 */
export function encodePageToken(position: SortPosition, fingerprint: string): string {
  const payload: PageTokenPayload = { k: position.key.getTime(), i: position.id, f: fingerprint };
  return Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
}

function badToken(message: string): AppError {
  return new AppError('VALIDATION_FAILED', 'The page token is not valid', [{ field: '/pageToken', message }]);
}

export function decodePageToken(token: string, fingerprint: string): SortPosition {
  let payload: unknown;
  try {
    if (token.length > 1024 || !/^[A-Za-z0-9_-]+$/.test(token)) throw new Error('not base64url');
    payload = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw badToken('must be a page token this list returned');
  }
  const { k, i, f } = (payload ?? {}) as Partial<PageTokenPayload>;
  if (
    typeof k !== 'number' ||
    !Number.isFinite(k) ||
    typeof i !== 'string' ||
    !isFilterId(i) ||
    typeof f !== 'string'
  ) {
    throw badToken('must be a page token this list returned');
  }
  if (f !== fingerprint) throw badToken('belongs to a list with other filters or another order');
  return { key: new Date(k), id: i };
}

function checkedDate(value: Date | undefined, field: string, problems: ErrorDetail[]): Date | null {
  if (value === undefined || value === null) return null;
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
    problems.push({ field, message: 'must be a timestamp' });
    return null;
  }
  return value;
}

function checkRange(from: Date | null, before: Date | null, field: string, problems: ErrorDetail[]) {
  if (from && before && from.getTime() >= before.getTime()) {
    problems.push({ field, message: 'must be after the start of the range' });
  }
}

/**
 * Turns the caller's request into a checked filter, order and page. Staff of the tenant may use
 * every filter; everyone else gets public views and may not filter by assignee (FORBIDDEN: it
 * would reveal who works on what). `mine` needs a signed-in caller (UNAUTHENTICATED).
 */
export function parseListRequest(context: CallContext, input: ListComplaintsInput, now: Date) {
  const tenantId = requireTenant(context);
  const staff = isStaff(context);
  const assignee = String(input.assignee ?? '');
  if (assignee !== '' && !staff) {
    throw new AppError('FORBIDDEN', 'Only staff of the tenant may filter by assignee');
  }
  if (input.mine && !context.subject) throw new AppError('UNAUTHENTICATED', 'Sign in to list your own complaints');

  const problems = fieldProblems(ListFilterInputSchema, blanksLeftOut(input));
  const filter = emptyListFilter();
  filter.statuses = distinct(input.statuses).filter((status) => isChecked(complaintStatuses, status));
  filter.agencyId = String(input.agencyId ?? '') || null;
  if (assignee === 'me') {
    if (context.subject) filter.assignedOfficerId = context.subject;
    else problems.push({ field: '/assignee', message: '"me" needs a signed-in caller' });
  } else if (assignee === 'none') filter.assignedOfficerId = '';
  else if (assignee !== '') filter.assignedOfficerId = assignee;
  if (input.overdueOnly) filter.overdueAt = now;
  filter.categoryCodes = distinct(input.categoryCodes);
  filter.complaintIds = distinct(input.complaintIds);
  if (input.mine) filter.reporterId = context.subject ?? null;

  filter.submittedFrom = checkedDate(input.submittedFrom, '/submittedFrom', problems);
  filter.submittedBefore = checkedDate(input.submittedBefore, '/submittedBefore', problems);
  checkRange(filter.submittedFrom, filter.submittedBefore, '/submittedBefore', problems);
  filter.updatedFrom = checkedDate(input.updatedFrom, '/updatedFrom', problems);
  filter.updatedBefore = checkedDate(input.updatedBefore, '/updatedBefore', problems);
  checkRange(filter.updatedFrom, filter.updatedBefore, '/updatedBefore', problems);

  const orderName = String(input.order ?? '') || 'due';
  const order: ComplaintOrder = isChecked(complaintOrders, orderName) ? orderName : 'due';
  if (!isChecked(complaintOrders, orderName)) {
    problems.push({ field: '/order', message: `must be one of ${complaintOrders.join(', ')}` });
  }

  const requestedSize = input.pageSize ?? 0;
  let pageSize = requestedSize === 0 ? defaultPageSize : requestedSize;
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > maxPageSize) {
    problems.push({ field: '/pageSize', message: `must be 1 to ${maxPageSize}` });
    pageSize = defaultPageSize;
  }

  const pageNumber = input.page ?? 0;
  const pageToken = String(input.pageToken ?? '');
  if (!Number.isInteger(pageNumber) || pageNumber < 0) {
    problems.push({ field: '/page', message: 'must be a page number from 1' });
  } else if (pageNumber > 0 && pageToken !== '') {
    problems.push({ field: '/page', message: 'give either a page number or a page token, not both' });
  } else if ((pageNumber - 1) * pageSize > maxPageOffset) {
    problems.push({ field: '/page', message: `pages beyond the first ${maxPageOffset} items need the page token` });
  }

  refuseProblems(problems, 'The list request is not valid');

  const fingerprint = queryFingerprint(tenantId, filter, order);
  const after = pageToken !== '' ? decodePageToken(pageToken, fingerprint) : null;
  return {
    tenantId,
    filter,
    order,
    fingerprint,
    page: {
      after,
      skip: pageNumber > 0 ? (pageNumber - 1) * pageSize : 0,
      size: pageSize,
      includeTimeline: Boolean(input.includeTimeline),
    },
  };
}

/**
 * ListComplaints: the officer inbox (staff view), a citizen's own complaints (`mine`) and the
 * public search (public view), a page at a time. One more than the page size is read to know
 * whether a next page exists; the token points after the last item returned.
 */
export async function listComplaints(
  deps: ListComplaintsDeps,
  context: CallContext,
  input: ListComplaintsInput,
): Promise<{ views: ComplaintView[]; nextPageToken: string }> {
  const now = deps.clock();
  const request = parseListRequest(context, input, now);
  const found = await deps.repository.list(request.tenantId, request.filter, request.order, {
    after: request.page.after,
    skip: request.page.skip,
    limit: request.page.size + 1,
    includeTimeline: request.page.includeTimeline,
  });
  const items = found.slice(0, request.page.size);
  const last = items.at(-1);
  const nextPageToken =
    found.length > request.page.size && last
      ? encodePageToken({ key: sortKeyOf(last, request.order), id: last._id }, request.fingerprint)
      : '';
  return { views: items.map((complaint) => viewFor(complaint, context, now)), nextPageToken };
}

export interface NearbySettings {
  radiusMeters: number;
  maxAgeDays: number;
}

export interface FindNearbyDeps {
  repository: Pick<ComplaintRepository, 'findNearbyCandidates'>;
  clock: () => Date;
  nearby: NearbySettings;
}

export interface FindNearbyInput {
  categoryCode: string;
  latitude: number;
  longitude: number;
}

export const maxNearbyResults = 10;
/** Candidates read from the cells before the exact distance check; bounds the work in a dense area. */
const maxNearbyCandidates = 500;

/**
 * Anyone may see public views, so nearby suggestions are public views whoever asks; what the
 * caller may do on one (follow it with a comment, say) is still theirs.
 */
function publicView(complaint: Complaint, context: CallContext, now: Date): ComplaintView {
  return {
    ...viewFor(complaint, { ...context, roles: [] }, now),
    allowedActions: allowedActionsFor(complaint, context, now),
  };
}

/**
 * FindNearbyComplaints: open complaints of the category within the configured radius of the
 * point, submitted within the configured age, nearest first (ties by id), at most 10, public
 * view. `excludeId` leaves out the complaint just filed.
 */
export async function findNearbyComplaints(
  deps: FindNearbyDeps,
  context: CallContext,
  input: FindNearbyInput,
  excludeId = '',
): Promise<{ view: ComplaintView; distanceMeters: number }[]> {
  const tenantId = requireTenant(context);
  checkFields(FindNearbyInputSchema, input, 'The nearby search is not valid');

  const now = deps.clock();
  const point = { latitude: input.latitude, longitude: input.longitude };
  const candidates = await deps.repository.findNearbyCandidates(tenantId, {
    categoryCode: input.categoryCode,
    cellPrefixes: coveringCells(point.latitude, point.longitude, deps.nearby.radiusMeters),
    submittedFrom: new Date(now.getTime() - deps.nearby.maxAgeDays * 86_400_000),
    limit: maxNearbyCandidates,
  });
  return candidates
    .filter((complaint) => complaint._id !== excludeId)
    .map((complaint) => ({ complaint, distanceMeters: haversineMeters(point, complaint.location) }))
    .filter((candidate) => candidate.distanceMeters <= deps.nearby.radiusMeters)
    .sort((a, b) => a.distanceMeters - b.distanceMeters || (a.complaint._id < b.complaint._id ? -1 : 1))
    .slice(0, maxNearbyResults)
    .map(({ complaint, distanceMeters }) => ({
      view: publicView(complaint, context, now),
      distanceMeters: Math.round(distanceMeters * 10) / 10,
    }));
}
