import type { ComplaintDocument, ComplaintModel } from './complaint.schema.js';

export type Complaint = Omit<ComplaintDocument, 'outbox'>;

/** The only code that touches the complaints collection; reads will take the tenant as a required argument. */
export class ComplaintRepository {
  constructor(private readonly model: ComplaintModel) {}

  /** Inserts the complaint and its first events in one single-document write. */
  async insert(complaint: ComplaintDocument): Promise<void> {
    await this.model.create(complaint);
  }
}
