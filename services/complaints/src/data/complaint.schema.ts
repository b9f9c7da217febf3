import { complaintStatuses } from '@balai/contracts';
import { type OutboxEntry, outboxEntrySchema, outboxPlugin } from '@balai/platform';
import { type Connection, type Model, Schema } from 'mongoose';
import type { AttributeValue } from '../domain/category-attributes.js';

// The one list of statuses, shared with the gateway's OpenAPI enums.
export { complaintStatuses };
export type ComplaintStatus = (typeof complaintStatuses)[number];

/** Still being worked on: the SLA runs, escalation and the overdue mark apply. */
export const openStatuses = ['submitted', 'in_progress'] as const satisfies readonly ComplaintStatus[];

export function isOpen(status: ComplaintStatus): boolean {
  return (openStatuses as readonly ComplaintStatus[]).includes(status);
}

export type Visibility = 'public' | 'internal';

/** One step of a complaint's history: who (role and id), what, when, and who may see it. */
export interface TimelineEntry {
  id: string;
  /** "submitted" or the transition's name: "assign", "resolve", "comment", ... */
  action: string;
  at: Date;
  actorRole: string;
  actorId: string;
  visibility: Visibility;
  fromStatus: ComplaintStatus | '';
  toStatus: ComplaintStatus;
  /** Note, reason or comment text; personal data may be in it, so it never goes into events. */
  note: string;
  /** Action-specific values: agencyId, officerId, partial, score, outcome, duplicateOfId. */
  details: Record<string, string>;
}

/** How to reach whoever reported it through a partner app (Open311); personal data, staff view only. */
export interface ReporterContact {
  email: string;
  firstName: string;
  lastName: string;
  phone: string;
  deviceId: string;
  accountId: string;
}

export interface ComplaintDocument {
  _id: string;
  tenantId: string;
  categoryCode: string;
  /** The category's version when the complaint was filed (its attributes were checked against it). */
  categoryVersion: number;
  /** The agency (OPD) responsible now; the category's at submission. */
  agencyId: string;
  description: string;
  location: { latitude: number; longitude: number };
  /** Geohash of the location (precision 9), for nearby-duplicate prefix queries. */
  geohash: string;
  address: string;
  mediaUrls: string[];
  attributes: AttributeValue[];
  /** The reporter asked to stay anonymous to the public. */
  anonymous: boolean;
  /** The caller who filed it (a citizen, or the officer filing on a citizen's behalf). */
  reporterId: string;
  filedByOfficerId: string;
  citizenReference: string;
  /** Set when a partner app filed it through Open311; null otherwise. */
  reporterContact: ReporterContact | null;
  /** Fingerprint of an idempotent submission, to tell a retry from a reused key. */
  requestHash: string;
  status: ComplaintStatus;
  version: number;
  submittedAt: Date;
  updatedAt: Date;
  slaDueAt: Date;
  /** Escalation levels reached (0: none). Counted from submission; never reset. */
  escalationLevel: number;
  /** When the next escalation level falls due; null after the last one. */
  nextEscalationAt: Date | null;
  /** Set at resolution or rejection: until when the reporter may reopen; resolved ones auto-close then. */
  reopenableUntil: Date | null;
  assignedOfficerId: string;
  assignedAt: Date | null;
  resolution: { note: string; partial: boolean; at: Date } | null;
  rejection: { reason: string; at: Date } | null;
  rating: { score: number; outcome: string; at: Date } | null;
  duplicateOfId: string;
  duplicateIds: string[];
  timeline: TimelineEntry[];
  /** Events committed with this state and not yet published (see the outbox relay). */
  outbox: OutboxEntry[];
  /** True while `outbox` holds events (outboxPendingMark), for the relay to find them. */
  outboxPending?: boolean;
}

const timelineEntrySchema = new Schema<TimelineEntry>(
  {
    id: { type: String, required: true },
    action: { type: String, required: true },
    at: { type: Date, required: true },
    actorRole: { type: String, default: '' },
    actorId: { type: String, default: '' },
    visibility: { type: String, required: true },
    fromStatus: { type: String, default: '' },
    toStatus: { type: String, required: true },
    note: { type: String, default: '' },
    details: { type: Schema.Types.Mixed, default: {} },
  },
  { _id: false, minimize: false },
);

const complaintSchema = new Schema<ComplaintDocument>(
  {
    _id: { type: String, required: true },
    tenantId: { type: String, required: true },
    categoryCode: { type: String, required: true },
    categoryVersion: { type: Number, default: 0 },
    agencyId: { type: String, default: '' },
    description: { type: String, required: true },
    location: {
      latitude: { type: Number, required: true },
      longitude: { type: Number, required: true },
    },
    geohash: { type: String, default: '' },
    address: { type: String, default: '' },
    mediaUrls: { type: [String], default: [] },
    attributes: { type: [new Schema({ code: String, values: [String] }, { _id: false })], default: [] },
    anonymous: { type: Boolean, default: false },
    reporterId: { type: String, default: '' },
    filedByOfficerId: { type: String, default: '' },
    citizenReference: { type: String, default: '' },
    reporterContact: {
      type: new Schema(
        {
          email: String,
          firstName: String,
          lastName: String,
          phone: String,
          deviceId: String,
          accountId: String,
        },
        { _id: false },
      ),
      default: null,
    },
    requestHash: { type: String, default: '' },
    status: { type: String, required: true, enum: complaintStatuses },
    version: { type: Number, required: true },
    submittedAt: { type: Date, required: true },
    updatedAt: { type: Date },
    slaDueAt: { type: Date },
    escalationLevel: { type: Number, default: 0 },
    nextEscalationAt: { type: Date, default: null },
    reopenableUntil: { type: Date, default: null },
    assignedOfficerId: { type: String, default: '' },
    assignedAt: { type: Date, default: null },
    resolution: {
      type: new Schema({ note: String, partial: Boolean, at: Date }, { _id: false }),
      default: null,
    },
    rejection: { type: new Schema({ reason: String, at: Date }, { _id: false }), default: null },
    rating: { type: new Schema({ score: Number, outcome: String, at: Date }, { _id: false }), default: null },
    duplicateOfId: { type: String, default: '' },
    duplicateIds: { type: [String], default: [] },
    timeline: { type: [timelineEntrySchema], default: [] },
    outbox: { type: [outboxEntrySchema], default: [] },
  },
  { collection: 'complaints', versionKey: false, strict: 'throw' },
);

complaintSchema.plugin(outboxPlugin);

// ListComplaints and FindNearbyComplaints (complaint-list-query.ts). Each name says the query it
// serves; the trailing _id matches the tie-break of the keyset pagination. The local FerretDB
// uses them too, through the build's patches (docs/decisions.md).
// The officer inbox of an agency: agency + status (open ones), SLA deadline first ("due").
complaintSchema.index(
  { tenantId: 1, agencyId: 1, status: 1, slaDueAt: 1, _id: 1 },
  { name: 'inbox_agency_status_due' },
);
// An officer's own queue (assignee = me / an officer / "none") of some statuses (the open ones),
// SLA deadline first. The status before the deadline, as in the agency inbox: read in deadline
// order, the officer's closed history (the oldest deadlines) would come first.
complaintSchema.index(
  { tenantId: 1, assignedOfficerId: 1, status: 1, slaDueAt: 1, _id: 1 },
  { name: 'inbox_assignee_status_due' },
);
// A citizen's own complaints (mine), newest first.
complaintSchema.index({ tenantId: 1, reporterId: 1, submittedAt: -1, _id: -1 }, { name: 'mine_reporter_submitted' });
// Public search and Open311 GET requests: the tenant's complaints, newest first or by date range.
complaintSchema.index({ tenantId: 1, submittedAt: -1, _id: -1 }, { name: 'search_submitted' });
// Syncing (order "updated", Open311 servicerequestupdates): changed since, oldest change first.
complaintSchema.index({ tenantId: 1, updatedAt: 1, _id: 1 }, { name: 'sync_updated' });
// Nearby duplicates: open complaints of one category submitted within the look-back window,
// newest first; the geohash cells and the distance narrow them after. Read in this order, the
// open ones of the window bound the read whatever the category's history (a geohash-first index
// would read every complaint ever filed in those cells).
complaintSchema.index(
  { tenantId: 1, categoryCode: 1, status: 1, submittedAt: -1, _id: -1 },
  { name: 'nearby_category_status_submitted' },
);
// The SLA scheduler (sla-scheduler.ts), across tenants: open complaints whose next escalation is due, oldest first.
complaintSchema.index({ status: 1, nextEscalationAt: 1, _id: 1 }, { name: 'sla_escalation_due' });
// The SLA scheduler's auto-close, across tenants: resolved complaints whose reopen window has passed.
complaintSchema.index({ status: 1, reopenableUntil: 1, _id: 1 }, { name: 'auto_close_due' });

export type ComplaintModel = Model<ComplaintDocument>;

export function complaintModel(connection: Connection): ComplaintModel {
  return connection.model<ComplaintDocument>('Complaint', complaintSchema);
}
