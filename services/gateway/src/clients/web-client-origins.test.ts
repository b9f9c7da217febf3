import { createLogger } from '@balai/platform';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Upstreams } from './upstreams.js';
import { fixedOrigins, webClientOrigins } from './web-client-origins.js';

const logger = createLogger({ service: 'gateway', level: 'silent' });

/** identity's ListWebClientOrigins, answering from `answers` in turn (an Error: unreachable). */
function identityAnswering(answers: Array<string[] | Error>) {
  const listWebClientOrigins = vi.fn(async () => {
    const answer = answers.length > 1 ? answers.shift() : answers[0];
    if (answer instanceof Error || answer === undefined) throw answer ?? new Error('no answer');
    return { origins: answer };
  });
  return {
    upstreams: { identity: { listWebClientOrigins } } as unknown as Pick<Upstreams, 'identity'>,
    listWebClientOrigins,
  };
}

describe('webClientOrigins', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('should allow nothing until identity answers, then its origins, retrying quickly meanwhile', async () => {
    const { upstreams, listWebClientOrigins } = identityAnswering([new Error('down'), ['http://127.0.0.1:5173']]);
    const origins = webClientOrigins({ upstreams, logger, refreshMs: 60_000, retryMs: 2000 });
    origins.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(origins.allows('http://127.0.0.1:5173')).toBe(false);
    await vi.advanceTimersByTimeAsync(2000);
    expect(listWebClientOrigins).toHaveBeenCalledTimes(2);
    expect(origins.allows('http://127.0.0.1:5173')).toBe(true);
    expect(origins.allows('http://127.0.0.1:5174')).toBe(false);
    origins.stop();
  });

  it('should keep the last list while identity cannot be asked, and follow it when it can again', async () => {
    const { upstreams } = identityAnswering([
      ['http://127.0.0.1:5173'],
      new Error('down'),
      ['https://lapor.serangkota.go.id'],
    ]);
    const origins = webClientOrigins({ upstreams, logger, refreshMs: 60_000 });
    origins.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(origins.allows('http://127.0.0.1:5173')).toBe(true);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(origins.allows('http://127.0.0.1:5173')).toBe(true);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(origins.allows('http://127.0.0.1:5173')).toBe(false);
    expect(origins.allows('https://lapor.serangkota.go.id')).toBe(true);
    origins.stop();
  });

  it('should ask identity no more once stopped', async () => {
    const { upstreams, listWebClientOrigins } = identityAnswering([['http://127.0.0.1:5173']]);
    const origins = webClientOrigins({ upstreams, logger, refreshMs: 1000 });
    origins.start();
    await vi.advanceTimersByTimeAsync(0);
    origins.stop();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(listWebClientOrigins).toHaveBeenCalledTimes(1);
  });
});

describe('fixedOrigins', () => {
  it('should allow exactly the origins configured', () => {
    const origins = fixedOrigins(['https://lapor.serangkota.go.id']);
    expect(origins.allows('https://lapor.serangkota.go.id')).toBe(true);
    expect(origins.allows('http://lapor.serangkota.go.id')).toBe(false);
    expect(origins.allows('https://lapor.serangkota.go.id.evil.example')).toBe(false);
  });
});
