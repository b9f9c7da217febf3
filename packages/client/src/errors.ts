import type { components } from './gen/api.js';

/** RFC 9457 problem details as the API sends them, with its stable `code`. */
export type Problem = components['schemas']['Problem'];
/** The stable error codes (a union when the document lists them). */
export type ProblemCode = Problem['code'];
/**
 * What a BalaiApiError carries: the API's problem, or one the client made because the error
 * answer was not problem+json (`UNEXPECTED_RESPONSE`: a proxy's HTML page, an empty 502).
 */
export type ApiErrorProblem = Omit<Problem, 'code'> & { code: ProblemCode | 'UNEXPECTED_RESPONSE' };

/**
 * A refused call: the problem+json the API answered, or, for an answer that is not one (a proxy's
 * HTML page, an empty 502), a problem made from the status alone.
 */
export class BalaiApiError extends Error {
  readonly status: number;
  readonly code: ApiErrorProblem['code'];
  readonly title: string;
  readonly detail: string | undefined;
  readonly errors: NonNullable<Problem['errors']>;
  readonly problem: ApiErrorProblem;
  /** The gateway's X-Request-Id, to quote when reporting the error. */
  readonly requestId: string | null;

  constructor(problem: ApiErrorProblem, response?: Response) {
    super(`${problem.status} ${problem.code}: ${problem.detail ?? problem.title}`);
    this.name = 'BalaiApiError';
    this.problem = problem;
    this.status = problem.status;
    this.code = problem.code;
    this.title = problem.title;
    this.detail = problem.detail;
    this.errors = problem.errors ?? [];
    this.requestId = response?.headers.get('x-request-id') ?? null;
  }
}

function isProblem(body: unknown): body is Problem {
  if (typeof body !== 'object' || body === null) return false;
  const { code, status, title } = body as Record<string, unknown>;
  return typeof code === 'string' && typeof status === 'number' && typeof title === 'string';
}

/** The problem an error answer carries, or one made from its status when it carries none. */
export function problemOf(body: unknown, response: Response): ApiErrorProblem {
  if (isProblem(body)) return body;
  return {
    type: 'about:blank',
    status: response.status,
    title: response.statusText || `HTTP ${response.status}`,
    code: 'UNEXPECTED_RESPONSE',
  };
}

/** What every openapi-fetch call resolves to: `data` on success, `error` otherwise. */
interface CallResult {
  data?: unknown;
  error?: unknown;
  response: Response;
}

/** The success member of a call's result union (the one whose `data` is not optional). */
type SuccessData<Result extends CallResult> = Extract<Result, { data: unknown }>['data'];

/**
 * The success body of a call, or a thrown BalaiApiError: for code that has nothing to do with
 * an error but report it. `const complaint = await ok(api.GET('/v1/complaints/{id}', ...))`.
 */
export async function ok<Result extends CallResult>(call: Promise<Result>): Promise<SuccessData<Result>> {
  const { data, error, response } = await call;
  if (error !== undefined || !response.ok) throw new BalaiApiError(problemOf(error, response), response);
  return data as SuccessData<Result>;
}
