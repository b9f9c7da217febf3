import { readdirSync, readFileSync } from 'node:fs';
import { DOMParser, type Element } from '@xmldom/xmldom';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { expect } from 'vitest';

/**
 * Checking Open311 answers as a GeoReport v2 client would: JSON against the project's own JSON
 * Schemas (`open311-schemas/` in this package, written from the specification; its README says
 * which section each comes from), XML read with an XML parser of its own (not the one the gateway
 * writes with).
 */

// From src/ (tests) and dist/ alike: the folder lives in this package, so a bare clone has it.
const schemaFolder = new URL('../open311-schemas/', import.meta.url);

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
const ajv = new Ajv({ allErrors: true });
addFormats(ajv);
for (const file of readdirSync(schemaFolder).filter((name) => name.endsWith('.json'))) {
  const schema = JSON.parse(readFileSync(new URL(file, schemaFolder), 'utf8'));
  // Tests and the schemas' own $refs name a schema by its file name.
  if (schema.$id !== file) throw new Error(`open311-schemas/${file}: $id must be "${file}", is "${schema.$id}"`);
  ajv.addSchema(schema);
}

/**
 * The record names of the community's Swagger description, which tests written against it use
 * (`swaggerList('RequestResponse')`, `swagger#/definitions/TokenResponse`); each is one of ours.
 */
const swaggerNames = {
  Service: 'services.json#/definitions/service',
  ServiceDefinition: 'service-definition.json',
  ServiceAttribute: 'service-definition.json#/definitions/attribute',
  AttributeValue: 'service-definition.json#/definitions/value',
  Request: 'requests.json#/definitions/request',
  RequestResponse: 'created-requests.json#/definitions/request',
  TokenResponse: 'tokens.json#/definitions/request',
} as const;
ajv.addSchema({
  $id: 'swagger',
  definitions: Object.fromEntries(Object.entries(swaggerNames).map(([name, ref]) => [name, { $ref: ref }])),
});

const compiled = new Map<string, ValidateFunction>();

/**
 * A validator for a schema of open311-schemas by file name (`requests.json`), for one of its
 * records (`requests.json#/definitions/request`, `swagger#/definitions/RequestResponse`), or for a
 * schema of the test's own that refers to them.
 */
export function open311Validator(schema: string | object): ValidateFunction {
  const key = typeof schema === 'string' ? schema : JSON.stringify(schema);
  let validate = compiled.get(key);
  if (!validate) {
    validate = typeof schema === 'string' ? ajv.getSchema(schema) : ajv.compile(schema);
    if (!validate) throw new Error(`no Open311 schema ${schema}`);
    compiled.set(key, validate);
  }
  return validate;
}

export function expectOpen311Valid(schema: string | object, value: unknown): void {
  const validate = open311Validator(schema);
  expect(validate(value), JSON.stringify(validate.errors)).toBe(true);
}

/** A list of at least `minItems` records of a Swagger name (`RequestResponse`), as a schema. */
export function swaggerList(definition: keyof typeof swaggerNames, minItems = 0): object {
  return { type: 'array', minItems, items: { $ref: `swagger#/definitions/${definition}` } };
}

/** The error answer of every endpoint: a non-empty list of `{code, description}`. */
export const open311ErrorList = 'errors.json';

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
