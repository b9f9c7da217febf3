import { isDuplicateKey } from '@balai/platform';
import type { LimitCounterDocument, LimitCounterModel } from './limit-counter.schema.js';

/**
 * The only code that touches `limit_counters`. Every change is one atomic write of one document
 * (`$inc` with upsert), so instances counting at once never lose a count. Keys are built by
 * abuse-limits.ts from normalised values; they are always compared as whole strings.
 */
export class LimitCounterRepository {
  constructor(private readonly model: LimitCounterModel) {}

  /**
   * Adds `amount` (negative to give one back) to the key's count and returns the new count; the
   * document is created with `expiresAt` by the first write.
   */
  async add(key: string, amount: number, expiresAt: Date): Promise<number> {
    const write = () =>
      this.model
        .findOneAndUpdate(
          { _id: String(key) },
          { $inc: { count: Number(amount) }, $setOnInsert: { expiresAt } },
          { upsert: true, returnDocument: 'after' },
        )
        .lean<LimitCounterDocument>()
        .exec();
    // Two first writes of a window can race to insert it (MongoDB): the loser's retry increments the winner's.
    const updated = await write().catch((error: unknown) => {
      if (isDuplicateKey(error)) return write();
      throw error;
    });
    return updated?.count ?? amount;
  }

  /**
   * Starts the key's interval, ending at `endsAt`, unless one is still running at `now`: true
   * when it started. The filter only matches an ended interval; when a running one exists the
   * upsert's insert collides on `_id`, which is the refusal (and two first calls racing: one wins).
   */
  async startInterval(key: string, now: Date, endsAt: Date): Promise<boolean> {
    try {
      await this.model
        .updateOne(
          { _id: String(key), expiresAt: { $lte: now } },
          { $set: { expiresAt: endsAt }, $inc: { count: 1 } },
          { upsert: true },
        )
        .exec();
      return true;
    } catch (error) {
      if (isDuplicateKey(error)) return false;
      throw error;
    }
  }

  /** Deletes counters whose window has ended. Returns how many. */
  async purgeExpired(now: Date): Promise<number> {
    return (await this.model.deleteMany({ expiresAt: { $lte: now } }).exec()).deletedCount;
  }
}
