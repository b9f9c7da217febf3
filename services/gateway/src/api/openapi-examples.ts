import { complaintsV1 } from '@balai/contracts';
import { toCategoryJson, toComplaintJson, toComplaintSummaryJson } from './complaint-schemas.js';

/**
 * Examples for the OpenAPI document: a pothole complaint in Kota Serang (tenant 36.73) and its
 * category, made from service messages by the same conversions the routes answer with, so an
 * example keeps every field the API sends as the answers change.
 */

const tenantId = '36.73';
const complaintId = '6f1c2a7e-3b9d-4c51-9e0a-8d2f4b7c1a90';
const officerId = '0b9e4f2c-7d1a-4e38-a5c6-2f8d9b1e3c47';
const reporterId = 'c3d2e1f0-5a6b-4c7d-8e9f-0a1b2c3d4e5f';
const submittedAt = new Date('2026-11-30T02:15:00Z');
const assignedAt = new Date('2026-11-30T04:02:00Z');

const complaintMessage = complaintsV1.Complaint.fromPartial({
  id: complaintId,
  tenantId,
  categoryCode: 'roads.pothole',
  categoryVersion: 3,
  description: 'Lubang besar di depan Pasar Rau, berbahaya bagi pengendara motor',
  latitude: -6.1103,
  longitude: 106.1631,
  address: 'Jl. Ahmad Yani, Cimuncang, Serang',
  mediaUrls: ['https://media.serangkota.go.id/foto/pasar-rau.jpg'],
  attributes: [{ code: 'road_type', values: ['city'] }],
  status: 'in_progress',
  version: 2,
  view: 'staff',
  reporterId,
  agencyId: 'dpupr',
  assignedOfficerId: officerId,
  submittedAt,
  updatedAt: assignedAt,
  slaDueAt: new Date('2026-12-03T02:15:00Z'),
  overdue: false,
  escalationLevel: 0,
  nextEscalationAt: new Date('2026-12-02T08:51:00Z'),
  allowedActions: ['assign', 'request_reassignment', 'resolve', 'reject', 'comment', 'mark_duplicate'],
  timeline: [
    {
      id: 'a0c1e2f3-0001-4b5c-8d9e-1f2a3b4c5d6e',
      action: 'submit',
      at: submittedAt,
      actorRole: 'citizen',
      actorId: reporterId,
      visibility: 'public',
      fromStatus: '',
      toStatus: 'submitted',
      note: '',
      details: {},
    },
    {
      id: 'a0c1e2f3-0002-4b5c-8d9e-1f2a3b4c5d6e',
      action: 'assign',
      at: assignedAt,
      actorRole: 'supervisor',
      actorId: '9a8b7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d',
      visibility: 'internal',
      fromStatus: 'submitted',
      toStatus: 'in_progress',
      note: 'Mohon dicek hari ini, dekat pasar',
      details: { agencyId: 'dpupr', officerId },
    },
  ],
});

/** A complaint as GET /v1/complaints/{id} answers it to the officer it is assigned to. */
export const complaintExample = toComplaintJson(complaintMessage);

/** The same complaint in a list (no timeline). */
export const complaintSummaryExample = toComplaintSummaryJson(complaintMessage);

/** The same complaint as anyone else sees it: no reporter, no internal entries or plans. */
export const publicComplaintSummaryExample = toComplaintSummaryJson(
  complaintsV1.Complaint.fromPartial({
    ...complaintMessage,
    view: 'public',
    reporterId: '',
    nextEscalationAt: undefined,
    allowedActions: [],
    timeline: [],
  }),
);

/** What the citizen who files a complaint gets back: it, and an open one nearby they may follow instead. */
export const submittedComplaintExample = {
  ...toComplaintJson(
    complaintsV1.Complaint.fromPartial({
      ...complaintMessage,
      id: '2d4e6f80-1a3c-4e5b-9d7f-3b5a7c9e1f20',
      description: 'Jalan berlubang di depan SDN 2 Cimuncang, sering ada motor jatuh',
      latitude: -6.1107,
      longitude: 106.1635,
      status: 'submitted',
      version: 1,
      view: 'public',
      assignedOfficerId: '',
      updatedAt: submittedAt,
      nextEscalationAt: undefined,
      allowedActions: ['withdraw', 'comment'],
      timeline: complaintMessage.timeline.slice(0, 1),
    }),
  ),
  nearbyOpen: [publicComplaintSummaryExample],
};

/** Kota Serang's pothole category. */
export const categoryExample = toCategoryJson(
  complaintsV1.Category.fromPartial({
    code: 'roads.pothole',
    tenantId,
    nameId: 'Jalan berlubang',
    nameEn: 'Pothole',
    group: 'roads',
    keywords: ['jalan', 'lubang', 'aspal'],
    agencyId: 'dpupr',
    slaHours: 72,
    anonymousAllowed: true,
    attributes: [
      {
        code: 'road_type',
        datatype: 'singlevaluelist',
        required: false,
        order: 10,
        labelId: 'Jenis jalan',
        labelEn: 'Kind of road',
        values: [
          { key: 'city', nameId: 'Jalan kota', nameEn: 'City road' },
          { key: 'village', nameId: 'Jalan lingkungan', nameEn: 'Neighbourhood road' },
        ],
      },
    ],
    active: true,
    version: 3,
    updatedAt: new Date('2026-11-02T03:00:00Z'),
  }),
);

/** Kota Serang's public works agency. */
export const agencyExample = {
  id: 'dpupr',
  tenantId,
  name: 'Dinas Pekerjaan Umum dan Penataan Ruang Kota Serang',
  shortName: 'Dinas PUPR',
};

/** An officer of that agency, as staff administration shows them. */
export const officerExample = {
  id: officerId,
  tenantId,
  kind: 'staff',
  fullName: 'Budi Santoso',
  roles: ['officer'],
  agencyId: 'dpupr',
  supervisorId: '9a8b7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d',
  status: 'active',
  emailVerified: true,
  phoneVerified: false,
  version: 3,
  createdAt: '2026-10-01T02:00:00.000Z',
  updatedAt: '2026-11-12T06:30:00.000Z',
};

/** Kota Serang's settings: it keeps a 14-day reopen window of its own, the rest is inherited. */
export const tenantSettingsExample = {
  tenantId,
  settings: {
    defaultLocale: 'id-ID',
    complaintReopenWindowDays: 14,
    complaintAutoCloseDays: 7,
    otpTtlMinutes: 10,
    staffActivationTtlHours: 72,
  },
  overrides: { complaintReopenWindowDays: 14 },
};
