import { isDuplicateKey } from '@balai/platform';
import type { AgencyDocument, AgencyModel } from './agency.schema.js';

/** An agency as the domain sees it. */
export interface Agency {
  id: string;
  tenantId: string;
  name: string;
  shortName: string;
  createdAt: Date;
}

function toAgency(document: AgencyDocument): Agency {
  return {
    id: document.agencyId,
    tenantId: document.tenantId,
    name: document.name,
    shortName: document.shortName,
    createdAt: document.createdAt,
  };
}

const keyOf = (tenantId: string, agencyId: string) => `${String(tenantId)}|${String(agencyId)}`;

/** The only code that touches the agencies collection; every method is scoped to a tenant. */
export class AgencyRepository {
  constructor(private readonly model: AgencyModel) {}

  /** Inserts the agency; false when the tenant already has one with this id. */
  async insert(agency: Agency): Promise<boolean> {
    try {
      await this.model.create({
        _id: keyOf(agency.tenantId, agency.id),
        tenantId: agency.tenantId,
        agencyId: agency.id,
        name: agency.name,
        shortName: agency.shortName,
        createdAt: agency.createdAt,
      });
      return true;
    } catch (error) {
      if (isDuplicateKey(error)) return false;
      throw error;
    }
  }

  /** Creates or refreshes an agency; used by the demo seed. */
  async upsert(agency: Agency): Promise<void> {
    await this.model
      .updateOne(
        { _id: keyOf(agency.tenantId, agency.id) },
        {
          $set: { name: String(agency.name), shortName: String(agency.shortName) },
          $setOnInsert: {
            tenantId: String(agency.tenantId),
            agencyId: String(agency.id),
            createdAt: agency.createdAt,
          },
        },
        { upsert: true },
      )
      .exec();
  }

  async findById(tenantId: string, agencyId: string): Promise<Agency | null> {
    const document = await this.model.findById(keyOf(tenantId, agencyId)).lean<AgencyDocument>().exec();
    return document ? toAgency(document) : null;
  }

  async list(tenantId: string): Promise<Agency[]> {
    const documents = await this.model
      .find({ tenantId: String(tenantId) })
      .sort({ agencyId: 1 })
      .lean<AgencyDocument[]>()
      .exec();
    return documents.map(toAgency);
  }
}
