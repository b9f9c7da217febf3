import type { CallContext } from '@balai/platform';
import { describe, expect, it } from 'vitest';
import { type ComplaintStatus, complaintStatuses } from '../data/complaint.schema.js';
import type { Complaint } from '../data/complaint-repository.js';
import { aComplaint, callers, submittedAt } from '../data/complaint-test-factories.fixture.js';
import { allowedActionsFor, complaintWorkflow, planTransition, type TransitionName } from './complaint-workflow.js';

type CallerName = keyof typeof callers;
const allCallers = Object.keys(callers) as CallerName[];

/** A complaint in a state each transition can start from, held by officer-1 of dpupr. */
const startState: Record<TransitionName, Partial<Complaint>> = {
  assign: { status: 'submitted' },
  request_reassignment: { status: 'in_progress', assignedOfficerId: 'officer-1', assignedAt: submittedAt },
  resolve: { status: 'in_progress', assignedOfficerId: 'officer-1', assignedAt: submittedAt },
  reject: { status: 'submitted' },
  withdraw: { status: 'submitted' },
  reopen: {
    status: 'resolved',
    assignedAt: submittedAt,
    resolution: { note: 'done', partial: false, at: submittedAt },
  },
  rate: { status: 'resolved', resolution: { note: 'done', partial: false, at: submittedAt } },
  comment: { status: 'in_progress' },
  mark_duplicate: { status: 'submitted' },
};

/** Who may take each transition on that complaint: written out by hand, not derived from the table. */
const allowed: Record<TransitionName, CallerName[]> = {
  assign: ['officer', 'supervisor', 'tenantAdmin'],
  request_reassignment: ['officer'],
  resolve: ['officer', 'supervisor'],
  reject: ['officer', 'supervisor'],
  withdraw: ['reporter'],
  reopen: ['reporter'],
  rate: ['reporter'],
  comment: ['reporter', 'officer', 'supervisor', 'tenantAdmin'],
  mark_duplicate: ['officer', 'supervisor'],
};

const transitions = Object.keys(complaintWorkflow) as TransitionName[];
const now = new Date(submittedAt.getTime() + 3_600_000);

describe('complaint workflow: who may take which transition', () => {
  const cases = transitions.flatMap((name) => allCallers.map((caller) => [name, caller] as const));
  it.each(cases)('%s by %s', (name, caller) => {
    const complaint = aComplaint(startState[name]);
    const context: CallContext = callers[caller];
    const attempt = () => planTransition(name, complaint, context, complaint.version, now);
    if (allowed[name].includes(caller)) expect(attempt).not.toThrow();
    else
      expect(attempt).toThrow(
        expect.objectContaining({ code: caller === 'anonymous' ? 'UNAUTHENTICATED' : 'FORBIDDEN' }),
      );
  });
});

describe('complaint workflow: state rules', () => {
  /** A caller every guard of the transition lets through, whatever the state. */
  const everyone: CallContext = {
    tenantId: '36.73',
    requestId: 'r',
    subject: 'officer-1',
    roles: ['citizen', 'officer', 'supervisor', 'tenant_admin'],
    agencyId: 'dpupr',
  };
  const startable: Record<TransitionName, ComplaintStatus[]> = {
    assign: ['submitted', 'in_progress'],
    request_reassignment: ['in_progress'],
    resolve: ['in_progress'],
    reject: ['submitted', 'in_progress'],
    withdraw: ['submitted'],
    reopen: ['resolved', 'rejected'],
    rate: ['resolved'],
    comment: ['submitted', 'in_progress', 'resolved'],
    mark_duplicate: ['submitted', 'in_progress'],
  };
  const cases = transitions.flatMap((name) => complaintStatuses.map((status) => [name, status] as const));
  it.each(cases)('%s from %s', (name, status) => {
    const complaint = aComplaint({ status, reporterId: 'officer-1', assignedOfficerId: 'officer-1' });
    const attempt = () => planTransition(name, complaint, everyone, 1, now);
    if (startable[name].includes(status)) expect(attempt).not.toThrow();
    else expect(attempt).toThrow(expect.objectContaining({ code: 'TRANSITION_NOT_ALLOWED' }));
  });

  it('should let a duplicate take no step at all', () => {
    const complaint = aComplaint({ status: 'duplicate', reporterId: 'officer-1', assignedOfficerId: 'officer-1' });
    for (const name of transitions) {
      expect(() => planTransition(name, complaint, everyone, 1, now)).toThrow(
        expect.objectContaining({ code: 'TRANSITION_NOT_ALLOWED' }),
      );
    }
  });

  it('should refuse a stale version before looking at the state', () => {
    const complaint = aComplaint({ status: 'closed', version: 4 });
    expect(() => planTransition('assign', complaint, callers.officer, 3, now)).toThrow(
      expect.objectContaining({ code: 'STALE_VERSION' }),
    );
  });

  it('should reopen to in_progress when it had been assigned, else to submitted', () => {
    const assigned = aComplaint({ status: 'resolved', assignedAt: submittedAt });
    expect(planTransition('reopen', assigned, callers.reporter, 1, now).to).toBe('in_progress');
    expect(planTransition('reopen', aComplaint({ status: 'rejected' }), callers.reporter, 1, now).to).toBe('submitted');
  });
});

describe('complaint workflow: allowedActions', () => {
  const statesOf: ComplaintStatus[] = [...complaintStatuses];

  it('should list exactly the transitions planTransition lets each caller take, in every state', () => {
    for (const caller of allCallers) {
      for (const status of statesOf) {
        const complaint = aComplaint({
          status,
          assignedOfficerId: 'officer-1',
          assignedAt: submittedAt,
          reopenableUntil: new Date(now.getTime() + 86_400_000),
        });
        const context: CallContext = callers[caller];
        const accepted = transitions.filter((name) => {
          try {
            planTransition(name, complaint, context, complaint.version, now);
            return true;
          } catch {
            return false;
          }
        });
        expect([caller, status, allowedActionsFor(complaint, context, now)]).toEqual([caller, status, accepted]);
      }
    }
  });

  it.each([
    ['reporter', 'submitted', ['withdraw', 'comment']],
    ['reporter', 'in_progress', ['comment']],
    ['reporter', 'resolved', ['reopen', 'rate', 'comment']],
    ['reporter', 'rejected', ['reopen']],
    ['reporter', 'closed', []],
    ['officer', 'submitted', ['assign', 'reject', 'comment', 'mark_duplicate']],
    ['officer', 'in_progress', ['assign', 'request_reassignment', 'resolve', 'reject', 'comment', 'mark_duplicate']],
    ['supervisor', 'in_progress', ['assign', 'resolve', 'reject', 'comment', 'mark_duplicate']],
    ['otherAgencyOfficer', 'in_progress', []],
    ['tenantAdmin', 'submitted', ['assign', 'comment']],
    ['anonymous', 'submitted', []],
  ] as const)('should let %s on a %s complaint take %j', (caller, status, expected) => {
    const complaint = aComplaint({
      status,
      assignedOfficerId: 'officer-1',
      assignedAt: submittedAt,
      reopenableUntil: new Date(now.getTime() + 86_400_000),
    });
    expect(allowedActionsFor(complaint, callers[caller], now)).toEqual(expected);
  });

  it('should drop reopen and rate once the reopen window has passed, and refuse them alike', () => {
    const until = new Date(now.getTime() - 1);
    const resolved = aComplaint({ status: 'resolved', assignedAt: submittedAt, reopenableUntil: until });
    expect(allowedActionsFor(resolved, callers.reporter, now)).toEqual(['comment']);
    for (const name of ['reopen', 'rate'] as const) {
      expect(() => planTransition(name, resolved, callers.reporter, 1, now)).toThrow(
        expect.objectContaining({ code: 'REOPEN_WINDOW_EXPIRED' }),
      );
    }
    expect(allowedActionsFor({ ...resolved, reopenableUntil: now }, callers.reporter, now)).toEqual([
      'reopen',
      'rate',
      'comment',
    ]);
  });

  it('should carry the current version on STALE_VERSION', () => {
    const complaint = aComplaint({ status: 'submitted', version: 4 });
    expect(() => planTransition('assign', complaint, callers.officer, 3, now)).toThrow(
      expect.objectContaining({ code: 'STALE_VERSION', extensions: { currentVersion: 4 } }),
    );
  });
});
