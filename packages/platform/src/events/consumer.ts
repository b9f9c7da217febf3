import type { EventType } from '@balai/contracts';
import type { Consumer, IHeaders, Kafka, KafkaMessage, Producer } from 'kafkajs';
import { type Collection, MongoBulkWriteError } from 'mongodb';
import { errorKind, isAppError } from '../errors.js';
import { ensureTopics } from '../kafka.js';
import type { Logger } from '../logger.js';
import { duplicateKeyCode } from '../mongo.js';
import { inConsumerSpan } from '../telemetry/tracing.js';
import { EnvelopeError, type EventEnvelope, fromKafkaMessage } from './envelope.js';

export type EventHandlers = {
  [T in EventType]?: (event: EventEnvelope<T>) => Promise<void>;
};

/** One applied event in the consuming service's `processed` collection. */
type AppliedEvent = { _id: string; type: string; appliedAt: Date };

export interface EventConsumerOptions {
  kafka: Kafka;
  /** Producer used for the dead-letter topic. */
  producer: Producer;
  groupId: string;
  topics: string[];
  handlers: EventHandlers;
  /** Where applied events are recorded (by group and event id), in the consuming service's db. */
  processed: Collection<AppliedEvent>;
  logger: Logger;
  topicPrefix?: string;
  maxAttempts?: number;
  retryBaseMs?: number;
  /** Replication of the dead-letter topic when this consumer creates it. */
  deadLetterReplicationFactor?: number;
}

export function deadLetterTopic(groupId: string, topicPrefix = ''): string {
  return `${topicPrefix}balai.dlq.${groupId}`;
}

/** A transient failure is retried with backoff; anything else goes to the dead-letter topic. */
function isRetryable(error: unknown): boolean {
  if (error instanceof EnvelopeError) return false;
  if (isAppError(error)) return errorKind(error.code).retryable === true;
  // Driver and network errors: worth another try.
  return true;
}

/** Only duplicate keys: another instance or an earlier, unresolved try already recorded those ids. */
function onlyDuplicateKeys(error: unknown): boolean {
  if (!(error instanceof MongoBulkWriteError)) return false;
  const writeErrors = Array.isArray(error.writeErrors) ? error.writeErrors : [error.writeErrors];
  return writeErrors.length > 0 && writeErrors.every((writeError) => writeError.code === duplicateKeyCode);
}

type Handler = (event: EventEnvelope) => Promise<void>;

/** A message of the batch as the consumer sees it after decoding. */
type BatchEntry =
  | { kind: 'malformed'; message: KafkaMessage; reason: string }
  | { kind: 'unhandled'; message: KafkaMessage }
  | { kind: 'event'; message: KafkaMessage; envelope: EventEnvelope; handler: Handler; appliedId: string };

type DecodedEvent = Extract<BatchEntry, { kind: 'event' }>;

/** Where a batch came from, and its heartbeat to keep the group membership during long retries. */
interface BatchContext {
  topic: string;
  partition: number;
  heartbeat(): Promise<void>;
}

/**
 * Runs one consumer group. Each event is applied at most once per event id (the handlers are
 * idempotent as well, so a crash between applying and recording changes nothing); a message
 * that cannot be decoded or keeps failing is dead-lettered with its reason and the consumer
 * carries on.
 *
 * Work is done per fetched batch (one partition, in offset order, so one key's events keep their
 * order): one lookup of the batch's event ids among the applied ones, the handlers one event at
 * a time, one insert of the newly applied ids, and only then the offsets resolved and committed.
 */
export async function startEventConsumer(options: EventConsumerOptions): Promise<Consumer> {
  const { kafka, producer, groupId, handlers, processed, logger } = options;
  const maxAttempts = options.maxAttempts ?? 5;
  const retryBaseMs = options.retryBaseMs ?? 200;
  const dlqTopic = deadLetterTopic(groupId, options.topicPrefix);
  const admin = kafka.admin();
  await admin.connect();
  try {
    await ensureTopics(admin, [
      {
        name: dlqTopic,
        // One partition keeps dead letters in the order they died, for inspection and replay.
        partitions: 1,
        replicationFactor: options.deadLetterReplicationFactor ?? 1,
        config: { 'retention.ms': String(90 * 24 * 3600 * 1000) },
      },
    ]);
  } finally {
    await admin.disconnect();
  }
  // A short session: after a broker restart kafkajs rejoins as a new member, and the group waits
  // for the old member's session to expire before it rebalances (30 s was a 30 s stall).
  const consumer = kafka.consumer({ groupId, sessionTimeout: 10_000, heartbeatInterval: 2_000 });
  await consumer.connect();
  await consumer.subscribe({ topics: options.topics, fromBeginning: true });

  async function deadLetter(topic: string, partition: number, message: KafkaMessage, reason: string, attempts: number) {
    const headers: IHeaders = {
      ...message.headers,
      dlq_reason: reason.slice(0, 2_000),
      dlq_attempts: String(attempts),
      dlq_original_topic: topic,
      dlq_original_partition: String(partition),
      dlq_original_offset: message.offset,
      dlq_consumer_group: groupId,
      dlq_time: new Date().toISOString(),
    };
    await producer.send({
      topic: dlqTopic,
      acks: -1,
      messages: [{ key: message.key, value: message.value, headers }],
    });
    logger.warn({ topic, partition, offset: message.offset, reason, attempts }, 'event dead-lettered');
  }

  function decode(message: KafkaMessage): BatchEntry {
    let envelope: EventEnvelope;
    try {
      envelope = fromKafkaMessage(message);
    } catch (error) {
      return { kind: 'malformed', message, reason: (error as Error).message };
    }
    const handler = handlers[envelope.type] as Handler | undefined;
    if (!handler) return { kind: 'unhandled', message };
    // Keyed by group as well: two groups of one service share the collection, not their progress.
    return { kind: 'event', message, envelope, handler, appliedId: `${groupId}/${envelope.id}` };
  }

  /** Ids of the batch's events that this group applied before (an earlier try or a re-delivery). */
  async function appliedBefore(entries: BatchEntry[]): Promise<Set<string>> {
    const ids = [...new Set(entries.flatMap((entry) => (entry.kind === 'event' ? [entry.appliedId] : [])))];
    if (ids.length === 0) return new Set();
    const found = await processed.find({ _id: { $in: ids } }, { projection: { _id: 1 } }).toArray();
    return new Set(found.map((doc) => doc._id));
  }

  async function recordApplied(applied: AppliedEvent[]): Promise<void> {
    if (applied.length === 0) return;
    try {
      await processed.insertMany(applied, { ordered: false });
    } catch (error) {
      // Unordered: every other id is still inserted; the duplicates were recorded already.
      if (!onlyDuplicateKeys(error)) throw error;
    }
  }

  /**
   * Applies one event inside a consumer span that continues the trace the event carries (the
   * publish, and the request before it). Returns whether it was applied.
   */
  async function applyEvent(event: DecodedEvent, batch: BatchContext): Promise<boolean> {
    return inConsumerSpan(
      event.envelope.traceparent,
      `process ${batch.topic}`,
      {
        'messaging.system': 'kafka',
        'messaging.operation.type': 'process',
        'messaging.destination.name': batch.topic,
        'messaging.destination.partition.id': String(batch.partition),
        'messaging.consumer.group.name': groupId,
        'messaging.message.id': event.envelope.id,
        'cloudevents.event_type': event.envelope.type,
      },
      () => applyWithRetries(event, batch),
    );
  }

  /** The handler, retried with backoff while the failure is transient, else dead-lettered. */
  async function applyWithRetries(event: DecodedEvent, batch: BatchContext): Promise<boolean> {
    const { envelope, message } = event;
    for (let attempt = 1; ; attempt += 1) {
      try {
        await event.handler(envelope);
        return true;
      } catch (error) {
        if (!isRetryable(error) || attempt >= maxAttempts) {
          await deadLetter(batch.topic, batch.partition, message, (error as Error).message, attempt);
          return false;
        }
        logger.debug({ err: error, attempt, eventId: envelope.id }, 'event handling failed; retrying');
        await new Promise((resolve) => setTimeout(resolve, retryBaseMs * 2 ** (attempt - 1)));
        await batch.heartbeat();
      }
    }
  }

  await consumer.run({
    eachBatchAutoResolve: false,
    eachBatch: async ({ batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isRunning, isStale }) => {
      const context: BatchContext = { topic: batch.topic, partition: batch.partition, heartbeat };
      const entries = batch.messages.map(decode);
      const applied = await appliedBefore(entries);
      const newlyApplied: AppliedEvent[] = [];
      const done: string[] = [];
      let failed = false;
      let failure: unknown;
      try {
        for (const entry of entries) {
          // Stopping, or the partition moved to another member: leave the rest to whoever has it.
          if (!isRunning() || isStale()) break;
          if (entry.kind === 'malformed') {
            await deadLetter(batch.topic, batch.partition, entry.message, entry.reason, 1);
          } else if (entry.kind === 'event' && !applied.has(entry.appliedId)) {
            if (await applyEvent(entry, context)) {
              // A copy later in the same batch is a re-delivery too.
              applied.add(entry.appliedId);
              newlyApplied.push({ _id: entry.appliedId, type: entry.envelope.type, appliedAt: new Date() });
            }
          }
          done.push(entry.message.offset);
          await heartbeat();
        }
      } catch (error) {
        failed = true;
        failure = error;
      }
      // Recorded even when a later event failed, so the batch's retry skips what was applied.
      await recordApplied(newlyApplied);
      if (failed) throw failure;
      for (const offset of done) resolveOffset(offset);
      await commitOffsetsIfNecessary();
    },
  });
  return consumer;
}
