import { consumeEvents, type ServiceRuntime } from '@balai/platform';
import { type ComplaintViews, complaintProjection } from '../use-cases/complaint-projection.js';

/**
 * Feeds the complaint view from the complaint stream. Undecodable or repeatedly failing events,
 * and lifecycle events of a complaint whose submission was never seen, go to the group's
 * dead-letter topic.
 */
export function consumeComplaintEvents(runtime: ServiceRuntime, groupId: string, views: ComplaintViews): Promise<void> {
  return consumeEvents(runtime, { groupId, streams: ['complaints'], handlers: complaintProjection(views) });
}
