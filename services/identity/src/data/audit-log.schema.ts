import { type Connection, type Model, Schema } from 'mongoose';

/**
 * One administrative or account change: who did what to whom. `changes` never holds secrets
 * (passwords, hashes, codes) or contact details, only roles, agencies, statuses and channels.
 */
export interface AuditEntry {
  tenantId: string;
  /** The acting user; the user themselves for self-service actions. */
  actorId: string;
  actorRoles: string[];
  action:
    | 'user.registered'
    | 'user.contact_verified'
    | 'user.activated'
    | 'staff.created'
    | 'staff.roles_changed'
    | 'user.deactivated'
    | 'agency.created'
    | 'tenant.settings_changed'
    | 'partner_app.registered'
    | 'partner_app.revoked';
  targetId: string;
  changes: Record<string, unknown>;
  at: Date;
}

interface AuditDocument extends AuditEntry {
  _id: string;
}

const auditSchema = new Schema<AuditDocument>(
  {
    _id: { type: String, required: true },
    tenantId: { type: String, required: true },
    actorId: { type: String, required: true },
    actorRoles: { type: [String], required: true },
    action: { type: String, required: true },
    targetId: { type: String, required: true },
    changes: { type: Schema.Types.Mixed, required: true },
    at: { type: Date, required: true },
  },
  { collection: 'audit_log', versionKey: false, strict: 'throw', minimize: false },
);

// Serves "what happened to this user/agency/partner app" for a tenant's admin, in time order.
auditSchema.index({ tenantId: 1, targetId: 1, at: 1 });

export type AuditModel = Model<AuditDocument>;

export function auditModel(connection: Connection): AuditModel {
  return connection.model<AuditDocument>('AuditEntry', auditSchema);
}
