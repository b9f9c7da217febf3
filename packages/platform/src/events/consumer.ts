import type { EventType } from '@balai/contracts';
import type { Consumer, IHeaders, Kafka, KafkaMessage, Producer } from 'kafkajs';
import type { Collection } from 'mongodb';
import { errorKind, isAppError } from '../errors.js';
import { ensureTopics } from '../kafka.js';
import type { Logger } from '../logger.js';
import { EnvelopeError, type EventEnvelope, fromKafkaMessage } from './envelope.js';

export type EventHandlers = {
  [T in EventType]?: (event: EventEnvelope<T>) => Promise<void>;
};

export interface EventConsumerOptions {
  kafka: Kafka;
  /** Producer used for the dead-letter topic. */
  producer: Producer;
  groupId: string;
  topics: string[];
  handlers: EventHandlers;
  /** Where applied events are recorded (by group and event id), in the consuming service's db. */
  processed: Collection<{ _id: string; type: string; appliedAt: Date }>;
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

/**
 * Runs one consumer group. Each event is applied at most once per event id (the handlers are
 * idempotent as well, so a crash between applying and recording changes nothing); a message
 * that cannot be decoded or keeps failing is dead-lettered with its reason and the consumer
 * carries on.
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
  const consumer = kafka.consumer({ groupId, sessionTimeout: 30_000, heartbeatInterval: 3_000 });
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

  await consumer.run({
    eachMessage: async ({ topic, partition, message }) => {
      let envelope: EventEnvelope;
      try {
        envelope = fromKafkaMessage(message);
      } catch (error) {
        await deadLetter(topic, partition, message, (error as Error).message, 1);
        return;
      }
      const handler = handlers[envelope.type] as ((event: EventEnvelope) => Promise<void>) | undefined;
      if (!handler) return;
      // Keyed by group as well: two groups of one service share the collection, not their progress.
      const appliedId = `${groupId}/${envelope.id}`;
      if (await processed.findOne({ _id: appliedId }, { projection: { _id: 1 } })) return;
      for (let attempt = 1; ; attempt += 1) {
        try {
          await handler(envelope);
          break;
        } catch (error) {
          if (!isRetryable(error) || attempt >= maxAttempts) {
            await deadLetter(topic, partition, message, (error as Error).message, attempt);
            return;
          }
          logger.debug({ err: error, attempt, eventId: envelope.id }, 'event handling failed; retrying');
          await new Promise((resolve) => setTimeout(resolve, retryBaseMs * 2 ** (attempt - 1)));
        }
      }
      await processed.updateOne(
        { _id: appliedId },
        { $setOnInsert: { type: envelope.type, appliedAt: new Date() } },
        { upsert: true },
      );
    },
  });
  return consumer;
}
