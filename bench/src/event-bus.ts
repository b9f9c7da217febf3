/**
 * Event-bus benchmark: Balai's publish and consume paths against raw kafkajs on the same broker.
 * Each case runs its Balai and raw variants alternately, several rounds, and reports the median
 * throughput ratio (Balai / raw). Needs the local infrastructure: `./balai infra up`, then
 * `pnpm --filter @balai/bench event-bus` (KAFKA_BROKERS / MONGO_URL override the defaults).
 */
import { randomUUID } from 'node:crypto';
import {
  createKafka,
  createProducer,
  ensureTopics,
  newEvent,
  type OutboxEntry,
  startEventConsumer,
  toKafkaRecord,
} from '@balai/platform';
import type { Kafka, Producer } from 'kafkajs';
import { MongoClient } from 'mongodb';
import { pino } from 'pino';

const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const mongoUrl = process.env.MONGO_URL ?? 'mongodb://127.0.0.1:27017/';
const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
const batchEvents = Number(process.env.BENCH_BATCH_EVENTS ?? 5_000);
const singleEvents = Number(process.env.BENCH_SINGLE_EVENTS ?? 500);
const consumeEvents = Number(process.env.BENCH_CONSUME_EVENTS ?? 2_000);
const logger = pino({ level: 'silent' });
const run = `bench_${Date.now().toString(36)}`;

function events(count: number): OutboxEntry[] {
  return Array.from({ length: count }, () => {
    const id = randomUUID();
    return newEvent({
      type: 'id.balai.complaints.complaint.submitted.v1',
      source: '/bench',
      subject: id,
      tenantId: '36.73',
      data: { complaintId: id, tenantId: '36.73', categoryCode: 'roads.pothole', submittedAt: new Date() },
    });
  });
}

/** The same bytes raw kafkajs would send for one event, built by hand. */
function rawMessage(entry: OutboxEntry) {
  return {
    key: entry.subject,
    value: JSON.stringify(entry.data),
    headers: { ce_id: entry.id, ce_type: entry.type, ce_tenant: entry.tenantId },
  };
}

async function topic(kafka: Kafka, name: string): Promise<string> {
  const admin = kafka.admin();
  await admin.connect();
  await ensureTopics(admin, [{ name, partitions: 8, replicationFactor: 1, config: {} }]);
  await admin.disconnect();
  return name;
}

async function timed(action: () => Promise<void>, count: number): Promise<number> {
  const started = process.hrtime.bigint();
  await action();
  return count / (Number(process.hrtime.bigint() - started) / 1e9);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

interface CaseResult {
  name: string;
  balai: number;
  raw: number;
  ratio: number;
  target: number;
}

async function compare(
  name: string,
  target: number,
  count: number,
  balai: () => Promise<void>,
  raw: () => Promise<void>,
): Promise<CaseResult> {
  const b: number[] = [];
  const r: number[] = [];
  await balai(); // warm-up, both
  await raw();
  for (let round = 0; round < rounds; round += 1) {
    // Alternate which goes first, so drift on the machine hits both alike.
    if (round % 2 === 0) {
      b.push(await timed(balai, count));
      r.push(await timed(raw, count));
    } else {
      r.push(await timed(raw, count));
      b.push(await timed(balai, count));
    }
  }
  const result = { name, balai: median(b), raw: median(r), ratio: median(b) / median(r), target };
  console.log(
    `${name.padEnd(34)} balai ${result.balai.toFixed(0).padStart(7)}/s  raw ${result.raw.toFixed(0).padStart(7)}/s  ` +
      `ratio ${result.ratio.toFixed(2)} (target ≥ ${target})`,
  );
  return result;
}

async function publishCases(kafka: Kafka, balaiProducer: Producer, rawProducer: Producer): Promise<CaseResult[]> {
  const name = await topic(kafka, `${run}.publish`);
  const batched = await compare(
    'publish, batched (5000 per send)',
    0.85,
    batchEvents,
    async () => {
      const messages = events(batchEvents).map(toKafkaRecord);
      await balaiProducer.sendBatch({ acks: -1, topicMessages: [{ topic: name, messages }] });
    },
    async () => {
      const messages = events(batchEvents).map(rawMessage);
      await rawProducer.sendBatch({ acks: -1, topicMessages: [{ topic: name, messages }] });
    },
  );
  const single = await compare(
    'publish, one event per send',
    0.7,
    singleEvents,
    async () => {
      for (const entry of events(singleEvents)) {
        await balaiProducer.send({ topic: name, acks: -1, messages: [toKafkaRecord(entry)] });
      }
    },
    async () => {
      for (const entry of events(singleEvents)) {
        await rawProducer.send({ topic: name, acks: -1, messages: [rawMessage(entry)] });
      }
    },
  );
  return [batched, single];
}

/** Fills a topic, then measures how fast a fresh group drains it. */
async function consumeCase(
  kafka: Kafka,
  producer: Producer,
  mongo: MongoClient,
  name: string,
  withUpsert: boolean,
): Promise<CaseResult> {
  const source = await topic(kafka, `${run}.consume.${withUpsert ? 'upsert' : 'noop'}`);
  const all = events(consumeEvents);
  await producer.sendBatch({ acks: -1, topicMessages: [{ topic: source, messages: all.map(toKafkaRecord) }] });
  const db = mongo.db(`${run}_${withUpsert ? 'upsert' : 'noop'}`);
  let group = 0;

  async function drain(start: (done: () => void, groupId: string) => Promise<{ disconnect(): Promise<void> }>) {
    group += 1;
    let resolveDone = () => {};
    const done = new Promise<void>((resolve) => {
      resolveDone = resolve;
    });
    const consumer = await start(resolveDone, `${source}.g${group}`);
    await done;
    await consumer.disconnect();
  }

  const apply = async (complaintId: string) => {
    if (withUpsert) {
      await db
        .collection('views')
        .updateOne({ _id: complaintId as never }, { $setOnInsert: { n: 1 } }, { upsert: true });
    }
  };

  return compare(
    name,
    0.85,
    consumeEvents,
    () =>
      drain(async (done, groupId) => {
        let seen = 0;
        return startEventConsumer({
          kafka,
          producer,
          groupId,
          topics: [source],
          topicPrefix: `${run}.`,
          processed: db.collection(`processed_${groupId}`),
          logger,
          handlers: {
            'id.balai.complaints.complaint.submitted.v1': async (event) => {
              await apply(event.data.complaintId);
              seen += 1;
              if (seen === consumeEvents) done();
            },
          },
        });
      }),
    () =>
      drain(async (done, groupId) => {
        let seen = 0;
        const consumer = kafka.consumer({ groupId });
        await consumer.connect();
        await consumer.subscribe({ topics: [source], fromBeginning: true });
        await consumer.run({
          eachMessage: async ({ message }) => {
            const data = JSON.parse(message.value?.toString('utf8') ?? '{}') as { complaintId: string };
            await apply(data.complaintId);
            seen += 1;
            if (seen === consumeEvents) done();
          },
        });
        return consumer;
      }),
  );
}

const kafka = createKafka({ clientId: run, brokers, logger });
const balaiProducer = createProducer(kafka);
const rawProducer = kafka.producer();
await Promise.all([balaiProducer.connect(), rawProducer.connect()]);
const mongo = await MongoClient.connect(mongoUrl);
try {
  console.log(`event-bus benchmark: ${rounds} alternating rounds, median throughput, brokers ${brokers.join(',')}`);
  const results = [
    ...(await publishCases(kafka, balaiProducer, rawProducer)),
    await consumeCase(kafka, balaiProducer, mongo, 'consume, no-op handler', false),
    await consumeCase(kafka, balaiProducer, mongo, 'consume, idempotent upsert', true),
  ];
  console.log(JSON.stringify({ run, rounds, results }));
} finally {
  await Promise.all([balaiProducer.disconnect(), rawProducer.disconnect(), mongo.close()]);
}
