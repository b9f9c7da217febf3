import {
  ComplaintAssigned,
  ComplaintClosed,
  ComplaintCommented,
  ComplaintEscalated,
  ComplaintMarkedDuplicate,
  ComplaintRated,
  ComplaintReassignmentRequested,
  ComplaintRejected,
  ComplaintReopened,
  ComplaintResolved,
  ComplaintSubmitted,
  ComplaintWithdrawn,
} from './gen/balai/complaints/v1/complaint_events.js';
import {
  UserDeactivated,
  UserRegistered,
  UserRolesChanged,
  UserVerified,
} from './gen/balai/identity/v1/identity_events.js';

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
 * Every domain event: its CloudEvents type (versioned), the stream it goes to and its
 * generated message. Publishing or handling an event is typed from this table.
 */
export const eventCatalogue = {
  'id.balai.complaints.complaint.submitted.v1': {
    stream: 'complaints',
    message: 'balai.complaints.v1.ComplaintSubmitted',
    summary: 'A citizen (or an officer on their behalf) submitted a complaint.',
    codec: ComplaintSubmitted,
  },
  'id.balai.complaints.complaint.assigned.v1': {
    stream: 'complaints',
    message: 'balai.complaints.v1.ComplaintAssigned',
    summary: 'An officer, supervisor or tenant admin assigned the complaint to an agency (and maybe an officer).',
    codec: ComplaintAssigned,
  },
  'id.balai.complaints.complaint.reassignment_requested.v1': {
    stream: 'complaints',
    message: 'balai.complaints.v1.ComplaintReassignmentRequested',
    summary: 'The assigned officer asked for the complaint to go to someone else.',
    codec: ComplaintReassignmentRequested,
  },
  'id.balai.complaints.complaint.resolved.v1': {
    stream: 'complaints',
    message: 'balai.complaints.v1.ComplaintResolved',
    summary: 'Staff of the responsible agency resolved the complaint (fully or partly).',
    codec: ComplaintResolved,
  },
  'id.balai.complaints.complaint.rejected.v1': {
    stream: 'complaints',
    message: 'balai.complaints.v1.ComplaintRejected',
    summary: 'Staff of the responsible agency rejected the complaint.',
    codec: ComplaintRejected,
  },
  'id.balai.complaints.complaint.withdrawn.v1': {
    stream: 'complaints',
    message: 'balai.complaints.v1.ComplaintWithdrawn',
    summary: 'The reporter withdrew the complaint before it was assigned; it is cancelled.',
    codec: ComplaintWithdrawn,
  },
  'id.balai.complaints.complaint.reopened.v1': {
    stream: 'complaints',
    message: 'balai.complaints.v1.ComplaintReopened',
    summary: 'The reporter reopened a resolved or rejected complaint within the reopen window of the tenant.',
    codec: ComplaintReopened,
  },
  'id.balai.complaints.complaint.rated.v1': {
    stream: 'complaints',
    message: 'balai.complaints.v1.ComplaintRated',
    summary: 'The reporter rated the outcome (1-5 and fixed, partly fixed or not fixed).',
    codec: ComplaintRated,
  },
  'id.balai.complaints.complaint.closed.v1': {
    stream: 'complaints',
    message: 'balai.complaints.v1.ComplaintClosed',
    summary: 'The complaint closed: rated by the reporter, or automatically when its reopen window passed.',
    codec: ComplaintClosed,
  },
  'id.balai.complaints.complaint.commented.v1': {
    stream: 'complaints',
    message: 'balai.complaints.v1.ComplaintCommented',
    summary: 'Someone commented on the complaint (public or internal); the text is not in the event.',
    codec: ComplaintCommented,
  },
  'id.balai.complaints.complaint.marked_duplicate.v1': {
    stream: 'complaints',
    message: 'balai.complaints.v1.ComplaintMarkedDuplicate',
    summary: 'Staff marked the complaint as a duplicate of another one; it takes no further updates.',
    codec: ComplaintMarkedDuplicate,
  },
  'id.balai.complaints.complaint.escalated.v1': {
    stream: 'complaints',
    message: 'balai.complaints.v1.ComplaintEscalated',
    summary:
      'The SLA scheduler raised the escalation level at a set fraction of the SLA and moved the complaint to the holder’s supervisor.',
    codec: ComplaintEscalated,
  },
  'id.balai.identity.user.registered.v1': {
    stream: 'identity',
    message: 'balai.identity.v1.UserRegistered',
    summary:
      'A citizen registered themselves, or a tenant admin created a staff account; it waits for a proven contact.',
    codec: UserRegistered,
  },
  'id.balai.identity.user.verified.v1': {
    stream: 'identity',
    message: 'balai.identity.v1.UserVerified',
    summary: 'A user proved a contact (e-mail or SMS) with a one-time code; the first proof activates the account.',
    codec: UserVerified,
  },
  'id.balai.identity.user.roles_changed.v1': {
    stream: 'identity',
    message: 'balai.identity.v1.UserRolesChanged',
    summary: "A tenant admin changed a staff member's roles or agency.",
    codec: UserRolesChanged,
  },
  'id.balai.identity.user.deactivated.v1': {
    stream: 'identity',
    message: 'balai.identity.v1.UserDeactivated',
    summary: 'A tenant admin deactivated a user; the account can no longer sign in.',
    codec: UserDeactivated,
  },
} as const satisfies Record<
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
