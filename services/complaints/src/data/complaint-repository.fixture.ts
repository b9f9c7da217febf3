import type { OutboxEntry } from '@balai/platform';
import { vi } from 'vitest';
import { type ComplaintDocument, isOpen, type TimelineEntry } from './complaint.schema.js';
import type { Complaint, ComplaintRepository, ComplaintWrite, UpdateComplaintResult } from './complaint-repository.js';

const time = (value: Date | null | undefined) => (value ? new Date(value).getTime() : Number.NaN);

/** Newest submitted first, then by id: the order the repository's nearby search reads in. */
const newestFirst = (a: Complaint, b: Complaint) =>
  time(b.submittedAt) - time(a.submittedAt) || (a._id < b._id ? 1 : a._id > b._id ? -1 : 0);

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

const withoutTimeline = (complaint: Complaint): Complaint => ({ ...structuredClone(complaint), timeline: [] });

/**
 * ComplaintRepository's contract in memory, for unit tests: reads scoped to the tenant and
 * without the outbox, an insert that refuses a taken id (what makes an idempotent retry clash),
 * version-guarded updates, and the searches without the timeline where the repository leaves it
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
    // Lists are the database's work (complaint-list-query.ts), tested against the real store in
    // complaint-queries.int.test.ts; no unit test lists through this fake.
    list: vi.fn(async (): Promise<Complaint[]> => {
      throw new Error('inMemoryComplaints does not list: test lists against the store');
    }),
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
          .sort(newestFirst)
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
