import type { PermitTypeDocument, PermitTypeModel } from './permit-type.schema.js';

/** Permit types of one tenant; the tenant is a required argument of every read. */
export class PermitTypeRepository {
  constructor(private readonly model: PermitTypeModel) {}

  async list(tenantId: string): Promise<PermitTypeDocument[]> {
    return this.model
      .find({ tenantId: String(tenantId) })
      .sort({ code: 1 })
      .lean<PermitTypeDocument[]>()
      .exec();
  }

  async upsert(permitType: Omit<PermitTypeDocument, '_id'>): Promise<void> {
    const _id = `${permitType.tenantId}:${permitType.code}`;
    await this.model.updateOne({ _id }, { $set: permitType }, { upsert: true }).exec();
  }
}
