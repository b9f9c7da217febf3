import { analyticsV1, streams } from '@balai/contracts';
import {
  deadLetterTopic,
  ensureTopics,
  type Logger,
  startEventConsumer,
  startRuntime,
  startServing,
} from '@balai/platform';
import { complaintProjection } from './complaint-projection.js';
import { complaintViewModel } from './complaint-view.schema.js';
import { ComplaintViewRepository } from './complaint-view-repository.js';
import type { AnalyticsConfig } from './config.js';
import { analyticsGrpcHandlers } from './grpc-handlers.js';

export interface RunningAnalytics {
  grpcPort: number;
  httpPort: number;
  stop(): Promise<void>;
}

/** Starts analytics: read models fed by the complaint stream, gRPC queries, ops HTTP. */
export async function startAnalytics(
  config: AnalyticsConfig,
  options: { logger?: Logger } = {},
): Promise<RunningAnalytics> {
  const runtime = await startRuntime('analytics', config, options.logger);
  const { logger, lifecycle } = runtime;
  try {
    const views = complaintViewModel(runtime.mongo);
    await views.createCollection();
    await views.syncIndexes();
    const repository = new ComplaintViewRepository(views);
    const processed = runtime.mongo.db?.collection<{ _id: string; type: string; appliedAt: Date }>('processed_events');
    if (!processed) throw new Error('MongoDB connection has no database');

    const dlq = deadLetterTopic(config.KAFKA_GROUP_ID, runtime.topicPrefix);
    await ensureTopics(runtime.admin, [
      {
        name: dlq,
        // One partition keeps dead letters in the order they died, for inspection and replay.
        partitions: 1,
        replicationFactor: runtime.replicationFactor,
        config: { 'retention.ms': String(90 * 24 * 3600 * 1000) },
      },
    ]);
    const consumer = await startEventConsumer({
      kafka: runtime.kafka,
      producer: runtime.producer,
      groupId: config.KAFKA_GROUP_ID,
      topics: [`${runtime.topicPrefix}${streams.complaints.topic}`],
      handlers: complaintProjection(repository),
      processed,
      logger: logger.child({ component: 'consumer' }),
      topicPrefix: runtime.topicPrefix,
    });
    lifecycle.onStop('kafka consumer', () => consumer.disconnect());

    const ports = await startServing(
      runtime,
      { host: config.HOST, grpcPort: config.GRPC_PORT, httpPort: config.HTTP_PORT },
      (grpc) => {
        grpc.add(analyticsV1.AnalyticsServiceService, analyticsGrpcHandlers(logger, repository));
      },
    );
    return { ...ports, stop: () => lifecycle.shutdown() };
  } catch (error) {
    await lifecycle.shutdown('start-up failed');
    throw error;
  }
}
