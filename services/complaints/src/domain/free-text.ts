import { singleSpaced, textCharacterProblem } from '@balai/platform';

/*
 * Free text the complaints service stores (descriptions, addresses, notes, reasons, comments,
 * attribute values, reporter contacts and catalogue names) is checked by the platform's
 * boundedText field (packages/platform/src/fields/fields.ts): characters as sent, before any
 * trimming, and lengths once normalised. What is left here is the catalogue's own form.
 */

/** Catalogue text as stored (names, keywords, attribute descriptions): trimmed, whitespace runs as one space. */
export function catalogueText(value: unknown): string {
  return typeof value === 'string' ? singleSpaced(value) : '';
}

/**
 * The first refused character among texts sent as one field (a category's keywords, the names of
 * a list attribute's values), checked as sent: `catalogueText` would fold tabs and line breaks
 * into spaces and trim other controls away unseen.
 */
export function firstCharacterProblem(texts: unknown): string | null {
  if (!Array.isArray(texts)) return null;
  for (const text of texts) {
    const problem = typeof text === 'string' ? textCharacterProblem(text, 'multi') : null;
    if (problem) return problem;
  }
  return null;
}
