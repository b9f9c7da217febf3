/**
 * Complaints for benchmarks to seed, shaped exactly as the complaints service stores them (its own
 * test factory), with a fixed pseudo-random spread so every run seeds the same data.
 */

import type { ComplaintDocument, ComplaintStatus, TimelineEntry } from '@balai/complaints';
import { aComplaint } from '../../services/complaints/src/data/complaint-test-factories.fixture.js';
import { geohashOf } from '../../services/complaints/src/domain/complaint-geohash.js';

const hour = 3_600_000;

export type StatusWeights = [ComplaintStatus, number][];

export interface SeedSpread {
  /** Prefix of every seeded id, so a run's complaints are told apart from others. */
  idPrefix: string;
  /** Submitted over the `days` before `now`; SLA deadlines 1-8 days after submission. */
  now: Date;
  days: number;
  agencies: readonly string[];
  officers: readonly string[];
  statuses: StatusWeights;
}

/** Deterministic pseudo-random numbers (mulberry32), so every run seeds the same spread. */
export function random(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Open ones most, as in an inbox that is worked on: 35 % submitted, 25 % in progress. */
export const workedInboxStatuses: StatusWeights = [
  ['submitted', 0.35],
  ['in_progress', 0.25],
  ['resolved', 0.15],
  ['closed', 0.15],
  ['rejected', 0.05],
  ['duplicate', 0.03],
  ['cancelled', 0.02],
];

export function pick<T>(values: readonly T[], next: () => number): T {
  return values[Math.floor(next() * values.length)] as T;
}

function statusOf(weights: StatusWeights, next: () => number): ComplaintStatus {
  let left = next();
  for (const [status, weight] of weights) {
    left -= weight;
    if (left < 0) return status;
  }
  return 'submitted';
}

/**
 * A stored complaint as the service writes it: a submitted entry, maybe an assignment, no pending
 * events. Submitted over the `spread.days` before `spread.now`.
 */
export function seedComplaint(
  spread: SeedSpread,
  index: number,
  tenant: string,
  next: () => number,
): ComplaintDocument {
  const { now, agencies, officers } = spread;
  const submittedAt = new Date(now.getTime() - Math.floor(next() * spread.days * 24 * hour));
  const status = statusOf(spread.statuses, next);
  const assigned = status !== 'submitted' || next() < 0.3;
  const officerId = assigned ? pick(officers, next) : '';
  const updatedAt = new Date(submittedAt.getTime() + Math.floor(next() * 48 * hour));
  const timeline: TimelineEntry[] = [
    {
      id: `t-${index}-1`,
      action: 'submitted',
      at: submittedAt,
      actorRole: 'citizen',
      actorId: `citizen-${index % 700}`,
      visibility: 'public' as const,
      fromStatus: '' as const,
      toStatus: 'submitted' as const,
      note: '',
      details: {},
    },
    ...(assigned
      ? [
          {
            id: `t-${index}-2`,
            action: 'assign',
            at: updatedAt,
            actorRole: 'supervisor',
            actorId: 'supervisor-1',
            visibility: 'internal' as const,
            fromStatus: 'submitted' as const,
            toStatus: 'in_progress' as const,
            note: 'Mohon segera ditindaklanjuti, lokasi dekat sekolah.',
            details: { officerId },
          },
        ]
      : []),
  ];
  const agencyId = pick(agencies, next);
  const location = { latitude: -6.1 - next() / 10, longitude: 106.1 + next() / 10 };
  return {
    ...aComplaint({
      _id: `${spread.idPrefix}-${tenant}-${index.toString().padStart(7, '0')}`,
      tenantId: tenant,
      agencyId,
      description: `Keluhan nomor ${index}: lubang besar di jalan, membahayakan pengendara motor pada malam hari.`,
      location,
      geohash: geohashOf(location.latitude, location.longitude),
      address: `Jl. Ahmad Yani No. ${index % 300}, Kota Serang`,
      reporterId: `citizen-${index % 700}`,
      status,
      version: timeline.length,
      submittedAt,
      updatedAt,
      slaDueAt: new Date(submittedAt.getTime() + (24 + Math.floor(next() * 7 * 24)) * hour),
      assignedOfficerId: officerId,
      assignedAt: assigned ? updatedAt : null,
      timeline,
    }),
    outbox: [],
  };
}
