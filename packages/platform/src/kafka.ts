import { type Admin, type ITopicConfig, Kafka, logLevel, Partitioners, type Producer } from 'kafkajs';
import type { Logger } from './logger.js';

export type { Kafka };

/** Creates the service's Kafka client; nothing connects until a producer/consumer/admin does. */
export function createKafka(options: { clientId: string; brokers: string[]; logger: Logger }): Kafka {
  const log = options.logger.child({ component: 'kafkajs' });
  return new Kafka({
    clientId: options.clientId,
    brokers: options.brokers,
    connectionTimeout: 3_000,
    requestTimeout: 30_000,
    retry: { initialRetryTime: 100, retries: 8 },
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ level, log: entry }) => {
        const { message, ...rest } = entry;
        if (level <= logLevel.ERROR) log.error(rest, message);
        else if (level === logLevel.WARN) log.warn(rest, message);
        else log.debug(rest, message);
      },
  });
}

/**
 * The one producer shape: idempotent with acks=all (set per send), retrying without limit
 * (kafkajs requires that for the idempotent guarantees) with at most 5 s between tries, and the
 * Java-compatible murmur2 partitioner, so a key lands on the same partition whichever client
 * publishes it and one aggregate's events stay in order.
 */
export function createProducer(kafka: Kafka): Producer {
  return kafka.producer({
    idempotent: true,
    maxInFlightRequests: 5,
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
    retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 100, maxRetryTime: 5_000 },
  });
}

export interface TopicSpec {
  name: string;
  partitions: number;
  replicationFactor: number;
  config: Record<string, string>;
}

/** Creates the topics that do not exist yet; existing ones are left as they are. */
export async function ensureTopics(admin: Admin, topics: TopicSpec[]): Promise<string[]> {
  const existing = new Set(await admin.listTopics());
  const missing: ITopicConfig[] = topics
    .filter((topic) => !existing.has(topic.name))
    .map((topic) => ({
      topic: topic.name,
      numPartitions: topic.partitions,
      replicationFactor: topic.replicationFactor,
      configEntries: Object.entries(topic.config).map(([name, value]) => ({ name, value })),
    }));
  if (missing.length === 0) return [];
  const names = missing.map((topic) => topic.topic);
  try {
    await admin.createTopics({ topics: missing, waitForLeaders: true });
  } catch (error) {
    // Another service or instance created some of them at the same moment ("already exists",
    // or "does not host this topic-partition" while the leaders are still being elected): that
    // is the desired state once every topic exists with a leader.
    if (!(await topicsHaveLeaders(admin, names))) throw error;
  }
  return names;
}

async function topicsHaveLeaders(admin: Admin, names: string[], timeoutMs = 15_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const { topics } = await admin.fetchTopicMetadata({ topics: names });
      const led = topics.every((topic) => topic.partitions.length > 0 && topic.partitions.every((p) => p.leader >= 0));
      if (led && topics.length === names.length) return true;
    } catch {
      // Not there yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return false;
}
