import type { CallContext } from '@balai/platform';
import { describe, expect, it } from 'vitest';
import { type ComplaintStatus, complaintStatuses } from '../data/complaint.schema.js';
import type { Complaint } from '../data/complaint-repository.js';
import { aComplaint, callers, submittedAt } from '../data/complaint-test-factories.fixture.js';
import { complaintWorkflow, planTransition, type TransitionName } from './complaint-workflow.js';

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

describe('complaint workflow: who may take which transition', () => {
  const cases = transitions.flatMap((name) => allCallers.map((caller) => [name, caller] as const));
  it.each(cases)('%s by %s', (name, caller) => {
    const complaint = aComplaint(startState[name]);
    const context: CallContext = callers[caller];
    const attempt = () => planTransition(name, complaint, context, complaint.version);
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
    const attempt = () => planTransition(name, complaint, everyone, 1);
    if (startable[name].includes(status)) expect(attempt).not.toThrow();
    else expect(attempt).toThrow(expect.objectContaining({ code: 'TRANSITION_NOT_ALLOWED' }));
  });

  it('should let a duplicate take no step at all', () => {
    const complaint = aComplaint({ status: 'duplicate', reporterId: 'officer-1', assignedOfficerId: 'officer-1' });
    for (const name of transitions) {
      expect(() => planTransition(name, complaint, everyone, 1)).toThrow(
        expect.objectContaining({ code: 'TRANSITION_NOT_ALLOWED' }),
      );
    }
  });

  it('should refuse a stale version before looking at the state', () => {
    const complaint = aComplaint({ status: 'closed', version: 4 });
    expect(() => planTransition('assign', complaint, callers.officer, 3)).toThrow(
      expect.objectContaining({ code: 'STALE_VERSION' }),
    );
  });

  it('should reopen to in_progress when it had been assigned, else to submitted', () => {
    const assigned = aComplaint({ status: 'resolved', assignedAt: submittedAt });
    expect(planTransition('reopen', assigned, callers.reporter, 1).to).toBe('in_progress');
    expect(planTransition('reopen', aComplaint({ status: 'rejected' }), callers.reporter, 1).to).toBe('submitted');
  });
});
