/**
 * Complaints inbox benchmark: the ListComplaints use case (`listComplaints` over a
 * `ComplaintRepository` on mongoose, a staff officer as caller) against the raw mongodb driver's
 * `find` with the equivalent filter, sort, limit and projection, on the same FerretDB/MongoDB.
 * Each case runs its variants alternately, several rounds, and reports median latency and the
 * ratio raw ÷ Balai time (= Balai throughput ÷ raw throughput, higher is better), with the
 * client process's CPU time per call (Balai's own work, apart from the database's). It also
 * prints FerretDB's explain of both filter shapes and the use case's cost without a database.
 * Needs the local infrastructure: `./balai infra up`, then `pnpm --filter @balai/bench complaint-inbox`
 * (MONGO_URL overrides the default). Seeds a fresh database and drops it at the end.
 */

import { type Complaint, ComplaintRepository, type ComplaintStatus, complaintModel } from '@balai/complaints';
import { type CallContext, connectMongo } from '@balai/platform';
import { type Document, type Filter, MongoClient, type Sort } from 'mongodb';
import { pino } from 'pino';
import { listQuery } from '../../services/complaints/src/data/complaint-list-query.js';
import {
  type ListComplaintsInput,
  listComplaints,
  parseListRequest,
} from '../../services/complaints/src/use-cases/complaint-queries.js';
import { random, type SeedSpread, seedComplaint, workedInboxStatuses } from './complaint-seed.js';

const mongoUrl = process.env.MONGO_URL ?? 'mongodb://127.0.0.1:27017/';
const rounds = Number(process.env.BENCH_ROUNDS ?? 11);
/** Complaints of tenant 36.73, and of another tenant that every query must leave out. */
const tenantComplaints = Number(process.env.BENCH_COMPLAINTS ?? 1_000);
const otherComplaints = Number(process.env.BENCH_OTHER_COMPLAINTS ?? 200);
/** Each variant runs its query this many times per round; a round's value is the mean. */
const repeats = Number(process.env.BENCH_REPEATS ?? 1);
const walkPages = Number(process.env.BENCH_WALK_PAGES ?? 10);
const logger = pino({ level: 'silent' });
const run = `bench_inbox_${Date.now().toString(36)}`;

const tenantId = '36.73';
/**
 * Public works (dpupr) gets two in five complaints; the benchmark's inbox is its: with the
 * default sizes 226 open ones, enough for ten 20-item pages.
 */
const agencies = ['dpupr', 'dpupr', 'dlh', 'dishub', 'dinkes'];
const officers = Array.from({ length: 10 }, (_, index) => `officer-${index + 1}`);
/** A fixed "now" for both sides: the seed's due dates and the overdue filter agree on it. */
const now = new Date();
const hour = 3_600_000;
const officer: CallContext = {
  tenantId,
  requestId: 'bench',
  subject: 'officer-1',
  roles: ['officer'],
  agencyId: 'dpupr',
};

const spread: SeedSpread = { idPrefix: run, now, days: 30, agencies, officers, statuses: workedInboxStatuses };

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

interface Sample {
  /** Wall-clock milliseconds per call, the mean of `repeats` calls. */
  wallMs: number;
  /** This process's CPU milliseconds per call (user + system): the client's own work, not the database's. */
  cpuMs: number;
}

async function timed(action: () => Promise<unknown>): Promise<Sample> {
  const cpu = process.cpuUsage();
  const started = process.hrtime.bigint();
  for (let index = 0; index < repeats; index += 1) await action();
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6 / repeats;
  const used = process.cpuUsage(cpu);
  return { wallMs, cpuMs: (used.user + used.system) / 1e3 / repeats };
}

interface Variants {
  /** `listComplaints` over the mongoose repository, as a staff officer. */
  balai: () => Promise<number>;
  /** The mongodb driver's `find` with the equivalent flat filter, mapped to plain rows. */
  raw: () => Promise<number>;
}

interface CaseResult {
  name: string;
  items: number;
  balaiMs: number;
  rawMs: number;
  /** raw time ÷ Balai time: Balai throughput ÷ raw throughput. */
  ratio: number;
  balaiCpuMs: number;
  rawCpuMs: number;
}

/** Both variants return how many items they read, so a broken variant shows as a mismatch. */
async function compare(name: string, variants: Variants): Promise<CaseResult> {
  const warm = { balai: await variants.balai(), raw: await variants.raw() }; // warm-up, both
  if (warm.balai !== warm.raw) throw new Error(`${name}: Balai read ${warm.balai} items, raw ${warm.raw}`);
  const b: Sample[] = [];
  const r: Sample[] = [];
  for (let round = 0; round < rounds; round += 1) {
    // Alternate which goes first, so drift on the machine hits both alike.
    if (round % 2 === 0) {
      b.push(await timed(variants.balai));
      r.push(await timed(variants.raw));
    } else {
      r.push(await timed(variants.raw));
      b.push(await timed(variants.balai));
    }
  }
  const result: CaseResult = {
    name,
    items: warm.balai,
    balaiMs: median(b.map((each) => each.wallMs)),
    rawMs: median(r.map((each) => each.wallMs)),
    ratio: median(r.map((each) => each.wallMs)) / median(b.map((each) => each.wallMs)),
    balaiCpuMs: median(b.map((each) => each.cpuMs)),
    rawCpuMs: median(r.map((each) => each.cpuMs)),
  };
  console.log(
    `${name.padEnd(40)} balai ${result.balaiMs.toFixed(0).padStart(6)} ms  raw ${result.rawMs.toFixed(0).padStart(6)} ms  ` +
      `ratio ${result.ratio.toFixed(2)}  | client CPU balai ${result.balaiCpuMs.toFixed(2)} ms, raw ${result.rawCpuMs.toFixed(2)} ms` +
      `  (${result.items} items)`,
  );
  return result;
}

/** The projection the repository uses for inbox rows: no timeline, no outbox, no lease fields. */
const rowProjection = { outbox: 0, outboxLeaseOwner: 0, outboxLeaseUntil: 0, timeline: 0 } as const;
const openStatuses: ComplaintStatus[] = ['submitted', 'in_progress'];

/** Complaints as the driver reads them: string ids. */
type StoredComplaint = Document & { _id: string };

/** What a raw driver user builds for the same page: a flat filter, one more than the page. */
interface RawPage {
  filter: Filter<StoredComplaint>;
  sort: { field: string; direction: 1 | -1 };
  skip: number;
  size: number;
}

/** Raw rows: the driver's documents with the timeline emptied and overdue computed, as plain objects. */
function rawRows(documents: Document[]) {
  return documents.map((document) => {
    const complaint = { ...document, timeline: [] } as unknown as Complaint;
    const overdue =
      (complaint.status === 'submitted' || complaint.status === 'in_progress') && now > new Date(complaint.slaDueAt);
    return { complaint, overdue };
  });
}

async function main() {
  const mongo = await MongoClient.connect(mongoUrl);
  const connection = await connectMongo({ url: mongoUrl, dbName: run, logger });
  const model = complaintModel(connection);
  const db = mongo.db(run);
  const collection = db.collection<StoredComplaint>('complaints');
  try {
    await model.createCollection();
    await model.syncIndexes();
    const seedStarted = Date.now();
    const next = random(36_73);
    const seed = [
      ...Array.from({ length: tenantComplaints }, (_, index) => seedComplaint(spread, index, tenantId, next)),
      ...Array.from({ length: otherComplaints }, (_, index) => seedComplaint(spread, index, '36.71', next)),
    ];
    for (let start = 0; start < seed.length; start += 500) {
      await collection.insertMany(seed.slice(start, start + 500) as unknown as StoredComplaint[], { ordered: false });
    }
    const seedMs = Date.now() - seedStarted;
    const repository = new ComplaintRepository(model);
    const deps = { repository, clock: () => now };

    async function rawFind(page: RawPage) {
      const { field, direction } = page.sort;
      const documents = await collection
        .find(page.filter, { projection: rowProjection })
        .sort({ [field]: direction, _id: direction } as Sort)
        .skip(page.skip)
        .limit(page.size + 1)
        .toArray();
      return rawRows(documents.slice(0, page.size));
    }

    function pageVariants(input: ListComplaintsInput, raw: RawPage): Variants {
      return {
        balai: async () => (await listComplaints(deps, officer, input)).views.length,
        raw: async () => (await rawFind(raw)).length,
      };
    }

    const dueSort = { field: 'slaDueAt', direction: 1 } as const;
    const inboxInput: ListComplaintsInput = { agencyId: 'dpupr', statuses: [...openStatuses], order: 'due' };
    const inboxFilter = { tenantId, agencyId: 'dpupr', status: { $in: openStatuses } };
    const overdueInput: ListComplaintsInput = { agencyId: 'dpupr', overdueOnly: true, order: 'due' };
    const overdueFilter = { tenantId, agencyId: 'dpupr', status: { $in: openStatuses }, slaDueAt: { $lt: now } };
    const open311From = new Date(now.getTime() - 90 * 24 * hour);
    const open311Before = new Date(now.getTime() + 1);
    const open311Input: ListComplaintsInput = {
      order: 'newest',
      submittedFrom: open311From,
      submittedBefore: open311Before,
      pageSize: 50,
      page: 5,
    };
    const open311Filter = { tenantId, submittedAt: { $gte: open311From, $lt: open311Before } };

    /** Walks `walkPages` pages of the inbox, each from where the last ended; returns the items read. */
    async function walk(variant: 'balai' | 'raw'): Promise<number> {
      let read = 0;
      if (variant === 'balai') {
        let pageToken = '';
        for (let page = 0; page < walkPages; page += 1) {
          const answer = await listComplaints(deps, officer, { ...inboxInput, pageToken });
          read += answer.views.length;
          pageToken = answer.nextPageToken;
          if (pageToken === '') break;
        }
        return read;
      }
      {
        let after: { key: Date; id: string } | null = null;
        for (let page = 0; page < walkPages; page += 1) {
          const filter: Filter<StoredComplaint> = after
            ? {
                ...inboxFilter,
                $or: [{ slaDueAt: { $gt: after.key } }, { slaDueAt: after.key, _id: { $gt: after.id } }],
              }
            : inboxFilter;
          const rows = await rawFind({ filter, sort: dueSort, skip: 0, size: 20 });
          read += rows.length;
          const last = rows.at(-1);
          if (!last || rows.length < 20) break;
          after = { key: last.complaint.slaDueAt, id: last.complaint._id };
        }
        return read;
      }
    }

    const counts = {
      inbox: await collection.countDocuments(inboxFilter),
      overdue: await collection.countDocuments(overdueFilter),
      open311: await collection.countDocuments(open311Filter),
    };
    console.log(
      `complaint-inbox benchmark: ${rounds} alternating rounds of ${repeats} calls, median ms per call; ` +
        `${tenantComplaints} + ${otherComplaints} complaints seeded in ${seedMs} ms; matching: ${JSON.stringify(counts)}`,
    );

    // What the storage does with each filter shape (FerretDB reports its pushdowns in explain).
    const explains: Record<string, unknown> = {};
    for (const [name, filter] of [
      ['flat (raw)', inboxFilter],
      ['$and (listQuery)', listQuery(tenantId, parseListRequest(officer, inboxInput, now).filter, 'due', null).filter],
    ] as const) {
      const explained = (await collection
        .find(filter as Filter<StoredComplaint>, { projection: rowProjection })
        .sort({ slaDueAt: 1, _id: 1 })
        .limit(21)
        .explain()) as Document;
      const { filterPushdown, sortPushdown, limitPushdown, queryPlanner } = explained;
      explains[name] = {
        filterPushdown,
        sortPushdown,
        limitPushdown,
        plan: JSON.stringify(queryPlanner).slice(0, 200),
      };
    }
    console.log(`explain: ${JSON.stringify(explains)}`);

    // The use case's own work without the database: parsing, page token and staff views of a
    // page the repository already read, and the raw side's row mapping of the same documents.
    const inboxRows = await repository.list(tenantId, parseListRequest(officer, inboxInput, now).filter, 'due', {
      after: null,
      skip: 0,
      limit: 21,
      includeTimeline: false,
    });
    const stubDeps = { repository: { list: async () => inboxRows }, clock: () => now };
    const inProcess = { useCaseUs: 0, rawMappingUs: 0 };
    for (let round = 0; round < 3; round += 1) {
      let started = process.hrtime.bigint();
      for (let index = 0; index < 2_000; index += 1) await listComplaints(stubDeps, officer, inboxInput);
      inProcess.useCaseUs = Number(process.hrtime.bigint() - started) / 1e3 / 2_000;
      started = process.hrtime.bigint();
      for (let index = 0; index < 2_000; index += 1) rawRows(inboxRows.slice(0, 20) as unknown as Document[]);
      inProcess.rawMappingUs = Number(process.hrtime.bigint() - started) / 1e3 / 2_000;
    }
    console.log(
      `in-process, 20-item inbox page: listComplaints without the database ${inProcess.useCaseUs.toFixed(1)} µs, ` +
        `raw row mapping ${inProcess.rawMappingUs.toFixed(1)} µs`,
    );

    const results = [
      await compare(
        '1 inbox first page (agency, open, due)',
        pageVariants(inboxInput, { filter: inboxFilter, sort: dueSort, skip: 0, size: 20 }),
      ),
      await compare(`2 inbox walk, ${walkPages} pages by cursor`, {
        balai: () => walk('balai'),
        raw: () => walk('raw'),
      }),
      await compare(
        '3 overdue only (agency, due)',
        pageVariants(overdueInput, { filter: overdueFilter, sort: dueSort, skip: 0, size: 20 }),
      ),
      await compare(
        '4 Open311 page 5 of 50 (newest)',
        pageVariants(open311Input, {
          filter: open311Filter,
          sort: { field: 'submittedAt', direction: -1 },
          skip: 200,
          size: 50,
        }),
      ),
    ];

    const load = (await import('node:os')).loadavg().map((value) => value.toFixed(2));
    console.log(
      JSON.stringify({
        run,
        rounds,
        repeats,
        tenantComplaints,
        otherComplaints,
        seedMs,
        counts,
        load,
        inProcess,
        explains,
        results,
      }),
    );
  } finally {
    await db.dropDatabase();
    await Promise.all([connection.close(), mongo.close()]);
  }
}

await main();
