import type { DomainEvent } from '@balai/contracts';
import { describe, expect, it } from 'vitest';
import { newEvent } from './envelope.js';

/*
 * The event path is typed end to end: a use case's events are DomainEvents, whose `data` is the
 * generated message of their `type`. The @ts-expect-error lines below are the compile-fail test:
 * the typecheck (tsc over src/, tests included) fails if any of them stops being an error.
 */

const assigned = {
  complaintId: 'c-1',
  tenantId: '36.73',
  version: 2,
  agencyId: 'dpupr',
  officerId: '',
  previousAgencyId: 'dpupr',
  actorRole: 'supervisor',
  actorId: 'u-1',
  assignedAt: new Date('2026-12-02T08:00:00Z'),
};

describe('typed events', () => {
  it('should refuse a wrong field, a missing field or another type’s payload at compile time', () => {
    const events: DomainEvent[] = [
      { type: 'id.balai.complaints.complaint.assigned.v1', data: assigned },
      // @ts-expect-error a misspelt field (agencyID) is not a field of ComplaintAssigned
      { type: 'id.balai.complaints.complaint.assigned.v1', data: { ...assigned, agencyID: 'dpupr' } },
      // @ts-expect-error a field of the message left out
      { type: 'id.balai.complaints.complaint.assigned.v1', data: { complaintId: 'c-1' } },
      // @ts-expect-error a field of the wrong type
      { type: 'id.balai.complaints.complaint.assigned.v1', data: { ...assigned, version: '2' } },
      // @ts-expect-error the payload of another event type
      { type: 'id.balai.identity.user.deactivated.v1', data: assigned },
      // @ts-expect-error an event type the catalogue does not have
      { type: 'id.balai.complaints.complaint.archived.v1', data: assigned },
    ];
    expect(events).toHaveLength(6);
  });

  it('should publish a typed event in its message’s proto3 JSON form', () => {
    const entry = newEvent({
      type: 'id.balai.complaints.complaint.assigned.v1',
      source: '/balai/complaints',
      subject: 'c-1',
      tenantId: '36.73',
      data: assigned,
    });
    expect(entry.data).toEqual({
      complaintId: 'c-1',
      tenantId: '36.73',
      version: 2,
      agencyId: 'dpupr',
      previousAgencyId: 'dpupr',
      actorRole: 'supervisor',
      actorId: 'u-1',
      assignedAt: '2026-12-02T08:00:00.000Z',
    });
  });
});
