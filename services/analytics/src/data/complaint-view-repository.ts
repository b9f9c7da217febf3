import type {
  ComplaintViewDocument,
  ComplaintViewModel,
  ComplaintViewRating,
  ComplaintViewStatus,
} from './complaint-view.schema.js';

export interface ComplaintSummary {
  tenantId: string;
  submittedTotal: number;
  byCategory: Array<{ categoryCode: string; submitted: number }>;
  byStatus: Array<{ status: string; count: number }>;
}

/** What one lifecycle event changes on a complaint's row; no status means it only advances the version. */
export interface LifecycleChange {
  complaintId: string;
  tenantId: string;
  version: number;
  status?: ComplaintViewStatus;
  rating?: ComplaintViewRating;
}

/**
 * `applied`: the row moved to the event's version; `stale`: the row is already at that version
 * or newer (a re-delivery or replay); `missing`: no row, so the complaint's submission was not seen.
 */
export type LifecycleOutcome = 'applied' | 'stale' | 'missing';

/** The version of every complaint when it is submitted (the complaints service starts there). */
const submittedVersion = 1;

/** Read model of complaints; writes are idempotent so a re-delivered event changes nothing. */
export class ComplaintViewRepository {
  constructor(private readonly model: ComplaintViewModel) {}

  /** Records a submitted complaint once; a second delivery finds the row and leaves it. */
  async recordSubmitted(view: Omit<ComplaintViewDocument, 'version' | 'rating'>): Promise<void> {
    const row: ComplaintViewDocument = { ...view, _id: String(view._id), version: submittedVersion };
    await this.model.updateOne({ _id: row._id }, { $setOnInsert: row }, { upsert: true }).exec();
  }

  /**
   * Applies a lifecycle event only when it is newer than the row: one version-guarded update of
   * one document (atomic without transactions), so re-deliveries and replays never move a row
   * backwards.
   */
  async applyLifecycleChange(change: LifecycleChange): Promise<LifecycleOutcome> {
    const set: Partial<ComplaintViewDocument> = { version: Number(change.version) };
    if (change.status) set.status = change.status;
    if (change.rating) set.rating = change.rating;
    const result = await this.model
      .updateOne(
        {
          _id: String(change.complaintId),
          tenantId: String(change.tenantId),
          version: { $lt: Number(change.version) },
        },
        { $set: set },
      )
      .exec();
    if (result.matchedCount > 0) return 'applied';
    const row = await this.model.exists({ _id: String(change.complaintId) }).exec();
    return row ? 'stale' : 'missing';
  }

  /**
   * Rows written before rows carried a version count as just submitted, so the version guard
   * matches them; idempotent, run at start-up.
   */
  async backfillVersions(): Promise<void> {
    await this.model.updateMany({ version: { $exists: false } }, { $set: { version: submittedVersion } }).exec();
  }

  async summary(tenantId: string): Promise<ComplaintSummary> {
    const tenant = { $match: { tenantId: String(tenantId) } };
    const [categoryRows, statusRows] = await Promise.all([
      this.model
        .aggregate<{ _id: string; submitted: number }>([
          tenant,
          { $group: { _id: '$categoryCode', submitted: { $sum: 1 } } },
          { $sort: { _id: 1 } },
        ])
        .exec(),
      this.model
        .aggregate<{ _id: string; count: number }>([
          tenant,
          { $group: { _id: '$status', count: { $sum: 1 } } },
          { $sort: { _id: 1 } },
        ])
        .exec(),
    ]);
    const byCategory = categoryRows.map((row) => ({ categoryCode: row._id, submitted: row.submitted }));
    return {
      tenantId,
      submittedTotal: byCategory.reduce((total, row) => total + row.submitted, 0),
      byCategory,
      byStatus: statusRows.map((row) => ({ status: row._id, count: row.count })),
    };
  }
}
