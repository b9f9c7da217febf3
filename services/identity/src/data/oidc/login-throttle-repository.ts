import type { LoginThrottleDocument, LoginThrottleModel } from './oidc.schema.js';

/** A counter untouched for this long starts from zero again (and is purged). */
const throttleMemoryMs = 24 * 60 * 60 * 1000;

/** The only code that touches `login_throttle`. */
export class LoginThrottleRepository {
  constructor(private readonly model: LoginThrottleModel) {}

  async find(id: string, now: Date): Promise<LoginThrottleDocument | null> {
    const document = await this.model.findById(String(id)).lean<LoginThrottleDocument>().exec();
    return document && document.expiresAt > now ? document : null;
  }

  async recordFailure(id: string, now: Date): Promise<void> {
    const expiresAt = new Date(now.getTime() + throttleMemoryMs);
    const current = await this.find(id, now);
    // A stale counter is restarted rather than incremented (no TTL index removes it for us).
    const update = current
      ? { $inc: { failures: 1 }, $set: { lastFailureAt: now, expiresAt } }
      : { $set: { failures: 1, lastFailureAt: now, expiresAt } };
    await this.model.updateOne({ _id: String(id) }, update, { upsert: true }).exec();
  }

  async reset(id: string): Promise<void> {
    await this.model.deleteOne({ _id: String(id) }).exec();
  }

  async purgeExpired(now: Date): Promise<number> {
    return (await this.model.deleteMany({ expiresAt: { $lte: now } }).exec()).deletedCount;
  }
}
