import type { TopicRecord } from '@balai/testkit';
import type { Collection } from 'mongodb';
import { readByIds } from './analytics-check.js';
import { type LifecycleResult, mayHaveApplied, nextStep, statusAfter } from './complaint-lifecycle.js';
import type { Step } from './measurements.js';

/** A complaint as the complaints service stores it, the fields the reconciliation reads. */
export interface StoredLifecycleComplaint {
  _id: string;
  status: string;
  version: number;
  timeline: Array<{ action: string }>;
  outbox: unknown[];
}

/** A row of analytics' read model (services/analytics: one row per complaint, version-guarded). */
export interface ComplaintView {
  _id: string;
  status: string;
  version: number;
}

const eventType = (name: string) => `id.balai.complaints.complaint.${name}.v1`;

/** The events a complaint of the lifecycle has published once it reached a status (complaint-transitions.ts). */
const eventsUpTo: Record<string, string[]> = {
  submitted: [eventType('submitted')],
  in_progress: [eventType('submitted'), eventType('assigned')],
  resolved: [eventType('submitted'), eventType('assigned'), eventType('resolved')],
  closed: [
    eventType('submitted'),
    eventType('assigned'),
    eventType('resolved'),
    eventType('rated'),
    eventType('closed'),
  ],
};

export interface Reconciliation {
  lifecycles: number;
  /** Lifecycles the client completed: every call answered as it should, after retries. */
  completed: number;
  /** Lifecycles that ended with an error the client saw after its retries. */
  clientErrors: number;
  /** Commands (submit, assign, resolve, rate) the API confirmed. */
  commandsAccepted: number;
  store: {
    complaints: number;
    /** Confirmed complaints the store does not hold, or holds short of a confirmed transition. */
    lost: number;
    /** Complaints whose timeline holds one action twice. */
    appliedTwice: number;
    /** Complaints whose outbox still holds events after the drain. */
    unpublished: number;
  };
  events: {
    /** Events the stored states imply. */
    expected: number;
    /** Records of those events on the topic, duplicates included. */
    records: number;
    /** Of them, distinct event ids. */
    distinct: number;
    /** Implied events with no record. */
    lost: number;
    /** Records repeating an event id already published (the relay is at-least-once). */
    republished: number;
  };
  analytics: {
    rows: number;
    /** Stored complaints with no row, a row in another status, or a row behind the store's version. */
    lost: number;
    /** Rows ahead of the store's version: an event applied twice would show here. */
    appliedTwice: number;
    /** Closed complaints of the run the summary counts, against those the store holds closed. */
    countedClosed: number;
    storeClosed: number;
  };
  /** Nothing lost, nothing applied twice, and the read models agree with the store. */
  ok: boolean;
  problems: string[];
}

/**
 * Reconciles a fault run end to end: what the client was told, what the complaints store holds,
 * what reached the topic, what analytics applied. A confirmed command must be in the store, its
 * events on the topic and their effect in analytics' read model exactly once; a command whose
 * answer was lost (a timeout, a 5xx) may or may not have been applied, and either is fine.
 */
export async function reconcile(options: {
  results: LifecycleResult[];
  complaints: Collection<StoredLifecycleComplaint>;
  views: Collection<ComplaintView>;
  records: TopicRecord[];
  /** The summary's closed count at the start of the run, and after the drain. */
  closedBefore: number;
  closedAfter: number;
}): Promise<Reconciliation> {
  const { results } = options;
  const filed = results.filter((result) => result.complaintId !== null);
  const ids = filed.map((result) => result.complaintId as string);
  const stored = await readByIds(options.complaints, ids, { status: 1, version: 1, 'timeline.action': 1, outbox: 1 });
  const views = await readByIds(options.views, ids, { status: 1, version: 1 });
  const problems: string[] = [];
  const note = (kind: string, id: string, detail: string) => {
    if (problems.length < 20) problems.push(`${kind} ${id}: ${detail}`);
  };

  const store = { complaints: stored.size, lost: 0, appliedTwice: 0, unpublished: 0 };
  const analytics = { rows: views.size, lost: 0, appliedTwice: 0, countedClosed: 0, storeClosed: 0 };
  const implied = new Map<string, Set<string>>();
  for (const result of filed) {
    const id = result.complaintId as string;
    const complaint = stored.get(id);
    const confirmed = statusAfter[result.lastStep ?? 'submit'];
    const uncertain = result.failure !== null && mayHaveApplied(result.failure.failure);
    const next = nextStep[result.lastStep ?? 'submit'];
    const allowed = new Set([confirmed, ...(uncertain && next ? [statusAfter[next]] : [])]);
    if (!complaint) {
      store.lost += 1;
      note('store lost', id, 'confirmed, not stored');
      continue;
    }
    if (!allowed.has(complaint.status)) {
      store.lost += 1;
      note('store', id, `status ${complaint.status}, the client was told ${confirmed}`);
    }
    const actions = complaint.timeline.map((entry) => entry.action);
    const repeated = actions.filter((action, index) => actions.indexOf(action) !== index);
    if (repeated.length > 0) {
      store.appliedTwice += 1;
      note('store applied twice', id, repeated.join(', '));
    }
    if (complaint.outbox.length > 0) store.unpublished += 1;
    implied.set(id, new Set(eventsUpTo[complaint.status] ?? []));
    if (complaint.status === 'closed') analytics.storeClosed += 1;

    const view = views.get(id);
    if (!view || view.status !== complaint.status || view.version < complaint.version) {
      analytics.lost += 1;
      note(
        'analytics behind',
        id,
        view ? `${view.status} v${view.version}, store ${complaint.status} v${complaint.version}` : 'no row',
      );
    } else if (view.version > complaint.version) {
      analytics.appliedTwice += 1;
      note('analytics ahead', id, `v${view.version}, store v${complaint.version}`);
    }
  }
  analytics.countedClosed = options.closedAfter - options.closedBefore;
  if (analytics.countedClosed !== analytics.storeClosed) {
    problems.push(
      `the summary counts ${analytics.countedClosed} closes in the run, the store holds ${analytics.storeClosed} closed`,
    );
  }

  const events = { expected: 0, records: 0, distinct: 0, lost: 0, republished: 0 };
  const seen = new Map<string, Set<string>>();
  const eventIds = new Set<string>();
  for (const record of options.records) {
    if (!record.key || !implied.has(record.key)) continue;
    const type = record.headers.ce_type ?? '';
    const eventId = record.headers.ce_id ?? '';
    events.records += 1;
    if (eventIds.has(eventId)) events.republished += 1;
    eventIds.add(eventId);
    let types = seen.get(record.key);
    if (!types) {
      types = new Set();
      seen.set(record.key, types);
    }
    types.add(type);
  }
  events.distinct = eventIds.size;
  for (const [id, types] of implied) {
    events.expected += types.size;
    for (const type of types) {
      if (seen.get(id)?.has(type)) continue;
      events.lost += 1;
      note('event lost', id, type);
    }
  }

  const completed = results.filter((result) => result.ok).length;
  const confirmedSteps: Step[] = ['submit', 'assign', 'resolve', 'rate'];
  const commandsAccepted = results.reduce((sum, result) => {
    const last = result.lastStep === 'inbox' ? 'rate' : result.lastStep;
    return sum + (last === null ? 0 : confirmedSteps.indexOf(last) + 1);
  }, 0);
  const ok =
    store.lost === 0 &&
    store.appliedTwice === 0 &&
    store.unpublished === 0 &&
    events.lost === 0 &&
    analytics.lost === 0 &&
    analytics.appliedTwice === 0 &&
    analytics.countedClosed === analytics.storeClosed;
  return {
    lifecycles: results.length,
    completed,
    clientErrors: results.length - completed,
    commandsAccepted,
    store,
    events,
    analytics,
    ok,
    problems,
  };
}
