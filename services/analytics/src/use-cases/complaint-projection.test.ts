import type { EventPayload, EventType } from '@balai/contracts';
import type { EventEnvelope, EventHandlers } from '@balai/platform';
import { describe, expect, it } from 'vitest';
import type { ComplaintViewDocument } from '../data/complaint-view.schema.js';
import type { LifecycleChange, LifecycleOutcome } from '../data/complaint-view-repository.js';
import { type ComplaintViews, complaintProjection } from './complaint-projection.js';

/**
 * The read model in memory, with the repository's contract: a submission inserts once, a
 * lifecycle change applies only above the row's version (the MongoDB filter `version: {$lt}`).
 */
class InMemoryViews implements ComplaintViews {
  readonly rows = new Map<string, ComplaintViewDocument>();

  async recordSubmitted(view: Omit<ComplaintViewDocument, 'version' | 'rating'>): Promise<void> {
    if (!this.rows.has(view._id)) this.rows.set(view._id, { ...view, version: 1 });
  }

  async applyLifecycleChange(change: LifecycleChange): Promise<LifecycleOutcome> {
    const row = this.rows.get(change.complaintId);
    if (!row) return 'missing';
    if (row.tenantId !== change.tenantId || row.version >= change.version) return 'stale';
    row.version = change.version;
    if (change.status) row.status = change.status;
    if (change.rating) row.rating = change.rating;
    return 'applied';
  }
}

const tenantId = '36.73';
const complaintId = 'SRG-2026-000001';
const at = new Date('2026-11-28T08:00:00.000Z');

function anEvent<T extends EventType>(type: T, data: Partial<EventPayload<T>> = {}): EventEnvelope<T> {
  return {
    id: `${type}-${Math.random()}`,
    type,
    source: 'balai/complaints',
    subject: complaintId,
    time: at.toISOString(),
    tenantId,
    data: { complaintId, tenantId, ...data } as EventPayload<T>,
  };
}

const submitted = () =>
  anEvent('id.balai.complaints.complaint.submitted.v1', { categoryCode: 'roads.pothole', submittedAt: at });
const assigned = (version = 2) => anEvent('id.balai.complaints.complaint.assigned.v1', { version });
const resolved = (version = 3) => anEvent('id.balai.complaints.complaint.resolved.v1', { version });
const rated = (version = 4) =>
  anEvent('id.balai.complaints.complaint.rated.v1', { version, score: 4, outcome: 'partly_fixed', ratedAt: at });
const closed = (version = 4) => anEvent('id.balai.complaints.complaint.closed.v1', { version, cause: 'rated' });

async function deliver(handlers: EventHandlers, ...events: EventEnvelope[]): Promise<void> {
  for (const event of events) {
    const handler = handlers[event.type] as ((event: EventEnvelope) => Promise<void>) | undefined;
    if (!handler) throw new Error(`no handler for ${event.type}`);
    await handler(event);
  }
}

function setUp() {
  const views = new InMemoryViews();
  return { views, handlers: complaintProjection(views), row: () => views.rows.get(complaintId) };
}

describe('complaintProjection', () => {
  it('should follow a complaint from submission to closing, keeping the rating', async () => {
    const { handlers, row } = setUp();
    await deliver(handlers, submitted());
    expect(row()).toMatchObject({ status: 'submitted', version: 1, categoryCode: 'roads.pothole' });
    await deliver(handlers, assigned());
    expect(row()).toMatchObject({ status: 'in_progress', version: 2 });
    await deliver(handlers, resolved());
    expect(row()).toMatchObject({ status: 'resolved', version: 3 });
    await deliver(handlers, rated(), closed());
    expect(row()).toEqual({
      _id: complaintId,
      tenantId,
      categoryCode: 'roads.pothole',
      status: 'closed',
      version: 4,
      submittedAt: at,
      rating: { score: 4, outcome: 'partly_fixed', ratedAt: at },
    });
  });

  it('should put a complaint rated not fixed back in progress, keeping the rating', async () => {
    const { handlers, row } = setUp();
    await deliver(handlers, submitted(), assigned(), resolved());
    await deliver(
      handlers,
      anEvent('id.balai.complaints.complaint.rated.v1', {
        version: 4,
        score: 1,
        outcome: 'not_fixed',
        toStatus: 'in_progress',
        ratedAt: at,
      }),
      anEvent('id.balai.complaints.complaint.reopened.v1', {
        version: 4,
        fromStatus: 'resolved',
        toStatus: 'in_progress',
        cause: 'rated_not_fixed',
      }),
    );
    expect(row()).toMatchObject({
      status: 'in_progress',
      version: 4,
      rating: { score: 1, outcome: 'not_fixed', ratedAt: at },
    });
  });

  it('should change nothing when the whole history is delivered again', async () => {
    const { handlers, row } = setUp();
    const history = [submitted(), assigned(), resolved(), rated(), closed()];
    await deliver(handlers, ...history);
    const once = structuredClone(row());
    await deliver(handlers, ...history);
    expect(row()).toEqual(once);
  });

  it('should not move a row backwards when an older event is replayed after a newer one', async () => {
    const { handlers, row } = setUp();
    await deliver(handlers, submitted(), assigned(), resolved());
    await deliver(handlers, assigned(2));
    expect(row()).toMatchObject({ status: 'resolved', version: 3 });
    await deliver(handlers, submitted());
    expect(row()).toMatchObject({ status: 'resolved', version: 3 });
  });

  it('should ignore an event whose version the row already has', async () => {
    const { handlers, row } = setUp();
    await deliver(handlers, submitted(), assigned(2));
    await deliver(handlers, anEvent('id.balai.complaints.complaint.rejected.v1', { version: 2 }));
    expect(row()).toMatchObject({ status: 'in_progress', version: 2 });
  });

  it('should advance the version but keep the status on comments, reassignment requests and escalations', async () => {
    const { handlers, row } = setUp();
    await deliver(
      handlers,
      submitted(),
      assigned(2),
      anEvent('id.balai.complaints.complaint.commented.v1', { version: 3, visibility: 'public' }),
      anEvent('id.balai.complaints.complaint.reassignment_requested.v1', { version: 4 }),
      anEvent('id.balai.complaints.complaint.escalated.v1', { version: 5, level: 1, slaFraction: 0.8 }),
    );
    expect(row()).toMatchObject({ status: 'in_progress', version: 5 });
    // An event older than the escalation changes nothing.
    await deliver(handlers, anEvent('id.balai.complaints.complaint.rejected.v1', { version: 4 }));
    expect(row()).toMatchObject({ status: 'in_progress', version: 5 });
  });

  it.each([
    ['id.balai.complaints.complaint.rejected.v1', {}, 'rejected'],
    ['id.balai.complaints.complaint.withdrawn.v1', {}, 'cancelled'],
    ['id.balai.complaints.complaint.marked_duplicate.v1', { duplicateOfId: 'SRG-2026-000000' }, 'duplicate'],
    ['id.balai.complaints.complaint.reopened.v1', { fromStatus: 'rejected', toStatus: 'submitted' }, 'submitted'],
    ['id.balai.complaints.complaint.reopened.v1', { fromStatus: 'resolved', toStatus: 'in_progress' }, 'in_progress'],
  ] as const)('should map %s %o to %s', async (type, data, status) => {
    const { handlers, row } = setUp();
    await deliver(handlers, submitted(), anEvent(type, { version: 5, ...data }));
    expect(row()).toMatchObject({ status, version: 5 });
  });

  it('should refuse (to the dead-letter topic) a lifecycle event of a complaint never submitted', async () => {
    const { handlers } = setUp();
    await expect(deliver(handlers, assigned())).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
