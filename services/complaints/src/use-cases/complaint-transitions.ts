import { randomUUID } from 'node:crypto';
import type { DomainEvent } from '@balai/contracts';
import {
  AppError,
  agencyId,
  blanksLeftOut,
  boundedText,
  type CallContext,
  checkExpectedVersion,
  checkFields,
  newEvent,
  normaliseText,
  type OutboxEntry,
  oneOf,
  refuseProblems,
  requireTenant,
  staleVersion,
  userId,
  wholeNumber,
} from '@balai/platform';
import Type from 'typebox';
import type { OrganisationDirectory } from '../clients/organisation-directory.js';
import type { ComplaintStatus, TimelineEntry, Visibility } from '../data/complaint.schema.js';
import type {
  Complaint,
  ComplaintChanges,
  ComplaintRepository,
  UpdateComplaintResult,
} from '../data/complaint-repository.js';
import { type EscalationTarget, escalationDueAt } from '../domain/complaint-escalation.js';
import {
  decideTransition,
  type PlannedTransition,
  planSystemTransition,
  planTransition,
  type SystemTransitionName,
  type TransitionName,
} from '../domain/complaint-workflow.js';
import { reopenableUntil, withReopenDeadline } from '../domain/reopen-window.js';
import { eventSource } from './use-case-support.js';

export interface TransitionDeps {
  repository: Pick<ComplaintRepository, 'findById' | 'update' | 'linkDuplicate'>;
  clock: () => Date;
  /** Wakes the outbox relay after a write with events. */
  onCommitted: () => void;
  /** identity's view of agencies, staff and tenant settings (the reopen window). */
  directory: Pick<OrganisationDirectory, 'agencyIds' | 'findUser' | 'reopenWindowDays'>;
}

export const ratingOutcomes = ['fixed', 'partly_fixed', 'not_fixed'] as const;

/*
 * What each transition takes besides its target (complaintId, expectedVersion: runTransition
 * checks those), as any gRPC caller may send it.
 */
const AssignInputSchema = Type.Object({
  agencyId: agencyId(),
  officerId: Type.Optional(userId()),
  note: Type.Optional(boundedText({ max: 2000 })),
});
/** Why a reassignment, a rejection or a reopening is asked for. */
const ReasonInputSchema = Type.Object({ reason: boundedText({ min: 3, max: 2000 }) });
const ResolveInputSchema = Type.Object({ note: boundedText({ min: 3, max: 4000 }) });
const RateInputSchema = Type.Object({ score: wholeNumber({ min: 1, max: 5 }), outcome: oneOf(ratingOutcomes) });
const CommentInputSchema = Type.Object({
  text: boundedText({ min: 1, max: 4000 }),
  visibility: oneOf(['public', 'internal']),
});

interface Target {
  complaintId: string;
  expectedVersion: number;
}

/** What the events of one write may carry besides their own fields. */
interface EventStamp {
  /** The complaint and its version once this write is in. */
  ids: { complaintId: string; tenantId: string; version: number };
  /** Who took the step; actorId is '' for a citizen (never identified on the stream) and the system. */
  actor: { actorRole: string; actorId: string };
}

/** What one transition writes besides the new state: its timeline entry and its events. */
interface Outcome {
  set?: ComplaintChanges;
  visibility: Visibility;
  note?: string;
  details?: Record<string, string>;
  /**
   * A second step the same write takes right after this one (a `not_fixed` rating reopens): its
   * own timeline entry, and the state it leads to is the complaint's new state.
   */
  followedBy?: { action: TransitionName; to: ComplaintStatus; details?: Record<string, string> };
  /** Each event's data is checked against its generated message: a misspelt field does not compile. */
  events: (stamp: EventStamp) => DomainEvent[];
}

/**
 * Loads the complaint in the caller's tenant, asks the workflow whether this caller may take
 * the transition at this version, and writes the new state, one timeline entry and the events
 * in one version-guarded single-document update. A concurrent change is STALE_VERSION.
 */
async function runTransition(
  deps: TransitionDeps,
  context: CallContext,
  name: TransitionName,
  target: Target,
  decide: (complaint: Complaint, plan: PlannedTransition, now: Date) => Outcome | Promise<Outcome>,
): Promise<Complaint> {
  const tenantId = requireTenant(context);
  const expectedVersion = checkExpectedVersion(target.expectedVersion);
  const complaint =
    typeof target.complaintId === 'string' && target.complaintId !== ''
      ? await deps.repository.findById(tenantId, target.complaintId)
      : null;
  if (!complaint) throw new AppError('COMPLAINT_NOT_FOUND');
  const now = deps.clock();
  const current = await withReopenDeadline(deps, complaint);
  const plan = planTransition(name, current, context, expectedVersion, now);
  const outcome = await decide(current, plan, now);
  const result = await writeTransition(deps, complaint, name, { ...plan, now }, outcome, {
    timelineId: context.subject ?? '',
    // Citizens are never identified on the stream; staff are, by id.
    eventId: plan.guard.relation === 'reporter' ? '' : (context.subject ?? ''),
    ...(context.traceparent ? { traceparent: context.traceparent } : {}),
  });
  if (result.outcome === 'not_found') throw new AppError('COMPLAINT_NOT_FOUND');
  if (result.outcome === 'stale') {
    // Changed between the read and the write: the caller needs the version it is at now.
    const changed = await deps.repository.findById(tenantId, complaint._id);
    if (!changed) throw new AppError('COMPLAINT_NOT_FOUND');
    throw staleVersion(changed.version);
  }
  return result.complaint;
}

/**
 * The one write of a transition, at the version the complaint was read: the new state, one
 * timeline entry and the events, in one version-guarded single-document update. Wakes the relay
 * when it wrote.
 */
async function writeTransition(
  deps: { repository: Pick<ComplaintRepository, 'update'>; onCommitted: () => void },
  complaint: Complaint,
  action: string,
  step: { from: ComplaintStatus; to: ComplaintStatus; actorRole: string; now: Date },
  outcome: Outcome,
  actor: { timelineId: string; eventId: string; traceparent?: string },
): Promise<UpdateComplaintResult> {
  const { tenantId } = complaint;
  const { now } = step;
  const version = complaint.version + 1;
  const entry: TimelineEntry = {
    id: randomUUID(),
    action,
    at: now,
    actorRole: step.actorRole,
    actorId: actor.timelineId,
    visibility: outcome.visibility,
    fromStatus: step.from,
    toStatus: step.to,
    note: outcome.note?.trim() ?? '',
    details: outcome.details ?? {},
  };
  const next = outcome.followedBy;
  const entries: TimelineEntry[] = next
    ? [
        { ...entry, toStatus: step.from },
        {
          ...entry,
          id: randomUUID(),
          action: next.action,
          note: '',
          fromStatus: step.from,
          toStatus: next.to,
          details: next.details ?? {},
        },
      ]
    : [entry];
  const to = next?.to ?? step.to;
  const stamp: EventStamp = {
    ids: { complaintId: complaint._id, tenantId, version },
    actor: { actorRole: step.actorRole, actorId: actor.eventId },
  };
  const events: OutboxEntry[] = outcome.events(stamp).map((event) =>
    newEvent({
      ...event,
      source: eventSource,
      subject: complaint._id,
      tenantId,
      time: now,
      ...(actor.traceparent ? { traceparent: actor.traceparent } : {}),
    }),
  );
  const set: ComplaintChanges = { ...outcome.set };
  if (to !== step.from) set.status = to;
  const result = await deps.repository.update(tenantId, complaint._id, complaint.version, {
    set,
    timeline: entries,
    events,
    at: now,
  });
  if (result.outcome === 'updated') deps.onCommitted();
  return result;
}

/** Officer or supervisor of the responsible agency, or a tenant admin, routes it to an agency (and officer). */
export async function assignComplaint(
  deps: TransitionDeps,
  context: CallContext,
  input: Target & { agencyId: string; officerId?: string; note?: string },
): Promise<Complaint> {
  checkFields(AssignInputSchema, blanksLeftOut(input));
  const note = normaliseText(input.note ?? '');
  return runTransition(deps, context, 'assign', input, async (complaint, _plan, now) => {
    await checkAssignee(deps.directory, complaint.tenantId, input.agencyId, input.officerId ?? '');
    return assignOutcome(complaint, { ...input, note }, now);
  });
}

/**
 * The agency must be one of the tenant's, and the officer (when named) an active officer or
 * supervisor of that agency, as identity knows them now.
 */
async function checkAssignee(
  directory: Pick<OrganisationDirectory, 'agencyIds' | 'findUser'>,
  tenantId: string,
  agencyId: string,
  officerId: string,
): Promise<void> {
  if (!(await directory.agencyIds(tenantId)).includes(agencyId)) {
    refuseProblems([{ field: '/agencyId', message: 'is not an agency of this tenant' }]);
  }
  if (officerId === '') return;
  const officer = await directory.findUser(tenantId, officerId);
  const problem = !officer
    ? 'is not a user of this tenant'
    : !officer.active
      ? 'is not an active user'
      : !(officer.roles.includes('officer') || officer.roles.includes('supervisor'))
        ? 'is not an officer or supervisor'
        : officer.agencyId !== agencyId
          ? `is not an officer of ${agencyId}`
          : null;
  if (problem) refuseProblems([{ field: '/officerId', message: problem }]);
}

function assignOutcome(
  complaint: Complaint,
  input: { agencyId: string; officerId?: string; note?: string },
  now: Date,
): Outcome {
  return {
    set: { agencyId: input.agencyId, assignedOfficerId: input.officerId ?? '', assignedAt: now },
    visibility: 'public',
    note: input.note ?? '',
    details: { agencyId: input.agencyId, ...(input.officerId ? { officerId: input.officerId } : {}) },
    events: ({ ids, actor }) => [
      {
        type: 'id.balai.complaints.complaint.assigned.v1',
        data: {
          ...ids,
          ...actor,
          agencyId: input.agencyId,
          officerId: input.officerId ?? '',
          previousAgencyId: complaint.agencyId,
          assignedAt: now,
        },
      },
    ],
  };
}

/** The assigned officer asks for it to go elsewhere; a supervisor or admin then reassigns it. */
export async function requestReassignment(
  deps: TransitionDeps,
  context: CallContext,
  input: Target & { reason: string },
): Promise<Complaint> {
  checkFields(ReasonInputSchema, input);
  const reason = normaliseText(input.reason);
  return runTransition(deps, context, 'request_reassignment', input, (complaint, _plan, now) => ({
    visibility: 'internal',
    note: reason,
    events: ({ ids }) => [
      {
        type: 'id.balai.complaints.complaint.reassignment_requested.v1',
        data: { ...ids, agencyId: complaint.agencyId, officerId: context.subject ?? '', requestedAt: now },
      },
    ],
  }));
}

export async function resolveComplaint(
  deps: TransitionDeps,
  context: CallContext,
  input: Target & { note: string; partial?: boolean },
): Promise<Complaint> {
  checkFields(ResolveInputSchema, input);
  const note = normaliseText(input.note);
  const partial = Boolean(input.partial);
  return runTransition(deps, context, 'resolve', input, async (complaint, _plan, now) => ({
    set: {
      resolution: { note, partial, at: now },
      reopenableUntil: await reopenableUntil(deps, complaint, now),
    },
    visibility: 'public',
    note,
    details: partial ? { partial: 'true' } : ({} as Record<string, string>),
    events: ({ ids, actor }) => [
      {
        type: 'id.balai.complaints.complaint.resolved.v1',
        data: { ...ids, ...actor, agencyId: complaint.agencyId, partial, resolvedAt: now },
      },
    ],
  }));
}

export async function rejectComplaint(
  deps: TransitionDeps,
  context: CallContext,
  input: Target & { reason: string },
): Promise<Complaint> {
  checkFields(ReasonInputSchema, input);
  const reason = normaliseText(input.reason);
  return runTransition(deps, context, 'reject', input, async (complaint, _plan, now) => ({
    set: {
      rejection: { reason, at: now },
      reopenableUntil: await reopenableUntil(deps, complaint, now),
    },
    visibility: 'public',
    note: reason,
    events: ({ ids, actor }) => [
      {
        type: 'id.balai.complaints.complaint.rejected.v1',
        data: { ...ids, ...actor, agencyId: complaint.agencyId, rejectedAt: now },
      },
    ],
  }));
}

/** The reporter withdraws it before anyone took it up; it is cancelled. */
export async function withdrawComplaint(deps: TransitionDeps, context: CallContext, input: Target): Promise<Complaint> {
  return runTransition(deps, context, 'withdraw', input, (_complaint, _plan, now) => ({
    visibility: 'public',
    events: ({ ids, actor }) => [
      {
        type: 'id.balai.complaints.complaint.withdrawn.v1',
        data: { ...ids, actorRole: actor.actorRole, withdrawnAt: now },
      },
    ],
  }));
}

/** The reporter reopens a resolved or rejected complaint within the tenant's window (the workflow checks it). */
export async function reopenComplaint(
  deps: TransitionDeps,
  context: CallContext,
  input: Target & { reason: string },
): Promise<Complaint> {
  checkFields(ReasonInputSchema, input);
  const reason = normaliseText(input.reason);
  return runTransition(deps, context, 'reopen', input, (_complaint, plan, now) => ({
    set: reopenedFields,
    visibility: 'public',
    note: reason,
    events: ({ ids, actor }) => [reopenedEvent(ids, actor, plan, 'reporter', now)],
  }));
}

/** What a reopened complaint drops: the outcome it had and its window. */
const reopenedFields: ComplaintChanges = { resolution: null, rejection: null, reopenableUntil: null };

function reopenedEvent(
  ids: EventStamp['ids'],
  actor: EventStamp['actor'],
  step: { from: ComplaintStatus; to: ComplaintStatus },
  cause: 'reporter' | 'rated_not_fixed',
  now: Date,
): DomainEvent {
  return {
    type: 'id.balai.complaints.complaint.reopened.v1',
    data: { ...ids, actorRole: actor.actorRole, fromStatus: step.from, toStatus: step.to, cause, reopenedAt: now },
  };
}

/**
 * The reporter rates the outcome of a resolved complaint. `fixed` and `partly_fixed` close it;
 * `not_fixed` reopens it, as FixMyStreet does: back to in progress with the officer who had it,
 * recorded as the rating and then a reopen (docs/complaints.md, "Rating").
 */
export async function rateComplaint(
  deps: TransitionDeps,
  context: CallContext,
  input: Target & { score: number; outcome: string },
): Promise<Complaint> {
  checkFields(RateInputSchema, input);
  return runTransition(deps, context, 'rate', input, (complaint, plan, now): Outcome => {
    const rating = { score: input.score, outcome: input.outcome, at: now };
    const details = { score: String(input.score), outcome: input.outcome };
    const rated = (ids: EventStamp['ids'], toStatus: ComplaintStatus): DomainEvent => ({
      type: 'id.balai.complaints.complaint.rated.v1',
      data: {
        ...ids,
        agencyId: complaint.agencyId,
        score: input.score,
        outcome: input.outcome,
        toStatus,
        ratedAt: now,
      },
    });
    if (input.outcome !== 'not_fixed') {
      return {
        set: { rating, reopenableUntil: null },
        visibility: 'public',
        details,
        events: ({ ids }) => [
          rated(ids, plan.to),
          {
            type: 'id.balai.complaints.complaint.closed.v1',
            data: { ...ids, agencyId: complaint.agencyId, cause: 'rated', closedAt: now },
          },
        ],
      };
    }
    // The reopen is the workflow's own step, asked like any other (same caller, same moment).
    const reopen = decideTransition('reopen', complaint, context, now);
    if (!reopen.allowed) throw reopen.refusal;
    return {
      set: { rating, ...reopenedFields },
      visibility: 'public',
      details,
      followedBy: { action: 'reopen', to: reopen.plan.to, details: { cause: 'rated_not_fixed' } },
      events: ({ ids, actor }) => [
        rated(ids, reopen.plan.to),
        reopenedEvent(ids, actor, reopen.plan, 'rated_not_fixed', now),
      ],
    };
  });
}

/** A public comment (reporter or staff) or an internal one (staff only), in any open state. */
export async function commentOnComplaint(
  deps: TransitionDeps,
  context: CallContext,
  input: Target & { text: string; visibility: string },
): Promise<Complaint> {
  checkFields(CommentInputSchema, input);
  const visibility = input.visibility as Visibility;
  const text = normaliseText(input.text);
  return runTransition(deps, context, 'comment', input, (_complaint, plan, now) => {
    if (visibility === 'internal' && plan.guard.relation === 'reporter') {
      throw new AppError('FORBIDDEN', 'Only staff write internal comments');
    }
    return {
      visibility,
      note: text,
      events: ({ ids, actor }) => [
        {
          type: 'id.balai.complaints.complaint.commented.v1',
          data: { ...ids, ...actor, visibility, commentedAt: now },
        },
      ],
    };
  });
}

const notDuplicable: readonly ComplaintStatus[] = ['duplicate', 'cancelled'];

/**
 * Staff of the responsible agency mark a complaint as a duplicate of another open one of the
 * tenant. The duplicate's write (state, link, event) is version-guarded; the original then
 * records the back link. No transaction joins the two: a crash in between leaves the link on
 * the duplicate only, which its event and timeline still record.
 */
export async function markDuplicate(
  deps: TransitionDeps,
  context: CallContext,
  input: Target & { duplicateOfId: string },
): Promise<Complaint> {
  const tenantId = requireTenant(context);
  refuseProblems(
    typeof input.duplicateOfId === 'string' && input.duplicateOfId !== '' && input.duplicateOfId !== input.complaintId
      ? []
      : [{ field: '/duplicateOfId', message: 'must be the id of another complaint' }],
  );
  let originalStatus: ComplaintStatus = 'submitted';
  const duplicate = await runTransition(deps, context, 'mark_duplicate', input, async (_complaint, _plan, now) => {
    const original = await deps.repository.findById(tenantId, input.duplicateOfId);
    if (!original) throw new AppError('COMPLAINT_NOT_FOUND', 'The original complaint does not exist');
    originalStatus = original.status;
    if (notDuplicable.includes(original.status)) {
      throw new AppError('TRANSITION_NOT_ALLOWED', `A ${original.status} complaint cannot be the original`);
    }
    return {
      set: { duplicateOfId: original._id },
      visibility: 'public',
      details: { duplicateOfId: original._id },
      events: ({ ids, actor }) => [
        {
          type: 'id.balai.complaints.complaint.marked_duplicate.v1',
          data: { ...ids, ...actor, duplicateOfId: original._id, markedAt: now },
        },
      ],
    };
  });
  const at = deps.clock();
  await deps.repository.linkDuplicate(tenantId, input.duplicateOfId, duplicate._id, {
    id: randomUUID(),
    action: 'duplicate_linked',
    at,
    actorRole: duplicate.timeline.at(-1)?.actorRole ?? '',
    actorId: context.subject ?? '',
    visibility: 'public',
    fromStatus: originalStatus,
    toStatus: originalStatus,
    note: '',
    details: { duplicateId: duplicate._id },
  });
  return duplicate;
}

/** What the SLA scheduler needs to write a system step. */
export interface SystemTransitionDeps {
  repository: Pick<ComplaintRepository, 'update'>;
  /** Wakes the outbox relay after a write with events. */
  onCommitted: () => void;
}

/**
 * Writes a step of the system workflow (actor `system`, no caller) on the complaint as read,
 * version-guarded like every other write: when someone else changed it since (a user, or another
 * instance's scheduler taking the same step), the result is `stale` and nothing is written.
 * Null when the complaint's state no longer allows the step.
 */
async function runSystemTransition(
  deps: SystemTransitionDeps,
  name: SystemTransitionName,
  complaint: Complaint,
  now: Date,
  outcome: Outcome,
): Promise<UpdateComplaintResult | null> {
  const plan = planSystemTransition(name, complaint);
  if (!plan) return null;
  return writeTransition(deps, complaint, name, { ...plan, now }, outcome, { timelineId: '', eventId: '' });
}

/**
 * Raises an open complaint one escalation level and hands it to `target` (the holder stays when
 * nobody is above them). The next level's time is counted from submission, never from now.
 */
export function escalateComplaint(
  deps: SystemTransitionDeps,
  complaint: Complaint,
  target: EscalationTarget,
  fractions: readonly number[],
  now: Date,
): Promise<UpdateComplaintResult | null> {
  const level = (complaint.escalationLevel ?? 0) + 1;
  const fraction = fractions[level - 1] ?? 0;
  const fromOfficerId = complaint.assignedOfficerId;
  return runSystemTransition(deps, 'escalate', complaint, now, {
    set: {
      escalationLevel: level,
      nextEscalationAt: escalationDueAt(complaint, fractions, level + 1),
      assignedOfficerId: target.officerId,
    },
    visibility: 'public',
    // Officer ids are staff-only: the public view strips them (complaint-views.ts).
    details: {
      level: String(level),
      slaFraction: String(fraction),
      escalatedTo: target.via,
      fromOfficerId,
      toOfficerId: target.officerId,
    },
    events: ({ ids }) => [
      {
        type: 'id.balai.complaints.complaint.escalated.v1',
        data: {
          ...ids,
          agencyId: complaint.agencyId,
          level,
          slaFraction: fraction,
          fromOfficerId,
          toOfficerId: target.officerId,
          escalatedAt: now,
        },
      },
    ],
  });
}

/** Closes a resolved complaint whose reopen window has passed without a rating. */
export function autoCloseComplaint(
  deps: SystemTransitionDeps,
  complaint: Complaint,
  now: Date,
): Promise<UpdateComplaintResult | null> {
  return runSystemTransition(deps, 'auto_close', complaint, now, {
    visibility: 'public',
    events: ({ ids }) => [
      {
        type: 'id.balai.complaints.complaint.closed.v1',
        data: { ...ids, agencyId: complaint.agencyId, cause: 'auto_closed', closedAt: now },
      },
    ],
  });
}
