import { eventually, infrastructureEndpoints, testNamespace } from '@balai/testkit';
import type { Consumer, Producer } from 'kafkajs';
import type { Collection } from 'mongodb';
import { type Db, MongoClient } from 'mongodb';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../src/errors.js';
import { startEventConsumer } from '../src/events/consumer.js';
import { readDeadLetters, replayDeadLetters, replayPendingDeadLetters } from '../src/events/dead-letters.js';
import { toKafkaRecord, topicOf } from '../src/events/envelope.js';
import { createKafka, createProducer, ensureTopics } from '../src/kafka.js';
import { aSubmittedEvent } from './fixtures/submitted-event.js';

const ns = testNamespace(import.meta.filename);
const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
const groupId = `${ns.id}.projection`;
const topic = topicOf('id.balai.complaints.complaint.submitted.v1', ns.topicPrefix);
const kafka = createKafka({ clientId: ns.id, brokers: infrastructureEndpoints().kafkaBrokers.split(','), logger });

let producer: Producer;
let consumer: Consumer;
let mongo: MongoClient;
let db: Db;
let applied: Collection<{ _id: string; times: number }>;
/** Complaint ids in the order the handler applied them. */
const applyOrder: string[] = [];
/** The "bug": while set, the handler refuses complaints of this category. */
let brokenCategory: string | undefined = 'roads.pothole';

function submitted(complaintId: string, categoryCode: string) {
  return aSubmittedEvent(complaintId, { source: '/test', categoryCode });
}

async function publish(...records: ReturnType<typeof toKafkaRecord>[]) {
  await producer.send({ topic, acks: -1, messages: records });
}

/** One send to one partition: the records share a record batch, so the consumer fetches them together. */
async function publishOneBatch(...records: ReturnType<typeof toKafkaRecord>[]) {
  await producer.send({ topic, acks: -1, messages: records.map((record) => ({ ...record, partition: 0 })) });
}

const timesApplied = async (id: string) => (await applied.findOne({ _id: id }))?.times ?? 0;

beforeAll(async () => {
  mongo = await MongoClient.connect(infrastructureEndpoints().mongoUrl);
  db = mongo.db(ns.database('platform'));
  applied = db.collection('applied');
  const admin = kafka.admin();
  await admin.connect();
  // The dead-letter topic is not created here: the consumer provisions its own.
  await ensureTopics(admin, [{ name: topic, partitions: 2, replicationFactor: 1, config: {} }]);
  await admin.disconnect();
  producer = createProducer(kafka);
  await producer.connect();
  consumer = await startEventConsumer({
    kafka,
    producer,
    groupId,
    topics: [topic],
    topicPrefix: ns.topicPrefix,
    processed: db.collection('processed_events'),
    logger,
    retryBaseMs: 10,
    maxAttempts: 3,
    handlers: {
      'id.balai.complaints.complaint.submitted.v1': async (event) => {
        if (event.data.categoryCode === 'transient.glitch' && (await timesApplied(event.subject)) === 0) {
          // Fails twice, then works: a transient error must be retried, not dead-lettered.
          const attempts = await db
            .collection<{ _id: string; n: number }>('attempts')
            .findOneAndUpdate({ _id: event.subject }, { $inc: { n: 1 } }, { upsert: true, returnDocument: 'after' });
          if ((attempts?.n ?? 0) < 3) throw new Error('database hiccup');
        }
        if (event.data.categoryCode === brokenCategory) {
          throw new AppError('VALIDATION_FAILED', `cannot project category ${brokenCategory}`);
        }
        await applied.updateOne({ _id: event.subject }, { $inc: { times: 1 } }, { upsert: true });
        applyOrder.push(event.subject);
      },
    },
  });
});

afterAll(async () => {
  await consumer?.disconnect();
  await producer?.disconnect();
  await mongo?.close();
});

describe('dead letters', () => {
  it('should dead-letter a malformed message in the middle of a batch and apply the others in order', async () => {
    await publishOneBatch(
      toKafkaRecord(submitted('before-poison', 'waste.dumping')),
      { key: 'poison-1', value: '{not json', headers: toKafkaRecord(submitted('poison-1', 'x')).headers },
      toKafkaRecord(submitted('after-poison', 'waste.dumping')),
    );
    await eventually(async () => ((await timesApplied('after-poison')) === 1 ? true : undefined), {
      what: 'the event after the poison message',
    });
    expect(await timesApplied('before-poison')).toBe(1);
    expect(applyOrder.filter((id) => id.endsWith('-poison'))).toEqual(['before-poison', 'after-poison']);
    // One partition, applied in order: the letter was sent before the event after it was applied.
    const poison = (await readDeadLetters({ kafka, groupId, topicPrefix: ns.topicPrefix })).find(
      (l) => l.key === 'poison-1',
    );
    expect(poison).toMatchObject({
      reason: 'payload is not JSON',
      attempts: 1,
      originalTopic: topic,
      originalPartition: 0,
    });
    expect(poison?.message.value?.toString()).toBe('{not json');
  });

  it('should retry a transient failure and apply the event once', async () => {
    await publish(toKafkaRecord(submitted('glitchy', 'transient.glitch')));
    await eventually(async () => ((await timesApplied('glitchy')) === 1 ? true : undefined), {
      what: 'the retried event',
    });
    const letters = await readDeadLetters({ kafka, groupId, topicPrefix: ns.topicPrefix });
    expect(letters.some((letter) => letter.key === 'glitchy')).toBe(false);
  });

  it('should ignore a re-delivered event it already applied', async () => {
    const event = toKafkaRecord(submitted('twice', 'roads.streetlight'));
    await publish(event, event);
    await publish(toKafkaRecord(submitted('marker', 'roads.streetlight')));
    await eventually(async () => ((await timesApplied('marker')) === 1 ? true : undefined), { what: 'the marker' });
    expect(await timesApplied('twice')).toBe(1);
  });

  it('should skip an event applied in an earlier batch and apply the rest of its batch', async () => {
    const early = toKafkaRecord(submitted('early', 'roads.streetlight'));
    await publishOneBatch(early);
    await eventually(async () => ((await timesApplied('early')) === 1 ? true : undefined), { what: 'the first copy' });
    await publishOneBatch(
      toKafkaRecord(submitted('late-1', 'roads.streetlight')),
      early,
      toKafkaRecord(submitted('late-2', 'roads.streetlight')),
    );
    await eventually(async () => ((await timesApplied('late-2')) === 1 ? true : undefined), { what: 'late-2' });
    expect(await timesApplied('late-1')).toBe(1);
    expect(await timesApplied('early')).toBe(1);
    expect(applyOrder.filter((id) => id === 'early' || id.startsWith('late-'))).toEqual(['early', 'late-1', 'late-2']);
  });

  it('should apply a dead-lettered event once after the fix and a replay', async () => {
    await publish(toKafkaRecord(submitted('blocked', 'roads.pothole')));
    const letter = await eventually(
      async () =>
        (await readDeadLetters({ kafka, groupId, topicPrefix: ns.topicPrefix })).find((l) => l.key === 'blocked'),
      { what: 'the dead letter' },
    );
    expect(letter).toMatchObject({ reason: 'cannot project category roads.pothole', attempts: 1 });
    expect(letter.eventType).toBe('id.balai.complaints.complaint.submitted.v1');
    expect(await timesApplied('blocked')).toBe(0);

    brokenCategory = undefined; // the fix is deployed
    const select = (l: { key: string | null }) => l.key === 'blocked';
    const first = await replayDeadLetters({ kafka, producer, groupId, topicPrefix: ns.topicPrefix, select });
    expect(first.replayed.map((l) => l.key)).toEqual(['blocked']);
    await eventually(async () => ((await timesApplied('blocked')) === 1 ? true : undefined), { what: 'the replay' });

    // Replaying from the recorded position replays nothing; replaying everything again is harmless.
    const second = await replayDeadLetters({
      kafka,
      producer,
      groupId,
      topicPrefix: ns.topicPrefix,
      fromOffset: first.nextOffset,
    });
    expect(second.replayed).toEqual([]);
    await replayDeadLetters({ kafka, producer, groupId, topicPrefix: ns.topicPrefix, select });
    await publish(toKafkaRecord(submitted('marker-2', 'roads.streetlight')));
    await eventually(async () => ((await timesApplied('marker-2')) === 1 ? true : undefined), { what: 'marker 2' });
    expect(await timesApplied('blocked')).toBe(1);
  });

  it('should carry non-ASCII text through Kafka headers: the event subject in, the failure reason out', async () => {
    const category = 'jalan.rusak – Cipocok Jaya, café 🚧';
    brokenCategory = category;
    const subject = 'keluhan-ñ-é-🚧';
    await publish(toKafkaRecord(submitted(subject, category)));
    const letter = await eventually(
      async () =>
        (await readDeadLetters({ kafka, groupId, topicPrefix: ns.topicPrefix })).find((l) => l.key === subject),
      { what: 'the dead letter with a non-ASCII reason' },
    );
    expect(letter.reason).toBe(`cannot project category ${category}`);
    expect(letter.message.headers?.ce_subject?.toString()).toBe(subject);
    brokenCategory = undefined;
  });

  it('should replay pending dead letters once, remembering the position in Kafka', async () => {
    brokenCategory = 'drainage.flooding';
    await publish(toKafkaRecord(submitted('flood-1', 'drainage.flooding')));
    await eventually(
      async () =>
        (await readDeadLetters({ kafka, groupId, topicPrefix: ns.topicPrefix })).some((l) => l.key === 'flood-1') ||
        undefined,
      { what: 'the flood dead letter' },
    );
    brokenCategory = undefined;
    const first = await replayPendingDeadLetters({ kafka, producer, groupId, topicPrefix: ns.topicPrefix });
    expect(first.map((l) => l.key)).toEqual(expect.arrayContaining(['poison-1', 'flood-1']));
    await eventually(async () => ((await timesApplied('flood-1')) === 1 ? true : undefined), { what: 'flood-1' });
    // The poison message died again (a new letter); flood-1 is not replayed a second time.
    await eventually(
      async () =>
        (await readDeadLetters({ kafka, groupId, topicPrefix: ns.topicPrefix })).filter((l) => l.key === 'poison-1')
          .length === 2 || undefined,
      { what: 'the poison message to be dead-lettered again' },
    );
    const second = await replayPendingDeadLetters({ kafka, producer, groupId, topicPrefix: ns.topicPrefix });
    expect(second.map((l) => l.key)).toEqual(['poison-1']);
    expect(await timesApplied('flood-1')).toBe(1);
  });
});
