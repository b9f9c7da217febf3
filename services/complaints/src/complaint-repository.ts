import type { OutboxEntry } from '@balai/platform';
import type { ComplaintDocument, ComplaintModel, TimelineEntry } from './complaint.schema.js';

export type Complaint = Omit<ComplaintDocument, 'outbox'>;

/** Fields a transition may change; the repository adds the version and updatedAt. */
export type ComplaintChanges = Partial<
  Pick<
    Complaint,
    'status' | 'agencyId' | 'assignedOfficerId' | 'assignedAt' | 'resolution' | 'rejection' | 'rating' | 'duplicateOfId'
  >
>;

export type UpdateComplaintResult =
  | { outcome: 'updated'; complaint: Complaint }
  | { outcome: 'not_found' }
  | { outcome: 'stale' };

const projection = { outbox: 0, outboxLeaseOwner: 0, outboxLeaseUntil: 0 } as const;

function isDuplicateKey(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 11000;
}

/** The only code that touches the complaints collection; every read and write takes the tenant. */
export class ComplaintRepository {
  constructor(private readonly model: ComplaintModel) {}

  /**
   * Inserts the complaint and its first events in one single-document write. False when a
   * complaint with this id exists: an idempotent retry (the id derives from its key).
   */
  async insert(complaint: ComplaintDocument): Promise<boolean> {
    try {
      await this.model.create(complaint);
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
    change: { set: ComplaintChanges; timeline: TimelineEntry[]; events: OutboxEntry[]; at: Date },
  ): Promise<UpdateComplaintResult> {
    const result = await this.model
      .updateOne(
        { _id: String(id), tenantId: String(tenantId), version: Number(expectedVersion) },
        {
          $set: { ...change.set, updatedAt: change.at },
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
}
