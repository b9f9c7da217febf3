import { createLogger } from '@balai/platform';
import { describe, expect, it, vi } from 'vitest';
import { aDirectory, aStaffMember } from '../clients/organisation-directory.fixture.js';
import { inMemoryComplaints } from '../data/complaint-repository.fixture.js';
import type { Complaint } from '../data/complaint-repository.js';
import { aComplaint, callers, submittedAt } from '../data/complaint-test-factories.fixture.js';
import { escalationDueAt } from '../domain/complaint-escalation.js';
import { assignComplaint, reopenComplaint, resolveComplaint } from './complaint-transitions.js';
import { sweepSla } from './sweep-sla.js';

const hour = 3_600_000;
const fractions = [0.8, 1.2, 2];
/** aComplaint's category SLA is 72 hours: levels fall due at 57.6, 86.4 and 144 hours. */
const at = (hours: number) => new Date(submittedAt.getTime() + hours * hour);

/** A logger that prints nothing; its warn is a spy. */
function quietLogger() {
  const logger = createLogger({ service: 'test', level: 'silent' });
  vi.spyOn(logger, 'warn');
  return logger;
}

/** A complaint as submitted with the escalation schedule, plus overrides. */
function filed(overrides: Partial<Complaint> = {}): Complaint {
  const complaint = aComplaint(overrides);
  return { ...complaint, nextEscalationAt: escalationDueAt(complaint, fractions, 1), ...overrides };
}

function setUp(complaint: Complaint, directory = aDirectory()) {
  const repository = inMemoryComplaints(complaint);
  let now = complaint.submittedAt;
  const logger = quietLogger();
  const onCommitted = vi.fn();
  const transitionDeps = () => ({ repository, clock: () => now, onCommitted, directory });
  return {
    repository,
    logger,
    directory,
    transitionDeps,
    /** Moves the clock and sweeps. */
    sweepAt: (moment: Date) => {
      now = moment;
      return sweepSla({ repository, directory, clock: () => now, onCommitted, logger, fractions });
    },
    setNow: (moment: Date) => {
      now = moment;
    },
  };
}

const assigned = { status: 'in_progress' as const, assignedOfficerId: 'officer-1', assignedAt: at(1) };

describe('SLA scheduler: escalation', () => {
  it('should not escalate before 80 % of the SLA, and escalate to the holder’s supervisor at 80 %', async () => {
    const { repository, sweepAt } = setUp(filed(assigned));
    expect(await sweepAt(new Date(at(57.6).getTime() - 1))).toMatchObject({ escalated: 0 });
    expect(repository.get()).toMatchObject({ escalationLevel: 0, assignedOfficerId: 'officer-1', version: 1 });

    expect(await sweepAt(at(57.6))).toMatchObject({ escalated: 1 });
    expect(repository.get()).toMatchObject({
      status: 'in_progress',
      escalationLevel: 1,
      assignedOfficerId: 'supervisor-1',
      nextEscalationAt: at(86.4),
    });
    expect(repository.get().timeline.at(-1)).toMatchObject({
      action: 'escalate',
      actorRole: 'system',
      actorId: '',
      visibility: 'public',
      fromStatus: 'in_progress',
      toStatus: 'in_progress',
      details: {
        level: '1',
        fromOfficerId: 'officer-1',
        toOfficerId: 'supervisor-1',
        escalatedTo: 'holder_supervisor',
      },
    });
    expect(repository.escalations()).toEqual([
      {
        complaintId: 'c-1',
        tenantId: '36.73',
        version: 2,
        agencyId: 'dpupr',
        level: 1,
        slaFraction: 0.8,
        fromOfficerId: 'officer-1',
        toOfficerId: 'supervisor-1',
        escalatedAt: at(57.6).toISOString(),
      },
    ]);
  });

  it('should follow officer → supervisor → supervisor’s supervisor at 80, 120 and 200 %, then stop', async () => {
    const { repository, sweepAt } = setUp(filed(assigned));
    await sweepAt(at(57.6));
    expect(await sweepAt(new Date(at(86.4).getTime() - 1))).toMatchObject({ escalated: 0 });
    await sweepAt(at(86.4));
    expect(repository.get()).toMatchObject({
      escalationLevel: 2,
      assignedOfficerId: 'head-1',
      nextEscalationAt: at(144),
    });
    expect(await sweepAt(new Date(at(144).getTime() - 1))).toMatchObject({ escalated: 0 });
    await sweepAt(at(144));
    // head-1 has nobody above: the level rises and head-1 keeps it (never back down to supervisor-1).
    expect(repository.get()).toMatchObject({
      escalationLevel: 3,
      assignedOfficerId: 'head-1',
      nextEscalationAt: null,
    });
    expect(await sweepAt(at(1000))).toMatchObject({ escalated: 0 });
    expect(repository.escalations().map((event) => [event.level, event.toOfficerId])).toEqual([
      [1, 'supervisor-1'],
      [2, 'head-1'],
      [3, 'head-1'],
    ]);
  });

  it('should keep the schedule when the complaint is reassigned: level 2 still falls due at 120 %', async () => {
    const { repository, sweepAt, setNow, transitionDeps } = setUp(filed(assigned));
    await sweepAt(at(57.6));
    setNow(at(60));
    await assignComplaint(transitionDeps(), callers.supervisor, {
      complaintId: 'c-1',
      expectedVersion: repository.get().version,
      agencyId: 'dpupr',
      officerId: 'officer-1',
    });
    expect(repository.get()).toMatchObject({
      assignedOfficerId: 'officer-1',
      escalationLevel: 1,
      nextEscalationAt: at(86.4),
    });
    expect(await sweepAt(at(86))).toMatchObject({ escalated: 0 });
    expect(await sweepAt(at(86.4))).toMatchObject({ escalated: 1 });
    expect(repository.get()).toMatchObject({ escalationLevel: 2, assignedOfficerId: 'supervisor-1' });
  });

  it('should not escalate a resolved complaint, and catch up every level due when it is reopened', async () => {
    const { repository, sweepAt, setNow, transitionDeps } = setUp(filed(assigned));
    setNow(at(10));
    await resolveComplaint(transitionDeps(), callers.officer, {
      complaintId: 'c-1',
      expectedVersion: 1,
      note: 'Selesai',
    });
    expect(await sweepAt(at(100))).toMatchObject({ escalated: 0 });
    await reopenComplaint(transitionDeps(), callers.reporter, {
      complaintId: 'c-1',
      expectedVersion: repository.get().version,
      reason: 'Masih berlubang',
    });
    expect(repository.get()).toMatchObject({ status: 'in_progress', escalationLevel: 0, nextEscalationAt: at(57.6) });
    expect(await sweepAt(at(100))).toMatchObject({ escalated: 2 });
    expect(repository.get()).toMatchObject({
      escalationLevel: 2,
      assignedOfficerId: 'head-1',
      nextEscalationAt: at(144),
    });
    expect(repository.escalations().map((event) => event.level)).toEqual([1, 2]);
  });

  it('should send an unassigned complaint to the agency’s supervisor, and keep the holder when nobody is above', async () => {
    const unassigned = setUp(filed());
    await unassigned.sweepAt(at(57.6));
    expect(unassigned.repository.get()).toMatchObject({
      status: 'submitted',
      escalationLevel: 1,
      assignedOfficerId: 'head-1',
    });
    expect(unassigned.repository.get().timeline.at(-1)?.details).toMatchObject({ escalatedTo: 'agency_supervisor' });

    const alone = setUp(
      filed(assigned),
      aDirectory({
        users: [
          aStaffMember('officer-1', { supervisorId: 'gone-1' }),
          aStaffMember('gone-1', { roles: ['supervisor'], active: false }),
        ],
      }),
    );
    expect(await alone.sweepAt(at(57.6))).toMatchObject({ escalated: 1 });
    expect(alone.repository.get()).toMatchObject({ escalationLevel: 1, assignedOfficerId: 'officer-1' });
    expect(alone.repository.get().timeline.at(-1)?.details).toMatchObject({ escalatedTo: 'nobody_above' });
    expect(alone.repository.escalations()[0]).toMatchObject({ fromOfficerId: 'officer-1', toOfficerId: 'officer-1' });
  });

  it('should skip a complaint someone else wrote first, and take it up again on the next sweep', async () => {
    const { repository, sweepAt } = setUp(filed(assigned));
    repository.update.mockResolvedValueOnce({ outcome: 'stale' });
    expect(await sweepAt(at(60))).toMatchObject({ escalated: 0, skipped: 1 });
    expect(repository.escalations()).toEqual([]);
    expect(await sweepAt(at(60))).toMatchObject({ escalated: 1, skipped: 0 });
  });

  it('should log a failing lookup and go on with the other complaints', async () => {
    const directory = aDirectory();
    const { repository, sweepAt, logger } = setUp(filed(assigned), directory);
    repository.documents.set('c-2', { ...filed(assigned), _id: 'c-2', nextEscalationAt: at(58) });
    directory.findUser.mockRejectedValueOnce(new Error('identity is down'));
    expect(await sweepAt(at(60))).toMatchObject({ escalated: 1, failed: 1 });
    expect(logger.warn).toHaveBeenCalledWith(
      expect.objectContaining({ complaintId: 'c-1', step: 'escalate' }),
      'SLA step failed',
    );
    expect(repository.get('c-2').escalationLevel).toBe(1);
  });
});

describe('SLA scheduler: auto-close', () => {
  it('should close a resolved complaint once its reopen window has passed, not before', async () => {
    const resolved = filed({
      ...assigned,
      status: 'resolved',
      resolution: { note: 'ok', partial: false, at: at(10) },
      reopenableUntil: at(10 + 14 * 24),
    });
    const { repository, sweepAt } = setUp(resolved);
    expect(await sweepAt(new Date(at(10 + 14 * 24).getTime() - 1))).toMatchObject({ closed: 0, escalated: 0 });
    expect(await sweepAt(at(10 + 14 * 24))).toMatchObject({ closed: 1 });
    expect(repository.get()).toMatchObject({ status: 'closed', version: 2 });
    expect(repository.get().timeline.at(-1)).toMatchObject({
      action: 'auto_close',
      actorRole: 'system',
      fromStatus: 'resolved',
      toStatus: 'closed',
    });
    expect(repository.events).toEqual([
      expect.objectContaining({
        type: 'id.balai.complaints.complaint.closed.v1',
        data: {
          complaintId: 'c-1',
          tenantId: '36.73',
          version: 2,
          agencyId: 'dpupr',
          cause: 'auto_closed',
          closedAt: at(346).toISOString(),
        },
      }),
    ]);
    expect(await sweepAt(at(1000))).toMatchObject({ closed: 0 });
  });

  it('should leave a rejected complaint alone (only resolved ones close themselves)', async () => {
    const rejected = filed({ status: 'rejected', rejection: { reason: 'no', at: at(1) }, reopenableUntil: at(2) });
    const { repository, sweepAt } = setUp(rejected);
    expect(await sweepAt(at(1000))).toMatchObject({ closed: 0, escalated: 0 });
    expect(repository.get().status).toBe('rejected');
  });
});
