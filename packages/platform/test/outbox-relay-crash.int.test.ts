import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  eventually,
  infrastructureEndpoints,
  type NodeProcess,
  readTopicRecords,
  repositoryRoot,
  startNodeProcess,
  testNamespace,
} from '@balai/testkit';
import { type Collection, MongoClient } from 'mongodb';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { type OutboxEntry, topicOf } from '../src/events/envelope.js';
import { createKafka, ensureTopics } from '../src/kafka.js';
import { streamTopics } from '../src/runtime.js';

/*
 * fixtures/outbox-writer.ts gives a few aggregates many events each through an OutboxRelay, in a
 * process of its own; the test kills it with SIGKILL in the middle and starts it again.
 */

const ns = testNamespace(import.meta.filename);
const { kafkaBrokers: brokers, mongoUrl } = infrastructureEndpoints();
const topic = topicOf('id.balai.complaints.complaint.submitted.v1', ns.topicPrefix);
const aggregates = 6;
const eventsPerAggregate = 60;
const total = aggregates * eventsPerAggregate;

interface AggregateDoc {
  _id: string;
  lastSeq: number;
  outbox: OutboxEntry[];
}

let mongo: MongoClient;
let aggregateDocs: Collection<AggregateDoc>;
/** The fixture's record of every change the database acknowledged, with its event id. */
let acknowledged: Collection<{ _id: string; aggregate: string; seq: number }>;
const writers: NodeProcess[] = [];

async function startWriter(): Promise<NodeProcess> {
  const writer = await startNodeProcess({
    script: 'packages/platform/test/fixtures/outbox-writer.ts',
    env: {
      MONGO_URL: mongoUrl,
      MONGO_DB: ns.database('platform'),
      KAFKA_BROKERS: brokers,
      KAFKA_TOPIC_PREFIX: ns.topicPrefix,
      AGGREGATES: String(aggregates),
      EVENTS_PER_AGGREGATE: String(eventsPerAggregate),
      // Short, so the restarted relay soon takes over what the killed one had claimed.
      LEASE_MS: '2000',
    },
    ready: (line) => (line.includes('outbox writer started') ? true : undefined),
  });
  writers.push(writer);
  return writer;
}

/** Events written (acknowledged) so far and events still waiting in an outbox. */
async function progress(): Promise<{ written: number; pending: number }> {
  const docs = await aggregateDocs.find().toArray();
  return {
    written: await acknowledged.countDocuments(),
    pending: docs.reduce((sum, doc) => sum + doc.outbox.length, 0),
  };
}

beforeAll(async () => {
  const dist = join(repositoryRoot(), 'packages/platform/dist/index.js');
  if (!existsSync(dist))
    throw new Error(`${dist} is missing: the writer runs the built platform (pnpm turbo run build)`);
  const admin = createKafka({
    clientId: ns.id,
    brokers: brokers.split(','),
    logger: pino({ level: 'silent' }),
  }).admin();
  await admin.connect();
  try {
    await ensureTopics(admin, streamTopics(ns.topicPrefix, 1));
  } finally {
    await admin.disconnect();
  }
  mongo = await MongoClient.connect(mongoUrl);
  aggregateDocs = mongo.db(ns.database('platform')).collection('aggregates');
  acknowledged = mongo.db(ns.database('platform')).collection('acknowledged');
});

afterAll(async () => {
  await Promise.all(writers.map((writer) => writer.kill('SIGTERM')));
  await mongo?.close();
});

describe('an outbox relay killed with SIGKILL and restarted', () => {
  it('should publish every event of every aggregate, in the order written, none missing', async () => {
    onTestFailed(() => {
      for (const writer of writers) console.error(`outbox writer (pid ${writer.pid}) output:\n${writer.output()}`);
    });
    let neverPublished: string[] = [];
    let kills = 0;
    // The kill must land while events are committed and not yet published; a miss is retried.
    while (neverPublished.length === 0 && kills < 3) {
      const before = await progress();
      const writer = await startWriter();
      await eventually(
        async () => {
          const now = await progress();
          return (now.written >= before.written + 40 && now.written - now.pending >= before.written + 10) || undefined;
        },
        { what: 'the writer to be in the middle of its events' },
      );
      expect(await writer.kill('SIGKILL')).toEqual({ code: null, signal: 'SIGKILL' });
      kills += 1;
      const docs = await aggregateDocs.find().toArray();
      const onTopic = new Set((await readTopicRecords({ brokers, topic })).map((record) => record.headers.ce_id));
      neverPublished = docs.flatMap((doc) => doc.outbox.map((entry) => entry.id)).filter((id) => !onTopic.has(id));
    }
    const atKill = await progress();
    expect(neverPublished.length, 'events committed but not published when the writer died').toBeGreaterThan(0);
    expect(atKill.written).toBeLessThan(total);

    const restarted = await startWriter();
    await restarted.waitForLine((line) => (line.includes('all events written') ? true : undefined), {
      what: 'the end of the writing',
    });
    await eventually(async () => ((await progress()).pending === 0 ? true : undefined), {
      what: 'every outbox to drain',
    });

    const records = await readTopicRecords({ brokers, topic });
    const onTopic = new Set(records.map((record) => record.headers.ce_id));
    const missing = (await acknowledged.find().toArray()).filter((entry) => !onTopic.has(entry._id));
    console.log(
      `${kills} kill(s) at ${atKill.written}/${total} events written, ${neverPublished.length} never published then; ` +
        `${records.length - onTopic.size} duplicate record(s), ${missing.length} acknowledged event(s) missing on the topic`,
    );
    for (let index = 1; index <= aggregates; index += 1) {
      const aggregate = `aggregate-${index}`;
      const written = Array.from({ length: eventsPerAggregate }, (_, seq) => `${aggregate}/${seq + 1}`);
      const confirmed = await acknowledged.find({ aggregate }).sort({ seq: 1 }).toArray();
      expect(confirmed.map((entry) => entry._id)).toEqual(written);
      const ofAggregate = records.filter((record) => record.key === aggregate);
      // One key, one partition: that is what keeps the order on the topic.
      expect(new Set(ofAggregate.map((record) => record.partition)).size).toBe(1);
      const published = new Set(ofAggregate.map((record) => record.headers.ce_id));
      expect
        .soft(
          written.filter((id) => !published.has(id)),
          `${aggregate}: changes the database acknowledged whose events never reached the topic`,
        )
        .toEqual([]);
      // A re-publish after the crash may repeat events; their first appearances keep the written order.
      expect
        .soft([...published], `${aggregate}: events by first appearance on the topic`)
        .toEqual(written.filter((id) => published.has(id)));
    }
  }, 60_000);
});

describe('the single-document atomicity the outbox relies on', () => {
  it('should keep every acknowledged $push when two writers update one document at once', async () => {
    // A service appending an event while the relay removes published ones is exactly this.
    const documents = mongo.db(ns.database('platform')).collection<{ _id: string; entries: string[] }>('atomicity');
    await documents.insertOne({ _id: 'one', entries: [] });
    let acknowledgedPushes = 0;
    await Promise.all(
      [1, 2].map(async (writer) => {
        for (let n = 0; n < 100; n += 1) {
          const result = await documents.updateOne({ _id: 'one' }, { $push: { entries: `${writer}/${n}` } });
          acknowledgedPushes += result.modifiedCount;
        }
      }),
    );
    expect(acknowledgedPushes).toBe(200);
    expect((await documents.findOne({ _id: 'one' }))?.entries).toHaveLength(200);
  });
});
