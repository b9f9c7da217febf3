import Type, { type TSchema } from 'typebox';
import { tenantIdPattern } from '../grpc/context.js';
import { normaliseText, type TextLines, textCharacterProblem } from '../text.js';

/*
 * The platform's field vocabulary: each field a caller sends, defined once as a TypeBox schema.
 * The JSON Schema part is what the gateway validates (ajv) and publishes in /openapi.json; the
 * refinements (Type.Refine, invisible in JSON) carry the whole rule with the message a service
 * answers when it validates the same field (fieldProblems in field-problems.ts). A refinement is
 * written for any value, not only one the JSON Schema part let through: fieldProblems asks it for
 * the message of every failure at its field.
 *
 * Each field is a function taking the schema options of its use (description, examples), so a
 * route documents the field in its own words without restating the rule.
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

export const agencyIdPattern = /^[a-z][a-z0-9-]{1,31}$/;
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

export const userIdPattern = /^[A-Za-z0-9._:-]{1,64}$/;
/** A user (citizen or staff) as identity names them. */
export const userId = (options?: StringOptions) => patterned(userIdPattern, 'must be a user id', options);

export const idempotencyKeyPattern = /^[\x21-\x7e]{1,200}$/;
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
      (value: unknown) => typeof value === 'string' && textCharacterProblem(value, lines) === null,
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

/** A point on the earth (WGS 84), as two fields of the object that holds it. */
export const point = (options: { latitude?: NumberOptions; longitude?: NumberOptions } = {}) => ({
  latitude: ranged(90, 'must be between -90 and 90', options.latitude),
  longitude: ranged(180, 'must be between -180 and 180', options.longitude),
});

/**
 * A NIK (Nomor Induk Kependudukan) as sent: 16 digits. Whether it can be a real one (region,
 * date of birth) is identity's rule (NIK_INVALID), not a field shape.
 */
export const nik = (options?: StringOptions) => patterned(/^[0-9]{16}$/, 'must be 16 digits', options);

/**
 * A mobile phone number as a person writes it: digits with an optional +, spaces, dots, dashes
 * and brackets. Identity reads it as an Indonesian (+62) number (PHONE_INVALID when it is not).
 */
export const phone = (options?: StringOptions) =>
  patterned(/^\+?[0-9][0-9 ().-]{7,19}$/, 'must be a phone number such as 0812 3456 7890', options);

/**
 * An https URL on a public host, for an early refusal by shape: `https://` (any case), no
 * credentials, no whitespace, control characters, quotes, angle brackets, backticks or
 * backslashes. Where a URL is stored, the storing service also checks the host (complaints'
 * media URLs refuse private and internal addresses). Not `format: uri`: that is RFC 3986, ASCII
 * only, and would refuse the internationalised names the services accept.
 */
export const httpsUrlPattern =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
  /^[Hh][Tt][Tt][Pp][Ss]:\/\/[^\s\u0000-\u001F\u007F-\u009F<>"'`\\@/?#]+([/?#][^\s\u0000-\u001F\u007F-\u009F<>"'`\\]*)?$/u;
export const httpsUrl = (options?: StringOptions) =>
  patterned(httpsUrlPattern, 'must be an https URL', { maxLength: 2048, ...options });

/** Any field, as the vocabulary's functions make them. */
export type Field = TSchema;
