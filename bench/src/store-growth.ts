/**
 * Store growth benchmark: what the complaints service's own reads and writes cost as its
 * collection fills up. The same operations, with the service's repository and indexes, at each
 * stored size (1k, 10k, 50k finished complaints by default, beside a fixed open backlog), so a
 * cost that grows with history shows as a ratio well above 1 between the largest and the
 * smallest size. Alongside, the consumers' idempotency lookup (`_id $in` over a processed-ids
 * collection of the same size).
 * Needs the local infrastructure: `./balai infra up`, then `pnpm --filter @balai/bench
 * store-growth` (`MONGO_URL`, `BENCH_SIZES=1000,10000,50000`, `BENCH_OPEN=500`,
 * `BENCH_REPEATS=11`). Seeds a fresh database in bulk, growing it from one size to the next, and
 * drops it at the end.
 */

import { ComplaintRepository, type ComplaintStatus, complaintModel } from '@balai/complaints';
import { connectMongo } from '@balai/platform';
import { MongoClient } from 'mongodb';
import ora from 'ora';
import { pino } from 'pino';
import { emptyListFilter } from '../../services/complaints/src/data/complaint-list-query.js';
import { coveringCells } from '../../services/complaints/src/domain/complaint-geohash.js';
import { random, type SeedSpread, seedComplaint } from './complaint-seed.js';

const mongoUrl = process.env.MONGO_URL ?? 'mongodb://127.0.0.1:27017/';
const sizes = (process.env.BENCH_SIZES ?? '1000,10000,50000').split(',').map(Number);
const repeats = Number(process.env.BENCH_REPEATS ?? 11);
/** Repeats of the cases known to read the whole tenant (seconds each at 50k). */
const slowRepeats = Number(process.env.BENCH_SLOW_REPEATS ?? 3);
const run = `bench_growth_${Date.now().toString(36)}`;
const tenantId = '36.73';
const now = new Date();

/**
 * A city in its steady state: the stored history is finished work (closed, rejected, ...), and
 * the open work is a backlog whose size depends on how fast staff resolve, not on how much was
 * ever filed. The inbox, the SLA scheduler and the nearby check read the open work; the history
 * should not cost them anything. The search page reads across all of it, newest first.
 */
const history: SeedSpread = {
  idPrefix: run,
  now,
  days: 365,
  agencies: ['dpupr', 'dpupr', 'dlh', 'dishub', 'dinkes'],
  officers: Array.from({ length: 10 }, (_, index) => `officer-${index + 1}`),
  statuses: [
    ['resolved', 0.05],
    ['closed', 0.85],
    ['rejected', 0.05],
    ['duplicate', 0.03],
    ['cancelled', 0.02],
  ] satisfies [ComplaintStatus, number][],
};
const backlog: SeedSpread = {
  ...history,
  idPrefix: `${run}-open`,
  days: 14,
  statuses: [
    ['submitted', 0.5],
    ['in_progress', 0.5],
  ],
};
/** Open complaints of the tenant, whatever the stored history (`BENCH_OPEN`). */
const openBacklog = Number(process.env.BENCH_OPEN ?? 500);

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? 0;
}

async function timed(
  action: (round: number) => Promise<unknown>,
  times: number,
): Promise<{ p50: number; p95: number }> {
  await action(-1); // warm-up
  const samples: number[] = [];
  for (let round = 0; round < times; round += 1) {
    const started = process.hrtime.bigint();
    await action(round);
    samples.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  return { p50: percentile(samples, 50), p95: percentile(samples, 95) };
}

async function main() {
  const mongo = await MongoClient.connect(mongoUrl);
  const connection = await connectMongo({ url: mongoUrl, dbName: run, logger: pino({ level: 'silent' }) });
  const model = complaintModel(connection);
  const repository = new ComplaintRepository(model);
  const db = mongo.db(run);
  const complaints = db.collection<{ _id: string; version: number }>('complaints');
  const processed = db.collection<{ _id: string; at: Date }>('processed_events');
  const results = new Map<string, Map<number, { p50: number; p95: number }>>();
  const record = (name: string, size: number, value: { p50: number; p95: number }) => {
    if (!results.has(name)) results.set(name, new Map());
    results.get(name)?.set(size, value);
  };
  try {
    await model.createCollection();
    await model.syncIndexes();
    const next = random(36_73);
    await complaints.insertMany(
      Array.from({ length: openBacklog }, (_, index) => seedComplaint(backlog, index, tenantId, next)) as never[],
    );
    let stored = 0;
    for (const size of sizes) {
      const spinner = ora(`seeding ${stored.toLocaleString()} → ${size.toLocaleString()} finished complaints`).start();
      while (stored < size) {
        const batch = Math.min(1_000, size - stored);
        const from = stored;
        await complaints.insertMany(
          Array.from({ length: batch }, (_, index) => seedComplaint(history, from + index, tenantId, next)) as never[],
        );
        await processed.insertMany(
          Array.from({ length: batch }, (_, index) => ({ _id: `event-${from + index}`, at: now })),
        );
        stored += batch;
        spinner.text = `seeding ${stored.toLocaleString()} / ${size.toLocaleString()} finished complaints`;
      }
      spinner.succeed(`${size.toLocaleString()} finished complaints stored, and ${openBacklog} open ones`);

      const idOf = (round: number) =>
        `${run}-${tenantId}-${(((round + 2) * 7_919) % size).toString().padStart(7, '0')}`;
      const versions = new Map<string, number>();
      const cases: Array<[string, (round: number) => Promise<unknown>]> = [
        ['find {_id} (findById)', (round) => repository.findById(tenantId, idOf(round))],
        [
          'updateOne {_id, tenantId, version}',
          async (round) => {
            const id = idOf(round + 100);
            const version = versions.get(id) ?? (await complaints.findOne({ _id: id }))?.version ?? 0;
            const result = await complaints.updateOne({ _id: id, tenantId, version } as never, {
              $set: { updatedAt: new Date() },
              $inc: { version: 1 },
            });
            if (result.modifiedCount !== 1) throw new Error(`version-guarded update of ${id} missed`);
            versions.set(id, version + 1);
          },
        ],
        [
          'updateOne {_id}',
          (round) => complaints.updateOne({ _id: idOf(round + 200) }, { $set: { updatedAt: new Date() } }),
        ],
        [
          'outbox $push then $pullAll',
          async (round) => {
            const id = idOf(round + 300);
            const entry = { id: `bench-${round}`, type: 'bench', at: new Date() };
            await complaints.updateOne({ _id: id }, { $push: { outbox: entry } } as never);
            await complaints.updateOne({ _id: id }, { $pullAll: { outbox: [entry] } } as never);
          },
        ],
        [
          '_id $in, 50 ids',
          async (round) => {
            const ids = Array.from({ length: 50 }, (_, index) => idOf(round * 50 + index));
            const found = await complaints.find({ _id: { $in: ids } }, { projection: { _id: 1 } }).toArray();
            if (found.length === 0) throw new Error('no complaint found by $in');
          },
        ],
        [
          'inbox page (agency, open, by due, 20)',
          () =>
            repository.list(
              tenantId,
              { ...emptyListFilter(), agencyId: 'dpupr', statuses: ['submitted', 'in_progress'] },
              'due',
              { after: null, skip: 0, limit: 21, includeTimeline: false },
            ),
        ],
        [
          'my queue (assignee, open, by due, 20)',
          () =>
            repository.list(
              tenantId,
              { ...emptyListFilter(), assignedOfficerId: 'officer-3', statuses: ['submitted', 'in_progress'] },
              'due',
              { after: null, skip: 0, limit: 21, includeTimeline: false },
            ),
        ],
        [
          'nearby candidates (category, open, cells)',
          () =>
            repository.findNearbyCandidates(tenantId, {
              categoryCode: 'roads.pothole',
              cellPrefixes: coveringCells(-6.15, 106.15, 100),
              submittedFrom: new Date(now.getTime() - 30 * 86_400_000),
              limit: 20,
            }),
        ],
        ['SLA escalations due (50)', () => repository.findEscalationsDue(now, 50)],
        [
          'search page (tenant, newest, 20)',
          () =>
            repository.list(tenantId, emptyListFilter(), 'newest', {
              after: null,
              skip: 0,
              limit: 21,
              includeTimeline: false,
            }),
        ],
        [
          'idempotency lookup: processed $in, 100 ids',
          (round) =>
            processed
              .find({ _id: { $in: Array.from({ length: 100 }, (_, index) => `event-new-${round}-${index}`) } })
              .toArray(),
        ],
      ];
      for (const [name, action] of cases) {
        let value: { p50: number; p95: number };
        try {
          value = await timed(action, name.startsWith('search page') ? slowRepeats : repeats);
        } catch (error) {
          // A read past the driver's socket timeout (30 s) is a result too, not the end of the run.
          console.log(`${size.toString().padStart(7)}  ${name.padEnd(44)} failed: ${(error as Error).message}`);
          record(name, size, { p50: Number.POSITIVE_INFINITY, p95: Number.POSITIVE_INFINITY });
          continue;
        }
        record(name, size, value);
        console.log(
          `${size.toString().padStart(7)}  ${name.padEnd(44)} p50 ${value.p50.toFixed(1).padStart(8)} ms  p95 ${value.p95.toFixed(1).padStart(8)} ms`,
        );
      }
    }
    const first = sizes[0] as number;
    const last = sizes[sizes.length - 1] as number;
    console.log(
      `\n| operation, p50 (p95) | ${sizes.map((size) => `${size.toLocaleString('en')} docs`).join(' | ')} | ${last / 1000}k ÷ ${first / 1000}k |`,
    );
    console.log(`|---|${sizes.map(() => '---:').join('|')}|---:|`);
    for (const [name, bySize] of results) {
      const cells = sizes.map((size) => {
        const value = bySize.get(size);
        if (!value) return '—';
        return Number.isFinite(value.p50)
          ? `${value.p50.toFixed(1)} (${value.p95.toFixed(1)}) ms`
          : '> 30 s (timed out)';
      });
      const ratio = (bySize.get(last)?.p50 ?? 0) / (bySize.get(first)?.p50 || 1);
      console.log(`| ${name} | ${cells.join(' | ')} | ${ratio.toFixed(2)} |`);
    }
  } finally {
    await db.dropDatabase().catch(() => undefined);
    await connection.close();
    await mongo.close();
  }
}

await main();
