import type { Collection, Db } from 'mongodb';
import type { Logger } from '../logger.js';
import { isDuplicateKey } from '../mongo.js';

/** One counting window of one key: `<key>|<window start in ms>`. */
interface WindowDocument {
  _id: string;
  count: number;
  /** The window's end; past it the document is garbage (pruned, or removed by a TTL index). */
  expiresAt: Date;
}

export interface RateLimitCount {
  current: number;
  /** Milliseconds until the window ends and the count starts again. */
  ttl: number;
}

type Callback = (error: Error | null, result?: RateLimitCount) => void;

/**
 * The store interface of @fastify/rate-limit (`incr`, `read`, `child`), kept in the service's
 * MongoDB so every gateway instance counts against the same windows. Fixed windows: a key's
 * count lives in one document per window, incremented with one atomic upsert, so concurrent
 * requests on several instances never lose a count.
 */
export class MongoRateLimitStore {
  constructor(
    private readonly windows: Collection<WindowDocument>,
    private readonly clock: () => number = Date.now,
  ) {}

  incr(key: string, callback: Callback, timeWindow: number): void {
    this.count(key, timeWindow, 1).then((result) => callback(null, result), callback);
  }

  read(key: string, callback: Callback, timeWindow: number): void {
    this.count(key, timeWindow, 0).then((result) => callback(null, result), callback);
  }

  /** Route-level settings change nothing about where counts live. */
  child(): MongoRateLimitStore {
    return this;
  }

  private async count(key: string, timeWindow: number, increment: 0 | 1): Promise<RateLimitCount> {
    const windowMs = Math.max(1, timeWindow);
    const { start, ttl } = windowOf(this.clock(), windowMs);
    const _id = `${key}|${start}`;
    if (increment === 0) {
      const found = await this.windows.findOne({ _id: String(_id) });
      return { current: found?.count ?? 0, ttl };
    }
    const updated = await this.incrementOnce(_id, new Date(start + windowMs)).catch((error: unknown) => {
      // Two first requests of a window raced to insert it; the loser's increment goes to the winner's.
      if (isDuplicateKey(error)) return this.incrementOnce(_id, new Date(start + windowMs));
      throw error;
    });
    return { current: updated?.count ?? 1, ttl };
  }

  private incrementOnce(_id: string, expiresAt: Date): Promise<WindowDocument | null> {
    return this.windows.findOneAndUpdate(
      { _id: String(_id) },
      { $inc: { count: 1 }, $setOnInsert: { expiresAt } },
      { upsert: true, returnDocument: 'after' },
    );
  }

  /** Deletes windows that have ended. Returns how many. */
  async prune(): Promise<number> {
    const result = await this.windows.deleteMany({ expiresAt: { $lte: new Date(this.clock()) } });
    return result.deletedCount;
  }
}

/** The fixed window `now` falls in: its start, and the milliseconds left of it. */
export function windowOf(now: number, windowMs: number): { start: number; ttl: number } {
  const start = Math.floor(now / windowMs) * windowMs;
  return { start, ttl: start + windowMs - now };
}

/**
 * The store in `db`'s `rate_limit_windows`, pruned every `pruneIntervalMs` (FerretDB has no TTL
 * indexes; on MongoDB this also keeps the collection small between TTL monitor runs). Returns
 * the store and the function that stops the pruning.
 */
export function startRateLimitStore(
  db: Db,
  options: { logger: Logger; pruneIntervalMs?: number },
): { store: MongoRateLimitStore; stop(): void } {
  const store = new MongoRateLimitStore(db.collection<WindowDocument>('rate_limit_windows'));
  const timer = setInterval(() => {
    store.prune().catch((error: unknown) => options.logger.warn({ err: error }, 'rate-limit windows not pruned'));
  }, options.pruneIntervalMs ?? 60_000);
  timer.unref();
  return { store, stop: () => clearInterval(timer) };
}
