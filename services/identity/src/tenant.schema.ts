import { type Connection, type Model, Schema } from 'mongoose';

export interface TenantDocument {
  /** Region code (Kemendagri): "36" Banten, "36.73" Kota Serang. */
  _id: string;
  name: string;
  parentId: string | null;
  defaultLocale: string;
}

const tenantSchema = new Schema<TenantDocument>(
  {
    _id: { type: String, required: true },
    name: { type: String, required: true },
    parentId: { type: String, default: null },
    defaultLocale: { type: String, required: true, default: 'id-ID' },
  },
  { collection: 'tenants', versionKey: false, strict: 'throw' },
);

// Serves listing a province's cities and regencies.
tenantSchema.index({ parentId: 1, _id: 1 });

export type TenantModel = Model<TenantDocument>;

export function tenantModel(connection: Connection): TenantModel {
  return connection.model<TenantDocument>('Tenant', tenantSchema);
}
