import { type Connection, type Model, Schema } from 'mongoose';
import type { TenantSettings } from '../../domain/tenants/tenant-settings.js';

/** Settings a tenant set itself (absent = inherited). The locale is the tenant's own field. */
export type StoredTenantSettings = Partial<Omit<TenantSettings, 'defaultLocale'>>;

export interface TenantDocument {
  /** Region code (Kemendagri): "36" Banten, "36.73" Kota Serang. */
  _id: string;
  name: string;
  parentId: string | null;
  /** Every tenant names its language; it is also the `defaultLocale` setting. */
  defaultLocale: string;
  settings?: StoredTenantSettings;
}

const settingsSchema = new Schema<StoredTenantSettings>(
  {
    complaintReopenWindowDays: { type: Number },
    complaintAutoCloseDays: { type: Number },
    otpTtlMinutes: { type: Number },
    staffActivationTtlHours: { type: Number },
  },
  { _id: false, strict: 'throw' },
);

const tenantSchema = new Schema<TenantDocument>(
  {
    _id: { type: String, required: true },
    name: { type: String, required: true },
    parentId: { type: String, default: null },
    defaultLocale: { type: String, required: true, default: 'id-ID' },
    settings: { type: settingsSchema, default: undefined },
  },
  { collection: 'tenants', versionKey: false, strict: 'throw' },
);

// Serves listing a province's cities and regencies.
tenantSchema.index({ parentId: 1, _id: 1 });

export type TenantModel = Model<TenantDocument>;

export function tenantModel(connection: Connection): TenantModel {
  return connection.model<TenantDocument>('Tenant', tenantSchema);
}
