import { setTimeout as sleep } from 'node:timers/promises';
import { random } from '../complaint-seed.js';
import { type Failure, type Measurements, type Step, StepFailed } from './measurements.js';

/** Who makes each call of a lifecycle. */
export type Actor = 'citizen' | 'supervisor' | 'officer';

/**
 * An HTTP API that takes the lifecycle's five calls under the gateway's paths and bodies: the
 * gateway itself, or the raw baseline's bare fastify server. The same client code drives both,
 * so the client's own cost is the same on both sides.
 */
export interface ApiTarget {
  name: 'balai' | 'raw';
  baseUrl: string;
  tenant: string;
  /** The caller's bearer token, current at the time of the call; null where the API takes none (raw). */
  token(actor: Actor): string | null;
}

/** Fixed per run: who the supervisor assigns to, and what the officer's inbox shows. */
export interface LifecyclePlan {
  /** Names this run's idempotency keys and descriptions, so runs never collide. */
  runId: string;
  agencyId: string;
  officerId: string;
  categoryCode: string;
  /** An answer slower than this counts as `timeout`. */
  requestTimeoutMs: number;
  /** Retry as a client should (the fault runs); absent, the first failure stops the lifecycle (the benchmark). */
  retry?: RetryPolicy;
}

/** How far a lifecycle got: its complaint, the last step that succeeded, when rating answered. */
export interface LifecycleResult {
  complaintId: string | null;
  lastStep: Step | null;
  /** Epoch ms at which the rating (which closes the complaint) answered; null when it did not. */
  closedAt: number | null;
  ok: boolean;
  /** The step that failed and how, when one did. */
  failure: { step: Step; failure: Failure } | null;
}

interface ComplaintAnswer {
  id: string;
  version: number;
  status: string;
}

/** A JSON call as an app makes it (tests/e2e/test/helpers.ts `callApi`): tenant header, bearer token, JSON body. */
function callApi(
  target: ApiTarget,
  actor: Actor,
  method: string,
  path: string,
  options: { body?: unknown; headers?: Record<string, string>; timeoutMs: number },
): Promise<Response> {
  const token = target.token(actor);
  return fetch(`${target.baseUrl}${path}`, {
    method,
    headers: {
      'x-balai-tenant': target.tenant,
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...options.headers,
    },
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    signal: AbortSignal.timeout(options.timeoutMs),
  });
}

/** The status a complaint is in once its lifecycle got past `step`. */
export const statusAfter: Record<Step, string> = {
  submit: 'submitted',
  assign: 'in_progress',
  resolve: 'resolved',
  rate: 'closed',
  inbox: 'closed',
};

/** The step after each command: a command whose answer was lost may have taken the complaint there. */
export const nextStep: Partial<Record<Step, Step>> = { submit: 'assign', assign: 'resolve', resolve: 'rate' };

/**
 * Whether a failed call may have been applied all the same: no answer (timeout, connection
 * lost) or a 5xx (the gateway's deadline can pass while complaints still writes).
 */
export function mayHaveApplied(failure: Failure): boolean {
  return failure === 'timeout' || failure === 'network' || (typeof failure === 'number' && failure >= 500);
}

function failureOf(error: unknown): Failure {
  return error instanceof DOMException && error.name === 'TimeoutError' ? 'timeout' : 'network';
}

/**
 * How a client retries (docs/RELIABILITY.md, "How a client retries"): a call that got no answer,
 * a 429 or a 5xx is sent again after a growing, jittered wait (a 429's `Retry-After` when it
 * gives one), until `budgetMs` has passed since the first attempt.
 */
export interface RetryPolicy {
  budgetMs: number;
  firstDelayMs: number;
  maxDelayMs: number;
}

/** Failures a client sends again: no answer, a rate limit, or the platform saying it could not do it now. */
export function isRetryable(failure: Failure): boolean {
  return (
    failure === 'network' ||
    failure === 'timeout' ||
    (typeof failure === 'number' && (failure === 429 || failure >= 500))
  );
}

type Attempt<T> = { ok: true; body: T } | { ok: false; failure: Failure; detail: string; retryAfterMs: number | null };

async function attempt<T>(request: () => Promise<Response>, accepted: readonly number[]): Promise<Attempt<T>> {
  let response: Response;
  let text: string;
  try {
    response = await request();
    text = await response.text();
  } catch (error) {
    const detail =
      error instanceof Error ? `${error.message} ${String((error as { cause?: unknown }).cause ?? '')}` : '';
    return { ok: false, failure: failureOf(error), detail, retryAfterMs: null };
  }
  if (!accepted.includes(response.status)) {
    const retryAfter = Number(response.headers.get('retry-after'));
    return {
      ok: false,
      failure: response.status,
      detail: text,
      retryAfterMs: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1_000 : null,
    };
  }
  try {
    return { ok: true, body: JSON.parse(text) as T };
  } catch {
    return { ok: false, failure: 'invalid-body', detail: text, retryAfterMs: null };
  }
}

/** What a retried call may also take as success. */
interface RetryHandling<T> {
  policy: RetryPolicy;
  /** Statuses a replay answers (an Idempotency-Key's replay: 200). */
  replayStatuses?: readonly number[];
  /**
   * A 409 after an attempt that may have been applied: the previous attempt's change may be the
   * one the version check now refuses. Reads the resource; its state when the change is there.
   */
  confirm?: () => Promise<T | null>;
}

/**
 * One timed call: the latency covers the whole answer, body read and parsed, as an app waits
 * for it, retries included. A status other than `expected`, a refused connection or a timeout
 * (once retries, if any, are spent) is recorded by kind and stops the lifecycle.
 */
async function timed<T>(
  measurements: Measurements,
  step: Step,
  expected: readonly number[],
  request: () => Promise<Response>,
  retry?: RetryHandling<T>,
): Promise<T> {
  const started = performance.now();
  let uncertain = false;
  for (let attempts = 1; ; attempts += 1) {
    const attemptedAt = Date.now();
    const accepted = attempts > 1 ? [...expected, ...(retry?.replayStatuses ?? [])] : expected;
    const outcome = await attempt<T>(request, accepted);
    if (outcome.ok) {
      measurements.recordLatency(step, performance.now() - started);
      return outcome.body;
    }
    if (retry?.confirm && uncertain && outcome.failure === 409) {
      const confirmed = await retry.confirm().catch(() => null);
      if (confirmed) {
        measurements.recordLatency(step, performance.now() - started);
        return confirmed;
      }
    }
    if (retry && isRetryable(outcome.failure)) {
      const backoff = Math.min(retry.policy.firstDelayMs * 2 ** (attempts - 1), retry.policy.maxDelayMs);
      const delay = outcome.retryAfterMs ?? backoff * (0.5 + Math.random() / 2);
      if (performance.now() - started + delay < retry.policy.budgetMs) {
        uncertain ||= mayHaveApplied(outcome.failure);
        measurements.recordRetry(step, outcome.failure, attemptedAt, outcome.detail);
        await sleep(delay);
        continue;
      }
    }
    measurements.recordFailure(step, outcome.failure, outcome.detail);
    throw new StepFailed(step, outcome.failure, outcome.detail.slice(0, 300));
  }
}

/**
 * One lifecycle: the citizen files a complaint, the supervisor assigns it to the officer, the
 * officer resolves it, the citizen rates it (which closes it), and the officer reads the first
 * page of the agency's open inbox. Each transition names the version the previous answer
 * returned, as an app does. Returns how far it got; a failed step is already recorded.
 */
export async function runLifecycle(
  target: ApiTarget,
  plan: LifecyclePlan,
  index: number,
  measurements: Measurements,
): Promise<LifecycleResult> {
  const next = random(index + 1);
  const result: LifecycleResult = { complaintId: null, lastStep: null, closedAt: null, ok: false, failure: null };
  const timeoutMs = plan.requestTimeoutMs;
  const complaintPath = () => `/v1/complaints/${encodeURIComponent(result.complaintId ?? '')}`;
  /** The complaint as `actor` reads it, when it is in `status` (a retried transition that was applied). */
  const readIn = (actor: Actor, status: string) => async (): Promise<ComplaintAnswer | null> => {
    const response = await callApi(target, actor, 'GET', complaintPath(), { timeoutMs });
    if (response.status !== 200) return null;
    const complaint = (await response.json()) as ComplaintAnswer;
    return complaint.status === status ? complaint : null;
  };
  const transition = (step: Step, actor: Actor, path: string, leadsTo: string, body: Record<string, unknown>) =>
    timed<ComplaintAnswer>(
      measurements,
      step,
      [200],
      () => callApi(target, actor, 'POST', `${complaintPath()}/${path}`, { body, timeoutMs }),
      plan.retry && { policy: plan.retry, confirm: readIn(actor, leadsTo) },
    );
  try {
    // Spread over Kota Serang (about 10 x 10 km), so nearby-duplicate lookups see a realistic few.
    // Made once: a retry sends the same body with the same key (another body is 422 IDEMPOTENCY_KEY_REUSED).
    const complaint = {
      categoryCode: plan.categoryCode,
      description: `Jalan berlubang di depan rumah nomor ${index}, membahayakan pengendara motor (${plan.runId})`,
      latitude: -6.08 - next() * 0.09,
      longitude: 106.1 + next() * 0.09,
      address: `Jl. Ahmad Yani No. ${1 + (index % 300)}, Kota Serang`,
    };
    const submitted = await timed<ComplaintAnswer>(
      measurements,
      'submit',
      [201],
      () =>
        callApi(target, 'citizen', 'POST', '/v1/complaints', {
          body: complaint,
          // Apps send one so a retry cannot file twice; the service then derives the id from it.
          headers: { 'idempotency-key': `bench-${plan.runId}-${index}` },
          timeoutMs,
        }),
      plan.retry && { policy: plan.retry, replayStatuses: [200] },
    );
    result.complaintId = submitted.id;
    result.lastStep = 'submit';
    const assigned = await transition('assign', 'supervisor', 'assignment', 'in_progress', {
      expectedVersion: submitted.version,
      agencyId: plan.agencyId,
      officerId: plan.officerId,
      note: 'Mohon segera ditindaklanjuti.',
    });
    result.lastStep = 'assign';
    const resolved = await transition('resolve', 'officer', 'resolution', 'resolved', {
      expectedVersion: assigned.version,
      note: 'Lubang sudah ditambal dan diaspal ulang.',
    });
    result.lastStep = 'resolve';
    await transition('rate', 'citizen', 'rating', 'closed', {
      expectedVersion: resolved.version,
      score: 1 + Math.floor(next() * 5),
      outcome: 'fixed',
    });
    result.closedAt = Date.now();
    result.lastStep = 'rate';
    const query = new URLSearchParams({ agencyId: plan.agencyId, status: 'submitted,in_progress', pageSize: '20' });
    await timed(
      measurements,
      'inbox',
      [200],
      () => callApi(target, 'officer', 'GET', `/v1/complaints?${query}`, { timeoutMs }),
      plan.retry && { policy: plan.retry },
    );
    result.lastStep = 'inbox';
    result.ok = true;
  } catch (error) {
    if (!(error instanceof StepFailed)) throw error;
    result.failure = { step: error.step, failure: error.failure };
  }
  return result;
}
