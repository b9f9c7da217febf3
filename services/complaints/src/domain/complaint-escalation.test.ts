import { describe, expect, it } from 'vitest';
import { aDirectory, aStaffMember } from '../clients/organisation-directory.fixture.js';
import { aComplaint, callers, submittedAt } from '../data/complaint-test-factories.fixture.js';
import { escalationDueAt, escalationTarget } from './complaint-escalation.js';
import { viewFor } from './complaint-views.js';

const hour = 3_600_000;

describe('escalation schedule', () => {
  it('should put level n at submission + fraction n × SLA, and nothing after the last level', () => {
    const complaint = { submittedAt, slaDueAt: new Date(submittedAt.getTime() + 10 * hour) };
    expect([1, 2, 3, 4].map((level) => escalationDueAt(complaint, [0.8, 1.2, 2], level))).toEqual([
      new Date(submittedAt.getTime() + 8 * hour),
      new Date(submittedAt.getTime() + 12 * hour),
      new Date(submittedAt.getTime() + 20 * hour),
      null,
    ]);
  });
});

describe('escalation target', () => {
  it('should pass over an inactive supervisor to the agency’s supervisor with the smallest id, never the holder', async () => {
    const directory = aDirectory({
      users: [
        aStaffMember('officer-1', { supervisorId: 'gone-1' }),
        aStaffMember('gone-1', { roles: ['supervisor'], active: false }),
        aStaffMember('sup-b', { roles: ['supervisor'] }),
        aStaffMember('sup-a', { roles: ['supervisor'] }),
        aStaffMember('sup-elsewhere', { roles: ['supervisor'], agencyId: 'dlh' }),
      ],
    });
    const complaint = aComplaint({ assignedOfficerId: 'officer-1' });
    expect(await escalationTarget(directory, complaint)).toEqual({ officerId: 'sup-a', via: 'agency_supervisor' });
    // Unassigned: the agency's supervisor.
    expect(await escalationTarget(directory, { ...complaint, assignedOfficerId: '' })).toEqual({
      officerId: 'sup-a',
      via: 'agency_supervisor',
    });
  });

  it('should leave it with a supervisor who has nobody above, not pass it to a peer', async () => {
    const directory = aDirectory({
      users: [aStaffMember('sup-a', { roles: ['supervisor'] }), aStaffMember('sup-b', { roles: ['supervisor'] })],
    });
    expect(await escalationTarget(directory, aComplaint({ assignedOfficerId: 'sup-b' }))).toEqual({
      officerId: 'sup-b',
      via: 'nobody_above',
    });
  });

  it('should keep the holder when the holder is unknown to identity and the agency has no supervisor', async () => {
    const directory = aDirectory({ users: [] });
    expect(await escalationTarget(directory, aComplaint({ assignedOfficerId: 'officer-x' }))).toEqual({
      officerId: 'officer-x',
      via: 'nobody_above',
    });
  });
});

describe('escalation in the public view', () => {
  it('should show the escalation entry to the public without the officers’ ids', () => {
    const complaint = aComplaint({
      status: 'in_progress',
      assignedOfficerId: 'supervisor-1',
      timeline: [
        {
          id: 't-1',
          action: 'escalate',
          at: submittedAt,
          actorRole: 'system',
          actorId: '',
          visibility: 'public',
          fromStatus: 'in_progress',
          toStatus: 'in_progress',
          note: '',
          details: {
            level: '1',
            fromOfficerId: 'officer-1',
            toOfficerId: 'supervisor-1',
            escalatedTo: 'holder_supervisor',
          },
        },
      ],
    });
    const publicView = viewFor(complaint, callers.reporter, submittedAt);
    expect(publicView.complaint.timeline[0]?.details).toEqual({ level: '1', escalatedTo: 'holder_supervisor' });
    expect(JSON.stringify(publicView.complaint)).not.toMatch(/officer-1|supervisor-1/);
    expect(viewFor(complaint, callers.officer, submittedAt).complaint.timeline[0]?.details).toMatchObject({
      toOfficerId: 'supervisor-1',
    });
  });
});
