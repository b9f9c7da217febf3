import { type Connection, type Model, Schema } from 'mongoose';

export interface AgencyDocument {
  /** `<tenantId>|<agency id>`: the exact-_id insert makes the id unique per tenant on any server. */
  _id: string;
  tenantId: string;
  /** Short code, unique within the tenant: "dpupr", "dlh". */
  agencyId: string;
  name: string;
  shortName: string;
  createdAt: Date;
}

const agencySchema = new Schema<AgencyDocument>(
  {
    _id: { type: String, required: true },
    tenantId: { type: String, required: true },
    agencyId: { type: String, required: true },
    name: { type: String, required: true },
    shortName: { type: String, required: true },
    createdAt: { type: Date, required: true },
  },
  { collection: 'agencies', versionKey: false, strict: 'throw' },
);

// Serves listing one tenant's agencies (the agency picker, the admin pages).
agencySchema.index({ tenantId: 1, agencyId: 1 });

export type AgencyModel = Model<AgencyDocument>;

export function agencyModel(connection: Connection): AgencyModel {
  return connection.model<AgencyDocument>('Agency', agencySchema);
}
