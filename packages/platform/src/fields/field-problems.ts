import type { Static, TSchema } from 'typebox';
import { Settings } from 'typebox/system';
import { Value } from 'typebox/value';
import { AppError, type ErrorDetail } from '../errors.js';

/*
 * TypeBox stops collecting errors at 8 (its guard against a value built to make validation
 * slow). An answer carries up to 20 details (errors.ts), one per field, which a request with
 * many wrong fields should get; 40 errors leave room for two per field.
 */
Settings.Set({ maxErrors: 40 });

interface Refinement {
  check(value: unknown): boolean;
  error(value: unknown): string;
}

/** The schema a validation error's schemaPath ("#/properties/a/items") points at. */
function schemaAt(root: TSchema, schemaPath: string): Record<string, unknown> | undefined {
  let node: unknown = root;
  for (const part of schemaPath.replace(/^#\/?/, '').split('/').filter(Boolean)) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = Reflect.get(node, decodeURIComponent(part.replace(/~1/g, '/').replace(/~0/g, '~')));
  }
  return typeof node === 'object' && node !== null ? (node as Record<string, unknown>) : undefined;
}

function refinementsOf(schema: Record<string, unknown> | undefined): Refinement[] {
  const refinements = schema?.['~refine'];
  return Array.isArray(refinements) ? refinements : [];
}

/**
 * What is wrong with a value, by a schema of the field vocabulary (fields.ts), as the details
 * of a VALIDATION_FAILED: one per field (a JSON pointer), the first problem found there, in the
 * field's own words when it has them (its refinements), else TypeBox's.
 */
export function fieldProblems(schema: TSchema, value: unknown): ErrorDetail[] {
  const problems = new Map<string, string>();
  for (const error of Value.Errors(schema, value)) {
    const missing = error.keyword === 'required' ? error.params.requiredProperties[0] : undefined;
    const field = missing === undefined ? error.instancePath : `${error.instancePath}/${missing}`;
    if (problems.has(field)) continue;
    if (error.keyword === '~refine') {
      problems.set(field, error.params.message);
      continue;
    }
    // A missing field is asked as undefined, at its own schema under the object's.
    const fieldValue = missing === undefined ? Value.Pointer.Get(value, error.instancePath) : undefined;
    const fieldSchema = schemaAt(
      schema,
      missing === undefined ? error.schemaPath : `${error.schemaPath}/properties/${missing}`,
    );
    const refinements = refinementsOf(fieldSchema);
    const own = refinements.find((refinement) => !refinement.check(fieldValue));
    // A field's refinements are its whole rule. Where its JSON Schema part is stricter (text
    // counted as sent, not once normalised), that part is the gateway's early refusal only.
    if (refinements.length > 0 && !own) continue;
    problems.set(field, own ? own.error(fieldValue) : error.message);
  }
  return [...problems].map(([field, message]) => ({ field, message }));
}

/**
 * Throws VALIDATION_FAILED with the problems of `value`, if it has any; else gives it back typed
 * by the schema (as its fields' whole rules read it, not the gateway's stricter JSON Schema).
 */
export function checkFields<T extends TSchema>(
  schema: T,
  value: unknown,
  message = 'The request is not valid',
): Static<T> {
  refuseProblems(fieldProblems(schema, value), message);
  return value as Static<T>;
}

/**
 * Throws VALIDATION_FAILED with `problems`, if there are any: for a use case that adds problems
 * of its own (a rule across fields, a look-up) to its schema's.
 */
export function refuseProblems(problems: ErrorDetail[], message = 'The request is not valid'): void {
  if (problems.length > 0) throw new AppError('VALIDATION_FAILED', message, problems);
}

/**
 * A gRPC request as its input schema reads it. proto3 has no unset string: a caller leaving an
 * optional field out sends '', which is taken here as the field left out.
 */
export function blanksLeftOut(input: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(input).filter(([, value]) => value !== ''));
}
