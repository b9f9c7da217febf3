/**
 * Lifecycle benchmark: the whole platform, driven through the gateway's public API as apps drive
 * it, against a raw baseline doing the same writes and reads with a bare fastify route and the
 * mongodb driver. One lifecycle: the demo citizen files a complaint, the supervisor of Dinas PUPR
 * assigns it to the demo officer, the officer resolves it, the citizen rates it (which closes
 * it), and the officer reads the first page of the agency's open inbox.
 *
 * It reports per step and per lifecycle the throughput, p50/p95/p99 and errors by status; the
 * CPU each platform process (the five services, Kafka, FerretDB) and the client spent per
 * lifecycle, and their memory; whether analytics counted every complaint of the run exactly once,
 * and the event-to-analytics lag. It prints a markdown fragment for docs/BENCHMARKS.md and
 * writes everything as JSON to the OS temp dir. Needs `./balai up` with the rate limits raised
 * (see --help). Never run as a test: nothing here asserts a time.
 */

import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { complaintModel } from '@balai/complaints';
import { connectMongo } from '@balai/platform';
import { Command, Option } from 'commander';
import { type Collection, MongoClient } from 'mongodb';
import pc from 'picocolors';
import { pino } from 'pino';
import {
  type Counts,
  checkRows,
  eventLag,
  type Reading,
  readCounts,
  SummarySampler,
  settledCounts,
} from './lifecycle/analytics-check.js';
import {
  type ApiTarget,
  type LifecyclePlan,
  type LifecycleResult,
  mayHaveApplied,
  runLifecycle,
} from './lifecycle/complaint-lifecycle.js';
import { DemoSessions, demoOfficerId } from './lifecycle/demo-sessions.js';
import { EventStreamProbe } from './lifecycle/event-stream-probe.js';
import { describeShape, type LoadShape, type PhaseResult, runLoad } from './lifecycle/load-loops.js';
import {
  type ProcessSample,
  platformProcesses,
  sampleAll,
  usageBetween,
  type WatchedProcess,
} from './lifecycle/platform-processes.js';
import { rawIdPrefix, startRawStack } from './lifecycle/raw-stack.js';
import {
  type AnalyticsReport,
  cpuPerLifecycle,
  markdown,
  type PhaseReport,
  type RunReport,
} from './lifecycle/report.js';
import {
  dataDir,
  loadTestRateLimits,
  nonNegativeInteger,
  positiveInteger,
  positiveNumber,
  tenant,
} from './lifecycle/run-settings.js';
import { type StoredComplaint, seedIdPrefix, seedToTarget } from './lifecycle/seed-complaints.js';
import { type CursorTotals, cursorsPerLifecycle, readCursorTotals } from './lifecycle/storage-metrics.js';

interface Settings {
  loop: 'closed' | 'open';
  workers: number;
  rate: number;
  duration: number;
  count: number | undefined;
  warmup: number;
  idle: number;
  seed: number;
  seedOnly: boolean;
  seedBatch: number;
  removeSeed: boolean;
  phases: Array<'balai' | 'raw'>;
  maxInFlight: number;
  requestTimeout: number;
  lagPoll: number;
  drainTimeout: number;
  json: string | undefined;
  gateway: string;
  mongo: string;
  kafka: string;
  complaintsTopic: string;
  ferretdbMetrics: string;
  complaintsDb: string;
  analyticsDb: string;
  rawDb: string;
  dropRaw: boolean;
}

/** The one place options and the environment are read; a bad value stops the run naming it. */
function readSettings(argv: string[]): Settings {
  const gatewayPort = process.env.BALAI_GATEWAY_PORT || '8080';
  const mongoPort = process.env.BALAI_MONGO_PORT || '27017';
  const kafkaPort = process.env.BALAI_KAFKA_PORT || '9092';
  const ferretdbDebugPort = process.env.BALAI_FERRETDB_DEBUG_PORT || '8088';
  const program = new Command('lifecycle')
    .description('Complaint lifecycles through the gateway against a raw fastify + mongodb baseline.')
    .addOption(
      new Option('--loop <kind>', 'closed: N workers back to back; open: a fixed arrival rate')
        .choices(['closed', 'open'])
        .default('closed'),
    )
    .addOption(
      new Option('--workers <n>', 'closed loop: concurrent workers')
        .env('BENCH_WORKERS')
        .default(8)
        .argParser(positiveInteger),
    )
    .addOption(
      new Option('--rate <n>', 'open loop: lifecycles started per second')
        .env('BENCH_RATE')
        .default(2)
        .argParser(positiveNumber),
    )
    .addOption(
      new Option('--duration <s>', 'seconds of offered load per side')
        .env('BENCH_DURATION')
        .default(30)
        .argParser(positiveNumber),
    )
    .addOption(
      new Option('--count <n>', 'stop after this many lifecycles per side (whichever comes first)')
        .env('BENCH_COUNT')
        .argParser(positiveInteger),
    )
    .addOption(
      new Option('--warmup <n>', 'lifecycles run and discarded before measuring')
        .env('BENCH_WARMUP')
        .default(8)
        .argParser(nonNegativeInteger),
    )
    .addOption(
      new Option('--idle <s>', 'seconds of no load before each phase, to measure the background CPU')
        .default(5)
        .argParser(nonNegativeInteger),
    )
    .addOption(
      new Option('--seed <n>', 'first bring the stored complaints (all tenants) to n, by bulk inserts')
        .env('BENCH_SEED')
        .default(0)
        .argParser(nonNegativeInteger),
    )
    .option('--seed-only', 'seed, then stop', false)
    .addOption(new Option('--seed-batch <n>', 'complaints per insertMany').default(500).argParser(positiveInteger))
    .option(
      '--remove-seed',
      `delete the seeded complaints (ids ${seedIdPrefix}*) from both databases, then stop`,
      false,
    )
    .addOption(new Option('--phases <list>', 'which sides to run, comma-separated: balai, raw').default('balai,raw'))
    .addOption(
      new Option('--max-in-flight <n>', 'open loop: arrivals beyond this many running lifecycles are dropped (counted)')
        .default(512)
        .argParser(positiveInteger),
    )
    .addOption(
      new Option('--request-timeout <ms>', 'a call slower than this counts as a timeout')
        .default(60_000)
        .argParser(positiveInteger),
    )
    .addOption(
      new Option('--lag-poll <ms>', 'how often the analytics summary is read during the run')
        .default(1_000)
        .argParser(positiveInteger),
    )
    .addOption(
      new Option('--drain-timeout <s>', 'how long to wait for analytics to count the run after the load')
        .default(180)
        .argParser(positiveInteger),
    )
    .option('--json <path>', 'where to write the JSON report (default: a new file in the OS temp dir)')
    .addOption(new Option('--gateway <url>', 'the gateway').default(`http://127.0.0.1:${gatewayPort}`))
    .addOption(
      new Option('--mongo <url>', 'FerretDB/MongoDB the platform uses')
        .env('MONGO_URL')
        .default(`mongodb://127.0.0.1:${mongoPort}/`),
    )
    .addOption(
      new Option('--kafka <brokers>', 'the broker, to time the outbox relay')
        .env('KAFKA_BROKERS')
        .default(`127.0.0.1:${kafkaPort}`),
    )
    .addOption(
      new Option('--complaints-topic <name>', "the complaints service's event topic").default('balai.complaints.v1'),
    )
    .addOption(
      new Option('--ferretdb-metrics <url>', "FerretDB's metrics, for the storage time per collection").default(
        `http://127.0.0.1:${ferretdbDebugPort}/debug/metrics`,
      ),
    )
    .addOption(
      new Option('--complaints-db <name>', "the complaints service's database (its MONGO_DB)").default(
        'balai_complaints',
      ),
    )
    .addOption(
      new Option('--analytics-db <name>', "the analytics service's database (its MONGO_DB)").default('balai_analytics'),
    )
    .addOption(
      new Option('--raw-db <name>', "the raw baseline's own database, kept between runs").default(
        'bench_lifecycle_raw',
      ),
    )
    .option('--drop-raw', 'drop the raw database at the end', false)
    .addHelpText(
      'after',
      `
Start the platform with the abuse limits raised, from the repository root:
  RATE_LIMITS='${loadTestRateLimits}' ./balai up
then, from another shell:
  pnpm --filter @balai/bench lifecycle --seed 10000 --duration 60
  pnpm --filter @balai/bench lifecycle --loop open --rate 3 --duration 60`,
    );
  program.parse(argv);
  const options = program.opts<Omit<Settings, 'phases'> & { phases: string }>();
  const phases = options.phases.split(',').map((phase) => phase.trim());
  for (const phase of phases) {
    if (phase !== 'balai' && phase !== 'raw') program.error(`--phases: "${phase}" is neither balai nor raw`);
  }
  return { ...options, phases: phases as Settings['phases'] };
}

function loadShape(settings: Settings): LoadShape {
  const durationMs = settings.duration * 1_000;
  const count = settings.count ?? null;
  return settings.loop === 'closed'
    ? { kind: 'closed', workers: settings.workers, durationMs, count }
    : { kind: 'open', rate: settings.rate, durationMs, count, maxInFlight: settings.maxInFlight };
}

/** CPU ms per second each process spends with nothing offered: the services' pollers, Kafka, FerretDB. */
async function idleCpu(processes: WatchedProcess[], seconds: number): Promise<Record<string, number>> {
  if (seconds === 0) return {};
  const before = sampleAll(processes);
  await sleep(seconds * 1_000);
  const usage = usageBetween(before, sampleAll(processes));
  return Object.fromEntries(usage.map((each) => [each.name, (each.cpuSeconds * 1_000) / seconds]));
}

function phaseReport(
  side: 'balai' | 'raw',
  settings: Settings,
  phase: PhaseResult,
  storedComplaints: number,
  before: Map<string, ProcessSample>,
  after: Map<string, ProcessSample>,
  idleCpuMsPerSecond: Record<string, number>,
  storage: { before: Map<string, CursorTotals> | null; after: Map<string, CursorTotals> | null; prefixes: string[] },
): PhaseReport {
  const processes = usageBetween(before, after);
  const lifecycles = phase.measurements.completed('lifecycle');
  return {
    side,
    shape: describeShape(loadShape(settings)),
    seconds: phase.seconds,
    storedComplaints,
    measured: phase.measurements.summaries(phase.seconds),
    dropped: phase.dropped,
    peakInFlight: phase.peakInFlight,
    processes,
    idleCpuMsPerSecond,
    cpuMsPerLifecycle: cpuPerLifecycle(processes, lifecycles),
    netCpuMsPerLifecycle: cpuPerLifecycle(processes, lifecycles, idleCpuMsPerSecond),
    storage: cursorsPerLifecycle(storage.before, storage.after, storage.prefixes, lifecycles),
    firstFailures: phase.measurements.firstFailures,
  };
}

/**
 * What analytics must count for these lifecycles: at least the complaints the API confirmed,
 * at most those plus the ones whose confirming call timed out or failed with a 5xx (the write
 * may have happened all the same).
 */
function expectedCounts(results: LifecycleResult[]): { least: Counts; most: Counts } {
  const uncertain = (result: LifecycleResult, step: string) =>
    result.failure?.step === step && mayHaveApplied(result.failure.failure);
  const least = {
    submitted: results.filter((result) => result.complaintId !== null).length,
    closed: results.filter((result) => result.closedAt !== null).length,
  };
  return {
    least,
    most: {
      submitted: least.submitted + results.filter((result) => uncertain(result, 'submit')).length,
      closed: least.closed + results.filter((result) => uncertain(result, 'rate')).length,
    },
  };
}

const plus = (a: Counts, b: Counts): Counts => ({ submitted: a.submitted + b.submitted, closed: a.closed + b.closed });

function warnAboutFailures(label: string, phase: PhaseResult): void {
  const failed = phase.measurements.failed('lifecycle');
  if (failed === 0) return;
  console.warn(
    pc.yellow(
      `${label}: ${failed} of ${phase.results.length} lifecycles failed, e.g. ${phase.measurements.firstFailures.slice(0, 3).join(' | ')}`,
    ),
  );
  if (phase.measurements.firstFailures.some((failure) => / 429: /.test(failure))) {
    console.warn(
      pc.yellow(
        `the gateway's rate limits answered 429: start the platform with RATE_LIMITS='${loadTestRateLimits}' ./balai up`,
      ),
    );
  }
}

/** Warm-up lifecycles: connections, JIT, caches (identity's directory, JWKS) before anything is measured. */
function warmUp(settings: Settings, label: string, target: ApiTarget, plan: LifecyclePlan): Promise<PhaseResult> {
  return runLoad(
    label,
    { kind: 'closed', workers: Math.min(settings.workers, settings.warmup), durationMs: null, count: settings.warmup },
    (index, measurements) => runLifecycle(target, plan, index, measurements),
  );
}

async function runBalai(
  settings: Settings,
  complaints: Collection<StoredComplaint>,
  views: Collection<{ _id: string; status: string }>,
): Promise<{ phase: PhaseReport; analytics: AnalyticsReport }> {
  const health = await fetch(`${settings.gateway}/healthz`, { signal: AbortSignal.timeout(5_000) }).catch(() => null);
  if (!health?.ok) {
    throw new Error(`the gateway does not answer at ${settings.gateway}/healthz: start the platform (see --help)`);
  }
  const password = process.env.BALAI_DEMO_PASSWORD ?? readFileSync(join(dataDir, 'demo-password'), 'utf8').trim();
  const sessions = new DemoSessions({ gatewayUrl: settings.gateway, tenant, password });
  await sessions.signInAll();
  const target: ApiTarget = {
    name: 'balai',
    baseUrl: settings.gateway,
    tenant,
    token: (actor) => sessions.token(actor),
  };
  const plan: LifecyclePlan = {
    runId: Date.now().toString(36),
    agencyId: 'dpupr',
    officerId: demoOfficerId,
    categoryCode: 'roads.pothole',
    requestTimeoutMs: settings.requestTimeout,
  };
  const read = () => readCounts(settings.gateway, tenant, sessions.token('analyst'));
  const processes = [...platformProcesses(dataDir), { name: 'bench client', pid: process.pid }];
  if (processes.length === 1) {
    console.warn(
      pc.yellow(
        `no platform processes found in ${join(dataDir, 'run')}: per-process CPU covers the client only ` +
          '(was the platform started with ./balai up from this checkout?)',
      ),
    );
  }

  const allResults: LifecycleResult[] = [];
  if (settings.warmup > 0) {
    const beforeWarmup = await settledCounts(read);
    const warm = await warmUp(settings, 'balai warm-up', target, plan);
    warnAboutFailures('balai warm-up', warm);
    allResults.push(...warm.results);
    // The warm-up's events are counted before the baseline is taken, so none lands in the run's.
    const warmSampler = new SummarySampler(read, 500);
    warmSampler.start();
    await warmSampler.drain(plus(beforeWarmup, expectedCounts(warm.results).least), settings.drainTimeout * 1_000);
    await warmSampler.stop();
  }
  const idle = await idleCpu(processes, settings.idle);
  const baseline = await settledCounts(read);
  const stored = await complaints.countDocuments({});

  console.log(`balai: ${describeShape(loadShape(settings))}, ${stored.toLocaleString('en')} complaints stored`);
  const probe = new EventStreamProbe(settings.kafka.split(','), settings.complaintsTopic);
  const probing = await probe.start().then(
    () => true,
    (error: unknown) => {
      console.warn(pc.yellow(`the outbox relay is not timed: ${error instanceof Error ? error.message : error}`));
      return false;
    },
  );
  const sampler = new SummarySampler(read, settings.lagPoll);
  const cursorsBefore = await readCursorTotals(settings.ferretdbMetrics);
  const before = sampleAll(processes);
  sampler.start();
  const phase = await runLoad(
    'balai',
    loadShape(settings),
    (index, measurements) => runLifecycle(target, plan, index, measurements),
    settings.warmup,
  );
  warnAboutFailures('balai', phase);
  allResults.push(...phase.results);
  const expected = expectedCounts(phase.results);
  const least = plus(baseline, expected.least);
  const most = plus(baseline, expected.most);
  console.log(`balai: waiting for analytics to count the run (at most ${settings.drainTimeout} s)`);
  const drained = await sampler.drain(least, settings.drainTimeout * 1_000);
  const drainedInMs = drained ? Date.now() - phase.endedAt : null;
  // Two more readings: a count that goes past what the run did shows there, not only one short of it.
  await sleep(2 * settings.lagPoll);
  const after = sampleAll(processes);
  const cursorsAfter = await readCursorTotals(settings.ferretdbMetrics);
  await sampler.stop();
  const final: Reading = sampler.latest() ?? (await read());
  const closedIds = phase.results.flatMap((result) =>
    result.closedAt !== null && result.complaintId !== null ? [result.complaintId] : [],
  );
  const relay = probing ? probe.summary(closedIds) : null;
  if (probing) await probe.stop();

  const problems: string[] = [];
  if (!drained) problems.push(`analytics had not counted the run ${settings.drainTimeout} s after the load stopped`);
  for (const key of ['submitted', 'closed'] as const) {
    if (final[key] >= least[key] && final[key] <= most[key]) continue;
    const range =
      expected.most[key] === expected.least[key]
        ? `${expected.least[key]}`
        : `${expected.least[key]}-${expected.most[key]}`;
    problems.push(
      `analytics counts ${final[key] - baseline[key]} ${key} for the run, the run made ${range}: ` +
        (final[key] > most[key]
          ? 'more (counted twice, or other activity in the tenant)'
          : 'fewer (lost, or still on the way)'),
    );
  }
  const rows = await checkRows(views, allResults).catch((error: unknown) => {
    problems.push(`analytics' rows could not be read: ${error instanceof Error ? error.message : error}`);
    return null;
  });
  if (rows?.missing.length) {
    problems.push(
      `${rows.missing.length} complaints have no analytics row, e.g. ${rows.missing.slice(0, 3).join(', ')}`,
    );
  }
  if (rows?.wrongStatus.length) {
    const sample = rows.wrongStatus.slice(0, 3).map((row) => `${row.id} ${row.found} (expected ${row.expected})`);
    problems.push(`${rows.wrongStatus.length} analytics rows show another status, e.g. ${sample.join(', ')}`);
  }
  const closedAt = phase.results.flatMap((result) => (result.closedAt === null ? [] : [result.closedAt]));
  const analytics: AnalyticsReport = {
    baseline: { submitted: baseline.submitted, closed: baseline.closed },
    expected: least,
    counted: { submitted: final.submitted, closed: final.closed },
    ok: problems.length === 0,
    drainedInMs,
    lag: eventLag(closedAt, baseline.closed, sampler.readings),
    relay,
    rows,
    samplerFailures: sampler.failures.length,
    problems,
  };
  // The databases `./balai up` gives the services (each service's MONGO_DB default: balai_<service>).
  const storage = {
    before: cursorsBefore,
    after: cursorsAfter,
    prefixes: ['balai_', `${settings.complaintsDb}.`, `${settings.analyticsDb}.`],
  };
  return { phase: phaseReport('balai', settings, phase, stored, before, after, idle, storage), analytics };
}

/**
 * The raw side on its own database, brought to as many stored complaints as Balai's (same seed
 * generator), with the service's indexes, so FerretDB has the same amount to scan on both sides.
 */
async function runRaw(
  settings: Settings,
  raw: Collection<StoredComplaint>,
  storedTarget: number,
): Promise<PhaseReport> {
  const connection = await connectMongo({
    url: settings.mongo,
    dbName: settings.rawDb,
    logger: pino({ level: 'silent' }),
  });
  try {
    await complaintModel(connection).syncIndexes();
  } finally {
    await connection.close();
  }
  // The last raw run's complaints go, so both sides start with the same number stored; a raw
  // store still larger (Balai's seed was removed since) is built again.
  await raw.deleteMany({ _id: { $regex: `^${rawIdPrefix}` } });
  if ((await raw.countDocuments({})) > storedTarget) await raw.deleteMany({});
  await seedToTarget(`seeding complaints (raw, ${settings.rawDb})`, raw, storedTarget, settings.seedBatch);
  const stack = await startRawStack(raw);
  try {
    const target: ApiTarget = { name: 'raw', baseUrl: stack.url, tenant, token: () => null };
    const plan: LifecyclePlan = {
      runId: Date.now().toString(36),
      agencyId: 'dpupr',
      officerId: demoOfficerId,
      categoryCode: 'roads.pothole',
      requestTimeoutMs: settings.requestTimeout,
    };
    // The raw server runs in this process: the client's CPU and the server's are one figure here.
    const processes = [
      ...platformProcesses(dataDir).filter((each) => each.name === 'ferretdb'),
      { name: 'bench client + raw server', pid: process.pid },
    ];
    if (settings.warmup > 0) warnAboutFailures('raw warm-up', await warmUp(settings, 'raw warm-up', target, plan));
    const idle = await idleCpu(processes, settings.idle);
    const stored = await raw.countDocuments({});
    console.log(`raw: ${describeShape(loadShape(settings))}, ${stored.toLocaleString('en')} complaints stored`);
    const cursorsBefore = await readCursorTotals(settings.ferretdbMetrics);
    const before = sampleAll(processes);
    const phase = await runLoad(
      'raw',
      loadShape(settings),
      (index, measurements) => runLifecycle(target, plan, index, measurements),
      settings.warmup,
    );
    warnAboutFailures('raw', phase);
    const after = sampleAll(processes);
    const storage = {
      before: cursorsBefore,
      after: await readCursorTotals(settings.ferretdbMetrics),
      prefixes: [`${settings.rawDb}.`],
    };
    return phaseReport('raw', settings, phase, stored, before, after, idle, storage);
  } finally {
    await stack.stop();
  }
}

async function main(): Promise<void> {
  const settings = readSettings(process.argv);
  const mongo = new MongoClient(settings.mongo, { maxPoolSize: 20, serverSelectionTimeoutMS: 10_000 });
  await mongo.connect();
  try {
    const complaints = mongo.db(settings.complaintsDb).collection<StoredComplaint>('complaints');
    const raw = mongo.db(settings.rawDb).collection<StoredComplaint>('complaints');
    if (settings.removeSeed) {
      for (const [name, collection] of [
        [settings.complaintsDb, complaints],
        [settings.rawDb, raw],
      ] as const) {
        const { deletedCount } = await collection.deleteMany({ _id: { $regex: `^${seedIdPrefix}` } });
        console.log(`${name}: ${deletedCount.toLocaleString('en')} seeded complaints deleted`);
      }
      return;
    }
    const collections = await mongo.db(settings.complaintsDb).listCollections({}, { nameOnly: true }).toArray();
    if (!collections.some((collection) => collection.name === 'categories')) {
      console.warn(
        pc.yellow(
          `${settings.complaintsDb} has no categories: is it the database the complaints service uses (its MONGO_DB)?`,
        ),
      );
    }
    const report: RunReport = {
      benchmark: 'lifecycle',
      date: new Date().toISOString(),
      machine: { cpus: cpus().length, loadAverage: loadavg() },
      settings: { ...settings },
      seed: null,
      balai: null,
      raw: null,
      analytics: null,
    };
    if (settings.seed > 0) {
      const seeded = await seedToTarget('seeding complaints', complaints, settings.seed, settings.seedBatch);
      report.seed = { target: settings.seed, inserted: seeded.inserted, stored: seeded.after, seconds: seeded.seconds };
      console.log(
        `seed: ${seeded.inserted.toLocaleString('en')} complaints inserted in ${seeded.seconds.toFixed(1)} s, ` +
          `${seeded.after.toLocaleString('en')} stored`,
      );
    }
    if (settings.seedOnly) return;

    if (settings.phases.includes('balai')) {
      const views = mongo.db(settings.analyticsDb).collection<{ _id: string; status: string }>('complaint_views');
      const { phase, analytics } = await runBalai(settings, complaints, views);
      report.balai = phase;
      report.analytics = analytics;
    }
    if (settings.phases.includes('raw')) {
      const storedTarget = report.balai?.storedComplaints ?? (await complaints.countDocuments({}));
      report.raw = await runRaw(settings, raw, storedTarget);
    }

    const path = settings.json ?? join(tmpdir(), `balai-lifecycle-${report.date.replace(/[:.]/g, '-')}.json`);
    await writeFile(path, `${JSON.stringify(report, null, 2)}\n`);
    console.log(`\n${markdown(report)}\n`);
    console.log(`JSON report: ${path}`);
    if (report.analytics && !report.analytics.ok) {
      console.error(pc.red(pc.bold('\nANALYTICS MISMATCH: it did not count every complaint of the run exactly once.')));
      for (const problem of report.analytics.problems) console.error(pc.red(`  ${problem}`));
      process.exitCode = 1;
    }
    if (settings.dropRaw) await mongo.db(settings.rawDb).dropDatabase();
  } finally {
    await mongo.close();
  }
}

await main();
