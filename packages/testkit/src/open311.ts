import { readFileSync } from 'node:fs';
import { DOMParser, type Element } from '@xmldom/xmldom';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { expect } from 'vitest';

/**
 * Checking Open311 answers as a GeoReport v2 client would: JSON against the community's schemas
 * (`../shared/open311` beside the checkout; mind the errata in its README), XML read with an XML
 * parser of its own (not the one the gateway writes with).
 */

// packages/testkit/src → the folder holding the checkout → shared/open311.
const schemaFolder = new URL('../../../../shared/open311/', import.meta.url);
const readSchema = (name: string) => JSON.parse(readFileSync(new URL(name, schemaFolder), 'utf8'));

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
// "uid" (swagger's format of ids) is no JSON Schema format: any string.
ajv.addFormat('uid', true);
ajv.addSchema(readSchema('request.json'), 'request.json');
ajv.addSchema(readSchema('service.json'), 'service.json');
ajv.addSchema({ definitions: readSchema('swagger.json').definitions }, 'swagger');
const compiled = new Map<string, ValidateFunction>();

/**
 * A validator for a schema file of shared/open311 (`requests.json`), a swagger definition
 * (`swagger#/definitions/Error`) or a schema of the test's own that refers to them.
 */
export function open311Validator(schema: string | object): ValidateFunction {
  const key = typeof schema === 'string' ? schema : JSON.stringify(schema);
  let validate = compiled.get(key);
  if (!validate) {
    validate =
      typeof schema !== 'string'
        ? ajv.compile(schema)
        : schema.startsWith('swagger#')
          ? ajv.getSchema(schema)
          : ajv.compile(readSchema(schema));
    if (!validate) throw new Error(`no Open311 schema ${schema}`);
    compiled.set(key, validate);
  }
  return validate;
}

export function expectOpen311Valid(schema: string | object, value: unknown): void {
  const validate = open311Validator(schema);
  expect(validate(value), JSON.stringify(validate.errors)).toBe(true);
}

/** A list of a swagger definition: the JSON answers the swagger gives no schema file of their own. */
export function swaggerList(definition: string, minItems = 0): object {
  return { type: 'array', minItems, items: { $ref: `swagger#/definitions/${definition}` } };
}

/**
 * The error answer as the GeoReport v2 specification defines it (the community schemas have no
 * schema of it): a non-empty list of `{code, description}`.
 */
export const open311ErrorList = {
  type: 'array',
  minItems: 1,
  items: {
    type: 'object',
    required: ['code', 'description'],
    additionalProperties: false,
    properties: { code: { type: 'integer' }, description: { type: 'string', minLength: 1 } },
  },
} as const;

/** The root element of an XML answer; a parser warning or error fails the test. */
export function parseXml(body: string): Element {
  const errors: string[] = [];
  const document = new DOMParser({
    onError: (level, message) => {
      errors.push(`${level}: ${message}`);
    },
  }).parseFromString(body, 'text/xml');
  expect(errors).toEqual([]);
  const root = document.documentElement;
  if (!root) throw new Error('no root element');
  return root;
}

/** The child elements of an element, optionally only those of one name. */
export function xmlChildren(element: Element, name?: string): Element[] {
  const found: Element[] = [];
  for (let node = element.firstChild; node; node = node.nextSibling) {
    if (node.nodeType === 1 && (name === undefined || node.nodeName === name)) found.push(node as Element);
  }
  return found;
}

/** An XML record's elements as [name, text], in order. */
export function xmlFields(element: Element): Array<[string, string]> {
  return xmlChildren(element).map((child) => [child.nodeName, child.textContent ?? '']);
}
