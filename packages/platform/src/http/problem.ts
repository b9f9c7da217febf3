import { asAppError, boundedErrorText, type ErrorDetail, errorKind } from '../errors.js';

/** RFC 9457 problem details, with the stable error code as an extension member. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  code: string;
  detail?: string;
  instance?: string;
  errors?: ErrorDetail[];
}

export const problemContentType = 'application/problem+json';

export function problemType(code: string): string {
  return `https://balai.id/problems/${code.toLowerCase().replaceAll('_', '-')}`;
}

/** Turns any thrown value into a problem. Unknown errors become a 500 that leaks nothing (asAppError). */
export function toProblem(error: unknown, instance?: string): Problem {
  const appError = asAppError(error);
  const kind = errorKind(appError.code);
  const { message, details } = boundedErrorText(appError);
  const problem: Problem = {
    type: problemType(appError.code),
    title: kind.title,
    status: kind.http,
    code: appError.code,
  };
  // 5xx answers never carry the internal message; the log has it.
  if (kind.http < 500 && message !== kind.title) problem.detail = message;
  if (instance) problem.instance = instance;
  if (details.length > 0) problem.errors = details;
  return problem;
}
