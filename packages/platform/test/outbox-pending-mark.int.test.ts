import { eventually, infrastructureEndpoints, readTopicRecords, testNamespace } from '@balai/testkit';
import { type Collection, MongoClient } from 'mongodb';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { type OutboxEntry, topicOf } from '../src/events/envelope.js';
import { OutboxRelay, outboxPendingMark } from '../src/events/outbox-relay.js';
import { createKafka, ensureTopics } from '../src/kafka.js';
import { streamTopics } from '../src/runtime.js';
import { aSubmittedEvent } from './fixtures/submitted-event.js';

/*
 * The relay finds aggregates with events by their pending mark (an indexed field), not by reading
 * every aggregate's outbox. The mark must never be missing while events wait: not on aggregates
 * written before it existed, and not when an append races the relay's removal.
 */

const ns = testNamespace(import.meta.filename);
const { kafkaBrokers: brokers, mongoUrl } = infrastructureEndpoints();
const type = 'id.balai.complaints.complaint.submitted.v1';
const topic = topicOf(type, ns.topicPrefix);
const logger = pino({ level: 'silent' });

interface AggregateDoc {
  _id: string;
  outbox: OutboxEntry[];
  outboxPending?: boolean;
}

let mongo: MongoClient;
let aggregates: Collection<AggregateDoc>;
const kafka = createKafka({ clientId: 'outbox-pending-mark-test', brokers: brokers.split(','), logger });

function event(aggregate: string): OutboxEntry {
  return aSubmittedEvent(aggregate, { source: '/test/outbox-pending-mark' });
}

function relay() {
  return new OutboxRelay({
    collection: aggregates as never,
    kafka,
    logger,
    topicPrefix: ns.topicPrefix,
    pollIntervalMs: 100,
  });
}

async function publishedIds(): Promise<Set<string>> {
  const records = await readTopicRecords({ brokers, topic });
  return new Set(records.map((record) => record.headers.ce_id ?? ''));
}

beforeAll(async () => {
  mongo = await MongoClient.connect(mongoUrl);
  aggregates = mongo.db(ns.database('platform')).collection<AggregateDoc>('marked');
  await aggregates.createIndex({ outboxPending: 1 }, { name: 'outbox_pending' });
  const admin = kafka.admin();
  await admin.connect();
  try {
    await ensureTopics(admin, streamTopics(ns.topicPrefix, 1));
  } finally {
    await admin.disconnect();
  }
});

afterAll(async () => {
  await mongo?.db(ns.database('platform')).dropDatabase();
  await mongo?.close();
});

describe('the outbox relay’s pending mark', () => {
  it('should publish events of aggregates written before the mark existed, and unmark every aggregate it empties', async () => {
    const old = [event('old-1'), event('old-1')];
    await aggregates.insertOne({ _id: 'old-1', outbox: old }); // no mark: written by an older version
    const marked = [event('new-1')];
    await aggregates.insertOne({ _id: 'new-1', outbox: marked, ...outboxPendingMark });
    await aggregates.insertOne({ _id: 'stale-1', outbox: [], ...outboxPendingMark }); // marked, nothing left
    const running = relay();
    await running.start();
    try {
      await eventually(
        async () => {
          const ids = await publishedIds();
          return [...old, ...marked].every((entry) => ids.has(entry.id)) ? true : undefined;
        },
        { what: 'the unmarked and the marked events on the topic' },
      );
      await eventually(
        async () =>
          (await aggregates.countDocuments({ outboxPending: { $exists: true } })) === 0 &&
          (await aggregates.countDocuments({ 'outbox.0': { $exists: true } })) === 0
            ? true
            : undefined,
        { what: 'every aggregate emptied and unmarked' },
      );
    } finally {
      await running.stop();
    }
  });

  it('should keep the mark, and publish, when events are appended while the relay works', async () => {
    await aggregates.insertOne({ _id: 'busy-1', outbox: [] });
    const running = relay();
    await running.start();
    const appended: OutboxEntry[] = [];
    try {
      for (let n = 0; n < 60; n += 1) {
        const entry = event('busy-1');
        appended.push(entry);
        // What a repository does: the event and the mark in one single-document write.
        await aggregates.updateOne({ _id: 'busy-1' }, { $push: { outbox: entry }, $set: outboxPendingMark });
        running.notify();
      }
      await eventually(
        async () => {
          const ids = await publishedIds();
          return appended.every((entry) => ids.has(entry.id)) ? true : undefined;
        },
        { what: 'every appended event on the topic', timeoutMs: 30_000 },
      );
      await eventually(
        async () => {
          const stored = await aggregates.findOne({ _id: 'busy-1' });
          return stored?.outbox.length === 0 && stored.outboxPending === undefined ? true : undefined;
        },
        { what: 'the aggregate emptied and unmarked' },
      );
    } finally {
      await running.stop();
    }
  });
});
