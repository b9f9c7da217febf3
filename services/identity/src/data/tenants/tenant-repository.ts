import type { TenantSettings } from '../../domain/tenants/tenant-settings.js';
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

  /**
   * The tenant and its ancestors, most specific first (city, province), for settings
   * resolution; empty when the tenant does not exist. Region codes nest at most four deep.
   */
  async chainOf(id: string): Promise<TenantDocument[]> {
    const chain: TenantDocument[] = [];
    let next: string | null = String(id);
    while (next !== null && chain.length < 4) {
      const tenant: TenantDocument | null = await this.findById(next);
      if (!tenant) break;
      chain.push(tenant);
      next = tenant.parentId;
    }
    return chain;
  }

  /** Creates or refreshes a tenant; used by the demo seed. Leaves the tenant's settings alone. */
  async upsert(tenant: TenantDocument): Promise<void> {
    const { _id, settings: _settings, ...fields } = tenant;
    await this.model.updateOne({ _id: String(_id) }, { $set: fields }, { upsert: true }).exec();
  }

  /** Sets and clears a tenant's own settings; values are validated by the caller (the use case). */
  async updateSettings(
    tenantId: string,
    set: Partial<TenantSettings>,
    clear: ReadonlyArray<keyof TenantSettings>,
  ): Promise<boolean> {
    const $set: Record<string, unknown> = {};
    const $unset: Record<string, ''> = {};
    for (const [name, value] of Object.entries(set)) {
      if (value === undefined) continue;
      // The locale is a field of every tenant, not an inheritable override.
      if (name === 'defaultLocale') $set.defaultLocale = String(value);
      else $set[`settings.${name}`] = Number(value);
    }
    for (const name of clear) if (name !== 'defaultLocale') $unset[`settings.${name}`] = '';
    const update: Record<string, unknown> = {};
    if (Object.keys($set).length > 0) update.$set = $set;
    if (Object.keys($unset).length > 0) update.$unset = $unset;
    if (Object.keys(update).length === 0) return (await this.findById(tenantId)) !== null;
    const result = await this.model.updateOne({ _id: String(tenantId) }, update).exec();
    return result.matchedCount === 1;
  }
}
