import {
  attributeCode,
  attributeValueKeyPattern,
  boundedText,
  type ErrorDetail,
  fieldProblems,
  normaliseText,
  oneOf,
  textCharacterProblem,
  wholeNumber,
  withMessage,
} from '@balai/platform';
import Type from 'typebox';
import { type AttributeDatatype, attributeDatatypes, type CategoryAttribute } from '../data/category.schema.js';
import { catalogueText, firstCharacterProblem } from './free-text.js';

/** The value(s) a reporter gave for one attribute (one, except for a multivaluelist). */
export interface AttributeValue {
  code: string;
  values: string[];
}

const maxLength: Record<AttributeDatatype, number> = {
  string: 200,
  text: 4000,
  number: 40,
  datetime: 40,
  singlevaluelist: 64,
  multivaluelist: 64,
};
const isoDateTime = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2}))?$/;
const decimal = /^-?\d{1,15}(\.\d{1,10})?$/;

function valueProblem(definition: CategoryAttribute, value: string): string | null {
  if (value.length > maxLength[definition.datatype])
    return `must be at most ${maxLength[definition.datatype]} characters`;
  switch (definition.datatype) {
    case 'number':
      return decimal.test(value) ? null : 'must be a number';
    case 'datetime':
      return isoDateTime.test(value) && !Number.isNaN(Date.parse(value))
        ? null
        : 'must be an ISO 8601 date or date-time';
    case 'singlevaluelist':
    case 'multivaluelist':
      return definition.values.some((option) => option.key === value)
        ? null
        : `must be one of ${definition.values.map((option) => option.key).join(', ')}`;
    default:
      return value.trim() === '' ? 'must not be blank' : null;
  }
}

/**
 * Checks the reporter's attribute values against the category's definitions (Open311 style):
 * every code known and given once, every required one present, one value unless multivaluelist,
 * no value with control characters (the platform's text rule, checked as sent), each value of
 * its datatype. Returns the problems (fields `/attributes/<code>`) and the values to store,
 * trimmed with LF line endings, in the definitions' order.
 */
export function validateAttributeValues(
  definitions: readonly CategoryAttribute[],
  given: readonly AttributeValue[],
): { problems: ErrorDetail[]; values: AttributeValue[] } {
  const problems: ErrorDetail[] = [];
  const byCode = new Map<string, string[]>();
  for (const entry of given) {
    const code = String(entry.code);
    if (byCode.has(code)) problems.push({ field: `/attributes/${code}`, message: 'is given more than once' });
    else if (!definitions.some((definition) => definition.code === code)) {
      problems.push({ field: `/attributes/${code}`, message: 'is not an attribute of this category' });
    }
    byCode.set(
      code,
      entry.values.map((value) => String(value)),
    );
  }
  const values: AttributeValue[] = [];
  for (const definition of [...definitions].sort((a, b) => a.order - b.order)) {
    const field = `/attributes/${definition.code}`;
    const given = byCode.get(definition.code) ?? [];
    const characters = given.map((value) => textCharacterProblem(value, 'multi')).find((found) => found !== null);
    if (characters) {
      problems.push({ field, message: characters });
      continue;
    }
    const entered = given.map(normaliseText).filter((value) => value !== '');
    if (entered.length === 0) {
      if (definition.required) problems.push({ field, message: 'is required' });
      continue;
    }
    if (definition.datatype !== 'multivaluelist' && entered.length > 1) {
      problems.push({ field, message: 'takes one value' });
      continue;
    }
    if (new Set(entered).size !== entered.length) {
      problems.push({ field, message: 'has a value more than once' });
      continue;
    }
    const problem = entered.map((value) => valueProblem(definition, value)).find((found) => found !== null);
    if (problem) problems.push({ field, message: problem });
    else values.push({ code: definition.code, values: entered });
  }
  return { problems, values };
}

const maxAttributes = 20;
const AttributeCountSchema = Type.Object({
  attributes: withMessage(Type.Array(Type.Unknown(), { maxItems: maxAttributes }), `must be at most ${maxAttributes}`),
});

/**
 * One attribute as a tenant admin defines it, as sent. Its values are one field: their names'
 * characters here, how they fit the datatype in definitionValuesProblem.
 */
const AttributeDefinitionSchema = Type.Object({
  code: attributeCode(),
  datatype: oneOf(attributeDatatypes),
  order: wholeNumber({ min: 0, max: 1000 }),
  labels: Type.Object({ id: boundedText({ max: 500 }), en: boundedText({ max: 500 }) }),
  values: Type.Refine(
    Type.Array(Type.Object({ key: Type.String(), names: Type.Object({ id: Type.String(), en: Type.String() }) })),
    (values: unknown) => Array.isArray(values) && firstCharacterProblem(namesOf(values)) === null,
    (values: unknown) => firstCharacterProblem(namesOf(values)) ?? 'must be a list of values',
  ),
});

/** Every value's name in each language, as sent. */
function namesOf(values: unknown): unknown[] {
  if (!Array.isArray(values)) return [];
  return values.flatMap((option: { names?: { id?: unknown; en?: unknown } } | null) => [
    option?.names?.id,
    option?.names?.en,
  ]);
}

/** What is wrong with a definition's values for its datatype, or null. */
function definitionValuesProblem({ datatype, values }: CategoryAttribute): string | null {
  const isList = datatype === 'singlevaluelist' || datatype === 'multivaluelist';
  const keys = values.map((option) => option.key);
  if (isList && (keys.length === 0 || keys.length > 50)) return 'a list needs 1 to 50 values';
  if (!isList && keys.length > 0) return 'only list datatypes take values';
  if (new Set(keys).size !== keys.length || keys.some((key) => !attributeValueKeyPattern.test(key))) {
    return 'keys must be unique codes (A-Z, a-z, 0-9, . _ -)';
  }
  const names = values.flatMap((option) => [catalogueText(option.names.id), catalogueText(option.names.en)]);
  if (names.some((name) => name.length < 1 || name.length > 100)) return 'names must be 1 to 100 characters';
  return null;
}

/**
 * Checks attribute definitions as a tenant admin sent them (before catalogueText), each against
 * its schema and then against the others (a code used twice) and its datatype (its values).
 * Problems under `/attributes/<index>`, one per field, in the definitions' order.
 */
export function validateAttributeDefinitions(attributes: readonly CategoryAttribute[]): ErrorDetail[] {
  const problems = fieldProblems(AttributeCountSchema, { attributes });
  const codes = new Set<string>();
  attributes.forEach((attribute, index) => {
    const at = `/attributes/${index}`;
    const own = fieldProblems(AttributeDefinitionSchema, attribute).map(({ field, message }) => ({
      field: `${at}${field}`,
      message,
    }));
    const named = (field: string) => own.some((problem) => problem.field === `${at}/${field}`);
    if (!named('code') && codes.has(attribute.code)) own.unshift({ field: `${at}/code`, message: 'is used twice' });
    codes.add(attribute.code);
    const valuesProblem = named('values') ? null : definitionValuesProblem(attribute);
    if (valuesProblem) own.push({ field: `${at}/values`, message: valuesProblem });
    problems.push(...own);
  });
  return problems;
}
