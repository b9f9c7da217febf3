import type { CallContext } from '@balai/platform';
import { isOpen, type TimelineEntry } from '../data/complaint.schema.js';
import type { Complaint } from '../data/complaint-repository.js';
import { allowedActionsFor, type TransitionName } from './complaint-workflow.js';

export type ViewKind = 'staff' | 'public';

/** Roles that see the staff view of a complaint and may write internal comments. */
export const staffViewRoles = ['officer', 'supervisor', 'tenant_admin', 'platform_admin'] as const;

export function isStaff(context: CallContext): boolean {
  return context.roles.some((role) => (staffViewRoles as readonly string[]).includes(role));
}

/** A complaint as one caller may see it. */
export interface ComplaintView {
  kind: ViewKind;
  complaint: Complaint;
  overdue: boolean;
  /** The transitions this caller may take now, by the rule that enforces them (complaint-workflow.ts). */
  allowedActions: TransitionName[];
  /** Until when the reporter may reopen it; null when reopening is not (or no longer) possible. */
  reopenableUntil: Date | null;
}

/**
 * Until when the complaint may be reopened, for everyone to see: only while reopening is still
 * possible (resolved or rejected, within the window). A closed complaint has no such date, even
 * when its stored window has not run out (it was rated, say).
 */
function openReopenWindow(complaint: Complaint, now: Date): Date | null {
  if (complaint.status !== 'resolved' && complaint.status !== 'rejected') return null;
  if (!complaint.reopenableUntil) return null;
  const until = new Date(complaint.reopenableUntil);
  return now.getTime() > until.getTime() ? null : until;
}

/** Actions whose note is written for the public; other notes (assignment, reassignment) are internal. */
const publicNoteActions = new Set(['resolve', 'reject', 'reopen', 'comment']);

/** Staff ids in timeline details (assignment, escalation): never in the public view. */
const staffIdDetails = new Set(['officerId', 'fromOfficerId', 'toOfficerId']);

function publicEntry(entry: TimelineEntry): TimelineEntry {
  const details = Object.fromEntries(Object.entries(entry.details ?? {}).filter(([key]) => !staffIdDetails.has(key)));
  return { ...entry, actorId: '', note: publicNoteActions.has(entry.action) ? entry.note : '', details };
}

/**
 * Staff of the tenant see everything. Everyone else sees the public view: no reporter identity
 * (the reporter sees their own id), no officer ids, no internal entries or notes, no counter
 * reference. Overdue: still open past the SLA deadline, as of `now`.
 */
export function viewFor(complaint: Complaint, context: CallContext, now: Date): ComplaintView {
  const overdue = isOpen(complaint.status) && complaint.slaDueAt !== undefined && now > new Date(complaint.slaDueAt);
  const allowedActions = allowedActionsFor(complaint, context, now);
  const reopenableUntil = openReopenWindow(complaint, now);
  if (isStaff(context)) return { kind: 'staff', complaint, overdue, allowedActions, reopenableUntil };
  const isReporter = context.subject !== undefined && context.subject === complaint.reporterId;
  return {
    kind: 'public',
    overdue,
    allowedActions,
    reopenableUntil,
    complaint: {
      ...complaint,
      reporterId: isReporter ? complaint.reporterId : '',
      filedByOfficerId: '',
      citizenReference: '',
      // A partner app's reporter contact is personal data: staff only, even for the partner.
      reporterContact: null,
      assignedOfficerId: '',
      requestHash: '',
      timeline: (complaint.timeline ?? []).filter((entry) => entry.visibility === 'public').map(publicEntry),
    },
  };
}
