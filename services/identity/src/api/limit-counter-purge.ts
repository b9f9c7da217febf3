import type { ServiceRuntime } from '@balai/platform';
import type { LimitCounterRepository } from '../data/users/limit-counter-repository.js';

/** How often ended limit counters are deleted; they are never read after their window, so this is housekeeping. */
const limitCounterPurgeIntervalMs = 15 * 60_000;

/** Deletes ended limit counters now and then (FerretDB has no TTL indexes); stopped on shutdown. */
export function purgeEndedLimitCounters(
  runtime: ServiceRuntime,
  counters: Pick<LimitCounterRepository, 'purgeExpired'>,
  clock: () => Date,
): void {
  let running: Promise<unknown> | undefined;
  const timer = setInterval(() => {
    running ??= counters
      .purgeExpired(clock())
      .catch((error: unknown) =>
        runtime.logger.warn(
          { code: 'LIMIT_COUNTER_PURGE_FAILED', error: (error as Error).name },
          'ended limit counters could not be purged',
        ),
      )
      .finally(() => {
        running = undefined;
      });
  }, limitCounterPurgeIntervalMs);
  timer.unref();
  runtime.lifecycle.onStop('limit counter purge', async () => {
    clearInterval(timer);
    await running;
  });
}
