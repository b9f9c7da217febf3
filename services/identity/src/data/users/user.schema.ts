import { type OutboxEntry, outboxEntrySchema, outboxPlugin, type Role } from '@balai/platform';
import { type Connection, type Model, Schema } from 'mongoose';

export type UserKind = 'citizen' | 'staff';
export type UserStatus = 'pending' | 'active' | 'deactivated';

export interface UserDocument {
  _id: string;
  tenantId: string;
  kind: UserKind;
  fullName: string;
  /** Citizens only; 16 digits. Never leaves this service. */
  nik: string | null;
  /** Lower-cased. */
  email: string | null;
  /** E.164, +628… */
  phone: string | null;
  emailVerified: boolean;
  phoneVerified: boolean;
  status: UserStatus;
  roles: Role[];
  /** The agency of a staff member (an agency id of the same tenant). */
  agencyId: string | null;
  /** Staff: the staff member of the same tenant this one reports to (escalations follow it); null at the top. */
  supervisorId: string | null;
  /** Argon2id PHC string; null until a staff member activates the account. */
  passwordHash: string | null;
  version: number;
  createdAt: Date;
  updatedAt: Date;
  /** Events committed with this state and not yet published (see the outbox relay). */
  outbox: OutboxEntry[];
  /** True while `outbox` holds events (outboxPendingMark), for the relay to find them. */
  outboxPending?: boolean;
}

const userSchema = new Schema<UserDocument>(
  {
    _id: { type: String, required: true },
    tenantId: { type: String, required: true },
    kind: { type: String, required: true, enum: ['citizen', 'staff'] },
    fullName: { type: String, required: true },
    nik: { type: String, default: null },
    email: { type: String, default: null },
    phone: { type: String, default: null },
    emailVerified: { type: Boolean, required: true },
    phoneVerified: { type: Boolean, required: true },
    status: { type: String, required: true, enum: ['pending', 'active', 'deactivated'] },
    roles: { type: [String], required: true },
    agencyId: { type: String, default: null },
    supervisorId: { type: String, default: null },
    passwordHash: { type: String, default: null },
    version: { type: Number, required: true },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
    outbox: { type: [outboxEntrySchema], default: [] },
  },
  { collection: 'users', versionKey: false, strict: 'throw' },
);

// Serves the staff list of a tenant (optionally one agency's) and an agency's officers.
userSchema.plugin(outboxPlugin);
userSchema.index({ tenantId: 1, kind: 1, agencyId: 1 });

export type UserModel = Model<UserDocument>;

export function userModel(connection: Connection): UserModel {
  return connection.model<UserDocument>('User', userSchema);
}

/**
 * A login identifier reserved for one user: `_id` is `<tenantId>|email:<address>`,
 * `<tenantId>|phone:<+62…>` or `<tenantId>|nik:<nik>`. Inserting by exact `_id` is what makes
 * identifiers unique per tenant on FerretDB too (its secondary unique indexes are not relied on).
 */
export interface LoginNameDocument {
  _id: string;
  userId: string;
  createdAt: Date;
}

const loginNameSchema = new Schema<LoginNameDocument>(
  {
    _id: { type: String, required: true },
    userId: { type: String, required: true },
    createdAt: { type: Date, required: true },
  },
  { collection: 'login_names', versionKey: false, strict: 'throw' },
);

export type LoginNameModel = Model<LoginNameDocument>;

export function loginNameModel(connection: Connection): LoginNameModel {
  return connection.model<LoginNameDocument>('LoginName', loginNameSchema);
}
