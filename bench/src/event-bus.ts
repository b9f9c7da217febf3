/**
 * Event-bus benchmark: Balai's publish and consume paths against raw kafkajs on the same broker.
 * Each case runs its Balai and raw variants alternately, several rounds, and reports the median
 * throughput ratio (Balai / raw). Needs the local infrastructure: `./balai infra up`, then
 * `pnpm --filter @balai/bench event-bus` (KAFKA_BROKERS / MONGO_URL override the defaults).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import {
  createKafka,
  createProducer,
  ensureTopics,
  type OutboxEntry,
  startEventConsumer,
  toKafkaRecord,
} from '@balai/platform';
import type { Kafka, Producer } from 'kafkajs';
import { MongoClient } from 'mongodb';
import { pino } from 'pino';
import { aSubmittedEvent } from '../../packages/platform/test/fixtures/submitted-event.js';

const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const mongoUrl = process.env.MONGO_URL ?? 'mongodb://127.0.0.1:27017/';
// Eleven: with five, one slow send on a busy 2-core machine moved a median by 20-30 %.
const rounds = Number(process.env.BENCH_ROUNDS ?? 11);
const batchEvents = Number(process.env.BENCH_BATCH_EVENTS ?? 5_000);
const singleEvents = Number(process.env.BENCH_SINGLE_EVENTS ?? 500);
const consumeEvents = Number(process.env.BENCH_CONSUME_EVENTS ?? 2_000);
const logger = pino({ level: 'silent' });
const run = `bench_${Date.now().toString(36)}`;

/** Events as the domain puts them in an outbox: with the traceparent of the request that caused them. */
function events(count: number): OutboxEntry[] {
  return Array.from({ length: count }, () => {
    const id = randomUUID();
    return aSubmittedEvent(id, {
      source: '/bench',
      traceparent: `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01`,
    });
  });
}

/**
 * The same record raw kafkajs has to send to carry the same event (CloudEvents binary mode),
 * built by hand: same key, value and headers, so both sides put the same bytes on the wire and
 * the ratio measures Balai's overhead, not the size of the contract.
 */
function rawMessage(entry: OutboxEntry) {
  const headers: Record<string, string> = {
    ce_specversion: '1.0',
    ce_id: entry.id,
    ce_type: entry.type,
    ce_source: entry.source,
    ce_subject: entry.subject,
    ce_time: entry.time,
    ce_tenant: entry.tenantId,
    'content-type': 'application/json',
  };
  if (entry.traceparent) headers.traceparent = entry.traceparent;
  return { key: entry.subject, value: JSON.stringify(entry.data), headers };
}

/** The smaller record the raw side used to send (id, type and tenant only), for the contract's cost. */
function threeHeaderMessage(entry: OutboxEntry) {
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

/** Input is made before the clock starts: building the domain events is not the path measured. */
async function timed<I>(prepare: () => I, action: (input: I) => Promise<void>, count: number): Promise<number> {
  const input = prepare();
  const started = process.hrtime.bigint();
  await action(input);
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
  /** Undefined for a reference measurement that has no target. */
  target: number | undefined;
}

async function compare<I>(
  name: string,
  target: number | undefined,
  count: number,
  prepare: () => I,
  balai: (input: I) => Promise<void>,
  raw: (input: I) => Promise<void>,
): Promise<CaseResult> {
  const b: number[] = [];
  const r: number[] = [];
  await balai(prepare()); // warm-up, both
  await raw(prepare());
  for (let round = 0; round < rounds; round += 1) {
    // Alternate which goes first, so drift on the machine hits both alike.
    if (round % 2 === 0) {
      b.push(await timed(prepare, balai, count));
      r.push(await timed(prepare, raw, count));
    } else {
      r.push(await timed(prepare, raw, count));
      b.push(await timed(prepare, balai, count));
    }
  }
  const result = { name, balai: median(b), raw: median(r), ratio: median(b) / median(r), target };
  console.log(
    `${name.padEnd(34)} balai ${result.balai.toFixed(0).padStart(7)}/s  raw ${result.raw.toFixed(0).padStart(7)}/s  ` +
      `ratio ${result.ratio.toFixed(2)} ${target === undefined ? '(reference)' : `(target ≥ ${target})`}`,
  );
  return result;
}

async function publishCases(kafka: Kafka, balaiProducer: Producer, rawProducer: Producer): Promise<CaseResult[]> {
  const name = await topic(kafka, `${run}.publish`);
  const batched = await compare(
    'publish, batched (5000 per send)',
    0.85,
    batchEvents,
    () => events(batchEvents),
    async (entries) => {
      const messages = entries.map(toKafkaRecord);
      await balaiProducer.sendBatch({ acks: -1, topicMessages: [{ topic: name, messages }] });
    },
    async (entries) => {
      const messages = entries.map(rawMessage);
      await rawProducer.sendBatch({ acks: -1, topicMessages: [{ topic: name, messages }] });
    },
  );
  const single = await compare(
    'publish, one event per send',
    0.7,
    singleEvents,
    () => events(singleEvents),
    async (entries) => {
      for (const entry of entries) {
        await balaiProducer.send({ topic: name, acks: -1, messages: [toKafkaRecord(entry)] });
      }
    },
    async (entries) => {
      for (const entry of entries) {
        await rawProducer.send({ topic: name, acks: -1, messages: [rawMessage(entry)] });
      }
    },
  );
  // Not Balai against raw: what carrying the full CloudEvents record costs raw kafkajs itself,
  // against the three headers this benchmark's raw side sent before 2026-11-29.
  const contract = await compare(
    'raw, full record vs three headers',
    undefined,
    batchEvents,
    () => events(batchEvents),
    async (entries) => {
      const messages = entries.map(rawMessage);
      await rawProducer.sendBatch({ acks: -1, topicMessages: [{ topic: name, messages }] });
    },
    async (entries) => {
      const messages = entries.map(threeHeaderMessage);
      await rawProducer.sendBatch({ acks: -1, topicMessages: [{ topic: name, messages }] });
    },
  );
  return [batched, single, contract];
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
    () => undefined,
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
