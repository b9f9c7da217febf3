import { randomUUID } from 'node:crypto';
import type { AuditEntry, AuditModel } from './audit-log.schema.js';

/** Append-only audit trail; the only code that touches audit_log. */
export class AuditLog {
  constructor(private readonly model: AuditModel) {}

  async record(entry: AuditEntry): Promise<void> {
    await this.model.create({ _id: randomUUID(), ...entry });
  }

  async listForTarget(tenantId: string, targetId: string): Promise<AuditEntry[]> {
    const documents = await this.model
      .find({ tenantId: String(tenantId), targetId: String(targetId) }, { _id: 0 })
      .sort({ at: 1 })
      .lean<AuditEntry[]>()
      .exec();
    return documents;
  }
}
