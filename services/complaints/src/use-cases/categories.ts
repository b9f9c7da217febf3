import {
  AppError,
  agencyId,
  boundedText,
  type CallContext,
  categoryCode,
  categoryGroup,
  checkCurrentVersion,
  type ErrorDetail,
  fieldProblems,
  isCategoryCode,
  refuseProblems,
  requireRole,
  requireTenant,
  staleVersion,
  wholeNumber,
  withMessage,
} from '@balai/platform';
import Type from 'typebox';
import type { CategoryAttribute } from '../data/category.schema.js';
import type { Category, CategoryChanges, CategoryRepository } from '../data/category-repository.js';
import { validateAttributeDefinitions } from '../domain/category-attributes.js';
import { catalogueText, firstCharacterProblem } from '../domain/free-text.js';

export interface CategoryDeps {
  categories: Pick<CategoryRepository, 'list' | 'findByCode' | 'insert' | 'update'>;
  clock: () => Date;
}

/** What a tenant admin sends for a category; the code comes from the path. */
export type CategoryInput = CategoryChanges;

const isAdmin = (context: CallContext) =>
  context.roles.includes('tenant_admin') || context.roles.includes('platform_admin');

/** The tenant's catalogue, by code. Public; inactive categories only for admins who ask. */
export async function listCategories(
  deps: Pick<CategoryDeps, 'categories'>,
  context: CallContext,
  options: { includeInactive?: boolean } = {},
): Promise<Category[]> {
  const tenantId = requireTenant(context);
  return deps.categories.list(tenantId, { includeInactive: Boolean(options.includeInactive) && isAdmin(context) });
}

export async function getCategory(
  deps: Pick<CategoryDeps, 'categories'>,
  context: CallContext,
  code: string,
): Promise<Category> {
  const tenantId = requireTenant(context);
  const category = isCategoryCode(code) ? await deps.categories.findByCode(tenantId, code) : null;
  if (!category || (!category.active && !isAdmin(context))) throw new AppError('CATEGORY_NOT_FOUND');
  return category;
}

const maxKeywords = 30;

/** Keywords as stored: catalogue text, lower-case, each once. */
function catalogueKeywords(keywords: readonly unknown[]): string[] {
  return [...new Set(keywords.map((keyword) => catalogueText(keyword).toLowerCase()))];
}

/** The keywords are one field: their characters as sent, then how many and how long once stored. */
const KeywordsSchema = Type.Refine(
  Type.Refine(
    Type.Array(Type.String()),
    (keywords: unknown) => Array.isArray(keywords) && firstCharacterProblem(keywords) === null,
    (keywords: unknown) => firstCharacterProblem(keywords) ?? 'must be a list of keywords',
  ),
  (keywords: unknown) => {
    if (!Array.isArray(keywords)) return false;
    const stored = catalogueKeywords(keywords);
    return stored.length <= maxKeywords && stored.every((keyword) => keyword.length >= 2 && keyword.length <= 40);
  },
  () => `at most ${maxKeywords} keywords of 2 to 40 characters`,
);

/**
 * A category as any gRPC caller sends it, its code from the path; its attributes are checked by
 * validateAttributeDefinitions, against each other too. Names are shown to the public and
 * written into Open311 XML: their characters are checked as sent.
 */
const CategoryInputSchema = Type.Object({
  code: categoryCode(),
  names: Type.Object({ id: boundedText({ min: 2, max: 100 }), en: boundedText({ min: 2, max: 100 }) }),
  group: categoryGroup(),
  keywords: Type.Optional(KeywordsSchema),
  agencyId: agencyId(),
  slaHours: wholeNumber({ min: 1, max: 8760 }),
});

const UpsertCategoryInputSchema = Type.Object({
  expectedVersion: withMessage(Type.Integer({ minimum: 0 }), 'must be 0 to create, else the version last read'),
});

/** Checks a category as any gRPC caller sent it, and normalises it as stored. */
export function validateCategory(
  code: string,
  input: CategoryInput,
): { problems: ErrorDetail[]; changes: CategoryChanges } {
  const problems = [
    ...fieldProblems(CategoryInputSchema, { ...input, code }),
    ...validateAttributeDefinitions(input.attributes ?? []),
  ];
  const attributes: CategoryAttribute[] = (input.attributes ?? []).map((attribute) => ({
    code: String(attribute.code),
    datatype: attribute.datatype,
    required: Boolean(attribute.required),
    order: attribute.order,
    labels: { id: catalogueText(attribute.labels?.id), en: catalogueText(attribute.labels?.en) },
    values: (attribute.values ?? []).map((option) => ({
      key: String(option.key),
      names: { id: catalogueText(option.names?.id), en: catalogueText(option.names?.en) },
    })),
  }));
  return {
    problems,
    changes: {
      names: { id: catalogueText(input.names?.id), en: catalogueText(input.names?.en) },
      group: input.group,
      keywords: catalogueKeywords(input.keywords ?? []),
      agencyId: input.agencyId,
      slaHours: input.slaHours,
      anonymousAllowed: Boolean(input.anonymousAllowed),
      attributes,
      active: input.active !== false,
    },
  };
}

/**
 * A tenant admin creates (expectedVersion 0) or replaces (at the version last read) a category.
 * Each change bumps the version and appends a history entry in the same write. The agency id
 * is checked for its form only: agencies are identity's (checking them needs identity's events).
 */
export async function upsertCategory(
  deps: CategoryDeps,
  context: CallContext,
  input: { code: string; expectedVersion: number; category: CategoryInput },
): Promise<{ category: Category; created: boolean }> {
  const tenantId = requireTenant(context);
  requireRole(context, ['tenant_admin', 'platform_admin']);
  const { problems, changes } = validateCategory(input.code, input.category);
  problems.push(...fieldProblems(UpsertCategoryInputSchema, input));
  const expected = input.expectedVersion;
  refuseProblems(problems, 'The category is not valid');
  const now = deps.clock();
  const actorId = context.subject ?? '';
  if (expected === 0) {
    const category: Category = { ...changes, tenantId, code: input.code, version: 1, updatedAt: now };
    const history = { version: 1, action: 'created' as const, at: now, actorId, changedFields: Object.keys(changes) };
    if (!(await deps.categories.insert(category, history))) throw new AppError('CATEGORY_EXISTS');
    return { category, created: true };
  }
  const current = await deps.categories.findByCode(tenantId, input.code);
  if (!current) throw new AppError('CATEGORY_NOT_FOUND');
  checkCurrentVersion(current.version, expected);
  const changedFields = (Object.keys(changes) as Array<keyof CategoryChanges>).filter(
    (field) => JSON.stringify(current[field]) !== JSON.stringify(changes[field]),
  );
  const history = { version: expected + 1, action: 'updated' as const, at: now, actorId, changedFields };
  const result = await deps.categories.update(tenantId, input.code, expected, changes, history);
  if (result.outcome === 'not_found') throw new AppError('CATEGORY_NOT_FOUND');
  if (result.outcome === 'stale') throw staleVersion(result.currentVersion);
  return { category: result.category, created: false };
}
