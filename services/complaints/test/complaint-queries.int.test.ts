import { type CallContext, connectMongo, createLogger } from '@balai/platform';
import { infrastructureEndpoints, testNamespace } from '@balai/testkit';
import type { Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ComplaintModel, complaintModel } from '../src/data/complaint.schema.js';
import { backfillGeohashes } from '../src/data/complaint-backfill.js';
import { type Complaint, ComplaintRepository } from '../src/data/complaint-repository.js';
import { aComplaint, callers } from '../src/data/complaint-test-factories.fixture.js';
import { geohashOf } from '../src/domain/complaint-geohash.js';
import { findNearbyComplaints, type ListComplaintsInput, listComplaints } from '../src/use-cases/complaint-queries.js';

const ns = testNamespace(import.meta.filename);
const logger = createLogger({ service: 'test', level: 'silent' });
const now = new Date('2026-12-01T08:00:00.000Z');
const day = 86_400_000;
let connection: Connection;
let model: ComplaintModel;
let repository: ComplaintRepository;

const deps = () => ({ repository, clock: () => now, nearby: { radiusMeters: 150, maxAgeDays: 30 } });

/** 45 complaints of tenant 36.73 whose every sort key is equal: only the id orders them. */
const tied = Array.from({ length: 45 }, (_, n) => `tie-${String(n).padStart(2, '0')}`);
const sameTime = new Date('2026-11-20T00:00:00.000Z');

const here = { latitude: -6.12, longitude: 106.15 };
function near(northMeters: number, eastMeters = 0) {
  const latitude = here.latitude + northMeters / 111_195;
  const longitude = here.longitude + eastMeters / (111_195 * Math.cos((here.latitude * Math.PI) / 180));
  return { location: { latitude, longitude }, geohash: geohashOf(latitude, longitude) };
}

async function insert(complaint: Complaint) {
  expect(await repository.insert({ ...complaint, outbox: [] })).toBe(true);
}

/** Every page of a list, following the tokens. */
async function allPages(context: CallContext, input: ListComplaintsInput) {
  const ids: string[] = [];
  let pageToken = '';
  let pages = 0;
  do {
    const page = await listComplaints(deps(), context, { ...input, pageToken });
    ids.push(...page.views.map((view) => view.complaint._id));
    pageToken = page.nextPageToken;
    pages += 1;
    expect(pages).toBeLessThan(100);
  } while (pageToken !== '');
  return { ids, pages };
}

beforeAll(async () => {
  connection = await connectMongo({
    url: infrastructureEndpoints().mongoUrl,
    dbName: ns.database('complaints'),
    logger,
  });
  model = complaintModel(connection);
  await model.createCollection();
  await model.syncIndexes();
  repository = new ComplaintRepository(model);

  for (const id of tied) {
    await insert(
      aComplaint({
        _id: id,
        categoryCode: 'tied.sort',
        submittedAt: sameTime,
        updatedAt: sameTime,
        slaDueAt: sameTime,
        ...near(5000),
      }),
    );
  }
  // A small inbox with varied fields (category roads.pothole, near `here` unless said otherwise).
  const inbox: Complaint[] = [
    aComplaint({
      _id: 'a-overdue-mine',
      assignedOfficerId: 'officer-1',
      status: 'in_progress',
      slaDueAt: new Date(now.getTime() - day),
      submittedAt: new Date(now.getTime() - 5 * day),
      updatedAt: new Date(now.getTime() - 2 * day),
      timeline: [
        {
          id: 't-1',
          action: 'assign',
          at: new Date(now.getTime() - 2 * day),
          actorRole: 'supervisor',
          actorId: 'supervisor-1',
          visibility: 'internal',
          fromStatus: 'submitted',
          toStatus: 'in_progress',
          note: 'ke tim jalan',
          details: { officerId: 'officer-1' },
        },
      ],
      ...near(40),
    }),
    aComplaint({
      _id: 'b-unassigned',
      reporterId: 'citizen-2',
      slaDueAt: new Date(now.getTime() + day),
      submittedAt: new Date(now.getTime() - day),
      updatedAt: new Date(now.getTime() - day),
      ...near(100, 30),
    }),
    aComplaint({
      _id: 'c-other-agency',
      agencyId: 'dlh',
      categoryCode: 'environment.waste',
      slaDueAt: new Date(now.getTime() - 3 * day),
      submittedAt: new Date(now.getTime() - 4 * day),
      updatedAt: new Date(now.getTime() - 4 * day),
      ...near(10),
    }),
    aComplaint({
      _id: 'd-resolved-overdue-deadline',
      status: 'resolved',
      slaDueAt: new Date(now.getTime() - 10 * day),
      submittedAt: new Date(now.getTime() - 12 * day),
      updatedAt: new Date(now.getTime() - 3 * day),
      ...near(20),
    }),
    aComplaint({ _id: 'e-far', submittedAt: new Date(now.getTime() - day), ...near(400) }),
    aComplaint({ _id: 'f-old', submittedAt: new Date(now.getTime() - 40 * day), ...near(30) }),
    aComplaint({ _id: 'g-other-tenant', tenantId: '36.71', submittedAt: new Date(now.getTime() - day), ...near(5) }),
    aComplaint({ _id: 'h-legacy', submittedAt: new Date(now.getTime() - day), ...near(60), geohash: '' }),
  ];
  for (const complaint of inbox) await insert(complaint);
});

afterAll(async () => {
  await connection?.dropDatabase();
  await connection?.close();
});

describe('complaint queries on the real server', () => {
  it('should create every named index the queries need', async () => {
    const names = (await model.collection.listIndexes().toArray()).map((index) => index.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'inbox_agency_status_due',
        'inbox_assignee_status_due',
        'mine_reporter_submitted',
        'search_submitted',
        'sync_updated',
        'nearby_category_status_submitted',
      ]),
    );
    expect(names).not.toContain('tenantId_1_submittedAt_-1');
  });

  it.each([
    ['due', [...tied]],
    ['updated', [...tied]],
    ['newest', [...tied].reverse()],
  ])('should page the %s order over equal sort keys giving every complaint once, in order', async (order, expected) => {
    const { ids, pages } = await allPages(callers.officer, { categoryCodes: ['tied.sort'], order, pageSize: 10 });
    expect(ids).toEqual(expected);
    expect(pages).toBe(5);
  });

  it('should page by number (Open311) with the same order as the cursor', async () => {
    const pageThree = await listComplaints(deps(), callers.anonymous, {
      categoryCodes: ['tied.sort'],
      order: 'newest',
      pageSize: 10,
      page: 3,
    });
    expect(pageThree.views.map((view) => view.complaint._id)).toEqual([...tied].reverse().slice(20, 30));
  });

  it('should refuse a token used with other filters', async () => {
    const first = await listComplaints(deps(), callers.officer, { categoryCodes: ['tied.sort'], pageSize: 10 });
    await expect(
      listComplaints(deps(), callers.officer, { categoryCodes: ['roads.pothole'], pageToken: first.nextPageToken }),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  it('should combine the inbox filters with AND, in SLA order', async () => {
    const ids = async (input: ListComplaintsInput, context: CallContext = callers.officer) =>
      (await allPages(context, { categoryCodes: ['roads.pothole', 'environment.waste'], ...input })).ids;
    expect(await ids({})).toEqual([
      'd-resolved-overdue-deadline',
      'c-other-agency',
      'a-overdue-mine',
      'e-far',
      'f-old',
      'h-legacy',
      'b-unassigned',
    ]);
    expect(await ids({ overdueOnly: true })).toEqual(['c-other-agency', 'a-overdue-mine']);
    expect(await ids({ overdueOnly: true, agencyId: 'dpupr' })).toEqual(['a-overdue-mine']);
    expect(await ids({ assignee: 'me' })).toEqual(['a-overdue-mine']);
    // e, f and h fall due exactly now (the factory's deadline): equal keys, ordered by id.
    expect(await ids({ assignee: 'none', statuses: ['submitted'], agencyId: 'dpupr' })).toEqual([
      'e-far',
      'f-old',
      'h-legacy',
      'b-unassigned',
    ]);
    expect(await ids({ statuses: ['resolved', 'in_progress'] })).toEqual([
      'd-resolved-overdue-deadline',
      'a-overdue-mine',
    ]);
    expect(await ids({ complaintIds: ['b-unassigned', 'g-other-tenant', 'nope'] })).toEqual(['b-unassigned']);
    expect(
      await ids({
        submittedFrom: new Date(now.getTime() - 6 * day),
        submittedBefore: new Date(now.getTime() - 2 * day),
      }),
    ).toEqual(['c-other-agency', 'a-overdue-mine']);
    expect(await ids({ updatedFrom: new Date(now.getTime() - 2 * day), order: 'updated' })).toEqual([
      'a-overdue-mine',
      'b-unassigned',
    ]);
  });

  it("should list a citizen's own complaints in the public view, newest first", async () => {
    const page = await listComplaints(deps(), callers.otherCitizen, { mine: true, order: 'newest' });
    expect(page.views.map((view) => [view.complaint._id, view.kind, view.complaint.reporterId])).toEqual([
      ['b-unassigned', 'public', 'citizen-2'],
    ]);
  });

  it('should show only the tenant of the caller', async () => {
    const other = { ...callers.officer, tenantId: '36.71' };
    const page = await listComplaints(deps(), other, { pageSize: 100 });
    expect(page.views.map((view) => view.complaint._id)).toEqual(['g-other-tenant']);
  });

  it('should include the timeline only when asked, as the caller may see it', async () => {
    const input = { complaintIds: ['a-overdue-mine'] };
    const without = await listComplaints(deps(), callers.officer, input);
    expect(without.views[0]?.complaint.timeline).toEqual([]);
    const staff = await listComplaints(deps(), callers.officer, { ...input, includeTimeline: true });
    expect(staff.views[0]?.complaint.timeline.map((entry) => entry.id)).toEqual(['t-1']);
    const citizen = await listComplaints(deps(), callers.reporter, { ...input, includeTimeline: true });
    expect(citizen.views[0]?.complaint.timeline).toEqual([]);
  });

  it('should suggest open complaints of the category within the radius and age, nearest first', async () => {
    const found = await findNearbyComplaints(deps(), callers.reporter, { categoryCode: 'roads.pothole', ...here });
    // Not: c (other category), d (resolved), e (400 m), f (40 days old), g (other tenant),
    // h (no geohash yet).
    expect(found.map((entry) => entry.view.complaint._id)).toEqual(['a-overdue-mine', 'b-unassigned']);
    expect(found[1]?.distanceMeters).toBeGreaterThan(100);
    expect(found[1]?.distanceMeters).toBeLessThan(110);
    expect(found.every((entry) => entry.view.kind === 'public')).toBe(true);
  });

  it('should backfill missing geohashes once, after which nearby finds those complaints', async () => {
    expect(await backfillGeohashes(repository, logger, { batchSize: 1, maxBatches: 5 })).toEqual({
      updated: 1,
      finished: true,
    });
    expect(await backfillGeohashes(repository, logger)).toEqual({ updated: 0, finished: true });
    const legacy = await repository.findById('36.73', 'h-legacy');
    expect(legacy?.geohash).toBe(geohashOf(legacy?.location.latitude ?? 0, legacy?.location.longitude ?? 0));
    expect(legacy?.version).toBe(1);
    const found = await findNearbyComplaints(deps(), callers.reporter, { categoryCode: 'roads.pothole', ...here });
    expect(found.map((entry) => entry.view.complaint._id)).toEqual(['a-overdue-mine', 'h-legacy', 'b-unassigned']);
  });
});
