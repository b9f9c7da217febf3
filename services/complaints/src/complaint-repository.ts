import type { ComplaintDocument, ComplaintModel } from './complaint.schema.js';

export type Complaint = Omit<ComplaintDocument, 'outbox'>;

/** The only code that touches the complaints collection; every read is scoped to one tenant. */
export class ComplaintRepository {
  constructor(private readonly model: ComplaintModel) {}

  /** Inserts the complaint and its first events in one single-document write. */
  async insert(complaint: ComplaintDocument): Promise<void> {
    await this.model.create(complaint);
  }

  async findById(tenantId: string, id: string): Promise<Complaint | null> {
    return this.model
      .findOne({ _id: String(id), tenantId: String(tenantId) }, { outbox: 0 })
      .lean<Complaint>()
      .exec();
  }

  async count(tenantId: string): Promise<number> {
    return this.model.countDocuments({ tenantId: String(tenantId) }).exec();
  }
}
