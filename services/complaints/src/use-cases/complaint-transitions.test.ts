import { describe, expect, it, vi } from 'vitest';
import { aDirectory, aStaffMember } from '../clients/organisation-directory.fixture.js';
import { inMemoryComplaints } from '../data/complaint-repository.fixture.js';
import type { Complaint, ComplaintWrite } from '../data/complaint-repository.js';
import { aComplaint, callers, submittedAt } from '../data/complaint-test-factories.fixture.js';
import {
  assignComplaint,
  commentOnComplaint,
  markDuplicate,
  rateComplaint,
  rejectComplaint,
  reopenComplaint,
  requestReassignment,
  resolveComplaint,
  type TransitionDeps,
  withdrawComplaint,
} from './complaint-transitions.js';

function harness(complaint: Complaint, now = new Date(submittedAt.getTime() + 3_600_000)) {
  const repository = inMemoryComplaints(complaint);
  const deps = {
    repository,
    clock: () => now,
    onCommitted: vi.fn(),
    directory: aDirectory(),
  };
  return { deps, repository, writes: repository.writes, documents: repository.documents };
}

const eventsOf = (write: { change: ComplaintWrite } | undefined) => write?.change.events ?? [];

describe('complaint transitions', () => {
  it('should assign to an agency and officer, with a public timeline entry and an assigned event without personal data', async () => {
    const { deps, writes } = harness(aComplaint());
    const complaint = await assignComplaint(deps, callers.officer, {
      complaintId: 'c-1',
      expectedVersion: 1,
      agencyId: 'dpupr',
      officerId: 'officer-1',
    });
    expect(complaint).toMatchObject({ status: 'in_progress', assignedOfficerId: 'officer-1', version: 2 });
    expect(complaint.timeline.at(-1)).toMatchObject({
      action: 'assign',
      actorRole: 'officer',
      actorId: 'officer-1',
      visibility: 'public',
      fromStatus: 'submitted',
      toStatus: 'in_progress',
    });
    expect(eventsOf(writes[0])).toEqual([
      expect.objectContaining({
        type: 'id.balai.complaints.complaint.assigned.v1',
        data: expect.objectContaining({
          complaintId: 'c-1',
          version: 2,
          agencyId: 'dpupr',
          officerId: 'officer-1',
          actorRole: 'officer',
        }),
      }),
    ]);
    expect(deps.onCommitted).toHaveBeenCalledTimes(1);
  });

  it('should refuse an officer of another agency and write nothing', async () => {
    const { deps, writes } = harness(aComplaint());
    await expect(
      assignComplaint(deps, callers.otherAgencyOfficer, { complaintId: 'c-1', expectedVersion: 1, agencyId: 'dlh' }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(writes).toHaveLength(0);
  });

  it("should not find another tenant's complaint", async () => {
    const { deps } = harness(aComplaint());
    await expect(
      assignComplaint(
        deps,
        { ...callers.officer, tenantId: '36.71' },
        { complaintId: 'c-1', expectedVersion: 1, agencyId: 'dpupr' },
      ),
    ).rejects.toMatchObject({ code: 'COMPLAINT_NOT_FOUND' });
  });

  it('should answer STALE_VERSION when the version changed between read and write', async () => {
    const { deps, repository } = harness(aComplaint());
    repository.update.mockResolvedValueOnce({ outcome: 'stale' });
    await expect(
      assignComplaint(deps, callers.officer, { complaintId: 'c-1', expectedVersion: 1, agencyId: 'dpupr' }),
    ).rejects.toMatchObject({ code: 'STALE_VERSION' });
  });

  it('should resolve partly with a public note, and the reporter rate it, which closes it with two events', async () => {
    const { deps, writes } = harness(aComplaint({ status: 'in_progress', assignedAt: submittedAt }));
    await resolveComplaint(deps, callers.officer, {
      complaintId: 'c-1',
      expectedVersion: 1,
      note: 'Sudah ditambal',
      partial: true,
    });
    const closed = await rateComplaint(deps, callers.reporter, {
      complaintId: 'c-1',
      expectedVersion: 2,
      score: 4,
      outcome: 'partly_fixed',
    });
    expect(closed).toMatchObject({
      status: 'closed',
      rating: { score: 4, outcome: 'partly_fixed' },
      resolution: { partial: true },
    });
    expect(eventsOf(writes[1]).map((event) => event.type)).toEqual([
      'id.balai.complaints.complaint.rated.v1',
      'id.balai.complaints.complaint.closed.v1',
    ]);
    // The reporter is not identified on the stream; the note is not on it either.
    expect(JSON.stringify(writes.map(eventsOf))).not.toContain('citizen-1');
    expect(JSON.stringify(writes.map(eventsOf))).not.toContain('ditambal');
  });

  it('should reopen a complaint rated not fixed, back to the officer who had it, as a rating and then a reopen', async () => {
    const { deps, writes } = harness(
      aComplaint({ status: 'in_progress', assignedOfficerId: 'officer-1', assignedAt: submittedAt }),
    );
    await resolveComplaint(deps, callers.officer, { complaintId: 'c-1', expectedVersion: 1, note: 'Sudah ditambal' });
    const reopened = await rateComplaint(deps, callers.reporter, {
      complaintId: 'c-1',
      expectedVersion: 2,
      score: 1,
      outcome: 'not_fixed',
    });
    expect(reopened).toMatchObject({
      status: 'in_progress',
      version: 3,
      assignedOfficerId: 'officer-1',
      rating: { score: 1, outcome: 'not_fixed' },
      resolution: null,
      reopenableUntil: null,
    });
    expect(reopened.timeline.slice(-2)).toEqual([
      expect.objectContaining({
        action: 'rate',
        fromStatus: 'resolved',
        toStatus: 'resolved',
        details: { score: '1', outcome: 'not_fixed' },
      }),
      expect.objectContaining({
        action: 'reopen',
        actorRole: 'citizen',
        fromStatus: 'resolved',
        toStatus: 'in_progress',
        details: { cause: 'rated_not_fixed' },
      }),
    ]);
    expect(eventsOf(writes[1])).toEqual([
      expect.objectContaining({
        type: 'id.balai.complaints.complaint.rated.v1',
        data: expect.objectContaining({ version: 3, outcome: 'not_fixed', toStatus: 'in_progress' }),
      }),
      expect.objectContaining({
        type: 'id.balai.complaints.complaint.reopened.v1',
        data: expect.objectContaining({
          version: 3,
          fromStatus: 'resolved',
          toStatus: 'in_progress',
          cause: 'rated_not_fixed',
        }),
      }),
    ]);
  });

  it('should close a complaint rated fixed, with no reopen window left to show', async () => {
    const { deps, writes } = harness(
      aComplaint({
        status: 'resolved',
        assignedAt: submittedAt,
        resolution: { note: 'ok', partial: false, at: submittedAt },
        reopenableUntil: new Date(submittedAt.getTime() + 7 * 86_400_000),
      }),
    );
    const closed = await rateComplaint(deps, callers.reporter, {
      complaintId: 'c-1',
      expectedVersion: 1,
      score: 5,
      outcome: 'fixed',
    });
    expect(closed).toMatchObject({ status: 'closed', reopenableUntil: null });
    expect(eventsOf(writes[0])[0]).toMatchObject({ data: { toStatus: 'closed' } });
  });

  it('should tell the current version when the complaint changed between its read and its write', async () => {
    const { deps, repository } = harness(aComplaint());
    const racing = {
      ...deps,
      repository: {
        ...repository,
        // Someone else's write lands first: the guarded update finds version 2.
        update: async () => {
          await repository.update('36.73', 'c-1', 1, { set: {}, timeline: [], events: [], at: submittedAt });
          return { outcome: 'stale' as const };
        },
      },
    };
    await expect(
      assignComplaint(racing, callers.officer, { complaintId: 'c-1', expectedVersion: 1, agencyId: 'dpupr' }),
    ).rejects.toMatchObject({ code: 'STALE_VERSION', extensions: { currentVersion: 2 } });
  });

  it.each([
    [0, 'VALIDATION_FAILED'],
    [6, 'VALIDATION_FAILED'],
  ])('should refuse a score of %i', async (score, code) => {
    const { deps } = harness(aComplaint({ status: 'resolved' }));
    await expect(
      rateComplaint(deps, callers.reporter, { complaintId: 'c-1', expectedVersion: 1, score, outcome: 'fixed' }),
    ).rejects.toMatchObject({ code });
  });

  it('should let the reporter withdraw before assignment only', async () => {
    const { deps } = harness(aComplaint());
    expect(await withdrawComplaint(deps, callers.reporter, { complaintId: 'c-1', expectedVersion: 1 })).toMatchObject({
      status: 'cancelled',
    });
    const assigned = harness(aComplaint({ status: 'in_progress' }));
    await expect(
      withdrawComplaint(assigned.deps, callers.reporter, { complaintId: 'c-1', expectedVersion: 1 }),
    ).rejects.toMatchObject({
      code: 'TRANSITION_NOT_ALLOWED',
    });
  });

  it('should reopen within the window and refuse after it', async () => {
    const resolvedAt = submittedAt;
    const within = harness(
      aComplaint({ status: 'resolved', resolution: { note: 'ok', partial: false, at: resolvedAt } }),
      new Date(resolvedAt.getTime() + 14 * 86_400_000),
    );
    expect(
      await reopenComplaint(within.deps, callers.reporter, {
        complaintId: 'c-1',
        expectedVersion: 1,
        reason: 'Masih berlubang',
      }),
    ).toMatchObject({ status: 'submitted', resolution: null });
    const late = harness(
      aComplaint({ status: 'rejected', rejection: { reason: 'no', at: resolvedAt } }),
      new Date(resolvedAt.getTime() + 14 * 86_400_000 + 1),
    );
    await expect(
      reopenComplaint(late.deps, callers.reporter, {
        complaintId: 'c-1',
        expectedVersion: 1,
        reason: 'Masih berlubang',
      }),
    ).rejects.toMatchObject({
      code: 'REOPEN_WINDOW_EXPIRED',
    });
  });

  it('should keep internal comments to staff, and allow public ones from the reporter', async () => {
    const { deps, writes } = harness(aComplaint({ status: 'in_progress' }));
    await expect(
      commentOnComplaint(deps, callers.reporter, {
        complaintId: 'c-1',
        expectedVersion: 1,
        text: 'rahasia',
        visibility: 'internal',
      }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(
      commentOnComplaint(deps, callers.otherCitizen, {
        complaintId: 'c-1',
        expectedVersion: 1,
        text: 'halo',
        visibility: 'public',
      }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await commentOnComplaint(deps, callers.reporter, {
      complaintId: 'c-1',
      expectedVersion: 1,
      text: 'Terima kasih',
      visibility: 'public',
    });
    const commented = await commentOnComplaint(deps, callers.officer, {
      complaintId: 'c-1',
      expectedVersion: 2,
      text: 'Cek lokasi besok',
      visibility: 'internal',
    });
    expect(commented.status).toBe('in_progress');
    expect(commented.timeline.map((entry) => entry.visibility)).toEqual(['public', 'internal']);
    expect(JSON.stringify(writes.map(eventsOf))).not.toContain('Cek lokasi');
  });

  it('should let only the assigned officer ask for reassignment, as an internal entry', async () => {
    const { deps } = harness(aComplaint({ status: 'in_progress', assignedOfficerId: 'officer-1' }));
    await expect(
      requestReassignment(deps, callers.supervisor, {
        complaintId: 'c-1',
        expectedVersion: 1,
        reason: 'Bukan wewenang kami',
      }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const requested = await requestReassignment(deps, callers.officer, {
      complaintId: 'c-1',
      expectedVersion: 1,
      reason: 'Bukan wewenang kami',
    });
    expect(requested).toMatchObject({ status: 'in_progress', version: 2 });
    expect(requested.timeline.at(-1)?.visibility).toBe('internal');
  });

  it('should reject with a public reason', async () => {
    const { deps } = harness(aComplaint());
    expect(
      await rejectComplaint(deps, callers.supervisor, {
        complaintId: 'c-1',
        expectedVersion: 1,
        reason: 'Bukan aset pemerintah kota',
      }),
    ).toMatchObject({
      status: 'rejected',
      rejection: { reason: 'Bukan aset pemerintah kota' },
    });
  });

  it('should mark a duplicate, link the original back, and refuse a missing or closed original', async () => {
    const { deps, documents, repository } = harness(aComplaint({ _id: 'c-2' }));
    documents.set('c-1', aComplaint({ _id: 'c-1', status: 'in_progress' }));
    const duplicate = await markDuplicate(deps, callers.officer, {
      complaintId: 'c-2',
      expectedVersion: 1,
      duplicateOfId: 'c-1',
    });
    expect(duplicate).toMatchObject({ status: 'duplicate', duplicateOfId: 'c-1' });
    expect(repository.linkDuplicate).toHaveBeenCalledWith(
      '36.73',
      'c-1',
      'c-2',
      expect.objectContaining({ action: 'duplicate_linked' }),
    );

    documents.set('c-3', aComplaint({ _id: 'c-3' }));
    await expect(
      markDuplicate(deps, callers.officer, { complaintId: 'c-3', expectedVersion: 1, duplicateOfId: 'c-404' }),
    ).rejects.toMatchObject({ code: 'COMPLAINT_NOT_FOUND' });
    await expect(
      markDuplicate(deps, callers.officer, { complaintId: 'c-3', expectedVersion: 1, duplicateOfId: 'c-2' }),
    ).rejects.toMatchObject({ code: 'TRANSITION_NOT_ALLOWED' });
    await expect(
      markDuplicate(deps, callers.officer, { complaintId: 'c-3', expectedVersion: 1, duplicateOfId: 'c-3' }),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });
});

describe('complaint transitions: free text', () => {
  const target = { complaintId: 'c-1', expectedVersion: 1 };
  const held = { status: 'in_progress' as const, assignedOfficerId: 'officer-1', assignedAt: submittedAt };
  const resolved = { status: 'resolved' as const, resolution: { note: 'done', partial: false, at: submittedAt } };
  const withText = (text: string) =>
    ({
      '/note (assign)': [
        aComplaint(),
        (deps: TransitionDeps) => assignComplaint(deps, callers.officer, { ...target, agencyId: 'dpupr', note: text }),
      ],
      '/reason (request reassignment)': [
        aComplaint(held),
        (deps: TransitionDeps) => requestReassignment(deps, callers.officer, { ...target, reason: text }),
      ],
      '/note (resolve)': [
        aComplaint(held),
        (deps: TransitionDeps) => resolveComplaint(deps, callers.officer, { ...target, note: text }),
      ],
      '/reason (reject)': [
        aComplaint(),
        (deps: TransitionDeps) => rejectComplaint(deps, callers.supervisor, { ...target, reason: text }),
      ],
      '/reason (reopen)': [
        aComplaint(resolved),
        (deps: TransitionDeps) => reopenComplaint(deps, callers.reporter, { ...target, reason: text }),
      ],
      '/text (comment)': [
        aComplaint(held),
        (deps: TransitionDeps) => commentOnComplaint(deps, callers.reporter, { ...target, text, visibility: 'public' }),
      ],
    }) satisfies Record<string, [Complaint, (deps: TransitionDeps) => Promise<Complaint>]>;
  const fields = Object.keys(withText('')) as Array<keyof ReturnType<typeof withText>>;

  it.each(fields)('should refuse control characters in %s and write nothing', async (name) => {
    for (const text of [
      'Sudah\u0000 diperbaiki',
      'Sudah diperbaiki\u000b',
      'Sudah\u009b diperbaiki',
      'Sudah\rdiperbaiki',
    ]) {
      const [complaint, call] = withText(text)[name];
      const { deps, writes } = harness(complaint);
      const error = await call(deps).catch((e: unknown) => e);
      expect(error, JSON.stringify(text)).toMatchObject({
        code: 'VALIDATION_FAILED',
        details: [
          { field: name.split(' ')[0], message: expect.stringMatching(/^must not contain control characters/) },
        ],
      });
      expect(writes).toHaveLength(0);
    }
  });

  it.each(fields)('should keep tabs, line breaks (CRLF as LF), accents and emoji in %s', async (name) => {
    const [complaint, call] = withText(' Sudah ditambal 👍\r\n\t- Café Ñusantara, 道路 ')[name];
    const { deps } = harness(complaint);
    const written = await call(deps);
    expect(written.timeline.at(-1)?.note).toBe('Sudah ditambal 👍\n\t- Café Ñusantara, 道路');
  });

  it('should store the resolution note and the rejection reason as the timeline shows them', async () => {
    const resolvedNow = await resolveComplaint(harness(aComplaint(held)).deps, callers.officer, {
      ...target,
      note: 'Sudah\r\nditambal',
    });
    expect(resolvedNow.resolution?.note).toBe('Sudah\nditambal');
    const rejected = await rejectComplaint(harness(aComplaint()).deps, callers.supervisor, {
      ...target,
      reason: 'Bukan\r\naset kota',
    });
    expect(rejected.rejection?.reason).toBe('Bukan\naset kota');
  });
});

describe('complaint transitions against the organisation directory', () => {
  const assign = { complaintId: 'c-1', expectedVersion: 1 };

  it('should refuse an agency the tenant does not have, and an officer who is not an active officer of that agency', async () => {
    const directory = aDirectory({
      users: [
        aStaffMember('officer-1'),
        aStaffMember('officer-gone', { active: false }),
        aStaffMember('analyst-1', { roles: ['analyst'], agencyId: '' }),
        aStaffMember('officer-9', { agencyId: 'dlh' }),
      ],
    });
    const attempts: Array<[{ agencyId: string; officerId?: string }, string]> = [
      [{ agencyId: 'dinkes' }, '/agencyId'],
      [{ agencyId: 'dpupr', officerId: 'officer-404' }, '/officerId'],
      [{ agencyId: 'dpupr', officerId: 'officer-gone' }, '/officerId'],
      [{ agencyId: 'dpupr', officerId: 'analyst-1' }, '/officerId'],
      [{ agencyId: 'dpupr', officerId: 'officer-9' }, '/officerId'],
    ];
    for (const [target, field] of attempts) {
      const { deps, writes } = harness(aComplaint());
      await expect(
        assignComplaint({ ...deps, directory }, callers.supervisor, { ...assign, ...target }),
      ).rejects.toMatchObject({ code: 'VALIDATION_FAILED', details: [expect.objectContaining({ field })] });
      expect(writes).toEqual([]);
    }
    const { deps } = harness(aComplaint());
    await expect(
      assignComplaint({ ...deps, directory }, callers.supervisor, {
        ...assign,
        agencyId: 'dlh',
        officerId: 'officer-9',
      }),
    ).resolves.toMatchObject({ agencyId: 'dlh', assignedOfficerId: 'officer-9' });
    expect(directory.agencyIds).toHaveBeenCalledWith('36.73');
  });

  it("should set the reopen window from the tenant's setting at resolution and rejection, and clear it on reopen", async () => {
    const now = new Date(submittedAt.getTime() + 3_600_000);
    const resolving = harness(
      aComplaint({ status: 'in_progress', assignedOfficerId: 'officer-1', assignedAt: submittedAt }),
      now,
    );
    const directory = aDirectory({ reopenWindowDays: 3 });
    const resolved = await resolveComplaint({ ...resolving.deps, directory }, callers.officer, {
      ...assign,
      note: 'Sudah ditambal',
    });
    expect(resolved.reopenableUntil).toEqual(new Date(now.getTime() + 3 * 86_400_000));
    expect(directory.reopenWindowDays).toHaveBeenCalledWith('36.73');

    const rejecting = harness(aComplaint(), now);
    const rejected = await rejectComplaint({ ...rejecting.deps, directory }, callers.officer, {
      ...assign,
      reason: 'Bukan wewenang',
    });
    expect(rejected.reopenableUntil).toEqual(new Date(now.getTime() + 3 * 86_400_000));

    const reopening = harness(resolved, new Date(now.getTime() + 3 * 86_400_000));
    const reopened = await reopenComplaint({ ...reopening.deps, directory }, callers.reporter, {
      complaintId: 'c-1',
      expectedVersion: resolved.version,
      reason: 'Masih berlubang',
    });
    expect(reopened).toMatchObject({ status: 'in_progress', reopenableUntil: null });
  });

  it('should refuse a reopen one moment after reopenableUntil, whatever the setting says now', async () => {
    const until = new Date(submittedAt.getTime() + 86_400_000);
    const { deps } = harness(
      aComplaint({
        status: 'resolved',
        resolution: { note: 'ok', partial: false, at: submittedAt },
        reopenableUntil: until,
      }),
      new Date(until.getTime() + 1),
    );
    await expect(
      reopenComplaint({ ...deps, directory: aDirectory({ reopenWindowDays: 365 }) }, callers.reporter, {
        complaintId: 'c-1',
        expectedVersion: 1,
        reason: 'Masih berlubang',
      }),
    ).rejects.toMatchObject({ code: 'REOPEN_WINDOW_EXPIRED' });
  });
});
