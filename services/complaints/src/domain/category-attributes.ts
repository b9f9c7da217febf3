import type { ErrorDetail } from '@balai/platform';
import { normaliseText, textCharacterProblem } from '@balai/platform';
import { type AttributeDatatype, attributeDatatypes, type CategoryAttribute } from '../data/category.schema.js';

/** The value(s) a reporter gave for one attribute (one, except for a multivaluelist). */
export interface AttributeValue {
  code: string;
  values: string[];
}

export const attributeCodePattern = /^[a-z][a-z0-9_]{0,39}$/;
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
 * no value with control characters (free-text.ts; checked as sent), each value of its datatype.
 * Returns the problems (fields `/attributes/<code>`) and the values to store, trimmed with LF
 * line endings, in the definitions' order.
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

/** Checks attribute definitions as a tenant admin sent them; problems under `/attributes/<index>`. */
export function validateAttributeDefinitions(attributes: readonly CategoryAttribute[]): ErrorDetail[] {
  const problems: ErrorDetail[] = [];
  if (attributes.length > 20) problems.push({ field: '/attributes', message: 'must be at most 20' });
  const codes = new Set<string>();
  attributes.forEach((attribute, index) => {
    const field = `/attributes/${index}`;
    if (!attributeCodePattern.test(attribute.code)) {
      problems.push({ field: `${field}/code`, message: 'must be a code such as depth_cm (a-z, 0-9, _)' });
    } else if (codes.has(attribute.code)) problems.push({ field: `${field}/code`, message: 'is used twice' });
    codes.add(attribute.code);
    if (!(attributeDatatypes as readonly string[]).includes(attribute.datatype)) {
      problems.push({ field: `${field}/datatype`, message: `must be one of ${attributeDatatypes.join(', ')}` });
    }
    if (!Number.isInteger(attribute.order) || attribute.order < 0 || attribute.order > 1000) {
      problems.push({ field: `${field}/order`, message: 'must be a whole number from 0 to 1000' });
    }
    if (attribute.description.length > 500) {
      problems.push({ field: `${field}/description`, message: 'must be at most 500 characters' });
    }
    const isList = attribute.datatype === 'singlevaluelist' || attribute.datatype === 'multivaluelist';
    const keys = attribute.values.map((option) => option.key);
    if (isList && (keys.length === 0 || keys.length > 50)) {
      problems.push({ field: `${field}/values`, message: 'a list needs 1 to 50 values' });
    } else if (!isList && keys.length > 0) {
      problems.push({ field: `${field}/values`, message: 'only list datatypes take values' });
    } else if (new Set(keys).size !== keys.length || keys.some((key) => !/^[A-Za-z0-9._-]{1,64}$/.test(key))) {
      problems.push({ field: `${field}/values`, message: 'keys must be unique codes (A-Z, a-z, 0-9, . _ -)' });
    } else if (attribute.values.some((option) => option.name.trim().length < 1 || option.name.length > 100)) {
      problems.push({ field: `${field}/values`, message: 'names must be 1 to 100 characters' });
    }
  });
  return problems;
}
