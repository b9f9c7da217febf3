import { type Connection, type Model, Schema } from 'mongoose';

/** One row per complaint, as the streams describe it; counts are derived from these rows. */
export interface ComplaintViewDocument {
  _id: string;
  tenantId: string;
  categoryCode: string;
  status: string;
  submittedAt: Date;
}

const complaintViewSchema = new Schema<ComplaintViewDocument>(
  {
    _id: { type: String, required: true },
    tenantId: { type: String, required: true },
    categoryCode: { type: String, required: true },
    status: { type: String, required: true },
    submittedAt: { type: Date, required: true },
  },
  { collection: 'complaint_views', versionKey: false, strict: 'throw' },
);

// Serves the complaint summary: $match on tenant, then $group by category.
complaintViewSchema.index({ tenantId: 1, categoryCode: 1 });

export type ComplaintViewModel = Model<ComplaintViewDocument>;

export function complaintViewModel(connection: Connection): ComplaintViewModel {
  return connection.model<ComplaintViewDocument>('ComplaintView', complaintViewSchema);
}
