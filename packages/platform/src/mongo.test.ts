import { setTimeout as sleep } from 'node:timers/promises';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { watchStoreConnection } from './mongo.js';

const logger = pino({ level: 'silent' });

/** Runs the watchdog with the given answers for a while; how often it told the process to stop. */
async function watch(answers: { ping: () => boolean; reachable: boolean }, forMs = 500): Promise<number> {
  let told = 0;
  const watchdog = watchStoreConnection({
    ping: async () => answers.ping(),
    reachable: async () => answers.reachable,
    onWedged: () => {
      told += 1;
    },
    logger,
    afterMs: 100,
    everyMs: 10,
  });
  await sleep(forMs);
  watchdog.stop();
  return told;
}

describe('watchStoreConnection', () => {
  it('should tell the process to stop, once, when its pings fail while a new client reaches the store', async () => {
    expect(await watch({ ping: () => false, reachable: true })).toBe(1);
  });

  it('should leave the process alone while the store is down for everyone', async () => {
    expect(await watch({ ping: () => false, reachable: false })).toBe(0);
  });

  it('should leave the process alone while its pings answer, or fail for less than the threshold', async () => {
    expect(await watch({ ping: () => true, reachable: true })).toBe(0);
    let calls = 0;
    // Fails for about 50 ms at a time, then answers: never 100 ms in a row.
    expect(await watch({ ping: () => calls++ % 10 < 5, reachable: true })).toBe(0);
  });
});
