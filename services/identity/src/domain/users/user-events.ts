import type { EventPayload, EventType } from '@balai/contracts';
import { newEvent, type OutboxEntry } from '@balai/platform';
import type { User } from '../../data/users/user-repository.js';

const eventSource = '/balai/identity';

/**
 * An event about one user, in the user's tenant, carrying the caller's trace when there is one.
 * Generic in the event type, so `data` is checked against that type's generated message.
 */
export function userEvent<T extends EventType>(
  type: T,
  user: Pick<User, '_id' | 'tenantId'>,
  time: Date,
  traceparent: string | undefined,
  data: EventPayload<T>,
): OutboxEntry {
  return newEvent({ type, source: eventSource, subject: user._id, tenantId: user.tenantId, time, traceparent, data });
}

/** The `registered` event of a new user: ids, kind, roles and agency, no personal data. */
export function userRegisteredEvent(user: User, actorId: string, traceparent?: string): OutboxEntry {
  return userEvent('id.balai.identity.user.registered.v1', user, user.createdAt, traceparent, {
    userId: user._id,
    tenantId: user.tenantId,
    kind: user.kind,
    roles: user.roles,
    agencyId: user.agencyId ?? '',
    actorId,
    registeredAt: user.createdAt,
  });
}
