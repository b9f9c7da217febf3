import { isDuplicateKey, type OutboxEntry, outboxMarkFor } from '@balai/platform';
import { type ComplaintDocument, type ComplaintModel, openStatuses, type TimelineEntry } from './complaint.schema.js';
import {
  type ComplaintListFilter,
  type ComplaintOrder,
  listQuery,
  nearbyQuery,
  type SortPosition,
} from './complaint-list-query.js';

export type Complaint = Omit<ComplaintDocument, 'outbox' | 'outboxPending'>;

/** Fields a transition may change; the repository adds the version and updatedAt. */
export type ComplaintChanges = Partial<
  Pick<
    Complaint,
    | 'status'
    | 'agencyId'
    | 'assignedOfficerId'
    | 'assignedAt'
    | 'resolution'
    | 'rejection'
    | 'rating'
    | 'duplicateOfId'
    | 'escalationLevel'
    | 'nextEscalationAt'
    | 'reopenableUntil'
  >
>;

/** What the SLA scheduler keeps on a complaint. */
export type SlaScheduleFields = Pick<Complaint, 'escalationLevel' | 'nextEscalationAt' | 'reopenableUntil'>;

/** One version-guarded write: the new state, its timeline entries and its events. */
export interface ComplaintWrite {
  set: ComplaintChanges;
  timeline: TimelineEntry[];
  events: OutboxEntry[];
  at: Date;
}

export type UpdateComplaintResult =
  | { outcome: 'updated'; complaint: Complaint }
  | { outcome: 'not_found' }
  | { outcome: 'stale' };

const projection = { outbox: 0, outboxPending: 0, outboxLeaseOwner: 0, outboxLeaseUntil: 0 } as const;

/** The only code that touches the complaints collection; every read and write takes the tenant. */
export class ComplaintRepository {
  constructor(private readonly model: ComplaintModel) {}

  /**
   * Inserts the complaint and its first events in one single-document write. False when a
   * complaint with this id exists: an idempotent retry (the id derives from its key).
   */
  async insert(complaint: ComplaintDocument): Promise<boolean> {
    try {
      await this.model.create({ ...complaint, ...outboxMarkFor(complaint.outbox) });
      return true;
    } catch (error) {
      if (isDuplicateKey(error)) return false;
      throw error;
    }
  }

  async findById(tenantId: string, id: string): Promise<Complaint | null> {
    // By exact _id (the only filter FerretDB serves from an index), then the tenant check.
    const complaint = await this.model.findById(String(id), projection).lean<Complaint>().exec();
    return complaint && complaint.tenantId === String(tenantId) ? complaint : null;
  }

  /**
   * Applies a transition at the expected version: the new state, its timeline entries and its
   * events in one single-document write, so they commit together or not at all.
   */
  async update(
    tenantId: string,
    id: string,
    expectedVersion: number,
    change: ComplaintWrite,
  ): Promise<UpdateComplaintResult> {
    const result = await this.model
      .updateOne(
        { _id: String(id), tenantId: String(tenantId), version: Number(expectedVersion) },
        {
          $set: { ...change.set, updatedAt: change.at, ...outboxMarkFor(change.events) },
          $inc: { version: 1 },
          $push: {
            timeline: { $each: change.timeline },
            ...(change.events.length > 0 ? { outbox: { $each: change.events } } : {}),
          },
        },
      )
      .exec();
    const current = await this.findById(tenantId, id);
    if (!current) return { outcome: 'not_found' };
    if (result.modifiedCount !== 1) return { outcome: 'stale' };
    return { outcome: 'updated', complaint: current };
  }

  /**
   * Records on the original that a complaint was marked as its duplicate (the other half of the
   * link; the duplicate's own write carries the event). Not version-guarded: it must not fail
   * because someone works on the original, and it bumps the version so their view goes stale.
   */
  async linkDuplicate(tenantId: string, originalId: string, duplicateId: string, entry: TimelineEntry): Promise<void> {
    await this.model
      .updateOne(
        { _id: String(originalId), tenantId: String(tenantId) },
        {
          $addToSet: { duplicateIds: String(duplicateId) },
          $set: { updatedAt: entry.at },
          $inc: { version: 1 },
          $push: { timeline: entry },
        },
      )
      .exec();
  }

  /**
   * One page of the tenant's complaints matching the filter, in the order, after the position
   * (keyset) or after `skip` items. Without the timeline unless asked: inbox rows do not need it.
   */
  async list(
    tenantId: string,
    filter: ComplaintListFilter,
    order: ComplaintOrder,
    page: { after: SortPosition | null; skip: number; limit: number; includeTimeline: boolean },
  ): Promise<Complaint[]> {
    const query = listQuery(tenantId, filter, order, page.after);
    const found = await this.model
      .find(query.filter, page.includeTimeline ? projection : { ...projection, timeline: 0 })
      .sort(query.sort)
      .skip(Math.max(0, Math.trunc(page.skip)))
      .limit(Math.max(1, Math.trunc(page.limit)))
      .lean<Complaint[]>()
      .exec();
    return page.includeTimeline ? found : found.map((complaint) => ({ ...complaint, timeline: [] }));
  }

  /**
   * Open complaints of the category in the geohash cells, submitted since `submittedFrom`: the
   * candidates a distance check then narrows. At most `limit`, the newest first, no timeline.
   */
  async findNearbyCandidates(
    tenantId: string,
    search: { categoryCode: string; cellPrefixes: string[]; submittedFrom: Date; limit: number },
  ): Promise<Complaint[]> {
    const found = await this.model
      .find(nearbyQuery(tenantId, search), { ...projection, timeline: 0 })
      .sort({ submittedAt: -1, _id: -1 })
      .limit(Math.max(1, Math.trunc(search.limit)))
      .lean<Complaint[]>()
      .exec();
    return found.map((complaint) => ({ ...complaint, timeline: [] }));
  }

  /**
   * Sets the geohash of up to `batchSize` complaints that have none (filed before geohashes were
   * stored); answers how many it read and how many it set. The one write across tenants: a start-up maintenance step,
   * not reachable from any request. Idempotent: it only touches documents still without one and
   * changes neither the version nor updatedAt (the geohash is derived, not a change of state).
   */
  async backfillGeohashes(batchSize: number, geohashOf: (latitude: number, longitude: number) => string) {
    const missing = { $or: [{ geohash: '' }, { geohash: { $exists: false } }] };
    const found = await this.model
      .find(missing, { _id: 1, location: 1 })
      .limit(Math.max(1, Math.trunc(batchSize)))
      .lean<Pick<Complaint, '_id' | 'location'>[]>()
      .exec();
    if (found.length === 0) return { found: 0, updated: 0 };
    const result = await this.model.bulkWrite(
      found.map((complaint) => ({
        updateOne: {
          filter: { _id: complaint._id, ...missing },
          update: { $set: { geohash: geohashOf(complaint.location.latitude, complaint.location.longitude) } },
        },
      })),
      { ordered: false },
    );
    return { found: found.length, updated: result.modifiedCount };
  }

  /**
   * Up to `limit` complaints filed before the SLA scheduler existed (no `escalationLevel` stored),
   * with what their schedule derives from. Across tenants: a start-up maintenance read.
   */
  async findWithoutSlaSchedule(limit: number) {
    return this.model
      .find(
        { escalationLevel: { $exists: false } },
        { _id: 1, tenantId: 1, status: 1, submittedAt: 1, slaDueAt: 1, resolution: 1, rejection: 1 },
      )
      .limit(Math.max(1, Math.trunc(limit)))
      .lean<
        Pick<Complaint, '_id' | 'tenantId' | 'status' | 'submittedAt' | 'slaDueAt' | 'resolution' | 'rejection'>[]
      >()
      .exec();
  }

  /** Stores a backfilled SLA schedule unless one exists by now; true when it stored it. */
  async setSlaSchedule(id: string, schedule: SlaScheduleFields): Promise<boolean> {
    const result = await this.model
      .updateOne({ _id: String(id), escalationLevel: { $exists: false } }, { $set: schedule })
      .exec();
    return result.modifiedCount === 1;
  }

  /**
   * Open complaints whose next escalation level has fallen due, the longest due first, without
   * their timeline. Across tenants: the SLA scheduler's read alone (each write it then makes is
   * scoped to the complaint's own tenant). Index `sla_escalation_due`.
   */
  async findEscalationsDue(now: Date, limit: number): Promise<Complaint[]> {
    const found = await this.model
      .find(
        { status: { $in: [...openStatuses] }, nextEscalationAt: { $ne: null, $lte: now } },
        { ...projection, timeline: 0 },
      )
      .sort({ nextEscalationAt: 1, _id: 1 })
      .limit(Math.max(1, Math.trunc(limit)))
      .lean<Complaint[]>()
      .exec();
    return found.map((complaint) => ({ ...complaint, timeline: [] }));
  }

  /**
   * Resolved complaints whose reopen window has passed, the oldest first, without their
   * timeline. Across tenants, for the SLA scheduler's auto-close only. Index `auto_close_due`.
   */
  async findAutoClosesDue(now: Date, limit: number): Promise<Complaint[]> {
    const found = await this.model
      .find({ status: 'resolved', reopenableUntil: { $ne: null, $lte: now } }, { ...projection, timeline: 0 })
      .sort({ reopenableUntil: 1, _id: 1 })
      .limit(Math.max(1, Math.trunc(limit)))
      .lean<Complaint[]>()
      .exec();
    return found.map((complaint) => ({ ...complaint, timeline: [] }));
  }
}
