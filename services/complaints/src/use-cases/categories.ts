import {
  AppError,
  type CallContext,
  type ErrorDetail,
  requireRole,
  requireTenant,
  textCharacterProblem,
} from '@balai/platform';
import type { CategoryAttribute } from '../data/category.schema.js';
import type { Category, CategoryChanges, CategoryRepository } from '../data/category-repository.js';
import { validateAttributeDefinitions } from '../domain/category-attributes.js';
import { agencyIdPattern, isCategoryCode } from './use-case-support.js';

export interface CategoryDeps {
  categories: Pick<CategoryRepository, 'list' | 'findByCode' | 'insert' | 'update'>;
  clock: () => Date;
}

const groupPattern = /^[a-z][a-z0-9-]{1,39}$/;

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

const text = (value: unknown) => (typeof value === 'string' ? value.trim().replace(/\s+/g, ' ') : '');

/**
 * Control characters in the catalogue's text, as sent: `text()` folds tabs and line breaks into
 * spaces but would trim others away unseen. Names and descriptions are shown to the public and
 * written into Open311 XML. One problem per field.
 */
function catalogueTextProblems(input: CategoryInput): ErrorDetail[] {
  const given: Array<[string, unknown]> = [
    ['/names/id', input.names?.id],
    ['/names/en', input.names?.en],
    ...(input.keywords ?? []).map((keyword): [string, unknown] => ['/keywords', keyword]),
    ...(input.attributes ?? []).flatMap(
      (attribute, index): Array<[string, unknown]> => [
        [`/attributes/${index}/description`, attribute.description],
        ...(attribute.values ?? []).map((option): [string, unknown] => [`/attributes/${index}/values`, option.name]),
      ],
    ),
  ];
  const problems = new Map<string, string>();
  for (const [field, value] of given) {
    const problem = typeof value === 'string' ? textCharacterProblem(value, 'multi') : null;
    if (problem && !problems.has(field)) problems.set(field, problem);
  }
  return [...problems].map(([field, message]) => ({ field, message }));
}

/** Checks and normalises a category as any gRPC caller sent it. */
export function validateCategory(
  code: string,
  input: CategoryInput,
): { problems: ErrorDetail[]; changes: CategoryChanges } {
  const problems: ErrorDetail[] = [];
  if (!isCategoryCode(code)) {
    problems.push({ field: '/code', message: 'must be a code such as roads.pothole' });
  }
  const names = { id: text(input.names?.id), en: text(input.names?.en) };
  for (const locale of ['id', 'en'] as const) {
    if (names[locale].length < 2 || names[locale].length > 100) {
      problems.push({ field: `/names/${locale}`, message: 'must be 2 to 100 characters' });
    }
  }
  if (!groupPattern.test(input.group)) problems.push({ field: '/group', message: 'must be a code such as roads' });
  const keywords = [...new Set((input.keywords ?? []).map((keyword) => text(keyword).toLowerCase()))];
  if (keywords.length > 30 || keywords.some((keyword) => keyword.length < 2 || keyword.length > 40)) {
    problems.push({ field: '/keywords', message: 'at most 30 keywords of 2 to 40 characters' });
  }
  if (!agencyIdPattern.test(input.agencyId))
    problems.push({ field: '/agencyId', message: 'must be an agency id such as dpupr' });
  if (!Number.isInteger(input.slaHours) || input.slaHours < 1 || input.slaHours > 8760) {
    problems.push({ field: '/slaHours', message: 'must be a whole number of hours from 1 to 8760' });
  }
  const attributes: CategoryAttribute[] = (input.attributes ?? []).map((attribute) => ({
    code: String(attribute.code),
    datatype: attribute.datatype,
    required: Boolean(attribute.required),
    order: attribute.order,
    description: text(attribute.description),
    values: (attribute.values ?? []).map((option) => ({ key: String(option.key), name: text(option.name) })),
  }));
  problems.push(...validateAttributeDefinitions(attributes), ...catalogueTextProblems(input));
  return {
    problems,
    changes: {
      names,
      group: input.group,
      keywords,
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
  const expected = input.expectedVersion;
  if (!Number.isInteger(expected) || expected < 0) {
    problems.push({ field: '/expectedVersion', message: 'must be 0 to create, else the version last read' });
  }
  if (problems.length > 0) throw new AppError('VALIDATION_FAILED', 'The category is not valid', problems);
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
  if (current.version !== expected) throw new AppError('STALE_VERSION');
  const changedFields = (Object.keys(changes) as Array<keyof CategoryChanges>).filter(
    (field) => JSON.stringify(current[field]) !== JSON.stringify(changes[field]),
  );
  const history = { version: expected + 1, action: 'updated' as const, at: now, actorId, changedFields };
  const result = await deps.categories.update(tenantId, input.code, expected, changes, history);
  if (result.outcome === 'not_found') throw new AppError('CATEGORY_NOT_FOUND');
  if (result.outcome === 'stale') throw new AppError('STALE_VERSION');
  return { category: result.category, created: false };
}
