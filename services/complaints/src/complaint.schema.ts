import { type OutboxEntry, outboxEntrySchema } from '@balai/platform';
import { type Connection, type Model, Schema } from 'mongoose';

export interface ComplaintDocument {
  _id: string;
  tenantId: string;
  categoryCode: string;
  description: string;
  location: { latitude: number; longitude: number };
  status: 'submitted';
  version: number;
  submittedAt: Date;
  /** Events committed with this state and not yet published (see the outbox relay). */
  outbox: OutboxEntry[];
}

const complaintSchema = new Schema<ComplaintDocument>(
  {
    _id: { type: String, required: true },
    tenantId: { type: String, required: true },
    categoryCode: { type: String, required: true },
    description: { type: String, required: true },
    location: {
      latitude: { type: Number, required: true },
      longitude: { type: Number, required: true },
    },
    status: { type: String, required: true },
    version: { type: Number, required: true },
    submittedAt: { type: Date, required: true },
    outbox: { type: [outboxEntrySchema], default: [] },
  },
  { collection: 'complaints', versionKey: false, strict: 'throw' },
);

// Serves the officer inbox and the citizen's list: one tenant's complaints, newest first.
complaintSchema.index({ tenantId: 1, submittedAt: -1 });

export type ComplaintModel = Model<ComplaintDocument>;

export function complaintModel(connection: Connection): ComplaintModel {
  return connection.model<ComplaintDocument>('Complaint', complaintSchema);
}
