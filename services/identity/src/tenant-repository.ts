import type { TenantDocument, TenantModel } from './tenant.schema.js';

/** Tenants are the roots of scoping, so this repository is the one place they are read unscoped. */
export class TenantRepository {
  constructor(private readonly model: TenantModel) {}

  async list(): Promise<TenantDocument[]> {
    const tenants = await this.model.find().lean<TenantDocument[]>().exec();
    // Parents before children: "36" sorts before "36.73".
    return tenants.sort((a, b) => a._id.localeCompare(b._id, 'en'));
  }

  async findById(id: string): Promise<TenantDocument | null> {
    return this.model.findById(String(id)).lean<TenantDocument>().exec();
  }

  /** Creates or refreshes a tenant; used by the demo seed. */
  async upsert(tenant: TenantDocument): Promise<void> {
    const { _id, ...fields } = tenant;
    await this.model.updateOne({ _id: String(_id) }, { $set: fields }, { upsert: true }).exec();
  }
}
