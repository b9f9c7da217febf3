import { createLogger } from '@balai/platform';
import { describe, expect, it, vi } from 'vitest';
import { aDirectory } from '../clients/organisation-directory.fixture.js';
import { inMemoryComplaints } from '../data/complaint-repository.fixture.js';
import { SlaScheduler } from './sla-scheduler.js';

function aScheduler() {
  return new SlaScheduler({
    repository: inMemoryComplaints(),
    directory: aDirectory(),
    clock: () => new Date(),
    onCommitted: vi.fn(),
    logger: createLogger({ service: 'test', level: 'silent' }),
    fractions: [0.8, 1.2, 2],
  });
}

describe('SLA scheduler: timer', () => {
  it('should sweep on its interval and stop cleanly', async () => {
    vi.useFakeTimers();
    try {
      const scheduler = aScheduler();
      const sweep = vi.spyOn(scheduler, 'sweep');
      scheduler.start(30_000);
      await vi.advanceTimersByTimeAsync(29_999);
      expect(sweep).not.toHaveBeenCalled();
      await vi.advanceTimersByTimeAsync(1);
      expect(sweep).toHaveBeenCalledTimes(1);
      await vi.advanceTimersByTimeAsync(30_000);
      expect(sweep).toHaveBeenCalledTimes(2);
      await scheduler.stop();
      await vi.advanceTimersByTimeAsync(120_000);
      expect(sweep).toHaveBeenCalledTimes(2);
    } finally {
      vi.useRealTimers();
    }
  });
});
