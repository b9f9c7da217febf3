import { AppError, type CallContext, checkCurrentVersion, type Role, requireRole } from '@balai/platform';
import { type ComplaintStatus, openStatuses } from '../data/complaint.schema.js';
import type { Complaint } from '../data/complaint-repository.js';

/**
 * How a caller must relate to the complaint for a guard to let them through:
 * - `reporter`: filed it (context.subject is the reporter);
 * - `agency`: staff of the agency now responsible for it (context.agencyId);
 * - `assignee`: the officer it is assigned to;
 * - `tenant`: anyone of the tenant holding the role (the repository already scoped the tenant).
 */
export type Relation = 'reporter' | 'agency' | 'assignee' | 'tenant';

export interface Guard {
  roles: readonly Role[];
  relation: Relation;
}

export interface TransitionDefinition {
  /** States the transition may start from. */
  from: readonly ComplaintStatus[];
  /**
   * The state it leads to: `same` for a self-loop; `in_progress_if_assigned` (reopen) goes back
   * to where work stood before the outcome.
   */
  to: ComplaintStatus | 'same' | 'in_progress_if_assigned';
  /** Who may take it: a caller passes when one guard's role and relation both hold. */
  guards: readonly Guard[];
  /**
   * Only until the complaint's `reopenableUntil`: the reporter's answer to an outcome (reopen,
   * rate) has the tenant's reopen window; after it the outcome stands (and auto_close ends it).
   */
  withinReopenWindow?: true;
}

const openStates = ['submitted', 'in_progress', 'resolved'] as const satisfies readonly ComplaintStatus[];
const agencyStaff: Guard = { roles: ['officer', 'supervisor'], relation: 'agency' };
const tenantAdmin: Guard = { roles: ['tenant_admin', 'platform_admin'], relation: 'tenant' };
const reporter: Guard = { roles: ['citizen', 'officer'], relation: 'reporter' };

/**
 * The complaint workflow as data (ARCHITECTURE.md, "Workflows"). One definition for every tenant
 * today; per-tenant versions replace this table, not the interpreter. The steps the SLA
 * scheduler takes on its own are in `systemWorkflow` below.
 */
export const complaintWorkflow = {
  assign: { from: ['submitted', 'in_progress'], to: 'in_progress', guards: [agencyStaff, tenantAdmin] },
  request_reassignment: {
    from: ['in_progress'],
    to: 'same',
    guards: [{ roles: ['officer'], relation: 'assignee' }],
  },
  resolve: { from: ['in_progress'], to: 'resolved', guards: [agencyStaff] },
  reject: { from: ['submitted', 'in_progress'], to: 'rejected', guards: [agencyStaff] },
  withdraw: { from: ['submitted'], to: 'cancelled', guards: [reporter] },
  reopen: {
    from: ['resolved', 'rejected'],
    to: 'in_progress_if_assigned',
    guards: [reporter],
    withinReopenWindow: true,
  },
  // A `not_fixed` rating also reopens it (rateComplaint takes `reopen` after the rating).
  rate: { from: ['resolved'], to: 'closed', guards: [reporter], withinReopenWindow: true },
  // Staff guards first: an officer who filed on a citizen's behalf comments as staff.
  comment: { from: openStates, to: 'same', guards: [agencyStaff, tenantAdmin, reporter] },
  mark_duplicate: { from: ['submitted', 'in_progress'], to: 'duplicate', guards: [agencyStaff] },
} as const satisfies Record<string, TransitionDefinition>;

export type TransitionName = keyof typeof complaintWorkflow;

/** Every role any guard of the transition names: what the gateway route must allow at least. */
export function rolesOf(name: TransitionName): Role[] {
  return [...new Set(complaintWorkflow[name].guards.flatMap((guard) => guard.roles))];
}

function relationHolds(relation: Relation, complaint: Complaint, context: CallContext): boolean {
  switch (relation) {
    case 'reporter':
      return complaint.reporterId !== '' && complaint.reporterId === context.subject;
    case 'agency':
      return context.agencyId !== undefined && complaint.agencyId !== '' && context.agencyId === complaint.agencyId;
    case 'assignee':
      return complaint.assignedOfficerId !== '' && complaint.assignedOfficerId === context.subject;
    case 'tenant':
      return context.tenantId === complaint.tenantId;
  }
}

export interface PlannedTransition {
  from: ComplaintStatus;
  to: ComplaintStatus;
  /** The guard that let the caller through (its first role the caller holds is the actor role). */
  guard: Guard;
  actorRole: Role;
}

/** What the workflow answers about one transition for one caller: the plan, or why not. */
export type TransitionDecision = { allowed: true; plan: PlannedTransition } | { allowed: false; refusal: AppError };

function refused(refusal: AppError): TransitionDecision {
  return { allowed: false, refusal };
}

/**
 * The one rule: may this caller take this transition on this complaint now? The state allows it
 * (TRANSITION_NOT_ALLOWED), a guard's role and relation both hold (FORBIDDEN), and within the
 * reopen window where the transition has one (REOPEN_WINDOW_EXPIRED). The version is not its
 * business (planTransition checks it), so `allowedActionsFor` asks the very same question.
 */
export function decideTransition(
  name: TransitionName,
  complaint: Complaint,
  context: CallContext,
  now: Date,
): TransitionDecision {
  const definition: TransitionDefinition = complaintWorkflow[name];
  if (!definition.from.includes(complaint.status)) {
    return refused(new AppError('TRANSITION_NOT_ALLOWED', `A ${complaint.status} complaint cannot take "${name}"`));
  }
  const holds = (guard: Guard) => guard.roles.filter((role) => context.roles.includes(role));
  const guard = definition.guards.find(
    (candidate) => holds(candidate).length > 0 && relationHolds(candidate.relation, complaint, context),
  );
  if (!guard) {
    return refused(
      new AppError(
        'FORBIDDEN',
        `Only ${definition.guards.map((g) => `${g.roles.join('/')} (${g.relation})`).join(' or ')}`,
      ),
    );
  }
  // A resolved or rejected complaint without a deadline predates the stored window; the
  // transitions fill it in from the tenant's setting (withReopenDeadline) before they ask.
  const until = complaint.reopenableUntil ? new Date(complaint.reopenableUntil) : null;
  if (definition.withinReopenWindow && until && now.getTime() > until.getTime()) {
    return refused(
      new AppError('REOPEN_WINDOW_EXPIRED', `The complaint could be reopened or rated until ${until.toISOString()}`),
    );
  }
  const to =
    definition.to === 'same'
      ? complaint.status
      : definition.to === 'in_progress_if_assigned'
        ? complaint.assignedAt
          ? 'in_progress'
          : 'submitted'
        : definition.to;
  return { allowed: true, plan: { from: complaint.status, to, guard, actorRole: holds(guard)[0] as Role } };
}

/**
 * The interpreter every transition goes through: authenticated and holding a role of some guard
 * (FORBIDDEN), at the version the caller read (STALE_VERSION, with the current one), then
 * decideTransition. The tenant was checked by the repository's read.
 */
export function planTransition(
  name: TransitionName,
  complaint: Complaint,
  context: CallContext,
  expectedVersion: number,
  now: Date,
): PlannedTransition {
  requireRole(context, rolesOf(name));
  checkCurrentVersion(complaint.version, expectedVersion);
  const decision = decideTransition(name, complaint, context, now);
  if (!decision.allowed) throw decision.refusal;
  return decision.plan;
}

export const transitionNames = Object.keys(complaintWorkflow) as TransitionName[];

/** The transitions this caller may take on the complaint now, in the table's order: `allowedActions`. */
export function allowedActionsFor(complaint: Complaint, context: CallContext, now: Date): TransitionName[] {
  return transitionNames.filter((name) => decideTransition(name, complaint, context, now).allowed);
}

/** A step only the platform takes (the SLA scheduler); no caller role reaches it. */
export interface SystemTransitionDefinition {
  from: readonly ComplaintStatus[];
  to: ComplaintStatus | 'same';
}

/**
 * Steps the SLA scheduler takes, in the same form as `complaintWorkflow` minus the guards: the
 * actor is always `system`. No gRPC method maps to them and `planTransition` cannot name them.
 * - escalate: a self-loop raising the escalation level of a complaint still open;
 * - auto_close: a resolved complaint whose reopen window passed closes.
 */
export const systemWorkflow = {
  escalate: { from: openStatuses, to: 'same' },
  auto_close: { from: ['resolved'], to: 'closed' },
} as const satisfies Record<string, SystemTransitionDefinition>;

export type SystemTransitionName = keyof typeof systemWorkflow;

export const systemActorRole = 'system';

/** The system's counterpart of planTransition: the step's from/to, or null when the state no longer allows it. */
export function planSystemTransition(
  name: SystemTransitionName,
  complaint: Complaint,
): { from: ComplaintStatus; to: ComplaintStatus; actorRole: typeof systemActorRole } | null {
  const definition: SystemTransitionDefinition = systemWorkflow[name];
  if (!definition.from.includes(complaint.status)) return null;
  const to = definition.to === 'same' ? complaint.status : definition.to;
  return { from: complaint.status, to, actorRole: systemActorRole };
}
