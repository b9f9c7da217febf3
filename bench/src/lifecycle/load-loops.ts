import { setTimeout as sleep } from 'node:timers/promises';
import ora from 'ora';
import type { LifecycleResult } from './complaint-lifecycle.js';
import { Measurements } from './measurements.js';

/**
 * How lifecycles are offered. Closed: `workers` loops, each starting its next lifecycle when the
 * last one ended, so the platform sets the pace (throughput at a fixed concurrency). Open:
 * lifecycles start at a fixed rate whatever the platform does, so a slow platform shows as
 * growing latency and in-flight work (latency at a fixed load). Either stops after `durationMs`
 * or `count` lifecycles, whichever comes first.
 */
export type LoadShape =
  | { kind: 'closed'; workers: number; durationMs: number | null; count: number | null }
  | { kind: 'open'; rate: number; durationMs: number | null; count: number | null; maxInFlight: number };

export interface PhaseResult {
  measurements: Measurements;
  /** Wall seconds from the first start to the last end, the denominator of every throughput. */
  seconds: number;
  startedAt: number;
  endedAt: number;
  results: LifecycleResult[];
  /** Open loop only: arrivals not started because maxInFlight lifecycles were still running. */
  dropped: number;
  /** Open loop only: the most lifecycles in flight at once. */
  peakInFlight: number;
}

export function describeShape(shape: LoadShape): string {
  const bound = [
    shape.durationMs !== null ? `${Math.round(shape.durationMs / 1_000)} s` : null,
    shape.count !== null ? `${shape.count} lifecycles` : null,
  ]
    .filter(Boolean)
    .join(' or ');
  return shape.kind === 'closed'
    ? `closed loop, ${shape.workers} workers, ${bound}`
    : `open loop, ${shape.rate} lifecycles/s, ${bound} (at most ${shape.maxInFlight} in flight)`;
}

/**
 * Runs lifecycles in the given shape, each recording its steps into the phase's measurements,
 * until the shape's bound or `stop`.
 * Indexes run from `firstIndex` up, so a warm-up and the measured phase never share an
 * idempotency key.
 */
export async function runLoad(
  label: string,
  shape: LoadShape,
  lifecycle: (index: number, measurements: Measurements) => Promise<LifecycleResult>,
  firstIndex = 0,
  /** Ends the load early: no lifecycle starts after it fires, running ones finish. */
  stop?: AbortSignal,
): Promise<PhaseResult> {
  const measurements = new Measurements();
  const results: LifecycleResult[] = [];
  const record = (result: LifecycleResult, ms: number) => {
    results.push(result);
    if (result.ok) measurements.recordLatency('lifecycle', ms);
    else if (result.failure)
      measurements.recordFailure('lifecycle', `${result.failure.step}:${result.failure.failure}`);
  };
  const startedAt = Date.now();
  const started = performance.now();
  const deadline = shape.durationMs === null ? Number.POSITIVE_INFINITY : started + shape.durationMs;
  const limit = shape.count ?? Number.POSITIVE_INFINITY;
  let inFlight = 0;
  let peakInFlight = 0;
  let dropped = 0;

  const progress = startProgress(label, () => {
    const elapsed = (performance.now() - started) / 1_000;
    const done = measurements.completed('lifecycle');
    const failed = measurements.failed('lifecycle');
    return `${label}: ${done} lifecycles done, ${failed} failed, ${(done / Math.max(elapsed, 0.001)).toFixed(1)}/s, ${inFlight} in flight, ${elapsed.toFixed(0)} s`;
  });
  try {
    if (shape.kind === 'closed') {
      let next = 0;
      const worker = async () => {
        while (next < limit && performance.now() < deadline && !stop?.aborted) {
          const index = firstIndex + next;
          next += 1;
          inFlight += 1;
          const begun = performance.now();
          const result = await lifecycle(index, measurements);
          inFlight -= 1;
          record(result, performance.now() - begun);
        }
      };
      await Promise.all(Array.from({ length: shape.workers }, worker));
      peakInFlight = shape.workers;
    } else {
      const interval = 1_000 / shape.rate;
      const running = new Set<Promise<void>>();
      for (let arrival = 0; arrival < limit; arrival += 1) {
        // Measured from when it was due, not when it started: a loop that falls behind must not
        // hide the wait (coordinated omission).
        const due = started + arrival * interval;
        if (due >= deadline || stop?.aborted) break;
        const wait = due - performance.now();
        if (wait > 0) await sleep(wait);
        if (inFlight >= shape.maxInFlight) {
          dropped += 1;
          continue;
        }
        inFlight += 1;
        peakInFlight = Math.max(peakInFlight, inFlight);
        const one = lifecycle(firstIndex + arrival, measurements).then((result) => {
          inFlight -= 1;
          record(result, performance.now() - due);
        });
        running.add(one);
        void one.finally(() => running.delete(one));
      }
      await Promise.all(running);
    }
  } finally {
    progress.stop();
  }
  const endedAt = Date.now();
  return {
    measurements,
    seconds: (performance.now() - started) / 1_000,
    startedAt,
    endedAt,
    results,
    dropped,
    peakInFlight,
  };
}

/**
 * A spinner on a terminal; without one (output to a file, CI) a plain line every 10 s, as the
 * CLI's own progress does (tools/cli/src/infra.ts).
 */
export function startProgress(label: string, text: () => string): { stop(final?: string): void } {
  const spinner = ora(label).start();
  let lastLine = Date.now();
  const timer = setInterval(() => {
    spinner.text = text();
    if (!spinner.isEnabled && Date.now() - lastLine >= 10_000) {
      lastLine = Date.now();
      console.log(`  … ${spinner.text}`);
    }
  }, 500);
  return {
    stop(final) {
      clearInterval(timer);
      spinner.succeed(final ?? text());
    },
  };
}
