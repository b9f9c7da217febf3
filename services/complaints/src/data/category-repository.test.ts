import { describe, expect, it } from 'vitest';
import { type Category, readCategory } from './category-repository.js';

const stored = (attributes: unknown[]): Category =>
  ({
    tenantId: '36.73',
    code: 'roads.pothole',
    names: { id: 'Jalan berlubang', en: 'Pothole' },
    group: 'roads',
    keywords: [],
    agencyId: 'dpupr',
    slaHours: 72,
    anonymousAllowed: true,
    attributes,
    active: true,
    version: 3,
    updatedAt: new Date('2026-01-01T00:00:00Z'),
  }) as Category;

describe('readCategory', () => {
  it('should read an attribute written before labels were localised as its two halves', () => {
    const category = readCategory(
      stored([
        {
          code: 'severity',
          datatype: 'singlevaluelist',
          required: false,
          order: 90,
          description: 'Seberapa parah? / How severe?',
          values: [
            { key: 'low', name: 'Ringan / Minor' },
            { key: 'odd', name: 'Tanpa terjemahan' },
          ],
        },
      ]),
    );
    expect(category.attributes).toEqual([
      {
        code: 'severity',
        datatype: 'singlevaluelist',
        required: false,
        order: 90,
        labels: { id: 'Seberapa parah?', en: 'How severe?' },
        values: [
          { key: 'low', names: { id: 'Ringan', en: 'Minor' } },
          { key: 'odd', names: { id: 'Tanpa terjemahan', en: 'Tanpa terjemahan' } },
        ],
      },
    ]);
  });

  it('should read a localised attribute as it is', () => {
    const attribute = {
      code: 'depth',
      datatype: 'number',
      required: false,
      order: 10,
      labels: { id: 'Kedalaman', en: 'Depth' },
      values: [],
    };
    expect(readCategory(stored([attribute])).attributes).toEqual([attribute]);
  });
});
