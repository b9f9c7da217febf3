import { build, type Histogram } from 'hdr-histogram-js';

/** The five calls of one lifecycle, in order, and the lifecycle itself. */
export const steps = ['submit', 'assign', 'resolve', 'rate', 'inbox'] as const;
export type Step = (typeof steps)[number];
export type Measured = Step | 'lifecycle';

/**
 * Why a call did not count as done: the HTTP status it answered, `network` (refused, reset),
 * `timeout` (no answer within the client's limit) or `invalid-body` (the expected status with a
 * body that is not JSON).
 */
export type Failure = number | 'network' | 'timeout' | 'invalid-body';

/** A step that failed: the lifecycle stops there and is counted as failed. */
export class StepFailed extends Error {
  override name = 'StepFailed';
  constructor(
    readonly step: Step,
    readonly failure: Failure,
    detail: string,
  ) {
    super(`${step}: ${failure} ${detail}`);
  }
}

export interface LatencySummary {
  count: number;
  /** Done per second of the measured phase. */
  perSecond: number;
  meanMs: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Failures by status (or network/timeout), as strings so they serialise as JSON keys. */
  errors: Record<string, number>;
}

/**
 * Latencies in microseconds, 1 µs to 10 min at 3 significant digits: a stalled call (FerretDB
 * restarting, a deadline of the gateway) must still land in the histogram, not be clipped.
 */
function newHistogram(): Histogram {
  return build({ lowestDiscernibleValue: 1, highestTrackableValue: 600_000_000, numberOfSignificantValueDigits: 3 });
}

/** Latency histograms and failure counts, per step and per lifecycle, for one phase of the run. */
export class Measurements {
  readonly #latencies = new Map<Measured, Histogram>();
  readonly #errors = new Map<Measured, Map<string, number>>();
  readonly #retries = new Map<string, number>();
  /** Sample messages of the first failures of each kind, to say what went wrong without a log. */
  readonly firstFailures: string[] = [];
  /** When each call or lifecycle succeeded (epoch ms) and how long it took: for windows and gaps. */
  readonly done: Array<{ at: number; name: Measured; ms: number }> = [];

  constructor() {
    for (const name of [...steps, 'lifecycle'] as const) {
      this.#latencies.set(name, newHistogram());
      this.#errors.set(name, new Map());
    }
  }

  recordLatency(name: Measured, ms: number): void {
    this.#latencies.get(name)?.recordValue(Math.max(1, Math.round(ms * 1_000)));
    this.done.push({ at: Date.now(), name, ms });
  }

  /** Attempts that failed and were sent again: when each began and ended (epoch ms). */
  readonly retried: Array<{ step: Step; failure: Failure; startedAt: number; at: number }> = [];

  /** A call that failed in a way a client retries (`submit:503`), and was sent again. */
  recordRetry(step: Step, failure: Failure, startedAt: number, detail = ''): void {
    this.retried.push({ step, failure, startedAt, at: Date.now() });
    const key = `${step}:${failure}`;
    this.#retries.set(key, (this.#retries.get(key) ?? 0) + 1);
    if (this.firstFailures.length < 20 && detail) this.firstFailures.push(`retried ${key}: ${detail.slice(0, 300)}`);
  }

  /** Retries by step and cause. */
  retries(): Record<string, number> {
    return Object.fromEntries(this.#retries);
  }

  /** A lifecycle's failure is keyed by its step as well: `assign:409`. */
  recordFailure(name: Measured, failure: Failure | string, detail = ''): void {
    const errors = this.#errors.get(name);
    if (!errors) return;
    const key = String(failure);
    errors.set(key, (errors.get(key) ?? 0) + 1);
    if (this.firstFailures.length < 20 && detail) this.firstFailures.push(`${name} ${key}: ${detail.slice(0, 300)}`);
  }

  completed(name: Measured): number {
    return this.#latencies.get(name)?.totalCount ?? 0;
  }

  failed(name: Measured): number {
    return [...(this.#errors.get(name)?.values() ?? [])].reduce((sum, count) => sum + count, 0);
  }

  summary(name: Measured, seconds: number): LatencySummary {
    const histogram = this.#latencies.get(name) ?? newHistogram();
    const ms = (percentile: number) => histogram.getValueAtPercentile(percentile) / 1_000;
    const count = histogram.totalCount;
    return {
      count,
      perSecond: seconds > 0 ? count / seconds : 0,
      meanMs: count > 0 ? histogram.mean / 1_000 : 0,
      p50Ms: count > 0 ? ms(50) : 0,
      p95Ms: count > 0 ? ms(95) : 0,
      p99Ms: count > 0 ? ms(99) : 0,
      maxMs: count > 0 ? histogram.maxValue / 1_000 : 0,
      errors: Object.fromEntries(this.#errors.get(name) ?? []),
    };
  }

  summaries(seconds: number): Record<Measured, LatencySummary> {
    return Object.fromEntries(
      [...steps, 'lifecycle'].map((name) => [name, this.summary(name as Measured, seconds)]),
    ) as Record<Measured, LatencySummary>;
  }
}
