import type { CodeChannel, CodePurpose, OneTimeCodeDocument, OneTimeCodeModel } from './one-time-code.schema.js';

export interface CodeSlot {
  tenantId: string;
  userId: string;
  channel: CodeChannel;
  purpose: CodePurpose;
}

const keyOf = (slot: CodeSlot) =>
  [slot.tenantId, slot.userId, slot.channel, slot.purpose].map((part) => String(part)).join('|');

/** The only code that touches one_time_codes. Slots are keyed by tenant, so reads are scoped. */
export class OtpRepository {
  constructor(private readonly model: OneTimeCodeModel) {}

  async find(slot: CodeSlot): Promise<OneTimeCodeDocument | null> {
    return this.model.findById(keyOf(slot)).lean<OneTimeCodeDocument>().exec();
  }

  /** Stores a new code for the slot, replacing (so killing) any previous one. */
  async replace(
    slot: CodeSlot,
    code: Pick<OneTimeCodeDocument, 'salt' | 'codeHash' | 'issuedAt' | 'expiresAt'>,
  ): Promise<void> {
    const _id = keyOf(slot);
    await this.model.replaceOne({ _id }, { _id, ...slot, ...code, attempts: 0 }, { upsert: true }).exec();
  }

  /** Counts an attempt if nobody else counted one since `seenAttempts` was read. */
  async recordAttempt(slot: CodeSlot, seenAttempts: number): Promise<boolean> {
    const result = await this.model
      .updateOne({ _id: keyOf(slot), attempts: Number(seenAttempts) }, { $inc: { attempts: 1 } })
      .exec();
    return result.modifiedCount === 1;
  }

  /** Deletes the code if it is still the one at `attempts`: a code is used once, by one caller. */
  async consume(slot: CodeSlot, attempts: number): Promise<boolean> {
    const result = await this.model.deleteOne({ _id: keyOf(slot), attempts: Number(attempts) }).exec();
    return result.deletedCount === 1;
  }
}
