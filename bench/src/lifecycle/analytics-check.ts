import { setTimeout as sleep } from 'node:timers/promises';
import type { Collection } from 'mongodb';
import { type LifecycleResult, mayHaveApplied, nextStep, statusAfter } from './complaint-lifecycle.js';
import type { Step } from './measurements.js';

/** What the gateway's analytics route answers (GET /v1/analytics/complaints/summary). */
export interface ComplaintSummary {
  submittedTotal: number;
  byStatus: Array<{ status: string; count: number }>;
}

export interface Counts {
  submitted: number;
  closed: number;
}

function countsOf(summary: ComplaintSummary): Counts {
  return {
    submitted: summary.submittedTotal,
    closed: summary.byStatus.find((row) => row.status === 'closed')?.count ?? 0,
  };
}

/** One reading of the summary: its counts and when the answer arrived. */
export interface Reading extends Counts {
  at: number;
  latencyMs: number;
}

/** Reads the tenant's summary through the gateway, as an analyst's dashboard does. */
export async function readCounts(gatewayUrl: string, tenant: string, token: string): Promise<Reading> {
  const started = performance.now();
  const response = await fetch(`${gatewayUrl}/v1/analytics/complaints/summary`, {
    headers: { authorization: `Bearer ${token}`, 'x-balai-tenant': tenant },
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`analytics summary: ${response.status} ${text.slice(0, 300)}`);
  return { ...countsOf(JSON.parse(text) as ComplaintSummary), at: Date.now(), latencyMs: performance.now() - started };
}

/**
 * Counts that have stopped moving: two readings a second apart agree. Taken before the run, so
 * events of earlier work still on their way do not count as the run's.
 */
export async function settledCounts(read: () => Promise<Reading>, timeoutMs = 60_000): Promise<Reading> {
  const deadline = Date.now() + timeoutMs;
  let last = await read();
  for (;;) {
    await sleep(1_000);
    const now = await read();
    if ((now.closed === last.closed && now.submitted === last.submitted) || Date.now() > deadline) return now;
    last = now;
  }
}

/**
 * Reads the summary every `intervalMs` while the run goes on and until analytics has counted
 * what the run did (or `drain` gives up), keeping every reading for the lag.
 */
export class SummarySampler {
  readonly readings: Reading[] = [];
  readonly failures: string[] = [];
  #stopped = false;
  #loop: Promise<void> | null = null;

  constructor(
    private readonly read: () => Promise<Reading>,
    private readonly intervalMs: number,
  ) {}

  start(): void {
    this.#loop = (async () => {
      while (!this.#stopped) {
        const begun = Date.now();
        try {
          this.readings.push(await this.read());
        } catch (error) {
          // FerretDB restarting, a deadline: the next reading comes anyway; the lag's resolution suffers.
          this.failures.push(error instanceof Error ? error.message : String(error));
        }
        await sleep(Math.max(0, this.intervalMs - (Date.now() - begun)));
      }
    })();
  }

  latest(): Reading | undefined {
    return this.readings.at(-1);
  }

  /** Waits until the counts reach `expected`, or `timeoutMs` passed; true when they did. */
  async drain(expected: Counts, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const latest = this.latest();
      if (latest && latest.closed >= expected.closed && latest.submitted >= expected.submitted) return true;
      if (Date.now() > deadline) return false;
      await sleep(Math.min(this.intervalMs, 250));
    }
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    await this.#loop;
  }
}

export interface LagSummary {
  /** Closes whose lag was measured (those counted before the sampler stopped). */
  measured: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
  /** How finely the lag is known: the median time between two readings. */
  resolutionMs: number;
  /** The median time one summary reading took (an aggregate over analytics' rows). */
  readingMs: number;
}

/** The value at `fraction` of an ascending list (0 for none). */
export function percentile(sorted: number[], fraction: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))] ?? 0;
}

/**
 * Event-to-analytics lag, counted: the k-th close of the run (in the order the rating answers
 * arrived) is taken as counted at the first reading, after its answer, whose closed count is
 * baseline + k or more. Events of different complaints travel different partitions, so this is
 * "until analytics counts as many closes as the run had made", not one complaint's own path;
 * over a run the two agree to within the resolution.
 */
export function eventLag(closedAt: number[], baselineClosed: number, readings: Reading[]): LagSummary {
  const closes = [...closedAt].sort((a, b) => a - b);
  const lags: number[] = [];
  let from = 0;
  for (const [k, at] of closes.entries()) {
    for (let index = from; index < readings.length; index += 1) {
      const reading = readings[index] as Reading;
      if (reading.at < at) {
        from = index + 1;
        continue;
      }
      if (reading.closed - baselineClosed >= k + 1) {
        lags.push(reading.at - at);
        break;
      }
    }
  }
  const sorted = lags.sort((a, b) => a - b);
  const latencies = readings.map((reading) => reading.latencyMs).sort((a, b) => a - b);
  const gaps = readings.slice(1).map((reading, index) => reading.at - (readings[index] as Reading).at);
  return {
    measured: sorted.length,
    p50Ms: percentile(sorted, 0.5),
    p95Ms: percentile(sorted, 0.95),
    maxMs: sorted.at(-1) ?? 0,
    resolutionMs: percentile(
      gaps.sort((a, b) => a - b),
      0.5,
    ),
    readingMs: percentile(latencies, 0.5),
  };
}

/** Documents by `_id`, read in batches of 500 (an `_id $in`, which both stores serve from the `_id` index). */
export async function readByIds<T extends { _id: string }>(
  collection: Collection<T>,
  ids: string[],
  projection: Record<string, 1>,
): Promise<Map<string, T>> {
  const found = new Map<string, T>();
  for (let start = 0; start < ids.length; start += 500) {
    const batch = ids.slice(start, start + 500);
    // biome-ignore lint/suspicious/noExplicitAny: the driver's Filter<T> does not narrow a generic _id
    const rows = (await collection.find({ _id: { $in: batch } } as any, { projection }).toArray()) as T[];
    for (const row of rows) found.set(row._id, row);
  }
  return found;
}

export interface RowCheck {
  complaints: number;
  /** Complaints with no row in analytics' read model. */
  missing: string[];
  /** Complaints whose row shows another status than the run left them in. */
  wrongStatus: Array<{ id: string; expected: string; found: string }>;
  /** Closed complaints of the run, by the rows. */
  closedRows: number;
}

/**
 * Checks analytics' read model row by row (its own database, read only): every complaint the
 * run filed has exactly one row (the row's id is the complaint's), in the status the run left
 * it in. A step that timed out or failed with a 5xx may have been applied all the same, so its
 * complaint may show that step's status too.
 */
export async function checkRows(
  views: Collection<{ _id: string; status: string }>,
  results: LifecycleResult[],
): Promise<RowCheck> {
  const filed = results.filter(
    (result): result is LifecycleResult & { complaintId: string; lastStep: Step } =>
      result.complaintId !== null && result.lastStep !== null,
  );
  const rows = await readByIds(
    views,
    filed.map((result) => result.complaintId),
    { status: 1 },
  );
  const check: RowCheck = { complaints: filed.length, missing: [], wrongStatus: [], closedRows: 0 };
  for (const result of filed) {
    const status = rows.get(result.complaintId)?.status;
    if (status === undefined) {
      check.missing.push(result.complaintId);
      continue;
    }
    if (status === 'closed') check.closedRows += 1;
    const expected = statusAfter[result.lastStep];
    const uncertain = result.failure !== null && mayHaveApplied(result.failure.failure);
    const next = nextStep[result.lastStep];
    const alsoFine = uncertain && next ? statusAfter[next] : undefined;
    if (status !== expected && status !== alsoFine) {
      check.wrongStatus.push({ id: result.complaintId, expected, found: status });
    }
  }
  return check;
}
