import { AppError, type EventHandlers } from '@balai/platform';
import type { ComplaintViewRepository, LifecycleChange } from '../data/complaint-view-repository.js';

/** What the projection needs of the read model (the unit tests pass an in-memory one). */
export type ComplaintViews = Pick<ComplaintViewRepository, 'recordSubmitted' | 'applyLifecycleChange'>;

/** What every lifecycle event after `submitted` carries. */
interface LifecycleEvent {
  type: string;
  tenantId: string;
  data: { complaintId: string; version: number };
}

type RowChange = Pick<LifecycleChange, 'status' | 'rating'>;

/**
 * Applies complaint events to the analytics read model: one row per complaint, moved only by
 * events newer than its version. Statuses follow the complaints workflow (the workflow table in
 * the complaints service's domain/); events without a status change (comments, reassignment
 * requests, escalations) only advance the version.
 */
export function complaintProjection(views: ComplaintViews): EventHandlers {
  async function apply(event: LifecycleEvent, change: RowChange): Promise<void> {
    const { complaintId, version } = event.data;
    const outcome = await views.applyLifecycleChange({ complaintId, tenantId: event.tenantId, version, ...change });
    // Events of one complaint share a partition, so its submission always comes first; without a
    // row the stream lost it. Dead-lettered (not retried) so a replay of the log can repair it.
    if (outcome === 'missing') {
      throw new AppError('NOT_FOUND', `No submitted complaint ${complaintId} for ${event.type} at version ${version}`);
    }
  }

  return {
    'id.balai.complaints.complaint.submitted.v1': async (event) => {
      const { data } = event;
      await views.recordSubmitted({
        _id: data.complaintId,
        tenantId: event.tenantId,
        categoryCode: data.categoryCode,
        status: 'submitted',
        submittedAt: data.submittedAt ?? new Date(event.time),
      });
    },
    'id.balai.complaints.complaint.assigned.v1': (event) => apply(event, { status: 'in_progress' }),
    'id.balai.complaints.complaint.reassignment_requested.v1': (event) => apply(event, {}),
    'id.balai.complaints.complaint.resolved.v1': (event) => apply(event, { status: 'resolved' }),
    'id.balai.complaints.complaint.rejected.v1': (event) => apply(event, { status: 'rejected' }),
    'id.balai.complaints.complaint.withdrawn.v1': (event) => apply(event, { status: 'cancelled' }),
    // Back to where work stood: in_progress once assigned, else submitted (the event names it).
    'id.balai.complaints.complaint.reopened.v1': (event) =>
      apply(event, { status: event.data.toStatus === 'submitted' ? 'submitted' : 'in_progress' }),
    // A rating closes the complaint, or reopens it when not fixed (toStatus says which; events
    // from before it was carried closed it). The `closed` or `reopened` event that follows at
    // the same version finds the row there already and does nothing.
    'id.balai.complaints.complaint.rated.v1': (event) =>
      apply(event, {
        status:
          event.data.toStatus === 'in_progress' || event.data.toStatus === 'submitted' ? event.data.toStatus : 'closed',
        rating: {
          score: event.data.score,
          outcome: event.data.outcome,
          ratedAt: event.data.ratedAt ?? new Date(event.time),
        },
      }),
    'id.balai.complaints.complaint.closed.v1': (event) => apply(event, { status: 'closed' }),
    'id.balai.complaints.complaint.commented.v1': (event) => apply(event, {}),
    // Escalation is a self-loop: the complaint stays open where it was.
    'id.balai.complaints.complaint.escalated.v1': (event) => apply(event, {}),
    'id.balai.complaints.complaint.marked_duplicate.v1': (event) => apply(event, { status: 'duplicate' }),
  };
}
