import { describe, expect, it } from 'vitest';
import { aComplaint, callers } from '../data/complaint-test-factories.fixture.js';
import { viewFor } from './complaint-views.js';

const contact = {
  email: 'warga@example.id',
  firstName: 'Siti',
  lastName: 'Aminah',
  phone: '+6281234567890',
  deviceId: 'device-9',
  accountId: 'acct-42',
};
const now = new Date('2026-11-28T09:00:00.000Z');

describe('viewFor', () => {
  const filedByPartner = aComplaint({ reporterId: 'partner-client-1', reporterContact: contact });

  it("should show staff a partner app's reporter contact", () => {
    expect(viewFor(filedByPartner, callers.officer, now)).toMatchObject({
      kind: 'staff',
      complaint: { reporterContact: contact },
    });
  });

  it.each([
    ['the public', callers.anonymous],
    ['a citizen', callers.otherCitizen],
    [
      'the partner app that filed it',
      { ...callers.anonymous, subject: 'partner-client-1', roles: ['open311_partner'] },
    ],
  ])('should not show %s the reporter contact', (_name, context) => {
    const view = viewFor(filedByPartner, context, now);
    expect(view.kind).toBe('public');
    expect(view.complaint.reporterContact).toBeNull();
    expect(JSON.stringify(view)).not.toContain('warga@example.id');
  });
});

describe('viewFor: reopenableUntil and allowedActions', () => {
  const later = new Date(now.getTime() + 86_400_000);

  it('should show reopenableUntil only while reopening is possible', () => {
    const resolved = aComplaint({ status: 'resolved', reopenableUntil: later, assignedAt: now });
    expect(viewFor(resolved, callers.anonymous, now).reopenableUntil).toEqual(later);
    expect(viewFor({ ...resolved, status: 'rejected' }, callers.officer, now).reopenableUntil).toEqual(later);
    // Rated and closed, its stored window not yet run out: nothing can reopen it any more.
    expect(viewFor({ ...resolved, status: 'closed' }, callers.reporter, now).reopenableUntil).toBeNull();
    expect(viewFor(resolved, callers.reporter, new Date(later.getTime() + 1)).reopenableUntil).toBeNull();
    expect(viewFor({ ...resolved, status: 'in_progress' }, callers.reporter, now).reopenableUntil).toBeNull();
  });

  it("should list the caller's own allowed actions, whichever view they get", () => {
    const resolved = aComplaint({ status: 'resolved', reopenableUntil: later, assignedAt: now });
    expect(viewFor(resolved, callers.reporter, now)).toMatchObject({
      kind: 'public',
      allowedActions: ['reopen', 'rate', 'comment'],
    });
    expect(viewFor(resolved, callers.officer, now)).toMatchObject({ kind: 'staff', allowedActions: ['comment'] });
    expect(viewFor(resolved, callers.anonymous, now).allowedActions).toEqual([]);
  });
});
