import { complaintsV1 } from '@balai/contracts';
import { describe, expect, it } from 'vitest';
import { toOpen311Service, toOpen311ServiceDefinition } from './open311-catalogue.js';

function category(overrides: complaintsV1.DeepPartial<complaintsV1.Category> = {}): complaintsV1.Category {
  return complaintsV1.Category.fromPartial({
    code: 'roads.pothole',
    tenantId: '36.73',
    nameId: 'Jalan berlubang',
    nameEn: 'Pothole',
    group: 'roads',
    keywords: ['jalan', 'lubang'],
    attributes: [],
    active: true,
    ...overrides,
  });
}

describe('the catalogue as Open311 services', () => {
  it('should name a service in Indonesian unless English is asked for and known', () => {
    expect(toOpen311Service(category())).toEqual({
      service_code: 'roads.pothole',
      service_name: 'Jalan berlubang',
      description: null,
      metadata: false,
      type: 'realtime',
      keywords: 'jalan,lubang',
      group: 'roads',
    });
    expect(toOpen311Service(category(), 'en').service_name).toBe('Pothole');
    expect(toOpen311Service(category({ nameEn: '' }), 'en').service_name).toBe('Jalan berlubang');
  });

  it('should publish absent keywords and group as null, and metadata when there are attributes', () => {
    const service = toOpen311Service(
      category({ keywords: [], group: '', attributes: [{ code: 'a', datatype: 'text', required: false }] }),
    );
    expect(service).toMatchObject({ keywords: null, group: null, metadata: true });
  });

  it('should give attributes in their order, an unset order and description as null', () => {
    const definition = toOpen311ServiceDefinition(
      category({
        attributes: [
          { code: 'late', datatype: 'singlevaluelist', order: 20, values: [{ key: 'k', nameId: 'n', nameEn: '' }] },
          { code: 'unordered', datatype: 'odd', required: true },
        ],
      }),
    );
    expect(definition.attributes.map((attribute) => attribute.code)).toEqual(['unordered', 'late']);
    expect(definition.attributes[0]).toMatchObject({
      order: null,
      description: null,
      datatype: 'text',
      required: true,
    });
    expect(definition.attributes[1]).toMatchObject({ order: 20, values: [{ key: 'k', name: 'n' }] });
  });

  it('should label attributes and name their values in the locale asked for, Indonesian by default', () => {
    const localised = category({
      attributes: [
        {
          code: 'severity',
          datatype: 'singlevaluelist',
          labelId: 'Seberapa parah?',
          labelEn: 'How severe?',
          values: [{ key: 'high', nameId: 'Berat', nameEn: 'Severe' }],
        },
      ],
    });
    expect(toOpen311ServiceDefinition(localised).attributes[0]).toMatchObject({
      description: 'Seberapa parah?',
      values: [{ key: 'high', name: 'Berat' }],
    });
    expect(toOpen311ServiceDefinition(localised, 'en').attributes[0]).toMatchObject({
      description: 'How severe?',
      values: [{ key: 'high', name: 'Severe' }],
    });
  });
});
