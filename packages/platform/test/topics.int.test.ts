import { streams } from '@balai/contracts';
import { infrastructureEndpoints, testNamespace } from '@balai/testkit';
import { ConfigResourceTypes } from 'kafkajs';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createKafka, ensureTopics } from '../src/kafka.js';
import { streamTopics } from '../src/runtime.js';

const ns = testNamespace(import.meta.filename);
const kafka = createKafka({
  clientId: ns.id,
  brokers: infrastructureEndpoints().kafkaBrokers.split(','),
  logger: pino({ level: 'silent' }),
});

describe('topics as code', () => {
  it('should provision every stream with its partitions and retention, once, capped to the cluster', async () => {
    const admin = kafka.admin();
    await admin.connect();
    try {
      const { brokers } = await admin.describeCluster();
      const specs = streamTopics(ns.topicPrefix, Math.min(3, brokers.length));
      expect(await ensureTopics(admin, specs)).toEqual(specs.map((spec) => spec.name));
      expect(await ensureTopics(admin, specs)).toEqual([]);

      const topic = `${ns.topicPrefix}${streams.complaints.topic}`;
      const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
      expect(metadata.topics[0]?.partitions).toHaveLength(8);
      const described = await admin.describeConfigs({
        includeSynonyms: false,
        resources: [{ type: ConfigResourceTypes.TOPIC, name: topic }],
      });
      const config = Object.fromEntries(
        (described.resources[0]?.configEntries ?? []).map((entry) => [entry.configName, entry.configValue]),
      );
      expect(config).toMatchObject({
        'cleanup.policy': 'delete',
        'retention.ms': streams.complaints.config['retention.ms'],
        'min.insync.replicas': String(Math.min(2, brokers.length)),
      });
    } finally {
      await admin.disconnect();
    }
  });
});
