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
    service_name: (locale === 'en' && category.nameEn) || category.nameId,
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

function toOpen311Attribute(attribute: complaintsV1.CategoryAttribute): Open311Attribute {
  return {
    variable: true,
    code: attribute.code,
    datatype: datatypeOf(attribute.datatype),
    required: attribute.required,
    datatype_description: null,
    // Proto's 0 is "unset"; the specification's order starts at 1.
    order: attribute.order > 0 ? attribute.order : null,
    description: attribute.description || null,
    values: attribute.values.map((value) => ({ key: value.key, name: value.name })),
  };
}

export function toOpen311ServiceDefinition(category: complaintsV1.Category): Open311ServiceDefinition {
  return {
    service_code: category.code,
    attributes: [...category.attributes].sort((a, b) => a.order - b.order).map(toOpen311Attribute),
  };
}
