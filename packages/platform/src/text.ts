/*
 * The one character rule for free text any service stores (complaints' descriptions and notes,
 * identity's agency and partner-app names, ...). Threat (security probe, issue 11): NUL and
 * other control characters stored as sent end up in staff screens, logs, CSV exports and
 * Open311 XML (where most of them make the document ill-formed), or hide text from whoever
 * reads it. Such text is refused, never cleaned up for the sender. Every script, accent and
 * emoji stays allowed.
 */

/**
 * C0 controls, DEL and C1 controls (`\p{Cc}`: U+0000–U+001F, U+007F–U+009F), unpaired
 * surrogates (`\p{Cs}`: not text in any Unicode encoding) and the non-characters (U+FDD0–U+FDEF
 * and U+xFFFE/U+xFFFF of every plane).
 */
const refusedOnOneLine = /[\p{Cc}\p{Cs}\p{Noncharacter_Code_Point}]/u;
/** The same, except tab and line feed, which multi-line text keeps. */
const refusedInLines = /(?![\t\n])[\p{Cc}\p{Cs}\p{Noncharacter_Code_Point}]/u;

/** `single`: a name, a phone number; `multi`: text that may hold tabs and line breaks. */
export type TextLines = 'single' | 'multi';

/**
 * CRLF as LF: HTML forms and Windows clients send CRLF line endings, which are stored as LF. A
 * carriage return anywhere else is a control character like any other.
 */
export function normaliseLineEndings(value: string): string {
  return value.replace(/\r\n/g, '\n');
}

/** Text of one line as stored (a name, an address): trimmed, every run of whitespace one space. */
export function singleSpaced(value: string): string {
  return value.trim().replace(/\s+/g, ' ');
}

/** Multi-line free text as stored: LF line endings, trimmed. */
export function normaliseText(value: string): string {
  return normaliseLineEndings(value).trim();
}

const codePoint = (value: string, index: number) =>
  `U+${(value.codePointAt(index) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;

/**
 * Why the text may not be stored, or null. Checks the text as sent, before any trimming: trim()
 * would drop a vertical tab or form feed at either end unseen.
 */
export function textCharacterProblem(value: string, lines: TextLines): string | null {
  const text = lines === 'multi' ? normaliseLineEndings(value) : value;
  const found = (lines === 'multi' ? refusedInLines : refusedOnOneLine).exec(text);
  if (!found) return null;
  return /\p{Cc}/u.test(found[0])
    ? `must not contain control characters (found ${codePoint(text, found.index)})`
    : `must not contain unpaired surrogates or non-characters (found ${codePoint(text, found.index)})`;
}
