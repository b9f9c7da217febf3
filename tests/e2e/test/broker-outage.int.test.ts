import type { ResponseBody } from '@balai/client';
import {
  consumerGroupCaughtUp,
  type DedicatedKafka,
  eventually,
  infrastructureEndpoints,
  readTopicRecords,
  startDedicatedKafka,
  testNamespace,
} from '@balai/testkit';
import { type Collection, MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { type ApiStack, signInNewCitizen, signInNewStaff, startApiStack, type TestIdentity } from './helpers.js';

/*
 * The services talk to a broker of this file's own, which the test stops and starts again; the
 * shared broker keeps serving the other test files meanwhile.
 */

const ns = testNamespace(import.meta.filename);
const tenant = '36.73';
const topic = `${ns.topicPrefix}balai.complaints.v1`;

let broker: DedicatedKafka;
let stack: ApiStack;
let identity: TestIdentity;
let gateway: ApiStack['gateway'];
let citizen: string;
let analyst: string;
let mongo: MongoClient;
let stored: Collection<{ _id: string; outbox: unknown[] }>;

beforeAll(async () => {
  broker = await startDedicatedKafka();
  // Both services provision the streams at once on this fresh broker (ensureTopics settles the race).
  stack = await startApiStack(ns, { brokers: broker.brokers });
  ({ identity, gateway } = stack);
  citizen = (await signInNewCitizen(gateway.url, identity, tenant)).accessToken;
  analyst = (await signInNewStaff(gateway.url, identity, { tenant, roles: ['analyst'] })).accessToken;
  mongo = await MongoClient.connect(infrastructureEndpoints().mongoUrl);
  stored = mongo.db(ns.database('complaints')).collection('complaints');
});

afterAll(async () => {
  // A relay stuck publishing to a stopped broker would hold up the services' shutdown.
  if (broker && !broker.running) await broker.start().catch(() => {});
  await stack?.stop();
  await broker?.dispose();
  await mongo?.close();
});

async function submit(): Promise<Response> {
  return fetch(`${gateway.url}/v1/complaints`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${citizen}` },
    body: JSON.stringify({
      categoryCode: 'roads.pothole',
      description: 'Lubang besar di Jalan Ahmad Yani depan pasar',
      latitude: -6.1204,
      longitude: 106.1503,
    }),
  });
}

async function submittedTotal(): Promise<number> {
  const response = await fetch(`${gateway.url}/v1/analytics/complaints/summary`, {
    headers: { authorization: `Bearer ${analyst}` },
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as ResponseBody<'/v1/analytics/complaints/summary', 'get'>).submittedTotal;
}

describe('a Kafka broker outage while complaints keep arriving', () => {
  it('should accept every complaint during the outage, publish each after the restart and count each once', async () => {
    onTestFailed(() => console.error(`dedicated broker (${broker.source}) output:\n${broker.output()}`));
    const accepted: string[] = [];
    const acceptedWhileDown: string[] = [];
    const refused: string[] = [];
    let brokerDown = false;
    let submitting = true;
    // Two clients posting all along, so requests are in flight when the broker stops and starts.
    // They pause between posts: the backlog a faster pace builds drains slowly on FerretDB.
    const clients = [1, 2].map(async () => {
      for (; submitting; await new Promise((resolve) => setTimeout(resolve, 100))) {
        const downWhenSent = brokerDown;
        const response = await submit();
        if (response.status !== 201) {
          refused.push(`${response.status} ${await response.text()}`);
          continue;
        }
        const { id } = (await response.json()) as ResponseBody<'/v1/complaints', 'post'>;
        accepted.push(id);
        if (downWhenSent && brokerDown) acceptedWhileDown.push(id);
      }
    });

    // The pipeline works before the outage.
    await eventually(async () => ((await submittedTotal()) >= 5 ? true : undefined), {
      what: 'complaints counted before the outage',
    });

    await broker.stop();
    brokerDown = true;
    const downSince = Date.now();
    await eventually(async () => (acceptedWhileDown.length >= 10 ? true : undefined), {
      what: 'complaints accepted while the broker is down',
    });
    // Nothing can be published now: each complaint accepted during the outage waits in its outbox.
    const whileDown = [...acceptedWhileDown];
    expect(await stored.countDocuments({ _id: { $in: whileDown }, 'outbox.0': { $exists: true } })).toBe(
      whileDown.length,
    );

    brokerDown = false;
    await broker.start();
    const restartedAt = Date.now();
    const outageMs = restartedAt - downSince;
    const atRestart = accepted.length;
    await eventually(async () => (accepted.length >= atRestart + 10 ? true : undefined), {
      what: 'complaints accepted after the restart',
    });
    submitting = false;
    await Promise.all(clients);

    expect(refused).toEqual([]);
    expect(await stored.countDocuments()).toBe(accepted.length);
    // The relay side: the backlog goes out once the broker is back (on FerretDB the relay claims
    // about ten complaints a second, and it backs off up to 10 s while the broker is away).
    await eventually(
      async () => {
        expect(await stored.countDocuments({ 'outbox.0': { $exists: true } }), 'complaints still in an outbox').toBe(0);
        return true;
      },
      { what: 'the relay to publish the backlog after the restart', timeoutMs: 40_000, intervalMs: 250 },
    );
    // The consumer side, generous: after a broker restart kafkajs rejoins the group as a new
    // member, and the coordinator waits for the old member's session (30 s) to expire first.
    await eventually(
      async () => {
        expect(await submittedTotal(), 'complaints in the analytics summary').toBe(accepted.length);
        return true;
      },
      { what: 'analytics to count every complaint', timeoutMs: 45_000, intervalMs: 250 },
    );
    const countedAfterMs = Date.now() - restartedAt;

    // At least once: a complaint may be on the topic twice, but every one is there, and no other.
    const records = await readTopicRecords({ brokers: broker.brokers, topic });
    const keys = records.map((record) => record.key);
    expect(new Set(keys)).toEqual(new Set(accepted));
    // Once analytics has consumed all of them, duplicates included, it still counts each once.
    const group = { brokers: broker.brokers, groupId: `${ns.id}.analytics`, topic };
    await eventually(async () => (await consumerGroupCaughtUp(group)) || undefined, {
      what: 'analytics to consume the topic',
    });
    expect(await submittedTotal()).toBe(accepted.length);
    console.log(
      `${accepted.length} complaints, ${whileDown.length} accepted during a ${outageMs} ms outage; all counted ` +
        `${countedAfterMs} ms after the restart; ${records.length - accepted.length} duplicate record(s) on the topic`,
    );
  }, 120_000);
});
