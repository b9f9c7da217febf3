import type { OutboxEntry } from '@balai/platform';
import { vi } from 'vitest';
import { type ComplaintDocument, isOpen, type TimelineEntry } from './complaint.schema.js';
import {
  type ComplaintListFilter,
  type ComplaintOrder,
  orderSpecs,
  type SortPosition,
} from './complaint-list-query.js';
import type { Complaint, ComplaintRepository, ComplaintWrite, UpdateComplaintResult } from './complaint-repository.js';

const time = (value: Date | null | undefined) => (value ? new Date(value).getTime() : Number.NaN);

function matches(complaint: Complaint, filter: ComplaintListFilter): boolean {
  const within = (value: Date, from: Date | null, before: Date | null) =>
    (!from || time(value) >= time(from)) && (!before || time(value) < time(before));
  return (
    (filter.statuses.length === 0 || filter.statuses.includes(complaint.status)) &&
    (filter.agencyId === null || complaint.agencyId === filter.agencyId) &&
    (filter.assignedOfficerId === null || complaint.assignedOfficerId === filter.assignedOfficerId) &&
    (filter.overdueAt === null || (isOpen(complaint.status) && time(complaint.slaDueAt) < time(filter.overdueAt))) &&
    (filter.categoryCodes.length === 0 || filter.categoryCodes.includes(complaint.categoryCode)) &&
    (filter.complaintIds.length === 0 || filter.complaintIds.includes(complaint._id)) &&
    (filter.reporterId === null || complaint.reporterId === filter.reporterId) &&
    within(complaint.submittedAt, filter.submittedFrom, filter.submittedBefore) &&
    within(complaint.updatedAt, filter.updatedFrom, filter.updatedBefore)
  );
}

/** (key, _id) in the order's direction: the keyset the repository sorts and resumes by. */
function byOrder(order: ComplaintOrder) {
  const { field, direction } = orderSpecs[order];
  const compare = (a: { key: number; id: string }, b: { key: number; id: string }) =>
    direction * (a.key - b.key || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const position = (complaint: Complaint) => ({ key: time(complaint[field]), id: complaint._id });
  return {
    sort: (a: Complaint, b: Complaint) => compare(position(a), position(b)),
    isAfter: (complaint: Complaint, after: SortPosition) =>
      compare(position(complaint), { key: after.key.getTime(), id: after.id }) > 0,
  };
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

const withoutTimeline = (complaint: Complaint): Complaint => ({ ...structuredClone(complaint), timeline: [] });

/**
 * ComplaintRepository's contract in memory, for unit tests: reads scoped to the tenant and
 * without the outbox, an insert that refuses a taken id (what makes an idempotent retry clash),
 * version-guarded updates, and the lists without the timeline where the repository leaves it
 * out. Every method is a spy; `events` holds every event written, `writes` every update that
 * went in.
 */
export function inMemoryComplaints(...complaints: Complaint[]) {
  const documents = new Map(complaints.map((complaint) => [complaint._id, structuredClone(complaint)]));
  const events: OutboxEntry[] = [];
  const writes: Array<{ id: string; expectedVersion: number; change: ComplaintWrite }> = [];
  const inTenant = (tenantId: string, id: string) => {
    const found = documents.get(id);
    return found && found.tenantId === tenantId ? found : null;
  };
  const repository = {
    insert: vi.fn(async ({ outbox, outboxPending: _pending, ...complaint }: ComplaintDocument) => {
      if (documents.has(complaint._id)) return false;
      documents.set(complaint._id, structuredClone(complaint));
      events.push(...outbox);
      return true;
    }),
    findById: vi.fn(async (tenantId: string, id: string) => {
      const found = inTenant(tenantId, id);
      return found ? structuredClone(found) : null;
    }),
    update: vi.fn(
      async (
        tenantId: string,
        id: string,
        expectedVersion: number,
        change: ComplaintWrite,
      ): Promise<UpdateComplaintResult> => {
        const current = inTenant(tenantId, id);
        if (!current) return { outcome: 'not_found' };
        if (current.version !== expectedVersion) return { outcome: 'stale' };
        const next: Complaint = {
          ...current,
          ...change.set,
          version: current.version + 1,
          updatedAt: change.at,
          timeline: [...current.timeline, ...change.timeline],
        };
        documents.set(id, next);
        events.push(...change.events);
        writes.push({ id, expectedVersion, change });
        return { outcome: 'updated', complaint: structuredClone(next) };
      },
    ),
    linkDuplicate: vi.fn(async (tenantId: string, originalId: string, duplicateId: string, entry: TimelineEntry) => {
      const original = inTenant(tenantId, originalId);
      if (!original) return;
      documents.set(originalId, {
        ...original,
        duplicateIds: [...new Set([...original.duplicateIds, duplicateId])],
        updatedAt: entry.at,
        version: original.version + 1,
        timeline: [...original.timeline, entry],
      });
    }),
    list: vi.fn(
      async (
        tenantId: string,
        filter: ComplaintListFilter,
        order: ComplaintOrder,
        page: { after: SortPosition | null; skip: number; limit: number; includeTimeline: boolean },
      ) => {
        const { sort, isAfter } = byOrder(order);
        const skip = Math.max(0, Math.trunc(page.skip));
        return [...documents.values()]
          .filter((complaint) => complaint.tenantId === tenantId && matches(complaint, filter))
          .filter((complaint) => !page.after || isAfter(complaint, page.after))
          .sort(sort)
          .slice(skip, skip + Math.max(1, Math.trunc(page.limit)))
          .map((complaint) => (page.includeTimeline ? structuredClone(complaint) : withoutTimeline(complaint)));
      },
    ),
    findNearbyCandidates: vi.fn(
      async (
        tenantId: string,
        search: { categoryCode: string; cellPrefixes: string[]; submittedFrom: Date; limit: number },
      ) =>
        [...documents.values()]
          .filter(
            (complaint) =>
              complaint.tenantId === tenantId &&
              complaint.categoryCode === search.categoryCode &&
              isOpen(complaint.status) &&
              time(complaint.submittedAt) >= search.submittedFrom.getTime() &&
              search.cellPrefixes.some((cell) => complaint.geohash.startsWith(cell)),
          )
          .sort(byOrder('newest').sort)
          .slice(0, Math.max(1, Math.trunc(search.limit)))
          .map(withoutTimeline),
    ),
    findEscalationsDue: vi.fn(async (now: Date, limit: number) =>
      [...documents.values()]
        .filter(
          (complaint) =>
            isOpen(complaint.status) &&
            complaint.nextEscalationAt !== null &&
            time(complaint.nextEscalationAt) <= now.getTime(),
        )
        .sort((a, b) => time(a.nextEscalationAt) - time(b.nextEscalationAt) || (a._id < b._id ? -1 : 1))
        .slice(0, Math.max(1, Math.trunc(limit)))
        .map(withoutTimeline),
    ),
    findAutoClosesDue: vi.fn(async (now: Date, limit: number) =>
      [...documents.values()]
        .filter(
          (complaint) =>
            complaint.status === 'resolved' &&
            complaint.reopenableUntil !== null &&
            time(complaint.reopenableUntil) <= now.getTime(),
        )
        .sort((a, b) => time(a.reopenableUntil) - time(b.reopenableUntil) || (a._id < b._id ? -1 : 1))
        .slice(0, Math.max(1, Math.trunc(limit)))
        .map(withoutTimeline),
    ),
  } satisfies Pick<
    ComplaintRepository,
    | 'insert'
    | 'findById'
    | 'update'
    | 'linkDuplicate'
    | 'list'
    | 'findNearbyCandidates'
    | 'findEscalationsDue'
    | 'findAutoClosesDue'
  >;
  return {
    ...repository,
    documents,
    events,
    writes,
    /** The complaint as stored now (c-1 unless named), timeline included. */
    get(id = 'c-1'): Complaint {
      const found = documents.get(id);
      if (!found) throw new Error(`no complaint ${id}`);
      return found;
    },
    /** The data of every escalated event written, in order (proto3 JSON, as published). */
    escalations(): Array<Record<string, unknown>> {
      return events
        .filter((event) => event.type === 'id.balai.complaints.complaint.escalated.v1')
        .map((event) => event.data)
        .filter(isRecord);
    },
  };
}
