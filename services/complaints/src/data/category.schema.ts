import { type Connection, type Model, Schema } from 'mongoose';

export const attributeDatatypes = [
  'string',
  'number',
  'datetime',
  'text',
  'singlevaluelist',
  'multivaluelist',
] as const;
export type AttributeDatatype = (typeof attributeDatatypes)[number];

/** A text in Indonesian (the default locale) and English, as category names are. */
export interface LocalisedText {
  id: string;
  en: string;
}

/** An Open311-style attribute: a question the reporter answers when filing in the category. */
export interface CategoryAttribute {
  code: string;
  datatype: AttributeDatatype;
  required: boolean;
  order: number;
  /** The question as the reporter reads it. */
  labels: LocalisedText;
  /** Choices of the list datatypes; empty otherwise. */
  values: Array<{ key: string; names: LocalisedText }>;
}

/** One change of a category, kept in the category itself (who, when, which version). */
export interface CategoryHistoryEntry {
  version: number;
  action: 'created' | 'updated';
  at: Date;
  actorId: string;
  changedFields: string[];
}

export interface CategoryDocument {
  /** `<tenantId>|<code>`: the exact-_id insert keeps the code unique per tenant on any server. */
  _id: string;
  tenantId: string;
  /** Dotted code, for example "roads.pothole". */
  code: string;
  names: { id: string; en: string };
  group: string;
  keywords: string[];
  /** The agency (OPD) that handles complaints of this category, for example "dpupr". */
  agencyId: string;
  slaHours: number;
  anonymousAllowed: boolean;
  attributes: CategoryAttribute[];
  active: boolean;
  version: number;
  updatedAt: Date;
  history: CategoryHistoryEntry[];
}

const attributeSchema = new Schema<CategoryAttribute>(
  {
    code: { type: String, required: true },
    datatype: { type: String, required: true, enum: attributeDatatypes },
    required: { type: Boolean, required: true },
    order: { type: Number, required: true },
    labels: { id: { type: String, default: '' }, en: { type: String, default: '' } },
    values: {
      type: [new Schema({ key: String, names: { id: String, en: String } }, { _id: false })],
      default: [],
    },
  },
  { _id: false },
);

const historySchema = new Schema<CategoryHistoryEntry>(
  {
    version: { type: Number, required: true },
    action: { type: String, required: true },
    at: { type: Date, required: true },
    actorId: { type: String, required: true },
    changedFields: { type: [String], default: [] },
  },
  { _id: false },
);

const categorySchema = new Schema<CategoryDocument>(
  {
    _id: { type: String, required: true },
    tenantId: { type: String, required: true },
    code: { type: String, required: true },
    names: { id: { type: String, required: true }, en: { type: String, required: true } },
    group: { type: String, required: true },
    keywords: { type: [String], default: [] },
    agencyId: { type: String, required: true },
    slaHours: { type: Number, required: true },
    anonymousAllowed: { type: Boolean, required: true },
    attributes: { type: [attributeSchema], default: [] },
    active: { type: Boolean, required: true },
    version: { type: Number, required: true },
    updatedAt: { type: Date, required: true },
    history: { type: [historySchema], default: [] },
  },
  { collection: 'categories', versionKey: false, strict: 'throw' },
);

// Serves the catalogue listing: one tenant's categories by code.
categorySchema.index({ tenantId: 1, code: 1 });

export type CategoryModel = Model<CategoryDocument>;

export function categoryModel(connection: Connection): CategoryModel {
  return connection.model<CategoryDocument>('Category', categorySchema);
}
