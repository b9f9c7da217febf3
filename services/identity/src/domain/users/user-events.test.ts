import { describe, expect, it } from 'vitest';
import type { User } from '../../data/users/user-repository.js';
import { userEvent, userRegisteredEvent } from './user-events.js';

const now = new Date('2026-11-29T08:00:00.000Z');
const officer: User = {
  _id: 'u-officer',
  tenantId: '36.73',
  kind: 'staff',
  fullName: 'Budi Santoso',
  nik: null,
  email: 'budi@serang.example',
  phone: '+6281234567890',
  emailVerified: false,
  phoneVerified: false,
  status: 'pending',
  roles: ['officer'],
  agencyId: 'dpupr',
  supervisorId: null,
  passwordHash: null,
  version: 1,
  createdAt: now,
  updatedAt: now,
};

describe('user events', () => {
  it('should carry ids, kind, roles and agency in the registered event, and nothing personal', () => {
    const event = userRegisteredEvent(officer, 'u-admin', '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01');
    expect(event).toMatchObject({
      type: 'id.balai.identity.user.registered.v1',
      source: '/balai/identity',
      subject: 'u-officer',
      tenantId: '36.73',
      time: '2026-11-29T08:00:00.000Z',
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
      data: {
        userId: 'u-officer',
        tenantId: '36.73',
        kind: 'staff',
        roles: ['officer'],
        agencyId: 'dpupr',
        actorId: 'u-admin',
        registeredAt: '2026-11-29T08:00:00.000Z',
      },
    });
    const text = JSON.stringify(event);
    for (const personal of ['Budi', 'budi@serang.example', '+6281234567890']) expect(text).not.toContain(personal);
  });

  it("should check an event's data against its type's message when it compiles", () => {
    const event = userEvent('id.balai.identity.user.deactivated.v1', officer, now, undefined, {
      userId: 'u-officer',
      tenantId: '36.73',
      kind: 'staff',
      actorId: 'u-admin',
      deactivatedAt: now,
      // @ts-expect-error UserDeactivated has no `reason`: typecheck fails the day this compiles.
      reason: 'left the agency',
    });
    expect(event.data).toEqual({
      userId: 'u-officer',
      tenantId: '36.73',
      kind: 'staff',
      actorId: 'u-admin',
      deactivatedAt: '2026-11-29T08:00:00.000Z',
    });
  });
});
