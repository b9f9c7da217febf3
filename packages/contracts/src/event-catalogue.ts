import { generatedEventCatalogue } from './gen/balai/event-catalogue.js';

/** What the catalogue needs of a generated message: proto3 JSON in and out. */
export interface EventCodec<T> {
  fromJSON(object: unknown): T;
  toJSON(message: T): unknown;
  fromPartial(object: Partial<T>): T;
}

/**
 * The event streams: one Kafka topic per aggregate, keyed by aggregate id. Partition and
 * retention settings are the production defaults; local runs cap them to one broker.
 */
export const streams = {
  complaints: {
    topic: 'balai.complaints.v1',
    description: 'Lifecycle of complaints, keyed by complaint id.',
    producer: 'complaints',
    aggregate: 'complaint',
    partitions: 8,
    config: { 'cleanup.policy': 'delete', 'retention.ms': String(30 * 24 * 3600 * 1000) },
  },
  identity: {
    topic: 'balai.identity.users.v1',
    description: 'Lifecycle of user accounts (registration, verification, roles, deactivation), keyed by user id.',
    producer: 'identity',
    aggregate: 'user',
    partitions: 8,
    config: { 'cleanup.policy': 'delete', 'retention.ms': String(30 * 24 * 3600 * 1000) },
  },
} as const;

export type StreamName = keyof typeof streams;

/**
 * Every domain event: its CloudEvents type (versioned), the stream it goes to and its generated
 * message. Publishing or handling an event is typed from this table. Generated from the
 * `(balai.events.v1.event)` option each event message carries in proto/ (docs/how-to.md).
 */
export const eventCatalogue = generatedEventCatalogue satisfies Record<
  string,
  { stream: StreamName; message: string; summary: string; codec: EventCodec<unknown> }
>;

export type EventType = keyof typeof eventCatalogue;

export type EventPayload<T extends EventType> =
  (typeof eventCatalogue)[T]['codec'] extends EventCodec<infer P> ? P : never;

/**
 * One event of any type with its payload checked against that type's generated message: a
 * list of these (a use case's outcome) is a union, so a wrong field name or type fails to compile.
 */
export type DomainEvent = { [T in EventType]: { type: T; data: EventPayload<T> } }[EventType];

/** The codec of one event type, typed by it (the catalogue's table alone widens it to a union). */
export function eventCodec<T extends EventType>(type: T): EventCodec<EventPayload<T>> {
  // Seen through a mapped type, the entry for a generic T keeps its payload type.
  const codecs: { [K in EventType]: { codec: EventCodec<EventPayload<K>> } } = eventCatalogue;
  return codecs[type].codec;
}

export function isEventType(value: string): value is EventType {
  return Object.hasOwn(eventCatalogue, value);
}
