import { analyticsV1 } from '@balai/contracts';
import { consumeEvents, type Logger, startRuntime, startServing } from '@balai/platform';
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
    await consumeEvents(runtime, {
      groupId: config.KAFKA_GROUP_ID,
      streams: ['complaints'],
      handlers: complaintProjection(repository),
    });

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
