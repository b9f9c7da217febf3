import { vi } from 'vitest';
import type { CategoryHistoryEntry } from './category.schema.js';
import type { Category, CategoryChanges, CategoryRepository, UpdateCategoryResult } from './category-repository.js';

const keyOf = (tenantId: string, code: string) => `${tenantId}|${code}`;

/**
 * CategoryRepository's contract in memory, for unit tests: one catalogue per tenant, an insert
 * that refuses a code the tenant has, version-guarded updates that append to the history.
 * Every method is a spy; `history` holds each category's entries.
 */
export function inMemoryCategories(...categories: Category[]) {
  const documents = new Map(
    categories.map((category) => [keyOf(category.tenantId, category.code), structuredClone(category)]),
  );
  const history = new Map<string, CategoryHistoryEntry[]>();
  const repository = {
    insert: vi.fn(async (category: Category, entry: CategoryHistoryEntry) => {
      const key = keyOf(category.tenantId, category.code);
      if (documents.has(key)) return false;
      documents.set(key, structuredClone(category));
      history.set(key, [entry]);
      return true;
    }),
    findByCode: vi.fn(async (tenantId: string, code: string) => {
      const found = documents.get(keyOf(tenantId, code));
      return found ? structuredClone(found) : null;
    }),
    list: vi.fn(async (tenantId: string, options: { includeInactive: boolean }) =>
      [...documents.values()]
        .filter((category) => category.tenantId === tenantId && (options.includeInactive || category.active))
        .sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0))
        .map((category) => structuredClone(category)),
    ),
    update: vi.fn(
      async (
        tenantId: string,
        code: string,
        expectedVersion: number,
        changes: CategoryChanges,
        entry: CategoryHistoryEntry,
      ): Promise<UpdateCategoryResult> => {
        const key = keyOf(tenantId, code);
        const current = documents.get(key);
        if (!current) return { outcome: 'not_found' };
        if (current.version !== expectedVersion) return { outcome: 'stale', currentVersion: current.version };
        const next: Category = { ...current, ...changes, version: current.version + 1, updatedAt: entry.at };
        documents.set(key, next);
        history.set(key, [...(history.get(key) ?? []), entry]);
        return { outcome: 'updated', category: structuredClone(next) };
      },
    ),
  } satisfies Pick<CategoryRepository, 'insert' | 'findByCode' | 'list' | 'update'>;
  return { ...repository, documents, history };
}
