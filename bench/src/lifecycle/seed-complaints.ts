import { setTimeout as sleep } from 'node:timers/promises';
import {
  type Complaint,
  type ComplaintDocument,
  type ComplaintStatus,
  demoCategories,
  type TimelineEntry,
} from '@balai/complaints';
import { type Collection, MongoBulkWriteError } from 'mongodb';
import { aComplaint } from '../../../services/complaints/src/data/complaint-test-factories.fixture.js';
import { geohashOf } from '../../../services/complaints/src/domain/complaint-geohash.js';
import { pick, random } from '../complaint-seed.js';
import { startProgress } from './load-loops.js';

/** Complaints as the driver stores and reads them: string ids, as the service writes them. */
export type StoredComplaint = ComplaintDocument;

/** Seeded ids share this prefix: a later seeding continues after them, and they are easy to find and remove. */
export const seedIdPrefix = 'seed-lc-';
const seedId = (index: number) => `${seedIdPrefix}${index.toString().padStart(7, '0')}`;

const hourMs = 3_600_000;
const dayMs = 24 * hourMs;
/** The demo tenants' reopen window (identity's tenant settings): when a resolved complaint may still be reopened. */
const reopenWindowMs = 14 * dayMs;
/** COMPLAINT_ESCALATION_FRACTIONS' default: the three levels an open complaint passes. */
const escalationFractions = [0.8, 1.2, 2];

/**
 * A store long in use: most complaints finished, a small open backlog. Open ones are 8 %, so an
 * agency's inbox has pages to read however large the seed.
 */
const statusWeights: [ComplaintStatus, number][] = [
  ['closed', 0.72],
  ['resolved', 0.06],
  ['rejected', 0.06],
  ['cancelled', 0.05],
  ['duplicate', 0.03],
  ['in_progress', 0.05],
  ['submitted', 0.03],
];

/** Kota Serang four in five, Kota Tangerang the rest, each inside its city. */
const tenants = [
  { tenantId: '36.73', share: 0.8, latitude: -6.08, longitude: 106.1, city: 'Kota Serang' },
  { tenantId: '36.71', share: 0.2, latitude: -6.15, longitude: 106.58, city: 'Kota Tangerang' },
] as const;

function weighted<T>(weights: readonly [T, number][], next: () => number): T {
  let left = next();
  for (const [value, weight] of weights) {
    left -= weight;
    if (left < 0) return value;
  }
  return (weights[0] as [T, number])[0];
}

/**
 * The `index`-th seeded complaint, the same one every time (its own pseudo-random stream), as
 * the complaints service would have stored it after the history its status implies: the
 * timeline entries, version, SLA schedule, resolution, rating and so on the service's own
 * transitions write (complaint-transitions.ts), built on the service's test factory.
 *
 * Nothing in a seeded complaint may ever make the platform publish: analytics never saw their
 * submission, so any later event of theirs would be dead-lettered as "missing". So the outbox is
 * empty, every open one is past its last escalation level (no `nextEscalationAt`: the SLA
 * scheduler has nothing to escalate), and a resolved one has no `reopenableUntil` (the scheduler
 * auto-closes only resolved complaints with a window end; a reopen then counts the window from
 * the resolution, as for complaints resolved before the window was stored).
 */
export function seedComplaint(index: number, now: Date): StoredComplaint {
  const next = random(0x5eed + index * 7_919);
  const tenant = next() < (tenants[0].share as number) ? tenants[0] : tenants[1];
  const category = pick(
    demoCategories.filter((candidate) => candidate.tenantId === tenant.tenantId),
    next,
  );
  const agencyId = category.agencyId;
  const slaMs = category.slaHours * hourMs;
  const status = weighted(statusWeights, next);
  // At least 15 days old: past twice the longest SLA (168 h), so open ones are past every level.
  const submittedAt = new Date(now.getTime() - (15 + Math.floor(next() * 350)) * dayMs - Math.floor(next() * dayMs));
  const reporterId = `seed-citizen-${index % 5_000}`;
  // Kota Serang's Dinas PUPR work goes mostly to the demo officer, so their queue is a real one.
  const officerId =
    tenant.tenantId === '36.73' && agencyId === 'dpupr' && next() < 0.7
      ? 'demo-36.73-petugas'
      : `seed-officer-${agencyId}-${1 + Math.floor(next() * 8)}`;
  const latitude = tenant.latitude - next() * 0.09;
  const longitude = tenant.longitude + next() * 0.09;

  const timeline: TimelineEntry[] = [];
  let current: ComplaintStatus = 'submitted';
  const add = (
    action: string,
    at: Date,
    actor: { role: string; id: string },
    toStatus: ComplaintStatus,
    note = '',
    details: Record<string, string> = {},
  ) => {
    timeline.push({
      id: `${seedId(index)}-${timeline.length + 1}`,
      action,
      at,
      actorRole: actor.role,
      actorId: actor.id,
      visibility: 'public',
      fromStatus: timeline.length === 0 ? '' : current,
      toStatus,
      note,
      details,
    });
    current = toStatus;
  };
  const citizen = { role: 'citizen', id: reporterId };
  const supervisor = { role: 'supervisor', id: `seed-supervisor-${agencyId}` };
  const officer = { role: 'officer', id: officerId };
  const system = { role: 'system', id: '' };
  const after = (from: Date, fraction: number) => new Date(from.getTime() + Math.floor(next() * fraction * slaMs));

  add('submit', submittedAt, citizen, 'submitted', '', { agencyId });
  const fields: Partial<Complaint> = {
    escalationLevel: 0,
    nextEscalationAt: null,
    reopenableUntil: null,
    assignedOfficerId: '',
    assignedAt: null,
  };
  const assign = (at: Date) => {
    add('assign', at, supervisor, 'in_progress', 'Mohon segera ditindaklanjuti.', { agencyId, officerId });
    Object.assign(fields, { assignedOfficerId: officerId, assignedAt: at });
  };
  // Finished ones were worked on within 0.5 of their SLA, before any escalation fell due.
  const assignedAt = after(submittedAt, 0.2);
  const outcomeAt = after(assignedAt, 0.3);
  switch (status) {
    case 'submitted':
    case 'in_progress': {
      if (status === 'in_progress') assign(assignedAt);
      escalationFractions.forEach((fraction, level) => {
        const holder = fields.assignedOfficerId ?? '';
        add('escalate', new Date(submittedAt.getTime() + Math.round(fraction * slaMs)), system, current, '', {
          level: String(level + 1),
          slaFraction: String(fraction),
          escalatedTo: 'nobody_above',
          fromOfficerId: holder,
          toOfficerId: holder,
        });
      });
      fields.escalationLevel = escalationFractions.length;
      break;
    }
    case 'resolved':
    case 'closed': {
      assign(assignedAt);
      const note = 'Sudah diperbaiki oleh tim lapangan.';
      add('resolve', outcomeAt, officer, 'resolved', note);
      fields.resolution = { note, partial: false, at: outcomeAt };
      if (status === 'resolved') break;
      fields.reopenableUntil = new Date(outcomeAt.getTime() + reopenWindowMs);
      if (next() < 0.8) {
        const ratedAt = new Date(outcomeAt.getTime() + Math.floor(next() * 3 * dayMs));
        const rating = {
          score: 1 + Math.floor(next() * 5),
          // A not_fixed rating reopens instead of closing (docs/complaints.md, "Rating").
          outcome: pick(['fixed', 'partly_fixed'], next),
        };
        add('rate', ratedAt, citizen, 'closed', '', { score: String(rating.score), outcome: rating.outcome });
        fields.rating = { ...rating, at: ratedAt };
      } else {
        add('auto_close', fields.reopenableUntil, system, 'closed');
      }
      break;
    }
    case 'rejected': {
      if (next() < 0.5) assign(assignedAt);
      const reason = 'Bukan kewenangan pemerintah kota.';
      add('reject', outcomeAt, officer, 'rejected', reason);
      fields.rejection = { reason, at: outcomeAt };
      fields.reopenableUntil = new Date(outcomeAt.getTime() + reopenWindowMs);
      break;
    }
    case 'cancelled':
      add('withdraw', new Date(submittedAt.getTime() + Math.floor(next() * hourMs)), citizen, 'cancelled');
      break;
    case 'duplicate': {
      const duplicateOfId = index > 0 ? seedId(Math.floor(next() * index)) : '';
      add('mark_duplicate', outcomeAt, officer, 'duplicate', '', { duplicateOfId });
      fields.duplicateOfId = duplicateOfId;
      break;
    }
  }
  const last = timeline.at(-1) as TimelineEntry;
  return {
    ...aComplaint({
      _id: seedId(index),
      tenantId: tenant.tenantId,
      categoryCode: category.code,
      categoryVersion: category.version,
      agencyId,
      description: `Laporan warga nomor ${index}: ${category.names.id.toLowerCase()} di lingkungan kami, mohon ditangani.`,
      location: { latitude, longitude },
      geohash: geohashOf(latitude, longitude),
      address: `Jl. Veteran No. ${1 + (index % 250)}, ${tenant.city}`,
      reporterId,
      submittedAt,
      updatedAt: last.at,
      slaDueAt: new Date(submittedAt.getTime() + slaMs),
      status,
      version: timeline.length,
      timeline,
      ...fields,
    }),
    outbox: [],
  };
}

export interface SeedResult {
  before: number;
  inserted: number;
  after: number;
  seconds: number;
}

/** Errors of a FerretDB being restarted, worth waiting out; anything else ends the seeding. */
function isTransient(error: unknown): boolean {
  const name = error instanceof Error ? error.name : '';
  return /MongoNetworkError|MongoServerSelectionError|MongoNotConnectedError|MongoPoolClearedError/.test(name);
}

/**
 * Brings the collection to `target` stored complaints (all tenants) with bulk inserts of
 * `batchSize`, continuing after the complaints an earlier seeding stored. It writes the store
 * directly, not through the API: filing 100,000 complaints one request at a time would take
 * hours on this machine, and a seeded complaint must not reach the event stream anyway.
 */
export async function seedToTarget(
  label: string,
  collection: Collection<StoredComplaint>,
  target: number,
  batchSize: number,
): Promise<SeedResult> {
  const started = performance.now();
  const before = await collection.countDocuments({});
  if (before >= target) return { before, inserted: 0, after: before, seconds: 0 };
  let nextIndex = await collection.countDocuments({ _id: { $regex: `^${seedIdPrefix}` } });
  let stored = before;
  let inserted = 0;
  const now = new Date();
  const progress = startProgress(label, () => {
    const seconds = (performance.now() - started) / 1_000;
    return `${label}: ${stored.toLocaleString('en')} / ${target.toLocaleString('en')} stored (${Math.round(inserted / Math.max(seconds, 0.001)).toLocaleString('en')}/s)`;
  });
  try {
    while (stored < target) {
      const size = Math.min(batchSize, target - stored);
      const batch = Array.from({ length: size }, (_, offset) => seedComplaint(nextIndex + offset, now));
      nextIndex += size;
      let written = 0;
      for (let attempt = 1; ; attempt += 1) {
        try {
          written = (await collection.insertMany(batch, { ordered: false })).insertedCount;
          break;
        } catch (error) {
          // Ids an earlier, interrupted seeding already stored: the rest of the batch went in.
          if (error instanceof MongoBulkWriteError && error.writeErrors) {
            const errors = Array.isArray(error.writeErrors) ? error.writeErrors : [error.writeErrors];
            if (errors.every((each) => each.code === 11000)) {
              written = error.insertedCount;
              break;
            }
          }
          if (!isTransient(error) || attempt >= 15) throw error;
          await sleep(2_000);
        }
      }
      stored += written;
      inserted += written;
    }
  } finally {
    progress.stop();
  }
  return { before, inserted, after: stored, seconds: (performance.now() - started) / 1_000 };
}
