import Negotiator from 'negotiator';

/** The languages answers are written in: Indonesian, the platform's first language, and English. */
export const languages = ['id', 'en'] as const;

export type Language = (typeof languages)[number];

export const defaultLanguage: Language = 'id';

/**
 * The language to answer in, by the request's Accept-Language (RFC 9110 §12.5.4, weights and
 * ranges as negotiator reads them: `id-ID` asks for `id`, `en-GB;q=0.8` for `en`). Without the
 * header, or when it names neither, Indonesian.
 */
export function negotiateLanguage(acceptLanguage: string | string[] | undefined): Language {
  if (acceptLanguage === undefined || acceptLanguage === '') return defaultLanguage;
  const header = Array.isArray(acceptLanguage) ? acceptLanguage.join(', ') : acceptLanguage;
  const preferred = new Negotiator({ headers: { 'accept-language': header } }).language(languages);
  return (preferred as Language | undefined) ?? defaultLanguage;
}
