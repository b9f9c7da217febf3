import { type ComplaintStatusName, complaintStatuses } from '@balai/contracts';
import { type Connection, type Model, Schema } from 'mongoose';

/** The states of the complaints workflow, as the lifecycle events report them. */
export const complaintViewStatuses = complaintStatuses;
export type ComplaintViewStatus = ComplaintStatusName;

/** The reporter's rating, kept for satisfaction KPIs. */
export interface ComplaintViewRating {
  score: number;
  outcome: string;
  ratedAt: Date;
}

/** One row per complaint, as the streams describe it; counts are derived from these rows. */
export interface ComplaintViewDocument {
  _id: string;
  tenantId: string;
  categoryCode: string;
  status: ComplaintViewStatus;
  /** The complaint's version after the last applied event: a row never moves backwards. */
  version: number;
  submittedAt: Date;
  rating?: ComplaintViewRating;
}

const complaintViewSchema = new Schema<ComplaintViewDocument>(
  {
    _id: { type: String, required: true },
    tenantId: { type: String, required: true },
    categoryCode: { type: String, required: true },
    status: { type: String, required: true, enum: complaintViewStatuses },
    version: { type: Number, required: true },
    submittedAt: { type: Date, required: true },
    rating: {
      type: new Schema<ComplaintViewRating>(
        {
          score: { type: Number, required: true },
          outcome: { type: String, required: true },
          ratedAt: { type: Date, required: true },
        },
        { _id: false, strict: 'throw' },
      ),
      required: false,
    },
  },
  { collection: 'complaint_views', versionKey: false, strict: 'throw' },
);

// Serves the complaint summary: $match on tenant, then $group by category.
complaintViewSchema.index({ tenantId: 1, categoryCode: 1 });
// Serves the complaint summary: $match on tenant, then $group by status.
complaintViewSchema.index({ tenantId: 1, status: 1 });

export type ComplaintViewModel = Model<ComplaintViewDocument>;

export function complaintViewModel(connection: Connection): ComplaintViewModel {
  return connection.model<ComplaintViewDocument>('ComplaintView', complaintViewSchema);
}
