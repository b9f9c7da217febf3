import { randomUUID } from 'node:crypto';
import type { IHeaders, Kafka, KafkaMessage, Producer } from 'kafkajs';
import { deadLetterTopic } from './consumer.js';

export interface DeadLetter {
  offset: string;
  key: string | null;
  reason: string;
  attempts: number;
  originalTopic: string;
  originalPartition: number;
  originalOffset: string;
  eventId?: string;
  eventType?: string;
  deadAt: string;
  message: KafkaMessage;
}

function text(headers: IHeaders | undefined, name: string): string | undefined {
  const raw = headers?.[name];
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (value === undefined) return undefined;
  return Buffer.isBuffer(value) ? value.toString('utf8') : String(value);
}

function toDeadLetter(message: KafkaMessage): DeadLetter {
  const h = message.headers;
  const letter: DeadLetter = {
    offset: message.offset,
    key: message.key?.toString('utf8') ?? null,
    reason: text(h, 'dlq_reason') ?? '(no reason recorded)',
    attempts: Number(text(h, 'dlq_attempts') ?? 0),
    originalTopic: text(h, 'dlq_original_topic') ?? '',
    originalPartition: Number(text(h, 'dlq_original_partition') ?? -1),
    originalOffset: text(h, 'dlq_original_offset') ?? '',
    deadAt: text(h, 'dlq_time') ?? '',
    message,
  };
  const eventId = text(h, 'ce_id');
  if (eventId) letter.eventId = eventId;
  const eventType = text(h, 'ce_type');
  if (eventType) letter.eventType = eventType;
  return letter;
}

/**
 * Reads dead letters of a consumer group from `fromOffset` (inclusive) to the current end of the
 * dead-letter topic (one partition), without committing anything.
 */
export async function readDeadLetters(options: {
  kafka: Kafka;
  groupId: string;
  topicPrefix?: string;
  fromOffset?: string;
}): Promise<DeadLetter[]> {
  const topic = deadLetterTopic(options.groupId, options.topicPrefix);
  const admin = options.kafka.admin();
  await admin.connect();
  let end: number;
  try {
    if (!(await admin.listTopics()).includes(topic)) return [];
    const offsets = await admin.fetchTopicOffsets(topic);
    end = Math.max(...offsets.map((partition) => Number(partition.high)));
  } finally {
    await admin.disconnect();
  }
  const from = Number(options.fromOffset ?? 0);
  if (end <= from) return [];
  const letters: DeadLetter[] = [];
  // A throwaway group that never commits: reading does not move anything.
  const consumer = options.kafka.consumer({ groupId: `balai.dlq-reader.${randomUUID()}` });
  await consumer.connect();
  try {
    await new Promise<void>((resolve, reject) => {
      consumer.on(consumer.events.GROUP_JOIN, () => consumer.seek({ topic, partition: 0, offset: String(from) }));
      consumer.subscribe({ topics: [topic], fromBeginning: true }).then(
        () =>
          consumer.run({
            autoCommit: false,
            eachMessage: async ({ message }) => {
              if (Number(message.offset) >= from && Number(message.offset) < end) letters.push(toDeadLetter(message));
              if (Number(message.offset) >= end - 1) resolve();
            },
          }),
        reject,
      );
    });
  } finally {
    await consumer.disconnect();
  }
  return letters.sort((a, b) => Number(a.offset) - Number(b.offset));
}

/**
 * Sends dead letters back to their original topic, with their original key, value and headers
 * (without the dlq_* ones), so the consumer group applies them again — once, since consumers
 * are idempotent by event id. Returns the next offset to replay from, so a caller can record
 * progress and never replay a letter twice.
 */
export async function replayDeadLetters(options: {
  kafka: Kafka;
  producer: Producer;
  groupId: string;
  topicPrefix?: string;
  fromOffset?: string;
  select?: (letter: DeadLetter) => boolean;
}): Promise<{ replayed: DeadLetter[]; nextOffset: string }> {
  const letters = await readDeadLetters(options);
  const chosen = letters.filter((letter) => letter.originalTopic && (options.select?.(letter) ?? true));
  for (const letter of chosen) {
    const headers: IHeaders = {};
    for (const [name, value] of Object.entries(letter.message.headers ?? {})) {
      if (!name.startsWith('dlq_') && value !== undefined) headers[name] = value;
    }
    headers.dlq_replayed_from = `${deadLetterTopic(options.groupId, options.topicPrefix)}@${letter.offset}`;
    await options.producer.send({
      topic: letter.originalTopic,
      acks: -1,
      messages: [{ key: letter.message.key, value: letter.message.value, headers }],
    });
  }
  const last = letters.at(-1);
  return { replayed: chosen, nextOffset: last ? String(Number(last.offset) + 1) : (options.fromOffset ?? '0') };
}

/** The consumer group whose committed offset records how far a group's dead letters were replayed. */
function replayGroup(groupId: string): string {
  return `${groupId}.dlq-replayed`;
}

/**
 * Replays every dead letter of a group that was not replayed before, and records the new
 * position in Kafka so a second run does not repeat them. A letter that fails again is
 * dead-lettered again, as a new letter.
 */
export async function replayPendingDeadLetters(options: {
  kafka: Kafka;
  producer: Producer;
  groupId: string;
  topicPrefix?: string;
}): Promise<DeadLetter[]> {
  const topic = deadLetterTopic(options.groupId, options.topicPrefix);
  const admin = options.kafka.admin();
  await admin.connect();
  try {
    const [position] = await admin.fetchOffsets({ groupId: replayGroup(options.groupId), topics: [topic] });
    const committed = position?.partitions[0]?.offset ?? '-1';
    const fromOffset = Number(committed) >= 0 ? committed : '0';
    const { replayed, nextOffset } = await replayDeadLetters({ ...options, fromOffset });
    if (nextOffset !== fromOffset) {
      await admin.setOffsets({
        groupId: replayGroup(options.groupId),
        topic,
        partitions: [{ partition: 0, offset: nextOffset }],
      });
    }
    return replayed;
  } finally {
    await admin.disconnect();
  }
}
