import { asAppError, boundedErrorText, type ErrorDetail, errorKind, wellFormedExtensions } from '../errors.js';
import { defaultLanguage, type Language } from './language.js';

/** RFC 9457 problem details, with the stable error code as an extension member. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  code: string;
  detail?: string;
  instance?: string;
  errors?: ErrorDetail[];
  /** STALE_VERSION: the version the resource is at now (the ETag header names it too). */
  currentVersion?: number;
}

export const problemContentType = 'application/problem+json';

export function problemType(code: string): string {
  return `https://balai.id/problems/${code.toLowerCase().replaceAll('_', '-')}`;
}

/**
 * Turns any thrown value into a problem, its title (and the error's own text, where it has it in
 * that language) in `language`. Unknown errors become a 500 that leaks nothing (asAppError).
 */
export function toProblem(error: unknown, instance?: string, language: Language = defaultLanguage): Problem {
  const appError = asAppError(error).inLanguage(language);
  const kind = errorKind(appError.code);
  const { message, details } = boundedErrorText(appError);
  const title = language === 'id' ? kind.titleIndonesian : kind.title;
  const problem: Problem = {
    type: problemType(appError.code),
    title,
    status: kind.http,
    code: appError.code,
  };
  // 5xx answers never carry the internal message; the log has it. A message that only repeats
  // the code's title (in English, as it crossed gRPC, or in the answer's language) is left out.
  if (kind.http < 500 && message !== kind.title && message !== title) problem.detail = message;
  if (instance) problem.instance = instance;
  if (details.length > 0) problem.errors = details;
  if (kind.http < 500) Object.assign(problem, wellFormedExtensions(appError.extensions));
  return problem;
}
