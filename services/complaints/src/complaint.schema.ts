import { type OutboxEntry, outboxEntrySchema } from '@balai/platform';
import { type Connection, type Model, Schema } from 'mongoose';
import type { AttributeValue } from './category-attributes.js';

export const complaintStatuses = [
  'submitted',
  'in_progress',
  'resolved',
  'closed',
  'rejected',
  'duplicate',
  'cancelled',
] as const;
export type ComplaintStatus = (typeof complaintStatuses)[number];

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
  address: string;
  mediaUrls: string[];
  attributes: AttributeValue[];
  /** The reporter asked to stay anonymous to the public. */
  anonymous: boolean;
  /** The caller who filed it (a citizen, or the officer filing on a citizen's behalf). */
  reporterId: string;
  filedByOfficerId: string;
  citizenReference: string;
  /** Fingerprint of an idempotent submission, to tell a retry from a reused key. */
  requestHash: string;
  status: ComplaintStatus;
  version: number;
  submittedAt: Date;
  updatedAt: Date;
  slaDueAt: Date;
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
    address: { type: String, default: '' },
    mediaUrls: { type: [String], default: [] },
    attributes: { type: [new Schema({ code: String, values: [String] }, { _id: false })], default: [] },
    anonymous: { type: Boolean, default: false },
    reporterId: { type: String, default: '' },
    filedByOfficerId: { type: String, default: '' },
    citizenReference: { type: String, default: '' },
    requestHash: { type: String, default: '' },
    status: { type: String, required: true, enum: complaintStatuses },
    version: { type: Number, required: true },
    submittedAt: { type: Date, required: true },
    updatedAt: { type: Date },
    slaDueAt: { type: Date },
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

// Serves the officer inbox and the citizen's list: one tenant's complaints, newest first.
complaintSchema.index({ tenantId: 1, submittedAt: -1 });

export type ComplaintModel = Model<ComplaintDocument>;

export function complaintModel(connection: Connection): ComplaintModel {
  return connection.model<ComplaintDocument>('Complaint', complaintSchema);
}
