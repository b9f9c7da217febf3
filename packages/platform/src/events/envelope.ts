import { randomUUID } from 'node:crypto';
import { type EventPayload, type EventType, eventCatalogue, eventCodec, isEventType, streams } from '@balai/contracts';
import type { IHeaders } from 'kafkajs';

/**
 * A domain event as the outbox stores it and Kafka carries it: CloudEvents 1.0 attributes plus
 * the payload already in proto3 JSON form.
 */
export interface OutboxEntry {
  id: string;
  type: EventType;
  source: string;
  /** The aggregate id; also the Kafka key, so one aggregate's events keep their order. */
  subject: string;
  time: string;
  tenantId: string;
  traceparent?: string;
  data: unknown;
}

/** A received event with its payload decoded into the generated message type. */
export interface EventEnvelope<T extends EventType = EventType> extends Omit<OutboxEntry, 'type' | 'data'> {
  type: T;
  data: EventPayload<T>;
}

/** Builds a new event for an aggregate's outbox; the payload type is checked against the catalogue. */
export function newEvent<T extends EventType>(input: {
  type: T;
  source: string;
  subject: string;
  tenantId: string;
  data: EventPayload<T>;
  traceparent?: string;
  time?: Date;
}): OutboxEntry {
  const codec = eventCodec(input.type);
  const entry: OutboxEntry = {
    id: randomUUID(),
    type: input.type,
    source: input.source,
    subject: input.subject,
    time: (input.time ?? new Date()).toISOString(),
    tenantId: input.tenantId,
    data: codec.toJSON(input.data),
  };
  if (input.traceparent) entry.traceparent = input.traceparent;
  return entry;
}

export function topicOf(type: EventType, topicPrefix = ''): string {
  return `${topicPrefix}${streams[eventCatalogue[type].stream].topic}`;
}

export interface KafkaRecord {
  key: string;
  value: string;
  headers: Record<string, string>;
}

/** CloudEvents Kafka binary content mode: attributes in ce_* headers, payload as proto3 JSON. */
export function toKafkaRecord(envelope: OutboxEntry): KafkaRecord {
  const headers: Record<string, string> = {
    ce_specversion: '1.0',
    ce_id: envelope.id,
    ce_type: envelope.type,
    ce_source: envelope.source,
    ce_subject: envelope.subject,
    ce_time: envelope.time,
    ce_tenant: envelope.tenantId,
    'content-type': 'application/json',
  };
  if (envelope.traceparent) headers.traceparent = envelope.traceparent;
  return {
    key: envelope.subject,
    value: JSON.stringify(envelope.data),
    headers,
  };
}

export class EnvelopeError extends Error {
  override name = 'EnvelopeError';
}

function header(headers: IHeaders | undefined, name: string): string | undefined {
  const raw = headers?.[name];
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (value === undefined) return undefined;
  return Buffer.isBuffer(value) ? value.toString('utf8') : String(value);
}

const requiredHeaders = ['ce_specversion', 'ce_id', 'ce_type', 'ce_source', 'ce_subject', 'ce_time', 'ce_tenant'];

/** Reads an envelope back; a malformed one throws EnvelopeError (the consumer dead-letters it). */
export function fromKafkaMessage(message: { headers?: IHeaders; value: Buffer | null }): EventEnvelope {
  for (const name of requiredHeaders) {
    if (!header(message.headers, name)) throw new EnvelopeError(`missing header ${name}`);
  }
  if (header(message.headers, 'ce_specversion') !== '1.0') throw new EnvelopeError('ce_specversion is not 1.0');
  const type = header(message.headers, 'ce_type') as string;
  if (!isEventType(type)) throw new EnvelopeError(`unknown event type ${type}`);
  const time = header(message.headers, 'ce_time') as string;
  if (Number.isNaN(Date.parse(time))) throw new EnvelopeError(`ce_time is not a timestamp: ${time}`);
  if (!message.value) throw new EnvelopeError('empty payload');
  let json: unknown;
  try {
    json = JSON.parse(message.value.toString('utf8'));
  } catch {
    throw new EnvelopeError('payload is not JSON');
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new EnvelopeError('payload is not a JSON object');
  }
  const envelope: EventEnvelope = {
    id: header(message.headers, 'ce_id') as string,
    type,
    source: header(message.headers, 'ce_source') as string,
    subject: header(message.headers, 'ce_subject') as string,
    time,
    tenantId: header(message.headers, 'ce_tenant') as string,
    data: eventCodec(type).fromJSON(json),
  };
  const traceparent = header(message.headers, 'traceparent');
  if (traceparent) envelope.traceparent = traceparent;
  return envelope;
}
