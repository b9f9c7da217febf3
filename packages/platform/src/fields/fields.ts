import Type, { type TSchema } from 'typebox';
import { Value } from 'typebox/value';
import { tenantIdPattern } from '../grpc/context.js';
import { normaliseText, singleSpaced, type TextLines, textCharacterProblem } from '../text.js';

/*
 * The platform's field vocabulary: each field a caller sends, defined once as a TypeBox schema.
 * The JSON Schema part is what the gateway validates (ajv) and publishes in /openapi.json; the
 * refinements (Type.Refine, invisible in JSON) carry the whole rule with the message a service
 * answers when it validates the same field (fieldProblems in field-problems.ts). A refinement is
 * written for any value, not only one the JSON Schema part let through: fieldProblems asks it for
 * the message of every failure at its field.
 *
 * Each field is a function taking the schema options of its use (description, examples), so a
 * route documents the field in its own words without restating the rule. The options document;
 * they do not constrain: a service checks the field's refinements, which do not see them. A new
 * constraint is a new field.
 */

type StringOptions = NonNullable<Parameters<typeof Type.String>[0]>;
type NumberOptions = NonNullable<Parameters<typeof Type.Number>[0]>;

function patterned(pattern: RegExp, message: string, options: StringOptions = {}) {
  return Type.Refine(
    Type.String({ pattern: pattern.source, ...options }),
    (value: unknown) => typeof value === 'string' && pattern.test(value),
    () => message,
  );
}

/** A tenant: a region code, "36" (province) or "36.73" (city), down to a village. */
export const tenantId = (options?: StringOptions) =>
  patterned(tenantIdPattern, 'must be a region code such as 36.73', options);

const agencyIdPattern = /^[a-z][a-z0-9-]{1,31}$/;
/** An agency (OPD) of a tenant, as identity keeps them: "dpupr". */
export const agencyId = (options?: StringOptions) =>
  patterned(agencyIdPattern, 'must be an agency id such as dpupr', options);

export const categoryCodePattern = /^[a-z0-9]+([._-][a-z0-9]+)*$/;
/** A complaint category's code (Open311's service_code): "roads.pothole". */
export const categoryCode = (options?: StringOptions) =>
  Type.Refine(
    Type.String({ pattern: categoryCodePattern.source, maxLength: 64, ...options }),
    (value: unknown) => typeof value === 'string' && isCategoryCode(value),
    () => 'must be a category code such as roads.pothole',
  );

export function isCategoryCode(value: string): boolean {
  return value.length <= 64 && categoryCodePattern.test(value);
}

/** A category's group in the catalogue (Open311's group): "roads". */
export const categoryGroup = (options?: StringOptions) =>
  patterned(/^[a-z][a-z0-9-]{1,39}$/, 'must be a code such as roads', options);

const attributeCodePattern = /^[a-z][a-z0-9_]{0,39}$/;
/** The code of a category's attribute (a question the reporter answers): "depth_cm". */
export const attributeCode = (options?: StringOptions) =>
  patterned(attributeCodePattern, 'must be a code such as depth_cm (a-z, 0-9, _)', options);

export const attributeValueKeyPattern = /^[A-Za-z0-9._-]{1,64}$/;
/** The key of one of the values a list attribute offers (Open311's attribute value key): "bus_stop". */
export const attributeValueKey = (options?: StringOptions) =>
  patterned(attributeValueKeyPattern, 'must be a key such as bus_stop (A-Z, a-z, 0-9, . _ -)', options);

const userIdPattern = /^[A-Za-z0-9._:-]{1,64}$/;
/** A user (citizen or staff) as identity names them. */
export const userId = (options?: StringOptions) => patterned(userIdPattern, 'must be a user id', options);

/**
 * Whom an officer files a complaint for at a counter: the citizen's user id, or a reference of
 * the counter's own (longer than a user id may be).
 */
export const citizenReference = (options?: StringOptions) =>
  patterned(/^[A-Za-z0-9._:-]{1,100}$/, 'must be 1 to 100 characters (A-Z, a-z, 0-9, . _ : -)', options);

/**
 * An id as a list filter takes it (an agency, an officer, a complaint): looser than any one id's
 * own shape, only enough to keep operators and paths out of a query.
 */
export const filterIdPattern = /^[A-Za-z0-9._:@-]{1,128}$/;
export const filterId = (options?: StringOptions) => patterned(filterIdPattern, 'must be an id', options);

const idempotencyKeyPattern = /^[\x21-\x7e]{1,200}$/;
/** An Idempotency-Key (IETF httpapi-idempotency-key): 1 to 200 visible ASCII characters. */
export const idempotencyKey = (options?: StringOptions) =>
  patterned(idempotencyKeyPattern, 'must be 1 to 200 visible ASCII characters', options);

/**
 * Free text as stored: no refused characters (text.ts), `min` to `max` characters once
 * normalised (line endings, trimmed). The JSON Schema part counts the text as sent.
 */
export const boundedText = (
  length: { min?: number; max: number },
  lines: TextLines = 'multi',
  options: StringOptions = {},
) => {
  const { min = 0, max } = length;
  return Type.Refine(
    Type.Refine(
      Type.String({ ...(min > 0 ? { minLength: min } : {}), maxLength: max, ...options }),
      // Not text at all (missing) is a length problem: the next refinement says so.
      (value: unknown) => typeof value !== 'string' || textCharacterProblem(value, lines) === null,
      (value: unknown) => textCharacterProblem(String(value), lines) ?? 'must be text',
    ),
    (value: unknown) => {
      if (typeof value !== 'string') return false;
      const size = (lines === 'multi' ? normaliseText(value) : value.trim()).length;
      return size >= min && size <= max;
    },
    () => (min > 0 ? `must be ${min} to ${max} characters` : `must be at most ${max} characters`),
  );
};

function ranged(limit: number, message: string, options: NumberOptions = {}) {
  return Type.Refine(
    Type.Number({ minimum: -limit, maximum: limit, ...options }),
    (value: unknown) => typeof value === 'number' && Number.isFinite(value) && Math.abs(value) <= limit,
    () => message,
  );
}

/** A whole number from `min` to `max`: days, minutes, a score. */
export const wholeNumber = (range: { min: number; max: number }, options: NumberOptions = {}) =>
  Type.Refine(
    Type.Integer({ minimum: range.min, maximum: range.max, ...options }),
    (value: unknown) => Number.isInteger(value) && Number(value) >= range.min && Number(value) <= range.max,
    () => `must be a whole number from ${range.min} to ${range.max}`,
  );

/**
 * One of a few fixed strings (a locale, a role), published as `anyOf` of constants. Each choice
 * carries the rule: a validator reports the branch that failed, and its message is the field's.
 */
export const oneOf = <const Choices extends readonly string[]>(
  choices: Choices,
  options: Parameters<typeof Type.Union>[1] = {},
) => {
  const isChoice = (value: unknown) => typeof value === 'string' && choices.includes(value);
  const message = () => `must be one of ${choices.join(', ')}`;
  // Unsafe keeps the JSON as built and gives the union its static type (a mapped array of
  // literals would be a list, not a tuple, to TypeBox's types).
  return Type.Unsafe<Choices[number]>(
    Type.Union(
      choices.map((choice: Choices[number]) => Type.Refine(Type.Literal(choice), isChoice, message)),
      options,
    ),
  );
};

/** A point on the earth (WGS 84), as two fields of the object that holds it. */
export const point = (options: { latitude?: NumberOptions; longitude?: NumberOptions } = {}) => ({
  latitude: ranged(90, 'must be between -90 and 90', options.latitude),
  longitude: ranged(180, 'must be between -180 and 180', options.longitude),
});

/** The languages the platform answers in: Indonesian, the default, and English beside it. */
export const locales = ['id-ID', 'en'] as const;

/**
 * A tenant's settings, each with its bounds: identity keeps and resolves them, the gateway takes
 * and documents a tenant admin's changes. A value outside its bounds is refused, not clamped.
 */
export const tenantSettingFields = () => ({
  defaultLocale: oneOf(locales),
  complaintReopenWindowDays: wholeNumber({ min: 0, max: 365 }),
  complaintAutoCloseDays: wholeNumber({ min: 1, max: 90 }),
  otpTtlMinutes: wholeNumber({ min: 2, max: 60 }),
  staffActivationTtlHours: wholeNumber({ min: 1, max: 336 }),
});

export const nikPattern = /^[0-9]{16}$/;
/**
 * A NIK (Nomor Induk Kependudukan) as sent: 16 digits. Whether it can be a real one (region,
 * date of birth) is identity's rule (NIK_INVALID), not a field shape.
 */
export const nik = (options?: StringOptions) => patterned(nikPattern, 'must be 16 digits', options);

/**
 * A mobile phone number as a person writes it: digits with an optional +, spaces, dots, dashes
 * and brackets. Identity reads it as an Indonesian (+62) number (PHONE_INVALID when it is not).
 */
export const phone = (options?: StringOptions) =>
  patterned(/^\+?[0-9][0-9 ().-]{7,19}$/, 'must be a phone number such as 0812 3456 7890', options);

const fullNameLetters = /^[\p{L}\p{M}][\p{L}\p{M} .,'-]*$/u;
/**
 * A person's name as written: letters of any script, spaces and . , ' - ; 2 to 100 characters
 * once normalised (singleSpaced). The JSON Schema part counts the name as sent.
 */
export const fullName = (options: StringOptions = {}) =>
  Type.Refine(
    Type.Refine(
      Type.String({ minLength: 2, maxLength: 100, pattern: `^\\s*${fullNameLetters.source.slice(1)}`, ...options }),
      (value: unknown) => {
        if (typeof value !== 'string') return false;
        const { length } = singleSpaced(value);
        return length >= 2 && length <= 100;
      },
      (value: unknown) => (typeof value === 'string' ? 'must be 2 to 100 characters' : 'must be a string'),
    ),
    (value: unknown) => typeof value === 'string' && fullNameLetters.test(singleSpaced(value)),
    () => "may hold letters, spaces and . , ' - only",
  );

/** An e-mail address, deliberately loose (RFC 5322 is not worth matching): one @, no spaces, a dot in the domain. */
export const emailPattern = /^[^\s@]{1,64}@[^\s@.]+(\.[^\s@.]+)+$/;
/** An e-mail address as a person gives it; compared trimmed and lower-cased. */
export const email = (options?: StringOptions) =>
  Type.Refine(
    Type.String({ format: 'email', maxLength: 254, ...options }),
    (value: unknown) => {
      if (typeof value !== 'string') return false;
      const address = value.trim().toLowerCase();
      return address.length <= 254 && emailPattern.test(address);
    },
    () => 'is not an e-mail address',
  );

/**
 * The e-mail address a partner app gives for whoever reported a complaint (Open311's email):
 * only its shape, looser than an account's (email), as other Open311 servers accept it.
 */
export const contactEmail = (options?: StringOptions) =>
  patterned(/^[^\s@]{1,64}@[^\s@]+\.[^\s@]+$/, 'must be an e-mail address', options);

/** An OAuth client_id as identity issues them (partner apps, registered clients). */
export const clientIdPattern = /^[A-Za-z0-9._-]{3,128}$/;
export const clientId = (options?: StringOptions) =>
  patterned(clientIdPattern, 'must be a client_id (3-128 of A-Z a-z 0-9 . _ -)', options);

export const oneTimeCodePattern = /^[0-9]{6}$/;
/** A one-time code as identity sends them to prove a contact or activate an account. */
export const oneTimeCode = (options?: StringOptions) => patterned(oneTimeCodePattern, 'must be 6 digits', options);

/**
 * An https URL on a public host, for an early refusal by shape: `https://` (any case), no
 * credentials, no whitespace, control characters, quotes, angle brackets, backticks or
 * backslashes. Where a URL is stored, the storing service also checks the host (complaints'
 * media URLs refuse private and internal addresses). Not `format: uri`: that is RFC 3986, ASCII
 * only, and would refuse the internationalised names the services accept.
 */
const httpsUrlPattern =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
  /^[Hh][Tt][Tt][Pp][Ss]:\/\/[^\s\u0000-\u001F\u007F-\u009F<>"'`\\@/?#]+([/?#][^\s\u0000-\u001F\u007F-\u009F<>"'`\\]*)?$/u;
export const maxHttpsUrlLength = 2048;

/**
 * Why a value is not an https URL by shape (httpsUrlPattern and the length), in words a sender
 * can act on; null when it is one. Also refuses what text.ts refuses everywhere (unpaired
 * surrogates, non-characters), which the pattern lets through.
 */
export function httpsUrlProblem(value: unknown): string | null {
  if (typeof value !== 'string') return 'must be an https URL';
  if (value.length > maxHttpsUrlLength) return `must be at most ${maxHttpsUrlLength} characters`;
  const characters = textCharacterProblem(value, 'single');
  if (characters) return characters;
  if (httpsUrlPattern.test(value)) return null;
  // A backslash is read as "/" by URL parsers, so it counts with the markup.
  if (/[\s<>"'`\\]/u.test(value)) {
    return 'must not contain whitespace, quotes, angle brackets, backticks or backslashes';
  }
  // An `@` in the authority, even with nothing before it, is credentials to a URL parser.
  if (/^https:\/\/[^/?#]*@/i.test(value)) return 'must not contain credentials (user:password@)';
  return 'must be an https URL';
}

export const httpsUrl = (options?: StringOptions) =>
  Type.Refine(
    Type.String({ pattern: httpsUrlPattern.source, maxLength: maxHttpsUrlLength, ...options }),
    (value: unknown) => httpsUrlProblem(value) === null,
    (value: unknown) => httpsUrlProblem(value) ?? 'must be an https URL',
  );

/**
 * A use case's own shape that is no field of the vocabulary (an enumeration, a range), answered
 * in the use case's words: fieldProblems gives `message` for any failure of it instead of
 * TypeBox's. For schemas without refinements of their own (theirs would speak first).
 */
export function withMessage<T extends TSchema>(schema: T, message: string) {
  return Type.Refine(
    schema,
    (value: unknown) => Value.Check(schema, value),
    () => message,
  );
}

/** Any field, as the vocabulary's functions make them. */
export type Field = TSchema;
