import { readCounts } from '@balai/bench/lifecycle/analytics-check';
import { type ApiTarget, type LifecyclePlan, runLifecycle } from '@balai/bench/lifecycle/complaint-lifecycle';
import {
  type ComplaintView,
  type Reconciliation,
  reconcile,
  type StoredLifecycleComplaint,
} from '@balai/bench/lifecycle/fault-reconcile';
import { runLoad } from '@balai/bench/lifecycle/load-loops';
import {
  eventually,
  freePort,
  infrastructureEndpoints,
  readTopicRecords,
  type ServiceProcess,
  startServiceProcess,
  testNamespace,
  topicEndOffsets,
} from '@balai/testkit';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import {
  serviceEnv,
  signInNewCitizen,
  signInNewStaff,
  startAnalyticsFor,
  startGatewayFor,
  startIdentityFor,
  type TestIdentity,
} from './helpers.js';

/*
 * The short fault case of the fault benchmark (bench/src/faults.ts, docs/RELIABILITY.md), with
 * its own load, retrying client and reconciliation: complaint lifecycles through the gateway
 * while the complaints service is SIGKILLed and started again on the same port (what the
 * supervisor or the kubelet does). Complaints runs from its build in a child process; the
 * others run in the test's process.
 */

const ns = testNamespace(import.meta.filename);
const tenant = '36.73';
const brokers = infrastructureEndpoints().kafkaBrokers;
const topic = `${ns.topicPrefix}balai.complaints.v1`;

let identity: TestIdentity;
let analytics: Awaited<ReturnType<typeof startAnalyticsFor>>;
let gateway: Awaited<ReturnType<typeof startGatewayFor>>;
let mongo: MongoClient;
let complaintsPort = 0;
const children: ServiceProcess[] = [];
const tokens = { citizen: '', supervisor: '', officer: '', analyst: '' };
let officerId = '';

async function startComplaints(): Promise<ServiceProcess> {
  const child = await startServiceProcess({
    service: 'complaints',
    env: {
      ...serviceEnv(ns, 'complaints', { identityGrpcPort: identity.service.grpcPort }),
      GRPC_PORT: String(complaintsPort),
    },
  });
  children.push(child);
  return child;
}

beforeAll(async () => {
  [identity, analytics] = await Promise.all([startIdentityFor(ns), startAnalyticsFor(ns)]);
  complaintsPort = await freePort();
  await startComplaints();
  gateway = await startGatewayFor({ complaints: complaintsPort, analytics: analytics.grpcPort }, identity);
  tokens.citizen = (await signInNewCitizen(gateway.url, identity, tenant)).accessToken;
  tokens.supervisor = (
    await signInNewStaff(gateway.url, identity, { roles: ['supervisor'], agencyId: 'dpupr' })
  ).accessToken;
  const officer = await signInNewStaff(gateway.url, identity, { roles: ['officer'], agencyId: 'dpupr' });
  tokens.officer = officer.accessToken;
  officerId = officer.userId;
  tokens.analyst = (await signInNewStaff(gateway.url, identity, { roles: ['analyst'] })).accessToken;
  mongo = await MongoClient.connect(infrastructureEndpoints().mongoUrl);
}, 120_000);

afterAll(async () => {
  await gateway?.stop();
  await Promise.all(children.map((child) => child.stop()));
  await Promise.all([identity?.service.stop(), analytics?.stop()]);
  await mongo?.close();
});

describe('complaint lifecycles while the complaints service is killed', () => {
  it('should lose nothing, apply nothing twice and show the retrying client no error', async () => {
    onTestFailed(() => {
      for (const child of children) console.error(`complaints (pid ${child.pid}) output:\n${child.output()}`);
    });
    const target: ApiTarget = {
      name: 'balai',
      baseUrl: gateway.url,
      tenant,
      token: (actor) => tokens[actor],
    };
    const plan: LifecyclePlan = {
      runId: ns.id,
      agencyId: 'dpupr',
      officerId,
      categoryCode: 'roads.pothole',
      requestTimeoutMs: 10_000,
      retry: { budgetMs: 60_000, firstDelayMs: 100, maxDelayMs: 2_000 },
    };
    const read = () => readCounts(gateway.url, tenant, tokens.analyst);
    const closedBefore = (await read()).closed;
    const from = await topicEndOffsets({ brokers, topic });
    const stop = new AbortController();
    const loading = runLoad(
      'lifecycles',
      { kind: 'closed', workers: 3, durationMs: null, count: null },
      (index, measurements) => runLifecycle(target, plan, index, measurements),
      0,
      stop.signal,
    );

    try {
      // Killed once lifecycles are under way, so calls are in flight at every step.
      await new Promise((resolve) => setTimeout(resolve, 4_000));
      const exit = await (children.at(-1) as ServiceProcess).kill('SIGKILL');
      expect(exit.signal).toBe('SIGKILL');
      await startComplaints();
      await new Promise((resolve) => setTimeout(resolve, 4_000));
    } finally {
      stop.abort();
    }
    const phase = await loading;

    const last: { reconciliation?: Reconciliation } = {};
    await eventually(
      async () => {
        const reconciliation = await reconcile({
          results: phase.results,
          complaints: mongo.db(ns.database('complaints')).collection<StoredLifecycleComplaint>('complaints'),
          views: mongo.db(ns.database('analytics')).collection<ComplaintView>('complaint_views'),
          records: await readTopicRecords({ brokers, topic, from }),
          closedBefore,
          closedAfter: (await read()).closed,
        });
        last.reconciliation = reconciliation;
        return reconciliation.ok ? reconciliation : undefined;
      },
      { timeoutMs: 90_000, intervalMs: 1_000 },
    ).catch(() => {
      // The last reconciliation says what did not agree.
    });

    const { reconciliation } = last;
    if (!reconciliation) throw new Error('no reconciliation was made');
    expect(reconciliation.problems).toEqual([]);
    expect(reconciliation.ok).toBe(true);
    expect(reconciliation.clientErrors, phase.measurements.firstFailures.join('\n')).toBe(0);
    expect(reconciliation.completed).toBeGreaterThanOrEqual(3);
    expect(reconciliation.events.lost).toBe(0);
    expect(reconciliation.store.appliedTwice + reconciliation.analytics.appliedTwice).toBe(0);
    // The kill reached the client: some call was retried.
    expect(Object.values(phase.measurements.retries()).reduce((sum, count) => sum + count, 0)).toBeGreaterThan(0);
  }, 180_000);
});
