import type { LimitCounterRepository } from './limit-counter-repository.js';

/**
 * The abuse-limit counters of a unit test, in memory, kept by LimitCounterRepository's rules: a
 * count per key that keeps the end its first write gave it, and intervals that refuse to start
 * while one is running.
 */
export function memoryLimitCounters() {
  const counters = new Map<string, { count: number; expiresAt: Date }>();
  const repository: Pick<LimitCounterRepository, 'add' | 'startInterval' | 'purgeExpired'> = {
    async add(key, amount, expiresAt) {
      const current = counters.get(key) ?? { count: 0, expiresAt };
      current.count += amount;
      counters.set(key, current);
      return current.count;
    },
    async startInterval(key, now, endsAt) {
      const current = counters.get(key);
      if (current && current.expiresAt > now) return false;
      counters.set(key, { count: (current?.count ?? 0) + 1, expiresAt: endsAt });
      return true;
    },
    async purgeExpired(now) {
      let purged = 0;
      for (const [key, counter] of counters) {
        if (counter.expiresAt <= now) {
          counters.delete(key);
          purged += 1;
        }
      }
      return purged;
    },
  };
  return { repository, counters };
}
