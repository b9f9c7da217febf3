import { type Connection, type Model, Schema } from 'mongoose';

export interface PermitTypeDocument {
  _id: string;
  tenantId: string;
  code: string;
  name: { id: string; en: string };
}

const permitTypeSchema = new Schema<PermitTypeDocument>(
  {
    _id: { type: String, required: true },
    tenantId: { type: String, required: true },
    code: { type: String, required: true },
    name: { id: { type: String, required: true }, en: { type: String, required: true } },
  },
  { collection: 'permit_types', versionKey: false, strict: 'throw' },
);

// Serves listing a tenant's permit types in code order, and keeps codes unique per tenant.
permitTypeSchema.index({ tenantId: 1, code: 1 }, { unique: true });

export type PermitTypeModel = Model<PermitTypeDocument>;

export function permitTypeModel(connection: Connection): PermitTypeModel {
  return connection.model<PermitTypeDocument>('PermitType', permitTypeSchema);
}
