import type { ComplaintViewDocument, ComplaintViewModel } from './complaint-view.schema.js';

export interface ComplaintSummary {
  tenantId: string;
  submittedTotal: number;
  byCategory: Array<{ categoryCode: string; submitted: number }>;
}

/** Read model of complaints; writes are idempotent so a re-delivered event changes nothing. */
export class ComplaintViewRepository {
  constructor(private readonly model: ComplaintViewModel) {}

  /** Records a submitted complaint once; a second delivery finds the row and leaves it. */
  async recordSubmitted(view: ComplaintViewDocument): Promise<void> {
    await this.model.updateOne({ _id: String(view._id) }, { $setOnInsert: view }, { upsert: true }).exec();
  }

  async summary(tenantId: string): Promise<ComplaintSummary> {
    const rows = await this.model
      .aggregate<{ _id: string; submitted: number }>([
        { $match: { tenantId: String(tenantId) } },
        { $group: { _id: '$categoryCode', submitted: { $sum: 1 } } },
        { $sort: { _id: 1 } },
      ])
      .exec();
    const byCategory = rows.map((row) => ({ categoryCode: row._id, submitted: row.submitted }));
    return {
      tenantId,
      submittedTotal: byCategory.reduce((total, row) => total + row.submitted, 0),
      byCategory,
    };
  }
}
