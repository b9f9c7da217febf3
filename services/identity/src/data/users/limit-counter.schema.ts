import { type Connection, type Model, Schema } from 'mongoose';

/**
 * One counter of the abuse limits (abuse-limits.ts): how often something happened to one key
 * within one window. The window is part of `_id`, so a new window is a new document and a count
 * never needs resetting; FerretDB has no TTL indexes, so `expiresAt` (the window's end) marks it
 * as garbage for the periodic purge, and reads of an interval check it.
 */
export interface LimitCounterDocument {
  /**
   * `<counter>|<subject>|<window start, ISO>` for a daily count, `<counter>|<subject>` for an
   * interval (see abuse-limits.ts); the subject of a contact is a hash, never the address itself.
   */
  _id: string;
  count: number;
  expiresAt: Date;
}

const limitCounterSchema = new Schema<LimitCounterDocument>(
  {
    _id: { type: String, required: true },
    count: { type: Number, required: true },
    expiresAt: { type: Date, required: true },
  },
  { collection: 'limit_counters', versionKey: false, strict: 'throw' },
);

// Serves the periodic purge of ended windows (purgeExpired); every other read is by _id.
limitCounterSchema.index({ expiresAt: 1 });

export type LimitCounterModel = Model<LimitCounterDocument>;

export function limitCounterModel(connection: Connection): LimitCounterModel {
  return connection.model<LimitCounterDocument>('LimitCounter', limitCounterSchema);
}
