/**
 * Generates the AsyncAPI 3.0 document and one JSON Schema per event (for analysts) from the
 * proto contracts and the event catalogue. Run by `pnpm --filter @balai/contracts generate`;
 * CI fails when the committed files differ from a fresh generation.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type DescField, type DescMessage, ScalarType } from '@bufbuild/protobuf';
import { stringify } from 'yaml';
import { eventCatalogue, streams } from '../src/event-catalogue.js';
import { protoRegistry, repositoryRoot as root } from './proto-registry.js';

const outDir = join(root, 'docs/events');
const schemaDir = join(outDir, 'schemas');

type JsonSchema = Record<string, unknown>;

const registry = protoRegistry();

/** The proto3 JSON form of a scalar (https://protobuf.dev/programming-guides/json/). */
function scalarSchema(type: ScalarType): JsonSchema {
  switch (type) {
    case ScalarType.STRING:
      return { type: 'string' };
    case ScalarType.BOOL:
      return { type: 'boolean' };
    case ScalarType.BYTES:
      return { type: 'string', contentEncoding: 'base64' };
    case ScalarType.DOUBLE:
    case ScalarType.FLOAT:
      return { type: 'number' };
    case ScalarType.INT64:
    case ScalarType.UINT64:
    case ScalarType.SINT64:
    case ScalarType.FIXED64:
    case ScalarType.SFIXED64:
      return { type: ['string', 'integer'], pattern: '^-?[0-9]+$', description: '64-bit integer; JSON string form' };
    default:
      return { type: 'integer' };
  }
}

function messageSchema(message: DescMessage): JsonSchema {
  if (message.typeName === 'google.protobuf.Timestamp') return { type: 'string', format: 'date-time' };
  const properties: Record<string, JsonSchema> = {};
  for (const field of message.fields) properties[field.jsonName] = fieldSchema(field);
  return { type: 'object', additionalProperties: false, properties };
}

/** The comment above a field of a top-level message, from the image's source info. */
function leadingComment(field: DescField): string | undefined {
  const message = field.parent;
  const file = message.file;
  const messageIndex = file.messages.indexOf(message);
  if (messageIndex < 0) return undefined;
  // Source-info paths: 4 = FileDescriptorProto.message_type, 2 = DescriptorProto.field.
  const path = [4, messageIndex, 2, message.fields.indexOf(field)].join(',');
  const location = file.proto.sourceCodeInfo?.location.find((entry) => entry.path.join(',') === path);
  return location?.leadingComments?.trim().replace(/\s*\n\s*/g, ' ') || undefined;
}

/** The schema of one element of a repeated or map field. */
function elementSchema(field: DescField & { fieldKind: 'list' | 'map' }): JsonSchema {
  const kind = field.fieldKind === 'list' ? field.listKind : field.mapKind;
  if (kind === 'scalar' && field.scalar !== undefined) return scalarSchema(field.scalar);
  if (kind === 'enum' && field.enum) return { type: 'string', enum: field.enum.values.map((value) => value.name) };
  if (field.message) return messageSchema(field.message);
  throw new Error(`${field.parent.typeName}.${field.name}: unsupported element kind`);
}

function fieldSchema(field: DescField): JsonSchema {
  const described = (schema: JsonSchema) => {
    const comment = leadingComment(field);
    return comment ? { description: comment, ...schema } : schema;
  };
  switch (field.fieldKind) {
    case 'scalar':
      return described(scalarSchema(field.scalar));
    case 'enum':
      return described({ type: 'string', enum: field.enum.values.map((value) => value.name) });
    case 'message':
      return described(messageSchema(field.message));
    case 'list':
      return described({ type: 'array', items: elementSchema(field) });
    case 'map':
      return described({ type: 'object', additionalProperties: elementSchema(field) });
  }
}

/** A valid example payload for each event, built from the schema's field types. */
function example(schema: JsonSchema): unknown {
  if (schema.format === 'date-time') return '2026-11-28T08:00:00Z';
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'object': {
      const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
      return Object.fromEntries(
        Object.entries(properties).map(([name, property]) => [name, exampleFor(name, property)]),
      );
    }
    case 'array':
      return [example(schema.items as JsonSchema)];
    case 'string':
      return Array.isArray(schema.enum) ? (schema.enum[1] ?? schema.enum[0]) : 'string';
    case 'integer':
      return 1;
    case 'number':
      return 1.5;
    case 'boolean':
      return true;
    default:
      return null;
  }
}

function exampleFor(name: string, schema: JsonSchema): unknown {
  if (name === 'tenantId') return '36.73';
  if (name.endsWith('Id')) return '0f8fad5b-d9cb-469f-a165-70867728950e';
  if (name === 'categoryCode') return 'roads.pothole';
  return example(schema);
}

const headersSchema: JsonSchema = {
  type: 'object',
  description: 'CloudEvents 1.0 attributes in Kafka binary content mode, plus the tenant and W3C trace context.',
  required: ['ce_specversion', 'ce_id', 'ce_type', 'ce_source', 'ce_subject', 'ce_time', 'ce_tenant', 'content-type'],
  properties: {
    ce_specversion: { type: 'string', const: '1.0' },
    ce_id: { type: 'string', description: 'Event id, unique; consumers de-duplicate on it.' },
    ce_type: {
      type: 'string',
      description: 'Versioned event type, for example id.balai.complaints.complaint.submitted.v1.',
    },
    ce_source: { type: 'string', description: 'The publishing service, for example /balai/complaints.' },
    ce_subject: { type: 'string', description: 'The aggregate id; equal to the record key.' },
    ce_time: { type: 'string', format: 'date-time' },
    ce_tenant: { type: 'string', description: 'Tenant region code, for example 36.73.' },
    traceparent: { type: 'string', description: 'W3C trace context of the request that caused the event.' },
    'content-type': { type: 'string', const: 'application/json' },
  },
};

rmSync(outDir, { recursive: true, force: true });
mkdirSync(schemaDir, { recursive: true });

const channels: Record<string, unknown> = {};
const operations: Record<string, unknown> = {};
const messages: Record<string, unknown> = {};
const schemas: Record<string, unknown> = {};

for (const [streamName, stream] of Object.entries(streams)) {
  const events = Object.entries(eventCatalogue).filter(([, entry]) => entry.stream === streamName);
  const channelMessages: Record<string, unknown> = {};
  for (const [type, entry] of events) {
    const message = registry.getMessage(entry.message);
    if (!message) throw new Error(`${type}: proto message ${entry.message} not found`);
    const payload = messageSchema(message);
    const name = message.name;
    const jsonSchema = {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      $id: `https://balai.id/events/${type}.json`,
      title: type,
      description: entry.summary,
      ...payload,
    };
    writeFileSync(join(schemaDir, `${type}.json`), `${JSON.stringify(jsonSchema, null, 2)}\n`);
    schemas[name] = payload;
    messages[name] = {
      name: type,
      title: name,
      summary: entry.summary,
      contentType: 'application/json',
      headers: { $ref: '#/components/schemas/CloudEventsHeaders' },
      payload: { $ref: `#/components/schemas/${name}` },
      bindings: {
        kafka: { key: { type: 'string', description: `The ${stream.aggregate} id.` }, bindingVersion: '0.5.0' },
      },
      examples: [
        {
          name: 'example',
          headers: {
            ce_specversion: '1.0',
            ce_id: '9b2c4a8e-1f6d-4e0a-bb1e-2f5d3c7a9e10',
            ce_type: type,
            ce_source: `/balai/${stream.producer}`,
            ce_subject: '0f8fad5b-d9cb-469f-a165-70867728950e',
            ce_time: '2026-11-28T08:00:00Z',
            ce_tenant: '36.73',
            'content-type': 'application/json',
          },
          payload: example(payload),
        },
      ],
    };
    channelMessages[name] = { $ref: `#/components/messages/${name}` };
  }
  channels[streamName] = {
    address: stream.topic,
    description: stream.description,
    messages: channelMessages,
    bindings: {
      kafka: {
        topic: stream.topic,
        partitions: stream.partitions,
        replicas: 3,
        topicConfiguration: {
          'cleanup.policy': [stream.config['cleanup.policy']],
          'retention.ms': Number(stream.config['retention.ms']),
        },
        bindingVersion: '0.5.0',
      },
    },
  };
  operations[`receive${streamName[0]?.toUpperCase()}${streamName.slice(1)}`] = {
    action: 'receive',
    summary: `Subscribe to ${stream.topic} (published by the ${stream.producer} service).`,
    channel: { $ref: `#/channels/${streamName}` },
    messages: Object.keys(channelMessages).map((name) => ({ $ref: `#/channels/${streamName}/messages/${name}` })),
  };
}

const document = {
  asyncapi: '3.0.0',
  info: {
    title: 'Balai event streams',
    version: '1.0.0',
    description:
      'Domain events of the Balai platform, for analysts and services. One topic per aggregate stream, keyed by ' +
      'aggregate id (per-aggregate order). CloudEvents 1.0 in Kafka binary content mode; the value is the event ' +
      'message in proto3 JSON. Payloads carry ids and codes, never personal data. Generated from proto/ and the ' +
      'event catalogue: do not edit.',
  },
  defaultContentType: 'application/json',
  servers: {
    local: { host: '127.0.0.1:9092', protocol: 'kafka', description: 'The local broker of ./balai up' },
  },
  channels,
  operations,
  components: { messages, schemas: { CloudEventsHeaders: headersSchema, ...schemas } },
};

writeFileSync(
  join(outDir, 'asyncapi.yaml'),
  `# Generated by packages/contracts/scripts/generate-event-docs.ts; do not edit.\n${stringify(document, { aliasDuplicateObjects: false })}`,
);
console.log(`wrote docs/events/asyncapi.yaml and ${Object.keys(schemas).length} JSON Schema(s)`);
