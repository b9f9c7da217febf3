import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { recordTopicRecords } from './traffic-record.js';

export interface TopicRecord {
  partition: number;
  offset: number;
  key: string | null;
  value: string | null;
  headers: Record<string, string>;
}

function readerKafka(brokers: string): Kafka {
  return new Kafka({ clientId: 'balai-testkit-reader', brokers: brokers.split(','), logLevel: logLevel.NOTHING });
}

/** Where each partition of a topic ends now (its next offset): pass it later as `from` to read only what came since. */
export async function topicEndOffsets(options: { brokers: string; topic: string }): Promise<Map<number, number>> {
  const admin = readerKafka(options.brokers).admin();
  await admin.connect();
  try {
    const ends = await admin.fetchTopicOffsets(options.topic);
    return new Map(ends.map((end) => [end.partition, Number(end.high)]));
  } finally {
    await admin.disconnect();
  }
}

/**
 * Every record a topic holds right now, duplicates included, in offset order per partition
 * (records of one key keep the order they were written in), or only those from the offsets in
 * `from` on. Read with a throwaway consumer group up to the end offsets taken at the start.
 */
export async function readTopicRecords(options: {
  brokers: string;
  topic: string;
  from?: Map<number, number>;
}): Promise<TopicRecord[]> {
  const kafka = readerKafka(options.brokers);
  const admin = kafka.admin();
  await admin.connect();
  let ends: Awaited<ReturnType<typeof admin.fetchTopicOffsets>>;
  try {
    ends = await admin.fetchTopicOffsets(options.topic);
  } finally {
    await admin.disconnect();
  }
  const first = (partition: number, low: number) => Math.max(low, options.from?.get(partition) ?? 0);
  const remaining = new Map(
    ends
      .filter((end) => Number(end.high) > first(end.partition, Number(end.low)))
      .map((end) => [end.partition, Number(end.high) - 1]),
  );
  const records: TopicRecord[] = [];
  if (remaining.size === 0) return records;
  const consumer = kafka.consumer({ groupId: `balai-testkit-reader-${randomUUID()}` });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [options.topic], fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      consumer
        .run({
          eachMessage: async ({ partition, message }) => {
            const last = remaining.get(partition);
            const offset = Number(message.offset);
            if (last === undefined || offset > last || offset < (options.from?.get(partition) ?? 0)) return;
            records.push({
              partition,
              offset,
              key: message.key?.toString('utf8') ?? null,
              value: message.value?.toString('utf8') ?? null,
              headers: Object.fromEntries(
                Object.entries(message.headers ?? {}).map(([name, value]) => [name, String(value)]),
              ),
            });
            if (offset === last) remaining.delete(partition);
            if (remaining.size === 0) resolve();
          },
        })
        .then(() => {
          // Queued by kafkajs until the partitions are assigned; no seek reads from the beginning.
          for (const [partition, offset] of options.from ?? []) {
            if (remaining.has(partition)) consumer.seek({ topic: options.topic, partition, offset: String(offset) });
          }
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  records.sort((a, b) => a.partition - b.partition || a.offset - b.offset);
  recordTopicRecords(options.topic, records);
  return records;
}

/**
 * True once a consumer group has committed the end offset of every partition of a topic that
 * holds records: it has consumed all of them, duplicates included.
 */
export async function consumerGroupCaughtUp(options: {
  brokers: string;
  groupId: string;
  topic: string;
}): Promise<boolean> {
  const admin = new Kafka({
    clientId: 'balai-testkit-reader',
    brokers: options.brokers.split(','),
    logLevel: logLevel.NOTHING,
  }).admin();
  await admin.connect();
  try {
    const ends = await admin.fetchTopicOffsets(options.topic);
    const [committed] = await admin.fetchOffsets({ groupId: options.groupId, topics: [options.topic] });
    return ends.every(
      (end) =>
        Number(end.high) === Number(end.low) ||
        committed?.partitions.find((partition) => partition.partition === end.partition)?.offset === end.high,
    );
  } finally {
    await admin.disconnect();
  }
}
