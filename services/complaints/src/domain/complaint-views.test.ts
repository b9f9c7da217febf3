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
