import { describe, expect, it } from 'vitest';

// The store runs against the real MongoDB-compatible server in
// packages/platform/test/rate-limit-store.int.test.ts; this file only pins its window arithmetic.
import { windowOf } from './rate-limit-store.js';

describe('rate-limit windows', () => {
  it('should put every instant of a window in the same window and say how long it has left', () => {
    expect(windowOf(60_000, 120_000)).toEqual({ start: 0, ttl: 60_000 });
    expect(windowOf(179_999, 60_000)).toEqual({ start: 120_000, ttl: 1 });
    expect(windowOf(180_000, 60_000)).toEqual({ start: 180_000, ttl: 60_000 });
  });
});
