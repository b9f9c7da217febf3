import { isDuplicateKey } from '@balai/platform';
import type {
  CategoryAttribute,
  CategoryDocument,
  CategoryHistoryEntry,
  CategoryModel,
  LocalisedText,
} from './category.schema.js';

/** A category as the domain sees it: the document without its id key and history. */
export type Category = Omit<CategoryDocument, '_id' | 'history'>;

/** What an update may replace; code, tenant, version and updatedAt are the repository's. */
export type CategoryChanges = Omit<Category, 'tenantId' | 'code' | 'version' | 'updatedAt'>;

export type UpdateCategoryResult =
  | { outcome: 'updated'; category: Category }
  | { outcome: 'not_found' }
  | { outcome: 'stale'; currentVersion: number };

/**
 * Attributes written before labels and value names were localised held one "Indonesian /
 * English" string (`description`, `name`); they read as the two halves of it, or the whole
 * string in both languages when it is not in that form. The next admin write stores them anew.
 */
type StoredAttribute = Omit<Partial<CategoryAttribute>, 'values'> & {
  description?: string;
  values?: Array<{ key: string; names?: LocalisedText; name?: string }>;
};

function fromLegacyText(text: string | undefined): LocalisedText {
  const halves = (text ?? '').split(' / ');
  const [id = '', en = ''] = halves;
  return halves.length === 2 ? { id: id.trim(), en: en.trim() } : { id: text ?? '', en: text ?? '' };
}

function readAttribute(stored: StoredAttribute): CategoryAttribute {
  const { description, ...attribute } = stored;
  return {
    ...(attribute as CategoryAttribute),
    labels: stored.labels ?? fromLegacyText(description),
    values: (stored.values ?? []).map((option) => ({
      key: option.key,
      names: option.names ?? fromLegacyText(option.name),
    })),
  };
}

/** A category as stored, in the form the domain reads (legacy attribute texts localised). */
export function readCategory(document: Category): Category {
  return { ...document, attributes: ((document.attributes ?? []) as StoredAttribute[]).map(readAttribute) };
}

const keyOf = (tenantId: string, code: string) => `${String(tenantId)}|${String(code)}`;
const projection = { _id: 0, history: 0 } as const;

/** The only code that touches the categories collection; every method is scoped to a tenant. */
export class CategoryRepository {
  constructor(private readonly model: CategoryModel) {}

  /** Inserts a new category with its first history entry; false when the code is taken in the tenant. */
  async insert(category: Category, history: CategoryHistoryEntry): Promise<boolean> {
    try {
      await this.model.create({ ...category, _id: keyOf(category.tenantId, category.code), history: [history] });
      return true;
    } catch (error) {
      if (isDuplicateKey(error)) return false;
      throw error;
    }
  }

  async findByCode(tenantId: string, code: string): Promise<Category | null> {
    // Exact _id: the one filter FerretDB serves from an index.
    const document = await this.model.findById(keyOf(tenantId, code), projection).lean<Category>().exec();
    return document && document.tenantId === String(tenantId) ? readCategory(document) : null;
  }

  async list(tenantId: string, options: { includeInactive: boolean }): Promise<Category[]> {
    const filter: Record<string, unknown> = { tenantId: String(tenantId) };
    if (!options.includeInactive) filter.active = true;
    const documents = await this.model.find(filter, projection).sort({ code: 1 }).lean<Category[]>().exec();
    return documents.map(readCategory);
  }

  /** Replaces the category at the expected version and appends the history entry, in one write. */
  async update(
    tenantId: string,
    code: string,
    expectedVersion: number,
    changes: CategoryChanges,
    history: CategoryHistoryEntry,
  ): Promise<UpdateCategoryResult> {
    const result = await this.model
      .updateOne(
        { _id: keyOf(tenantId, code), tenantId: String(tenantId), version: Number(expectedVersion) },
        { $set: { ...changes, updatedAt: history.at }, $inc: { version: 1 }, $push: { history } },
      )
      .exec();
    const current = await this.findByCode(tenantId, code);
    if (!current) return { outcome: 'not_found' };
    if (result.modifiedCount !== 1) return { outcome: 'stale', currentVersion: current.version };
    return { outcome: 'updated', category: current };
  }
}
