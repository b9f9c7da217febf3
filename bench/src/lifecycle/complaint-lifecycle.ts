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
 * One timed call: the latency covers the whole answer, body read and parsed, as an app waits
 * for it. A status other than `expected`, a refused connection or a timeout is recorded by kind
 * and stops the lifecycle.
 */
async function timed<T>(
  measurements: Measurements,
  step: Step,
  expected: readonly number[],
  request: () => Promise<Response>,
): Promise<T> {
  const started = performance.now();
  let response: Response;
  let text: string;
  try {
    response = await request();
    text = await response.text();
  } catch (error) {
    const failure = failureOf(error);
    const detail =
      error instanceof Error ? `${error.message} ${String((error as { cause?: unknown }).cause ?? '')}` : '';
    measurements.recordFailure(step, failure, detail);
    throw new StepFailed(step, failure, detail);
  }
  if (!expected.includes(response.status)) {
    measurements.recordFailure(step, response.status, text);
    throw new StepFailed(step, response.status, text.slice(0, 300));
  }
  let body: T;
  try {
    body = JSON.parse(text) as T;
  } catch {
    measurements.recordFailure(step, 'invalid-body', text);
    throw new StepFailed(step, 'invalid-body', text.slice(0, 300));
  }
  measurements.recordLatency(step, performance.now() - started);
  return body;
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
  const transition = (step: Step, actor: Actor, path: string, body: Record<string, unknown>) =>
    timed<ComplaintAnswer>(measurements, step, [200], () =>
      callApi(target, actor, 'POST', `/v1/complaints/${encodeURIComponent(result.complaintId ?? '')}/${path}`, {
        body,
        timeoutMs,
      }),
    );
  try {
    // Spread over Kota Serang (about 10 x 10 km), so nearby-duplicate lookups see a realistic few.
    const submitted = await timed<ComplaintAnswer>(measurements, 'submit', [201], () =>
      callApi(target, 'citizen', 'POST', '/v1/complaints', {
        body: {
          categoryCode: plan.categoryCode,
          description: `Jalan berlubang di depan rumah nomor ${index}, membahayakan pengendara motor (${plan.runId})`,
          latitude: -6.08 - next() * 0.09,
          longitude: 106.1 + next() * 0.09,
          address: `Jl. Ahmad Yani No. ${1 + (index % 300)}, Kota Serang`,
        },
        // Apps send one so a retry cannot file twice; the service then derives the id from it.
        headers: { 'idempotency-key': `bench-${plan.runId}-${index}` },
        timeoutMs,
      }),
    );
    result.complaintId = submitted.id;
    result.lastStep = 'submit';
    const assigned = await transition('assign', 'supervisor', 'assignment', {
      expectedVersion: submitted.version,
      agencyId: plan.agencyId,
      officerId: plan.officerId,
      note: 'Mohon segera ditindaklanjuti.',
    });
    result.lastStep = 'assign';
    const resolved = await transition('resolve', 'officer', 'resolution', {
      expectedVersion: assigned.version,
      note: 'Lubang sudah ditambal dan diaspal ulang.',
    });
    result.lastStep = 'resolve';
    await transition('rate', 'citizen', 'rating', {
      expectedVersion: resolved.version,
      score: 1 + Math.floor(next() * 5),
      outcome: 'fixed',
    });
    result.closedAt = Date.now();
    result.lastStep = 'rate';
    const query = new URLSearchParams({ agencyId: plan.agencyId, status: 'submitted,in_progress', pageSize: '20' });
    await timed(measurements, 'inbox', [200], () =>
      callApi(target, 'officer', 'GET', `/v1/complaints?${query}`, { timeoutMs }),
    );
    result.lastStep = 'inbox';
    result.ok = true;
  } catch (error) {
    if (!(error instanceof StepFailed)) throw error;
    result.failure = { step: error.step, failure: error.failure };
  }
  return result;
}
