import { type ErrorDetail, normaliseText, textCharacterProblem } from '@balai/platform';

/*
 * Free text the complaints service stores (descriptions, addresses, notes, reasons, comments,
 * attribute values, reporter contacts and catalogue names): the platform's character rule
 * (packages/platform/src/text.ts) and the lengths.
 */

/**
 * The problems of one multi-line free-text field as a caller sent it: a string, without refused
 * characters, of `min` to `max` characters once normalised (`normaliseText`).
 */
export function textProblems(field: string, value: unknown, length: { min: number; max: number }): ErrorDetail[] {
  const text = typeof value === 'string' ? value : '';
  const characters = textCharacterProblem(text, 'multi');
  if (characters) return [{ field, message: characters }];
  const { min, max } = length;
  const size = normaliseText(text).length;
  return size < min || size > max ? [{ field, message: `must be ${min} to ${max} characters` }] : [];
}
