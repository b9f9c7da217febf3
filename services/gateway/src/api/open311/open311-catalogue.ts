import type { complaintsV1 } from '@balai/contracts';
import {
  type Open311Attribute,
  type Open311Datatype,
  type Open311Service,
  type Open311ServiceDefinition,
  open311Datatypes,
} from './open311-model.js';

/**
 * The complaints service's catalogue as Open311 services. A category is a service: its code is
 * the service_code, its name in the requested locale (Indonesian by default) the service_name, and
 * its attributes the service definition. Complaints are created at once, so every service is
 * `realtime`.
 */
export type Open311Locale = 'id' | 'en';

export function toOpen311Service(category: complaintsV1.Category, locale: Open311Locale = 'id'): Open311Service {
  return {
    service_code: category.code,
    service_name: inLocale(locale, category.nameId, category.nameEn),
    description: null,
    metadata: category.attributes.length > 0,
    type: 'realtime',
    keywords: category.keywords.length > 0 ? category.keywords.join(',') : null,
    group: category.group || null,
  };
}

function datatypeOf(datatype: string): Open311Datatype {
  // complaints validates datatypes on write; anything else would be a contract drift, shown as text.
  return (open311Datatypes as readonly string[]).includes(datatype) ? (datatype as Open311Datatype) : 'text';
}

/** The text in the requested locale; Indonesian when there is no English (as service names). */
function inLocale(locale: Open311Locale, indonesian: string, english: string): string {
  return (locale === 'en' && english) || indonesian;
}

function toOpen311Attribute(attribute: complaintsV1.CategoryAttribute, locale: Open311Locale): Open311Attribute {
  return {
    variable: true,
    code: attribute.code,
    datatype: datatypeOf(attribute.datatype),
    required: attribute.required,
    datatype_description: null,
    // Proto's 0 is "unset"; the specification's order starts at 1.
    order: attribute.order > 0 ? attribute.order : null,
    description: inLocale(locale, attribute.labelId, attribute.labelEn) || null,
    values: attribute.values.map((value) => ({ key: value.key, name: inLocale(locale, value.nameId, value.nameEn) })),
  };
}

/** A category's attributes, their labels and value names in the requested locale (Indonesian by default). */
export function toOpen311ServiceDefinition(
  category: complaintsV1.Category,
  locale: Open311Locale = 'id',
): Open311ServiceDefinition {
  return {
    service_code: category.code,
    attributes: [...category.attributes]
      .sort((a, b) => a.order - b.order)
      .map((attribute) => toOpen311Attribute(attribute, locale)),
  };
}
