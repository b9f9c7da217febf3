/**
 * Faults under load: the lifecycle benchmark's load (tools in ./lifecycle) through the gateway,
 * with a client that retries as docs/RELIABILITY.md says, while one part of the platform fails:
 * each service SIGKILLed and SIGTERMed in turn, the Kafka broker and the store restarted, the
 * analytics consumer stalled past its session timeout. After each fault the run is reconciled
 * end to end (what the client was told, the complaints store, the topic, analytics' read model):
 * zero lost, zero applied twice, and how long until the read models converged. `--soak <min>`
 * runs the load with no fault and samples RSS, event-loop delay and the event-to-analytics lag.
 * Needs `./balai up` with the rate limits raised (see --help). Never run as a test.
 */

import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { eventually, readTopicRecords, topicEndOffsets } from '@balai/testkit';
import { Command, Option } from 'commander';
import { type Collection, MongoClient } from 'mongodb';
import pc from 'picocolors';
import { eventLag, percentile, type Reading, readCounts, SummarySampler } from './lifecycle/analytics-check.js';
import { type ApiTarget, type LifecyclePlan, runLifecycle } from './lifecycle/complaint-lifecycle.js';
import { DemoSessions, demoOfficerId } from './lifecycle/demo-sessions.js';
import {
  allFaults,
  type Fault,
  faultName,
  inject,
  parseFault,
  serviceRecord,
  services,
} from './lifecycle/fault-injection.js';
import {
  type ComplaintView,
  type Reconciliation,
  reconcile,
  type StoredLifecycleComplaint,
} from './lifecycle/fault-reconcile.js';
import { type PhaseResult, runLoad } from './lifecycle/load-loops.js';
import { platformProcesses, sampleAll } from './lifecycle/platform-processes.js';
import {
  dataDir,
  loadTestRateLimits,
  nonNegativeInteger,
  positiveInteger,
  root,
  tenant,
} from './lifecycle/run-settings.js';

interface Settings {
  faults: Fault[];
  workers: number;
  before: number;
  after: number;
  soak: number;
  soakWindow: number;
  convergeTimeout: number;
  requestTimeout: number;
  retryBudget: number;
  json: string | undefined;
  gateway: string;
  mongo: string;
  kafka: string;
  complaintsTopic: string;
  complaintsDb: string;
  analyticsDb: string;
}

function readSettings(argv: string[]): Settings {
  const program = new Command('faults')
    .description('Faults under the lifecycle load, reconciled end to end; or a soak with no fault.')
    .addOption(
      new Option('--faults <list>', `comma-separated, in order; "none" for a soak alone`).default(allFaults.join(',')),
    )
    .addOption(new Option('--workers <n>', 'closed-loop workers').default(4).argParser(positiveInteger))
    .addOption(new Option('--before <s>', 'seconds of load before each fault').default(15).argParser(positiveInteger))
    .addOption(
      new Option('--after <s>', 'seconds of load after the faulty part is back').default(20).argParser(positiveInteger),
    )
    .addOption(
      new Option('--soak <minutes>', 'then run the load this long with no fault (0: no soak)')
        .default(0)
        .argParser(nonNegativeInteger),
    )
    .addOption(
      new Option('--soak-window <s>', 'the soak is reported per window of this many seconds')
        .default(300)
        .argParser(positiveInteger),
    )
    .addOption(
      new Option('--converge-timeout <s>', 'how long the read models may take to agree after the load')
        .default(180)
        .argParser(positiveInteger),
    )
    .addOption(
      new Option('--request-timeout <ms>', 'a call with no answer this long is retried')
        .default(15_000)
        .argParser(positiveInteger),
    )
    .addOption(
      new Option('--retry-budget <s>', 'a call still failing this long after its first attempt is an error')
        .default(120)
        .argParser(positiveInteger),
    )
    .option('--json <path>', 'where to write the JSON report (default: a new file in the OS temp dir)')
    .addOption(
      new Option('--gateway <url>', 'the gateway').default(
        `http://127.0.0.1:${process.env.BALAI_GATEWAY_PORT || '8080'}`,
      ),
    )
    .addOption(
      new Option('--mongo <url>', 'FerretDB/MongoDB the platform uses')
        .env('MONGO_URL')
        .default(`mongodb://127.0.0.1:${process.env.BALAI_MONGO_PORT || '27017'}/`),
    )
    .addOption(
      new Option('--kafka <brokers>', 'the broker')
        .env('KAFKA_BROKERS')
        .default(`127.0.0.1:${process.env.BALAI_KAFKA_PORT || '9092'}`),
    )
    .addOption(
      new Option('--complaints-topic <name>', "the complaints service's event topic").default('balai.complaints.v1'),
    )
    .addOption(new Option('--complaints-db <name>', "the complaints service's database").default('balai_complaints'))
    .addOption(new Option('--analytics-db <name>', "the analytics service's database").default('balai_analytics'))
    .addHelpText(
      'after',
      `
Start the platform with the abuse limits raised, from the repository root:
  RATE_LIMITS='${loadTestRateLimits}' ./balai up
then, from another shell:
  pnpm --filter @balai/bench faults                      every fault in turn (about 15 minutes)
  pnpm --filter @balai/bench faults --faults kill:complaints,restart:ferretdb
  pnpm --filter @balai/bench faults --faults none --soak 30`,
    );
  program.parse(argv);
  const options = program.opts<Omit<Settings, 'faults'> & { faults: string }>();
  const names = options.faults === 'none' ? [] : options.faults.split(',').map((name) => name.trim());
  const faults: Fault[] = [];
  for (const name of names) {
    try {
      faults.push(parseFault(name));
    } catch (error) {
      program.error(`--faults: ${error instanceof Error ? error.message : error}`);
    }
  }
  return { ...options, faults };
}

/** The summary's closed count, read until it answers: analytics may be the part that is down. */
function closedCount(context: Context): Promise<number> {
  return eventually(async () => (await context.read()).closed, {
    timeoutMs: 120_000,
    intervalMs: 1_000,
    what: "analytics' summary",
  });
}

interface Context {
  settings: Settings;
  target: ApiTarget;
  read: () => Promise<Reading>;
  complaints: Collection<StoredLifecycleComplaint>;
  views: Collection<ComplaintView>;
}

/** The lifecycle of the benchmark, with a client that retries as docs/RELIABILITY.md says. */
function retryingPlan(settings: Settings, label: string): LifecyclePlan {
  return {
    runId: `${label}-${Date.now().toString(36)}`,
    agencyId: 'dpupr',
    officerId: demoOfficerId,
    categoryCode: 'roads.pothole',
    requestTimeoutMs: settings.requestTimeout,
    retry: { budgetMs: settings.retryBudget * 1_000, firstDelayMs: 250, maxDelayMs: 4_000 },
  };
}

interface ScenarioReport {
  fault: string;
  seconds: number;
  /** Fault to the faulty part being back (ready again, restarted, resumed), ms. */
  backAfterMs: number;
  /** The longest the client saw no call succeed, from just before the fault on, ms. */
  longestStallMs: number;
  /** The same before the fault: what a gap is with no fault. */
  usualStallMs: number;
  /** Load stop to every read model agreeing with the store, ms (null: not within the timeout). */
  convergedAfterMs: number | null;
  lifecycleP95Ms: number;
  lifecycleMaxMs: number;
  retries: Record<string, number>;
  /** Calls under way when the fault began that failed (and were retried). */
  cutInFlight: number;
  errors: string[];
  reconciliation: Reconciliation;
}

function longestGap(times: number[]): number {
  let longest = 0;
  for (let index = 1; index < times.length; index += 1) {
    longest = Math.max(longest, (times[index] as number) - (times[index - 1] as number));
  }
  return longest;
}

function stepCompletions(phase: PhaseResult, from: number, to: number): number[] {
  return phase.measurements.done
    .filter((entry) => entry.name !== 'lifecycle' && entry.at >= from && entry.at <= to)
    .map((entry) => entry.at)
    .sort((a, b) => a - b);
}

/** Reconciles until the read models agree with the store, or the timeout; the last reconciliation and when. */
async function converge(
  context: Context,
  phase: PhaseResult,
  from: Map<number, number>,
  closedBefore: number,
): Promise<{ reconciliation: Reconciliation; convergedAfterMs: number | null }> {
  const { settings } = context;
  const deadline = phase.endedAt + settings.convergeTimeout * 1_000;
  for (;;) {
    const closedAfter = await closedCount(context);
    const records = await readTopicRecords({ brokers: settings.kafka, topic: settings.complaintsTopic, from });
    const reconciliation = await reconcile({
      results: phase.results,
      complaints: context.complaints,
      views: context.views,
      records,
      closedBefore,
      closedAfter,
    });
    if (reconciliation.ok) return { reconciliation, convergedAfterMs: Date.now() - phase.endedAt };
    if (Date.now() > deadline) return { reconciliation, convergedAfterMs: null };
    await sleep(2_000);
  }
}

async function runScenario(context: Context, fault: Fault, firstIndex: number): Promise<ScenarioReport> {
  const { settings } = context;
  const name = faultName(fault);
  // Settled: the previous scenario's events are all counted before this one's baseline.
  const closedBefore = await closedCount(context);
  const from = await topicEndOffsets({ brokers: settings.kafka, topic: settings.complaintsTopic });
  const plan = retryingPlan(settings, 'faults');
  const stop = new AbortController();
  const loading = runLoad(
    name,
    { kind: 'closed', workers: settings.workers, durationMs: null, count: null },
    (index, measurements) => runLifecycle(context.target, plan, index, measurements),
    firstIndex,
    stop.signal,
  );
  const errors: string[] = [];
  let injected = { at: Date.now(), backAt: Date.now() };
  try {
    await sleep(settings.before * 1_000);
    injected = await inject(fault, root, dataDir);
    await sleep(settings.after * 1_000);
  } catch (error) {
    errors.push(`fault: ${error instanceof Error ? error.message : error}`);
  } finally {
    stop.abort();
  }
  const phase = await loading;
  const { reconciliation, convergedAfterMs } = await converge(context, phase, from, closedBefore);
  const lifecycle = phase.measurements.summary('lifecycle', phase.seconds);
  return {
    fault: name,
    seconds: phase.seconds,
    backAfterMs: injected.backAt - injected.at,
    longestStallMs: longestGap(stepCompletions(phase, injected.at - 1_000, phase.endedAt)),
    usualStallMs: longestGap(stepCompletions(phase, phase.startedAt + 2_000, injected.at)),
    convergedAfterMs,
    lifecycleP95Ms: lifecycle.p95Ms,
    lifecycleMaxMs: lifecycle.maxMs,
    retries: phase.measurements.retries(),
    cutInFlight: phase.measurements.retried.filter(
      (attempt) => attempt.startedAt < injected.at && attempt.at >= injected.at,
    ).length,
    errors: [...errors, ...phase.measurements.firstFailures.filter((failure) => !failure.startsWith('retried'))],
    reconciliation,
  };
}

interface SoakWindow {
  fromMinute: number;
  lifecyclesPerSecond: number;
  lifecycleP95Ms: number;
  /** Rating answered to analytics' summary counting it (it includes the summary's own reading time). */
  lagP50Ms: number;
  lagP95Ms: number;
  /** The median time one summary reading took: it aggregates every row, so it grows with them. */
  summaryReadingMs: number;
  /** The most records the consumer groups were behind, and the oldest event an outbox held, at any sample. */
  consumerLagMax: number;
  outboxOldestMaxS: number;
  /** Per service: the largest RSS and event-loop delay p99 sampled in the window (MB, ms). */
  rssMb: Record<string, number>;
  eventLoopP99Ms: Record<string, number>;
}

interface SoakReport {
  minutes: number;
  windows: SoakWindow[];
  reconciliation: Reconciliation;
  convergedAfterMs: number | null;
}

/** A service's Prometheus text (its ops port), or null when it does not answer. */
async function scrape(opsPort: number): Promise<string | null> {
  try {
    const response = await fetch(`http://127.0.0.1:${opsPort}/metrics`, { signal: AbortSignal.timeout(5_000) });
    return await response.text();
  } catch {
    return null;
  }
}

/** The values of one metric in Prometheus text, over all its label sets. */
function metricValues(text: string, name: string): number[] {
  const pattern = new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+-]+)$`, 'gm');
  return [...text.matchAll(pattern)].map((match) => Number(match[1]));
}

interface ResourceSample {
  at: number;
  rssMb: Record<string, number>;
  /** nodejs_eventloop_delay_p99 per service, ms, over its last collection interval. */
  eventLoopP99Ms: Record<string, number>;
  /** Records the consumer groups have not committed yet, summed (balai_consumer_lag). */
  consumerLag: number;
  /** The oldest event still waiting in an outbox, s (balai_outbox_oldest_age). */
  outboxOldestS: number;
}

async function sampleResources(): Promise<ResourceSample> {
  const rssMb: Record<string, number> = {};
  for (const sample of sampleAll(platformProcesses(dataDir)).values()) rssMb[sample.name] = sample.rssMb;
  const eventLoop: Record<string, number> = {};
  let consumerLag = 0;
  let outboxOldestS = 0;
  for (const service of services) {
    const record = serviceRecord(dataDir, service);
    const text = record ? await scrape(record.opsPort) : null;
    if (text === null) continue;
    const [delay] = metricValues(text, 'nodejs_eventloop_delay_p99');
    if (delay !== undefined) eventLoop[service] = delay * 1_000;
    consumerLag += metricValues(text, 'balai_consumer_lag').reduce((sum, lag) => sum + lag, 0);
    outboxOldestS = Math.max(outboxOldestS, ...metricValues(text, 'balai_outbox_oldest_age'));
  }
  return { at: Date.now(), rssMb, eventLoopP99Ms: eventLoop, consumerLag, outboxOldestS };
}

function maxBy(samples: ResourceSample[], pick: (sample: ResourceSample) => Record<string, number>) {
  const out: Record<string, number> = {};
  for (const sample of samples) {
    for (const [name, value] of Object.entries(pick(sample))) out[name] = Math.max(out[name] ?? 0, value);
  }
  return out;
}

async function runSoak(context: Context, firstIndex: number): Promise<SoakReport> {
  const { settings } = context;
  const closedBefore = await closedCount(context);
  const from = await topicEndOffsets({ brokers: settings.kafka, topic: settings.complaintsTopic });
  const plan = retryingPlan(settings, 'soak');
  const sampler = new SummarySampler(context.read, 1_000);
  const resources: ResourceSample[] = [];
  let sampling = true;
  const resourceLoop = (async () => {
    while (sampling) {
      resources.push(await sampleResources());
      await sleep(15_000);
    }
  })();
  sampler.start();
  const phase = await runLoad(
    'soak',
    { kind: 'closed', workers: settings.workers, durationMs: settings.soak * 60_000, count: null },
    (index, measurements) => runLifecycle(context.target, plan, index, measurements),
    firstIndex,
  );
  sampling = false;
  await resourceLoop;
  const { reconciliation, convergedAfterMs } = await converge(context, phase, from, closedBefore);
  await sampler.stop();

  const windowMs = settings.soakWindow * 1_000;
  const closes = phase.results.flatMap((result) => (result.closedAt === null ? [] : [result.closedAt]));
  const windows: SoakWindow[] = [];
  for (let start = phase.startedAt; start < phase.endedAt - windowMs / 2; start += windowMs) {
    const end = start + windowMs;
    const inWindow = phase.measurements.done.filter(
      (entry) => entry.name === 'lifecycle' && entry.at >= start && entry.at < end,
    );
    const durations = inWindow.map((entry) => entry.ms).sort((a, b) => a - b);
    const closesBefore = closes.filter((at) => at < start).length;
    const lag = eventLag(
      closes.filter((at) => at >= start && at < end),
      closedBefore + closesBefore,
      sampler.readings,
    );
    const samples = resources.filter((sample) => sample.at >= start && sample.at < end);
    windows.push({
      fromMinute: Math.round((start - phase.startedAt) / 60_000),
      lifecyclesPerSecond: (inWindow.length / (Math.min(end, phase.endedAt) - start)) * 1_000,
      lifecycleP95Ms: percentile(durations, 0.95),
      lagP50Ms: lag.p50Ms,
      lagP95Ms: lag.p95Ms,
      summaryReadingMs: percentile(
        sampler.readings
          .filter((reading) => reading.at >= start && reading.at < end)
          .map((reading) => reading.latencyMs)
          .sort((a, b) => a - b),
        0.5,
      ),
      consumerLagMax: Math.max(0, ...samples.map((sample) => sample.consumerLag)),
      outboxOldestMaxS: Math.max(0, ...samples.map((sample) => sample.outboxOldestS)),
      rssMb: maxBy(samples, (sample) => sample.rssMb),
      eventLoopP99Ms: maxBy(samples, (sample) => sample.eventLoopP99Ms),
    });
  }
  return { minutes: settings.soak, windows, reconciliation, convergedAfterMs };
}

const seconds = (ms: number | null) => (ms === null ? 'not within the timeout' : `${(ms / 1_000).toFixed(1)} s`);

function scenarioRow(report: ScenarioReport): string {
  const r = report.reconciliation;
  const retried = Object.values(report.retries).reduce((sum, count) => sum + count, 0);
  return `| ${report.fault} | ${r.lifecycles} (${r.clientErrors} errors, ${retried} retries, ${report.cutInFlight} cut in flight) | ${r.commandsAccepted} | ${r.events.distinct} (${r.events.republished} again) | ${r.store.lost + r.events.lost + r.analytics.lost} | ${r.store.appliedTwice + r.analytics.appliedTwice} | ${seconds(report.backAfterMs)} | ${seconds(report.longestStallMs)} (usual ${seconds(report.usualStallMs)}) | ${seconds(report.convergedAfterMs)} |`;
}

function soakRows(soak: SoakReport): string[] {
  const names = [...new Set(soak.windows.flatMap((window) => Object.keys(window.rssMb)))];
  return [
    `| from minute | lifecycles/s | lifecycle p95 | lag p50 / p95 (summary reading) | consumer lag, records | oldest outbox event | RSS MB (${names.join(', ')}) | event-loop p99 ms (${services.join(', ')}) |`,
    '|---|---|---|---|---|---|---|---|',
    ...soak.windows.map(
      (window) =>
        `| ${window.fromMinute} | ${window.lifecyclesPerSecond.toFixed(2)} | ${window.lifecycleP95Ms.toFixed(0)} ms | ${(window.lagP50Ms / 1_000).toFixed(1)} / ${(window.lagP95Ms / 1_000).toFixed(1)} s (${(window.summaryReadingMs / 1_000).toFixed(1)} s) | ${window.consumerLagMax} | ${window.outboxOldestMaxS.toFixed(1)} s | ${names.map((name) => (window.rssMb[name] ?? 0).toFixed(0)).join(' / ')} | ${services.map((name) => (window.eventLoopP99Ms[name] ?? 0).toFixed(0)).join(' / ')} |`,
    ),
  ];
}

async function main(): Promise<void> {
  const settings = readSettings(process.argv);
  for (const service of services) {
    if (serviceRecord(dataDir, service)?.state !== 'ready') {
      throw new Error(`${service} is not ready under ./balai up (see --help)`);
    }
  }
  const mongo = new MongoClient(settings.mongo, { maxPoolSize: 10, serverSelectionTimeoutMS: 60_000 });
  await mongo.connect();
  try {
    const password = process.env.BALAI_DEMO_PASSWORD ?? readFileSync(join(dataDir, 'demo-password'), 'utf8').trim();
    const sessions = new DemoSessions({ gatewayUrl: settings.gateway, tenant, password });
    await sessions.signInAll();
    const context: Context = {
      settings,
      target: { name: 'balai', baseUrl: settings.gateway, tenant, token: (actor) => sessions.token(actor) },
      read: () => readCounts(settings.gateway, tenant, sessions.token('analyst')),
      complaints: mongo.db(settings.complaintsDb).collection('complaints'),
      views: mongo.db(settings.analyticsDb).collection('complaint_views'),
    };
    const report: {
      benchmark: 'faults';
      date: string;
      machine: { cpus: number; loadAverage: number[] };
      settings: Record<string, unknown>;
      stored: number;
      scenarios: ScenarioReport[];
      soak: SoakReport | null;
    } = {
      benchmark: 'faults',
      date: new Date().toISOString(),
      machine: { cpus: cpus().length, loadAverage: loadavg() },
      settings: { ...settings, faults: settings.faults.map(faultName) },
      stored: await context.complaints.estimatedDocumentCount(),
      scenarios: [],
      soak: null,
    };
    let index = 0;
    for (const fault of settings.faults) {
      const scenario = await runScenario(context, fault, index);
      index += scenario.reconciliation.lifecycles;
      report.scenarios.push(scenario);
      const ok = scenario.reconciliation.ok && scenario.reconciliation.clientErrors === 0;
      console.log(`${ok ? pc.green('✔') : pc.red('✖')} ${scenarioRow(scenario)}`);
      for (const problem of [...scenario.reconciliation.problems, ...scenario.errors].slice(0, 10)) {
        console.log(pc.yellow(`    ${problem}`));
      }
    }
    if (settings.soak > 0) report.soak = await runSoak(context, index);

    const path = settings.json ?? join(tmpdir(), `balai-faults-${report.date.replace(/[:.]/g, '-')}.json`);
    await writeFile(path, `${JSON.stringify(report, null, 2)}\n`);
    const lines = [
      `Faults under load: ${settings.workers} closed-loop workers, ${report.stored.toLocaleString('en')} complaints stored, ${report.machine.cpus} cores.`,
      '',
      '| fault | lifecycles | commands accepted | events published | lost | applied twice | back after | longest client stall | read models agree after |',
      '|---|---|---|---|---|---|---|---|---|',
      ...report.scenarios.map(scenarioRow),
      ...(report.soak ? ['', `Soak, ${report.soak.minutes} minutes, no fault:`, '', ...soakRows(report.soak)] : []),
    ];
    console.log(`\n${lines.join('\n')}\n`);
    console.log(`JSON report: ${path}`);
    const failed = [
      ...report.scenarios.filter((scenario) => !scenario.reconciliation.ok || scenario.reconciliation.clientErrors > 0),
      ...(report.soak && !report.soak.reconciliation.ok ? [report.soak] : []),
    ];
    if (failed.length > 0) {
      console.error(pc.red(pc.bold(`\n${failed.length} run(s) lost, repeated or refused something: see above.`)));
      process.exitCode = 1;
    }
  } finally {
    await mongo.close();
  }
}

await main();
