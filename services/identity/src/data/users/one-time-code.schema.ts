import { type Connection, type Model, Schema } from 'mongoose';

export type CodeChannel = 'email' | 'sms';
export type CodePurpose = 'verification' | 'staff-activation';

export interface OneTimeCodeDocument {
  /** `<tenantId>|<userId>|<channel>|<purpose>`: one live code per user, channel and purpose. */
  _id: string;
  tenantId: string;
  userId: string;
  channel: CodeChannel;
  purpose: CodePurpose;
  /** Random per code, base64. */
  salt: string;
  /** HMAC-SHA256(salt, code), hex: a leaked collection does not give the codes away. */
  codeHash: string;
  attempts: number;
  issuedAt: Date;
  /** Checked on every read: FerretDB has no TTL indexes, and an expired code is simply dead. */
  expiresAt: Date;
}

const oneTimeCodeSchema = new Schema<OneTimeCodeDocument>(
  {
    _id: { type: String, required: true },
    tenantId: { type: String, required: true },
    userId: { type: String, required: true },
    channel: { type: String, required: true },
    purpose: { type: String, required: true },
    salt: { type: String, required: true },
    codeHash: { type: String, required: true },
    attempts: { type: Number, required: true },
    issuedAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
  },
  { collection: 'one_time_codes', versionKey: false, strict: 'throw' },
);

export type OneTimeCodeModel = Model<OneTimeCodeDocument>;

export function oneTimeCodeModel(connection: Connection): OneTimeCodeModel {
  return connection.model<OneTimeCodeDocument>('OneTimeCode', oneTimeCodeSchema);
}
