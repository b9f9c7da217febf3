import type { Logger } from '@balai/platform';
import { geohashOf } from './complaint-geohash.js';
import type { ComplaintRepository } from './complaint-repository.js';

export const backfillBatchSize = 500;
/** At most this many batches per start, so a start never waits on an unbounded migration. */
export const backfillMaxBatches = 20;

/**
 * Gives complaints filed before geohashes were stored their geohash, so nearby suggestions see
 * them. Runs at start, in bounded batches; idempotent (only complaints without one are touched),
 * so a start cut short, or two replicas starting together, leave nothing wrong: the rest is done
 * at the next start.
 */
export async function backfillGeohashes(
  repository: Pick<ComplaintRepository, 'backfillGeohashes'>,
  logger: Logger,
  limits = { batchSize: backfillBatchSize, maxBatches: backfillMaxBatches },
): Promise<number> {
  let total = 0;
  for (let batch = 0; batch < limits.maxBatches; batch += 1) {
    const set = await repository.backfillGeohashes(limits.batchSize, geohashOf);
    total += set;
    if (set < limits.batchSize) break;
  }
  if (total > 0) logger.info({ complaints: total }, 'geohashes backfilled');
  return total;
}
