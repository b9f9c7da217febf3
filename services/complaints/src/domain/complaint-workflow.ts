import { AppError, type CallContext, type Role, requireRole } from '@balai/platform';
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
  reopen: { from: ['resolved', 'rejected'], to: 'in_progress_if_assigned', guards: [reporter] },
  rate: { from: ['resolved'], to: 'closed', guards: [reporter] },
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

/**
 * The one interpreter: may this caller take this transition on this complaint, at this version?
 * Checks in order: authenticated, holds a role of some guard (FORBIDDEN), read the current
 * version (STALE_VERSION), the state allows it (TRANSITION_NOT_ALLOWED), and the caller's
 * relation to the complaint (FORBIDDEN). The tenant was checked by the repository's read.
 */
export function planTransition(
  name: TransitionName,
  complaint: Complaint,
  context: CallContext,
  expectedVersion: number,
): PlannedTransition {
  const definition: TransitionDefinition = complaintWorkflow[name];
  requireRole(context, rolesOf(name));
  const holds = (guard: Guard) => guard.roles.filter((role) => context.roles.includes(role));
  if (complaint.version !== expectedVersion) throw new AppError('STALE_VERSION');
  if (!definition.from.includes(complaint.status)) {
    throw new AppError('TRANSITION_NOT_ALLOWED', `A ${complaint.status} complaint cannot take "${name}"`);
  }
  const guard = definition.guards.find(
    (candidate) => holds(candidate).length > 0 && relationHolds(candidate.relation, complaint, context),
  );
  if (!guard) {
    throw new AppError(
      'FORBIDDEN',
      `Only ${definition.guards.map((g) => `${g.roles.join('/')} (${g.relation})`).join(' or ')}`,
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
  return { from: complaint.status, to, guard, actorRole: holds(guard)[0] as Role };
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
