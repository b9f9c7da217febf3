import { type ComplaintStatus, openStatuses } from './complaint.schema.js';

/**
 * The MongoDB filters behind ListComplaints and FindNearbyComplaints, built from checked values
 * only (complaint-queries.ts checks the caller's input). Every filter starts with the tenant,
 * which is a separate required argument: no caller can build a query across tenants.
 */

export const complaintOrders = ['due', 'newest', 'updated'] as const;
export type ComplaintOrder = (typeof complaintOrders)[number];

/** Sort field and direction of each order; ties break on `_id` in the same direction. */
export const orderSpecs = {
  due: { field: 'slaDueAt', direction: 1 },
  newest: { field: 'submittedAt', direction: -1 },
  updated: { field: 'updatedAt', direction: 1 },
} as const satisfies Record<ComplaintOrder, { field: string; direction: 1 | -1 }>;

/** A checked list filter; each part narrows the result (AND). */
export interface ComplaintListFilter {
  /** Any of these; all statuses when empty. */
  statuses: ComplaintStatus[];
  agencyId: string | null;
  /** An officer id, '' for "not assigned to an officer", null for any. */
  assignedOfficerId: string | null;
  /** Only open complaints whose SLA deadline is before this instant; null for all. */
  overdueAt: Date | null;
  categoryCodes: string[];
  complaintIds: string[];
  /** Only this reporter's complaints ("mine"); null for anyone's. */
  reporterId: string | null;
  submittedFrom: Date | null;
  submittedBefore: Date | null;
  updatedFrom: Date | null;
  updatedBefore: Date | null;
}

export function emptyListFilter(): ComplaintListFilter {
  return {
    statuses: [],
    agencyId: null,
    assignedOfficerId: null,
    overdueAt: null,
    categoryCodes: [],
    complaintIds: [],
    reporterId: null,
    submittedFrom: null,
    submittedBefore: null,
    updatedFrom: null,
    updatedBefore: null,
  };
}

/** Where a page ends: the last item's sort key and id; the next page starts after it. */
export interface SortPosition {
  key: Date;
  id: string;
}

type Clause = Record<string, unknown>;

function range(field: string, from: Date | null, before: Date | null): Clause[] {
  if (!from && !before) return [];
  return [
    {
      [field]: {
        ...(from ? { $gte: new Date(from.getTime()) } : {}),
        ...(before ? { $lt: new Date(before.getTime()) } : {}),
      },
    },
  ];
}

/** The filter and sort of one page of a complaint list. */
export function listQuery(
  tenantId: string,
  filter: ComplaintListFilter,
  order: ComplaintOrder,
  after: SortPosition | null,
): { filter: { $and: Clause[] }; sort: Record<string, 1 | -1> } {
  const { field, direction } = orderSpecs[order];
  const clauses: Clause[] = [{ tenantId: String(tenantId) }];
  if (filter.statuses.length > 0) clauses.push({ status: { $in: filter.statuses.map(String) } });
  if (filter.agencyId !== null) clauses.push({ agencyId: String(filter.agencyId) });
  if (filter.assignedOfficerId !== null) clauses.push({ assignedOfficerId: String(filter.assignedOfficerId) });
  if (filter.overdueAt !== null) {
    clauses.push({ status: { $in: [...openStatuses] } }, { slaDueAt: { $lt: new Date(filter.overdueAt.getTime()) } });
  }
  if (filter.categoryCodes.length > 0) clauses.push({ categoryCode: { $in: filter.categoryCodes.map(String) } });
  if (filter.complaintIds.length > 0) clauses.push({ _id: { $in: filter.complaintIds.map(String) } });
  if (filter.reporterId !== null) clauses.push({ reporterId: String(filter.reporterId) });
  clauses.push(...range('submittedAt', filter.submittedFrom, filter.submittedBefore));
  clauses.push(...range('updatedAt', filter.updatedFrom, filter.updatedBefore));
  if (after) {
    // Keyset pagination: strictly after the last item in (key, _id) order, so equal keys
    // neither repeat nor vanish between pages.
    const beyond = direction === 1 ? '$gt' : '$lt';
    const key = new Date(after.key.getTime());
    clauses.push({
      $or: [{ [field]: { [beyond]: key } }, { [field]: key, _id: { [beyond]: String(after.id) } }],
    });
  }
  return { filter: { $and: clauses }, sort: { [field]: direction, _id: direction } };
}

/** The sort key of a complaint in an order (what a page token remembers). */
export function sortKeyOf(
  complaint: { slaDueAt: Date; submittedAt: Date; updatedAt: Date },
  order: ComplaintOrder,
): Date {
  return new Date(complaint[orderSpecs[order].field]);
}

/** Open complaints of one category in some geohash cells, submitted since a time (nearby candidates). */
export function nearbyQuery(
  tenantId: string,
  search: { categoryCode: string; cellPrefixes: string[]; submittedFrom: Date },
): { $and: Clause[] } {
  const cells = search.cellPrefixes.map(String);
  // Geohash characters (0-9, b-z without a, i, l, o) are no regex metacharacters, but a prefix
  // that is anything else must never reach the regex.
  if (cells.length === 0 || cells.some((cell) => !/^[0-9b-hjkmnp-z]{1,12}$/.test(cell))) {
    throw new Error('nearbyQuery: cell prefixes must be geohashes');
  }
  return {
    $and: [
      { tenantId: String(tenantId) },
      { categoryCode: String(search.categoryCode) },
      { status: { $in: [...openStatuses] } },
      { submittedAt: { $gte: new Date(search.submittedFrom.getTime()) } },
      { geohash: { $regex: `^(?:${cells.join('|')})` } },
    ],
  };
}
